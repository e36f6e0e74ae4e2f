#!/usr/bin/env bash
# The sleep phase diagram (docs/science.md §4), end to end: the release build,
# the sweep experiments/sleep-phase.yaml into out/sleep-phase (replaced), then
# its tables and figures into results/ (python -m reverie.figures.sleep_phase in
# .venv). About 20–25 minutes on 2 cores. JOBS overrides --jobs (default 2);
# extra arguments go to `reverie experiment` (e.g. --part choices).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build -c release --product reverie
.build/release/reverie experiment experiments/sleep-phase.yaml --out out/sleep-phase --force --jobs "${JOBS:-2}" "$@"
.venv/bin/python -m reverie.figures.sleep_phase --sweep out/sleep-phase --out results
