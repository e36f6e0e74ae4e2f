"""Spiking figures: Brette et al. (2007) benchmark 4 and STDP from Poisson input
(docs/science.md §6), drawn from traces of runs made through `reverie.run`."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..neo_export import spike_trains, voltages
from ..runner import run
from .style import EXC, INH, REF, figure, save


def isi_cvs(trains, minimum_spikes=3):
    """CV of the ISIs (population std / mean) of every train with at least ``minimum_spikes``
    spikes: the statistic of Reverie's summary (`cv_isi` is their mean)."""
    out = []
    for t in trains:
        if len(t) >= minimum_spikes:
            isi = np.diff(t)
            out.append(isi.std() / isi.mean())
    return np.array(out)


def run_benchmark4(model, out_dir, duration=10000.0, voltage_units=3, binary=None):
    """Benchmark 4 at its full size (N = 4000), recording spikes, phases and the
    membrane potential of the first ``voltage_units`` excitatory units at every slot."""
    overrides = {"protocol[0].duration": duration, "protocol[0].record_voltage.population": "exc",
                 "protocol[0].record_voltage.count": voltage_units, "protocol[0].record_voltage.every": 0.125}
    return run(model, set=overrides, out=Path(out_dir), record=["spikes", "states", "phases"], binary=binary)


def benchmark4_figures(result, out, window=(1000.0, 1500.0), raster_units=(200, 50)) -> list:
    trace = result.trace
    trains = spike_trains(trace)
    summary = next(iter(result.phases.values()))
    t0, t1 = trace.time_span()
    duration_s = (t1 - t0) / 1000
    written = []

    # Raster and population rate.
    fig, (ax, ax_rate) = figure(2, 1, figsize=(7.5, 5.2), sharex=True, gridspec_kw={"height_ratios": [3, 1.2]})
    row = 0
    for name, color, count in (("exc", EXC, raster_units[0]), ("inh", INH, raster_units[1])):
        for k, t in enumerate(trains[name][:count]):
            t = t[(t >= window[0]) & (t < window[1])]
            ax.plot(t, np.full(len(t), row + k), "|", color=color, ms=2.2, mew=0.6)
        ax.text(1.005, (row + count / 2) / sum(raster_units), f"{name}\n({count} of {len(trains[name])})",
                transform=ax.transAxes, color=color, va="center", fontsize=8.5)
        row += count
    ax.set_ylim(-1, row)
    ax.set_ylabel("unit")
    ax.set_title(f"Benchmark 4 (Brette et al. 2007), N = {sum(len(v) for v in trains.values())}: spikes at "
                 "exact times")
    bin_ms = 1.0
    edges = np.arange(window[0], window[1] + bin_ms, bin_ms)
    for name, color in (("exc", EXC), ("inh", INH)):
        counts = np.histogram(np.concatenate(trains[name]), edges)[0]
        ax_rate.step(edges[:-1], counts / len(trains[name]) / (bin_ms / 1000), where="post", color=color,
                     lw=0.9, label=f"{name}: {summary[f'{name}.rate_hz']:.2f} Hz mean over the run")
    ax_rate.set_ylabel("rate (Hz)\n1 ms bins")
    ax_rate.set_xlabel("time (ms)")
    ax_rate.set_xlim(*window)
    ax_rate.set_ylim(bottom=0)
    ax_rate.legend(loc="upper right", ncol=2, framealpha=0.85, frameon=True)
    written.append(save(fig, out, "benchmark4-raster"))

    # Rate and CV histograms.
    fig, (ax_r, ax_cv) = figure(1, 2, figsize=(7.5, 3.0))
    quantum = 1 / duration_s  # rates are whole spike counts over the run: bins hold whole numbers of counts
    width = quantum * max(1, round(0.25 / quantum))
    for name, color in (("exc", EXC), ("inh", INH)):
        rates = np.array([len(t) for t in trains[name]]) / duration_s
        ax_r.hist(rates, bins=np.arange(-quantum / 2, rates.max() + width, width), histtype="step", color=color,
                  density=True,
                  label=f"{name} (mean {rates.mean():.2f} Hz)")
        ax_r.axvline(summary[f"{name}.rate_hz"], color=color, ls=":", lw=1)
        cvs = isi_cvs(trains[name])
        ax_cv.hist(cvs, bins=np.arange(0, 1.2, 0.025), histtype="step", color=color, density=True,
                   label=f"{name} (mean {cvs.mean():.3f})")
        ax_cv.axvline(summary[f"{name}.cv_isi"], color=color, ls=":", lw=1)
    ax_r.set_xlim(left=max(0.0, min(np.percentile([len(t) / duration_s for t in trains[n]], 0.5)
                                    for n in ("exc", "inh")) - 1))
    ax_r.set_xlabel("firing rate (Hz)")
    ax_r.set_ylabel("density (1/Hz)")
    ax_r.set_title("rates of single units")
    ax_r.legend(loc="upper left")
    ax_cv.axvline(1, color=REF, ls="--", lw=1, label="Poisson (CV = 1)")
    ax_cv.set_xlim(0.2, 1.1)
    ax_cv.set_xlabel("CV of ISIs (units with ≥ 3 spikes)")
    ax_cv.set_ylabel("density")
    ax_cv.set_title("irregularity")
    ax_cv.legend(loc="center right")
    written.append(save(fig, out, "benchmark4-rates-cv"))

    # Membrane potentials.
    v = voltages(trace).get("exc")
    if v is not None:
        ids, times, values = v
        p = _population_params(trace, "exc")
        window_v = (window[0], window[0] + 200)
        keep = (times >= window_v[0]) & (times <= window_v[1])
        fig, axes = figure(len(ids), 1, figsize=(7.5, 1.45 * len(ids) + 0.6), sharex=True, squeeze=False)
        for ax, k, unit in zip(axes[:, 0], range(len(ids)), ids):
            ax.plot(times[keep], values[keep, k], color=EXC, lw=0.9)
            spikes = trains["exc"][unit - trace.population("exc")["firstID"]]
            spikes = spikes[(spikes >= window_v[0]) & (spikes <= window_v[1])]
            ax.vlines(spikes, p["v_th"], p["v_th"] + 5, color=EXC, lw=0.9)
            ax.axhline(p["v_th"], color=REF, ls="--", lw=0.8)
            ax.axhline(p["v_reset"], color=REF, ls=":", lw=0.8)
            ax.set_ylabel(f"unit {unit}\nV (mV)")
        axes[0, 0].set_title(f"membrane potential every 0.125 ms; bars: spikes at their exact times\n"
                             f"dashed V_th = {p['v_th']:g} mV, dotted V_reset = {p['v_reset']:g} mV "
                             f"(E_L = {p['e_l']:g} mV)")
        axes[-1, 0].set_xlabel("time (ms)")
        axes[-1, 0].set_xlim(*window_v)
        written.append(save(fig, out, "benchmark4-membrane"))
    return written


