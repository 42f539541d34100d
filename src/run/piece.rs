//! Running one piece on a session, the part every way of running it shares (offline render,
//! real-time playback, a plugin host): the session it runs in, how its end is reached, and
//! what its failures become. Called from the thread that owns the piece's master clock.

use super::options::RenderOptions;
use crate::error::{Error, Result};
use crate::scheduler::paced::Pace;
use crate::session::Session;
use crate::transcribe::Performance;

/// A session paced by `pace`, with the options' tempo, seed and default SoundFont: what both
/// the offline render and real-time playback run a piece in.
pub(crate) fn paced_session(options: &RenderOptions, pace: &Pace) -> Result<Session> {
    let session = Session::with_driver(options.tempo, pace.driver())?;
    session.rng().seed(options.seed);
    if let Some(sf) = &options.soundfont {
        session.ensemble().soundfont(sf)?;
        session.set_default_soundfont(sf.clone());
    }
    Ok(session)
}

/// Runs `piece` to its end (its children too), ends every note still sounding, and returns
/// the piece's error, if any, with the transcription when the options ask for one.
pub(crate) fn perform<F>(
    session: &Session,
    options: &RenderOptions,
    piece: F,
) -> Result<(Option<Error>, Option<Performance>)>
where
    F: FnOnce(&Session) -> Result<()>,
{
    if options.transcribe {
        session.start_transcribing()?;
    }
    let mut piece_error = run_caught(session, || piece(session)).err();
    if let Err(e) = session.wait_for_children_to_finish() {
        piece_error.get_or_insert(e);
    }
    // A process that failed while the rest played on: the piece did not play as written. The
    // session's own count covers every failure, so it stands for what the master's waits
    // heard of its children.
    let (count, failures) = session.failed_processes();
    if let Some(first) = failures.into_iter().next() {
        if matches!(piece_error, None | Some(Error::ChildrenFailed { .. })) {
            piece_error = Some(Error::ProcessesFailed { count, first });
        }
    }
    session.ensemble().end_all_notes();
    let performance = if options.transcribe {
        // A session given up on (a process never waits) may not give its transcription.
        match session.stop_transcribing() {
            Ok(p) => Some(p),
            Err(e) => {
                piece_error.get_or_insert(e);
                None
            }
        }
    } else {
        None
    };
    Ok((piece_error, performance))
}

/// For a piece stopped at `--duration`: its waits failing because of the stop is not the
/// piece's fault, so that error is dropped (any other is kept).
pub(crate) fn excuse_stop(piece_error: &mut Option<Error>, options: &RenderOptions) {
    if let Some(Error::Aborted { .. }) = piece_error {
        *piece_error = None;
    }
    log::info!(
        "the piece was stopped after --duration {:?} s",
        options.duration
    );
}

/// Runs the piece's master process on `session`, turning a panic into
/// [`Error::Panicked`] (the audio so far is kept, as a panic in a forked process is reported
/// and the rest plays on).
pub(crate) fn run_caught(session: &Session, piece: impl FnOnce() -> Result<()>) -> Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(piece)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(Error::Panicked {
            clock: session.name(),
            message,
        })
    })
}
