#!/usr/bin/env bash
# Creates (or updates) the Brian2 peer's virtual environment at peers/brian2/.venv
# (../venv.sh: the pinned packages of requirements.txt; prints the venv's python).
# Brian2's C++ standalone mode also needs a C++ compiler (g++) and make.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for tool in g++ make; do
  command -v "$tool" >/dev/null || { echo "setup.sh: '$tool' not found; Brian2's C++ standalone mode needs it" >&2; exit 1; }
done
exec bash "$here/../venv.sh" "$here" brian2
