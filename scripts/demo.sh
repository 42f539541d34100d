#!/usr/bin/env bash
# Quick start: set up, build, and run the demo piece.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build -j2 --release --examples --bins
echo
./target/release/examples/hello_world
