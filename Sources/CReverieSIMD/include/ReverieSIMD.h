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

/// A rank-1 update of a dense m×n matrix w (row j at w + j n) that also sums the
/// updated rows against a state, in one pass over w:
///   x_jk = w_jk + u_k a_j;  w_jk = x_jk;  h_k += x_jk s_j   for j < m, k < n,
/// the rows taken in order j = 0, 1, … for every h_k (so h rounds as the row-by-row loop).
/// With skip_self (requires m == n) the diagonal is kept: x_jj = w_jj.
/// (The Hebbian/anti-Hebbian pass of a dream, fused with the next start's fields.)
void rv_rank1_project(double *w, int64_t m, int64_t n, const double *u, const double *a, const double *s, double *h,
                      int skip_self);

/// The fields of a state: h[k] += Σ_j w_jk x[j] for k < n over the rows j < m of a
/// dense m×n matrix (row j at w + j n), the rows added one by one in order j = 0, 1, …
/// (as the row-by-row loop rounds), four rows per pass over h.
void rv_project(const double *w, int64_t m, int64_t n, const double *x, double *h);

/// rv_project(w, m, n, x, h) and d[j] = Σ_k w_jk y[k] for every row j < m (each summed in
/// order k = 0, 1, …, as the row-by-row loop sums it), in one pass over w.
void rv_project_dots(const double *w, int64_t m, int64_t n, const double *x, const double *y, double *h, double *d);

/// Forces the baseline (non-AVX2) loops when `on` is nonzero; for tests.
void rv_force_baseline(int on);

// Spiking (LIF) kernels.
/// Voltage-jump delivery of one spike arrival to the targets of a row (see
/// SpikingNetwork.deliver). For each k < n, unit i = base + targets[k] with
/// weight w = weights[k] (or `weight` when weights is NULL): if u[i] >= theta
/// it crossed threshold earlier and k is written to late[], untouched;
/// otherwise u[i] += w * f and, if now u[i] >= theta, ~k is written to late[]
/// (it reached threshold at the arrival). Refractory units hold u = -inf and
/// stay so. Returns the number of entries written to late (at most n), in row order.
int64_t rv_lif_deliver(const uint32_t *targets, const float *weights, int64_t n, int64_t base, double weight, double f,
                       double theta, double *u, int64_t *late);

/// A spike arrival as the Swift `SpikeArrival` lays it out (a test checks the offsets).
typedef struct {
    double time, emitted;
    uint32_t sender, source, projection;
} rv_arrival;

/// What `rv_lif_deliver_arrivals` needs of a projection: its rows here (row_start per
/// source, targets NULL when it has no synapses here, weights NULL for one weight),
/// its target population's first unit, τ_m and V_th − V_∞; `jump` is 0 for a projection
/// it leaves to the caller (plastic, or onto lif-exp units).
typedef struct {
    const int64_t *row_start;
    const uint32_t *targets;
    const float *weights;
    int64_t base;
    double weight, tau_m, theta_scale;
    int64_t jump;
} rv_jump_route;

/// Late entries of rv_lif_deliver_arrivals for a target whose refractory period had
/// ended (u = -inf, time ≥ refractory_until) but whose reset is not restored yet.
static const int64_t RV_LATE_ENDED = (int64_t)1 << 62;

/// Voltage-jump delivery of arrivals a[from], a[from+1], … in order, as
/// SpikingNetwork.deliver does one at a time with rv_lif_deliver: for each,
/// f = exp((time − origin) / τ_m) (computed once for a run of arrivals with the same
/// time and τ_m) and theta = theta_scale · f; rows of later arrivals are prefetched.
/// A target that is refractory (u = -inf) stays so and, if its period has ended by the
/// arrival (time ≥ refractory_until[i]), k | RV_LATE_ENDED is written to late[]: the
/// caller restores its reset and delivers. It delivers a[from] unconditionally and
/// stops before the first later arrival that is not a jump route's or (when hold)
/// whose time differs from a[from]'s, and after the first arrival with late entries,
/// which are then in late[] (*late_count, in row order). Adds the synapses reached to
/// *events; returns the index of the first arrival not delivered.
int64_t rv_lif_deliver_arrivals(const rv_arrival *a, int64_t from, int64_t count, const rv_jump_route *routes,
                                double origin, int hold, double *u, const double *refractory_until, int64_t *late,
                                int64_t *late_count, int64_t *events);

/// Delivery through plastic synapses with pair STDP depression (see
/// SpikingNetwork.deliverPlastic). For each k < n, unit i = base + targets[k]:
/// if u[i] >= theta it crossed threshold earlier and k is written to late[]
/// untouched (the caller spikes it, then depresses and delivers); otherwise the
/// weight is depressed with the unit's trace y = post_trace[targets[k]] * y_scale,
///   additive: w - a_minus y,  multiplicative: w - a_minus (w / w_max) y,
/// kept in [0, w_max], then u[i] += w * f, and ~k is written to late[] if now
/// u[i] >= theta. Refractory units (u = -inf) are depressed but stay at -inf.
int64_t rv_lif_deliver_stdp(const uint32_t *targets, double *weights, int64_t n, int64_t base,
                            const double *post_trace, double y_scale, double a_minus, double w_max,
                            int multiplicative, double f, double theta, double *u, int64_t *late);

