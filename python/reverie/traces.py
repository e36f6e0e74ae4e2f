"""Reading Reverie traces (`.rvt`, traces/FORMAT.md, versions 3, 2 and 1) into memory-mapped numpy arrays.

A trace is a file header (magic ``REVTRACE``, version, JSON, CRC-32 of the JSON) and
a sequence of chunks: a 32-byte chunk header (``RVCK``, type, count, payload CRC,
``first``, run tag, CRC-32 of header bytes 0..<28) and its payload. Type 1 holds
``count`` records of 32 bytes, type 2 is the end marker, type 3 a copy of the JSON
header, types 4 and 5 (version 3) a weight snapshot of ``count`` weight records
stored compactly (8 bytes a synapse on a pre × post grid, 16 otherwise). The run
tag is the CRC-32 of the JSON header (0 in version 1). The file is mapped once
(``np.memmap``); every intact records chunk is a structured view into that mapping,
so nothing is read until it is used (weight snapshots are expanded into records).

Damage is handled with the same decisions as the Swift reader
(Sources/ReverieTraces/TraceFile.swift; the tests compare both on damaged files):
a chunk header is trusted only when its own CRC matches; after any damage reading
resumes at the next valid chunk header (at the damaged chunk's declared end when a
chunk header is there, else the next ``RVCK`` whose header CRC matches); chunks of
another run, repeated and overlapping records are reported and skipped; moved chunks
and chunks after the end marker are reported and read in record order; missing
records are reported as exact ranges ``a..<b``; a damaged file header is replaced
by the first intact header copy.
"""
from __future__ import annotations

import bisect
import errno
import json
import mmap
import os
import stat
import struct
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
#: The format versions this reader reads (the Swift writer writes the last).
VERSIONS = (1, 2, 3)
#: magic + version + JSON length.
PREAMBLE_SIZE = 16
CHUNK_HEADER_SIZE = 32
#: Chunk types.
RECORDS, END, HEADER_COPY, WEIGHT_GRID, WEIGHT_PAIRS = 1, 2, 3, 4, 5
_HOLDS_RECORDS = (RECORDS, WEIGHT_GRID, WEIGHT_PAIRS)

#: Unit models whose units emit spikes (models/README.md, "Spiking networks").
SPIKING_MODELS = frozenset({"lif", "poisson", "spike-times", "spike-trace"})

_CHUNK_HEADER = struct.Struct("<4sIIIQII")   # magic type count payloadCRC first run headerCRC
_U64_MAX = (1 << 64) - 1
_ID_SPACE = 1 << 32


class TraceError(Exception):
    """A file that is not a readable trace, or a damaged one read without ``recover``."""


@dataclass(frozen=True)
class Damage:
    """One problem found while scanning the chunks: ``kind`` (e.g. ``"missing-records"``),
    ``offset`` (the byte where it starts), ``description`` (the text `reverie trace verify`
    prints) and ``detail``, the kind's numbers (e.g. ``{"from": a, "to": b}`` for records
    ``a ..< b``; keys as in Sources/ReverieTraces/TraceDamage.swift)."""
    kind: str
    offset: int
    description: str
    detail: dict = field(default_factory=dict, hash=False)


