"""End-to-end tests of traces and live streaming with real external clients
(examples/monitor.py: pyzmq + numpy), driving the built `reverie` executable.

Run from the repository root after `swift build`: python3 -m pytest -q tests/python
(REVERIE_BIN overrides the executable, default .build/debug/reverie).
"""
import json, os, pickle, re, signal, socket, subprocess, sys, time, zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("REVERIE_BIN", str(ROOT / ".build" / "debug" / "reverie"))
MODEL = str(ROOT / "models" / "hopfield-hebbian.yaml")
MONITOR = str(ROOT / "examples" / "monitor.py")
SMALL = ["--set", "populations.memory.size=200", "--set", "patterns.memories.count=10"]
REC = np.dtype([("time", "<f8"), ("value", "<f8"), ("unit", "<u4"), ("aux", "<u4"), ("kind", "u1"), ("pad", "V7")])


def free_endpoint():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"


def reverie(*args, check=True):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"reverie {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def format_md_loader(path):
    """Runs the numpy loader exactly as documented in traces/FORMAT.md on `path`."""
    text = (ROOT / "traces" / "FORMAT.md").read_text()
    code = re.search(r"### Loading with numpy\n\n```python\n(.*?)```", text, re.S).group(1)
    scope = {}
    exec(code.replace('"traces/samples/hopfield.rvt"', repr(str(path))), scope)
    return scope


def monitored(args, tmp_path, name):
    """Runs `reverie ARGS` publishing to a fresh endpoint, with examples/monitor.py subscribed."""
    ep = free_endpoint()
    save, frames = tmp_path / f"{name}.npy", tmp_path / f"{name}.frames"
    mon = subprocess.Popen([sys.executable, MONITOR, ep, "--quiet", "--save", str(save), "--frames", str(frames),
                            "--timeout", "60"], stdout=subprocess.PIPE, text=True)
    run = reverie(*args, "--publish", ep, "--wait-subscribers", "1", "--lossless")
    out, _ = mon.communicate(timeout=120)
    summary = json.loads(out.strip().splitlines()[-1])
    assert mon.returncode == 0 and summary["ended"], out
    return run, summary, np.load(save), pickle.load(open(frames, "rb"))


def test_live_run_publishes_the_records_it_records_and_replay_sends_the_same_records(tmp_path):
    trace = tmp_path / "live.rvt"
    _, summary, received, live_frames = monitored(
        ["run", MODEL, *SMALL, "-q", "--weights-every", "phase", "--record", str(trace)], tmp_path, "live")
    recorded = format_md_loader(trace)["r"]
    assert len(recorded) > 1000 and summary["gap_messages"] == 0
    assert received.tobytes() == recorded.tobytes()
    assert set(np.unique(recorded["kind"])) == {1, 3, 4, 5, 6}   # states, weights, phases, metrics, assigns

    replay, _, replayed, replay_frames = monitored(["replay", str(trace)], tmp_path, "replay")
    assert "0 dropped" in replay.stdout
    assert replayed.tobytes() == recorded.tobytes()
    # Topic, header and payload byte for byte, except that a weight snapshot (one chunk
    # in the trace) may be cut into messages elsewhere: its records are the same.
    assert [f for f in replay_frames if f[0] != b"rv.weight"] == [f for f in live_frames if f[0] != b"rv.weight"]
    weights = lambda frames: b"".join(f[2] for f in frames if f[0] == b"rv.weight")
    assert weights(replay_frames) == weights(live_frames) and len(weights(live_frames)) > 0


