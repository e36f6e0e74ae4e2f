#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: Swift unit, integration and
# CLI tests (XCTest), then the Python tests (tests/python) in the repository's
# virtual environment .venv (made by scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build --build-tests
log=$(mktemp)
swift_status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || swift_status=$?
summary=$( (grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" || true) | tail -1)
passed=$(sed -E 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/\1 \2/' <<<"$summary")
read -r total failed <<<"${passed:-0 1}"
[ "$swift_status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
bash scripts/fuzz.sh || { failed=$((failed + 1)); total=$((total + 1)); }   # bounded libFuzzer run, counted as one test
pytest_passed=0 pytest_failed=0
if compgen -G "tests/python/test_*.py" >/dev/null; then
  # The Brian2 and NEST peers' environments, for the spiking benchmarks' comparison tests, and numba's.
  bash Benchmarks/peers/brian2/setup.sh >/dev/null
  bash Benchmarks/peers/nest/setup.sh >/dev/null
  bash Benchmarks/peers/numba/setup.sh >/dev/null
  bash scripts/setup-chromium.sh >/dev/null   # headless Chromium for tests/python/test_web_monitor.py
  pytest_status=0
  .venv/bin/python -m pytest -q tests/python | tee "$log" || pytest_status=$?
  [ "$pytest_status" -eq 0 ] || grep -qE "[0-9]+ (failed|errors?)" "$log" || echo "1 failed (pytest exited $pytest_status)" >> "$log"
  pytest_passed=$(grep -oE "[0-9]+ passed" "$log" | tail -1 | cut -d' ' -f1 || true)
  pytest_failed=$( (grep -oE "[0-9]+ (failed|errors?)" "$log" || true) | awk '{s+=$1} END {print s+0}')
  pytest_passed=${pytest_passed:-0}
fi
echo "tests: $((total - failed + pytest_passed)) passed, $((failed + pytest_failed)) failed"
[ "$failed" -eq 0 ] && [ "$pytest_failed" -eq 0 ]
