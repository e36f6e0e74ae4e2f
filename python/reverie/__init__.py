"""Reverie from Python: run models, read traces, export to neo and NWB, follow live runs.

    import reverie
    r = reverie.run("models/brette-benchmark4.yaml", set={"protocol[0].duration": 2000})
    r.phases["run-1"]["exc.rate_hz"]          # the run's own summary
    block = reverie.to_neo(r.trace)          # neo Block: SpikeTrains in ms, one per unit
    reverie.to_nwb(r.trace, "run.nwb")       # NWB Units table (pynwb)

See docs/python.md in the repository.
"""
from .live import Batch, collect, subscribe
from .neo_export import spike_trains, to_neo, voltages
from .nwb_export import to_nwb
from .runner import ReverieError, RunResult, find_reverie, read_table, run
from .traces import (ASSIGN, KIND_NAMES, METRIC, PHASE, RECORD, SPIKE, STATE, WEIGHT, Chunk, Damage, Trace,
                     TraceError, read_trace)

__version__ = "0.1.0"

__all__ = ["run", "RunResult", "ReverieError", "find_reverie", "read_table", "read_trace", "Trace", "Chunk",
           "Damage", "TraceError", "RECORD", "STATE", "SPIKE", "WEIGHT", "PHASE", "METRIC", "ASSIGN", "KIND_NAMES",
           "to_neo", "spike_trains", "voltages", "to_nwb", "subscribe", "collect", "Batch"]
