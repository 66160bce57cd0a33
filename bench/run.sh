#!/usr/bin/env bash
# bench/run.sh [S|M|L]: time retain against DuckDB alone and against pandas (see BENCHMARKS.md).
#
#   S = 300 accounts, M = 10,000 accounts (~5M usage rows), L = 100,000 accounts (~50M rows).
#   RUNS=5        runs per figure (median and min–max are reported)
#   RETAIN=PATH   the binary [default: $CARGO_TARGET_DIR or ~/.cache/retain-target, release/retain]
#   PANDAS=0|1    run the pandas comparison (default: 1 for S and M, 0 for L)
#
# Prints a markdown table and writes it to bench/results/<size>-<date>.md. Exits non-zero when
# a step fails or when pandas and retain disagree on any account.
set -euo pipefail

SIZE=${1:-S}
case "$SIZE" in
    S) ACCOUNTS=300 ACCOUNTS_LABEL=300 ;;
    M) ACCOUNTS=10000 ACCOUNTS_LABEL=10,000 ;;
    L) ACCOUNTS=100000 ACCOUNTS_LABEL=100,000 ;;
    *) echo "usage: bench/run.sh [S|M|L]" >&2; exit 2 ;;
esac
RUNS=${RUNS:-5}
if [ "$SIZE" = L ]; then PANDAS=${PANDAS:-0}; else PANDAS=${PANDAS:-1}; fi

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
RETAIN=${RETAIN:-${CARGO_TARGET_DIR:-$HOME/.cache/retain-target}/release/retain}
if [ ! -x "$RETAIN" ]; then
    echo "no retain binary at $RETAIN: build it (cargo build --release) or set RETAIN=PATH" >&2
    exit 1
fi

# --- Python peers: a virtualenv with pinned duckdb (the engine version the duckdb crate
# 1.20000.x bundles: DuckDB 2.0.0) and pandas.
DUCKDB_PY=2.0.0
PANDAS_PY=2.3.3
VENV=$BENCH/venv
PY=$VENV/bin/python
if ! "$PY" -c "import duckdb, pandas, sys; sys.exit(duckdb.__version__ != '$DUCKDB_PY' or pandas.__version__ != '$PANDAS_PY')" 2>/dev/null; then
    echo "setting up $VENV (duckdb==$DUCKDB_PY pandas==$PANDAS_PY)" >&2
    python3 -m venv "$VENV"
    "$PY" -m pip install --quiet --disable-pip-version-check "duckdb==$DUCKDB_PY" "pandas==$PANDAS_PY" >&2
fi

# --- Data: generated once per size, reused when complete (and holding every contract table:
# a set made before outcomes and contacts existed is made again).
DATA=$BENCH/data/$SIZE
if [ ! -f "$DATA/.complete" ] || [ ! -f "$DATA/contacts.csv" ]; then
    echo "generating $DATA ($ACCOUNTS accounts, seed 42)" >&2
    "$RETAIN" sample --seed 42 --accounts "$ACCOUNTS" --out "$DATA" --force >&2
    touch "$DATA/.complete"
fi

