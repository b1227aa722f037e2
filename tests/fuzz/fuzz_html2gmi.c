/*
 * libFuzzer target: html2gmi.c, WordPress HTML as gemtext, and its one-line
 * form. Whatever the input, the output must be UTF-8 with no control
 * character but LF and no invisible character, and the one-line form must
 * fit its buffer with no LF at all.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html2gmi.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_html2gmi: %s\n", what);
	abort();
}

static void
check_clean(const char *s, size_t len, int lf_ok)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n;
	unsigned		 cp;

	if (!utf8_valid(s, len))
		fail("output is not UTF-8");
	for (i = 0; i < len; i += n) {
		n = utf8_decode(p + i, len - i, &cp);
		if (cp == '\n' && lf_ok)
			continue;
		if (utf8_is_control(cp) || utf8_is_invisible(cp))
			fail("a control or invisible character in the output");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	out = { 0 };
	char		one[128];

	if (html2gmi((const char *)data, size, &out) == -1)
		fail("out of memory on a small input");
	if (out.len > 0 && (out.data[out.len - 1] != '\n' || out.data[0] == '\n'))
		fail("a blank line at either end, or no final LF");
	check_clean(out.data != NULL ? out.data : "", out.len, 1);
	if (out.len > 0 && memchr(out.data, '\0', out.len) != NULL)
		fail("a NUL in the output");
	buf_free(&out);
	html2gmi_line((const char *)data, size, one, sizeof(one));
	if (memchr(one, '\0', sizeof(one)) == NULL)
		fail("the line is not terminated");
	check_clean(one, strlen(one), 0);
	return 0;
}
