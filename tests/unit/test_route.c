/*
 * In-process tests of every URL, for both protocols: the real adapters,
 * router, index and guestbook against a temporary capsule, with no sockets
 * and an injected clock, so each answer takes microseconds and time moves
 * only when a test steps it. Run alone: build/test_route.
 */

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsule.h"
#include "config.h"
#include "conn.h"
#include "event.h"
#include "gemini.h"
#include "gopher.h"
#include "guestbook.h"
#include "harness.h"
#include "host.h"
#include "router.h"
#include "search.h"
#include "tls.h"
#include "utf8.h"
#include "../settle.h"

#define GMI	"20 text/gemini; charset=utf-8; lang=en"
#define FIRST	"gemini://localhost/reviews/2026-03-01-first"
#define BACK	"30 gemini://localhost/reviews/2026-03-01-first.gmi"
/* The owner's certificate (the owner key) and two readers'. */
#define OWNER_FP	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define READER_FP	"b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"
#define OTHER_FP	"c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2"
#define ARROW		"\xe2\x86\xb3"
#define R	"gemini://localhost/reviews/"
#define TO	"31 gemini://localhost/reviews/"
#define SAVED	"30 gemini://localhost/reviews/"
/* A rate-limit window later: the client may write again. */
#define NEW_WINDOW()	(clock_us += 600ull * 1000000)

static char	 dir[] = "/tmp/marquee-route-XXXXXX";
static struct hostset	*hosts;	/* the one set, published */
static uint64_t	 clock_us = 1000000;
/* 2026-06-01T00:00:00Z; the index's watcher thread reads it too. */
static _Atomic long long	 calendar_s = 1780272000LL;
/* 60 words of 5 letters and a space: 360 bytes, longer than a summary. */
#define WORDS10		"alpha bravo delta gamma kappa omega sigma theta alpha bravo "
#define LONG_PARAGRAPH	WORDS10 WORDS10 WORDS10 WORDS10 WORDS10 WORDS10

static uint64_t
test_clock(void)
{
	return clock_us;
}

static long long
test_calendar(void)
{
	return calendar_s;
}

/* What one request got: the head (Gemini header, or "" for Gopher) and the body. */
struct answer {
	char	 head[META_MAX + 8];
	char	*body;
	size_t	 len;
};

/* Waits for resp's append to settle and hands back its pending, owned by the caller. */
static struct pending *
settle(struct response *resp)
{
	struct pending	*p = resp->pending;

	resp->pending = NULL;
	response_release(resp);
	settle_wait(p);
	return p;
}

/* Appends the file part of resp, then its memory part, to a->body. */
static void
collect_body(struct response *resp, struct answer *a)
{
	size_t	size = (size_t)resp->size + resp->body_len;
	ssize_t	n;

	a->body = malloc(size + 1);
	a->len = 0;
	if (a->body == NULL)
		abort();
	while (resp->fd != -1 && a->len < (size_t)resp->size &&
	    (n = read(resp->fd, a->body + a->len, (size_t)resp->size - a->len)) > 0)
		a->len += (size_t)n;
	if (resp->body_len > 0)
		memcpy(a->body + a->len, resp->body, resp->body_len);
	a->len += resp->body_len;
	a->body[a->len] = '\0';
}

/*
 * Sends request (with its line end) through adapter p for req, as a
 * connection does: with the body (len bytes) when the answer asks for one,
 * and again once an append or upload it waits for is settled.
 */
static void
respond(const struct adapter *p, const char *request, struct request *req,
    const char *body, size_t len, struct answer *a)
{
	struct response	 resp;
	size_t		 n;

	response_init(&resp);
	n = p->respond(request, strlen(request), req, &resp, a->head, sizeof(a->head));
	if (resp.body_wanted > 0) {
		CHECK_INT(resp.body_wanted, len);
		response_release(&resp);
		req->body = body;
		req->body_len = len;
		n = p->respond(request, strlen(request), req, &resp, a->head, sizeof(a->head));
	}
	if (resp.pending != NULL) {
		req->settled = settle(&resp);
		req->body = NULL;
		response_init(&resp);
		n = p->respond(request, strlen(request), req, &resp, a->head, sizeof(a->head));
		pending_put((struct pending *)req->settled);
	}
	a->head[n] = '\0';
	a->head[strcspn(a->head, "\r")] = '\0';
	collect_body(&resp, a);
	response_release(&resp);
}

/*
 * Sends request (with its line end) through adapter p, as client peer with
 * the certificate of fingerprint fp and common name cn (fp NULL for none).
 */
static void
ask(const struct adapter *p, const char *request, const char *fp, const char *cn,
    struct answer *a)
{
	struct request	 req = { .host = hostset_host(hosts, 0), .peer = "192.0.2.7" };

	if (fp != NULL) {
		req.has_certificate = 1;
		snprintf(req.fingerprint, sizeof(req.fingerprint), "%s", fp);
		snprintf(req.cn, sizeof(req.cn), "%s", cn);
	}
	respond(p, request, &req, NULL, 0, a);
}

/* A Gemini request for url with the certificate of fingerprint fp and common name cn. */
static void
gemini_as(const char *url, const char *fp, const char *cn, struct answer *a)
{
	char	line[GEMINI_URL_MAX + 3];

	snprintf(line, sizeof(line), "%s\r\n", url);
	ask(&gemini_adapter, line, fp, cn, a);
}

static void
gemini(const char *url, struct answer *a)
{
	gemini_as(url, NULL, NULL, a);
}

static void
gopher(const char *selector, struct answer *a)
{
	char	line[GOPHER_SELECTOR_MAX + 3];

	snprintf(line, sizeof(line), "%s\r\n", selector);
	ask(&gopher_adapter, line, NULL, NULL, a);
}

static void
done(struct answer *a)
{
	free(a->body);
	a->body = NULL;
}

#define HAS(a, text)	CHECK(strstr((a).body, (text)) != NULL)
#define LACKS(a, text)	CHECK(strstr((a).body, (text)) == NULL)

static void
put(const char *rel, const char *text)
{
	char	path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/capsule/%s", dir, rel);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(2);
	}
}

/* Makes the folder rel under the capsule (rel "" for the capsule itself). */
static void
folder(const char *rel)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/capsule/%s", dir, rel);
	if (mkdir(path, 0755) == -1) {
		perror(path);
		exit(2);
	}
}

static void
make_capsule(void)
{
	if (mkdtemp(dir) == NULL)
		exit(2);
	folder("");
	folder("reviews");
	put("index.gmi", "# Route test\n\nWelcome.\n");
	put("notes.txt", "plain notes\n");
	put("reviews/2026-03-01-first.gmi", "# First Film\nDirector: Jane Doe\nRating: 3.5\n"
	    "Tags: Drama, Noir\n\nThe first review.\n");
	put("reviews/2026-04-01-second.gmi", "# Second Film\nDirector: Jane Doe\n"
	    "Tags: drama\n\nThe second review.\n");
	put("reviews/2026-02-01-long.gmi", "# Long Film\n\n" LONG_PARAGRAPH "\n");
	put("reviews/2026-05-01-draft.gmi", "# Draft Film\nDraft: yes\nTags: drama\n\nNot yet.\n");
	put("reviews/2026-07-01-later.gmi", "# Later Film\nDate: 2026-07-01T18:00+02:00\n"
	    "Tags: drama\n\nScheduled.\n");
	folder("drafts");
	put("drafts/idea.gmi", "# An idea\n");
}

