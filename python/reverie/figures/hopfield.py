"""Hopfield figures (docs/science.md §2–§3): basins of attraction, stability
distributions before and after dreaming, and overlaps over time.

The patterns are drawn here with a seeded numpy generator and given to the model
through a pattern file (`patterns[].file`), so the figures know ξ exactly and can
compute overlaps and stabilities from the trace: the states (`assign` and `state`
records) and the couplings (`weight` records).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..runner import run
from ..traces import ASSIGN, METRIC, PHASE, STATE, WEIGHT
from .style import ALPHA_C, REF, figure, mean_sem, save


def write_patterns(path, count, size, seed):
    """``count`` random ±1 patterns of ``size`` units, one per line (a pattern file)."""
    xi = np.random.default_rng(seed).choice(np.array([-1, 1], np.int8), size=(count, size))
    Path(path).write_text("\n".join(" ".join(map(str, row)) for row in xi) + "\n")
    return xi.astype(float)


def hopfield_model(name, size, protocol, order="random-sequential", rules=None, seed=1):
    """A model dict (models/README.md) of one dense binary population with Hebbian
    storage; the pattern set ``memories`` is read from ``patterns.txt``."""
    return {"reverie": 1, "name": name, "seed": seed,
            "dynamics": {"order": order, "temperature": 0, "rate": 1},
            "populations": [{"name": "memory", "model": "binary", "size": size}],
            "projections": [{"name": "recurrent", "from": "memory", "to": "memory", "connectivity": "dense",
                             "self_connections": False, "delay": 0}],
            "rules": [{"name": "storage", "type": "hebbian", "eta": 1}] + (rules or []),
            "patterns": [{"name": "memories", "population": "memory", "file": "patterns.txt"}],
            "protocol": [{"phase": "learn", "patterns": "memories", "projection": "recurrent", "rule": "storage"}]
            + protocol}


def prepare(work, model, patterns, size, seed):
    """Writes ``work/model.json`` and ``work/patterns.txt``; returns (model path, ξ)."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    xi = write_patterns(work / "patterns.txt", patterns, size, seed)
    (work / "model.json").write_text(json.dumps(model, indent=1))
    return work / "model.json", xi


def weight_matrices(trace, size):
    """The coupling snapshots in the trace (``--weights-every phase``): a list of
    ``(time, J)`` with ``J[i, j]`` the weight from unit j (pre) to unit i (post)."""
    w = trace.select(WEIGHT)
    out = []
    for start in range(0, len(w), size * size):
        block = w[start:start + size * size]
        J = np.zeros((size, size))
        J[block["aux"], block["unit"]] = block["value"]
        out.append((float(block["time"][0]), J))
    return out


def stabilities(J, xi):
    """Δ_i^μ = ξ_i^μ h_i(ξ^μ) / sqrt(Σ_j J_ij²) for every pattern μ (rows) and unit i."""
    h = xi @ J.T
    return xi * h / np.sqrt((J ** 2).sum(axis=1))


def overlap_trajectories(trace, xi, phase):
    """For each relaxation of test phase ``phase``: ``(pattern, times since its cue,
    overlaps m(t) = (1/N) Σ_i ξ_i s_i(t), the final overlap Reverie reported)``,
    replayed from the records: ``assign`` records set the cue, ``state`` records are
    the flips, an ``overlap`` metric record ends the relaxation (its item is μ)."""
    k = trace.phases.index(phase)
    overlap = trace.metrics.index("overlap")
    size = xi.shape[1]
    s = np.zeros(size)
    out, flips, start, cued_at, inside = [], [], None, 0.0, False
    for r in trace.records:
        kind, unit = int(r["kind"]), int(r["unit"])
        if kind == PHASE and unit == k:
            inside = r["aux"] == 0
        elif kind == ASSIGN:
            s[unit] = r["value"]
            cued_at = float(r["time"])
        elif kind == STATE:
            if inside and start is None:
                start = s.copy()
            s[unit] = r["value"]
            if inside:
                flips.append((float(r["time"]), unit, float(r["value"])))
        elif kind == METRIC and unit == overlap and inside:
            mu = int(r["aux"])
            state = s.copy() if start is None else start
            m = [float(xi[mu] @ state) / size]
            times = [0.0]
            for t, i, v in flips:
                m.append(m[-1] + 2 * xi[mu, i] * v / size)
                times.append(t - cued_at)
            out.append((mu, np.array(times), np.array(m), float(r["value"])))
            flips, start = [], None
    return out


