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
#include "harness.h"
#include "host.h"
#include "router.h"
#include "tls.h"
#include "utf8.h"

#define GMI	"20 text/gemini; charset=utf-8; lang=en"

static char	 dir[] = "/tmp/marquee-route-XXXXXX";
static struct hostset	*hosts;	/* the one set, published */
static uint64_t	 clock_us = 1000000;
/* 2026-06-01T00:00:00Z; the index's watcher thread reads it too. */
static _Atomic long long	 calendar_s = 1780272000LL;
/* 60 words of 5 letters and a space: 360 bytes, longer than a summary. */
#define WORDS10		"alpha bravo delta gamma kappa omega sigma theta alpha bravo "
#define LONG_PARAGRAPH	WORDS10 WORDS10 WORDS10 WORDS10 WORDS10 WORDS10
/* The owner's certificate (the owner key of the test host). */
#define OWNER_FP	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

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

struct waiter {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
	int		done;
};

static void
wake(void *arg)
{
	struct waiter	*w = arg;

	pthread_mutex_lock(&w->lock);
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Waits for resp's append to settle and hands back its pending, owned by the caller. */
static struct pending *
settle(struct response *resp)
{
	struct waiter	 w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct pending	*p = resp->pending;

	resp->pending = NULL;
	response_release(resp);
	if (!pending_wait(p, wake, &w)) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
	}
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

/* Sends request (with its line end) through adapter p, as client peer with certificate fp. */
static void
ask(const struct adapter *p, const char *request, const char *fp, struct answer *a)
{
	struct request	 req = { .host = hostset_host(hosts, 0), .peer = "192.0.2.7" };
	struct response	 resp;
	size_t		 n;

	if (fp != NULL) {
		req.has_certificate = 1;
		snprintf(req.fingerprint, sizeof(req.fingerprint), "%s", fp);
		snprintf(req.cn, sizeof(req.cn), "reader");
	}
	response_init(&resp);
	n = p->respond(request, strlen(request), &req, &resp, a->head, sizeof(a->head));
	if (resp.pending != NULL) {
		req.settled = settle(&resp);
		response_init(&resp);
		n = p->respond(request, strlen(request), &req, &resp, a->head, sizeof(a->head));
		pending_put((struct pending *)req.settled);
	}
	a->head[n] = '\0';
	a->head[strcspn(a->head, "\r")] = '\0';
	collect_body(&resp, a);
	response_release(&resp);
}

static void
gemini(const char *url, struct answer *a)
{
	char	line[GEMINI_URL_MAX + 3];

	snprintf(line, sizeof(line), "%s\r\n", url);
	ask(&gemini_adapter, line, NULL, a);
}

static void
gopher(const char *selector, struct answer *a)
{
	char	line[GOPHER_SELECTOR_MAX + 3];

	snprintf(line, sizeof(line), "%s\r\n", selector);
	ask(&gopher_adapter, line, NULL, a);
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

static void
make_capsule(void)
{
	char	path[512];

	if (mkdtemp(dir) == NULL)
		exit(2);
	snprintf(path, sizeof(path), "%s/capsule", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/capsule/reviews", dir);
	mkdir(path, 0755);
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
	snprintf(path, sizeof(path), "%s/capsule/drafts", dir);
	mkdir(path, 0755);
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
	gemini("gemini://localhost/notes.txt", &a);
	CHECK(strncmp(a.head, "20 text/plain", 13) == 0); CHECK_STR(a.body, "plain notes\n"); done(&a);
	gemini("gemini://localhost/nosuch", &a);
	CHECK(strncmp(a.head, "51 ", 3) == 0); done(&a);
	gemini("gemini://elsewhere.example/", &a);
	CHECK(strncmp(a.head, "53 ", 3) == 0); done(&a);
	gemini("not a url", &a);
	CHECK(strncmp(a.head, "59 ", 3) == 0); done(&a);
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
	HAS(a, "from a gopher reader"); done(&a);
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

static void
gemini_as(const char *url, const char *fp, struct answer *a)
{
	char	line[GEMINI_URL_MAX + 3];

	snprintf(line, sizeof(line), "%s\r\n", url);
	ask(&gemini_adapter, line, fp, a);
}

/* Whether the home page lists text, asked until deadline_ms of real time have passed. */
static int
home_lists_within(const char *text, int deadline_ms)
{
	struct answer	a;
	int		found = 0, waited;

	for (waited = 0; !found && waited <= deadline_ms; waited += 10) {
		gemini("gemini://localhost/", &a);
		found = strstr(a.body, text) != NULL;
		done(&a);
		if (!found)
			usleep(10000);
	}
	return found;
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
	gemini_as("gemini://localhost/reviews/2026-05-01-draft.gmi", OWNER_FP, &a);
	CHECK_STR(a.head, GMI); HAS(a, "Not yet."); done(&a);
	/* Another certificate is a reader's. */
	gemini_as("gemini://localhost/reviews/2026-05-01-draft.gmi",
	    "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini("gemini://localhost/drafts/idea.gmi", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini("gemini://localhost/drafts/", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	gemini_as("gemini://localhost/drafts/idea.gmi", OWNER_FP, &a);
	CHECK_STR(a.head, GMI); HAS(a, "An idea"); done(&a);
	gopher("/drafts/idea.gmi", &a);
	HAS(a, "3"); LACKS(a, "An idea"); done(&a);
	gemini("gemini://localhost/reviews/2026-07-01-later.gmi", &a);
	CHECK_STR(a.head, "51 No such page"); done(&a);
	/* 18:00+02:00 is 16:00 UTC: a second before, still waiting. */
	calendar_s = 1782921600LL - 1;
	CHECK(!home_lists_within("Later Film", 300));
	calendar_s = 1782921600LL;
	CHECK(home_lists_within("Later Film", 5000));
	gemini("gemini://localhost/reviews/2026-07-01-later.gmi", &a);
	CHECK_STR(a.head, GMI); HAS(a, "Scheduled."); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	HAS(a, "Later Film"); LACKS(a, "Draft Film"); done(&a);
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
	long_meta();
	drafts_and_schedule();
	hostset_publish(NULL);
	status = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		status = 1;
	return status;
}
