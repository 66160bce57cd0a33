#!/usr/bin/env python3
"""Adds a team's history of console actions to a benchmark database: N actions (touches,
next steps and snoozes by turns, every 150 seconds from 2025-12-01) spread over the accounts.

The console reads every account's state at its start and the acted-on accounts' after each
action; at 100,000 accounts a year of a team's work runs to hundreds of thousands of actions,
which the sample's few actions do not show.

usage: add_history.py DB_FILE N
"""
import sys

import duckdb


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    db_file, count = sys.argv[1], int(sys.argv[2])
    con = duckdb.connect(db_file)
    accounts = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    con.execute(
        """
        INSERT INTO actions (account_id, kind, detail, body, author, created_at, uid, machine)
        WITH numbered AS (
            SELECT account_id, row_number() OVER (ORDER BY account_id) - 1 AS n FROM accounts
        )
        SELECT a.account_id,
               ['touch', 'next_step', 'snooze', 'touch'][i % 4 + 1],
               'call', 'history ' || i, 'bench history',
               TIMESTAMP '2025-12-01' + INTERVAL (i * 150) SECOND,
               'bench-history-' || i, 'bench'
        FROM range(?) r(i)
        JOIN numbered a ON a.n = (i * 7919) % ?
        """,
        [count, accounts],
    )
    total = con.execute("SELECT count(*) FROM actions").fetchone()[0]
    print(f"{db_file}: {total} actions", file=sys.stderr)


if __name__ == "__main__":
    main()
