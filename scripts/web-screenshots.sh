#!/usr/bin/env bash
# Screenshots of the web monitor (reverie monitor --web) in headless Chromium, for
# the README: the flagship dream run (models/hopfield-unlearning.yaml, weights at
# every phase end) caught while it dreams and at its end, and benchmark 4
# (models/brette-benchmark4.yaml, N = 4000) while it runs. Writes results/web-*.png.
#
#   bash scripts/web-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/setup-chromium.sh >/dev/null
swift build -c release --product reverie >/dev/null
exec python3 - <<'PY'
import re, socket, subprocess, sys, time
sys.path.insert(0, "tests/python")
from headless import Browser

BIN = ".build/release/reverie"


def free_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def shoot(run_args, shots):
    """Runs `reverie run RUN_ARGS` publishing to a web monitor watched by one page;
    shots: [(JavaScript condition, PNG path)], each taken once its condition holds."""
    ep = free_endpoint()
    mon = subprocess.Popen([BIN, "monitor", ep, "--web", "0", "--plain", "--interval", "60", "--duration", "3600"],
                           stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", mon.stdout.readline()).group(0)
    try:
        with Browser(width=1400, height=1500) as browser:
            page = browser.open(url)
            page.wait_for("document.getElementById('status').dataset.value === 'live'", 60)
            run = subprocess.Popen([BIN, "run", *run_args, "-q", "--publish", ep, "--wait-subscribers", "1"],
                                   stdout=subprocess.PIPE, text=True)
            for condition, path in shots:
                page.wait_for(condition, 3600, interval=0.05)
                time.sleep(0.3)  # one more frame drawn
                with open(path, "wb") as f:
                    f.write(page.screenshot())
                print("wrote", path, flush=True)
            print(run.communicate()[0].strip().splitlines()[-2])
    finally:
        mon.terminate()
        mon.wait()


dreams = "Number((document.getElementById('dream-note').textContent.match(/after ([0-9,]+) dreams/) || [0, '0'])[1].replace(/,/g, ''))"
shoot(["models/hopfield-unlearning.yaml", "--weights-every", "phase"], [
    (f"{dreams} >= 6000", "results/web-monitor-dreaming.png"),
    ("document.getElementById('status').dataset.value === 'ended'", "results/web-monitor-dream-end.png"),
])
shoot(["models/brette-benchmark4.yaml"], [
    ("Number(document.getElementById('sim-time').dataset.value) >= 5000", "results/web-monitor-benchmark4.png"),
])
PY
