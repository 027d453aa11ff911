#!/usr/bin/env bash
# Builds the Sluice desktop app and opens it. Installs whatever is missing first, so it works on a
# fresh Debian or Ubuntu machine. Pass --release for an optimised build (slower to compile).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}"
profile=debug
cargo_flags=()
if [ "${1:-}" = "--release" ]; then profile=release; cargo_flags=(--release); fi

bash scripts/setup.sh
npm run --silent build
cargo build --locked -p sluice-app "${cargo_flags[@]}"
exec "$CARGO_TARGET_DIR/$profile/sluice-app"
