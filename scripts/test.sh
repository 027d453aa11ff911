#!/usr/bin/env bash
# Runs every test Sluice has: formatting and lints, Rust unit and integration tests (the keychain
# ones against a real gnome-keyring in its own D-Bus session), the UI's type check, lint and unit
# tests, dlt's own validation of exported pipelines, the real app driven through WebDriver under
# Xvfb, and the .deb package installed into a scratch root and driven the same way. Installs whatever is missing first, so it works on a fresh Debian or Ubuntu machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cargo-env.sh
. scripts/cargo-env.sh

started=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started))"; }

step "Installing what is missing"
bash scripts/setup.sh

step "UI type check, lint, unit tests and build"
npm run --silent typecheck
npm run --silent lint
npm run --silent test:ui
# The app embeds dist/ at compile time, so it is built before any cargo command checks the app.
npm run --silent build

step "Rust formatting"
cargo fmt --all --check

step "Rust lints"
workspace_cargo clippy -- -D warnings

step "dlt, for checking that exported pipelines pass dlt's own validation"
SLUICE_DLT_PYTHON="$(bash scripts/dlt-venv.sh)"
export SLUICE_DLT_PYTHON

step "Rust tests (keychain tests against a real Secret Service)"
# CI=true makes the dlt parity test fail, never skip, when dlt is missing.
# with-keyring.sh runs a new shell, which does not see this one's functions: spell the command out.
CI=true bash scripts/with-keyring.sh \
  cargo test --workspace --locked --target "$SLUICE_TARGET_TRIPLE" -- --include-ignored

step "Generated bindings match the Rust types"
if ! git diff --exit-code --stat -- ui/src/bindings || [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  echo "The TypeScript bindings in ui/src/bindings drifted from the Rust types." >&2
  echo "Run 'cargo test --workspace' and commit the changes under ui/src/bindings." >&2
  exit 1
fi

step "The real app through WebDriver"
workspace_cargo build
SLUICE_APP_BIN="$(bin_dir debug)/sluice-app"
export SLUICE_APP_BIN
# The app keeps connector secrets in the keychain, so it runs against a real one here too.
bash scripts/with-keyring.sh xvfb-run -a --server-args="-screen 0 1280x800x24" npm run --silent test:e2e

step "The .deb package, unpacked into a scratch root and driven through WebDriver"
bash scripts/test-package.sh

step "All tests passed"
