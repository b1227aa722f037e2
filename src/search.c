/*
 * Full-text search: the words of each review (made once per version of
 * its file, kept by its entry), the inverted index of a snapshot's listed
 * reviews (made with the snapshot, freed with it), queries, snippets and
 * the /search page. Which reviews are listed is the index's to say
 * (index.c); folding is utf8.c's, the page's links gemlog.c's.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "gemlog.h"
#include "gemtext.h"
#include "search.h"
#include "utf8.h"
#include "vocab.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/* What /search asks, and asks again when a query holds no word. */
#define PROMPT	"Search the reviews: a title, a director, a tag or any words"

/* One folded word of a review: where it was found, its first use in the body. */
struct search_term {
	uint32_t	hash;
	uint32_t	name;		/* offset of its bytes in the doc's blob */
	uint32_t	body_at;	/* offset in the file, SEARCH_NOWHERE */
	uint8_t		len;
	uint8_t		fields;		/* SEARCH_IN_* */
};

struct search_doc {
	size_t			 n;
	size_t			 bytes;		/* the whole allocation */
	struct search_term	*terms;		/* after the struct, in the same allocation */
	char			*blob;		/* after the terms */
};

/* A posting: the review (its place in the listed order) and where the word is. */
#define DOC_BITS	24
#define DOCS_MAX	((1u << DOC_BITS) - 1)	/* reviews an index holds: a posting keeps 24 bits */

struct posting {
	uint32_t	doc_fields;	/* doc << 8 | SEARCH_IN_* */
	uint32_t	body_at;
};

/* A word of the index: its bytes (in a doc's blob) and its run of postings. */
struct vocab {
	const char	*name;
	uint32_t	 hash;
	uint32_t	 start, count;
	uint8_t		 len;
};

struct search_index {
	struct entry *const	*docs;
	size_t			 ndocs;
	struct vocab		*vocab;
	size_t			 nvocab, capvocab;
	uint32_t		*slots;		/* open addressing: vocab id + 1, 0 for empty */
	size_t			 nslots;	/* a power of two, at least twice nvocab */
	uint32_t		*bylen;		/* vocab ids by length, for near words */
	size_t			 lenstart[SEARCH_TERM_MAX + 2];
	struct posting		*postings;
	size_t			 npostings;
	size_t			 docbytes;	/* the listed reviews' word lists */
};

/*
 * Near words one query word stands for at most, so that eight words with
 * many spellings each read a bounded number of postings.
 */
#define NEAR_MAX	64
/*
 * What a word found as written adds to a review's score on top of where it
 * was found: more than the fields of every word of a query together
 * (SEARCH_WORDS_MAX * 15), so more words as written always rank higher.
 */
#define EXACT_BONUS	128

/* FNV-1a: short keys, and no reader chooses them against the table (see search_build). */
static uint32_t
hash_of(const char *s, size_t n)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/*
 * The next word of s[*i..len), folded into term (SEARCH_TERM_MAX + 1
 * bytes) and cut there; returns its length, 0 when none is left. *at is
 * where it starts in s. A byte that is not UTF-8 separates words.
 */
static size_t
next_word(const char *s, size_t len, size_t *i, char *term, size_t *at)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 enc[UTF8_SEQ_MAX];
	size_t			 n, m, o = 0;
	unsigned		 cp;
	int			 full = 0;

	for (; *i < len; *i += n) {
		if ((n = utf8_decode(u + *i, len - *i, &cp)) == 0) {
			n = 1;
			cp = ' ';
		}
		if (utf8_is_separator(cp)) {
			if (o > 0)
				break;
			continue;
		}
		if (o == 0)
			*at = *i;
		m = utf8_fold(cp, enc);
		if (full || o + m > SEARCH_TERM_MAX)
			full = 1;
		else {
			memcpy(term + o, enc, m);
			o += m;
		}
	}
	term[o] = '\0';
	return o;
}

/* A word of a review being read, before duplicates are merged. */
struct use {
	uint32_t	hash;
	uint32_t	name;		/* offset in the scratch blob */
	uint32_t	at;		/* offset in the file, SEARCH_NOWHERE outside the body */
	uint8_t		len;
	uint8_t		field;
};

struct reading {
	struct use	*v;
	size_t		 n, cap;
	struct buf	 blob;
	int		 failed;
};

