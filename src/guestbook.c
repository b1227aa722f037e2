/*
 * The guestbook's in-memory view and its queue of appends: what the pages
 * read (entries, the topics and families they are said on, likes, bans,
 * holds), the one function through which a record read back from a store
 * changes it, and the queue that a store's committer takes batches from.
 * Keeping the records durably is a store's: gbfile.c (the append-only
 * log) or gbpg.c (PostgreSQL), chosen by the configured guestbook. What
 * the owner types at the shell is gbtool.c's.
 */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gbstore.h"
#include "guestbook.h"
#include "gbwhere.h"
#include "log.h"
#include "review.h"
#include "vocab.h"

/* Appends waiting at once; past this a reader is told to come back later. */
#define QUEUE_MAX	4096

/* SHA-256 fingerprints as bytes, in open addressing; the zero key marks a free slot. */
struct keyset {
	unsigned char	(*keys)[FINGERPRINT_BYTES];
	size_t		  n, cap;	/* cap a power of two, or 0 */
};

/* What is said on one review (or the guestbook): its entries, oldest first, and likes. */
struct topic {
	char		 *slug;		/* the stem the records name; NULL for an empty slot */
	struct gb_entry	**v;
	size_t		  n, cap;
	struct keyset	  likes;	/* the certificates that like it */
};

/*
 * The stems one identity's records are stored under: 2026-02-01-heat and
 * 2026-03-01-heat are both heat's (review_identity). A review's views
 * gather the topics of its identities, so a review whose date changes
 * keeps what was said on it, and the log never changes.
 */
struct family {
	const char	 *identity;	/* points into stems[0]; NULL for a free slot */
	const char	**stems;	/* the topics' own strings */
	size_t		  n;
};

/* What the store holds, as read back; everything under gb_lock. */
struct store {
	struct gb_entry	**all;		/* by id */
	size_t		  n, cap;
	struct topic	 *topics;	/* open addressing by slug, ntopics a power of two */
	size_t		  ntopics, used;
	struct family	 *families;	/* open addressing by identity, likewise */
	size_t		  nfamilies, families_used;
	unsigned long long last_id;	/* the highest */
	int		  any_order;	/* ids may come lower than last_id (gb_ids_any_order) */
	struct keyset	  known;	/* certificates with a shown or approved entry */
	char		**bans;		/* banned targets, in the order banned */
	size_t		  nbans;
};

/* One capsule's guestbook: what it holds, its queue, and the store that keeps it. */
struct guestbook {
	pthread_mutex_t		 gb_lock;
	struct store		 store;		/* under gb_lock */
	/*
	 * Bumped once a record is applied to store, still under gb_lock: a
	 * page made after reading a value shows at least what store held then.
	 */
	atomic_ullong		 generation;

	pthread_mutex_t		 queue_lock;	/* taken before gb_lock, never after */
	struct append		*queue_head, **queue_tail;
	size_t			 queue_len;
	int			 queue_closed;
	atomic_int		 unavailable;	/* the store's: submit refuses at once */

	struct gb_store		*backend;	/* owned */
	int			 queue_fd;
	pthread_t		 committer;
	int			 committer_started;
};

static uint64_t
text_hash(uint64_t h, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;	/* a separator, so "ab"+"c" is not "a"+"bc" */
}

static size_t
slug_slot(const struct topic *t, size_t n, const char *slug)
{
	size_t	i = (size_t)text_hash(0xcbf29ce484222325ULL, slug, strlen(slug)) & (n - 1);

	while (t[i].slug != NULL && strcmp(t[i].slug, slug) != 0)
		i = (i + 1) & (n - 1);
	return i;
}

