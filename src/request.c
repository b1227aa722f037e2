/*
 * Gemini request parsing. Pure functions over the bytes a client sent: no
 * allocation and no I/O, so every rule can be unit-tested without a socket.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "request.h"

/* RFC 3629 section 6: U+FEFF in UTF-8, when used as a byte-order mark. */
static const char	 utf8_bom[] = "\xef\xbb\xbf";
/* RFC 3986 section 3.2.3: a port is digits; TCP ports end at 65535. */
#define PORT_MAX	65535

static const char	 too_long[] = "request longer than 1024 bytes";

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	unsigned		 cp, need, min;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			cp = *p & 0x1f, need = 1, min = 0x80;
		else if ((*p & 0xf0) == 0xe0)
			cp = *p & 0x0f, need = 2, min = 0x800;
		else if ((*p & 0xf8) == 0xf0)
			cp = *p & 0x07, need = 3, min = 0x10000;
		else
			return 0;
		if ((size_t)(end - p) <= need)
			return 0;
		for (p++; need > 0; need--, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p & 0x3f);
		}
		/*
		 * RFC 3629 section 3: overlong forms would let "%c0%af" smuggle
		 * a '/', and surrogates and code points past U+10FFFF are not
		 * characters at all.
		 */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
	}
	return 1;
}

/* Own ASCII classes: ctype would depend on the locale. */
static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char
to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Copies in[0..n) to out lower-cased; out must hold n + 1 bytes. */
static void
copy_lower(char *out, const char *in, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = to_lower(in[i]);
	out[n] = '\0';
}

/*
 * Bytes a URL may carry as they are: the RFC 3986 section 2 characters, and
 * any non-ASCII byte, since clients send IRIs (RFC 3987) as raw UTF-8.
 */
static int
is_url_byte(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if (c <= 0x20 || c == 0x7f)
		return 0;
	return strchr("<>\"{}|\\^`", c) == NULL;
}

int
percent_decode(const char *in, size_t len, char *out, size_t outsize,
    size_t *outlen, const char **reason)
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (n + 1 >= outsize) {
			*reason = "decoded text too long";
			return -1;
		}
		if (in[i] != '%') {
			out[n++] = in[i];
			continue;
		}
		if (len - i < 3) {
			*reason = "malformed percent-encoding";
			return -1;
		}
		hi = hex_value((unsigned char)in[i + 1]);
		lo = hex_value((unsigned char)in[i + 2]);
		if (hi == -1 || lo == -1) {
			*reason = "malformed percent-encoding";
			return -1;
		}
		out[n++] = (char)(hi << 4 | lo);
		i += 2;
	}
	if (outsize == 0) {
		*reason = "decoded text too long";
		return -1;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/* Whether in[0..len) has an escape that decodes to c. */
static int
has_escaped(const char *in, size_t len, int c)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i + 2 < len; i++) {
		if (in[i] != '%')
			continue;
		hi = hex_value((unsigned char)in[i + 1]);
		lo = hex_value((unsigned char)in[i + 2]);
		if (hi != -1 && lo != -1 && (hi << 4 | lo) == c)
			return 1;
		i += 2;
	}
	return 0;
}

/* Appends "/" and seg[0..n) to out at *o, keeping room for the NUL. */
static int
push_segment(char *out, size_t outsize, size_t *o, const char *seg, size_t n)
{
	if (*o + 1 + n + 1 > outsize)
		return -1;
	out[(*o)++] = '/';
	memcpy(out + *o, seg, n);
	*o += n;
	return 0;
}

static void
pop_segment(const char *out, size_t *o)
{
	while (*o > 0 && out[*o - 1] != '/')
		(*o)--;
	if (*o > 0)
		(*o)--;
}

/*
 * RFC 3986 section 5.2.4 on a decoded path p[0..len) starting with '/',
 * except that empty segments fold away and a ".." above the root fails
 * instead of being clamped: a request that tries to climb out is hostile
 * or broken, and must not quietly land on some other file.
 */
static int
remove_dot_segments(const char *p, size_t len, char *out, size_t outsize,
    const char **reason)
{
	const char	*seg;
	size_t		 i = 0, n, o = 0;
	/* A path ending in "/", "." or ".." names a directory: keep its '/'. */
	int		 dir = 0;

	while (i < len) {
		seg = p + ++i;	/* skips the '/' */
		for (n = 0; i < len && p[i] != '/'; i++)
			n++;
		if (n == 0 || (n == 1 && seg[0] == '.')) {
			dir = 1;
			continue;
		}
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0) {
				*reason = "path climbs above the root";
				return -1;
			}
			pop_segment(out, &o);
			dir = 1;
			continue;
		}
		dir = 0;
		if (push_segment(out, outsize, &o, seg, n) == -1) {
			*reason = "path too long";
			return -1;
		}
	}
	if (o == 0 || dir) {
		if (o + 2 > outsize) {
			*reason = "path too long";
			return -1;
		}
		out[o++] = '/';
	}
	out[o] = '\0';
	return 0;
}

