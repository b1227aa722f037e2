/* Unit tests of the Gemini request parser and path normalisation. */

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "request.h"

static struct url	 url;
static const char	*reason;
static int		 last_rc;

/* Parses s as sent on the wire: the test writes the CRLF itself. */
static int
parse_n(const char *s, size_t n)
{
	reason = NULL;
	return last_rc = request_parse_gemini(s, n, &url, &reason);
}

static int
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

static const char *
norm_n(const char *in, size_t len)
{
	static char	out[GEMINI_URL_MAX + 1];

	reason = NULL;
	if (path_normalise(in, len, out, sizeof(out), &reason) == -1)
		return NULL;
	return out;
}

static const char *
norm(const char *in)
{
	return norm_n(in, strlen(in));
}

/* Functions, not macros, so a literal compared to NULL draws no warning. */
static int
is_set(const char *s)
{
	return s != NULL;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* q is the expected query, or NULL when the URL must have no '?'. */
#define ACCEPT(req, s, h, p, raw, path_, q) do {			\
	CHECK_INT(parse(req), 0);					\
	if (last_rc == 0) {						\
		CHECK_STR(url.scheme, (s));				\
		CHECK_STR(url.host, (h));				\
		CHECK_INT(url.port, (p));				\
		CHECK_STR(url.raw_path, (raw));			\
		CHECK_STR(url.path, (path_));			\
		CHECK_INT(url.has_query, is_set(q));			\
		CHECK_STR(url.query, or_empty(q));			\
	} else								\
		printf("\treason: %s\n", reason);			\
} while (0)

#define REJECT_N(req, n, why) do {					\
	CHECK_INT(parse_n((req), (n)), -1);				\
	CHECK_STR(reason, (why));					\
} while (0)

#define REJECT(req, why)	REJECT_N((req), strlen(req), (why))

#define NORM(in, want)		CHECK_STR(norm(in), (want))

#define NORM_FAIL(in, why) do {						\
	CHECK(norm(in) == NULL);					\
	CHECK_STR(reason, (why));					\
} while (0)

static void
test_valid(void)
{
	ACCEPT("gemini://localhost/\r\n",
	    "gemini", "localhost", -1, "/", "/", NULL);
	ACCEPT("gemini://localhost:1965/a/b.gmi\r\n",
	    "gemini", "localhost", 1965, "/a/b.gmi", "/a/b.gmi", NULL);
	/* Scheme and host fold case; the path does not. */
	ACCEPT("GEMINI://LocalHost.:1965/A/B.gmi\r\n",
	    "gemini", "localhost", 1965, "/A/B.gmi", "/A/B.gmi", NULL);
	ACCEPT("Gemini://Example.ORG./\r\n",
	    "gemini", "example.org", -1, "/", "/", NULL);
	ACCEPT("gemini://localhost\r\n",
	    "gemini", "localhost", -1, "", "/", NULL);
	ACCEPT("gemini://localhost:1965\r\n",
	    "gemini", "localhost", 1965, "", "/", NULL);
	ACCEPT("gemini://localhost:/x\r\n",
	    "gemini", "localhost", -1, "/x", "/x", NULL);
	ACCEPT("gemini://localhost:0/\r\n",
	    "gemini", "localhost", 0, "/", "/", NULL);
	ACCEPT("gemini://localhost:65535/\r\n",
	    "gemini", "localhost", 65535, "/", "/", NULL);
	ACCEPT("gemini://localhost:01965/\r\n",
	    "gemini", "localhost", 1965, "/", "/", NULL);
	ACCEPT("gemini://192.0.2.1/\r\n",
	    "gemini", "192.0.2.1", -1, "/", "/", NULL);
	ACCEPT("gemini://[::1]:1965/\r\n",
	    "gemini", "::1", 1965, "/", "/", NULL);
	ACCEPT("gemini://[2001:DB8::A]/x\r\n",
	    "gemini", "2001:db8::a", -1, "/x", "/x", NULL);
	ACCEPT("gemini://[::ffff:192.0.2.1]:/\r\n",
	    "gemini", "::ffff:192.0.2.1", -1, "/", "/", NULL);
	ACCEPT("gemini://[::1]\r\n",
	    "gemini", "::1", -1, "", "/", NULL);
}