def _describe(kind, offset, d):
    """The wording of TraceDamage.description (Sources/ReverieTraces/TraceDamage.swift)."""
    at = f"at byte {offset}"
    texts = {
        "damaged-header": lambda: f"the file header is damaged ({d['reason']}); its copy at byte "
                                  f"{d['copy_offset']} is intact and was used",
        "payload-checksum": lambda: f"chunk {d['chunk']} {at}: checksum mismatch, its {d['records']} records are skipped",
        "header-copy-checksum": lambda: f"header copy {at}: checksum mismatch, skipped",
        "invalid-records": lambda: f"chunk {d['chunk']} {at}: invalid record kind, padding or time, chunk skipped",
        "index-overflow": lambda: f"chunk {d['chunk']} {at}: its record indices run past 2^64, chunk skipped",
        "unreadable-bytes": lambda: f"{d['count']} unreadable bytes {at} (no valid chunk header), skipped",
        "another-trace": lambda: f"{d['count']} bytes {at} start with another trace's file header "
                                 "(traces concatenated?), skipped",
        "truncated": lambda: f"file ends inside a chunk {at} ({d['missing_bytes']} bytes missing)",
        "missing-records": lambda: f"records {d['from']}..<{d['to']} ({d['to'] - d['from']} records) are missing "
                                   f"before byte {offset}",
        "duplicate-records": lambda: f"chunk {at} repeats records {d['from']}..<{d['to']}, already read: skipped",
        "overlapping-records": lambda: f"chunk {at} holds records {d['from']}..<{d['to']}, overlapping records "
                                       "already read: skipped",
        "out-of-order": lambda: f"chunk {at} holds records {d['from']}..<{d['to']} after later records (moved?): "
                                "read in record order",
        "foreign-chunks": lambda: f"{d['count']} chunks ({d['records']} records) from {at} belong to another run "
                                  f"(tag {d['run']:x}): skipped",
        "after-end-marker": lambda: f"{d['chunks']} intact chunks ({d['records']} records) follow the end marker, "
                                    f"from {at}: read",
        "extra-end-marker": lambda: f"a second end marker {at} (declaring {d['declared']} records)",
        "end-marker-mismatch": lambda: f"the end marker declares {d['declared']} records but the chunks hold "
                                       f"records up to {d['found']}",
        "no-end-marker": lambda: f"no end marker {at}: the run did not close the trace (killed or crashed?)",
        "trailing-bytes": lambda: f"{d['count']} bytes after the end marker {at}",
    }
    return texts[kind]()


def _damage(kind, offset, **detail):
    return Damage(kind, offset, _describe(kind, offset, detail), detail)


@dataclass(frozen=True)
class Chunk:
    """One intact records chunk: its index among this run's records chunks whose chunk
    header verified (in file order), where its records start in the file, the index of
    its first record in the whole trace, and the records themselves (a read-only view
    into the file's mapping)."""
    index: int
    offset: int
    first: int
    records: np.ndarray = field(repr=False)

    @property
    def count(self) -> int:
        return len(self.records)


class Trace:
    """An opened trace: ``header`` (the JSON header as a dict; from the first intact
    header copy when the file header is damaged), ``version`` (the format version),
    ``run_tag`` (CRC-32 of the JSON header, 0 in version 1), ``chunks`` (intact records
    chunks in record order), ``damage`` (problems found, by offset), ``complete`` (end
    marker seen), ``declared_records`` (the end marker's total), ``chunks_seen``
    (records chunks of this run whose chunk header verified, intact or not)."""

    def __init__(self, path, header, version, run_tag, scan, file_size, data):
        self.path = os.fspath(path)
        self.header = header
        self.version = version
        self.run_tag = run_tag
        self.chunks = scan.chunks
        self.damage = scan.damage
        self.complete = scan.complete
        self.declared_records = scan.declared
        self.chunks_seen = scan.seen
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
        """All records of the intact chunks in record order. One chunk: the memory-mapped
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
            raise TraceError(f"'{self.path}' is damaged: {self.damage[0].description}{more}; "
                             "pass recover=True to read its intact chunks")


def read_trace(path, recover: bool = False) -> Trace:
    """Opens the trace at ``path`` (format version 3, 2 or 1), checks every checksum and
    run tag and maps the intact chunks.

    A damaged trace raises TraceError unless ``recover`` is true; then its intact
    chunks are readable and ``trace.damage`` lists what was skipped. A file that is not
    a regular file, not a trace, of another version, or whose header is damaged
    without an intact header copy always raises TraceError.
    """
    path = os.fspath(path)
    data, search = _map(path)
    opened = _read_header(data, search, path)
    scan = _Scan(data, search, opened.run_tag, [opened.damage] if opened.damage else [])
    scan.run(opened.data_start)
    trace = Trace(path, opened.header, opened.version, opened.run_tag, scan, len(data), data)
    if not recover:
        trace.require_intact()
    return trace


# Opening (as Sources/ReverieTraces/FileAccess.swift: refuse non-regular files before reading).

_REASONS = {errno.ENOENT: "no such file", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
            errno.EISDIR: "is a directory, not a file", errno.ENOTDIR: "a component of the path is not a directory",
            errno.ENXIO: "is a FIFO or socket with no process at the other end",
            errno.ENAMETOOLONG: "the path or one of its names is too long"}
_FILE_KINDS = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]


def _cannot_open(path, e):
    return TraceError(f"cannot open '{path}': {_REASONS.get(e.errno, e.strerror or str(e))}")


def _map(path):
    """``(data, search)``: the whole file as a read-only ``np.memmap`` of bytes (what chunk
    views are cut from) and an ``mmap`` of it for finding chunk magics without copying
    (None for an empty file). The file is opened once, without blocking (a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise _cannot_open(path, e) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "not a regular file")
            raise TraceError(f"cannot open '{path}': is {kind}, not a trace file")
        if st.st_size == 0:
            return np.empty(0, np.uint8), None
        with os.fdopen(os.dup(fd), "rb") as f:
            return np.memmap(f, dtype=np.uint8, mode="r"), mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except OSError as e:
        raise _cannot_open(path, e) from None
    finally:
        os.close(fd)


