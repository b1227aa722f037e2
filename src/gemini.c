/*
 * The Gemini adapter: a request line in, a header and a body out. It turns
 * the wire's forms into the router's (the query into the reader's text) and
 * back (paths into absolute URLs, a prompt with what fits in a request).
 */

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "gemini.h"
#include "host.h"
#include "router.h"
#include "titan.h"

/* The URL must name the host the TLS handshake chose (by SNI). */
static int
is_served(const struct url *url, const struct host *h, const struct config *c)
{
	return strcmp(url->host, h->name) == 0 &&
	    (url->port == -1 || (unsigned)url->port == c->public_port);
}

/* Redirects from routing are paths; clients get absolute URLs. */
static void
absolute_redirect(struct response *resp, const struct host *h,
    const struct config *c)
{
	char	path[META_MAX + 1], origin[ORIGIN_MAX + 1];

	if (resp->meta[0] != '/')
		return;
	snprintf(path, sizeof(path), "%s", resp->meta);
	/* Fits: ORIGIN_MAX. */
	(void)url_origin(origin, sizeof(origin), "gemini", h->name, c->public_port,
	    GEMINI_DEFAULT_PORT);
	response_set(resp, resp->status, "%s%s", origin, path);
}

/*
 * Where the reader's text starts in a request for a URL that takes input:
 * past the '?', whose URL before it is parsed on its own, so a request too
 * long to parse is recognised too. 0 for any other request.
 */
static size_t
gemini_input_at(const char *buf, size_t len)
{
	char		 line[GEMINI_URL_MAX + 2];
	struct url	 url;
	const char	*q, *reason;
	size_t		 n;

	/* A Titan token is a password: the log keeps its length only. */
	if (request_is_titan(buf, len))
		return (q = memmem(buf, len, ";token=", 7)) != NULL ? (size_t)(q - buf) + 7 : 0;
	if ((q = memchr(buf, '?', len)) == NULL || (n = (size_t)(q - buf)) > GEMINI_URL_MAX)
		return 0;
	memcpy(line, buf, n);
	memcpy(line + n, "\r\n", 2);
	if (request_parse_gemini(line, n + 2, &url, &reason) == -1 || !route_is_input(url.path))
		return 0;
	return n + 1;
}

/* A 59 that says what is wrong; on a URL that takes input, that the text is too long. */
static void
bad_request(const char *buf, size_t len, const char *reason, struct response *resp)
{
	size_t	at;

	if (reason != request_too_long || (at = gemini_input_at(buf, len)) == 0) {
		response_set(resp, STATUS_BAD_REQUEST, "Bad request: %s", reason);
		return;
	}
	response_set(resp, STATUS_BAD_REQUEST, "Your text is too long: this link holds "
	    "%zu bytes of it once encoded, where a space takes 3 and an accented "
	    "letter 6; shorten it and send it again", GEMINI_URL_MAX - at);
}

/*
 * The bytes of a request left for the reader's text: GEMINI_URL_MAX less
 * the URL asked for, which the client sends again before the '?'.
 */
static size_t
room_for_text(const struct url *url)
{
	char	port[sizeof(":65535")] = "";
	size_t	n;

	if (url->port != -1)
		snprintf(port, sizeof(port), ":%d", url->port);
	n = strlen("gemini://") + strlen(url->host) + strlen(port) +
	    strlen(url->raw_path) + strlen("?");
	if (strchr(url->host, ':') != NULL)
		n += strlen("[]");	/* an IPv6 address is sent in brackets */
	return n < GEMINI_URL_MAX ? GEMINI_URL_MAX - n : 0;
}

/*
 * A prompt says how much fits, in characters as typed: the text is
 * percent-encoded into the request, a space into 3 bytes and an accented
 * letter (2 bytes of UTF-8) into 6.
 */
static void
prompt(const struct url *url, struct response *resp)
{
	char	what[META_MAX + 1];
	size_t	room = room_for_text(url), chars = resp->input_bytes;

	if (room < chars)
		chars = room;
	snprintf(what, sizeof(what), "%s", resp->meta);
	response_set(resp, STATUS_INPUT, "%s (up to %zu characters in %u line%s, fewer "
	    "with spaces or accents: the link holds %zu bytes, a space takes 3, an "
	    "accented letter 6)", what, chars, resp->input_lines,
	    resp->input_lines == 1 ? "" : "s", room);
}

/* Routes a request for this host; text is room for the decoded query. */
static void
answer(struct request *req, const struct url *url, char text[GEMINI_URL_MAX + 1],
    struct response *resp)
{
	if (url->query[0] != '\0' && percent_decode(url->query, strlen(url->query),
	    text, GEMINI_URL_MAX + 1, &req->input_len, &req->input_error) == 0)
		req->input = text;
	route(req, resp);
	if (resp->status == STATUS_INPUT)
		prompt(url, resp);
	/* Only a success has a body (specification section 3.2). */
	if (resp->status != STATUS_SUCCESS)
		response_drop_body(resp);
}

/* A Titan upload (titan.h) to this host, with the URL the line names. */
static void
titan(const char *buf, size_t len, struct request *req, struct response *resp)
{
	struct titan_request	 t;
	const char		*reason;

	if (request_parse_titan(buf, len, &t, &reason) == -1)
		response_set(resp, STATUS_BAD_REQUEST, "Bad request: %s", reason);
	else if (!is_served(&t.url, req->host, req->host->config))
		response_set(resp, STATUS_PROXY_REFUSED, "Proxy request refused");
	else {
		req->url = &t.url;
		titan_answer(req, &t, resp);
		req->url = NULL;
	}
	response_drop_body(resp);
}

static size_t
gemini_respond(const char *buf, size_t len, struct request *req,
    struct response *resp, char *head, size_t headsize)
{
	const struct config	*c = req->host->config;
	struct url		 url;
	char			 text[GEMINI_URL_MAX + 1];
	const char		*reason;
	int			 n;

	req->url = &url;
	if (request_is_titan(buf, len))
		titan(buf, len, req, resp);
	else if (request_parse_gemini(buf, len, &url, &reason) == -1)
		bad_request(buf, len, reason, resp);
	else if (strcmp(url.scheme, "gemini") != 0 || !is_served(&url, req->host, c))
		response_set(resp, STATUS_PROXY_REFUSED, "Proxy request refused");
	else
		answer(req, &url, text, resp);
	req->url = NULL;
	req->input = NULL;
	if (resp->status / 10 == 3)
		absolute_redirect(resp, req->host, c);
	n = snprintf(head, headsize, "%d %s\r\n", resp->status, resp->meta);
	if (n < 0 || (size_t)n >= headsize) {
		/* meta is at most META_MAX and headsize leaves room for it; never cut a header. */
		n = snprintf(head, headsize, "%d \r\n", STATUS_PERMANENT_FAILURE);
	}
	return (size_t)n;
}

const struct adapter gemini_adapter = {
	.name = "gemini",
	.tls = 1,
	.request_max = GEMINI_URL_MAX + 2,	/* URL and CRLF */
	.respond = gemini_respond,
	.input_at = gemini_input_at,
};
