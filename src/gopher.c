/*
 * The Gopher adapter (RFC 1436): a selector in; a menu, text or file out.
 * It turns the wire's forms into the router's (the search string into the
 * reader's text) and renders the router's gemtext pages as menus.
 */

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "conn.h"
#include "gemtext.h"
#include "gopher.h"
#include "host.h"
#include "request.h"
#include "router.h"
#include "utf8.h"

/* Gemtext rendered for Gopher is read whole; a larger file goes out as it is. */
#define CONVERT_MAX	(1024 * 1024)
/*
 * A menu line costs its text plus about 16 bytes and the host name; a file
 * of blank lines would grow some twentyfold. Past this, send the file raw.
 */
#define RENDER_MAX	(4 * 1024 * 1024)

/* Replaces the body of resp with the bytes of b, which resp then owns. */
static void
set_body(struct response *resp, struct buf *b)
{
	enum status	status = resp->status;
	char		meta[META_MAX + 1];

	memcpy(meta, resp->meta, sizeof(meta));
	response_release(resp);
	resp->status = status;
	memcpy(resp->meta, meta, sizeof(meta));
	response_take_body(resp, b);
}

/*
 * A type-3 menu: the one line that says what went wrong, and the end. why
 * is often resp->meta, which the release clears: the line is written first,
 * and the meta (what the log shows) is taken back from it.
 */
static void
error_menu(const struct host_config *hc, struct response *resp,
    enum status status, const char *why)
{
	struct buf	b = { 0 };
	size_t		n = strlen(why);

	buf_puts(&b, "3");
	buf_append(&b, why, n);
	buf_printf(&b, "\t\t%s\t%u\r\n.\r\n", hc->name, hc->public_gopher_port);
	response_release(resp);
	response_set(resp, status, "%.*s", b.failed ? 0 : (int)n, b.failed ? "" : b.data + 1);
	set_body(resp, &b);
}

/* Reads the whole body (file, then memory) of resp into b; -1 when too large. */
static int
read_body(struct response *resp, struct buf *b)
{
	char	chunk[16384];
	ssize_t	n;

	if (resp->fd != -1) {
		if (resp->size > CONVERT_MAX)
			return -1;
		while ((n = read(resp->fd, chunk, sizeof(chunk))) > 0)
			buf_append(b, chunk, (size_t)n);
	}
	if (resp->body_len > 0)
		buf_append(b, resp->body, resp->body_len);
	return b->failed ? -1 : 0;
}

/* Serves r, which the body's owner keeps, in place of the body; 0 when r is NULL. */
static int
use_rendition(struct response *resp, const struct rendition *r)
{
	if (r == NULL)
		return 0;
	resp->body = r->data;
	resp->body_len = r->len;
	return 1;
}

/*
 * Hands out's bytes to the body's owner, so the next request for the same
 * page skips the rendering. When another thread got there first, its copy
 * is served and ours dropped.
 */
static int
keep_rendition(struct response *resp, struct buf *out)
{
	struct rendition	*r, *first = NULL;

	if ((r = malloc(sizeof(*r))) == NULL)
		return 0;
	r->data = out->data;
	r->len = out->len;
	if (!atomic_compare_exchange_strong(resp->rendition, &first, r)) {
		free(r);
		buf_free(out);
		return use_rendition(resp, first);
	}
	memset(out, 0, sizeof(*out));
	return use_rendition(resp, r);
}

/*
 * The type of an item that leads to selector, where the URL map decides it:
 * a search (7) where it asks for text, a menu (1) for a page it makes one of.
 */
static char
item_of(const char *selector)
{
	if (route_is_input(selector))
		return '7';
	return route_is_menu(selector) ? '1' : 0;
}

/*
 * Gemtext becomes a menu where Gemini has a directory or a list, and for the
 * answer to a search (RFC 1436 section 3.7: a type 7 item returns a menu);
 * plain text elsewhere. Returns 1 when the body is then a menu, which ends
 * with a lone ".", and 0 when it is text, which ends at the close.
 */
static int
convert_gemtext(const struct request *req, const char *path, int menu,
    struct response *resp)
{
	const struct host_config	*hc = host_settings(req->host);
	struct gopher_origin		 o = { hc->name, hc->public_gopher_port, path,
	    item_of, route_review_menu, req->host };
	struct buf			 src = { 0 }, out = { 0 };

	if (resp->rendition != NULL && use_rendition(resp, atomic_load(resp->rendition)))
		return menu;
	if (read_body(resp, &src) == -1) {
		buf_free(&src);
		return 0;	/* too large to convert: it goes out as it is */
	}
	if (gemtext_gopher_bound(src.data, src.len, strlen(hc->name)) > RENDER_MAX) {
		buf_free(&src);
		return 0;
	}
	if (menu)
		gemtext_menu(src.data != NULL ? src.data : "", src.len, &o, &out);
	else
		gemtext_text(src.data != NULL ? src.data : "", src.len, &o, &out);
	buf_free(&src);
	if (out.failed) {
		buf_free(&out);
		error_menu(hc, resp, STATUS_PERMANENT_FAILURE, "Out of memory");
		return 1;
	}
	if (resp->rendition == NULL || !keep_rendition(resp, &out))
		set_body(resp, &out);
	return menu;
}

