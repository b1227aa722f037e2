/*
 * The request parsers: a Gemini URL and a Gopher selector, path
 * normalisation and percent-decoding. Pure: bytes in, a filled struct out.
 */

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "request.h"
#include "utf8.h"

/* RFC 3986 section 3.2.3: a port is digits; TCP ports end at 65535. */
#define PORT_MAX	65535

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

static unsigned char
to_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/*
 * Bytes a URL may carry as they are: RFC 3986 section 2 characters, and any
 * non-ASCII byte, since clients send IRIs (RFC 3987) as raw UTF-8.
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

	if (outsize == 0) {
		*reason = "decoded text too long";
		return -1;
	}
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
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/* Appends "/" and seg[0..n) to out at *o; -1 when it does not fit. */
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

/* Drops the last segment of out[0..*o). */
static void
pop_segment(const char *out, size_t *o)
{
	while (*o > 0 && out[*o - 1] != '/')
		(*o)--;
	if (*o > 0)
		(*o)--;
}

/*
 * Decodes the path in[0..len) into dec (GEMINI_URL_MAX + 1 bytes): refuses
 * what no file name holds (NUL, an encoded slash) and text that is not UTF-8.
 */
static int
path_decode(const char *in, size_t len, char *dec, size_t *declen, const char **reason)
{
	if (percent_decode(in, len, dec, GEMINI_URL_MAX + 1, declen, reason) == -1)
		return -1;
	if (memchr(dec, '\0', *declen) != NULL) {
		*reason = "encoded NUL in path";
		return -1;
	}
	/* An encoded slash would join two segments into one name; no file has it. */
	if (memmem(in, len, "%2f", 3) != NULL || memmem(in, len, "%2F", 3) != NULL) {
		*reason = "encoded slash in path";
		return -1;
	}
	if (!utf8_valid(dec, *declen)) {
		*reason = "invalid UTF-8 in path";
		return -1;
	}
	return 0;
}

