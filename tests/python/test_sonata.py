"""SONATA files written by Reverie, read by the real readers (libsonata and bmtk
from PyPI), and SONATA spike files written by h5py and bmtk driving a Reverie
population. Drives the built `reverie` executable (REVERIE_BIN overrides it)."""
import json
import os
import subprocess
from pathlib import Path

import h5py
import libsonata
import numpy as np
import pytest
from bmtk.utils.reports.compartment import CompartmentReport
from bmtk.utils.reports.spike_trains import SpikeTrains
from bmtk.utils.sonata import File as BmtkFile

from test_traces_stream import format_md_loader

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ["REVERIE_BIN"]
B4 = str(ROOT / "models" / "brette-benchmark4.yaml")
SMALL_B4 = ["--set", "populations[0].size=80", "--set", "populations[1].size=20", "--set", "protocol[0].duration=60",
            "--set", "protocol[0].record_voltage={population: exc, count: 7, every: 0.5}"]


def cli(*args, check=True, cwd=ROOT):
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"reverie {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("sonata")
    cli("run", B4, *SMALL_B4, "-q", "--record", d / "b4.rvt")
    cli("trace", "export", d / "b4.rvt", "--format", "sonata", "--out", d / "out")
    return load(d / "b4.rvt"), d / "out"


def load(path):
    """(run description, records) of a trace, by the numpy loader of traces/FORMAT.md."""
    scope = format_md_loader(path)
    return scope["header"]["run"], scope["r"]


def of(trace, name, kind):
    """The records of one kind of population `name`, and its description."""
    run, r = trace
    p = next(p for p in run["populations"] if p["name"] == name)
    s = r[(r["kind"] == kind) & (r["unit"] >= p["firstID"]) & (r["unit"] < p["firstID"] + p["size"])]
    return s, p


def local_spikes(trace, name):
    s, p = of(trace, name, 2)
    return (s["unit"] - p["firstID"]).astype(np.uint64), s["time"]


def test_libsonata_reads_the_spike_file(exported):
    trace, out = exported
    reader = libsonata.SpikeReader(str(out / "spikes.h5"))
    assert sorted(reader.get_population_names()) == ["exc", "inh"]
    for name in ("exc", "inh"):
        ids, times = local_spikes(trace, name)
        assert len(ids) >= 5
        pop = reader[name]
        got = pop.get_dict()
        assert np.array_equal(np.asarray(got["node_ids"], np.uint64), ids)
        assert np.array_equal(np.asarray(got["timestamps"]), times)
        assert pop.sorting == "by_time" and pop.time_units == "ms"
    with h5py.File(out / "spikes.h5") as f:
        assert f["spikes/exc/timestamps"].dtype == np.float64 and f["spikes/exc/node_ids"].dtype == np.uint64
        assert f.attrs["magic"] == 0x0A7A


def test_bmtk_reads_the_spike_file(exported):
    trace, out = exported
    spikes = SpikeTrains.load(str(out / "spikes.h5"))
    assert sorted(spikes.populations) == ["exc", "inh"]
    for name in ("exc", "inh"):
        ids, times = local_spikes(trace, name)
        df = spikes.to_dataframe()
        df = df[df["population"] == name]
        assert np.array_equal(df["node_ids"].to_numpy(np.uint64), ids)
        assert np.array_equal(df["timestamps"].to_numpy(), times)


def recorded_voltages(trace):
    """The `state` records of the exc population as a (times, units) grid."""
    s, p = of(trace, "exc", 1)
    times = np.unique(s["time"])
    grid = s["value"].reshape(len(times), -1)
    assert np.array_equal(s["unit"].reshape(len(times), -1)[0] - p["firstID"], np.arange(7))
    return times, grid


