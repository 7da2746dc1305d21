#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing: Debian's Chromium, iproute2
# (`ip`) for the test hosts in network namespaces, coturn (`turnserver`) for relayed calls, openssl
# for the certificates of the https tests, redis-server for several nodes sharing rooms,
# haproxy as the load balancer in front of them, and PulseAudio (the server, and pactl/parec) for
# speakers the browser can choose and the tests can listen to.
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
command -v "${REDIS_SERVER_PATH:-redis-server}" >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v pulseaudio >/dev/null 2>&1 || missing+=(pulseaudio)
{ command -v pactl >/dev/null 2>&1 && command -v parec >/dev/null 2>&1; } || missing+=(pulseaudio-utils)

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "The tests need ${missing[*]}, which cannot be installed from here (needs apt-get as root)." >&2
  echo "Install them with 'apt-get install ${missing[*]}' (Debian), or set CHROMIUM_PATH to a Chromium binary." >&2
  exit 1
fi

echo "Installing ${missing[*]} with apt-get (once; about a minute)…"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "apt-get could not install ${missing[*]}; the tests need them. Check the package sources and try again." >&2
  exit 1
fi
[ -x "$browser" ] && echo "Installed $("$browser" --version 2>/dev/null | head -1)"
exit 0
