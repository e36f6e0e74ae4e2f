"""Running a model from Python through the `reverie` executable.

`run()` starts ``reverie run MODEL --set k=v ... --out DIR --record DIR/trace.rvt`` as
a subprocess and reads back what it wrote: summary.json, one CSV per phase that has
a table, and the trace. A subprocess rather than an in-process C ABI: the simulator
keeps its own process (a crash, a trap or a long run cannot take the Python
interpreter down, Ctrl-C works, several runs can go in parallel), the files it
writes are the ones the CLI user gets (same bytes, same golden checksums), and the
package needs no compiled extension that would have to match the Swift toolchain.
The price is one process start (a few ms) and reading results from disk, which the
trace reader does memory-mapped.
"""
from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import tempfile
import weakref
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

import numpy as np

from .traces import Trace, read_trace


class ReverieError(RuntimeError):
    """The `reverie` executable failed; the message is its own error text."""

    def __init__(self, message, returncode=None, stdout="", stderr=""):
        super().__init__(message)
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def find_reverie() -> str:
    """The `reverie` executable: ``$REVERIE_BIN``; else ``reverie`` on PATH; else the
    newest of ``.build/release/reverie`` and ``.build/debug/reverie`` in the first
    enclosing Swift package (a directory with Package.swift) of the working directory
    or of this module's source."""
    env = os.environ.get("REVERIE_BIN")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise ReverieError(f"REVERIE_BIN={env} is not an executable file")
        return env
    on_path = shutil.which("reverie")
    if on_path:
        return on_path
    tried = []
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for d in (start, *start.parents):
            if (d / "Package.swift").is_file():
                builds = [d / ".build" / c / "reverie" for c in ("release", "debug")]
                tried += builds
                found = [b for b in builds if b.is_file() and os.access(b, os.X_OK)]
                if found:
                    return str(max(found, key=lambda b: b.stat().st_mtime))
                break
    where = ", ".join(map(str, tried)) or "no enclosing Swift package"
    raise ReverieError("cannot find the reverie executable: set REVERIE_BIN, put reverie on PATH, or build it "
                       f"with `swift build` in the repository (looked at {where})")


def format_override(key: str, value) -> str:
    """``key=value`` for ``--set``: booleans as true/false, numbers in full precision,
    lists and mappings as inline (flow) YAML, strings as given."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"--set {key}: {value} is not a finite number")
        text = repr(float(value))
    elif isinstance(value, (list, tuple, dict)):
        text = json.dumps(value)
    else:
        text = str(value)
    return f"{key}={text}"


def read_table(path) -> np.ndarray:
    """A CSV written by `reverie run --out` as a structured array whose fields are the
    CSV's columns (exact names): integers as int64, other numbers as float64, text as str."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return np.empty(0)
    names, body = rows[0], rows[1:]
    columns = [[r[k] if k < len(r) else "" for r in body] for k in range(len(names))]
    fields, arrays = [], []
    for name, values in zip(names, columns):
        array = _column(values)
        fields.append((name, array.dtype))
        arrays.append(array)
    table = np.empty(len(body), dtype=fields)
    for (name, _), array in zip(fields, arrays):
        table[name] = array
    return table


def _column(values):
    try:
        return np.array([int(v) for v in values], dtype=np.int64)
    except ValueError:
        pass
    try:
        return np.array([float(v) for v in values], dtype=np.float64)
    except ValueError:
        return np.array(values, dtype=str)