# The file header.

@dataclass
class _Opened:
    header: dict
    version: int
    run_tag: int
    data_start: int
    damage: Optional[Damage]


def _u32(data, at):
    return int.from_bytes(bytes(data[at:at + 4]), "little")


def _not_a_trace(path):
    return TraceError(f"'{path}' is not a Reverie trace (it does not start with the bytes \"REVTRACE\")")


def _read_header(data, search, path) -> _Opened:
    """The file header, or the first intact header copy when it is damaged (as
    TraceFile.readHeader). Raises TraceError when neither is usable."""
    size = len(data)
    matching = sum(a == b for a, b in zip(bytes(data[:len(FILE_MAGIC)]), FILE_MAGIC))
    has_magic = matching == len(FILE_MAGIC)

    def from_copy(reason, error):
        copy = _find_header_copy(data, search, path)
        if copy is None:
            raise error
        header, tag, offset = copy
        # Chunks start at the first valid chunk header after the damaged header.
        start = _next_chunk_header(data, search, PREAMBLE_SIZE if has_magic else 0)
        return _Opened(header, header["version"], tag, start,
                       _damage("damaged-header", 0, reason=reason, copy_offset=offset))

    # A magic with a byte or two damaged is a damaged trace; anything else is not a
    # trace (and is not searched for header copies).
    if not has_magic:
        if matching < len(FILE_MAGIC) - 2:
            raise _not_a_trace(path)
        return from_copy("its magic is damaged", _not_a_trace(path))
    if size < PREAMBLE_SIZE:
        raise TraceError(f"'{path}' is truncated inside its header ({size} bytes); no chunk can be read")
    version = _u32(data, 8)
    if version not in VERSIONS:
        return from_copy(f"its version field reads {version}",
                         TraceError(f"'{path}' is a Reverie trace of format version {version}; this reverie reads "
                                    f"versions {VERSIONS[0]} to {VERSIONS[-1]}"))
    end = PREAMBLE_SIZE + _u32(data, 12)
    if size < end + 4:
        return from_copy("the file ends inside it",
                         TraceError(f"'{path}' is truncated inside its header ({size} bytes); no chunk can be read"))
    crc = zlib.crc32(data[PREAMBLE_SIZE:end])
    if crc != _u32(data, end):
        return from_copy("header checksum mismatch", TraceError(f"'{path}' has a damaged header: header checksum mismatch"))
    try:
        header = _decode_header(bytes(data[PREAMBLE_SIZE:end]))
    except ValueError as e:
        return from_copy("header JSON does not decode",
                         TraceError(f"'{path}' has a damaged header: header JSON does not decode ({e})"))
    _validate_header(header, path, version)
    return _Opened(header, version, crc if version >= 2 else 0, end + 4, None)


