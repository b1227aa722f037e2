#ifndef MARQUEE_BUF_H
#define MARQUEE_BUF_H

#include <stddef.h>

/*
 * A growable byte buffer for rendering pages. A failed allocation makes the
 * buffer sticky-failed: later appends do nothing, and the caller checks
 * buf.failed once at the end instead of after every append.
 */
struct buf {
	char	*data;		/* owned; NUL-terminated when not failed */
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

/* Makes room for more bytes at once, so appending them copies nothing twice. */
void	 buf_grow(struct buf *b, size_t more);
void	 buf_append(struct buf *b, const void *data, size_t len);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Appends s with the characters XML gives meaning to (<>&"') escaped and
 * those it forbids (most controls, bytes that are not UTF-8) left out.
 */
void	 buf_put_xml(struct buf *b, const char *s);
/* Appends s percent-encoded where a URL path may not hold it as it is. */
void	 buf_put_path(struct buf *b, const char *s);
void	 buf_free(struct buf *b);

#endif
