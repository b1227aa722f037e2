/* Unit tests of the Gemini request parser and path normalisation. */

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "request.h"

static struct url	url;
static const char	*reason;

/* Parses s as sent on the wire (the caller writes the CRLF). */
static int
parse(const char *s)
{
	reason = NULL;
	return request_parse_gemini(s, strlen(s), &url, &reason);
}

static int
parse_n(const char *s, size_t n)
{
	reason = NULL;
	return request_parse_gemini(s, n, &url, &reason);
}

static const char *
norm(const char *in)
{
	static char	out[GEMINI_URL_MAX + 1];

	if (path_normalise(in, strlen(in), out, sizeof(out), &reason) == -1)
		return NULL;
	return out;
}

static void
test_valid(void)
{
	CHECK_INT(parse("gemini://localhost/\r\n"), 0);
	CHECK_STR(url.scheme, "gemini");
	CHECK_STR(url.host, "localhost");
	CHECK_INT(url.port, -1);
	CHECK_STR(url.path, "/");
	CHECK_INT(url.has_query, 0);

	CHECK_INT(parse("GEMINI://LocalHost.:1965/a/b.gmi\r\n"), 0);
	CHECK_STR(url.scheme, "gemini");
	CHECK_STR(url.host, "localhost");
	CHECK_INT(url.port, 1965);
	CHECK_STR(url.path, "/a/b.gmi");
	CHECK_STR(url.raw_path, "/a/b.gmi");

	CHECK_INT(parse("gemini://localhost\r\n"), 0);
	CHECK_STR(url.path, "/");
	CHECK_STR(url.raw_path, "");

	CHECK_INT(parse("gemini://localhost:/x\r\n"), 0);
	CHECK_INT(url.port, -1);

	CHECK_INT(parse("gemini://[::1]:1965/\r\n"), 0);
	CHECK_STR(url.host, "::1");
	CHECK_INT(url.port, 1965);

	CHECK_INT(parse("gemini://localhost/respond?hello%20there\r\n"), 0);
	CHECK_INT(url.has_query, 1);
	CHECK_STR(url.query, "hello%20there");
	CHECK_STR(url.path, "/respond");

	CHECK_INT(parse("gemini://localhost/?\r\n"), 0);
	CHECK_INT(url.has_query, 1);
	CHECK_STR(url.query, "");

	CHECK_INT(parse("gemini://localhost/caf%C3%A9.gmi\r\n"), 0);
	CHECK_STR(url.path, "/café.gmi");
	CHECK_INT(parse("gemini://localhost/café.gmi\r\n"), 0);
	CHECK_STR(url.path, "/café.gmi");

	/* Other schemes parse, so the server can answer 53. */
	CHECK_INT(parse("https://example.com/\r\n"), 0);
	CHECK_STR(url.scheme, "https");
	CHECK_STR(url.host, "example.com");
	CHECK_INT(parse("mailto:someone\r\n"), 0);
	CHECK_STR(url.scheme, "mailto");
	CHECK_STR(url.host, "");
}

static void
test_length(void)
{
	char	buf[GEMINI_URL_MAX + 8];
	size_t	prefix = strlen("gemini://localhost/");

	memcpy(buf, "gemini://localhost/", prefix);
	memset(buf + prefix, 'a', GEMINI_URL_MAX - prefix);
	memcpy(buf + GEMINI_URL_MAX, "\r\n", 2);
	CHECK_INT(parse_n(buf, GEMINI_URL_MAX + 2), 0);	/* exactly 1024 is legal */

	memset(buf + prefix, 'a', GEMINI_URL_MAX + 1 - prefix);
	memcpy(buf + GEMINI_URL_MAX + 1, "\r\n", 2);
	CHECK_INT(parse_n(buf, GEMINI_URL_MAX + 3), -1);
	CHECK_STR(reason, "request longer than 1024 bytes");
	/* What the connection hands over when 1026 bytes came without a LF. */
	CHECK_INT(parse_n(buf, GEMINI_URL_MAX + 2), -1);
	CHECK_STR(reason, "request longer than 1024 bytes");
}

static void
test_rejections(void)
{
	CHECK_INT(parse("gemini://localhost/"), -1);
	CHECK_STR(reason, "request does not end with CRLF");
	CHECK_INT(parse("gemini://localhost/\n"), -1);
	CHECK_STR(reason, "request ends with LF, not CRLF");
	CHECK_INT(parse("\r\n"), -1);
	CHECK_STR(reason, "empty request");
	CHECK_INT(parse("//localhost/\r\n"), -1);
	CHECK_STR(reason, "not an absolute URL");
	CHECK_INT(parse("/index.gmi\r\n"), -1);
	CHECK_STR(reason, "not an absolute URL");
	CHECK_INT(parse("localhost/\r\n"), -1);
	CHECK_STR(reason, "not an absolute URL");
	CHECK_INT(parse("gemini://user@localhost/\r\n"), -1);
	CHECK_STR(reason, "userinfo in URL");
	CHECK_INT(parse("gemini://localhost/#top\r\n"), -1);
	CHECK_STR(reason, "fragment in URL");
	CHECK_INT(parse_n("gemini://localhost/\0x\r\n", 23), -1);
	CHECK_STR(reason, "NUL byte in request");
	CHECK_INT(parse("gemini://localhost/\xff\r\n"), -1);
	CHECK_STR(reason, "invalid UTF-8 in request");
	CHECK_INT(parse("\xef\xbb\xbfgemini://localhost/\r\n"), -1);
	CHECK_STR(reason, "byte-order mark before the URL");
	CHECK_INT(parse("gemini://localhost/a b\r\n"), -1);
	CHECK_STR(reason, "character not allowed in a URL");
	CHECK_INT(parse("gemini://localhost/\r\r\n"), -1);
	CHECK_STR(reason, "CR or LF inside the request");
	CHECK_INT(parse("gemini:///x\r\n"), -1);
	CHECK_STR(reason, "missing host");
	CHECK_INT(parse("gemini:x\r\n"), -1);
	CHECK_STR(reason, "missing host");
	CHECK_INT(parse("gemini://localhost:99999/\r\n"), -1);
	CHECK_STR(reason, "port out of range");
	CHECK_INT(parse("gemini://localhost:19x/\r\n"), -1);
	CHECK_STR(reason, "port is not a number");
	CHECK_INT(parse("gemini://local%68ost/\r\n"), -1);
	CHECK_STR(reason, "percent-encoding in host");
	CHECK_INT(parse("gemini://localhost/../etc/passwd\r\n"), -1);
	CHECK_STR(reason, "path climbs above the root");
	CHECK_INT(parse("gemini://localhost/%2e%2e/secret\r\n"), -1);
	CHECK_STR(reason, "path climbs above the root");
	CHECK_INT(parse("gemini://localhost/..%2fsecret\r\n"), -1);
	CHECK_STR(reason, "encoded slash in path");
}

