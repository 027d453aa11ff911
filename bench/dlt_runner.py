"""Runs a dlt pipeline script exported by Sluice (`sluice export --format dlt`) the way the
benchmark and the parity test need it: in a working folder of its own, with dlt's state kept
there too, and optionally with a loader file format other than dlt's default.

    python dlt_runner.py SCRIPT WORKDIR [FORMAT]

Prints one JSON line: {"seconds": ..., "rows": {table: count}}.
"""

import importlib.util
import json
import os
import sys
import time


def main() -> None:
    script, workdir = sys.argv[1], sys.argv[2]
    file_format = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "default" else None
    os.makedirs(workdir, exist_ok=True)
    os.chdir(workdir)
    # dlt keeps pipeline state under DLT_DATA_DIR; a fresh one per run makes runs independent.
    os.environ["DLT_DATA_DIR"] = os.path.join(workdir, ".dlt-data")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
    spec = importlib.util.spec_from_file_location("exported_pipeline", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    started = time.perf_counter()
    pipeline = module.make_pipeline()
    if file_format:
        info = pipeline.run(module.make_source(), loader_file_format=file_format)
    else:
        info = pipeline.run(module.make_source())
    seconds = time.perf_counter() - started
    info.raise_on_failed_jobs()
    rows = pipeline.last_trace.last_normalize_info.row_counts
    print(json.dumps({"seconds": seconds, "rows": dict(rows)}))


if __name__ == "__main__":
    main()
