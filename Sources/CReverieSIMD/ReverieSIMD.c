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

// How far ahead (doubles: 512 bytes, 8 cache lines) axpy asks for its row: a flip's row
// comes from L3 or memory, and the hardware prefetcher starts late on each new row.
#define PREFETCH_AHEAD 64

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
      int64_t k = lo;
      for (; k + 8 <= hi; k += 8) {
          __builtin_prefetch(w + k + PREFETCH_AHEAD);
          for (int j = 0; j < 8; j++) h[k + j] += w[k + j] * d;
      }
      for (; k < hi; k++) h[k] += w[k] * d;)

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

// Four rows' dot products with y over [lo, hi), each row summed in order k as the
// row-by-row loop sums it; the four chains overlap the adds' latency.
static inline __attribute__((always_inline)) void dot_rows(const double *restrict r0, const double *restrict r1,
                                                           const double *restrict r2, const double *restrict r3,
                                                           const double *restrict y, double *restrict d, int64_t lo,
                                                           int64_t hi) {
    double d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];
    for (int64_t k = lo; k < hi; k++) {
        double yk = y[k];
        d0 += r0[k] * yk;
        d1 += r1[k] * yk;
        d2 += r2[k] * yk;
        d3 += r3[k] * yk;
    }
    d[0] = d0; d[1] = d1; d[2] = d2; d[3] = d3;
}

// rv_project and the rows' dot products in one pass over w: four rows at a time, in
// blocks of 64 columns that the dot products read again from L1.
TWICE(void, project_dots, (const double *w, int64_t m, int64_t n, const double *x, const double *y, double *h, double *d),
      int64_t j = 0;
      for (; j + 4 <= m; j += 4) {
          const double *r0 = w + j * n;
          double acc[4] = {0, 0, 0, 0};
          int64_t mid = aligned_from(r0, 0, n);
          project_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, h, x[j], x[j + 1], x[j + 2], x[j + 3], 0, mid);
          dot_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, y, acc, 0, mid);
          for (int64_t lo = mid; lo < n; lo += 64) {
              int64_t hi = lo + 64 < n ? lo + 64 : n;
              project_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, h, x[j], x[j + 1], x[j + 2], x[j + 3], lo, hi);
              dot_rows(r0, r0 + n, r0 + 2 * n, r0 + 3 * n, y, acc, lo, hi);
          }
          for (int q = 0; q < 4; q++) d[j + q] = acc[q];
      }
      for (; j < m; j++) {
          double sum = 0;
          for (int64_t k = 0; k < n; k++) {
              h[k] += w[j * n + k] * x[j];
              sum += w[j * n + k] * y[k];
          }
          d[j] = sum;
      })

void rv_project_dots(const double *w, int64_t m, int64_t n, const double *x, const double *y, double *h, double *d) {
    PICK(project_dots)(w, m, n, x, y, h, d);
}

// MARK: Random permutations

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void rv_shuffle(long *a, int64_t n, uint64_t *state) {
    uint64_t s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
    for (int64_t i = n - 1; i > 0; i--) {
        uint64_t b = (uint64_t)i + 1, x, t;
        __uint128_t m;
        // xoshiro256** next(), then Lemire's bounded integer, as RandomStream.
#define NEXT()                                                                                                    \
    (x = rotl64(s1 * 5, 7) * 9, t = s1 << 17, s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t, s3 = rotl64(s3, 45), x)
        m = (__uint128_t)NEXT() * b;
        if ((uint64_t)m < b) {
            uint64_t threshold = (0 - b) % b;
            while ((uint64_t)m < threshold) m = (__uint128_t)NEXT() * b;
        }
#undef NEXT
        int64_t j = (int64_t)(m >> 64);
        long swap = a[i];
        a[i] = a[j];
        a[j] = swap;
    }
    state[0] = s0; state[1] = s1; state[2] = s2; state[3] = s3;
}

// MARK: Dreaming with a lazily applied low-rank update

static inline __attribute__((always_inline)) double dream_field(int64_t i, const double *s, const double *g,
                                                                const int8_t *a, int64_t kmax, int64_t p,
                                                                const long *q, double scale, int skip_self) {
    if (p == 0) return g[i];
    const int8_t *ai = a + i * kmax;
    int64_t k = 0;
    for (int64_t l = 0; l < p; l++) k += (int64_t)ai[l] * q[l];
    if (skip_self) k -= p * (int64_t)s[i];
    return g[i] + scale * (double)k;
}

// |scale · (Σ_l a_il q_l − p s_i)| ≤ |scale| (Σ_l |q_l| + p): a unit whose |g_i| exceeds
// this bound has the sign of g_i whatever the correction (rounding is monotonic, and
// fl(g + c) keeps the sign of g when |c| < |g|), so only units near the threshold
// need the correction summed; the decisions are those of the corrected field.
static inline double dream_bound(int64_t p, const long *q, double scale) {
    int64_t total = p;
    for (int64_t l = 0; l < p; l++) total += q[l] < 0 ? -q[l] : q[l];
    return (scale < 0 ? -scale : scale) * (double)total;
}

