//! The thread pool behind `fork_unsynchronized`: work that runs outside the clock system
//! (loading files, talking to the network) without blocking any process.
//!
//! The pool grows as needed (no fixed cap) and reuses idle threads; a thread that stays idle
//! for [`IDLE_TIMEOUT`] exits. A panicking job is reported and its thread keeps serving. Each
//! session runs at most its `max_threads` jobs at once ([`Limited`]): more wait their turn in
//! order (SCAMP's thread-pool size; the forking process never blocks).

use crate::error::{Error, Result};
use std::collections::VecDeque;
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
    pub(crate) fn idle_workers(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A session's share of the pool: at most `max` of its jobs run at once, the rest queue.
pub(crate) struct Limited {
    max: std::sync::atomic::AtomicUsize,
    state: Mutex<(usize, VecDeque<Job>)>,
}

/// SCAMP's default `max_threads`.
pub const DEFAULT_MAX_THREADS: usize = 200;

impl Default for Limited {
    fn default() -> Self {
        Limited {
            max: DEFAULT_MAX_THREADS.into(),
            state: Mutex::new((0, VecDeque::new())),
        }
    }
}

impl Limited {
    /// Sets how many jobs may run at once (at least one).
    pub fn set_max(&self, max: usize) {
        self.max
            .store(max.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// How many jobs may run at once.
    pub fn max(&self) -> usize {
        self.max.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs `job` on `pool` now if fewer than `max` run, else when one of them ends.
    pub fn submit(self: &Arc<Self>, pool: &Arc<WorkerPool>, job: Job) -> Result<()> {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.0 >= self.max() {
                state.1.push_back(job);
                return Ok(());
            }
            state.0 += 1;
        }
        self.start(pool, job)
    }

    fn start(self: &Arc<Self>, pool: &Arc<WorkerPool>, job: Job) -> Result<()> {
        let (me, on) = (Arc::clone(self), Arc::clone(pool));
        let started = pool.spawn(Box::new(move || {
            // Ends (and hands its slot to the next) even if the job panics.
            struct Next(Arc<Limited>, Arc<WorkerPool>);
            impl Drop for Next {
                fn drop(&mut self) {
                    self.0.finished(&self.1);
                }
            }
            let _next = Next(me, on);
            job();
        }));
        if started.is_err() {
            self.state.lock().unwrap_or_else(|e| e.into_inner()).0 -= 1;
        }
        started
    }

    fn finished(self: &Arc<Self>, pool: &Arc<WorkerPool>) {
        let next = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            match state.1.pop_front() {
                Some(job) => Some(job),
                None => {
                    state.0 -= 1;
                    None
                }
            }
        };
        if let Some(job) = next {
            if let Err(e) = self.start(pool, job) {
                log::error!("an unsynchronized fork could not start: {e}");
            }
        }
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
