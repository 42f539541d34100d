//! Helpers shared by the integration tests: an event log processes write to.
#![allow(dead_code)]

use scamp::prelude::*;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn push(&self, s: impl Into<String>) {
        self.0.lock().unwrap().push(s.into());
    }
    /// Records "name beat time_in_master" for a clock, rounded to 9 decimals.
    pub fn stamp(&self, clock: &Clock, what: &str) {
        self.push(format!(
            "{what} {} b={:.9} t={:.9}",
            clock.name(),
            clock.beat(),
            clock.time_in_master()
        ));
    }
    /// A process that stamps `what` on its clock as it starts, and ends.
    pub fn stamper(&self, what: &'static str) -> impl FnOnce(Clock) -> scamp::Result<()> + Send {
        let log = self.clone();
        move |c| {
            log.stamp(&c, what);
            Ok(())
        }
    }
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

pub fn fast(tempo: f64) -> Session {
    Session::fast_forward_session(tempo).unwrap()
}
