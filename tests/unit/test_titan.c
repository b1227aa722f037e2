/* Unit tests of the Titan request-line parser: every bad input the issue lists. */

#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "request.h"

static struct titan_request	 t;
static const char		*reason;

static int
parse(const char *s)
{
	reason = NULL;
	return request_parse_titan(s, strlen(s), &t, &reason);
}

#define REFUSE(s, why) do {						\
	CHECK_INT(parse(s), -1);					\
	CHECK_STR(reason, why);						\
} while (0)

static void
test_valid(void)
{
	CHECK_INT(parse("titan://localhost/reviews/a.gmi;mime=text/gemini;size=12\r\n"), 0);
	CHECK_STR(t.url.scheme, "titan");
	CHECK_STR(t.url.host, "localhost");
	CHECK_STR(t.url.path, "/reviews/a.gmi");
	CHECK_INT(t.size, 12);
	CHECK_STR(t.mime, "text/gemini");
	CHECK_INT(t.has_token, 0);

	/* Order does not matter; mime is optional; the token is decoded. */
	CHECK_INT(parse("titan://localhost:1965/r/x.gmi;token=a%3Bb%20c;size=0\r\n"), 0);
	CHECK_INT(t.url.port, 1965);
	CHECK_INT(t.size, 0);
	CHECK_STR(t.mime, "");
	CHECK_INT(t.has_token, 1);
	CHECK_STR(t.token, "a;b c");

	/* Unknown parameters are ignored; the scheme in any case. */
	CHECK_INT(parse("TITAN://localhost/a.gmi;charset=utf-8;size=5;x=\r\n"), 0);
	CHECK_INT(t.size, 5);
	CHECK_INT(parse("titan://localhost/a.gmi;size=007\r\n"), 0);
	CHECK_INT(t.size, 7);
	CHECK_INT(parse("titan://localhost/a.gmi;size=18446744073709551615\r\n"), 0);
	CHECK(t.size == 18446744073709551615ULL);
}

static void
test_size(void)
{
	REFUSE("titan://localhost/a.gmi\r\n", "missing size");
	REFUSE("titan://localhost/a.gmi;mime=text/gemini\r\n", "missing size");
	REFUSE("titan://localhost/a.gmi;size=\r\n", "empty size");
	REFUSE("titan://localhost/a.gmi;size=+5\r\n", "size is not a decimal number");
	REFUSE("titan://localhost/a.gmi;size=-5\r\n", "size is not a decimal number");
	REFUSE("titan://localhost/a.gmi;size=0x10\r\n", "size is not a decimal number");
	REFUSE("titan://localhost/a.gmi;size=1.5\r\n", "size is not a decimal number");
	REFUSE("titan://localhost/a.gmi;size=%35\r\n", "size is not a decimal number");
	REFUSE("titan://localhost/a.gmi;size=18446744073709551616\r\n", "size too large");
	REFUSE("titan://localhost/a.gmi;size=99999999999999999999999\r\n", "size too large");
	REFUSE("titan://localhost/a.gmi;size=1;size=2\r\n", "size given twice");
	/* Spaces are not URL bytes: the line is refused before its parameters. */
	REFUSE("titan://localhost/a.gmi;size= 5\r\n", "character not allowed in a URL");
	REFUSE("titan://localhost/a.gmi;size=5 \r\n", "character not allowed in a URL");
}

static void
test_params(void)
{
	REFUSE("titan://localhost/a.gmi;size=1;mime=text\r\n", "mime is not a MIME type");
	REFUSE("titan://localhost/a.gmi;size=1;mime=/gemini\r\n", "mime is not a MIME type");
	REFUSE("titan://localhost/a.gmi;size=1;mime=text/\r\n", "mime is not a MIME type");
	REFUSE("titan://localhost/a.gmi;size=1;mime=a/b/c\r\n", "mime is not a MIME type");
	REFUSE("titan://localhost/a.gmi;size=1;mime=text%2Fgemini\r\n", "mime is not a MIME type");
	REFUSE("titan://localhost/a.gmi;size=1;mime=a/b;mime=a/b\r\n", "mime given twice");
	REFUSE("titan://localhost/a.gmi;size=1;token=\r\n",
	    "token is empty, too long or badly encoded");
	REFUSE("titan://localhost/a.gmi;size=1;token=%00x\r\n",
	    "token is empty, too long or badly encoded");
	REFUSE("titan://localhost/a.gmi;size=1;token=%zz\r\n",
	    "token is empty, too long or badly encoded");
	REFUSE("titan://localhost/a.gmi;size=1;size\r\n", "a parameter is not key=value");
	REFUSE("titan://localhost/a.gmi;size=1;=x\r\n", "a parameter is not key=value");
	REFUSE("titan://localhost/a.gmi;;size=1\r\n", "a parameter is not key=value");
	REFUSE("titan://localhost/a.gmi;size=1;\r\n", "a parameter is not key=value");
}

static void
test_url(void)
{
	char	line[GEMINI_URL_MAX + 64];
	int	n;

	REFUSE("gemini://localhost/a.gmi;size=1\r\n", "not a titan:// URL");
	REFUSE("titan:/a.gmi;size=1\r\n", "missing host");
	REFUSE("titan://localhost/a.gmi?q;size=1\r\n", "a Titan URL has no query");
	REFUSE("titan://localhost/a.gmi;size=1?q\r\n", "a Titan URL has no query");
	REFUSE("titan://localhost/reviews%2fa.gmi;size=1\r\n", "encoded slash in path");
	REFUSE("titan://localhost/../a.gmi;size=1\r\n", "path climbs above the root");
	REFUSE("titan://localhost/a.gmi;size=1\n", "request ends with LF, not CRLF");
	REFUSE("titan://localhost/a.gmi;size=1", "request does not end with CRLF");
	REFUSE("titan://localhost/%ff.gmi;size=1\r\n", "invalid UTF-8 in path");
	REFUSE("titan://localhost/a.gmi;size=1;x=\xff\r\n", "invalid UTF-8 in request");

	/* The whole line, parameters too, counts against Gemini's 1024 bytes. */
	n = snprintf(line, sizeof(line), "titan://localhost/a.gmi;size=1;x=");
	memset(line + n, 'a', GEMINI_URL_MAX - (size_t)n);
	memcpy(line + GEMINI_URL_MAX, "\r\n", 3);
	CHECK_INT(parse(line), 0);
	memcpy(line + GEMINI_URL_MAX, "a\r\n", 4);
	REFUSE(line, request_too_long);
}

int
main(void)
{
	test_valid();
	test_size();
	test_params();
	test_url();
	return harness_done();
}
