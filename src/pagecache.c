/*
 * Pages made once and sent by every response that asks for them until what
 * they were made from changes: a table of immutable, reference-counted
 * pages by key, least recently used first out. What a key means, and when
 * a whole cache is thrown away, is its owner's (index.c); the Gopher
 * rendition kept beside a page is gopher.c's to make.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pagecache.h"
#include "vocab.h"

/* Buckets of a new table; it doubles when it holds more pages than buckets. */
#define BUCKETS_FIRST	64

struct cached_page {
	atomic_uint		 refs;		/* the cache's, and one per response sending it */
	char			*data;		/* owned */
	size_t			 len;
	_Atomic(struct rendition *) gopher;	/* made on the first Gopher request, owned */
	/* The cache's, under its lock: */
	char			*key;
	uint64_t		 hash;
	unsigned long long	 generation;
	size_t			 charged;	/* bytes counted for it in the cache's total */
	/* Counted for its Gopher rendition before it is made: a bound, then its size. */
	size_t			 rendition_reserved;
	int			 rendition_charged;
	struct cached_page	*chain;		/* the next in its bucket */
	struct cached_page	*newer, *older;	/* in order of use */
};

struct pagecache {
	pthread_mutex_t		 lock;
	struct cached_page	**buckets;	/* nbuckets, a power of two */
	size_t			 nbuckets, n;
	struct cached_page	*newest, *oldest;
	size_t			 bytes, limit;
};

static uint64_t
key_hash(const char *key)
{
	uint64_t	h = 14695981039346656037ull;	/* FNV-1a */

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ull;
	return h;
}

static void
page_put(struct cached_page *p)
{
	struct rendition	*r;

	if (p == NULL || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	if ((r = atomic_load(&p->gopher)) != NULL) {
		free(r->data);
		free(r);
	}
	free(p->data);
	free(p->key);
	free(p);
}

/* response_release's way back: one reference less. */
static void
page_release(void *owner)
{
	page_put(owner);
}

struct pagecache *
pagecache_new(size_t limit)
{
	struct pagecache	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->buckets = calloc(BUCKETS_FIRST, sizeof(*c->buckets))) == NULL) {
		free(c);
		return NULL;
	}
	c->nbuckets = BUCKETS_FIRST;
	c->limit = limit;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
