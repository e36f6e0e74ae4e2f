#!/usr/bin/env python3
"""Peer for `reverie bench lif`: Brette et al. (2007) benchmark 4 in Brian2.

Benchmark 4 (CUBA with voltage jumps, as NEST's `cuba_ps.py`): leaky
integrate-and-fire neurons

    tau_m dV/dt = E_L - V            (integrated exactly, Brian2 method='exact')
    V > V_th  ->  spike, V = V_reset, then refractory for t_ref (V clamped)

and static synapses that add a jump w (w_exc > 0 from excitatory sources,
w_inh < 0 from inhibitory ones) to the target's V after a fixed delay. As in
NEST, an input that arrives while its target is refractory is discarded:
on_pre is `v_post += w * int(not_refractory_post)`. (Brian2 would discard it
anyway: it makes every write to an `(unless refractory)` variable conditional on
not_refractory, NeuronGroup's set_conditional_write; the factor says so.)

Brian2 runs in C++ standalone mode on one thread, so spike times lie on the dt
grid. Defaults are docs/science.md section 6: 3200 E + 800 I neurons, fixed in-degree
64 E + 16 I, tau_m = 20 ms, E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV,
t_ref = 5 ms, w = +0.25 / -2.25 mV, delay 0.125 ms, dt 0.125 ms, 10 s.

The network either comes from `--network DIR` (params.json, exc_pre.npy,
exc_post.npy, inh_pre.npy, inh_post.npy, v0.npy; see load_network) or is drawn
here from `--seed` with numpy's seeded generator (see generate_network);
`--network-out DIR` saves it in the same format.

Prints one JSON line (last on stdout) with the rate, the mean CV of ISIs, the
synaptic events and `sim_seconds`: Brian2's own timing of the simulation loop,
Network::_last_run_time of the standalone binary (std::clock() CPU time around
the time-step loop of Network::run, read back as device._last_run_time); it
excludes code generation, compilation, loading arrays and creating synapses.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"

try:
    import numpy as np
    import brian2
except ImportError as error:
    if VENV_PYTHON.exists() and Path(sys.executable).absolute() != VENV_PYTHON:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
    sys.exit(f"benchmark4.py: cannot import brian2/numpy with {sys.executable} ({error}).\n"
             f"Create the peer's environment with peers/brian2/setup.sh and run this script with {VENV_PYTHON}")

PARAM_KEYS = ("n_exc", "n_inh", "tau_m", "e_l", "v_th", "v_reset", "t_ref", "w_exc", "w_inh", "delay")


class NetworkError(Exception):
    """Bad --network input; the message names the file, the field and what was expected."""


def benchmark_params(n_exc, n_inh):
    """The parameters of docs/science.md section 6 (times in ms, voltages in mV)."""
    return {"n_exc": n_exc, "n_inh": n_inh, "tau_m": 20.0, "e_l": -49.0, "v_th": -50.0, "v_reset": -60.0,
            "t_ref": 5.0, "w_exc": 0.25, "w_inh": -2.25, "delay": 0.125}


def generate_network(n_exc, n_inh, k_exc, k_inh, seed):
    """Fixed in-degree: every neuron draws k_exc distinct excitatory and k_inh distinct
    inhibitory sources, never itself, from numpy.random.default_rng(seed); V0 uniform
    in [V_reset, V_th). Returns (params, exc_pre, exc_post, inh_pre, inh_post, v0)."""
    n = n_exc + n_inh
    if min(n_exc, n_inh, k_exc, k_inh) < 0 or k_exc > max(n_exc - 1, 0) or k_inh > max(n_inh - 1, 0):
        raise NetworkError(f"in-degree {k_exc}+{k_inh} needs more than {k_exc} E and {k_inh} I neurons "
                           f"(got {n_exc} E, {n_inh} I)")
    rng = np.random.default_rng(seed)

    def draw(first, count, k):
        pre = np.empty((n, k), dtype=np.int64)
        for j in range(n if k else 0):
            own = first <= j < first + count
            s = rng.choice(count - 1 if own else count, size=k, replace=False)
            if own:  # skip the neuron itself: sources above it shift up by one
                s[s >= j - first] += 1
            pre[j] = first + s
        return pre.ravel(), np.repeat(np.arange(n), k)

    exc_pre, exc_post = draw(0, n_exc, k_exc)
    inh_pre, inh_post = draw(n_exc, n_inh, k_inh)
    params = benchmark_params(n_exc, n_inh)
    v0 = rng.uniform(params["v_reset"], params["v_th"], size=n)
    return params, exc_pre, exc_post, inh_pre, inh_post, v0


def load_network(directory):
    """Reads params.json {n_exc, n_inh, tau_m, e_l, v_th, v_reset, t_ref, w_exc, w_inh, delay}
    (ms, mV), int32 exc_pre/exc_post/inh_pre/inh_post.npy (global neuron indices; excitatory
    neurons are 0..n_exc-1) and float64 v0.npy (mV, one per neuron)."""
    d = Path(directory)
    path = d / "params.json"
    try:
        params = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise NetworkError(f"{path}: cannot read a JSON object ({error})")
    if not isinstance(params, dict):
        raise NetworkError(f"{path}: expected a JSON object with fields {', '.join(PARAM_KEYS)}")
    for key in PARAM_KEYS:
        value = params.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise NetworkError(f"{path}: field '{key}' must be a finite number, got {value!r}")
    for key in ("n_exc", "n_inh"):
        if params[key] != int(params[key]) or params[key] < 0:
            raise NetworkError(f"{path}: field '{key}' must be a non-negative integer, got {params[key]!r}")
        params[key] = int(params[key])
    for key in ("tau_m", "t_ref", "delay"):
        if params[key] < 0 or (key == "tau_m" and params[key] == 0):
            raise NetworkError(f"{path}: field '{key}' must be {'positive' if key == 'tau_m' else 'non-negative'} "
                               f"(ms), got {params[key]!r}")
    n_exc, n = params["n_exc"], params["n_exc"] + params["n_inh"]
    if n == 0:
        raise NetworkError(f"{path}: n_exc + n_inh must be at least 1")

    def array(name, kind, length=None):
        p = d / f"{name}.npy"
        try:
            a = np.load(p, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise NetworkError(f"{p}: cannot read a .npy array ({error})")
        if a.ndim != 1 or a.dtype.kind not in {"integer": "iu", "float": "f"}[kind] or (length is not None and len(a) != length):
            raise NetworkError(f"{p}: expected a 1-D {kind} array" + (f" of length {length}" if length else "")
                               + f", got dtype {a.dtype} shape {a.shape}")
        return a

    pairs = []
    for name, lo, hi in (("exc", 0, n_exc), ("inh", n_exc, n)):
        pre, post = array(f"{name}_pre", "integer"), array(f"{name}_post", "integer")
        if len(pre) != len(post):
            raise NetworkError(f"{d / (name + '_post.npy')}: length {len(post)} differs from "
                               f"{name}_pre.npy's {len(pre)}")
        if len(pre) and (pre.min() < lo or pre.max() >= hi):
            raise NetworkError(f"{d / (name + '_pre.npy')}: sources must lie in [{lo}, {hi}) "
                               f"({'excitatory' if name == 'exc' else 'inhibitory'} neurons), "
                               f"got [{pre.min()}, {pre.max()}]")
        if len(post) and (post.min() < 0 or post.max() >= n):
            raise NetworkError(f"{d / (name + '_post.npy')}: targets must lie in [0, {n}), "
                               f"got [{post.min()}, {post.max()}]")
        pairs += [pre.astype(np.int64), post.astype(np.int64)]
    v0 = array("v0", "float", n)
    if not np.all(np.isfinite(v0)):
        raise NetworkError(f"{d / 'v0.npy'}: every initial voltage must be finite")
    return (params, *pairs, v0)


def save_network(network, directory):
    """Writes the network in load_network's format."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    params, *arrays, v0 = network
    (d / "params.json").write_text(json.dumps(params, indent=1) + "\n")
    for name, a in zip(("exc_pre", "exc_post", "inh_pre", "inh_post"), arrays):
        np.save(d / f"{name}.npy", a.astype(np.int32))
    np.save(d / "v0.npy", v0.astype(np.float64))


