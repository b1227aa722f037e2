/*
 * libFuzzer target: one Gopher request (request_parse_gopher). Aborts when
 * a parsed selector breaks what request.h promises.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_gopher_selector"
#include "paths.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct selector	 sel;
	const char		*reason = NULL;
	size_t			 n;

	if (request_parse_gopher((const char *)data, size, &sel, &reason) == -1) {
		if (reason == NULL)
			fail("request_parse_gopher failed without a reason");
		return 0;
	}
	if (memchr(sel.path, '\0', sizeof(sel.path)) == NULL ||
	    memchr(sel.search, '\0', sizeof(sel.search)) == NULL)
		fail("a field is not terminated");
	check_path(sel.path);
	n = strlen(sel.search);
	if (!utf8_valid(sel.search, n))
		fail("search string is not UTF-8");
	if (strpbrk(sel.search, "\t\r\n") != NULL)
		fail("search string holds TAB, CR or LF");
	if (!sel.has_search && n > 0)
		fail("a search string without has_search");
	if (sel.plus != 0 && sel.plus != '$' && sel.plus != '+')
		fail("unknown Gopher+ marker");
	if (sel.plus != 0 && sel.has_search)
		fail("both a Gopher+ marker and a search string");
	return 0;
}
