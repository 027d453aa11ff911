# Sourced by the scripts that run cargo. Every cargo command they run resolves the same crate
# features, so DuckDB's C++ (the `bundled` feature, 18 minutes on two cores) compiles once per
# profile in one target folder. Two things made it compile three times before:
#
# - Package selection. `-p sluice-app`, `--workspace` and a single crate each unify a different
#   set of features for the build script's own dependencies, and a build script compiled
#   differently runs again. So every command selects the whole workspace with dev-dependencies
#   (`--workspace --all-targets`, which `cargo test --workspace` also resolves).
# - Check against build. Without `--target`, `cargo build` shares a dependency between build
#   scripts and the code being built when their features agree, and `cargo clippy` (a check)
#   cannot, so the build script of libduckdb-sys hashed differently under clippy. An explicit
#   `--target` keeps host and target units apart in both, and they agree.
#
# `cargo build -v` shows the build script's folder (`target/debug/build/libduckdb-sys-<hash>`):
# one hash for every command means one DuckDB build.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SLUICE_TARGET_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
export SLUICE_TARGET_TRIPLE

# workspace_cargo SUBCOMMAND [ARG...]: cargo SUBCOMMAND over the whole workspace, as locked, for
# the host triple. `cargo test` takes no `--all-targets` (it would skip doc tests); it resolves
# the same features without it.
workspace_cargo() {
  local sub="$1"; shift
  local targets=(--all-targets)
  [ "$sub" = test ] && targets=()
  cargo "$sub" --workspace "${targets[@]}" --locked --target "$SLUICE_TARGET_TRIPLE" "$@"
}

# The folder of a profile's binaries: bin_dir debug|release.
bin_dir() { echo "$CARGO_TARGET_DIR/$SLUICE_TARGET_TRIPLE/$1"; }