/* The Gopher capabilities file (caps.txt, from the Gopher community's convention). */
static void
caps(struct response *resp)
{
	struct buf	b = { 0 };

	response_release(resp);
	buf_puts(&b, "CAPS\r\n\r\nCapsVersion=1\r\nExpireCapsAfter=3600\r\n"
	    "PathDelimeter=/\r\nPathIdentity=.\r\nPathParent=..\r\n"
	    "PathParentDouble=FALSE\r\nPathKeepPreDelimeter=FALSE\r\n"
	    "ServerSoftware=marquee\r\nServerSupportsStdinScripts=FALSE\r\n");
	resp->status = STATUS_SUCCESS;
	snprintf(resp->meta, sizeof(resp->meta), "text/plain");
	set_body(resp, &b);
}

/*
 * An 'h' item's selector "URL:..." asks the server for a page that sends
 * the reader on (the Gopher community's convention for links to the web).
 */
static void
url_redirect(const char *url, struct response *resp)
{
	struct buf	b = { 0 };

	response_release(resp);
	buf_puts(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"refresh\" content=\"0; url=");
	buf_put_xml(&b, url);
	buf_puts(&b, "\">\n<title>Redirect</title></head><body>\n<p>This link leaves "
	    "Gopherspace: <a href=\"");
	buf_put_xml(&b, url);
	buf_puts(&b, "\">");
	buf_put_xml(&b, url);
	buf_puts(&b, "</a></p>\n</body></html>\n");
	resp->status = STATUS_SUCCESS;
	snprintf(resp->meta, sizeof(resp->meta), "text/html");
	set_body(resp, &b);
}

/*
 * Where Gemini asks for input (status 10), Gopher offers a type 7 item. The
 * search string is sent as typed, so only the page's own limit counts.
 */
static void
input_menu(const char *path, struct response *resp)
{
	struct buf	b = { 0 };

	buf_printf(&b, "%s (up to %zu characters in %u line%s, fewer with accents)\n=> ",
	    resp->meta, resp->input_bytes, resp->input_lines,
	    resp->input_lines == 1 ? "" : "s");
	buf_put_path(&b, path);
	buf_puts(&b, " Write it here\n");
	response_release(resp);
	resp->status = STATUS_SUCCESS;
	snprintf(resp->meta, sizeof(resp->meta), "text/gemini");
	set_body(resp, &b);
}

/* Why resp refuses, in Gopher's words where Gemini's status says what Gopher has not. */
static const char *
refusal(const struct response *resp, char *why, size_t size)
{
	switch (resp->status) {
	case STATUS_SLOW_DOWN:
		snprintf(why, size, "Too many entries: try again in %s seconds", resp->meta);
		return why;
	case STATUS_CERTIFICATE_REQUIRED:
		snprintf(why, size, "%s: Gopher has no certificates, use a Gemini client "
		    "with one", resp->meta);
		return why;
	default:
		return resp->meta;
	}
}

/* Answers the request in resp; 1 when the answer is a menu (it ends with "."). */
static int
serve(struct request *req, struct url *url, struct response *resp)
{
	const struct host_config	*hc = host_settings(req->host);
	char				 why[META_MAX + 64], to[sizeof(url->path)];
	const char			*reason;
	int				 input = 0;

	route(req, resp);
	/*
	 * Gopher has no redirects: what a 31 sends to on this host (a directory
	 * with its slash, a review under its name now) is answered at the
	 * selector asked, once, as if it had been asked.
	 */
	if (resp->status == STATUS_REDIRECT && resp->meta[0] == '/' &&
	    path_normalise(resp->meta, strlen(resp->meta), to, sizeof(to), &reason) == 0) {
		memcpy(url->path, to, sizeof(url->path));
		response_release(resp);
		route(req, resp);
	}
	if (resp->pending != NULL)
		return 0;	/* answered again once the append is settled */
	if (resp->status == STATUS_INPUT) {
		input_menu(url->path, resp);
		input = 1;
	}
	/* Gopher cannot redirect: a 30 with a page (an entry saved) shows the page. */
	if (resp->status == STATUS_REDIRECT_TEMPORARY && resp->body != NULL)
		response_set(resp, STATUS_SUCCESS, "text/gemini");
	if (resp->status == STATUS_NOT_FOUND && strcmp(url->path, "/caps.txt") == 0) {
		caps(resp);
		return 0;
	}
	if (resp->status != STATUS_SUCCESS) {
		error_menu(hc, resp, resp->status, refusal(resp, why, sizeof(why)));
		return 1;
	}
	if (strncmp(resp->meta, "text/gemini", 11) != 0)
		return 0;
	return convert_gemtext(req, url->path, input || url->has_query ||
	    url->path[strlen(url->path) - 1] == '/' || route_is_menu(url->path), resp);
}

