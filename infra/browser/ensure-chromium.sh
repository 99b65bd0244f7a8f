#!/usr/bin/env bash
# Makes sure a Chromium for the admin console's browser tests is installed:
# CHROMIUM_PATH when set, else /usr/bin/chromium, installing Debian's
# package when it is missing (docs/deployment.md, Admin console).
set -euo pipefail
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then
  echo "Chromium at $path"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
echo "Installing Chromium from Debian's packages"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x "$path" ] || { echo "Chromium did not install at $path" >&2; exit 1; }
echo "Chromium at $path"
