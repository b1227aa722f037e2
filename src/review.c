#include <string.h>
#include <strings.h>

#include "request.h"
#include "review.h"

static const char	 utf8_bom[] = "\xef\xbb\xbf";

static int
is_ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
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

/* Copies s[0..len) into out, cut on a UTF-8 boundary; 1 when it was cut. */
static int
copy_cut(char *out, size_t outsize, const char *s, size_t len)
{
	int	cut = 0;

	if (len >= outsize) {
		len = outsize - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		cut = 1;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return cut;
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

/* Lower case of the Latin-1 Supplement and Latin Extended-A capitals. */
static unsigned
latin_lower(unsigned cp)
{
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x178)
		return 0xff;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp + (cp & 1);
	return cp;
}

/* Length of the UTF-8 sequence starting with byte c (input is already valid). */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	return 4;
}

int
slugify(const char *in, size_t len, char *out, size_t outsize)
{
	size_t		i, n, o = 0;
	unsigned	cp;
	unsigned char	c;
	int		gap = 0;

	for (i = 0; i < len; i += n) {
		c = (unsigned char)in[i];
		n = utf8_len(c);
		if (i + n > len)
			return -1;
		cp = 0;
		if (n == 2)
			cp = (unsigned)(c & 0x1f) << 6 | ((unsigned char)in[i + 1] & 0x3f);
		else if (n == 3)
			cp = (unsigned)(c & 0x0f) << 12 |
			    (unsigned)((unsigned char)in[i + 1] & 0x3f) << 6 |
			    ((unsigned char)in[i + 2] & 0x3f);
		/* ASCII punctuation, blanks and typographic apostrophes separate words. */
		if ((n == 1 && !is_ascii_alnum(c)) || cp == 0x2018 || cp == 0x2019) {
			gap = o > 0;
			continue;
		}
		if (o + (gap ? 1 : 0) + n + 1 > outsize)
			return -1;
		if (gap)
			out[o++] = '-';
		gap = 0;
		if (n == 1)
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		else if (n == 2 && latin_lower(cp) != cp) {
			cp = latin_lower(cp);
			out[o++] = (char)(0xc0 | cp >> 6);
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			memcpy(out + o, in + i, n);
			o += n;
		}
	}
	if (o == 0)
		return -1;
	out[o] = '\0';
	return 0;
}

/* Returns the key's length when line is "Key: value" or "Key:", else 0. */
static size_t
meta_key_len(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len && i <= REVIEW_KEY_MAX; i++) {
		if (line[i] == ':')
			break;
		if (!is_ascii_alnum((unsigned char)line[i]) && line[i] != '-' &&
		    line[i] != ' ')
			return 0;
	}
	if (i == 0 || i > REVIEW_KEY_MAX || i == len || line[i] != ':' ||
	    !is_ascii_alnum((unsigned char)line[0]))
		return 0;
	if (i + 1 < len && line[i + 1] != ' ' && line[i + 1] != '\t')
		return 0;	/* "http://..." is not metadata */
	return i;
}

static void
add_tag(struct review *r, const char *s, size_t len)
{
	struct review_tag	*t;
	size_t			 i;

	s = trim(s, &len);
	if (len == 0)
		return;
	if (r->ntags == REVIEW_TAGS_MAX) {
		r->warnings |= REVIEW_WARN_TOO_MANY_TAGS;
		return;
	}
	t = &r->tags[r->ntags];
	if (copy_cut(t->name, sizeof(t->name), s, len))
		r->warnings |= REVIEW_WARN_LONG_VALUE;
	if (slugify(t->name, strlen(t->name), t->slug, sizeof(t->slug)) == -1) {
		r->warnings |= REVIEW_WARN_BAD_TAG;
		return;
	}
	for (i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i].slug, t->slug) == 0)
			return;		/* "Drama" and "drama" are one tag */
	r->ntags++;
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
set_year(struct review *r, const char *v, size_t len)
{
	int	year = 0;
	size_t	i;

	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		year = year * 10 + (v[i] - '0');
	/* Cinema begins in the 1880s; four digits keep out typos. */
	if (len != 4 || i != len || year < 1880) {
		r->warnings |= REVIEW_WARN_BAD_YEAR;
		return;
	}
	r->year = year;
}

static void
set_field(struct review *r, char *field, size_t size, const char *v, size_t len)
{
	if (copy_cut(field, size, v, len))
		r->warnings |= REVIEW_WARN_LONG_VALUE;
}

