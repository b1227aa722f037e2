/*
 * The reader of "guestbook export" lines (gbexport.h): a flat JSON object
 * of strings, unsigned numbers, booleans and null, decoded into a record
 * and checked. Writing them is gbtool.c's.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gbexport.h"
#include "utf8.h"

/* Where parsing is, and what the object said so far. */
struct cursor {
	const char	*p, *end;
	const char	*why;		/* set at the first error */
};

/* What one object's keys set. */
struct fields {
	unsigned	 seen;		/* a bit per key of keys[] */
	unsigned long long id, parent;
	char		 when[32];
	char		 like[SLUG_MAX + 1];
	int		 hidden, owner, held, imported;
};

static void
skip_space(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int
expect(struct cursor *c, char ch)
{
	skip_space(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 0;
	}
	c->why = c->why != NULL ? c->why : "not an export line: malformed JSON";
	return -1;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned	d;
	int		i;

	for (*v = 0, i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = (unsigned)(p[i] - '0');
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			d = (unsigned)((p[i] | 0x20) - 'a' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* A \u escape at c->p (after the backslash and u), a surrogate pair as one; 0, or -1. */
static int
unicode_escape(struct cursor *c, unsigned *cp)
{
	unsigned	lo;

	if (c->end - c->p < 4 || hex4(c->p, cp) == -1)
		return -1;
	c->p += 4;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return -1;
	if (*cp < 0xd800 || *cp > 0xdbff)
		return *cp == 0 ? -1 : 0;	/* a NUL would cut the field */
	if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' || hex4(c->p + 2, &lo) == -1 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return -1;
	c->p += 6;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* One escape after a backslash, appended to out[*n]; 0, or -1. */
static int
string_escape(struct cursor *c, char *out, size_t size, size_t *n)
{
	static const char	from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char		*e;
	unsigned		 cp;

	if (c->p >= c->end)
		return -1;
	if (*c->p == 'u') {
		c->p++;
		if (unicode_escape(c, &cp) == -1 || size - *n < 5)
			return -1;
		*n += utf8_encode(cp, out + *n);
		return 0;
	}
	if ((e = strchr(from, *c->p)) == NULL || *c->p == '\0' || size - *n < 2)
		return -1;
	out[(*n)++] = to[e - from];
	c->p++;
	return 0;
}

/*
 * A JSON string into out (size bytes, NUL-terminated; NULL to pass over
 * it), its length in *len. Too long for out, a control byte unescaped, a
 * bad escape or bytes that are not UTF-8: -1.
 */
static int
string(struct cursor *c, char *out, size_t size, size_t *len)
{
	char	scratch[8];
	size_t	n = 0;

	if (expect(c, '"') == -1)
		return -1;
	if (out == NULL) {
		out = scratch;
		size = sizeof(scratch);
	}
	while (c->p < c->end && *c->p != '"') {
		if ((unsigned char)*c->p < 0x20)
			goto bad;
		if (*c->p == '\\') {
			c->p++;
			if (string_escape(c, out, size, &n) == -1)
				goto bad;
		} else if (size - n < 2)
			goto bad;
		else
			out[n++] = *c->p++;
		if (out == scratch)
			n = 0;
	}
	if (c->p >= c->end || !utf8_valid(out, n))
		goto bad;
	c->p++;
	out[n] = '\0';
	*len = n;
	return 0;
bad:
	c->why = "a string too long for its field, or malformed";
	return -1;
}

/* An unsigned number of at most 19 digits (no sign, fraction or exponent); 0, or -1. */
static int
number(struct cursor *c, unsigned long long *v)
{
	size_t	digits = 0;

	skip_space(c);
	for (*v = 0; c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 20; c->p++, digits++)
		*v = *v * 10 + (unsigned long long)(*c->p - '0');
	if (digits == 0 || digits > 19) {
		c->why = "a number that is not an id";
		return -1;
	}
	return 0;
}

/* The literal word (true, false, null) at c->p; 1 when it is there. */
static int
word(struct cursor *c, const char *w)
{
	size_t	n = strlen(w);

	skip_space(c);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

static int
boolean(struct cursor *c, int *v)
{
	if (word(c, "true"))
		*v = 1;
	else if (word(c, "false"))
		*v = 0;
	else {
		c->why = "a flag that is neither true nor false";
		return -1;
	}
	return 0;
}

/* The keys an export line may have; any other is passed over, for later versions' fields. */
enum key { K_ID, K_TIME, K_REVIEW, K_AUTHOR, K_FINGERPRINT, K_TEXT, K_HIDDEN, K_PARENT,
	K_OWNER, K_HELD, K_IMPORTED, K_LIKE, K_BAN, K_OTHER };
static const char *const keys[] = { "id", "time", "review", "author", "fingerprint", "text",
	"hidden", "parent", "owner", "held", "imported", "like", "ban" };

/* A value nobody reads: a string, number or literal. */
static int
other_value(struct cursor *c)
{
	unsigned long long	n;
	size_t			len;

	skip_space(c);
	if (c->p < c->end && *c->p == '"')
		return string(c, NULL, 0, &len);
	if (word(c, "true") || word(c, "false") || word(c, "null"))
		return 0;
	return number(c, &n);
}

/* The value of key k into f and r. */
static int
value(struct cursor *c, enum key k, struct fields *f, struct record *r)
{
	size_t	len;

	switch (k) {
	case K_ID:		return number(c, &f->id);
	case K_TIME:		return string(c, f->when, sizeof(f->when), &len);
	case K_REVIEW:		return string(c, r->slug, sizeof(r->slug), &len);
	case K_AUTHOR:		return string(c, r->author, sizeof(r->author), &len);
	case K_FINGERPRINT:	return string(c, r->fingerprint, sizeof(r->fingerprint), &len);
	case K_TEXT:
	case K_BAN:		return string(c, r->text, sizeof(r->text), &r->text_len);
	case K_HIDDEN:		return boolean(c, &f->hidden);
	case K_PARENT:		return word(c, "null") ? 0 : number(c, &f->parent);
	case K_OWNER:		return boolean(c, &f->owner);
	case K_HELD:		return boolean(c, &f->held);
	case K_IMPORTED:	return boolean(c, &f->imported);
	case K_LIKE:		return string(c, f->like, sizeof(f->like), &len);
	case K_OTHER:		return other_value(c);
	}
	return -1;
}

/* Every "key": value of the object into f and r; 0, or -1 with c->why. */
static int
object(struct cursor *c, struct fields *f, struct record *r)
{
	char		name[32];
	size_t		len;
	enum key	k;

	if (expect(c, '{') == -1)
		return -1;
	skip_space(c);
	if (c->p < c->end && *c->p == '}') {
		c->why = "not an export line: an empty object";
		return -1;
	}
	do {
		if (string(c, name, sizeof(name), &len) == -1)
			return -1;
		for (k = K_ID; k < K_OTHER && strcmp(name, keys[k]) != 0; k++)
			continue;
		if (k < K_OTHER && (f->seen & 1U << k)) {
			c->why = "a key given twice";
			return -1;
		}
		f->seen |= k < K_OTHER ? 1U << k : 0;
		if (expect(c, ':') == -1 || value(c, k, f, r) == -1)
			return -1;
		skip_space(c);
	} while (c->p < c->end && *c->p == ',' && c->p++);
	if (expect(c, '}') == -1)
		return -1;
	skip_space(c);
	if (c->p != c->end) {
		c->why = "not an export line: more after the object";
		return -1;
	}
	return 0;
}

/* "2026-11-25T09:12:12Z", as export writes a time, into seconds since the epoch; -1 when it is not one. */
static long long
time_of(const char *s)
{
	struct tm	tm = { 0 };
	char		z = 0, tail;
	time_t		t;

	if (strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &tail) != 7 || z != 'Z' ||
	    tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return (t = timegm(&tm)) == (time_t)-1 ? -1 : (long long)t;
}

/* Whether r is a record the log could hold: it formats, and parses back the same. */
static int
storable(const struct record *r)
{
	char		 line[RECORD_MAX + 1];
	struct record	 back;
	const char	*reason;
	size_t		 n;

	if ((n = record_format(r, line, sizeof(line))) == 0 ||
	    record_parse(line, n - 1, &back, &reason) == -1)
		return 0;
	return back.text_len == r->text_len && memcmp(back.text, r->text, r->text_len) == 0 &&
	    strcmp(back.author, r->author) == 0 && strcmp(back.slug, r->slug) == 0;
}

/* The log's form: 64 lower-case hex digits (fingerprint_bytes takes no other). */
static int
fingerprint_ok(const char *hex, int empty_ok)
{
	unsigned char	key[FINGERPRINT_BYTES];

	return hex[0] == '\0' ? empty_ok : fingerprint_bytes(hex, key) == 0;
}

/* The entry the fields describe; NULL, or why it is not one. */
static const char *
entry_of(const struct fields *f, struct gbexport_item *out)
{
	struct record	*r = &out->rec;
	const unsigned	 needed = 1U << K_ID | 1U << K_TIME | 1U << K_REVIEW | 1U << K_AUTHOR |
			    1U << K_TEXT;

	if ((f->seen & needed) != needed)
		return "an entry without its id, time, review, author or text";
	out->kind = GBEXPORT_ENTRY;
	r->kind = RECORD_ENTRY;
	r->id = f->id;
	r->parent = f->parent;
	r->flags = (f->owner ? RECORD_OWNER : 0) | (f->held ? RECORD_HELD : 0) |
	    (f->imported ? RECORD_IMPORTED : 0);
	out->hidden = f->hidden;
	if (r->id == 0)
		return "an entry whose id is 0";
	if ((r->time = time_of(f->when)) == -1)
		return "an entry whose time is not YYYY-MM-DDTHH:MM:SSZ";
	if (!fingerprint_ok(r->fingerprint, 1))
		return "an entry whose fingerprint is not 64 lower-case hex digits";
	if (r->text_len == 0 || r->author[0] == '\0' || !storable(r))
		return "an entry whose text or author could not be a record";
	return NULL;
}

/* The like or ban the fields describe; NULL, or why it is not one. */
static const char *
other_of(const struct fields *f, struct gbexport_item *out)
{
	struct record	*r = &out->rec;

	if (f->seen & 1U << K_LIKE) {
		out->kind = GBEXPORT_LIKE;
		r->kind = RECORD_LIKE;
		memcpy(r->slug, f->like, sizeof(r->slug));
		if (!(f->seen & 1U << K_FINGERPRINT) || !fingerprint_ok(r->fingerprint, 0))
			return "a like without the liker's fingerprint";
		return storable(r) ? NULL : "a like whose review could not be a record";
	}
	if (f->seen & 1U << K_BAN) {
		out->kind = GBEXPORT_BAN;
		r->kind = RECORD_BAN;
		return r->text_len > 0 ? NULL : "a ban without its target";
	}
	return "not an export line: no id, like or ban";
}

int
gbexport_parse(const char *line, size_t len, struct gbexport_item *out, const char **reason)
{
	struct cursor	c = { line, line + len, NULL };
	struct fields	f;
	const char	*why;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (len > GBEXPORT_LINE_MAX) {
		*reason = "a line longer than any export line";
		return -1;
	}
	if (object(&c, &f, &out->rec) == -1) {
		*reason = c.why != NULL ? c.why : "not an export line: malformed JSON";
		return -1;
	}
	why = f.seen & 1U << K_ID ? entry_of(&f, out) : other_of(&f, out);
	if (why != NULL) {
		*reason = why;
		return -1;
	}
	return 0;
}
