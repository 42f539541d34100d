#!/usr/bin/env bash
# Quick start: set up, build, and render the demo piece to a WAV file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -j2 --release --examples --bins
mkdir -p target/renders
./target/release/examples/demo --render target/renders/demo.wav
echo "The demo piece is in $(pwd)/target/renders/demo.wav"
