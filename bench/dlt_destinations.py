"""dlt's own checks of a pipeline Sluice exported for another destination.

    python dlt_destinations.py check SCRIPT SECRETS_TOML WORKDIR
        For a destination not reachable here: in WORKDIR, the secrets.toml template with each
        empty value filled in (as a user fills it), the script's pipeline resolves the
        destination's configuration the way a load would (a key missing from the template
        fails here), and its source extracts and normalizes with that destination's
        capabilities. Prints {"destination": ..., "credentials": ..., "rows": {...}}.

    python dlt_destinations.py files FOLDER DATASET
        What the filesystem destination wrote (uncompressed JSONL) under FOLDER/DATASET: per
        table, its rows and the sorted `id`s where it has that column.
"""

import importlib.util
import json
import os
import re
import sys


def check(script: str, secrets: str, workdir: str) -> None:
    os.makedirs(os.path.join(workdir, ".dlt"), exist_ok=True)
    os.chdir(workdir)
    os.environ["DLT_DATA_DIR"] = os.path.join(workdir, ".dlt-data")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")
    with open(secrets) as f:
        template = f.read()
    # Every value the user is to fill in: `key = ""` lines. "1" reads as text and as a number.
    filled = re.sub(r'^(\S+) = ""', r'\1 = "1"', template, flags=re.M)
    with open(os.path.join(workdir, ".dlt", "secrets.toml"), "w") as f:
        f.write(filled)
    spec = importlib.util.spec_from_file_location("exported_pipeline", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pipeline = module.make_pipeline()
    destination = pipeline.destination
    initial = destination.spec()
    initial.dataset_name = pipeline.dataset_name
    resolved = destination.configuration(initial, accept_partial=False)
    pipeline.extract(module.make_source())
    pipeline.normalize()
    rows = pipeline.last_trace.last_normalize_info.row_counts
    print(json.dumps({
        "destination": destination.destination_name,
        "credentials": type(resolved.credentials).__name__,
        "rows": dict(rows),
    }))


def files(folder: str, dataset: str) -> None:
    import duckdb

    root = os.path.join(folder, dataset)
    out = {}
    for table in sorted(os.listdir(root)):
        path = os.path.join(root, table)
        if not os.path.isdir(path) or table.startswith("_dlt"):
            continue
        source = "read_json(?, format = 'newline_delimited')"
        pattern = os.path.join(path, "*.jsonl")
        columns = [c[0] for c in duckdb.execute(f"DESCRIBE SELECT * FROM {source}", [pattern]).fetchall()]
        rows = duckdb.execute(f"SELECT count(*) FROM {source}", [pattern]).fetchall()[0][0]
        ids = None
        if "id" in columns:
            ids = [r[0] for r in duckdb.execute(f"SELECT id FROM {source} ORDER BY id", [pattern]).fetchall()]
        out[table] = {"rows": rows, "ids": ids}
    print(json.dumps(out))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"check": check, "files": files}[command](*args)
