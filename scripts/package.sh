#!/usr/bin/env bash
# Builds Sluice's Linux package: a .deb with the app, its desktop entry and icons, and the `sluice`
# command beside it. Prints the package's path on its last line.
#
#   scripts/package.sh            the release build (what to hand to users; DuckDB's C++ compiles
#                                 once more for the release profile, about 36 min on two cores)
#   scripts/package.sh --debug    the debug build the tests already made (what CI installs)
#
# The app and the command are built by the same cargo command as every other script (one
# feature set, one warm target folder), then stripped of debug info into a staging folder, as a
# Debian package would ship them, and bundled from there by Tauri's bundler (`tauri bundle`: it
# bundles what is built and builds nothing itself). macOS, Windows and AppImage bundles are
# configured in src-tauri/tauri.conf.json but need tools this machine cannot download.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cargo-env.sh
. scripts/cargo-env.sh

profile=release
cargo_flags=(--release)
bundle_flags=()
if [ "${1:-}" = "--debug" ]; then profile=debug; cargo_flags=(); bundle_flags=(--debug); fi

bash scripts/setup.sh >&2
npm run --silent build >&2
workspace_cargo build "${cargo_flags[@]}" >&2

# The bundler looks for the binaries where cargo metadata says the target folder is.
staging="$CARGO_TARGET_DIR/package-staging"
staged_bins="$staging/$SLUICE_TARGET_TRIPLE/$profile"
rm -rf "$staging"
mkdir -p "$staged_bins"
for bin in sluice-app sluice; do
  objcopy --strip-debug "$(bin_dir "$profile")/$bin" "$staged_bins/$bin"
done

# The command's path is this machine's, so it is given here rather than in tauri.conf.json.
files_config="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/sluice\":\"$staged_bins/sluice\"}}}}}"
CARGO_TARGET_DIR="$staging" npx tauri bundle --ci --bundles deb --target "$SLUICE_TARGET_TRIPLE" \
  "${bundle_flags[@]}" --config "$files_config" >&2

ls "$staged_bins"/bundle/deb/*.deb
