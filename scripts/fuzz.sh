#!/usr/bin/env bash
# Fuzz the typed inputs (model files, dates, search text), the CSV loader, the JSON importer
# and every import adapter (tests/adapters.rs) with many more cases than CI runs.
# Usage: scripts/fuzz.sh [CASES]   (default 20000; bounded by FUZZ_SECONDS, default 600)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/retain-target}"
export PROPTEST_CASES="${1:-20000}"
timeout "${FUZZ_SECONDS:-600}" cargo test --release --test fuzz --test adapters -- --test-threads 2
