/*
 * The one log: error, warning and info lines, and one access line per
 * request, each written whole with one write(2).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Long enough for an access line with a 1024-byte request escaped in full. */
#define LOG_LINE_MAX	(4 * 1024 + 256)
#define REASON_MAX	512

static int	 log_fd = STDERR_FILENO;
static char	 log_path[4096];

static _Thread_local char reason_buf[REASON_MAX];

const char *
reasonf(const char *fmt, ...)
{
	char	msg[REASON_MAX];
	va_list	ap;

	/* Formatted aside first: an argument may be the previous reason. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);	/* a cut reason is still a reason */
	va_end(ap);
	memcpy(reason_buf, msg, sizeof(reason_buf));
	return reason_buf;
}

static int
open_log_file(const char *path, const char **reason)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

int
log_open(const char *path, const char **reason)
{
	int	fd;

	if (path == NULL || *path == '\0') {
		log_path[0] = '\0';
		return 0;
	}
	if ((size_t)snprintf(log_path, sizeof(log_path), "%s", path) >= sizeof(log_path)) {
		*reason = reasonf("%s: log path too long", path);
		return -1;
	}
	if ((fd = open_log_file(path, reason)) == -1)
		return -1;
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
	return 0;
}

int
log_reopen(const char **reason)
{
	int	fd, old;

	if (log_path[0] == '\0')
		return 0;
	if ((fd = open_log_file(log_path, reason)) == -1)
		return -1;
	old = log_fd;
	log_fd = fd;
	if (old != STDERR_FILENO)
		close(old);
	return 0;
}

/* Writes "TIME " into buf and returns its length. */
static size_t
timestamp(char *buf, size_t size)
{
	struct timespec	ts;
	struct tm	tm;
	size_t		n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	return n;
}

/* Ends the n bytes in line with a newline, cutting them to fit, and writes them at once. */
static void
emit(char *line, size_t n, size_t size)
{
	if (n > size - 1)
		n = size - 1;
	line[n++] = '\n';
	(void)!write(log_fd, line, n);
}

static void __attribute__((format(printf, 2, 0)))
vlog(const char *level, const char *fmt, va_list ap)
{
	char	line[LOG_LINE_MAX];
	size_t	n;
	int	m;

	n = timestamp(line, sizeof(line));
	m = snprintf(line + n, sizeof(line) - n, "%s: ", level);
	if (m > 0)
		n += (size_t)m;
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m > 0)
		n += (size_t)m;
	emit(line, n, sizeof(line));
}

#define DEFINE_LOG(name, level)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list	ap;					\
							\
	va_start(ap, fmt);				\
	vlog(level, fmt, ap);				\
	va_end(ap);					\
}

DEFINE_LOG(log_error, "error")
DEFINE_LOG(log_warn, "warning")
DEFINE_LOG(log_info, "info")

/* Appends s[0..len) to out with control characters, backslash and bytes >= 0x7f as \xHH. */
static size_t
escape(char *out, size_t size, const char *s, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, n = 0;
	unsigned char		c;

	for (i = 0; i < len && n + 4 < size; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\') {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		} else
			out[n++] = (char)c;
	}
	return n;
}

void
log_access(const char *peer, int status, unsigned long long bytes,
    unsigned long ms, const char *request, size_t request_len, size_t private_from)
{
	char	line[LOG_LINE_MAX];
	size_t	n;
	int	m;

	n = timestamp(line, sizeof(line));
	m = snprintf(line + n, sizeof(line) - n, "%s %d %llu %lums ",
	    peer, status, bytes, ms);
	if (m > 0)
		n += (size_t)m;
	if (private_from == 0 || private_from > request_len)
		private_from = request_len;
	if (n < sizeof(line))
		n += escape(line + n, sizeof(line) - n, request, private_from);
	if (private_from < request_len && n < sizeof(line) &&
	    (m = snprintf(line + n, sizeof(line) - n, "<%zu bytes>",
	    request_len - private_from)) > 0)
		n += (size_t)m;
	emit(line, n, sizeof(line));
}
