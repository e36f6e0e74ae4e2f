#!/usr/bin/env python3
"""Two builds of Reverie on one benchmark, alternating in one invocation.

    python3 Benchmarks/compare-builds.py --a "OLD/reverie bench" --b ".build/release/reverie-bench" \
        --repeats 7 relax --no-peer --n 1000

Runs `A <bench args>` and `B <bench args>` in turn, `--repeats` times each (A, B, A, B, ...
so that load on the machine falls on both alike), reads Reverie's CPU times from the
output (relax: ms per relaxation per N; unlearning: seconds to D_in; lif: seconds per
N and queue), and prints, per row, the best and the median of each build and the
ratio B/A of the bests and of the medians (below 1: B is faster).
"""
import argparse
import re
import shlex
import statistics
import subprocess
import sys


def table(bench, text):
    """{row label: CPU time} from what `bench` printed."""
    rows = {}
    if bench == "unlearning":
        # "reverie: D_in 26000 (...), 26000 dreams in 4.60 s (24.60 s), ..." (CPU s, wall s in parentheses)
        for m in re.finditer(r"^reverie: D_in .* dreams in ([\d.]+) s \(", text, re.M):
            rows["to D_in (s)"] = float(m.group(1))
    elif bench == "lif":
        # "   4000  reverie (exact)   ring    9.530   0.446  38122  3051160  0.046  ..." (CPU seconds)
        for m in re.finditer(r"^\s*(\d+)\s+reverie \(exact\)\s+(\w+)\s+\S+\s+\S+\s+\d+\s+\d+\s+([\d.]+)", text, re.M):
            rows[f"N={m.group(1)} {m.group(2)} (s)"] = float(m.group(3))
    else:
        # relax, pc: "    N  relax  flips/relax  reverie ms (wall) ..." then rows "1000  50  849  0.712 (3.602) ..."
        for m in re.finditer(r"^\s*(\d+)\s+\d+\s+\d+\s+([\d.]+) \(", text, re.M):
            rows[f"N={m.group(1)} (ms)"] = float(m.group(2))
    if not rows:
        raise SystemExit(f"no {bench} timings in:\n" + text)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True, help="command of build A (e.g. 'old/reverie bench')")
    p.add_argument("--b", required=True, help="command of build B (e.g. '.build/release/reverie-bench')")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("bench", nargs=argparse.REMAINDER, help="the benchmark and its arguments")
    args = p.parse_args()
    times = {"A": {}, "B": {}}
    for r in range(args.repeats):
        for name, cmd in (("A", args.a), ("B", args.b)):
            run = subprocess.run(shlex.split(cmd) + args.bench, capture_output=True, text=True)
            if run.returncode:
                raise SystemExit(f"{name} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
            for row, t in table(args.bench[0], run.stdout).items():
                times[name].setdefault(row, []).append(t)
        print(f"repeat {r + 1}/{args.repeats} done", file=sys.stderr)
    print(f"{'row':>14}  {'A best':>9} {'A median':>9}  {'B best':>9} {'B median':>9}  {'B/A best':>8} {'B/A median':>10}")
    for row in times["A"]:
        a, b = times["A"][row], times["B"].get(row, [])
        if not b:
            continue
        ab, am, bb, bm = min(a), statistics.median(a), min(b), statistics.median(b)
        print(f"{row:>14}  {ab:9.4g} {am:9.4g}  {bb:9.4g} {bm:9.4g}  {bb / ab:8.3f} {bm / am:10.3f}")


if __name__ == "__main__":
    main()