def _find_header_copy(data, search, path):
    """``(header, run_tag, offset)`` of the first header-copy chunk whose checksums match
    and whose JSON decodes and validates (version 2 files only), else None."""
    size, q = len(data), 0
    while True:
        q = _next_chunk_header(data, search, q)
        if q >= size:
            return None
        kind, count, payload_crc, _, run = _chunk_header(data, q)
        body = q + CHUNK_HEADER_SIZE
        n = count * RECORD.itemsize
        if kind == HEADER_COPY and n <= size - body and zlib.crc32(data[body:body + n]) == payload_crc:
            text = bytes(data[body:body + n]).rstrip(b"\0")
            if zlib.crc32(text) == run:
                try:
                    header = _decode_header(text)
                    if header["version"] >= 2 and header["version"] in VERSIONS:
                        _validate_header(header, path, header["version"])
                        return header, run, q
                except (ValueError, TraceError):
                    pass
        q += 1


def _decode_header(text: bytes) -> dict:
    """The JSON header as a dict, checked against the schema the Swift reader decodes
    (TraceHeader, RunDescription); ValueError naming the field otherwise."""
    def no_constant(name):
        raise ValueError(f"{name} is not JSON")
    try:
        header = json.loads(text.decode("utf-8"), parse_constant=no_constant)
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8: {e}") from None
    except RecursionError:
        raise ValueError("nested too deeply") from None

    def need(obj, key, where, check, expected):
        if not isinstance(obj, dict):
            raise ValueError(f"{where or 'the header'}: expected an object")
        name = f"{where}.{key}" if where else key
        if key not in obj:
            raise ValueError(f"{name}: missing")
        if not check(obj[key]):
            raise ValueError(f"{name}: expected {expected}, found {json.dumps(obj[key])[:40]}")
        return obj[key]

    def integer(lo, hi):
        return lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi

    text_ok = lambda v: isinstance(v, str)
    texts_ok = lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v)
    any_int = integer(-(1 << 63), (1 << 63) - 1)
    need(header, "format", "", text_ok, "a string")
    need(header, "version", "", any_int, "an integer")
    need(header, "recordSize", "", any_int, "an integer")
    need(header, "streams", "", texts_ok, "a list of strings")
    run = need(header, "run", "", lambda v: isinstance(v, dict), "an object")
    for key in ("modelName", "modelSource", "timeUnit"):
        need(run, key, "run", text_ok, "a string")
    need(run, "seed", "run", integer(0, _U64_MAX), "an integer 0 ... 2^64 - 1")
    for key in ("phases", "metrics"):
        need(run, key, "run", texts_ok, "a list of strings")
    populations = need(run, "populations", "run", lambda v: isinstance(v, list), "a list")
    for k, p in enumerate(populations):
        where = f"run.populations[{k}]"
        need(p, "name", where, text_ok, "a string")
        need(p, "model", where, text_ok, "a string")
        need(p, "firstID", where, integer(0, _ID_SPACE - 1), "an integer 0 ... 2^32 - 1")
        need(p, "size", where, any_int, "an integer")
    return header


