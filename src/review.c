/*
 * Review files: the format is described in review.h. Everything here works
 * on the caller's bytes and a struct it owns.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "review.h"
#include "utf8.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

int
slugify(const char *in, size_t len, char *out, size_t outsize)
{
	const unsigned char	*s = (const unsigned char *)in;
	char			 enc[UTF8_SEQ_MAX];
	size_t			 i, n, m, o = 0;
	unsigned		 cp;
	int			 gap = 0;

	if (outsize == 0)
		return -1;
	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0)
			goto fail;
		if (utf8_is_separator(cp)) {
			gap = o > 0;	/* never a leading '-' */
			continue;
		}
		if ((m = utf8_fold(cp, enc)) == 0)
			continue;	/* a combining accent */
		if (o + (size_t)gap + m >= outsize)
			goto fail;
		if (gap)
			out[o++] = '-';
		gap = 0;
		memcpy(out + o, enc, m);
		o += m;
	}
	if (o == 0)
		goto fail;
	out[o] = '\0';
	return 0;
fail:
	out[0] = '\0';
	return -1;
}

int
date_valid(const char *s, size_t len)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int			y, m, d, leap;
	size_t			i;

	if (len != DATE_SIZE - 1 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < len; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1000 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Trims blanks from both ends of s[0..*len) and returns the new start. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len > 0 && is_blank(*s))
		s++, (*len)--;
	while (*len > 0 && is_blank(s[*len - 1]))
		(*len)--;
	return s;
}

/*
 * Copies s[0..len), valid UTF-8, into out without its control characters
 * but TAB: they would break the Atom feed (XML 1.0 section 2.2 allows no
 * other C0), a Gemini header or a Gopher menu line, and on a terminal they
 * are commands. Cut on a character boundary to fit. Returns the REVIEW_WARN_*
 * bits for what was done: REVIEW_WARN_CONTROL, REVIEW_WARN_LONG_VALUE.
 */
static unsigned
copy_value(char *out, size_t outsize, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n, o = 0;
	unsigned		 cp, warn = 0;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			break;		/* not reached: review_parse checked the file */
		if (cp != '\t' && utf8_is_control(cp)) {
			warn |= REVIEW_WARN_CONTROL;
			continue;
		}
		if (o + n >= outsize) {
			warn |= REVIEW_WARN_LONG_VALUE;
			break;
		}
		memcpy(out + o, s + i, n);
		o += n;
	}
	out[o] = '\0';
	return warn;
}

/*
 * Notes problem bit on the line being read, with what it is about: detail,
 * then more (either may be ""), cut to fit.
 */
static void
problem(struct review *r, unsigned bit, const char *detail, size_t len, const char *more)
{
	struct review_problem	*p;
	size_t			 n;

	r->warnings |= bit;
	if (r->nproblems++ >= REVIEW_PROBLEMS_MAX)
		return;
	p = &r->problems[r->nproblems - 1];
	p->what = bit;
	p->line = r->line;
	n = len < sizeof(p->detail) - 1 ? len : sizeof(p->detail) - 1;
	/* Cut on a character boundary: detail is UTF-8, and so is what is shown. */
	while (n > 0 && n < len && ((unsigned char)detail[n] & 0xc0) == 0x80)
		n--;
	memcpy(p->detail, detail, n);
	p->detail[n] = '\0';
	if (n + strlen(more) < sizeof(p->detail))
		memcpy(p->detail + n, more, strlen(more) + 1);
}

/* The bits of warn, each as a problem on the line being read. */
static void
problems(struct review *r, unsigned warn)
{
	unsigned	bit;

	for (bit = 1; warn != 0; bit <<= 1) {
		if (warn & bit)
			problem(r, bit, "", 0, "");
		warn &= ~bit;
	}
}

static void
set_field(struct review *r, char *field, size_t size, const char *v, size_t len)
{
	problems(r, copy_value(field, size, v, len));
}

/* Case-insensitive match of key[0..len) against a lower-case ASCII name. */
static int
key_is(const char *key, size_t len, const char *name)
{
	size_t	i;

	for (i = 0; i < len && name[i] != '\0'; i++)
		if (ascii_lower((unsigned char)key[i]) != (unsigned char)name[i])
			return 0;
	return i == len && name[i] == '\0';
}

