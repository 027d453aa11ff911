#!/usr/bin/env bash
# Installs what building and testing Sluice needs on Debian or Ubuntu, skipping what is already
# there so a warm machine pays nothing. Used by both quick-start commands and by .ci/run.
set -euo pipefail

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Toolchains: Rust through rustup, Node.js 20.19 or newer (Vite needs it).
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain with rustup"
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy -c rustfmt
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if ! command -v node >/dev/null 2>&1; then
  echo "setup: installing Node.js"
  apt_install nodejs npm
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js $(node --version) is too old; Sluice's front end needs 20.19 or newer." >&2
  exit 1
fi

need_apt=()
pkgs=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev libssl-dev
  webkit2gtk-driver xvfb xauth
  gnome-keyring dbus-x11 libdbus-1-dev
  python3-venv
)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  apt_install "${need_apt[@]}"
fi

# tauri-driver bridges WebDriver to WebKitWebDriver for the real-app tests.
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

# Front-end packages, exactly as locked.
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "setup: installing npm packages"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
