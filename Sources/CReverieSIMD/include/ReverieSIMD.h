#ifndef REVERIE_SIMD_H
#define REVERIE_SIMD_H
#include <stdint.h>

/// Delivers one state change to a dense row of targets:
///   h[k] += w[k] * d  for k < n,
/// and returns the change in the number of unstable targets, target k being
/// unstable when watched[k] * h[k] < 0 (watched[k] is its state, or 0 if clamped).
/// Uses AVX2 when the CPU has it; results are bit-identical either way (no FMA).
int64_t rv_fanout_dense(double *h, const double *w, const double *watched, double d, int64_t n);

/// h[k] += w[k] * d for k < n: delivery when no running count of unstable units is kept.
void rv_axpy(double *h, const double *w, double d, int64_t n);

/// Number of k < n with watched[k] * h[k] < 0 (unstable free units).
int64_t rv_count_unstable(const double *watched, const double *h, int64_t n);

/// h[k] += (r0[k] s0 + r1[k] s1) + (r2[k] s2 + r3[k] s3) for k < n: four
/// presynaptic rows per pass when fields are assembled from scratch.
void rv_accumulate4(double *h, const double *r0, const double *r1, const double *r2, const double *r3,
                    double s0, double s1, double s2, double s3, int64_t n);

/// One row of a rank-1 update that also projects the updated row on a state:
///   x = row[k] + u[k] * a;  row[k] = x;  h[k] += x * s   for k < n.
/// (Hebbian/anti-Hebbian pass of a dream, fused with the next start's fields.)
void rv_rank1_project(double *row, const double *u, double a, double *h, double s, int64_t n);

/// Forces the baseline (non-AVX2) loops when `on` is nonzero; for tests.
void rv_force_baseline(int on);

// Spiking (LIF) kernels.
/// Voltage-jump delivery of one spike arrival to the targets of a row (see
/// SpikingNetwork.deliver). For each k < n, unit i = base + targets[k]: if
/// u[i] >= theta it crossed threshold earlier and is written to late[] as i,
/// untouched; otherwise u[i] += jump and, if now u[i] >= theta, it is written
/// to late[] as ~i (it spikes at the arrival). Refractory units hold u = -inf
/// and stay so. Returns the number of entries written to late (at most n), in row order.
int64_t rv_lif_deliver(const uint32_t *targets, int64_t n, int64_t base, double jump, double theta,
                       double *u, int64_t *late);

/// Writes the indices k < n with u[k] > theta to out (ascending) and returns
/// how many there are: the units that reach threshold before the slot's end.
int64_t rv_find_above(const double *u, int64_t n, double theta, int64_t *out);

/// Hints that the cache line of *p will be needed soon (a row of synapses, a
/// unit's spike statistics), for scattered accesses the hardware cannot predict.
void rv_prefetch(const void *p);

#endif