int
path_normalise(const char *in, size_t len, char *out, size_t outsize,
    const char **reason)
{
	char		 dec[GEMINI_URL_MAX + 1];
	const char	*seg, *end, *slash;
	size_t		 declen, n, o = 0;
	int		 trailing = 0;

	if (outsize < 2) {
		*reason = "path too long";
		return -1;
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
		return 0;
	}
	if (in[0] != '/') {
		*reason = "path does not start with /";
		return -1;
	}
	if (path_decode(in, len, dec, &declen, reason) == -1)
		return -1;
	end = dec + declen;
	for (seg = dec + 1; seg <= end; seg = slash + 1) {
		if ((slash = memchr(seg, '/', (size_t)(end - seg))) == NULL)
			slash = end;
		n = (size_t)(slash - seg);
		if (n == 0 || (n == 1 && seg[0] == '.')) {
			trailing = 1;
			continue;
		}
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0) {
				*reason = "path climbs above the root";
				return -1;
			}
			pop_segment(out, &o);
			trailing = 1;
			continue;
		}
		trailing = 0;
		if (push_segment(out, outsize, &o, seg, n) == -1) {
			*reason = "path too long";
			return -1;
		}
	}
	if (o == 0 || trailing) {
		if (o + 2 > outsize) {
			*reason = "path too long";
			return -1;
		}
		out[o++] = '/';
	}
	out[o] = '\0';
	return 0;
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
	size_t		 i;

	if (p == end || !is_alpha((unsigned char)*p))
		return NULL;
	while (p < end && (is_alpha((unsigned char)*p) ||
	    is_digit((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (p == end || *p != ':')
		return NULL;
	/* A longer scheme is kept cut: it still names no scheme we serve. */
	for (i = 0; start + i < p && i < SCHEME_MAX; i++)
		url->scheme[i] = (char)to_lower((unsigned char)start[i]);
	url->scheme[i] = '\0';
	return p + 1;
}

static int
parse_port(const char *p, const char *end, struct url *url, const char **reason)
{
	long	port = 0;

	if (p == end)
		return 0;	/* "host:" names no port (RFC 3986 section 3.2.3) */
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

/* RFC 3986 section 3.2.2 IP-literal without brackets; no zone, no IPvFuture. */
static int
parse_ipv6(const char *a, const char *end, struct url *url,
    const char **reason)
{
	struct in6_addr	addr;
	size_t		i, n = (size_t)(end - a);

	if (n == 0 || n >= INET6_ADDRSTRLEN) {
		*reason = "invalid IPv6 literal";
		return -1;
	}
	for (i = 0; i < n; i++)
		url->host[i] = (char)to_lower((unsigned char)a[i]);
	url->host[n] = '\0';
	if (inet_pton(AF_INET6, url->host, &addr) != 1) {
		url->host[0] = '\0';
		*reason = "invalid IPv6 literal";
		return -1;
	}
	return 0;
}

/* Parses host and port of authority a[0..end); userinfo is refused. */
static int
parse_authority(const char *a, const char *end, struct url *url,
    const char **reason)
{
	const char	*host_end, *port;
	size_t		 i, n;

	if (memchr(a, '@', (size_t)(end - a)) != NULL) {
		*reason = "userinfo in URL";
		return -1;
	}
	if (a < end && *a == '[') {
		if ((host_end = memchr(a, ']', (size_t)(end - a))) == NULL) {
			*reason = "unterminated IPv6 literal";
			return -1;
		}
		a++;
		port = host_end + 1;
		if (port < end && *port != ':') {
			*reason = "junk after IPv6 literal";
			return -1;
		}
		if (port < end && parse_port(port + 1, end, url, reason) == -1)
			return -1;
		return parse_ipv6(a, host_end, url, reason);
	} else {
		if ((host_end = memchr(a, ':', (size_t)(end - a))) == NULL)
			host_end = end;
		port = host_end;
	}
	if (port < end && parse_port(port + 1, end, url, reason) == -1)
		return -1;
	n = (size_t)(host_end - a);
	if (memchr(a, '%', n) != NULL) {
		*reason = "percent-encoding in host";
		return -1;
	}
	if (n > 0 && a[n - 1] == '.')
		n--;	/* a fully qualified name is the same host */
	if (n > HOST_MAX) {
		*reason = "host name too long";
		return -1;
	}
	for (i = 0; i < n; i++)
		url->host[i] = (char)to_lower((unsigned char)a[i]);
	url->host[n] = '\0';
	return 0;
}

const char	request_too_long[] = "request longer than 1024 bytes";

/* Checks the line is CRLF-terminated and returns the URL's length, or -1. */
static long
request_line(const char *buf, size_t len, const char **reason)
{
	size_t	n;

	if (len == 0 || buf[len - 1] != '\n') {
		*reason = len > GEMINI_URL_MAX + 1 ? request_too_long :
		    "request does not end with CRLF";
		return -1;
	}
	if (len < 2 || buf[len - 2] != '\r') {
		*reason = "request ends with LF, not CRLF";
		return -1;
	}
	n = len - 2;
	if (memchr(buf, '\n', n) != NULL || memchr(buf, '\r', n) != NULL) {
		*reason = "CR or LF inside the request";
		return -1;
	}
	if (n == 0) {
		*reason = "empty request";
		return -1;
	}
	if (n > GEMINI_URL_MAX) {
		*reason = request_too_long;
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
	if (utf8_bom(buf, n) > 0) {
		*reason = "byte-order mark before the URL";
		return -1;
	}
	if (!utf8_valid(buf, n)) {
		*reason = "invalid UTF-8 in request";
		return -1;
	}
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

int
request_parse_gemini(const char *buf, size_t len, struct url *url,
    const char **reason)
{
	const char	*p, *end, *auth_end, *query;
	long		 n;

	memset(url, 0, sizeof(*url));
	url->port = -1;
	url->path[0] = '/';	/* the header promises it, even for "mailto:x" */
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
		return 0;	/* another scheme: the caller refuses it */
	}
	p += 2;
	for (auth_end = p; auth_end < end && *auth_end != '/' && *auth_end != '?'; auth_end++)
		continue;
	if (parse_authority(p, auth_end, url, reason) == -1)
		return -1;
	if (url->host[0] == '\0' && strcmp(url->scheme, "gemini") == 0) {
		*reason = "missing host";
		return -1;
	}
	if ((query = memchr(auth_end, '?', (size_t)(end - auth_end))) == NULL)
		query = end;
	else {
		url->has_query = 1;
		copy_field(url->query, sizeof(url->query), query + 1,
		    (size_t)(end - query - 1));
	}
	copy_field(url->raw_path, sizeof(url->raw_path), auth_end,
	    (size_t)(query - auth_end));
	return path_normalise(url->raw_path, strlen(url->raw_path), url->path,
	    sizeof(url->path), reason);
}

int
request_is_titan(const char *buf, size_t len)
{
	return len >= 6 && strncasecmp(buf, "titan:", 6) == 0;
}

/* size=: decimal digits, at least one, no sign or space, no overflow. */
static int
titan_size(const char *v, size_t n, unsigned long long *out, const char **reason)
{
	unsigned long long	x = 0;
	size_t			i;

	if (n == 0) {
		*reason = "empty size";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)v[i])) {
			*reason = "size is not a decimal number";
			return -1;
		}
		if (x > (ULLONG_MAX - (unsigned)(v[i] - '0')) / 10) {
			*reason = "size too large";
			return -1;
		}
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* mime=: type/subtype of RFC 6838 section 4.2 restricted-name characters. */
static int
titan_mime(const char *v, size_t n, char *out, const char **reason)
{
	const char	*slash = memchr(v, '/', n);
	size_t		 i;

	if (n == 0 || n > TITAN_MIME_MAX || slash == NULL || slash == v ||
	    slash == v + n - 1 || memchr(slash + 1, '/', (size_t)(v + n - slash - 1)) != NULL) {
		*reason = "mime is not a MIME type";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i] != '/' && !is_alpha((unsigned char)v[i]) &&
		    !is_digit((unsigned char)v[i]) && strchr("!#$&-^_.+", v[i]) == NULL) {
			*reason = "mime is not a MIME type";
			return -1;
		}
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int
titan_token(const char *v, size_t n, struct titan_request *t, const char **reason)
{
	size_t	declen;

	if (percent_decode(v, n, t->token, sizeof(t->token), &declen, reason) == -1 ||
	    declen == 0 || memchr(t->token, '\0', declen) != NULL) {
		*reason = "token is empty, too long or badly encoded";
		return -1;
	}
	t->has_token = 1;
	return 0;
}

/* One ";key=value" parameter, k[0..n) without the ';'; seen counts known keys. */
static int
titan_param(const char *k, size_t n, struct titan_request *t, unsigned *seen,
    const char **reason)
{
	static const char *const known[] = { "size", "mime", "token" };
	static const char *const twice[] = { "size given twice", "mime given twice",
	    "token given twice" };
	const char	*eq = memchr(k, '=', n), *v;
	size_t		 klen, vlen, i;

	if (eq == NULL || eq == k) {
		*reason = "a parameter is not key=value";
		return -1;
	}
	klen = (size_t)(eq - k);
	v = eq + 1;
	vlen = n - klen - 1;
	for (i = 0; i < 3; i++)
		if (strlen(known[i]) == klen && memcmp(k, known[i], klen) == 0)
			break;
	if (i == 3)
		return 0;	/* unknown: ignored, as the specification asks */
	if (*seen & (1u << i)) {
		*reason = twice[i];
		return -1;
	}
	*seen |= 1u << i;
	if (i == 0)
		return titan_size(v, vlen, &t->size, reason);
	if (i == 1)
		return titan_mime(v, vlen, t->mime, reason);
	return titan_token(v, vlen, t, reason);
}

int
request_parse_titan(const char *buf, size_t len, struct titan_request *t,
    const char **reason)
{
	char		 line[GEMINI_URL_MAX + 3];
	const char	*semi, *p, *next, *end;
	unsigned	 seen = 0;
	long		 n;

	memset(t, 0, sizeof(*t));
	if ((n = request_line(buf, len, reason)) == -1 ||
	    check_bytes(buf, (size_t)n, reason) == -1)
		return -1;
	end = buf + n;
	if ((semi = memchr(buf, ';', (size_t)n)) == NULL) {
		*reason = "missing size";
		return -1;
	}
	memcpy(line, buf, (size_t)(semi - buf));
	memcpy(line + (semi - buf), "\r\n", 2);
	if (request_parse_gemini(line, (size_t)(semi - buf) + 2, &t->url, reason) == -1)
		return -1;
	if (strcmp(t->url.scheme, "titan") != 0 || t->url.host[0] == '\0' ||
	    t->url.has_query || memchr(semi, '?', (size_t)(end - semi)) != NULL) {
		*reason = strcmp(t->url.scheme, "titan") != 0 ? "not a titan:// URL" :
		    t->url.host[0] == '\0' ? "missing host" : "a Titan URL has no query";
		return -1;
	}
	for (p = semi + 1; p <= end; p = next + 1) {
		if ((next = memchr(p, ';', (size_t)(end - p))) == NULL)
			next = end;
		if (titan_param(p, (size_t)(next - p), t, &seen, reason) == -1)
			return -1;
	}
	if (!(seen & 1)) {
		*reason = "missing size";
		return -1;
	}
	return 0;
}

int
request_parse_gopher(const char *buf, size_t len, struct selector *sel,
    const char **reason)
{
	const char	*tab, *end;
	char		 path[GOPHER_SELECTOR_MAX + 2];
	size_t		 n;

	memset(sel, 0, sizeof(*sel));
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (memchr(buf, '\0', len) != NULL) {
		*reason = "NUL byte in selector";
		return -1;
	}
	if (memchr(buf, '\n', len) != NULL || memchr(buf, '\r', len) != NULL) {
		*reason = "CR or LF inside the selector";
		return -1;
	}
	if ((tab = memchr(buf, '\t', len)) == NULL)
		tab = buf + len;
	n = (size_t)(tab - buf);
	if (!utf8_valid(buf, n)) {
		*reason = "invalid UTF-8 in selector";
		return -1;
	}
	if (n > GOPHER_SELECTOR_MAX) {
		*reason = "selector longer than 1024 bytes";
		return -1;
	}
	if (tab < buf + len) {
		tab++;
		if ((end = memchr(tab, '\t', (size_t)(buf + len - tab))) == NULL)
			end = buf + len;
		/* Gopher+ clients probe with TAB $ or TAB + (Gopher+ section 2.3). */
		if (end - tab == 1 && (*tab == '$' || *tab == '+'))
			sel->plus = *tab;
		else if (!utf8_valid(tab, (size_t)(end - tab))) {
			*reason = "invalid UTF-8 in the search string";
			return -1;
		} else if (copy_field(sel->search, sizeof(sel->search), tab,
		    (size_t)(end - tab)) == -1) {
			*reason = "search string too long";
			return -1;
		} else
			sel->has_search = 1;
	}
	/* Selectors are the Gemini paths; menus from other servers omit the slash. */
	path[0] = '/';
	memcpy(path + (n > 0 && buf[0] == '/' ? 0 : 1), buf, n);
	n += n > 0 && buf[0] == '/' ? 0 : 1;
	return path_normalise(path, n, sel->path, sizeof(sel->path), reason);
}

/* Reads a big-endian 16-bit length, as TLS encodes them. */
static size_t
read_u16(const unsigned char *p)
{
	return (size_t)p[0] << 8 | p[1];
}

/*
 * A DNS host name (RFC 6066 section 3): letters, digits and hyphens in
 * labels of one or more. Colons too: some clients send an IPv6 address,
 * which RFC 6066 forbids, and it is matched like a name.
 */
static int
copy_sni_name(const unsigned char *p, size_t n, char host[HOST_MAX + 1],
    const char **reason)
{
	size_t	i;

	if (n == 0 || n > HOST_MAX) {
		*reason = "host name of bad length";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!is_alpha(p[i]) && !is_digit(p[i]) && p[i] != '-' && p[i] != '.' &&
		    p[i] != ':') {
			*reason = "not a host name";
			return -1;
		}
		host[i] = (char)to_lower(p[i]);
	}
	host[n] = '\0';
	/* No label may be empty; one trailing dot names the same host. */
	if (host[0] == '.' || strstr(host, "..") != NULL) {
		*reason = "not a host name";
		return -1;
	}
	if (host[n - 1] == '.')
		host[n - 1] = '\0';
	return 0;
}

int
request_parse_sni(const unsigned char *buf, size_t len, char host[HOST_MAX + 1],
    const char **reason)
{
	size_t	off = 2, n;
	int	found = 0;

	if (len < 2 || read_u16(buf) != len - 2 || len == 2) {
		*reason = "bad server name list length";
		return -1;
	}
	while (off < len) {
		if (len - off < 3 || (n = read_u16(buf + off + 1)) > len - off - 3) {
			*reason = "server name runs past the list";
			return -1;
		}
		if (buf[off] == SNI_HOST_NAME) {
			if (found) {
				*reason = "two host names";
				return -1;
			}
			if (copy_sni_name(buf + off + 3, n, host, reason) == -1)
				return -1;
			found = 1;
		}
		off += 3 + n;
	}
	if (!found) {
		*reason = "no host name";
		return -1;
	}
	return 0;
}

int
url_origin(char *out, size_t size, const char *scheme, const char *host,
    unsigned port, unsigned default_port)
{
	const char	*open = strchr(host, ':') != NULL ? "[" : "";
	const char	*close = *open != '\0' ? "]" : "";
	int		 n;

	if (port == default_port)
		n = snprintf(out, size, "%s://%s%s%s", scheme, open, host, close);
	else
		n = snprintf(out, size, "%s://%s%s%s:%u", scheme, open, host, close, port);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
host_is_address(const char *host)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}
