/*
 * Review files: the format is described in review.h. Everything here works
 * on the caller's bytes and a struct it owns.
 */

#include <string.h>

#include "review.h"
#include "utf8.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/*
 * Non-ASCII code points that separate words in slugs and cannot be part of
 * a key: the Latin-1 Supplement's controls, no-break space, signs and
 * guillemets (but not ª, µ and º, which are letters), × and ÷, General
 * Punctuation (the spaces, dashes, curly quotes, ellipsis and invisible marks
 * of French typography), CJK spaces and brackets (but not 々, 〆 and 〇,
 * which are parts of names), the BOM as a zero-width no-break space, and
 * full-width ASCII punctuation. Everything else counts as a letter: without
 * Unicode tables a letter cannot be told from a symbol, and keeping one is
 * harmless.
 */
static const struct {
	unsigned	lo, hi;
} separators[] = {
	{ 0x80, 0xa9 }, { 0xab, 0xb4 }, { 0xb6, 0xb9 }, { 0xbb, 0xbf },
	{ 0xd7, 0xd7 }, { 0xf7, 0xf7 },
	{ 0x2000, 0x206f },
	{ 0x3000, 0x3004 }, { 0x3008, 0x3020 },
	{ 0xfeff, 0xfeff },
	{ 0xff01, 0xff0f }, { 0xff1a, 0xff20 }, { 0xff3b, 0xff40 },
	{ 0xff5b, 0xff65 },
};

static int
is_ascii_alnum(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

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

static int
is_separator(unsigned cp)
{
	size_t	i;

	if (cp < 0x80)
		return !is_ascii_alnum(cp);
	for (i = 0; i < sizeof(separators) / sizeof(separators[0]); i++)
		if (cp >= separators[i].lo && cp <= separators[i].hi)
			return 1;
	return 0;
}

/*
 * Lower case of ASCII and of the Latin-1 Supplement and Latin Extended-A
 * capitals (Unicode's simple case mapping), which cover the names of
 * European films; other code points are returned as they are.
 */
static unsigned
slug_lower(unsigned cp)
{
	if (cp < 0x80)
		return ascii_lower((unsigned char)cp);
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x130)
		return 'i';	/* İ; cp | 1 would be the dotless ı */
	if (cp == 0x178)
		return 0xff;	/* Ÿ, whose ÿ is in Latin-1 */
	/* Capital even, small odd: Ā..ķ and Ŋ..ŷ. */
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp | 1;
	/* Capital odd, small even: Ĺ..ň and Ź..ž. */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp + (cp & 1);
	return cp;
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
		if (is_separator(cp)) {
			gap = o > 0;	/* never a leading '-' */
			continue;
		}
		m = utf8_encode(slug_lower(cp), enc);
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

static void
set_field(struct review *r, char *field, size_t size, const char *v, size_t len)
{
	r->warnings |= copy_value(field, size, v, len);
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

static void
add_tag(struct review *r, const char *s, size_t len)
{
	struct review_tag	 t;
	size_t			 i;
	unsigned		 warn;

	s = trim(s, &len);
	if (len == 0)
		return;		/* "drama, , romance" and a trailing comma */
	warn = copy_value(t.name, sizeof(t.name), s, len);
	r->warnings |= warn & REVIEW_WARN_CONTROL;
	if (slugify(t.name, strlen(t.name), t.slug, sizeof(t.slug)) == -1) {
		r->warnings |= REVIEW_WARN_BAD_TAG;
		return;
	}
	for (i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i].slug, t.slug) == 0)
			return;		/* "Drama" and "drama" are one tag */
	if (r->ntags == REVIEW_TAGS_MAX) {
		r->warnings |= REVIEW_WARN_TOO_MANY_TAGS;
		return;
	}
	r->warnings |= warn;
	r->tags[r->ntags++] = t;
}

static void
set_tags(struct review *r, const char *v, size_t len)
{
	const char	*comma;

	while ((comma = memchr(v, ',', len)) != NULL) {
		add_tag(r, v, (size_t)(comma - v));
		len -= (size_t)(comma - v) + 1;
		v = comma + 1;
	}
	add_tag(r, v, len);
}

static void
set_director(struct review *r, const char *v, size_t len)
{
	r->director[0] = r->director_slug[0] = '\0';
	if (len == 0)
		return;
	set_field(r, r->director, sizeof(r->director), v, len);
	if (slugify(r->director, strlen(r->director), r->director_slug,
	    sizeof(r->director_slug)) == -1) {
		r->warnings |= REVIEW_WARN_BAD_TAG;
		r->director[0] = '\0';
	}
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
		r->warnings |= REVIEW_WARN_BAD_YEAR;
		return;
	}
	r->year = year;
}

static void
set_date(struct review *r, const char *v, size_t len)
{
	if (!date_valid(v, len)) {
		r->warnings |= REVIEW_WARN_BAD_DATE;
		return;
	}
	memcpy(r->date, v, len);
	r->date[len] = '\0';
}

