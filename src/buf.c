/*
 * The growable buffer pages are rendered into, and the escapes a page
 * needs on the way (paths percent-encoded, XML text for the feed).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

static int
buf_reserve(struct buf *b, size_t more)
{
	size_t	 cap;
	char	*p;

	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap == 0 ? 256 : b->cap;
	while (cap < b->len + more + 1) {
		if (cap > ((size_t)-1) / 2)
			goto fail;
		cap *= 2;
	}
	if ((p = realloc(b->data, cap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

void
buf_grow(struct buf *b, size_t more)
{
	(void)buf_reserve(b, more);
}

void
buf_append(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) == -1)
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	size_t	room;
	int	n;

	if (buf_reserve(b, 64) == -1)
		return;
	/* Most pieces fit what is already allocated: format once, straight in. */
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n >= room) {
		if (buf_reserve(b, (size_t)n) == -1)
			return;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/*
 * XML 1.0 section 2.2: a document holds TAB, LF, CR and Unicode from U+0020
 * on, but not U+FFFE and U+FFFF; one other character, or a byte that is not
 * UTF-8, and a reader refuses the whole feed. C1 controls are allowed but
 * "discouraged": they go too.
 */
static int
xml_char(unsigned cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 1;
	return !utf8_is_control(cp) && cp != 0xfffe && cp != 0xffff;
}

void
buf_put_xml(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*entity;
	size_t			 n, len = strlen(s);
	unsigned		 cp;

	for (; len > 0; p += n, len -= n) {
		if ((n = utf8_decode(p, len, &cp)) == 0) {
			n = 1;
			continue;
		}
		switch (cp) {
		case '<':	entity = "&lt;"; break;
		case '>':	entity = "&gt;"; break;
		case '&':	entity = "&amp;"; break;
		case '"':	entity = "&quot;"; break;
		case '\'':	entity = "&apos;"; break;
		default:
			if (xml_char(cp))
				buf_append(b, p, n);
			continue;
		}
		buf_puts(b, entity);
	}
}

/* RFC 3986 section 2.3 unreserved characters, plus the '/' that separates segments. */
static int
is_path_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

void
buf_put_path(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			esc[3] = { '%', 0, 0 };
	size_t			run;
	unsigned char		c;

	while (*s != '\0') {
		/* Copy runs of safe bytes at once: paths are mostly safe. */
		for (run = 0; s[run] != '\0' && is_path_safe((unsigned char)s[run]); run++)
			continue;
		buf_append(b, s, run);
		s += run;
		if (*s == '\0')
			break;
		c = (unsigned char)*s++;
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0xf];
		buf_append(b, esc, 3);
	}
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
