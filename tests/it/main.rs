//! The integration tests, one module per subject, in one test binary (one link, one run).
//!
//! Four tests are binaries of their own because they need a process to themselves:
//! `desktop_listen` and `no_display` change `DISPLAY` and start the process-wide keyboard and
//! mouse source, `processes_at_scale` measures the process's memory, and `simultaneous_forks`
//! uses up the process's memory maps (the kernel's `vm.max_map_count`), which would make the
//! forks of tests running beside it fail.
//!
//! Run one subject with `cargo test --test it hosted::`.

#[path = "../support/mod.rs"]
mod support;

mod audio_alloc;
mod bad_input;
mod cli_messages;
mod clock_api;
mod determinism;
mod exit_status;
mod export_font;
mod fuzz_json;
mod fuzz_osc;
mod fuzz_soundfonts;
mod host_transport;
mod hosted;
mod instrument_input;
mod lilypond;
mod midi_export;
mod midi_listen;
mod musescore;
mod music_xml;
mod notation;
mod osc_listen;
mod output_files;
mod outputs;
mod performance_json;
mod piano_roll;
mod quantization;
mod render;
mod saves_to_json;
mod scamp_examples;
mod scamp_oracle;
mod scamp_properties;
mod scheduling;
mod tempo_fixtures;
mod transcription;
