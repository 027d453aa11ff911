"""A hostile API against `sluice sync` with its default limits: peak memory and time.

The demo API's hostile endpoints (see crates/sluice-demo/src/hostile.rs) each try to make a sync
fill memory or run forever: a gzip bomb (300 KB that expands to 300 MB), a JSON body that never
ends, cursor pagination with a fresh cursor forever, and the same cursor forever. For each, this
first syncs 1,000 good records into a fresh DuckDB file, then the hostile resource into the same
table, and checks that the second sync fails with an error naming the resource and the page,
that the file still holds the 1,000 rows, and that the process's peak memory stayed under
500 MiB. The defaults are what a user gets: answers up to 256 MB, 100,000 pages.

    python bench/hostile.py --sluice PATH
"""

import argparse
import re
import json
import os
import shutil
import sys
import tempfile

from run import demo_api, measured, measured_run

PEAK_LIMIT_MIB = 500

CURSOR = {"type": "cursor", "cursor_path": "next_cursor", "cursor_param": "cursor"}
CASES = [
    ("gzip bomb", "hostile/gzip_bomb", "single_page", "larger than 256 MB"),
    ("endless body", "hostile/endless", "single_page", "larger than 256 MB"),
    ("fresh cursors forever", "hostile/fresh_cursors", CURSOR, "the limit of 100000 pages"),
    ("same cursor forever", "hostile/same_cursor", CURSOR, "going round in circles"),
]


def connector(base_url: str, path: str, paginator) -> dict:
    return {
        "client": {"base_url": base_url + "/"},
        "resources": [{"name": "events",
                       "endpoint": {"path": path, "data_selector": "data", "paginator": paginator}}],
        "sluice": {"name": "Hostile", "pipeline": {"pipeline_name": "hostile"}},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    args = parser.parse_args()

    results = []
    with demo_api(args.sluice, 1000) as base_url:
        good = connector(base_url, "paging/offset", {"type": "offset", "limit": 100, "total_path": "total"})
        for label, path, paginator, says in CASES:
            work = tempfile.mkdtemp(prefix="sluice-hostile-")
            try:
                db = os.path.join(work, "hostile.duckdb")
                for name, doc in [("good.json", good), ("hostile.json", connector(base_url, path, paginator))]:
                    with open(os.path.join(work, name), "w") as f:
                        json.dump(doc, f)
                measured([args.sluice, "sync", "good.json", "--db", db], work)
                status, seconds, peak, out, err = measured_run(
                    [args.sluice, "sync", "hostile.json", "--db", db], work)
                failed_line = next((l for l in out.splitlines() if "FAILED" in l), "")
                _, _, count = measured(
                    [args.sluice, "query", db, "SELECT count(*) AS n FROM events", "--json"], work)
                rows = int(json.loads(count)[0]["n"])
                problems = []
                if status == 0:
                    problems.append("the sync did not fail")
                if not failed_line.strip().startswith("events: FAILED") or says not in failed_line \
                        or not re.search(r"\bpage \d+", failed_line):
                    problems.append(f"the error does not name the resource, the page and the cause: {failed_line or err}")
                if rows != 1000:
                    problems.append(f"the file holds {rows} rows, not the previous 1,000")
                if peak >= PEAK_LIMIT_MIB:
                    problems.append(f"peak memory {peak:.0f} MiB")
                results.append((label, seconds, peak, rows, failed_line.strip(), problems))
                print(f"{label:<22} {seconds:6.1f} s  peak {peak:5.0f} MiB  rows kept {rows:,}"
                      f"  {'ok' if not problems else 'FAILED: ' + '; '.join(problems)}", flush=True)
            finally:
                shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"| hostile answer | seconds | peak MiB (limit {PEAK_LIMIT_MIB}) | rows kept | error |")
    print("|---|---:|---:|---:|---|")
    for label, seconds, peak, rows, line, _ in results:
        error = line.split("nothing of it was loaded: ", 1)[-1]
        print(f"| {label} | {seconds:.1f} | {peak:.0f} | {rows:,} | {error} |")
    if any(problems for *_, problems in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