static void
test_query(void)
{
	ACCEPT("gemini://localhost/search?hello%20there\r\n",
	    "gemini", "localhost", -1, "/search", "/search", "hello%20there");
	ACCEPT("gemini://localhost/?\r\n",
	    "gemini", "localhost", -1, "/", "/", "");
	ACCEPT("gemini://localhost?\r\n",
	    "gemini", "localhost", -1, "", "/", "");
	ACCEPT("gemini://localhost:1965?q\r\n",
	    "gemini", "localhost", 1965, "", "/", "q");
	/* Only the path is decoded and normalised; the query is kept as sent. */
	ACCEPT("gemini://localhost/a/./b?c?d/../%2e%2e%2F\r\n",
	    "gemini", "localhost", -1, "/a/./b", "/a/b", "c?d/../%2e%2e%2F");
	ACCEPT("gemini://localhost/?caf\xc3\xa9\r\n",
	    "gemini", "localhost", -1, "/", "/", "caf\xc3\xa9");
	/* The previous parse must leave nothing behind. */
	ACCEPT("gemini://localhost/\r\n",
	    "gemini", "localhost", -1, "/", "/", NULL);
}

static void
test_paths(void)
{
	ACCEPT("gemini://localhost/a/../b/./c\r\n",
	    "gemini", "localhost", -1, "/a/../b/./c", "/b/c", NULL);
	ACCEPT("gemini://localhost//a///b/\r\n",
	    "gemini", "localhost", -1, "//a///b/", "/a/b/", NULL);
	ACCEPT("gemini://localhost/caf%C3%A9.gmi\r\n",
	    "gemini", "localhost", -1, "/caf%C3%A9.gmi", "/caf\xc3\xa9.gmi",
	    NULL);
	/* Raw UTF-8, as clients send IRIs. */
	ACCEPT("gemini://localhost/caf\xc3\xa9.gmi\r\n",
	    "gemini", "localhost", -1, "/caf\xc3\xa9.gmi", "/caf\xc3\xa9.gmi",
	    NULL);
	ACCEPT("gemini://localhost/\xf0\x9f\x8e\xac/%E2%82%AC\r\n",
	    "gemini", "localhost", -1, "/\xf0\x9f\x8e\xac/%E2%82%AC",
	    "/\xf0\x9f\x8e\xac/\xe2\x82\xac", NULL);
	/* '@' and ':' are fine in a path; only the authority refuses '@'. */
	ACCEPT("gemini://localhost/~u/a@b:c;d=1,e!$&'()*+-._\r\n",
	    "gemini", "localhost", -1, "/~u/a@b:c;d=1,e!$&'()*+-._",
	    "/~u/a@b:c;d=1,e!$&'()*+-._", NULL);
	ACCEPT("gemini://localhost/%7Euser/%252e%252e\r\n",
	    "gemini", "localhost", -1, "/%7Euser/%252e%252e",
	    "/~user/%2e%2e", NULL);
}

/* Other schemes parse, so the server can answer 53 rather than 59. */
static void
test_other_schemes(void)
{
	char	req[64];

	ACCEPT("https://example.com/\r\n",
	    "https", "example.com", -1, "/", "/", NULL);
	ACCEPT("gopher://h/\r\n",
	    "gopher", "h", -1, "/", "/", NULL);
	ACCEPT("HTTP://Example.COM:8080/x?y\r\n",
	    "http", "example.com", 8080, "/x", "/x", "y");
	ACCEPT("x-my.scheme+2://host/\r\n",
	    "x-my.scheme+2", "host", -1, "/", "/", NULL);
	/* No authority: only the scheme is filled, and the host stays empty. */
	CHECK_INT(parse("mailto:someone@example.com\r\n"), 0);
	CHECK_STR(url.scheme, "mailto");
	CHECK_STR(url.host, "");
	CHECK_INT(url.port, -1);
	CHECK_INT(url.has_query, 0);
	/* "localhost:1965/" is, to RFC 3986, the scheme "localhost". */
	CHECK_INT(parse("localhost:1965/\r\n"), 0);
	CHECK_STR(url.scheme, "localhost");
	CHECK_STR(url.host, "");
	CHECK_INT(url.port, -1);
	ACCEPT("file:///etc/passwd\r\n",
	    "file", "", -1, "/etc/passwd", "/etc/passwd", NULL);

	/* A scheme too long to keep is cut, and still is not "gemini". */
	memset(req, 'x', 40);
	memcpy(req + 40, "://h/\r\n", 8);
	ACCEPT(req, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "h", -1, "/", "/",
	    NULL);
	CHECK_INT(strlen(url.scheme), SCHEME_MAX);

	/* The rest of the URL is still checked. */
	REJECT("https://user@example.com/\r\n", "userinfo in URL");
	REJECT("https://example.com/../x\r\n", "path climbs above the root");
	REJECT("https://example.com/#x\r\n", "fragment in URL");
}