/* Notes every word of s[0..len) as found in field; base is s's offset in the file. */
static void
read_words(struct reading *r, const char *s, size_t len, int field, size_t base)
{
	char		 term[SEARCH_TERM_MAX + 1];
	size_t		 i = 0, at = 0, n;
	struct use	*grown;

	while (!r->failed && (n = next_word(s, len, &i, term, &at)) > 0) {
		if (r->n == r->cap) {
			r->cap = r->cap == 0 ? 256 : r->cap * 2;
			if ((grown = reallocarray(r->v, r->cap, sizeof(*r->v))) == NULL) {
				r->failed = 1;
				return;
			}
			r->v = grown;
		}
		r->v[r->n++] = (struct use){ hash_of(term, n), (uint32_t)r->blob.len,
		    field == SEARCH_IN_BODY ? (uint32_t)(base + at) : SEARCH_NOWHERE,
		    (uint8_t)n, (uint8_t)field };
		buf_append(&r->blob, term, n);
	}
}

/* Where a link line's label starts in its content s[0..n): past the URL and the blanks around it. */
static size_t
label_at(const char *s, size_t n)
{
	size_t	i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The words of a gemtext body: every line but preformatted ones, a link's label but not its URL. */
static void
read_body(struct reading *r, const char *text, size_t len, size_t body)
{
	struct gemtext_reader	 g;
	struct gemtext_line	 l;
	const char		*s, *end;

	gemtext_reader_init(&g, text + body, len - body);
	while (gemtext_next(&g, &l)) {
		if (l.kind == GEMTEXT_PRE || l.kind == GEMTEXT_TOGGLE)
			continue;
		s = l.kind == GEMTEXT_LINK ? l.s + label_at(l.s, l.n) : l.s;
		end = l.s + l.n;
		read_words(r, s, (size_t)(end - s), SEARCH_IN_BODY, (size_t)(s - text));
	}
}

/* By word, then by offset, so the first of a run is its first use in the body; blob holds the words. */
static int
use_cmp(const void *a, const void *b, void *blob)
{
	const struct use	*x = a, *y = b;
	const char		*sort_blob = blob;
	int			 c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((c = memcmp(sort_blob + x->name, sort_blob + y->name, x->len)) != 0)
		return c;
	return (x->at > y->at) - (x->at < y->at);
}

static int
same_word(const struct use *x, const struct use *y, const char *blob)
{
	return x->hash == y->hash && x->len == y->len &&
	    memcmp(blob + x->name, blob + y->name, x->len) == 0;
}

/* Merges the sorted uses of r into one allocation: each word once. */
static struct search_doc *
doc_of(const struct reading *r)
{
	struct search_doc	*d;
	struct search_term	*t;
	size_t			 i, words = 0, bytes = 0;

	for (i = 0; i < r->n; i++)
		if (i == 0 || !same_word(&r->v[i - 1], &r->v[i], r->blob.data)) {
			words++;
			bytes += r->v[i].len;
		}
	bytes += sizeof(*d) + words * sizeof(*t);
	if ((d = malloc(bytes)) == NULL)
		return NULL;
	d->bytes = bytes;
	d->terms = (struct search_term *)(void *)(d + 1);
	d->blob = (char *)(d->terms + words);
	d->n = 0;
	for (i = 0, bytes = 0; i < r->n; i++) {
		if (i > 0 && same_word(&r->v[i - 1], &r->v[i], r->blob.data)) {
			d->terms[d->n - 1].fields |= r->v[i].field;
			continue;
		}
		t = &d->terms[d->n++];
		*t = (struct search_term){ r->v[i].hash, (uint32_t)bytes, r->v[i].at,
		    r->v[i].len, r->v[i].field };
		memcpy(d->blob + bytes, r->blob.data + r->v[i].name, r->v[i].len);
		bytes += r->v[i].len;
	}
	return d;
}

struct search_doc *
search_doc_make(const char *title, const struct tag *directors, size_t ndirectors,
    const struct tag *tags, size_t ntags, const char *text, size_t len, size_t body)
{
	struct reading		 r = { 0 };
	struct search_doc	*d = NULL;
	size_t			 i;

	read_words(&r, title, strlen(title), SEARCH_IN_TITLE, 0);
	for (i = 0; i < ndirectors; i++)
		read_words(&r, directors[i].name, strlen(directors[i].name), SEARCH_IN_DIRECTOR, 0);
	for (i = 0; i < ntags; i++)
		read_words(&r, tags[i].name, strlen(tags[i].name), SEARCH_IN_TAG, 0);
	if (body <= len)
		read_body(&r, text, len, body);
	if (!r.failed && !r.blob.failed) {
		if (r.n > 0)
			qsort_r(r.v, r.n, sizeof(*r.v), use_cmp, r.blob.data);
		d = doc_of(&r);
	}
	free(r.v);
	buf_free(&r.blob);
	return d;
}

void
search_doc_free(struct search_doc *d)
{
	free(d);
}

/* The slot of the word name[0..len) (hash h): its own, or the empty one where it would go. */
static uint32_t *
slot_of(const struct search_index *ix, const char *name, size_t len, uint32_t h)
{
	size_t		 mask = ix->nslots - 1, i = h & mask;
	const struct vocab	*v;

	for (;; i = (i + 1) & mask) {
		if (ix->slots[i] == 0)
			return &ix->slots[i];
		v = &ix->vocab[ix->slots[i] - 1];
		if (v->hash == h && v->len == len && memcmp(v->name, name, len) == 0)
			return &ix->slots[i];
	}
}

/* Doubles the table; -1 when out of memory. */
static int
slots_grow(struct search_index *ix)
{
	uint32_t	*old = ix->slots;
	size_t		 i, n = ix->nslots;

	ix->nslots = n == 0 ? 1024 : n * 2;
	if ((ix->slots = calloc(ix->nslots, sizeof(*ix->slots))) == NULL) {
		ix->slots = old;
		ix->nslots = n;
		return -1;
	}
	for (i = 0; i < n; i++)
		if (old[i] != 0) {
			const struct vocab	*v = &ix->vocab[old[i] - 1];

			*slot_of(ix, v->name, v->len, v->hash) = old[i];
		}
	free(old);
	return 0;
}

/* The id of the word t of doc d, added when new; -1 when out of memory. */
static long
intern(struct search_index *ix, const struct search_doc *d, const struct search_term *t)
{
	const char	*name = d->blob + t->name;
	struct vocab	*grown;
	uint32_t	*slot;

	if ((ix->nvocab + 1) * 2 > ix->nslots && slots_grow(ix) == -1)
		return -1;
	slot = slot_of(ix, name, t->len, t->hash);
	if (*slot != 0)
		return (long)*slot - 1;
	if (ix->nvocab == ix->capvocab) {
		ix->capvocab = ix->capvocab == 0 ? 1024 : ix->capvocab * 2;
		grown = reallocarray(ix->vocab, ix->capvocab, sizeof(*ix->vocab));
		if (grown == NULL)
			return -1;
		ix->vocab = grown;
	}
	ix->vocab[ix->nvocab] = (struct vocab){ name, t->hash, 0, 0, t->len };
	*slot = (uint32_t)++ix->nvocab;
	return (long)ix->nvocab - 1;
}

/* The word of every posting, in order (doc by doc); counts each word's postings. */
static uint32_t *
intern_all(struct search_index *ix)
{
	const struct search_doc	*d;
	uint32_t		*ids;
	size_t			 i, j, k = 0;
	long			 id;

	if ((ids = calloc(ix->npostings + 1, sizeof(*ids))) == NULL)
		return NULL;
	for (i = 0; i < ix->ndocs; i++) {
		if ((d = ix->docs[i]->search) == NULL)
			continue;
		for (j = 0; j < d->n; j++) {
			if ((id = intern(ix, d, &d->terms[j])) == -1) {
				free(ids);
				return NULL;
			}
			ids[k++] = (uint32_t)id;
			ix->vocab[id].count++;
		}
	}
	return ids;
}

/* Lays the postings out word by word (each run in doc order) and the words by length. */
static int
lay_out(struct search_index *ix, const uint32_t *ids)
{
	const struct search_doc	*d;
	struct vocab		*v;
	size_t			 i, j, k = 0, at = 0, fill[SEARCH_TERM_MAX + 2] = { 0 };

	if ((ix->postings = calloc(ix->npostings + 1, sizeof(*ix->postings))) == NULL ||
	    (ix->bylen = calloc(ix->nvocab + 1, sizeof(*ix->bylen))) == NULL)
		return -1;
	for (i = 0; i < ix->nvocab; i++) {
		ix->vocab[i].start = (uint32_t)at;
		at += ix->vocab[i].count;
		ix->vocab[i].count = 0;
		ix->lenstart[ix->vocab[i].len + 1]++;
	}
	for (i = 1; i <= SEARCH_TERM_MAX + 1; i++)
		ix->lenstart[i] += ix->lenstart[i - 1];
	for (i = 0; i < ix->nvocab; i++) {
		j = ix->vocab[i].len;
		ix->bylen[ix->lenstart[j] + fill[j]++] = (uint32_t)i;
	}
	for (i = 0; i < ix->ndocs; i++) {
		if ((d = ix->docs[i]->search) == NULL)
			continue;
		for (j = 0; j < d->n; j++) {
			v = &ix->vocab[ids[k++]];
			ix->postings[v->start + v->count++] = (struct posting){
			    (uint32_t)i << 8 | d->terms[j].fields, d->terms[j].body_at };
		}
	}
	return 0;
}

/*
 * The words are the reviews' own, written by the author: no reader chooses
 * the keys of the table, so a plain hash does.
 */
struct search_index *
search_build(struct entry *const *docs, size_t n)
{
	struct search_index	*ix;
	uint32_t		*ids = NULL;
	size_t			 i;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return NULL;
	ix->docs = docs;
	ix->ndocs = n < DOCS_MAX ? n : DOCS_MAX;
	for (i = 0; i < ix->ndocs; i++)
		if (docs[i]->search != NULL) {
			ix->npostings += docs[i]->search->n;
			ix->docbytes += docs[i]->search->bytes;
		}
	if (slots_grow(ix) == -1 || (ids = intern_all(ix)) == NULL || lay_out(ix, ids) == -1) {
		free(ids);
		search_free(ix);
		return NULL;
	}
	free(ids);
	return ix;
}

void
search_free(struct search_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->vocab);
	free(ix->slots);
	free(ix->bylen);
	free(ix->postings);
	free(ix);
}