class RunResult:
    """What a run produced.

    - ``summary``: summary.json as a dict;
    - ``phases``: phase name -> that phase's summary values (e.g. ``"exc.rate_hz"``);
    - ``tables``: phase name -> its CSV table as a numpy structured array;
    - ``trace``: the recorded trace (a ``Trace``), or None without ``record``;
    - ``out``: the output directory; ``stdout``: the printed summary; ``command``.
    """

    def __init__(self, out: Path, command, stdout, trace: Optional[Trace]):
        self.out, self.command, self.stdout, self.trace = out, command, stdout, trace
        summary_path = out / "summary.json"
        self.summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
        self.phases = {}
        for k, p in enumerate(self.summary.get("phases", [])):
            self.phases[p.get("name", f"phase-{k}")] = dict(p.get("summary", {}))
        self.tables = {name: read_table(out / f"{name}.csv") for name in self.phases
                       if (out / f"{name}.csv").is_file()}

    def __repr__(self):
        return f"<RunResult {self.summary.get('model', '?')}: phases {list(self.phases)}, out {str(self.out)!r}>"

    def value(self, key: str, phase: Optional[str] = None):
        """A phase summary value, from ``phase`` or else from the last phase that has ``key``."""
        if phase is not None:
            return self.phases[phase][key]
        for values in reversed(list(self.phases.values())):
            if key in values:
                return values[key]
        raise KeyError(f"no phase summary has {key!r} (phases: {', '.join(self.phases)})")


def run(model, set: Union[Mapping[str, object], Iterable[str], None] = None, seed: Optional[int] = None,
        out=None, record: Union[bool, str, Iterable[str], None] = "all", weights_every=None,
        binary: Optional[str] = None, timeout: Optional[float] = None, cwd=None) -> RunResult:
    """Runs the model file ``model`` and returns its results (a ``RunResult``).

    ``set``: overrides, ``{"populations[0].size": 800, ...}`` or ``["key=value", ...]``
    (models/README.md; the CLI's ``--set``). ``seed``: the run seed (default the file's).
    ``out``: directory for summary.json, the per-phase CSVs and trace.rvt (created; by
    default a temporary directory removed with the result). ``record``: the trace's
    streams, "all", a list such as ``["spikes", "phases"]``, or None/False for no trace.
    ``weights_every``: "phase" or an event count (``--weights-every``). ``binary``: the
    executable (default ``find_reverie()``). Raises ReverieError with the CLI's own
    message (it names the file, the field and what was expected) if the run fails.
    """
    exe = binary or find_reverie()
    keep = out is not None
    directory = Path(out) if keep else Path(tempfile.mkdtemp(prefix="reverie-run-"))
    directory.mkdir(parents=True, exist_ok=True)
    command = [exe, "run", os.fspath(model), *_override_args(set)]
    if seed is not None:
        command += ["--seed", str(int(seed))]
    command += ["--out", str(directory)]
    trace_path = directory / "trace.rvt"
    if record:
        streams = "all" if record is True else record if isinstance(record, str) else ",".join(record)
        command += ["--record", str(trace_path), "--record-streams", streams]
    if weights_every is not None:
        command += ["--weights-every", str(weights_every)]
    command.append("--quiet")
    try:
        p = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        _cleanup(directory, keep)
        raise ReverieError(f"reverie run {model} did not finish within {timeout} s") from e
    if p.returncode != 0:
        _cleanup(directory, keep)
        message = (p.stderr.strip() or p.stdout.strip() or "no message").removeprefix("Error: ")
        raise ReverieError(f"reverie run {model} failed (exit {p.returncode}): {message}",
                           p.returncode, p.stdout, p.stderr)
    trace = read_trace(trace_path) if record else None
    result = RunResult(directory, command, p.stdout, trace)
    if not keep:
        weakref.finalize(result, shutil.rmtree, str(directory), True)
    return result


def _override_args(overrides):
    if overrides is None:
        return []
    items = overrides.items() if isinstance(overrides, Mapping) else None
    args = []
    if items is not None:
        for key, value in items:
            args += ["--set", format_override(key, value)]
    else:
        for o in overrides:
            if not isinstance(o, str) or "=" not in o:
                raise ValueError(f"override {o!r}: expected 'key=value'")
            args += ["--set", o]
    return args


def _cleanup(directory, keep):
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
