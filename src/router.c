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

#include "capsule.h"
#include "config.h"
#include "gbpages.h"
#include "host.h"
#include "index.h"
#include "review.h"
#include "router.h"

/* The longest text a placeholder stands for: a path segment of a request. */
#define ARG_MAX		GEMINI_URL_MAX

struct route_row {
	/*
	 * A path, in which a run of capitals (SLUG, N) stands for one or more
	 * bytes other than '/'; NULL for any path.
	 */
	const char	*pattern;
	int		 input;		/* asks for the reader's text: Gemini 10, Gopher 7 */
	/* Answers and returns 1, or returns 0 for the next row to try. */
	int		(*answer)(const struct request *req, const char *arg,
			    struct response *resp);
};

static int	 generated_page(const struct request *, const char *, struct response *);
static int	 listed_page(const struct request *, const char *, struct response *);
static int	 review_file(const struct request *, const char *, struct response *);
static int	 review_menu(const struct request *, const char *, struct response *);
static int	 to_guestbook(const struct request *, const char *, struct response *);
static int	 capsule_file(const struct request *, const char *, struct response *);

/*
 * Tried in order; the first row whose handler answers wins. README's URL
 * map lists the same patterns in the same order (tests/url-map checks it).
 */
static const struct route_row routes[] = {
	{ "/",				0, generated_page },	/* index.gmi, then the latest reviews */
	{ "/reviews/",			0, generated_page },	/* every review, newest first */
	{ "/reviews/FILE",		0, review_file },	/* a review as written, its links and responses */
	{ "/reviews/SLUG/",		0, review_menu },	/* a review's menu with its responses */
	{ "/reviews/SLUG/respond",	1, gbpages_respond },	/* a response to that review */
	{ "/tags/",			0, generated_page },	/* every tag with its number of reviews */
	{ "/tags/TAG/",			0, listed_page },	/* the reviews with that tag */
	{ "/directors/",		0, generated_page },	/* every director */
	{ "/directors/SLUG/",		0, listed_page },	/* the reviews by that director */
	{ "/guestbook",			0, to_guestbook },	/* 31 to /guestbook/ */
	{ "/guestbook/",		0, gbpages_first },	/* every response and note, newest first */
	{ "/guestbook/page/N/",		0, gbpages_later },	/* older ones, GUESTBOOK_PAGE a page */
	{ "/guestbook/sign",		1, gbpages_sign },	/* a note for the whole capsule */
	{ "/atom.xml",			0, generated_page },	/* Atom feed of the latest reviews */
	{ "/robots.txt",		0, generated_page },	/* keeps crawlers off input URLs */
	{ NULL,				0, capsule_file },	/* the file at that path under the root */
};
#define NROUTES		(sizeof(routes) / sizeof(routes[0]))

/*
 * Read from the table once, on first use (rows_once: the workers route at
 * the same time): the last byte of each row's pattern ('\0' when that is a
 * placeholder, or for any path), and the rows that take the reader's text.
 * A pattern that ends in a literal byte matches only paths that end in it,
 * which rules out most rows for a path without walking them.
 */
static struct {
	char	last[NROUTES];
	size_t	input[NROUTES];
	size_t	ninputs;
} rows;
static pthread_once_t	rows_once = PTHREAD_ONCE_INIT;

static const char *
lang_of(const struct request *req)
{
	return host_settings(req->host)->lang;
}

static int
generated_page(const struct request *req, const char *arg, struct response *resp)
{
	(void)arg;
	return index_page(req->host->index, req->url->path, lang_of(req), resp);
}

/* A tag or director the index does not know is missing, not a file. */
static int
listed_page(const struct request *req, const char *arg, struct response *resp)
{
	if (!generated_page(req, arg, resp))
		response_set(resp, STATUS_NOT_FOUND, "No such page");
	return 1;
}

static int
review_file(const struct request *req, const char *name, struct response *resp)
{
	return index_review_file(req->host->index, name, lang_of(req), resp);
}

static int
review_menu(const struct request *req, const char *slug, struct response *resp)
{
	return index_review_menu(req->host->index, slug, lang_of(req), resp);
}

static int
to_guestbook(const struct request *req, const char *arg, struct response *resp)
{
	(void)req;
	(void)arg;
	response_set(resp, STATUS_REDIRECT, "/guestbook/");
	return 1;
}

static int
capsule_file(const struct request *req, const char *arg, struct response *resp)
{
	(void)arg;
	capsule_serve(req->host->root_fd, req->url->path, lang_of(req), resp);
	return 1;
}

/*
 * Whether path matches pattern (struct route_row); what the first
 * placeholder matched goes to arg. A placeholder is followed by the rest of
 * its segment in the pattern (".gmi", or nothing), which the path's segment
 * must end with.
 */
static int
path_matches(const char *pattern, const char *path, char arg[ARG_MAX + 1])
{
	size_t	seg, lit;
	int	captured = 0;

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
		if (seg <= lit || strncmp(path + seg - lit, pattern, lit) != 0)
			return 0;
		if (!captured) {
			/* Fits: a path is at most GEMINI_URL_MAX. */
			memcpy(arg, path, seg - lit);
			arg[seg - lit] = '\0';
			captured = 1;
		}
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
		if (routes[i].input)
			rows.input[rows.ninputs++] = i;
	}
}

/* Whether row i matches path, whose last byte is last; arg as path_matches. */
static int
row_matches(size_t i, const char *path, char last, char arg[ARG_MAX + 1])
{
	arg[0] = '\0';
	if (rows.last[i] != '\0' && rows.last[i] != last)
		return 0;
	return routes[i].pattern == NULL || path_matches(routes[i].pattern, path, arg);
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
next_match(const char *path, size_t *i, char arg[ARG_MAX + 1])
{
	char	last = last_byte(path);

	pthread_once(&rows_once, rows_find);
	for (; *i < NROUTES; (*i)++)
		if (row_matches(*i, path, last, arg))
			return &routes[(*i)++];
	return NULL;
}

void
route(const struct request *req, struct response *resp)
{
	const struct route_row	*r;
	char			 arg[ARG_MAX + 1];
	size_t			 i = 0;

	while ((r = next_match(req->url->path, &i, arg)) != NULL)
		if (r->answer(req, arg, resp))
			return;
}

/*
 * Gopher asks this of every link of every page it renders (seven times for
 * a review as text), and most links are not input URLs: when no input row
 * matches path, the first row that does is not one, so the whole table is
 * walked in order only for a path that an input row matches.
 */
int
route_is_input(const char *path)
{
	const struct route_row	*r;
	char			 arg[ARG_MAX + 1], last = last_byte(path);
	size_t			 i, k;

	pthread_once(&rows_once, rows_find);
	for (k = 0; k < rows.ninputs; k++)
		if (row_matches(rows.input[k], path, last, arg))
			break;
	if (k == rows.ninputs)
		return 0;
	i = 0;
	r = next_match(path, &i, arg);
	return r != NULL && r->input;
}

int
route_review_menu(const void *host, const char *selector, char *out, size_t size)
{
	static const char	 prefix[] = "/reviews/";
	const struct host	*h = host;
	const char		*name, *dot;
	char			 slug[REVIEW_NAME_MAX + 1], file[REVIEW_NAME_MAX + 1];
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