static void
test_length(void)
{
	char		buf[GEMINI_URL_MAX + 8], want[GEMINI_URL_MAX + 1];
	const char	prefix[] = "gemini://localhost";
	size_t		plen = sizeof(prefix) - 1;

	/* A URL of exactly 1024 bytes is legal. */
	memcpy(buf, prefix, plen);
	buf[plen] = '/';
	memset(buf + plen + 1, 'a', GEMINI_URL_MAX - plen - 1);
	memcpy(buf + GEMINI_URL_MAX, "\r\n", 2);
	memcpy(want, buf + plen, GEMINI_URL_MAX - plen);
	want[GEMINI_URL_MAX - plen] = '\0';
	CHECK_INT(parse_n(buf, GEMINI_URL_MAX + 2), 0);
	CHECK_STR(url.raw_path, want);
	CHECK_STR(url.path, want);
	CHECK_INT(strlen(url.path), GEMINI_URL_MAX - plen);

	/* The same, mostly query. */
	buf[plen + 1] = '?';
	CHECK_INT(parse_n(buf, GEMINI_URL_MAX + 2), 0);
	CHECK_STR(url.path, "/");
	CHECK_INT(strlen(url.query), GEMINI_URL_MAX - plen - 2);
	buf[plen + 1] = 'a';

	/* 1025 bytes. */
	buf[GEMINI_URL_MAX] = 'a';
	memcpy(buf + GEMINI_URL_MAX + 1, "\r\n", 2);
	REJECT_N(buf, GEMINI_URL_MAX + 3, "request longer than 1024 bytes");
	CHECK_INT(reason == request_too_long, 1);	/* what gemini.c tells apart */
	/* What the connection hands over after 1026 bytes without a LF. */
	REJECT_N(buf, GEMINI_URL_MAX + 2, "request longer than 1024 bytes");
	CHECK_INT(reason == request_too_long, 1);
	buf[GEMINI_URL_MAX + 1] = 'a';
	REJECT_N(buf, GEMINI_URL_MAX + 2, "request longer than 1024 bytes");
	/* 1025 bytes and a bare LF. */
	buf[GEMINI_URL_MAX + 1] = '\n';
	REJECT_N(buf, GEMINI_URL_MAX + 2, "request ends with LF, not CRLF");

	/* 1024 bytes, then 2 bytes that are not CRLF. */
	memcpy(buf + GEMINI_URL_MAX, "\rx", 2);
	REJECT_N(buf, GEMINI_URL_MAX + 2, "request longer than 1024 bytes");
	memcpy(buf + GEMINI_URL_MAX, "x\n", 2);
	REJECT_N(buf, GEMINI_URL_MAX + 2, "request ends with LF, not CRLF");
	buf[GEMINI_URL_MAX] = '\n';
	REJECT_N(buf, GEMINI_URL_MAX + 1, "request ends with LF, not CRLF");
}

static void
test_line(void)
{
	REJECT("gemini://localhost/", "request does not end with CRLF");
	REJECT("", "request does not end with CRLF");
	REJECT("gemini://localhost/\r", "request does not end with CRLF");
	REJECT("gemini://localhost/\n", "request ends with LF, not CRLF");
	REJECT("\n", "request ends with LF, not CRLF");
	REJECT("gemini://localhost/\rx\n", "request ends with LF, not CRLF");
	REJECT("gemini://localhost/\r\nx", "request does not end with CRLF");
	REJECT("gemini://localhost/\n\r\n", "CR or LF inside the request");
	REJECT("gemini://localhost/\r\n\r\n", "CR or LF inside the request");
	REJECT("gemini://localhost/\r\r\n", "CR or LF inside the request");
	REJECT("gemini://local\rhost/\r\n", "CR or LF inside the request");
	REJECT("\r\n", "empty request");
}

static void
test_bytes(void)
{
	REJECT_N("gemini://localhost/\0x\r\n", 23, "NUL byte in request");
	REJECT_N("\0\r\n", 3, "NUL byte in request");
	REJECT("\xef\xbb\xbfgemini://localhost/\r\n",
	    "byte-order mark before the URL");
	REJECT("gemini://localhost/\xff\r\n", "invalid UTF-8 in request");
	REJECT("gemini://localhost/\xc0\xaf\r\n", "invalid UTF-8 in request");
	REJECT("gemini://localhost/\xed\xa0\x80\r\n",
	    "invalid UTF-8 in request");
	REJECT("gemini://localhost/\xe2\x82\r\n", "invalid UTF-8 in request");
	REJECT("gemini://localhost/?\xc3\r\n", "invalid UTF-8 in request");

	REJECT("gemini://localhost/#top\r\n", "fragment in URL");
	REJECT("gemini://localhost/a?b#c\r\n", "fragment in URL");
	REJECT("gemini://localhost#\r\n", "fragment in URL");

	REJECT("gemini://localhost/a b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a\tb\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a\x01" "b\r\n",
	    "character not allowed in a URL");
	REJECT("gemini://localhost/a\x7f\r\n",
	    "character not allowed in a URL");
	REJECT("gemini://localhost/a<b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a>b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a\"b\r\n",
	    "character not allowed in a URL");
	REJECT("gemini://localhost/a{b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a}b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a|b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a\\b\r\n",
	    "character not allowed in a URL");
	REJECT("gemini://localhost/a^b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/a`b\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/?a b\r\n", "character not allowed in a URL");
	REJECT(" gemini://localhost/\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost/ \r\n", "character not allowed in a URL");
}