/* Where add_name puts names: tags or directors. */
struct names {
	struct review_tag	*v;
	size_t			*n;
	size_t			 max;
};

/* Adds a tag or director (s[0..len), trimmed): one per slug, so "Drama" and "drama" are one tag. */
static void
add_name(struct review *r, void *arg, const char *s, size_t len)
{
	struct names		*to = arg;
	struct review_tag	 t;
	size_t			 i;
	unsigned		 warn;

	s = trim(s, &len);
	if (len == 0)
		return;		/* "drama, , romance" and a trailing comma */
	warn = copy_value(t.name, sizeof(t.name), s, len);
	problems(r, warn & REVIEW_WARN_CONTROL);
	if (slugify(t.name, strlen(t.name), t.slug, sizeof(t.slug)) == -1) {
		problem(r, REVIEW_WARN_BAD_TAG, s, len, "");
		return;
	}
	for (i = 0; i < *to->n; i++)
		if (strcmp(to->v[i].slug, t.slug) == 0)
			return;
	if (*to->n == to->max) {
		problem(r, REVIEW_WARN_TOO_MANY_TAGS, s, len, "");
		return;
	}
	problems(r, warn & ~REVIEW_WARN_CONTROL);
	t.line = r->line;
	to->v[(*to->n)++] = t;
}

/* Calls part for each piece of s[0..len) between the bytes in seps. */
static void
each_part(struct review *r, const char *s, size_t len, const char *seps,
    void (*part)(struct review *, void *, const char *, size_t), void *arg)
{
	size_t	n;

	for (;;) {
		for (n = 0; n < len && strchr(seps, s[n]) == NULL; n++)
			continue;
		part(r, arg, s, n);
		if (n == len)
			return;
		s += n + 1;
		len -= n + 1;
	}
}

static void
set_tags(struct review *r, const char *v, size_t len)
{
	struct names	to = { r->tags, &r->ntags, REVIEW_TAGS_MAX };

	each_part(r, v, len, ",", add_name, &to);
}

/* "Director: A, B" and "Director: A & B" list the film under both; a second line replaces the first. */
static void
set_directors(struct review *r, const char *v, size_t len)
{
	struct names	to = { r->directors, &r->ndirectors, REVIEW_DIRECTORS_MAX };

	r->ndirectors = 0;
	each_part(r, v, len, ",&", add_name, &to);
}

/*
 * Returns the year written as four digits, so that "20012" is a typo rather
 * than a film from the future, or -1.
 */
static int
year_value(const char *v, size_t len)
{
	int	year = 0;
	size_t	i;

	if (len != 4)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		year = year * 10 + (v[i] - '0');
	}
	return year;
}

static void
set_year(struct review *r, const char *v, size_t len)
{
	int	year;

	if ((year = year_value(v, len)) < REVIEW_YEAR_MIN) {
		problem(r, REVIEW_WARN_BAD_YEAR, v, len, "");
		return;
	}
	r->year = year;
}

/* Two digits at s, as a number from 0 to 99; -1 when they are not digits. */
static int
two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * The time after a Date:'s date, "THH:MM" or " HH:MM", ":SS" optional, then
 * "Z" or "+HH:MM" or "-HH:MM" optional (UTC without one): seconds into the
 * day, offset applied, in *secs. -1 when malformed.
 */
