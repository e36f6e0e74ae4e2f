"""Acceptance (issue 6): on the same benchmark-4 network (connectivity and initial
potentials drawn by Reverie, exported to Brian2), Reverie's exact event-driven
LIF and Brian2's clock-driven C++ standalone run agree on the mean rate within
5% and on the mean CV of ISIs within 0.05. Runs `reverie-bench lif`, which runs
both in one invocation."""
import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENV = ROOT / "Benchmarks" / "peers" / "brian2" / ".venv" / "bin" / "python"
REVERIE_BENCH = ROOT / ".build" / "debug" / "reverie-bench"


@pytest.mark.skipif(not VENV.exists(), reason="run `bash Benchmarks/peers/brian2/setup.sh`")
def test_rate_and_cv_agree_with_brian2(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([str(REVERIE_BENCH), "lif", "--n", "4000", "--duration", "3000", "--queue", "ring", "--repeats", "1",
                    "--json", str(out)], cwd=ROOT, check=True, capture_output=True, text=True)
    rows = json.loads(out.read_text())
    reverie = next(r for r in rows if r["simulator"] == "reverie")
    brian2 = next(r for r in rows if r["simulator"] == "brian2")
    assert reverie["spikes"] > 50_000 and brian2["spikes"] > 50_000
    assert abs(reverie["rate_hz"] - brian2["rate_hz"]) <= 0.05 * brian2["rate_hz"], (reverie, brian2)
    assert abs(reverie["cv_isi"] - brian2["cv_isi"]) <= 0.05, (reverie, brian2)
    assert reverie["bytes_per_synapse"] <= 12
