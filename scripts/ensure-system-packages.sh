#!/usr/bin/env bash
# Installs the system packages the browser tests need (Debian's Chromium) when they are missing.
set -euo pipefail

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi

if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH is set to $CHROMIUM_PATH, but no browser is there. Point it at a Chromium binary, or unset it to use Debian's chromium." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "Chromium is not installed at /usr/bin/chromium and cannot be installed from here (needs apt-get as root)." >&2
  echo "Install it with 'apt-get install chromium' (Debian), or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi

echo "Installing Chromium with apt-get (once; about a minute)…"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
  echo "apt-get could not install chromium; the browser tests need it. Check the package sources and try again." >&2
  exit 1
fi
echo "Installed $(/usr/bin/chromium --version 2>/dev/null | head -1)"
