#!/usr/bin/env python3
"""Peer for `reverie bench relax`: a straightforward numpy implementation of
zero-temperature random-sequential relaxation with incremental local fields.

J = (1/N) xi^T xi with zero diagonal, P = alpha*N random patterns. Each
relaxation starts from a uniformly random +-1 state, computes h = J s once, then
sweeps units in a fresh random permutation; an unstable unit (s_i h_i < 0) flips
and every field is updated with h += J[:, i] * (2 s_i): O(N) per flip. It stops
after a sweep with no flip. Prints one JSON line with the timing.
"""
import argparse
import json
import time

import numpy as np


def relax(J, s, rng):
    h = J @ s
    n = len(s)
    flips = 0
    while True:
        changed = False
        for i in rng.permutation(n):
            if s[i] * h[i] < 0:
                s[i] = -s[i]
                h += (2.0 * s[i]) * J[i]  # J is symmetric: row i is column i
                flips += 1
                changed = True
        if not changed:
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
    total_flips = 0
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(a.relaxations):
        s = rng.choice([-1.0, 1.0], size=a.n)
        total_flips += relax(J, s, rng)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    print(json.dumps({"n": a.n, "relaxations": a.relaxations,
                      "ms_per_relaxation": dt * 1000 / a.relaxations,
                      "cpu_ms_per_relaxation": cpu * 1000 / a.relaxations,
                      "flips_per_relaxation": total_flips / a.relaxations}))


if __name__ == "__main__":
    main()
