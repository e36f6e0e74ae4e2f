#!/usr/bin/env bash
# Creates (or updates) the Brian2 peer's virtual environment at peers/brian2/.venv
# with the pinned packages of requirements.txt. Idempotent and quiet: prints only
# the venv's python path, or pip's log if something fails.
# PYTHON overrides the interpreter used to create the venv (default python3).
# Brian2's C++ standalone mode also needs a C++ compiler (g++) and make.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

for tool in g++ make; do
  command -v "$tool" >/dev/null || { echo "setup.sh: '$tool' not found; Brian2's C++ standalone mode needs it" >&2; exit 1; }
done

if [ ! -x "$py" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! "$py" -c "import brian2" 2>/dev/null; then
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { [ -x "$py" ] || "${PYTHON:-python3}" -m venv "$venv"; } >"$log" 2>&1 \
     || ! "$py" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt" >>"$log" 2>&1 \
     || ! "$py" -c "import brian2" >>"$log" 2>&1; then
    cat "$log" >&2
    echo "setup.sh: could not set up $venv (log above)" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi
echo "$py"