/// Writes the indices k < n with u[k] > theta to out (ascending) and returns
/// how many there are: the units that reach threshold before the slot's end.
int64_t rv_find_above(const double *u, int64_t n, double theta, int64_t *out);

/// Hints that the cache line of *p will be needed soon (a row of synapses, a
/// unit's spike statistics), for scattered accesses the hardware cannot predict.
/// Inline, so that a hint costs one instruction rather than a call.
static inline void rv_prefetch(const void *p) { __builtin_prefetch(p); }

/// Exponential-current (lif-exp) delivery of one spike arriving at time t to the
/// targets of a row (see SpikingNetwork.deliverCurrent). Unit i holds a scaled
/// membrane coefficient u[i] (-inf while refractory) and scaled currents xe[i],
/// xi[i]. coef has 21 values: {m0, m1, e0, e1, ep, i0, i1, ip} the factors of
/// the terms of V - V_inf at the interval's start, end and interior extremum;
/// {fxe, fxi, fae, fai} an input's factors; {dm0, dm1, de0, de1, dep, di0, di1,
/// dip} the same for the terms' slopes; and the interval's width. The bound of
/// V - V_inf on [slot start, t] is the smaller of
///   max(u m0, u m1) + max(xe e0, xe e1, xe ep) + max(xi i0, xi i1, xi ip)   and
///   u m0 + xe e0 + xi i0 + width max(0, max(u dm0, u dm1) + max(xe de0, …) + max(xi di0, …)).
/// For each k < n, i = base + targets[k], w = weights[k] (or `weight` when weights is NULL):
/// if the bound is >= theta, k is written to late[] untouched (it may have crossed
/// threshold before t: the caller decides exactly); otherwise the input is
/// applied, to the excitatory channel if w >= 0, else the inhibitory one:
///   xe[i] += w fxe, u[i] -= w fae  (or xi[i] += w fxi, u[i] -= w fai),  last[i] = t.
/// Returns the number of entries written to late, in row order.
int64_t rv_lifexp_deliver(const uint32_t *targets, const float *weights, int64_t n, int64_t base, double weight,
                          const double *coef, double theta, double t, double *u, double *xe, double *xi, double *last,
                          int64_t *late);

/// The bound of rv_lifexp_deliver for one unit.
double rv_lifexp_bound(double u, double xe, double xi, const double *coef);

/// Writes the k < n whose bound (as in rv_lifexp_deliver)
/// is >= theta to out (ascending) and returns how many: the units that may cross
/// threshold before the slot's end.
int64_t rv_lifexp_find(const double *u, const double *xe, const double *xi, int64_t n, const double *coef, double theta,
                       int64_t *out);

// MARK: Dreaming with a lazily applied low-rank update (docs/science.md §3)
//
// Pending dreams l < p (fixed points s*^l, not yet written into W) are kept as
// int8 states a[i * kmax + l] = s*^l_i, and their overlaps with the current state
// as integers q[l] = Σ_j s*^l_j s_j. The field of unit i under W + scale Σ_l s*^l s*^lᵀ
// (diagonal excluded with skip_self) is then
//     h_i = g_i + scale · (Σ_l a_il q_l − [skip_self] p s_i),
// with g = W s the field of the written weights: an integer times scale, one rounding.

/// One random-sequential sweep over order[from..<n] at zero temperature: a unit with
/// s_i h_i < 0 flips, g += (s_new − s_old) W[i, :] (as rv_axpy), q_l += a_il (s_new − s_old).
/// Returns the number of flips; *last is the position of the last flip (−1 if none) and,
/// unless flipped is null, flipped[0..<flips] the positions of the flips in order.
int64_t rv_dream_sweep(const double *w, int64_t n, const long *order, int64_t from, double *s, double *g,
                       const int8_t *a, int64_t kmax, int64_t p, long *q, double scale, int skip_self, long *flipped, long *last);

/// Number of units with s_i h_i < 0 under the corrected fields.
int64_t rv_dream_count_unstable(int64_t n, const double *s, const double *g, const int8_t *a, int64_t kmax, int64_t p,
                                const long *q, double scale, int skip_self);

/// Writes the p pending rank-1 updates into W and computes the fields of the m next
/// starts under the written weights, in one pass over W:
///   x_jk = (…((w_jk + u_0k a_0j) + u_1k a_1j) + …) + u_(p−1)k a_(p−1)j,   w_jk = x_jk,
///   h_tk = Σ_j x_jk s_tj (rows in order j = 0, 1, …)       for t < m,
/// with u[l * n + k], a[l * n + j], s[t * n + j], h[t * n + k] (h is overwritten). The
/// same bits as p calls of rv_rank1_project (for m = 1, p = 1 exactly its result). With
/// skip_self the diagonal is kept: x_jj = w_jj.
void rv_dream_flush(double *w, int64_t n, const double *u, const double *a, int64_t p, const double *s, int64_t m,
                    double *h, int skip_self);

