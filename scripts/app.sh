#!/usr/bin/env bash
# Builds the Sluice desktop app and opens it. Installs whatever is missing first, so it works on a
# fresh Debian or Ubuntu machine. Pass --release for an optimised build (slower to compile).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cargo-env.sh
. scripts/cargo-env.sh
profile=debug
cargo_flags=()
if [ "${1:-}" = "--release" ]; then profile=release; cargo_flags=(--release); fi

bash scripts/setup.sh
npm run --silent build
# The whole workspace, tests included, so `./scripts/test.sh` afterwards reuses this build instead
# of compiling DuckDB again (see scripts/cargo-env.sh).
workspace_cargo build "${cargo_flags[@]}"
exec "$(bin_dir "$profile")/sluice-app"