pagecache_free(struct pagecache *c)
{
	struct cached_page	*p, *older;

	if (c == NULL)
		return;
	for (p = c->newest; p != NULL; p = older) {
		older = p->older;
		page_put(p);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

static struct cached_page **
slot_of(struct pagecache *c, const char *key, uint64_t hash)
{
	struct cached_page	**at = &c->buckets[hash & (c->nbuckets - 1)];

	while (*at != NULL && ((*at)->hash != hash || strcmp((*at)->key, key) != 0))
		at = &(*at)->chain;
	return at;
}

static void
use_unlink(struct pagecache *c, struct cached_page *p)
{
	*(p->newer != NULL ? &p->newer->older : &c->newest) = p->older;
	*(p->older != NULL ? &p->older->newer : &c->oldest) = p->newer;
	p->newer = p->older = NULL;
}

static void
use_first(struct pagecache *c, struct cached_page *p)
{
	p->older = c->newest;
	*(c->newest != NULL ? &c->newest->newer : &c->oldest) = p;
	c->newest = p;
}

/* Takes p, at *at in its bucket, out of the cache, dropping the cache's reference. */
static void
drop(struct pagecache *c, struct cached_page **at)
{
	struct cached_page	*p = *at;

	*at = p->chain;
	use_unlink(c, p);
	c->bytes -= p->charged;
	c->n--;
	page_put(p);
}

/* Drops the least recently used pages until the cache is within its limit. */
static void
evict(struct pagecache *c)
{
	while (c->bytes > c->limit && c->oldest != NULL)
		drop(c, slot_of(c, c->oldest->key, c->oldest->hash));
}

/*
 * Counts p's Gopher rendition at its size once it has one, in place of the
 * bound counted for it (gopher.c keeps it there unasked, so until the page
 * is asked for again its bound stands for it).
 */
static void
charge_rendition(struct pagecache *c, struct cached_page *p)
{
	struct rendition	*r;
	size_t			 size;

	if (p->rendition_charged || (r = atomic_load(&p->gopher)) == NULL)
		return;
	p->rendition_charged = 1;
	size = sizeof(*r) + r->len;
	p->charged = p->charged - p->rendition_reserved + size;
	c->bytes = c->bytes - p->rendition_reserved + size;
	p->rendition_reserved = size;
}

struct cached_page *
pagecache_get(struct pagecache *c, const char *key, unsigned long long generation)
{
	struct cached_page	**at, *p = NULL;
	uint64_t		  hash = key_hash(key);

	pthread_mutex_lock(&c->lock);
	if (*(at = slot_of(c, key, hash)) != NULL && (*at)->generation < generation)
		drop(c, at);
	else if ((p = *at) != NULL) {
		atomic_fetch_add(&p->refs, 1);
		use_unlink(c, p);
		use_first(c, p);
		charge_rendition(c, p);
		evict(c);
	}
	pthread_mutex_unlock(&c->lock);
	return p;
}

/* Doubles the table once it holds more pages than buckets; stays as it is when out of memory. */
static void
grow(struct pagecache *c)
{
	struct cached_page	**v, *p, *chain;
	size_t			  i, n = c->nbuckets * 2;

	if (c->n < c->nbuckets || (v = calloc(n, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = chain) {
			chain = p->chain;
			p->chain = v[p->hash & (n - 1)];
			v[p->hash & (n - 1)] = p;
		}
	free(c->buckets);
	c->buckets = v;
	c->nbuckets = n;
}

/* Keeps p under its key in place of *at (a page of an older generation, or none). */
static void
keep(struct pagecache *c, struct cached_page **at, struct cached_page *p)
{
	if (*at != NULL)
		drop(c, at);
	atomic_fetch_add(&p->refs, 1);
	p->chain = *at;
	*at = p;
	use_first(c, p);
	c->bytes += p->charged;
	c->n++;
	evict(c);
	grow(c);
}

static struct cached_page *
page_new(const char *key, unsigned long long generation, struct buf *b, size_t gopher_bound)
{
	struct cached_page	*p = NULL;
	size_t			 n = strlen(key);
	char			*fit;

	if (b->failed || (p = calloc(1, sizeof(*p))) == NULL || (p->key = malloc(n + 1)) == NULL) {
		free(p);
		buf_free(b);
		return NULL;
	}
	memcpy(p->key, key, n + 1);
	/* A buffer grows by doubling: give back what the page does not use, or count it. */
	if (b->cap > b->len + 1 && (fit = realloc(b->data, b->len + 1)) != NULL) {
		b->data = fit;
		b->cap = b->len + 1;
	}
	atomic_init(&p->refs, 1);
	p->data = b->data;
	p->len = b->len;
	p->hash = key_hash(key);
	p->generation = generation;
	p->rendition_reserved = sizeof(struct rendition) + gopher_bound;
	p->charged = sizeof(*p) + n + 1 + b->cap + p->rendition_reserved;
	memset(b, 0, sizeof(*b));
	return p;
}

struct cached_page *
pagecache_put(struct pagecache *c, const char *key, unsigned long long generation,
    struct buf *b, size_t gopher_bound)
{
	struct cached_page	**at, *p;

	if ((p = page_new(key, generation, b, gopher_bound)) == NULL)
		return NULL;
	/* One page never pushes out more than an eighth of the rest. */
	if (p->charged > c->limit / 8)
		return p;
	pthread_mutex_lock(&c->lock);
	at = slot_of(c, key, p->hash);
	if (*at != NULL && (*at)->generation >= generation) {
		/* Another thread made it meanwhile, from as new a state: share that one. */
		page_put(p);
		p = *at;
		atomic_fetch_add(&p->refs, 1);
	} else
		keep(c, at, p);
	pthread_mutex_unlock(&c->lock);
	return p;
}

void
cached_page_serve(struct cached_page *p, struct response *resp)
{
	resp->body = p->data;
	resp->body_len = p->len;
	resp->body_release = page_release;
	resp->body_owner = p;
	resp->rendition = &p->gopher;
}

size_t
pagecache_bytes(struct pagecache *c)
{
	size_t	n;

	pthread_mutex_lock(&c->lock);
	n = c->bytes;
	pthread_mutex_unlock(&c->lock);
	return n;
}
