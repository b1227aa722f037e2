/*
 * HTML as WordPress stores it, turned into gemtext. The input is first made
 * safe to hand to a parser (UTF-8, no control bytes) and its shortcodes
 * dealt with; libxml2's HTML parser, which decodes every entity and
 * recovers from broken markup, makes the tree; a walk over it writes the
 * gemtext, one block at a time, each block's links after it. Reading the
 * export and writing files are import.c's.
 */

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "html2gmi.h"
#include "utf8.h"

/* Never the network, never a complaint on standard error: the markup is the author's, broken or not. */
#define HTML_OPTIONS	(HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
			 HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT)

/* Longest URL kept as a link: Gemini's limit on a request (specification section 2). */
#define LINK_URL_MAX	1024

/* Longest shortcode tag, "[caption id=... align=... width=...]": longer brackets are text. */
#define SHORTCODE_MAX	1024

struct conv {
	struct buf	*out;
	struct buf	 line;		/* the current block's text */
	struct buf	 links;		/* its "=>" lines, written after it */
	struct buf	 table;		/* rows of the current table */
	const char	*prefix;	/* of the current block's lines: "", "# ", "* " */
	int		 autop;		/* no <p>: a blank line is a paragraph, a LF a break */
	int		 quote;		/* blockquotes around the text */
	int		 pre;		/* inside <pre>: text as it is */
	int		 table_depth;	/* inside a table: blocks are spaces */
	int		 need_blank;	/* a blank line before the next line written */
	int		 oneline;	/* html2gmi_line: text only */
};

/* --- Before parsing: UTF-8, controls, shortcodes ---------------------------- */

/*
 * Appends in[0..len) as valid UTF-8 without control bytes other than TAB
 * and LF; with expand, a TAB becomes the spaces to the next multiple of 8
 * columns (counted in bytes: <pre> blocks are mostly ASCII).
 */
static void
put_clean(struct buf *b, const char *in, size_t len, int expand)
{
	const unsigned char	*s = (const unsigned char *)in;
	unsigned		 cp;
	size_t			 i = 0, n, col = (size_t)-1;

	while (i < len) {
		col = i > 0 && s[i - 1] == '\n' ? 0 : col + 1;
		if (expand && s[i] == '\t') {
			for (buf_puts(b, " "); col % 8 != 7; col++)
				buf_puts(b, " ");
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) == 0) {
			buf_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
			i++;
			continue;
		}
		if (cp == '\r')
			buf_puts(b, (i + 1 < len && s[i + 1] == '\n') ? "" : "\n");
		else if (cp == '\n' || cp == '\t' || (!utf8_is_control(cp) && !utf8_is_invisible(cp)))
			buf_append(b, s + i, n);
		i += n;
	}
}

static const char *const shortcodes[] = {
	"caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist",
	"wpvideo", "youtube", "vimeo",
};

/*
 * The length of the shortcode tag "[name ...]" or "[/name]" at s (a name
 * from shortcodes), with the name's index in *which; 0 when s is not one.
 */
static size_t
shortcode_at(const char *s, size_t len, size_t *which)
{
	size_t	i, n, at = s[1] == '/' ? 2 : 1;
	const char	*close;

	if ((close = memchr(s, ']', len < SHORTCODE_MAX ? len : SHORTCODE_MAX)) == NULL)
		return 0;
	for (i = 0; i < sizeof(shortcodes) / sizeof(shortcodes[0]); i++) {
		n = strlen(shortcodes[i]);
		if (at + n <= (size_t)(close - s) + 1 && strncmp(s + at, shortcodes[i], n) == 0 &&
		    (s[at + n] == ']' || s[at + n] == ' ')) {
			*which = i;
			return (size_t)(close - s) + 1;
		}
	}
	return 0;
}

