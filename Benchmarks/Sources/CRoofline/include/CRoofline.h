#ifndef CROOFLINE_H
#define CROOFLINE_H
#include <stdint.h>

/// Single-thread memory bandwidth over a working set of `bytes` (rounded down to
/// 256 B), best of `rounds` rounds of at least 0.2 s CPU time each, in bytes per
/// CPU second: read (a sum), write (a fill) and read-modify-write (a += c; read and
/// written bytes both counted), with AVX2 when the CPU has it.
typedef struct { double read, write, update; } rf_bandwidth;
rf_bandwidth rf_measure_bandwidth(int64_t bytes, int rounds);

/// Peak double-precision multiply-and-add throughput of one core (separate
/// multiplies and adds, as Reverie's kernels compile them: no FMA), flop per CPU second.
double rf_measure_flops(int rounds);

#endif
