"""Checks Sluice's exported dlt pipeline scripts with the real dlt.

Usage: python tests/dlt/check_exports.py DIR
DIR holds pairs written by sluice-config's `dlt` test: `<name>.py` (the exported script) and
`<name>.expect.json` (what the script must produce). Each script runs in its own subprocess,
because the script sets dlt's [runtime] settings as environment variables at import time.

For each script this imports it, supplies every secret it reads through environment variables,
and calls its `make_source()` (dlt's `rest_api_source`: dlt validates the whole config dict
against its typed schema, builds every resource, auth and paginator) and `make_pipeline()`
(a DuckDB pipeline), then compares names and runtime settings with the expectation.
Nothing touches the network. Exit status 1 on any failure, including dlt not being installed.
"""

import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys
import tempfile


def check_one(script, expect_path):
    with open(expect_path, encoding="utf-8") as f:
        expect = json.load(f)
    for key, value in expect["env"].items():
        os.environ[key] = value
    workdir = tempfile.mkdtemp(prefix="sluice-dlt-check-")
    os.chdir(workdir)
    # Pipeline state goes to the scratch directory, not ~/.dlt.
    os.environ["DLT_DATA_DIR"] = workdir

    spec = importlib.util.spec_from_file_location("exported_pipeline", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    import dlt

    source = module.make_source()
    got = [(name, res.table_name) for name, res in source.resources.items()]
    want = [(r["name"], r["table_name"]) for r in expect["resources"]]
    assert sorted(got) == sorted(want), f"resources {got} != {want}"
    if expect.get("source_name"):
        assert source.name == expect["source_name"], f"source {source.name}"

    basic_class = getattr(module, "OAuth2ClientCredentialsHttpBasic", None)
    if basic_class is not None:
        # Sluice's `client_auth: basic`: the token request authenticates by HTTP basic and
        # leaves client_id and client_secret out of the form body.
        auth = basic_class(
            access_token_url="https://auth.invalid/token",
            client_id="id-1",
            client_secret="secret-2",
            access_token_request_data={"scope": "read"},
        )
        request = auth.build_access_token_request()
        want_header = "Basic aWQtMTpzZWNyZXQtMg=="  # base64("id-1:secret-2")
        got_header = request["headers"].get("Authorization")
        assert got_header == want_header, f"token request Authorization {got_header!r}"
        assert request["data"] == {"grant_type": "client_credentials", "scope": "read"}, request

    pipeline = module.make_pipeline()
    assert pipeline.pipeline_name == expect["pipeline_name"], pipeline.pipeline_name
    assert pipeline.dataset_name == expect["dataset_name"], pipeline.dataset_name
    assert pipeline.destination.destination_type.endswith("duckdb"), pipeline.destination

    for key, value in expect["runtime"].items():
        got_value = dlt.config["runtime." + key]
        assert float(got_value) == float(value), f"runtime.{key} = {got_value!r}, want {value!r}"
    return f"ok   {os.path.basename(script)} ({len(got)} resources, dlt {dlt.__version__})"


def run_child(script, expect_path):
    result = subprocess.run(
        [sys.executable, __file__, "--one", script, expect_path],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return script, result.returncode, (result.stdout + result.stderr).strip()


def main(argv):
    if len(argv) == 4 and argv[1] == "--one":
        print(check_one(argv[2], argv[3]))
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import dlt  # noqa: F401
    except ImportError as e:
        print(f"FAIL dlt is not installed in {sys.executable}: {e}; run scripts/dlt-venv.sh", file=sys.stderr)
        return 1
    directory = argv[1]
    scripts = sorted(
        os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(".py")
    )
    if not scripts:
        print(f"FAIL no exported scripts in {directory}", file=sys.stderr)
        return 1
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(run_child, s, s[: -len(".py")] + ".expect.json") for s in scripts]
        for job in jobs:
            script, code, output = job.result()
            if code == 0:
                print(output)
            else:
                failures += 1
                print(f"FAIL {os.path.basename(script)}\n{output}\n")
    print(f"{len(scripts) - failures} of {len(scripts)} exported scripts accepted by dlt")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