def test_libsonata_reads_the_voltage_report(exported):
    trace, out = exported
    times, grid = recorded_voltages(trace)
    assert len(times) == 120 and grid.shape == (120, 7)
    pop = libsonata.SomaReportReader(str(out / "voltage.h5"))["exc"]
    assert pop.times == (0.0, 60.0, 0.5) and pop.time_units == "ms" and pop.data_units == "mV"
    assert pop.get_node_ids() == list(range(7))
    frame = pop.get()
    assert np.array_equal(np.asarray(frame.times), times)
    assert np.array_equal(np.asarray(frame.data), grid.astype(np.float32))
    one = pop.get(node_ids=[3], tstart=10.0, tstop=20.0)
    k = (times >= 10.0) & (times <= 20.0)
    assert np.array_equal(np.asarray(one.data)[:, 0], grid[k, 3].astype(np.float32))


def test_bmtk_reads_the_voltage_report(exported):
    trace, out = exported
    times, grid = recorded_voltages(trace)
    report = CompartmentReport(str(out / "voltage.h5"), mode="r")
    assert report.populations == ["exc"]
    assert (report.tstart("exc"), report.tstop("exc"), report.dt("exc")) == (0.0, 60.0, 0.5)
    assert report.units("exc") == "mV"
    assert np.array_equal(report.data(population="exc"), grid.astype(np.float32))
    assert np.array_equal(report.data(node_id=5, population="exc")[:, 0], grid[:, 5].astype(np.float32))


def test_the_export_states_sizes_and_t_stop(exported):
    trace, out = exported
    nodes = libsonata.NodeStorage(str(out / "nodes.h5"))
    run, r = trace
    for p in run["populations"]:
        assert nodes.open_population(p["name"]).size == p["size"]
    circuit = libsonata.CircuitConfig.from_file(str(out / "circuit_config.json"))
    assert circuit.node_populations == {"exc", "inh"}
    sim = libsonata.SimulationConfig.from_file(str(out / "simulation_config.json"))
    phase_ends = r[(r["kind"] == 4) & (r["aux"] == 1)]["time"]
    assert sim.run.tstop == phase_ends.max() == 60.0 and sim.run.random_seed == run["seed"]
    bm = BmtkFile(data_files=str(out / "nodes.h5"), data_type_files=str(out / "node_types.csv"))
    assert len(bm.nodes["exc"]) == 80 and bm.nodes["exc"].get_node_id(79)["model_template"] == "nest:iaf_psc_delta"


STDP_NET = """\
reverie: 1
name: sonata-net
seed: 7
populations:
  - {name: input, model: poisson, size: 50, rate: 10}
  - {name: cells, model: lif, size: 20, tau_m: 10, v_th: -50, v_reset: -65, e_l: -65, t_ref: 2}
rules:
  - {name: stdp, type: stdp, w_max: 0.1}
projections:
  - {name: feed, from: input, to: cells, connectivity: fixed_indegree, indegree: 10,
     weight: {uniform: [0.01, 0.05]}, delay: 1.5, rule: stdp}
  - {name: rec, from: cells, to: cells, connectivity: probability, probability: 0.3, weight: -0.5, delay: 2}
protocol:
  - {phase: run, duration: 0, record_weights: true}
"""


