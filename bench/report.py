#!/usr/bin/env python3
"""Turns the raw timings run.sh collected into the markdown table it prints and saves.

usage: report.py WORK_DIR   (reads WORK_DIR/times/*, WORK_DIR/info, WORK_DIR/agreement,
WORK_DIR/console; writes markdown to stdout)

Each WORK_DIR/times/NAME file holds one line per run: wall nanoseconds and peak RSS in KiB.
"""
import json
import os
import statistics
import sys

work = sys.argv[1]


def runs(name):
    path = os.path.join(work, "times", name)
    if not os.path.exists(path) or os.path.exists(os.path.join(work, "failed", name)):
        return None
    rows = [line.split() for line in open(path) if line.strip()]
    return [(int(r[0]) / 1e9, int(r[1]), int(r[2])) for r in rows]


def summed(*names):
    """Run i of several steps added up (sequential processes of one pipeline)."""
    parts = [runs(n) for n in names]
    if any(p is None for p in parts):
        return None
    return [(sum(p[i][0] for p in parts), max(p[i][1] for p in parts), max(p[i][2] for p in parts))
            for i in range(len(parts[0]))]


def median(rs):
    return statistics.median(r[0] for r in rs)


def failure(name):
    path = os.path.join(work, "failed", name)
    return open(path).read().strip().replace("|", "\\|") if os.path.exists(path) else None


def row(step, what, rs, *names):
    failed = [f"{n}: {failure(n)}" for n in names if failure(n)]
    if failed:
        return f"| {step} | {what} | FAILED | {'; '.join(failed)} | | |"
    if rs is None:
        return f"| {step} | {what} | not run | | | |"
    secs = [r[0] for r in rs]
    peak = max(r[1] for r in rs) / 1024
    others = max(r[2] for r in rs)
    return (f"| {step} | {what} | {median(rs):.2f} | {min(secs):.2f}–{max(secs):.2f} | {peak:,.0f} "
            f"| {others}% |")


def ratio_row(label, num, den, target, ok):
    if num is None or den is None:
        return f"| {label} | not run | | {target} | |"
    r = median(num) / median(den)
    r_min = min(r[0] for r in num) / min(r[0] for r in den)
    return f"| {label} | {r:.2f}× | {r_min:.2f}× | {target} | {'met' if ok(r) else 'NOT met'} (by the median) |"


info = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(work, "info")) if "=" in line)
load_r, load_d = runs("load_retain"), runs("load_duckdb")
score_r, score_d = runs("score_retain"), runs("score_duckdb")
e2e_r = summed("load_retain", "score_retain")
pandas = runs("pandas")
console = runs("console")


def pandas_compute():
    """The pandas peer's compute step per run (its own timing, CSV reading excluded)."""
    found = []
    for name in sorted(os.listdir(os.path.join(work, "logs"))):
        if name.startswith("pandas.") and name.endswith(".log"):
            for line in open(os.path.join(work, "logs", name)):
                if line.startswith("pandas phases:"):
                    found.append((float(line.split("compute")[1].split()[0]), 0, 0))
    return found or None


def console_queue():
    """Seconds until the scored queue is on screen, per bench-console run (its own JSON)."""
    found = []
    for name in sorted(os.listdir(work)):
        if name.startswith("console.") and name.endswith(".json"):
            value = json.load(open(os.path.join(work, name))).get("first_queue_frame_ms")
            if isinstance(value, (int, float)):
                found.append((value / 1000, 0, 0))
    return found or None

out = []
out.append(f"## retain benchmark: size {info['size']} ({info['accounts']} accounts), {info['date']}")
out.append("")
out.append(f"- machine: {info['machine']}")
out.append(f"- retain: {info['retain']}")
out.append(f"- peers: Python {info['python']}, duckdb {info['duckdb']}, pandas {info['pandas']}")
out.append(f"- data: `retain sample --seed 42 --accounts {info['accounts']}`: {info['rows']} ({info['csv_mb']} MB of CSV)")
out.append(f"- runs per figure: {info['runs']} (retain and its peer alternate); timer: {info['timer']}; "
           f"niceness {info['nice']}")
out.append(f"- other work on the machine: {info['busy_start']} of all cores busy in the 5 s before the first run; "
           f"load average (1/5/15 min) at start {info['load_start']}, at end {info['load_end']}")