size_t
search_bytes(const struct search_index *ix)
{
	return sizeof(*ix) + ix->capvocab * sizeof(*ix->vocab) +
	    ix->nslots * sizeof(*ix->slots) + (ix->nvocab + 1) * sizeof(*ix->bylen) +
	    (ix->npostings + 1) * sizeof(*ix->postings) + ix->docbytes;
}

int
search_parse(const char *q, size_t len, struct search_query *out, const char **reason)
{
	char	term[SEARCH_TERM_MAX + 1];
	size_t	i = 0, at, n;

	out->n = 0;
	if (len > SEARCH_QUERY_MAX) {
		*reason = "Your search is longer than " XSTR(SEARCH_QUERY_MAX) " bytes; "
		    "search again with fewer words";
		return -1;
	}
	if (!utf8_valid(q, len)) {
		*reason = "Your search is not UTF-8 text; search again";
		return -1;
	}
	while ((n = next_word(q, len, &i, term, &at)) > 0) {
		if (out->n == SEARCH_WORDS_MAX) {
			*reason = "Your search has more than " XSTR(SEARCH_WORDS_MAX) " words; "
			    "search again with fewer";
			return -1;
		}
		memcpy(out->words[out->n], term, n + 1);
		out->len[out->n++] = n;
	}
	if (out->n == 0) {
		*reason = PROMPT;
		return -1;
	}
	return 0;
}

