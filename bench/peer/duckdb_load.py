#!/usr/bin/env python3
"""DuckDB alone: the seven data-contract CSV files into typed tables of a fresh database file.

The floor `retain load` is measured against: the same files, the same column types as
queries/migrations/ (001_initial.sql, 006_outcomes_contacts.sql), read by DuckDB's CSV reader with explicit types and written
with CREATE TABLE ... AS. No validation, no orphan check, no primary keys, no error reporting:
only what DuckDB itself must do to get the data in.

A table given as a folder of Parquet parts (`usage/bucket=7/data_0.parquet`) is read with one
read_parquet over every part, its columns cast to the same types.

usage: duckdb_load.py DATA_DIR DB_FILE
"""
import os
import sys

import duckdb

TABLES = {
    "accounts": {
        "account_id": "VARCHAR", "name": "VARCHAR", "owner": "VARCHAR", "segment": "VARCHAR",
        "plan": "VARCHAR", "arr": "DECIMAL(18,2)", "seats": "INTEGER", "contract_start": "DATE",
        "renewal_date": "DATE", "churned_on": "DATE",
    },
    "usage": {
        "account_id": "VARCHAR", "user_id": "VARCHAR", "occurred_at": "TIMESTAMP",
        "feature": "VARCHAR", "count": "INTEGER",
    },
    "tickets": {
        "ticket_id": "VARCHAR", "account_id": "VARCHAR", "opened_at": "TIMESTAMP",
        "closed_at": "TIMESTAMP", "priority": "VARCHAR", "subject": "VARCHAR",
    },
    "surveys": {
        "account_id": "VARCHAR", "responded_at": "TIMESTAMP", "kind": "VARCHAR",
        "score": "INTEGER", "respondent": "VARCHAR", "comment": "VARCHAR",
    },
    "activities": {
        "account_id": "VARCHAR", "occurred_at": "TIMESTAMP", "kind": "VARCHAR",
        "summary": "VARCHAR", "author": "VARCHAR",
    },
    "outcomes": {
        "outcome_id": "VARCHAR", "account_id": "VARCHAR", "title": "VARCHAR", "kind": "VARCHAR",
        "created_on": "DATE", "due_on": "DATE", "achieved_on": "DATE", "dropped_on": "DATE",
        "owner": "VARCHAR",
    },
    "contacts": {
        "contact_id": "VARCHAR", "account_id": "VARCHAR", "name": "VARCHAR", "email": "VARCHAR",
        "role": "VARCHAR", "champion": "BOOLEAN", "decision_maker": "BOOLEAN", "left_on": "DATE",
    },
}


def source(data_dir, table):
    for ext in (".csv", ".csv.gz"):
        path = os.path.join(data_dir, table + ext)
        if os.path.exists(path):
            return path
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data_dir, db_file = sys.argv[1], sys.argv[2]
    if os.path.exists(db_file):
        sys.exit(f"{db_file} exists; the benchmark loads into a fresh file")
    con = duckdb.connect(db_file)
    for table, columns in TABLES.items():
        folder = os.path.join(data_dir, table)
        if os.path.isdir(folder):
            casts = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in columns.items())
            con.execute(
                f"CREATE TABLE {table} AS SELECT {casts} FROM read_parquet(?, hive_partitioning = false)",
                [os.path.join(folder, "**", "*.parquet")],
            )
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            print(f"{table}: {rows} rows", file=sys.stderr)
            continue
        path = source(data_dir, table)
        if path is None:
            continue
        types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, delim = ',', "
            f"quote = '\"', escape = '\"', auto_detect = false, columns = {{{types}}})",
            [path],
        )
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        print(f"{table}: {rows} rows", file=sys.stderr)
    con.close()


if __name__ == "__main__":
    main()