out.append(f"- contention control: {info['quiet']}; runs repeated: {info['repeated']}. The last column is the "
           "largest share of the machine's CPU that other processes took during a kept run.")
out.append("")
out.append("| step | what runs (one whole process per run) | median s | min–max s | peak RSS MiB | others' CPU, worst run |")
out.append("|---|---|---:|---:|---:|---:|")
out.append(row("a. load", "`retain load` into a fresh database", load_r, "load_retain"))
out.append(row("a. load", "DuckDB alone: `peer/duckdb_load.py` (typed read_csv, CREATE TABLE AS)", load_d, "load_duckdb"))
out.append(row("b. score", "`retain score --history 1` on a copy of the loaded database", score_r, "score_retain"))
out.append(row("b. score", "DuckDB alone: `peer/duckdb_score.py` (the same queries/*.sql)", score_d, "score_duckdb"))
out.append(row("c. end to end", "`retain load` + `retain score --history 1` (run i of each, added)", e2e_r, "load_retain", "score_retain"))
out.append(row("c. end to end", "pandas: `peer/health_pandas.py` (CSV in, health and reasons out)", pandas, "pandas"))
if console is not None:
    out.append(row("d. console", "`retain bench-console`", console, "console"))
else:
    out.append(f"| d. console | {info.get('console', 'retain bench-console')} | not measured yet | | | |")
out.append(row("reference", "Python start-up + `import duckdb` (inside both DuckDB-alone figures)",
               runs("python_duckdb"), "python_duckdb"))
out.append(row("reference", "Python start-up + `import pandas` (inside the pandas figure)",
               runs("python_pandas"), "python_pandas"))
out.append("")
out.append("| ratio | of medians | of fastest runs | target | |")
out.append("|---|---:|---:|---|---|")
out.append(ratio_row("load: retain / DuckDB alone", load_r, load_d, "≤ 1.15×", lambda r: r <= 1.15))
out.append(ratio_row("score: retain / DuckDB alone", score_r, score_d, "≤ 1.10×", lambda r: r <= 1.10))
# The pandas targets are set at M; elsewhere the ratios are shown against them for reference.
at = "" if info["size"] == "M" else " (an M target)"
out.append(ratio_row("end to end: pandas / retain", pandas, e2e_r, "≥ 3×" + at, lambda r: r >= 3.0))
out.append(ratio_row("scoring alone: pandas compute step / `retain score`", pandas_compute(), score_r,
                     "≥ 5×" + at, lambda r: r >= 5.0))
out.append(ratio_row("opening: pandas end to end / console's scored queue on screen", pandas, console_queue(),
                     "≥ 10×" + at, lambda r: r >= 10.0))
out.append("")
console_json = sorted(f for f in os.listdir(work) if f.startswith("console.") and f.endswith(".json"))
if console_json:
    figures = [json.load(open(os.path.join(work, f))) for f in console_json]
    out.append(f"`retain bench-console` figures (its own JSON; median and min–max over {len(figures)} runs, "
               f"{figures[0].get('accounts')} accounts, {figures[0].get('keypresses')} scripted key presses):")
    out.append("")
    out.append("| console figure | median ms | min–max ms |")
    out.append("|---|---:|---:|")
    for key, label in [("first_frame_ms", "open the database, first frame"),
                       ("first_queue_frame_ms", "scored queue on screen (scored from scratch)"),
                       ("kept_queue_frame_ms", "second start: the queue kept by the first on screen"),
                       ("key_to_frame_p50_ms", "key press to frame, p50"),
                       ("key_to_frame_p99_ms", "key press to frame, p99"),
                       ("key_to_frame_max_ms", "key press to frame, max")]:
        values = [f[key] for f in figures if isinstance(f.get(key), (int, float))]
        if values:
            out.append(f"| {label} | {statistics.median(values):.1f} | {min(values):.1f}–{max(values):.1f} |")
    out.append("")
agreement = os.path.join(work, "agreement")
if os.path.exists(agreement):
    text = open(agreement).read().strip().splitlines()
    out.append("Agreement of pandas with `retain accounts --format csv` (health, band exactly; coverage to 4 decimals; sets of reason codes):")
    out.append("")
    out.append("```")
    out.extend(text)
    out.append("```")
else:
    out.append("Agreement check: not run (no pandas step at this size).")
print("\n".join(out))
