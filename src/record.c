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
/* With a reply's parent and the flags, between text and CRC. */
#define FIELDS_MAX	10
/* "2026-11-25T09:12:12Z" */
#define TIME_LEN	20

static const char *const kinds[] = {
	[RECORD_ENTRY] = "entry",
	[RECORD_HIDE] = "hide",
	[RECORD_UNHIDE] = "unhide",
	[RECORD_APPROVE] = "approve",
	[RECORD_LIKE] = "like",
	[RECORD_BAN] = "ban",
	[RECORD_UNBAN] = "unban",
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
	if (r->parent != 0 || r->flags != 0) {
		snprintf(field, sizeof(field), "\t%llu\t%s%s%s", r->parent,
		    r->flags & RECORD_OWNER ? "o" : "", r->flags & RECORD_HELD ? "h" : "",
		    r->flags & RECORD_IMPORTED ? "i" : "");
		out_puts(&o, field);
	}
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

/* A decimal id without leading zeros; 0 only as "0" and only when zero_ok. */
static int
parse_id(const char *s, size_t n, int zero_ok, unsigned long long *out)
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
	return v == 0 && !zero_ok ? -1 : 0;
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

int
fingerprint_bytes(const char *hex, unsigned char out[FINGERPRINT_BYTES])
{
	size_t	i;
	int	hi, lo;

	if (strlen(hex) != FINGERPRINT_HEX - 1)
		return -1;
	for (i = 0; i < FINGERPRINT_BYTES; i++) {
		if ((hi = hex_value((unsigned char)hex[2 * i])) == -1 ||
		    (lo = hex_value((unsigned char)hex[2 * i + 1])) == -1)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* A slug (unescaped, so without control characters) is UTF-8 without '/', as file names in reviews/ are. */
static int
is_slug(const char *s, size_t n)
{
	return utf8_valid(s, n) && memchr(s, '/', n) == NULL;
}

/* Splits line at TABs into FIELDS or FIELDS_MAX fields; returns how many, or -1. */
static int
split_fields(const char *line, size_t len, const char *f[FIELDS_MAX], size_t n[FIELDS_MAX])
{
	const char	*p = line, *end = line + len, *tab = line;
	int		 i;

	for (i = 0; i < FIELDS_MAX && tab != end; i++) {
		if ((tab = memchr(p, '\t', (size_t)(end - p))) == NULL)
			tab = end;
		f[i] = p;
		n[i] = (size_t)(tab - p);
		p = tab + 1;
	}
	return tab == end && (i == FIELDS || i == FIELDS_MAX) ? i : -1;
}

/* The flags field: "o", "h", "i" in that order, one or more (never empty: then the field is not written). */
static int
parse_flags(const char *s, size_t n, unsigned *flags)
{
	size_t	i = 0;

	*flags = 0;
	if (i < n && s[i] == 'o') {
		*flags |= RECORD_OWNER;
		i++;
	}
	if (i < n && s[i] == 'h') {
		*flags |= RECORD_HELD;
		i++;
	}
	if (i < n && s[i] == 'i') {
		*flags |= RECORD_IMPORTED;
		i++;
	}
	return i == n ? 0 : -1;
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

/* Why a record whose fields do not fit its kind is refused. */
static const char *const kind_reasons[] = {
	[RECORD_ENTRY] = "entry without author or text, or answering a later entry",
	[RECORD_HIDE] = "hide record with entry fields",
	[RECORD_UNHIDE] = "unhide record with entry fields",
	[RECORD_APPROVE] = "approve record with entry fields",
	[RECORD_LIKE] = "like record without slug and fingerprint, or with entry fields",
	[RECORD_BAN] = "ban record without a one-line target, or with entry fields",
	[RECORD_UNBAN] = "unban record without a one-line target, or with entry fields",
};

/* Whether the fields r's kind leaves empty are empty; n as split_fields left them. */
static int
kind_fields_ok(const struct record *r, const size_t n[FIELDS_MAX])
{
	switch (r->kind) {
	case RECORD_ENTRY:
		return r->text_len > 0 && n[4] > 0 && r->parent < r->id;
	case RECORD_HIDE:
	case RECORD_UNHIDE:
	case RECORD_APPROVE:
		return (n[3] | n[4] | n[5] | n[6]) == 0;
	case RECORD_LIKE:
		return r->id == 0 && n[3] > 0 && n[5] > 0 && (n[4] | n[6]) == 0;
	case RECORD_BAN:
	case RECORD_UNBAN:
		return r->id == 0 && r->text_len > 0 && (n[3] | n[4] | n[5]) == 0 &&
		    memchr(r->text, '\n', r->text_len) == NULL;
	}
	return 0;
}

/* The fields after the id, unescaped into *r. */
static int
parse_fields(const char *f[FIELDS_MAX], const size_t n[FIELDS_MAX], int nfields,
    struct record *r)
{
	size_t	author_len, slug_len;

	if (unescape(f[3], n[3], "", r->slug, sizeof(r->slug), &slug_len) == -1 ||
	    !is_slug(r->slug, slug_len) || !is_fingerprint(f[5], n[5]) ||
	    unescape(f[4], n[4], "", r->author, sizeof(r->author), &author_len) == -1 ||
	    unescape(f[6], n[6], "\n", r->text, sizeof(r->text), &r->text_len) == -1 ||
	    !utf8_valid(r->author, author_len) || !utf8_valid(r->text, r->text_len))
		return -1;
	memcpy(r->fingerprint, f[5], n[5]);
	if (nfields == FIELDS)
		return 0;
	/* Written only when one of them says something. */
	return parse_id(f[7], n[7], 1, &r->parent) == -1 ||
	    parse_flags(f[8], n[8], &r->flags) == -1 ||
	    (r->parent == 0 && r->flags == 0) ? -1 : 0;
}

int
record_parse(const char *line, size_t len, struct record *r, const char **reason)
{
	const char	*f[FIELDS_MAX];
	size_t		 n[FIELDS_MAX];
	int		 nfields;

	memset(r, 0, sizeof(*r));
	if ((nfields = split_fields(line, len, f, n)) == -1) {
		*reason = "not " STR(FIELDS) " or " STR(FIELDS_MAX) " TAB-separated fields";
		return -1;
	}
	if (check_crc(line, f[nfields - 1], n[nfields - 1]) == -1) {
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
	/* Entries and what names one have an id; likes and bans have 0. */
	if (parse_id(f[2], n[2], 1, &r->id) == -1 || (r->id == 0) != (r->kind >= RECORD_LIKE)) {
		*reason = "malformed entry id";
		return -1;
	}
	if (parse_fields(f, n, nfields, r) == -1) {
		*reason = "malformed field";
		return -1;
	}
	if (!kind_fields_ok(r, n) || (r->kind != RECORD_ENTRY && nfields != FIELDS)) {
		*reason = kind_reasons[r->kind];
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
 * The owner's mark (OWNER_MARK, U+270D) and what could pass for it: the
 * other hands and pens of Dingbats (U+270C-2712) and of the pictographs
 * (U+1F589-1F58D, and U+1F58E, the left writing hand), and the skin tones
 * and emoji selector that would follow one (U+1F3FB-1F3FF, U+FE0F).
 */
static int
is_pen(unsigned cp)
{
	return (cp >= 0x270c && cp <= 0x2712) || (cp >= 0x1f589 && cp <= 0x1f58e) ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp == 0xfe0f;
}

/*
 * The directional marks (U+200E, U+200F, U+061C): invisible, and in a name
 * they would move the server's words around it ("(author)", the tag) on
 * the reader's screen. Text keeps them: a quote line holds them in.
 */
static int
is_direction_mark(unsigned cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/*
 * Also removed from author names: brackets, ASCII and full-width, so that
 * only the server writes the "[fingerprint]" tag after a name and a CN like
 * "alice [3fa2c1d0]" cannot pass for another author's, the owner's mark
 * with its lookalikes, and the directional marks.
 */
static int
is_removed_from_name(unsigned cp)
{
	return cp == '\n' || is_removed(cp) || cp == '[' || cp == ']' ||
	    cp == 0xff3b || cp == 0xff3d || is_pen(cp) || is_direction_mark(cp);
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