/* "[embed]URL[/embed]" at s as a link; the bytes it took, 0 when it is not one. */
static size_t
embed_link(struct buf *b, const char *s, size_t len, size_t tag)
{
	const char	*end = memmem(s + tag, len - tag, "[/embed]", 8), *u = s + tag;
	size_t		 i, n;
	int		 k;

	if (end == NULL)
		return 0;
	n = (size_t)(end - u);
	/* The URL is the link's text too, both escaped: no markup can hide in it. */
	for (k = 0; k < 2; k++) {
		buf_puts(b, k == 0 ? "<a href=\"" : "\">");
		for (i = 0; i < n; i++) {
			if (u[i] == '"' || u[i] == '<' || u[i] == '>' || u[i] == '&')
				buf_printf(b, "%%%02X", (unsigned char)u[i]);
			else
				buf_append(b, u + i, 1);
		}
	}
	buf_puts(b, "</a>");
	return (size_t)(end - s) + 8;
}

/* The cleaned HTML of in: shortcode tags dropped (their content kept), [embed] a link. */
static void
prepare(struct buf *b, const char *in, size_t len)
{
	struct buf	clean = { 0 };
	size_t		i = 0, start = 0, n, which, took;

	put_clean(&clean, in, len, 0);
	if (clean.len == 0 || clean.failed) {
		b->failed |= clean.failed;
		buf_free(&clean);
		return;
	}
	buf_grow(b, clean.len + 1);
	for (i = 0; i < clean.len; i++) {
		if (clean.data[i] != '[' || i + 1 >= clean.len ||
		    (n = shortcode_at(clean.data + i, clean.len - i, &which)) == 0)
			continue;
		buf_append(b, clean.data + start, i - start);
		took = n;
		if (strcmp(shortcodes[which], "embed") == 0 && clean.data[i + 1] != '/')
			took = embed_link(b, clean.data + i, clean.len - i, n);
		i += (took > 0 ? took : n) - 1;
		start = i + 1;
	}
	buf_append(b, clean.data + start, clean.len - start);
	buf_free(&clean);
}

/* --- Writing lines ------------------------------------------------------- */

/* Whether gemtext would read a text line starting with s as something else. */
static int
looks_like_markup(const char *s, size_t n)
{
	return (n >= 2 && memcmp(s, "=>", 2) == 0) || (n >= 3 && memcmp(s, "```", 3) == 0) ||
	    s[0] == '#' || s[0] == '>' || (n >= 2 && memcmp(s, "* ", 2) == 0);
}

