/*
 * Gemtext turned into Gopher: menus for lists, plain text for reviews,
 * wrapped at 70 columns as a terminal counts them. Pure.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gemtext.h"
#include "request.h"
#include "utf8.h"

/* Receives each wrapped piece of a line. */
typedef void emit_fn(struct buf *out, const char *s, size_t n, void *arg);

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_spaces(const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	return s;
}

static struct gemtext_line
classify(const char *s, size_t n, int pre)
{
	struct gemtext_line	l = { GEMTEXT_TEXT, s, n, 0 };

	if (n >= 3 && strncmp(s, "```", 3) == 0)
		l.kind = GEMTEXT_TOGGLE;
	else if (pre)
		l.kind = GEMTEXT_PRE;
	else if (n >= 2 && strncmp(s, "=>", 2) == 0) {
		l.kind = GEMTEXT_LINK;
		l.s = s + 2;
	} else if (n >= 1 && s[0] == '#') {
		l.kind = GEMTEXT_HEADING;
		while (l.level < 3 && l.level < (int)n && s[l.level] == '#')
			l.level++;
		l.s = skip_spaces(s + l.level, s + n);
	} else if (n >= 2 && s[0] == '*' && s[1] == ' ') {
		l.kind = GEMTEXT_LIST;
		l.s = skip_spaces(s + 2, s + n);
	} else if (n >= 1 && s[0] == '>') {
		l.kind = GEMTEXT_QUOTE;
		l.s = skip_spaces(s + 1, s + n);
	}
	l.n = (size_t)(s + n - l.s);
	return l;
}

void
gemtext_reader_init(struct gemtext_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text + len;
	r->pre = 0;
}

int
gemtext_next(struct gemtext_reader *r, struct gemtext_line *l)
{
	const char	*lf;
	size_t		 n;

	if (r->p >= r->end)
		return 0;
	if ((lf = memchr(r->p, '\n', (size_t)(r->end - r->p))) == NULL)
		lf = r->end;
	n = (size_t)(lf - r->p);
	if (n > 0 && r->p[n - 1] == '\r')
		n--;
	*l = classify(r->p, n, r->pre);
	if (l->kind == GEMTEXT_TOGGLE)
		r->pre = !r->pre;
	r->p = lf < r->end ? lf + 1 : r->end;
	return 1;
}

/* Splits a link line's content into URL and label (the label may be empty). */
static void
link_parts(const struct gemtext_line *l, const char **url, size_t *url_n,
    const char **label, size_t *label_n)
{
	const char	*end = l->s + l->n, *p = skip_spaces(l->s, end), *q = p;

	while (q < end && !is_space(*q))
		q++;
	*url = p;
	*url_n = (size_t)(q - p);
	*label = skip_spaces(q, end);
	*label_n = (size_t)(end - *label);
	while (*label_n > 0 && is_space((*label)[*label_n - 1]))
		(*label_n)--;
}

/*
 * Word-wraps s into pieces of at most width columns, each given to emit.
 * Columns as a terminal shows them: a CJK character takes two.
 */
static void
wrap(struct buf *out, const char *s, size_t n, size_t width, emit_fn *emit,
    void *arg)
{
	size_t	take, cut;

	do {
		if (utf8_columns(s, n) <= width) {
			emit(out, s, n, arg);
			return;
		}
		take = utf8_fit(s, n, width);
		for (cut = take; cut > 0 && !is_space(s[cut]); cut--)
			continue;
		if (cut == 0)
			cut = take;	/* one long word: break it */
		emit(out, s, cut, arg);
		s += cut;
		n -= cut;
		while (n > 0 && is_space(*s))
			s++, n--;
	} while (n > 0);
}

/*
 * Gopher fields end at TAB, CR and LF; a display string must not hold them.
 * Other control characters are dropped: a client would print them raw.
 */
static void
put_field(struct buf *out, const char *s, size_t n)
{
	size_t		i, len;
	unsigned	cp;

	for (i = 0; i < n; i += len) {
		if ((len = utf8_decode((const unsigned char *)s + i, n - i, &cp)) == 0)
			len = 1, cp = 0xfffd;	/* a stray byte goes out as it came */
		if (cp == '\t' || cp == '\r' || cp == '\n')
			buf_append(out, " ", 1);
		else if (!utf8_is_control(cp))
			buf_append(out, s + i, len);
	}
}

struct menu_ctx {
	const struct gopher_origin	*o;
	const char			*prefix;
};

static void
emit_info(struct buf *out, const char *s, size_t n, void *arg)
{
	struct menu_ctx	*m = arg;

	buf_puts(out, "i");
	buf_puts(out, m->prefix);
	put_field(out, s, n);
	buf_printf(out, "\t\t%s\t%u\r\n", m->o->host, m->o->port);
}

