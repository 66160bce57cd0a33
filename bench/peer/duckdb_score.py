#!/usr/bin/env python3
"""DuckDB alone: exactly the SQL `retain score --history 1` runs, from Python.

Mirrors src/db/mod.rs (Db::prepare) and src/commands.rs (run_score, as of commit 4ae8f31
"retain score: summarise from the stored snapshot instead of scoring twice") statement by
statement, reading the same files of queries/:
  1. queries/model_tables.sql, then the default model's rows with queries/model_insert.sql,
     in the order and with the values of src/model/score.rs `install` and
     src/model/default.toml;
  2. queries/health.sql (the table macros);
  3. queries/freshness.sql (the as-of date; the view is live, so cutoff = 'infinity');
  4. in one transaction, queries/snapshot.sql (INSERT OR REPLACE INTO snapshots ... FROM
     scores(T, 'infinity')): the one evaluation of the health model;
  5. queries/snapshot_dates.sql (--history 1: T is already stored, nothing more computed);
  6. queries/snapshot_summary.sql (the band and at-risk counts retain prints).
Not mirrored: schema migration checks, queries/load/checks.sql (macros only the loader uses),
installing the model a second time (retain installs the default model when it opens the
database and again for the command), and printing.

usage: duckdb_score.py DB_FILE QUERIES_DIR
"""
import os
import sys
import time

import duckdb

# src/model/default.toml, in file order (position = index, as score.rs `install` numbers them).
MEASURES = [
    ("utilization", "adoption", "utilization", 0.2, 0.8, 20.0),
    ("usage_trend", "adoption", "usage_trend", 0.5, 1.0, 15.0),
    ("breadth", "adoption", "features_30d", 1.0, 5.0, 5.0),
    ("support_load", "support", "open_ticket_load", 60.0, 0.0, 15.0),
    ("escalation_age", "support", "oldest_escalation_days", 14.0, 2.0, 5.0),
    ("nps", "sentiment", "nps_180d", -50.0, 50.0, 15.0),
    ("csat", "sentiment", "csat_180d", 50.0, 90.0, 10.0),
    ("ces", "sentiment", "ces_180d", 5.0, 2.0, 5.0),
    ("recency", "relationship", "days_since_touch", 90.0, 14.0, 10.0),
    ("outcomes", "outcome", "outcomes_on_track", 50.0, 100.0, 10.0),
]
BANDS = [("green", 70, 100), ("yellow", 40, 69), ("red", 0, 39)]
URGENCY = [(30, 2.0), (90, 1.5)]
PARAMS = (
    40.0, 20.0, 8.0, 3.0,  # ticket_load urgent, high, normal, low
    40,  # red.health_below
    20, 0.7,  # usage_drop.min_prev_events, ratio_below
    14,  # gone_dark.days
    6, 90,  # detractor.max_score, within_days
    7,  # escalation.open_more_than_days
    90, 0.3,  # low_adoption.min_tenure_days, utilization_below
    90, 70,  # renewal_risk.within_days, health_below
    1,  # outcome_overdue.min_outcomes
    90,  # champion_left.within_days
    50.0,  # queue.missing_health
)


def read(queries, name):
    with open(os.path.join(queries, name), encoding="utf-8") as f:
        return f.read()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    db_file, queries = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    con = duckdb.connect(db_file)

    con.execute(read(queries, "model_tables.sql"))
    inserts = [s.strip() for s in read(queries, "model_insert.sql").split(";") if s.strip()]
    measure_sql, band_sql, urgency_sql, params_sql = inserts
    for position, m in enumerate(MEASURES):
        con.execute(measure_sql, [position, *m])
    for b in BANDS:
        con.execute(band_sql, list(b))
    for u in URGENCY:
        con.execute(urgency_sql, list(u))
    con.execute(params_sql, list(PARAMS))
    con.execute(read(queries, "health.sql"))

    as_of = con.execute(read(queries, "freshness.sql")).fetchone()[0]
    cutoff = "infinity"

    con.execute("BEGIN TRANSACTION")
    stored = con.execute(read(queries, "snapshot.sql"), [as_of, "bench", as_of, cutoff]).fetchone()[0]
    con.execute("COMMIT")
    snapshot_done = time.perf_counter()

    con.execute(read(queries, "snapshot_dates.sql"), ["bench"]).fetchall()
    # The band and at-risk counts retain prints, read from the snapshot just stored.
    bands = con.execute(read(queries, "snapshot_summary.sql"), [as_of, "bench"]).fetchall()
    con.close()
    done = time.perf_counter()
    print(
        f"as of {as_of}: snapshot of {stored} accounts in {snapshot_done - started:.2f} s, "
        f"summary {bands} in {done - snapshot_done:.2f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
