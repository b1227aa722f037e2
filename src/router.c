/*
 * The URL map: the one table of every path a host answers, which of them
 * take the reader's text, and which handler answers each. The handlers
 * live with what they show (index.c, gbpages.c, capsule.c) and never learn
 * which protocol asked; the adapters (gemini.c, gopher.c) put the answer
 * on the wire.
 */

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "gbpages.h"
#include "host.h"
#include "index.h"
#include "review.h"
#include "router.h"

/* Placeholders one pattern holds at most (/reviews/SLUG/responses/ID/reply: two). */
#define ARGS_MAX	2
/*
 * What the placeholders of one path stand for, each NUL-terminated: at most
 * the path's own bytes and a NUL each, so a request's path always fits.
 */
#define ARGS_BYTES	(GEMINI_URL_MAX + ARGS_MAX)

/* What a row answers besides a page, for the adapters (route_is_input, route_is_menu). */
enum row_kind {
	ROW_PAGE,	/* a page: Gopher makes a menu of it when its path ends in '/' */
	ROW_INPUT,	/* asks for the reader's text: Gemini 10, Gopher 7 */
	ROW_MENU,	/* a page Gopher shows as a menu though its path has no '/' at the end */
};

struct route_row {
	/*
	 * A path, in which a run of capitals (SLUG, N) stands for one or more
	 * bytes other than '/'; NULL for any path.
	 */
	const char	*pattern;
	enum row_kind	 kind;
	/*
	 * Answers and returns 1, or returns 0 for the next row to try. args[i]
	 * is what the pattern's placeholder number i (from 0) matched.
	 */
	int		(*answer)(const struct request *req, const char *const *args,
			    struct response *resp);
};

static int	 generated_page(const struct request *, const char *const *, struct response *);
static int	 listed_page(const struct request *, const char *const *, struct response *);
static int	 review_file(const struct request *, const char *const *, struct response *);
static int	 review_menu(const struct request *, const char *const *, struct response *);
static int	 search_page(const struct request *, const char *const *, struct response *);
static int	 to_guestbook(const struct request *, const char *const *, struct response *);
static int	 capsule_file(const struct request *, const char *const *, struct response *);

/*
 * Tried in order; the first row whose handler answers wins. README's URL
 * map lists the same patterns in the same order (tests/url-map checks it).
 *
 * What each page depends on, and so whether it may be made once and shared
 * (pagecache.h); the host's settings (lang in the meta) are read on every
 * request, never kept in a page:
 * - the index's pages (/, /reviews/, /tags/..., /directors/..., /years/...,
 *   /ratings/..., /stats/, /atom.xml, /tags/TAG/atom.xml, /robots.txt):
 *   the snapshot alone. Made with it (gemlog_render), their Gopher form kept beside.
 * - /reviews/FILE and /reviews/SLUG/: the snapshot (the review, its
 *   neighbours), the review file's bytes (an edit makes a new snapshot),
 *   the guestbook (responses, the number of likes). The certificate decides
 *   only whether a draft or a review not yet due is answered at all (the
 *   owner's), which is asked before the page is looked for: kept per
 *   snapshot and guestbook generation (serve_cached in index.c).
 * - the guestbook's pages and feed: the guestbook and the snapshot (the
 *   titles of reviews, read while the page is made), nothing of the
 *   reader's: kept the same way (index_kept).
 * - a review's feed and an entry's page: the guestbook and the review the
 *   handler found in the snapshot before (31 for an old name, 51 for an
 *   entry not shown there); made on each request, as a page kept with the
 *   next snapshot could show the review as it was before a rename.
 * - the input rows (respond, reply, sign, search) and the like: the
 *   reader's text and certificate (the owner's mark, bans, rate limits, a
 *   like given before): never kept.
 * - files under the root: the file, read on each request; drafts/ is the
 *   owner's certificate's.
 * No page holds a part that differs between readers (a like is a count).
 */