static int
time_of_day(const char *s, size_t len, long long *secs)
{
	int	h, m, sec = 0, oh, om;
	size_t	i = 6;

	if (len < 6 || (s[0] != 'T' && s[0] != ' ') || s[3] != ':' ||
	    (h = two_digits(s + 1)) < 0 || h > 23 || (m = two_digits(s + 4)) < 0 || m > 59)
		return -1;
	if (len >= 9 && s[6] == ':') {
		if ((sec = two_digits(s + 7)) < 0 || sec > 59)
			return -1;
		i = 9;
	}
	*secs = h * 3600LL + m * 60LL + sec;
	if (i == len || (i + 1 == len && s[i] == 'Z'))
		return 0;
	if (len != i + 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':' ||
	    (oh = two_digits(s + i + 1)) < 0 || oh > 23 || (om = two_digits(s + i + 4)) < 0 ||
	    om > 59)
		return -1;
	/* 18:00+02:00 is 16:00 UTC. */
	*secs -= (s[i] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
	return 0;
}

/* Days since 1970-01-01 of a valid date (Howard Hinnant's days_from_civil). */
static long long
days_of(const char *d)
{
	long long	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	unsigned	m = (unsigned)two_digits(d + 5), day = (unsigned)two_digits(d + 8);
	unsigned	yoe, doy, doe;
	long long	era;

	y -= m <= 2;
	era = y / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

long long
date_seconds(const char *date)
{
	return days_of(date) * 86400;
}

static void
set_date(struct review *r, const char *v, size_t len)
{
	long long	secs = 0;

	if (len < DATE_SIZE - 1 || !date_valid(v, DATE_SIZE - 1) ||
	    (len > DATE_SIZE - 1 && time_of_day(v + DATE_SIZE - 1, len - (DATE_SIZE - 1), &secs) == -1)) {
		problem(r, REVIEW_WARN_BAD_DATE, v, len, "");
		return;
	}
	memcpy(r->date, v, DATE_SIZE - 1);
	r->date[DATE_SIZE - 1] = '\0';
	r->published = date_seconds(v) + secs;
}

/* "4", "3.5", "4/5", "3.5/5": halves of a star from 0 to REVIEW_RATING_MAX. */
static void
set_rating(struct review *r, const char *v, size_t len)
{
	int	halves;

	if (len >= 2 && v[len - 2] == '/' && v[len - 1] == '0' + REVIEW_RATING_MAX)
		len -= 2;
	r->rating = -1;
	if (len == 1 && v[0] >= '0' && v[0] <= '9')
		halves = 2 * (v[0] - '0');
	else if (len == 3 && v[0] >= '0' && v[0] <= '9' && (v[1] == '.' || v[1] == ',') &&
	    (v[2] == '0' || v[2] == '5'))
		halves = 2 * (v[0] - '0') + (v[2] == '5');
	else
		halves = -1;
	if (halves < 0 || halves > 2 * REVIEW_RATING_MAX) {
		problem(r, REVIEW_WARN_BAD_RATING, v, len, "");
		return;
	}
	r->rating = halves;
}

/* "Draft: yes" keeps a review unpublished; anything but yes or no is a mistake, kept safe. */
static void
set_draft(struct review *r, const char *v, size_t len)
{
	r->draft = 1;
	if (len == 2 && (v[0] | 0x20) == 'n' && (v[1] | 0x20) == 'o')
		r->draft = 0;
	else if (!(len == 3 && (v[0] | 0x20) == 'y' && (v[1] | 0x20) == 'e' && (v[2] | 0x20) == 's'))
		problem(r, REVIEW_WARN_BAD_DRAFT, v, len, "");
}

static void
set_country(struct review *r, const char *v, size_t len)
{
	set_field(r, r->country, sizeof(r->country), v, len);
}

/*
 * Imported-From: the page a review was first published on, which the
 * review page links to: an http, https or gemini URL with nothing a link
 * line could not hold (spaces, controls), else ignored and reported.
 */
static void
set_imported_from(struct review *r, const char *v, size_t len)
{
	static const char *const schemes[] = { "http://", "https://", "gemini://" };
	size_t	i, ok = 0;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		ok |= len > strlen(schemes[i]) && strncasecmp(v, schemes[i], strlen(schemes[i])) == 0;
	for (i = 0; ok && i < len; i++)
		ok = (unsigned char)v[i] > ' ' && v[i] != 0x7f && (unsigned char)v[i] < 0x80;
	if (!ok || len > REVIEW_URL_MAX) {
		problem(r, REVIEW_WARN_BAD_IMPORTED, v, len, "");
		return;
	}
	memcpy(r->imported_from, v, len);
	r->imported_from[len] = '\0';
}

static void
set_starring(struct review *r, const char *v, size_t len)
{
	set_field(r, r->starring, sizeof(r->starring), v, len);
}

/* Whether s[0..n) ends with suffix, in any case. */
static int
has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t	m = strlen(suffix);

	return n >= m && key_is(s + n - m, m, suffix);
}

/*
 * One slug of a Was: line: what a file name's stem may be, with or without
 * its date (the index keeps the part without), a .gmi or .txt written after
 * it set aside. A slug no file could have ('/', a space or tab, a leading
 * dot) is reported and left out.
 */
static void
add_was(struct review *r, void *arg, const char *s, size_t len)
{
	(void)arg;
	s = trim(s, &len);
	if (len > 4 && (has_suffix(s, len, ".gmi") || has_suffix(s, len, ".txt")))
		len -= 4;
	if (len == 0)
		return;
	if (len > REVIEW_NAME_MAX || memchr(s, '/', len) != NULL || s[0] == '.' ||
	    memchr(s, ' ', len) != NULL || memchr(s, '\t', len) != NULL ||
	    r->nwas == REVIEW_WAS_MAX) {
		problem(r, REVIEW_WARN_BAD_WAS, s, len, "");
		return;
	}
	memcpy(r->was[r->nwas].slug, s, len);
	r->was[r->nwas].slug[len] = '\0';
	r->was[r->nwas++].line = r->line;
}

static void
set_was(struct review *r, const char *v, size_t len)
{
	each_part(r, v, len, ",", add_was, NULL);
}

/* The keys marquee reads, lower-case, and what reads each. */
static const struct known_key {
	const char	*name;
	void		(*set)(struct review *, const char *, size_t);
} known_keys[] = {
	{ "director", set_directors },
	{ "year", set_year },
	{ "country", set_country },
	{ "starring", set_starring },
	{ "rating", set_rating },
	{ "tags", set_tags },
	{ "date", set_date },
	{ "was", set_was },
	{ "draft", set_draft },
	{ "imported-from", set_imported_from },
};

/*
 * Edits (insert, delete, change; ASCII case ignored) that turn a into b,
 * or more than 2 once it is sure to be: "Directer" is one from "director".
 */
static size_t
edits_up_to_2(const char *a, size_t n, const char *b)
{
	size_t	m = strlen(b), i, j, row[REVIEW_KEY_MAX + 1], diag, up, best;

	if (n > REVIEW_KEY_MAX || m > REVIEW_KEY_MAX || (n > m ? n - m : m - n) > 2)
		return 3;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		diag = row[0];
		row[0] = best = i;
		for (j = 1; j <= m; j++) {
			up = row[j];
			row[j] = diag + (ascii_lower((unsigned char)a[i - 1]) != (unsigned char)b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
			best = row[j] < best ? row[j] : best;
		}
		if (best > 2)
			return 3;
	}
	return row[m];
}

/* An unknown key: kept as written, and reported with the known key it may be a typo of. */
static void
add_extra(struct review *r, const char *key, size_t klen, const char *v, size_t len)
{
	struct review_extra	*x;
	char			 hint[32];
	size_t			 i;

	hint[0] = '\0';
	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
		if (edits_up_to_2(key, klen, known_keys[i].name) <= 2) {
			/* Fits: the longest known key is 13 bytes. */
			(void)!snprintf(hint, sizeof(hint), " (did you mean %c%s?)",
			    known_keys[i].name[0] - 'a' + 'A', known_keys[i].name + 1);
			break;
		}
	}
	problem(r, REVIEW_WARN_UNKNOWN_KEY, key, klen, hint);
	if (r->nextra == REVIEW_EXTRA_MAX) {
		problem(r, REVIEW_WARN_TOO_MANY_KEYS, key, klen, "");
		return;
	}
	x = &r->extra[r->nextra++];
	copy_value(x->key, sizeof(x->key), key, klen);	/* klen <= REVIEW_KEY_MAX, no controls */
	set_field(r, x->value, sizeof(x->value), v, len);
}