int64_t rv_dream_sweep(const double *w, int64_t n, const long *order, int64_t from, double *s, double *g,
                       const int8_t *a, int64_t kmax, int64_t p, long *q, double scale, int skip_self, long *flipped, long *last) {
    void (*axpy)(double *, const double *, double, int64_t, int64_t) = PICK(axpy);
    int64_t flips = 0;
    double bound = p ? dream_bound(p, q, scale) : -1;
    *last = -1;
    for (int64_t pos = from; pos < n; pos++) {
        int64_t i = order[pos];
        double si = s[i], gi = g[i];
        double hi = (gi < 0 ? -gi : gi) > bound ? gi : dream_field(i, s, g, a, kmax, p, q, scale, skip_self);
        if (!(si * hi < 0)) continue;
        double d = -si - si;
        s[i] = -si;
        const double *row = w + i * n;
        int64_t mid = aligned_from(row, 0, n);
        axpy(g, row, d, 0, mid);
        axpy(g, row, d, mid, n);
        if (p) {
            const int8_t *ai = a + i * kmax;
            long di = (long)d;
            for (int64_t l = 0; l < p; l++) q[l] += (long)ai[l] * di;
            bound = dream_bound(p, q, scale);
        }
        if (flipped) flipped[flips] = pos;
        flips++;
        *last = pos;
    }
    return flips;
}

int64_t rv_dream_count_unstable(int64_t n, const double *s, const double *g, const int8_t *a, int64_t kmax, int64_t p,
                                const long *q, double scale, int skip_self) {
    if (p == 0) return rv_count_unstable(s, g, n);
    double bound = dream_bound(p, q, scale);
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) {
        double gi = g[i];
        double hi = (gi < 0 ? -gi : gi) > bound ? gi : dream_field(i, s, g, a, kmax, p, q, scale, skip_self);
        c += (int64_t)(s[i] * hi < 0);
    }
    return c;
}

// The pass over J of rv_dream_flush, on rows j and j + 1 (r1 may be null) and columns
// [lo, hi) off the diagonal: x keeps the p updates in registers, then h_tk receives
// x_jk s_tj and x_(j+1)k s_t(j+1) in row order, so every sum rounds as the row-by-row loop.
// aj/bj hold a_lj and a_l(j+1) for l < p, sj/tj hold s_tj and s_t(j+1) for t < m; u and
// h are indexed [l * n + k], [t * n + k]. The AVX2 version does eight k at once (four with one row), lane by lane the same.
#define DREAM_ROWS_PARAMS                                                                                       \
    (double *restrict r0, double *restrict r1, const double *restrict u, const double *aj, const double *bj, \
     int64_t p, int64_t n, const double *sj, const double *tj, int64_t m, double *restrict h, int64_t lo, int64_t hi)

