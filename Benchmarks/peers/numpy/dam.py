#!/usr/bin/env python3
"""Peer for `reverie-bench dam`: a vectorised numpy dense associative memory
(docs/science.md §7), E = -sum_mu F(c xi^mu . s), c = beta/N, F(x) = x^n.

capacity: for each K, K random +-1 memories; for `probes` of them, count the
unstable units at the memory itself (all brackets at once from the overlaps:
b = s * sum_mu A(m_mu) + xi^T B(m)), then flip round(rho N) units and relax
with zero-temperature random-sequential sweeps until a sweep flips nothing. The
sweep keeps the overlaps m = xi s and every bracket current: a flip of unit i
updates m += 2 s_i xi[:, i] and recomputes A, B and b = s sum(A) + xi^T B (one
matrix-vector product), and the next unstable unit of the sweep's permutation is
found with one vectorised search.

epoch: one epoch of Krotov-Hopfield training (loss sum (tanh z_d - t_d)^2, the
label units trained; momentum, steps normalised by each memory's largest
component, clamp), vectorised over the minibatch, on a pattern file of items.

Prints one JSON line with CPU and wall times.
"""
import argparse
import json
import time

import numpy as np


def published(m, c, n):
    f = (c * m) ** n
    dp = f - (c * (m - 2)) ** n
    dm = f - (c * (m + 2)) ** n
    return (dp + dm) / 2, (dp - dm) / 2


def brackets(xi, s, m, c, n):
    a, b = published(m, c, n)
    return s * a.sum() + xi.T @ b


def relax(xi, s, c, n, rng):
    m = xi @ s
    h = brackets(xi, s, m, c, n)
    flips = 0
    while True:
        order = rng.permutation(len(s))
        pos = 0
        flipped = False
        while True:
            unstable = np.flatnonzero(s[order[pos:]] * h[order[pos:]] < 0)
            if len(unstable) == 0:
                break
            pos += unstable[0]
            i = order[pos]
            s[i] = -s[i]
            m += (2 * s[i]) * xi[:, i]
            h = brackets(xi, s, m, c, n)
            flips += 1
            flipped = True
            pos += 1
        if not flipped:
            return flips


def capacity(a, rng):
    flips = relaxations = unstable = 0
    t0, c0 = time.perf_counter(), time.thread_time()
    for k in a.memories:
        xi = rng.choice([-1.0, 1.0], size=(k, a.n_units))
        c = a.beta / a.n_units
        probes = rng.choice(k, size=min(a.probes, k), replace=False)
        for nu in probes:
            s = xi[nu].copy()
            unstable += int(np.sum(s * brackets(xi, s, xi @ s, c, a.degree) < 0))
            flip = rng.choice(a.n_units, size=int(round(a.rho * a.n_units)), replace=False)
            s[flip] = -s[flip]
            flips += relax(xi, s, c, a.degree, rng)
            relaxations += 1
    return {"cpu_s": time.thread_time() - c0, "wall_s": time.perf_counter() - t0,
            "relaxations": relaxations, "flips_per_relaxation": flips / max(relaxations, 1), "unstable_bits": unstable}


def epoch(a, rng):
    rows = [l.split() for l in open(a.items) if l.strip() and not l.startswith("#")]
    x = np.where(np.array(rows, dtype=float) > 0, 1.0, -1.0)
    count, units = x.shape
    labels = np.arange(units - a.labels, units)
    xi = np.clip(0.1 * rng.standard_normal((a.k, units)), -1, 1)
    v = np.zeros_like(xi)
    c = 1 / (a.temperature * units)
    n = a.degree
    t0, c0 = time.perf_counter(), time.thread_time()
    order = rng.permutation(count)
    loss = 0.0
    for start in range(0, count, a.batch):
        batch = x[order[start:start + a.batch]]            # B x N
        m = xi @ batch.T                                    # K x B
        g = np.zeros_like(xi)
        w = np.zeros_like(m)
        for d in labels:
            s = batch[:, d]
            mp = c * (m + (1 - s) * xi[:, d:d + 1])
            mm = c * (m - (1 + s) * xi[:, d:d + 1])
            y = np.tanh(np.sum(mp ** n - mm ** n, axis=0))
            loss += np.sum((y - s) ** 2)
            e = 2 * (y - s) * (1 - y * y) * c
            fp, fm = n * mp ** (n - 1), n * mm ** (n - 1)
            w += e * (fp - fm)
            g[:, d] += np.sum(e * (fp * (1 - s) + fm * (1 + s)), axis=1)
        g += w @ batch
        v = a.momentum * v + g
        largest = np.maximum(np.abs(v).max(axis=1, keepdims=True), 1e-30)
        xi = np.clip(xi - a.lr * v / largest, -1, 1)
    return {"cpu_s": time.thread_time() - c0, "wall_s": time.perf_counter() - t0, "items": count,
            "loss": loss / (count * a.labels)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["capacity", "epoch"])
    ap.add_argument("--n-units", type=int, default=100)
    ap.add_argument("--degree", type=int, default=3)
    ap.add_argument("--beta", type=float, default=1.0)
    ap.add_argument("--memories", type=int, nargs="+", default=[400, 800])
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--rho", type=float, default=0.1)
    ap.add_argument("--items", default="data/digits/digits-train.txt")
    ap.add_argument("--labels", type=int, default=10)
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.6)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    print(json.dumps(capacity(a, rng) if a.what == "capacity" else epoch(a, rng)))


if __name__ == "__main__":
    main()