static void
set_meta(struct review *r, const char *key, size_t klen, const char *v, size_t len)
{
	struct review_extra	*x;

#define IS(name)	(klen == sizeof(name) - 1 && strncasecmp(key, name, klen) == 0)
	if (IS("director")) {
		set_field(r, r->director, sizeof(r->director), v, len);
		if (len > 0 && slugify(r->director, strlen(r->director),
		    r->director_slug, sizeof(r->director_slug)) == -1) {
			r->warnings |= REVIEW_WARN_BAD_TAG;
			r->director[0] = '\0';
		}
	} else if (IS("year"))
		set_year(r, v, len);
	else if (IS("country"))
		set_field(r, r->country, sizeof(r->country), v, len);
	else if (IS("starring"))
		set_field(r, r->starring, sizeof(r->starring), v, len);
	else if (IS("rating"))
		set_field(r, r->rating, sizeof(r->rating), v, len);
	else if (IS("tags"))
		set_tags(r, v, len);
	else if (IS("date")) {
		if (date_valid(v, len))
			set_field(r, r->date, sizeof(r->date), v, len);
		else
			r->warnings |= REVIEW_WARN_BAD_DATE;
	} else if (r->nextra == REVIEW_EXTRA_MAX)
		r->warnings |= REVIEW_WARN_TOO_MANY_KEYS;
	else {
		x = &r->extra[r->nextra++];
		copy_cut(x->key, sizeof(x->key), key, klen);
		set_field(r, x->value, sizeof(x->value), v, len);
	}
#undef IS
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

/* Returns the start of the first "# " line, or NULL. */
static const char *
find_title(const char *p, const char *end)
{
	const char	*next;

	for (; p < end; p = next) {
		(void)line_at(p, end, &next);
		if (end - p >= 2 && p[0] == '#' && p[1] == ' ')
			return p;
	}
	return NULL;
}

int
review_parse(const char *buf, size_t len, struct review *r, const char **reason)
{
	const char	*p, *end = buf + len, *next, *title, *v;
	size_t		 n, klen, vlen;

	memset(r, 0, sizeof(*r));
	if (len > REVIEW_FILE_MAX) {
		*reason = "larger than 1 MiB";
		return -1;
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
	if (len >= 3 && memcmp(buf, utf8_bom, 3) == 0)
		p += 3;
	if ((title = find_title(p, end)) != NULL) {
		n = line_at(title, end, &p);
		v = title + 2;
		vlen = n - 2;
		v = trim(v, &vlen);
		set_field(r, r->title, sizeof(r->title), v, vlen);
	}
	if (r->title[0] == '\0')
		r->warnings |= REVIEW_WARN_NO_TITLE;
	for (; p < end; p = next) {
		n = line_at(p, end, &next);
		if (n == 0) {
			p = next;	/* the blank line ends the metadata */
			break;
		}
		if ((klen = meta_key_len(p, n)) == 0)
			break;
		vlen = n - klen - 1;
		v = trim(p + klen + 1, &vlen);
		set_meta(r, p, klen, v, vlen);
	}
	r->body = (size_t)(p - buf);
	return 0;
}

const char *
review_warning_text(unsigned bit)
{
	switch (bit) {
	case REVIEW_WARN_NO_TITLE:	return "no '# ' title line; using the file name";
	case REVIEW_WARN_BAD_DATE:	return "Date: is not a real YYYY-MM-DD date; using the file name's";
	case REVIEW_WARN_BAD_YEAR:	return "Year: is not a four-digit year; ignored";
	case REVIEW_WARN_TOO_MANY_TAGS:	return "more than 16 tags; the rest ignored";
	case REVIEW_WARN_LONG_VALUE:	return "a value longer than 255 bytes was cut";
	case REVIEW_WARN_TOO_MANY_KEYS:	return "more than 8 unknown keys; the rest ignored";
	case REVIEW_WARN_BAD_TAG:	return "a tag or director without letters or digits was ignored";
	default:			return "unknown problem";
	}
}

static int
has_suffix(const char *s, size_t n, const char *suffix)
{
	size_t	m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int
review_name_parse(const char *name, struct review_name *out, const char **reason)
{
	size_t	n = strlen(name), stem;

	memset(out, 0, sizeof(*out));
	/* Hidden files, and the ones editors leave while saving (foo~, #foo#, .foo.swp). */
	if (name[0] == '.' || name[0] == '#' || (n > 0 && name[n - 1] == '~')) {
		*reason = "hidden or temporary file";
		return -1;
	}
	if (!has_suffix(name, n, ".gmi") && !has_suffix(name, n, ".txt")) {
		*reason = "not a .gmi or .txt file";
		return -1;
	}
	stem = n - 4;
	if (stem == 0 || stem >= sizeof(out->slug)) {
		*reason = "bad file name length";
		return -1;
	}
	if (stem > DATE_SIZE && date_valid(name, DATE_SIZE - 1) && name[DATE_SIZE - 1] == '-') {
		memcpy(out->date, name, DATE_SIZE - 1);
		copy_cut(out->slug, sizeof(out->slug), name + DATE_SIZE, stem - DATE_SIZE);
	} else
		copy_cut(out->slug, sizeof(out->slug), name, stem);
	return 0;
}
