/*
 * The WordPress export read as a stream (wxr.h): libxml2's xmlTextReader
 * walks it element by element, each item's fields are copied into one
 * struct wxr_item that is handed to the sink and then emptied, so memory
 * is one item's, whatever the size of the file. Turning HTML into gemtext
 * and items into files is others' (html2gmi.c, import.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "utf8.h"
#include "wxr.h"

/*
 * No network, no DTD loaded, no entity substituted (XML_PARSE_NOENT is not
 * set): with the document type refused as soon as it is met, no entity
 * can be declared at all. No XML_PARSE_HUGE: libxml2's own limits (10 MB a
 * text node, 256 levels deep) stay.
 */
#define READER_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT)

/* The WordPress namespace's URI starts so; the version (1.0, 1.1, 1.2) follows. */
#define WP_NS		"http://wordpress.org/export/"
#define CONTENT_NS	"http://purl.org/rss/1.0/modules/content/"
#define DC_NS		"http://purl.org/dc/elements/1.1/"

/* Bytes read at once from the export, at most. */
#define INPUT_CHUNK	(64 * 1024)

/*
 * The export as libxml2 reads it: from a file or memory, with every byte
 * that is not UTF-8 made U+FFFD and the control characters XML forbids
 * dropped, so that one bad post does not make the whole file unreadable.
 */
struct input {
	int			 fd;		/* -1 when reading mem */
	const char		*mem;
	size_t			 mem_len, mem_off;
	unsigned char		 raw[INPUT_CHUNK + UTF8_SEQ_MAX];
	size_t			 carry;		/* bytes of an unfinished sequence at raw's start */
	int			 eof;
};

struct reader {
	struct input		 in;
	xmlTextReaderPtr	 r;
	const struct wxr_sink	*sink;
	char			*why;		/* WXR_WHY_MAX bytes */
	int			 failed;	/* why is set */
	int			 stopped;	/* the sink said stop */
	int			 seen_rss, seen_channel, seen_wp;
	struct wxr_item		 item;
};

static void
refuse(struct reader *rd, const char *what)
{
	if (rd->failed)
		return;
	rd->failed = 1;
	snprintf(rd->why, WXR_WHY_MAX, "%s", what);
}

/* libxml2's first complaint, with its line: why a file that is not XML is refused. */
static void
on_error(void *arg, xmlErrorPtr e)
{
	struct reader	*rd = arg;
	char		 msg[WXR_WHY_MAX];
	size_t		 n;

	if (e == NULL || e->level < XML_ERR_ERROR || rd->failed)
		return;
	snprintf(msg, sizeof(msg), "not well-formed XML, line %d: %s", e->line,
	    e->message != NULL ? e->message : "?");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	refuse(rd, msg);
}

/* Up to want more raw bytes after the carried ones; how many, 0 at the end, -1 on an error. */
static ssize_t
input_fill(struct input *in, size_t want)
{
	ssize_t	n;
	size_t	m;

	if (in->fd == -1) {
		m = in->mem_len - in->mem_off < want ? in->mem_len - in->mem_off : want;
		memcpy(in->raw + in->carry, in->mem + in->mem_off, m);
		in->mem_off += m;
		return (ssize_t)m;
	}
	while ((n = read(in->fd, in->raw + in->carry, want)) == -1 && errno == EINTR)
		continue;
	return n;
}

/*
 * libxml2's read callback: up to len bytes of repaired UTF-8 into out.
 * Raw bytes not turned out yet (out was full, or a sequence is cut at the
 * end of what was read) wait in raw for the next call.
 */
