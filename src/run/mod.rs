//! Running a piece: the command line every piece gets ([`run`]), an offline render
//! ([`render_piece`]), real-time playback ([`realtime::play_piece`]), and what they share
//! (`piece`: the session a piece runs in, its end, its failures), which the plugin's hosted
//! pieces use too.
//!
//! Above the session and the audio side: the session does not know how it is run, and the
//! renderer does not know what a piece is.

mod command_line;
pub mod offline;
mod options;
pub(crate) mod piece;
pub mod realtime;

pub use command_line::{run, run_with, RunArgs};
pub use offline::{render_piece, RenderOptions, RenderReport};
