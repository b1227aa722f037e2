#ifndef MARQUEE_BENCH_TIMING_H
#define MARQUEE_BENCH_TIMING_H

/*
 * What the benchmarks time with, sort their times by and weigh memory
 * with: microseconds on the monotonic clock, doubles for qsort, and a
 * process's memory figures from /proc.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The KiB on the line of /proc file path that starts with key ("VmRSS:"); -1 when none. */
static inline long
proc_kib(const char *path, const char *key)
{
	char	 line[256];
	long	 kib = -1;
	size_t	 len = strlen(key);
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, len) == 0) {
			kib = strtol(line + len, NULL, 10);
			break;
		}
	fclose(fp);
	return kib;
}

#endif