static const struct route_row routes[] = {
	{ "/",				ROW_PAGE, generated_page },	/* index.gmi, then the latest reviews */
	{ "/reviews/",			ROW_PAGE, generated_page },	/* every review, newest first */
	{ "/reviews/FILE",		ROW_PAGE, review_file },	/* a review as written, its links and responses */
	{ "/reviews/SLUG/",		ROW_PAGE, review_menu },	/* a review's menu with its responses */
	{ "/reviews/SLUG/atom.xml",	ROW_PAGE, gbpages_review_feed },	/* Atom feed of its responses */
	{ "/reviews/SLUG/respond",	ROW_INPUT, gbpages_respond },	/* a response to that review */
	{ "/reviews/SLUG/responses/ID",	ROW_MENU, gbpages_response },	/* one response and its replies */
	{ "/reviews/SLUG/responses/ID/reply", ROW_INPUT, gbpages_reply },	/* a reply to it */
	{ "/reviews/SLUG/like",		ROW_MENU, gbpages_like },	/* a like, with a certificate */
	{ "/tags/",			ROW_PAGE, generated_page },	/* every tag with its number of reviews */
	{ "/tags/TAG/",			ROW_PAGE, listed_page },	/* the reviews with that tag */
	{ "/tags/TAG/atom.xml",		ROW_PAGE, generated_page },	/* Atom feed of that tag's reviews */
	{ "/directors/",		ROW_PAGE, generated_page },	/* every director */
	{ "/directors/SLUG/",		ROW_PAGE, listed_page },	/* the reviews by that director */
	{ "/years/",			ROW_PAGE, generated_page },	/* every year with its number of reviews */
	{ "/years/YEAR/",		ROW_PAGE, listed_page },	/* the reviews of that year */
	{ "/ratings/",			ROW_PAGE, generated_page },	/* every rating given, best first */
	{ "/ratings/N/",		ROW_PAGE, listed_page },	/* the reviews rated N to N.5 of 5 */
	{ "/stats/",			ROW_PAGE, generated_page },	/* counts per year, tag and director, as bars */
	{ "/search",			ROW_INPUT, search_page },	/* the reviews that hold the reader's words */
	{ "/guestbook",			ROW_PAGE, to_guestbook },	/* 31 to /guestbook/ */
	{ "/guestbook/",		ROW_PAGE, gbpages_first },	/* every response and note, newest first */
	{ "/guestbook/page/N/",		ROW_PAGE, gbpages_later },	/* older ones, GUESTBOOK_PAGE a page */
	{ "/guestbook/atom.xml",	ROW_PAGE, gbpages_feed },	/* Atom feed of the newest, GUESTBOOK_FEED */
	{ "/guestbook/sign",		ROW_INPUT, gbpages_sign },	/* a note for the whole capsule */
	{ "/guestbook/notes/ID",	ROW_MENU, gbpages_note },	/* one note and its replies */
	{ "/guestbook/notes/ID/reply",	ROW_INPUT, gbpages_reply_note },	/* a reply to it */
	{ "/atom.xml",			ROW_PAGE, generated_page },	/* Atom feed of the latest reviews */
	{ "/robots.txt",		ROW_PAGE, generated_page },	/* keeps crawlers off input URLs */
	{ NULL,				ROW_PAGE, capsule_file },	/* the file at that path under the root */
};
#define NROUTES		(sizeof(routes) / sizeof(routes[0]))

/*
 * Read from the table once, on first use (rows_once: the workers route at
 * the same time): the last byte of each row's pattern ('\0' when that is a
 * placeholder, or for any path), and the rows that answer more than a page.
 * A pattern that ends in a literal byte matches only paths that end in it,
 * which rules out most rows for a path without walking them.
 */
static struct {
	char	last[NROUTES];
	size_t	special[NROUTES];
	size_t	nspecial;
} rows;
static pthread_once_t	rows_once = PTHREAD_ONCE_INIT;

static const char *
lang_of(const struct request *req)
{
	return host_settings(req->host)->lang;
}

static int
generated_page(const struct request *req, const char *const *args, struct response *resp)
{
	(void)args;
	return index_page(req->host->index, req->url->path, lang_of(req), resp);
}

/*
 * A tag or director the index does not know is missing, not a file; one
 * written with capitals or accents (an old link to /directors/éric-rohmer/)
 * is sent on to its slug.
 */