static int
is_link_url(const char *s, size_t n)
{
	static const char *const schemes[] = { "http://", "https://", "gemini://",
	    "gopher://", "mailto:" };
	size_t	i;

	if (n == 0 || n > LINK_URL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (n > strlen(schemes[i]) && strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* Whether the block's links have one to s[0..n) already. */
static int
link_pending(const struct conv *c, const char *s, size_t n)
{
	const char	*p = c->links.data, *end;

	if (c->links.len == 0)
		return 0;
	end = p + c->links.len;

	for (; p != NULL && p < end; p = memchr(p, '\n', (size_t)(end - p)), p = p ? p + 1 : p)
		if ((size_t)(end - p) > n + 3 && memcmp(p + 3, s, n) == 0 &&
		    (p[3 + n] == '\n' || p[3 + n] == ' '))
			return 1;
	return 0;
}

static void
blank_if_needed(struct conv *c)
{
	if (c->need_blank && c->out->len > 0)
		buf_puts(c->out, "\n");
	c->need_blank = 0;
}

/* One line of text s[0..n), trimmed, with the block's prefix. */
static void
put_line(struct conv *c, const char *s, size_t n)
{
	while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	blank_if_needed(c);
	if (c->prefix[0] == '\0' && c->quote == 0 && is_link_url(s, n)) {
		/* A paragraph that is a URL, which WordPress embeds: a link, once. */
		if (link_pending(c, s, n))
			return;
		buf_puts(c->out, "=> ");
	} else {
		if (c->quote > 0)
			buf_puts(c->out, "> ");
		buf_puts(c->out, c->prefix);
		if (c->quote == 0 && c->prefix[0] == '\0' && looks_like_markup(s, n))
			buf_puts(c->out, " ");
	}
	buf_append(c->out, s, n);
	buf_puts(c->out, "\n");
}

/*
 * Ends the current block: its text, line by line, then its links; blank
 * says whether a blank line follows before the next block.
 */
static void
flush(struct conv *c, int blank)
{
	const char	*p = c->line.data, *end, *lf;
	size_t		 was;

	if (c->oneline || c->table_depth > 0)
		return;
	was = c->out->len;
	end = c->line.len > 0 ? p + c->line.len : p;
	for (; p < end; p = lf + 1) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			lf = end;
		put_line(c, p, (size_t)(lf - p));
	}
	c->line.len = 0;
	if (c->links.len > 0) {
		blank_if_needed(c);
		buf_append(c->out, c->links.data, c->links.len);
		c->links.len = 0;
	}
	if (c->out->len > was)
		c->need_blank = blank;
}

/* --- Walking the tree ---------------------------------------------------- */

static void	walk(struct conv *c, const xmlNode *n);

/* Text outside <pre>: white space collapsed; with autop, LF a break and a blank line a paragraph. */
static void
text(struct conv *c, const char *s)
{
	size_t	lfs;

	if (c->pre) {
		buf_puts(&c->line, s);
		return;
	}
	while (*s != '\0') {
		if (*s != ' ' && *s != '\t' && *s != '\n') {
			buf_append(&c->line, s++, 1);
			continue;
		}
		for (lfs = 0; *s == ' ' || *s == '\t' || *s == '\n'; s++)
			lfs += *s == '\n';
		if (c->autop && lfs >= 2 && c->table_depth == 0)
			flush(c, 1);
		else if (c->autop && lfs == 1 && c->table_depth == 0)
			buf_puts(&c->line, "\n");
		else if (c->line.len > 0 && c->line.data[c->line.len - 1] != ' ' &&
		    c->line.data[c->line.len - 1] != '\n')
			buf_puts(&c->line, " ");
	}
}

static const char *
attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0 && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* A "=> URL TEXT" line for after the block; text is cut at its first line. */
static void
add_link(struct conv *c, const char *url, const char *t, size_t tn)
{
	size_t	n = url != NULL ? strlen(url) : 0;

	while (n > 0 && url[0] == ' ') {
		url++;
		n--;
	}
	while (n > 0 && url[n - 1] == ' ')
		n--;
	if (c->oneline || !is_link_url(url, n))
		return;
	while (tn > 0 && (t[0] == ' ' || t[0] == '\n')) {
		t++;
		tn--;
	}
	if (memchr(t, '\n', tn) != NULL)
		tn = (size_t)((const char *)memchr(t, '\n', tn) - t);
	buf_puts(&c->links, "=> ");
	buf_append(&c->links, url, n);
	if (tn > 0 && !(tn == n && memcmp(t, url, n) == 0)) {
		buf_puts(&c->links, " ");
		buf_append(&c->links, t, tn);
	}
	buf_puts(&c->links, "\n");
}

static void
children(struct conv *c, const xmlNode *n)
{
	for (n = n->children; n != NULL; n = n->next)
		walk(c, n);
}

/*
 * Writes the lines of text as a preformatted block; a line that opens with
 * ``` gets a space first, as it would end the block and let the lines after
 * it be read as links and headings.
 */
static void
preformatted(struct conv *c, const struct buf *text)
{
	const char	*p, *end, *lf;

	blank_if_needed(c);
	buf_puts(c->out, "```\n");
	p = text->data;
	end = text->len > 0 ? p + text->len : p;
	for (; p < end; p = lf + 1) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			lf = end;
		if (lf - p >= 3 && memcmp(p, "```", 3) == 0)
			buf_puts(c->out, " ");
		buf_append(c->out, p, (size_t)(lf - p));
		buf_puts(c->out, "\n");
	}
	buf_puts(c->out, "```\n");
	c->need_blank = 1;
}

static void
element_pre(struct conv *c, const xmlNode *n)
{
	flush(c, 1);
	c->pre++;
	children(c, n);
	c->pre--;
	if (c->oneline || c->table_depth > 0)
		return;
	preformatted(c, &c->line);
	c->line.len = 0;
	flush(c, 1);	/* its links */
}

/* A table: a preformatted block, one row a line, cells between " | ". */
static void
element_table(struct conv *c, const xmlNode *n)
{
	flush(c, 1);
	if (c->table_depth++ == 0)
		c->table.len = 0;
	children(c, n);
	if (--c->table_depth > 0 || c->oneline)
		return;
	c->line.len = 0;
	if (c->table.len > 0)
		preformatted(c, &c->table);
	flush(c, 1);
}

static void
element_row(struct conv *c, const xmlNode *n)
{
	const xmlNode	*cell;
	int		 first = 1;

	c->line.len = 0;
	for (cell = n->children; cell != NULL; cell = cell->next) {
		if (cell->type != XML_ELEMENT_NODE)
			continue;
		if (!first)
			buf_puts(&c->line, " | ");
		first = 0;
		children(c, cell);
		while (c->line.len > 0 && c->line.data[c->line.len - 1] == ' ')
			c->line.len--;
	}
	if (c->line.len > 0 && c->table_depth == 1) {
		buf_append(&c->table, c->line.data, c->line.len);
		buf_puts(&c->table, "\n");
	}
	c->line.len = 0;
}

static void
element_link(struct conv *c, const xmlNode *n)
{
	size_t	start = c->line.len;

	children(c, n);
	if (c->line.len > start)
		add_link(c, attr(n, "href"), c->line.data + start, c->line.len - start);
}

/* A block whose lines carry prefix (NULL: the one around it); blank: a blank line after it. */
static void
element_block(struct conv *c, const xmlNode *n, const char *prefix, int blank)
{
	const char	*was = c->prefix;
	size_t		 start;

	if (c->table_depth > 0 || c->oneline) {
		text(c, " ");
		children(c, n);
		text(c, " ");
		return;
	}
	/* A list in a list item: its items follow the item's line without a blank. */
	flush(c, strcmp(c->prefix, "* ") != 0);
	start = c->out->len;
	if (prefix != NULL)
		c->prefix = prefix;
	children(c, n);
	flush(c, blank);
	c->prefix = was;
	if (c->out->len > start && blank)
		c->need_blank = 1;
}

static const char *
heading_prefix(const char *name)
{
	if (strcmp(name, "h1") == 0)
		return "# ";
	return strcmp(name, "h2") == 0 ? "## " : "### ";
}

static void
element(struct conv *c, const xmlNode *n)
{
	const char	*name = (const char *)n->name;
	const char	*alt;

	if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	    strcmp(name, "noscript") == 0 || strcmp(name, "template") == 0)
		return;
	if (strcmp(name, "br") == 0)
		buf_puts(&c->line, c->table_depth > 0 ? " " : "\n");
	else if (strcmp(name, "pre") == 0)
		element_pre(c, n);
	else if (strcmp(name, "table") == 0)
		element_table(c, n);
	else if (strcmp(name, "tr") == 0 && c->table_depth > 0)
		element_row(c, n);
	else if (strcmp(name, "a") == 0)
		element_link(c, n);
	else if (strcmp(name, "figcaption") == 0) {
		/* The caption goes with its figure's image: on the next line, link after both. */
		if (c->line.len > 0 && c->line.data[c->line.len - 1] != '\n')
			buf_puts(&c->line, c->table_depth > 0 || c->oneline ? " " : "\n");
		children(c, n);
	}
	else if (strcmp(name, "img") == 0) {
		alt = attr(n, "alt");
		add_link(c, attr(n, "src"), alt != NULL && alt[0] != '\0' ? alt : "image",
		    alt != NULL && alt[0] != '\0' ? strlen(alt) : 5);
	} else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
		element_block(c, n, heading_prefix(name), 1);
	else if (strcmp(name, "li") == 0 || strcmp(name, "dt") == 0 || strcmp(name, "dd") == 0)
		element_block(c, n, "* ", 0);
	else if (strcmp(name, "blockquote") == 0) {
		flush(c, 1);
		c->quote++;
		element_block(c, n, "", 1);
		c->quote--;
	} else if (strcmp(name, "p") == 0 || strcmp(name, "div") == 0 ||
	    strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0 || strcmp(name, "dl") == 0 ||
	    strcmp(name, "figure") == 0 ||
	    strcmp(name, "hr") == 0 || strcmp(name, "section") == 0 ||
	    strcmp(name, "article") == 0 || strcmp(name, "header") == 0 ||
	    strcmp(name, "footer") == 0 || strcmp(name, "aside") == 0)
		element_block(c, n, strcmp(name, "p") == 0 ? "" : NULL, 1);
	else
		children(c, n);		/* inline: b, i, em, span, code... */
}

