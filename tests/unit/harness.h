#ifndef MARQUEE_HARNESS_H
#define MARQUEE_HARNESS_H

/*
 * A minimal unit-test harness for one test program per translation unit:
 * every CHECK counts as one test, a failure prints its file, line and what
 * was expected, and harness_done() prints the closing "N passed, N failed"
 * line and returns the exit status for main().
 */

#include <stdio.h>
#include <string.h>

static int	harness_passed, harness_failed;

/* Returns ok, so a test can stop when later checks would be meaningless. */
static inline int
harness_result(int ok, const char *file, int line, const char *what)
{
	if (ok)
		harness_passed++;
	else {
		harness_failed++;
		printf("FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

/* Control bytes are escaped so a stray CR or NUL shows in the report. */
static inline void
harness_print_str(const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		fputs("(null)", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static inline int
harness_str_eq(const char *got, const char *want, const char *file, int line,
    const char *expr)
{
	int	ok = got != NULL && want != NULL ? strcmp(got, want) == 0 :
		    got == want;

	if (!harness_result(ok, file, line, expr)) {
		fputs("\tgot  ", stdout);
		harness_print_str(got);
		fputs("\n\twant ", stdout);
		harness_print_str(want);
		putchar('\n');
	}
	return ok;
}

static inline int
harness_int_eq(long long got, long long want, const char *file, int line,
    const char *expr)
{
	int	ok = got == want;

	if (!harness_result(ok, file, line, expr))
		printf("\tgot  %lld\n\twant %lld\n", got, want);
	return ok;
}

#define CHECK(cond)							\
	harness_result((cond) != 0, __FILE__, __LINE__, #cond)
#define CHECK_INT_EQ(got, want)						\
	harness_int_eq((long long)(got), (long long)(want), __FILE__,	\
	    __LINE__, #got " == " #want)
/* Either side may be NULL: two NULLs are equal. */
#define CHECK_STR_EQ(got, want)						\
	harness_str_eq((got), (want), __FILE__, __LINE__, #got " == " #want)

/* Older names, still used by some test files. */
#define CHECK_INT(got, want)	CHECK_INT_EQ(got, want)
#define CHECK_STR(got, want)	CHECK_STR_EQ(got, want)

static inline int
harness_done(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed == 0 ? 0 : 1;
}

#endif
