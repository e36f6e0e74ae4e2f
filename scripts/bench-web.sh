#!/usr/bin/env bash
# Cost of the web monitor to the simulation: the same run (default: benchmark 4,
# N = 4000, 10 s simulated) with no --publish, publishing to nobody, to the terminal
# monitor, and to `reverie monitor --web` with two headless Chromium pages attached
# (with the CPU the monitor and the browsers used meanwhile). Reports the
# run process's CPU time (user + sys, from wait4) and wall time, best and median of
# --repeats runs per configuration, interleaved; writes results/bench-web.json.
#
#   bash scripts/bench-web.sh [--repeats 5] [--set path=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/setup-chromium.sh >/dev/null
swift build -c release --product reverie >/dev/null
exec python3 - "$@" <<'PY'
import argparse, json, os, re, socket, statistics, subprocess, sys, time
sys.path.insert(0, "tests/python")
from headless import Browser

ap = argparse.ArgumentParser()
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--model", default="models/brette-benchmark4.yaml")
ap.add_argument("--set", action="append", default=[])
ap.add_argument("--out", default="results/bench-web.json")
args = ap.parse_args()
BIN = ".build/release/reverie"
overrides = [x for s in args.set for x in ("--set", s)]


def free_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def timed_run(extra):
    """CPU seconds (user + sys) and wall seconds of one `reverie run`, and its summary line."""
    start = time.perf_counter()
    p = subprocess.Popen([BIN, "run", args.model, *overrides, "-q", *extra], stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    spikes = int(re.search(r"spikes (\d+)", out).group(1)) if "spikes" in out else 0
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start, spikes


def tree_cpu(root):
    """CPU seconds (user + sys) used so far by process `root` and its descendants (from /proc)."""
    stats = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                f = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
                stats[int(d)] = (int(f[1]), (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"))
            except (OSError, IndexError):
                pass
    tree, total, grew = {root}, 0.0, True
    while grew:
        grew = False
        for pid, (ppid, _) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(stats[p][1] for p in tree if p in stats)


def settle(pids, quiet=0.05, window=0.5, limit=15):
    """Waits until processes `pids` (with their descendants) together use under `quiet` of a
    core over `window` seconds (the browsers have loaded and painted the page), at most `limit` s."""
    deadline = time.monotonic() + limit
    last = sum(tree_cpu(p) for p in pids)
    while time.monotonic() < deadline:
        time.sleep(window)
        now = sum(tree_cpu(p) for p in pids)
        if now - last < quiet * window:
            return
        last = now


def with_terminal_monitor():
    ep = free_endpoint()
    mon = subprocess.Popen([BIN, "monitor", ep, "--plain", "--interval", "60", "--duration", "600"],
                           stdout=subprocess.DEVNULL)
    try:
        settle([mon.pid])
        before = tree_cpu(mon.pid)
        cpu, wall, _ = timed_run(["--publish", ep, "--wait-subscribers", "1"])
        return cpu, wall, {"monitor_cpu": round(tree_cpu(mon.pid) - before, 3)}
    finally:
        mon.terminate()
        mon.wait()


def with_web_monitor():
    ep = free_endpoint()
    mon = subprocess.Popen([BIN, "monitor", ep, "--web", "0", "--plain", "--interval", "60", "--duration", "600"],
                           stdout=subprocess.PIPE, text=True)
    url = re.search(r"http://\S+", mon.stdout.readline()).group(0)
    browsers = [Browser(), Browser()]
    try:
        pages = [b.open(url) for b in browsers]
        for p in pages:
            p.wait_for("document.getElementById('status').dataset.value === 'live'", 60)
        settle([mon.pid] + [b.process.pid for b in browsers])
        before = [tree_cpu(mon.pid)] + [tree_cpu(b.process.pid) for b in browsers]
        cpu, wall, spikes = timed_run(["--publish", ep, "--wait-subscribers", "1"])
        used = [round(tree_cpu(pid) - b, 3) for pid, b in zip([mon.pid] + [b.process.pid for b in browsers], before)]
        for p in pages:
            p.wait_for("document.getElementById('status').dataset.value === 'ended'", 120)
        shown = [p.evaluate("Number(document.getElementById('spikes-total').dataset.value)") for p in pages]
        dropped = [p.evaluate("Number(document.getElementById('frames-dropped').dataset.value)") for p in pages]
        received = [p.evaluate("Number(document.getElementById('frames-received').dataset.value)") for p in pages]
        assert all(s == spikes for s in shown), (shown, spikes)
        return cpu, wall, {"frames_received": received, "frames_dropped": dropped, "monitor_cpu": used[0], "browsers_cpu": used[1:]}
    finally:
        for b in browsers:
            b.close()
        mon.terminate()
        mon.wait()


configs = {
    "no --publish": lambda: timed_run([])[:2] + ({},),
    "--publish, no subscriber": lambda: timed_run(["--publish", free_endpoint()])[:2] + ({},),
    "--publish to the terminal monitor": with_terminal_monitor,
    "--publish to --web monitor, 2 browsers": with_web_monitor,
}
runs = {name: [] for name in configs}
extra = {name: [] for name in configs}
for r in range(args.repeats):
    for name, f in configs.items():
        cpu, wall, info = f()
        runs[name].append((cpu, wall))
        extra[name].append(info)
        print(f"[{r + 1}/{args.repeats}] {name}: cpu {cpu:.3f} s, wall {wall:.3f} s {info or ''}", flush=True)

base = min(c for c, _ in runs["no --publish"])
base_median = statistics.median(c for c, _ in runs["no --publish"])
result = {"model": args.model, "overrides": args.set, "repeats": args.repeats, "load_average": os.getloadavg(),
          "configurations": {}}
# This machine's speed drifts between runs by tens of per cent (other tenants): besides best and
# median, each configuration against the no --publish run of the same round (run just before it),
# as the median of those per-round ratios.
print(f"\n{'configuration':42} {'cpu best':>9} {'cpu median':>11} {'wall best':>10} {'wall median':>12}"
      "  vs no --publish (best, median, median of per-round ratios)")
for name, xs in runs.items():
    cpus, walls = [c for c, _ in xs], [w for _, w in xs]
    paired = statistics.median(c / b for (c, _), (b, _) in zip(xs, runs["no --publish"]))
    row = {"cpu_best": min(cpus), "cpu_median": statistics.median(cpus), "wall_best": min(walls),
           "wall_median": statistics.median(walls), "cpu_per_round_ratio_median": paired, "cpu": cpus, "wall": walls,
           "pages": extra[name]}
    result["configurations"][name] = row
    print(f"{name:42} {row['cpu_best']:9.3f} {row['cpu_median']:11.3f} {row['wall_best']:10.3f} {row['wall_median']:12.3f}"
          f"  {100 * (row['cpu_best'] / base - 1):+.1f} %, {100 * (row['cpu_median'] / base_median - 1):+.1f} %,"
          f" {100 * (paired - 1):+.1f} %")
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f:
    json.dump(result, f, indent=1)
print(f"wrote {args.out}")
PY