static int
has_scheme(const char *url, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (url[i] == ':')
			return i > 0;
		if (url[i] == '/' || url[i] == '?' || url[i] == '#')
			return 0;
	}
	return 0;
}

/* The selector a local link leads to, resolved against the page; -1 if it leaves the root. */
static int
resolve(const char *url, size_t n, const char *page, char *out, size_t size)
{
	char		 joined[GOPHER_SELECTOR_MAX + 2];
	const char	*slash = strrchr(page, '/'), *why, *cut;
	size_t		 dir = slash != NULL ? (size_t)(slash - page) + 1 : 1;
	int		 len;

	if ((cut = memchr(url, '?', n)) != NULL)
		n = (size_t)(cut - url);
	if ((cut = memchr(url, '#', n)) != NULL)
		n = (size_t)(cut - url);
	if (n > 0 && url[0] == '/')
		len = snprintf(joined, sizeof(joined), "%.*s", (int)n, url);
	else
		len = snprintf(joined, sizeof(joined), "%.*s%.*s", (int)dir, page, (int)n, url);
	if (len < 0 || (size_t)len >= sizeof(joined))
		return -1;
	return path_normalise(joined, (size_t)len, out, size, &why);
}

/*
 * The selector a local link leads to over Gopher: resolve()'s, or the menu
 * that stands for its file (a review's, with its responses), unless that
 * menu is the page itself, which links to the file.
 */
static int
local_selector(const char *url, size_t n, const struct gopher_origin *o, char *out,
    size_t size)
{
	char	menu[GOPHER_SELECTOR_MAX + 2];
	size_t	len;

	if (resolve(url, n, o->page, out, size) == -1)
		return -1;
	if (o->menu_of != NULL && o->menu_of(o->arg, out, menu, sizeof(menu)) &&
	    strcmp(menu, o->page) != 0 && (len = strlen(menu)) < size)
		memcpy(out, menu, len + 1);
	return 0;
}

static char
item_type(const char *selector, const struct gopher_origin *o)
{
	static const struct { const char *suffix; char type; } types[] = {
		{ "/", '1' }, { ".gmi", '0' }, { ".gemini", '0' }, { ".txt", '0' },
		{ ".md", '0' }, { ".xml", '0' }, { ".gif", 'g' }, { ".png", 'I' },
		{ ".jpg", 'I' }, { ".jpeg", 'I' }, { ".webp", 'I' },
	};
	size_t	i, n = strlen(selector), m;
	char	type;

	if (o->type_of != NULL && (type = o->type_of(selector)) != 0)
		return type;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		m = strlen(types[i].suffix);
		if (n >= m && strcasecmp(selector + n - m, types[i].suffix) == 0)
			return types[i].type;
	}
	return '9';
}

static void
put_display(struct buf *out, const char *s, size_t n)
{
	put_field(out, s, utf8_fit(s, n, GOPHER_COLUMNS - 1));
}

static void
menu_link(struct buf *out, const struct gemtext_line *l, const struct gopher_origin *o)
{
	char		 selector[GOPHER_SELECTOR_MAX + 2];
	const char	*url, *label;
	size_t		 url_n, label_n;
	struct menu_ctx	 m = { o, "" };

	link_parts(l, &url, &url_n, &label, &label_n);
	if (label_n == 0) {
		label = url;
		label_n = url_n;
	}
	if (url_n == 0)
		return;
	if (has_scheme(url, url_n)) {
		/* Other protocols: an 'h' item whose selector carries the URL. */
		buf_puts(out, "h");
		put_display(out, label, label_n);
		buf_puts(out, "\tURL:");
		put_field(out, url, url_n);
		buf_printf(out, "\t%s\t%u\r\n", o->host, o->port);
		return;
	}
	if (local_selector(url, url_n, o, selector, sizeof(selector)) == -1) {
		wrap(out, label, label_n, GOPHER_COLUMNS, emit_info, &m);
		return;
	}
	buf_printf(out, "%c", item_type(selector, o));
	put_display(out, label, label_n);
	buf_puts(out, "\t");
	/* The server decodes selectors as it does Gemini paths: send them encoded. */
	buf_put_path(out, selector);
	buf_printf(out, "\t%s\t%u\r\n", o->host, o->port);
}

void
gemtext_menu(const char *text, size_t len, const struct gopher_origin *o,
    struct buf *out)
{
	struct gemtext_reader	r;
	struct gemtext_line	l;
	struct menu_ctx		m = { o, "" };

	gemtext_reader_init(&r, text, len);
	while (gemtext_next(&r, &l)) {
		m.prefix = l.kind == GEMTEXT_LIST ? "* " : l.kind == GEMTEXT_QUOTE ? "> " : "";
		switch (l.kind) {
		case GEMTEXT_TOGGLE:
			break;
		case GEMTEXT_PRE:
			emit_info(out, l.s, utf8_fit(l.s, l.n, GOPHER_COLUMNS), &m);
			break;
		case GEMTEXT_LINK:
			menu_link(out, &l, o);
			break;
		default:
			wrap(out, l.s, l.n, GOPHER_COLUMNS - 2, emit_info, &m);
		}
	}
	buf_puts(out, ".\r\n");
}

