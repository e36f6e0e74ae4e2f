// The two inner loops of dense binary networks, compiled twice (baseline and
// AVX2) and chosen once at run time. Compiled with -ffp-contract=off and without
// FMA so that both versions round identically.
#include "ReverieSIMD.h"

#define FANOUT_BODY                                                              \
    int64_t change = 0;                                                          \
    for (int64_t k = 0; k < n; k++) {                                            \
        double old = h[k], now = old + w[k] * d, sk = watched[k];                \
        h[k] = now;                                                              \
        change += (int64_t)(sk * now < 0) - (int64_t)(sk * old < 0);             \
    }                                                                            \
    return change;

#define ACCUMULATE_BODY                                                          \
    for (int64_t k = 0; k < n; k++)                                              \
        h[k] += (r0[k] * s0 + r1[k] * s1) + (r2[k] * s2 + r3[k] * s3);

static int64_t fanout_base(double *restrict h, const double *restrict w, const double *restrict watched,
                           double d, int64_t n) { FANOUT_BODY }

__attribute__((target("avx2")))
static int64_t fanout_avx2(double *restrict h, const double *restrict w, const double *restrict watched,
                           double d, int64_t n) { FANOUT_BODY }

static void accumulate_base(double *restrict h, const double *restrict r0, const double *restrict r1,
                            const double *restrict r2, const double *restrict r3,
                            double s0, double s1, double s2, double s3, int64_t n) { ACCUMULATE_BODY }

__attribute__((target("avx2")))
static void accumulate_avx2(double *restrict h, const double *restrict r0, const double *restrict r1,
                            const double *restrict r2, const double *restrict r3,
                            double s0, double s1, double s2, double s3, int64_t n) { ACCUMULATE_BODY }

#define RANK1_BODY                                                               \
    for (int64_t k = 0; k < n; k++) {                                            \
        double x = row[k] + u[k] * a;                                            \
        row[k] = x;                                                              \
        h[k] += x * s;                                                           \
    }

static void rank1_base(double *restrict row, const double *restrict u, double a, double *restrict h, double s,
                       int64_t n) { RANK1_BODY }

__attribute__((target("avx2")))
static void rank1_avx2(double *restrict row, const double *restrict u, double a, double *restrict h, double s,
                       int64_t n) { RANK1_BODY }

#define AXPY_BODY for (int64_t k = 0; k < n; k++) h[k] += w[k] * d;
#define COUNT_BODY                                                               \
    int64_t c = 0;                                                               \
    for (int64_t k = 0; k < n; k++) c += (int64_t)(watched[k] * h[k] < 0);       \
    return c;

static void axpy_base(double *restrict h, const double *restrict w, double d, int64_t n) { AXPY_BODY }
__attribute__((target("avx2")))
static void axpy_avx2(double *restrict h, const double *restrict w, double d, int64_t n) { AXPY_BODY }
static int64_t count_base(const double *restrict watched, const double *restrict h, int64_t n) { COUNT_BODY }
__attribute__((target("avx2")))
static int64_t count_avx2(const double *restrict watched, const double *restrict h, int64_t n) { COUNT_BODY }

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

int64_t rv_fanout_dense(double *h, const double *w, const double *watched, double d, int64_t n) {
    return has_avx2() ? fanout_avx2(h, w, watched, d, n) : fanout_base(h, w, watched, d, n);
}

void rv_accumulate4(double *h, const double *r0, const double *r1, const double *r2, const double *r3,
                    double s0, double s1, double s2, double s3, int64_t n) {
    if (has_avx2()) accumulate_avx2(h, r0, r1, r2, r3, s0, s1, s2, s3, n);
    else accumulate_base(h, r0, r1, r2, r3, s0, s1, s2, s3, n);
}

void rv_rank1_project(double *row, const double *u, double a, double *h, double s, int64_t n) {
    if (has_avx2()) rank1_avx2(row, u, a, h, s, n);
    else rank1_base(row, u, a, h, s, n);
}

void rv_axpy(double *h, const double *w, double d, int64_t n) {
    if (has_avx2()) axpy_avx2(h, w, d, n);
    else axpy_base(h, w, d, n);
}

int64_t rv_count_unstable(const double *watched, const double *h, int64_t n) {
    return has_avx2() ? count_avx2(watched, h, n) : count_base(watched, h, n);
}

// MARK: Spiking (LIF) kernels

int64_t rv_lif_deliver(const uint32_t *restrict targets, int64_t n, int64_t base, double jump, double theta,
                       double *restrict u, int64_t *restrict late) {
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++) {
        // Targets are scattered over the population: fetch a few ahead.
        if (k + 8 < n) __builtin_prefetch(u + base + targets[k + 8], 1);
        int64_t i = base + (int64_t)targets[k];
        double v = u[i];
        if (v >= theta) { late[m++] = i; continue; }
        v += jump;
        u[i] = v;
        if (v >= theta) late[m++] = ~i;
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