def test_same_seed_gives_a_byte_identical_trace(tmp_path):
    a, b, c = tmp_path / "a.rvt", tmp_path / "b.rvt", tmp_path / "c.rvt"
    reverie("run", MODEL, *SMALL, "-q", "--record", str(a))
    reverie("run", MODEL, *SMALL, "-q", "--record", str(b))
    reverie("run", MODEL, *SMALL, "-q", "--record", str(c), "--seed", "2")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_sigkill_mid_run_leaves_a_file_whose_intact_chunks_read_back(tmp_path):
    trace = tmp_path / "killed.rvt"
    p = subprocess.Popen([BIN, "run", MODEL, "-q", "--weights-every", "1", "--record", str(trace)], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not trace.exists() or trace.stat().st_size < 3_000_000):
        time.sleep(0.01)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    verify = reverie("trace", "verify", str(trace), check=False)
    assert verify.returncode == 1, verify.stdout + verify.stderr
    damage = [line for line in verify.stdout.splitlines() if line.startswith("damage:")]
    assert damage[-1].startswith("damage: no end marker")
    assert all("file ends inside a chunk" in line for line in damage[:-1])
    intact, found = map(int, re.search(r"(\d+) intact chunks of (\d+) found", verify.stdout).groups())
    # An independent reader: walk the chunk headers, checking both CRCs with zlib.
    b = trace.read_bytes()
    pos = 20 + int.from_bytes(b[12:16], "little")
    counts = []
    while pos + 32 <= len(b):
        assert b[pos:pos + 4] == b"RVCK" and zlib.crc32(b[pos:pos + 28]) == int.from_bytes(b[pos + 28:pos + 32], "little")
        kind, count = int.from_bytes(b[pos + 4:pos + 8], "little"), int.from_bytes(b[pos + 8:pos + 12], "little")
        # Payload sizes of traces/FORMAT.md §2: weight snapshots (4, 5) are 8 or 16 bytes a record plus 32.
        size = {4: (32 + 8 * count + 31) // 32 * 32, 5: (32 + 16 * count + 31) // 32 * 32}.get(kind, 32 * count)
        if pos + 32 + size > len(b):
            break   # the chunk being written when the process was killed
        assert zlib.crc32(b[pos + 32:pos + 32 + size]) == int.from_bytes(b[pos + 12:pos + 16], "little")
        if kind in (1, 4, 5):   # records and weight snapshots (3 = header copy)
            counts.append(count)
        pos += 32 + size
    assert intact == len(counts) > 5 and found - intact in (0, 1)
    exported = reverie("trace", "export", str(trace), "--recover").stdout.strip().splitlines()
    assert len(exported) - 1 == sum(counts)
    inspect = reverie("trace", "inspect", str(trace), check=False)
    assert inspect.returncode != 0 and "is damaged" in inspect.stderr


def test_damaged_and_foreign_files_give_clear_errors(tmp_path):
    good = ROOT / "traces" / "samples" / "hopfield.rvt"
    data = bytearray(good.read_bytes())
    n = int.from_bytes(data[12:16], "little")
    first_payload = 20 + n + 32
    flipped = tmp_path / "flipped.rvt"
    flipped.write_bytes(bytes(data[:first_payload + 5]) + bytes([data[first_payload + 5] ^ 0x40]) + bytes(data[first_payload + 6:]))
    v = reverie("trace", "verify", str(flipped), check=False)
    assert v.returncode == 1 and "checksum mismatch" in v.stdout and "recovered" in v.stdout
    version = tmp_path / "v9.rvt"
    # The file header alone: its header copies (format v2) would say version 2 and replace it.
    version.write_bytes(bytes(data[:8]) + (9).to_bytes(4, "little") + bytes(data[12:20 + n]))
    assert "format version 9; this reverie reads versions 1 to 3" in reverie("trace", "inspect", str(version), check=False).stderr
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello\n")
    assert "is not a Reverie trace" in reverie("trace", "verify", str(foreign), check=False).stderr
    truncated = tmp_path / "truncated.rvt"
    truncated.write_bytes(bytes(data[:len(data) - 50]))
    t = reverie("trace", "verify", str(truncated), check=False)
    assert t.returncode == 1 and "file ends inside a chunk" in t.stdout


def test_publish_endpoint_errors(tmp_path):
    bad = reverie("run", MODEL, *SMALL, "-q", "--publish", "tcp://127.0.0.1", check=False)
    assert bad.returncode != 0 and "malformed endpoint 'tcp://127.0.0.1': no port" in bad.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = reverie("run", MODEL, *SMALL, "-q", "--publish", f"tcp://127.0.0.1:{s.getsockname()[1]}", check=False)
    assert busy.returncode != 0 and "address already in use" in busy.stderr


def test_sonata_export_loads_with_numpy(tmp_path):
    trace = ROOT / "traces" / "samples" / "hopfield.rvt"
    reverie("trace", "export", str(trace), "--format", "sonata-npy", "--events", "up", "-o", str(tmp_path / "sonata"))
    ids = np.load(tmp_path / "sonata" / "memory" / "node_ids.npy")
    ts = np.load(tmp_path / "sonata" / "memory" / "timestamps.npy")
    r = format_md_loader(trace)["r"]
    up = r[(r["kind"] == 1) & (r["value"] > 0)]
    assert ids.dtype == np.uint64 and ts.dtype == np.float64
    assert np.array_equal(ids, up["unit"]) and np.array_equal(ts, up["time"])
    csv = reverie("trace", "export", str(trace), "--format", "sonata-csv", "--events", "up").stdout.splitlines()
    assert csv[0] == "timestamps population node_ids" and len(csv) == len(up) + 1


def test_reverie_monitor_shows_a_live_run(tmp_path):
    ep = free_endpoint()
    mon = subprocess.Popen([BIN, "monitor", ep, "--plain", "--interval", "0.2", "--duration", "60"], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    reverie("run", MODEL, *SMALL, "-q", "--weights-every", "phase", "--publish", ep, "--wait-subscribers", "1")
    out, _ = mon.communicate(timeout=90)
    assert mon.returncode == 0
    last = out[out.rindex("reverie monitor"):]
    assert "model hopfield-hebbian (seed 1)" in last
    assert "gaps: 0 messages" in last
    assert re.search(r"memory\s+200 units", last)
    # Overlaps with the 10 stored patterns, from metric records, the newest (pattern 9) shown.
    assert re.search(r"overlap \(10 items\): mean 1\.000 \[1\.000, 1\.000\]; latest .*9:1\.000", last)
    assert "weights: 40000" in last                # the last weight snapshot (200 × 200)
    assert "ended:" in last


def test_spiking_run_streams_exact_spike_times_live(tmp_path):
    """Benchmark 4 (N = 1000, 200 ms) published live: the subscriber gets every
    spike record of the recorded trace, in time order, with continuous times."""
    trace = tmp_path / "spikes.rvt"
    spiking = ["--set", "populations[0].size=800", "--set", "populations[1].size=200", "--set", "protocol[0].duration=200"]
    _, summary, received, _ = monitored(
        ["run", str(ROOT / "models" / "brette-benchmark4.yaml"), *spiking, "-q", "--record", str(trace)], tmp_path, "spikes")
    recorded = format_md_loader(trace)["r"]
    assert summary["gap_messages"] == 0
    assert received.tobytes() == recorded.tobytes()
    spikes = recorded[recorded["kind"] == 2]
    assert len(spikes) > 1000 and spikes["unit"].max() < 1000
    assert np.all(np.diff(spikes["time"]) >= 0)
    # Exact times: almost none on the 0.125 ms slot grid.
    assert np.mean(np.isclose(spikes["time"] / 0.125, np.round(spikes["time"] / 0.125), atol=1e-9)) < 0.01