static void dream_rows_base DREAM_ROWS_PARAMS {
    for (int64_t k = lo; k < hi; k++) {
        double x0 = r0[k], x1 = r1 ? r1[k] : 0;
        for (int64_t l = 0; l < p; l++) { double ul = u[l * n + k]; x0 = x0 + ul * aj[l]; if (r1) x1 = x1 + ul * bj[l]; }
        r0[k] = x0;
        if (r1) r1[k] = x1;
        for (int64_t t = 0; t < m; t++) h[t * n + k] = r1 ? (h[t * n + k] + x0 * sj[t]) + x1 * tj[t] : h[t * n + k] + x0 * sj[t];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// The AVX2 body, inlined with p and m known at compile time for the common
// passes (p = m, one per lazy rank), so the compiler unrolls both inner loops
// (p = m = 1 never comes here: rv_dream_flush hands it to rv_rank1_project).
static inline __attribute__((always_inline, target("avx2"))) void dream_rows_body(
    double *restrict r0, double *restrict r1, const double *restrict u, const double *aj, const double *bj,
    const int64_t p, int64_t n, const double *sj, const double *tj, const int64_t m, double *restrict h, int64_t lo,
    int64_t hi) {
    int64_t k = lo;
    if (r1) {
        // Eight columns a step: each broadcast serves two vectors.
        for (; k + 8 <= hi; k += 8) {
            __m256d x0 = _mm256_loadu_pd(r0 + k), x1 = _mm256_loadu_pd(r1 + k);
            __m256d y0 = _mm256_loadu_pd(r0 + k + 4), y1 = _mm256_loadu_pd(r1 + k + 4);
            for (int64_t l = 0; l < p; l++) {
                __m256d ul = _mm256_loadu_pd(u + l * n + k), vl = _mm256_loadu_pd(u + l * n + k + 4);
                __m256d a = _mm256_broadcast_sd(aj + l), b = _mm256_broadcast_sd(bj + l);
                x0 = _mm256_add_pd(x0, _mm256_mul_pd(ul, a));
                y0 = _mm256_add_pd(y0, _mm256_mul_pd(vl, a));
                x1 = _mm256_add_pd(x1, _mm256_mul_pd(ul, b));
                y1 = _mm256_add_pd(y1, _mm256_mul_pd(vl, b));
            }
            _mm256_storeu_pd(r0 + k, x0);
            _mm256_storeu_pd(r0 + k + 4, y0);
            _mm256_storeu_pd(r1 + k, x1);
            _mm256_storeu_pd(r1 + k + 4, y1);
            for (int64_t t = 0; t < m; t++) {
                double *ht = h + t * n + k;
                __m256d s = _mm256_broadcast_sd(sj + t), q = _mm256_broadcast_sd(tj + t);
                __m256d acc = _mm256_add_pd(_mm256_loadu_pd(ht), _mm256_mul_pd(x0, s));
                __m256d acd = _mm256_add_pd(_mm256_loadu_pd(ht + 4), _mm256_mul_pd(y0, s));
                _mm256_storeu_pd(ht, _mm256_add_pd(acc, _mm256_mul_pd(x1, q)));
                _mm256_storeu_pd(ht + 4, _mm256_add_pd(acd, _mm256_mul_pd(y1, q)));
            }
        }
    } else {
        for (; k + 4 <= hi; k += 4) {
            __m256d x0 = _mm256_loadu_pd(r0 + k);
            for (int64_t l = 0; l < p; l++)
                x0 = _mm256_add_pd(x0, _mm256_mul_pd(_mm256_loadu_pd(u + l * n + k), _mm256_broadcast_sd(aj + l)));
            _mm256_storeu_pd(r0 + k, x0);
            for (int64_t t = 0; t < m; t++) {
                double *ht = h + t * n + k;
                _mm256_storeu_pd(ht, _mm256_add_pd(_mm256_loadu_pd(ht), _mm256_mul_pd(x0, _mm256_broadcast_sd(sj + t))));
            }
        }
    }
    dream_rows_base(r0, r1, u, aj, bj, p, n, sj, tj, m, h, k, hi);
}

#define DREAM_ROWS_FIXED(P, M) \
    if (p == P && m == M) return dream_rows_body(r0, r1, u, aj, bj, P, n, sj, tj, M, h, lo, hi)

__attribute__((target("avx2"))) static void dream_rows_avx2 DREAM_ROWS_PARAMS {
    DREAM_ROWS_FIXED(2, 2);
    DREAM_ROWS_FIXED(4, 4);
    DREAM_ROWS_FIXED(8, 8);
    DREAM_ROWS_FIXED(16, 16);
    dream_rows_body(r0, r1, u, aj, bj, p, n, sj, tj, m, h, lo, hi);
}
#endif

// Columns of 128: the p update rows and m field rows of a column block (16 KiB at
// p = m = 8) stay in L1 while every row of J passes through once.
#define DREAM_COLUMN_BLOCK 128

void rv_dream_flush(double *w, int64_t n, const double *u, const double *a, int64_t p, const double *s, int64_t m,
                    double *h, int skip_self) {
    void (*rows)DREAM_ROWS_PARAMS = dream_rows_base;
#if defined(__x86_64__)
    if (has_avx2()) rows = dream_rows_avx2;
#endif
    for (int64_t k = 0; k < m * n; k++) h[k] = 0;
    if (p == 1 && m == 1) {  // one dream: the rank-1 pass, four rows at a time (the same bits)
        rv_rank1_project(w, n, n, u, a, s, h, skip_self);
        return;
    }
    // a_lj and s_tj by row j, gathered once.
    double *at = malloc((size_t)(n * (p + m) + 1) * sizeof(double)), *st = at + n * p;
    if (!at) abort();
    for (int64_t j = 0; j < n; j++) {
        for (int64_t l = 0; l < p; l++) at[j * p + l] = a[l * n + j];
        for (int64_t t = 0; t < m; t++) st[j * m + t] = s[t * n + j];
    }
    for (int64_t lo = 0; lo < n; lo += DREAM_COLUMN_BLOCK) {
        int64_t hi = lo + DREAM_COLUMN_BLOCK < n ? lo + DREAM_COLUMN_BLOCK : n;
        for (int64_t j = 0; j < n; j += 2) {
            int two = j + 1 < n;
            double *r0 = w + j * n, *r1 = two ? r0 + n : 0;
            const double *aj = at + j * p, *bj = two ? aj + p : aj, *sj = st + j * m, *tj = two ? sj + m : sj;
            // With skip_self the block's diagonal columns j, j + 1 are done apart, keeping x_jj = w_jj.
            int64_t dlo = skip_self && j > lo ? j : lo, dhi = skip_self ? j + 1 + two : lo;
            if (dlo > hi) dlo = hi;
            if (dhi > hi) dhi = hi;
            if (dhi < dlo) dhi = dlo;
            rows(r0, r1, u, aj, bj, p, n, sj, tj, m, h, lo, dlo);
            for (int64_t k = dlo; k < dhi; k++) {
                double x0 = r0[k], x1 = two ? r1[k] : 0;
                for (int64_t l = 0; l < p; l++) {
                    double ul = u[l * n + k];
                    if (k != j) x0 = x0 + ul * aj[l];
                    if (two && k != j + 1) x1 = x1 + ul * bj[l];
                }
                r0[k] = x0;
                if (two) r1[k] = x1;
                for (int64_t t = 0; t < m; t++) h[t * n + k] = two ? (h[t * n + k] + x0 * sj[t]) + x1 * tj[t] : h[t * n + k] + x0 * sj[t];
            }
            rows(r0, r1, u, aj, bj, p, n, sj, tj, m, h, dhi, hi);
        }
    }
    free(at);
}

// MARK: Dreaming with float couplings

TWICE(void, axpy_f32, (double *restrict h, const float *restrict w, double d, int64_t lo, int64_t hi),
      for (int64_t k = lo; k < hi; k++) h[k] += (double)w[k] * d;)

int64_t rv_dream_sweep_f32(const float *w, int64_t n, const long *order, double *s, double *g, long *flipped, long *last) {
    void (*axpy)(double *, const float *, double, int64_t, int64_t) = PICK(axpy_f32);
    int64_t flips = 0;
    *last = -1;
    for (int64_t pos = 0; pos < n; pos++) {
        int64_t i = order[pos];
        double si = s[i];
        if (!(si * g[i] < 0)) continue;
        s[i] = -si;
        axpy(g, w + i * n, -si - si, 0, n);
        if (flipped) flipped[flips] = pos;
        flips++;
        *last = pos;
    }
    return flips;
}

// Four rows per pass with h_k in a register; every x in float, every h term in
// double, in row order (the AVX2 loop does eight k at once, lane by lane the same).
TWICE(void, rank1_f32_rows,
      (float *restrict r0, float *restrict r1, float *restrict r2, float *restrict r3, const float *restrict uf,
       float a0, float a1, float a2, float a3, double *restrict h, double s0, double s1, double s2, double s3,
       int64_t lo, int64_t hi),
      for (int64_t k = lo; k < hi; k++) {
          float uk = uf[k];
          double acc = h[k];
          float x0 = r0[k] + uk * a0; r0[k] = x0; acc += (double)x0 * s0;
          float x1 = r1[k] + uk * a1; r1[k] = x1; acc += (double)x1 * s1;
          float x2 = r2[k] + uk * a2; r2[k] = x2; acc += (double)x2 * s2;
          float x3 = r3[k] + uk * a3; r3[k] = x3; acc += (double)x3 * s3;
          h[k] = acc;
      })

void rv_rank1_project_f32(float *w, int64_t n, const double *u, const double *a, const double *s, double *h, int skip_self) {
    void (*rows)(float *, float *, float *, float *, const float *, float, float, float, float, double *, double, double,
                 double, double, int64_t, int64_t) = PICK(rank1_f32_rows);
    float *uf = malloc((size_t)(n + 1) * sizeof(float));
    if (!uf) abort();
    for (int64_t k = 0; k < n; k++) uf[k] = (float)u[k];
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        float *r[4] = {w + j * n, w + (j + 1) * n, w + (j + 2) * n, w + (j + 3) * n};
        float diag[4];
        double h0[4];
        if (skip_self)
            for (int q = 0; q < 4; q++) { diag[q] = r[q][j + q]; h0[q] = h[j + q]; }
        rows(r[0], r[1], r[2], r[3], uf, (float)a[j], (float)a[j + 1], (float)a[j + 2], (float)a[j + 3], h, s[j], s[j + 1],
             s[j + 2], s[j + 3], 0, n);
        if (skip_self) {
            for (int q = 0; q < 4; q++) r[q][j + q] = diag[q];
            for (int c = 0; c < 4; c++) {
                double acc = h0[c];
                for (int q = 0; q < 4; q++) acc += (double)r[q][j + c] * s[j + q];
                h[j + c] = acc;
            }
        }
    }
    for (; j < n; j++) {
        float *row = w + j * n, aj = (float)a[j];
        for (int64_t k = 0; k < n; k++) {
            float x = skip_self && k == j ? row[k] : row[k] + uf[k] * aj;
            row[k] = x;
            h[k] += (double)x * s[j];
        }
    }
    free(uf);
}

// MARK: Dreaming with exact integer couplings

// The relaxation keeps, per unit, its sign σ_k = s_k (±1) and its stability v_k = s_k g_k
// (unstable when v_k < 0) halved, u_k = (v_k − r_k)/2 with r_k = v_k mod 2 ∈ {0, 1}: a flip
// of unit i to s_i' adds 2 s_i' s_k K_ik to every v_k (k ≠ i) and maps v_i to −v_i + 2 K_ii,
// so no flip changes r_k, u_k < 0 exactly when v_k < 0, and a flip adds s_i' σ_k K_ik to
// u_k: one pass over K's row that also rebuilds the set of unstable units as bits. The
// next unit a sweep flips is the unstable unit with the least position after the current
// one: found among the set bits when the set is small, else by walking the positions. K is
// held in 32 or 16 bits (`_i32`, `_i16`: the same code, generated for each by the macros
// below); stabilities and fields are 32-bit.

// How far ahead (elements) the pass asks for a flipped unit's row, which comes from L3.
#define ROW_AHEAD 128

/// The bit word of u[0..<len] < 0 (len ≤ 64).
static inline uint64_t negative_bits(const int32_t *u, int64_t len) {
    uint64_t word = 0;
    for (int64_t k = 0; k < len; k++) word |= (uint64_t)((uint32_t)u[k] >> 31) << k;
    return word;
}

/// The flip pass over one row: h_k += s_i' K_ik, the unstable bits rebuilt ((h_k < 0) xor
/// (s_k < 0)); returns their count. Baseline, and AVX2 (8 lanes a step, s_i' applied by
/// choosing the add or the subtract; the signs enter once per 64 units, as a word).
#define UNSTABLE_PASS(T, LOAD8)                                                                                   \
    static int64_t unstable_pass_base_##T(int32_t *restrict h, const T *restrict row, int32_t si,                 \
                                          const uint64_t *restrict neg, uint64_t *restrict bits, int64_t n) {     \
        int64_t count = 0;                                                                                        \
        for (int64_t w = 0; w * 64 < n; w++) {                                                                    \
            int64_t lo = w * 64, hi = lo + 64 < n ? lo + 64 : n;                                                  \
            for (int64_t k = lo; k < hi; k++) h[k] += si * (int32_t)row[k];                                       \
            bits[w] = negative_bits(h + lo, hi - lo) ^ neg[w];                                                    \
            count += __builtin_popcountll(bits[w]);                                                               \
        }                                                                                                         \
        return count;                                                                                             \
    }                                                                                                             \
    UNSTABLE_PASS_AVX2(T, LOAD8)

