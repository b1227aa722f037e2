/*
 * The guestbook log's record format and the rules for what readers write:
 * formatting, parsing and checking one line, and cleaning an entry's text
 * and author. Pure.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "utf8.h"

#define STR(x)		STR_(x)
#define STR_(x)		#x

/* Fields in a record line: kind, time, id, slug, author, fingerprint, text, CRC. */
#define FIELDS		8
/* "2026-11-25T09:12:12Z" */
#define TIME_LEN	20

static const char *const kinds[] = {
	[RECORD_ENTRY] = "entry",
	[RECORD_HIDE] = "hide",
};

/* CRC-32C by nibbles: 16 table entries for polynomial 0x82f63b78 (reflected). */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x105ec76f, 0x20bd8ede, 0x30e349b1,
	0x417b1dbc, 0x5125dad3, 0x61c69362, 0x7198540d,
	0x82f63b78, 0x92a8fc17, 0xa24bb5a6, 0xb21572c9,
	0xc38d26c4, 0xd3d3e1ab, 0xe330a81a, 0xf36e6f75,
};

uint32_t
crc32c(const void *data, size_t len)
{
	const unsigned char	*p = data;
	uint32_t		 c = 0xffffffff;

	while (len-- > 0) {
		c = crc_nibble[(c ^ *p) & 0xf] ^ (c >> 4);
		c = crc_nibble[(c ^ (*p++ >> 4)) & 0xf] ^ (c >> 4);
	}
	return c ^ 0xffffffff;
}

/* Bytes written into a fixed buffer; overflow is sticky and checked once. */
struct out {
	char	*p;
	size_t	 len, size;
	int	 overflow;
};

static void
out_put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->size - o->len < n + 1) {
		o->overflow = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
out_puts(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void
out_escaped(struct out *o, const char *s, size_t n)
{
	char		hex[5];
	unsigned char	c;
	size_t		i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\\')
			out_put(o, "\\\\", 2);
		else if (c == '\n')
			out_put(o, "\\n", 2);
		else if (c == '\t')
			out_put(o, "\\t", 2);
		else if (c < 0x20 || c == 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			out_put(o, hex, 4);
		} else
			out_put(o, s + i, 1);
	}
}

size_t
record_format(const struct record *r, char *line, size_t size)
{
	struct out	o = { line, 0, size, 0 };
	struct tm	tm;
	time_t		t = (time_t)r->time;
	char		field[32];

	if (size == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(field, sizeof(field), "%Y-%m-%dT%H:%M:%SZ", &tm) != TIME_LEN)
		return 0;
	out_puts(&o, kinds[r->kind]);
	out_puts(&o, "\t");
	out_puts(&o, field);
	snprintf(field, sizeof(field), "\t%llu\t", r->id);
	out_puts(&o, field);
	out_escaped(&o, r->slug, strlen(r->slug));
	out_puts(&o, "\t");
	out_escaped(&o, r->author, strlen(r->author));
	out_puts(&o, "\t");
	out_puts(&o, r->fingerprint);
	out_puts(&o, "\t");
	out_escaped(&o, r->text, r->text_len);
	if (o.overflow)
		return 0;
	snprintf(field, sizeof(field), "\t%08x\n", crc32c(line, o.len));
	out_puts(&o, field);
	return o.overflow ? 0 : o.len;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Undoes out_escaped; -1 on a malformed escape, a raw control byte or
 * overflow, and on an escaped control byte other than those in keep (what
 * entry_text_clean and entry_author let through).
 */
static int
unescape(const char *s, size_t n, const char *keep, char *out, size_t size,
    size_t *outlen)
{
	size_t		i, len = 0;
	int		hi, lo;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c == '\\') {
			if (++i == n)
				return -1;
			switch (s[i]) {
			case '\\':	c = '\\'; break;
			case 'n':	c = '\n'; break;
			case 't':	c = '\t'; break;
			case 'x':
				if (n - i < 3 || (hi = hex_value((unsigned char)s[i + 1])) == -1 ||
				    (lo = hex_value((unsigned char)s[i + 2])) == -1)
					return -1;
				c = (unsigned char)(hi << 4 | lo);
				i += 2;
				break;
			default:
				return -1;
			}
			if ((c < 0x20 || c == 0x7f) && (c == 0 || strchr(keep, c) == NULL))
				return -1;
		}
		if (len + 1 >= size)
			return -1;
		out[len++] = (char)c;
	}
	out[len] = '\0';
	*outlen = len;
	return 0;
}