static void
set_meta(struct review *r, const char *key, size_t klen, const char *v, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
		if (key_is(key, klen, known_keys[i].name)) {
			known_keys[i].set(r, v, len);
			return;
		}
	}
	add_extra(r, key, klen, v, len);
}

/* A key starts with a letter or digit; hyphens and spaces may follow. */
static int
is_key_char(unsigned cp, int first)
{
	if (cp == '-' || cp == ' ')
		return !first;
	return !utf8_is_separator(cp);
}

/*
 * Returns the offset of the colon when line[0..len) is "Key: value" or
 * "Key:", else 0. The line is valid UTF-8.
 */
static size_t
meta_colon(const char *line, size_t len)
{
	const unsigned char	*s = (const unsigned char *)line;
	size_t			 i, n;
	unsigned		 cp;

	for (i = 0; i < len && s[i] != ':'; i += n) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0 ||
		    !is_key_char(cp, i == 0) || i + n > REVIEW_KEY_MAX)
			return 0;
	}
	if (i == 0 || i == len)
		return 0;
	if (i + 1 < len && s[i + 1] != ' ')
		return 0;	/* "http://..." is not metadata */
	return i;
}

/* Length of the line at p, without its LF or CRLF; *next is where the next begins. */
static size_t
line_at(const char *p, const char *end, const char **next)
{
	const char	*lf = memchr(p, '\n', (size_t)(end - p));
	size_t		 n;

	*next = lf != NULL ? lf + 1 : end;
	n = (size_t)((lf != NULL ? lf : end) - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/*
 * Returns the first "# " line, or NULL. Lines between ``` toggles are
 * preformatted text in gemtext, not headings: a shell prompt or a comment
 * in an ASCII-art block is not the title.
 */
static const char *
find_title(const char *p, const char *end)
{
	const char	*next;
	size_t		 n;
	int		 pre = 0;

	for (; p < end; p = next) {
		n = line_at(p, end, &next);
		if (n >= 3 && memcmp(p, "```", 3) == 0)
			pre = !pre;
		else if (!pre && n >= 2 && p[0] == '#' && p[1] == ' ')
			return p;
	}
	return NULL;
}

/* The number of the line at p in buf, from 1. */
static unsigned
line_number(const char *buf, const char *p)
{
	unsigned	line = 1;

	for (; buf < p; buf++)
		line += *buf == '\n';
	return line;
}

/* Stores the title of the "# " line at p and returns the start of the next line. */
static const char *
parse_title(struct review *r, const char *p, const char *end)
{
	const char	*next, *v;
	size_t		 n;

	n = line_at(p, end, &next) - 2;
	v = trim(p + 2, &n);
	set_field(r, r->title, sizeof(r->title), v, n);
	return next;
}

/* Reads the metadata lines from p (line r->line) on and returns where the body begins. */
static const char *
parse_meta(struct review *r, const char *p, const char *end)
{
	const char	*next, *v;
	size_t		 n, klen, vlen;

	for (; p < end; p = next, r->line++) {
		n = line_at(p, end, &next);
		if (n == 0)
			return next;	/* the blank line belongs to the metadata */
		if ((klen = meta_colon(p, n)) == 0)
			return p;
		vlen = n - klen - 1;
		v = trim(p + klen + 1, &vlen);
		(void)trim(p, &klen);	/* "Seen at :" is "Seen at" */
		set_meta(r, p, klen, v, vlen);
	}
	return end;
}

int
review_parse(const char *buf, size_t len, struct review *r, const char **reason)
{
	const char	*p, *end, *title;

	memset(r, 0, sizeof(*r));
	r->rating = -1;
	r->line = 1;
	if (len > REVIEW_FILE_MAX) {
		*reason = "larger than 1 MiB";
		return -1;
	}
	if (len == 0) {
		problem(r, REVIEW_WARN_NO_TITLE, "", 0, "");
		return 0;	/* buf may be NULL */
	}
	if (memchr(buf, '\0', len) != NULL) {
		*reason = "binary file (NUL bytes)";
		return -1;
	}
	if (!utf8_valid(buf, len)) {
		*reason = "not valid UTF-8";
		return -1;
	}
	p = buf;
	end = buf + len;
	p += utf8_bom(buf, len);
	if ((title = find_title(p, end)) != NULL) {
		r->line = line_number(buf, title);
		p = parse_title(r, title, end);
		r->line++;
	}
	if (r->title[0] == '\0')
		problem(r, REVIEW_WARN_NO_TITLE, "", 0, "");
	r->body = (size_t)(parse_meta(r, p, end) - buf);
	return 0;
}

const char *
review_warning_text(unsigned bit)
{
	switch (bit) {
	case REVIEW_WARN_NO_TITLE:
		return "no '# ' title line; using the file name";
	case REVIEW_WARN_BAD_DATE:
		return "Date: is not a real date (YYYY-MM-DD, then optionally THH:MM[:SS] "
		    "and Z or +HH:MM); using the file name's";
	case REVIEW_WARN_BAD_YEAR:
		return "Year: is not a four-digit year since " XSTR(REVIEW_YEAR_MIN) "; ignored";
	case REVIEW_WARN_TOO_MANY_TAGS:
		return "more than " XSTR(REVIEW_TAGS_MAX) " tags or " XSTR(REVIEW_DIRECTORS_MAX)
		    " directors; the rest ignored";
	case REVIEW_WARN_LONG_VALUE:
		return "a value longer than " XSTR(REVIEW_FIELD_MAX) " bytes was cut";
	case REVIEW_WARN_TOO_MANY_KEYS:
		return "more than " XSTR(REVIEW_EXTRA_MAX) " unknown keys; the rest ignored";
	case REVIEW_WARN_BAD_TAG:
		return "a tag or director without letters or digits was ignored";
	case REVIEW_WARN_CONTROL:
		return "control characters removed from the title or a metadata value";
	case REVIEW_WARN_UNKNOWN_KEY:
		return "a key marquee does not know, kept but not used";
	case REVIEW_WARN_BAD_RATING:
		return "Rating: is not 0 to " XSTR(REVIEW_RATING_MAX) " in halves (4, 3.5, 4/5); ignored";
	case REVIEW_WARN_BAD_DRAFT:
		return "Draft: is neither yes nor no; kept as a draft";
	case REVIEW_WARN_BAD_IMPORTED:
		return "Imported-From: is not an http, https or gemini URL without spaces; ignored";
	case REVIEW_WARN_BAD_WAS:
		return "a Was: slug with '/', a space or a leading dot, too long, or past "
		    XSTR(REVIEW_WAS_MAX) "; ignored";
	default:
		return "unknown problem";
	}
}

/*
 * The fallback title comes from the name: a control character there would
 * break the gemtext line or the Atom feed it is written into.
 */
static int
name_printable(const char *name, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return utf8_valid(name, n);
}

int
review_name_parse(const char *name, struct review_name *out, const char **reason)
{
	size_t	n = strlen(name), stem, dlen = DATE_SIZE - 1;

	memset(out, 0, sizeof(*out));
	/* Includes vim's .name.swp, emacs's .#name and rsync's .name.XXXXXX. */
	if (n == 0 || name[0] == '.') {
		*reason = "hidden file";
		return -1;
	}
	if (name[n - 1] == '~' || has_suffix(name, n, ".swp") ||
	    (n >= 2 && name[0] == '#' && name[n - 1] == '#')) {
		*reason = "editor's temporary file";
		return -1;
	}
	if (!has_suffix(name, n, ".gmi") && !has_suffix(name, n, ".txt")) {
		*reason = "not a .gmi or .txt file";
		return -1;
	}
	if (n > REVIEW_NAME_MAX) {
		*reason = "file name too long";
		return -1;
	}
	if (!name_printable(name, n)) {
		*reason = "file name with control characters or invalid UTF-8";
		return -1;
	}
	stem = n - 4;	/* at least 1: ".gmi" alone is hidden */
	if (stem >= dlen && date_valid(name, dlen) &&
	    (stem == dlen || name[dlen] == '-'))
		memcpy(out->date, name, dlen);
	if (out->date[0] != '\0' && stem > dlen + 1)
		memcpy(out->slug, name + dlen + 1, stem - dlen - 1);
	else
		memcpy(out->slug, name, stem);
	return 0;
}

const char *
review_identity(const char *stem)
{
	size_t	dlen = DATE_SIZE - 1;

	/* As review_name_parse splits a name: a date, '-', and at least one byte more. */
	if (strlen(stem) > dlen + 1 && date_valid(stem, dlen) && stem[dlen] == '-')
		return stem + dlen + 1;
	return stem;
}
