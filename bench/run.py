"""Sluice against dlt on the same connector and the same demo API.

For each record count and page size: start the demo API (`sluice demo serve`) in its own
process, then load its marketing events into DuckDB three ways, each in a fresh folder:

* Sluice: `sluice sync` (release build),
* dlt with its default settings (insert_values loader files),
* dlt with its fastest loader file format for DuckDB (parquet).

Wall time and peak memory (the largest resident set of the loading process, from wait4) are
measured from outside. Every run's tables, columns, types and row counts are compared with
Sluice's; a mismatch fails the benchmark.

    python bench/run.py --sluice PATH --python DLT_PYTHON [--records 100000,1000000]
                        [--page-sizes 100,1000] [--formats default,parquet] [--sluice-only]
"""

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measured_run(cmd, cwd, env=None):
    """Runs `cmd`; returns (exit status, seconds, peak RSS in MiB, stdout, stderr)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    return status, seconds, usage.ru_maxrss / 1024, out.decode(), err.decode(errors="replace")


def measured(cmd, cwd, env=None):
    """Runs `cmd`, which must succeed; returns (seconds, peak RSS in MiB, stdout)."""
    status, seconds, peak, out, err = measured_run(cmd, cwd, env)
    if status != 0:
        sys.stderr.write(err)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return seconds, peak, out


@contextlib.contextmanager
def demo_api(sluice: str, records: int):
    """`sluice demo serve` with `records` records on a free port, for the `with` block: its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sluice, "demo", "serve", "--port", str(port), "--records", str(records)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def connector(base_url: str, page_size: int) -> dict:
    return {
        "client": {"base_url": base_url + "/"},
        "resources": [
            {
                "name": "events",
                "endpoint": {
                    "path": "paging/offset",
                    "params": {"limit": page_size},
                    "data_selector": "data",
                    "paginator": {"type": "offset", "limit": page_size, "total_path": "total"},
                },
            }
        ],
        "sluice": {"name": "Benchmark events", "pipeline": {"pipeline_name": "bench"}},
    }


def dump(python: str, db: str) -> dict:
    out = subprocess.run(
        [python, os.path.join(HERE, "schema_dump.py"), db, "bench_dataset"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def compare(reference: dict, other: dict, label: str) -> None:
    problems = []
    for table in sorted(set(reference) | set(other)):
        a, b = reference.get(table), other.get(table)
        if a is None or b is None:
            problems.append(f"table {table}: only in {'dlt' if a is None else 'Sluice'}")
            continue
        if a["columns"] != b["columns"]:
            problems.append(f"table {table}: columns differ\n  Sluice {a['columns']}\n  dlt    {b['columns']}")
        if a["rows"] != b["rows"]:
            problems.append(f"table {table}: {a['rows']} rows in Sluice, {b['rows']} in dlt")
    if problems:
        raise SystemExit(f"parity with {label} failed:\n" + "\n".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--python", required=True, help="python of a virtualenv with dlt[duckdb,parquet]")
    parser.add_argument("--records", default="100000,1000000")
    parser.add_argument("--page-sizes", default="100,1000")
    parser.add_argument("--formats", default="default,parquet")
    parser.add_argument("--sluice-only", action="store_true")
    args = parser.parse_args()

    results = []
    for records in [int(r) for r in args.records.split(",")]:
        for page_size in [int(p) for p in args.page_sizes.split(",")]:
            with demo_api(args.sluice, records) as base_url:
                work = tempfile.mkdtemp(prefix="sluice-bench-")
                config = os.path.join(work, "events.json")
                with open(config, "w") as f:
                    json.dump(connector(base_url, page_size), f)
                db = os.path.join(work, "sluice.duckdb")
                seconds, peak, _ = measured([args.sluice, "sync", config, "--db", db, "--json"], work)
                row = {"records": records, "page_size": page_size,
                       "sluice": {"seconds": seconds, "peak_mib": peak}}
                print(f"{records:>9} records, pages of {page_size:>4}: Sluice {seconds:7.2f} s, "
                      f"{records / seconds:>10,.0f} records/s, peak {peak:6.0f} MiB", flush=True)
                if not args.sluice_only:
                    reference = dump(args.python, db)
                    script = os.path.join(work, "events_pipeline.py")
                    subprocess.run([args.sluice, "export", config, "--format", "dlt", "--output", script],
                                   check=True, capture_output=True)
                    for fmt in args.formats.split(","):
                        folder = os.path.join(work, f"dlt-{fmt}")
                        seconds, peak, _ = measured(
                            [args.python, os.path.join(HERE, "dlt_runner.py"), script, folder, fmt], work)
                        compare(reference, dump(args.python, os.path.join(folder, "bench.duckdb")), f"dlt ({fmt})")
                        row[f"dlt_{fmt}"] = {"seconds": seconds, "peak_mib": peak}
                        print(f"{'':>9}          {'':>13}  dlt ({fmt:>8}) {seconds:7.2f} s, "
                              f"{records / seconds:>10,.0f} records/s, peak {peak:6.0f} MiB, same tables",
                              flush=True)
                results.append(row)
                shutil.rmtree(work, ignore_errors=True)

    print()
    print("| records | page size | Sluice s | Sluice records/s | Sluice peak MiB |"
          + ("".join(f" dlt {f} s | dlt {f} peak MiB | speed-up vs {f} |" for f in args.formats.split(","))
             if not args.sluice_only else ""))
    print("|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" * len(args.formats.split(",")) if not args.sluice_only else ""))
    for row in results:
        s = row["sluice"]
        line = (f"| {row['records']:,} | {row['page_size']} | {s['seconds']:.2f} | "
                f"{row['records'] / s['seconds']:,.0f} | {s['peak_mib']:.0f} |")
        if not args.sluice_only:
            for fmt in args.formats.split(","):
                d = row[f"dlt_{fmt}"]
                line += f" {d['seconds']:.1f} | {d['peak_mib']:.0f} | {d['seconds'] / s['seconds']:.0f}x |"
        print(line)
    peaks = {}
    for row in results:
        peaks.setdefault(row["page_size"], {})[row["records"]] = row["sluice"]["peak_mib"]
    for page_size, by_records in peaks.items():
        if len(by_records) > 1:
            low, high = min(by_records), max(by_records)
            print(f"Sluice peak memory, pages of {page_size}: {by_records[high] / by_records[low]:.2f}x "
                  f"from {low:,} to {high:,} records")


if __name__ == "__main__":
    main()
