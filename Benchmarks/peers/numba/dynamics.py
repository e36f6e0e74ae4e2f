"""The numba peers' shared loops: random starts, fields and the zero-temperature
random-sequential relaxation (docs/science.md §1), each an `@njit` function (float64,
no fastmath) that the peers' loops call (numba inlines nothing across them; the
calls cost nanoseconds against the O(N) work inside)."""
import numpy as np
from numba import njit


@njit(cache=False)
def seed_numba(seed):
    np.random.seed(seed)


@njit(cache=False)
def random_spins(s):
    for i in range(s.shape[0]):
        s[i] = 1.0 if np.random.random() < 0.5 else -1.0


@njit(cache=False)
def fields(J, s, h):
    """h = J s as a sum of rows (J symmetric): vectorizes without fastmath."""
    h[:] = 0.0
    for j in range(J.shape[0]):
        sj = s[j]
        for i in range(J.shape[1]):
            h[i] += sj * J[j, i]


@njit(cache=False)
def relax(J, s, h, order):
    """Sweeps in a fresh in-place shuffle until one flips nothing: s_i ← −s_i when
    s_i h_i < 0, then h += 2 s_i J[i, :] (J symmetric). Returns the flips."""
    n = J.shape[0]
    flips = 0
    while True:
        np.random.shuffle(order)
        changed = 0
        for k in range(n):
            i = order[k]
            if s[i] * h[i] < 0.0:
                s[i] = -s[i]
                two_s = 2.0 * s[i]
                row = J[i]
                for j in range(n):
                    h[j] += two_s * row[j]
                changed += 1
        flips += changed
        if changed == 0:
            return flips