#if defined(__x86_64__)
#define UNSTABLE_PASS_AVX2(T, LOAD8)                                                                              \
    __attribute__((target("avx2,popcnt"), always_inline)) static inline int64_t unstable_pass_avx2_by_##T(        \
        int32_t *restrict h, const T *restrict row, const int add, const uint64_t *restrict neg,                  \
        uint64_t *restrict bits, int64_t n) {                                                                     \
        int64_t count = 0, w = 0;                                                                                 \
        for (; w * 64 + 64 <= n; w++) {                                                                           \
            uint64_t word = 0;                                                                                    \
            for (int c = 0; c < 64; c += 64 / (int)sizeof(T)) __builtin_prefetch(row + w * 64 + ROW_AHEAD + c);  \
            for (int b = 0; b < 8; b++) {                                                                         \
                int64_t k = w * 64 + b * 8;                                                                       \
                __m256i x = LOAD8(row + k), hk = _mm256_loadu_si256((const __m256i *)(h + k));                    \
                hk = add ? _mm256_add_epi32(hk, x) : _mm256_sub_epi32(hk, x);                                     \
                _mm256_storeu_si256((__m256i *)(h + k), hk);                                                      \
                word |= (uint64_t)(uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(hk)) << (b * 8);               \
            }                                                                                                     \
            bits[w] = word ^ neg[w];                                                                              \
            count += __builtin_popcountll(bits[w]);                                                               \
        }                                                                                                         \
        if (w * 64 < n)                                                                                           \
            count += unstable_pass_base_##T(h + w * 64, row + w * 64, add ? 1 : -1, neg + w, bits + w, n - w * 64); \
        return count;                                                                                             \
    }                                                                                                             \
    __attribute__((target("avx2,popcnt"))) static int64_t unstable_pass_avx2_##T(                                \
        int32_t *restrict h, const T *restrict row, int32_t si, const uint64_t *restrict neg,                     \
        uint64_t *restrict bits, int64_t n) {                                                                     \
        return si > 0 ? unstable_pass_avx2_by_##T(h, row, 1, neg, bits, n)                                        \
                      : unstable_pass_avx2_by_##T(h, row, 0, neg, bits, n);                                       \
    }
