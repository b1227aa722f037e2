/*
 * libFuzzer target: one Titan request line (request_parse_titan). Aborts
 * when a parsed line breaks what request.h promises: a titan URL with a
 * host and no query, a normalised path, terminated strings, a MIME type of
 * one slash, a token decoded within its bounds, and a size that is the
 * digits of the line's only size parameter.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NAME "fuzz_titan_request"
#include "paths.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The value of the one ";size=" parameter of in[0..len), as the line spells it. */
static unsigned long long
size_in_line(const char *in, size_t len)
{
	const char		*p = memmem(in, len, ";size=", 6);
	unsigned long long	 n = 0;

	if (p == NULL)
		fail("parsed without ;size=");
	for (p += 6; p < in + len && *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned)(*p - '0');
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct titan_request	 t;
	const char			*in = (const char *)data, *reason = NULL, *slash;

	if (request_parse_titan(in, size, &t, &reason) == -1) {
		if (reason == NULL)
			fail("request_parse_titan failed without a reason");
		return 0;
	}
	if (!request_is_titan(in, size))
		fail("parsed a line that does not start with titan:");
	if (size > GEMINI_URL_MAX + 2)
		fail("parsed a line over 1024 bytes");
	if (memchr(t.url.host, '\0', sizeof(t.url.host)) == NULL || t.url.host[0] == '\0')
		fail("host missing or not terminated");
	if (strcmp(t.url.scheme, "titan") != 0 || t.url.has_query)
		fail("not a titan URL, or one with a query");
	check_path(t.url.path);
	if (memchr(t.mime, '\0', sizeof(t.mime)) == NULL ||
	    memchr(t.token, '\0', sizeof(t.token)) == NULL)
		fail("mime or token not terminated");
	if (t.mime[0] != '\0' && ((slash = strchr(t.mime, '/')) == NULL ||
	    strchr(slash + 1, '/') != NULL || slash == t.mime || slash[1] == '\0'))
		fail("a mime that is not type/subtype");
	if (t.has_token != (t.token[0] != '\0'))
		fail("has_token and the token disagree");
	/* The first ';' ends the URL, so ";size=" starts a parameter, and only one. */
	if (t.size != size_in_line(in, size))
		fail("size is not the line's digits");
	return 0;
}
