"""Wide records: how a sync's time and memory follow the number of columns.

CRMs and support desks send hundreds or thousands of custom properties per record. The demo
API's `/paging/wide` serves records of an `id` and ten of N keys (taken in turn), so a resource
builds a table of N columns. For each N, `sluice sync` loads the same number of records into a
fresh DuckDB file; the table then has N columns and records x N cells (most of them NULL).

The time may grow with the cells (DuckDB stores every NULL), so at most linearly with N for a
fixed record count; it must never grow with N squared (a column lookup per column, one ALTER per
column). The last column says how the time grew against the number of columns.

    python bench/wide.py --sluice PATH [--records 20000] [--keys 100,1000,10000]
"""

import argparse
import json
import os
import shutil
import tempfile

from run import demo_api, measured


def connector(base_url: str, keys: int, page_size: int) -> dict:
    return {
        "client": {"base_url": base_url + "/"},
        "resources": [
            {
                "name": "contacts",
                "endpoint": {
                    "path": "paging/wide",
                    "params": {"keys": keys, "limit": page_size},
                    "data_selector": "data",
                    "paginator": {"type": "offset", "limit": page_size, "total_path": "total"},
                },
            }
        ],
        "sluice": {"name": "Wide contacts", "pipeline": {"pipeline_name": "wide"}},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--keys", default="100,1000,10000")
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()

    rows = []
    with demo_api(args.sluice, args.records) as base_url:
        for keys in [int(k) for k in args.keys.split(",")]:
            work = tempfile.mkdtemp(prefix="sluice-wide-")
            try:
                config = os.path.join(work, "wide.json")
                with open(config, "w") as f:
                    json.dump(connector(base_url, keys, args.page_size), f)
                db = os.path.join(work, "wide.duckdb")
                seconds, peak, out = measured([args.sluice, "sync", config, "--db", db, "--json"], work)
                loaded = json.loads(out)["resources"][0]["records"]
                assert loaded == args.records, f"{loaded} records loaded of {args.records}"
                rows.append((keys, seconds, peak))
                print(f"{keys:>6} keys: {args.records:,} records in {seconds:6.2f} s, "
                      f"peak {peak:6.0f} MiB", flush=True)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    print()
    print("| columns | records | seconds | peak MiB | columns x | time x | time x / columns x |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    first_keys, first_seconds, _ = rows[0]
    for keys, seconds, peak in rows:
        columns_x = keys / first_keys
        time_x = seconds / first_seconds
        print(f"| {keys:,} | {args.records:,} | {seconds:.2f} | {peak:.0f} | {columns_x:.0f} | "
              f"{time_x:.1f} | {time_x / columns_x:.2f} |")


if __name__ == "__main__":
    main()