static void
test_url_rejections(void)
{
	REJECT("//localhost/\r\n", "not an absolute URL");
	REJECT("/index.gmi\r\n", "not an absolute URL");
	REJECT("localhost/\r\n", "not an absolute URL");
	REJECT("localhost\r\n", "not an absolute URL");
	REJECT("1gemini://localhost/\r\n", "not an absolute URL");
	REJECT(":gemini//localhost/\r\n", "not an absolute URL");
	REJECT("gem_ini://localhost/\r\n", "not an absolute URL");

	REJECT("gemini:///x\r\n", "missing host");
	REJECT("gemini:x\r\n", "missing host");
	REJECT("gemini:\r\n", "missing host");
	REJECT("gemini:/localhost/\r\n", "missing host");
	REJECT("gemini://\r\n", "missing host");
	REJECT("gemini://?q\r\n", "missing host");
	REJECT("gemini://:1965/\r\n", "missing host");
	REJECT("gemini://./\r\n", "missing host");

	REJECT("gemini://user@localhost/\r\n", "userinfo in URL");
	REJECT("gemini://user:pw@localhost/\r\n", "userinfo in URL");
	REJECT("gemini://@localhost/\r\n", "userinfo in URL");
	REJECT("gemini://localhost@evil/\r\n", "userinfo in URL");

	REJECT("gemini://local%68ost/\r\n", "percent-encoding in host");
	REJECT("gemini://%6c/\r\n", "percent-encoding in host");
}

static void
test_ports(void)
{
	REJECT("gemini://localhost:65536/\r\n", "port out of range");
	REJECT("gemini://localhost:99999999999999999999999/\r\n",
	    "port out of range");
	REJECT("gemini://localhost:19x/\r\n", "port is not a number");
	REJECT("gemini://localhost:-1/\r\n", "port is not a number");
	REJECT("gemini://localhost:+1/\r\n", "port is not a number");
	REJECT("gemini://localhost: 1/\r\n", "character not allowed in a URL");
	REJECT("gemini://localhost:1:2/\r\n", "port is not a number");
	REJECT("gemini://localhost::/\r\n", "port is not a number");
	REJECT("gemini://::1/\r\n", "port is not a number");
}

static void
test_ipv6(void)
{
	REJECT("gemini://[::1/\r\n", "unterminated IPv6 literal");
	REJECT("gemini://[::1\r\n", "unterminated IPv6 literal");
	REJECT("gemini://[::1]x/\r\n", "junk after IPv6 literal");
	REJECT("gemini://[::1]]/\r\n", "junk after IPv6 literal");
	REJECT("gemini://[::1]:x/\r\n", "port is not a number");
	REJECT("gemini://[]/\r\n", "invalid IPv6 literal");
	REJECT("gemini://[fe80::1%25eth0]/\r\n", "invalid IPv6 literal");
}

static void
test_hosts(void)
{
	char	req[HOST_MAX + 32], want[HOST_MAX + 2];

	memcpy(req, "gemini://", 9);
	memset(req + 9, 'h', HOST_MAX);
	memcpy(req + 9 + HOST_MAX, "/\r\n", 4);
	memset(want, 'h', HOST_MAX);
	want[HOST_MAX] = '\0';
	ACCEPT(req, "gemini", want, -1, "/", "/", NULL);

	memcpy(req + 9 + HOST_MAX, "./\r\n", 5);
	ACCEPT(req, "gemini", want, -1, "/", "/", NULL);

	memcpy(req + 9 + HOST_MAX, "h/\r\n", 5);
	REJECT(req, "host name too long");
}

static void
test_request_paths(void)
{
	REJECT("gemini://localhost/../etc/passwd\r\n",
	    "path climbs above the root");
	REJECT("gemini://localhost/%2e%2e/secret\r\n",
	    "path climbs above the root");
	REJECT("gemini://localhost/a/%2E%2E/.%2e/b\r\n",
	    "path climbs above the root");
	REJECT("gemini://localhost/..\r\n", "path climbs above the root");
	REJECT("gemini://localhost/..?x\r\n", "path climbs above the root");
	REJECT("gemini://localhost/..%2fsecret\r\n", "encoded slash in path");
	REJECT("gemini://localhost/a%2Fb\r\n", "encoded slash in path");
	REJECT("gemini://localhost/a%00\r\n", "encoded NUL in path");
	REJECT("gemini://localhost/%\r\n", "malformed percent-encoding");
	REJECT("gemini://localhost/%zz\r\n", "malformed percent-encoding");
	REJECT("gemini://localhost/%c0%af\r\n", "invalid UTF-8 in path");
}

