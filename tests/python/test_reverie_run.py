"""reverie.run: the CLI driven from Python, results read back as numpy."""
import gc
import os
from pathlib import Path

import numpy as np
import pytest

import reverie

ROOT = Path(__file__).resolve().parents[2]
HEBB = ROOT / "models" / "hopfield-hebbian.yaml"
SMALL = {"populations.memory.size": 200, "patterns.memories.count": 10}


def test_run_returns_summary_tables_and_trace(tmp_path):
    r = reverie.run(HEBB, set=SMALL, out=tmp_path / "out")
    assert set(r.phases) == {"learn-1", "exact", "corrupted"}
    table = r.tables["corrupted"]
    assert table.dtype.names == ("pattern", "trial", "initial_overlap", "final_overlap", "pattern_is_fixed_point",
                                 "flips", "time", "reached_fixed_point")
    assert table["pattern"].dtype == np.int64 and len(table) == 10 * 2  # 10 patterns x 2 trials
    assert np.isclose(table["final_overlap"].mean(), r.phases["corrupted"]["mean_final_overlap"])
    assert r.value("mean_final_overlap", "exact") == r.phases["exact"]["mean_final_overlap"]
    # The overrides reached the simulation: the trace header has the overridden size.
    assert r.trace.population("memory")["size"] == 200 and r.trace.is_intact
    assert (tmp_path / "out" / "summary.json").is_file() and (tmp_path / "out" / "trace.rvt").is_file()


def test_same_seed_same_bytes_other_seed_other_results(tmp_path):
    a = reverie.run(HEBB, set=SMALL, seed=3, out=tmp_path / "a")
    b = reverie.run(HEBB, set=SMALL, seed=3, out=tmp_path / "b")
    c = reverie.run(HEBB, set=SMALL, seed=4, out=tmp_path / "c")
    assert (tmp_path / "a" / "trace.rvt").read_bytes() == (tmp_path / "b" / "trace.rvt").read_bytes()
    assert a.tables["corrupted"].tobytes() == b.tables["corrupted"].tobytes()
    assert a.trace.records.tobytes() != c.trace.records.tobytes()
    assert a.summary["seed"] == 3 and c.summary["seed"] == 4


def test_overrides_as_strings_streams_and_weights():
    r = reverie.run(HEBB, set=["populations.memory.size=30", "patterns.memories.count=3"],
                    record=["weights", "phases"], weights_every="phase")
    assert r.trace.streams == ["weights", "phases"]
    kinds = set(np.unique(r.trace.records["kind"]).tolist())
    assert kinds == {reverie.WEIGHT, reverie.PHASE}
    # One snapshot of the 30 x 30 dense matrix (J_ii = 0 included) per phase end.
    w = r.trace.select(reverie.WEIGHT)
    assert len(w) == 3 * 30 * 30 and not w["value"][w["unit"] == w["aux"]].any()


def test_no_record_and_temporary_output_is_removed():
    r = reverie.run(HEBB, set=SMALL, record=None)
    assert r.trace is None and r.tables
    out = r.out
    assert out.is_dir()
    del r
    gc.collect()
    assert not out.exists()


def test_errors_carry_the_cli_message(tmp_path):
    with pytest.raises(reverie.ReverieError, match="populations.*size|size.*populations") as e:
        reverie.run(HEBB, set={"populations.memory.size": "lots"}, out=tmp_path / "x")
    assert e.value.returncode != 0
    with pytest.raises(reverie.ReverieError, match="no-such-model.yaml"):
        reverie.run(tmp_path / "no-such-model.yaml")
    with pytest.raises(ValueError, match="key=value"):
        reverie.run(HEBB, set=["populations.memory.size"])


def test_find_reverie(monkeypatch, tmp_path):
    assert reverie.find_reverie() == os.environ["REVERIE_BIN"]
    monkeypatch.setenv("REVERIE_BIN", str(tmp_path / "nothing"))
    with pytest.raises(reverie.ReverieError, match="REVERIE_BIN"):
        reverie.find_reverie()
    # Without REVERIE_BIN and PATH, the build of the enclosing package is found.
    monkeypatch.delenv("REVERIE_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(ROOT / "models")
    found = Path(reverie.find_reverie())
    assert found.parent.parent == ROOT / ".build" and found.name == "reverie"


def test_format_override():
    f = reverie.runner.format_override
    assert f("a", True) == "a=true" and f("a", 3) == "a=3"
    assert float(f("a", 0.1 + 0.2).split("=")[1]) == 0.1 + 0.2
    assert f("v_init", [-60, -50]) == "v_init=[-60, -50]"
    with pytest.raises(ValueError, match="finite"):
        f("a", float("nan"))


def test_read_table_keeps_column_names(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("N,alpha,overlap_from_0.8,label\n500,0.2,0.49,a\n500,0.3,0.84,b\n")
    t = reverie.read_table(p)
    assert t.dtype.names == ("N", "alpha", "overlap_from_0.8", "label")
    assert t["N"].dtype == np.int64 and t["alpha"].tolist() == [0.2, 0.3] and t["label"].tolist() == ["a", "b"]
