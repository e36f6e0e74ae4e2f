#!/usr/bin/env bash
# Installs what Reverie needs and the machine lacks: libzmq (the transport links
# it), Open MPI (ReverieMPI links it; mpirun for multi-rank runs), the HDF5 C
# library (ReverieSONATA links it), pkg-config, python3 with its venv module, and the repository's virtual
# environment .venv: the packages of python/requirements.txt and the reverie
# Python package (./python). Nothing is installed into the system Python (Debian's
# python3 is externally managed, PEP 668). Idempotent: .venv is updated only when
# python/requirements.txt or the package's sources change.
# PYTHON overrides the interpreter that creates .venv (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists libzmq 2>/dev/null || need_apt+=(libzmq3-dev)
pkg-config --exists hdf5-serial 2>/dev/null || need_apt+=(libhdf5-dev)
pkg-config --exists ompi-c 2>/dev/null && command -v mpirun >/dev/null 2>&1 || need_apt+=(libopenmpi-dev openmpi-bin)
if ! command -v "$python" >/dev/null 2>&1; then
  need_apt+=(python3 python3-venv)
elif ! "$python" -c "import venv, ensurepip" 2>/dev/null; then
  need_apt+=(python3-venv)   # Debian ships venv's ensurepip separately
fi
if ((${#need_apt[@]})); then
  echo "bootstrap: installing ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

venv=.venv
py="$venv/bin/python"
stamp="$venv/.reverie-bootstrap.sha256"
want=$( { cat python/requirements.txt python/pyproject.toml
          find python/reverie -name '*.py' | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1)
if [ -x "$py" ] && "$py" -c "import sys" 2>/dev/null && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() { cat "$log" >&2; echo "bootstrap: $1 (log above)" >&2; exit 1; }
if ! { [ -x "$py" ] && "$py" -c "import sys"; } 2>/dev/null; then
  echo "bootstrap: creating $venv with $("$python" -c 'import sys; print(sys.executable)')" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" >"$log" 2>&1 || fail "could not create $venv"
fi
echo "bootstrap: installing python/requirements.txt and ./python into $venv" >&2
pip=("$py" -m pip --disable-pip-version-check -q)
"${pip[@]}" install -r python/requirements.txt >>"$log" 2>&1 || fail "pip could not install python/requirements.txt"
"${pip[@]}" install --no-deps --force-reinstall ./python >>"$log" 2>&1 || fail "pip could not install ./python"
rm -rf python/build python/*.egg-info
"$py" -c "import numpy, zmq, pytest, neo, elephant, pynwb, matplotlib, h5py, libsonata, bmtk, reverie" >>"$log" 2>&1 \
  || fail "the packages do not import in $venv"
echo "$want" >"$stamp"