def isi_cv(indices, times, n):
    """Mean over neurons with at least 3 spikes of std/mean of their ISIs (population std,
    ddof=0), and how many neurons that is."""
    order = np.lexsort((times, indices))
    i, t = indices[order], times[order]
    same = i[1:] == i[:-1]
    isi, owner = np.diff(t)[same], i[1:][same]
    count = np.bincount(owner, minlength=n)
    total = np.bincount(owner, weights=isi, minlength=n)
    total_sq = np.bincount(owner, weights=isi * isi, minlength=n)
    ok = count >= 2
    if not ok.any():
        return None, 0
    mean = total[ok] / count[ok]
    var = np.maximum(total_sq[ok] / count[ok] - mean * mean, 0.0)
    return float(np.mean(np.sqrt(var) / mean)), int(ok.sum())


def simulate(network, duration_ms, dt_ms, build_dir, record_v, profile=False):
    """Builds, compiles and runs the network in C++ standalone mode on one thread."""
    from brian2 import (Network, NeuronGroup, Synapses, SpikeMonitor, StateMonitor, defaultclock, device, ms,
                        mV, prefs, profiling_summary, set_device)
    params, exc_pre, exc_post, inh_pre, inh_post, v0 = network
    n = params["n_exc"] + params["n_inh"]
    set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    prefs.logging.file_log = False
    defaultclock.dt = dt_ms * ms

    namespace = {"tau_m": params["tau_m"] * ms, "E_L": params["e_l"] * mV, "V_th": params["v_th"] * mV,
                 "V_reset": params["v_reset"] * mV, "w_exc": params["w_exc"] * mV, "w_inh": params["w_inh"] * mV}
    neurons = NeuronGroup(n, "dv/dt = (E_L - v) / tau_m : volt (unless refractory)", threshold="v > V_th",
                          reset="v = V_reset", refractory=params["t_ref"] * ms, method="exact",
                          namespace=namespace, name="neurons")
    neurons.v = v0 * mV
    objects = [neurons]
    n_exc = params["n_exc"]
    for name, source, offset, pre, post in (("exc", neurons[:n_exc], 0, exc_pre, exc_post),
                                            ("inh", neurons[n_exc:], n_exc, inh_pre, inh_post)):
        if len(pre) == 0:
            continue
        syn = Synapses(source, neurons, on_pre=f"v_post += w_{name} * int(not_refractory_post)",
                       delay=params["delay"] * ms, namespace=namespace, name=f"{name}_synapses")
        syn.connect(i=pre - offset, j=post)
        objects.append(syn)
    spikes = SpikeMonitor(neurons, name="spikes")
    objects.append(spikes)
    voltage = StateMonitor(neurons, "v", record=record_v, name="voltage") if record_v else None
    if voltage is not None:
        objects.append(voltage)
    net = Network(*objects)
    net.run(duration_ms * ms, profile=profile)

    start = time.perf_counter()
    device.build(directory=build_dir, compile=True, run=False, clean=False)
    build_seconds = time.perf_counter() - start
    device.run(directory=build_dir, with_output=False, run_args=[])
    if profile:
        print(profiling_summary(net), file=sys.stderr)
    indices, times = np.asarray(spikes.i[:], dtype=np.int64), np.asarray(spikes.t[:] / ms)
    trace = (np.asarray(voltage.t[:] / ms), np.asarray(voltage.v[:] / mV)) if voltage is not None else None
    return {"indices": indices, "times": times, "trace": trace, "build_seconds": build_seconds,
            "compile_seconds": device.timers["compile"]["make"], "binary_seconds": device.timers["run_binary"],
            "sim_seconds": float(device._last_run_time)}


