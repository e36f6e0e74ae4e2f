"""The numba peers (Benchmarks/peers/numba) that `reverie-bench unlearning` and `relax`
compare against compute the numpy peers' dynamics: the same fields of JSON, flips per
relaxation and D_in within seed noise of the numpy reference (their random numbers
differ), and D_in at N = 200, α = 0.3 where docs/science.md §3 puts it.

Needs the peer's environment (bash Benchmarks/peers/numba/setup.sh); skipped without it.
"""
import json, subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NUMBA = ROOT / "Benchmarks" / "peers" / "numba"
PYTHON = NUMBA / ".venv" / "bin" / "python"
NUMPY = ROOT / "Benchmarks" / "peers" / "numpy"

pytestmark = pytest.mark.skipif(not PYTHON.exists(),
                                reason=f"{PYTHON} is absent: run `bash Benchmarks/peers/numba/setup.sh`")


def run(script, *args, python=PYTHON):
    p = subprocess.run([str(python), str(script), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_unlearning_peer_reaches_d_in_as_numpy():
    args = ["--n", 200, "--alpha", 0.3, "--measure-every", 50]
    numba = [run(NUMBA / "unlearning.py", *args, "--seed", s) for s in (1, 2, 3)]
    numpy = run(NUMPY / "unlearning.py", *args, "--seed", 1, python=PYTHON)
    assert set(numpy) <= set(numba[0])
    scaled = [d["d_in"] * 0.01 / 200 for d in numba]
    assert all(0.10 <= x <= 0.20 for x in scaled), scaled           # science.md §3: 0.125-0.155
    assert abs(sum(scaled) / 3 - numpy["d_in"] * 0.01 / 200) < 0.04
    per_dream = [d["flips"] / d["dreams"] for d in numba]
    assert all(abs(f / (numpy["flips"] / numpy["dreams"]) - 1) < 0.1 for f in per_dream), per_dream


def test_relax_peer_flips_as_numpy():
    numba = run(NUMBA / "relax.py", "--n", 300, "--relaxations", 40)
    numpy = run(NUMPY / "relax.py", "--n", 300, "--relaxations", 40, python=PYTHON)
    assert set(numba) == set(numpy)
    assert abs(numba["flips_per_relaxation"] / numpy["flips_per_relaxation"] - 1) < 0.1


def test_pc_peer_relaxes_the_network_reverie_trained_to_the_same_values():
    """`reverie-bench pc --peers numba` hands the numba peer the Euler row's trained weights,
    biases and starts; the peer's recall reaches Reverie's final values (the same sums in the
    same order: the bench prints the largest difference, 0)."""
    bench = ROOT / ".build" / "debug" / "reverie-bench"
    p = subprocess.run([str(bench), "pc", "--n", "24", "--alpha", "0.1", "--send-thresholds", "0.1", "--peers", "numba"],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr
    line = next(l for l in p.stdout.splitlines() if "numba euler:" in l)
    assert "largest |Δv| 0;" in line, line


def test_pc_peer_is_the_euler_recall(tmp_path):
    """pc.py against the equations in numpy, on a random network."""
    import numpy as np
    rng = np.random.default_rng(4)
    n, count, steps, dt, tau, tau_e, scale = 30, 3, 200, 1e-3, 0.05, 0.05, 10.0
    M, b = rng.normal(0, 0.2, (n, n)), rng.normal(0, 0.1, n)
    starts = rng.choice([-1.0, 1.0], (count, n))
    np.concatenate([M.ravel(), b, starts.ravel()]).astype("<f8").tofile(tmp_path / "in.f64")
    out = run(NUMBA / "pc.py", "--input", tmp_path / "in.f64", "--output", tmp_path / "out.f64", "--n", n, "--count", count,
              "--steps", steps, "--dt", dt, "--tau", tau, "--tau-e", tau_e, "--scale", scale)
    assert out["recalls"] == count and out["cpu_seconds"] > 0
    finals = np.fromfile(tmp_path / "out.f64", dtype="<f8").reshape(count, n)
    for r in range(count):
        v = scale * starts[r]
        e = M.T @ np.tanh(v) - v - b
        for _ in range(steps):
            a = np.tanh(v)
            e, v = e + dt / tau_e * (M.T @ a - v - b - e), v + dt / tau * (e - (1 - a * a) * (M @ e))
        np.testing.assert_allclose(finals[r], v, rtol=1e-9, atol=1e-9)