int
search_one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	const char	*t;
	size_t		 i = 0, tn;

	if (na > nb) {
		t = a, a = b, b = t;
		tn = na, na = nb, nb = tn;
	}
	if (nb - na > 1)
		return 0;
	while (i < na && a[i] == b[i])
		i++;
	if (na < nb)	/* b has one byte more, at i */
		return memcmp(a + i, b + i + 1, na - i) == 0;
	if (i == na)
		return 0;	/* the same word */
	if (memcmp(a + i + 1, b + i + 1, na - i - 1) == 0)
		return 1;	/* one byte changed */
	return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
	    memcmp(a + i + 2, b + i + 2, na - i - 2) == 0;
}

/* The words of the index that stand for one query word: as written first, then near ones. */
struct candidates {
	uint32_t	ids[NEAR_MAX + 1];
	size_t		n;
	int		exact;		/* ids[0] is the word as written */
};

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Fills c for the word w[0..n): the index's word as written, and those one
 * edit away (looked for among the words one byte shorter to one longer)
 * when w is long enough and not a number.
 */
static void
candidates_of(const struct search_index *ix, const char *w, size_t n, struct candidates *c)
{
	const struct vocab	*v;
	uint32_t		 slot = *slot_of(ix, w, n, hash_of(w, n));
	size_t			 len, i;

	c->n = 0;
	if ((c->exact = slot != 0))
		c->ids[c->n++] = slot - 1;
	if (n < SEARCH_TYPO_MIN || all_digits(w, n))
		return;
	for (len = n - 1; len <= n + 1 && len <= SEARCH_TERM_MAX; len++)
		for (i = ix->lenstart[len]; i < ix->lenstart[len + 1] && c->n <= NEAR_MAX; i++) {
			v = &ix->vocab[ix->bylen[i]];
			if (search_one_edit(w, n, v->name, v->len))
				c->ids[c->n++] = ix->bylen[i];
		}
}