struct text_ctx {
	const char	*first, *rest;	/* prefixes of the first and later pieces */
	int		 started;
};

/*
 * Appends one line of plain text as it is: the text ends where the
 * connection does, so no line is taken for RFC 1436's lone "." and none is
 * dot-stuffed.
 */
static void
put_text_line(struct buf *out, const char *prefix, const char *s, size_t n)
{
	buf_puts(out, prefix);
	buf_append(out, s, n);
	buf_puts(out, "\r\n");
}

static void
emit_text(struct buf *out, const char *s, size_t n, void *arg)
{
	struct text_ctx	*t = arg;

	put_text_line(out, t->started ? t->rest : t->first, s, n);
	t->started = 1;
}

/* A heading wrapped like prose and underlined as wide as it shows, up to a line. */
static void
text_heading(struct buf *out, const struct gemtext_line *l)
{
	struct text_ctx	t = { "", "", 0 };
	size_t		i, width = utf8_columns(l->s, l->n);

	wrap(out, l->s, l->n, GOPHER_COLUMNS, emit_text, &t);
	if (l->level > 2)
		return;
	for (i = 0; i < width && i < GOPHER_COLUMNS; i++)
		buf_puts(out, l->level == 1 ? "=" : "-");
	buf_puts(out, "\r\n");
}

static void
text_reference(struct buf *refs, unsigned n, const char *url, size_t url_n,
    const struct gopher_origin *o)
{
	char	selector[GOPHER_SELECTOR_MAX + 2];

	buf_printf(refs, "[%u] ", n);
	if (has_scheme(url, url_n))
		buf_append(refs, url, url_n);
	else if (local_selector(url, url_n, o, selector, sizeof(selector)) == 0) {
		buf_printf(refs, "gopher://%s:%u/%c", o->host, o->port, item_type(selector, o));
		buf_put_path(refs, selector);
	} else
		buf_append(refs, url, url_n);
	buf_puts(refs, "\r\n");
}

void
gemtext_text(const char *text, size_t len, const struct gopher_origin *o,
    struct buf *out)
{
	struct gemtext_reader	 r;
	struct gemtext_line	 l;
	struct buf		 refs = { 0 }, tagged = { 0 };
	struct text_ctx		 t;
	const char		*url, *label;
	size_t			 url_n, label_n;
	unsigned		 links = 0;

	gemtext_reader_init(&r, text, len);
	while (gemtext_next(&r, &l)) {
		t = (struct text_ctx){ "", "", 0 };
		switch (l.kind) {
		case GEMTEXT_TOGGLE:
			break;
		case GEMTEXT_PRE:
			put_text_line(out, "", l.s, l.n);
			break;
		case GEMTEXT_HEADING:
			text_heading(out, &l);
			break;
		case GEMTEXT_LINK:
			link_parts(&l, &url, &url_n, &label, &label_n);
			if (url_n == 0)
				break;
			text_reference(&refs, ++links, url, url_n, o);
			tagged.len = 0;
			buf_printf(&tagged, "[%u] %.*s", links, (int)(label_n > 0 ? label_n : url_n),
			    label_n > 0 ? label : url);
			if (!tagged.failed)
				wrap(out, tagged.data, tagged.len, GOPHER_COLUMNS, emit_text, &t);
			break;
		case GEMTEXT_LIST:
			t = (struct text_ctx){ "  * ", "    ", 0 };
			wrap(out, l.s, l.n, GOPHER_COLUMNS - 4, emit_text, &t);
			break;
		case GEMTEXT_QUOTE:
			t = (struct text_ctx){ "> ", "> ", 0 };
			wrap(out, l.s, l.n, GOPHER_COLUMNS - 2, emit_text, &t);
			break;
		case GEMTEXT_TEXT:
			if (l.n == 0)
				buf_puts(out, "\r\n");
			else
				wrap(out, l.s, l.n, GOPHER_COLUMNS, emit_text, &t);
			break;
		}
	}
	if (links > 0) {
		buf_puts(out, "\r\nReferences\r\n\r\n");
		if (refs.data != NULL)
			buf_append(out, refs.data, refs.len);
	}
	buf_free(&refs);
	buf_free(&tagged);
}

size_t
gemtext_gopher_bound(const char *text, size_t len, size_t host_len)
{
	const char	*p, *end;
	size_t		 lines = 1;

	if (len == 0)
		return host_len + 24;
	for (p = text, end = text + len; p != NULL && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	return len * 2 + lines * (host_len + 24);
}
