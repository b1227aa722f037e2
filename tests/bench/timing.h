#ifndef MARQUEE_BENCH_TIMING_H
#define MARQUEE_BENCH_TIMING_H

/*
 * What the in-process benchmarks time with and sort their times by:
 * microseconds on the monotonic clock, and doubles for qsort.
 */

#include <time.h>

static inline double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