#define LOAD8_I32(p) _mm256_loadu_si256((const __m256i *)(p))
#define LOAD8_I16(p) _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define PASS_PICK(T) (has_avx2() ? unstable_pass_avx2_##T : unstable_pass_base_##T)
#else
#define UNSTABLE_PASS_AVX2(T, LOAD8)
#define PASS_PICK(T) unstable_pass_base_##T
#endif

UNSTABLE_PASS(int32_t, LOAD8_I32)
UNSTABLE_PASS(int16_t, LOAD8_I16)

int64_t rv_dream_begin_i32(int64_t n, const double *s, const int32_t *g, int32_t *h, int32_t *q, uint64_t *neg,
                           uint64_t *bits) {
    int64_t count = 0;
    for (int64_t w = 0; w * 64 < n; w++) {
        int64_t lo = w * 64, hi = lo + 64 < n ? lo + 64 : n;
        uint64_t word = 0;
        for (int64_t k = lo; k < hi; k++) {
            int32_t p = g[k] & 1, below = s[k] < 0;
            q[k] = 1 - p;
            h[k] = (g[k] >> 1) - below * q[k];  // g_k = 2 w_k + p_k, w_k = ⌊g_k / 2⌋
            word |= (uint64_t)below << (k - lo);
        }
        neg[w] = word;
        bits[w] = negative_bits(h + lo, hi - lo) ^ word;
        count += __builtin_popcountll(bits[w]);
    }
    return count;
}