// MARK: Dreaming with float couplings (half the bytes; fields stay double)

/// rv_dream_sweep with no pending step and float rows: g += d · (double)w[i, :].
int64_t rv_dream_sweep_f32(const float *w, int64_t n, const long *order, double *s, double *g, long *flipped, long *last);

/// The rank-1 pass on float couplings fused with the next start's fields:
///   x_jk = w_jk + (float)u_k · (float)a_j (float arithmetic; a_j = ±1),  w_jk = x_jk,
///   h_k = Σ_j (double)x_jk s_j   (rows in order; h is added to),
/// keeping w_jj with skip_self. AVX2 and baseline give the same bits.
void rv_rank1_project_f32(float *w, int64_t n, const double *u, const double *a, const double *s, double *h, int skip_self);

// MARK: Dreaming with exact integer couplings (docs/science.md §3)
//
// J = c K with K integer (c = ε/N): the Hebbian couplings (1/N) Σ_μ ξξᵀ are (1/ε) Σ_μ ξξᵀ
// units of c when 1/ε is an integer, and every anti-Hebbian step −c s*s*ᵀ is −1 unit. The
// fields in units of c, g = K s, are integers: every sum is exact, so the dynamics are
// those of the real-valued couplings, and the order of the additions is free. K is held
// in 32 bits (`_i32`) or, while |K| < 2¹⁵, in 16 (`_i16`); fields and stabilities in 32.

/// Starts a relaxation on integer couplings from state s (±1) and fields g = K s. A flip of
/// s_i adds 2 s_i' K_ki to g_k, so the parity p_k of g_k = 2 w_k + p_k holds for the whole
/// relaxation; the relaxation keeps h_k = w_k − [s_k < 0] q_k with q_k = 1 − p_k, for which
/// unit k is unstable (s_k g_k < 0) exactly when h_k < 0 differs from s_k < 0. Writes h, q,
/// the signs as bits neg[k / 64] bit k % 64 (s_k < 0) and the unstable set as bits likewise.
/// Returns how many are unstable.
int64_t rv_dream_begin_i32(int64_t n, const double *s, const int32_t *g, int32_t *h, int32_t *q, uint64_t *neg,
                           uint64_t *bits);

/// One random-sequential sweep over order[0..<n] at zero temperature on integer couplings:
/// the unstable units flip in position order (s_i negated, its neg bit toggled; h_k += s_i' K_ik
/// for every k, then h_i += s_i' q_i: g_k += 2 s_i' K_ik), each seeing the fields the flips
/// before it left, exactly as visiting every position would.
/// *unstable carries the size of the unstable set in and out; at (n entries) is scratch.
/// Row i of K starts at w + i · stride. Returns the flips; *last and flipped as rv_dream_sweep.
int64_t rv_dream_sweep_i32(const int32_t *w, int64_t n, int64_t stride, const long *order, long *at, double *s,
                           int32_t *h, const int32_t *q, uint64_t *neg, uint64_t *bits, int64_t *unstable, long *flipped,
                           long *last);

/// rv_dream_sweep_i32 with K in 16 bits (|K| < 2¹⁵), h in 32.
int64_t rv_dream_sweep_i16(const int16_t *w, int64_t n, int64_t stride, const long *order, long *at, double *s,
                           int32_t *h, const int32_t *q, uint64_t *neg, uint64_t *bits, int64_t *unstable, long *flipped,
                           long *last);

/// The anti-Hebbian step K_jk ← K_jk − a_j a_k (a = s*, ±1; K_jj kept with skip_self)
/// fused with the next start's fields h = K s (overwritten), in one pass over K (rows
/// `stride` apart; the columns n..<stride are not touched).
void rv_rank1_project_i32(int32_t *w, int64_t n, int64_t stride, const double *a, const double *s, int32_t *h,
                          int skip_self);

/// rv_rank1_project_i32 with K in 16 bits; the caller keeps |K| < 2¹⁵ after the step. With
/// a stride that is a multiple of 16 every row has the first one's alignment.
void rv_rank1_project_i16(int16_t *w, int64_t n, int64_t stride, const double *a, const double *s, int32_t *h,
                          int skip_self);

/// max_k |w_k|.
int64_t rv_max_abs_i16(const int16_t *w, int64_t count);

/// Fisher–Yates shuffle of a[0..<n] with the xoshiro256** stream whose state (s0…s3) is
/// `state`, exactly as RandomStream.shuffle (the same draws and swaps), the state advanced.
void rv_shuffle(long *a, int64_t n, uint64_t *state);

/// A spin-wait hint (x86 PAUSE): a waiting thread yields the core's resources briefly.
static inline void rv_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