/*
 * The answer to a Gopher+ menu request (TAB $): each item of the menu as an
 * "+INFO:" attribute block, which is what the UMN client asks for first.
 */
static void
plus_attributes(struct response *resp)
{
	const char	*p = resp->body, *end = p + resp->body_len, *lf;
	struct buf	 b = { 0 };

	for (; p < end; p = lf + 1) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if (lf - p == 2 && p[0] == '.')
			break;
		buf_puts(&b, "+INFO: ");
		buf_append(&b, p, (size_t)(lf - p) + 1);
	}
	buf_puts(&b, ".\r\n");
	if (b.failed) {
		buf_free(&b);
		return;
	}
	set_body(resp, &b);
}

/* Copies the URL of a "URL:" selector into sel->search when it is printable UTF-8. */
static int
has_safe_url(const char *s, size_t n, struct selector *sel)
{
	size_t	i;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n == 0 || n >= sizeof(sel->search) || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	memcpy(sel->search, s, n);
	sel->search[n] = '\0';
	return 1;
}

/* Where the search string of a request for a URL that takes input starts; 0 for others. */
static size_t
gopher_input_at(const char *buf, size_t len)
{
	struct selector	 sel;
	const char	*tab, *reason;

	if ((tab = memchr(buf, '\t', len)) == NULL ||
	    request_parse_gopher(buf, (size_t)(tab - buf), &sel, &reason) == -1 ||
	    !route_is_input(sel.path))
		return 0;
	return (size_t)(tab - buf) + 1;
}

/*
 * Whether url's scheme is one a reader expects a link to lead to (RFC 3986
 * section 3.1: schemes compare without case). javascript:, data: and the
 * like would run or show what the URL carries, in the reader's browser.
 */
static int
is_link_scheme(const char *url)
{
	static const char *const schemes[] = {
		"gemini", "gopher", "http", "https", "ftp", "mailto",
	};
	const char	*colon = strchr(url, ':');
	size_t		 i, n;

	if (colon == NULL)
		return 0;
	n = (size_t)(colon - url);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == n && strncasecmp(url, schemes[i], n) == 0)
			return 1;
	return 0;
}

/* Answers a "URL:" selector: the redirect page, or a type 3 line saying why not. */
static void
url_selector(const struct request *req, const char *s, size_t n, struct response *resp)
{
	struct selector	sel;

	if (!has_safe_url(s, n, &sel))
		error_menu(host_settings(req->host), resp, STATUS_BAD_REQUEST,
		    "URL: selector with control bytes or invalid UTF-8");
	else if (!is_link_scheme(sel.search))
		error_menu(host_settings(req->host), resp, STATUS_BAD_REQUEST,
		    "URL: links lead only to gemini, gopher, http, https, ftp and mailto");
	else
		url_redirect(sel.search, resp);
}

static size_t
gopher_respond(const char *buf, size_t len, struct request *req,
    struct response *resp, char *head, size_t headsize)
{
	struct selector	 sel;
	struct url	 url;
	const char	*reason;
	int		 menu;

	if (len > 4 && strncmp(buf, "URL:", 4) == 0) {
		url_selector(req, buf + 4, len - 4, resp);
		return 0;
	}
	if (request_parse_gopher(buf, len, &sel, &reason) == -1) {
		error_menu(host_settings(req->host), resp, STATUS_BAD_REQUEST, reason);
		return 0;
	}
	memset(&url, 0, sizeof(url));
	url.port = -1;
	memcpy(url.path, sel.path, sizeof(url.path));
	memcpy(url.raw_path, sel.path, sizeof(url.raw_path));
	/*
	 * A search string belongs to a search item (RFC 1436 section 3.7); sent
	 * with any other selector, it is ignored and the selector answered as
	 * without it, rather than a file turning into a menu.
	 */
	if (sel.has_search && route_is_input(url.path)) {
		memcpy(url.query, sel.search, sizeof(url.query));
		url.has_query = 1;
		if (sel.search[0] != '\0') {
			req->input = sel.search;
			req->input_len = strlen(sel.search);
		}
	}
	req->url = &url;
	menu = serve(req, &url, resp);
	req->url = NULL;
	req->input = NULL;
	if (sel.plus == 0 || resp->status != STATUS_SUCCESS || resp->body == NULL)
		return 0;
	if (sel.plus == '$' && menu)
		plus_attributes(resp);
	/*
	 * Gopher+ section 2.3: "+-1" announces data that ends with a lone ".",
	 * a menu; "+-2" data that ends at the close, a text or a file.
	 */
	if (headsize < 6)
		return 0;
	memcpy(head, menu ? "+-1\r\n" : "+-2\r\n", 5);
	return 5;
}

const struct adapter gopher_adapter = {
	.name = "gopher",
	.tls = 0,
	.request_max = 2048,	/* selector, TAB and a search string of about 1 KB */
	.respond = gopher_respond,
	.input_at = gopher_input_at,
};
