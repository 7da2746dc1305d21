#!/usr/bin/env bash
# Installs the system packages the browser tests need when they are missing: Debian's Chromium,
# iproute2 (`ip`) for the test hosts in network namespaces, and coturn (`turnserver`) for relayed
# calls and the connection test.
set -euo pipefail

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
if [ ! -x "$browser" ]; then
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    echo "CHROMIUM_PATH is set to $CHROMIUM_PATH, but no browser is there. Point it at a Chromium binary, or unset it to use Debian's chromium." >&2
    exit 1
  fi
  missing+=(chromium)
fi
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "The browser tests need ${missing[*]}, which cannot be installed from here (needs apt-get as root)." >&2
  echo "Install them with 'apt-get install ${missing[*]}' (Debian), or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi

echo "Installing ${missing[*]} with apt-get (once; about a minute)…"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "apt-get could not install ${missing[*]}; the browser tests need them. Check the package sources and try again." >&2
  exit 1
fi
[ -x "$browser" ] && echo "Installed $("$browser" --version 2>/dev/null | head -1)"
exit 0
