#!/usr/bin/env bash
# The whole test suite: set-up, formatting and lint checks, unit, integration and doc tests,
# the examples, and a short benchmark run (figures printed, never asserted).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all -- --check
cargo clippy -j2 --all-targets -- -D warnings
cargo test -j2 --all-targets
cargo test -j2 --doc
for example in hello_world tempo_change forks_and_blocking multi_tempo; do
  cargo run -j2 -q --example "$example" >/dev/null 2>&1 || { echo "example $example failed"; exit 1; }
done
cargo run -j2 -q --release --bin scamp -- bench waits --processes 100 --waits 1000
