"""Tests of the Brian2 peer (Benchmarks/peers/brian2/benchmark4.py) that `reverie-bench lif`
compares against: the network it generates, what it counts, and that a network
loaded with --network runs with the intended voltage-jump and refractory rules.

Needs the peer's environment (bash Benchmarks/peers/brian2/setup.sh); skipped without it.
Each Brian2 project is compiled once per session (about 10-20 s each).
"""
import json, math, shutil, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT / "Benchmarks" / "peers" / "brian2"
SCRIPT = PEER / "benchmark4.py"
PYTHON = PEER / ".venv" / "bin" / "python"

needs_venv = pytest.mark.skipif(not PYTHON.exists(),
                                reason=f"{PYTHON} is absent: run `bash Benchmarks/peers/brian2/setup.sh` to test the Brian2 peer")


def peer(*args, check=True, python=PYTHON, script=SCRIPT):
    p = subprocess.run([str(python), str(script), *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                       timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"benchmark4.py {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def last_json(p):
    return json.loads(p.stdout.strip().splitlines()[-1])


def load_dir(d):
    return json.loads((d / "params.json").read_text()), {
        name: np.load(d / f"{name}.npy") for name in ("exc_pre", "exc_post", "inh_pre", "inh_post", "v0")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Benchmark 4 at N = 4000 for 1 s, generated from a seed, its network saved."""
    d = tmp_path_factory.mktemp("generated")
    p = peer("--duration-ms", 1000, "--seed", 7, "--build-dir", d / "build", "--network-out", d / "net",
             "--spikes-out", d / "spikes.npz")
    spikes = np.load(d / "spikes.npz")
    return d, last_json(p), spikes["indices"], spikes["times_ms"]


@needs_venv
def test_generated_network_has_fixed_in_degree_without_self_connections(generated):
    d, out, _, _ = generated
    params, a = load_dir(d / "net")
    n_exc, n = params["n_exc"], params["n_exc"] + params["n_inh"]
    assert (n_exc, n, out["n"]) == (3200, 4000, 4000)
    assert (params["tau_m"], params["e_l"], params["v_th"], params["v_reset"], params["t_ref"]) == (20, -49, -50, -60, 5)
    assert (params["w_exc"], params["w_inh"], params["delay"]) == (0.25, -2.25, 0.125)
    for name, lo, hi, k in (("exc", 0, n_exc, 64), ("inh", n_exc, n, 16)):
        pre, post = a[f"{name}_pre"], a[f"{name}_post"]
        assert pre.dtype == np.int32 and post.dtype == np.int32
        assert np.array_equal(np.bincount(post, minlength=n), np.full(n, k))
        assert pre.min() >= lo and pre.max() < hi and not np.any(pre == post)
        pairs = post.astype(np.int64) * n + pre
        assert len(np.unique(pairs)) == len(pairs), f"{name}: a source drawn twice for one target"
    v0 = a["v0"]
    assert v0.shape == (n,) and v0.min() >= -60 and v0.max() < -50 and v0.std() > 2.5


@needs_venv
def test_generated_run_counts_spikes_events_rate_and_cv(generated):
    d, out, indices, times = generated
    _, a = load_dir(d / "net")
    assert out["spikes"] == len(indices) > 0
    assert 5 < out["rate_hz"] < 20 and out["rate_hz"] == pytest.approx(len(indices) / 4000 / 1.0)
    out_degree = np.bincount(np.concatenate([a["exc_pre"], a["inh_pre"]]), minlength=4000)
    assert out["synaptic_events"] == int(out_degree[indices].sum())
    assert out["synaptic_events"] == pytest.approx(80 * out["spikes"], rel=0.05)
    cvs = []
    for i in range(4000):
        isi = np.diff(np.sort(times[indices == i]))
        if len(isi) >= 2:
            cvs.append(isi.std() / isi.mean())
    assert out["cv_neurons"] == len(cvs) and out["cv_isi"] == pytest.approx(np.mean(cvs), rel=1e-9)
    assert 0.2 < out["cv_isi"] < 0.6
    assert np.allclose(times / 0.125, np.round(times / 0.125)) and times.max() < 1000
    assert out["sim_seconds"] > 0 and out["events_per_second"] == pytest.approx(out["synaptic_events"] / out["sim_seconds"])
    assert out["build_seconds"] > 0 and out["brian2_version"].startswith("2.")


@needs_venv
def test_loading_the_saved_network_reproduces_the_generated_run(generated, tmp_path):
    d, out, indices, times = generated
    loaded = last_json(peer("--network", d / "net", "--duration-ms", 1000, "--build-dir", d / "build",
                            "--spikes-out", tmp_path / "spikes.npz"))
    spikes = np.load(tmp_path / "spikes.npz")
    assert np.array_equal(spikes["indices"], indices) and np.array_equal(spikes["times_ms"], times)
    assert (loaded["spikes"], loaded["synaptic_events"], loaded["cv_isi"]) == \
        (out["spikes"], out["synaptic_events"], out["cv_isi"])


def write_network(d, params, exc, inh, v0):
    d.mkdir(parents=True, exist_ok=True)
    (d / "params.json").write_text(json.dumps(params))
    for name, pairs in (("exc", exc), ("inh", inh)):
        np.save(d / f"{name}_pre.npy", np.array([p for p, _ in pairs], dtype=np.int32))
        np.save(d / f"{name}_post.npy", np.array([q for _, q in pairs], dtype=np.int32))
    np.save(d / "v0.npy", np.array(v0, dtype=np.float64))


TINY = {"n_exc": 2, "n_inh": 1, "tau_m": 20.0, "e_l": -49.0, "v_th": -50.0, "v_reset": -60.0, "t_ref": 5.0,
        "w_exc": 1.0, "w_inh": -0.25, "delay": 0.125}


@needs_venv
def test_loaded_network_applies_jumps_and_discards_input_to_refractory_targets(tmp_path):
    """Neurons 0 (E) and 2 (I) start at threshold and fire at t = 0; neuron 1 starts at
    V_reset. Synapses 0->1 (+1 mV), 2->1 (-0.25 mV) and 0->2 (+1 mV, arrives while 2 is
    refractory, so it must be discarded)."""
    p, dt = TINY, 0.125
    write_network(tmp_path / "net", p, exc=[(0, 1), (0, 2)], inh=[(2, 1)], v0=[-50.0, -60.0, -50.0])
    out = last_json(peer("--network", tmp_path / "net", "--duration-ms", 60, "--build-dir", tmp_path / "build",
                         "--spikes-out", tmp_path / "out.npz", "--record-v", "1,2"))
    r = np.load(tmp_path / "out.npz")
    i, t, vt, v = r["indices"], r["times_ms"], r["v_t_ms"], r["v_mv"]
    assert list(r["v_index"]) == [1, 2] and v.shape == (2, len(vt))

    assert sorted(t[i == 0])[0] == 0 and sorted(t[i == 2])[0] == 0
    assert out["synaptic_events"] == 2 * np.sum(i == 0) + np.sum(i == 2)

    refractory = (vt > 0) & (vt <= p["t_ref"])
    assert np.all(v[1, refractory] == p["v_reset"]), "input to a refractory neuron was not discarded"

    free = p["e_l"] + (-60.0 - p["e_l"]) * np.exp(-vt / p["tau_m"])
    jump = p["w_exc"] + p["w_inh"]
    excess = v[0] - free
    before = vt < p["delay"]
    assert np.allclose(excess[before], 0, atol=1e-9)
    early = (vt >= p["delay"] + 2 * dt) & (vt < 40)
    landed = vt[early] + p["tau_m"] * np.log(excess[early] / jump)  # time at which a jump of `jump` mV was added
    assert np.allclose(landed, landed[0], atol=1e-6) and p["delay"] <= landed[0] <= p["delay"] + 2 * dt

    first = t[i == 1].min()
    crossing = p["tau_m"] * math.log((-60.0 - p["e_l"] + jump * math.exp(landed[0] / p["tau_m"])) / (p["v_th"] - p["e_l"]))
    crossing_without_input = p["tau_m"] * math.log((-60.0 - p["e_l"]) / (p["v_th"] - p["e_l"]))
    assert crossing < crossing_without_input - 1
    assert crossing - dt <= first <= crossing + dt


@needs_venv
def test_bad_network_input_is_reported_with_file_and_field(tmp_path):
    write_network(tmp_path / "net", {**TINY, "w_exc": "big"}, exc=[(0, 1)], inh=[], v0=[-50.0, -60.0, -50.0])
    p = peer("--network", tmp_path / "net", check=False)
    assert p.returncode != 0 and "params.json" in p.stderr and "'w_exc'" in p.stderr and "Traceback" not in p.stderr

    write_network(tmp_path / "net", TINY, exc=[(2, 1)], inh=[], v0=[-50.0, -60.0, -50.0])
    p = peer("--network", tmp_path / "net", check=False)
    assert p.returncode != 0 and "exc_pre.npy" in p.stderr and "[0, 2)" in p.stderr

    write_network(tmp_path / "net", TINY, exc=[(0, 1)], inh=[], v0=[-50.0, -60.0])
    p = peer("--network", tmp_path / "net", check=False)
    assert p.returncode != 0 and "v0.npy" in p.stderr and "length 3" in p.stderr


def test_without_its_environment_the_script_says_how_to_create_it(tmp_path):
    if subprocess.run([sys.executable, "-c", "import brian2"], capture_output=True).returncode == 0:
        pytest.skip(f"{sys.executable} can import brian2")
    script = tmp_path / "benchmark4.py"  # a copy with no .venv beside it
    shutil.copy(SCRIPT, script)
    p = peer("--duration-ms", 1, check=False, python=sys.executable, script=script)
    assert p.returncode != 0 and "setup.sh" in p.stderr and "Traceback" not in p.stderr
