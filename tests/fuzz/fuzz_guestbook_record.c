/*
 * libFuzzer target: guestbook log records (record_parse, record_format) and
 * what readers write (entry_text_clean, entry_author).
 *
 * A random line almost never carries the right CRC-32C, so each input is
 * parsed twice: as it is, and sealed, with its bytes up to the last TAB (all
 * of them when it has none) followed by TAB and their CRC, as record_format
 * writes it. A record that parses must format, the result must parse back to
 * an equal record, and formatting that gives the same line again.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "request.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_guestbook_record: %s\n", what);
	abort();
}

static int
record_equal(const struct record *a, const struct record *b)
{
	return a->kind == b->kind && a->time == b->time && a->id == b->id &&
	    strcmp(a->slug, b->slug) == 0 && strcmp(a->author, b->author) == 0 &&
	    strcmp(a->fingerprint, b->fingerprint) == 0 &&
	    a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0 &&
	    a->parent == b->parent && a->flags == b->flags;
}

static void
check_record(const char *line, size_t len)
{
	static struct record	 r, back;
	const char		*reason = NULL;
	char			*out, *again;
	size_t			 size, n, m;

	if (record_parse(line, len, &r, &reason) == -1) {
		if (reason == NULL)
			fail("record_parse failed without a reason");
		return;
	}
	if (memchr(r.slug, '\0', sizeof(r.slug)) == NULL ||
	    memchr(r.author, '\0', sizeof(r.author)) == NULL ||
	    memchr(r.fingerprint, '\0', sizeof(r.fingerprint)) == NULL ||
	    r.text_len > ENTRY_TEXT_MAX || r.text[r.text_len] != '\0')
		fail("a field of a parsed record is not terminated");

	/* The guestbook reads lines of up to RECORD_MAX bytes. */
	size = (len > RECORD_MAX ? len : RECORD_MAX) + 2;
	out = malloc(size);
	again = malloc(size);
	if (out == NULL || again == NULL)
		goto done;
	if ((n = record_format(&r, out, size)) == 0)
		fail("a parsed record does not format");
	if (out[n - 1] != '\n' || memchr(out, '\n', n - 1) != NULL)
		fail("a formatted record is not one line");
	reason = NULL;
	if (record_parse(out, n - 1, &back, &reason) == -1) {
		fprintf(stderr, "fuzz_guestbook_record: %s: %.*s\n", reason,
		    (int)(n - 1), out);
		fail("a formatted record does not parse back");
	}
	if (!record_equal(&r, &back))
		fail("a formatted record parses back to another record");
	if ((m = record_format(&back, again, size)) != n || memcmp(out, again, n) != 0)
		fail("formatting is not stable");
done:
	free(out);
	free(again);
}

static void
check_sealed(const char *in, size_t len)
{
	const char	*tab;
	char		*line, crc[16];
	size_t		 body;

	body = len;
	for (tab = in + len; tab > in; tab--)
		if (tab[-1] == '\t') {
			body = (size_t)(tab - 1 - in);
			break;
		}
	snprintf(crc, sizeof(crc), "\t%08x", crc32c(in, body));
	if ((line = malloc(body + 9)) == NULL)
		return;
	memcpy(line, in, body);
	memcpy(line + body, crc, 9);
	check_record(line, body + 9);
	free(line);
}

static void
check_text(const char *in, size_t len)
{
	char		 out[ENTRY_TEXT_MAX + 1];
	const char	*reason = NULL;
	size_t		 n = 0, i, lines = 1;
	unsigned char	 c;

	if (entry_text_clean(in, len, out, &n, &reason) == -1) {
		if (reason == NULL)
			fail("entry_text_clean failed without a reason");
		return;
	}
	if (n == 0 || n > ENTRY_TEXT_MAX || out[n] != '\0')
		fail("cleaned text empty, too long or not terminated");
	for (i = 0; i < n; i++) {
		c = (unsigned char)out[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail("cleaned text holds a control byte");
		if (c == 0xc2 && i + 1 < n && (unsigned char)out[i + 1] >= 0x80 &&
		    (unsigned char)out[i + 1] <= 0x9f)
			fail("cleaned text holds a C1 control");
		if (c == 0xef && i + 2 < n && memcmp(out + i, "\xef\xbb\xbf", 3) == 0)
			fail("cleaned text holds a byte-order mark");
		if (c == '\n') {
			lines++;
			if (i == 0 || out[i - 1] == ' ')
				fail("cleaned text with a leading blank line or a trailing space");
		}
	}
	if (!utf8_valid(out, n))
		fail("cleaned text is not UTF-8");
	if (lines > ENTRY_LINES_MAX)
		fail("cleaned text has too many lines");
	if (out[n - 1] == '\n' || out[n - 1] == ' ')
		fail("cleaned text ends with a blank line or a space");
}

static void
check_author(const char *in, size_t len)
{
	char		*cn, out[AUTHOR_MAX + 1];
	size_t		 n, i;
	unsigned char	 c;

	/* A CN is a string: the input up to its first NUL. */
	if ((cn = malloc(len + 1)) == NULL)
		return;
	memcpy(cn, in, len);
	cn[len] = '\0';
	memset(out, 'x', sizeof(out));
	entry_author(cn, out);
	free(cn);
	if (memchr(out, '\0', sizeof(out)) == NULL)
		fail("author not terminated");
	if ((n = strlen(out)) == 0)
		fail("empty author");
	if (!utf8_valid(out, n))
		fail("author is not UTF-8");
	for (i = 0; i < n; i++) {
		c = (unsigned char)out[i];
		if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < n &&
		    (unsigned char)out[i + 1] >= 0x80 && (unsigned char)out[i + 1] <= 0x9f))
			fail("author holds a control character");
	}
	if (out[0] == ' ' || out[n - 1] == ' ')
		fail("author with a space at either end");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data;

	check_record(in, size);
	check_sealed(in, size);
	check_text(in, size);
	check_author(in, size);
	return 0;
}
