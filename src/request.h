#ifndef MARQUEE_REQUEST_H
#define MARQUEE_REQUEST_H

#include <stddef.h>

/* Gemini specification, section 2: "a URL of at most 1024 bytes". */
#define GEMINI_URL_MAX		1024
/* RFC 1035 section 2.3.4: 255 octets on the wire, 253 characters as text. */
#define HOST_MAX		253
/* Gemini specification, section 1.2: the port a gemini:// URL implies. */
#define GEMINI_DEFAULT_PORT	1965
/* Longest scheme kept; longer ones are still rejected as foreign (53). */
#define SCHEME_MAX		32

/* A parsed absolute URL. Every field is NUL-terminated. */
struct url {
	char	scheme[SCHEME_MAX + 1];		/* lower-cased */
	char	host[HOST_MAX + 1];		/* lower-cased, no trailing dot, IPv6 without brackets */
	int	port;				/* -1 when the URL names none */
	char	raw_path[GEMINI_URL_MAX + 1];	/* as sent, still percent-encoded; "" when empty */
	char	path[GEMINI_URL_MAX + 1];	/* decoded and normalised, always starts with '/' */
	char	query[GEMINI_URL_MAX + 1];	/* as sent, still percent-encoded */
	int	has_query;			/* 1 when the URL has a '?', even with an empty query */
};

/*
 * Parses one Gemini request: buf holds the len bytes received, which must be
 * exactly an absolute URL followed by CRLF. Returns 0 and fills *url, or -1
 * with *reason set; every -1 is answered with status 59. Scheme, host and
 * port are only parsed here: whether they are served (53) is the caller's
 * decision.
 */
int	 request_parse_gemini(const char *buf, size_t len, struct url *url,
	    const char **reason);
/* The *reason of request_parse_gemini for a URL longer than GEMINI_URL_MAX. */
extern const char	request_too_long[];

/*
 * Percent-decodes a path, then removes dot segments (RFC 3986 section 5.2.4)
 * and folds repeated slashes. Fails on an encoded '/' or NUL, invalid UTF-8
 * after decoding, malformed escapes, a path not starting with '/', and a ".."
 * that would climb above the root. out always starts with '/'.
 */
int	 path_normalise(const char *in, size_t len, char *out, size_t outsize,
	    const char **reason);

/*
 * Decodes %XX escapes of in[0..len) into out (NUL-terminated), storing the
 * decoded length in *outlen. Fails on a malformed escape or when out is too
 * small. Decoded bytes are not otherwise checked.
 */
int	 percent_decode(const char *in, size_t len, char *out, size_t outsize,
	    size_t *outlen, const char **reason);

/* Returns 1 when host is an IPv4 or IPv6 address (no brackets) rather than a name. */
int	 host_is_address(const char *host);

/*
 * Titan (gemini://transjovian.org/titan/page/The%20Titan%20Specification):
 * the MIME type a parameter names is at most RFC 6838 section 4.2's 127
 * bytes of type and 127 of subtype, and the slash between.
 */
#define TITAN_MIME_MAX		255
/* A token is a shared secret from the config file; longer is not stronger. */
#define TITAN_TOKEN_MAX		128

/* A parsed Titan request line: the URL, then ";key=value" parameters. */
struct titan_request {
	struct url	url;			/* scheme "titan", no query */
	unsigned long long size;		/* bytes of body that follow the line */
	char		mime[TITAN_MIME_MAX + 1];	/* "" when none was given */
	char		token[TITAN_TOKEN_MAX + 1];	/* decoded; "" when none */
	int		has_token;
};

/*
 * Parses one Titan request line (buf[0..len), an absolute titan:// URL
 * with its parameters and CRLF, at most GEMINI_URL_MAX bytes before the
 * CRLF as a Gemini request): the URL up to the first ';' as
 * request_parse_gemini parses it, with a host and no query, then
 * parameters: size (required: decimal digits only, no sign or space),
 * mime and token (optional, token percent-decoded); others are ignored,
 * a known one given twice is refused. Returns 0, or -1 with *reason.
 */
int	 request_parse_titan(const char *buf, size_t len, struct titan_request *t,
	    const char **reason);
/* Returns 1 when buf[0..len) starts a Titan request ("titan:" in any case). */
int	 request_is_titan(const char *buf, size_t len);

/* RFC 1436 section 3.2 sets no limit; this one mirrors Gemini's. */
#define GOPHER_SELECTOR_MAX	1024

/* A parsed Gopher request: selector, TAB, optional search string. */
struct selector {
	char	path[GEMINI_URL_MAX + 1];	/* decoded and normalised, starts with '/' */
	char	search[GOPHER_SELECTOR_MAX + 1];	/* type 7 query, "" when none */
	int	has_search;
	char	plus;		/* a Gopher+ request: '$' (menu with attributes), '+', or 0 */
};

/*
 * Parses one Gopher request: the selector up to CRLF (a bare LF, or the end
 * of the bytes, is accepted too), with an optional TAB and search string.
 * Returns 0, or -1 with *reason for NUL bytes, invalid UTF-8, a selector
 * longer than GOPHER_SELECTOR_MAX and paths that path_normalise refuses.
 */
int	 request_parse_gopher(const char *buf, size_t len, struct selector *sel,
	    const char **reason);

/* The longest url_origin of gemini:// or gopher://: a bracketed host and a port. */
#define ORIGIN_MAX	(sizeof("gemini://[]:65535") - 1 + HOST_MAX)

/*
 * Writes the origin of scheme:// URLs on host and port: an IPv6 address in
 * brackets (RFC 3986 section 3.2.2), the port left out when it is the
 * scheme's default_port. Returns 0, or -1 when out is too small.
 */
int	 url_origin(char *out, size_t size, const char *scheme, const char *host,
	    unsigned port, unsigned default_port);

/* RFC 6066 section 3: the NameType of a DNS host name in a ServerNameList. */
#define SNI_HOST_NAME	0

/*
 * Parses the body of a TLS server_name extension (RFC 6066 section 3, a
 * ServerNameList) and copies its host name, lower-cased and without a
 * trailing dot. Other name types are skipped. Returns 0, or -1 with *reason
 * for a malformed list, none or two host names, or a name that is not one.
 */
int	 request_parse_sni(const unsigned char *buf, size_t len,
	    char host[HOST_MAX + 1], const char **reason);

#endif