def basins_figure(out, work, size=500, alphas=(0.05, 0.1, 0.14, 0.2), overlaps=np.linspace(0.1, 1.0, 10),
                  trials=2, seed=1, binary=None) -> list:
    """Final vs initial overlap (basins of attraction) of Hebbian storage at several loads."""
    fig, ax = figure(figsize=(5.6, 4.2))
    for alpha in alphas:
        patterns = int(round(alpha * size))
        protocol = [{"phase": "test", "name": f"m0-{m0:.2f}", "patterns": "memories", "initial_overlap": float(m0),
                     "trials": trials, "max_time": 1000} for m0 in overlaps]
        model, _ = prepare(Path(work) / f"basins-{alpha:g}", hopfield_model("hopfield-basins", size, protocol),
                           patterns, size, seed)
        r = run(model, out=model.parent / "out", record=None, binary=binary)
        m0s, means, sems = [], [], []
        for m0 in overlaps:
            t = r.tables[f"m0-{m0:.2f}"]
            _, mean, sem, _ = mean_sem(t, "initial_overlap", "final_overlap")
            m0s.append(m0), means.append(mean[0]), sems.append(sem[0])
        ax.errorbar(m0s, means, yerr=sems, marker="o", label=rf"$\alpha$ = {alpha:g} (P = {patterns})")
    ax.plot([0, 1], [0, 1], color=REF, ls=":", lw=1, label="final = initial")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(r"initial overlap $m_0$")
    ax.set_ylabel(r"final overlap $m$ (mean ± s.e.m.)")
    ax.set_title(f"basins of attraction, Hebbian storage, N = {size}\n"
                 f"{trials} corrupted starts per pattern, zero temperature")
    ax.legend(loc="lower right")
    return [save(fig, out, "hopfield-basins")]


def stability_figure(out, work, size=200, alpha=0.3, epsilon=0.01, dreams=4000, seed=1, binary=None) -> list:
    """Distributions of the stabilities Δ_i^μ after Hebbian storage and after dreaming
    (Hebbian unlearning), computed from the couplings in the trace."""
    patterns = int(round(alpha * size))
    protocol = [{"phase": "dream", "name": "dreaming", "patterns": "memories", "projection": "recurrent",
                 "rule": "unlearning", "dreams": dreams, "measure_every": dreams, "check_every": 0}]
    rules = [{"name": "unlearning", "type": "anti-hebbian", "epsilon": epsilon}]
    model, xi = prepare(Path(work) / "stability", hopfield_model("hopfield-dreaming", size, protocol, rules=rules),
                        patterns, size, seed)
    r = run(model, out=model.parent / "out", record=["weights", "phases"], weights_every="phase", binary=binary)
    (_, hebb), (_, dreamt) = weight_matrices(r.trace, size)[:2]
    before, after = stabilities(hebb, xi), stabilities(dreamt, xi)
    fig, ax = figure(figsize=(6.2, 3.6))
    bins = np.linspace(min(before.min(), after.min()), max(before.max(), after.max()), 60)
    for d, label, color in ((before, "after Hebbian storage (D = 0)", "#E69F00"),
                            (after, f"after D = {dreams} dreams (D·ε/N = {dreams * epsilon / size:g})", "#0072B2")):
        fixed = (d.min(axis=1) > 0).mean()
        ax.hist(d.ravel(), bins=bins, histtype="step", lw=1.5, density=True, color=color,
                label=f"{label}: min {d.min():.2f}, {100 * fixed:.0f}% of patterns fixed points")
    ax.axvline(0, color=REF, ls="--", lw=1, label=r"$\Delta = 0$ (unstable below)")
    ax.set_xlabel(r"stability $\Delta_i^\mu = \xi_i^\mu h_i(\xi^\mu) / \sqrt{\sum_j J_{ij}^2}$")
    ax.set_ylabel("density")
    ax.set_title(rf"Hebbian unlearning, N = {size}, $\alpha$ = {alpha:g}, ε = {epsilon:g}")
    ax.legend(loc="upper left", fontsize=8)
    return [save(fig, out, "hopfield-stability")]


def overlap_time_figure(out, work, size=500, alphas=(0.05, 0.2), m0=0.5, patterns_shown=12, seed=1,
                        binary=None) -> list:
    """Overlap with the cued pattern over time, from a corrupted start (continuous-time
    Poisson updates), below and above the capacity."""
    fig, axes = figure(1, len(alphas), figsize=(7.5, 3.2), sharey=True, squeeze=False)
    for ax, alpha in zip(axes[0], alphas):
        patterns = int(round(alpha * size))
        protocol = [{"phase": "test", "name": "recall", "patterns": "memories", "initial_overlap": m0}]
        model, xi = prepare(Path(work) / f"overlap-{alpha:g}",
                            hopfield_model("hopfield-overlap", size, protocol, order="poisson"), patterns, size, seed)
        r = run(model, out=model.parent / "out", record=["states", "assignments", "phases", "metrics"],
                binary=binary)
        for mu, times, m, _ in overlap_trajectories(r.trace, xi, "recall")[:patterns_shown]:
            ax.step(times, m, where="post", lw=1)
        ax.axhline(m0, color=REF, ls=":", lw=1)
        ax.set_title(rf"$\alpha$ = {alpha:g} ({'below' if alpha < ALPHA_C else 'above'} $\alpha_c$), "
                     f"{min(patterns, patterns_shown)} patterns")
        ax.set_xlabel("time since the cue (updates per unit)")
        ax.set_xlim(left=0)
    axes[0, 0].set_ylabel(r"overlap $m^\mu(t)$ with the cued pattern")
    axes[0, 0].set_ylim(min(0, axes[0, 0].get_ylim()[0]), 1.02)
    fig.suptitle(f"retrieval from m0 = {m0:g}, N = {size}, Poisson clocks (exact event times)", fontsize=10)
    return [save(fig, out, "hopfield-overlap-time")]
