"""reverie.figures.sleep_phase: M_min read from the sweep's search tables, the reduction
paired by seed, "only sleep" where t = 0 fails for every seed, and the one command
end to end on a shrunk sweep."""
import csv
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from reverie.figures import sleep_phase

ROOT = Path(__file__).resolve().parents[2]


def write_sweep(tmp_path, rows, size=300, m_max=5000):
    """A sweep directory with one part `plane` whose search.csv holds `rows` (alpha, r, t, seed, M or None)."""
    (tmp_path / "plane").mkdir()
    with open(tmp_path / "plane" / "search.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["alpha", "r", "sleep_time", "M", "repeat", "seed", "found", "evaluations"])
        for alpha, r, t, seed, m in rows:
            w.writerow([alpha, r, t, "" if m is None else m, seed - 1, seed, 0 if m is None else 1, 1 if m is None else 14])
    (tmp_path / "sweep.json").write_text(json.dumps({"parts": [{
        "name": "plane", "directory": "plane", "set": [f"populations.memory.size={size}"],
        "search": {"range": [1, m_max]}}]}))


def test_reduction_is_paired_by_seed_and_sleep_only_is_marked(tmp_path):
    write_sweep(tmp_path, [
        (0.1, 0.3, 0, 1, 200), (0.1, 0.3, 0, 2, 100), (0.1, 0.3, 0, 3, None),
        (0.1, 0.3, 10, 1, 20), (0.1, 0.3, 10, 2, 50), (0.1, 0.3, 10, 3, 30),
        (0.2, 0.3, 0, 1, None), (0.2, 0.3, 0, 2, None), (0.2, 0.3, 0, 3, None),
        (0.2, 0.3, "inf", 1, 60), (0.2, 0.3, "inf", 2, None), (0.2, 0.3, "inf", 3, 80),
    ])
    out = tmp_path / "out"
    out.mkdir()
    written, lines = sleep_phase.draw(tmp_path, out)
    table = {(float(r["alpha"]), r["sleep_time"]): r for r in csv.DictReader(open(out / "sleep-phase-reduction.csv"))}
    both = table[(0.1, "10")]
    # Seeds 1 and 2 pair: 1 − 20/200 = 0.9 and 1 − 50/100 = 0.5; seed 3 has no M_min(0).
    assert float(both["reduction"]) == pytest.approx(0.7)
    assert (float(both["reduction_lo"]), float(both["reduction_hi"])) == pytest.approx((0.5, 0.9))
    assert (both["found_t0"], both["found_t"], both["M_min_t0"], both["M_min_t"]) == ("2", "3", "150", "30")
    assert both["status"] == "both"
    only = table[(0.2, "inf")]
    assert only["status"] == "sleep-only" and only["reduction"] == "" and only["M_min_t"] == "70"
    assert lines[0].startswith("N = 300: largest median reduction 70.0 % (seed range 50.0 … 90.0 %) at α = 0.1, r = 0.3, t = 10")
    assert lines[1] == "N = 300: only sleep retrieves within M_max = 5000 at (α, r) = (0.2, 0.3)"
    per_seed = list(csv.DictReader(open(out / "sleep-phase.csv")))
    assert [r["M"] for r in per_seed][:3] == ["200", "100", ""]
    assert float(per_seed[0]["entropy"]) == pytest.approx((1 - 0.09) / (200 * 0.09))
    assert {p.name for p in written} >= {"sleep-phase-reduction.png", "sleep-phase-mmin.png", "sleep-phase-boundary.png"}


def test_a_missing_sweep_is_a_clear_error(tmp_path):
    r = subprocess.run([os.sys.executable, "-m", "reverie.figures.sleep_phase", "--sweep", str(tmp_path / "none"),
                        "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "python")})
    assert r.returncode == 1
    assert "sweep.json" in r.stderr and "Traceback" not in r.stderr


def test_the_shrunk_sweep_gives_the_tables_of_its_search(tmp_path):
    sweep = tmp_path / "sweep"
    subprocess.run([os.environ["REVERIE_BIN"], "experiment", "experiments/sleep-phase.yaml", "-q", "--jobs", "2",
                    "--out", str(sweep), "--set", "populations.memory.size=40", "--grid", "alpha=0.05,0.3",
                    "--grid", "r=0.4", "--grid", "sleep_time=0,10", "--grid", "variant=baseline,plain-averages",
                    "--repeats", "2"], cwd=ROOT, check=True)
    out = tmp_path / "out"
    out.mkdir()
    written, lines = sleep_phase.draw(sweep, out)
    assert {p.name for p in written} == {"sleep-phase.csv", "sleep-phase-reduction.csv", "sleep-phase-choices.csv",
                                         "sleep-phase-reduction.png", "sleep-phase-mmin.png", "sleep-phase-boundary.png",
                                         }  # one N (both parts at 40): no finite-size figure
    search = [r for part in ("plane", "finite-size") for r in csv.DictReader(open(sweep / part / "search.csv"))]
    per_seed = list(csv.DictReader(open(out / "sleep-phase.csv")))
    assert {r["N"] for r in per_seed} == {"40"}
    assert [r["M"] for r in per_seed] == [r["M"] for r in search]
    choices = {(r["variant"], r["alpha"], r["sleep_time"]): r for r in csv.DictReader(open(out / "sleep-phase-choices.csv"))}
    # Plain averages only rescale J at t = 0 (docs/science.md §4): the same M_min at temperature 0.
    assert choices[("plain-averages", "0.05", "0")]["M_min"] == choices[("baseline", "0.05", "0")]["M_min"] != ""
    assert choices[("beta-10", "0.3", "0")]["seeds"] == "2"
    assert choices[("baseline", "0.3", "0")]["found"] == "0"        # Hebb fails at α = 0.3 …
    assert math.isfinite(float(choices[("baseline", "0.3", "10")]["M_min"]))  # … sleep does not
    b = choices[("baseline", "0.05", "10")]
    assert float(b["reduction"]) == pytest.approx(1 - float(b["M_min"]) / float(choices[("baseline", "0.05", "0")]["M_min"]), rel=1e-5)  # 6 digits
