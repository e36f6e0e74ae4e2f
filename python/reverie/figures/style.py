"""Shared look of the figures and the statistics behind error bars.

Ticks are matplotlib's own locators (AutoLocator: steps of 1, 2, 2.5 or 5 × 10^k;
LogLocator on log axes), so tick labels are round numbers placed where they say.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Colours (colour-blind safe, Okabe–Ito) by role.
EXC, INH, REF, OTHER = "#0072B2", "#D55E00", "#555555", "#009E73"
CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

#: Amit–Gutfreund–Sompolinsky capacity of the Hebbian network (docs/science.md §2).
ALPHA_C = 0.138

RC = {
    "figure.dpi": 100, "savefig.dpi": 150, "font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
    "legend.fontsize": 8.5, "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.alpha": 0.25, "grid.linewidth": 0.6, "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "lines.linewidth": 1.5, "lines.markersize": 4.5, "errorbar.capsize": 2.5, "figure.constrained_layout.use": True,
    "svg.hashsalt": "reverie", "path.simplify": True,
}


def figure(*args, **kwargs):
    """``plt.subplots`` with the project's style."""
    with plt.rc_context(RC):
        return plt.subplots(*args, **kwargs)


def save(fig, out, name) -> Path:
    """Writes ``out/name.png`` (no timestamp in the metadata, so the same data give the same file)."""
    path = Path(out) / f"{name}.png"
    with plt.rc_context(RC):
        fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def _log_label(v, _pos=None):
    if v <= 0:
        return ""
    exponent = int(np.floor(np.log10(v) + 1e-9))
    if 3 <= exponent <= 6 and abs(v - round(v)) < 1e-9:
        return f"{int(round(v)):,}"
    if -3 <= exponent <= 2:
        return f"{v:g}"
    mantissa = v / 10 ** exponent
    return rf"$10^{{{exponent}}}$" if abs(mantissa - 1) < 1e-9 else rf"${mantissa:g}\times10^{{{exponent}}}$"


def log_axis(ax, which="x"):
    """A true logarithmic axis with round ticks: 1, 2 and 5 × 10^k when the data span
    less than two decades, powers of ten otherwise; labels as plain numbers."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    lo, hi = (ax.get_xlim() if which == "x" else ax.get_ylim())
    subs = (1.0, 2.0, 5.0) if hi / max(lo, 1e-300) < 100 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(_log_label))
    axis.set_minor_formatter(NullFormatter())


def alpha_c_line(ax, label=True):
    ax.axvline(ALPHA_C, color=REF, ls="--", lw=1, label=r"$\alpha_c \approx 0.138$" if label else None)


def mean_sem(table, by, value):
    """Groups the rows of a structured array by the columns ``by`` and returns
    ``(keys, mean, sem, n)`` of column ``value``; sem = std (ddof 1) / sqrt(n), NaN for n = 1."""
    by = [by] if isinstance(by, str) else list(by)
    keys = sorted({tuple(row[b].item() for b in by) for row in table})
    means, sems, counts = [], [], []
    for k in keys:
        mask = np.ones(len(table), bool)
        for b, v in zip(by, k):
            mask &= table[b] == v
        x = np.asarray(table[value][mask], float)
        means.append(x.mean())
        sems.append(x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan)
        counts.append(len(x))
    return keys, np.array(means), np.array(sems), np.array(counts)
