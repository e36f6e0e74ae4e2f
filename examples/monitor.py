#!/usr/bin/env python3
"""Minimal external monitor for a Reverie stream (pyzmq + numpy).

    reverie run models/hopfield-hebbian.yaml --publish tcp://127.0.0.1:5556 --wait-subscribers 1 &
    python3 examples/monitor.py tcp://127.0.0.1:5556

Messages are [topic, header, payload] (traces/FORMAT.md section 4): the header is
version u32, count u32, seq u64, first u64; the payload holds `count` 32-byte records.
Prints records/s and sequence gaps once a second; exits at the end of the run.
--save FILE writes every received record (a numpy structured array, .npy) and
--frames FILE every record message (topic, header, payload) for byte comparisons.
"""
import argparse, json, pickle, sys, time

import numpy as np
import zmq

REC = np.dtype([("time", "<f8"), ("value", "<f8"), ("unit", "<u4"), ("aux", "<u4"), ("kind", "u1"), ("pad", "V7")])
HEADER = np.dtype([("version", "<u4"), ("count", "<u4"), ("seq", "<u8"), ("first", "<u8")])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("endpoint")
    ap.add_argument("--save", help="write all received records to this .npy file")
    ap.add_argument("--frames", help="write all record messages (pickled list of frame triples) to this file")
    ap.add_argument("--timeout", type=float, default=60, help="give up after this many seconds without a message")
    ap.add_argument("--quiet", action="store_true", help="print only the final JSON summary")
    args = ap.parse_args()

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 100000)
    sub.setsockopt(zmq.RCVTIMEO, int(args.timeout * 1000))
    sub.connect(args.endpoint)
    sub.setsockopt(zmq.SUBSCRIBE, b"rv.")

    run, end = None, None
    parts, frames = [], []
    expected = {}  # topic -> (seq, first) of the next message
    gaps = lost = records = messages = 0
    started = last = None
    window = 0
    try:
        while end is None:
            topic, header, payload = sub.recv_multipart()
            now = time.perf_counter()
            started = started or now
            messages += 1
            if topic == b"rv.run":
                run = json.loads(payload)["run"]
                continue
            if topic == b"rv.end":
                end = json.loads(payload)
                continue
            h = np.frombuffer(header, HEADER)[0]
            seq, first, count = int(h["seq"]), int(h["first"]), int(h["count"])
            if topic in expected and seq > expected[topic][0]:
                gaps += seq - expected[topic][0]
                lost += first - expected[topic][1]
            expected[topic] = (seq + 1, first + count)
            records += count
            window += count
            if args.save:
                parts.append(np.frombuffer(payload, REC).copy())
            if args.frames:
                frames.append((topic, header, payload))
            if not args.quiet and (last is None or now - last >= 1):
                r = np.frombuffer(payload, REC)
                print(f"{records} records, {window / max(now - (last or started), 1e-9):.3g} records/s, "
                      f"gaps {gaps} ({lost} records), t = {r['time'][-1]:.6g}", flush=True)
                last, window = now, 0
    except zmq.Again:
        print(f"no message for {args.timeout} s", file=sys.stderr)
    finally:
        sub.close()
        ctx.term()

    seconds = time.perf_counter() - started if started else 0.0
    if args.save:
        np.save(args.save, np.concatenate(parts) if parts else np.zeros(0, REC))
    if args.frames:
        with open(args.frames, "wb") as f:
            pickle.dump(frames, f)
    print(json.dumps({"model": run and run["modelName"], "messages": messages, "records": records,
                      "gap_messages": gaps, "gap_records": lost, "seconds": seconds,
                      "records_per_second": records / seconds if seconds > 0 else 0.0,
                      "ended": end is not None, "end": end}))
    return 0 if end is not None else 1


if __name__ == "__main__":
    sys.exit(main())
