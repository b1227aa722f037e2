#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "event.h"
#include "gemlog.h"
#include "guestbook.h"
#include "host.h"
#include "index.h"
#include "limit.h"
#include "log.h"
#include "router.h"

#define STR(x)		STR_(x)
#define STR_(x)		#x

_Static_assert(REVIEW_FIELD_MAX + 64 < META_MAX, "a respond prompt names its title in full");

/* Where a reader writes: a review's responses, or the guestbook. */
struct input {
	char	slug[SLUG_MAX + 1];		/* "" for the guestbook */
	char	title[REVIEW_FIELD_MAX + 1];	/* of the review */
	char	back[GEMINI_URL_MAX + 1];	/* the page it shows on, encoded */
};

/* Answers with the gemtext page in b, which resp then owns, or 40 when b failed. */
static void
serve_page(const struct request *req, struct response *resp, struct buf *b)
{
	if (b->failed) {
		buf_free(b);
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
		return;
	}
	response_set(resp, STATUS_SUCCESS, "text/gemini; charset=utf-8; lang=%s",
	    host_settings(req->host)->lang);
	response_take_body(resp, b);
}

/* The review slug of "/reviews/SLUG/respond", copied into out; -1 when path is not one. */
static int
respond_slug(const char *path, char *out, size_t size)
{
	static const char	 prefix[] = "/reviews/", suffix[] = "/respond";
	size_t			 n = strlen(path), m;

	if (n <= strlen(prefix) + strlen(suffix) ||
	    strncmp(path, prefix, strlen(prefix)) != 0 ||
	    strcmp(path + n - strlen(suffix), suffix) != 0)
		return -1;
	m = n - strlen(prefix) - strlen(suffix);
	if (m >= size || memchr(path + strlen(prefix), '/', m) != NULL)
		return -1;
	memcpy(out, path + strlen(prefix), m);
	out[m] = '\0';
	return 0;
}

int
route_is_input(const char *path)
{
	char	slug[SLUG_MAX + 1];

	return strcmp(path, "/guestbook/sign") == 0 ||
	    respond_slug(path, slug, sizeof(slug)) == 0;
}

int
route_review_menu(const void *host, const char *selector, char *out, size_t size)
{
	static const char	 prefix[] = "/reviews/";
	const struct host	*h = host;
	const char		*name, *dot;
	char			 slug[SLUG_MAX + 1], file[REVIEW_NAME_MAX + 1];
	char			 title[REVIEW_FIELD_MAX + 1];
	size_t			 n;
	int			 m;

	if (strncmp(selector, prefix, strlen(prefix)) != 0)
		return 0;
	name = selector + strlen(prefix);
	if (strchr(name, '/') != NULL || (dot = strrchr(name, '.')) == NULL ||
	    (n = (size_t)(dot - name)) == 0 || n >= sizeof(slug))
		return 0;
	memcpy(slug, name, n);
	slug[n] = '\0';
	/* Only an indexed review has a menu; x.txt beside x.gmi is not x's. */
	if (index_review(h->index, slug, file, sizeof(file), title, sizeof(title)) == -1 ||
	    strcmp(file, name) != 0)
		return 0;
	m = snprintf(out, size, "%s%s/", prefix, slug);
	return m > 0 && (size_t)m < size;
}

/* Fills in where the request's path lets a reader write; 0 when it is no such place. */
static int
input_of(const struct request *req, struct input *in)
{
	const char	*path = req->url->path;
	struct buf	back = { 0 };
	char		file[REVIEW_NAME_MAX + 1];
	int		n;

	if (strcmp(path, "/guestbook/sign") == 0) {
		memset(in, 0, sizeof(*in));
		snprintf(in->back, sizeof(in->back), "/guestbook/");
		return 1;
	}
	/* Every request passes here: the struct is filled only for a respond URL. */
	if (respond_slug(path, in->slug, sizeof(in->slug)) == -1 ||
	    index_review(req->host->index, in->slug, file, sizeof(file), in->title, sizeof(in->title)) == -1)
		return 0;
	buf_puts(&back, "/reviews/");
	buf_put_path(&back, file);
	n = back.failed ? -1 : snprintf(in->back, sizeof(in->back), "%s", back.data);
	buf_free(&back);
	return n > 0 && (size_t)n < sizeof(in->back);
}