def _validate_header(header, path, file_version):
    """What readers rely on (TraceHeader.validate): format name, version, record size,
    populations with unique names and disjoint id ranges inside the 32-bit id space."""
    def invalid(field_path, expected, found):
        return TraceError(f"'{path}' has an invalid header: {field_path} is {found}, expected {expected}")
    if header["format"] != "reverie-trace":
        raise invalid("format", '"reverie-trace"', f'"{header["format"]}"')
    if header["version"] != file_version:
        raise invalid("version", f"{file_version}, the file's format version", header["version"])
    if header["recordSize"] != RECORD.itemsize:
        raise invalid("recordSize", RECORD.itemsize, header["recordSize"])
    populations = header["run"]["populations"]
    names = set()
    for k, p in enumerate(populations):
        if not (0 <= p["size"] <= _ID_SPACE - p["firstID"]):
            raise invalid(f"run.populations[{k}].size",
                          f"0 ... {_ID_SPACE - p['firstID']} (ids firstID ..< firstID + size fit in 32 bits)", p["size"])
        if p["name"] in names:
            raise invalid(f"run.populations[{k}].name", "a unique population name", f"a second '{p['name']}'")
        names.add(p["name"])
    ranges = sorted(((k, p) for k, p in enumerate(populations) if p["size"] > 0), key=lambda e: e[1]["firstID"])
    for (_, a), (k, b) in zip(ranges, ranges[1:]):
        if a["firstID"] + a["size"] > b["firstID"]:
            raise invalid(f"run.populations[{k}].firstID", f"ids disjoint from population '{a['name']}' "
                          f"({a['firstID']} ..< {a['firstID'] + a['size']})", b["firstID"])


# Chunks.

def _chunk_header(data, pos):
    """``(type, count, payload_crc, first, run)`` if a valid chunk header (magic, known
    type, header CRC) starts at ``pos``, else None."""
    if pos + CHUNK_HEADER_SIZE > len(data):
        return None
    magic, kind, count, payload_crc, first, run, crc = _CHUNK_HEADER.unpack_from(data, pos)
    if magic != CHUNK_MAGIC or kind not in (RECORDS, END, HEADER_COPY, WEIGHT_GRID, WEIGHT_PAIRS) \
            or zlib.crc32(data[pos:pos + 28]) != crc:
        return None
    return kind, count, payload_crc, first, run


def _next_chunk_header(data, search, start):
    """The first offset at or after ``start`` holding a valid chunk header, or the file size."""
    size, q = len(data), max(start, 0)
    while q + CHUNK_HEADER_SIZE <= size:
        k = search.find(CHUNK_MAGIC, q)
        if k < 0 or k + CHUNK_HEADER_SIZE > size:
            break
        if _chunk_header(data, k) is not None:
            return k
        q = k + 1
    return size


def _payload_size(kind, count):
    """Payload bytes of a chunk (TraceChunkHeader.payloadSize)."""
    if kind == END:
        return 0
    if kind in (WEIGHT_GRID, WEIGHT_PAIRS):
        return (32 + count * (8 if kind == WEIGHT_GRID else 16) + 31) // 32 * 32
    return count * RECORD.itemsize


_WEIGHT_BLOCK = struct.Struct("<dIIIIII")   # time count layout preFirst preCount postFirst postCount


def _weight_records(payload, count, grid):
    """The ``count`` weight records of a weight snapshot's payload
    (Sources/ReverieTraces/TraceWeightBlock.swift), or None if it is not a valid block."""
    time, n, layout, pre0, npre, post0, npost = _WEIGHT_BLOCK.unpack_from(bytes(payload[:32]))
    if not np.isfinite(time) or n != count or n == 0 or layout != (1 if grid else 0):
        return None
    used = 32 + n * (8 if grid else 16)
    if payload[used:].any():
        return None
    out = np.zeros(n, RECORD)
    out["time"], out["kind"] = time, WEIGHT
    if grid:
        if npre == 0 or npost == 0 or npre * npost != n or pre0 + npre > _ID_SPACE or post0 + npost > _ID_SPACE:
            return None
        k = np.arange(n, dtype=np.int64)
        out["unit"], out["aux"] = pre0 + k // npost, post0 + k % npost
        out["value"] = payload[32:used].view("<f8")
    else:
        if pre0 or npre or post0 or npost:
            return None
        ids = payload[32:32 + 8 * n].view("<u4").reshape(n, 2)
        out["unit"], out["aux"] = ids[:, 0], ids[:, 1]
        out["value"] = payload[32 + 8 * n:used].view("<f8")
    return out


