#!/usr/bin/env bash
# Creates (or updates) a peer's virtual environment at DIR/.venv with the pinned
# packages of DIR/requirements.txt, checked by importing MODULE. Idempotent and quiet:
# prints only the venv's python path, or pip's log if something fails. Each peer's
# setup.sh calls it. PYTHON overrides the interpreter that creates the venv (default python3).
#
#   bash Benchmarks/peers/venv.sh DIR MODULE
set -euo pipefail
here="$(cd "$1" && pwd)"
module="$2"
venv="$here/.venv"
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [ ! -x "$py" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$py" -c "import $module" >/dev/null 2>&1; then
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { [ -x "$py" ] || "${PYTHON:-python3}" -m venv "$venv"; } >"$log" 2>&1 \
     || ! "$py" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt" >>"$log" 2>&1 \
     || ! "$py" -c "import $module" >>"$log" 2>&1; then
    cat "$log" >&2
    echo "setup.sh: could not set up $venv (log above)" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi
echo "$py"