/* What one review has matched so far: how many words, its score, the current word's share. */
struct tally {
	uint8_t		words;
	uint8_t		last;
	uint16_t	score;
};

/* Adds word number k's postings (its candidates c) to the reviews that matched the words before it. */
static void
tally_word(const struct search_index *ix, const struct candidates *c, size_t k,
    struct tally *t)
{
	const struct vocab	*v;
	const struct posting	*p, *end;
	struct tally		*a;
	size_t			 i;
	unsigned		 add;

	for (i = 0; i < c->n; i++) {
		v = &ix->vocab[c->ids[i]];
		end = ix->postings + v->start + v->count;
		for (p = ix->postings + v->start; p < end; p++) {
			a = &t[p->doc_fields >> 8];
			add = (p->doc_fields & 0xff) + (i == 0 && c->exact ? EXACT_BONUS : 0);
			if (a->words == k) {
				a->words++;
				a->score += add;
				a->last = (uint8_t)add;
			} else if (a->words == k + 1 && add > a->last) {
				a->score += add - a->last;
				a->last = (uint8_t)add;
			}
		}
	}
}

/* Puts review doc among the max best of hits[0..*n), which are in order; ties keep the newer. */
static void
keep_best(struct search_hit *hits, size_t *n, size_t max, const struct search_hit *h)
{
	size_t	i = *n;

	if (max == 0 || (*n == max && hits[max - 1].score >= h->score))
		return;
	if (*n < max)
		(*n)++;
	else
		i = max - 1;
	while (i > 0 && hits[i - 1].score < h->score) {
		hits[i] = hits[i - 1];
		i--;
	}
	hits[i] = *h;
}

/* The posting of doc among word id's (in doc order), or NULL. */
static const struct posting *
posting_of(const struct search_index *ix, uint32_t id, size_t doc)
{
	const struct vocab	*v = &ix->vocab[id];
	size_t			 lo = v->start, hi = v->start + v->count, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((ix->postings[mid].doc_fields >> 8) < doc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->start + v->count && (ix->postings[lo].doc_fields >> 8) == doc ?
	    &ix->postings[lo] : NULL;
}

/* Where in its body doc first holds one of the query's words (c[0..n)). */
static uint32_t
first_in_body(const struct search_index *ix, const struct candidates *c, size_t n, size_t doc)
{
	const struct posting	*p;
	uint32_t		 at = SEARCH_NOWHERE;
	size_t			 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < c[i].n; j++)
			if ((p = posting_of(ix, c[i].ids[j], doc)) != NULL && p->body_at < at)
				at = p->body_at;
	return at;
}

size_t
search_run(const struct search_index *ix, const struct search_query *q,
    struct search_hit *hits, size_t max, size_t *total)
{
	struct candidates	 c[SEARCH_WORDS_MAX];
	struct tally		*t;
	struct search_hit	 h;
	size_t			 i, n = 0;

