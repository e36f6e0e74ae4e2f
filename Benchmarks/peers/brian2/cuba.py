#!/usr/bin/env python3
"""Peer for `reverie-bench cuba`: an exported lif-exp network (the Vogels-Abbott CUBA network) in Brian2.

Leaky integrate-and-fire neurons with exponential synaptic currents, as NEST's
iaf_psc_exp and Brian2's examples/CUBA.py written in currents:

    dv/dt = (E_L - v)/tau_m + (I_ex + I_in + I_e)/C_m   (unless refractory: v clamped)
    dI_ex/dt = -I_ex/tau_syn_ex,  dI_in/dt = -I_in/tau_syn_in   (always, input included)
    v > V_th  ->  spike, v = V_reset, refractory for t_ref

integrated exactly on the dt grid (method='exact'). Each synapse has its own
weight (pA; >= 0 adds to I_ex, < 0 to I_in) and delay. C++ standalone mode on
one thread; spikes lie on the dt grid.

The network comes from `--network DIR` in the format of Benchmarks/peers/nest/
simulate.py (params.json, syn_pre/syn_post/syn_weight/syn_delay.npy, v0.npy;
written by `reverie-bench cuba`). Prints one JSON line (last on stdout): rate,
mean CV of ISIs (neurons with >= 3 spikes), synaptic events (spikes x out-degree)
and sim_seconds, Brian2's own CPU time of the run loop (device._last_run_time,
std::clock() in the standalone binary), as benchmark4.py.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"

try:
    import numpy as np
    import brian2
except ImportError as error:
    if VENV_PYTHON.exists() and Path(sys.executable).absolute() != VENV_PYTHON:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
    sys.exit(f"cuba.py: cannot import brian2/numpy with {sys.executable} ({error}); run peers/brian2/setup.sh")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "nest"))
from simulate import NetworkError, isi_cv, load_network  # noqa: E402  (the shared network format)


def simulate(network, duration_ms, dt_ms, build_dir):
    from brian2 import NeuronGroup, Synapses, SpikeMonitor, Network, defaultclock, device, ms, mV, pA, pF, prefs, set_device
    params, pre, post, weight, delay, v0 = network
    if params["model"] != "lif-exp":
        raise NetworkError("params.json: field 'model' must be lif-exp for cuba.py (benchmark4.py runs lif networks)")
    set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.logging.file_log = False
    defaultclock.dt = dt_ms * ms
    ns = {"tau_m": params["tau_m"] * ms, "E_L": params["e_l"] * mV, "V_th": params["v_th"] * mV,
          "V_reset": params["v_reset"] * mV, "C_m": params["c_m"] * pF, "I_e": params["i_e"] * pA,
          "tau_ex": params["tau_syn_ex"] * ms, "tau_in": params["tau_syn_in"] * ms}
    eqs = """dv/dt = (E_L - v)/tau_m + (I_ex + I_in + I_e)/C_m : volt (unless refractory)
             dI_ex/dt = -I_ex/tau_ex : amp
             dI_in/dt = -I_in/tau_in : amp"""
    n = int(params["n"])
    neurons = NeuronGroup(n, eqs, threshold="v > V_th", reset="v = V_reset", refractory=params["t_ref"] * ms,
                          method="exact", namespace=ns, name="neurons")
    neurons.v = v0 * mV
    objects = [neurons]
    for name, mask, target in (("ex", weight >= 0, "I_ex"), ("in", weight < 0, "I_in")):
        if not mask.any():
            continue
        syn = Synapses(neurons, neurons, "w : amp", on_pre=f"{target}_post += w", name=f"{name}_synapses")
        syn.connect(i=pre[mask], j=post[mask])
        syn.w = weight[mask] * pA
        syn.delay = delay[mask] * ms
        objects.append(syn)
    spikes = SpikeMonitor(neurons, name="spikes")
    objects.append(spikes)
    Network(*objects).run(duration_ms * ms)
    device.build(directory=build_dir, compile=True, run=False, clean=False)
    device.run(directory=build_dir, with_output=False, run_args=[])
    return np.asarray(spikes.i[:], dtype=np.int64), np.asarray(spikes.t[:] / ms), float(device._last_run_time)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--network", metavar="DIR", required=True)
    p.add_argument("--duration-ms", type=float, default=10000.0)
    p.add_argument("--dt-ms", type=float, default=0.1)
    p.add_argument("--build-dir", help="Brian2 project directory, kept and reused (default: a temporary one)")
    args = p.parse_args(argv)
    if args.duration_ms <= 0 or args.dt_ms <= 0:
        p.error("--duration-ms and --dt-ms must be positive")
    build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2-cuba-")
    try:
        network = load_network(args.network)
        senders, times, sim = simulate(network, args.duration_ms, args.dt_ms, build_dir)
    except NetworkError as error:
        sys.exit(f"cuba.py: {error}")
    finally:
        if not args.build_dir:
            shutil.rmtree(build_dir, ignore_errors=True)
    params, pre = network[0], network[1]
    n = int(params["n"])
    events = int(np.bincount(pre, minlength=n)[senders].sum())
    print(json.dumps({"n": n, "duration_ms": args.duration_ms, "dt_ms": args.dt_ms, "spikes": int(len(senders)),
                      "rate_hz": len(senders) / n / (args.duration_ms / 1000), "cv_isi": isi_cv(senders, times, n),
                      "synaptic_events": events, "sim_seconds": sim, "events_per_second": events / sim if sim > 0 else None,
                      "brian2_version": brian2.__version__}))


if __name__ == "__main__":
    main()