static void
start(void)
{
	struct config	*c = config_new();
	char		 root[512], state[512], certs[512];
	const char	*reason = NULL;

	snprintf(root, sizeof(root), "%s/capsule", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(certs, sizeof(certs), "%s/certs", dir);
	if (c == NULL || config_set(c, "hostname", "localhost", &reason) == -1 ||
	    config_set(c, "root", root, &reason) == -1 ||
	    config_set(c, "state", state, &reason) == -1 ||
	    config_set(c, "certs", certs, &reason) == -1 ||
	    config_set(c, "guestbook_limit", "2", &reason) == -1 ||
	    config_set(c, "owner", OWNER_FP, &reason) == -1 ||
	    config_set(c, "owner_name", "Ann", &reason) == -1 ||
	    config_set(c, "titan", "yes", &reason) == -1 ||
	    config_finish(c, &reason) == -1) {
		fprintf(stderr, "config: %s\n", reason);
		exit(2);
	}
	/* The set's TLS contexts need a certificate: one is generated in certs. */
	if (tls_init(&reason) == -1 || capsule_init(&reason) == -1 ||
	    (hosts = hostset_open(c, c, NULL, &reason)) == NULL ||
	    hostset_start(hosts, c, &reason) == -1) {
		fprintf(stderr, "start: %s\n", reason);
		exit(2);
	}
	hostset_publish(hosts);
}

/* Each row of the URL map (src/router.c, README "URL map") over Gemini. */
static void
gemini_rows(void)
{
	struct answer	a;

	gemini("gemini://localhost/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "Welcome."); HAS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/reviews/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film"); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first.gmi", &a);
	CHECK_STR(a.head, GMI); HAS(a, "The first review."); HAS(a, "/reviews/2026-03-01-first/respond"); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first/atom.xml", &a);
	CHECK_STR(a.head, "20 application/atom+xml"); HAS(a, "<title>Responses to First Film</title>");
	HAS(a, "<link rel=\"alternate\" href=\"gemini://localhost/reviews/2026-03-01-first.gmi\"/>"); LACKS(a, "<entry>"); done(&a);
	gemini("gemini://localhost/reviews/nosuch/atom.xml", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/tags/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "=> /tags/drama/ "); HAS(a, "rama (2)\n"); HAS(a, "=> /tags/noir/ Noir (1)\n"); done(&a);
	gemini("gemini://localhost/tags/noir/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); LACKS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/tags/nosuch/", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/directors/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "Jane Doe (2)"); done(&a);
	gemini("gemini://localhost/years/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "=> /years/2026/ 2026 (3)\n"); done(&a);
	gemini("gemini://localhost/years/2026/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); HAS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/years/1999/", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/ratings/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "=> /ratings/3/ 3/5 (1)\n"); done(&a);
	gemini("gemini://localhost/ratings/3/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); LACKS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/ratings/5/", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/stats/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "3 reviews."); HAS(a, "Jane Doe"); done(&a);
	gemini("gemini://localhost/directors/Jane-Doe/", &a);
	CHECK_STR(a.head, "31 gemini://localhost/directors/jane-doe/"); done(&a);
	gemini("gemini://localhost/directors/jane-doe/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); HAS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	CHECK_STR(a.head, "20 application/atom+xml"); HAS(a, "<title>First Film</title>");
	/* A long first paragraph is cut at a word, with an ellipsis. */
	HAS(a, "sigma theta alpha\xe2\x80\xa6</summary>"); done(&a);
	gemini("gemini://localhost/tags/noir/atom.xml", &a);
	CHECK_STR(a.head, "20 application/atom+xml"); HAS(a, "<category term=\"noir\" label=\"Noir\"/>");
	LACKS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/robots.txt", &a);
	CHECK(strncmp(a.head, "20 text/plain", 13) == 0); HAS(a, "Disallow: /guestbook/sign"); done(&a);
	gemini("gemini://localhost/guestbook/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "=> /guestbook/sign"); done(&a);
	gemini("gemini://localhost/guestbook", &a);
	CHECK_STR(a.head, "31 gemini://localhost/guestbook/"); done(&a);
	gemini("gemini://localhost/guestbook/page/2/", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/guestbook/atom.xml", &a);
	CHECK_STR(a.head, "20 application/atom+xml"); HAS(a, "<id>gemini://localhost/guestbook/atom.xml</id>"); LACKS(a, "<entry>"); done(&a);
	gemini("gemini://localhost/notes.txt", &a);
	CHECK(strncmp(a.head, "20 text/plain", 13) == 0); CHECK_STR(a.body, "plain notes\n"); done(&a);
	gemini("gemini://localhost/nosuch", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://elsewhere.example/", &a);
	CHECK(strncmp(a.head, "53 ", 3) == 0); done(&a);
	gemini("not a url", &a);
	CHECK(strncmp(a.head, "59 ", 3) == 0); done(&a);
}

/* /search over both protocols: a prompt, results, what is never found, queries it refuses. */
static void
search_rows(void)
{
	struct answer	a;
	char		url[GEMINI_URL_MAX + 1];
	size_t		n;

	gemini("gemini://localhost/search", &a);
	CHECK(strncmp(a.head, "10 Search the reviews", 21) == 0); CHECK(strstr(a.head, "in 1 line,") != NULL); done(&a);
	gemini("gemini://localhost/search?", &a);
	CHECK(strncmp(a.head, "10 Search the reviews", 21) == 0); done(&a);
	gemini("gemini://localhost/search?FIRST", &a);
	CHECK_STR(a.head, GMI); HAS(a, "1 review for «FIRST», best first:");
	HAS(a, "=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film\n> The first review.\n");
	HAS(a, "=> /search "); done(&a);
	/* A tag, all its published reviews: not the draft, not the one still scheduled. */
	gemini("gemini://localhost/search?dr%C3%A1ma", &a);
	HAS(a, "2 reviews for «dráma»"); HAS(a, "Second Film\n> The second review.\n=> /reviews/2026-03-01-first.gmi");
	LACKS(a, "Draft Film"); LACKS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/search?draft", &a);
	CHECK_STR(a.head, GMI); HAS(a, "No review holds every word of «draft»."); done(&a);
	gemini("gemini://localhost/search?scheduled", &a);
	HAS(a, "No review holds"); done(&a);
	/* One typo in a word of four letters or more. */
	gemini("gemini://localhost/search?sceond%20jnae", &a);
	HAS(a, "1 review for"); HAS(a, "Second Film"); done(&a);
	/* Nothing a reader types starts a line: no link, no heading. */
	gemini("gemini://localhost/search?x%0A%3D%3E%20evil%0D%0A%23%20head%09tab", &a);
	LACKS(a, "\n=> evil"); LACKS(a, "\n# head"); LACKS(a, "\t"); HAS(a, "«x => evil  # head tab»"); done(&a);
	gemini("gemini://localhost/search?%FF", &a);
	CHECK(strncmp(a.head, "10 Your search is not UTF-8 text", 32) == 0); done(&a);
	gemini("gemini://localhost/search?%zz", &a);
	CHECK(strncmp(a.head, "10 Your search could not be read", 32) == 0); done(&a);
	n = (size_t)snprintf(url, sizeof(url), "gemini://localhost/search?");
	memset(url + n, 'a', SEARCH_QUERY_MAX + 1);
	url[n + SEARCH_QUERY_MAX + 1] = '\0';
	gemini(url, &a);
	CHECK(strncmp(a.head, "10 Your search is longer than 200 bytes", 39) == 0); done(&a);
	url[n + SEARCH_QUERY_MAX] = '\0';	/* at the limit: a search */
	gemini(url, &a);
	CHECK_STR(a.head, GMI); done(&a);
	gemini("gemini://localhost/", &a);
	HAS(a, "=> /search Search the reviews\n"); done(&a);
	gemini("gemini://localhost/robots.txt", &a);
	HAS(a, "Disallow: /search\n"); done(&a);
	/* Gopher: a type 7 item on the home menu, and the same answers as menus. */
	gopher("/", &a);
	HAS(a, "7Search the reviews\t/search\tlocalhost\t"); done(&a);
	gopher("/search", &a);
	HAS(a, "iSearch the reviews"); HAS(a, "7Write it here\t/search\t"); done(&a);
	gopher("/search\tfirst", &a);
	HAS(a, "i1 review for «first», best first:"); HAS(a, "12026-03-01 - First Film\t/reviews/2026-03-01-first/\t");
	HAS(a, "i> The first review.\t"); HAS(a, "7Search again\t/search\t"); done(&a);
	gopher("/search\tdraft", &a);
	HAS(a, "iNo review holds"); LACKS(a, "Draft Film"); done(&a);
	gopher("/search\t", &a);
	HAS(a, "7Write it here\t/search\t"); done(&a);
}

/* The input URLs over Gemini: a prompt, a saved entry, a refusal, the rate limit and its clock. */
static void
gemini_input(void)
{
	struct answer	a;

	gemini("gemini://localhost/guestbook/sign", &a);
	CHECK(strncmp(a.head, "10 Sign the guestbook", 21) == 0); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first/respond", &a);
	CHECK(strncmp(a.head, "10 Your response to First Film", 30) == 0); done(&a);
	gemini("gemini://localhost/reviews/nosuch/respond", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first/respond?Loved%20it", &a);
	CHECK_STR(a.head, "30 gemini://localhost/reviews/2026-03-01-first.gmi"); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first.gmi", &a);
	HAS(a, "> Loved it"); done(&a);
	gemini("gemini://localhost/guestbook/sign?%FF", &a);
	CHECK(strncmp(a.head, "59 ", 3) == 0); done(&a);
	/* guestbook_limit = 2 in the window: the third from this client waits. */
	gemini("gemini://localhost/guestbook/sign?second", &a);
	CHECK_STR(a.head, "30 gemini://localhost/guestbook/"); done(&a);
	gemini("gemini://localhost/guestbook/sign?third", &a);
	CHECK(strncmp(a.head, "44 ", 3) == 0); done(&a);
	clock_us += 600ull * 1000000;
	gemini("gemini://localhost/guestbook/sign?after%20the%20window", &a);
	CHECK_STR(a.head, "30 gemini://localhost/guestbook/"); done(&a);
	gemini("gemini://localhost/guestbook/", &a);
	HAS(a, "> after the window"); HAS(a, "> second"); LACKS(a, "> third"); done(&a);
	/* The feeds list what was saved, newest first; a review's only its own. */
	gemini("gemini://localhost/guestbook/atom.xml", &a);
	HAS(a, "<content type=\"text\">after the window</content>"); HAS(a, ">Loved it</content>");
	CHECK(strstr(a.body, ">after the window<") < strstr(a.body, ">Loved it<")); LACKS(a, "third"); done(&a);
	gemini("gemini://localhost/reviews/2026-03-01-first/atom.xml", &a);
	HAS(a, "<content type=\"text\">Loved it</content>"); LACKS(a, "second"); done(&a);
}

/* The same rows over Gopher: menus for lists, text for reviews, type 3 for errors. */
static void
gopher_rows(void)
{
	struct answer	a;

	gopher("/", &a);
	HAS(a, "iWelcome."); HAS(a, "Second Film"); done(&a);
	gopher("", &a);
	HAS(a, "iWelcome."); done(&a);
	gopher("/reviews/", &a);
	HAS(a, "12026-03-01 - First Film\t/reviews/2026-03-01-first/\t"); done(&a);
	gopher("/reviews/2026-03-01-first.gmi", &a);
	HAS(a, "The first review."); CHECK(strncmp(a.body, "First Film", 10) == 0); done(&a);
	gopher("/reviews/2026-03-01-first/", &a);
	HAS(a, "\t/reviews/2026-03-01-first.gmi\t"); HAS(a, "7"); HAS(a, "\t/reviews/2026-03-01-first/respond\t"); done(&a);
	gopher("/tags/", &a);
	HAS(a, "rama (2)\t/tags/drama/\t"); done(&a);
	gopher("/tags/noir/", &a);
	HAS(a, "First Film"); LACKS(a, "Second Film"); done(&a);
	gopher("/directors/", &a);
	HAS(a, "Jane Doe (2)\t/directors/jane-doe/\t"); done(&a);
	gopher("/years/", &a);
	HAS(a, "12026 (3)\t/years/2026/\t"); done(&a);
	gopher("/ratings/3/", &a);
	HAS(a, "First Film"); done(&a);
	gopher("/stats/", &a);
	HAS(a, "i2026 "); HAS(a, "\xe2\x96\x88"); done(&a);
	gopher("/directors/jane-doe/", &a);
	HAS(a, "First Film"); HAS(a, "Second Film"); done(&a);
	gopher("/guestbook/", &a);
	HAS(a, "\t/guestbook/sign\t"); done(&a);
	gopher("/guestbook", &a);
	HAS(a, "\t/guestbook/sign\t"); done(&a);
	gopher("/guestbook/page/2/", &a);
	CHECK(a.body[0] == '3'); done(&a);
	gopher("/atom.xml", &a);
	HAS(a, "<feed"); done(&a);
	gopher("/robots.txt", &a);
	HAS(a, "Disallow: /guestbook/sign"); done(&a);
	gopher("/reviews/2026-03-01-first/respond", &a);
	HAS(a, "Your response to First Film (up to 800 characters"); HAS(a, "7"); done(&a);
	clock_us += 600ull * 1000000;	/* a new rate-limit window */
	gopher("/reviews/2026-03-01-first/respond\tfrom a gopher reader", &a);
	HAS(a, "Your response to First Film is saved as entry"); done(&a);
	gopher("/reviews/2026-03-01-first/", &a);
	HAS(a, "from a gopher reader"); HAS(a, "0Follow the responses (Atom feed)\t/reviews/2026-03-01-first/atom.xml\t"); done(&a);
	gopher("/reviews/2026-03-01-first/atom.xml", &a);
	CHECK(strncmp(a.body, "<?xml ", 6) == 0); HAS(a, ">from a gopher reader</content>"); done(&a);
	gopher("/reviews/nosuch/atom.xml", &a);
	CHECK(a.body[0] == '3'); done(&a);
	gopher("/guestbook/", &a);
	HAS(a, "0Follow the guestbook (Atom feed)\t/guestbook/atom.xml\t"); done(&a);
	gopher("/guestbook/atom.xml", &a);
	CHECK(strncmp(a.body, "<?xml ", 6) == 0); HAS(a, ">from a gopher reader</content>"); done(&a);
	gopher("/notes.txt", &a);
	CHECK_STR(a.body, "plain notes\n"); done(&a);
	gopher("/nosuch", &a);
	CHECK(a.body[0] == '3'); done(&a);
	gopher("/caps.txt", &a);
	HAS(a, "CAPS"); done(&a);
	gopher("/guestbook/sign\tfrom gopher", &a);
	HAS(a, "Your note is in the guestbook as entry"); done(&a);
	gopher("/guestbook/sign\t", &a);
	HAS(a, "\t/guestbook/sign\t"); done(&a);
}

#define STATUS(a, code)	CHECK(strncmp((a).head, code " ", 3) == 0)

/* The page of one entry, a response or a note, and 51 wherever it is not shown. */
static void
gemini_permalinks(void)
{
	struct answer	a;

	gemini(FIRST "/responses/1", &a);
	CHECK_STR(a.head, GMI); HAS(a, "# A response to First Film\n"); HAS(a, "> Loved it\n");
	HAS(a, "=> /reviews/2026-03-01-first/responses/1/reply Reply to this response\n");
	HAS(a, "=> /reviews/2026-03-01-first.gmi The review: First Film\n"); done(&a);
	gemini("gemini://localhost/reviews/2026-04-01-second/responses/1", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/999", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/01", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/2", &a);	/* a note, not a response */
	STATUS(a, "51"); done(&a);
	gemini("gemini://localhost/reviews/nosuch/responses/1", &a);
	STATUS(a, "51"); done(&a);
	gemini("gemini://localhost/guestbook/notes/2", &a);
	CHECK_STR(a.head, GMI); HAS(a, "# A note in the guestbook\n"); HAS(a, "> second\n");
	HAS(a, "=> /guestbook/notes/2/reply Reply to this note\n"); done(&a);
	gemini("gemini://localhost/guestbook/notes/1", &a);
	STATUS(a, "51"); done(&a);
	gemini("gemini://localhost/guestbook/notes/0", &a);
	STATUS(a, "51"); done(&a);
}

/* Replies: the prompt names whom they answer, threads show them, refusals keep their reasons. */
static void
gemini_replies(void)
{
	char		url[1100];
	struct answer	a;

	NEW_WINDOW();
	gemini(FIRST "/responses/1/reply", &a);
	CHECK(strncmp(a.head, "10 Your reply to anonymous (up to ", 34) == 0); done(&a);
	gemini("gemini://localhost/reviews/2026-04-01-second/responses/1/reply?x", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/2/reply?x", &a);
	STATUS(a, "51"); done(&a);
	gemini("gemini://localhost/guestbook/notes/1/reply?x", &a);
	STATUS(a, "51"); done(&a);
	gemini("gemini://localhost/reviews/nosuch/responses/1/reply?x", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/1/reply?%FF", &a);
	CHECK_STR(a.head, "59 Not saved: the text is not valid UTF-8"); done(&a);
	gemini(FIRST "/responses/1/reply?%20%0A", &a);
	CHECK_STR(a.head, "59 Not saved: the text is empty"); done(&a);
	snprintf(url, sizeof(url), FIRST "/responses/1/reply?%0801d", 0);
	gemini(url, &a);
	CHECK_STR(a.head, "59 Not saved: longer than 800 bytes"); done(&a);
	gemini_as(FIRST "/responses/1/reply?Agreed%2C%20twice", READER_FP, "Ann", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini_as(FIRST "/responses/6/reply?Deeper", OTHER_FP, "Bob", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST "/responses/1/reply?third", &a);
	STATUS(a, "44"); done(&a);
	gemini(FIRST ".gmi", &a);
	HAS(a, "> Loved it\n=> /reviews/2026-03-01-first/responses/1 Permalink of entry 1\n"
	    "=> /reviews/2026-03-01-first/responses/1/reply Reply to entry 1\n"
	    "\n### " ARROW " Ann [b1b1b1b1], ");
	HAS(a, "> Agreed, twice\n"); HAS(a, "\n### " ARROW ARROW " Bob [c2c2c2c2], ");
	LACKS(a, "> third"); done(&a);
	gemini(FIRST "/responses/6", &a);
	HAS(a, "### Ann [b1b1b1b1], "); HAS(a, ", in reply to anonymous\n");
	HAS(a, "=> /reviews/2026-03-01-first/responses/1 The entry it answers, entry 1\n");
	HAS(a, "## 1 reply\n"); HAS(a, "### " ARROW " Bob [c2c2c2c2], "); done(&a);
	NEW_WINDOW();
	gemini("gemini://localhost/guestbook/notes/2/reply?Hello%20back", &a);
	CHECK_STR(a.head, "30 gemini://localhost/guestbook/"); done(&a);
	gemini("gemini://localhost/guestbook/", &a);
	HAS(a, "> second\n=> /guestbook/notes/2 Permalink of entry 2\n"
	    "=> /guestbook/notes/2/reply Reply to entry 2\n\n### " ARROW " anonymous, ");
	HAS(a, "> Hello back\n"); done(&a);
}

/* The owner writes past the rate limit, under owner_name, with the mark no reader gets. */
static void
gemini_owner(void)
{
	struct answer	 a;
	const char	*line;

	gemini(FIRST "/respond?spent", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST "/respond?now%20limited", &a);
	STATUS(a, "44"); done(&a);
	gemini_as(FIRST "/respond?Thanks%20all", OWNER_FP, "Mallory", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini_as(FIRST "/responses/1/reply?Glad%20you%20liked%20it", OWNER_FP, "Mallory", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini_as("gemini://localhost/guestbook/sign?Welcome", OWNER_FP, "Mallory", &a);
	CHECK_STR(a.head, "30 gemini://localhost/guestbook/"); done(&a);
	/* The same words to two readers are two replies, not one sent twice. */
	gemini_as(FIRST "/responses/1/reply?Thanks!", OWNER_FP, "Mallory", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini_as(FIRST "/responses/4/reply?Thanks!", OWNER_FP, "Mallory", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST ".gmi", &a);
	line = strstr(a.body, "> Thanks!\n");
	CHECK(line != NULL && strstr(line + 1, "> Thanks!\n") != NULL); done(&a);
	NEW_WINDOW();
	gemini_as(FIRST "/respond?I%20am%20the%20author", OTHER_FP,
	    "\xe2\x9c\x8d Ann (author) \xf0\x9f\x96\x8a\xe2\x9c\x8e", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST ".gmi", &a);
	HAS(a, "\n### " OWNER_MARK " Ann (author), "); HAS(a, "> Thanks all\n");
	HAS(a, "\n### " ARROW " " OWNER_MARK " Ann (author), ");
	HAS(a, "\n### Ann (author) [c2c2c2c2], "); LACKS(a, "Mallory"); LACKS(a, "[aaaaaaaa]");
	/* The mark is in the owner's bylines only, and those carry no tag. */
	for (line = strstr(a.body, OWNER_MARK); line != NULL; line = strstr(line + 1, OWNER_MARK))
		CHECK(strncmp(line + strlen(OWNER_MARK), " Ann (author), ", 15) == 0);
	done(&a);
	gemini(FIRST "/responses/1/reply", &a);
	CHECK(strncmp(a.head, "10 Your reply to anonymous", 26) == 0); done(&a);
}

/* Likes: a certificate each, counted once, 60 without one, 51 for no review, 44 past the limit. */
static void
gemini_likes(void)
{
	struct answer	a;

	NEW_WINDOW();
	gemini(FIRST "/like", &a);
	CHECK_STR(a.head, "60 A client certificate is needed to like a review"); done(&a);
	gemini_as("gemini://localhost/reviews/nosuch/like", READER_FP, "Ann", &a);
	STATUS(a, "51"); done(&a);
	gemini_as(FIRST "/like", READER_FP, "Ann", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST ".gmi", &a);
	HAS(a, "\n1 like\n=> /reviews/2026-03-01-first/like Like this review\n"); done(&a);
	gemini_as(FIRST "/like", READER_FP, "Ann", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST "/", &a);
	HAS(a, "\n1 like\n"); done(&a);
	gemini_as(FIRST "/like", OTHER_FP, "Bob", &a);
	CHECK_STR(a.head, BACK); done(&a);
	gemini(FIRST ".gmi", &a);
	HAS(a, "\n2 likes\n"); done(&a);
	gemini_as(FIRST "/like", OWNER_FP, "Ann", &a);
	STATUS(a, "44"); done(&a);
	gemini("gemini://localhost/reviews/2026-04-01-second.gmi", &a);
	HAS(a, "\n0 likes\n"); done(&a);
}

/* The same conversation as Gopher menus: permalinks and likes are menus, replies searches. */
static void
gopher_conversation(void)
{
	struct answer	a;

	gopher("/reviews/2026-03-01-first/", &a);
	HAS(a, "1Permalink of entry 1\t/reviews/2026-03-01-first/responses/1\t");
	HAS(a, "7Reply to entry 1\t/reviews/2026-03-01-first/responses/1/reply\t");
	HAS(a, "1Like this review\t/reviews/2026-03-01-first/like\t"); HAS(a, "i2 likes\t");
	HAS(a, "i" ARROW " Ann [b1b1b1b1], "); done(&a);
	gopher("/reviews/2026-03-01-first/responses/1", &a);
	HAS(a, "iA response to First Film\t"); HAS(a, "i> Loved it\t");
	HAS(a, "7Reply to this response\t/reviews/2026-03-01-first/responses/1/reply\t");
	CHECK(a.len > 3 && strcmp(a.body + a.len - 3, ".\r\n") == 0); done(&a);
	gopher("/reviews/2026-03-01-first/responses/999", &a);
	CHECK(a.body[0] == '3'); done(&a);
	gopher("/reviews/2026-03-01-first/like", &a);
	HAS(a, "3A client certificate is needed to like a review: Gopher has no "
	    "certificates, use a Gemini client with one\t"); done(&a);
	gopher("/reviews/2026-03-01-first/responses/1/reply", &a);
	HAS(a, "Your reply to anonymous (up to 800 characters");
	HAS(a, "7Write it here\t/reviews/2026-03-01-first/responses/1/reply\t"); done(&a);
	gopher("/reviews/2026-03-01-first/responses/999/reply\tlost", &a);
	CHECK(a.body[0] == '3'); done(&a);
	NEW_WINDOW();
	gopher("/reviews/2026-03-01-first/responses/1/reply\tfrom gopher, in reply", &a);
	HAS(a, "Your reply is saved as entry"); done(&a);
	gopher("/guestbook/notes/2", &a);
	HAS(a, "7Reply to this note\t/guestbook/notes/2/reply\t"); HAS(a, "i> Hello back\t"); done(&a);
	gopher("/guestbook/notes/2/reply\tgopher answers the note", &a);
	HAS(a, "Your reply is saved as entry"); done(&a);
	gopher("/guestbook/", &a);
	HAS(a, "1Permalink of entry 2\t/guestbook/notes/2\t"); HAS(a, "i> gopher answers the note\t"); done(&a);
	gopher("/guestbook/notes/1", &a);
	CHECK(a.body[0] == '3'); done(&a);
}

/*
 * Appends a and b, as the owner's commands do beside the running server
 * (guestbook_load, guestbook_append, which gives an entry its id).
 */
static void
owner_appends(struct record *a, struct record *b)
{
	struct guestbook	*gb;
	char			 path[600];
	const char		*reason = NULL;

	snprintf(path, sizeof(path), "%s/state/guestbook.log", dir);
	if ((gb = guestbook_load(path, "localhost", 1, &reason)) == NULL) {
		CHECK(reason == NULL);
		return;
	}
	CHECK_INT(guestbook_append(gb, a, &reason), 0);
	CHECK_INT(guestbook_append(gb, b, &reason), 0);
	guestbook_close(gb);
}

/*
 * A hidden response takes its replies with it, and a held note waits: their
 * pages are 51 and they cannot be answered. The owner's commands append
 * those records beside the running server, which reads them before its next
 * write: that write is the barrier, no waiting on a clock.
 */
static void
hidden_entries(void)
{
	struct record		 hide = { .kind = RECORD_HIDE, .id = 1 };
	struct record		 held = { .kind = RECORD_ENTRY, .author = "held",
				    .text = "held note", .text_len = 9, .flags = RECORD_HELD };
	struct answer		 a;
	char			 url[200];

	owner_appends(&hide, &held);
	NEW_WINDOW();
	gemini("gemini://localhost/guestbook/sign?barrier", &a);
	CHECK_STR(a.head, "30 gemini://localhost/guestbook/"); done(&a);
	gemini(FIRST "/responses/1", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/6", &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST "/responses/6/reply?x", &a);
	STATUS(a, "51"); done(&a);
	snprintf(url, sizeof(url), "gemini://localhost/guestbook/notes/%llu", held.id);
	gemini(url, &a);
	STATUS(a, "51"); done(&a);
	snprintf(url, sizeof(url), "gemini://localhost/guestbook/notes/%llu/reply?x", held.id);
	gemini(url, &a);
	STATUS(a, "51"); done(&a);
	gemini(FIRST ".gmi", &a);
	LACKS(a, "> Loved it"); LACKS(a, "> Agreed, twice"); LACKS(a, "> Deeper"); done(&a);
}

/*
 * Whether url answers with a head that starts with head and a body that
 * holds text (NULL: any), asked until deadline_ms of real time have passed.
 */
static int
answers_within(const char *url, const char *head, const char *text, int deadline_ms)
{
	struct answer	a;
	int		found = 0, waited;

	for (waited = 0; !found && waited <= deadline_ms; waited += 10) {
		gemini(url, &a);
		found = strncmp(a.head, head, strlen(head)) == 0 &&
		    (text == NULL || strstr(a.body, text) != NULL);
		done(&a);
		if (!found) {
			usleep(10000);
			/* The watcher waits for a change to settle on the injected clock. */
			clock_us += 100000;
		}
	}
	return found;
}

/* Whether the home page lists text, asked until deadline_ms of real time have passed. */
static int
home_lists_within(const char *text, int deadline_ms)
{
	return answers_within("gemini://localhost/", "", text, deadline_ms);
}

/* The one id in "... saved as entry N" of a Gopher thank-you page; 0 for none. */
static unsigned long long
saved_id(const struct answer *a)
{
	const char		*at = strstr(a->body, "as entry ");
	unsigned long long	 id = 0;

	if (at != NULL && sscanf(at, "as entry %llu", &id) != 1)
		id = 0;
	return id;
}

/* How many of the review Long Film's page and menu, over Gemini and Gopher, hold text (0 to 4). */
static int
long_film_shows(const char *text)
{
	struct answer	a;
	int		n = 0;

	gemini(R "2026-02-01-long.gmi", &a);
	n += strstr(a.body, text) != NULL; done(&a);
	gemini(R "2026-02-01-long/", &a);
	n += strstr(a.body, text) != NULL; done(&a);
	gopher("/reviews/2026-02-01-long.gmi", &a);
	n += strstr(a.body, text) != NULL; done(&a);
	gopher("/reviews/2026-02-01-long/", &a);
	n += strstr(a.body, text) != NULL; done(&a);
	return n;
}

/* How many of the guestbook's first page and feed, over Gemini and Gopher, hold text (0 to 4). */
static int
guestbook_shows(const char *text)
{
	static const char *const urls[] = { "/guestbook/", "/guestbook/atom.xml" };
	char			 url[64];
	struct answer		 a;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < 2; i++) {
		snprintf(url, sizeof(url), "gemini://localhost%s", urls[i]);
		gemini(url, &a);
		n += strstr(a.body, text) != NULL; done(&a);
		gopher(urls[i], &a);
		n += strstr(a.body, text) != NULL; done(&a);
	}
	return n;
}

/*
 * A review's page and menu are made once and kept (pagecache.c): each
 * rendition, Gemini's and Gopher's, is asked for first so that it is kept,
 * then must change with what it shows: a response appended (the next read
 * shows it), hidden by the owner's command, a like counted, the file edited.
 * So must the guestbook's first page and feed, kept too.
 */
static void
cached_pages(void)
{
	struct record		 hide = { .kind = RECORD_HIDE }, hide_note = { .kind = RECORD_HIDE };
	struct answer		 a;
	int			 waited;

	CHECK_INT(long_film_shows("kept once"), 0);
	CHECK_INT(long_film_shows("0 likes"), 4);
	CHECK_INT(guestbook_shows("a kept note"), 0);
	NEW_WINDOW();
	gopher("/reviews/2026-02-01-long/respond\tkept once, shown at once", &a);
	hide.id = saved_id(&a); done(&a);
	CHECK(hide.id != 0);
	CHECK_INT(long_film_shows("kept once, shown at once"), 4);
	gopher("/guestbook/sign\ta kept note", &a);
	hide_note.id = saved_id(&a); done(&a);
	CHECK(hide_note.id != 0);
	CHECK_INT(guestbook_shows("a kept note"), 4);
	NEW_WINDOW();
	gemini_as(R "2026-02-01-long/like", OTHER_FP, "Bo", &a);
	CHECK_STR(a.head, SAVED "2026-02-01-long.gmi"); done(&a);
	CHECK_INT(long_film_shows("1 like"), 4);
	/* Kept again since the like, so that only the hide can change them. */
	CHECK_INT(guestbook_shows("a kept note"), 4);
	owner_appends(&hide, &hide_note);
	/*
	 * The server follows the log for the owner's records (inotify): no
	 * write of its own, so only the hide itself can change the pages.
	 */
	for (waited = 0; waited < 5000 && long_film_shows("kept once, shown at once") > 0;
	    waited += 10)
		usleep(10000);
	CHECK_INT(long_film_shows("kept once, shown at once"), 0);
	for (; waited < 5000 && guestbook_shows("a kept note") > 0; waited += 10)
		usleep(10000);
	CHECK_INT(guestbook_shows("a kept note"), 0);
	/* The file edited: the page changes with the index's next snapshot. */
	put("reviews/2026-02-01-long.gmi", "# Long Film\n\n" LONG_PARAGRAPH "\nAn edited line.\n");
	CHECK(answers_within(R "2026-02-01-long.gmi", "20", "An edited line.", 5000));
	gopher("/reviews/2026-02-01-long.gmi", &a);
	HAS(a, "An edited line."); done(&a);
}

/*
 * Drafts and scheduled reviews: never listed, fed or answered to readers
 * (not even as the raw file under the root), readable by the owner; a
 * scheduled one appears once the (injected) calendar reaches its time.
 */
static void
drafts_and_schedule(void)
{
	struct answer	a;

	gemini("gemini://localhost/", &a);
	LACKS(a, "Draft Film"); LACKS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/tags/drama/", &a);
	LACKS(a, "Draft Film"); LACKS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	LACKS(a, "Draft Film"); LACKS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/reviews/2026-05-01-draft.gmi", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini("gemini://localhost/reviews/2026-05-01-draft/", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://localhost/reviews/2026-05-01-draft/respond?hi", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini_as("gemini://localhost/reviews/2026-05-01-draft.gmi", OWNER_FP, "Ann", &a);
	CHECK_STR(a.head, GMI); HAS(a, "Not yet."); done(&a);
	/* Another certificate is a reader's. */
	gemini_as("gemini://localhost/reviews/2026-05-01-draft.gmi", READER_FP, "Ann", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini("gemini://localhost/drafts/idea.gmi", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini("gemini://localhost/drafts/", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini_as("gemini://localhost/drafts/idea.gmi", OWNER_FP, "Ann", &a);
	CHECK_STR(a.head, GMI); HAS(a, "An idea"); done(&a);
	gopher("/drafts/idea.gmi", &a);
	HAS(a, "3"); LACKS(a, "An idea"); done(&a);
	gemini("gemini://localhost/reviews/2026-07-01-later.gmi", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	/* A review's page, kept once made, shows its newer neighbour when it comes due. */
	gemini(R "2026-04-01-second.gmi", &a);
	LACKS(a, "Later Film"); done(&a);
	gopher("/reviews/2026-04-01-second.gmi", &a);
	LACKS(a, "Later Film"); done(&a);
	/* 18:00+02:00 is 16:00 UTC: a second before, still waiting. */
	calendar_s = 1782921600LL - 1;
	CHECK(!home_lists_within("Later Film", 300));
	calendar_s = 1782921600LL;
	CHECK(home_lists_within("Later Film", 5000));
	gemini(R "2026-04-01-second.gmi", &a);
	HAS(a, "=> /reviews/2026-07-01-later.gmi"); done(&a);
	gopher("/reviews/2026-04-01-second.gmi", &a);
	HAS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/reviews/2026-07-01-later.gmi", &a);
	CHECK_STR(a.head, GMI); HAS(a, "Scheduled."); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	HAS(a, "Later Film"); LACKS(a, "Draft Film"); done(&a);
	gemini("gemini://localhost/search?scheduled", &a);
	HAS(a, "1 review for «scheduled»"); HAS(a, "Later Film"); done(&a);
	gemini("gemini://localhost/search?draft", &a);
	LACKS(a, "Draft Film"); done(&a);
}

/* The head of url starts with want. */
#define HEAD_IS(url, want)	CHECK(answers_within((url), (want), NULL, 0))

static void
move(const char *from, const char *to)
{
	char	a[512], b[512];

	snprintf(a, sizeof(a), "%s/capsule/%s", dir, from);
	snprintf(b, sizeof(b), "%s/capsule/%s", dir, to);
	if (rename(a, b) == -1) {
		perror(a);
		exit(2);
	}
}


/* Every kind of review URL under the name old answers 31 to the same kind under now. */
static void
redirects_all(const char *old, const char *now, unsigned long long id)
{
	static const char *const tails[] = {
		"/", "/respond", "/like", "/atom.xml", "/responses/", "/responses/",
	};
	char		url[300], want[300], tail[64];
	struct answer	a;
	size_t		i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		/* The last two take the entry's id, the last its reply URL. */
		snprintf(tail, sizeof(tail), "%s", tails[i]);
		if (i >= 4)
			snprintf(tail, sizeof(tail), "/responses/%llu%s", id, i == 5 ? "/reply" : "");
		snprintf(url, sizeof(url), R "%s%s", old, tail);
		snprintf(want, sizeof(want), TO "%s%s", now, tail);
		gemini(url, &a);
		CHECK_STR(a.head, want); done(&a);
	}
	snprintf(url, sizeof(url), R "%s.gmi", old);
	snprintf(want, sizeof(want), TO "%s.gmi", now);
	HEAD_IS(url, want);
	snprintf(url, sizeof(url), R "%s", old);
	HEAD_IS(url, want);
}

/*
 * A review renamed keeps its URLs and what was said on it: first its date
 * changes (2026-04-01-second to 2026-04-02-second), then its slug, with
 * Was: second. The response, its reply and the like written under the
 * first name show under each new one, and every old URL answers 31.
 */
static void
renamed_review(void)
{
	struct answer		 a;
	unsigned long long	 id;
	char			 reply[200], page[200];
	const char		*p;

	NEW_WINDOW();
	HEAD_IS(R "2026-04-01-second/respond?Said%20before%20the%20rename", SAVED "2026-04-01-second.gmi");
	gemini_as(R "2026-04-01-second/like", OTHER_FP, "Bob", &a);
	CHECK_STR(a.head, SAVED "2026-04-01-second.gmi"); done(&a);
	gemini(R "2026-04-01-second.gmi", &a);
	HAS(a, "> Said before the rename\n=> /reviews/2026-04-01-second/responses/");
	id = (p = strstr(a.body, "> Said before the rename\n=> /reviews/2026-04-01-second/responses/"))
	    != NULL ? strtoull(p + strlen("> Said before the rename\n=> /reviews/2026-04-01-second/"
	    "responses/"), NULL, 10) : 0;
	snprintf(reply, sizeof(reply), R "2026-04-02-second/responses/%llu/reply?Answered%%20after",
	    id);
	snprintf(page, sizeof(page), R "2026-04-02-second/responses/%llu", id);
	done(&a);
	move("reviews/2026-04-01-second.gmi", "reviews/2026-04-02-second.gmi");
	CHECK(answers_within(R "2026-04-02-second.gmi", GMI, NULL, 5000));
	redirects_all("2026-04-01-second", "2026-04-02-second", id);
	redirects_all("second", "2026-04-02-second", id);
	HEAD_IS(R "2026-04-02-second", TO "2026-04-02-second.gmi");
	gemini(R "2026-04-02-second.gmi", &a);
	HAS(a, "> Said before the rename\n"); HAS(a, "\n1 like\n=> /reviews/2026-04-02-second/like ");
	done(&a);
	gemini(page, &a);
	CHECK_STR(a.head, GMI); HAS(a, "> Said before the rename\n"); done(&a);
	/* A reply on the new name to a response under the old one joins its thread. */
	NEW_WINDOW();
	gemini_as(reply, READER_FP, "Ann", &a);
	CHECK_STR(a.head, SAVED "2026-04-02-second.gmi"); done(&a);
	gemini(R "2026-04-02-second/", &a);
	HAS(a, "> Said before the rename\n"); HAS(a, "### " ARROW " Ann [b1b1b1b1], "); done(&a);
	gemini_as(R "2026-04-02-second/like", OTHER_FP, "Bob", &a);
	CHECK_STR(a.head, SAVED "2026-04-02-second.gmi"); done(&a);
	gemini(R "2026-04-02-second/atom.xml", &a);
	HAS(a, ">Said before the rename</content>"); HAS(a, ">Answered after</content>"); done(&a);
	gemini("gemini://localhost/guestbook/", &a);
	HAS(a, "=> /reviews/2026-04-01-second/ In response to Second Film\n"); done(&a);
	/* Gopher cannot redirect: the old selector is answered as the new one. */
	gopher("/reviews/2026-04-01-second/", &a);
	HAS(a, "\t/reviews/2026-04-02-second.gmi\t"); HAS(a, "i> Said before the rename\t"); done(&a);
	NEW_WINDOW();
	gopher("/reviews/second/respond\tfrom the old selector", &a);
	HAS(a, "Your response to Second Film is saved as entry"); done(&a);
	/* Now the slug: Was: carries everything across. */
	put("reviews/2026-04-02-deuxieme.gmi", "# Second Film\nDirector: Jane Doe\nTags: drama\n"
	    "Was: second\n\nThe second review, renamed.\n");
	move("reviews/2026-04-02-second.gmi", "reviews/.gone");
	CHECK(answers_within(R "2026-04-02-second.gmi", "31 ", NULL, 5000));
	redirects_all("2026-04-02-second", "2026-04-02-deuxieme", id);
	redirects_all("second", "2026-04-02-deuxieme", id);
	redirects_all("2026-04-01-second", "2026-04-02-deuxieme", id);
	redirects_all("deuxieme", "2026-04-02-deuxieme", id);
	gemini(R "2026-04-02-deuxieme.gmi", &a);
	HAS(a, "The second review, renamed."); HAS(a, "> Said before the rename\n");
	HAS(a, "> Answered after\n"); HAS(a, "> from the old selector\n"); HAS(a, "\n1 like\n");
	done(&a);
	/* A Was: naming another review is ignored: that review keeps its URLs. */
	put("reviews/2026-04-03-third.gmi", "# Third Film\nWas: first, 2026-03-01-first\n\nThird.\n");
	CHECK(answers_within(R "2026-04-03-third.gmi", GMI, NULL, 5000));
	HEAD_IS(R "first", TO "2026-03-01-first.gmi");
	HEAD_IS(R "first/", TO "2026-03-01-first/");
	/* Drafts and other files are not found by an old name. */
	HEAD_IS(R "draft", "51 ");
	HEAD_IS(R "draft/", "51 ");
	HEAD_IS(R "nosuch.png", "51 ");
}

/*
 * A review in a subfolder of reviews/ is indexed like the others and has
 * their URL, /reviews/FILE; its path in the folder answers 31 there (51
 * for a draft). A folder made after start is watched too.
 */
static void
subfolder_reviews(void)
{
	struct answer	a;

	folder("reviews/2019");
	folder("reviews/2019/09");
	put("reviews/2019/09/2019-09-01-filed.gmi", "# Filed Film\nTags: Foldered\n\nIn a folder.\n");
	put("reviews/2019/2019-09-02-hidden.gmi", "# Hidden Draft\nDraft: yes\n\nNot yet.\n");
	CHECK(answers_within(R "2019-09-01-filed.gmi", GMI, NULL, 5000));
	gemini(R "2019-09-01-filed.gmi", &a);
	HAS(a, "In a folder."); HAS(a, "=> /tags/foldered/ "); HAS(a, "/reviews/2019-09-01-filed/respond");
	done(&a);
	HEAD_IS(R "2019/09/2019-09-01-filed.gmi", TO "2019-09-01-filed.gmi");
	HEAD_IS(R "2019/2019-09-02-hidden.gmi", "51 ");
	HEAD_IS(R "2019-09-02-hidden.gmi", "51 ");
	gemini_as(R "2019/2019-09-02-hidden.gmi", OWNER_FP, "Ann", &a);
	CHECK_STR(a.head, TO "2019-09-02-hidden.gmi"); done(&a);
	gemini("gemini://localhost/tags/foldered/", &a);
	HAS(a, "=> /reviews/2019-09-01-filed.gmi 2019-09-01 - Filed Film\n"); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	HAS(a, "Filed Film"); LACKS(a, "Hidden Draft"); done(&a);
	HEAD_IS(R "filed/", TO "2019-09-01-filed/");
	gopher("/reviews/2019-09-01-filed/", &a);
	HAS(a, "\t/reviews/2019-09-01-filed.gmi\t"); done(&a);
	/* Moved to another folder, it keeps its URL. */
	folder("reviews/2019/10");
	move("reviews/2019/09/2019-09-01-filed.gmi", "reviews/2019/10/2019-09-01-filed.gmi");
	CHECK(answers_within(R "2019/10/2019-09-01-filed.gmi", "31 ", NULL, 5000));
	gemini(R "2019-09-01-filed.gmi", &a);
	CHECK_STR(a.head, GMI); HAS(a, "In a folder."); done(&a);
	/* An edit in a folder watched since the last scan: no folder event, its own watch. */
	put("reviews/2019/10/2019-09-01-filed.gmi", "# Filed Again\n\nEdited.\n\nLater, zanzibar.\n");
	CHECK(home_lists_within("Filed Again", 5000));
	/*
	 * The rest of a path redirected to a review's name now is encoded
	 * again: a CR LF a reader sent percent-encoded stays in the URL.
	 */
	HEAD_IS("gemini://localhost/reviews/first/responses/%0D%0A20%20text", TO
	    "2026-03-01-first/responses/%0D%0A20%20text");
	/* Search reads its snippet from the file where it is filed. */
	gemini("gemini://localhost/search?zanzibar", &a);
	HAS(a, "=> /reviews/2019-09-01-filed.gmi 2019-09-01 - Filed Again\n> Later, zanzibar.\n");
	done(&a);
	/*
	 * Deeper than the index walks, a review is never read, so nothing says
	 * it is no draft: only the owner reads it. Other files there are served.
	 */
	folder("reviews/a"); folder("reviews/a/b"); folder("reviews/a/b/c");
	folder("reviews/a/b/c/d"); folder("reviews/a/b/c/d/e");
	put("reviews/a/b/c/d/e/2019-09-03-deep.gmi", "# Deep Draft\nDraft: yes\n\nSecret.\n");
	put("reviews/a/b/c/d/e/still.txt.png", "not a review");
	HEAD_IS(R "a/b/c/d/e/2019-09-03-deep.gmi", "51 ");
	gemini_as(R "a/b/c/d/e/2019-09-03-deep.gmi", OWNER_FP, "Ann", &a);
	HAS(a, "Secret."); done(&a);
	gemini(R "a/b/c/d/e/still.txt.png", &a);
	CHECK(strncmp(a.head, "20 ", 3) == 0); done(&a);
}

/*
 * A Titan upload of body (NULL: a deletion) to path, as the certificate fp
 * (NULL for none), in the rounds a connection goes through: the line, then
 * the body it asks for, then the answer once the write is settled.
 */
static void
titan_as(const char *path, const char *body, const char *fp, struct answer *a)
{
	struct request	 req = { .host = hostset_host(hosts, 0), .peer = "192.0.2.7" };
	char		 line[GEMINI_URL_MAX + 3];
	size_t		 len = body != NULL ? strlen(body) : 0;

	snprintf(line, sizeof(line), "titan://localhost/%s;mime=text/gemini;size=%zu\r\n",
	    path, len);
	if (fp != NULL) {
		req.has_certificate = 1;
		snprintf(req.fingerprint, sizeof(req.fingerprint), "%s", fp);
	}
	respond(&gemini_adapter, line, &req, body, len, a);
}

/*
 * Titan: refusals before any body is asked for; the owner's upload is on
 * the home page and its tag page the moment it is answered; a body that is
 * not a review leaves the published one; a deletion takes it off at once.
 */
static void
titan_uploads(void)
{
	static const char	review[] = "reviews/2026-01-09-inproc.gmi";
	struct answer		a;

	titan_as(review, "# In Process\nTags: Inproc\n\nx\n", NULL, &a);
	CHECK_STR(a.head, "60 Uploading needs the owner's client certificate"); done(&a);
	titan_as(review, "# In Process\nTags: Inproc\n\nx\n", READER_FP, &a);
	STATUS(a, "61"); done(&a);
	titan_as("index.gmi", "# Home\n", OWNER_FP, &a);
	STATUS(a, "59"); done(&a);
	titan_as(review, "# In Process\nTags: Inproc\n\nx\n", OWNER_FP, &a);
	CHECK_STR(a.head, "30 gemini://localhost/reviews/2026-01-09-inproc.gmi"); done(&a);
	gemini("gemini://localhost/", &a);
	HAS(a, "In Process"); done(&a);
	gemini("gemini://localhost/tags/inproc/", &a);
	HAS(a, "In Process"); done(&a);
	titan_as(review, "No title here\n", OWNER_FP, &a);
	CHECK_STR(a.head, "59 Not a review: reviews/2026-01-09-inproc.gmi:1: no '# ' title line");
	done(&a);
	gemini("gemini://localhost/reviews/2026-01-09-inproc.gmi", &a);
	HAS(a, "# In Process"); done(&a);
	titan_as(review, NULL, OWNER_FP, &a);
	CHECK_STR(a.head, "30 gemini://localhost/"); done(&a);
	gemini("gemini://localhost/", &a);
	LACKS(a, "In Process"); done(&a);
}

/* A meta longer than Gemini allows is cut whole characters at a time. */
static void
long_meta(void)
{
	struct response	resp;
	char		text[1100];
	size_t		i;

	for (i = 0; i + 2 < sizeof(text); i += 2)
		memcpy(text + i, "\xc3\xa9", 2);
	text[i] = '\0';
	response_init(&resp);
	response_set(&resp, STATUS_BAD_REQUEST, "x%s", text);
	CHECK_INT(strlen(resp.meta), 1023);
	CHECK(utf8_valid(resp.meta, strlen(resp.meta)));
	response_set(&resp, STATUS_BAD_REQUEST, "xy%s", text);
	CHECK_INT(strlen(resp.meta), 1024);
	CHECK(utf8_valid(resp.meta, strlen(resp.meta)));
}

/*
 * route_is_input: true for the paths the rows that take the reader's text
 * answer, and for no other, whatever the path's shape (Gopher asks it of
 * every link it renders, to give them type 7).
 */
static void
input_rows(void)
{
	CHECK(route_is_input("/guestbook/sign"));
	CHECK(route_is_input("/reviews/2026-03-01-first/respond"));
	CHECK(!route_is_input("/guestbook/sign/"));
	CHECK(!route_is_input("/guestbook/"));
	CHECK(!route_is_input("/reviews/2026-03-01-first/"));
	CHECK(!route_is_input("/reviews/2026-03-01-first.gmi"));
	CHECK(!route_is_input("/reviews/respond"));
	CHECK(!route_is_input("/reviews/a/b/respond"));
	CHECK(!route_is_input("/tags/respond/"));
	CHECK(!route_is_input("/"));
	CHECK(!route_is_input("/guestbook/notes/3"));
	CHECK(route_is_input("/guestbook/notes/3/reply"));
	CHECK(route_is_input("/reviews/2026-03-01-first/responses/7/reply"));
	CHECK(route_is_menu("/guestbook/notes/3"));
	CHECK(route_is_menu("/reviews/2026-03-01-first/like"));
	CHECK(route_is_menu("/reviews/2026-03-01-first/responses/7"));
	CHECK(!route_is_menu("/reviews/2026-03-01-first/responses/7/reply"));
	CHECK(!route_is_menu("/reviews/like"));
	CHECK(!route_is_menu("/guestbook/notes/3/"));
}

int
main(void)
{
	char	cmd[600];
	int	status;

	event_clock_inject(test_clock);
	event_calendar_inject(test_calendar);
	make_capsule();
	start();
	gemini_rows();
	gemini_input();
	gopher_rows();
	search_rows();
	input_rows();
	gemini_permalinks();
	gemini_replies();
	gemini_owner();
	gemini_likes();
	gopher_conversation();
	hidden_entries();
	cached_pages();
	long_meta();
	drafts_and_schedule();
	renamed_review();
	subfolder_reviews();
	titan_uploads();
	hostset_publish(NULL);
	status = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		status = 1;
	return status;
}
