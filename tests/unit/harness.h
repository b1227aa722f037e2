#ifndef MARQUEE_HARNESS_H
#define MARQUEE_HARNESS_H

/*
 * A minimal unit-test harness: every CHECK counts as one test, failures are
 * reported with file and line, and harness_done() prints the closing
 * "N passed, N failed" line and gives the exit status.
 */

#include <stdio.h>
#include <string.h>

static int	harness_passed, harness_failed;

static void
harness_result(int ok, const char *file, int line, const char *what)
{
	if (ok) {
		harness_passed++;
		return;
	}
	harness_failed++;
	printf("FAIL %s:%d: %s\n", file, line, what);
}

#define CHECK(cond)	harness_result((cond) != 0, __FILE__, __LINE__, #cond)

#define CHECK_INT(got, want) do {					\
	long long	g_ = (long long)(got), w_ = (long long)(want);	\
	char		m_[256];					\
									\
	snprintf(m_, sizeof(m_), "%s is %lld, want %lld", #got, g_, w_);\
	harness_result(g_ == w_, __FILE__, __LINE__, m_);		\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char	*g_ = (got), *w_ = (want);			\
	char		 m_[2300];					\
									\
	snprintf(m_, sizeof(m_), "%s is \"%.1000s\", want \"%.1000s\"",	\
	    #got, g_ != NULL ? g_ : "(null)", w_);			\
	harness_result(g_ != NULL && strcmp(g_, w_) == 0, __FILE__,	\
	    __LINE__, m_);						\
} while (0)

static int
harness_done(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed == 0 ? 0 : 1;
}

#endif
