"""reverie.read_trace against the format (traces/FORMAT.md, versions 3, 2 and 1) and
against the Swift reader: on intact samples it returns exactly the records of the
documented numpy loader; on damaged copies (every damage class of FORMAT.md §2
"Recovery", and a seeded sweep of random damage) it makes the decisions of
`reverie trace verify`: the same error, or the same intact chunks, recovered record
count and damage descriptions, and the same records as `reverie trace export --recover`."""
import json
import os
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import reverie

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "traces" / "samples"
V1 = SAMPLES / "v1" / "recall.rvt"
BIN = os.environ["REVERIE_BIN"]
RECORDS, END, COPY, GRID, PAIRS = 1, 2, 3, 4, 5


def payload_size(kind, count):
    """Payload bytes of a chunk (traces/FORMAT.md §2)."""
    return {END: 0, GRID: (32 + 8 * count + 31) // 32 * 32, PAIRS: (32 + 16 * count + 31) // 32 * 32}.get(kind, 32 * count)


def weight_snapshot(b, body, count, kind):
    """The weight records of a weight snapshot, element by element as FORMAT.md §2 describes it."""
    time, n, layout, pre0, npre, post0, npost = struct.unpack_from("<dIIIIII", b, body)
    assert n == count and (layout in (1, 2) if kind == GRID else layout == 0)
    if kind == GRID:
        ids = [(pre0 + i, post0 + j) for i in range(npre) for j in range(npost) if layout == 1 or i != j]
        values = struct.unpack_from(f"<{n}d", b, body + 32)
    else:
        flat = struct.unpack_from(f"<{2 * n}I", b, body + 32)
        ids = list(zip(flat[0::2], flat[1::2]))
        values = struct.unpack_from(f"<{n}d", b, body + 32 + 8 * n)
    out = np.zeros(n, reverie.RECORD)
    for k, ((pre, post), w) in enumerate(zip(ids, values, strict=True)):
        out[k] = (time, w, pre, post, reverie.WEIGHT, b"\0" * 7)
    return out


def naive_records(path):
    """The loader of traces/FORMAT.md (trusts the file), with weight snapshots expanded."""
    b = Path(path).read_bytes()
    n = int.from_bytes(b[12:16], "little")
    header, pos, parts = json.loads(b[16:16 + n]), 20 + n, []
    while pos + 32 <= len(b):
        kind, count = int.from_bytes(b[pos + 4:pos + 8], "little"), int.from_bytes(b[pos + 8:pos + 12], "little")
        if kind == RECORDS:
            parts.append(np.frombuffer(b, reverie.RECORD, count, pos + 32))
        elif kind in (GRID, PAIRS):
            parts.append(weight_snapshot(b, pos + 32, count, kind))
        pos += 32 + payload_size(kind, count)
    return header, np.concatenate(parts)


@dataclass
class Part:
    """One chunk of an intact trace: where its header is, its type, count and first."""
    offset: int
    type: int
    count: int
    first: int

    @property
    def body(self):
        return self.offset + 32

    @property
    def end(self):
        return self.body + payload_size(self.type, self.count)


def parts(data):
    """The chunks of an intact trace, in file order."""
    pos, out = 20 + int.from_bytes(data[12:16], "little"), []
    while pos + 32 <= len(data):
        t, count, _, first = struct.unpack_from("<IIIQ", data, pos + 4)
        out.append(Part(pos, t, count, first))
        pos += 32 + payload_size(t, count)
    return out


def chunk(kind, payload, first, run):
    """A chunk as the recorder writes it (traces/FORMAT.md §2)."""
    head = struct.pack("<4sIIIQI", b"RVCK", kind, len(payload) // 32, zlib.crc32(payload), first, run)
    return head + struct.pack("<I", zlib.crc32(head)) + payload


def rechunk(path, size):
    """The trace at ``path`` rewritten with its records in chunks of ``size`` (header
    copies and end marker as the recorder writes them; no copies in version 1)."""
    data = Path(path).read_bytes()
    version, n = struct.unpack_from("<II", data, 8)
    text = data[16:16 + n]
    run = zlib.crc32(text) if version >= 2 else 0
    records = naive_records(path)[1].tobytes()
    total = len(records) // 32
    copy = text + b"\0" * (-len(text) % 32)
    out = bytearray(data[:20 + n])
    if version >= 2:
        out += chunk(COPY, copy, 0, run)
    for i in range(0, total, size):
        out += chunk(RECORDS, records[32 * i:32 * (i + size)], i, run)
    if version >= 2:
        out += chunk(COPY, copy, total, run)
    return bytes(out + chunk(END, b"", total, run))


@dataclass
class SwiftReading:
    error: str = None
    version: int = None
    intact: int = None
    seen: int = None
    recovered: int = None
    damage: list = None
    records: np.ndarray = None


KIND_CODES = {name: code for code, name in reverie.KIND_NAMES.items()}


def swift_reading(path):
    """What `reverie trace verify` and `reverie trace export --recover` make of ``path``."""
    v = subprocess.run([BIN, "trace", "verify", str(path)], capture_output=True, text=True, timeout=60)
    m = re.search(r"format v(\d+), (\d+) intact chunks of (\d+) found, (\d+) records recovered", v.stdout)
    if not m:
        assert v.returncode != 0 and v.stderr.startswith("Error: "), v.stdout + v.stderr
        return SwiftReading(error=v.stderr.strip()[len("Error: "):])
    e = subprocess.run([BIN, "trace", "export", str(path), "--recover"], capture_output=True, text=True, timeout=60)
    assert e.returncode == 0, e.stderr
    rows = [line.split(",") for line in e.stdout.splitlines()[1:]]
    records = np.zeros(len(rows), reverie.RECORD)
    for name, (kind, conv) in {"kind": (0, KIND_CODES.get), "time": (1, float), "unit": (2, int), "aux": (3, int),
                               "value": (4, float)}.items():
        records[name] = [conv(r[kind]) for r in rows]
    return SwiftReading(None, *map(int, m.groups()), re.findall(r"^damage: (.*)$", v.stdout, re.M), records)


def assert_same_decisions(path):
    """read_trace(path, recover=True) decides as the Swift reader; returns the trace (None on an error)."""
    swift = swift_reading(path)
    try:
        t = reverie.read_trace(path, recover=True)
    except reverie.TraceError as e:
        assert swift.error == str(e), f"{path}: Python raised, Swift read it ({swift})"
        return None
    assert swift.error is None, f"{path}: Swift refused it ({swift.error}), Python read {t} with {t.damage}"
    assert (t.version, len(t.chunks), t.chunks_seen, len(t)) == (swift.version, swift.intact, swift.seen, swift.recovered)
    assert [d.description for d in t.damage] == swift.damage
    r = t.records
    for name in ("kind", "unit", "aux"):
        assert np.array_equal(r[name], swift.records[name]), name
    assert np.array_equal(r["time"], swift.records["time"]) and np.array_equal(r["value"], swift.records["value"],
                                                                               equal_nan=True)
    assert all(isinstance(c.records, np.memmap) or c.records["kind"].min() == reverie.WEIGHT for c in t.chunks), \
        "records chunks are views into the file mapping (weight snapshots are expanded)"
    assert [c.first for c in t.chunks] == sorted(c.first for c in t.chunks)
    return t


# Intact traces.

@pytest.mark.parametrize("name", ["hopfield.rvt", "hopfield-weights.rvt", "recall.rvt", "benchmark4-exc.rvt",
                                  "v1/recall.rvt", "v2/hopfield-weights.rvt"])
def test_samples_read_like_the_documented_loader(name):
    path = SAMPLES / name
    header, expected = naive_records(path)
    t = reverie.read_trace(path)
    assert t.header == header and t.is_intact and t.complete
    assert t.version == header["version"] == (1 if name.startswith("v1/") else 2 if name.startswith("v2/") else 3)
    data = path.read_bytes()
    assert t.run_tag == (zlib.crc32(data[16:header_end(data) - 4]) if t.version >= 2 else 0)
    assert t.declared_records == len(expected) == len(t)
    assert t.records.tobytes() == expected.tobytes()
    chunk_types = [p.type for p in parts(data) if p.type in (RECORDS, GRID, PAIRS)]
    assert [isinstance(c.records, np.memmap) for c in t.chunks] == [k == RECORDS for k in chunk_types], \
        "records chunks are views into the file mapping"
    assert [c.first for c in t.chunks] == list(np.cumsum([0] + [c.count for c in t.chunks])[:-1])
    assert t.chunks_seen == len(t.chunks) == len(chunk_types)
    assert t.select(reverie.SPIKE).tobytes() == expected[expected["kind"] == reverie.SPIKE].tobytes()
    assert_same_decisions(path)


def test_version_1_and_3_of_one_run_hold_the_same_records():
    v1, v2 = reverie.read_trace(V1), reverie.read_trace(SAMPLES / "recall.rvt")
    assert (v1.version, v1.run_tag, v2.version) == (1, 0, 3) and v2.run_tag != 0
    assert v1.records.tobytes() == v2.records.tobytes()
    assert {k: v for k, v in v1.header.items() if k != "version"} == {k: v for k, v in v2.header.items() if k != "version"}


def test_version_2_and_3_of_one_run_hold_the_same_records():
    """Version 3 keeps the weight snapshots in compact chunks (a third of the file here)."""
    old, new = reverie.read_trace(SAMPLES / "v2" / "hopfield-weights.rvt"), reverie.read_trace(SAMPLES / "hopfield-weights.rvt")
    assert (old.version, new.version) == (2, 3)
    assert old.records.tobytes() == new.records.tobytes()
    assert len(new.select(reverie.WEIGHT)) == 1200
    assert {k: v for k, v in old.header.items() if k != "version"} == {k: v for k, v in new.header.items() if k != "version"}
    assert (SAMPLES / "hopfield-weights.rvt").stat().st_size < 0.4 * (SAMPLES / "v2" / "hopfield-weights.rvt").stat().st_size


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


# Damaged traces: one edit per damage class of traces/FORMAT.md §2, on a copy of
# hopfield.rvt with its 858 records in 14 chunks of 64 (v1: recall.rvt, 157 in 10 of 16).

@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    d = tmp_path_factory.mktemp("originals")
    out = {}
    for key, path, size in [("v2", SAMPLES / "hopfield.rvt", 64), ("v1", V1, 16)]:
        out[key] = d / f"{key}.rvt"
        out[key].write_bytes(rechunk(path, size))
        t = assert_same_decisions(out[key])
        assert t.is_intact and len(t.chunks) >= 10 and t.records.tobytes() == naive_records(path)[1].tobytes()
    return out


def recs(p):
    return [x for x in p if x.type == RECORDS]


def resealed(data, part, first=None, payload_edit=None):
    """``part`` with ``payload_edit`` applied and ``first`` replaced, both checksums recomputed (forged, not damaged)."""
    body = bytearray(data[part.body:part.end])
    if payload_edit:
        payload_edit(body)
    head = bytearray(data[part.offset:part.body])
    head[12:16] = struct.pack("<I", zlib.crc32(body))
    if first is not None:
        head[16:24] = struct.pack("<Q", first)
    head[28:32] = struct.pack("<I", zlib.crc32(bytes(head[:28])))
    return data[:part.offset] + bytes(head + body) + data[part.end:]


def flip(data, at, mask=0xFF):
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1:]


def header_end(data):
    return 20 + int.from_bytes(data[12:16], "little")


def set_time(body, value):
    body[0:8] = struct.pack("<d", value)


def chunk_hidden_in_a_damaged_payload(data, victim):
    """``victim`` replaced by a records chunk whose (damaged) payload holds ``victim`` whole:
    reading resumes at the damaged chunk's declared end, so the chunk inside is not read."""
    run = zlib.crc32(data[16:header_end(data) - 4]) if data[8] >= 2 else 0
    outer = bytearray(chunk(RECORDS, data[victim.offset:victim.end] + b"\1" * 32, victim.first, run))
    outer[-1] ^= 0xFF
    return data[:victim.offset] + bytes(outer) + data[victim.end:]


def chunk_hidden_in_a_foreign_chunk(data, victim):
    """``victim`` wrapped in an intact chunk of another run and followed by garbage: the
    foreign chunk is skipped whole (its declared end is trusted), so the chunk inside is not read."""
    return data[:victim.offset] + chunk(RECORDS, data[victim.offset:victim.end], 0, 12345) + b"junk" + data[victim.end:]


def copy_of_a_version_1_header(data, first_copy):
    """A damaged JSON header, and before its first copy a header copy (checksums valid)
    of a version-1 header, which no version-2 writer makes: that copy is not used."""
    v1 = V1.read_bytes()[16:header_end(V1.read_bytes()) - 4]
    data = flip(data, 40, 0x10)
    return data[:first_copy.offset] + chunk(COPY, v1 + b"\0" * (-len(v1) % 32), 0, zlib.crc32(v1)) + data[first_copy.offset:]


def end_marker_claiming_a_payload(data, end):
    """The end marker with a payload checksum its (empty) payload does not have, its header checksum valid."""
    head = bytearray(data[end.offset:end.body])
    head[12:16] = struct.pack("<I", 1)
    head[28:32] = struct.pack("<I", zlib.crc32(bytes(head[:28])))
    return data[:end.offset] + bytes(head) + data[end.body:]


OTHER = SAMPLES / "recall.rvt"
# name: (trace, edit(data, parts), expected damage kinds, whether chunk indices `first` stay true)
DAMAGE = {
    "flipped-payload-byte": ("v2", lambda d, p: flip(d, recs(p)[1].body + 40), ["payload-checksum"]),
    "garbage-between-chunks": ("v2", lambda d, p: d[:recs(p)[1].offset] + b"garbage RVCK not a header" * 3
                               + d[recs(p)[1].offset:], ["unreadable-bytes"]),
    "truncated-in-payload": ("v2", lambda d, p: d[:recs(p)[1].body + 100], ["truncated", "no-end-marker"]),
    "truncated-in-chunk-header": ("v2", lambda d, p: d[:recs(p)[2].offset + 20], ["truncated", "no-end-marker"]),
    "cut-at-a-chunk-boundary": ("v2", lambda d, p: d[:recs(p)[3].offset], ["no-end-marker"]),
    "unknown-kind-valid-crc": ("v2", lambda d, p: resealed(d, recs(p)[0], payload_edit=lambda b: b.__setitem__(24, 9)),
                               ["invalid-records"]),
    "infinite-time-valid-crc": ("v2", lambda d, p: resealed(d, recs(p)[3], payload_edit=lambda b: set_time(b, np.inf)),
                                ["invalid-records"]),
    "nan-time-valid-crc": ("v1", lambda d, p: resealed(d, recs(p)[2], payload_edit=lambda b: set_time(b, np.nan)),
                           ["invalid-records"]),
    "trailing-zeros": ("v2", lambda d, p: d + b"\0" * 13, ["trailing-bytes"]),
    "trailing-magic-prefix": ("v2", lambda d, p: d + b"RVC", ["truncated"]),
    "dropped-chunk": ("v2", lambda d, p: d[:recs(p)[1].offset] + d[recs(p)[2].offset:], ["missing-records"]),
    "flipped-count-field": ("v2", lambda d, p: flip(d, recs(p)[3].offset + 8, 0x01), ["unreadable-bytes", "missing-records"]),
    "byte-deleted-in-payload": ("v2", lambda d, p: d[:recs(p)[2].body + 40] + d[recs(p)[2].body + 41:],
                                ["payload-checksum"]),
    "bytes-inserted-in-payload": ("v2", lambda d, p: d[:recs(p)[4].body + 100] + b"\7\7\7" + d[recs(p)[4].body + 100:],
                                  ["payload-checksum"]),
    "repeated-chunk": ("v2", lambda d, p: d[:recs(p)[2].end] + d[recs(p)[2].offset:recs(p)[2].end] + d[recs(p)[2].end:],
                       ["duplicate-records"]),
    "repeated-run-of-chunks": ("v2", lambda d, p: d[:recs(p)[5].end] + d[recs(p)[2].offset:recs(p)[5].end]
                               + d[recs(p)[5].end:], ["duplicate-records"]),
    "swapped-chunks": ("v2", lambda d, p: d[:recs(p)[2].offset] + d[recs(p)[3].offset:recs(p)[3].end]
                       + d[recs(p)[2].offset:recs(p)[2].end] + d[recs(p)[3].end:], ["out-of-order"]),
    "moved-end-marker": ("v2", lambda d, p: d[:recs(p)[3].offset] + d[-32:] + d[recs(p)[3].offset:-32],
                         ["after-end-marker"]),
    "moved-end-marker-v1": ("v1", lambda d, p: d[:recs(p)[6].offset] + d[-32:] + d[recs(p)[6].offset:-32],
                            ["after-end-marker"]),
    "exact-missing-ranges": ("v2", lambda d, p: flip(d, recs(p)[4].body + 7, 0x80)[:recs(p)[1].offset]
                             + flip(d, recs(p)[4].body + 7, 0x80)[recs(p)[3].offset:],
                             ["missing-records", "payload-checksum"]),
    "overlapping-chunk": ("v2", lambda d, p: resealed(d, recs(p)[5], first=recs(p)[4].first + 10),
                          ["overlapping-records", "missing-records"], False),
    "index-past-2^64": ("v2", lambda d, p: resealed(d, recs(p)[6], first=2 ** 64 - 10),
                        ["index-overflow", "missing-records"], False),
    "zero-count-chunk": ("v2", lambda d, p: d[:recs(p)[2].offset] + chunk(RECORDS, b"", 5, zlib.crc32(
                         d[16:header_end(d) - 4])) + d[recs(p)[2].offset:], []),
    "end-marker-declares-fewer": ("v2", lambda d, p: resealed(d, p[-1], first=100), ["end-marker-mismatch"]),
    "end-marker-declares-more": ("v2", lambda d, p: resealed(d, p[-1], first=900), ["missing-records"]),
    "second-end-marker": ("v2", lambda d, p: d + d[-32:], ["extra-end-marker"]),
    "damaged-header-copy": ("v2", lambda d, p: flip(d, p[0].body + 3), ["header-copy-checksum"]),
    "end-marker-with-a-payload-checksum": ("v2", lambda d, p: end_marker_claiming_a_payload(d, p[-1]),
                                           ["unreadable-bytes", "no-end-marker"]),
    "concatenated-traces": ("v2", lambda d, p: d + OTHER.read_bytes(), ["another-trace", "foreign-chunks"]),
    "concatenated-v1-and-v2": ("v1", lambda d, p: d + OTHER.read_bytes(), ["another-trace", "foreign-chunks"]),
    "same-run-twice": ("v2", lambda d, p: d + d, ["another-trace", "duplicate-records", "extra-end-marker"]),
    "same-v1-run-twice": ("v1", lambda d, p: d + d, ["another-trace", "duplicate-records", "extra-end-marker"]),
    "foreign-chunk-inside": ("v2", lambda d, p: d[:recs(p)[2].offset] + OTHER.read_bytes()[parts(OTHER.read_bytes())[1]
                             .offset:parts(OTHER.read_bytes())[1].end] + d[recs(p)[2].offset:], ["foreign-chunks"]),
    "foreign-header": ("v2", lambda d, p: d[:header_end(d)] + OTHER.read_bytes()[header_end(OTHER.read_bytes()):],
                       ["foreign-chunks", "no-end-marker"]),
    "flipped-bit-in-json-header": ("v2", lambda d, p: flip(d, 16 + 100, 0x04), ["damaged-header"]),
    "header-first-copy-and-version": ("v2", lambda d, p: flip(flip(flip(d, 20, 1), recs(p)[0].offset - 8, 1), 8, 4),
                                      ["damaged-header", "header-copy-checksum"]),
    "damaged-magic": ("v2", lambda d, p: flip(d, 2, 0x20), ["damaged-header"]),
    "two-magic-bytes-damaged": ("v2", lambda d, p: b"XX" + d[2:], ["damaged-header"]),
    "json-length-past-the-end": ("v2", lambda d, p: d[:12] + b"\xff\xff\xff\x7f" + d[16:], ["damaged-header"]),
    "flipped-payload-byte-v1": ("v1", lambda d, p: flip(d, recs(p)[4].body + 33), ["payload-checksum"]),
    "chunk-hidden-in-a-damaged-payload": ("v2", lambda d, p: chunk_hidden_in_a_damaged_payload(d, recs(p)[2]),
                                          ["payload-checksum"]),
    "chunk-hidden-in-a-damaged-payload-v1": ("v1", lambda d, p: chunk_hidden_in_a_damaged_payload(d, recs(p)[5]),
                                             ["payload-checksum"]),
    "chunk-hidden-in-a-foreign-chunk": ("v2", lambda d, p: chunk_hidden_in_a_foreign_chunk(d, recs(p)[3]),
                                        ["foreign-chunks", "unreadable-bytes", "missing-records"]),
    "copy-of-a-version-1-header": ("v2", lambda d, p: copy_of_a_version_1_header(d, p[0]),
                                   ["damaged-header", "foreign-chunks"]),
    "dropped-chunk-v1": ("v1", lambda d, p: d[:recs(p)[1].offset] + d[recs(p)[3].offset:], ["missing-records"]),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_every_damage_class_is_decided_like_the_swift_reader(tmp_path, originals, name):
    key, edit, kinds, *keeps_first = DAMAGE[name]
    original = originals[key].read_bytes()
    path = tmp_path / f"{name}.rvt"
    path.write_bytes(edit(original, parts(original)))
    if kinds:
        with pytest.raises(reverie.TraceError, match=r"is damaged: .*pass recover=True"):
            reverie.read_trace(path)
    t = assert_same_decisions(path)
    assert [d.kind for d in t.damage] == kinds, t.damage
    # What survives is the original's intact chunks, and (but for forged indices) at their own indices.
    before = reverie.read_trace(originals[key])
    assert t.header == before.header and t.run_tag == before.run_tag and t.version == before.version
    if keeps_first != [False]:
        for c in t.chunks:
            assert c.records.tobytes() == before.records[c.first:c.first + c.count].tobytes()
    for d in t.damage:
        if "from" in d.detail:
            assert d.detail["from"] < d.detail["to"] and f"{d.detail['from']}..<{d.detail['to']}" in d.description


def test_repeats_moves_and_foreign_runs_lose_nothing_and_read_nothing_twice(tmp_path, originals):
    original = originals["v2"].read_bytes()
    whole = reverie.read_trace(originals["v2"]).records.tobytes()
    for name in ["repeated-chunk", "repeated-run-of-chunks", "swapped-chunks", "moved-end-marker", "same-run-twice",
                 "concatenated-traces", "foreign-chunk-inside", "flipped-bit-in-json-header",
                 "header-first-copy-and-version", "damaged-magic", "zero-count-chunk"]:
        path = tmp_path / f"{name}.rvt"
        path.write_bytes(DAMAGE[name][1](original, parts(original)))
        t = reverie.read_trace(path, recover=True)
        assert t.records.tobytes() == whole, name
        assert t.complete and t.declared_records == len(t), name


def test_a_flipped_bit_anywhere_in_the_json_header_is_recovered_from_its_copy(tmp_path, originals):
    original = originals["v2"].read_bytes()
    reference = reverie.read_trace(originals["v2"])
    n = header_end(original) - 20
    copies = [p.offset for p in parts(original) if p.type == COPY]
    for k in range(0, n, n // 12):
        path = tmp_path / f"bit{k}.rvt"
        path.write_bytes(flip(original, 16 + k, 1 << (k % 8)))
        t = assert_same_decisions(path)
        assert t.header == reference.header and t.records.tobytes() == reference.records.tobytes()
        assert [(d.kind, d.detail) for d in t.damage] == [
            ("damaged-header", {"reason": "header checksum mismatch", "copy_offset": copies[0]})]
    # The header and the first copy damaged: the last copy is used.
    path = tmp_path / "two.rvt"
    path.write_bytes(DAMAGE["header-first-copy-and-version"][1](original, parts(original)))
    t = assert_same_decisions(path)
    assert t.damage[0].detail == {"reason": "its version field reads 7", "copy_offset": copies[1]}


def test_payload_damage_loses_only_its_chunk(tmp_path, originals):
    original = originals["v2"].read_bytes()
    path = tmp_path / "flipped.rvt"
    path.write_bytes(DAMAGE["flipped-payload-byte"][1](original, parts(original)))
    t = reverie.read_trace(path, recover=True)
    assert [(d.kind, d.detail) for d in t.damage] == [("payload-checksum", {"chunk": 1, "records": 64})] and t.complete
    assert len(t) == t.declared_records - 64 and [c.index for c in t.chunks] == [0, *range(2, 14)]


# A seeded sweep of random damage: flips, deletions, insertions, repeats, zeroed
# blocks and truncations anywhere in the file, on both versions.

def random_damage(data, rng):
    n = len(data)
    at = int(rng.integers(0, n))
    span = int(rng.integers(1, 200))
    op = rng.integers(0, 6)
    if op == 0:
        return flip(data, at, 1 << int(rng.integers(0, 8)))
    if op == 1:
        return data[:at] + data[at + span:]
    if op == 2:
        return data[:at] + rng.integers(0, 256, span, dtype=np.uint8).tobytes() + data[at:]
    if op == 3:
        src = int(rng.integers(0, n))
        return data[:at] + data[src:src + 32 * span] + data[at:]
    if op == 4:
        return data[:at] + b"\0" * span + data[at + span:]
    return data[:at]


@pytest.mark.parametrize("key", ["v2", "v1"])
def test_random_damage_is_decided_like_the_swift_reader(tmp_path, originals, key):
    rng = np.random.default_rng(2024 if key == "v2" else 1999)
    original = originals[key].read_bytes()
    refused = 0
    for k in range(40):
        data = original
        for _ in range(int(rng.integers(1, 4))):
            data = random_damage(data, rng)
        path = tmp_path / f"random-{k}.rvt"
        path.write_bytes(data)
        refused += assert_same_decisions(path) is None
    assert refused < 40


# Files that are not traces, other versions, headers without a usable copy.

def test_errors_are_the_swift_readers(tmp_path):
    data = (SAMPLES / "hopfield.rvt").read_bytes()
    v1 = V1.read_bytes()
    files = {
        "v9.rvt": data[:8] + struct.pack("<I", 9) + data[12:header_end(data)],   # the header alone: no copies
        "json-bit.rvt": flip(data, 30, 0x08)[:header_end(data)],
        "v1-json-bit.rvt": flip(v1, 30, 0x08),                                # version 1 has no header copies
        "v1-version.rvt": v1[:8] + struct.pack("<I", 7) + v1[12:],
        "short.rvt": data[:30],
        "preamble-only.rvt": data[:12],
        "other.rvt": b"PK\x03\x04 not a trace",
        "not-a-trace-then-a-trace.rvt": b"NOTATRACE" + data[8:],
        "empty.rvt": b"",
        "magic-prefix.rvt": b"REVTRAC",
        "three-magic-bytes.rvt": b"XXX" + data[3:],   # not searched for header copies
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    os.mkfifo(tmp_path / "fifo.rvt")
    os.symlink(tmp_path / "loop.rvt", tmp_path / "loop.rvt")
    expected = {"v9.rvt": "format version 9; this reverie reads versions 1 to 3",
                "json-bit.rvt": "has a damaged header: header checksum mismatch",
                "v1-json-bit.rvt": "has a damaged header: header checksum mismatch",
                "v1-version.rvt": "format version 7", "short.rvt": r"truncated inside its header \(30 bytes\)",
                "preamble-only.rvt": r"truncated inside its header \(12 bytes\)",
                "other.rvt": "is not a Reverie trace", "not-a-trace-then-a-trace.rvt": "is not a Reverie trace",
                "empty.rvt": "is not a Reverie trace", "magic-prefix.rvt": "is not a Reverie trace",
                "three-magic-bytes.rvt": "is not a Reverie trace",
                "fifo.rvt": r"is a FIFO \(named pipe\), not a trace file", "loop.rvt": "too many levels of symbolic links",
                "missing.rvt": "cannot open '.*missing.rvt': no such file", ".": "is a directory, not a trace file"}
    for name, message in expected.items():
        path = tmp_path / name
        with pytest.raises(reverie.TraceError, match=message):
            reverie.read_trace(path, recover=True)
        assert assert_same_decisions(path) is None, name
    with pytest.raises(reverie.TraceError, match="'/dev/null'.* is a character device, not a trace file"):
        reverie.read_trace("/dev/null")


def test_headers_no_writer_produces_are_refused_naming_the_field(tmp_path):
    data = (SAMPLES / "recall.rvt").read_bytes()
    header = json.loads(data[16:header_end(data) - 4])

    def written(edit):
        h = json.loads(json.dumps(header))
        edit(h)
        text = json.dumps(h, sort_keys=True, separators=(",", ":")).encode()
        path = tmp_path / "absurd.rvt"
        path.write_bytes(b"REVTRACE" + struct.pack("<II", 3, len(text)) + text + struct.pack("<I", zlib.crc32(text))
                         + chunk(END, b"", 0, zlib.crc32(text)))
        return path

    pops = lambda h: h["run"]["populations"]
    cases = [
        (lambda h: pops(h)[0].update(size=2 ** 40), r"run.populations\[0\].size is 1099511627776, expected 0 ... 4294967296"),
        (lambda h: pops(h)[0].update(size=-1), r"run.populations\[0\].size is -1"),
        (lambda h: pops(h).append(dict(pops(h)[0], firstID=50)), r"run.populations\[1\].name is a second 'memory'"),
        (lambda h: pops(h).append(dict(pops(h)[0], name="x", firstID=50)), r"run.populations\[1\].firstID is 50, "
                                                                           r"expected ids disjoint from population 'memory'"),
        (lambda h: h.update(format="other"), r'format is "other", expected "reverie-trace"'),
        (lambda h: h.update(version=1), r"version is 1, expected 3, the file's format version"),
        (lambda h: h.update(recordSize=16), r"recordSize is 16, expected 32"),
    ]
    for edit, message in cases:
        path = written(edit)
        with pytest.raises(reverie.TraceError, match="has an invalid header: " + message):
            reverie.read_trace(path, recover=True)
        assert assert_same_decisions(path) is None
    # JSON whose fields have the wrong types does not decode (Swift's wording of the cause differs).
    path = written(lambda h: h["run"].update(seed="one"))
    with pytest.raises(reverie.TraceError, match=r"header JSON does not decode \(run.seed: expected an integer"):
        reverie.read_trace(path)
    assert swift_reading(path).error.startswith(f"'{path}' has a damaged header: header JSON does not decode")
