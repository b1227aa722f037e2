#include <stdio.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "gemini.h"
#include "host.h"
#include "router.h"

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

static size_t
gemini_respond(const char *buf, size_t len, struct request *req,
    struct response *resp, char *head, size_t headsize)
{
	const struct config	*c = config_current();
	struct url		 url;
	const char		*reason;
	int			 n;

	req->protocol = PROTOCOL_GEMINI;
	req->url = &url;
	if (request_parse_gemini(buf, len, &url, &reason) == -1)
		response_set(resp, STATUS_BAD_REQUEST, "Bad request: %s", reason);
	else if (strcmp(url.scheme, "gemini") != 0 || !is_served(&url, req->host, c))
		response_set(resp, STATUS_PROXY_REFUSED, "Proxy request refused");
	else
		route(req, resp);
	req->url = NULL;
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
};