/*
 * RFC 3986 section 5.4 examples against the base path "/b/c/d;p", after the
 * merge of section 5.2.3, and the section 5.2.4 examples.
 */
static void
test_dot_segments(void)
{
	NORM("/b/c/g", "/b/c/g");
	NORM("/b/c/./g", "/b/c/g");
	NORM("/b/c/g/", "/b/c/g/");
	NORM("/g", "/g");
	NORM("/b/c/;x", "/b/c/;x");
	NORM("/b/c/g;x", "/b/c/g;x");
	NORM("/b/c/d;p", "/b/c/d;p");
	NORM("/b/c/.", "/b/c/");
	NORM("/b/c/./", "/b/c/");
	NORM("/b/c/..", "/b/");
	NORM("/b/c/../", "/b/");
	NORM("/b/c/../g", "/b/g");
	NORM("/b/c/../..", "/");
	NORM("/b/c/../../", "/");
	NORM("/b/c/../../g", "/g");
	/* Section 5.4.2, abnormal examples that stay inside the root. */
	NORM("/./g", "/g");
	NORM("/b/c/g.", "/b/c/g.");
	NORM("/b/c/.g", "/b/c/.g");
	NORM("/b/c/g..", "/b/c/g..");
	NORM("/b/c/..g", "/b/c/..g");
	NORM("/b/c/./../g", "/b/g");
	NORM("/b/c/./g/.", "/b/c/g/");
	NORM("/b/c/g/./h", "/b/c/g/h");
	NORM("/b/c/g/../h", "/b/c/h");
	NORM("/b/c/g;x=1/./y", "/b/c/g;x=1/y");
	NORM("/b/c/g;x=1/../y", "/b/c/y");
	/* Section 5.2.4. */
	NORM("/a/b/c/./../../g", "/a/g");
	NORM("/mid/content=5/../6", "/mid/6");
	/* Where RFC 3986 clamps at the root, the server refuses. */
	NORM_FAIL("/b/c/../../../g", "path climbs above the root");
	NORM_FAIL("/b/c/../../../../g", "path climbs above the root");
	NORM_FAIL("/../g", "path climbs above the root");
}

static void
test_normalise(void)
{
	char	out[8];

	NORM("", "/");
	NORM("/", "/");
	NORM("/.", "/");
	NORM("/./", "/");
	NORM("///", "/");
	NORM("/a/b/", "/a/b/");
	NORM("/a/.", "/a/");
	NORM("/a/..", "/");
	NORM("/a/../", "/");
	NORM("/a/b/..", "/a/");
	NORM("/a/./b/./", "/a/b/");
	NORM("//a///b", "/a/b");
	NORM("//a///b//", "/a/b/");
	NORM("/a//../b", "/b");
	NORM("/...", "/...");
	NORM("/.../x", "/.../x");
	NORM("/.a/..b/c.", "/.a/..b/c.");
	NORM_FAIL("/..", "path climbs above the root");
	NORM_FAIL("/../", "path climbs above the root");
	NORM_FAIL("/a/../../b", "path climbs above the root");
	NORM_FAIL("/a/b/../../..", "path climbs above the root");
	NORM_FAIL("/a//..//../b", "path climbs above the root");
	NORM_FAIL("/./..", "path climbs above the root");
	NORM_FAIL("a/b", "path does not start with /");
	NORM_FAIL(".", "path does not start with /");
	NORM_FAIL("%2fa", "path does not start with /");

	/* The output must fit, NUL included. */
	reason = NULL;
	CHECK_INT(path_normalise("/abc", 4, out, 5, &reason), 0);
	CHECK_STR(out, "/abc");
	CHECK_INT(path_normalise("/abcd", 5, out, 5, &reason), -1);
	CHECK_STR(reason, "path too long");
	CHECK_INT(path_normalise("/abc/", 5, out, 5, &reason), -1);
	CHECK_STR(reason, "path too long");
	CHECK_INT(path_normalise("/abc/", 5, out, 6, &reason), 0);
	CHECK_STR(out, "/abc/");
	CHECK_INT(path_normalise("/x/../abc", 9, out, 5, &reason), 0);
	CHECK_STR(out, "/abc");
	CHECK_INT(path_normalise("", 0, out, 2, &reason), 0);
	CHECK_STR(out, "/");
	reason = NULL;
	CHECK_INT(path_normalise("", 0, out, 1, &reason), -1);
	CHECK_STR(reason, "path too long");
}

