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

static uint64_t
test_clock(void)
{
	return clock_us;
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
	put("reviews/2026-03-01-first.gmi", "# First Film\nDirector: Jane Doe\n"
	    "Tags: Drama, Noir\n\nThe first review.\n");
	put("reviews/2026-04-01-second.gmi", "# Second Film\nDirector: Jane Doe\n"
	    "Tags: drama\n\nThe second review.\n");
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
	gemini("gemini://localhost/directors/jane-doe/", &a);
	CHECK_STR(a.head, GMI); HAS(a, "First Film"); HAS(a, "Second Film"); done(&a);
	gemini("gemini://localhost/atom.xml", &a);
	CHECK_STR(a.head, "20 application/atom+xml"); HAS(a, "<title>First Film</title>"); done(&a);
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
}

int
main(void)
{
	char	cmd[600];
	int	status;

	event_clock_inject(test_clock);
	make_capsule();
	start();
	gemini_rows();
	gemini_input();
	gopher_rows();
	input_rows();
	long_meta();
	hostset_publish(NULL);
	status = harness_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		status = 1;
	return status;
}