static void
walk(struct conv *c, const xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		text(c, (const char *)n->content);
	else if (n->type == XML_ELEMENT_NODE)
		element(c, n);
	/* Comments (Gutenberg's blocks), processing instructions: nothing. */
}

/* Whether html has a <p> of its own: else WordPress's autop makes paragraphs of blank lines. */
static int
has_paragraphs(const char *s, size_t len)
{
	size_t	i;

	if (memmem(s, len, "<!-- wp:", 8) != NULL)
		return 1;
	for (i = 0; i + 2 < len; i++)
		if (s[i] == '<' && (s[i + 1] == 'p' || s[i + 1] == 'P') &&
		    (s[i + 2] == '>' || s[i + 2] == ' '))
			return 1;
	return 0;
}

/* Parses prepared HTML and walks it into c->out; -1 when out of memory. */
static int
convert(struct conv *c, const struct buf *html)
{
	htmlDocPtr	 doc;
	const xmlNode	*root;

	c->prefix = "";
	if (html->len == 0)
		return 0;
	doc = htmlReadMemory(html->data, (int)html->len, NULL, "UTF-8", HTML_OPTIONS);
	if (doc == NULL)
		return 0;	/* nothing libxml2 could read as HTML: no text */
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		walk(c, root);
	flush(c, 0);
	xmlFreeDoc(doc);
	return 0;
}