static void
test_decoding(void)
{
	/* Encoded dots are dots. */
	NORM_FAIL("/%2e%2e/x/../y", "path climbs above the root");
	NORM_FAIL("/%2E%2E/", "path climbs above the root");
	NORM_FAIL("/.%2e/x", "path climbs above the root");
	NORM_FAIL("/%2e./x", "path climbs above the root");
	NORM("/%2e/a", "/a");
	NORM("/a/%2e", "/a/");
	NORM("/a/%2E%2E/b", "/b");
	NORM("/a/b/%2e%2e", "/a/");
	/* Decoded once only: a double-encoded ".." is a plain name. */
	NORM("/%252e%252e/x", "/%2e%2e/x");
	NORM("/%252e%252e/%252e%252e", "/%2e%2e/%2e%2e");
	NORM("/%252f", "/%2f");
	NORM("/%4a%4A%6b", "/JJk");
	NORM("/a%20b", "/a b");
	NORM("/a%3fb%23c", "/a?b#c");

	NORM_FAIL("/a%2fb", "encoded slash in path");
	NORM_FAIL("/a%2Fb", "encoded slash in path");
	NORM_FAIL("/%2f", "encoded slash in path");
	NORM_FAIL("/..%2f..", "encoded slash in path");
	NORM_FAIL("/a%00b", "encoded NUL in path");
	NORM_FAIL("/%00", "encoded NUL in path");
	CHECK(norm_n("/a\0b", 4) == NULL);
	CHECK_STR(reason, "encoded NUL in path");

	NORM_FAIL("/%", "malformed percent-encoding");
	NORM_FAIL("/a%", "malformed percent-encoding");
	NORM_FAIL("/a%2", "malformed percent-encoding");
	NORM_FAIL("/a%zz", "malformed percent-encoding");
	NORM_FAIL("/a%g0", "malformed percent-encoding");
	NORM_FAIL("/a%0g", "malformed percent-encoding");
	NORM_FAIL("/%%41", "malformed percent-encoding");
	NORM_FAIL("/a%2/", "malformed percent-encoding");
	NORM_FAIL("/a% 1", "malformed percent-encoding");
}

static void
test_path_utf8(void)
{
	NORM("/caf%C3%A9", "/caf\xc3\xa9");
	NORM("/caf%c3%a9", "/caf\xc3\xa9");
	NORM("/caf\xc3\xa9", "/caf\xc3\xa9");
	NORM("/caf\xc3%A9", "/caf\xc3\xa9");
	NORM("/%F0%9F%8E%AC", "/\xf0\x9f\x8e\xac");
	NORM("/%F4%8F%BF%BF", "/\xf4\x8f\xbf\xbf");
	NORM_FAIL("/%c0%af", "invalid UTF-8 in path");	/* overlong '/' */
	NORM_FAIL("/%c0%ae%c0%ae/x", "invalid UTF-8 in path");	/* and '.' */
	NORM_FAIL("/%e0%80%af", "invalid UTF-8 in path");
	NORM_FAIL("/%ed%a0%80", "invalid UTF-8 in path");	/* surrogate */
	NORM_FAIL("/%ed%bf%bf", "invalid UTF-8 in path");
	NORM_FAIL("/%e2%82", "invalid UTF-8 in path");	/* truncated */
	NORM_FAIL("/%e2%82/x", "invalid UTF-8 in path");
	NORM_FAIL("/caf%C3", "invalid UTF-8 in path");
	NORM_FAIL("/%f4%90%80%80", "invalid UTF-8 in path");	/* > U+10FFFF */
	NORM_FAIL("/%80", "invalid UTF-8 in path");
	NORM_FAIL("/%ff", "invalid UTF-8 in path");
}