def test_network_export_matches_the_simulated_synapses(tmp_path):
    model = tmp_path / "net.yaml"
    model.write_text(STDP_NET)
    cli("export-network", model, "--out", tmp_path / "net")
    # A run of no duration records every plastic synapse's (initial) weight: the network as built.
    cli("run", model, "-q", "--record", tmp_path / "w.rvt")
    run, r = load(tmp_path / "w.rvt")
    w = r[r["kind"] == 3]
    first = {p["name"]: p["firstID"] for p in run["populations"]}
    assert len(w) == 200

    edges = libsonata.EdgeStorage(str(tmp_path / "net" / "edges.h5"))
    assert edges.population_names == {"feed", "rec"}
    feed = edges.open_population("feed")
    assert (feed.source, feed.target, feed.size) == ("input", "cells", 200)
    all_edges = libsonata.Selection([(0, feed.size)])
    src, dst = np.asarray(feed.source_nodes(all_edges)), np.asarray(feed.target_nodes(all_edges))
    weights = np.asarray(feed.get_attribute("syn_weight", all_edges))
    assert np.array_equal(src, w["unit"] - first["input"]) and np.array_equal(dst, w["aux"] - first["cells"])
    assert np.array_equal(weights, w["value"])
    assert np.all(np.asarray(feed.get_attribute("delay", all_edges)) == 1.5)
    for cell in range(20):   # fixed in-degree, through the target index
        assert len(feed.afferent_edges([cell]).flatten()) == 10
        assert set(src[feed.afferent_edges([cell]).flatten()]) == set(src[dst == cell])

    rec = edges.open_population("rec")
    rsel = libsonata.Selection([(0, rec.size)])
    rs, rt = np.asarray(rec.source_nodes(rsel)), np.asarray(rec.target_nodes(rsel))
    assert 0.2 * 380 < rec.size < 0.4 * 380 and not np.any(rs == rt)
    assert np.all(np.asarray(rec.get_attribute("syn_weight", rsel)) == -0.5)
    for cell in (0, 7, 19):   # the source index
        assert np.array_equal(np.sort(rt[rec.efferent_edges([cell]).flatten()]), np.sort(rt[rs == cell]))

    nodes = libsonata.NodeStorage(str(tmp_path / "net" / "nodes.h5"))
    assert nodes.open_population("input").size == 50 and nodes.open_population("cells").size == 20
    params = json.loads((tmp_path / "net" / "components" / "point_neuron_models" / "cells.json").read_text())
    assert params["tau_m"] == 10 and params["V_th"] == -50 and params["E_L"] == -65

    net = BmtkFile(data_files=[str(tmp_path / "net" / "nodes.h5"), str(tmp_path / "net" / "edges.h5")],
                   data_type_files=[str(tmp_path / "net" / "node_types.csv"), str(tmp_path / "net" / "edge_types.csv")])
    assert net.nodes["input"].get_node_id(0)["model_type"] == "virtual"
    bm = sorted((e.source_node_id, e.target_node_id, e["syn_weight"], e["model_template"]) for e in net.edges["feed"])
    assert bm == sorted(zip(src.tolist(), dst.tolist(), weights.tolist(), ["stdp_synapse"] * 200))
    assert len(list(net.edges["rec"].get_target(4))) == np.sum(rt == 4)
    assert libsonata.CircuitConfig.from_file(str(tmp_path / "net" / "circuit_config.json")).edge_populations == {"feed", "rec"}


REPLAY = """\
reverie: 1
name: sonata-replay
seed: 3
populations:
  - {{name: input, model: sonata-spikes, size: 30, file: {file}, population: {population}, time_offset: {offset}}}
  - {{name: cells, model: lif, size: 5}}
projections:
  - {{name: drive, from: input, to: cells, connectivity: all_to_all, weight: 2.0, delay: 1}}
protocol:
  - {{phase: run, duration: 200}}
"""


def replayed(tmp_path, file, population, offset):
    model = tmp_path / f"replay-{population}.yaml"
    model.write_text(REPLAY.format(file=file, population=population, offset=offset))
    cli("run", model, "-q", "--record", tmp_path / f"{population}.rvt", "--record-streams", "spikes")
    trace = load(tmp_path / f"{population}.rvt")
    s, p = of(trace, "input", 2)
    return (s["unit"] - p["firstID"]).astype(np.int64), s["time"], p


