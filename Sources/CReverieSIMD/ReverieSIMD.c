// The hot inner loops of dense binary networks (and, at the end, of LIF
// networks), compiled twice (baseline and AVX2) and chosen once at run time.
// Floating-point contraction is off (the pragma below, whatever the build
// flags) and FMA is never used, so both versions round identically.
//
// Loops over a weight row run over ranges [lo, hi) of the element index k, split
// where the row becomes 32-byte aligned: Swift arrays start 16 bytes off that
// boundary, and AVX2 loads and stores that straddle cache lines made the passes
// over a weight matrix 40-50% slower. No loop sums across k, so the split changes
// no result.
#include <math.h>
#include "ReverieSIMD.h"
#include <stdint.h>

#pragma clang fp contract(off)
#include <stdlib.h>
#include <string.h>

/// The first k in [lo, hi) at which &p[k] is 32-byte aligned (hi if none).
static inline int64_t aligned_from(const double *p, int64_t lo, int64_t hi) {
    int64_t lead = (int64_t)((32 - ((uintptr_t)(p + lo) & 31)) & 31) / (int64_t)sizeof(double);
    return lo + lead < hi ? lo + lead : hi;
}

// Compiles `name`_base and `name`_avx2 from one body.
#define TWICE(ret, name, params, ...)                                           \
    static ret name##_base params { __VA_ARGS__ }                               \
    __attribute__((target("avx2"))) static ret name##_avx2 params { __VA_ARGS__ }

static int forced_baseline = 0;

void rv_force_baseline(int on) { forced_baseline = on; }

static int has_avx2(void) {
    static int cached = -1;
    if (forced_baseline) return 0;
    if (cached < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
#else
        cached = 0;
#endif
    }
    return cached;
}

#define PICK(name) (has_avx2() ? name##_avx2 : name##_base)

TWICE(int64_t, fanout,
      (double *restrict h, const double *restrict w, const double *restrict watched, double d, int64_t lo, int64_t hi),
      int64_t change = 0;
      for (int64_t k = lo; k < hi; k++) {
          double old = h[k], now = old + w[k] * d, sk = watched[k];
          h[k] = now;
          change += (int64_t)(sk * now < 0) - (int64_t)(sk * old < 0);
      }
      return change;)

int64_t rv_fanout_dense(double *h, const double *w, const double *watched, double d, int64_t n) {
    int64_t (*f)(double *, const double *, const double *, double, int64_t, int64_t) = PICK(fanout);
    int64_t mid = aligned_from(w, 0, n);
    return f(h, w, watched, d, 0, mid) + f(h, w, watched, d, mid, n);
}

TWICE(void, axpy, (double *restrict h, const double *restrict w, double d, int64_t lo, int64_t hi),
      for (int64_t k = lo; k < hi; k++) h[k] += w[k] * d;)

void rv_axpy(double *h, const double *w, double d, int64_t n) {
    void (*f)(double *, const double *, double, int64_t, int64_t) = PICK(axpy);
    int64_t mid = aligned_from(w, 0, n);
    f(h, w, d, 0, mid);
    f(h, w, d, mid, n);
}

TWICE(int64_t, count, (const double *restrict watched, const double *restrict h, int64_t n),
      int64_t c = 0;
      for (int64_t k = 0; k < n; k++) c += (int64_t)(watched[k] * h[k] < 0);
      return c;)

int64_t rv_count_unstable(const double *watched, const double *h, int64_t n) { return PICK(count)(watched, h, n); }

#define ACCUMULATE_PARAMS                                                        \
    (double *restrict h, const double *restrict r0, const double *restrict r1,   \
     const double *restrict r2, const double *restrict r3,                       \
     double s0, double s1, double s2, double s3, int64_t lo, int64_t hi)

TWICE(void, accumulate, ACCUMULATE_PARAMS,
      for (int64_t k = lo; k < hi; k++)
          h[k] += (r0[k] * s0 + r1[k] * s1) + (r2[k] * s2 + r3[k] * s3);)

void rv_accumulate4(double *h, const double *r0, const double *r1, const double *r2, const double *r3,
                    double s0, double s1, double s2, double s3, int64_t n) {
    void (*f) ACCUMULATE_PARAMS = PICK(accumulate);
    int64_t mid = aligned_from(r0, 0, n);
    f(h, r0, r1, r2, r3, s0, s1, s2, s3, 0, mid);
    f(h, r0, r1, r2, r3, s0, s1, s2, s3, mid, n);
}

