#ifndef MARQUEE_LOG_H
#define MARQUEE_LOG_H

#include <stddef.h>

/*
 * One log for everything: standard error by default, or a file opened in
 * append mode. Each line is written with a single write(2), so lines from
 * different threads never interleave.
 */

int	 log_open(const char *path, const char **reason);	/* NULL or "" = stderr */
int	 log_reopen(const char **reason);

void	 log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * One access line per request: time, client address, status, bytes sent,
 * milliseconds, and the request as received with control characters escaped.
 * With private_from > 0, the bytes from there on (a reader's text, which may
 * be personal) are not written, only how many there are: "<N bytes>".
 */
void	 log_access(const char *peer, int status, unsigned long long bytes,
	    unsigned long ms, const char *request, size_t request_len,
	    size_t private_from);

/*
 * The project's one way to report a failure: a fallible function returns -1
 * and points *reason at a message. Static strings are used as they are; a
 * message with details is formatted by reasonf() into a per-thread buffer
 * that stays valid until the next reasonf() call on the same thread.
 */
const char	*reasonf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