/* What the reader sent, decoded: Gemini percent-encodes the query, Gopher sends it raw. */
static int
input_text(const struct request *req, char *out, size_t size, size_t *len,
    const char **reason)
{
	const char	*q = req->url->query;
	int		 n;

	if (req->protocol == PROTOCOL_GEMINI)
		return percent_decode(q, strlen(q), out, size, len, reason);
	if ((n = snprintf(out, size, "%s", q)) < 0 || (size_t)n >= size) {
		*reason = "the text is too long";
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * Takes a token from the client's buckets (its address, and its certificate
 * when it has one) and from everyone's, or from none; 0, or the seconds to
 * wait.
 */
static unsigned
rate_limit(const struct request *req)
{
	const struct config	*c = req->host->config;
	char			 addr[ADDRESS_KEY_MAX], cert[FINGERPRINT_HEX + 8];
	const char		*keys[2] = { addr, cert }, *all = "*";
	uint64_t		 now = event_now_ms();
	size_t			 n = req->has_certificate ? 2 : 1;
	unsigned		 wait;

	limit_address_key(req->peer, addr);
	snprintf(cert, sizeof(cert), "cert %s", req->fingerprint);
	if ((wait = limiter_take(req->host->per_client, keys, n, c->guestbook_limit,
	    (double)c->guestbook_limit / c->guestbook_window, now)) > 0)
		return wait;
	/* Refused by everyone's cap: the client's own allowance is not spent. */
	if ((wait = limiter_take(req->host->everyone, &all, 1, c->guestbook_global,
	    (double)c->guestbook_global / 60, now)) > 0)
		limiter_refund(req->host->per_client, keys, n, c->guestbook_limit);
	return wait;
}

static void
submit(const struct request *req, const struct input *in, struct response *resp)
{
	struct record	 r = { .kind = RECORD_ENTRY };
	char		 text[GEMINI_URL_MAX + 1];
	const char	*reason;
	size_t		 len;
	unsigned	 wait;

	if (input_text(req, text, sizeof(text), &len, &reason) == -1 ||
	    entry_text_clean(text, len, r.text, &r.text_len, &reason) == -1) {
		response_set(resp, STATUS_BAD_REQUEST, "Not saved: %s", reason);
		return;
	}
	if ((wait = rate_limit(req)) > 0) {
		response_set(resp, STATUS_SLOW_DOWN, "%u", wait);
		return;
	}
	memcpy(r.slug, in->slug, sizeof(r.slug));
	if (req->has_certificate) {
		entry_author(req->cn, r.author);
		memcpy(r.fingerprint, req->fingerprint, sizeof(r.fingerprint));
	} else
		snprintf(r.author, sizeof(r.author), "anonymous");
	if ((resp->pending = guestbook_submit(req->host->guestbook, &r, req->has_certificate ?
	    req->fingerprint : req->peer, &reason)) == NULL)
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: %s", reason);
}

/* The answer once the entry is on disk: back to the page, or a confirmation menu. */
static void
settled(const struct request *req, const struct input *in, struct response *resp)
{
	struct buf		 b = { 0 };
	const char		*reason;
	unsigned long long	 id;

	/* Why it failed is logged by the guestbook, once, not for every reader. */
	if ((id = pending_result(req->settled, &reason)) == 0) {
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: %s", reason);
		return;
	}
	if (req->protocol == PROTOCOL_GEMINI) {
		response_set(resp, STATUS_REDIRECT_TEMPORARY, "%s", in->back);
		return;
	}
	if (in->slug[0] == '\0')
		buf_printf(&b, "# Thank you\n\nYour note is in the guestbook as entry "
		    "%llu.\n\n=> /guestbook/ Back to the guestbook\n", id);
	else
		buf_printf(&b, "# Thank you\n\nYour response to %s is saved as entry "
		    "%llu.\n\n=> %s Back to the review\n", in->title, id, in->back);
	serve_page(req, resp, &b);
}

/*
 * The bytes of a Gemini request left for the reader's text: GEMINI_URL_MAX
 * less the URL asked for, which the client sends again before the '?'.
 */
static size_t
gemini_room(const struct url *url)
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
 * The prompt, with how much fits in characters as typed. Gopher sends the
 * text as it is, so only the entry's own limit counts; Gemini
 * percent-encodes it into the request, a space into 3 bytes and an
 * accented letter (2 bytes of UTF-8) into 6.
 */
static void
prompt(const struct request *req, const char *what, struct response *resp)
{
	size_t	room, chars = ENTRY_TEXT_MAX;

	if (req->protocol != PROTOCOL_GEMINI) {
		response_set(resp, STATUS_INPUT, "%s (up to %zu characters in "
		    STR(ENTRY_LINES_MAX) " lines, fewer with accents)", what, chars);
		return;
	}
	if ((room = gemini_room(req->url)) < chars)
		chars = room;
	response_set(resp, STATUS_INPUT, "%s (up to %zu characters in "
	    STR(ENTRY_LINES_MAX) " lines, fewer with spaces or accents: the link "
	    "holds %zu bytes, a space takes 3, an accented letter 6)", what, chars, room);
}

static void
answer_input(const struct request *req, const struct input *in, struct response *resp)
{
	char	what[META_MAX + 1];

	if (req->settled != NULL)
		settled(req, in, resp);
	else if (req->url->has_query && req->url->query[0] != '\0')
		submit(req, in, resp);
	else {
		if (in->slug[0] == '\0')
			snprintf(what, sizeof(what), "Sign the guestbook");
		else	/* Fits: a title is at most REVIEW_FIELD_MAX, far under META_MAX. */
			(void)!snprintf(what, sizeof(what), "Your response to %s", in->title);
		prompt(req, what, resp);
	}
}

/* The title callback of a guestbook page; ix is the host's index. */
static int
review_title(void *ix, const char *slug, char *out, size_t size)
{
	char	file[REVIEW_NAME_MAX + 1];

	return index_review(ix, slug, file, sizeof(file), out, size);
}

/*
 * The guestbook's page number of path: 1 for /guestbook/, N for
 * /guestbook/page/N/ (N > 1); 0 when path is neither.
 */
static unsigned
guestbook_page_number(const char *path)
{
	static const char	 prefix[] = "/guestbook/page/";
	unsigned long		 n;
	char			*end;

	if (strcmp(path, "/guestbook/") == 0)
		return 1;
	if (strncmp(path, prefix, strlen(prefix)) != 0 ||
	    path[strlen(prefix)] < '1' || path[strlen(prefix)] > '9')
		return 0;
	errno = 0;
	n = strtoul(path + strlen(prefix), &end, 10);
	if (errno != 0 || strcmp(end, "/") != 0 || n < 2 || n > UINT_MAX / GUESTBOOK_PAGE)
		return 0;
	return (unsigned)n;
}

static void
guestbook_page(const struct request *req, unsigned number, struct response *resp)
{
	struct guestbook_page	  page = { review_title, req->host->index, number, 0 };
	const struct gb_entry	**v;
	struct buf		  b = { 0 };
	size_t			  n, visible, skip = (size_t)(number - 1) * GUESTBOOK_PAGE;

	if (guestbook_entries(req->host->guestbook, NULL, skip, GUESTBOOK_PAGE, &v, &n, &visible) == -1)
		b.failed = 1;
	else if (n == 0 && number > 1) {
		free(v);
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		return;
	}
	page.older = visible > skip + n;
	gemlog_guestbook(v, n, &page, &b);
	free(v);
	serve_page(req, resp, &b);
}

void
route(const struct request *req, struct response *resp)
{
	const struct host	*h = req->host;
	const char		*path = req->url->path, *lang = host_settings(h)->lang;
	struct input		 in;
	unsigned		 page;

	if (input_of(req, &in)) {
		answer_input(req, &in, resp);
		return;
	}
	if (req->settled != NULL) {
		/* Saved, but its review left the index meanwhile: the guestbook shows it. */
		memset(&in, 0, sizeof(in));
		snprintf(in.back, sizeof(in.back), "/guestbook/");
		answer_input(req, &in, resp);
		return;
	}
	if ((page = guestbook_page_number(path)) > 0) {
		guestbook_page(req, page, resp);
		return;
	}
	if (strcmp(path, "/guestbook") == 0) {
		response_set(resp, STATUS_REDIRECT, "/guestbook/");
		return;
	}
	if (index_serve(h->index, path, lang, resp))
		return;
	capsule_serve(h->root_fd, path, lang, resp);
}
