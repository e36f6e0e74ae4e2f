"""Reading Reverie traces (`.rvt`, traces/FORMAT.md) into memory-mapped numpy arrays.

A trace is a header (magic ``REVTRACE``, version, JSON, CRC-32 of the JSON) and a
sequence of chunks: a 32-byte chunk header (``RVCK``, type, count, payload CRC,
index of the first record, reserved, CRC-32 of header bytes 0..<28) and ``count``
records of 32 bytes. The file is mapped once (``np.memmap``); every intact chunk is
a structured view into that mapping, so nothing is read until it is used.

Damage is handled as the Swift reader (Sources/ReverieTraces/TraceFile.swift) does:
a chunk header is trusted only when its own CRC matches; a chunk whose payload CRC
does not match, or whose records have an unknown kind or non-zero padding, is
skipped; bytes that are no valid chunk header are skipped up to the next ``RVCK``
whose header CRC matches; gaps in ``first``, a missing end marker and bytes after it
are reported.
"""
from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

#: One record (traces/FORMAT.md §3): little-endian, 32 bytes.
RECORD = np.dtype([("time", "<f8"), ("value", "<f8"), ("unit", "<u4"), ("aux", "<u4"),
                   ("kind", "u1"), ("pad", "V7")])

#: Record kinds (the ``kind`` byte).
STATE, SPIKE, WEIGHT, PHASE, METRIC, ASSIGN = 1, 2, 3, 4, 5, 6
KIND_NAMES = {STATE: "state", SPIKE: "spike", WEIGHT: "weight", PHASE: "phase", METRIC: "metric", ASSIGN: "assign"}

FILE_MAGIC = b"REVTRACE"
CHUNK_MAGIC = b"RVCK"
VERSION = 1
CHUNK_HEADER_SIZE = 32
RECORDS, END = 1, 2

#: Unit models whose units emit spikes (models/README.md, "Spiking networks").
SPIKING_MODELS = frozenset({"lif", "poisson", "spike-times", "spike-trace"})


class TraceError(Exception):
    """A file that is not a readable trace, or a damaged one read without ``recover``."""


@dataclass(frozen=True)
class Damage:
    """One problem found while scanning the chunks; ``offset`` is the byte where it starts."""
    kind: str
    offset: int
    description: str


@dataclass(frozen=True)
class Chunk:
    """One intact chunk: its index among the chunks whose header verified, where its
    records start in the file, the index of its first record in the whole trace, and
    the records themselves (a read-only view into the file's mapping)."""
    index: int
    offset: int
    first: int
    records: np.ndarray = field(repr=False)

    @property
    def count(self) -> int:
        return len(self.records)