static int
topics_grow(struct store *s)
{
	struct topic	*t;
	size_t		 n = s->ntopics == 0 ? 64 : s->ntopics * 2, i;

	if ((t = calloc(n, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < s->ntopics; i++)
		if (s->topics[i].slug != NULL)
			t[slug_slot(t, n, s->topics[i].slug)] = s->topics[i];
	free(s->topics);
	s->topics = t;
	s->ntopics = n;
	return 0;
}

static size_t
family_slot(const struct family *f, size_t n, const char *identity)
{
	size_t	i = (size_t)text_hash(0xcbf29ce484222325ULL, identity, strlen(identity)) & (n - 1);

	while (f[i].identity != NULL && strcmp(f[i].identity, identity) != 0)
		i = (i + 1) & (n - 1);
	return i;
}

/* The family of identity; NULL for none. */
static const struct family *
family_of(const struct store *s, const char *identity)
{
	const struct family	*f;

	if (s->nfamilies == 0)
		return NULL;
	f = &s->families[family_slot(s->families, s->nfamilies, identity)];
	return f->identity != NULL ? f : NULL;
}

static int
families_grow(struct store *s)
{
	struct family	*f;
	size_t		 n = s->nfamilies == 0 ? 64 : s->nfamilies * 2, i;

	if ((f = calloc(n, sizeof(*f))) == NULL)
		return -1;
	for (i = 0; i < s->nfamilies; i++)
		if (s->families[i].identity != NULL)
			f[family_slot(f, n, s->families[i].identity)] = s->families[i];
	free(s->families);
	s->families = f;
	s->nfamilies = n;
	return 0;
}

/* Files the stem (a topic's own string, which outlives the family) under its identity. */
static int
family_add(struct store *s, const char *stem)
{
	const char	 *identity = review_identity(stem), **nv;
	struct family	 *f;

	if (2 * (s->families_used + 1) > s->nfamilies && families_grow(s) == -1)
		return -1;
	f = &s->families[family_slot(s->families, s->nfamilies, identity)];
	if ((nv = reallocarray(f->stems, f->n + 1, sizeof(*nv))) == NULL)
		return -1;
	f->stems = nv;
	f->stems[f->n++] = stem;
	if (f->identity == NULL) {
		f->identity = identity;
		s->families_used++;
	}
	return 0;
}

static struct topic *
topic_of(struct store *s, const char *slug, int create)
{
	struct topic	*t;
	char		*own;

	if (s->ntopics > 0) {
		t = &s->topics[slug_slot(s->topics, s->ntopics, slug)];
		if (t->slug != NULL || !create)
			return t->slug != NULL ? t : NULL;
	}
	if (!create)
		return NULL;
	if (2 * (s->used + 1) > s->ntopics && topics_grow(s) == -1)
		return NULL;
	if ((own = strdup(slug)) == NULL || family_add(s, own) == -1) {
		free(own);
		return NULL;
	}
	t = &s->topics[slug_slot(s->topics, s->ntopics, slug)];
	t->slug = own;
	s->used++;
	return t;
}

/*
 * Where a fingerprint goes. A SHA-256 is uniform, but a reader chooses the
 * key it hashes: one who tries keys until their fingerprints share the
 * bits a slot is taken from would make every look-up walk one long run of
 * slots. All 32 bytes are mixed with a key drawn at start, which the reader
 * does not know.
 */
static uint64_t
key_hash(const unsigned char key[FINGERPRINT_BYTES])
{
	static _Atomic uint64_t	 secret;
	uint64_t		 s = atomic_load(&secret), drawn = 0, h, w;
	size_t			 i;

	if (s == 0) {
		if (getrandom(&drawn, sizeof(drawn), 0) != sizeof(drawn))
			drawn = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
		drawn |= 1;
		/* One key for the process: the first drawn wins, the others take it. */
		s = atomic_compare_exchange_strong(&secret, &s, drawn) ? drawn : s;
	}
	for (h = s, i = 0; i < FINGERPRINT_BYTES; i += sizeof(w)) {
		memcpy(&w, key + i, sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h;
}

static size_t
key_slot(const struct keyset *k, const unsigned char key[FINGERPRINT_BYTES])
{
	static const unsigned char	 zero[FINGERPRINT_BYTES];
	size_t				 i;

	for (i = key_hash(key) & (k->cap - 1); memcmp(k->keys[i], zero, FINGERPRINT_BYTES) != 0 &&
	    memcmp(k->keys[i], key, FINGERPRINT_BYTES) != 0; i = (i + 1) & (k->cap - 1))
		continue;
	return i;
}

static int
keyset_holds(const struct keyset *k, const unsigned char key[FINGERPRINT_BYTES])
{
	return k->cap > 0 && memcmp(k->keys[key_slot(k, key)], key, FINGERPRINT_BYTES) == 0;
}

static int
keyset_has(const struct keyset *k, const char *hex)
{
	unsigned char	key[FINGERPRINT_BYTES];

	return fingerprint_bytes(hex, key) == 0 && keyset_holds(k, key);
}

/* Adds the fingerprint hex: 1 when new, 0 when there already or not one, -1 when out of memory. */
static int
keyset_add(struct keyset *k, const char *hex)
{
	unsigned char	 key[FINGERPRINT_BYTES], (*old)[FINGERPRINT_BYTES] = k->keys;
	size_t		 i, ocap = k->cap;

	if (fingerprint_bytes(hex, key) == -1 || keyset_holds(k, key))
		return 0;
	if (2 * (k->n + 1) > k->cap) {
		k->cap = ocap == 0 ? 16 : 2 * ocap;
		if ((k->keys = calloc(k->cap, sizeof(*k->keys))) == NULL) {
			k->keys = old;
			k->cap = ocap;
			return -1;
		}
		for (i = 0; i < ocap; i++)
			if (memcmp(old[i], (unsigned char[FINGERPRINT_BYTES]){ 0 }, FINGERPRINT_BYTES) != 0)
				memcpy(k->keys[key_slot(k, old[i])], old[i], FINGERPRINT_BYTES);
		free(old);
	}
	memcpy(k->keys[key_slot(k, key)], key, FINGERPRINT_BYTES);
	k->n++;
	return 1;
}

/* Room in *v for one more entry; -1 when out of memory. */
static int
reserve(struct gb_entry ***v, size_t *n, size_t *cap)
{
	struct gb_entry	**nv;
	size_t		  ncap;

	if (*n == *cap) {
		ncap = *cap == 0 ? 4 : *cap * 2;
		if ((nv = reallocarray(*v, ncap, sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	return 0;
}

/* Puts e in *v (room reserved) in id order: at the end, unless ids come out of order. */
static void
insert(struct gb_entry **v, size_t *n, struct gb_entry *e)
{
	size_t	i;

	for (i = *n; i > 0 && v[i - 1]->id > e->id; i--)
		v[i] = v[i - 1];
	v[i] = e;
	(*n)++;
}

/* One allocation holds the entry and its strings; the store owns it. */
static struct gb_entry *
entry_new(const struct record *r)
{
	size_t		 slug = strlen(r->slug) + 1, author = strlen(r->author) + 1;
	struct gb_entry	*e;
	char		*p;

	if ((e = calloc(1, sizeof(*e) + slug + author + r->text_len + 1)) == NULL)
		return NULL;
	p = (char *)(e + 1);
	e->id = r->id;
	e->time = r->time;
	e->slug = memcpy(p, r->slug, slug);
	e->author = memcpy(p + slug, r->author, author);
	e->text = memcpy(p + slug + author, r->text, r->text_len + 1);
	e->text_len = r->text_len;
	memcpy(e->fingerprint, r->fingerprint, sizeof(e->fingerprint));
	e->owner = (r->flags & RECORD_OWNER) != 0;
	e->held = (r->flags & RECORD_HELD) != 0;
	e->imported = (r->flags & RECORD_IMPORTED) != 0;
	return e;
}

static int
id_cmp(const void *key, const void *elem)
{
	unsigned long long	id = *(const unsigned long long *)key;
	unsigned long long	other = (*(struct gb_entry *const *)elem)->id;

	return id < other ? -1 : id > other;
}

static struct gb_entry *
entry_find(const struct store *s, unsigned long long id)
{
	struct gb_entry	**e;

	if (s->n == 0)
		return NULL;
	e = bsearch(&id, s->all, s->n, sizeof(*s->all), id_cmp);
	return e != NULL ? *e : NULL;
}

/* The entry a reply answers, which must be on the same review; NULL with *reason. */
static struct gb_entry *
parent_of(const struct store *s, const struct record *r, const char **reason)
{
	struct gb_entry	*up;

	if ((up = entry_find(s, r->parent)) == NULL)
		*reason = reasonf("answers entry %llu, which the log does not hold", r->parent);
	else if (strcmp(up->slug, r->slug) != 0) {
		*reason = reasonf("answers entry %llu, on another review", r->parent);
		up = NULL;
	}
	return up;
}

/* Whether an entry record may come now: a new id, and past the last one but with any_order. */
static int
entry_fits(const struct store *s, const struct record *r, const char **reason)
{
	if (r->id == 0 || (r->id <= s->last_id && (!s->any_order || entry_find(s, r->id) != NULL))) {
		*reason = reasonf("entry id %llu repeats or goes back", r->id);
		return -1;
	}
	return 0;
}

/* Adds an entry record to s. */
static int
store_entry(struct store *s, const struct record *r, const char **reason)
{
	struct gb_entry	*e = NULL, *up = NULL;
	struct topic	*t;

	if (entry_fits(s, r, reason) == -1)
		return -1;
	if (r->parent != 0 && (up = parent_of(s, r, reason)) == NULL)
		return -1;
	*reason = "out of memory";
	if ((e = entry_new(r)) == NULL || (t = topic_of(s, r->slug, 1)) == NULL ||
	    (up != NULL && reserve(&up->replies, &up->nreplies, &up->replies_cap) == -1) ||
	    reserve(&t->v, &t->n, &t->cap) == -1 || reserve(&s->all, &s->n, &s->cap) == -1) {
		free(e);
		return -1;
	}
	if (up != NULL)
		insert(up->replies, &up->nreplies, e);
	insert(t->v, &t->n, e);
	insert(s->all, &s->n, e);
	e->parent = up;
	if (r->id > s->last_id)
		s->last_id = r->id;
	if (!e->held && keyset_add(&s->known, e->fingerprint) == -1)
		log_warn("guestbook: out of memory; entry %llu's author held as new", e->id);
	return 0;
}

/* Adds a ban, or takes one away. */
static int
store_ban(struct store *s, const struct record *r, const char **reason)
{
	char	**nv;
	size_t	  i;

	for (i = 0; i < s->nbans && strcmp(s->bans[i], r->text) != 0; i++)
		continue;
	if (r->kind == RECORD_UNBAN) {
		if (i < s->nbans) {
			free(s->bans[i]);
			memmove(&s->bans[i], &s->bans[i + 1], (s->nbans - i - 1) * sizeof(*s->bans));
			s->nbans--;
		}
		return 0;
	}
	if (i < s->nbans)
		return 0;
	if ((nv = reallocarray(s->bans, s->nbans + 1, sizeof(*nv))) == NULL ||
	    (nv[s->nbans] = strdup(r->text)) == NULL) {
		if (nv != NULL)
			s->bans = nv;
		*reason = "out of memory";
		return -1;
	}
	s->bans = nv;
	s->nbans++;
	return 0;
}

/* Adds what one record says to s; -1 with *reason when it cannot be applied. */
static int
store_apply(struct store *s, const struct record *r, const char **reason)
{
	struct gb_entry	*e;
	struct topic	*t;

	switch (r->kind) {
	case RECORD_ENTRY:
		return store_entry(s, r, reason);
	case RECORD_LIKE:
		if ((t = topic_of(s, r->slug, 1)) == NULL || keyset_add(&t->likes, r->fingerprint) == -1) {
			*reason = "out of memory";
			return -1;
		}
		return 0;
	case RECORD_BAN:
	case RECORD_UNBAN:
		return store_ban(s, r, reason);
	default:
		break;
	}
	if ((e = entry_find(s, r->id)) == NULL) {
		*reason = reasonf("names entry %llu, which the log does not hold", r->id);
		return -1;
	}
	if (r->kind == RECORD_APPROVE) {
		e->held = 0;
		(void)keyset_add(&s->known, e->fingerprint);
	} else
		e->hidden = r->kind == RECORD_HIDE;
	return 0;
}

static void
store_free(struct store *s)
{
	size_t	i;

	for (i = 0; i < s->ntopics; i++) {
		free(s->topics[i].slug);
		free(s->topics[i].v);
		free(s->topics[i].likes.keys);
	}
	for (i = 0; i < s->n; i++) {
		free(s->all[i]->replies);
		free(s->all[i]);
	}
	for (i = 0; i < s->nbans; i++)
		free(s->bans[i]);
	for (i = 0; i < s->nfamilies; i++)
		free(s->families[i].stems);
	free(s->families);
	free(s->bans);
	free(s->known.keys);
	free(s->topics);
	free(s->all);
	memset(s, 0, sizeof(*s));
}

/* --- What the stores call ------------------------------------------------- */

int
gb_apply(struct guestbook *gb, const struct record *r, const char **reason)
{
	int	rc;

	pthread_mutex_lock(&gb->gb_lock);
	if ((rc = store_apply(&gb->store, r, reason)) == 0)
		atomic_fetch_add(&gb->generation, 1);
	pthread_mutex_unlock(&gb->gb_lock);
	return rc;
}

void
gb_ids_any_order(struct guestbook *gb)
{
	gb->store.any_order = 1;
}

unsigned long long
gb_last_id(struct guestbook *gb)
{
	unsigned long long	id;

	pthread_mutex_lock(&gb->gb_lock);
	id = gb->store.last_id;
	pthread_mutex_unlock(&gb->gb_lock);
	return id;
}

size_t
gb_count(struct guestbook *gb)
{
	size_t	n;

	pthread_mutex_lock(&gb->gb_lock);
	n = gb->store.n;
	pthread_mutex_unlock(&gb->gb_lock);
	return n;
}

int
gb_has_like(struct guestbook *gb, const char *slug, const char *fingerprint)
{
	struct topic	*t;
	int		 liked;

	pthread_mutex_lock(&gb->gb_lock);
	t = topic_of(&gb->store, slug, 0);
	liked = t != NULL && keyset_has(&t->likes, fingerprint);
	pthread_mutex_unlock(&gb->gb_lock);
	return liked;
}

/* Whether r can be applied to what the view holds now; -1 with *reason. Under gb_lock. */
static int
append_check(struct store *s, const struct record *r, const char **reason)
{
	if (r->kind == RECORD_ENTRY)
		return r->parent != 0 && parent_of(s, r, reason) == NULL ? -1 : 0;
	if (r->kind >= RECORD_LIKE || entry_find(s, r->id) != NULL)
		return 0;
	*reason = reasonf("no entry %llu", r->id);
	return -1;
}

/*
 * Whether v[i] of a batch may be appended: its parent is an entry of the
 * view on its review, or an earlier entry of the batch (up[i], from 1) on
 * its review. -1 with *reason. Under gb_lock.
 */
static int
batch_entry_check(struct store *s, const struct record *v, const size_t *up, size_t i,
    const char **reason)
{
	if (v[i].kind != RECORD_ENTRY) {
		*reason = "a batch holds entries only";
		return -1;
	}
	if (up == NULL || up[i] == 0)
		return append_check(s, &v[i], reason);
	if (up[i] > i || strcmp(v[up[i] - 1].slug, v[i].slug) != 0) {
		*reason = reasonf("entry %zu of the batch answers one after it or on another "
		    "review", i);
		return -1;
	}
	return 0;
}

int
gb_check(struct guestbook *gb, const struct record *v, size_t n, const size_t *up, int many,
    const char **reason)
{
	size_t	i;
	int	rc = 0;

	pthread_mutex_lock(&gb->gb_lock);
	for (i = 0; i < n && rc == 0; i++)
		rc = many ? batch_entry_check(&gb->store, v, up, i, reason) :
		    append_check(&gb->store, &v[i], reason);
	pthread_mutex_unlock(&gb->gb_lock);
	return rc;
}

/* --- Appending ------------------------------------------------------------ */

/* The append a pending handed to a response stands for. */
static struct append *
append_of(struct pending *p)
{
	return (struct append *)(void *)((char *)p - offsetof(struct append, base));
}

static void
append_put(struct append *p)
{
	if (atomic_fetch_sub(&p->refs, 1) == 1)
		free(p);
}

static void
append_put_pending(struct pending *p)
{
	append_put(append_of(p));
}

static int
append_wait(struct pending *pending, void (*wake)(void *), void *arg)
{
	struct append	*p = append_of(pending);
	int		 settled;

	pthread_mutex_lock(&p->gb->queue_lock);
	if (!(settled = p->settled)) {
		p->wake = wake;
		p->arg = arg;
	}
	pthread_mutex_unlock(&p->gb->queue_lock);
	return settled;
}

static void
append_cancel(struct pending *pending)
{
	struct append	*p = append_of(pending);

	pthread_mutex_lock(&p->gb->queue_lock);
	p->wake = NULL;
	p->arg = NULL;
	pthread_mutex_unlock(&p->gb->queue_lock);
}

static const struct pending_ops append_ops = {
	.wait = append_wait,
	.put = append_put_pending,
	.cancel = append_cancel,
};

unsigned long long
guestbook_generation(const struct guestbook *gb)
{
	/* C17's atomic_load takes no const object; this reads, and never writes. */
	return gb != NULL ? atomic_load(&((struct guestbook *)gb)->generation) : 0;
}

int
pending_result(const struct pending *pending, unsigned long long *id, const char **reason)
{
	const struct append	*p = (const struct append *)(const void *)
				    ((const char *)pending - offsetof(struct append, base));

	*id = p->id;
	*reason = p->reason;
	return p->reason == NULL ? 0 : -1;
}

/*
 * The duplicate check's digest of what the client sent: the same on every
 * instance, so a database can compare what two instances took. "Thanks!"
 * to two readers is two replies, not one sent twice: the entry answered
 * counts.
 */
static int
append_digest(struct append *p, const char *client)
{
	char		 head[64];
	EVP_MD_CTX	*ctx;
	int		 n, ok;

	n = snprintf(head, sizeof(head), "%llu", p->rec.parent);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(ctx, client, strlen(client) + 1) &&
	    EVP_DigestUpdate(ctx, p->rec.slug, strlen(p->rec.slug) + 1) &&
	    EVP_DigestUpdate(ctx, head, (size_t)n + 1) &&
	    EVP_DigestUpdate(ctx, p->rec.text, p->rec.text_len) &&
	    EVP_DigestFinal_ex(ctx, p->dedupe, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

struct pending *
guestbook_submit(struct guestbook *gb, const struct record *r, const char *client,
    const char **reason)
{
	struct append	*p;
	uint64_t	 one = 1;

	if (atomic_load(&gb->unavailable)) {
		*reason = GUESTBOOK_UNAVAILABLE;
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	p->base.ops = &append_ops;
	p->gb = gb;
	p->rec = *r;
	if (append_digest(p, client) == -1) {
		free(p);
		*reason = "out of memory";
		return NULL;
	}
	atomic_init(&p->refs, 2);
	pthread_mutex_lock(&gb->queue_lock);
	if (gb->queue_closed || gb->queue_len == QUEUE_MAX) {
		pthread_mutex_unlock(&gb->queue_lock);
		free(p);
		*reason = gb->queue_closed ? "the guestbook is closed" : "too many responses at once";
		return NULL;
	}
	*gb->queue_tail = p;
	gb->queue_tail = &p->next;
	gb->queue_len++;
	pthread_mutex_unlock(&gb->queue_lock);
	(void)!write(gb->queue_fd, &one, sizeof(one));
	return &p->base;
}

int
gb_queue_fd(const struct guestbook *gb)
{
	return gb->queue_fd;
}

void
gb_set_unavailable(struct guestbook *gb, int unavailable)
{
	atomic_store(&gb->unavailable, unavailable);
}

/*
 * Settles every append of the batch with the outcome the committer gave
 * it and wakes its waiter, all under queue_lock, so a connection that
 * gives up (pending_cancel) is never woken after.
 */
void
gb_settle(struct guestbook *gb, struct append *batch)
{
	struct append	*p, *next;

	pthread_mutex_lock(&gb->queue_lock);
	for (p = batch; p != NULL; p = p->next) {
		p->settled = 1;
		if (p->wake != NULL)
			p->wake(p->arg);
	}
	pthread_mutex_unlock(&gb->queue_lock);
	for (p = batch; p != NULL; p = next) {
		next = p->next;
		append_put(p);
	}
}

void
gb_queue_fail(struct guestbook *gb, const char *why)
{
	struct append	*p;

	pthread_mutex_lock(&gb->queue_lock);
	gb->queue_closed = 1;
	p = gb->queue_head;
	gb->queue_head = NULL;
	gb->queue_tail = &gb->queue_head;
	gb->queue_len = 0;
	pthread_mutex_unlock(&gb->queue_lock);
	for (struct append *q = p; q != NULL; q = q->next) {
		q->id = 0;
		q->reason = why;
	}
	gb_settle(gb, p);
}

struct append *
gb_batch_take(struct guestbook *gb, size_t max, int *closed)
{
	struct append	*batch, **cut;
	size_t		 n = 0;

	pthread_mutex_lock(&gb->queue_lock);
	batch = gb->queue_head;
	for (cut = &gb->queue_head; *cut != NULL && n < max; cut = &(*cut)->next)
		n++;
	gb->queue_head = *cut;
	*cut = NULL;
	if (gb->queue_head == NULL)
		gb->queue_tail = &gb->queue_head;
	gb->queue_len -= n;
	*closed = gb->queue_closed && gb->queue_head == NULL;
	pthread_mutex_unlock(&gb->queue_lock);
	return batch;
}

/* --- Opening and closing ----------------------------------------------------- */

/* An empty view with its queue closed; freed by guestbook_close. */
static struct guestbook *
guestbook_new(const char **reason)
{
	struct guestbook	*gb;

	if ((gb = calloc(1, sizeof(*gb))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	pthread_mutex_init(&gb->gb_lock, NULL);
	pthread_mutex_init(&gb->queue_lock, NULL);
	gb->queue_tail = &gb->queue_head;
	gb->queue_closed = 1;
	gb->queue_fd = -1;
	atomic_init(&gb->unavailable, 0);
	return gb;
}

/* The view of where (a log path or a postgresql:// URI) for host; NULL with *reason. */
static struct guestbook *
guestbook_make(const char *where, const char *host, int server, int writable,
    const char **reason)
{
	struct guestbook	*gb;
	int			 rc;

	if ((gb = guestbook_new(reason)) == NULL)
		return NULL;
	if (server && (gb->queue_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		*reason = reasonf("guestbook: eventfd: %s", strerror(errno));
		goto fail;
	}
	rc = gbwhere_is_postgresql(where) ?
	    gbpg_open(gb, where, host, server, &gb->backend, reason) :
	    gbfile_open(gb, where, server, writable, &gb->backend, reason);
	if (rc == 0)
		return gb;
fail:
	guestbook_close(gb);
	return NULL;
}

struct guestbook *
guestbook_open(const char *where, const char *host, const char **reason)
{
	return guestbook_make(where, host, 1, 1, reason);
}

int
guestbook_start(struct guestbook *gb, const char **reason)
{
	int	rc;

	gb->queue_closed = 0;
	if ((rc = pthread_create(&gb->committer, NULL, gb->backend->ops->run, gb->backend)) != 0) {
		gb->queue_closed = 1;
		*reason = reasonf("pthread_create: %s", strerror(rc));
		return -1;
	}
	gb->committer_started = 1;
	return 0;
}

void
guestbook_close(struct guestbook *gb)
{
	uint64_t	one = 1;

	if (gb == NULL)
		return;
	pthread_mutex_lock(&gb->queue_lock);
	gb->queue_closed = 1;
	pthread_mutex_unlock(&gb->queue_lock);
	if (gb->committer_started) {
		(void)!write(gb->queue_fd, &one, sizeof(one));
		pthread_join(gb->committer, NULL);
		gb->committer_started = 0;
	}
	if (gb->backend != NULL)
		gb->backend->ops->free(gb->backend);
	if (gb->queue_fd != -1)
		close(gb->queue_fd);
	store_free(&gb->store);
	pthread_mutex_destroy(&gb->gb_lock);
	pthread_mutex_destroy(&gb->queue_lock);
	free(gb);
}

/* --- Reading for pages ------------------------------------------------------- */

/* A list of thread items being built; failed sticks. */
struct items {
	struct gb_item	*v;
	size_t		 n, cap;
	int		 failed;
};

static void
items_add(struct items *it, const struct gb_entry *e, unsigned depth)
{
	struct gb_item	*nv;
	size_t		 ncap;

	if (it->failed)
		return;
	if (it->n == it->cap) {
		ncap = it->cap == 0 ? 32 : 2 * it->cap;
		if ((nv = reallocarray(it->v, ncap, sizeof(*nv))) == NULL) {
			it->failed = 1;
			return;
		}
		it->v = nv;
		it->cap = ncap;
	}
	it->v[it->n++] = (struct gb_item){ e, depth };
}

static int
shown(const struct gb_entry *e)
{
	return !e->hidden && !e->held;
}

/* A reply walk's place: the entry whose replies are being added, and the next of them. */
struct walk {
	const struct gb_entry	*entry;
	size_t			 next;
};

/*
 * Adds e (shown) and the shown replies under it, depth first; under gb_lock.
 * The walk keeps its own stack: a chain of replies thousands deep must not
 * exhaust a worker thread's.
 */
static void
items_add_thread(struct items *it, const struct gb_entry *e, unsigned depth)
{
	struct walk	*stack = NULL, *grown, *top;
	size_t		 n = 0, cap = 0;

	items_add(it, e, depth);
	while (e != NULL && !it->failed) {
		if (n == cap) {
			cap = cap == 0 ? 16 : 2 * cap;
			if ((grown = reallocarray(stack, cap, sizeof(*stack))) == NULL) {
				it->failed = 1;
				break;
			}
			stack = grown;
		}
		stack[n++] = (struct walk){ e, 0 };
		e = NULL;
		/* Back up to the deepest entry with a shown reply left; it is the next e. */
		while (n > 0 && e == NULL) {
			top = &stack[n - 1];
			if (top->next == top->entry->nreplies)
				n--;
			else if (shown(top->entry->replies[top->next]))
				e = top->entry->replies[top->next++];
			else
				top->next++;
		}
		if (e != NULL)
			items_add(it, e, depth + (unsigned)n);
	}
	free(stack);
}

/* Reverses the roots of the newest-first walk into oldest first, keeping each thread in order. */
static void
roots_oldest_first(struct items *it)
{
	struct gb_item	*v;
	size_t		 end = it->n, start, out = 0;

	if (it->failed || it->n == 0 || (v = reallocarray(NULL, it->n, sizeof(*v))) == NULL) {
		it->failed |= it->n > 0;
		return;
	}
	while (end > 0) {
		for (start = end - 1; it->v[start].depth != 0; start--)
			continue;
		memcpy(v + out, it->v + start, (end - start) * sizeof(*v));
		out += end - start;
		end = start;
	}
	free(it->v);
	it->v = v;
}

/* Hands over the list as *v and *n: 0, or -1 with nothing (NULL, 0) when it failed. */
static int
items_give(struct items *it, struct gb_item **v, size_t *n)
{
	if (it->failed) {
		free(it->v);
		it->v = NULL;
		it->n = 0;
	}
	*v = it->v;
	*n = it->n;
	return it->failed ? -1 : 0;
}

/*
 * The topics of every stem of the identities on, into *t (allocated, the
 * caller frees; NULL when none); how many, or -1 when out of memory. Under
 * gb_lock.
 */
static ssize_t
topics_on(struct store *s, const struct gb_names *on, struct topic ***t)
{
	const struct family	*f[GB_NAMES_MAX];
	struct topic		*one;
	size_t			 i, j, nf = 0, total = 0, k = 0;

	*t = NULL;
	for (i = 0; i < on->n && i < GB_NAMES_MAX; i++)
		if ((f[nf] = family_of(s, on->v[i])) != NULL)
			total += f[nf++]->n;
	if (total == 0)
		return 0;
	if ((*t = reallocarray(NULL, total, sizeof(**t))) == NULL)
		return -1;
	/* Names are distinct identities, and a stem has one: no topic comes twice. */
	for (i = 0; i < nf; i++)
		for (j = 0; j < f[i]->n; j++)
			if ((one = topic_of(s, f[i]->stems[j], 0)) != NULL)
				(*t)[k++] = one;
	return (ssize_t)k;
}

static int
entry_order(const void *a, const void *b)
{
	unsigned long long	x = (*(struct gb_entry *const *)a)->id;
	unsigned long long	y = (*(struct gb_entry *const *)b)->id;

	return x < y ? -1 : x > y;
}

/*
 * The entries on names (NULL for all) into *from, oldest first, and how
 * many in *n. One name reads its topic's list as it is; several are put
 * in one list, *owned, which the caller frees. -1 when out of memory.
 * Under gb_lock.
 */
static int
entries_on(struct store *s, const struct gb_names *on, struct gb_entry ***from, size_t *n,
    struct gb_entry ***owned)
{
	struct topic	**t;
	struct gb_entry	**v = NULL;
	size_t		  i, total = 0;
	ssize_t		  k;

	*owned = NULL;
	*from = on == NULL ? s->all : NULL;
	*n = on == NULL ? s->n : 0;
	if (on == NULL || (k = topics_on(s, on, &t)) == 0)
		return 0;
	if (k == -1)
		return -1;
	if (k == 1) {
		*from = t[0]->v;
		*n = t[0]->n;
		free(t);
		return 0;
	}
	for (i = 0; i < (size_t)k; i++)
		total += t[i]->n;
	if ((v = reallocarray(NULL, total + 1, sizeof(*v))) != NULL) {
		for (total = 0, i = 0; i < (size_t)k; i++) {
			memcpy(v + total, t[i]->v, t[i]->n * sizeof(*v));
			total += t[i]->n;
		}
		/* Ids grow with time: in id order is oldest first. */
		qsort(v, total, sizeof(*v), entry_order);
		*from = *owned = v;
		*n = total;
	}
	free(t);
	return v != NULL ? 0 : -1;
}

int
guestbook_threads(struct guestbook *gb, const struct gb_names *on, size_t skip, size_t max,
    int newest_first, struct gb_item **v, size_t *n, size_t *roots)
{
	struct items	  it = { 0 };
	struct gb_entry	**from, **owned;
	size_t		  i, total, seen = 0;

	pthread_mutex_lock(&gb->gb_lock);
	it.failed = entries_on(&gb->store, on, &from, &total, &owned) == -1;
	/* Newest first, to skip the newest; turned oldest first below when asked. */
	for (i = total; i-- > 0;) {
		if (from[i]->parent != NULL || !shown(from[i]))
			continue;
		if (seen++ >= skip && seen - skip <= max)
			items_add_thread(&it, from[i], 0);
	}
	pthread_mutex_unlock(&gb->gb_lock);
	free(owned);
	if (!newest_first)
		roots_oldest_first(&it);
	*roots = seen;
	return items_give(&it, v, n);
}

/*
 * Whether e is shown where it stands in its thread: neither it nor an entry
 * it answers is hidden or held. *depth is how many it answers; under gb_lock.
 */
static int
shown_in_thread(const struct gb_entry *e, unsigned *depth)
{
	for (*depth = 0; e != NULL && shown(e); e = e->parent)
		(*depth)++;
	if (*depth > 0)
		(*depth)--;
	return e == NULL;
}

int
guestbook_entry(struct guestbook *gb, unsigned long long id, struct gb_item **v, size_t *n)
{
	struct items		 it = { 0 };
	const struct gb_entry	*e;
	unsigned		 depth;

	pthread_mutex_lock(&gb->gb_lock);
	if ((e = entry_find(&gb->store, id)) != NULL && shown_in_thread(e, &depth))
		items_add_thread(&it, e, 0);
	pthread_mutex_unlock(&gb->gb_lock);
	/* Nothing shown is no page either. */
	return items_give(&it, v, n) == -1 || *n == 0 ? -1 : 0;
}

const struct gb_entry *
guestbook_shown(struct guestbook *gb, unsigned long long id)
{
	const struct gb_entry	*e;
	unsigned		 depth;

	pthread_mutex_lock(&gb->gb_lock);
	if ((e = entry_find(&gb->store, id)) != NULL && !shown_in_thread(e, &depth))
		e = NULL;
	pthread_mutex_unlock(&gb->gb_lock);
	return e;
}

int
guestbook_latest(struct guestbook *gb, const struct gb_names *on, size_t max,
    struct gb_item **v, size_t *n)
{
	struct items	  it = { 0 };
	struct gb_entry	**from, **owned;
	size_t		  i, total;
	unsigned	  depth;

	pthread_mutex_lock(&gb->gb_lock);
	it.failed = entries_on(&gb->store, on, &from, &total, &owned) == -1;
	/* Ids grow with time, and each list is in id order: newest last. */
	for (i = total; i-- > 0 && it.n < max;)
		if (shown_in_thread(from[i], &depth))
			items_add(&it, from[i], depth);
	pthread_mutex_unlock(&gb->gb_lock);
	free(owned);
	return items_give(&it, v, n);
}

/*
 * The certificates that like the review of names: those of its first
 * topic, then those of the others that no topic before holds, so a reader
 * who liked it under two names counts once.
 */
size_t
guestbook_likes(struct guestbook *gb, const struct gb_names *on)
{
	static const unsigned char	 zero[FINGERPRINT_BYTES];
	struct topic			**t;
	size_t				  i, j, slot, n = 0;
	ssize_t				  k;

	pthread_mutex_lock(&gb->gb_lock);
	k = topics_on(&gb->store, on, &t);
	for (i = 0; k > 0 && i < (size_t)k; i++) {
		if (i == 0) {
			n = t[0]->likes.n;
			continue;
		}
		for (slot = 0; slot < t[i]->likes.cap; slot++) {
			if (memcmp(t[i]->likes.keys[slot], zero, FINGERPRINT_BYTES) == 0)
				continue;
			for (j = 0; j < i && !keyset_holds(&t[j]->likes, t[i]->likes.keys[slot]); j++)
				continue;
			n += j == i;
		}
	}
	pthread_mutex_unlock(&gb->gb_lock);
	free(t);
	return n;
}

int
guestbook_liked(struct guestbook *gb, const struct gb_names *on, const char *fingerprint)
{
	struct topic	**t;
	ssize_t		  i, k;
	int		  liked = 0;

	pthread_mutex_lock(&gb->gb_lock);
	k = topics_on(&gb->store, on, &t);
	for (i = 0; i < k && !liked; i++)
		liked = keyset_has(&t[i]->likes, fingerprint);
	pthread_mutex_unlock(&gb->gb_lock);
	free(t);
	return liked;
}

int
guestbook_banned(struct guestbook *gb, const char *target)
{
	size_t	i;
	int	banned = 0;

	pthread_mutex_lock(&gb->gb_lock);
	for (i = 0; i < gb->store.nbans && !banned; i++)
		banned = strcmp(gb->store.bans[i], target) == 0;
	pthread_mutex_unlock(&gb->gb_lock);
	return banned;
}

int
guestbook_known(struct guestbook *gb, const char *fingerprint)
{
	int	known;

	pthread_mutex_lock(&gb->gb_lock);
	known = keyset_has(&gb->store.known, fingerprint);
	pthread_mutex_unlock(&gb->gb_lock);
	return known;
}

int
guestbook_held(struct guestbook *gb, unsigned long long id)
{
	const struct gb_entry	*e;
	int			 held;

	pthread_mutex_lock(&gb->gb_lock);
	held = (e = entry_find(&gb->store, id)) != NULL && e->held;
	pthread_mutex_unlock(&gb->gb_lock);
	return held;
}

/* --- For the owner's commands (gbtool.c) ------------------------------------- */

struct guestbook *
guestbook_load(const char *where, const char *host, int writable, const char **reason)
{
	return guestbook_make(where, host, 0, writable, reason);
}

size_t
guestbook_all(struct guestbook *gb, struct gb_entry *const **v)
{
	*v = gb->store.all;
	return gb->store.n;
}

unsigned
guestbook_problems(struct guestbook *gb)
{
	return gb->backend->ops->problems(gb->backend);
}

const struct gb_entry *
guestbook_find(struct guestbook *gb, unsigned long long id)
{
	return entry_find(&gb->store, id);
}

size_t
guestbook_bans(struct guestbook *gb, char *const **v)
{
	*v = gb->store.bans;
	return gb->store.nbans;
}

void
guestbook_each_like(struct guestbook *gb,
    void (*fn)(void *arg, const char *slug, const char *fingerprint), void *arg)
{
	static const unsigned char	 zero[FINGERPRINT_BYTES];
	const struct topic		*t;
	char				 hex[FINGERPRINT_HEX];
	size_t				 i, k, j;

	for (i = 0; i < gb->store.ntopics; i++) {
		t = &gb->store.topics[i];
		for (k = 0; t->slug != NULL && k < t->likes.cap; k++) {
			if (memcmp(t->likes.keys[k], zero, FINGERPRINT_BYTES) == 0)
				continue;
			for (j = 0; j < FINGERPRINT_BYTES; j++)
				snprintf(hex + 2 * j, 3, "%02x", t->likes.keys[k][j]);
			fn(arg, t->slug, hex);
		}
	}
}

int
guestbook_append(struct guestbook *gb, struct record *r, const char **reason)
{
	return gb->backend->ops->append(gb->backend, r, 1, NULL, 0, reason);
}

int
guestbook_append_many(struct guestbook *gb, struct record *v, size_t n, const size_t *up,
    const char **reason)
{
	return gb->backend->ops->append(gb->backend, v, n, up, 1, reason);
}

int
guestbook_import(struct guestbook *gb, struct record *v, size_t n, const char **reason)
{
	return n == 0 ? 0 : gb->backend->ops->import(gb->backend, v, n, reason);
}

int
guestbook_ids_any_order(struct guestbook *gb)
{
	return gb->store.any_order;
}
