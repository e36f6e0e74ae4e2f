#!/usr/bin/env python3
"""Hebbian unlearning in numba (docs/science.md §3), for `reverie-bench unlearning`.

The same algorithm as peers/numpy/unlearning.py, written as a performance-minded
user would: one `@njit` (float64, single-threaded, no fastmath) loop over dreams with
preallocated buffers. Hebbian storage J = (1/N) ξᵀξ with J_ii = 0; each dream
starts from a uniformly random ±1 state, relaxes random-sequentially at zero
temperature (a fresh in-place shuffle per sweep; s_i ← −s_i when s_i h_i < 0, then
h += 2 s_i J[i, :], J symmetric) until a sweep flips nothing, and applies
J -= (ε/N) s sᵀ with J_ii = 0 in one pass over J that also computes the fields of the
next random start (as Reverie's engine does; separate passes are 10–25 % slower here). Every `measure_every` dreams it checks whether all
patterns are fixed points (ξ_i h_i(ξ) > 0 for all i) and stops at the first D where
they are (D_in). Compilation is done (and excluded from the timing) before the run.

Prints one JSON line: {"N", "alpha", "epsilon", "dreams", "d_in", "seconds" (wall),
"cpu_seconds" (this thread), "seconds_per_dream" (wall), "flips", "compile_seconds"}.
"""
import argparse
import json
import time

import numpy as np
from numba import njit

from dynamics import fields, random_spins, relax, seed_numba


@njit(cache=False)
def all_stable(J, xi):
    p, n = xi.shape
    h = np.empty(n)
    for mu in range(p):
        fields(J, xi[mu], h)
        for i in range(n):
            if xi[mu, i] * h[i] <= 0.0:
                return False
    return True


@njit(cache=False)
def dream_loop(J, xi, c, max_dreams, measure_every, stop):
    """Dreams until D_in (or max_dreams); returns (dreams, d_in or -1, flips)."""
    n = J.shape[0]
    s = np.empty(n)
    s0 = np.empty(n)
    h = np.zeros(n)
    order = np.arange(n)
    random_spins(s)
    fields(J, s, h)
    flips = 0
    d = 0
    while d < max_dreams:
        flips += relax(J, s, h, order)
        # J -= c s sᵀ (J_ii = 0) fused with h = J s0 for the next start s0: one pass over J
        # (the row is updated, then added to h while it is in cache).
        random_spins(s0)
        h[:] = 0.0
        for i in range(n):
            ci = c * s[i]
            row = J[i]
            for j in range(n):
                row[j] -= ci * s[j]
            row[i] = 0.0
            s0i = s0[i]
            for j in range(n):
                h[j] += s0i * row[j]
        s, s0 = s0, s
        d += 1
        if stop and d % measure_every == 0 and all_stable(J, xi):
            return d, d, flips
    return d, -1, flips


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--alpha", type=float, default=0.6)
    ap.add_argument("--epsilon", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--measure-every", type=int, default=250)
    ap.add_argument("--max-dreams", type=int, default=200000)
    ap.add_argument("--no-stop", action="store_true", help="run max-dreams dreams without checking")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    n = a.n
    p = int(round(a.alpha * n))
    xi = rng.choice([-1.0, 1.0], size=(p, n))
    J = xi.T @ xi / n
    np.fill_diagonal(J, 0.0)
    c = a.epsilon / n

    t0 = time.perf_counter()
    seed_numba(a.seed)
    Jw = np.ascontiguousarray(J[:8, :8])
    dream_loop(Jw, xi[:2, :8].copy(), c, 2, 1, True)  # compiles both functions
    compile_seconds = time.perf_counter() - t0

    seed_numba(a.seed)
    t0, c0 = time.perf_counter(), time.thread_time()
    d, d_in, flips = dream_loop(J, xi, c, a.max_dreams, a.measure_every, not a.no_stop)
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    print(json.dumps({"N": n, "alpha": a.alpha, "epsilon": a.epsilon, "dreams": d, "d_in": d_in if d_in >= 0 else None,
                      "seconds": dt, "cpu_seconds": cpu, "seconds_per_dream": dt / max(d, 1), "flips": flips,
                      "compile_seconds": compile_seconds}))


if __name__ == "__main__":
    main()