class Trace:
    """An opened trace: ``header`` (the JSON header as a dict), ``chunks`` (intact
    chunks in file order), ``damage`` (problems found), ``complete`` (end marker seen)."""

    def __init__(self, path, header, chunks, damage, complete, declared_records, chunks_seen, file_size, data):
        self.path = os.fspath(path)
        self.header = header
        self.chunks = chunks
        self.damage = damage
        self.complete = complete
        self.declared_records = declared_records
        self.chunks_seen = chunks_seen
        self.file_size = file_size
        self._data = data
        self._records = None

    def __repr__(self):
        state = "intact" if self.is_intact else f"{len(self.damage)} problems"
        return (f"<Trace {self.path!r}: {self.run.get('modelName', '?')}, {len(self)} records in "
                f"{len(self.chunks)} chunks, {state}>")

    # The run description.

    @property
    def run(self) -> dict:
        return self.header.get("run", {})

    @property
    def populations(self) -> list:
        """``[{"name", "model", "firstID", "size"}, ...]`` from the header."""
        return list(self.run.get("populations", []))

    @property
    def time_unit(self) -> str:
        return self.run.get("timeUnit", "")

    @property
    def phases(self) -> list:
        return list(self.run.get("phases", []))

    @property
    def metrics(self) -> list:
        return list(self.run.get("metrics", []))

    @property
    def streams(self) -> list:
        return list(self.header.get("streams", []))

    @property
    def model(self) -> Optional[dict]:
        """The effective model (after overrides) when the header's ``modelSource`` is JSON, else None."""
        try:
            model = json.loads(self.run.get("modelSource", ""))
        except ValueError:
            return None
        return model if isinstance(model, dict) else None

    def population(self, name: str) -> dict:
        for p in self.populations:
            if p["name"] == name:
                return p
        raise KeyError(f"{self.path}: no population {name!r} (populations: "
                       f"{', '.join(p['name'] for p in self.populations)})")

    def population_of(self, unit: int) -> dict:
        """The population that owns global unit id ``unit``."""
        for p in self.populations:
            if p["firstID"] <= unit < p["firstID"] + p["size"]:
                return p
        raise KeyError(f"{self.path}: unit {unit} belongs to no population")

    # Records.

    @property
    def is_intact(self) -> bool:
        return not self.damage

    def __len__(self) -> int:
        return sum(c.count for c in self.chunks)

    @property
    def records(self) -> np.ndarray:
        """All records of the intact chunks in file order. One chunk: the memory-mapped
        view itself; several: one concatenated copy (made once). Iterate ``chunks`` to
        stay memory-mapped on traces larger than memory."""
        if self._records is None:
            if len(self.chunks) == 1:
                self._records = self.chunks[0].records
            elif not self.chunks:
                self._records = np.empty(0, RECORD)
            else:
                self._records = np.concatenate([c.records for c in self.chunks])
        return self._records

    def select(self, kind: int) -> np.ndarray:
        """The records of one kind (e.g. ``reverie.SPIKE``), chunk by chunk (a copy)."""
        parts = [c.records[c.records["kind"] == kind] for c in self.chunks]
        return np.concatenate(parts) if parts else np.empty(0, RECORD)

    def spikes(self, population: Optional[str] = None):
        """``(times, units)`` of the spike records, optionally of one population;
        ``units`` are global ids (population ``p`` owns ``firstID ..< firstID + size``)."""
        s = self.select(SPIKE)
        if population is not None:
            p = self.population(population)
            s = s[(s["unit"] >= p["firstID"]) & (s["unit"] < p["firstID"] + p["size"])]
        return s["time"].copy(), s["unit"].astype(np.int64)

    def phase_intervals(self) -> list:
        """``[(name, begin, end), ...]`` from the phase records (end None if the phase did not end)."""
        marks = self.select(PHASE)
        intervals = {}
        for r in marks:
            k = int(r["unit"])
            name = self.phases[k] if k < len(self.phases) else f"phase-{k}"
            begin, end = intervals.get(k, (None, None))
            if r["aux"] == 0:
                begin = float(r["time"])
            else:
                end = float(r["time"])
            intervals[k] = (begin, end)
        return [(self.phases[k] if k < len(self.phases) else f"phase-{k}", b, e)
                for k, (b, e) in sorted(intervals.items())]

    def time_span(self):
        """``(t_start, t_stop)`` of the run, in ``time_unit``: from the phase records when
        recorded; else from the model's protocol durations (spiking runs); else from the
        first and last record times. Silent units need this: their spike trains still
        span the run."""
        intervals = self.phase_intervals()
        if intervals and intervals[0][1] is not None and intervals[-1][2] is not None:
            return intervals[0][1], intervals[-1][2]
        model = self.model
        if model is not None:
            durations = [p.get("duration") for p in model.get("protocol", [])]
            if durations and all(isinstance(d, (int, float)) for d in durations):
                return 0.0, float(sum(durations))
        r = self.records
        return (float(r["time"].min()), float(r["time"].max())) if len(r) else (0.0, 0.0)

    def require_intact(self):
        if self.damage:
            more = f" (and {len(self.damage) - 1} more problems)" if len(self.damage) > 1 else ""
            raise TraceError(f"{self.path}: damaged trace: {self.damage[0].description}{more}; "
                             "pass recover=True to read its intact chunks")


def read_trace(path, recover: bool = False) -> Trace:
    """Opens the trace at ``path``, checks every checksum and maps the intact chunks.

    A damaged trace raises TraceError unless ``recover`` is true; then its intact
    chunks are readable and ``trace.damage`` lists what was skipped.
    """
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise TraceError(f"{path}: cannot open: {e.strerror or e}") from None
    if size < len(FILE_MAGIC):
        raise TraceError(f"{path}: not a Reverie trace (the file has {size} bytes, no REVTRACE magic)")
    data = np.memmap(path, dtype=np.uint8, mode="r")
    header, start = _read_header(data, path)
    scan = _Scan(data, path)
    scan.run(start)
    trace = Trace(path, header, scan.chunks, scan.damage, scan.complete, scan.declared, scan.seen, size, data)
    if not recover:
        trace.require_intact()
    return trace


def _u32(b, at):
    return int.from_bytes(bytes(b[at:at + 4]), "little")


