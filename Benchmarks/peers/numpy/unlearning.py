#!/usr/bin/env python3
"""Reference Hebbian unlearning in numpy (docs/science.md §3), for `reverie bench unlearning`.

Hebbian storage J = (1/N) ξᵀξ with J_ii = 0, then dreams: a uniformly random ±1
start, random-sequential zero-temperature relaxation (fresh permutation per sweep,
s_i ← sign(h_i), keeping s_i when h_i = 0) with incremental fields
(h += 2 s_i J[:, i] on a flip) until a sweep flips nothing, then the anti-Hebbian
step J -= (ε/N) s sᵀ with J_ii = 0. Every `measure_every` dreams it checks whether
all patterns are fixed points (min_i ξ_i h_i(ξ) > 0) and stops at the first D
where they are (D_in).

Prints one JSON line: {"N", "alpha", "epsilon", "dreams", "d_in", "seconds" (wall),
"cpu_seconds" (this thread), "seconds_per_dream" (wall), "flips"}.
"""
import argparse
import json
import time

import numpy as np


def relax(J, s, h, rng):
    """Zero-temperature random-sequential relaxation to a fixed point; returns flips."""
    n = s.shape[0]
    flips = 0
    while True:
        changed = 0
        for i in rng.permutation(n):
            hi = h[i]
            if s[i] * hi < 0:
                s[i] = -s[i]
                h += (2.0 * s[i]) * J[:, i]
                changed += 1
        flips += changed
        if changed == 0:
            return flips


def all_stable(J, xi):
    return bool(np.all(xi * (xi @ J) > 0))


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

    t0, c0 = time.perf_counter(), time.thread_time()
    d = 0
    d_in = None
    flips = 0
    while d < a.max_dreams:
        s = rng.choice([-1.0, 1.0], size=n)
        h = J @ s
        flips += relax(J, s, h, rng)
        J -= c * np.outer(s, s)
        np.fill_diagonal(J, 0.0)
        d += 1
        if not a.no_stop and d % a.measure_every == 0 and all_stable(J, xi):
            d_in = d
            break
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    print(json.dumps({"N": n, "alpha": a.alpha, "epsilon": a.epsilon, "dreams": d, "d_in": d_in,
                      "seconds": dt, "cpu_seconds": cpu, "seconds_per_dream": dt / max(d, 1), "flips": flips}))


if __name__ == "__main__":
    main()
