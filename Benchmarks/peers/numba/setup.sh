#!/usr/bin/env bash
# Creates (or updates) the numba peer's virtual environment at peers/numba/.venv
# (../venv.sh: the pinned packages of requirements.txt; prints the venv's python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/../venv.sh" "$here" numba