static int
listed_page(const struct request *req, const char *const *args, struct response *resp)
{
	const char	*path = req->url->path, *arg = args[0];
	char		 slug[GEMINI_URL_MAX + 1];	/* a path segment, folded */
	struct buf	 to = { 0 };

	if (generated_page(req, args, resp))
		return 1;
	if (slugify(arg, strlen(arg), slug, sizeof(slug)) == -1 || strcmp(slug, arg) == 0) {
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		return 1;
	}
	/* The pattern is /KIND/ARG/: what comes before ARG stays. */
	buf_append(&to, path, strlen(path) - strlen(arg) - 1);
	buf_put_path(&to, slug);
	buf_puts(&to, "/");
	if (to.failed)
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
	else
		response_set(resp, STATUS_REDIRECT, "%s", to.data);
	buf_free(&to);
	return 1;
}

/* Whether the request comes with one of the owner's certificates. */
static int
from_owner(const struct request *req)
{
	return req->has_certificate && config_is_owner(host_settings(req->host), req->fingerprint);
}

static int
review_file(const struct request *req, const char *const *args, struct response *resp)
{
	return index_review_file(req->host->index, req->url->path, args[0], lang_of(req),
	    from_owner(req), resp);
}

static int
review_menu(const struct request *req, const char *const *args, struct response *resp)
{
	return index_review_menu(req->host->index, req->url->path, args[0], lang_of(req), resp);
}

static int
search_page(const struct request *req, const char *const *args, struct response *resp)
{
	(void)args;
	return index_search(req->host->index, req, lang_of(req), resp);
}

static int
to_guestbook(const struct request *req, const char *const *args, struct response *resp)
{
	(void)req;
	(void)args;
	response_set(resp, STATUS_REDIRECT, "/guestbook/");
	return 1;
}

/* Where the author keeps what is not ready: only the owner reads it. */
#define DRAFTS_DIR	"/drafts"
/* Where reviews are, in subfolders too. */
#define REVIEWS_PREFIX	"/reviews/"

/*
 * Whether path, under reviews/ but not in the index, names a review file:
 * one the index could not read (the log says why), has not read yet, or
 * never walks to (deeper than REVIEW_DEPTH_MAX, in a hidden folder, through
 * a symlink). Nothing says it is not a draft, so only the owner reads it.
 */
static int
unindexed_review(const char *path)
{
	struct review_name	 rn;
	const char		*why;

	return review_name_parse(strrchr(path, '/') + 1, &rn, &why) == 0;
}

static int
capsule_file(const struct request *req, const char *const *args, struct response *resp)
{
	const char	*path = req->url->path;
	size_t		 n = strlen(DRAFTS_DIR);

	(void)args;
	if (strncmp(path, DRAFTS_DIR, n) == 0 && (path[n] == '/' || path[n] == '\0') &&
	    !from_owner(req)) {
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		return 1;
	}
	/*
	 * A review in a subfolder of reviews/ has the URL of every review,
	 * /reviews/FILE: filing it elsewhere never moves it, and a draft there
	 * stays unread like any other.
	 */
	if (strncmp(path, REVIEWS_PREFIX, strlen(REVIEWS_PREFIX)) == 0) {
		if (strchr(path + strlen(REVIEWS_PREFIX), '/') != NULL &&
		    index_review_in_folder(req->host->index, path + strlen(REVIEWS_PREFIX),
		    from_owner(req), resp))
			return 1;
		/* Said as a missing file is, so that it tells nothing of the file. */
		if (unindexed_review(path) && !from_owner(req)) {
			response_set(resp, STATUS_NOT_FOUND, "Not found");
			return 1;
		}
	}
	capsule_serve(req->host->root_fd, path, lang_of(req), resp);
	return 1;
}

/* What the placeholders of a path matched: args[i] points into bytes. */
struct captures {
	const char	*args[ARGS_MAX];
	char		 bytes[ARGS_BYTES];
	size_t		 used;
};

/* Keeps one placeholder's match; 0 when the pattern holds more than ARGS_MAX. */
static int
capture(struct captures *c, size_t *n, const char *s, size_t len)
{
	if (*n == ARGS_MAX || len + 1 > sizeof(c->bytes) - c->used)
		return 0;
	c->args[(*n)++] = memcpy(c->bytes + c->used, s, len);
	c->bytes[c->used + len] = '\0';
	c->used += len + 1;
	return 1;
}

