#!/usr/bin/env python3
"""Peer for `reverie-bench relax`: the numpy peer's relaxation (peers/numpy/relax.py)
in one numba `@njit` loop (float64, single-threaded, no fastmath).

J = (1/N) ξᵀξ with zero diagonal, P = αN random patterns. Each relaxation starts
from a uniformly random ±1 state, computes h = J s once (a sum of rows, J
symmetric), then sweeps the units in a fresh in-place shuffle; an unstable unit
(s_i h_i < 0) flips and h += 2 s_i J[i, :]. It stops after a sweep with no flip.
Compilation is done (and excluded from the timing) before the run. Prints one JSON
line with the timing, as the numpy peer.
"""
import argparse
import json
import time

import numpy as np
from numba import njit

from dynamics import fields, random_spins, relax, seed_numba


@njit(cache=False)
def relaxations(J, count):
    """`count` relaxations from random starts; returns the flips."""
    n = J.shape[0]
    s = np.empty(n)
    h = np.empty(n)
    order = np.arange(n)
    flips = 0
    for _ in range(count):
        random_spins(s)
        fields(J, s, h)
        flips += relax(J, s, h, order)
    return flips


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--relaxations", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    p = max(1, int(a.alpha * a.n))
    xi = rng.choice([-1.0, 1.0], size=(p, a.n))
    J = xi.T @ xi / a.n
    np.fill_diagonal(J, 0.0)
    seed_numba(a.seed)
    relaxations(np.ascontiguousarray(J[:8, :8]), 1)  # compiles
    seed_numba(a.seed)
    t0, c0 = time.perf_counter(), time.thread_time()
    flips = relaxations(J, a.relaxations)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    print(json.dumps({"n": a.n, "relaxations": a.relaxations,
                      "ms_per_relaxation": dt * 1000 / a.relaxations,
                      "cpu_ms_per_relaxation": cpu * 1000 / a.relaxations,
                      "flips_per_relaxation": flips / a.relaxations}))


if __name__ == "__main__":
    main()