def _population_params(trace, name):
    for p in (trace.model or {}).get("populations", []):
        if p.get("name") == name:
            return p
    raise KeyError(f"{trace.path}: the model has no population {name!r}")


def stdp_figure(model, out, work, durations=(10000.0, 100000.0), binary=None) -> list:
    """Weight distribution of the STDP model (models/stdp-poisson.yaml) after each of
    ``durations`` ms (separate runs with the same seed: the shorter run is the start
    of the longer one), with the initial weight, w_max/2 and w_max."""
    fig, ax = figure(figsize=(6.5, 3.3))
    w_init = w_max = None
    for k, duration in enumerate(durations):
        r = run(model, set={"protocol[0].duration": duration}, out=Path(work) / f"stdp-{int(duration)}",
                record=["weights", "phases"], binary=binary)
        model_dict = r.trace.model
        rule = next(x for x in model_dict["rules"] if x.get("type", "").startswith("stdp"))
        proj = next(x for x in model_dict["projections"] if x.get("rule") == rule["name"])
        w_max, w_init = float(rule["w_max"]), float(proj["weight"])
        weights = r.trace.select(3)["value"]
        summary = next(iter(r.phases.values()))
        above = summary.get(f"{proj.get('name', '')}.strong_fraction")
        label = f"after {duration / 1000:g} s: mean {weights.mean():.4f} mV"
        if above is not None:
            label += f", {100 * above:.0f}% > w_max/2"
        ax.hist(weights, bins=np.linspace(0, w_max, 41), histtype="step", lw=1.4, label=label,
                color=["#56B4E9", EXC, "#000000"][k % 3])
    ax.axvline(w_init, color=INH, ls="-", lw=1, label=f"initial weight {w_init:g} mV (all synapses)")
    ax.axvline(w_max / 2, color=REF, ls="--", lw=1, label="w_max / 2")
    ax.set_xlim(0, w_max)
    ax.set_xlabel("synaptic weight (mV)")
    ax.set_ylabel("synapses")
    ax.set_title("additive STDP from 1000 Poisson inputs (Song, Miller & Abbott 2000)")
    ax.legend(loc="upper right", fontsize=8)
    return [save(fig, out, "stdp-weights")]
