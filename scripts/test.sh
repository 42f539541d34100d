#!/usr/bin/env bash
# The whole test suite: set-up, formatting and lint checks, unit, integration and doc tests,
# the examples (pieces rendered to WAV), and short benchmark runs (figures printed, never
# asserted).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo fmt --manifest-path plugin-template/Cargo.toml -- --check
cargo clippy -j2 --workspace --all-targets -- -D warnings
# The modules layer: no import cycle between the library's modules, nor the plugin's.
python3 scripts/module_cycles.py src --self-test --layers docs/ARCHITECTURE.md
python3 scripts/module_cycles.py plugin/src
# Build the tests, then bundle the plugin, so the CLAP host test loads the fresh bundle; the
# plugin of misbehaving pieces is a crate of its own (as a user's plugin is).
cargo test -j2 --workspace --all-targets --no-run
cargo fmt --manifest-path plugin/faults/Cargo.toml -- --check
CARGO_TARGET_DIR=target/faults cargo clippy -j2 -q --manifest-path plugin/faults/Cargo.toml -- -D warnings
CARGO_TARGET_DIR=target/faults cargo build -j2 -q --manifest-path plugin/faults/Cargo.toml
cargo xtask bundle scamp-plugin --release
cargo test -j2 --workspace --all-targets
cargo test -j2 --doc
# The API documentation builds without broken links.
RUSTDOCFLAGS="-D warnings" cargo doc -j2 --no-deps --workspace -q
# The README's "your own pieces as a plugin" crate compiles and exports a plugin.
CARGO_TARGET_DIR=target/template cargo clippy -j2 --manifest-path plugin-template/Cargo.toml -- -D warnings
# Real MIDI ports through a JACK server with the dummy driver (no sound card or ALSA sequencer
# needed); users keep ALSA, the default.
jackd -d dummy -r 48000 >/dev/null 2>&1 &
jack_pid=$!
trap 'kill "$jack_pid" 2>/dev/null || true' EXIT
sleep 1
cargo test -j2 --features jack-midi --test it midi_listen::
kill "$jack_pid" 2>/dev/null || true
wait "$jack_pid" 2>/dev/null || true
# A thousand hosted pieces dropped at random moments on a loaded machine, and the seeded
# fuzz tests (release build: thousands of cases each, under a timeout each).
cargo test -j2 --release --test it -- --ignored hosted::a_thousand_hosted_pieces_dropped
cargo test -j2 --release --test it -- --ignored fuzz_soundfonts:: fuzz_json::
# The plugin under nice-plug's allocation checker (debug build, real-time pacing), also with
# its window open while files are chosen in it.
cargo test -j2 -p scamp-plugin --features assert_process_allocs --test clap_host --test clap_editor process_never
for example in hello_world tempo_change forks_and_blocking multi_tempo osc_listener osc_sender; do
  cargo run -j2 -q --example "$example" >/dev/null 2>&1 || { echo "example $example failed"; exit 1; }
done
cargo build -j2 -q --release --examples --bins
mkdir -p target/renders
for example in demo random_durations_and_rests glissandi_and_envelopes note_handles microtonal \
  note_properties playback_implementations; do
  ./target/release/examples/"$example" --render "target/renders/$example.wav" \
    --json "target/renders/$example.json" --quiet >/dev/null \
    || { echo "example $example failed"; exit 1; }
done
# SCAMP 0.13 loads and notates every Performance the examples saved.
if [ -x target/scamp-venv/bin/python ]; then
  for example in demo random_durations_and_rests glissandi_and_envelopes note_handles microtonal \
    note_properties playback_implementations; do
    target/scamp-venv/bin/python tests/scamp/check_performance.py --strict \
      "target/renders/$example.json" >/dev/null || { echo "SCAMP cannot read $example.json"; exit 1; }
  done
else
  echo "SCAMP 0.13 is not installed: the examples' Performances are not checked by SCAMP"
fi
# The VST3 in independent hosts: minihost and DawDreamer (PyPI, in a venv under target/) and
# Ardour 7 (Debian), each compared with the project's own exact render (`scamp host`).
if [ -x target/hosts-venv/bin/python ] || python3 -m venv target/hosts-venv >/dev/null 2>&1; then
  if target/hosts-venv/bin/python -m pip install -q --disable-pip-version-check minihost dawdreamer numpy >/dev/null 2>&1; then
    target/hosts-venv/bin/python plugin/tests/hosts/minihost_vst3.py target/bundled/scamp.vst3
    target/hosts-venv/bin/python plugin/tests/hosts/dawdreamer_vst3.py target/bundled/scamp.vst3 \
      target/release/scamp target/host-tests/dawdreamer
  else
    echo "minihost and dawdreamer could not be installed from PyPI: those VST3 host tests are skipped"
  fi
  if command -v ardour7-lua >/dev/null 2>&1; then
    target/hosts-venv/bin/python plugin/tests/hosts/ardour_vst3.py target/bundled/scamp.vst3 \
      target/release/scamp target/host-tests/ardour
    # A session reopened with the state the plugin saved after files were chosen in its window
    # (written by the CLAP editor test above).
    target/hosts-venv/bin/python plugin/tests/hosts/ardour_state.py target/bundled/scamp.vst3 \
      target/release/scamp target/editor-test/clap-state.json target/host-tests/ardour-state
  else
    echo "ardour7-lua is not installed: the Ardour test is skipped"
  fi
else
  echo "python3 -m venv is not available: the VST3 host tests are skipped"
fi
# SCAMP's notation tutorials as scores (MusicXML).
./target/release/examples/notation target/renders >/dev/null
engraved=()
if command -v mscore3 >/dev/null || command -v musescore3 >/dev/null; then
  engraved=(--score-pdf target/renders/demo.pdf)
else
  echo "MuseScore 3 is not installed: the demo's score is not engraved"
fi
./target/release/examples/demo --render target/renders/demo.wav --json target/renders/demo.json \
  --midi target/renders/demo.mid --png target/renders/demo.png \
  --musicxml target/renders/demo.musicxml --ly target/renders/demo.ly "${engraved[@]}" --quiet
if [ ${#engraved[@]} -gt 0 ]; then
  head -c 4 target/renders/demo.pdf | grep -q '%PDF'
fi
# The demo's LilyPond compiles without a warning.
if command -v lilypond >/dev/null; then
  (cd target/renders && lilypond -l WARNING -o demo-ly demo.ly 2>&1 | tee demo-ly.log)
  if [ -s target/renders/demo-ly.log ]; then
    echo "LilyPond complained about demo.ly" >&2
    exit 1
  fi
else
  echo "LilyPond is not installed: demo.ly is not compiled"
fi
./target/release/scamp convert target/renders/demo.json --midi target/renders/demo-flat.mid \
  --png target/renders/demo-converted.png --flatten-tempo 120 >/dev/null
./target/release/scamp play target/renders/demo.json --render target/renders/demo-replayed.wav --quiet
./target/release/scamp presets default >/dev/null
./target/release/scamp bench waits --processes 100 --waits 1000
./target/release/scamp bench notes --processes 100 --notes 1000 --parts 10
./target/release/scamp bench notation --notes 10000 --parts 10
./target/release/scamp bench render --parts 16 --seconds 30 2>/dev/null
# A ten-minute render streamed into its WAV: peak memory stays that of a short one.
./target/release/scamp bench render --parts 1 --seconds 600 --stream target/renders/bench-stream.wav 2>/dev/null
rm -f target/renders/bench-stream.wav