static void
test_percent_decode(void)
{
	char	out[16];
	size_t	n;

	reason = NULL;
	CHECK_INT(percent_decode("a%41%62c", 8, out, sizeof(out), &n,
	    &reason), 0);
	CHECK_STR(out, "aAbc");
	CHECK_INT(n, 4);
	CHECK_INT(percent_decode("%4a%4A%ff", 9, out, sizeof(out), &n,
	    &reason), 0);
	CHECK_STR(out, "JJ\xff");
	CHECK_INT(n, 3);
	CHECK_INT(percent_decode("", 0, out, sizeof(out), &n, &reason), 0);
	CHECK_STR(out, "");
	CHECK_INT(n, 0);
	/* Decoded bytes are not judged here. */
	CHECK_INT(percent_decode("a%00%2f", 7, out, sizeof(out), &n,
	    &reason), 0);
	CHECK_INT(n, 3);
	CHECK(memcmp(out, "a\0/", 4) == 0);
	/* len bounds the input, not a NUL. */
	CHECK_INT(percent_decode("abc%41", 3, out, sizeof(out), &n,
	    &reason), 0);
	CHECK_STR(out, "abc");
	CHECK_INT(percent_decode("%41", 2, out, sizeof(out), &n, &reason),
	    -1);
	CHECK_STR(reason, "malformed percent-encoding");

	reason = NULL;
	CHECK_INT(percent_decode("%", 1, out, sizeof(out), &n, &reason),
	    -1);
	CHECK_STR(reason, "malformed percent-encoding");
	CHECK_INT(percent_decode("%4g", 3, out, sizeof(out), &n, &reason),
	    -1);
	CHECK_INT(percent_decode("%g4", 3, out, sizeof(out), &n, &reason),
	    -1);
	CHECK_INT(percent_decode("%+1", 3, out, sizeof(out), &n, &reason),
	    -1);

	/* Room for the NUL is needed too. */
	reason = NULL;
	CHECK_INT(percent_decode("abcd", 4, out, 4, &n, &reason), -1);
	CHECK_STR(reason, "decoded text too long");
	CHECK_INT(percent_decode("abcd", 4, out, 5, &n, &reason), 0);
	CHECK_STR(out, "abcd");
	CHECK_INT(percent_decode("%41%42", 6, out, 3, &n, &reason), 0);
	CHECK_STR(out, "AB");
	CHECK_INT(percent_decode("0123456789abcdefg", 17, out, sizeof(out),
	    &n, &reason), -1);
}

static void
test_gopher_selectors(void)
{
	struct selector	sel;
	char		long_sel[GOPHER_SELECTOR_MAX + 8];

	CHECK_INT(request_parse_gopher("/\r\n", 3, &sel, &reason), 0);
	CHECK_STR(sel.path, "/");
	CHECK_INT(sel.has_search, 0);
	CHECK_INT(request_parse_gopher("\r\n", 2, &sel, &reason), 0);
	CHECK_STR(sel.path, "/");
	CHECK_INT(request_parse_gopher("/tags/drama/\n", 13, &sel, &reason), 0);
	CHECK_STR(sel.path, "/tags/drama/");
	CHECK_INT(request_parse_gopher("reviews/x.gmi\r\n", 15, &sel, &reason), 0);
	CHECK_STR(sel.path, "/reviews/x.gmi");
	CHECK_INT(request_parse_gopher("/guestbook/sign\tHello there\r\n", 29, &sel, &reason), 0);
	CHECK_STR(sel.path, "/guestbook/sign");
	CHECK_STR(sel.search, "Hello there");
	CHECK_INT(sel.has_search, 1);
	CHECK_INT(request_parse_gopher("\t$\r\n", 4, &sel, &reason), 0);
	CHECK_INT(sel.plus, '$');
	CHECK_INT(sel.has_search, 0);
	CHECK_INT(request_parse_gopher("/\t+\r\n", 5, &sel, &reason), 0);
	CHECK_INT(sel.plus, '+');
	CHECK_INT(request_parse_gopher("/a\0b\r\n", 7, &sel, &reason), -1);
	CHECK_STR(reason, "NUL byte in selector");
	CHECK_INT(request_parse_gopher("/../etc/passwd\r\n", 16, &sel, &reason), -1);
	CHECK_STR(reason, "path climbs above the root");
	CHECK_INT(request_parse_gopher("/%2e%2e/x\r\n", 11, &sel, &reason), -1);
	CHECK_INT(request_parse_gopher("/\xff\r\n", 4, &sel, &reason), -1);
	CHECK_STR(reason, "invalid UTF-8 in selector");
	CHECK_INT(request_parse_gopher("/g\tcaf\xe9\r\n", 9, &sel, &reason), -1);
	CHECK_STR(reason, "invalid UTF-8 in the search string");
	CHECK_INT(request_parse_gopher("/g\tcaf\xc3\xa9\r\n", 10, &sel, &reason), 0);
	CHECK_STR(sel.search, "caf\xc3\xa9");
	CHECK_INT(request_parse_gopher("/a\rb\r\n", 6, &sel, &reason), -1);
	long_sel[0] = '/';
	memset(long_sel + 1, 'a', GOPHER_SELECTOR_MAX);
	CHECK_INT(request_parse_gopher(long_sel, GOPHER_SELECTOR_MAX + 1, &sel, &reason), -1);
	CHECK_STR(reason, "selector longer than 1024 bytes");
}

/* Parses the server_name extension body ext[0..len) and checks the outcome. */
static void
check_sni(const char *ext, size_t len, const char *want_host, const char *want_reason)
{
	char		 host[HOST_MAX + 1] = "";
	const char	*why = "";
	int		 rc;

	rc = request_parse_sni((const unsigned char *)ext, len, host, &why);
	if (want_host != NULL) {
		CHECK_INT(rc, 0);
		CHECK_STR(host, want_host);
	} else {
		CHECK_INT(rc, -1);
		CHECK_STR(why, want_reason);
	}
}