# Scratch databases live beside the data (same disk as the data, git-ignored).
WORK=$(mktemp -d "$BENCH/data/work-$SIZE.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/times" "$WORK/logs"
# Every run uses one copy of the binary, even if a build replaces it meanwhile.
cp "$RETAIN" "$WORK/retain"
RETAIN_BUILT=$(date -u -r "$RETAIN" '+%Y-%m-%d %H:%M UTC')
RETAIN_PATH=$RETAIN
RETAIN=$WORK/retain

# --- The timer: wall time from date(1) in ns around the process; peak RSS and CPU time from
# GNU time -v, else from a tiny Python wrapper using getrusage(RUSAGE_CHILDREN).
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIMER=(/usr/bin/time -v -o "$WORK/rusage")
    TIMER_NAME="wall clock from date +%s%N; peak RSS from /usr/bin/time -v"
else
    TIMER=("$PY" "$BENCH/rusage.py" "$WORK/rusage")
    TIMER_NAME="wall clock from date +%s%N; peak RSS from getrusage(RUSAGE_CHILDREN)"
fi

# The machine may be shared (compiles). Before each run we wait (up to QUIET_WAIT seconds) until
# the cores are idle, and after it we work out how much CPU other processes took during it:
# all busy CPU time in /proc/stat minus the measured process's own user + system time. A run in
# which others took more than QUIET_MAX % of the machine is discarded and repeated (up to
# RETRIES times; then the last one is kept and the table shows the contention it saw).
QUIET=${QUIET:-1}
QUIET_MAX=${QUIET_MAX:-10}
QUIET_WAIT=${QUIET_WAIT:-900}
RETRIES=${RETRIES:-4}
TICKS=$(getconf CLK_TCK)

# cpu_ticks: "busy total" jiffies of all cores since boot.
cpu_ticks() {
    local _ user nice system idle iowait irq softirq steal
    read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
    local busy=$((user + nice + system + irq + softirq + steal))
    echo "$busy $((busy + idle + iowait))"
}

# cpu_busy [SECONDS]: the share (%) of all cores busy over the next SECONDS (default 5).
cpu_busy() {
    local b1 t1 b2 t2
    read -r b1 t1 < <(cpu_ticks)
    sleep "${1:-5}"
    read -r b2 t2 < <(cpu_ticks)
    echo $((100 * (b2 - b1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}

wait_quiet() {
    [ "$QUIET" = 1 ] || return 0
    local waited=0
    while [ "$(cpu_busy 2)" -ge "$QUIET_MAX" ]; do
        waited=$((waited + 2))
        if [ "$waited" -ge "$QUIET_WAIT" ]; then
            echo "  (machine still busy after ${QUIET_WAIT} s; measuring anyway)" >&2
            return 0
        fi
    done
}

# measure NAME RUN SETUP COMMAND...: runs SETUP (a shell function, untimed), then COMMAND;
# appends "wall_ns peak_rss_kib others_pct" to times/NAME. A step that fails is reported (its first error line goes into the table), not run
# again, and makes the script exit non-zero at the end; the other steps still run.
FAILED=0
measure() {
    local name=$1 run=$2 setup=$3
    shift 3
    local log="$WORK/logs/$name.$run.log" start end b1 t1 b2 t2 rss own others try=0
    if [ -f "$WORK/failed/$name" ]; then return 0; fi
    while :; do
        "$setup"
        wait_quiet
        read -r b1 t1 < <(cpu_ticks)
        start=$(date +%s%N)
        if ! "${TIMER[@]}" "$@" >"$log" 2>&1; then
            echo "FAILED: $name (run $run): $*" >&2
            tail -n 30 "$log" >&2
            mkdir -p "$WORK/failed"
            { echo "run $run: $(grep -v '^Command exited' "$log" | grep -m1 -i 'error' || tail -n 1 "$log")"; } \
                | cut -c1-300 >"$WORK/failed/$name"
            FAILED=1
            return 0
        fi
        end=$(date +%s%N)
        read -r b2 t2 < <(cpu_ticks)
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/rusage")
        own=$(awk -F': ' -v hz="$TICKS" '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%d", s * hz }' "$WORK/rusage")
        others=$(((b2 - b1) - own))
        others=$((others < 0 ? 0 : 100 * others / (t2 - t1 > 0 ? t2 - t1 : 1)))
        printf '  %-14s run %s: %6.2f s, %5s MiB, others used %s%% of the CPU\n' "$name" "$run" \
            "$(awk -v ns=$((end - start)) 'BEGIN { print ns / 1e9 }')" "$((rss / 1024))" "$others" >&2
        try=$((try + 1))
        if [ "$QUIET" != 1 ] || [ "$others" -lt "$QUIET_MAX" ] || [ "$try" -gt "$RETRIES" ]; then
            break
        fi
        echo "  (contended: run repeated)" >&2
        echo 1 >>"$WORK/repeated"
    done
    echo "$((end - start)) $rss $others" >>"$WORK/times/$name"
}

# copy_db FROM TO: a database file (and its WAL, if any) copied for a run to modify.
copy_db() {
    rm -f "$2" "$2.wal"
    cp "$1" "$2"
    if [ -f "$1.wal" ]; then cp "$1.wal" "$2.wal"; fi
}

csv_files=("$DATA"/*.csv)
# Records, not lines: quoted comments may span lines.
rows=$("$PY" -c '
import csv, os, sys
csv.field_size_limit(1 << 30)
counts = []
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        counts.append(f"{os.path.basename(path)[:-4]} {sum(1 for _ in csv.reader(f)) - 1:,}")
print(", ".join(counts))' "${csv_files[@]}")
{
    echo "size=$SIZE"
    echo "accounts=$ACCOUNTS_LABEL"
    echo "date=$(date -u +%Y-%m-%d) $(date -u +%H:%M) UTC"
    echo "machine=$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr)"
    echo "retain=$RETAIN_PATH ($("$RETAIN" --version), built $RETAIN_BUILT, sha256 $(sha256sum "$RETAIN" | cut -c1-12))"
    echo "python=$("$PY" -c 'import platform; print(platform.python_version())')"
    echo "duckdb=$("$PY" -c 'import duckdb; print(duckdb.__version__)')"
    echo "pandas=$("$PY" -c 'import pandas; print(pandas.__version__)')"
    echo "rows=$rows"
    echo "csv_mb=$(du -cm "${csv_files[@]}" | tail -1 | cut -f1)"
    echo "runs=$RUNS"
    echo "timer=$TIMER_NAME"
    echo "nice=$(nice)"
    echo "quiet=$QUIET (discard a run when others take ≥ $QUIET_MAX% of the CPU during it; up to $RETRIES repeats)"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busy_start=$(cpu_busy 5)%"
} >"$WORK/info"

# Warm the page cache so that no run pays for the first read of the files.
cat "${csv_files[@]}" >/dev/null

fresh_load() { rm -f "$WORK/load.duckdb" "$WORK/load.duckdb.wal"; }
fresh_peer() { rm -f "$WORK/peer.duckdb" "$WORK/peer.duckdb.wal"; }
fresh_score() { copy_db "$WORK/loaded.duckdb" "$WORK/score.duckdb"; }
fresh_console() { copy_db "$WORK/loaded.duckdb" "$WORK/console.duckdb"; }
nothing() { :; }

echo "a. load ($RUNS runs each)" >&2
for run in $(seq 1 "$RUNS"); do
    retain_load() { measure load_retain "$run" fresh_load "$RETAIN" --db "$WORK/load.duckdb" load "$DATA"; }
    duckdb_load() { measure load_duckdb "$run" fresh_peer "$PY" "$BENCH/peer/duckdb_load.py" "$DATA" "$WORK/peer.duckdb"; }
    if [ $((run % 2)) -eq 1 ]; then retain_load; duckdb_load; else duckdb_load; retain_load; fi
done
rm -f "$WORK/peer.duckdb" "$WORK/peer.duckdb.wal"
LOADED=0
if [ ! -f "$WORK/failed/load_retain" ]; then
    copy_db "$WORK/load.duckdb" "$WORK/loaded.duckdb"
    rm -f "$WORK/load.duckdb" "$WORK/load.duckdb.wal"
    LOADED=1
fi

if [ "$LOADED" = 1 ]; then
    echo "b. score ($RUNS runs each)" >&2
    for run in $(seq 1 "$RUNS"); do
        retain_score() { measure score_retain "$run" fresh_score "$RETAIN" --db "$WORK/score.duckdb" score --history 1; }
        duckdb_score() { measure score_duckdb "$run" fresh_score "$PY" "$BENCH/peer/duckdb_score.py" "$WORK/score.duckdb" "$ROOT/queries"; }
        if [ $((run % 2)) -eq 1 ]; then retain_score; duckdb_score; else duckdb_score; retain_score; fi
    done
fi

agreement_failed=0
if [ "$PANDAS" = 1 ]; then
    echo "c. pandas ($RUNS runs)" >&2
    for run in $(seq 1 "$RUNS"); do
        measure pandas "$run" nothing "$PY" "$BENCH/peer/health_pandas.py" "$DATA" "$WORK/pandas.csv"
    done
    echo "c. agreement check" >&2
    if [ "$LOADED" != 1 ]; then
        echo "not checked: retain load failed" >"$WORK/agreement"
        agreement_failed=1
    elif [ ! -f "$WORK/pandas.csv" ]; then
        echo "not checked: the pandas step failed" >"$WORK/agreement"
        agreement_failed=1
    elif ! copy_db "$WORK/loaded.duckdb" "$WORK/accounts.duckdb" ||
        ! "$RETAIN" --db "$WORK/accounts.duckdb" accounts --format csv >"$WORK/retain_accounts.csv" \
        2>"$WORK/logs/accounts.log"; then
        { echo "not checked: retain accounts --format csv failed:"; cut -c1-300 "$WORK/logs/accounts.log"; } \
            >"$WORK/agreement"
        agreement_failed=1
    elif ! "$PY" "$BENCH/peer/health_pandas.py" --compare "$WORK/pandas.csv" "$WORK/retain_accounts.csv" \
        >"$WORK/agreement"; then
        agreement_failed=1
    fi
    cat "$WORK/agreement" >&2
    if [ "$agreement_failed" = 1 ] && [ -f "$WORK/retain_accounts.csv" ] && [ -f "$WORK/pandas.csv" ]; then
        mkdir -p "$BENCH/results"
        cp "$WORK/pandas.csv" "$BENCH/results/$SIZE-pandas.csv"
        cp "$WORK/retain_accounts.csv" "$BENCH/results/$SIZE-retain-accounts.csv"
        echo "both outputs kept in bench/results/$SIZE-pandas.csv and $SIZE-retain-accounts.csv" >&2
    fi
fi

if ! "$RETAIN" bench-console --help >/dev/null 2>&1; then
    echo "console=retain bench-console (the binary has no such subcommand yet)" >>"$WORK/info"
elif [ "$LOADED" != 1 ]; then
    echo "console=retain bench-console (not run: retain load failed)" >>"$WORK/info"
else
    echo "d. console ($RUNS runs)" >&2
    for run in $(seq 1 "$RUNS"); do
        measure console "$run" fresh_console "$RETAIN" --db "$WORK/console.duckdb" bench-console
        # Its own figures (JSON on stdout) of the kept run.
        if [ ! -f "$WORK/failed/console" ]; then
            sed -n '/^{/,/^}/p' "$WORK/logs/console.$run.log" >"$WORK/console.$run.json"
        fi
    done
fi

# What the Python peers pay before any work: the interpreter and the import.
echo "reference: Python start-up ($RUNS runs each)" >&2
for run in $(seq 1 "$RUNS"); do
    measure python_duckdb "$run" nothing "$PY" -c "import duckdb"
    measure python_pandas "$run" nothing "$PY" -c "import pandas"
done

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/info"
echo "repeated=$(cat "$WORK/repeated" 2>/dev/null | wc -l)" >>"$WORK/info"

mkdir -p "$BENCH/results"
RESULT="$BENCH/results/$SIZE-$(date -u +%Y-%m-%d).md"
python3 "$BENCH/report.py" "$WORK" | tee "$RESULT"
echo "(written to ${RESULT#"$ROOT"/})" >&2

if [ "$FAILED" = 1 ]; then
    echo "FAILED: a step failed (marked in the table above)" >&2
fi
if [ "$agreement_failed" = 1 ]; then
    echo "FAILED: pandas and retain do not agree, or could not be compared (see above)" >&2
fi
if [ "$FAILED" = 1 ] || [ "$agreement_failed" = 1 ]; then exit 1; fi
