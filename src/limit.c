/* Limits per client: address keys, token buckets (limiter) and counts (holdings). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
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

/*
 * The zeroed slots of an open-addressing table for max_keys keys: a power
 * of two, at least twice as many, so probes stay short.
 */
static void *
slots_new(size_t max_keys, size_t size, size_t *nslots)
{
	size_t	n = 16;

	while (n < 2 * max_keys)
		n *= 2;
	*nslots = n;
	return calloc(n, size);
}

struct limiter *
limiter_new(size_t max_keys)
{
	struct limiter	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->slots = slots_new(max_keys, sizeof(*l->slots), &l->nslots)) == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
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

/*
 * An IPv6 client commonly holds a whole /64 (RFC 6177 assigns at least that
 * much to a site), so the /64 is the client; an IPv4 address is one client.
 */
void
limit_address_key(const char *peer, char out[ADDRESS_KEY_MAX])
{
	struct in6_addr	a;
	char		text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, peer, &a) == 1) {
		/* ::ffff:192.0.2.7 (from a PROXY header) is an IPv4 client, counted as one. */
		if (IN6_IS_ADDR_V4MAPPED(&a) && inet_ntop(AF_INET, a.s6_addr + 12, text,
		    sizeof(text)) != NULL) {
			snprintf(out, ADDRESS_KEY_MAX, "addr %s", text);
			return;
		}
		memset(a.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a, text, sizeof(text)) != NULL) {
			snprintf(out, ADDRESS_KEY_MAX, "addr %s/64", text);
			return;
		}
	}
	snprintf(out, ADDRESS_KEY_MAX, "addr %s", peer);
}

struct holding {
	uint64_t	hash;		/* of the key; 0 marks an empty slot */
	unsigned	n;
};

struct holdings {
	pthread_mutex_t	 lock;
	struct holding	*slots;		/* linear probing, nslots a power of two */
	size_t		 nslots;
	size_t		 used, max;
};

struct holdings *
holdings_new(size_t max_keys)
{
	struct holdings	*hs;

	if ((hs = calloc(1, sizeof(*hs))) == NULL)
		return NULL;
	if ((hs->slots = slots_new(max_keys, sizeof(*hs->slots), &hs->nslots)) == NULL) {
		free(hs);
		return NULL;
	}
	pthread_mutex_init(&hs->lock, NULL);
	hs->max = max_keys;
	return hs;
}

void
holdings_free(struct holdings *hs)
{
	if (hs == NULL)
		return;
	pthread_mutex_destroy(&hs->lock);
	free(hs->slots);
	free(hs);
}

static struct holding *
holding_of(struct holdings *hs, uint64_t hash)
{
	size_t	i = (size_t)hash & (hs->nslots - 1);

	while (hs->slots[i].hash != 0 && hs->slots[i].hash != hash)
		i = (i + 1) & (hs->nslots - 1);
	return &hs->slots[i];
}

int
holdings_take(struct holdings *hs, const char *key, unsigned cap)
{
	uint64_t	 h = key_hash(key);
	struct holding	*s;
	int		 rc = 0;

	pthread_mutex_lock(&hs->lock);
	s = holding_of(hs, h);
	if (s->hash == 0 && hs->used == hs->max)
		rc = 1;
	else if (s->n >= cap)
		rc = -1;
	else {
		if (s->hash == 0)
			hs->used++;
		s->hash = h;
		s->n++;
	}
	pthread_mutex_unlock(&hs->lock);
	return rc;
}

/*
 * Empties slot i and moves back the keys after it that probed past it, so
 * every key stays reachable from its home slot (Knuth, TAOCP 6.4, algorithm R).
 */
static void
holding_remove(struct holdings *hs, size_t i)
{
	size_t	j = i, home, mask = hs->nslots - 1;

	for (;;) {
		hs->slots[i] = (struct holding){ 0 };
		for (;;) {
			j = (j + 1) & mask;
			if (hs->slots[j].hash == 0)
				return;
			home = (size_t)hs->slots[j].hash & mask;
			/* Stays when its home lies cyclically in (i, j]. */
			if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
				continue;
			break;
		}
		hs->slots[i] = hs->slots[j];
		i = j;
	}
}

void
holdings_give(struct holdings *hs, const char *key)
{
	uint64_t	 h = key_hash(key);
	struct holding	*s;

	pthread_mutex_lock(&hs->lock);
	s = holding_of(hs, h);
	if (s->hash == h && --s->n == 0) {
		holding_remove(hs, (size_t)(s - hs->slots));
		hs->used--;
	}
	pthread_mutex_unlock(&hs->lock);
}
