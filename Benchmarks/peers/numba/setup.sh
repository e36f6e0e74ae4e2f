#!/usr/bin/env bash
# Creates (or updates) the numba peer's virtual environment at peers/numba/.venv
# with the pinned packages of requirements.txt. Idempotent and quiet: prints only
# the venv's python path, or pip's log if something fails.
# PYTHON overrides the interpreter used to create the venv (default python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [ ! -x "$py" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$py" -c "import numba" 2>/dev/null; then
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { [ -x "$py" ] || "${PYTHON:-python3}" -m venv "$venv"; } >"$log" 2>&1 \
     || ! "$py" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt" >>"$log" 2>&1 \
     || ! "$py" -c "import numba" >>"$log" 2>&1; then
    cat "$log" >&2
    echo "setup.sh: could not set up $venv (log above)" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi
echo "$py"