/* RFC 3986 section 5.4 examples that stay inside the root. */
static void
test_dot_segments(void)
{
	CHECK_STR(norm("/a/b/c/./../../g"), "/a/g");
	CHECK_STR(norm("/b/c/g;x=1/./y"), "/b/c/g;x=1/y");
	CHECK_STR(norm("/b/c/./g"), "/b/c/g");
	CHECK_STR(norm("/b/c/."), "/b/c/");
	CHECK_STR(norm("/b/c/./"), "/b/c/");
	CHECK_STR(norm("/b/c/.."), "/b/");
	CHECK_STR(norm("/b/c/../"), "/b/");
	CHECK_STR(norm("/b/c/../g"), "/b/g");
	CHECK_STR(norm("/b/c/../.."), "/");
	CHECK_STR(norm("/b/c/../../g"), "/g");
	CHECK_STR(norm("/b/c/g."), "/b/c/g.");
	CHECK_STR(norm("/b/c/.g"), "/b/c/.g");
	CHECK_STR(norm("/b/c/g.."), "/b/c/g..");
	CHECK_STR(norm("/b/c/..g"), "/b/c/..g");
	CHECK_STR(norm("/b/c/./../g"), "/b/g");
	CHECK_STR(norm("/b/c/g/./h"), "/b/c/g/h");
	CHECK_STR(norm("/b/c/g/../h"), "/b/c/h");
	/* Where RFC 3986 clamps at the root, the server refuses. */
	CHECK(norm("/b/c/../../../g") == NULL);
	CHECK(norm("/b/c/../../../../g") == NULL);
	CHECK(norm("/..") == NULL);
	CHECK_STR(norm(""), "/");
	CHECK_STR(norm("/"), "/");
	CHECK_STR(norm("//a///b//"), "/a/b/");
	CHECK(norm("a/b") == NULL);
}

static void
test_decoding(void)
{
	CHECK(norm("/%2e%2e/x/../y") == NULL);
	CHECK(norm("/%2E%2E/") == NULL);
	CHECK_STR(norm("/a/%2e%2e/b"), "/b");
	CHECK_STR(norm("/%252e%252e/x"), "/%2e%2e/x");	/* decoded once only */
	CHECK(norm("/a%2fb") == NULL);
	CHECK(norm("/a%2Fb") == NULL);
	CHECK(norm("/a%00b") == NULL);
	CHECK_STR(reason, "encoded NUL in path");
	CHECK(norm("/a%") == NULL);
	CHECK(norm("/a%2") == NULL);
	CHECK(norm("/a%zz") == NULL);
	CHECK_STR(reason, "malformed percent-encoding");
	CHECK(norm("/%c0%af") == NULL);		/* overlong '/' */
	CHECK_STR(reason, "invalid UTF-8 in path");
	CHECK(norm("/%ed%a0%80") == NULL);	/* surrogate */
	CHECK(norm("/%e2%82") == NULL);		/* truncated */
	CHECK(norm("/%f4%90%80%80") == NULL);	/* past U+10FFFF */
	CHECK_STR(norm("/%F0%9F%8E%AC"), "/\xf0\x9f\x8e\xac");
}

static void
test_utf8(void)
{
	CHECK_INT(utf8_valid("", 0), 1);
	CHECK_INT(utf8_valid("plain", 5), 1);
	CHECK_INT(utf8_valid("\xc3\xa9", 2), 1);
	CHECK_INT(utf8_valid("\xc3", 1), 0);
	CHECK_INT(utf8_valid("\xc0\x80", 2), 0);
	CHECK_INT(utf8_valid("\xe0\x80\x80", 3), 0);
	CHECK_INT(utf8_valid("\xed\xbf\xbf", 3), 0);
	CHECK_INT(utf8_valid("\xf4\x8f\xbf\xbf", 4), 1);
	CHECK_INT(utf8_valid("\xf8\x88\x80\x80\x80", 5), 0);
	CHECK_INT(utf8_valid("\x80", 1), 0);
}

static void
test_percent_decode(void)
{
	char	out[16];
	size_t	n;

	CHECK_INT(percent_decode("a%41%62c", 8, out, sizeof(out), &n, &reason), 0);
	CHECK_STR(out, "aAbc");
	CHECK_INT(n, 4);
	CHECK_INT(percent_decode("0123456789abcdefg", 17, out, sizeof(out), &n, &reason), -1);
}

int
main(void)
{
	test_valid();
	test_length();
	test_rejections();
	test_dot_segments();
	test_decoding();
	test_utf8();
	test_percent_decode();
	return harness_done();
}