#define DREAM_SWEEP(T, NAME)                                                                                      \
    int64_t NAME(const T *w, int64_t n, int64_t stride, const long *order, long *at, double *s, int32_t *h,       \
                 const int32_t *q, uint64_t *neg, uint64_t *bits, int64_t *unstable, long *flipped, long *last) { \
        int64_t (*pass)(int32_t *, const T *, int32_t, const uint64_t *, uint64_t *, int64_t) = PASS_PICK(T);    \
        int64_t words = (n + 63) / 64, flips = 0, count = *unstable, pos = -1;                                    \
        int positioned = 0;                                                                                       \
        *last = -1;                                                                                               \
        while (count > 0) {                                                                                       \
            int64_t next = n;                                                                                     \
            if (count * count <= n) { /* few unstable units: the least position among them after pos */          \
                if (!positioned)                                                                                  \
                    for (int64_t p = 0; p < n; p++) at[order[p]] = p;                                             \
                positioned = 1;                                                                                   \
                uint64_t gap = UINT64_MAX; /* the least p − pos − 1 ≥ 0, unsigned: p ≤ pos wraps above n */       \
                for (int64_t x = 0; x < words; x++)                                                               \
                    for (uint64_t word = bits[x]; word; word &= word - 1) {                                       \
                        uint64_t d = (uint64_t)(at[x * 64 + __builtin_ctzll(word)] - pos - 1);                    \
                        gap = d < gap ? d : gap;                                                                  \
                    }                                                                                             \
                if (gap < (uint64_t)n) next = pos + 1 + (int64_t)gap;                                             \
            } else {                                                                                              \
                for (int64_t p = pos + 1; p < n; p++)                                                             \
                    if ((bits[order[p] >> 6] >> (order[p] & 63)) & 1) { next = p; break; }                        \
            }                                                                                                     \
            if (next == n) break;                                                                                 \
            pos = next;                                                                                           \
            int64_t i = order[pos];                                                                               \
            uint64_t bit = (uint64_t)1 << (i & 63);                                                               \
            int32_t si = neg[i >> 6] & bit ? 1 : -1; /* s_i' = −s_i */                                           \
            s[i] = -s[i];                                                                                         \
            count = pass(h, w + i * stride, si, neg, bits, n);                                                    \
            /* The pass gave h_i its K_ii; s_i's new sign changes h_i by s_i' q_i. */                             \
            neg[i >> 6] ^= bit;                                                                                   \
            h[i] += si * q[i];                                                                                    \
            uint64_t now = (uint64_t)((h[i] < 0) != (si < 0)) << (i & 63);                                        \
            if ((bits[i >> 6] & bit) != now) { bits[i >> 6] ^= bit; count += now ? 1 : -1; }                      \
            if (flipped) flipped[flips] = pos;                                                                    \
            flips++;                                                                                              \
            *last = pos;                                                                                          \
        }                                                                                                         \
        *unstable = count;                                                                                        \
        return flips;                                                                                             \
    }

DREAM_SWEEP(int32_t, rv_dream_sweep_i32)
DREAM_SWEEP(int16_t, rv_dream_sweep_i16)

// Four rows a step: x_qk = r_qk − a_q b_k, h_k += c_q x_qk, with a_q, c_q = ±1 applied
// as masks (v ^ m) − m, m = 0 or −1, so the loop has no multiply and no branch.
#define RANK1_ROWS_BODY(T)                                                                                        \
    for (int64_t k = lo; k < hi; k++) {                                                                           \
        T bk = b[k], x;                                                                                           \
        int32_t acc = h[k];                                                                                       \
        x = (T)(r0[k] - ((bk ^ a0) - a0)); r0[k] = x; acc += ((int32_t)x ^ c0) - c0;                              \
        x = (T)(r1[k] - ((bk ^ a1) - a1)); r1[k] = x; acc += ((int32_t)x ^ c1) - c1;                              \
        x = (T)(r2[k] - ((bk ^ a2) - a2)); r2[k] = x; acc += ((int32_t)x ^ c2) - c2;                              \
        x = (T)(r3[k] - ((bk ^ a3) - a3)); r3[k] = x; acc += ((int32_t)x ^ c3) - c3;                              \
        h[k] = acc;                                                                                               \
    }
#define RANK1_ROWS_PARAMS(T)                                                                                      \
    (T *restrict r0, T *restrict r1, T *restrict r2, T *restrict r3, const T *restrict b, T a0, T a1, T a2, T a3, \
     int32_t c0, int32_t c1, int32_t c2, int32_t c3, int32_t *restrict h, int64_t lo, int64_t hi)

TWICE(void, rank1_rows_int32_t, RANK1_ROWS_PARAMS(int32_t), RANK1_ROWS_BODY(int32_t))
// With 16-bit K the AVX2 machine takes rank1_rows_i16_madd instead.
static void rank1_rows_int16_t_base RANK1_ROWS_PARAMS(int16_t) { RANK1_ROWS_BODY(int16_t) }

#if defined(__x86_64__)
// Four rows of 16-bit K, 16 columns a step: x_qk = r_qk − a_q b_k (a_q b_k is a row of b or
// of −b, chosen per row), and h_k += Σ_q c_q x_qk by vpmaddwd on the interleaved pairs
// (x_0k, x_1k)·(c_0, c_1) and (x_2k, x_3k)·(c_2, c_3), which sums in 32 bits; the
// interleave works within 128-bit lanes, so the sums come as columns 0–3, 8–11 and
// 4–7, 12–15 and are put back in order once per four rows.
__attribute__((target("avx2"))) static void rank1_rows_i16_madd(int16_t *restrict r0, int16_t *restrict r1,
                                                                int16_t *restrict r2, int16_t *restrict r3,
                                                                const int16_t *b0, const int16_t *b1, const int16_t *b2,
                                                                const int16_t *b3, int16_t c0, int16_t c1, int16_t c2,
                                                                int16_t c3, int32_t *restrict h, int64_t lo, int64_t hi) {
    __m256i c01 = _mm256_set1_epi32((int32_t)(((uint32_t)(uint16_t)c1 << 16) | (uint16_t)c0));
    __m256i c23 = _mm256_set1_epi32((int32_t)(((uint32_t)(uint16_t)c3 << 16) | (uint16_t)c2));
    int64_t k = lo;
    for (; k + 16 <= hi; k += 16) {
#define X(q) __m256i x##q = _mm256_sub_epi16(_mm256_loadu_si256((const __m256i *)(r##q + k)),                     \
                                             _mm256_loadu_si256((const __m256i *)(b##q + k)));                    \
    _mm256_storeu_si256((__m256i *)(r##q + k), x##q);
        X(0) X(1) X(2) X(3)
#undef X
        __m256i low = _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), c01),
                                       _mm256_madd_epi16(_mm256_unpacklo_epi16(x2, x3), c23));
        __m256i high = _mm256_add_epi32(_mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), c01),
                                        _mm256_madd_epi16(_mm256_unpackhi_epi16(x2, x3), c23));
        __m256i *h0 = (__m256i *)(h + k), *h8 = (__m256i *)(h + k + 8);
        _mm256_storeu_si256(h0, _mm256_add_epi32(_mm256_loadu_si256(h0), _mm256_permute2x128_si256(low, high, 0x20)));
        _mm256_storeu_si256(h8, _mm256_add_epi32(_mm256_loadu_si256(h8), _mm256_permute2x128_si256(low, high, 0x31)));
    }
    for (; k < hi; k++) {
        int16_t x0 = (int16_t)(r0[k] - b0[k]), x1 = (int16_t)(r1[k] - b1[k]), x2 = (int16_t)(r2[k] - b2[k]),
                x3 = (int16_t)(r3[k] - b3[k]);
        r0[k] = x0; r1[k] = x1; r2[k] = x2; r3[k] = x3;
        h[k] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
    }
}
#endif

