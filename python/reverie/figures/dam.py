"""Figures and tables of the dense associative memory sweeps (docs/science.md §7):

    python -m reverie.figures.dam --capacity out/dam-capacity --sequential out/dam-sequential --out results

--capacity is the output directory of `reverie experiment experiments/dam-capacity.yaml`
(one sub-directory per part, named <interaction>-n<n>-N<N>), --sequential that of
experiments/dam-sequential.yaml. The signal-to-noise prediction is computed here
from its equations (independently of the Swift implementation that dam-test uses).
"""
from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np

from .style import REF, figure, save


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def interaction(kind, n):
    if kind == "polynomial":
        return lambda x: x ** n
    return lambda x: x ** n if x > 0 else 0.0


def snr(kind, n, units, memories, beta=1.0):
    """(P(fixed point), K at which it is 1/2) of the signal-to-noise estimate."""
    f, c = interaction(kind, n), beta / units
    signal = f(c * units) - f(c * (units - 2))
    noise = 0.0
    for k in range(units):
        a = 2 * k - (units - 1)
        g = f(c * (a + 1)) - f(c * (a - 1))
        noise += math.comb(units - 1, k) / 2 ** (units - 1) * g * g
    z = NormalDist().inv_cdf(2 ** (-1 / units))
    half = 1 + (signal / z) ** 2 / noise
    fixed = [1.0 if m <= 1 else NormalDist().cdf(signal / math.sqrt((m - 1) * noise)) ** units for m in memories]
    return np.array(fixed), half


def scale(n, units):
    return units ** (n - 1) / math.prod(range(2 * n - 3, 0, -2))


def half_point(ks, fractions):
    """K where the fraction of fixed points first falls through 1/2 (linear in log K)."""
    for (k0, f0), (k1, f1) in zip(zip(ks, fractions), zip(ks[1:], fractions[1:])):
        if f0 >= 0.5 > f1:
            t = (f0 - 0.5) / (f0 - f1)
            return math.exp(math.log(k0) + t * (math.log(k1) - math.log(k0)))
    return math.nan


def capacity(root, out):
    parts = sorted(p for p in Path(root).iterdir() if (p / "runs.csv").exists())
    table = []
    fig, (ax, ax_r) = figure(1, 2, figsize=(9, 3.6))
    for part in parts:
        m = re.fullmatch(r"(polynomial|rectified)-n(\d+)-N(\d+)", part.name)
        if not m:
            continue
        kind, n, units = m.group(1), int(m.group(2)), int(m.group(3))
        rows = _rows(part / "runs.csv")
        ks = sorted({int(r["K"]) for r in rows})
        seeds = sorted({r["seed"] for r in rows})
        frac = {s: [float(next(r for r in rows if r["seed"] == s and int(r["K"]) == k)["exact.fraction_fixed_points"])
                    for k in ks] for s in seeds}
        retrieved = np.array([[float(next(r for r in rows if r["seed"] == s and int(r["K"]) == k)["corrupted.fraction_retrieved"])
                               for k in ks] for s in seeds])
        data = np.array([frac[s] for s in seeds])
        k0 = scale(n, units)
        x = np.array(ks) / k0
        halves = np.array([half_point(ks, frac[s]) / k0 for s in seeds])
        _, predicted_half = snr(kind, n, units, ks)
        ok = halves[~np.isnan(halves)]
        table.append({"interaction": kind, "n": n, "N": units, "K0": round(k0, 3),
                      "K_range": f"{ks[0]}-{ks[-1]}", "x_half_measured": round(float(ok.mean()), 4) if len(ok) else "",
                      "x_half_sem": round(float(ok.std(ddof=1) / math.sqrt(len(ok))), 4) if len(ok) > 1 else "",
                      "x_half_predicted": round(predicted_half / k0, 4),
                      "difference": round(float(ok.mean()) - predicted_half / k0, 4) if len(ok) else "",
                      "seeds": len(seeds), "seeds_crossing": len(ok)})
        target = ax if kind == "polynomial" else ax_r
        sem = data.std(axis=0, ddof=1) / math.sqrt(len(seeds)) if len(seeds) > 1 else np.zeros(len(ks))
        line = target.errorbar(x, data.mean(axis=0), yerr=sem, marker="o", ms=3.5, label=f"n = {n}, N = {units}")[0]
        fine = np.geomspace(ks[0], ks[-1], 80)
        target.plot(fine / k0, snr(kind, n, units, fine)[0], ls="--", lw=1, color=line.get_color())
        if kind == "polynomial" and n == 3 and units == 100:
            ax.plot(x, retrieved.mean(axis=0), marker="s", mfc="none", ls=":", color=line.get_color(),
                    label="n = 3, N = 100: retrieved from 10% flipped")
    for a, title, corner in ((ax, "polynomial F = xⁿ", "upper right"), (ax_r, "rectified polynomial", "lower left")):
        a.set_xscale("log")
        a.set_xlabel(r"load $x = K\,/\,(N^{n-1}/(2n-3)!!)$")
        a.set_ylim(-0.03, 1.03)
        a.set_title(title + " (dashed: signal-to-noise)")
        a.legend(loc=corner, fontsize=7)  # the corner the curves leave empty
    ax.set_ylabel("stored patterns that are fixed points")
    fig.suptitle("Dense associative memory capacity (mean ± s.e.m. over 3 pattern sets, 100 probed patterns each)",
                 fontsize=10)
    written = [save(fig, out, "dam-capacity")]
    path = Path(out) / "dam-capacity.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    return written + [path]