// Four rows per pass keep h[k] in a register; it still receives the rows' terms
// one by one in row order, so every sum rounds as in the row-by-row loop.
static inline __attribute__((always_inline)) void rank1_rows(
    double *restrict r0, double *restrict r1, double *restrict r2, double *restrict r3, const double *restrict u,
    double a0, double a1, double a2, double a3, double *restrict h, double s0, double s1, double s2, double s3,
    int64_t lo, int64_t hi) {
    for (int64_t k = lo; k < hi; k++) {
        double uk = u[k], acc = h[k];
        double x0 = r0[k] + uk * a0; r0[k] = x0; acc += x0 * s0;
        double x1 = r1[k] + uk * a1; r1[k] = x1; acc += x1 * s1;
        double x2 = r2[k] + uk * a2; r2[k] = x2; acc += x2 * s2;
        double x3 = r3[k] + uk * a3; r3[k] = x3; acc += x3 * s3;
        h[k] = acc;
    }
}

// With skip_self, a block of rows j..j+3 first runs over all k; then its four
// diagonal weights are restored and h[j..j+3] summed again from the saved values
// with the kept weights, in the same order.
TWICE(void, rank1,
      (double *w, int64_t m, int64_t n, const double *u, const double *a, const double *s, double *h, int skip_self),
      int64_t j = 0;
      for (; j + 4 <= m; j += 4) {
          double *r[4] = {w + j * n, w + (j + 1) * n, w + (j + 2) * n, w + (j + 3) * n};
          double diag[4], h0[4];
          if (skip_self)
              for (int q = 0; q < 4; q++) { diag[q] = r[q][j + q]; h0[q] = h[j + q]; }
          int64_t mid = aligned_from(r[0], 0, n);
          rank1_rows(r[0], r[1], r[2], r[3], u, a[j], a[j + 1], a[j + 2], a[j + 3],
                     h, s[j], s[j + 1], s[j + 2], s[j + 3], 0, mid);
          rank1_rows(r[0], r[1], r[2], r[3], u, a[j], a[j + 1], a[j + 2], a[j + 3],
                     h, s[j], s[j + 1], s[j + 2], s[j + 3], mid, n);
          if (skip_self) {
              for (int q = 0; q < 4; q++) r[q][j + q] = diag[q];
              for (int k = 0; k < 4; k++) {
                  double acc = h0[k];
                  for (int q = 0; q < 4; q++) acc += r[q][j + k] * s[j + q];
                  h[j + k] = acc;
              }
          }
      }
      for (; j < m; j++) {
          double *row = w + j * n;
          for (int64_t k = 0; k < n; k++) {
              double x = skip_self && k == j ? row[k] : row[k] + u[k] * a[j];
              row[k] = x;
              h[k] += x * s[j];
          }
      })

void rv_rank1_project(double *w, int64_t m, int64_t n, const double *u, const double *a, const double *s, double *h,
                      int skip_self) {
    // u and h are copied to scratch at the rows' offset from a 32-byte boundary (the
    // same for every row when n is a multiple of 4), so the vector loop finds all six
    // of its streams aligned where it finds the rows aligned.
    int64_t padded = (n + 3) / 4 * 4, phase = (int64_t)((uintptr_t)w & 31) / (int64_t)sizeof(double);
    double *scratch = aligned_alloc(32, (size_t)(2 * padded + 4) * sizeof(double));
    if (!scratch) {
        PICK(rank1)(w, m, n, u, a, s, h, skip_self);
        return;
    }
    double *u2 = scratch + phase, *h2 = u2 + padded;
    memcpy(u2, u, (size_t)n * sizeof(double));
    memcpy(h2, h, (size_t)n * sizeof(double));
    PICK(rank1)(w, m, n, u2, a, s, h2, skip_self);
    memcpy(h, h2, (size_t)n * sizeof(double));
    free(scratch);
}

static inline __attribute__((always_inline)) void project_rows(
    const double *restrict r0, const double *restrict r1, const double *restrict r2, const double *restrict r3,
    double *restrict h, double x0, double x1, double x2, double x3, int64_t lo, int64_t hi) {
    for (int64_t k = lo; k < hi; k++) h[k] = (((h[k] + r0[k] * x0) + r1[k] * x1) + r2[k] * x2) + r3[k] * x3;
}

TWICE(void, project, (const double *w, int64_t m, int64_t n, const double *x, double *h),
      int64_t j = 0;
      for (; j + 4 <= m; j += 4) {
          const double *r0 = w + j * n;
          int64_t mid = aligned_from(r0, 0, n);
          project_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, h, x[j], x[j + 1], x[j + 2], x[j + 3], 0, mid);
          project_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, h, x[j], x[j + 1], x[j + 2], x[j + 3], mid, n);
      }
      for (; j < m; j++)
          for (int64_t k = 0; k < n; k++) h[k] += w[j * n + k] * x[j];)

void rv_project(const double *w, int64_t m, int64_t n, const double *x, double *h) { PICK(project)(w, m, n, x, h); }

// MARK: Spiking (LIF) kernels