int
path_normalise(const char *in, size_t len, char *out, size_t outsize,
    const char **reason)
{
	char	dec[GEMINI_URL_MAX + 1];
	size_t	declen;

	if (len == 0)
		return remove_dot_segments("/", 1, out, outsize, reason);
	if (in[0] != '/') {
		*reason = "path does not start with /";
		return -1;
	}
	if (percent_decode(in, len, dec, sizeof(dec), &declen, reason) == -1)
		return -1;
	/* "a%2fb" would be one segment here and two in the file system. */
	if (has_escaped(in, len, '/')) {
		*reason = "encoded slash in path";
		return -1;
	}
	/* A NUL would cut the name short when it reaches a system call. */
	if (memchr(dec, '\0', declen) != NULL) {
		*reason = "NUL in path";
		return -1;
	}
	if (!utf8_valid(dec, declen)) {
		*reason = "invalid UTF-8 in path";
		return -1;
	}
	return remove_dot_segments(dec, declen, out, outsize, reason);
}

/* Copies in[0..n) to out as a string; -1 when it does not fit. */
static int
copy_field(char *out, size_t outsize, const char *in, size_t n)
{
	if (n >= outsize)
		return -1;
	memcpy(out, in, n);
	out[n] = '\0';
	return 0;
}

/* RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
static const char *
parse_scheme(const char *p, const char *end, struct url *url)
{
	const char	*start = p;
	size_t		 n;

	if (p == end || !is_alpha((unsigned char)*p))
		return NULL;
	while (p < end && (is_alpha((unsigned char)*p) ||
	    is_digit((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (p == end || *p != ':')
		return NULL;
	/* A longer scheme is kept cut: it still names no scheme we serve. */
	n = (size_t)(p - start);
	copy_lower(url->scheme, start, n < SCHEME_MAX ? n : SCHEME_MAX);
	return p + 1;
}

static int
parse_port(const char *p, const char *end, struct url *url, const char **reason)
{
	long	port = 0;

	if (p == end)
		return 0;	/* RFC 3986 section 3.2.3 allows "host:" */
	for (; p < end; p++) {
		if (!is_digit((unsigned char)*p)) {
			*reason = "port is not a number";
			return -1;
		}
		port = port * 10 + (*p - '0');
		if (port > PORT_MAX) {
			*reason = "port out of range";
			return -1;
		}
	}
	url->port = (int)port;
	return 0;
}

/* RFC 3986 section 3.2.2: IP-literal, without the brackets. */
static int
parse_ipv6(const char *a, const char *end, struct url *url,
    const char **reason)
{
	struct in6_addr	addr;
	size_t		n = (size_t)(end - a);

	/* IPvFuture and zone identifiers name nothing we could listen on. */
	if (n == 0 || n >= INET6_ADDRSTRLEN) {
		*reason = "invalid IPv6 literal";
		return -1;
	}
	copy_lower(url->host, a, n);
	if (inet_pton(AF_INET6, url->host, &addr) != 1) {
		url->host[0] = '\0';
		*reason = "invalid IPv6 literal";
		return -1;
	}
	return 0;
}

/* RFC 3986 section 3.2.2: reg-name or IPv4 address. */
static int
parse_reg_name(const char *a, const char *end, struct url *url,
    const char **reason)
{
	size_t	n = (size_t)(end - a);

	/* Hosts are compared as text: an escape would give a host two names. */
	if (memchr(a, '%', n) != NULL) {
		*reason = "percent-encoding in host";
		return -1;
	}
	if (memchr(a, '[', n) != NULL || memchr(a, ']', n) != NULL) {
		*reason = "bracket in host name";
		return -1;
	}
	if (n > 0 && a[n - 1] == '.')
		n--;	/* a fully qualified name is the same host */
	if (n > HOST_MAX) {
		*reason = "host name too long";
		return -1;
	}
	copy_lower(url->host, a, n);
	return 0;
}

