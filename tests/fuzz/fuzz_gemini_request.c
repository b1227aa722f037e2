/*
 * libFuzzer target: one Gemini request line (request_parse_gemini), then
 * path_normalise of the raw path it kept and of the input itself. Aborts
 * when a parsed URL breaks what request.h promises.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_gemini_request"
#include "paths.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A string field must end within its array. */
static void
check_string(const char *s, size_t size, const char *what)
{
	if (memchr(s, '\0', size) == NULL)
		fail(what);
}

/* Lower case, as request.h says of scheme and host. */
static void
check_lower(const char *s, const char *what)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			fail(what);
}

static void
normalise_input(const char *in, size_t len)
{
	static char	 full[GEMINI_URL_MAX + 1];
	const char	*reason = NULL;
	char		*small;
	size_t		 size;
	int		 rc;

	rc = path_normalise(in, len, full, sizeof(full), &reason);
	if (rc == -1 && reason == NULL)
		fail("path_normalise failed without a reason");
	if (rc == 0)
		check_path(full);

	/* An exact-size heap buffer, so that ASan sees any write past it. */
	size = 1 + (len > 0 ? (unsigned char)in[len - 1] % 48 : 0);
	if ((small = malloc(size)) == NULL)
		return;
	reason = NULL;
	if (path_normalise(in, len, small, size, &reason) == 0) {
		if (strlen(small) >= size)
			fail("path_normalise wrote past a small buffer");
		if (rc != 0 || strcmp(small, full) != 0)
			fail("path_normalise depends on the buffer size");
	} else if (reason == NULL)
		fail("path_normalise failed without a reason");
	free(small);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct url	 url;
	static char		 again[GEMINI_URL_MAX + 1];
	const char		*in = (const char *)data, *reason = NULL;

	normalise_input(in, size);
	if (request_parse_gemini(in, size, &url, &reason) == -1) {
		if (reason == NULL)
			fail("request_parse_gemini failed without a reason");
		return 0;
	}
	check_string(url.scheme, sizeof(url.scheme), "scheme not terminated");
	check_string(url.host, sizeof(url.host), "host not terminated");
	check_string(url.raw_path, sizeof(url.raw_path), "raw_path not terminated");
	check_string(url.path, sizeof(url.path), "path not terminated");
	check_string(url.query, sizeof(url.query), "query not terminated");
	if (url.scheme[0] == '\0')
		fail("a parsed URL without a scheme");
	check_lower(url.scheme, "scheme not lower-cased");
	check_lower(url.host, "host not lower-cased");
	if (url.port < -1 || url.port > 65535)
		fail("port out of range");
	if (!url.has_query && url.query[0] != '\0')
		fail("a query without has_query");
	if (strcmp(url.scheme, "gemini") == 0 && url.host[0] == '\0')
		fail("a gemini URL without a host");
	check_path(url.path);

	/* The path kept is the raw path normalised. */
	reason = NULL;
	if (path_normalise(url.raw_path, strlen(url.raw_path), again,
	    sizeof(again), &reason) == -1)
		fail("the raw path of a parsed URL does not normalise");
	if (strcmp(again, url.path) != 0)
		fail("the path is not the raw path normalised");
	return 0;
}
