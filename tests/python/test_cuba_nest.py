"""The NEST peer (Benchmarks/peers/nest/simulate.py) and the CUBA acceptance (issue 16).

On the same CUBA network (models/cuba-vogels-abbott.yaml: connectivity, weights,
per-synapse delays and initial potentials drawn by Reverie, exported), Reverie's
lif-exp units and NEST's iaf_psc_exp_ps give rates within 1%, CVs of ISIs within
0.01 and the same spikes (each within 1e-6 ms) over the first second at least.
The acceptance test needs the peer's environment (bash Benchmarks/peers/nest/setup.sh)
and is skipped without it; the others use only numpy.
"""
import importlib.util
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEER = ROOT / "Benchmarks" / "peers" / "nest"
NEST_PYTHON = PEER / ".venv" / "bin" / "python"
REVERIE_BENCH = ROOT / ".build" / "debug" / "reverie-bench"


def load_simulate():
    spec = importlib.util.spec_from_file_location("nest_simulate", PEER / "simulate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_agreement_is_the_first_time_a_neuron_differs():
    agreement = load_simulate().agreement
    a = (np.array([0, 1, 0, 1, 2]), np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert agreement(a, a, 3, 10.0, 1e-6) == (10.0, 5, 0.0)
    # Neuron 1's second spike moves by 1e-5 ms: agreement ends there.
    b = (a[0], np.array([1.0, 2.0, 3.0, 4.0 + 1e-5, 5.0]))
    until, count, worst = agreement(a, b, 3, 10.0, 1e-6)
    assert until == 4.0 and count == 3 and worst == 0.0
    # Within tolerance, in any order of the lists; an extra spike ends agreement at its time.
    c = (np.array([2, 1, 0, 1, 0, 2]), np.array([5.0, 4.0 + 1e-7, 3.0, 2.0, 1.0, 7.5]))
    until, count, worst = agreement(a, c, 3, 10.0, 1e-6)
    assert until == 7.5 and count == 5 and abs(worst - 1e-7) < 1e-12


def test_bad_network_input_names_the_file_and_field(tmp_path):
    (tmp_path / "params.json").write_text(json.dumps({"model": "lif-exp", "n": 2, "n_exc": 1, "tau_m": 20}))
    p = subprocess.run([sys.executable, str(PEER / "simulate.py"), "--network", str(tmp_path)], capture_output=True, text=True)
    assert p.returncode != 0
    assert "params.json" in p.stderr and "'e_l'" in p.stderr, p.stderr


@pytest.mark.skipif(not NEST_PYTHON.exists(), reason="run `bash Benchmarks/peers/nest/setup.sh`")
def test_cuba_rates_cvs_and_spikes_agree_with_nest(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([str(REVERIE_BENCH), "cuba", "--n", "4000", "--durations", "1000", "--repeats", "1", "--no-brian2",
                    "--nest-resolutions", "0.1", "--json", str(out)], cwd=ROOT, check=True, capture_output=True, text=True)
    rows = json.loads(out.read_text())
    reverie = next(r for r in rows if r["simulator"] == "reverie")
    nest = next(r for r in rows if r["simulator"] == "nest")
    assert nest["model"] == "iaf_psc_exp_ps" and reverie["spikes"] > 15_000
    assert abs(reverie["rate_hz"] - nest["rate_hz"]) <= 0.01 * nest["rate_hz"], (reverie, nest)
    assert abs(reverie["cv_isi"] - nest["cv_isi"]) <= 0.01, (reverie, nest)
    assert nest["agree_until_ms"] >= 500 and nest["agree_max_difference_ms"] < 1e-6, nest
