"""neo, elephant and NWB from Reverie runs, with the real packages.

Acceptance (issue 13): elephant's mean firing rate and CV of ISIs of a benchmark-4
run equal the values Reverie's own summary reports."""
import json
from pathlib import Path

import elephant.statistics as es
import neo
import numpy as np
import pytest
import quantities as pq
from pynwb import NWBHDF5IO

import reverie

ROOT = Path(__file__).resolve().parents[2]
B4 = ROOT / "models" / "brette-benchmark4.yaml"
B4_SET = {"populations[0].size": 800, "populations[1].size": 200, "protocol[0].duration": 2000}


@pytest.fixture(scope="module")
def benchmark4(tmp_path_factory):
    return reverie.run(B4, set=B4_SET, out=tmp_path_factory.mktemp("b4"), record=["spikes", "phases"])


def elephant_rate_and_cv(trains):
    rate = np.mean([es.mean_firing_rate(st).rescale(pq.Hz).magnitude for st in trains])
    cv = np.mean([es.cv(es.isi(st)) for st in trains if len(st) >= 3])
    return float(rate), float(cv)


def test_elephant_rate_and_cv_equal_reverie_summary(benchmark4):
    block = reverie.to_neo(benchmark4.trace)
    summary = benchmark4.phases["run-1"]
    for population in ("exc", "inh"):
        trains = [st for st in block.segments[0].spiketrains if st.annotations["population"] == population]
        assert len(trains) == {"exc": 800, "inh": 200}[population]
        rate, cv = elephant_rate_and_cv(trains)
        assert rate == pytest.approx(summary[f"{population}.rate_hz"], rel=1e-12, abs=0)
        assert cv == pytest.approx(summary[f"{population}.cv_isi"], rel=1e-12, abs=0)
        assert 5 < rate < 15 and 0.3 < cv < 0.7


def test_spike_trains_have_units_span_and_population(benchmark4):
    block = reverie.to_neo(benchmark4.trace)
    seg = block.segments[0]
    assert [g.name for g in block.groups] == ["exc", "inh"]
    assert [len(g.spiketrains) for g in block.groups] == [800, 200]
    assert seg.annotations["population_sizes"] == [800, 200]
    st = seg.spiketrains[5]
    assert st.units == pq.ms and st.t_start == 0 * pq.ms and st.t_stop == 2000 * pq.ms
    assert st.annotations == {"population": "exc", "index": 5, "unit_id": 5, "model": "lif"}
    times, units = benchmark4.trace.spikes()
    assert sum(len(s) for s in seg.spiketrains) == len(times) == benchmark4.phases["run-1"]["spikes"]
    assert np.array_equal(st.magnitude, times[units == 5])


# Units without an incoming synapse never reach threshold (E_L < V_th): silent.
SILENT_MODEL = """
reverie: 1
name: partly-silent
seed: 2
populations:
  - {name: drive, model: poisson, size: 4, rate: 40}
  - {name: out, model: lif, size: 10, e_l: -70, v_th: -55, v_reset: -70, t_ref: 2, tau_m: 10}
projections:
  - {from: drive, to: out, connectivity: probability, probability: 0.15, weight: 20, delay: 1}
protocol:
  - phase: run
    duration: 500
    record_voltage: {population: out, count: 2, every: 1}
"""


@pytest.fixture(scope="module")
def partly_silent(tmp_path_factory):
    d = tmp_path_factory.mktemp("silent")
    (d / "model.yaml").write_text(SILENT_MODEL)
    return reverie.run(d / "model.yaml", out=d / "out")


def test_silent_units_are_empty_trains_spanning_the_run(partly_silent):
    block = reverie.to_neo(partly_silent.trace)
    groups = {g.name: g for g in block.groups}
    assert {n: len(g.spiketrains) for n, g in groups.items()} == {"drive": 4, "out": 10}
    silent = [st for st in groups["out"].spiketrains if len(st) == 0]
    assert 0 < len(silent) < 10, "the model should leave some units without input"
    for st in silent:
        assert st.t_start == 0 * pq.ms and st.t_stop == 500 * pq.ms and es.mean_firing_rate(st) == 0
    rate = np.mean([es.mean_firing_rate(st).rescale(pq.Hz).magnitude for st in groups["out"].spiketrains])
    assert rate == pytest.approx(partly_silent.phases["run-1"]["out.rate_hz"], rel=1e-12)


def test_membrane_potentials_are_an_analog_signal(partly_silent):
    block = reverie.to_neo(partly_silent.trace)
    [signal] = block.segments[0].analogsignals
    states = partly_silent.trace.select(reverie.STATE)
    assert signal.units == pq.mV and signal.sampling_period == 1 * pq.ms and signal.t_start == 0 * pq.ms
    assert signal.shape == (len(states) // 2, 2) and list(signal.array_annotations["unit_id"]) == [4, 5]
    assert np.array_equal(signal.magnitude[:, 1], states["value"][states["unit"] == 5])
    assert signal.magnitude.max() < -55 + 1e-9 and signal.magnitude.min() >= -70 - 1e-9


def test_nwb_round_trip_through_pynwb_and_neo(partly_silent, benchmark4, tmp_path):
    path = reverie.to_nwb(partly_silent.trace, tmp_path / "run.nwb")
    with NWBHDF5IO(path, "r") as io:
        nwb = io.read()
        units = nwb.units.to_dataframe()
        assert list(units["population"]) == ["drive"] * 4 + ["out"] * 10
        assert list(units["unit_id"]) == list(range(14))
        v = nwb.acquisition["out_v"]
        assert v.conversion == 1e-3 and v.rate == pytest.approx(1000.0)
    [block] = neo.NWBIO(str(path), "r").read_all_blocks()
    trains = block.segments[0].spiketrains
    expected = reverie.to_neo(partly_silent.trace).segments[0].spiketrains
    assert len(trains) == 14 and [st.name for st in trains] == [st.name for st in expected]
    for got, want in zip(trains, expected):
        assert got.t_stop.rescale(pq.ms) == pytest.approx(500.0)
        assert np.allclose(got.rescale(pq.ms).magnitude, want.magnitude, rtol=0, atol=1e-9)
    [signal] = block.segments[0].analogsignals
    want = reverie.to_neo(partly_silent.trace).segments[0].analogsignals[0]
    assert np.allclose(signal.rescale(pq.mV).magnitude, want.magnitude, atol=1e-9)
    # Elephant on the NWB file's trains gives Reverie's numbers too.
    path = reverie.to_nwb(benchmark4.trace, tmp_path / "b4.nwb")
    [block] = neo.NWBIO(str(path), "r").read_all_blocks()
    exc = block.segments[0].spiketrains[:800]
    rate, cv = elephant_rate_and_cv(exc)
    assert rate == pytest.approx(benchmark4.phases["run-1"]["exc.rate_hz"], rel=1e-9)
    assert cv == pytest.approx(benchmark4.phases["run-1"]["exc.cv_isi"], rel=1e-6)


def test_binary_traces_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="spiking run"):
        reverie.to_neo(ROOT / "traces" / "samples" / "hopfield.rvt")
