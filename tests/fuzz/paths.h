/*
 * What the fuzz targets of the request parsers both check. Define FUZZ_NAME
 * (the target's name, for the message) before including it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "utf8.h"

static void
fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", FUZZ_NAME, what);
	abort();
}

/* A normalised path: '/' first, UTF-8, no empty, "." or ".." segment but a final "". */
static void
check_path(const char *path)
{
	const char	*seg, *slash;
	size_t		 len = strlen(path), n;

	if (path[0] != '/')
		fail("path does not start with /");
	if (!utf8_valid(path, len))
		fail("path is not UTF-8");
	for (seg = path + 1; seg <= path + len; seg = slash + 1) {
		if ((slash = strchr(seg, '/')) == NULL)
			slash = path + len;
		n = (size_t)(slash - seg);
		if (n == 0 && slash != path + len)
			fail("path has an empty segment");
		if ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			fail("path has a dot segment");
	}
}
