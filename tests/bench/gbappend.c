/*
 * gbappend: durable guestbook appends per second through guestbook_submit,
 * the path every handler that writes takes, with no network in the way:
 * WRITERS threads each submit a record, wait until it is on disk, and
 * submit the next, for SECONDS.
 *
 *   gbappend LOG entries|mix SECONDS WRITERS
 *
 * entries: every record a new response to one review. mix: in turn a new
 * response, a reply to a response already on disk (any of them, so threads
 * grow deep), and a like from a certificate that has not liked the review
 * yet. Prints "RESULT rps=... cpu_us_per_append=... acked=... entries=...
 * replies=... likes=... errors=...": the rate, the process's CPU time per
 * append, and what was acknowledged, which the caller can count in LOG.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "guestbook.h"
#include "../settle.h"

#define SLUG	"2026-01-01-film"

static struct guestbook		*gb;
static int			 mix;
static double			 deadline;
/* The newest entry on disk, which a reply may answer; 0 before the first. */
static atomic_ullong		 newest;
static atomic_ulong		 entries, replies, likes, errors;

/* The process's CPU time, user and system, in seconds. */
static double
cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* splitmix64: stands in for SHA-256, whose bytes are as uniform. */
static unsigned long long
mix64(unsigned long long x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A certificate's fingerprint, a new one for each (id, n), as uniform as real ones. */
static void
fingerprint(char *out, size_t size, unsigned id, unsigned long n)
{
	unsigned long long	seed = ((unsigned long long)id << 40) ^ n;

	snprintf(out, size, "%016llx%016llx%016llx%016llx", mix64(4 * seed),
	    mix64(4 * seed + 1), mix64(4 * seed + 2), mix64(4 * seed + 3));
}

/* The n-th record of writer id: which kind, from the mix. */
static void
make_record(struct record *r, unsigned id, unsigned long n)
{
	unsigned long long	up = atomic_load(&newest);
	unsigned		turn = mix ? (unsigned)(n % 3) : 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->slug, sizeof(r->slug), SLUG);
	if (turn == 2) {
		r->kind = RECORD_LIKE;
		fingerprint(r->fingerprint, sizeof(r->fingerprint), id, n);
		return;
	}
	r->kind = RECORD_ENTRY;
	snprintf(r->author, sizeof(r->author), "writer %u", id);
	r->text_len = (size_t)snprintf(r->text, sizeof(r->text),
	    "Bench entry %lu of writer %u, with a few words about the film.", n, id);
	/* Spread over every entry on disk, by a multiplicative hash of who and when. */
	if (turn == 1 && up > 0)
		r->parent = 1 + (n * 2654435761u + id * 40503u) % up;
}

/* Submits r and waits until it is settled; its id, 0 for a like, or -1 when refused. */
static long long
append(const struct record *r, const char *client)
{
	struct pending		*p;
	const char		*reason;
	unsigned long long	 id;
	int			 rc;

	if ((p = guestbook_submit(gb, r, client, &reason)) == NULL)
		return -1;
	settle_wait(p);
	rc = pending_result(p, &id, &reason);
	pending_put(p);
	return rc == -1 ? -1 : (long long)id;
}

static void *
writer(void *arg)
{
	unsigned		id = (unsigned)(size_t)arg;
	char			client[32];
	struct record		r;
	unsigned long		n;
	long long		got;
	unsigned long long	seen;

	snprintf(client, sizeof(client), "writer %u", id);
	for (n = 0; now() < deadline; n++) {
		make_record(&r, id, n);
		if ((got = append(&r, client)) == -1) {
			atomic_fetch_add(&errors, 1);
			continue;
		}
		atomic_fetch_add(r.kind == RECORD_LIKE ? &likes : r.parent != 0 ? &replies :
		    &entries, 1);
		/* Ids grow: the newest is the largest seen, whichever writer saw it. */
		seen = atomic_load(&newest);
		while ((unsigned long long)got > seen &&
		    !atomic_compare_exchange_weak(&newest, &seen, (unsigned long long)got))
			continue;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t	*t;
	const char	*reason;
	double		 start, secs, cpu0;
	unsigned long	 acked;
	long		 i, n;

	if (argc != 5 || (strcmp(argv[2], "entries") != 0 && strcmp(argv[2], "mix") != 0) ||
	    (secs = atof(argv[3])) <= 0 || (n = atol(argv[4])) < 1 ||
	    (t = calloc((size_t)n, sizeof(*t))) == NULL) {
		fprintf(stderr, "usage: gbappend LOG entries|mix SECONDS WRITERS\n");
		return 2;
	}
	mix = strcmp(argv[2], "mix") == 0;
	if ((gb = guestbook_open(argv[1], "localhost", &reason)) == NULL ||
	    guestbook_start(gb, &reason) == -1) {
		fprintf(stderr, "gbappend: %s\n", reason);
		return 1;
	}
	cpu0 = cpu();
	start = now();
	deadline = start + secs;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, writer, (void *)(size_t)i);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	secs = now() - start;
	guestbook_close(gb);
	acked = atomic_load(&entries) + atomic_load(&replies) + atomic_load(&likes);
	printf("RESULT rps=%.0f cpu_us_per_append=%.1f acked=%lu entries=%lu replies=%lu "
	    "likes=%lu errors=%lu\n", (double)acked / secs,
	    acked > 0 ? (cpu() - cpu0) * 1e6 / (double)acked : 0.0, acked,
	    atomic_load(&entries), atomic_load(&replies), atomic_load(&likes),
	    atomic_load(&errors));
	free(t);
	return 0;
}
