#!/usr/bin/env bash
# Installs what Reverie needs and the machine lacks: libzmq (the transport
# links it), pkg-config, and the Python packages used by peers and test clients.
set -euo pipefail
need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists libzmq 2>/dev/null || need_apt+=(libzmq3-dev)
if ((${#need_apt[@]})); then
  echo "bootstrap: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 - <<'PY' 2>/dev/null || { echo "bootstrap: installing numpy pyzmq pytest" >&2; python3 -m pip install -q numpy pyzmq pytest; }
import numpy, zmq, pytest
PY