static int
parse_time(const char *s, size_t n, long long *out)
{
	static const char	 shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm		 tm = { 0 }, back;
	time_t			 t;
	size_t			 i;

	if (n != TIME_LEN)
		return -1;
	for (i = 0; i < n; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return -1;
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	/* Nothing was written before the Unix epoch, and %Y pads no year below 1000. */
	if (tm.tm_year < 70)
		return -1;
	back = tm;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30 into March: a changed field means a bad date. */
	if (tm.tm_mon != back.tm_mon || tm.tm_mday != back.tm_mday ||
	    tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min ||
	    tm.tm_sec != back.tm_sec)
		return -1;
	*out = (long long)t;
	return 0;
}

static int
parse_id(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long	v = 0;
	size_t			i;

	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	*out = v;
	return v == 0 ? -1 : 0;
}

static int
is_fingerprint(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 1;
	if (n != FINGERPRINT_HEX - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (hex_value((unsigned char)s[i]) == -1)
			return 0;
	return 1;
}

/* A slug (unescaped, so without control characters) is UTF-8 without '/', as file names in reviews/ are. */
static int
is_slug(const char *s, size_t n)
{
	return utf8_valid(s, n) && memchr(s, '/', n) == NULL;
}

/* Splits line at TABs into exactly FIELDS fields. */
static int
split_fields(const char *line, size_t len, const char *f[FIELDS], size_t n[FIELDS])
{
	const char	*p = line, *end = line + len, *tab;
	size_t		 i;

	for (i = 0; i < FIELDS; i++) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if ((tab == NULL) != (i == FIELDS - 1))
			return -1;
		if (tab == NULL)
			tab = end;
		f[i] = p;
		n[i] = (size_t)(tab - p);
		p = tab + 1;
	}
	return 0;
}

static int
parse_kind(const char *s, size_t n, enum record_kind *kind)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i]) == n && memcmp(s, kinds[i], n) == 0) {
			*kind = (enum record_kind)i;
			return 0;
		}
	}
	return -1;
}

static int
check_crc(const char *line, const char *crc, size_t n)
{
	uint32_t	want = 0;
	size_t		i;
	int		v;

	if (n != 8)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = hex_value((unsigned char)crc[i])) == -1)
			return -1;
		want = want << 4 | (uint32_t)v;
	}
	/* The checksum covers every byte before the TAB that precedes it. */
	return crc32c(line, (size_t)(crc - 1 - line)) == want ? 0 : -1;
}

int
record_parse(const char *line, size_t len, struct record *r, const char **reason)
{
	const char	*f[FIELDS];
	size_t		 n[FIELDS], author_len, slug_len;

	memset(r, 0, sizeof(*r));
	if (split_fields(line, len, f, n) == -1) {
		*reason = "not " STR(FIELDS) " TAB-separated fields";
		return -1;
	}
	if (check_crc(line, f[7], n[7]) == -1) {
		*reason = "checksum mismatch";
		return -1;
	}
	if (parse_kind(f[0], n[0], &r->kind) == -1) {
		*reason = "unknown record kind";
		return -1;
	}
	if (parse_time(f[1], n[1], &r->time) == -1) {
		*reason = "malformed time";
		return -1;
	}
	if (parse_id(f[2], n[2], &r->id) == -1) {
		*reason = "malformed entry id";
		return -1;
	}
	if (unescape(f[3], n[3], "", r->slug, sizeof(r->slug), &slug_len) == -1 ||
	    !is_slug(r->slug, slug_len) || !is_fingerprint(f[5], n[5]) ||
	    unescape(f[4], n[4], "", r->author, sizeof(r->author), &author_len) == -1 ||
	    unescape(f[6], n[6], "\n", r->text, sizeof(r->text), &r->text_len) == -1 ||
	    !utf8_valid(r->author, author_len) || !utf8_valid(r->text, r->text_len)) {
		*reason = "malformed field";
		return -1;
	}
	memcpy(r->fingerprint, f[5], n[5]);
	if (r->kind == RECORD_ENTRY && (r->text_len == 0 || author_len == 0)) {
		*reason = "entry without author or text";
		return -1;
	}
	if (r->kind == RECORD_HIDE && (n[3] | n[4] | n[5] | n[6]) != 0) {
		*reason = "hide record with entry fields";
		return -1;
	}
	return 0;
}

