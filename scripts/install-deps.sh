#!/usr/bin/env bash
# Installs what Overdue needs on a Debian/Ubuntu machine: system packages (webview, build
# tools, test servers), the UI's npm packages, and (with --test) the cargo test tools.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Build and run: the webview (WebKitGTK 4.1), GTK, tray/icon libraries, OpenSSL, D-Bus
# (keyring) and pkg-config.
PKGS=(build-essential curl pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev
      librsvg2-dev libsoup-3.0-dev libssl-dev libdbus-1-dev nodejs npm)
if [ "${1:-}" = "--test" ]; then
  # Tests: a display, the WebKit WebDriver, PostgreSQL, a Secret Service keyring, PDF tools.
  PKGS+=(xvfb xauth webkit2gtk-driver postgresql dbus dbus-x11 gnome-keyring poppler-utils qpdf
         python3 python3-venv)
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The machine's own Node.js may come from elsewhere than Debian's package: keep it if so.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: install it with rustup (https://rustup.rs) and run this again." >&2
  exit 1
fi

echo "==> npm packages"
(cd ui && npm ci --no-audit --no-fund --loglevel=error)

if [ "${1:-}" = "--test" ]; then
  # The test SMTP server (scripts/smtp-sink.py): Python's aiosmtpd from PyPI, in a venv
  # that the dunning tests find at .ci-state/smtp-venv (OVERDUE_TEST_PYTHON overrides).
  if ! .ci-state/smtp-venv/bin/python -c 'import aiosmtpd' 2>/dev/null; then
    echo "==> aiosmtpd (test SMTP server)"
    python3 -m venv .ci-state/smtp-venv
    .ci-state/smtp-venv/bin/pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
  fi
  if ! command -v tauri-driver >/dev/null; then
    echo "==> cargo install tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
fi
