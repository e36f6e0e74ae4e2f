#!/usr/bin/env python3
"""Peer for `reverie-bench cuba` and `reverie-bench lif`: an exported network in NEST's precise models.

Simulates the network Reverie exported (`--network DIR`, format below) with NEST's
precise-spike-timing neurons on one thread:

- `lif-exp` networks (the Vogels-Abbott CUBA network) with `iaf_psc_exp_ps`
  (Hanuschkin et al. 2010): exponential synaptic currents, weights in pA,
  w >= 0 to the excitatory current, w < 0 to the inhibitory one;
- `lif` networks (Brette et al. 2007 benchmark 4) with `iaf_psc_delta_ps`:
  voltage jumps in mV; input during the refractory period is discarded
  (refractory_input = False, NEST's default, as Reverie).

Every synapse is created with its own weight and delay (NEST rounds delays to
its resolution: export delays on that grid), every neuron starts at its exported
V_m. Spikes are recorded with their precise offsets.

It reports, as one JSON line (last on stdout): the rate and mean CV of ISIs
(over neurons with >= 3 spikes, population std, as Reverie and the Brian2 peer),
the synaptic events (sum over spikes of the sender's out-degree), `sim_seconds`:
the process CPU time of nest.Simulate (time.process_time; network creation
excluded), and, given `--reference DIR` (reverie_senders.npy, reverie_times.npy),
`agree_until_ms`: the time up to which both simulations produced the same spikes
(each neuron the same spikes, each within `--tolerance-ms`, 1e-6 by default),
with `agree_spikes` and the largest difference before then. `--resolutions H1 H2`
runs NEST at several resolutions (first one timed against the reference) and
reports the agreement of each later run with the first ("self_agree_until_ms").

Network directory: params.json {model: "lif-exp" | "lif", n, n_exc, tau_m, e_l,
v_th, v_reset, t_ref, c_m, i_e, tau_syn_ex, tau_syn_in} (ms, mV, pF, pA;
tau_syn_* for lif-exp only), syn_pre.npy, syn_post.npy (int32, neuron indices
0..n-1), syn_weight.npy, syn_delay.npy (float64), v0.npy (float64, mV).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"

try:
    import numpy as np
except ImportError as error:
    if VENV_PYTHON.exists() and Path(sys.executable).absolute() != VENV_PYTHON:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
    sys.exit(f"simulate.py: cannot import numpy with {sys.executable} ({error}); run peers/nest/setup.sh")

MODELS = {"lif-exp": "iaf_psc_exp_ps", "lif": "iaf_psc_delta_ps"}


class NetworkError(Exception):
    """Bad --network input; the message names the file, the field and what was expected."""


def load_network(directory):
    d = Path(directory)
    path = d / "params.json"
    try:
        params = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise NetworkError(f"{path}: cannot read a JSON object ({error})")
    if not isinstance(params, dict) or params.get("model") not in MODELS:
        raise NetworkError(f"{path}: field 'model' must be one of {', '.join(MODELS)}")
    keys = ["n", "n_exc", "tau_m", "e_l", "v_th", "v_reset", "t_ref", "c_m", "i_e"]
    if params["model"] == "lif-exp":
        keys += ["tau_syn_ex", "tau_syn_in"]
    for key in keys:
        value = params.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise NetworkError(f"{path}: field '{key}' must be a finite number, got {value!r}")
    n = int(params["n"])
    if n != params["n"] or n < 1:
        raise NetworkError(f"{path}: field 'n' must be a positive integer, got {params['n']!r}")

    def array(name, kind, length=None):
        p = d / f"{name}.npy"
        try:
            a = np.load(p, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise NetworkError(f"{p}: cannot read a .npy array ({error})")
        if a.ndim != 1 or a.dtype.kind not in kind or (length is not None and len(a) != length):
            raise NetworkError(f"{p}: expected a 1-D array" + (f" of length {length}" if length is not None else "")
                               + f" of kind {kind}, got dtype {a.dtype} shape {a.shape}")
        return a

    pre, post = array("syn_pre", "iu"), array("syn_post", "iu")
    weight, delay = array("syn_weight", "f", len(pre)), array("syn_delay", "f", len(pre))
    if len(post) != len(pre):
        raise NetworkError(f"{d / 'syn_post.npy'}: length {len(post)} differs from syn_pre.npy's {len(pre)}")
    for name, a in (("syn_pre", pre), ("syn_post", post)):
        if len(a) and (a.min() < 0 or a.max() >= n):
            raise NetworkError(f"{d / (name + '.npy')}: neuron indices must lie in [0, {n}), got [{a.min()}, {a.max()}]")
    if len(delay) and not (np.all(np.isfinite(delay)) and delay.min() > 0):
        raise NetworkError(f"{d / 'syn_delay.npy'}: delays must be positive (ms)")
    v0 = array("v0", "f", n)
    return params, pre.astype(np.int64), post.astype(np.int64), weight.astype(np.float64), delay.astype(np.float64), v0


def isi_cv(senders, times, n):
    order = np.lexsort((times, senders))
    i, t = senders[order], times[order]
    same = i[1:] == i[:-1]
    isi, owner = np.diff(t)[same], i[1:][same]
    count = np.bincount(owner, minlength=n)
    total = np.bincount(owner, weights=isi, minlength=n)
    total_sq = np.bincount(owner, weights=isi * isi, minlength=n)
    ok = count >= 2
    if not ok.any():
        return None
    mean = total[ok] / count[ok]
    var = np.maximum(total_sq[ok] / count[ok] - mean * mean, 0.0)
    return float(np.mean(np.sqrt(var) / mean))


def agreement(a, b, n, duration, tolerance):
    """The time up to which spike sets a and b ((senders, times)) agree: every
    neuron's k-th spikes equal within `tolerance` ms. Returns (time, spikes
    before it in a, largest difference before it)."""
    until = duration
    trains = []
    for senders, times in (a, b):
        order = np.lexsort((times, senders))
        s, t = senders[order], times[order]
        starts = np.searchsorted(s, np.arange(n + 1))
        trains.append((t, starts))
    (ta, sa), (tb, sb) = trains
    for i in range(n):
        x, y = ta[sa[i]:sa[i + 1]], tb[sb[i]:sb[i + 1]]
        m = min(len(x), len(y))
        bad = np.nonzero(np.abs(x[:m] - y[:m]) > tolerance)[0]
        if len(bad):
            k = bad[0]
            until = min(until, x[k], y[k])
        elif len(x) != len(y):
            until = min(until, (x if len(x) > m else y)[m])
    before = a[1] < until
    worst = 0.0
    for i in range(n):
        x, y = ta[sa[i]:sa[i + 1]], tb[sb[i]:sb[i + 1]]
        x, y = x[x < until], y[y < until]
        m = min(len(x), len(y))
        if m:
            worst = max(worst, float(np.max(np.abs(x[:m] - y[:m]))))
    return float(until), int(before.sum()), worst


def simulate(network, duration, resolution):
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest
    params, pre, post, weight, delay, v0 = network
    n = int(params["n"])
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus({"resolution": resolution, "local_num_threads": 1, "print_time": False})
    model = MODELS[params["model"]]
    neuron = {"tau_m": params["tau_m"], "E_L": params["e_l"], "V_th": params["v_th"], "V_reset": params["v_reset"],
              "t_ref": params["t_ref"], "C_m": params["c_m"], "I_e": params["i_e"]}
    if params["model"] == "lif-exp":
        neuron.update(tau_syn_ex=params["tau_syn_ex"], tau_syn_in=params["tau_syn_in"])
    start = time.process_time()
    nodes = nest.Create(model, n, params=neuron)
    nodes.V_m = v0
    ids = np.asarray(nodes.tolist(), dtype=np.int64)
    if len(pre):
        nest.Connect(ids[pre], ids[post], conn_spec="one_to_one",
                     syn_spec={"synapse_model": "static_synapse", "weight": weight, "delay": delay})
    recorder = nest.Create("spike_recorder")
    nest.Connect(nodes, recorder)
    build_seconds = time.process_time() - start
    start = time.process_time()
    nest.Simulate(duration)
    sim_seconds = time.process_time() - start
    events = recorder.get("events")
    senders = np.asarray(events["senders"], dtype=np.int64) - int(ids[0])
    times = np.asarray(events["times"], dtype=np.float64)
    return senders, times, sim_seconds, build_seconds, nest.__version__


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--network", metavar="DIR", required=True)
    p.add_argument("--duration-ms", type=float, default=10000.0)
    p.add_argument("--resolutions", type=float, nargs="+", default=[0.1],
                   help="NEST resolutions (ms); later ones are compared with the first")
    p.add_argument("--reference", metavar="DIR", help="reverie_senders.npy and reverie_times.npy to compare with")
    p.add_argument("--tolerance-ms", type=float, default=1e-6)
    p.add_argument("--spikes-out", metavar="FILE.npz")
    args = p.parse_args(argv)
    if args.duration_ms <= 0 or any(h <= 0 for h in args.resolutions) or args.tolerance_ms < 0:
        p.error("--duration-ms and --resolutions must be positive, --tolerance-ms non-negative")
    try:
        network = load_network(args.network)
        reference = None
        if args.reference:
            d = Path(args.reference)
            try:
                reference = (np.load(d / "reverie_senders.npy").astype(np.int64), np.load(d / "reverie_times.npy").astype(np.float64))
            except (OSError, ValueError) as error:
                raise NetworkError(f"{d}: cannot read reverie_senders.npy / reverie_times.npy ({error})")
    except NetworkError as error:
        sys.exit(f"simulate.py: {error}")
    params, pre = network[0], network[1]
    n = int(params["n"])
    out_degree = np.bincount(pre, minlength=n)
    runs = [simulate(network, args.duration_ms, h) for h in args.resolutions]
    senders, times, sim, build, version = runs[0]
    events = int(out_degree[senders].sum())
    result = {"model": MODELS[params["model"]], "nest_version": version, "n": n, "duration_ms": args.duration_ms,
              "resolution_ms": args.resolutions[0], "spikes": int(len(senders)),
              "rate_hz": len(senders) / n / (args.duration_ms / 1000), "cv_isi": isi_cv(senders, times, n),
              "synaptic_events": events, "sim_seconds": sim, "build_seconds": build,
              "events_per_second": events / sim if sim > 0 else None}
    if reference is not None:
        until, count, worst = agreement(reference, (senders, times), n, args.duration_ms, args.tolerance_ms)
        result.update(agree_until_ms=until, agree_spikes=count, agree_max_difference_ms=worst)
    result["self"] = []
    for h, (s2, t2, sim2, _, _) in zip(args.resolutions[1:], runs[1:]):
        until, count, worst = agreement((senders, times), (s2, t2), n, args.duration_ms, args.tolerance_ms)
        result["self"].append({"resolution_ms": h, "agree_until_ms": until, "agree_spikes": count,
                               "agree_max_difference_ms": worst, "spikes": int(len(s2)),
                               "rate_hz": len(s2) / n / (args.duration_ms / 1000), "cv_isi": isi_cv(s2, t2, n),
                               "sim_seconds": sim2})
    if args.spikes_out:
        np.savez(args.spikes_out, senders=senders, times_ms=times)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
