"""Subscribing to a live run (``reverie run --publish``, ``reverie replay``) with pyzmq.

Every message is three frames (traces/FORMAT.md §4): the topic (``rv.spike``, …,
``rv.run``, ``rv.end``), a 24-byte header (version u32, count u32, seq u64, first
u64) and the payload: ``count`` 32-byte records, or the run's JSON header for
``rv.run``, or JSON totals for ``rv.end``. A gap in ``seq`` on a topic means messages
were dropped; ``first`` says how many records.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import numpy as np

from .traces import RECORD

HEADER = np.dtype([("version", "<u4"), ("count", "<u4"), ("seq", "<u8"), ("first", "<u8")])


@dataclass(frozen=True)
class Batch:
    """One message: ``records`` (a structured array of RECORD) for record topics,
    ``info`` (the decoded JSON) for ``rv.run`` and ``rv.end``; ``lost`` counts the
    records of this topic missed since the previous message on it."""
    topic: str
    seq: int
    first: int
    records: Optional[np.ndarray] = None
    info: Optional[dict] = None
    lost: int = 0


def subscribe(endpoint: str, topics: Iterable[str] = ("rv.",), timeout: float = 60.0,
              receive_hwm: int = 100_000, until_end: bool = True) -> Iterator[Batch]:
    """Yields the messages published on ``endpoint`` as ``Batch``es, in arrival order,
    until ``rv.end`` (included) when ``until_end``. Raises TimeoutError after
    ``timeout`` seconds without a message. Concatenating the ``records`` of a
    subscription to ``rv.`` gives the record sequence of the run's trace."""
    import zmq

    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.RCVHWM, receive_hwm)
    socket.setsockopt(zmq.RCVTIMEO, int(timeout * 1000))
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(endpoint)
    for t in topics:
        socket.setsockopt(zmq.SUBSCRIBE, t.encode())
    expected = {}
    try:
        while True:
            try:
                frames = socket.recv_multipart()
            except zmq.Again:
                raise TimeoutError(f"no message from {endpoint} for {timeout} s") from None
            if len(frames) != 3 or len(frames[1]) != HEADER.itemsize:
                raise ValueError(f"{endpoint}: malformed message ({len(frames)} frames)")
            topic = frames[0].decode("ascii", "replace")
            h = np.frombuffer(frames[1], HEADER)[0]
            if int(h["version"]) != 1:
                raise ValueError(f"{endpoint}: stream version {int(h['version'])}; this reader reads version 1")
            seq, first, count = int(h["seq"]), int(h["first"]), int(h["count"])
            if topic in ("rv.run", "rv.end"):
                batch = Batch(topic, seq, first, info=json.loads(frames[2]))
            else:
                records = np.frombuffer(frames[2], RECORD, count)
                lost = first - expected.get(topic, first)
                expected[topic] = first + count
                batch = Batch(topic, seq, first, records=records, lost=max(lost, 0))
            yield batch
            if until_end and topic == "rv.end":
                return
    finally:
        socket.close(0)
        context.term()


def collect(endpoint: str, **options) -> tuple:
    """Subscribes until the end of the run: ``(run header, records, end totals, lost)``."""
    run, end, parts, lost = None, None, [], 0
    for b in subscribe(endpoint, **options):
        if b.topic == "rv.run":
            run = b.info
        elif b.topic == "rv.end":
            end = b.info
        else:
            parts.append(b.records)
            lost += b.lost
    return run, (np.concatenate(parts) if parts else np.empty(0, RECORD)), end, lost
