/*
 * The cache of pages made once (src/pagecache.c): a page is found under its
 * key only at its generation or a later one asked for, the cache stays under
 * its limit however many pages go through it (their Gopher renditions
 * counted), and a page that left it stays readable until the response that
 * sends it is released. Run alone: build/test_pagecache.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "pagecache.h"
#include "vocab.h"

#define LIMIT	(64 * 1024)
/* What the test's pages say their Gopher renditions may take, and what one takes. */
#define GOPHER_BOUND	4000
#define RENDITION_LEN	3000

/* Puts a page of size bytes of the letter c under key at generation; serves it into resp. */
static void
put_page(struct pagecache *c, const char *key, unsigned long long generation, size_t size,
    char letter, struct response *resp)
{
	struct buf		 b = { 0 };
	struct cached_page	*p;

	buf_grow(&b, size);
	while (b.len < size)
		buf_append(&b, &letter, 1);
	response_init(resp);
	if ((p = pagecache_put(c, key, generation, &b, GOPHER_BOUND)) != NULL)
		cached_page_serve(p, resp);
}

/* Whether key is kept at generation, its first byte letter (0: any). */
static int
holds(struct pagecache *c, const char *key, unsigned long long generation, char letter)
{
	struct cached_page	*p = pagecache_get(c, key, generation);
	struct response		 resp;
	int			 ok;

	if (p == NULL)
		return 0;
	response_init(&resp);
	cached_page_serve(p, &resp);
	ok = letter == 0 || (resp.body_len > 0 && resp.body[0] == letter);
	response_release(&resp);
	return ok;
}

/* A page is the state it was made from, or newer: never older. */
static void
generations(void)
{
	struct pagecache	*c = pagecache_new(LIMIT);
	struct response		 resp;

	put_page(c, "/reviews/a.gmi", 5, 100, 'a', &resp);
	CHECK_INT(resp.body_len, 100);
	response_release(&resp);
	CHECK(holds(c, "/reviews/a.gmi", 5, 'a'));
	/* Made from a newer state than asked for: still good. */
	CHECK(holds(c, "/reviews/a.gmi", 4, 'a'));
	/* The guestbook changed since: the page is stale, and dropped. */
	CHECK(!holds(c, "/reviews/a.gmi", 6, 0));
	CHECK(!holds(c, "/reviews/a.gmi", 5, 0));
	CHECK(!holds(c, "/reviews/b.gmi", 5, 0));
	/* A page made late from an older state does not replace a newer one. */
	put_page(c, "/reviews/a.gmi", 7, 100, 'n', &resp);
	response_release(&resp);
	put_page(c, "/reviews/a.gmi", 6, 100, 'o', &resp);
	CHECK(resp.body_len > 0 && resp.body[0] == 'n');
	response_release(&resp);
	CHECK(holds(c, "/reviews/a.gmi", 7, 'n'));
	pagecache_free(c);
}

/* Many distinct pages: the cache stays under its limit, the oldest leave first. */
static void
bounded(void)
{
	struct pagecache	*c = pagecache_new(LIMIT);
	struct response		 resp, held;
	char			 key[64];
	int			 i, over = 0;

	put_page(c, "/first", 1, 1000, 'f', &held);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/tags/t%d/", i);
		put_page(c, key, 1, 1000, 'x', &resp);
		response_release(&resp);
		if (pagecache_bytes(c) > LIMIT)
			over++;
	}
	CHECK_INT(over, 0);
	CHECK(pagecache_bytes(c) > LIMIT / 2);
	CHECK(holds(c, "/tags/t999/", 1, 'x'));
	CHECK(!holds(c, "/tags/t0/", 1, 0));
	CHECK(!holds(c, "/first", 1, 0));
	/* Pushed out while a response sends it: its bytes stay until it is released. */
	CHECK_INT(held.body_len, 1000);
	CHECK(held.body[0] == 'f' && held.body[999] == 'f');
	response_release(&held);
	/* A page larger than an eighth of the cache is served, not kept. */
	put_page(c, "/huge", 1, LIMIT / 8 + 1, 'h', &resp);
	CHECK_INT(resp.body_len, LIMIT / 8 + 1);
	response_release(&resp);
	CHECK(!holds(c, "/huge", 1, 0));
	pagecache_free(c);
}