def summary(network, duration_ms, dt_ms, result):
    params, exc_pre, _, inh_pre, _, _ = network
    n = params["n_exc"] + params["n_inh"]
    indices, times = result["indices"], result["times"]
    out_degree = np.bincount(exc_pre, minlength=n) + np.bincount(inh_pre, minlength=n)
    events = int(out_degree[indices].sum())
    cv, cv_neurons = isi_cv(indices, times, n)
    sim = result["sim_seconds"]
    return {"n": n, "duration_ms": duration_ms, "dt_ms": dt_ms, "spikes": int(len(indices)),
            "rate_hz": len(indices) / n / (duration_ms / 1000.0), "cv_isi": cv, "cv_neurons": cv_neurons,
            "synaptic_events": events, "sim_seconds": sim, "events_per_second": events / sim if sim > 0 else None,
            "build_seconds": result["build_seconds"], "compile_seconds": result["compile_seconds"],
            "binary_seconds": result["binary_seconds"], "brian2_version": brian2.__version__,
            "numpy_version": np.__version__}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--network", metavar="DIR", help="load the network from DIR instead of generating it")
    p.add_argument("--n-exc", type=int, default=3200)
    p.add_argument("--n-inh", type=int, default=800)
    p.add_argument("--k-exc", type=int, default=64, help="excitatory in-degree")
    p.add_argument("--k-inh", type=int, default=16, help="inhibitory in-degree")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--duration-ms", type=float, default=10000.0)
    p.add_argument("--dt-ms", type=float, default=0.125)
    p.add_argument("--build-dir", help="Brian2 project directory, kept and reused (default: a temporary one)")
    p.add_argument("--network-out", metavar="DIR", help="also save the network in --network's format")
    p.add_argument("--spikes-out", metavar="FILE.npz", help="save spike indices and times (ms)")
    p.add_argument("--record-v", metavar="I,J,...",
                   help="record V (mV) of these neurons at every step into --spikes-out (v_t_ms, v_mv, v_index)")
    p.add_argument("--profile", action="store_true",
                   help="print Brian2's time per code object to stderr (timing each object adds overhead)")
    args = p.parse_args(argv)
    if args.duration_ms <= 0 or args.dt_ms <= 0:
        p.error("--duration-ms and --dt-ms must be positive")
    if args.record_v and not args.spikes_out:
        p.error("--record-v needs --spikes-out")
    try:
        args.record_v = [int(x) for x in args.record_v.split(",")] if args.record_v else []
    except ValueError:
        p.error(f"--record-v expects comma-separated neuron indices, got {args.record_v!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.network:
            network = load_network(args.network)
        else:
            network = generate_network(args.n_exc, args.n_inh, args.k_exc, args.k_inh, args.seed)
    except NetworkError as error:
        sys.exit(f"benchmark4.py: {error}")
    if args.network_out:
        save_network(network, args.network_out)
    n = network[0]["n_exc"] + network[0]["n_inh"]
    if any(not 0 <= i < n for i in args.record_v):
        sys.exit(f"benchmark4.py: --record-v indices must lie in [0, {n})")

    build_dir = args.build_dir or tempfile.mkdtemp(prefix="brian2-benchmark4-")
    try:
        result = simulate(network, args.duration_ms, args.dt_ms, build_dir, args.record_v, args.profile)
    finally:
        if not args.build_dir:
            shutil.rmtree(build_dir, ignore_errors=True)
    if args.spikes_out:
        extra = {}
        if result["trace"] is not None:
            extra = {"v_t_ms": result["trace"][0], "v_mv": result["trace"][1], "v_index": np.array(args.record_v)}
        np.savez(args.spikes_out, indices=result["indices"], times_ms=result["times"], **extra)
    print(json.dumps(summary(network, args.duration_ms, args.dt_ms, result)))


if __name__ == "__main__":
    main()
