#!/usr/bin/env bash
# Builds the .deb (the debug build unless --release is given), unpacks it into a scratch root as
# `dpkg -x` does, and runs tests/package against what it installed: the app under Xvfb through
# WebDriver with a fresh profile, and the installed `sluice` command. Part of scripts/test.sh
# (with the debug build); `scripts/test-package.sh --release` checks the package for users.
set -euo pipefail
cd "$(dirname "$0")/.."

flag=--debug
[ "${1:-}" = "--release" ] && flag=
deb="$(bash scripts/package.sh $flag | tail -n 1)"
root="$(mktemp -d "${TMPDIR:-/tmp}/sluice-installed-XXXXXX")"
trap 'rm -rf "$root"' EXIT
dpkg -x "$deb" "$root"
echo "test-package: $deb unpacked into $root"

export SLUICE_INSTALLED_ROOT="$root"
export SLUICE_APP_BIN="$root/usr/bin/sluice-app"
export SLUICE_CLI_BIN="$root/usr/bin/sluice"
bash scripts/with-keyring.sh xvfb-run -a --server-args="-screen 0 1280x800x24" \
  node --import tsx --test --test-concurrency=1 tests/package/*.test.ts
