#!/usr/bin/env bash
# bench/load_vs_duckdb.sh DATA_DIR [ROUNDS]: `retain load` against DuckDB alone
# (bench/peer/duckdb_load.py) on the same files, alternately, each into a fresh database file,
# ROUNDS times (default 2). Prints one line per run: label, wall seconds, peak RSS in KB.
set -euo pipefail
DATA=$1
ROUNDS=${2:-2}
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RETAIN=${RETAIN:-${CARGO_TARGET_DIR:-$HOME/.cache/retain-target}/release/retain}
PYTHON=${PYTHON:-$BENCH/venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
run() {
    local label=$1
    shift
    rm -f "$WORK"/db*
    /usr/bin/time -f "$label %e s %M KB" "$@" > /dev/null 2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    tail -1 "$WORK/err"
}
for _ in $(seq "$ROUNDS"); do
    run retain "$RETAIN" --db "$WORK/db.duckdb" load "$DATA"
    run duckdb "$PYTHON" "$BENCH/peer/duckdb_load.py" "$DATA" "$WORK/db.duckdb"
done