/*
 * A page's Gopher rendition counts against the limit from the page's
 * making: the bound given, until the rendition is made and the page asked
 * for again, then its size. A rendition made once and never asked for
 * again is within the limit too.
 */
static void
renditions(void)
{
	struct pagecache	*c = pagecache_new(LIMIT);
	struct response		 resp;
	struct rendition	*r, *none = NULL;
	size_t			 made, asked;
	char			 key[64];
	int			 i, over = 0;

	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "/reviews/r%d/", i);
		put_page(c, key, 1, 500, 'r', &resp);
		made = pagecache_bytes(c);
		if (i == 0)
			CHECK(made >= 500 + GOPHER_BOUND);
		/* As gopher.c keeps its rendition. */
		if ((r = malloc(sizeof(*r))) == NULL || (r->data = malloc(RENDITION_LEN)) == NULL)
			abort();
		r->len = RENDITION_LEN;
		CHECK(atomic_compare_exchange_strong(resp.rendition, &none, r));
		none = NULL;
		response_release(&resp);
		if (i % 2 == 0) {
			CHECK(holds(c, key, 1, 'r'));
			asked = pagecache_bytes(c);
			if (i == 0)
				CHECK_INT(made - asked, GOPHER_BOUND - RENDITION_LEN);
		}
		if (pagecache_bytes(c) > LIMIT)
			over++;
	}
	CHECK_INT(over, 0);
	pagecache_free(c);
}

/* Readers on threads while the state they read changes, as workers beside the committer. */
#define READERS		4
#define READS		20000
static atomic_ullong	 state_now = 1;
static atomic_int	 stale_seen, pages_made;
static struct pagecache	*shared;

/*
 * A worker: reads the state's generation, then takes the page kept under
 * it or makes one that says which generation it was made from (as index.c
 * makes a page after reading the generation), and checks that what it got
 * is never older than what it read.
 */
static void *
reader(void *arg)
{
	struct cached_page	*p;
	struct response		 resp;
	struct buf		 b = { 0 };
	unsigned long long	 g, made;
	int			 i;

	(void)arg;
	for (i = 0; i < READS; i++) {
		g = atomic_load(&state_now);
		if ((p = pagecache_get(shared, "/reviews/hot.gmi", g)) == NULL) {
			buf_printf(&b, "%llu", atomic_load(&state_now));
			atomic_fetch_add(&pages_made, 1);
			p = pagecache_put(shared, "/reviews/hot.gmi", g, &b, GOPHER_BOUND);
		}
		if (p == NULL)
			abort();
		response_init(&resp);
		cached_page_serve(p, &resp);
		if (sscanf(resp.body, "%llu", &made) != 1 || made < g)
			atomic_fetch_add(&stale_seen, 1);
		response_release(&resp);
		if (i % 64 == 0)
			atomic_fetch_add(&state_now, 1);
	}
	return NULL;
}

static void
concurrent(void)
{
	pthread_t	t[READERS];
	int		i;

	shared = pagecache_new(LIMIT);
	for (i = 0; i < READERS; i++)
		CHECK_INT(pthread_create(&t[i], NULL, reader, NULL), 0);
	for (i = 0; i < READERS; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(atomic_load(&stale_seen), 0);
	/* Made again after each change, not on every read. */
	CHECK(atomic_load(&pages_made) < READERS * READS / 4);
	CHECK(pagecache_bytes(shared) <= LIMIT);
	pagecache_free(shared);
}

int
main(void)
{
	generations();
	bounded();
	renditions();
	concurrent();
	return harness_done();
}
