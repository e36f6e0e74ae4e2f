"""reverie.figures: what the figures compute agrees with Reverie's own measurements,
and the axes are what they claim (round ticks, true log scales, error bars from repeats)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import reverie
from reverie.figures import hopfield, results, spiking, style

ROOT = Path(__file__).resolve().parents[2]


def test_overlaps_replayed_from_the_trace_end_where_reverie_measured(tmp_path):
    size, patterns, m0 = 200, 10, 0.6
    model, xi = hopfield.prepare(tmp_path, hopfield.hopfield_model("t", size, [
        {"phase": "test", "name": "recall", "patterns": "memories", "initial_overlap": m0, "trials": 2}],
        order="poisson"), patterns, size, seed=5)
    r = reverie.run(model, out=tmp_path / "out", record=["states", "assignments", "phases", "metrics"])
    trajectories = hopfield.overlap_trajectories(r.trace, xi, "recall")
    assert [mu for mu, *_ in trajectories] == [mu for mu in range(patterns) for _ in range(2)]
    table = r.tables["recall"]
    for (mu, times, m, reported), final in zip(trajectories, table["final_overlap"]):
        assert m[0] == pytest.approx(m0, abs=1e-12)       # exactly round(N(1 - m0)/2) flipped
        assert m[-1] == pytest.approx(reported, abs=1e-12) == pytest.approx(final, abs=1e-12)
        assert np.all(np.diff(times) >= 0) and np.all(np.abs(np.diff(m)) <= 2 / size + 1e-12)


def test_stabilities_from_the_weights_match_the_dream_table(tmp_path):
    size, dreams = 100, 600
    protocol = [{"phase": "dream", "name": "dreaming", "patterns": "memories", "projection": "recurrent",
                 "rule": "unlearning", "dreams": dreams, "measure_every": dreams}]
    rules = [{"name": "unlearning", "type": "anti-hebbian", "epsilon": 0.01}]
    model, xi = hopfield.prepare(tmp_path, hopfield.hopfield_model("t", size, protocol, rules=rules), 20, size, 3)
    r = reverie.run(model, out=tmp_path / "out", record=["weights", "phases"], weights_every="phase")
    snapshots = hopfield.weight_matrices(r.trace, size)
    assert len(snapshots) == 2
    table = r.tables["dreaming"]
    assert table["dreams"].tolist() == [0, dreams]
    for (_, J), row in zip(snapshots, table):
        d = hopfield.stabilities(J, xi)
        assert np.allclose(np.diag(J), 0)
        assert d.min() == pytest.approx(row["min_stability"], rel=1e-9)
        assert d.mean() == pytest.approx(row["mean_stability"], rel=1e-9)
        assert (d.min(axis=1) > 0).mean() == pytest.approx(row["fraction_stable"])


def test_isi_cvs_and_rates_are_reverie_statistics(tmp_path):
    r = reverie.run(ROOT / "models" / "brette-benchmark4.yaml", out=tmp_path / "b4", record=["spikes", "phases"],
                    set={"populations[0].size": 800, "populations[1].size": 200, "protocol[0].duration": 500})
    trains = reverie.spike_trains(r.trace)
    assert spiking.isi_cvs(trains["exc"]).mean() == pytest.approx(r.phases["run-1"]["exc.cv_isi"], rel=1e-12)
    assert np.mean([len(t) for t in trains["inh"]]) / 0.5 == pytest.approx(r.phases["run-1"]["inh.rate_hz"])


def test_mean_sem_groups_repeats():
    t = np.array([(0.1, 0, 1.0), (0.1, 1, 3.0), (0.2, 0, 5.0), (0.1, 2, 2.0)],
                 dtype=[("alpha", float), ("repeat", int), ("m", float)])
    keys, mean, sem, n = style.mean_sem(t, "alpha", "m")
    assert keys == [(0.1,), (0.2,)] and mean.tolist() == [2.0, 5.0] and n.tolist() == [3, 1]
    assert sem[0] == pytest.approx(np.std([1, 3, 2], ddof=1) / np.sqrt(3)) and np.isnan(sem[1])


def test_log_tick_labels_are_plain_numbers():
    assert [style._log_label(v) for v in (0.05, 1, 20, 5000, 100000)] == ["0.05", "1", "20", "5,000", "100,000"]
    assert style._log_label(1e-5) == "$10^{-5}$" and style._log_label(2e8) == r"$2\times10^{8}$"


NICE = (1, 2, 2.5, 5)


def is_round_step(ticks):
    steps = np.diff(ticks)
    if len(steps) == 0:
        return True
    step = steps[0]
    mantissa = step / 10 ** np.floor(np.log10(step))
    return np.allclose(steps, step) and any(np.isclose(mantissa, m) for m in NICE) and \
        np.allclose(np.round(ticks / step), ticks / step, atol=1e-6)


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """The figures of results/*.csv, kept open instead of saved."""
    figures = {}

    def keep(fig, out, name):
        figures[name] = fig
        return Path(out) / f"{name}.png"

    monkeypatch.setattr(results, "save", keep)
    results.all_results(ROOT / "results", tmp_path)
    return figures


def test_result_figures_have_round_ticks_log_axes_and_reference_lines(drawn):
    assert {"capacity", "unlearning", "unlearning-landmarks", "sleep-min-examples", "sleep-alpha", "sleep-distance",
            "pc-corruption", "pc-load"} <= set(drawn)
    for name, fig in drawn.items():
        for ax in fig.axes:
            for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
                lo, hi = sorted(axis.get_view_interval())
                ticks = np.array([t for t in axis.get_majorticklocs() if lo - 1e-12 <= t <= hi + 1e-12])
                if scale == "linear":
                    assert is_round_step(ticks), (name, ticks)
                else:
                    mantissas = ticks / 10 ** np.floor(np.log10(ticks) + 1e-9)
                    assert all(any(np.isclose(m, n) for n in (1, 2, 5)) for m in mantissas), (name, ticks)
    for name in ("sleep-distance", "sleep-min-examples"):
        ax = drawn[name].axes[0]
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    for name in ("capacity", "pc-load", "sleep-alpha"):
        lines = [l for ax in drawn[name].axes for l in ax.get_lines()]
        assert any(np.allclose(l.get_xdata(), style.ALPHA_C) for l in lines), f"{name}: no α_c line"


def test_capacity_error_bars_are_mean_and_sem_of_the_repeats(drawn):
    table = reverie.read_table(ROOT / "results" / "capacity.csv")
    _, mean, sem, n = style.mean_sem(table, "alpha", "mean_final_overlap")
    assert n.min() > 1, "capacity.csv holds repeats"
    container = drawn["capacity"].axes[1].containers[0]
    assert np.allclose(container.lines[0].get_ydata(), mean)
    segments = container.lines[2][0].get_segments()
    assert np.allclose([s[1][1] - s[0][1] for s in segments], 2 * np.where(np.isnan(sem), 0, sem))


def test_spiking_and_stdp_figures_are_written(tmp_path):
    r = reverie.run(ROOT / "models" / "brette-benchmark4.yaml", out=tmp_path / "b4", record=["spikes", "states",
                    "phases"], set={"populations[0].size": 800, "populations[1].size": 200,
                                    "protocol[0].duration": 400, "protocol[0].record_voltage.population": "exc",
                                    "protocol[0].record_voltage.count": 2, "protocol[0].record_voltage.every": 0.125})
    written = spiking.benchmark4_figures(r, tmp_path, window=(100, 300))
    written += spiking.stdp_figure(ROOT / "models" / "stdp-poisson.yaml", tmp_path, tmp_path, durations=(500, 1000))
    assert [p.name for p in written] == ["benchmark4-raster.png", "benchmark4-rates-cv.png", "benchmark4-membrane.png",
                                         "stdp-weights.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)


def test_command_line(tmp_path):
    env = {"PYTHONPATH": str(ROOT / "python"), "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-m", "reverie.figures", "--out", str(tmp_path), "--csv", str(ROOT / "results"),
                        "--only", "results"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert sorted(Path(l).name for l in p.stdout.split()) == sorted(
        f"{n}.png" for n in ("capacity", "unlearning", "unlearning-landmarks", "sleep-min-examples", "sleep-alpha",
                             "sleep-distance", "pc-corruption", "pc-load"))
    bad = subprocess.run([sys.executable, "-m", "reverie.figures", "--out", str(tmp_path / "none")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "no such directory" in bad.stderr
    bad = subprocess.run([sys.executable, "-m", "reverie.figures", "--out", str(tmp_path), "--only", "movies"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "unknown groups movies" in bad.stderr