static int
input_read(void *arg, char *out, int len)
{
	struct input	*in = arg;
	size_t		 want = INPUT_CHUNK - in->carry, have, i = 0, o = 0, k;
	ssize_t		 n = 0;
	unsigned	 cp;

	if (len < UTF8_SEQ_MAX || (!in->eof && want > 0 && (n = input_fill(in, want)) == -1))
		return -1;
	in->eof |= want > 0 && n == 0;
	have = in->carry + (size_t)n;
	/* Each step writes 4 bytes at most. */
	while (i < have && o + UTF8_SEQ_MAX <= (size_t)len) {
		if (in->raw[i] < 0x80) {
			if (in->raw[i] >= 0x20 || in->raw[i] == '\t' || in->raw[i] == '\n' ||
			    in->raw[i] == '\r')
				out[o++] = (char)in->raw[i];
			i++;
		} else if ((k = utf8_decode(in->raw + i, have - i, &cp)) > 0) {
			memcpy(out + o, in->raw + i, k);
			o += k;
			i += k;
		} else if (have - i < UTF8_SEQ_MAX && !in->eof)
			break;		/* perhaps finished by the next read */
		else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	in->carry = have - i;
	memmove(in->raw, in->raw + i, in->carry);
	/* Nothing out is the end for libxml2: a short read that cut a sequence reads on. */
	return o == 0 && !in->eof ? input_read(arg, out, len) : (int)o;
}

static int
input_close(void *arg)
{
	(void)arg;
	return 0;
}

/* No entity or DTD is ever fetched, from a file or the network. */
static xmlParserInputPtr
no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static const char *
local_name(struct reader *rd)
{
	const xmlChar	*n = xmlTextReaderConstLocalName(rd->r);

	return n != NULL ? (const char *)n : "";
}

/* The current element's namespace: 'w' WordPress, 'c' content, 'd' Dublin Core, 0 none or another. */
static int
ns_of(struct reader *rd)
{
	const char	*ns = (const char *)xmlTextReaderConstNamespaceUri(rd->r);

	if (ns == NULL)
		return 0;
	if (strncmp(ns, WP_NS, strlen(WP_NS)) == 0) {
		rd->seen_wp = 1;
		return 'w';
	}
	if (strcmp(ns, CONTENT_NS) == 0)
		return 'c';
	return strcmp(ns, DC_NS) == 0 ? 'd' : 0;
}

/* The current element's text into out (size bytes, cut there); 1 when it was cut. */
static int
read_text(struct reader *rd, char *out, size_t size)
{
	xmlChar	*s = xmlTextReaderReadString(rd->r);
	size_t	 n = s != NULL ? strlen((const char *)s) : 0;
	int	 cut = n >= size;

	if (cut)
		n = size - 1;
	memcpy(out, s != NULL ? (const char *)s : "", n);
	out[n] = '\0';
	xmlFree(s);
	return cut;
}

/* The current element's text into b, at most max bytes; 1 when it was longer. */
static int
read_buf(struct reader *rd, struct buf *b, size_t max)
{
	xmlChar	*s = xmlTextReaderReadString(rd->r);
	size_t	 n = s != NULL ? strlen((const char *)s) : 0;
	int	 cut = n > max;

	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
	buf_append(b, s != NULL ? (const char *)s : "", cut ? max : n);
	xmlFree(s);
	return cut;
}

static unsigned long long
read_number(struct reader *rd)
{
	char			 s[32];
	unsigned long long	 v = 0;
	size_t			 i;

	(void)read_text(rd, s, sizeof(s));
	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 19; i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	return v;
}

/* What is read inside an element: an item's fields, a comment's, the channel's items. */
typedef void	(*child_fn)(struct reader *rd, void *into);

/*
 * Calls fn at each element child of the current element, then leaves the
 * reader on its end. fn leaves the reader on the child's start or end:
 * what is under it is skipped. A DTD or entity anywhere stops everything.
 */
static void
read_children(struct reader *rd, child_fn fn, void *into)
{
	int	depth = xmlTextReaderDepth(rd->r), ret, type;

	if (xmlTextReaderIsEmptyElement(rd->r) == 1)
		return;
	for (ret = xmlTextReaderRead(rd->r); ret == 1 && !rd->failed && !rd->stopped;
	    ret = xmlTextReaderNext(rd->r)) {
		type = xmlTextReaderNodeType(rd->r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY ||
		    type == XML_READER_TYPE_ENTITY_REFERENCE) {
			refuse(rd, "a document type or entity declaration: a WordPress export "
			    "has none, and entities can expand without bound; refused");
			return;
		}
		if (xmlTextReaderDepth(rd->r) <= depth)
			return;		/* the end of the element */
		if (type == XML_READER_TYPE_ELEMENT)
			fn(rd, into);
	}
	if (ret == -1)
		refuse(rd, "not well-formed XML");
}

static void
comment_field(struct reader *rd, void *into)
{
	struct wxr_comment	*c = into;
	const char		*n = local_name(rd);

	if (ns_of(rd) != 'w')
		return;
	if (strcmp(n, "comment_id") == 0)
		c->id = read_number(rd);
	else if (strcmp(n, "comment_parent") == 0)
		c->parent = read_number(rd);
	else if (strcmp(n, "comment_user_id") == 0)
		c->user_id = read_number(rd);
	else if (strcmp(n, "comment_author") == 0)
		c->oversize |= read_text(rd, c->author, sizeof(c->author));
	else if (strcmp(n, "comment_date") == 0)
		(void)read_text(rd, c->date, sizeof(c->date));
	else if (strcmp(n, "comment_date_gmt") == 0)
		(void)read_text(rd, c->date_gmt, sizeof(c->date_gmt));
	else if (strcmp(n, "comment_approved") == 0)
		(void)read_text(rd, c->approved, sizeof(c->approved));
	else if (strcmp(n, "comment_type") == 0)
		(void)read_text(rd, c->type, sizeof(c->type));
	else if (strcmp(n, "comment_content") == 0)
		c->oversize |= read_buf(rd, &c->content, WXR_COMMENT_MAX);
}

/* A wp:comment of the item: appended to its comments. */
static void
item_comment(struct reader *rd, struct wxr_item *it)
{
	struct wxr_comment	*v, *c;
	size_t			 cap;

	if (it->ncomments == it->comments_cap) {
		cap = it->comments_cap > 0 ? 2 * it->comments_cap : 16;
		if ((v = realloc(it->comments, cap * sizeof(*v))) == NULL) {
			refuse(rd, "out of memory");
			return;
		}
		memset(v + it->comments_cap, 0, (cap - it->comments_cap) * sizeof(*v));
		it->comments = v;
		it->comments_cap = cap;
	}
	c = &it->comments[it->ncomments++];
	/* The content's buffer is kept from item to item; everything else starts empty. */
	c->content.len = 0;
	memset(c, 0, offsetof(struct wxr_comment, content));
	c->oversize = 0;
	read_children(rd, comment_field, c);
}

static void
item_term(struct reader *rd, struct wxr_item *it)
{
	struct wxr_term	*t;
	xmlChar		*a;

	if (it->nterms == WXR_TERMS_MAX)
		return;
	t = &it->terms[it->nterms++];
	a = xmlTextReaderGetAttribute(rd->r, (const xmlChar *)"domain");
	t->tag = a != NULL && strcmp((const char *)a, "post_tag") == 0;
	if (a != NULL && strcmp((const char *)a, "category") != 0 && !t->tag)
		it->nterms--;	/* post_format, link_category...: not a tag */
	xmlFree(a);
	a = xmlTextReaderGetAttribute(rd->r, (const xmlChar *)"nicename");
	snprintf(t->nicename, sizeof(t->nicename), "%s", a != NULL ? (const char *)a : "");
	xmlFree(a);
	it->oversize |= read_text(rd, t->name, sizeof(t->name));
}

/* A field of the item with the WordPress namespace. */
static void
item_wp_field(struct reader *rd, struct wxr_item *it, const char *n)
{
	if (strcmp(n, "post_id") == 0)
		it->id = read_number(rd);
	else if (strcmp(n, "post_date") == 0)
		(void)read_text(rd, it->date, sizeof(it->date));
	else if (strcmp(n, "post_date_gmt") == 0)
		(void)read_text(rd, it->date_gmt, sizeof(it->date_gmt));
	else if (strcmp(n, "post_name") == 0)
		it->oversize |= read_text(rd, it->name, sizeof(it->name));
	else if (strcmp(n, "status") == 0)
		(void)read_text(rd, it->status, sizeof(it->status));
	else if (strcmp(n, "post_type") == 0)
		(void)read_text(rd, it->type, sizeof(it->type));
	else if (strcmp(n, "comment") == 0)
		item_comment(rd, it);
}

static void
item_field(struct reader *rd, void *into)
{
	struct wxr_item	*it = into;
	const char	*n = local_name(rd);
	int		 ns = ns_of(rd);

	if (ns == 'w')
		item_wp_field(rd, it, n);
	else if (ns == 'c' && strcmp(n, "encoded") == 0)
		it->oversize |= read_buf(rd, &it->content, WXR_CONTENT_MAX);
	else if (ns == 'd' && strcmp(n, "creator") == 0)
		(void)read_text(rd, it->creator, sizeof(it->creator));
	else if (ns != 0)
		return;
	else if (strcmp(n, "title") == 0)
		it->oversize |= read_text(rd, it->title, sizeof(it->title));
	else if (strcmp(n, "link") == 0)
		it->oversize |= read_text(rd, it->link, sizeof(it->link));
	else if (strcmp(n, "pubDate") == 0)
		(void)read_text(rd, it->pub_date, sizeof(it->pub_date));
	else if (strcmp(n, "category") == 0)
		item_term(rd, it);
}

/* Empties the item for the next one, keeping its buffers. */
static void
item_reset(struct wxr_item *it)
{
	struct wxr_term		*terms = it->terms;
	struct wxr_comment	*comments = it->comments;
	struct buf		 content = it->content;
	size_t			 cap = it->comments_cap;

	memset(it, 0, sizeof(*it));
	it->terms = terms;
	it->comments = comments;
	it->comments_cap = cap;
	it->content = content;
	it->content.len = 0;
	if (it->content.data != NULL)
		it->content.data[0] = '\0';
}

static void
author_field(struct reader *rd, void *into)
{
	struct wxr_author	*a = into;
	const char		*n = local_name(rd);

	if (ns_of(rd) != 'w')
		return;
	if (strcmp(n, "author_id") == 0)
		a->id = read_number(rd);
	else if (strcmp(n, "author_login") == 0)
		(void)read_text(rd, a->login, sizeof(a->login));
}

static int
content_failed(const struct wxr_item *it)
{
	size_t	i;

	for (i = 0; i < it->ncomments; i++)
		if (it->comments[i].content.failed)
			return 1;
	return it->content.failed;
}

static void
channel_child(struct reader *rd, void *into)
{
	const char		*n = local_name(rd);
	int			 ns = ns_of(rd);
	struct wxr_author	 a = { 0 };
	char			 link[WXR_FIELD_MAX + 1];

	(void)into;
	if (ns == 0 && strcmp(n, "item") == 0) {
		item_reset(&rd->item);
		read_children(rd, item_field, &rd->item);
		if (content_failed(&rd->item))
			refuse(rd, "out of memory");
		if (!rd->failed && rd->sink->item != NULL && rd->sink->item(rd->sink->arg,
		    &rd->item) == -1)
			rd->stopped = 1;
	} else if (ns == 'w' && strcmp(n, "author") == 0) {
		read_children(rd, author_field, &a);
		if (!rd->failed && rd->sink->author != NULL && rd->sink->author(rd->sink->arg,
		    &a) == -1)
			rd->stopped = 1;
	} else if (ns == 0 && strcmp(n, "link") == 0) {
		(void)read_text(rd, link, sizeof(link));
		if (rd->sink->channel_link != NULL && rd->sink->channel_link(rd->sink->arg,
		    link) == -1)
			rd->stopped = 1;
	}
}

static void
rss_child(struct reader *rd, void *into)
{
	(void)into;
	if (ns_of(rd) != 0 || strcmp(local_name(rd), "channel") != 0 || rd->seen_channel)
		return;
	rd->seen_channel = 1;
	read_children(rd, channel_child, NULL);
}

/* The document: its root must be rss, with a channel, in the WordPress namespace. */
static int
read_document(struct reader *rd)
{
	int	ret = 0, type;

	xmlTextReaderSetStructuredErrorHandler(rd->r, on_error, rd);
	while (!rd->failed && (ret = xmlTextReaderRead(rd->r)) == 1) {
		type = xmlTextReaderNodeType(rd->r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			refuse(rd, "a document type declaration: a WordPress export has none, "
			    "and entities can expand without bound; refused");
			break;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (rd->seen_rss || strcmp(local_name(rd), "rss") != 0) {
			refuse(rd, "not an RSS document: the root element is not rss");
			break;
		}
		rd->seen_rss = 1;
		read_children(rd, rss_child, NULL);
		if (rd->stopped)
			break;
	}
	if (!rd->failed && !rd->stopped && ret == -1)
		refuse(rd, "not well-formed XML");
	if (!rd->failed && !rd->stopped && !rd->seen_rss)
		refuse(rd, "not an RSS document: no rss element");
	if (!rd->failed && !rd->stopped && !rd->seen_channel)
		refuse(rd, "not a WordPress export: no channel");
	if (!rd->failed && !rd->stopped && !rd->seen_wp)
		refuse(rd, "not a WordPress export: nothing in the WordPress namespace (" WP_NS ")");
	return rd->failed ? -1 : rd->stopped ? -2 : 0;
}

static void
reader_free(struct reader *rd)
{
	size_t	i;

	for (i = 0; i < rd->item.comments_cap; i++)
		buf_free(&rd->item.comments[i].content);
	free(rd->item.comments);
	free(rd->item.terms);
	buf_free(&rd->item.content);
	if (rd->r != NULL)
		xmlFreeTextReader(rd->r);
}

static int
read_with(struct reader *rd)
{
	int	rc;

	if (rd->r == NULL) {
		snprintf(rd->why, WXR_WHY_MAX, "cannot be read");
		reader_free(rd);
		return -1;
	}
	if ((rd->item.terms = calloc(WXR_TERMS_MAX, sizeof(*rd->item.terms))) == NULL) {
		snprintf(rd->why, WXR_WHY_MAX, "out of memory");
		reader_free(rd);
		return -1;
	}
	rc = read_document(rd);
	reader_free(rd);
	return rc;
}

/* Reads from rd->in, which the caller set up; rd is on the heap for its buffer. */
static int
read_input(struct reader *rd, const char *name)
{
	int	rc;

	xmlSetExternalEntityLoader(no_loader);
	/* UTF-8 whatever the file declares: input_read made it so. */
	rd->r = xmlReaderForIO(input_read, input_close, &rd->in, name, "UTF-8", READER_OPTIONS);
	rc = read_with(rd);
	if (rd->in.fd != -1)
		close(rd->in.fd);
	free(rd);
	return rc;
}

static struct reader *
reader_new(const struct wxr_sink *s, char *why)
{
	struct reader	*rd;

	if ((rd = calloc(1, sizeof(*rd))) == NULL) {
		snprintf(why, WXR_WHY_MAX, "out of memory");
		return NULL;
	}
	rd->sink = s;
	rd->why = why;
	rd->in.fd = -1;
	return rd;
}

int
wxr_read_file(const char *path, const struct wxr_sink *s, char *why)
{
	struct reader	*rd;

	if ((rd = reader_new(s, why)) == NULL)
		return -1;
	if ((rd->in.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, WXR_WHY_MAX, "%s", strerror(errno));
		free(rd);
		return -1;
	}
	return read_input(rd, path);
}

int
wxr_read_memory(const char *data, size_t len, const struct wxr_sink *s, char *why)
{
	struct reader	*rd;

	if ((rd = reader_new(s, why)) == NULL)
		return -1;
	rd->in.mem = data;
	rd->in.mem_len = len;
	return read_input(rd, "memory");
}
