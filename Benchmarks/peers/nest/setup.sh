#!/usr/bin/env bash
# Creates (or updates) the NEST peer's virtual environment at peers/nest/.venv
# (../venv.sh: the pinned packages of requirements.txt; prints the venv's python).
# nest-simulator ships a manylinux wheel for CPython 3.11 (no compiler needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../venv.sh" "$here" nest
