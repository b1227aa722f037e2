/*
 * pagebench: how long marquee takes to build one page, with no network and
 * no TLS in the way: the real configuration, host set, index, guestbook and
 * Gemini adapter, in-process, asked for the same URL again and again.
 *
 *   pagebench ROOT LOG CERTS URL N
 *   pagebench ROOT LOG CERTS @FILE N
 *
 * serves the capsule ROOT with the guestbook log LOG (its certificate in
 * CERTS), builds the answer to URL N times (or to the URLs of FILE, one a
 * line, in turn) and prints the status line and one line "RESULT
 * us_first=... us_median=... us_p90=... us_p99=... us_mean=... bytes=...
 * rss_kib=...": microseconds per build and the bytes of the (last) page
 * (file and generated part), and the process's resident memory once the log
 * is read. A page the index keeps once made (a review's: index.c,
 * serve_cached) is made by the first build alone, us_first; the others are
 * what each later request costs until the index or the guestbook changes.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capsule.h"
#include "config.h"
#include "conn.h"
#include "gemini.h"
#include "host.h"
#include "request.h"
#include "tls.h"
#include "timing.h"

static long
rss_kib(void)
{
	return proc_kib("/proc/self/status", "VmRSS:");
}

static struct hostset *
start(const char *root, const char *log, const char *certs)
{
	struct config	*c = config_new();
	struct hostset	*s;
	const char	*reason = NULL;

	if (c == NULL || config_set(c, "hostname", "localhost", &reason) == -1 ||
	    config_set(c, "root", root, &reason) == -1 ||
	    config_set(c, "guestbook", log, &reason) == -1 ||
	    config_set(c, "certs", certs, &reason) == -1 ||
	    config_finish(c, &reason) == -1 || tls_init(&reason) == -1 ||
	    capsule_init(&reason) == -1 || (s = hostset_open(c, c, NULL, &reason)) == NULL ||
	    hostset_start(s, c, &reason) == -1) {
		fprintf(stderr, "pagebench: %s\n", reason != NULL ? reason : "out of memory");
		exit(1);
	}
	hostset_publish(s);
	return s;
}

/* One build of the answer to line; its bytes, or 0 when it was not a page. */
static size_t
build(const struct hostset *s, const char *line, char *head, size_t headsize)
{
	struct request	 req = { .host = hostset_host(s, 0), .peer = "192.0.2.7" };
	struct response	 resp;
	size_t		 n, bytes;

	response_init(&resp);
	n = gemini_adapter.respond(line, strlen(line), &req, &resp, head, headsize);
	head[n < headsize ? n : headsize - 1] = '\0';
	bytes = resp.status == STATUS_SUCCESS ? (size_t)resp.size + resp.body_len : 0;
	response_release(&resp);
	return bytes;
}

/* The longest request line a URL file holds: a Gemini URL and CRLF. */
#define LINE_MAX_BYTES	(GEMINI_URL_MAX + 3)

/* What the builds need and give back; run on a thread of its own, as a worker would. */
struct run {
	const struct hostset	*s;
	char			(*lines)[LINE_MAX_BYTES];	/* request lines, used in turn */
	size_t			 nlines;
	char			 head[META_MAX + 8];
	double			*t, sum, first;
	long			 n;
	size_t			 bytes;
};

/*
 * The builds, on a thread: a worker allocates from an arena of its own,
 * which grows and shrinks unlike the main thread's heap.
 */
static void *
builds(void *arg)
{
	struct run	*r = arg;
	double		 t0;
	long		 i;

	for (i = 0; i < r->n; i++) {
		t0 = now_us();
		r->bytes = build(r->s, r->lines[(size_t)i % r->nlines], r->head, sizeof(r->head));
		r->t[i] = now_us() - t0;
		r->sum += r->t[i];
		if (i == 0)
			r->first = r->t[i];
	}
	return NULL;
}

/* The request lines: URL's, or FILE's for "@FILE"; 0 when there is none. */
static size_t
read_lines(const char *arg, char (**lines)[LINE_MAX_BYTES])
{
	char	 url[LINE_MAX_BYTES], (*grown)[LINE_MAX_BYTES];
	size_t	 n = 0, cap = 1;
	FILE	*f = NULL;

	if ((*lines = calloc(cap, sizeof(**lines))) == NULL)
		return 0;
	if (arg[0] != '@') {
		snprintf((*lines)[0], sizeof((*lines)[0]), "%s\r\n", arg);
		return 1;
	}
	if ((f = fopen(arg + 1, "r")) == NULL)
		return 0;
	while (fgets(url, sizeof(url), f) != NULL) {
		url[strcspn(url, "\r\n")] = '\0';
		if (n == cap) {
			if ((grown = reallocarray(*lines, cap * 2, sizeof(**lines))) == NULL)
				break;
			*lines = grown;
			cap *= 2;
		}
		snprintf((*lines)[n++], sizeof((*lines)[0]), "%.*s\r\n", GEMINI_URL_MAX, url);
	}
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	struct run	r = { 0 };
	pthread_t	thread;

	if (argc != 6 || (r.n = atol(argv[5])) < 1 ||
	    (r.t = calloc((size_t)r.n, sizeof(*r.t))) == NULL ||
	    (r.nlines = read_lines(argv[4], &r.lines)) == 0) {
		fprintf(stderr, "usage: pagebench ROOT LOG CERTS URL|@FILE N\n");
		return 2;
	}
	r.s = start(argv[1], argv[2], argv[3]);
	if (pthread_create(&thread, NULL, builds, &r) != 0 || pthread_join(thread, NULL) != 0)
		return 1;
	qsort(r.t, (size_t)r.n, sizeof(*r.t), cmp_double);
	printf("%s", r.head);
	printf("RESULT us_first=%.1f us_median=%.1f us_p90=%.1f us_p99=%.1f us_mean=%.1f "
	    "bytes=%zu rss_kib=%ld\n", r.first, r.t[r.n / 2], r.t[r.n * 9 / 10], r.t[r.n * 99 / 100], r.sum / (double)r.n, r.bytes,
	    rss_kib());
	hostset_publish(NULL);
	free(r.t);
	free(r.lines);
	return r.bytes > 0 ? 0 : 1;
}
