"""reverie.read_trace against the format (traces/FORMAT.md) and against the Swift
reader: on intact samples it returns exactly the records of the documented numpy
loader; on damaged copies it skips what `reverie trace verify` skips and reports the
same problems with the same descriptions."""
import json
import os
import re
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

import reverie

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "traces" / "samples"
BIN = os.environ["REVERIE_BIN"]


def naive_records(path):
    """The loader of traces/FORMAT.md (trusts the file)."""
    b = Path(path).read_bytes()
    n = int.from_bytes(b[12:16], "little")
    header, pos, parts = json.loads(b[16:16 + n]), 20 + n, []
    while pos + 32 <= len(b):
        count = int.from_bytes(b[pos + 8:pos + 12], "little")
        parts.append(np.frombuffer(b, reverie.RECORD, count, pos + 32))
        pos += 32 + 32 * count
    return header, np.concatenate(parts)


def chunk_offsets(data):
    """Offsets of the chunk headers of an intact trace."""
    n = int.from_bytes(data[12:16], "little")
    pos, out = 20 + n, []
    while pos + 32 <= len(data):
        out.append(pos)
        pos += 32 + 32 * int.from_bytes(data[pos + 8:pos + 12], "little")
    return out


def swift_verify(path):
    p = subprocess.run([BIN, "trace", "verify", str(path)], capture_output=True, text=True, timeout=60)
    text = p.stdout + p.stderr
    m = re.search(r"(\d+) intact chunks of (\d+) found, (\d+) records recovered", text)
    assert m, text
    damage = re.findall(r"^damage: (.*)$", text, re.M)
    return int(m[1]), int(m[2]), int(m[3]), damage


@pytest.mark.parametrize("name", ["hopfield.rvt", "hopfield-weights.rvt", "recall.rvt", "benchmark4-exc.rvt"])
def test_samples_read_like_the_documented_loader(name):
    path = SAMPLES / name
    header, expected = naive_records(path)
    t = reverie.read_trace(path)
    assert t.header == header and t.is_intact and t.complete
    assert t.declared_records == len(expected) == len(t)
    assert t.records.tobytes() == expected.tobytes()
    assert all(isinstance(c.records, np.memmap) for c in t.chunks), "chunks are views into the file mapping"
    assert [c.first for c in t.chunks] == list(np.cumsum([0] + [c.count for c in t.chunks])[:-1])
    assert t.select(reverie.SPIKE).tobytes() == expected[expected["kind"] == reverie.SPIKE].tobytes()


def test_header_accessors():
    t = reverie.read_trace(SAMPLES / "benchmark4-exc.rvt")
    assert [p["name"] for p in t.populations] == ["exc", "inh"]
    assert t.time_unit == "ms" and t.streams == ["spikes"]
    assert t.model["protocol"] == [{"phase": "run", "duration": 200}]
    # No phase records in a spikes-only trace: the span comes from the model's durations.
    assert t.time_span() == (0.0, 200.0)
    times, units = t.spikes("inh")
    assert len(times) and units.min() >= 800 and np.all(np.diff(times) >= 0)
    assert t.population_of(799)["name"] == "exc" and t.population_of(800)["name"] == "inh"


def damaged(tmp_path, name, edit):
    data = bytearray((SAMPLES / name).read_bytes())
    data = edit(data, chunk_offsets(bytes(data)))
    path = tmp_path / f"damaged-{name}"
    path.write_bytes(bytes(data))
    return path


def flip_payload(data, chunks):
    data[chunks[1] + 32 + 40] ^= 0xFF
    return data


def insert_garbage(data, chunks):
    return data[:chunks[1]] + bytearray(b"garbage RVCK not a header" * 3) + data[chunks[1]:]


def truncate(data, chunks):
    return data[:chunks[1] + 32 + 100]


def bad_kind_with_valid_crc(data, chunks):
    body = chunks[0] + 32
    count = int.from_bytes(data[chunks[0] + 8:chunks[0] + 12], "little")
    data[body + 24] = 9  # unknown kind in the first record
    data[chunks[0] + 12:chunks[0] + 16] = struct.pack("<I", zlib.crc32(bytes(data[body:body + 32 * count])))
    data[chunks[0] + 28:chunks[0] + 32] = struct.pack("<I", zlib.crc32(bytes(data[chunks[0]:chunks[0] + 28])))
    return data


def trailing(data, chunks):
    return data + bytearray(b"\x00" * 13)


def drop_chunk(data, chunks):
    return data[:chunks[1]] + data[chunks[2]:]


@pytest.mark.parametrize("edit", [flip_payload, insert_garbage, truncate, bad_kind_with_valid_crc, trailing,
                                  drop_chunk])
def test_damage_is_skipped_and_reported_like_the_swift_reader(tmp_path, edit):
    path = damaged(tmp_path, "hopfield.rvt", edit)
    with pytest.raises(reverie.TraceError, match="damaged trace.*recover=True"):
        reverie.read_trace(path)
    t = reverie.read_trace(path, recover=True)
    intact, seen, recovered, damage = swift_verify(path)
    assert (len(t.chunks), t.chunks_seen, len(t)) == (intact, seen, recovered)
    assert [d.description for d in t.damage] == damage
    # What survives is exactly the intact chunks of the original.
    _, original = naive_records(SAMPLES / "hopfield.rvt")
    for c in t.chunks:
        assert c.records.tobytes() == original[c.first:c.first + c.count].tobytes()


def test_payload_damage_loses_only_its_chunk(tmp_path):
    path = damaged(tmp_path, "hopfield.rvt", flip_payload)
    t = reverie.read_trace(path, recover=True)
    assert [d.kind for d in t.damage] == ["payload-checksum"] and t.complete
    data = (SAMPLES / "hopfield.rvt").read_bytes()
    lost = int.from_bytes(data[chunk_offsets(data)[1] + 8:chunk_offsets(data)[1] + 12], "little")
    assert len(t) == t.declared_records - lost and [c.index for c in t.chunks] == [0, 2]


def test_header_damage_and_other_versions_are_errors(tmp_path):
    data = bytearray((SAMPLES / "hopfield.rvt").read_bytes())
    bad = tmp_path / "header.rvt"
    bad.write_bytes(bytes(data[:30] + bytearray(b"X") + data[31:]))
    with pytest.raises(reverie.TraceError, match="header checksum mismatch"):
        reverie.read_trace(bad, recover=True)
    v2 = tmp_path / "v2.rvt"
    v2.write_bytes(bytes(data[:8] + struct.pack("<I", 2) + data[12:]))
    with pytest.raises(reverie.TraceError, match="version 2.*version 1"):
        reverie.read_trace(v2)
    other = tmp_path / "other.rvt"
    other.write_bytes(b"PK\x03\x04 not a trace")
    with pytest.raises(reverie.TraceError, match="not a Reverie trace"):
        reverie.read_trace(other)
    with pytest.raises(reverie.TraceError, match="cannot open"):
        reverie.read_trace(tmp_path / "missing.rvt")
