// Roofline probes for reverie-bench: what one core of this machine can move and compute.
#include "CRoofline.h"
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#if defined(__x86_64__)
__attribute__((target("avx2"), noinline)) static double sum_avx2(const double *a, int64_t n) {
    __m256d s[8];
    for (int q = 0; q < 8; q++) s[q] = _mm256_setzero_pd();
    for (int64_t i = 0; i < n; i += 32)
        for (int q = 0; q < 8; q++) s[q] = _mm256_add_pd(s[q], _mm256_load_pd(a + i + 4 * q));
    for (int q = 1; q < 8; q++) s[0] = _mm256_add_pd(s[0], s[q]);
    double o[4];
    _mm256_storeu_pd(o, s[0]);
    return o[0] + o[1] + o[2] + o[3];
}
__attribute__((target("avx2"), noinline)) static void fill_avx2(double *a, int64_t n, double c) {
    __m256d v = _mm256_set1_pd(c);
    for (int64_t i = 0; i < n; i += 4) _mm256_store_pd(a + i, v);
}
__attribute__((target("avx2"), noinline)) static void add_avx2(double *a, int64_t n, double c) {
    __m256d v = _mm256_set1_pd(c);
    for (int64_t i = 0; i < n; i += 4) _mm256_store_pd(a + i, _mm256_add_pd(_mm256_load_pd(a + i), v));
}
// 12 independent chains of a multiply and an add on 4 lanes.
__attribute__((target("avx2"), noinline)) static double muladd_avx2(int64_t reps) {
    __m256d x[12], m = _mm256_set1_pd(0.999999), c = _mm256_set1_pd(1e-9);
    for (int q = 0; q < 12; q++) x[q] = _mm256_set1_pd(1.0 + q);
    for (int64_t r = 0; r < reps; r++)
        for (int q = 0; q < 12; q++) x[q] = _mm256_add_pd(_mm256_mul_pd(x[q], m), c);
    for (int q = 1; q < 12; q++) x[0] = _mm256_add_pd(x[0], x[q]);
    double o[4];
    _mm256_storeu_pd(o, x[0]);
    return o[0];
}
#endif

__attribute__((noinline)) static double sum_base(const double *a, int64_t n) {
    double s[8] = {0};
    for (int64_t i = 0; i < n; i += 8)
        for (int q = 0; q < 8; q++) s[q] += a[i + q];
    return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}
__attribute__((noinline)) static void fill_base(double *a, int64_t n, double c) { for (int64_t i = 0; i < n; i++) a[i] = c; }
__attribute__((noinline)) static void add_base(double *a, int64_t n, double c) { for (int64_t i = 0; i < n; i++) a[i] += c; }
__attribute__((noinline)) static double muladd_base(int64_t reps) {
    double x[12], m = 0.999999, c = 1e-9;
    for (int q = 0; q < 12; q++) x[q] = 1.0 + q;
    for (int64_t r = 0; r < reps; r++)
        for (int q = 0; q < 12; q++) x[q] = x[q] * m + c;
    return x[0] + x[11];
}

static int avx2(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

volatile double rf_sink;

rf_bandwidth rf_measure_bandwidth(int64_t bytes, int rounds) {
    int64_t n = bytes / 256 * 32;
    rf_bandwidth best = {0, 0, 0};
    if (n <= 0) return best;
    double *a = aligned_alloc(64, (size_t)n * sizeof(double));
    if (!a) return best;
    for (int64_t i = 0; i < n; i++) a[i] = 1e-9 * (double)i;
    int v = avx2();
    for (int r = 0; r < rounds; r++) {
        for (int kind = 0; kind < 3; kind++) {
            // The clock is read once per batch of passes over about 4 MiB, so that its cost
            // does not count against small working sets.
            int64_t reps = 0, batch = 1 + (4 << 20) / (n * (int64_t)sizeof(double));
            double t0 = cpu_seconds(), t;
            do {
                for (int64_t b = 0; b < batch; b++) {
#if defined(__x86_64__)
                    if (v) {
                        if (kind == 0) rf_sink += sum_avx2(a, n);
                        else if (kind == 1) fill_avx2(a, n, (double)reps);
                        else add_avx2(a, n, 1e-12);
                    } else
#endif
                    {
                        if (kind == 0) rf_sink += sum_base(a, n);
                        else if (kind == 1) fill_base(a, n, (double)reps);
                        else add_base(a, n, 1e-12);
                    }
                    __asm__ volatile("" ::: "memory");
                    reps++;
                }
                t = cpu_seconds() - t0;
            } while (t < 0.2);
            double rate = (double)reps * (double)n * sizeof(double) * (kind == 2 ? 2 : 1) / t;
            double *slot = kind == 0 ? &best.read : kind == 1 ? &best.write : &best.update;
            if (rate > *slot) *slot = rate;
        }
    }
    free(a);
    return best;
}

double rf_measure_flops(int rounds) {
    double best = 0;
    int v = avx2();
    for (int r = 0; r < rounds; r++) {
        int64_t reps = 1 << 20;
        double t0 = cpu_seconds();
#if defined(__x86_64__)
        if (v) rf_sink += muladd_avx2(reps); else
#endif
        rf_sink += muladd_base(reps);
        double t = cpu_seconds() - t0;
        double rate = (double)reps * 12 * 2 * (v ? 4 : 1) / t;
        if (rate > best) best = rate;
    }
    return best;
}
