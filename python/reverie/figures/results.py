"""Figures of the experiment tables in results/*.csv (`reverie experiment ...`):
error bars from the repeats the tables hold, true log axes, reference lines and the
reference numbers of docs/science.md."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..runner import read_table
from .style import REF, alpha_c_line, figure, log_axis, mean_sem, save

#: docs/science.md §2: independent numpy reference at N = 1000 (fraction of patterns
#: that are exact fixed points, mean final overlap from the pattern).
CAPACITY_REFERENCE = {0.05: (0.996, 1.000), 0.10: (0.53, 0.998), 0.14: (0.06, 0.95), 0.16: (0.00, 0.76),
                      0.20: (0.00, 0.36)}
#: docs/science.md §3: D_in·ε/N of the numpy reference for N = 200, 300, 500.
D_IN_REFERENCE = {200: {0.2: 0.050, 0.3: 0.155, 0.4: 0.240, 0.5: 0.355, 0.6: 0.550},
                  300: {0.2: 0.055, 0.3: 0.150, 0.4: 0.255, 0.5: 0.400, 0.6: 0.530},
                  500: {0.2: 0.055, 0.3: 0.160, 0.4: 0.240, 0.5: 0.395, 0.6: 0.545}}


def _errorbar(ax, table, x, y, label=None, **kw):
    keys, mean, sem, n = mean_sem(table, x, y)
    xs = np.array([k[0] for k in keys], float)
    kw.setdefault("marker", "o")
    ax.errorbar(xs, mean, yerr=np.where(np.isnan(sem), 0, sem), label=label, **kw)
    return xs, mean, sem, n


def capacity(table, out):
    fig, (ax_f, ax_m) = figure(1, 2, figsize=(7.5, 3.2))
    n_repeats = mean_sem(table, "alpha", "mean_final_overlap")[3].max()
    sizes = sorted(set(table["N"].tolist()))
    for size in sizes:
        t = table[table["N"] == size]
        _errorbar(ax_f, t, "alpha", "fraction_fixed_points", label=f"Reverie, N = {size}")
        _errorbar(ax_m, t, "alpha", "mean_final_overlap", label=f"Reverie, N = {size}")
    ref = sorted(CAPACITY_REFERENCE.items())
    ax_f.plot([a for a, _ in ref], [v[0] for _, v in ref], "s", mfc="none", color=REF, label="numpy reference, N = 1000")
    ax_m.plot([a for a, _ in ref], [v[1] for _, v in ref], "s", mfc="none", color=REF, label="numpy reference, N = 1000")
    for ax, where in ((ax_f, "upper right"), (ax_m, "lower left")):
        alpha_c_line(ax)
        ax.set_xlabel(r"load $\alpha = P/N$")
        ax.set_ylim(-0.03, 1.03)
        ax.legend(loc=where)
    ax_f.set_ylabel("fraction of patterns that are fixed points")
    ax_m.set_ylabel("mean final overlap from the pattern")
    fig.suptitle(f"Hebbian storage: retrieval against load (mean ± s.e.m. over {n_repeats} repeats)", fontsize=10)
    return [save(fig, out, "capacity")]


def unlearning(table, landmarks, out):
    fig, (ax_f, ax_d) = figure(1, 2, figsize=(7.5, 3.3))
    for alpha in sorted(set(table["alpha"].tolist())):
        t = table[table["alpha"] == alpha]
        line = ax_f.plot(t["dreams_eps_over_n"], t["fraction_stable"], label=rf"$\alpha$ = {alpha:g}")[0]
        ax_d.plot(t["dreams_eps_over_n"], t["min_stability"], color=line.get_color())
        if landmarks is not None:
            row = landmarks[landmarks["alpha"] == alpha]
            if len(row) and row["d_in"][0] > 0:
                ax_f.plot(row["d_in_eps_over_n"], [1.0], "v", color=line.get_color(), ms=6)
    ax_d.axhline(0, color=REF, ls="--", lw=1, label=r"$\Delta_{min} = 0$")
    ax_f.set_xlabel(r"dreams $D\varepsilon/N$")
    ax_d.set_xlabel(r"dreams $D\varepsilon/N$")
    ax_f.set_ylabel("fraction of patterns that are fixed points")
    ax_d.set_ylabel(r"$\Delta_{min}$ (smallest stability)")
    ax_f.legend(loc="lower right", title=r"$\blacktriangledown$ $D_{in}$")
    ax_d.legend(loc="lower right")
    sizes = sorted(set(table["N"].tolist()))
    fig.suptitle(f"Hebbian unlearning (dreaming), N = {', '.join(map(str, sizes))}, one realisation per load",
                 fontsize=10)
    written = [save(fig, out, "unlearning")]
    if landmarks is not None:
        fig, ax = figure(figsize=(5.6, 3.6))
        for key, label, marker in (("d_in", r"$D_{in}$ (all patterns stable)", "o"),
                                   ("d_top", r"$D_{top}$ (widest basins)", "s"), ("d_fin", r"$D_{fin}$ (destroyed)", "^")):
            ok = landmarks[key] > 0
            ax.plot(landmarks["alpha"][ok], landmarks[f"{key}_eps_over_n"][ok], marker=marker,
                    label=f"Reverie {label}, N = {landmarks['N'][0]}")
        for size, ref in sorted(D_IN_REFERENCE.items()):
            ax.plot(list(ref), list(ref.values()), ls="none", marker="x", color=REF, alpha=0.4 + 0.2 * (size / 500),
                    label=rf"numpy $D_{{in}}$, N = {size}")
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel(r"$D\varepsilon/N$")
        ax.set_title("landmarks of unlearning scale as N/ε")
        ax.legend(fontsize=7.5)
        written.append(save(fig, out, "unlearning-landmarks"))
    return written


def sleep(min_examples, alpha_table, distance, out):
    written = []
    if min_examples is not None:
        fig, ax = figure(figsize=(5.6, 3.6))
        t = min_examples
        t = t[t["min_examples"] > 0]  # 0: not reached within the sweep
        slept = t["sleep_time"] > 0
        hebb = t["min_examples"][~slept]
        ax.plot(t["sleep_time"][slept], t["min_examples"][slept], "o-", label="after sleep for time t")
        if len(hebb):
            ax.axhline(hebb[0], color=REF, ls="--", lw=1, label=f"t = 0 (Hebb): M = {hebb[0]}")
            ax.axhline(0.1 * hebb[0], color=REF, ls=":", lw=1, label="90% fewer examples than Hebb")
        log_axis(ax, "x")
        log_axis(ax, "y")
        ax.set_xlabel("sleep time t")
        ax.set_ylabel("examples per archetype M needed\n(mean final overlap ≥ 0.9)")
        ax.set_title(f"sleep reduces the examples needed\n(N = {t['N'][0]}, α = {t['alpha'][0]:g}, "
                     f"r = {t['quality'][0]:g})")
        ax.legend()
        written.append(save(fig, out, "sleep-min-examples"))
    if alpha_table is not None:
        fig, ax = figure(figsize=(5.6, 3.6))
        t = alpha_table
        ax.plot(t["alpha"], t["overlap_t0"], "o-", label="t = 0 (Hebb on example averages)")
        ax.plot(t["alpha"], t["overlap_large_t"], "s-", label=f"t = {t['large_t'][0]:g} (after sleep)")
        alpha_c_line(ax)
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel("retrieval overlap with the archetypes")
        ax.set_ylim(0, 1.03)
        ax.set_title(f"learning from examples (N = {t['N'][0]}, M = {t['examples_per_archetype'][0]}, "
                     f"r = {t['quality'][0]:g})")
        ax.legend(loc="lower left")
        written.append(save(fig, out, "sleep-alpha"))
    if distance is not None:
        fig, ax = figure(figsize=(5.2, 3.6))
        t = distance
        probes, d = t["probes"].astype(float), t["distance"]
        ax.plot(probes, d, "o", label="local probe-driven rule")
        slope, intercept = np.polyfit(np.log(probes), np.log(d), 1)
        grid = np.geomspace(probes.min(), probes.max(), 50)
        ax.plot(grid, np.exp(intercept) * grid ** slope, color=REF, lw=1, label=f"fit: slope {slope:.2f}")
        ax.plot(grid, d[0] * (grid / probes[0]) ** -0.5, color=REF, ls="--", lw=1, label="slope −1/2 (sampling noise)")
        log_axis(ax, "x")
        log_axis(ax, "y")
        ax.set_xlabel("random probes")
        ax.set_ylabel(r"$\|J_{local} - J(t)\|_F \,/\, \|J(t)\|_F$ (Frobenius)")
        ax.set_title(f"local sleep rule against the closed form (t = {t['sleep_time'][0]:g})")
        ax.legend()
        written.append(save(fig, out, "sleep-distance"))
    return written


def predictive_coding(table, out):
    written = []
    for sweep, x, xlabel in (("corruption", "flipped_bits", "flipped bits"), ("load", "alpha", r"load $\alpha$")):
        t = table[table["sweep"] == sweep]
        if not len(t):
            continue
        fig, ax = figure(figsize=(5.6, 3.6))
        for network, label in (("pc", "predictive coding"), ("hebbian", "Hebbian")):
            _errorbar(ax, t[t["network"] == network], x, "mean_final_overlap", label=label, capsize=2.5)
        if sweep == "load":
            alpha_c_line(ax)
        repeats = mean_sem(t, ["network", x], "mean_final_overlap")[3].max()
        ax.set_xlabel(xlabel)
        ax.set_ylabel("mean final overlap")
        ax.set_title(f"predictive-coding vs Hebbian Hopfield network, N = {t['N'][0]}\n"
                     f"mean ± s.e.m. over {repeats} repeats")
        ax.legend(loc="lower left")
        written.append(save(fig, out, f"pc-{sweep}"))
    return written


def all_results(csv_dir, out) -> list:
    """Draws every figure whose CSV exists in ``csv_dir``."""
    csv_dir = Path(csv_dir)

    def table(name):
        p = csv_dir / f"{name}.csv"
        return read_table(p) if p.is_file() else None

    written = []
    if (t := table("capacity")) is not None:
        written += capacity(t, out)
    if (t := table("unlearning")) is not None:
        written += unlearning(t, table("unlearning-landmarks"), out)
    written += sleep(table("sleep-min-examples"), table("sleep-alpha"), table("sleep-distance"), out)
    if (t := table("pc")) is not None:
        written += predictive_coding(t, out)
    return written