int64_t rv_lif_deliver(const uint32_t *restrict targets, const float *restrict weights, int64_t n, int64_t base,
                       double weight, double f, double theta, double *restrict u, int64_t *restrict late) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        // Targets are scattered over the population: fetch a few ahead.
        if (k + 8 < n) __builtin_prefetch(u + base + targets[k + 8], 1);
        int64_t i = base + (int64_t)targets[k];
        double v = u[i];
        if (v >= theta) { late[m++] = k; continue; }
        v += (weights ? (double)weights[k] : weight) * f;
        u[i] = v;
        if (v >= theta) late[m++] = ~k;
    }
    return m;
}

int64_t rv_lif_deliver_stdp(const uint32_t *restrict targets, double *restrict weights, int64_t n, int64_t base,
                            const double *restrict post_trace, double y_scale, double a_minus, double w_max,
                            int multiplicative, double f, double theta, double *restrict u, int64_t *restrict late) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        if (k + 8 < n) __builtin_prefetch(u + base + targets[k + 8], 1);
        int64_t i = base + (int64_t)targets[k];
        if (u[i] >= theta) { late[m++] = k; continue; }
        double y = post_trace[targets[k]] * y_scale, w = weights[k];
        double dw = multiplicative ? a_minus * (w / w_max) * y : a_minus * y;
        // Rounds and clamps as PairSTDP.depressed: min(max(w - dw, 0), w_max).
        double x = w - dw;
        x = 0 >= x ? 0 : x;
        x = w_max < x ? w_max : x;
        weights[k] = x;
        double v = u[i] + x * f;
        u[i] = v;
        if (v >= theta) late[m++] = ~k;
    }
    return m;
}

static int64_t find_above_base(const double *restrict u, int64_t n, double theta, int64_t *restrict out) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) if (u[k] > theta) out[m++] = k;
    return m;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static int64_t find_above_avx2(const double *restrict u, int64_t n, double theta, int64_t *restrict out) {
    int64_t m = 0, k = 0;
    __m256d th = _mm256_set1_pd(theta);
    for (; k + 16 <= n; k += 16) {
        __m256d a = _mm256_cmp_pd(_mm256_loadu_pd(u + k), th, _CMP_GT_OQ);
        __m256d b = _mm256_cmp_pd(_mm256_loadu_pd(u + k + 4), th, _CMP_GT_OQ);
        __m256d c = _mm256_cmp_pd(_mm256_loadu_pd(u + k + 8), th, _CMP_GT_OQ);
        __m256d d = _mm256_cmp_pd(_mm256_loadu_pd(u + k + 12), th, _CMP_GT_OQ);
        int mask = _mm256_movemask_pd(a) | _mm256_movemask_pd(b) << 4 | _mm256_movemask_pd(c) << 8 | _mm256_movemask_pd(d) << 12;
        while (mask) {
            out[m++] = k + __builtin_ctz(mask);
            mask &= mask - 1;
        }
    }
    for (; k < n; k++) if (u[k] > theta) out[m++] = k;
    return m;
}
#endif

int64_t rv_find_above(const double *u, int64_t n, double theta, int64_t *out) {
#if defined(__x86_64__)
    if (has_avx2()) return find_above_avx2(u, n, theta, out);
#endif
    return find_above_base(u, n, theta, out);
}

void rv_prefetch(const void *p) { __builtin_prefetch(p); }

// Exponential-current (lif-exp) kernels. coef[] = {m0, m1, e0, e1, ep, i0, i1, ip, fxe, fxi, fae, fai,
// dm0, dm1, de0, de1, dep, di0, di1, dip, width}.

static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double max3(double a, double b, double c) { return max2(max2(a, b), c); }

/// The upper bound of V − V_∞ of one unit over an interval (see rv_lifexp_deliver):
/// the smaller of the term-wise maximum and the value at the start plus the
/// width times the term-wise maximum slope (when positive).
static inline double lifexp_bound_inline(double u, double xe, double xi, const double *restrict c) {
    double terms = max2(u * c[0], u * c[1]) + max3(xe * c[2], xe * c[3], xe * c[4]) + max3(xi * c[5], xi * c[6], xi * c[7]);
    double slope = max2(u * c[12], u * c[13]) + max3(xe * c[14], xe * c[15], xe * c[16]) + max3(xi * c[17], xi * c[18], xi * c[19]);
    double start = u * c[0] + xe * c[2] + xi * c[5];
    double mvt = start + c[20] * max2(slope, 0.0);
    // Refractory (u = -inf): never above threshold (the slope bound would be inf - inf).
    if (u == -INFINITY) return -INFINITY;
    return terms < mvt ? terms : mvt;
}

double rv_lifexp_bound(double u, double xe, double xi, const double *coef) { return lifexp_bound_inline(u, xe, xi, coef); }

