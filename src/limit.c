#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"

/* A key goes into at most this many buckets at once (address and certificate). */
#define KEYS_PER_TAKE	4

struct bucket {
	uint64_t	hash;		/* of the key; 0 marks an empty slot */
	double		tokens;
	uint64_t	last_ms;	/* when tokens was last brought up to date */
};

struct limiter {
	pthread_mutex_t	 lock;
	struct bucket	*slots;		/* open addressing, nslots a power of two */
	size_t		 nslots;
	size_t		 used, max;
	uint64_t	 swept_ms;	/* when forget_full last ran */
};

/* FNV-1a, 64 bits: keys are short and the table only needs them spread. */
static uint64_t
key_hash(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h != 0 ? h : 1;
}

struct limiter *
limiter_new(size_t max_keys)
{
	struct limiter	*l;
	size_t		 n = 16;

	while (n < 2 * max_keys)
		n *= 2;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->slots = calloc(n, sizeof(*l->slots))) == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	l->nslots = n;
	l->max = max_keys;
	return l;
}

void
limiter_free(struct limiter *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

static void
refill(struct bucket *b, double burst, double rate, uint64_t now_ms)
{
	if (now_ms > b->last_ms)
		b->tokens += (double)(now_ms - b->last_ms) / 1000 * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last_ms = now_ms;
}

static struct bucket *
slot_for(struct bucket *slots, size_t nslots, uint64_t hash)
{
	size_t	i = (size_t)hash & (nslots - 1);

	while (slots[i].hash != 0 && slots[i].hash != hash)
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

/* Forgets the buckets that are full again: they hold nothing a new one would not. */
static void
forget_full(struct limiter *l, double burst, double rate, uint64_t now_ms)
{
	struct bucket	*fresh, *b;
	size_t		 i;

	if ((fresh = calloc(l->nslots, sizeof(*fresh))) == NULL)
		return;
	l->used = 0;
	for (i = 0; i < l->nslots; i++) {
		b = &l->slots[i];
		if (b->hash == 0)
			continue;
		refill(b, burst, rate, now_ms);
		if (b->tokens >= burst)
			continue;
		*slot_for(fresh, l->nslots, b->hash) = *b;
		l->used++;
	}
	free(l->slots);
	l->slots = fresh;
}

/*
 * The bucket of key, or the empty slot where it would go (hash 0, claimed
 * by bucket_claim once every key of the take has a place); NULL when the
 * table is full.
 */
static struct bucket *
bucket_of(struct limiter *l, uint64_t hash)
{
	struct bucket	*b = slot_for(l->slots, l->nslots, hash);

	return b->hash == hash || l->used < l->max ? b : NULL;
}

static void
bucket_claim(struct limiter *l, struct bucket *b, uint64_t hash, double burst,
    uint64_t now_ms)
{
	if (b->hash == hash)
		return;
	b->hash = hash;
	b->tokens = burst;
	b->last_ms = now_ms;
	l->used++;
}

unsigned
limiter_take(struct limiter *l, const char *const *keys, size_t n,
    double burst, double rate, uint64_t now_ms)
{
	struct bucket	*b[KEYS_PER_TAKE];
	uint64_t	 h[KEYS_PER_TAKE];
	double		 wait = 0, w;
	size_t		 i;

	if (n > KEYS_PER_TAKE)
		n = KEYS_PER_TAKE;
	pthread_mutex_lock(&l->lock);
	/* A table still full after a sweep is not swept again for a second. */
	if (l->used + n > l->max && (l->swept_ms == 0 || now_ms - l->swept_ms >= 1000)) {
		forget_full(l, burst, rate, now_ms);
		l->swept_ms = now_ms;
	}
	for (i = 0; i < n; i++) {
		h[i] = key_hash(keys[i]);
		/* Two new keys could want one slot: claim each before finding the next. */
		if ((b[i] = bucket_of(l, h[i])) == NULL || (l->used + n - i > l->max &&
		    b[i]->hash != h[i])) {
			wait = 1 / rate;	/* untracked: as if empty */
			goto refuse;
		}
		bucket_claim(l, b[i], h[i], burst, now_ms);
		refill(b[i], burst, rate, now_ms);
		if (b[i]->tokens < 1 && (w = (1 - b[i]->tokens) / rate) > wait)
			wait = w;
	}
	if (wait > 0)
		goto refuse;
	for (i = 0; i < n; i++)
		b[i]->tokens -= 1;
	pthread_mutex_unlock(&l->lock);
	return 0;
refuse:
	pthread_mutex_unlock(&l->lock);
	return wait <= 1 ? 1 : (unsigned)wait + ((double)(unsigned)wait < wait);
}

void
limiter_refund(struct limiter *l, const char *const *keys, size_t n, double burst)
{
	struct bucket	*b;
	uint64_t	 h;
	size_t		 i;

	if (n > KEYS_PER_TAKE)
		n = KEYS_PER_TAKE;
	pthread_mutex_lock(&l->lock);
	for (i = 0; i < n; i++) {
		h = key_hash(keys[i]);
		b = slot_for(l->slots, l->nslots, h);
		if (b->hash == h && (b->tokens += 1) > burst)
			b->tokens = burst;
	}
	pthread_mutex_unlock(&l->lock);
}
