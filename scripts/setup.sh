#!/usr/bin/env bash
# Installs what building and testing Sluice needs on Debian or Ubuntu, skipping what is already
# there so a warm machine pays nothing. Used by both quick-start commands and by .ci/run.
set -euo pipefail

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
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
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