/*
 * Removed from what readers write: control characters but LF (C0, DEL, C1)
 * and the invisible ones that reorder or hide text (bidi overrides,
 * zero-width characters, the byte-order mark), so an entry shows what it says.
 */
static int
is_removed(unsigned cp)
{
	return (utf8_is_control(cp) && cp != '\n') || utf8_is_invisible(cp);
}

/*
 * Also removed from author names: brackets, ASCII and full-width, so that
 * only the server writes the "[fingerprint]" tag after a name and a CN like
 * "alice [3fa2c1d0]" cannot pass for another author's.
 */
static int
is_removed_from_name(unsigned cp)
{
	return cp == '\n' || is_removed(cp) || cp == '[' || cp == ']' ||
	    cp == 0xff3b || cp == 0xff3d;
}

int
entry_text_clean(const char *in, size_t len, char *out, size_t *outlen,
    const char **reason)
{
	const unsigned char	*p = (const unsigned char *)in, *end = p + len;
	size_t			 n = 0, spaces = 0, newlines = 0, lines = 1, clen;
	unsigned		 cp;

	if (!utf8_valid(in, len)) {
		*reason = "the text is not valid UTF-8";
		return -1;
	}
	/* Spaces and line ends are held back until text follows them, so none trail. */
	while (p < end) {
		if (*p == '\r' || *p == '\n') {
			p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
			spaces = 0;
			newlines += n > 0;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			spaces++;
			p++;
			continue;
		}
		/* Not 0: the text was checked to be UTF-8. */
		clen = utf8_decode(p, (size_t)(end - p), &cp);
		if (is_removed(cp)) {
			p += clen;
			continue;
		}
		lines += newlines;
		if (lines > ENTRY_LINES_MAX) {
			*reason = "more than " STR(ENTRY_LINES_MAX) " lines";
			return -1;
		}
		if (n + newlines + spaces + clen > ENTRY_TEXT_MAX) {
			*reason = "longer than " STR(ENTRY_TEXT_MAX) " bytes";
			return -1;
		}
		memset(out + n, '\n', newlines);
		n += newlines;
		memset(out + n, ' ', spaces);
		n += spaces;
		memcpy(out + n, p, clen);
		n += clen;
		p += clen;
		newlines = spaces = 0;
	}
	if (n == 0) {
		*reason = "the text is empty";
		return -1;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

void
entry_author(const char *cn, char *out)
{
	const unsigned char	*p = (const unsigned char *)cn, *end = p + strlen(cn);
	size_t			 n = 0, clen;
	unsigned		 cp;

	if (utf8_valid(cn, (size_t)(end - p))) {
		for (; p < end; p += clen) {
			clen = utf8_decode(p, (size_t)(end - p), &cp);
			if (is_removed_from_name(cp) || (n == 0 && cp == ' '))
				continue;
			if (clen > AUTHOR_MAX - n)
				break;
			memcpy(out + n, p, clen);
			n += clen;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (n == 0) {
		snprintf(out, AUTHOR_MAX + 1, "anonymous");
		return;
	}
	out[n] = '\0';
}
