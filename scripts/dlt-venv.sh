#!/usr/bin/env bash
# Creates (or reuses) the virtualenv holding the real dlt that checks Sluice's exported pipeline
# scripts, and prints its python path on stdout (everything else goes to stderr).
# The dlt version is pinned so a new dlt release cannot change the verdict of CI on its own;
# bump it on purpose. The stamp file makes a warm machine pay nothing.
set -euo pipefail

DLT_VERSION="1.31.0"
venv="${SLUICE_DLT_VENV:-$HOME/.cache/sluice-dlt-venv}"
# parquet (pyarrow): the benchmark runs dlt with its fastest loader file format too.
EXTRAS="duckdb,parquet"
stamp="$venv/.sluice-dlt-$DLT_VERSION-${EXTRAS/,/-}"

if [ ! -f "$stamp" ]; then
  python="$(command -v python3 || command -v python)"
  echo "dlt-venv: creating $venv with dlt[$EXTRAS]==$DLT_VERSION" >&2
  "$python" -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "dlt[$EXTRAS]==$DLT_VERSION" >&2
  touch "$stamp"
fi
echo "$venv/bin/python"