def _valid_records(payload):
    """Every record has a known kind, zero padding and a finite time."""
    rows = payload.reshape(-1, RECORD.itemsize)
    kinds = rows[:, 24]
    return bool(((kinds >= STATE) & (kinds <= ASSIGN)).all() and not rows[:, 25:].any()
                and np.isfinite(payload.view(RECORD)["time"]).all())


class _RecordRanges:
    """Record indices kept as sorted, disjoint, non-adjacent half-open ranges (as
    Sources/ReverieTraces/RecordRanges.swift): what was read, to tell repeated
    records from missing ones."""

    def __init__(self):
        self.lows, self.highs = [], []

    def overlaps(self, lo, hi):
        k = bisect.bisect_right(self.highs, lo)
        return k < len(self.lows) and self.lows[k] < hi

    def contains(self, lo, hi):
        k = bisect.bisect_right(self.highs, lo)
        return k < len(self.lows) and self.lows[k] <= lo and hi <= self.highs[k]

    def insert(self, lo, hi):
        """Adds ``lo ..< hi``, merging the ranges it overlaps or touches."""
        if lo >= hi:
            return
        k = bisect.bisect_right(self.highs, lo)
        if k > 0 and self.highs[k - 1] == lo:
            k -= 1
        j = k
        while j < len(self.lows) and self.lows[j] <= hi:
            lo, hi = min(lo, self.lows[j]), max(hi, self.highs[j])
            j += 1
        self.lows[k:j], self.highs[k:j] = [lo], [hi]

    def union(self, other):
        out = _RecordRanges()
        for lo, hi in [*zip(self.lows, self.highs), *zip(other.lows, other.highs)]:
            out.insert(lo, hi)
        return out

    def gaps(self, lo, hi):
        """The parts of ``lo ..< hi`` not in the set, in order."""
        out, at = [], lo
        for a, b in zip(self.lows, self.highs):
            if b <= at:
                continue
            if a >= hi:
                break
            if a > at:
                out.append((at, a))
            at = b
        if at < hi:
            out.append((at, hi))
        return out


