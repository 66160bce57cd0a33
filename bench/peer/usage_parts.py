#!/usr/bin/env python3
"""A data folder whose usage is a warehouse unload: PARTS Parquet parts in hive partitions
(usage/bucket=N/data_0.parquet, typed columns), the other tables linked from DATA_DIR.

usage: usage_parts.py DATA_DIR OUT_DIR [PARTS]   (PARTS defaults to 64)
"""
import os
import sys

import duckdb


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    parts = int(sys.argv[3]) if len(sys.argv) == 4 else 64
    os.makedirs(out_dir)
    for name in os.listdir(data_dir):
        if not name.startswith("usage") and name.endswith((".csv", ".csv.gz")):
            os.symlink(os.path.abspath(os.path.join(data_dir, name)), os.path.join(out_dir, name))
    usage = next(
        os.path.join(data_dir, f"usage{ext}")
        for ext in (".csv", ".csv.gz")
        if os.path.exists(os.path.join(data_dir, f"usage{ext}"))
    )
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    types = "{'account_id': 'VARCHAR', 'user_id': 'VARCHAR', 'occurred_at': 'TIMESTAMP', 'feature': 'VARCHAR', 'count': 'BIGINT'}"
    con.execute(
        f"COPY (SELECT *, hash(user_id) % {parts} AS bucket FROM read_csv(?, header = true, columns = {types})) "
        f"TO '{os.path.join(out_dir, 'usage')}' (FORMAT parquet, PARTITION_BY (bucket))",
        [usage],
    )


if __name__ == "__main__":
    main()