def sequential(root, out):
    rows = _rows(Path(root) / "tasks.csv")
    methods = list(dict.fromkeys(r["method"] for r in rows))
    degrees = sorted({int(r["degree"]) for r in rows})
    tasks = max(int(float(r["after_task"])) for r in rows)

    def series(method, degree, column):
        sel = [r for r in rows if r["method"] == method and int(r["degree"]) == degree]
        seeds = sorted({r["seed"] for r in sel})
        data = np.array([[float(next(r for r in sel if r["seed"] == s and int(float(r["after_task"])) == t)[column])
                          for t in range(1, tasks + 1)] for s in seeds])
        return data.mean(axis=0), data.std(axis=0, ddof=1) / math.sqrt(len(seeds)), len(seeds)

    written = []
    for column, name, label in (("average_accuracy", "dam-sequential-average", "average accuracy over tasks so far"),
                                ("task1_accuracy", "dam-sequential-task1", "accuracy on task 1")):
        fig, axes = figure(1, len(degrees), figsize=(2.6 * len(degrees) + 1, 3.2), sharey=True)
        for ax, degree in zip(np.atleast_1d(axes), degrees):
            for method in methods:
                mean, sem, count = series(method, degree, column)
                ax.errorbar(range(1, tasks + 1), mean, yerr=sem, marker="o", ms=3, label=method)
            ax.set_title(f"n = {degree}")
            ax.set_xlabel("tasks learned")
            ax.set_xticks(range(1, tasks + 1))
            ax.set_ylim(0, 1.02)
        np.atleast_1d(axes)[0].set_ylabel(label)
        np.atleast_1d(axes)[0].legend(loc="lower left")
        fig.suptitle(f"Permuted 8×8 digits, dense associative memory (mean ± s.e.m. over {count} seeds)", fontsize=10)
        written.append(save(fig, out, name))
    runs = _rows(Path(root) / "runs.csv")

    def run_mean(method, degree, column):
        return float(np.mean([float(r[column]) for r in runs if r["method"] == method and int(r["degree"]) == degree]))

    fig, ax = figure(figsize=(5, 3.4))
    summary = []
    for method in methods:
        finals = [series(method, d, "average_accuracy") for d in degrees]
        ax.errorbar(degrees, [f[0][-1] for f in finals], yerr=[f[1][-1] for f in finals], marker="o", label=method)
        for d, f, t1 in zip(degrees, finals, (series(method, d, "task1_accuracy") for d in degrees)):
            learning = series(method, d, "learning_accuracy")
            summary.append({"method": method, "n": d, "final_average_accuracy": round(f[0][-1], 4),
                            "sem": round(f[1][-1], 4), "final_task1_accuracy": round(t1[0][-1], 4),
                            "task1_sem": round(t1[1][-1], 4), "learning_accuracy": round(float(np.mean(learning[0])), 4),
                            "backward_transfer": round(run_mean(method, d, "tasks.backward_transfer"), 4),
                            "forgetting": round(run_mean(method, d, "tasks.forgetting"), 4), "seeds": f[2]})
    ax.set_xscale("log")
    ax.set_xticks(degrees, [str(d) for d in degrees])
    ax.minorticks_off()
    ax.set_xlabel("interaction vertex n")
    ax.set_ylabel(f"average accuracy after {tasks} tasks")
    ax.set_ylim(0, 1.02)
    ax.axhline(1 / 10, color=REF, ls="--", lw=1, label="chance")
    ax.legend(loc="best")
    written.append(save(fig, out, "dam-sequential-final"))
    path = Path(out) / "dam-sequential.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(summary[0]))
        w.writeheader()
        w.writerows(summary)
    # Mean accuracy matrices R[t][k] per method and n.
    lines = ["# Accuracy matrices R[t][k] (row: after task t, column: task k), mean over seeds", ""]
    for method in methods:
        for d in degrees:
            lines.append(f"## {method}, n = {d}")
            lines.append("")
            lines.append("| after task | " + " | ".join(f"task {k}" for k in range(1, tasks + 1)) + " |")
            lines.append("|---" * (tasks + 1) + "|")
            for t in range(1, tasks + 1):
                cells = [np.mean([float(r[f"task{k}_accuracy"]) for r in rows if r["method"] == method
                                  and int(r["degree"]) == d and int(float(r["after_task"])) == t]) for k in range(1, tasks + 1)]
                lines.append(f"| {t} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
            lines.append("")
    matrices = Path(out) / "dam-sequential-matrices.md"
    matrices.write_text("\n".join(lines))
    return written + [path, matrices]


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m reverie.figures.dam", description=__doc__)
    ap.add_argument("--capacity", help="output directory of experiments/dam-capacity.yaml")
    ap.add_argument("--sequential", help="output directory of experiments/dam-sequential.yaml")
    ap.add_argument("--out", required=True, help="directory for the figures and tables (must exist)")
    a = ap.parse_args(argv)
    written = []
    if a.capacity:
        written += capacity(a.capacity, a.out)
    if a.sequential:
        written += sequential(a.sequential, a.out)
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
