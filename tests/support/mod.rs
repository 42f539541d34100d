//! What the integration tests share: helpers each test module `use`s from `crate::support`
//! (and the few tests that need a process of their own include by path).
#![allow(dead_code)]

pub mod audio;
pub mod cli;
pub mod common;
pub mod fuzz;
pub mod json;
pub mod pages;
pub mod scamp_oracle;
pub mod wait;
pub mod xvfb;
