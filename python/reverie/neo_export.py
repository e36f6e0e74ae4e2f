"""A trace as a neo ``Block`` (https://neo.readthedocs.io): spike trains and membrane potentials.

One ``Segment`` for the run, one ``SpikeTrain`` per unit of every spiking population
(silent units included, as empty trains, so population sizes survive), each spanning
the run (``Trace.time_span``) in ms and annotated with its population, global id
and index in the population. Every population is also a ``neo.Group`` holding its
trains (and its voltage signal). Sampled LIF potentials (``record_voltage``; state
records of a ``lif`` population) become an ``AnalogSignal`` in mV when every recorded
unit is sampled on one regular grid, else an ``IrregularlySampledSignal``.
"""
from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from .traces import SPIKE, SPIKING_MODELS, STATE, Trace, read_trace


def spike_trains(trace: Trace, populations: Optional[Iterable[str]] = None):
    """``{population: [times of unit 0, times of unit 1, ...]}`` in the trace's time unit,
    every unit of each spiking population listed (empty arrays for silent units)."""
    chosen = _populations(trace, populations)
    spikes = trace.select(SPIKE)
    order = np.argsort(spikes["unit"], kind="stable")
    units, times = spikes["unit"][order], spikes["time"][order]
    out = {}
    for p in chosen:
        ids = np.arange(p["firstID"], p["firstID"] + p["size"])
        lo, hi = np.searchsorted(units, ids, "left"), np.searchsorted(units, ids, "right")
        out[p["name"]] = [times[a:b].copy() for a, b in zip(lo, hi)]
    return out


def _populations(trace, names):
    if names is None:
        chosen = [p for p in trace.populations if p.get("model") in SPIKING_MODELS]
        if not chosen:
            raise ValueError(f"{trace.path}: no spiking population (models {sorted(SPIKING_MODELS)}); binary "
                             "units have states, not spikes: read them with trace.select(reverie.STATE)")
    else:
        chosen = [trace.population(n) for n in names]
    if "spikes" not in trace.streams:
        raise ValueError(f"{trace.path}: the trace has no spikes stream (recorded streams: "
                         f"{', '.join(trace.streams)}); record with --record-streams including spikes")
    return chosen


def voltages(trace: Trace):
    """``{population: (unit ids, times, values)}`` of the state records of ``lif`` units;
    ``values[t, k]`` is unit k's potential at ``times[t]`` (NaN where not sampled)."""
    states = trace.select(STATE)
    out = {}
    for p in trace.populations:
        if p.get("model") != "lif":
            continue
        mine = states[(states["unit"] >= p["firstID"]) & (states["unit"] < p["firstID"] + p["size"])]
        if not len(mine):
            continue
        ids, col = np.unique(mine["unit"], return_inverse=True)
        times, row = np.unique(mine["time"], return_inverse=True)
        values = np.full((len(times), len(ids)), np.nan)
        values[row, col] = mine["value"]
        out[p["name"]] = (ids.astype(np.int64), times, values)
    return out


def to_neo(trace, populations: Optional[Iterable[str]] = None, t_start=None, t_stop=None):
    """The trace (a ``Trace`` or a path) as a ``neo.Block``; ``t_start``/``t_stop`` (ms)
    override the run's span."""
    import neo
    import quantities as pq

    if not isinstance(trace, Trace):
        trace = read_trace(trace)
    if trace.time_unit not in ("ms", ""):
        raise ValueError(f"{trace.path}: time unit {trace.time_unit!r}: neo export needs a spiking run (ms)")
    span = trace.time_span()
    t0 = span[0] if t_start is None else float(t_start)
    t1 = span[1] if t_stop is None else float(t_stop)
    run = trace.run
    block = neo.Block(name=run.get("modelName", ""), file_origin=trace.path,
                      description=f"Reverie run of {run.get('modelName', '?')}, seed {run.get('seed')}",
                      seed=run.get("seed"), model_source=run.get("modelSource", ""))
    segment = neo.Segment(name="run", index=0,
                          populations=[p["name"] for p in trace.populations],
                          population_sizes=[int(p["size"]) for p in trace.populations])
    block.segments.append(segment)
    groups = {}
    for p in trace.populations:
        groups[p["name"]] = neo.Group(name=p["name"], population=p["name"], model=p.get("model", ""),
                                      size=int(p["size"]), first_id=int(p["firstID"]))
    for name, trains in spike_trains(trace, populations).items():
        p = trace.population(name)
        for index, times in enumerate(trains):
            st = neo.SpikeTrain(times * pq.ms, t_start=t0 * pq.ms, t_stop=t1 * pq.ms,
                                name=f"{name}[{index}]", population=name, index=index,
                                unit_id=int(p["firstID"]) + index, model=p.get("model", ""))
            segment.spiketrains.append(st)
            groups[name].add(st)
    for name, (ids, times, values) in voltages(trace).items():
        first = int(trace.population(name)["firstID"])
        signal = _voltage_signal(neo, pq, name, ids, ids - first, times, values)
        if isinstance(signal, neo.AnalogSignal):
            segment.analogsignals.append(signal)
        else:
            segment.irregularlysampledsignals.append(signal)
        groups[name].add(signal)
    for g in groups.values():
        if g.spiketrains or g.analogsignals or g.irregularlysampledsignals:
            block.groups.append(g)
    block.check_relationships()
    return block


def _voltage_signal(neo, pq, name, ids, index, times, values):
    common = dict(name=f"{name}.v", population=name, array_annotations={"unit_id": ids, "index": index})
    steps = np.diff(times)
    regular = len(times) > 1 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12)
    if regular and not np.isnan(values).any():
        return neo.AnalogSignal(values, units=pq.mV, t_start=times[0] * pq.ms,
                                sampling_period=steps[0] * pq.ms, **common)
    return neo.IrregularlySampledSignal(times * pq.ms, values, units=pq.mV, time_units=pq.ms, **common)