// The step and the start's fields over K, four rows at a time (`rows`), the rows left over one by one.
#define RANK1_PROJECT(T, NAME, ROWS)                                                                              \
    static void NAME(T *w, int64_t n, int64_t stride, const double *a, const double *s, int32_t *h, int skip_self) { \
        void (*rows) RANK1_ROWS_PARAMS(T) = ROWS;                                                                 \
        /* b_k = a_k; masks −1 where a_j or s_j is −1. */                                                         \
        T *b = malloc((size_t)(2 * n + 4) * sizeof(T)), *am = b + n;                                              \
        int32_t *sm = malloc((size_t)(n + 1) * sizeof(int32_t));                                                  \
        if (!b || !sm) abort();                                                                                   \
        for (int64_t k = 0; k < n; k++) {                                                                         \
            b[k] = a[k] > 0 ? 1 : -1;                                                                             \
            am[k] = a[k] > 0 ? 0 : -1;                                                                            \
            sm[k] = s[k] > 0 ? 0 : -1;                                                                            \
        }                                                                                                         \
        for (int64_t k = 0; k < n; k++) h[k] = 0;                                                                 \
        int64_t j = 0;                                                                                            \
        for (; j + 4 <= n; j += 4) {                                                                              \
            T *r = w + j * stride;                                                                                \
            /* Vector stores from where the first row is 32-byte aligned (all four are when 32 divides the stride). */ \
            int64_t mid = (int64_t)((32 - ((uintptr_t)r & 31)) & 31) / (int64_t)sizeof(T);                       \
            if (mid > n) mid = n;                                                                                 \
            rows(r, r + stride, r + 2 * stride, r + 3 * stride, b, am[j], am[j + 1], am[j + 2], am[j + 3], sm[j], sm[j + 1], \
                 sm[j + 2], sm[j + 3], h, 0, mid);                                                                \
            rows(r, r + stride, r + 2 * stride, r + 3 * stride, b, am[j], am[j + 1], am[j + 2], am[j + 3], sm[j], sm[j + 1], \
                 sm[j + 2], sm[j + 3], h, mid, n);                                                                \
        }                                                                                                         \
        rank1_leftover_##T(w, n, stride, j, b, am, sm, h, skip_self);                                             \
        free(b);                                                                                                  \
        free(sm);                                                                                                 \
    }

// Rows j.. one by one, then the diagonal: with skip_self it took −a_j² = −1 and h_j its
// s_j-signed share, both undone exactly.
#define RANK1_LEFTOVER(T)                                                                                         \
    static void rank1_leftover_##T(T *w, int64_t n, int64_t stride, int64_t j, const T *b, const T *am, const int32_t *sm,        \
                                   int32_t *h, int skip_self) {                                                   \
        for (; j < n; j++) {                                                                                      \
            T *row = w + j * stride, aj = am[j];                                                                  \
            int32_t cj = sm[j];                                                                                   \
            for (int64_t k = 0; k < n; k++) {                                                                     \
                T x = (T)(row[k] - ((b[k] ^ aj) - aj));                                                           \
                row[k] = x;                                                                                       \
                h[k] += ((int32_t)x ^ cj) - cj;                                                                   \
            }                                                                                                     \
        }                                                                                                         \
        if (skip_self)                                                                                            \
            for (j = 0; j < n; j++) {                                                                             \
                w[j * stride + j] += 1;                                                                           \
                h[j] += sm[j] ? -1 : 1;                                                                           \
            }                                                                                                     \
    }

RANK1_LEFTOVER(int32_t)
RANK1_LEFTOVER(int16_t)
RANK1_PROJECT(int32_t, rank1_project_int32_t, PICK(rank1_rows_int32_t))
RANK1_PROJECT(int16_t, rank1_project_int16_t, rank1_rows_int16_t_base)

void rv_rank1_project_i32(int32_t *w, int64_t n, int64_t stride, const double *a, const double *s, int32_t *h,
                          int skip_self) {
    rank1_project_int32_t(w, n, stride, a, s, h, skip_self);
}

