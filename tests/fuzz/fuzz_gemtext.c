/*
 * libFuzzer target: gemtext rendered for Gopher, as a menu (gemtext_menu)
 * and as plain text (gemtext_text). Aborts when the menu is not one item
 * per CRLF-terminated line of four TAB-separated fields ending with ".", or
 * when either rendering does not end with ".\r\n".
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gemtext.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct gopher_origin origin = {
	"example.org", 70, "/reviews/x.gmi", NULL, NULL, NULL
};

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_gemtext: %s\n", what);
	abort();
}

static void
check_end(const struct buf *b, const char *what)
{
	if (b->len < 3 || memcmp(b->data + b->len - 3, ".\r\n", 3) != 0)
		fail(what);
}

/* Text ends at the close: every line of it, the last too, ends with CRLF. */
static void
check_text(const struct buf *b)
{
	if (b->len > 0 && (b->len < 2 || memcmp(b->data + b->len - 2, "\r\n", 2) != 0))
		fail("text does not end with CRLF");
}

static void
check_menu(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *lf;
	size_t		 n, i, tabs;

	for (;;) {
		if (p == end)
			fail("menu does not end with a \".\" line");
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			fail("menu line without CRLF");
		if (lf == p || lf[-1] != '\r')
			fail("menu line ends with a bare LF");
		n = (size_t)(lf - 1 - p);
		if (memchr(p, '\r', n) != NULL)
			fail("CR inside a menu line");
		if (lf + 1 == end) {
			if (n != 1 || p[0] != '.')
				fail("last menu line is not \".\"");
			return;
		}
		for (i = 0, tabs = 0; i < n; i++)
			tabs += p[i] == '\t';
		if (tabs != 3)
			fail("menu line without exactly 3 TABs");
		p = lf + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 menu = { 0 }, text = { 0 };
	const char	*in = (const char *)data;

	gemtext_menu(in, size, &origin, &menu);
	if (!menu.failed) {
		check_end(&menu, "menu does not end with .CRLF");
		check_menu(menu.data, menu.len);
	}
	buf_free(&menu);

	gemtext_text(in, size, &origin, &text);
	if (!text.failed)
		check_text(&text);
	buf_free(&text);
	return 0;
}
