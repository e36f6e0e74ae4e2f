"""reverie.subscribe against a live run: what arrives is the trace, record for record."""
import os
import socket
import subprocess
from pathlib import Path

import numpy as np

import reverie

ROOT = Path(__file__).resolve().parents[2]


def free_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def test_live_records_equal_the_recorded_trace(tmp_path):
    endpoint, trace = free_endpoint(), tmp_path / "run.rvt"
    run = subprocess.Popen([os.environ["REVERIE_BIN"], "run", str(ROOT / "models" / "hopfield-hebbian.yaml"),
                            "--set", "populations.memory.size=200", "--set", "patterns.memories.count=10",
                            "--record", str(trace), "--publish", endpoint, "--wait-subscribers", "1", "--lossless",
                            "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        header, records, end, lost = reverie.collect(endpoint, timeout=60)
    finally:
        out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    t = reverie.read_trace(trace)
    assert header == t.header
    assert lost == 0 and end["dropped_messages"] == 0
    assert records.tobytes() == t.records.tobytes()
    assert sum(end["records"].values()) == len(records)


def test_subscribing_to_one_topic(tmp_path):
    endpoint = free_endpoint()
    run = subprocess.Popen([os.environ["REVERIE_BIN"], "run", str(ROOT / "models" / "brette-benchmark4.yaml"),
                            "--set", "populations[0].size=800", "--set", "populations[1].size=200",
                            "--set", "protocol[0].duration=100", "--publish", endpoint, "--wait-subscribers", "1",
                            "--lossless", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    batches = list(reverie.subscribe(endpoint, topics=["rv.spike", "rv.end"], timeout=60))
    run.communicate(timeout=120)
    assert batches[-1].topic == "rv.end" and {b.topic for b in batches[:-1]} == {"rv.spike"}
    spikes = np.concatenate([b.records for b in batches[:-1]])
    assert (spikes["kind"] == reverie.SPIKE).all() and np.all(np.diff(spikes["time"]) >= 0)
    assert [b.seq for b in batches[:-1]] == list(range(len(batches) - 1))
    assert len(spikes) == batches[-1].info["records"]["rv.spike"]
