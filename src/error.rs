//! The one error type of the engine.
//!
//! Every fallible library call returns `Result<_, scamp::Error>`. Messages name the bad value
//! and say what would have been valid, so a composer can fix a piece without reading our code.

use thiserror::Error;

/// Everything that can go wrong when calling into the engine. New kinds of failure may be
/// added (so a `match` needs a catch-all arm).
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A duration (wait, tempo-change length, fast-forward span...) that is NaN, infinite or
    /// negative.
    #[error("invalid {what}: {value} (must be a finite number >= 0)")]
    InvalidDuration {
        /// The value's name.
        what: &'static str,
        /// What was given.
        value: f64,
    },

    /// A tempo, rate or beat length that is not a finite number > 0.
    #[error("invalid {what}: {value} (must be a finite number > 0)")]
    InvalidTempo {
        /// The value's name.
        what: &'static str,
        /// What was given.
        value: f64,
    },

    /// Any other numeric argument out of its range.
    #[error("invalid {what}: {value} ({expected})")]
    InvalidValue {
        /// The value's name.
        what: &'static str,
        /// What was given.
        value: f64,
        /// What would have been valid.
        expected: &'static str,
    },

    /// An argument that is not a single number out of range (that is [`Error::InvalidValue`]):
    /// lists of different lengths, an empty list, a string that does not parse. `name` names
    /// the argument, `value` shows what was given, `expected` says what would have been valid.
    #[error("invalid {name}: {value} ({expected})")]
    InvalidArgument {
        /// The argument's name.
        name: String,
        /// What was given.
        value: String,
        /// What would have been valid.
        expected: String,
    },

    /// `wait` (or another call that blocks a process) was made on a clock from a thread or
    /// process that is not running on that clock.
    #[error("`{call}` was called on clock '{clock}' from outside its own process ({caller}); only the process running on a clock may block on it")]
    NotOwnProcess {
        /// The call that blocks.
        call: &'static str,
        /// The clock it was made on.
        clock: String,
        /// Who made it.
        caller: String,
    },

    /// A free function (`wait`, `fork`, `current_clock`) was called from a thread that is not
    /// running any clock's process.
    #[error("`{0}` was called from a thread that is not running a clock process; call it on a clock or from inside a forked process")]
    NoCurrentClock(&'static str),

    /// A call only the master clock supports (fast-forwarding) was made on a child clock.
    #[error("`{call}` is only available on the master clock, not on clock '{clock}'")]
    NotMaster {
        /// The call.
        call: &'static str,
        /// The child clock it was made on.
        clock: String,
    },

    /// Fast-forwarding to a beat or time that has already passed.
    #[error(
        "cannot fast-forward clock '{clock}' to {units} {target}: it is already at {units} {now}"
    )]
    FastForwardToPast {
        /// The clock asked to fast-forward.
        clock: String,
        /// "beat" or "time".
        units: &'static str,
        /// Where it was asked to go.
        target: f64,
        /// Where it is.
        now: f64,
    },

    /// A fork scheduled at a beat that has already passed.
    #[error(
        "cannot schedule a fork on clock '{clock}' at beat {target}: it is already at beat {now}"
    )]
    ScheduleInPast {
        /// The clock the fork was asked of.
        clock: String,
        /// The beat asked for.
        target: f64,
        /// The clock's beat now.
        now: f64,
    },

    /// The clock was killed and cannot do this any more.
    #[error("clock '{0}' is no longer alive")]
    ClockDead(String),

    /// The session was stopped while the process on `clock` waited or acted: a render that
    /// reached its `--duration`, a plugin host that removed the piece, a session dropped. What
    /// a process gets back from its calls from then on, so it can end.
    #[error("the session has stopped, so the process on clock '{clock}' cannot go on")]
    Aborted {
        /// The clock whose process was told.
        clock: String,
    },

    /// User code panicked: the piece's own function (`clock` is the master's), or a process.
    #[error("the process on clock '{clock}' panicked: {message}")]
    Panicked {
        /// The clock whose process panicked.
        clock: String,
        /// The panic's message.
        message: String,
    },

    /// JSON that is not what it should be: `what` names the kind of document (Performance,
    /// Session, ...), `path` the file (if it came from one), `reason` the JSON path of the
    /// problem and what is wrong there.
    #[error("invalid {what} JSON{}: {reason}", path.as_ref().map(|p| format!(" in {p}")).unwrap_or_default())]
    InvalidJson {
        /// The kind of document: Performance, Session, ...
        what: String,
        /// The file it was read from, if any.
        path: Option<String>,
        /// The JSON path of the problem and what is wrong there.
        reason: String,
    },

    /// A tempo target that cannot be reached as asked.
    #[error("tempo target cannot be set: {0}")]
    TempoTarget(String),

    /// The host or mode owns this setting (e.g. the master tempo inside a plugin).
    #[error("{0}")]
    Refused(String),

    /// The session could not start a thread or a process stack.
    #[error("could not start {what}: {reason}")]
    Resource {
        /// What could not start.
        what: &'static str,
        /// Why.
        reason: String,
    },

    /// A SoundFont file that is missing, unreadable or not a SoundFont this synth can play.
    #[error("could not load SoundFont '{path}': {reason}")]
    SoundFont {
        /// The font asked for.
        path: String,
        /// Why it cannot be played.
        reason: String,
        /// The underlying error (the file system's, when the file could not be read).
        #[source]
        source: Option<Cause>,
    },

    /// A MIDI or audio device that does not exist.
    #[error("no {kind} named '{requested}'; available: {}", if available.is_empty() { "none".to_string() } else { available.join(", ") })]
    UnknownDevice {
        /// "MIDI input port", "MIDI output port", "audio device", ...
        kind: &'static str,
        /// The name asked for.
        requested: String,
        /// The names there are.
        available: Vec<String>,
    },

    /// An output (MIDI port, OSC socket, audio device, file) could not be opened or written.
    #[error("{what}: {reason}")]
    Output {
        /// The output.
        what: String,
        /// Why it failed.
        reason: String,
        /// The underlying error (the file system's, the socket's, the device layer's), when
        /// there is one.
        #[source]
        source: Option<Cause>,
    },

    /// Processes of the piece failed (returned an error, panicked or overflowed their stack)
    /// while the rest played on: the piece did not play as written.
    #[error("{count} process(es) of the piece failed; the first: {first}")]
    ProcessesFailed {
        /// How many failed.
        count: usize,
        /// The first failure, naming its clock.
        first: String,
    },

    /// Children of the clock that waited for them failed (returned an error, panicked or
    /// overflowed their stack) while the others played on.
    #[error("{count} child process(es) of clock '{clock}' failed; the first: {first}")]
    ChildrenFailed {
        /// The clock that waited.
        clock: String,
        /// How many children failed.
        count: usize,
        /// The first failure, naming its clock.
        first: String,
    },

    /// A process ran user code for longer than the limit without waiting, so the piece could
    /// not go on (an offline render stops there, keeping the audio so far).
    #[error("the process on clock '{clock}' ran for {seconds:.1} s without waiting, so the render was stopped there (a process must wait, play a note or make another blocking call in every loop; --runaway-limit sets the limit)")]
    Runaway {
        /// The process's clock.
        clock: String,
        /// How long it ran without waiting.
        seconds: f64,
    },

    /// The keyboard or mouse cannot be listened to: no graphical display, or one that lacks
    /// what listening needs.
    #[error("cannot listen to the {what}: {reason}")]
    NoDisplay {
        /// "keyboard" or "mouse".
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The error underneath this one, if there is one (the same as
    /// [`std::error::Error::source`], typed).
    pub fn cause(&self) -> Option<&Cause> {
        match self {
            Error::Output { source, .. } | Error::SoundFont { source, .. } => source.as_ref(),
            _ => None,
        }
    }

    /// [`Error::Output`] with no underlying error.
    pub fn output(what: impl Into<String>, reason: impl std::fmt::Display) -> Error {
        Error::Output {
            what: what.into(),
            reason: reason.to_string(),
            source: None,
        }
    }

    /// [`Error::Output`] caused by `cause` (its words are the reason; it is the source).
    pub fn output_caused(
        what: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        let cause = Cause::new(cause);
        Error::Output {
            what: what.into(),
            reason: cause.to_string(),
            source: Some(cause),
        }
    }

    /// [`Error::InvalidArgument`]: `name` was given `value`, and `expected` would have done.
    pub fn invalid_argument(
        name: impl Into<String>,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) -> Error {
        Error::InvalidArgument {
            name: name.into(),
            value: value.to_string(),
            expected: expected.into(),
        }
    }
}

/// The error underneath an [`Error`](enum@Error) (an `std::io::Error`, a socket's or a device layer's),
/// handed over by [`std::error::Error::source`] so a caller can look at it (e.g.
/// `downcast_ref::<std::io::Error>()` for its `kind()`). Its words are already part of the
/// outer message, which therefore reads whole on its own: print the outer error once, not its
/// chain. Shared, so that `Error` stays `Clone`; two causes are equal when they say the same.
#[derive(Clone)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// Wraps `error`.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause(std::sync::Arc::new(error))
    }

    /// The underlying error as a `T`, if it is one.
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Cause {
    /// The wrapped error itself, so that walking the chain of sources meets it (and what
    /// lies beneath it) by its own type.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        self.to_string() == other.to_string()
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checks that `value` is finite and >= 0.
pub(crate) fn check_duration(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidDuration { what, value })
    }
}

/// Checks that `value` is finite and > 0.
pub(crate) fn check_positive(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidValue {
            what,
            value,
            expected: "must be a finite number > 0",
        })
    }
}

/// Checks that a tempo (or a beat length, its inverse) is finite and > 0.
pub(crate) fn check_tempo(what: &'static str, value: f64) -> Result<f64> {
    check_positive(what, value).map_err(|_| Error::InvalidTempo { what, value })
}

/// Checks that `value` is finite.
pub(crate) fn check_finite(what: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::InvalidValue {
            what,
            value,
            expected: "must be a finite number",
        })
    }
}

impl From<std::convert::Infallible> for Error {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}