static void
test_sni(void)
{
	char	big[2 + 3 + HOST_MAX + 1], longest[HOST_MAX + 1];

	/* list length 9, then host_name (0), length 6, "a.test" */
	check_sni("\x00\x09\x00\x00\x06" "a.test", 11, "a.test", NULL);
	check_sni("\x00\x0a\x00\x00\x07" "B.TeSt.", 12, "b.test", NULL);
	/* another name type first is skipped */
	check_sni("\x00\x0d\x07\x00\x01x\x00\x00\x06" "a.test", 15, "a.test", NULL);
	check_sni("", 0, NULL, "bad server name list length");
	check_sni("\x00", 1, NULL, "bad server name list length");
	check_sni("\x00\x00", 2, NULL, "bad server name list length");
	check_sni("\x00\x0a\x00\x00\x06" "a.test", 11, NULL, "bad server name list length");
	check_sni("\x00\x09\x00\x00\x07" "a.test", 11, NULL, "server name runs past the list");
	check_sni("\x00\x02\x00\x00", 4, NULL, "server name runs past the list");
	check_sni("\x00\x03\x00\x00\x00", 5, NULL, "host name of bad length");
	check_sni("\x00\x09\x00\x00\x06" "a/test", 11, NULL, "not a host name");
	check_sni("\x00\x09\x00\x00\x06" "a\0test", 11, NULL, "not a host name");
	check_sni("\x00\x04\x07\x00\x01x", 6, NULL, "no host name");
	check_sni("\x00\x0a\x00\x00\x07" "a.test.", 12, "a.test", NULL);
	check_sni("\x00\x06\x00\x00\x03" "::1", 8, "::1", NULL);
	check_sni("\x00\x0b\x00\x00\x08" "a.test..", 13, NULL, "not a host name");
	check_sni("\x00\x0a\x00\x00\x07" "a..test", 12, NULL, "not a host name");
	check_sni("\x00\x0a\x00\x00\x07" ".a.test", 12, NULL, "not a host name");
	check_sni("\x00\x04\x00\x00\x01" ".", 6, NULL, "not a host name");
	check_sni("\x00\x12\x00\x00\x06" "a.test\x00\x00\x06" "b.test", 20, NULL,
	    "two host names");
	/* a name one byte over HOST_MAX */
	memset(big, 'a', sizeof(big));
	big[0] = (char)((sizeof(big) - 2) >> 8);
	big[1] = (char)((sizeof(big) - 2) & 0xff);
	big[2] = 0;
	big[3] = (char)((HOST_MAX + 1) >> 8);
	big[4] = (char)((HOST_MAX + 1) & 0xff);
	check_sni(big, sizeof(big), NULL, "host name of bad length");
	big[4] = (char)(HOST_MAX & 0xff);
	big[1] = (char)((sizeof(big) - 3) & 0xff);
	memset(longest, 'a', HOST_MAX);
	longest[HOST_MAX] = '\0';
	check_sni(big, sizeof(big) - 1, longest, NULL);
}

static void
test_origin(void)
{
	char	out[ORIGIN_MAX + 1];

	CHECK_INT(url_origin(out, sizeof(out), "gemini", "a.test", 1965, GEMINI_DEFAULT_PORT), 0);
	CHECK_STR(out, "gemini://a.test");
	CHECK_INT(url_origin(out, sizeof(out), "gemini", "a.test", 1966, GEMINI_DEFAULT_PORT), 0);
	CHECK_STR(out, "gemini://a.test:1966");
	CHECK_INT(url_origin(out, sizeof(out), "gemini", "::1", 1966, GEMINI_DEFAULT_PORT), 0);
	CHECK_STR(out, "gemini://[::1]:1966");
	CHECK_INT(url_origin(out, sizeof(out), "gemini", "::1", 1965, GEMINI_DEFAULT_PORT), 0);
	CHECK_STR(out, "gemini://[::1]");
	CHECK_INT(url_origin(out, 10, "gemini", "a.test", 1965, GEMINI_DEFAULT_PORT), -1);
	CHECK_INT(url_origin(out, sizeof(out), "gopher", "::1", 7070, 70), 0);
	CHECK_STR(out, "gopher://[::1]:7070");
}

int
main(void)
{
	test_valid();
	test_query();
	test_paths();
	test_other_schemes();
	test_length();
	test_line();
	test_bytes();
	test_url_rejections();
	test_ports();
	test_ipv6();
	test_hosts();
	test_request_paths();
	test_dot_segments();
	test_normalise();
	test_decoding();
	test_path_utf8();
	test_percent_decode();
	test_gopher_selectors();
	test_sni();
	test_origin();
	return harness_done();
}