class _Scan:
    """One pass over the chunks, with the decisions of TraceFile.scan in the same order."""

    def __init__(self, data, search, run_tag, damage):
        self.data, self.search, self.run_tag = data, search, run_tag
        self.chunks, self.damage = [], damage
        self.complete, self.declared, self.seen = False, None, 0

    def report(self, kind, offset, **detail):
        """Adds a problem; consecutive foreign chunks of one run, and repeats continuing
        the previous repeat, become one."""
        if self.damage and self.damage[-1].offset <= offset and self.damage[-1].kind == kind:
            last = self.damage[-1]
            if kind == "foreign-chunks" and last.detail["run"] == detail["run"]:
                self.damage[-1] = _damage(kind, last.offset, count=last.detail["count"] + detail["count"],
                                          records=last.detail["records"] + detail["records"], run=detail["run"])
                return
            if kind == "duplicate-records" and last.detail["to"] == detail["from"]:
                self.damage[-1] = _damage(kind, last.offset, **{"from": last.detail["from"], "to": detail["to"]})
                return
        self.damage.append(_damage(kind, offset, **detail))

    def next_header(self, start):
        return _next_chunk_header(self.data, self.search, start)

    def run(self, pos):
        data, size, hs = self.data, len(self.data), CHUNK_HEADER_SIZE
        found = []
        covered = _RecordRanges()
        accounted = _RecordRanges()   # records of damaged chunks whose chunk headers verified: reported already
        highest, end_offset = 0, None
        after_end = {"chunks": 0, "records": 0, "offset": 0}
        first_offset = {}
        while pos < size:
            h = _chunk_header(data, pos)
            if h is None:
                if size - pos < hs and CHUNK_MAGIC.startswith(bytes(data[pos:pos + 4])):
                    self.report("truncated", pos, missing_bytes=hs - (size - pos))
                    break
                nxt = self.next_header(pos + 1)
                if nxt - pos >= len(FILE_MAGIC) and bytes(data[pos:pos + len(FILE_MAGIC)]) == FILE_MAGIC:
                    self.report("another-trace", pos, count=nxt - pos)
                elif self.complete and nxt == size:
                    self.report("trailing-bytes", pos, count=nxt - pos)
                else:
                    self.report("unreadable-bytes", pos, count=nxt - pos)
                pos = nxt
                continue
            kind, count, payload_crc, first, run = h
            body = pos + hs
            end = body + _payload_size(kind, count)
            fits = end <= size
            intact = fits and zlib.crc32(data[body:end]) == payload_crc

            def resume():
                # After an unusable chunk: its end if a chunk header (or the end of the file)
                # is there, else the next valid chunk header (bytes were lost or inserted).
                if fits and (end == size or _chunk_header(data, end) is not None):
                    return end
                return self.next_header(pos + 1)

            if run != self.run_tag:
                self.report("foreign-chunks", pos, count=1, records=count if kind in _HOLDS_RECORDS else 0, run=run)
                pos = end if intact else resume()
                continue
            if kind in _HOLDS_RECORDS:
                self.seen += 1
            index = self.seen - 1
            if not intact:
                nxt = resume()
                if not fits and nxt == size:
                    self.report("truncated", pos, missing_bytes=end - size)
                    break
                if kind in _HOLDS_RECORDS:
                    self.report("payload-checksum", pos, chunk=index, records=count)
                    if first + count <= _U64_MAX:
                        accounted.insert(first, first + count)
                elif kind == HEADER_COPY:
                    self.report("header-copy-checksum", pos)
                else:
                    self.report("unreadable-bytes", pos, count=nxt - pos)
                pos = nxt
                continue
            at, pos = pos, end
            if kind == HEADER_COPY:
                continue
            if kind == END:
                if self.complete:
                    self.report("extra-end-marker", at, declared=first)
                else:
                    self.complete, self.declared, end_offset = True, first, at
                continue
            last = first + count
            if last > _U64_MAX:
                self.report("index-overflow", at, chunk=index)
                continue
            payload = data[body:end]
            records = (payload.view(RECORD) if _valid_records(payload) else None) if kind == RECORDS \
                else _weight_records(payload, count, kind == WEIGHT_GRID)
            if records is None:
                self.report("invalid-records", at, chunk=index)
                accounted.insert(first, last)
                continue
            if count == 0:
                continue
            if covered.overlaps(first, last):
                self.report("duplicate-records" if covered.contains(first, last) else "overlapping-records", at,
                            **{"from": first, "to": last})
                continue
            if first < highest:
                self.report("out-of-order", at, **{"from": first, "to": last})
            if self.complete:
                if after_end["chunks"] == 0:
                    after_end["offset"] = at
                after_end["chunks"] += 1
                after_end["records"] += count
            covered.insert(first, last)
            highest = max(highest, last)
            first_offset[first] = at
            found.append(Chunk(index, body, first, records))
        if after_end["chunks"]:
            self.report("after-end-marker", after_end["offset"], chunks=after_end["chunks"], records=after_end["records"])
        if self.declared is not None and self.declared < highest:
            self.report("end-marker-mismatch", size if end_offset is None else end_offset,
                        declared=self.declared, found=highest)
        fallback = size if end_offset is None else end_offset
        for a, b in covered.union(accounted).gaps(0, max(self.declared or 0, highest)):
            self.report("missing-records", first_offset.get(b, fallback), **{"from": a, "to": b})
        if not self.complete:
            self.report("no-end-marker", size)
        self.chunks = sorted(found, key=lambda c: c.first)
        self.damage.sort(key=lambda d: d.offset)