/* Parses host and port of the authority a[0..end); userinfo is refused. */
static int
parse_authority(const char *a, const char *end, struct url *url,
    const char **reason)
{
	const char	*host_end, *port;

	/* Gemini has no userinfo, and "trusted@evil" misleads log readers. */
	if (memchr(a, '@', (size_t)(end - a)) != NULL) {
		*reason = "userinfo in URL";
		return -1;
	}
	if (a < end && *a == '[') {
		if ((host_end = memchr(a, ']', (size_t)(end - a))) == NULL) {
			*reason = "unterminated IPv6 literal";
			return -1;
		}
		port = host_end + 1;
		if (port < end && *port != ':') {
			*reason = "junk after IPv6 literal";
			return -1;
		}
		if (parse_ipv6(a + 1, host_end, url, reason) == -1)
			return -1;
	} else {
		if ((host_end = memchr(a, ':', (size_t)(end - a))) == NULL)
			host_end = end;
		port = host_end;
		if (parse_reg_name(a, host_end, url, reason) == -1)
			return -1;
	}
	if (port < end)
		return parse_port(port + 1, end, url, reason);
	return 0;
}

/*
 * Returns the URL's length when buf[0..len) is exactly one line ending in
 * CRLF, else -1. The length is judged first: the connection hands over 1026
 * bytes without a LF, and "too long" is the useful answer then.
 */
static long
request_line(const char *buf, size_t len, const char **reason)
{
	const char	*lf;
	size_t		 n;

	for (n = 0; n < len && buf[n] != '\r' && buf[n] != '\n'; n++)
		continue;
	if (n > GEMINI_URL_MAX) {
		*reason = too_long;
		return -1;
	}
	if ((lf = memchr(buf, '\n', len)) == NULL) {
		*reason = "request does not end with CRLF";
		return -1;
	}
	if (lf != buf + len - 1) {
		*reason = "bytes after the request line";
		return -1;
	}
	if (len < 2 || buf[len - 2] != '\r') {
		*reason = "request ends with LF, not CRLF";
		return -1;
	}
	if (n != len - 2) {
		*reason = "CR inside the request";
		return -1;
	}
	if (n == 0) {
		*reason = "empty request";
		return -1;
	}
	return (long)n;
}

static int
check_bytes(const char *buf, size_t n, const char **reason)
{
	size_t	i;

	if (memchr(buf, '\0', n) != NULL) {
		*reason = "NUL byte in request";
		return -1;
	}
	/* Checked before UTF-8, which would accept it as U+FEFF. */
	if (n >= 3 && memcmp(buf, utf8_bom, 3) == 0) {
		*reason = "byte-order mark before the URL";
		return -1;
	}
	if (!utf8_valid(buf, n)) {
		*reason = "invalid UTF-8 in request";
		return -1;
	}
	/* RFC 3986 section 3.5: fragments stay with the client, never sent. */
	if (memchr(buf, '#', n) != NULL) {
		*reason = "fragment in URL";
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!is_url_byte((unsigned char)buf[i])) {
			*reason = "character not allowed in a URL";
			return -1;
		}
	return 0;
}

/* Fills the path and query from p[0..end), the part after the authority. */
static int
parse_path_query(const char *p, const char *end, struct url *url,
    const char **reason)
{
	const char	*query;

	if ((query = memchr(p, '?', (size_t)(end - p))) == NULL)
		query = end;
	else {
		url->has_query = 1;
		if (copy_field(url->query, sizeof(url->query), query + 1,
		    (size_t)(end - query - 1)) == -1) {
			*reason = too_long;
			return -1;
		}
	}
	if (copy_field(url->raw_path, sizeof(url->raw_path), p,
	    (size_t)(query - p)) == -1) {
		*reason = too_long;
		return -1;
	}
	return path_normalise(url->raw_path, strlen(url->raw_path), url->path,
	    sizeof(url->path), reason);
}

int
request_parse_gemini(const char *buf, size_t len, struct url *url,
    const char **reason)
{
	const char	*p, *end, *auth_end;
	long		 n;

	memset(url, 0, sizeof(*url));
	url->port = -1;
	url->path[0] = '/';
	if ((n = request_line(buf, len, reason)) == -1 ||
	    check_bytes(buf, (size_t)n, reason) == -1)
		return -1;
	end = buf + n;
	if ((p = parse_scheme(buf, end, url)) == NULL) {
		*reason = "not an absolute URL";
		return -1;
	}
	if (end - p < 2 || p[0] != '/' || p[1] != '/') {
		if (strcmp(url->scheme, "gemini") == 0) {
			*reason = "missing host";
			return -1;
		}
		return 0;	/* "mailto:x": the caller answers 53 */
	}
	p += 2;
	for (auth_end = p; auth_end < end && *auth_end != '/' &&
	    *auth_end != '?'; auth_end++)
		continue;
	if (parse_authority(p, auth_end, url, reason) == -1)
		return -1;
	if (url->host[0] == '\0' && strcmp(url->scheme, "gemini") == 0) {
		*reason = "missing host";
		return -1;
	}
	return parse_path_query(auth_end, end, url, reason);
}