	*total = 0;
	for (i = 0; i < q->n; i++) {
		candidates_of(ix, q->words[i], q->len[i], &c[i]);
		if (c[i].n == 0)
			return 0;	/* every word must match */
	}
	/* One allocation a query, a few bytes a review: no allocation per review. */
	if (q->n == 0 || (t = calloc(ix->ndocs + 1, sizeof(*t))) == NULL)
		return 0;
	for (i = 0; i < q->n; i++)
		tally_word(ix, &c[i], i, t);
	for (i = 0; i < ix->ndocs; i++) {
		if (t[i].words != q->n)
			continue;
		(*total)++;
		h = (struct search_hit){ ix->docs[i], i, t[i].score, SEARCH_NOWHERE };
		keep_best(hits, &n, max, &h);
	}
	free(t);
	for (i = 0; i < n; i++)
		hits[i].body_at = first_in_body(ix, c, q->n, hits[i].doc);
	return n;
}


/* Appends s[0..n) as plain text: controls become spaces, invisible characters and stray bytes go. */
static void
put_plain(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, m;
	unsigned		 cp;

	for (i = 0; i < n; i += m) {
		if ((m = utf8_decode(u + i, n - i, &cp)) == 0)
			m = 1;
		else if (utf8_is_control(cp))
			buf_puts(out, " ");
		else if (!utf8_is_invisible(cp))
			buf_append(out, s + i, m);
	}
}

/* Where the text of the line text[ls..le) starts, past its gemtext marker. */
static size_t
past_marker(const char *text, size_t ls, size_t le)
{
	struct gemtext_reader	r;
	struct gemtext_line	l;

	gemtext_reader_init(&r, text + ls, le - ls);
	if (!gemtext_next(&r, &l))
		return ls;
	if (l.kind == GEMTEXT_TOGGLE)
		return ls + 3;
	if (l.kind == GEMTEXT_LINK)
		return (size_t)(l.s - text) + label_at(l.s, l.n);
	return (size_t)(l.s - text);
}

/*
 * Cuts text[*from..*to), a line holding at, to at most SEARCH_SNIPPET_MAX
 * bytes around at (a third of them before it), at spaces where it can and
 * else on character boundaries. cut_start and cut_end say an end is a cut
 * already (the window read ends inside the line).
 */
static void
cut_around(const char *text, size_t at, size_t *from, size_t *to, int cut_start,
    int cut_end)
{
	size_t	ls = *from, le = *to, i;

	if (le - ls > SEARCH_SNIPPET_MAX) {
		*from = at - ls > SEARCH_SNIPPET_MAX / 3 ? at - SEARCH_SNIPPET_MAX / 3 : ls;
		if (*from + SEARCH_SNIPPET_MAX > le)
			*from = le - SEARCH_SNIPPET_MAX;
		*to = *from + SEARCH_SNIPPET_MAX;
	}
	if (cut_start || *from > ls) {
		for (i = *from; i < at && text[i] != ' '; i++)
			continue;
		*from = i < at ? i + 1 : *from;
		while (*from < at && ((unsigned char)text[*from] & 0xc0) == 0x80)
			(*from)++;
	}
	if (*to < le || cut_end) {
		for (i = *to; i > at && text[i - 1] != ' '; i--)
			continue;
		*to = i > at ? i - 1 : *from + utf8_cut(text + *from, le - *from, *to - *from);
	}
}

void
search_snippet(const char *text, size_t len, size_t at, int flags, struct buf *out)
{
	static const char	 ellipsis[] = "\xe2\x80\xa6";	/* U+2026 */
	size_t			 ls, le, from, to;
	int			 cut_start, cut_end;

	at = at > len ? len : at;
	for (ls = at; ls > 0 && text[ls - 1] != '\n'; ls--)
		continue;
	for (le = at; le < len && text[le] != '\n'; le++)
		continue;
	cut_start = ls == 0 && (flags & SEARCH_CUT_START);
	cut_end = le == len && (flags & SEARCH_CUT_END);
	while (le > ls && text[le - 1] == '\r')
		le--;
	if (!cut_start)
		ls = past_marker(text, ls, le);
	at = at < ls ? ls : at > le ? le : at;
	from = ls;
	to = le;
	cut_around(text, at, &from, &to, cut_start, cut_end);
	if (from > ls || cut_start)
		buf_puts(out, ellipsis);
	put_plain(out, text + from, to - from);
	if (to < le || cut_end)
		buf_puts(out, ellipsis);
}

