//! # scamp: computer-assisted composition in Rust
//!
//! A piece is a set of **processes** running on **clocks**. The [`Session`] is the master
//! clock; [`Clock::fork`] starts a process on a new child clock, and [`Clock::wait`] lets
//! musical time pass on that clock. Child clocks have their own tempo, relative to their
//! parent, that can jump or glide ([`Clock::set_tempo_target`]), so several tempi can run at
//! once and stay in exact relation.
//!
//! ## Ideal time
//! Nothing musical ever reads the wall clock. The session keeps one **ideal time**; every
//! clock's beat and time derive from it through the tempo curves. Exactly one process runs at
//! a time, and processes that wake at the same moment run in a fixed order (deeper clocks
//! first, then in fork order), so a piece always does the same thing: a run in real time, a
//! fast-forwarded one and an offline render produce identical events.
//!
//! ```
//! use scamp::prelude::*;
//! use std::sync::{Arc, Mutex};
//!
//! let session = Session::fast_forward_session(120.0)?;
//! let log = Arc::new(Mutex::new(Vec::new()));
//! for (name, tempo) in [("slow", 60.0), ("fast", 90.0)] {
//!     let log = Arc::clone(&log);
//!     session.fork_with(move |clock| {
//!         for _ in 0..3 {
//!             log.lock().unwrap().push(format!("{name} beat {} at {:.3}s", clock.beat(), clock.time_in_master()));
//!             clock.wait(1.0)?;
//!         }
//!         Ok(())
//!     }, ForkOptions::new().name(name).initial_tempo(tempo))?;
//! }
//! session.wait_for_children_to_finish()?;
//! let log = log.lock().unwrap();
//! // A master beat at 120 bpm lasts 0.5 s. A child's tempo counts beats per *parent* minute:
//! // at 60 a child beat is one master beat (0.5 s), at 90 it is 2/3 of one (1/3 s).
//! assert_eq!(log[0], "slow beat 0 at 0.000s");
//! assert_eq!(log[2], "fast beat 1 at 0.333s");
//! assert_eq!(log[3], "slow beat 1 at 0.500s");
//! assert_eq!(log.last().unwrap(), "slow beat 2 at 1.000s");
//! # Ok::<(), scamp::Error>(())
//! ```
//!
//! ## Where things live
//! From the top of the layers down (each module uses only those below it; the drawing is in
//! `docs/ARCHITECTURE.md`):
//! - [`run`](mod@run): the command line every piece gets, offline renders ([`run::render_piece`]) and
//!   real-time playback; [`hosted`]: a piece in a plugin host; [`remote`]: SCAMP-OSC remote mode.
//! - [`replay`]: a transcribed performance played back, or written as a MIDI file.
//! - [`session`]: the [`Session`]; [`ensemble`]: its instruments; [`listen`]: live input (OSC,
//!   MIDI, keyboard and mouse listeners).
//! - [`instrument`]: [`ScampInstrument`] and the `play_note` family; [`transcribe`]: what was
//!   played, as a SCAMP `Performance`; [`playback`]: SoundFont, MIDI and OSC output.
//! - [`render`]: the audio side (event ring, synths, WAV); [`soundfont`]: fonts and presets
//!   (a General-MIDI font is built in); [`json`]: SCAMP's JSON conventions.
//! - [`clock`]: clock handles; [`scheduler`]: the queue, the baton and the [`driver`]s
//!   (fast-forward, real-time); [`tempo`]: tempo maths ([`Envelope`], [`TempoEnvelope`],
//!   [`MetricPhaseTarget`]); [`event`]: the MIDI messages playbacks make and synths play.

#![deny(missing_debug_implementations)]
#![deny(missing_docs)]

pub mod clock;
pub mod ensemble;
mod error;
pub mod event;
pub mod hosted;
pub mod instrument;
pub mod json;
pub mod listen;
pub mod name_match;
pub mod notation;
pub mod output_file;
pub mod pieces;
pub mod pin;
pub mod playback;
pub mod quantization;
pub mod random;
pub mod remote;
pub mod render;
pub mod replay;
pub mod run;
pub mod saves_to_json;
pub mod scheduler;
pub mod session;
pub mod session_options;
pub mod soundfont;
pub mod tempo;
pub mod transcribe;

pub use clock::{
    current_clock, fork, wait, wait_until, Clock, DurationUnits, Envelope, ForkOptions,
    FunctionOptions, MetricPhaseTarget, ScheduleAt, SyncPolicy, TargetOptions, TargetsOptions,
    TempoEnvelope,
};
pub use ensemble::{Ensemble, MidiPartOptions, OscPartOptions, PartOptions};
pub use error::{Cause, Error, Result};
pub use instrument::{
    ChangeOptions, ChordHandle, Length, NoteHandle, NoteProperties, Param, Pitch, PlayOptions,
    PropertiesArg, ScampInstrument,
};
pub use listen::keyboard::KeyboardListenerOptions;
pub use listen::mouse::MouseListenerOptions;
/// The OSC crate listeners and OSC parts speak (`OscType` for callback arguments).
pub use rosc;
pub use run::{run, run_with, RunArgs};
pub use saves_to_json::SavesToJson;
pub use scheduler::driver;
pub use scheduler::driver::TimingPolicy;
pub use session::Session;
pub use session_options::SessionOptions;

/// Everything a piece needs: `use scamp::prelude::*;`.
pub mod prelude {
    pub use crate::clock::{
        current_clock, fork, wait, wait_until, Clock, DurationUnits, Envelope, ForkOptions,
        FunctionOptions, MetricPhaseTarget, ScheduleAt, SyncPolicy, TargetOptions, TargetsOptions,
        TempoEnvelope,
    };
    pub use crate::driver::{Driver, FastForwardDriver, RealTimeDriver, TimingPolicy};
    pub use crate::ensemble::{MidiPartOptions, OscPartOptions, PartOptions};
    pub use crate::error::{Error, Result};
    pub use crate::instrument::{
        Amount, ChangeOptions, ChordHandle, NoteHandle, NotePlaybackAdjustment, NoteProperties,
        Param, PlayOptions, PlaybackSettings, PropertiesArg, ScampInstrument, Spanner,
        SpellingPolicy, StaffText,
    };
    pub use crate::listen::keyboard::KeyboardListenerOptions;
    pub use crate::listen::mouse::MouseListenerOptions;
    pub use crate::playback::midi::MidiDevice;
    pub use crate::saves_to_json::SavesToJson;
    pub use crate::session::Session;
    pub use crate::session_options::SessionOptions;
}