def _read_header(data, path):
    if bytes(data[:8]) != FILE_MAGIC:
        raise TraceError(f"{path}: not a Reverie trace (no REVTRACE magic)")
    if len(data) < 16:
        raise TraceError(f"{path}: truncated header ({len(data)} bytes)")
    version = _u32(data, 8)
    if version != VERSION:
        raise TraceError(f"{path}: trace format version {version}; this reader reads version {VERSION}")
    length = _u32(data, 12)
    end = 16 + length
    if len(data) < end + 4:
        raise TraceError(f"{path}: truncated header ({len(data)} bytes, the JSON header needs {end + 4})")
    if zlib.crc32(data[16:end]) != _u32(data, end):
        raise TraceError(f"{path}: damaged header: header checksum mismatch")
    try:
        header = json.loads(bytes(data[16:end]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise TraceError(f"{path}: damaged header: header JSON does not decode ({e})") from None
    return header, end + 4


def _chunk_header(data, pos):
    """(type, count, payload_crc, first) if a valid chunk header starts at ``pos``, else None."""
    h = data[pos:pos + CHUNK_HEADER_SIZE]
    if len(h) < CHUNK_HEADER_SIZE or bytes(h[:4]) != CHUNK_MAGIC or zlib.crc32(h[:28]) != _u32(h, 28):
        return None
    kind = _u32(h, 4)
    if kind not in (RECORDS, END):
        return None
    return kind, _u32(h, 8), _u32(h, 12), int.from_bytes(bytes(h[16:24]), "little")


class _Scan:
    """One pass over the chunks (the same decisions, in the same order, as TraceFile.scan)."""

    def __init__(self, data, path):
        self.data, self.path = data, path
        self.chunks, self.damage = [], []
        self.complete, self.declared, self.seen = False, None, 0

    def problem(self, kind, offset, text):
        self.damage.append(Damage(kind, offset, text))

    def run(self, pos):
        data, size = self.data, len(self.data)
        expected = 0
        while pos < size:
            if self.complete:
                self.problem("trailing-bytes", pos, f"{size - pos} bytes after the end marker at byte {pos}")
                return
            h = _chunk_header(data, pos)
            if h is None:
                rest = bytes(data[pos:pos + 4])
                if size - pos < CHUNK_HEADER_SIZE and CHUNK_MAGIC.startswith(rest):
                    self.problem("truncated", pos, f"file ends inside a chunk at byte {pos} "
                                 f"({CHUNK_HEADER_SIZE - (size - pos)} bytes missing)")
                    break
                nxt = self.next_header(pos)
                self.problem("unreadable-bytes", pos, f"{nxt - pos} unreadable bytes at byte {pos} "
                             "(no valid chunk header), skipped")
                pos = nxt
                continue
            kind, count, crc, first = h
            if kind == END:
                self.complete, self.declared = True, first
                pos += CHUNK_HEADER_SIZE
                continue
            index = self.seen
            self.seen += 1
            body = pos + CHUNK_HEADER_SIZE
            end = body + count * RECORD.itemsize
            if end > size:
                self.problem("truncated", pos, f"file ends inside a chunk at byte {pos} ({end - size} bytes missing)")
                break
            payload = data[body:end]
            if zlib.crc32(payload) != crc:
                self.problem("payload-checksum", pos, f"chunk {index} at byte {pos}: checksum mismatch, "
                             f"its {count} records are skipped")
            elif not _valid_records(payload):
                self.problem("invalid-records", pos, f"chunk {index} at byte {pos}: invalid record kind or "
                             "padding, chunk skipped")
            else:
                if first != expected:
                    self.problem("missing-records", pos, f"records {expected}..<{first} are missing before "
                                 f"the chunk at byte {pos}")
                self.chunks.append(Chunk(index, body, first, payload.view(RECORD)))
            expected = first + count
            pos = end
        if not self.complete:
            self.problem("no-end-marker", size, f"no end marker at byte {size}: the run did not close the "
                         "trace (killed or crashed?)")
        elif self.declared != expected:
            self.problem("missing-records", size, f"records {expected}..<{self.declared} are missing before "
                         f"the chunk at byte {size}")

    def next_header(self, pos):
        """The first offset after ``pos`` holding a valid chunk header, or the file size."""
        data, size = self.data, len(self.data)
        window = 1 << 20
        q = pos + 1
        while q + CHUNK_HEADER_SIZE <= size:
            block = bytes(data[q:min(size, q + window + 3)])
            k = block.find(CHUNK_MAGIC)
            while k >= 0:
                if _chunk_header(data, q + k) is not None:
                    return q + k
                k = block.find(CHUNK_MAGIC, k + 1)
            q += window
        return size


def _valid_records(payload):
    rows = payload.reshape(-1, RECORD.itemsize)
    kinds = rows[:, 24]
    return bool(((kinds >= STATE) & (kinds <= ASSIGN)).all() and not rows[:, 25:].any())
