#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser tests of the web
# monitor (tests/python/test_web_monitor.py) unless a chromium is already there.
# Prints the browser's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup-chromium: installing chromium (Debian package)" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
command -v chromium