int64_t rv_lifexp_deliver(const uint32_t *restrict targets, const float *restrict weights, int64_t n, int64_t base,
                          double weight, const double *restrict coef, double theta, double t, double *restrict u,
                          double *restrict xe, double *restrict xi, double *restrict last, int64_t *restrict late) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        if (k + 8 < n) {
            int64_t j = base + (int64_t)targets[k + 8];
            __builtin_prefetch(u + j, 1);
            __builtin_prefetch(xe + j, 1);
            __builtin_prefetch(xi + j, 1);
        }
        int64_t i = base + (int64_t)targets[k];
        if (lifexp_bound_inline(u[i], xe[i], xi[i], coef) >= theta) { late[m++] = k; continue; }
        double w = weights ? (double)weights[k] : weight;
        if (w >= 0) { xe[i] += w * coef[8]; u[i] -= w * coef[10]; }
        else { xi[i] += w * coef[9]; u[i] -= w * coef[11]; }
        last[i] = t;
    }
    return m;
}

static int64_t lifexp_find_base(const double *restrict u, const double *restrict xe, const double *restrict xi, int64_t n,
                                const double *restrict coef, double theta, int64_t *restrict out) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        if (lifexp_bound_inline(u[k], xe[k], xi[k], coef) >= theta) out[m++] = k;
    }
    return m;
}

#if defined(__x86_64__)
/// lifexp_bound_inline on four units at once, rounding identically: the same
/// products, maxima and sums in the same order; min(mvt, terms) picks terms
/// (-inf) when a refractory unit makes mvt NaN.
__attribute__((target("avx2")))
static inline __m256d lifexp_bound4(__m256d u, __m256d xe, __m256d xi, const __m256d *c) {
    __m256d terms = _mm256_add_pd(_mm256_add_pd(
        _mm256_max_pd(_mm256_mul_pd(u, c[0]), _mm256_mul_pd(u, c[1])),
        _mm256_max_pd(_mm256_max_pd(_mm256_mul_pd(xe, c[2]), _mm256_mul_pd(xe, c[3])), _mm256_mul_pd(xe, c[4]))),
        _mm256_max_pd(_mm256_max_pd(_mm256_mul_pd(xi, c[5]), _mm256_mul_pd(xi, c[6])), _mm256_mul_pd(xi, c[7])));
    __m256d slope = _mm256_add_pd(_mm256_add_pd(
        _mm256_max_pd(_mm256_mul_pd(u, c[12]), _mm256_mul_pd(u, c[13])),
        _mm256_max_pd(_mm256_max_pd(_mm256_mul_pd(xe, c[14]), _mm256_mul_pd(xe, c[15])), _mm256_mul_pd(xe, c[16]))),
        _mm256_max_pd(_mm256_max_pd(_mm256_mul_pd(xi, c[17]), _mm256_mul_pd(xi, c[18])), _mm256_mul_pd(xi, c[19])));
    __m256d start = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(u, c[0]), _mm256_mul_pd(xe, c[2])), _mm256_mul_pd(xi, c[5]));
    // max2(slope, 0) of the scalar code is slope > 0 ? slope : 0, i.e. max_pd(slope, 0).
    __m256d mvt = _mm256_add_pd(start, _mm256_mul_pd(c[20], _mm256_max_pd(slope, _mm256_setzero_pd())));
    return _mm256_min_pd(mvt, terms);
}

__attribute__((target("avx2")))
static int64_t lifexp_find_avx2(const double *restrict u, const double *restrict xe, const double *restrict xi, int64_t n,
                                const double *restrict coef, double theta, int64_t *restrict out) {
    __m256d c[21];
    for (int j = 0; j < 21; j++) c[j] = _mm256_set1_pd(coef[j]);
    __m256d th = _mm256_set1_pd(theta);
    int64_t m = 0, k = 0;
    for (; k + 4 <= n; k += 4) {
        __m256d b = lifexp_bound4(_mm256_loadu_pd(u + k), _mm256_loadu_pd(xe + k), _mm256_loadu_pd(xi + k), c);
        int mask = _mm256_movemask_pd(_mm256_cmp_pd(b, th, _CMP_GE_OQ));
        while (mask) {
            out[m++] = k + __builtin_ctz(mask);
            mask &= mask - 1;
        }
    }
    for (; k < n; k++) if (lifexp_bound_inline(u[k], xe[k], xi[k], coef) >= theta) out[m++] = k;
    return m;
}
#endif

int64_t rv_lifexp_find(const double *restrict u, const double *restrict xe, const double *restrict xi, int64_t n,
                       const double *restrict coef, double theta, int64_t *restrict out) {
#if defined(__x86_64__)
    if (has_avx2()) return lifexp_find_avx2(u, xe, xi, n, coef, theta, out);
#endif
    return lifexp_find_base(u, xe, xi, n, coef, theta, out);
}
