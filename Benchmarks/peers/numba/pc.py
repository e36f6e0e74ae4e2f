#!/usr/bin/env python3
"""Peer for `reverie-bench pc --peers numba`: the predictive-coding network's Euler
recall (docs/science.md §5, `PCEulerIntegrator`) in one numba `@njit` loop (float64,
single-threaded, no fastmath), on the weights, biases and starts that Reverie trained
and drew, so that both sides relax the same network from the same states.

--input holds little-endian float64s: M (n × n, M[k, j] from value unit k to error
unit j), b (n), then `count` starts x (±1, n each). Each recall sets v = scale · x and
the errors at rest, e = Mᵀ tanh(v) − v − b, then takes `steps` synchronous steps

    e ← e + (dt/τ_e)(Mᵀ tanh(v) − v − b − e)
    v ← v + (dt/τ)(e − (1 − tanh²(v)) ⊙ (M e))

(every unit from the previous step's state). --output receives the final v of every
recall (count × n float64s). Compilation is done (and excluded from the timing) before
the run. Prints one JSON line with the timing.
"""
import argparse
import json
import time

import numpy as np
from numba import njit


@njit(cache=False)
def prediction(M, a, out):
    """out = Mᵀ a, row by row (k ascending), as Reverie's project."""
    n = a.shape[0]
    for j in range(n):
        out[j] = 0.0
    for k in range(n):
        ak = a[k]
        for j in range(n):
            out[j] += M[k, j] * ak


@njit(cache=False)
def recalls(M, b, starts, scale, steps, k, ke, finals):
    n = M.shape[0]
    a = np.empty(n)
    pred = np.empty(n)
    fb = np.empty(n)
    e = np.empty(n)
    v = np.empty(n)
    for r in range(starts.shape[0]):
        for i in range(n):
            v[i] = scale * starts[r, i]
            a[i] = np.tanh(v[i])
        prediction(M, a, pred)
        for j in range(n):
            e[j] = pred[j] - (v[j] + b[j])
        for _ in range(steps):
            for i in range(n):
                a[i] = np.tanh(v[i])
            prediction(M, a, pred)
            for q in range(n):
                acc = 0.0
                for j in range(n):
                    acc += M[q, j] * e[j]
                fb[q] = acc
            for i in range(n):
                ai = a[i]
                e_next = e[i] + ke * (pred[i] - v[i] - b[i] - e[i])
                v[i] = v[i] + k * (e[i] - (1 - ai * ai) * fb[i])
                e[i] = e_next
        for i in range(n):
            finals[r, i] = v[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--dt", type=float, required=True)
    ap.add_argument("--tau", type=float, required=True)
    ap.add_argument("--tau-e", type=float, required=True)
    ap.add_argument("--scale", type=float, required=True)
    a = ap.parse_args()
    n, count = a.n, a.count
    data = np.fromfile(a.input, dtype="<f8")
    if data.size != n * n + n + count * n:
        raise SystemExit(f"{a.input}: expected {n * n + n + count * n} float64s, found {data.size}")
    M = np.ascontiguousarray(data[:n * n].reshape(n, n))
    b = np.ascontiguousarray(data[n * n:n * n + n])
    starts = np.ascontiguousarray(data[n * n + n:].reshape(count, n))
    finals = np.empty((count, n))
    k, ke = a.dt / a.tau, a.dt / a.tau_e
    recalls(M[:4, :4].copy(), b[:4].copy(), starts[:1, :4].copy(), a.scale, 1, k, ke, np.empty((1, 4)))  # compiles
    t0, c0 = time.perf_counter(), time.thread_time()
    recalls(M, b, starts, a.scale, a.steps, k, ke, finals)
    seconds, cpu = time.perf_counter() - t0, time.thread_time() - c0
    finals.astype("<f8").tofile(a.output)
    print(json.dumps({"n": n, "recalls": count, "steps": a.steps, "seconds": seconds, "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
