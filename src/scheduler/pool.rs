//! The thread pool behind `fork_unsynchronized`: work that runs outside the clock system
//! (loading files, talking to the network) without blocking any process.
//!
//! The pool grows as needed (no fixed cap) and reuses idle threads; a thread that stays idle
//! for [`IDLE_TIMEOUT`] exits. A panicking job is reported and its thread keeps serving.

use crate::error::{Error, Result};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle workers, each waiting on its own channel.
#[derive(Default)]
pub(crate) struct WorkerPool {
    idle: Mutex<Vec<Sender<Job>>>,
}

/// The process-wide pool.
pub(crate) fn global() -> &'static Arc<WorkerPool> {
    static POOL: OnceLock<Arc<WorkerPool>> = OnceLock::new();
    POOL.get_or_init(|| Arc::new(WorkerPool::default()))
}

impl WorkerPool {
    /// Runs `job` on an idle worker, or on a new one.
    pub fn spawn(self: &Arc<Self>, job: Job) -> Result<()> {
        let mut job = Some(job);
        loop {
            let worker = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let Some(worker) = worker else { break };
            match worker.send(job.take().expect("job present")) {
                Ok(()) => return Ok(()),
                // That worker timed out and exited: take the job back and try the next.
                Err(returned) => job = Some(returned.0),
            }
        }
        let (tx, rx) = channel::<Job>();
        tx.send(job.take().expect("job present"))
            .expect("fresh channel");
        let pool = Arc::clone(self);
        std::thread::Builder::new()
            .name("scamp-unsynchronized".into())
            .spawn(move || loop {
                match rx.recv_timeout(IDLE_TIMEOUT) {
                    Ok(job) => {
                        // Outside every session: logged, and no session's to count.
                        let _ = super::process::run_body("unsynchronized fork", job);
                        pool.idle
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(tx.clone());
                    }
                    Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })
            .map(|_| ())
            .map_err(|e| Error::Resource {
                what: "a worker thread",
                reason: e.to_string(),
            })
    }

    #[cfg(test)]
    pub fn idle_workers(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn reuses_idle_threads_and_survives_panics() {
        let pool = Arc::new(WorkerPool::default());
        let (tx, rx) = channel();
        let t = tx.clone();
        pool.spawn(Box::new(move || {
            t.send(std::thread::current().id()).unwrap()
        }))
        .unwrap();
        let first = rx.recv().unwrap();
        while pool.idle_workers() == 0 {
            std::thread::yield_now();
        }
        pool.spawn(Box::new(|| panic!("job failure is reported, not fatal")))
            .unwrap();
        while pool.idle_workers() == 0 {
            std::thread::yield_now();
        }
        let t = tx.clone();
        pool.spawn(Box::new(move || {
            t.send(std::thread::current().id()).unwrap()
        }))
        .unwrap();
        assert_eq!(rx.recv().unwrap(), first, "the idle worker is reused");
    }
}
