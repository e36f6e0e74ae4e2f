"""The sleep phase diagram (docs/science.md §4; Aquaro et al. 2022, arXiv 2204.07954)
from the output directory of ``reverie experiment experiments/sleep-phase.yaml``:

    python -m reverie.figures.sleep_phase --sweep out/sleep-phase --out results

Each part's ``search.csv`` holds, per (α, r, t) and seed, M_min: the fewest examples per
archetype at which the archetypes are retrieved (found = 0: not at the top of the range,
M_max). The reduction by sleep is paired by seed (the sweep runs the same seeds, hence the
same archetypes, at every point): ``R = 1 − M_min(t)/M_min(0)``, defined where both were
found; where t = 0 fails for every seed and t succeeds, the load is handled only by sleep.
A point's value is the median over seeds; the spread is the range over seeds.

Writes ``sleep-phase.csv`` (every point and seed), ``sleep-phase-reduction.csv`` (per
(N, α, r, t > 0)), ``sleep-phase-choices.csv`` (the alternatives at one point) and the
figures ``sleep-phase-reduction.png``, ``sleep-phase-mmin.png``, ``sleep-phase-boundary.png``,
``sleep-phase-finite-size.png``.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np

from .style import CYCLE, REF, alpha_c_line, figure, log_axis, save

#: The reduction the paper reports as its maximum ("up to ≈ 90 %").
PAPER_REDUCTION = 0.9


def _number(text):
    return math.inf if text == "inf" else float(text)


def read_search(path, size=None):
    """The rows of a ``search.csv`` as dicts: alpha, r, sleep_time, seed, M (NaN when not
    found), N, plus the variant column when the part has one. ``size`` is the part's N
    (the sweep sets it, the search table does not hold it)."""
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            found = row["found"] == "1"
            rows.append({"N": size, "alpha": float(row["alpha"]), "r": float(row["r"]),
                         "sleep_time": _number(row["sleep_time"]), "seed": int(row["seed"]),
                         "variant": row.get("variant", ""), "M": float(row["M"]) if found else math.nan,
                         "evaluations": int(row["evaluations"])})
    return rows


def entropy(r, m):
    """ρ = (1 − r²)/(M r²)."""
    return (1 - r * r) / (m * r * r)


def _spread(values):
    """(median, min, max) of the finite values, NaN when there are none."""
    v = np.array([x for x in values if not math.isnan(x)], float)
    if len(v) == 0:
        return math.nan, math.nan, math.nan
    return float(np.median(v)), float(v.min()), float(v.max())


def _group(rows, keys):
    out = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in keys), []).append(row)
    return out


def reductions(rows):
    """Per (N, α, r, t > 0): M_min at 0 and t (median, min, max over seeds), how many seeds
    found each, the paired reduction over seeds, and the status: ``both`` (found at 0 and t
    for some seed), ``sleep-only`` (t = 0 failed for every seed, t did not), ``neither``,
    ``hebb-only``."""
    by_point = _group(rows, ("N", "alpha", "r", "variant"))
    out = []
    for (size, alpha, r, variant), point in sorted(by_point.items()):
        seeds = sorted({p["seed"] for p in point})
        at = {(p["sleep_time"], p["seed"]): p["M"] for p in point}
        for t in sorted({p["sleep_time"] for p in point if p["sleep_time"] > 0}):
            m0 = [at.get((0.0, s), math.nan) for s in seeds]
            mt = [at.get((t, s), math.nan) for s in seeds]
            paired = [1 - b / a for a, b in zip(m0, mt) if not (math.isnan(a) or math.isnan(b))]
            f0, ft = sum(not math.isnan(x) for x in m0), sum(not math.isnan(x) for x in mt)
            status = ("both" if paired else "sleep-only" if f0 == 0 and ft > 0
                      else "hebb-only" if ft == 0 and f0 > 0 else "neither" if f0 == 0 and ft == 0 else "unpaired")
            med0, _, _ = _spread(m0)
            medt, lot, hit = _spread(mt)
            red, rlo, rhi = _spread(paired)
            out.append({"N": size, "alpha": alpha, "r": r, "variant": variant, "sleep_time": t, "seeds": len(seeds),
                        "found_t0": f0, "found_t": ft, "M_min_t0": med0, "M_min_t": medt, "M_min_t_lo": lot,
                        "M_min_t_hi": hit, "reduction": red, "reduction_lo": rlo, "reduction_hi": rhi,
                        "entropy_at_M_min_t": entropy(r, medt) if ft else math.nan, "status": status})
    return out


def headline(table):
    """The largest median reduction over the table with its point, and the points only sleep handles."""
    both = [row for row in table if row["status"] == "both"]
    best = max(both, key=lambda row: (row["reduction"], -row["sleep_time"])) if both else None
    only = [row for row in table if row["status"] == "sleep-only"]
    return best, only


def _fmt(x):
    if isinstance(x, str):
        return x
    if isinstance(x, float) and math.isnan(x):
        return ""
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    if isinstance(x, float) and x == round(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def write_csv(rows, path, columns):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([_fmt(row[c]) for c in columns])
    return Path(path)


def _t_label(t):
    return "∞" if math.isinf(t) else f"{t:g}"


def reduction_figure(table, out, size):
    rows = [row for row in table if row["N"] == size and row["variant"] == ""]
    times = sorted({row["sleep_time"] for row in rows})
    alphas = sorted({row["alpha"] for row in rows})
    qualities = sorted({row["r"] for row in rows})
    cols = min(3, len(times))
    fig, axes = figure(math.ceil(len(times) / cols), cols, figsize=(3.3 * cols, 2.9 * math.ceil(len(times) / cols)),
                       squeeze=False)
    image = None
    for ax, t in zip(axes.flat, times):
        grid = np.full((len(qualities), len(alphas)), np.nan)
        for row in rows:
            if row["sleep_time"] == t:
                i, j = qualities.index(row["r"]), alphas.index(row["alpha"])
                grid[i, j] = row["reduction"]
                mark = {"sleep-only": "S", "neither": "×", "hebb-only": "H", "unpaired": "?"}.get(row["status"])
                if mark:
                    ax.text(j, i, mark, ha="center", va="center", fontsize=8, color="k")
                elif not math.isnan(row["reduction"]):
                    ax.text(j, i, f"{100 * row['reduction']:.0f}", ha="center", va="center", fontsize=6,
                            color="w" if row["reduction"] > 0.55 else "k")
        image = ax.imshow(grid, origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
        ax.set_xticks(range(len(alphas)), [f"{a:g}" for a in alphas], fontsize=6, rotation=45)
        ax.set_yticks(range(len(qualities)), [f"{r:g}" for r in qualities], fontsize=7)
        ax.set_title(f"t = {_t_label(t)}", fontsize=9)
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel("quality r")
    for ax in list(axes.flat)[len(times):]:
        ax.set_visible(False)
    fig.colorbar(image, ax=axes, shrink=0.8, label=r"reduction $1 - M_{min}(t)/M_{min}(0)$")
    fig.suptitle(f"Fewer examples after sleep, N = {size} (median over seeds, in %; S: only sleep retrieves "
                 "within M_max; ×: neither)", fontsize=9)
    return save(fig, out, "sleep-phase-reduction")


def mmin_figure(rows, out, size, m_max):
    rows = [row for row in rows if row["N"] == size and row["variant"] == ""]
    qualities = sorted({row["r"] for row in rows})
    times = sorted({row["sleep_time"] for row in rows})
    shown = [t for t in (0.0, 100.0, math.inf) if t in times] or times[:2]
    cols = min(3, len(qualities))
    nrows = math.ceil(len(qualities) / cols)
    fig, axes = figure(nrows, cols, figsize=(3.4 * cols, 2.8 * nrows), squeeze=False)
    for ax, r in zip(axes.flat, qualities):
        sub = [row for row in rows if row["r"] == r]
        alphas = sorted({row["alpha"] for row in sub})
        failing = [a for a in alphas if all(math.isnan(row["M"]) for row in sub if row["alpha"] == a and row["sleep_time"] == 0)]
        for a in failing:
            ax.axvspan(a - 0.01, a + 0.01, color="#dddddd", lw=0)
        for k, t in enumerate(shown):
            med, lo, hi = [], [], []
            for a in alphas:
                m, l, h = _spread([row["M"] for row in sub if row["alpha"] == a and row["sleep_time"] == t])
                med.append(m); lo.append(l); hi.append(h)
            med, lo, hi = map(np.array, (med, lo, hi))
            ax.errorbar(alphas, med, yerr=[med - lo, hi - med], marker="o", ms=3, color=CYCLE[k], capsize=2,
                        label=f"t = {_t_label(t)}" + (" (Hebb)" if t == 0 else ""))
        ax.axhline(m_max, color=REF, ls=":", lw=1)
        log_axis(ax, "y")
        ax.set_title(f"r = {r:g}", fontsize=9)
        ax.set_xlabel(r"load $\alpha$")
        ax.set_ylabel(r"$M_{min}$")
        ax.legend(fontsize=6, loc="upper left")
    for ax in list(axes.flat)[len(qualities):]:
        ax.set_visible(False)
    fig.suptitle(f"Fewest examples per archetype, N = {size} (median, range over seeds; grey: t = 0 fails for every "
                 f"seed up to M_max = {m_max}, dotted)", fontsize=9)
    return save(fig, out, "sleep-phase-mmin")


def boundary_figure(rows, out, size):
    """The retrieval boundary in (α, ρ): at M_min the dataset entropy is the largest that
    still retrieves, ρ_c = (1 − r²)/(M_min r²); retrieval below the curve."""
    rows = [row for row in rows if row["N"] == size and row["variant"] == ""]
    times = sorted({row["sleep_time"] for row in rows})
    shown = [t for t in (0.0, 1.0, 10.0, math.inf) if t in times]
    fig, ax = figure(figsize=(5.6, 3.8))
    for k, t in enumerate(shown):
        sub = [row for row in rows if row["sleep_time"] == t and not math.isnan(row["M"])]
        points = _group(sub, ("alpha", "r"))
        xs = sorted({a for a, _ in points})
        ys = [np.median([entropy(r, row["M"]) for (a2, r), pts in points.items() if a2 == a for row in pts]) for a in xs]
        scatter = [(a, entropy(r, row["M"])) for (a, r), pts in points.items() for row in pts]
        ax.plot([p[0] for p in scatter], [p[1] for p in scatter], ".", ms=3, color=CYCLE[k], alpha=0.5)
        ax.plot(xs, ys, "-", color=CYCLE[k], label=f"t = {_t_label(t)}" + (" (Hebb)" if t == 0 else ""))
    alpha_c_line(ax)
    ax.set_yscale("log")
    ax.set_xlabel(r"load $\alpha$")
    ax.set_ylabel(r"largest dataset entropy $\rho_c = (1-r^2)/(M_{min} r^2)$")
    ax.set_title(f"Retrieval region (below each curve), N = {size}\n"
                 "dots: every r and seed; line: median over them", fontsize=9)
    ax.legend(fontsize=7)
    return save(fig, out, "sleep-phase-boundary")


def finite_size_figure(rows, out, small, large):
    pairs = {}
    for row in rows:
        if row["variant"] == "" and row["N"] in (small, large):
            pairs.setdefault((row["alpha"], row["r"], row["sleep_time"], row["seed"]), {})[row["N"]] = row["M"]
    both = [(v[small], v[large], k[2]) for k, v in pairs.items() if small in v and large in v
            and not (math.isnan(v[small]) or math.isnan(v[large]))]
    fig, ax = figure(figsize=(4.4, 3.8))
    times = sorted({t for _, _, t in both})
    for k, t in enumerate(times):
        ax.plot([a for a, _, tt in both if tt == t], [b for _, b, tt in both if tt == t], "o", ms=3, color=CYCLE[k % 7],
                label=f"t = {_t_label(t)}")
    if both:
        lim = [min(min(a, b) for a, b, _ in both) * 0.8, max(max(a, b) for a, b, _ in both) * 1.25]
        ax.plot(lim, lim, color=REF, lw=1, ls="--", label="equal")
    log_axis(ax, "x")
    log_axis(ax, "y")
    ax.set_xlabel(f"$M_{{min}}$ at N = {small}")
    ax.set_ylabel(f"$M_{{min}}$ at N = {large}")
    ax.set_title("Finite-size check (same α, r, t, seed)", fontsize=9)
    ax.legend(fontsize=6)
    return save(fig, out, "sleep-phase-finite-size")


def _parts(sweep):
    """(name, directory, N, M_max) of every part of the sweep with a search, from sweep.json:
    N is the last ``populations.memory.size`` the part sets (300, the model's, if none)."""
    record = json.loads((Path(sweep) / "sweep.json").read_text())
    parts = []
    for part in record["parts"]:
        if not part.get("search"):
            continue
        sizes = [int(s.split("=", 1)[1]) for s in part["set"] if s.startswith("populations.memory.size=")]
        parts.append((part["name"], part["directory"], sizes[-1] if sizes else 300, int(part["search"]["range"][1])))
    return parts


def draw(sweep, out):
    """Reads the parts of the sweep directory (``plane`` and ``finite-size``: the diagram;
    ``choices`` and ``temperature``: the alternatives at one point), writes the tables and
    figures into ``out``, returns (paths written, headline lines)."""
    sweep, out = Path(sweep), Path(out)
    rows, choices, m_max = [], [], 0
    for name, directory, size, top in _parts(sweep):
        part_rows = read_search(sweep / directory / "search.csv", size)
        if name == "temperature":
            for row in part_rows:
                row["variant"] = "beta-10"
        if name in ("choices", "temperature"):
            choices += part_rows
        else:
            rows += part_rows
            m_max = max(m_max, top)
    if not rows:
        raise FileNotFoundError(f"{sweep}: no part of the phase diagram (plane, finite-size) in sweep.json")
    columns = ["N", "alpha", "r", "sleep_time", "seed", "M", "evaluations"]
    for row in rows + choices:
        row["entropy"] = entropy(row["r"], row["M"]) if not math.isnan(row["M"]) else math.nan
    written = [write_csv(rows, out / "sleep-phase.csv", columns + ["entropy"])]
    table = reductions(rows)
    red_cols = ["N", "alpha", "r", "sleep_time", "seeds", "found_t0", "found_t", "M_min_t0", "M_min_t", "M_min_t_lo",
                "M_min_t_hi", "reduction", "reduction_lo", "reduction_hi", "entropy_at_M_min_t", "status"]
    written.append(write_csv(table, out / "sleep-phase-reduction.csv", red_cols))
    lines = []
    sizes_present = sorted({row["N"] for row in rows})
    for size in sizes_present:
        best, only = headline([row for row in table if row["N"] == size])
        if best:
            lines.append(f"N = {size}: largest median reduction {100 * best['reduction']:.1f} % (seed range "
                         f"{100 * best['reduction_lo']:.1f} … {100 * best['reduction_hi']:.1f} %) at α = {best['alpha']:g}, "
                         f"r = {best['r']:g}, t = {_t_label(best['sleep_time'])}: M_min {best['M_min_t0']:g} → {best['M_min_t']:g}")
        loads = sorted({(row["alpha"], row["r"]) for row in only})
        if loads:
            lines.append(f"N = {size}: only sleep retrieves within M_max = {m_max} at (α, r) = "
                         + ", ".join(f"({a:g}, {r:g})" for a, r in loads))
    main = sizes_present[0]
    written.append(reduction_figure(table, out, main))
    written.append(mmin_figure(rows, out, main, m_max))
    written.append(boundary_figure(rows, out, main))
    if len(sizes_present) > 1:
        written.append(finite_size_figure(rows, out, sizes_present[0], sizes_present[1]))
    if choices:
        choice_table = []
        for (variant, alpha, r, t), pts in sorted(_group(choices, ("variant", "alpha", "r", "sleep_time")).items()):
            med, lo, hi = _spread([p["M"] for p in pts])
            choice_table.append({"variant": variant, "N": pts[0]["N"], "alpha": alpha, "r": r, "sleep_time": t,
                                 "seeds": len(pts), "found": sum(not math.isnan(p["M"]) for p in pts),
                                 "M_min": med, "M_min_lo": lo, "M_min_hi": hi})
        base = {(row["alpha"], row["r"], row["sleep_time"]): row["M_min"] for row in choice_table if row["variant"] == "baseline"}
        zero = {(row["variant"], row["alpha"], row["r"]): row["M_min"] for row in choice_table if row["sleep_time"] == 0}
        for row in choice_table:
            point = (row["alpha"], row["r"])
            row["vs_baseline"] = row["M_min"] / base[point + (row["sleep_time"],)] - 1 \
                if point + (row["sleep_time"],) in base else math.nan
            row["reduction"] = 1 - row["M_min"] / zero[(row["variant"],) + point] \
                if row["sleep_time"] > 0 and (row["variant"],) + point in zero else math.nan
        written.append(write_csv(choice_table, out / "sleep-phase-choices.csv",
                                 ["variant", "N", "alpha", "r", "sleep_time", "seeds", "found", "M_min", "M_min_lo",
                                  "M_min_hi", "vs_baseline", "reduction"]))
    return written, lines


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m reverie.figures.sleep_phase", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", required=True, help="output directory of reverie experiment experiments/sleep-phase.yaml")
    ap.add_argument("--out", required=True, help="directory for the CSV and PNG files (must exist)")
    args = ap.parse_args(argv)
    if not Path(args.out).is_dir():
        ap.error(f"--out {args.out}: no such directory")
    try:
        written, lines = draw(args.sweep, args.out)
    except (OSError, KeyError, ValueError) as e:
        print(f"reverie.figures.sleep_phase: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