/*
 * Whether path matches pattern (struct route_row); what each placeholder
 * matched goes to c, in order. A placeholder is followed by the rest of
 * its segment in the pattern (".gmi", or nothing), which the path's segment
 * must end with.
 */
static int
path_matches(const char *pattern, const char *path, struct captures *c)
{
	size_t	seg, lit, n = 0;

	c->used = 0;
	while (*pattern != '\0') {
		if (!isupper((unsigned char)*pattern)) {
			if (*pattern++ != *path++)
				return 0;
			continue;
		}
		while (isupper((unsigned char)*pattern))
			pattern++;
		lit = strcspn(pattern, "/");
		seg = strcspn(path, "/");
		if (seg <= lit || strncmp(path + seg - lit, pattern, lit) != 0 ||
		    !capture(c, &n, path, seg - lit))
			return 0;
		path += seg;
		pattern += lit;
	}
	return *path == '\0';
}

static void
rows_find(void)
{
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < NROUTES; i++) {
		p = routes[i].pattern;
		n = p != NULL ? strlen(p) : 0;
		rows.last[i] = n > 0 && !isupper((unsigned char)p[n - 1]) ? p[n - 1] : '\0';
		if (routes[i].kind != ROW_PAGE)
			rows.special[rows.nspecial++] = i;
	}
}

/* Whether row i matches path, whose last byte is last; c as path_matches. */
static int
row_matches(size_t i, const char *path, char last, struct captures *c)
{
	if (rows.last[i] != '\0' && rows.last[i] != last)
		return 0;
	return routes[i].pattern == NULL || path_matches(routes[i].pattern, path, c);
}

/* The last byte of path; '\0' for "". */
static char
last_byte(const char *path)
{
	size_t	n = strlen(path);

	return n > 0 ? path[n - 1] : '\0';
}

/* The first row from *i on that matches path, or NULL; *i is left after it. */
static const struct route_row *
next_match(const char *path, size_t *i, struct captures *c)
{
	char	last = last_byte(path);

	pthread_once(&rows_once, rows_find);
	for (; *i < NROUTES; (*i)++)
		if (row_matches(*i, path, last, c))
			return &routes[(*i)++];
	return NULL;
}

void
route(const struct request *req, struct response *resp)
{
	const struct route_row	*r;
	struct captures		 c;
	size_t			 i = 0;

	while ((r = next_match(req->url->path, &i, &c)) != NULL)
		if (r->answer(req, c.args, resp))
			return;
}

/*
 * What the first row that matches path answers; ROW_PAGE for the files.
 * Gopher asks this of every link of every page it renders (seven times for
 * a review as text), and most links are plain pages: when none of the rows
 * of another kind matches path, the first row that does is a page, so the
 * whole table is walked in order only for a path that one of them matches.
 */
static enum row_kind
kind_of(const char *path)
{
	const struct route_row	*r;
	struct captures		 c;
	char			 last = last_byte(path);
	size_t			 i, k;

	pthread_once(&rows_once, rows_find);
	for (k = 0; k < rows.nspecial; k++)
		if (row_matches(rows.special[k], path, last, &c))
			break;
	if (k == rows.nspecial)
		return ROW_PAGE;
	i = 0;
	return (r = next_match(path, &i, &c)) != NULL ? r->kind : ROW_PAGE;
}

int
route_is_input(const char *path)
{
	return kind_of(path) == ROW_INPUT;
}

int
route_is_menu(const char *path)
{
	return kind_of(path) == ROW_MENU;
}

int
route_review_menu(const void *host, const char *selector, char *out, size_t size)
{
	static const char	 prefix[] = "/reviews/";
	const struct host	*h = host;
	const char		*name, *dot;
	char			 slug[REVIEW_NAME_MAX + 1];
	struct index_found	 found;
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
	if (index_review(h->index, slug, &found) == -1 || found.moved ||
	    strcmp(found.file, name) != 0)
		return 0;
	m = snprintf(out, size, "%s%s/", prefix, slug);
	return m > 0 && (size_t)m < size;
}
