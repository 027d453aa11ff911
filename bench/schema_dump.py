"""Prints what a DuckDB file holds in one dataset, as JSON: each table's columns (name, type,
nullable, in order) and row count. The parity test and the benchmark compare these dumps.

    python schema_dump.py DUCKDB_FILE DATASET
"""

import json
import sys

import duckdb


def dump(path: str, dataset: str) -> dict:
    conn = duckdb.connect(path, read_only=True)
    tables = {}
    for table, column, data_type, nullable in conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [dataset],
    ).fetchall():
        tables.setdefault(table, {"columns": [], "rows": 0})
        tables[table]["columns"].append([column, data_type, nullable == "YES"])
    for table in tables:
        (count,) = conn.execute(f'SELECT count(*) FROM "{dataset}"."{table}"').fetchone()
        tables[table]["rows"] = count
    return tables


if __name__ == "__main__":
    print(json.dumps(dump(sys.argv[1], sys.argv[2]), indent=1, sort_keys=True))