#if defined(__x86_64__)
// rank1_project_int16_t with rank1_rows_i16_madd: b and −b, and c_q = s_q as ±1.
__attribute__((target("avx2"))) static void rank1_project_i16_madd(int16_t *w, int64_t n, int64_t stride, const double *a,
                                                                   const double *s, int32_t *h, int skip_self) {
    int16_t *b = malloc((size_t)(3 * n + 4) * sizeof(int16_t)), *nb = b + n, *am = nb + n;
    int32_t *sm = malloc((size_t)(n + 1) * sizeof(int32_t));
    if (!b || !sm) abort();
    for (int64_t k = 0; k < n; k++) {
        b[k] = a[k] > 0 ? 1 : -1;
        nb[k] = (int16_t)-b[k];
        am[k] = a[k] > 0 ? 0 : -1;
        sm[k] = s[k] > 0 ? 0 : -1;
    }
    for (int64_t k = 0; k < n; k++) h[k] = 0;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        int16_t *r = w + j * stride;
        int64_t mid = (int64_t)((32 - ((uintptr_t)r & 31)) & 31) / 2;
        if (mid > n) mid = n;
        const int16_t *bq[4];
        int16_t c[4];
        for (int q = 0; q < 4; q++) { bq[q] = am[j + q] ? nb : b; c[q] = sm[j + q] ? -1 : 1; }
        rank1_rows_i16_madd(r, r + stride, r + 2 * stride, r + 3 * stride, bq[0], bq[1], bq[2], bq[3], c[0], c[1], c[2], c[3], h, 0, mid);
        rank1_rows_i16_madd(r, r + stride, r + 2 * stride, r + 3 * stride, bq[0], bq[1], bq[2], bq[3], c[0], c[1], c[2], c[3], h, mid, n);
    }
    rank1_leftover_int16_t(w, n, stride, j, b, am, sm, h, skip_self);
    free(b);
    free(sm);
}
#endif

void rv_rank1_project_i16(int16_t *w, int64_t n, int64_t stride, const double *a, const double *s, int32_t *h,
                          int skip_self) {
#if defined(__x86_64__)
    if (has_avx2()) return rank1_project_i16_madd(w, n, stride, a, s, h, skip_self);
#endif
    rank1_project_int16_t(w, n, stride, a, s, h, skip_self);
}

int64_t rv_max_abs_i16(const int16_t *w, int64_t count) {
    int32_t most = 0;
    for (int64_t k = 0; k < count; k++) {
        int32_t x = w[k] < 0 ? -(int32_t)w[k] : w[k];
        most = x > most ? x : most;
    }
    return most;
}

// MARK: Spiking (LIF) kernels

// One row of voltage jumps at time t (rv_lif_deliver; with refractory_until, also the
// RV_LATE_ENDED entries of rv_lif_deliver_arrivals). A refractory target (u = -inf) is left
// as it is: adding to it would leave -inf.
static inline int64_t deliver_row(const uint32_t *restrict targets, const float *restrict weights, int64_t n, int64_t base,
                                  double weight, double f, double theta, double t, double *restrict u,
                                  const double *restrict refractory_until, int64_t *restrict late) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        // Targets are scattered over the population: fetch a few ahead.
        if (k + 8 < n) __builtin_prefetch(u + base + targets[k + 8], 1);
        int64_t i = base + (int64_t)targets[k];
        double v = u[i];
        if (v >= theta) { late[m++] = k; continue; }
        if (v == -INFINITY) { if (refractory_until && t >= refractory_until[i]) late[m++] = k | RV_LATE_ENDED; continue; }
        v += (weights ? (double)weights[k] : weight) * f;
        u[i] = v;
        if (v >= theta) late[m++] = ~k;
    }
    return m;
}

int64_t rv_lif_deliver(const uint32_t *restrict targets, const float *restrict weights, int64_t n, int64_t base,
                       double weight, double f, double theta, double *restrict u, int64_t *restrict late) {
    return deliver_row(targets, weights, n, base, weight, f, theta, 0, u, NULL, late);
}

int64_t rv_lif_deliver_arrivals(const rv_arrival *a, int64_t from, int64_t count, const rv_jump_route *routes,
                                double origin, int hold, double *restrict u, const double *restrict refractory_until,
                                int64_t *restrict late, int64_t *late_count, int64_t *events) {
    double last_t = 0, last_tau = 0, f = 0;
    int cached = 0;
    const double t0 = a[from].time;
    int64_t j = from, m = 0;
    for (; j < count && m == 0; j++) {
        const rv_arrival *x = a + j;
        const rv_jump_route *r = routes + x->projection;
        if (j > from && (!r->jump || (hold && x->time != t0))) break;
        // Rows are scattered in memory: look up later arrivals' rows ahead.
        if (j + 4 < count) __builtin_prefetch(routes[a[j + 4].projection].row_start + a[j + 4].source);
        if (j + 2 < count) {
            const rv_jump_route *q = routes + a[j + 2].projection;
            if (q->targets) __builtin_prefetch(q->targets + q->row_start[a[j + 2].source]);
        }
        const double t = x->time;
        if (!cached || t != last_t || r->tau_m != last_tau) {
            f = exp((t - origin) / r->tau_m);
            last_t = t; last_tau = r->tau_m; cached = 1;
        }
        const int64_t lo = r->row_start[x->source], n = r->row_start[x->source + 1] - lo;
        *events += n;
        if (n <= 0 || !r->targets) continue;
        m = deliver_row(r->targets + lo, r->weights ? r->weights + lo : NULL, n, r->base, r->weight, f, r->theta_scale * f,
                        t, u, refractory_until, late);
    }
    *late_count = m;
    return j;
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
