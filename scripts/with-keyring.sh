#!/usr/bin/env bash
# Runs a command against a real, unlocked Secret Service that belongs to this run alone:
#
#   scripts/with-keyring.sh cargo test -p sluice-secrets -- --include-ignored
#
# It starts a private D-Bus session, gives it a fresh HOME and XDG directories (an existing login
# keyring, locked with some other password, would otherwise answer and fail every write with
# IsLocked), creates and unlocks a throwaway login keyring in gnome-keyring, runs the command and
# throws everything away. It sets SLUICE_KEYRING_TESTS=1 so tests can tell that a keychain is
# promised and must fail, not skip, when it is unreachable.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: $tool not found; install dbus and gnome-keyring (scripts/setup.sh does)" >&2
    exit 127
  fi
done

# cargo and rustup locate their homes through HOME unless told otherwise, and HOME is about to
# move: pin them (and a target dir written relative to the old HOME) while HOME is still the real one.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}"
export PATH

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sluice-keyring.XXXXXX")"
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/runtime"
chmod 700 "$scratch/runtime"
export HOME="$scratch/home"
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
export SLUICE_KEYRING_TESTS=1
# Nothing from an outer session may leak in: the command must talk to this run's daemon only.
unset GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS

set +e
dbus-run-session -- bash -c '
  set -euo pipefail
  # The password only guards this throwaway keyring, which is deleted when the run ends.
  # --unlock creates the login keyring (the default collection) with it, or unlocks it.
  printf %s sluice-test-keyring \
    | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # The daemon forks; wait until it owns the Secret Service name before the command talks to it.
  for _ in $(seq 1 50); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
        | grep -q "boolean true"; then
      exec "$@"
    fi
    sleep 0.1
  done
  echo "with-keyring: gnome-keyring did not register org.freedesktop.secrets on D-Bus" >&2
  exit 1
' with-keyring "$@"
status=$?
set -e
exit "$status"
