"""A trace as an NWB file (https://nwb.org) written with pynwb.

The spikes go to the file's ``Units`` table: one row per unit of every spiking
population (silent units too), ``spike_times`` in seconds, ``obs_intervals`` the run
span, and the columns ``population``, ``unit_id`` (global id in the trace) and
``index`` (position in the population). The columns ``_name``, ``segment`` and
``block`` are the ones neo.NWBIO reads back to name the trains and group them into
one Segment of one Block. Sampled LIF potentials are ``TimeSeries`` in acquisition
(``<population>_v``: time × recorded units, stored in mV with conversion 1e-3 to
volts, regular rate when the samples lie on one grid, else timestamps; ``comments``
holds the JSON ``{"block", "segment", "unit_ids"}`` that neo.NWBIO reads to put the
signal into the same Segment as the trains).
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from typing import Iterable, Optional

import numpy as np

from .neo_export import spike_trains, voltages
from .traces import Trace, read_trace

#: Default session start: a simulation has no wall-clock start, and a fixed value
#: keeps the file's metadata the same for the same trace.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_nwb(trace, path, populations: Optional[Iterable[str]] = None,
           session_start_time: datetime = EPOCH) -> str:
    """Writes ``trace`` (a ``Trace`` or a path) to the NWB file ``path`` and returns the path."""
    from pynwb import NWBHDF5IO, NWBFile, TimeSeries

    if not isinstance(trace, Trace):
        trace = read_trace(trace)
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"{path}: directory {parent} does not exist")
    run = trace.run
    model = run.get("modelName", "reverie")
    identity = hashlib.sha256(repr((trace.header, len(trace), trace.declared_records)).encode()).hexdigest()[:32]
    nwb = NWBFile(session_description=f"Reverie simulation of {model}, seed {run.get('seed')}",
                  identifier=f"reverie-{model}-{identity}", session_start_time=session_start_time,
                  file_create_date=session_start_time, source_script=run.get("modelSource", ""),
                  source_script_file_name=os.path.basename(trace.path), notes=f"from {trace.path}")
    t0, t1 = trace.time_span()
    scale = 1e-3  # ms -> s
    nwb.add_unit_column("population", "the Reverie population of the unit")
    nwb.add_unit_column("unit_id", "global unit id in the trace (population firstID + index)")
    nwb.add_unit_column("index", "index of the unit in its population")
    nwb.add_unit_column("_name", "unit name, read back by neo.NWBIO")
    nwb.add_unit_column("segment", "neo segment name, read back by neo.NWBIO")
    nwb.add_unit_column("block", "neo block name, read back by neo.NWBIO")
    for name, trains in spike_trains(trace, populations).items():
        first = int(trace.population(name)["firstID"])
        for index, times in enumerate(trains):
            nwb.add_unit(spike_times=times * scale, obs_intervals=[[t0 * scale, t1 * scale]],
                         population=name, unit_id=first + index, index=index, _name=f"{name}[{index}]",
                         segment="run", block=model)
    for name, (ids, times, values) in voltages(trace).items():
        steps = np.diff(times)
        regular = len(times) > 1 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12)
        timing = (dict(starting_time=times[0] * scale, rate=1.0 / (steps[0] * scale)) if regular
                  else dict(timestamps=times * scale))
        nwb.add_acquisition(TimeSeries(name=f"{name}_v", data=values, unit="volts", conversion=1e-3,
                                       description=f"membrane potential (mV) of units {ids.tolist()} of {name}",
                                       comments=json.dumps({"block": model, "segment": "run",
                                                            "unit_ids": ids.tolist()}), **timing))
    with NWBHDF5IO(path, "w") as io:
        io.write(nwb)
    return path