/* Bytes of a review read around its first word found: the line's start and end, likely. */
#define SNIPPET_RADIUS	(2 * SEARCH_SNIPPET_MAX)

/* Appends h's snippet: its file around its first word found, else its summary. */
static void
snippet_of(int root_fd, const char *dir, const struct search_hit *h, struct buf *out)
{
	const struct entry	*e = h->entry;
	char			 path[PATH_MAX], win[2 * SNIPPET_RADIUS];
	size_t			 from = 0;
	ssize_t			 n = -1;
	int			 fd, m;

	m = snprintf(path, sizeof(path), "%s/%s", dir, e->path);
	if (h->body_at != SEARCH_NOWHERE && m > 0 && (size_t)m < sizeof(path) &&
	    (fd = capsule_open(root_fd, path)) != -1) {
		from = h->body_at > SNIPPET_RADIUS ? h->body_at - SNIPPET_RADIUS : 0;
		n = pread(fd, win, sizeof(win), (off_t)from);
		close(fd);
	}
	/* A file changed since the index was made still gives a line of its own text. */
	if (n > 0 && h->body_at - from < (size_t)n)
		search_snippet(win, (size_t)n, h->body_at - from,
		    (from > 0 ? SEARCH_CUT_START : 0) |
		    ((size_t)n == sizeof(win) ? SEARCH_CUT_END : 0), out);
	else
		search_snippet(e->summary, strlen(e->summary), 0, 0, out);
}

/* Asks for a query, saying why when it is asked again. */
static void
ask(struct response *resp, const char *prompt)
{
	response_set(resp, STATUS_INPUT, "%s", prompt);
	resp->input_bytes = SEARCH_QUERY_MAX;
	resp->input_lines = 1;
}

/*
 * How many were found, with the reader's words in a line of text: they
 * start no line, so nothing typed becomes a link, heading or menu item.
 */
static void
found_line(struct buf *b, const char *q, size_t len, size_t n, size_t total)
{
	if (total == 0)
		buf_puts(b, "No review holds every word of «");
	else
		buf_printf(b, "%zu review%s for «", total, total == 1 ? "" : "s");
	put_plain(b, q, len);
	if (total > n)
		buf_printf(b, "», the %zu best:\n\n", n);
	else
		buf_puts(b, total == 0 ? "».\n" : "», best first:\n\n");
}

/* The page of results for q, read from the reader's text in[0..len). */
static void
results(const struct search_index *ix, const struct search_query *q, const char *in,
    size_t len, int root_fd, const char *dir, struct buf *b)
{
	struct search_hit	*hits;
	size_t			 i, n, total, mark;

	if ((hits = calloc(SEARCH_RESULTS_MAX, sizeof(*hits))) == NULL) {
		b->failed = 1;
		return;
	}
	n = search_run(ix, q, hits, SEARCH_RESULTS_MAX, &total);
	buf_puts(b, "# Search\n\n");
	found_line(b, in, len, n, total);
	for (i = 0; i < n; i++) {
		buf_append(b, hits[i].entry->link, hits[i].entry->link_len);
		mark = b->len;
		buf_puts(b, "> ");
		snippet_of(root_fd, dir, &hits[i], b);
		if (!b->failed && b->len == mark + 2)
			b->len = mark;	/* nothing to show */
		else
			buf_puts(b, "\n");
	}
	buf_puts(b, "\n=> /search Search again\n=> / Home\n");
	free(hits);
}

void
search_answer(const struct search_index *ix, const struct request *req, int root_fd,
    const char *dir, const char *lang, struct response *resp)
{
	struct search_query	 q;
	struct buf		 page = { 0 };
	const char		*reason;

	if (req->input_error != NULL) {
		ask(resp, "Your search could not be read; search again");
		return;
	}
	if (req->input == NULL) {
		ask(resp, PROMPT);
		return;
	}
	if (search_parse(req->input, req->input_len, &q, &reason) == -1) {
		ask(resp, reason);
		return;
	}
	results(ix, &q, req->input, req->input_len, root_fd, dir, &page);
	if (page.failed) {
		buf_free(&page);
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
		return;
	}
	response_gemtext(resp, lang);
	response_take_body(resp, &page);
}