def test_spike_files_from_h5py_and_bmtk_drive_a_population(tmp_path):
    rng = np.random.default_rng(11)
    ids = rng.integers(0, 30, 400).astype(np.uint64)
    times_s = np.round(rng.uniform(0, 0.15, 400), 6)       # seconds, unsorted
    with h5py.File(tmp_path / "input.h5", "w") as f:
        g = f.create_group("spikes/lgn")
        g.attrs.create("sorting", 0, dtype=h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1"))
        g.create_dataset("timestamps", data=times_s).attrs["units"] = "s"
        g.create_dataset("node_ids", data=ids.astype(np.int64))     # signed ids are read too
    offset = 12.5
    got_ids, got_times, population = replayed(tmp_path, "input.h5", "lgn", offset)
    want_t = times_s * 1000 + offset
    order = np.lexsort((ids, want_t))
    assert np.array_equal(got_times, want_t[order]) and np.array_equal(got_ids, ids[order].astype(np.int64))
    assert population["size"] == 30

    bm_ids = rng.integers(0, 30, 250)
    bm_times = np.sort(rng.uniform(0, 150, 250))
    bm = SpikeTrains(population="v1")
    bm.add_spikes(node_ids=bm_ids, timestamps=bm_times, population="v1")
    bm.to_sonata(str(tmp_path / "bmtk.h5"))
    got_ids, got_times, _ = replayed(tmp_path, "bmtk.h5", "v1", 0)
    order = np.lexsort((bm_ids, bm_times))
    assert np.array_equal(got_times, bm_times[order]) and np.array_equal(got_ids, bm_ids[order])


def test_a_spike_file_that_does_not_fit_is_refused(tmp_path):
    with h5py.File(tmp_path / "big.h5", "w") as f:
        g = f.create_group("spikes/lgn")
        g.create_dataset("timestamps", data=[1.0, 2.0]).attrs["units"] = "ms"
        g.create_dataset("node_ids", data=np.array([3, 30], np.uint64))
    (tmp_path / "m.yaml").write_text(REPLAY.format(file="big.h5", population="lgn", offset=0))
    r = cli("run", tmp_path / "m.yaml", check=False)
    assert r.returncode == 65 and "node_ids[1]" in r.stderr and "size" in r.stderr and "big.h5" in r.stderr
    (tmp_path / "not.h5").write_text("timestamps population node_ids\n")
    (tmp_path / "n.yaml").write_text(REPLAY.format(file="not.h5", population="lgn", offset=0))
    r = cli("run", tmp_path / "n.yaml", check=False)
    assert r.returncode == 65 and "not an HDF5 file" in r.stderr and "file" in r.stderr
    with h5py.File(tmp_path / "huge.h5", "w") as f:   # 2^40 ids declared, none stored: a small file
        g = f.create_group("spikes/lgn")
        g.create_dataset("node_ids", shape=(2 ** 40,), dtype="u8", chunks=(1024,))
        g.create_dataset("timestamps", shape=(2 ** 40,), dtype="f8", chunks=(1024,)).attrs["units"] = "ms"
    assert (tmp_path / "huge.h5").stat().st_size < 100_000
    (tmp_path / "h.yaml").write_text(REPLAY.format(file="huge.h5", population="lgn", offset=0))
    r = cli("run", tmp_path / "h.yaml", check=False)
    assert r.returncode == 65 and "/spikes/lgn/node_ids: declares 1099511627776 elements" in r.stderr


def test_npy_export_states_units_sizes_and_t_stop(tmp_path):
    trace = ROOT / "traces" / "samples" / "hopfield.rvt"
    cli("trace", "export", trace, "--format", "sonata-npy", "--events", "up", "--out", tmp_path / "npy")
    about = json.loads((tmp_path / "npy" / "memory" / "spikes.json").read_text())
    run, r = load(trace)
    ends = r[(r["kind"] == 4) & (r["aux"] == 1)]["time"]
    assert about["size"] == run["populations"][0]["size"] == 100 and about["name"] == "memory"
    assert about["time_unit"] == run["timeUnit"] and about["t_start"] == 0 and about["t_stop"] == ends.max()
    assert about["count"] == len(np.load(tmp_path / "npy" / "memory" / "node_ids.npy")) and about["events"] == "up"
