#!/usr/bin/env bash
# Set up (if needed), build in release mode and run the flagship model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build -c release --product reverie
.build/release/reverie run models/hopfield-unlearning.yaml --out out/flagship "$@"