static void
add_extra(struct review *r, const char *key, size_t klen, const char *v, size_t len)
{
	struct review_extra	*x;

	if (r->nextra == REVIEW_EXTRA_MAX) {
		r->warnings |= REVIEW_WARN_TOO_MANY_KEYS;
		return;
	}
	x = &r->extra[r->nextra++];
	copy_value(x->key, sizeof(x->key), key, klen);	/* klen <= REVIEW_KEY_MAX, no controls */
	set_field(r, x->value, sizeof(x->value), v, len);
}

static void
set_meta(struct review *r, const char *key, size_t klen, const char *v, size_t len)
{
	if (key_is(key, klen, "director"))
		set_director(r, v, len);
	else if (key_is(key, klen, "year"))
		set_year(r, v, len);
	else if (key_is(key, klen, "country"))
		set_field(r, r->country, sizeof(r->country), v, len);
	else if (key_is(key, klen, "starring"))
		set_field(r, r->starring, sizeof(r->starring), v, len);
	else if (key_is(key, klen, "rating"))
		set_field(r, r->rating, sizeof(r->rating), v, len);
	else if (key_is(key, klen, "tags"))
		set_tags(r, v, len);
	else if (key_is(key, klen, "date"))
		set_date(r, v, len);
	else
		add_extra(r, key, klen, v, len);
}

/* A key starts with a letter or digit; hyphens and spaces may follow. */
static int
is_key_char(unsigned cp, int first)
{
	if (cp == '-' || cp == ' ')
		return !first;
	return !is_separator(cp);
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

/*
 * Notes the number of the line at p in buf when parsing it first removed
 * control characters (before: the warnings until then), for the log.
 */
static void
note_control(struct review *r, unsigned before, const char *buf, const char *p)
{
	if ((before & REVIEW_WARN_CONTROL) || !(r->warnings & REVIEW_WARN_CONTROL))
		return;
	for (r->control_line = 1; buf < p; buf++)
		r->control_line += *buf == '\n';
}

/* Stores the title of the "# " line at p and returns the start of the next line. */
static const char *
parse_title(struct review *r, const char *buf, const char *p, const char *end)
{
	const char	*next, *v;
	size_t		 n;
	unsigned	 before = r->warnings;

	n = line_at(p, end, &next) - 2;
	v = trim(p + 2, &n);
	set_field(r, r->title, sizeof(r->title), v, n);
	note_control(r, before, buf, p);
	return next;
}

/* Reads the metadata lines from p on and returns where the body begins. */
static const char *
parse_meta(struct review *r, const char *buf, const char *p, const char *end)
{
	const char	*next, *v;
	size_t		 n, klen, vlen;
	unsigned	 before;

	for (; p < end; p = next) {
		n = line_at(p, end, &next);
		if (n == 0)
			return next;	/* the blank line belongs to the metadata */
		if ((klen = meta_colon(p, n)) == 0)
			return p;
		vlen = n - klen - 1;
		v = trim(p + klen + 1, &vlen);
		(void)trim(p, &klen);	/* "Seen at :" is "Seen at" */
		before = r->warnings;
		set_meta(r, p, klen, v, vlen);
		note_control(r, before, buf, p);
	}
	return end;
}

int
review_parse(const char *buf, size_t len, struct review *r, const char **reason)
{
	const char	*p, *end, *title;

	memset(r, 0, sizeof(*r));
	if (len > REVIEW_FILE_MAX) {
		*reason = "larger than 1 MiB";
		return -1;
	}
	if (len == 0) {
		r->warnings = REVIEW_WARN_NO_TITLE;
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
	if ((title = find_title(p, end)) != NULL)
		p = parse_title(r, buf, title, end);
	if (r->title[0] == '\0')
		r->warnings |= REVIEW_WARN_NO_TITLE;
	r->body = (size_t)(parse_meta(r, buf, p, end) - buf);
	return 0;
}

const char *
review_warning_text(unsigned bit)
{
	switch (bit) {
	case REVIEW_WARN_NO_TITLE:
		return "no '# ' title line; using the file name";
	case REVIEW_WARN_BAD_DATE:
		return "Date: is not a real YYYY-MM-DD date; using the file name's";
	case REVIEW_WARN_BAD_YEAR:
		return "Year: is not a four-digit year since " XSTR(REVIEW_YEAR_MIN) "; ignored";
	case REVIEW_WARN_TOO_MANY_TAGS:
		return "more than " XSTR(REVIEW_TAGS_MAX) " tags; the rest ignored";
	case REVIEW_WARN_LONG_VALUE:
		return "a value longer than " XSTR(REVIEW_FIELD_MAX) " bytes was cut";
	case REVIEW_WARN_TOO_MANY_KEYS:
		return "more than " XSTR(REVIEW_EXTRA_MAX) " unknown keys; the rest ignored";
	case REVIEW_WARN_BAD_TAG:
		return "a tag or director without letters or digits was ignored";
	case REVIEW_WARN_CONTROL:
		return "control characters removed from the title or a metadata value";
	default:
		return "unknown problem";
	}
}

static int
has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t	m = strlen(suffix);

	return n >= m && key_is(s + n - m, m, suffix);
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