/* Appends s[0..n) to out without blank lines at either end or more than one in a row. */
static void
put_tidy(struct buf *out, const char *s, size_t n)
{
	const char	*p = s, *end = s + n, *lf;
	int		 blanks = 0, any = 0;

	for (; p < end; p = lf + 1) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			lf = end;
		if (lf == p) {
			blanks++;
			continue;
		}
		if (any && blanks > 0)
			buf_puts(out, "\n\n");
		else if (any)
			buf_puts(out, "\n");
		buf_append(out, p, (size_t)(lf - p));
		any = 1;
		blanks = 0;
	}
	if (any)
		buf_puts(out, "\n");
}

int
html2gmi(const char *html, size_t len, struct buf *out)
{
	struct buf	in = { 0 }, raw = { 0 }, clean = { 0 };
	struct conv	c = { .out = &raw };

	prepare(&in, html, len);
	c.autop = !in.failed && in.len > 0 && !has_paragraphs(in.data, in.len);
	if (!in.failed)
		(void)convert(&c, &in);
	put_clean(&clean, raw.data != NULL ? raw.data : "", raw.len, 1);
	put_tidy(out, clean.data != NULL ? clean.data : "", clean.len);
	if (in.failed || raw.failed || c.line.failed || c.links.failed || c.table.failed ||
	    clean.failed)
		out->failed = 1;
	buf_free(&in);
	buf_free(&raw);
	buf_free(&clean);
	buf_free(&c.line);
	buf_free(&c.links);
	buf_free(&c.table);
	return out->failed ? -1 : 0;
}

void
html2gmi_line(const char *html, size_t len, char *out, size_t size)
{
	struct buf	in = { 0 }, clean = { 0 };
	struct conv	c = { .out = NULL, .oneline = 1 };
	size_t		i, n = 0, seq;
	unsigned	cp;

	if (size == 0)
		return;
	out[0] = '\0';
	prepare(&in, html, len);
	if (!in.failed)
		(void)convert(&c, &in);
	put_clean(&clean, c.line.data != NULL ? c.line.data : "", c.line.len, 1);
	for (i = 0; !clean.failed && i < clean.len; i += seq) {
		seq = 1;
		if (clean.data[i] == '\n' || clean.data[i] == '\t' || clean.data[i] == ' ') {
			if (n > 0 && out[n - 1] != ' ' && n + 1 < size)
				out[n++] = ' ';
			continue;
		}
		/* Whole characters only: put_clean made clean.data UTF-8. */
		seq = utf8_decode((const unsigned char *)clean.data + i, clean.len - i, &cp);
		if (seq == 0 || n + seq >= size)
			break;
		memcpy(out + n, clean.data + i, seq);
		n += seq;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	buf_free(&in);
	buf_free(&clean);
	buf_free(&c.line);
	buf_free(&c.links);
	buf_free(&c.table);
}
