/*
 * The guestbook's Atom feeds (RFC 4287), rendered from the entries the
 * guestbook hands over: the whole guestbook's, or one review's responses.
 */

#include <time.h>

#include "buf.h"
#include "gbfeed.h"
#include "guestbook.h"
#include "review.h"

/* RFC 3339 in UTC, as Atom's dates are (RFC 4287 section 3.3). */
static void
put_time(struct buf *b, long long t)
{
	char		when[sizeof("2026-11-25T09:12:12Z")];
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf_puts(b, "1970-01-01T00:00:00Z");	/* a time the log cannot hold */
	else
		buf_puts(b, when);
}

/* base_url then path: escaped like any text, though neither holds what XML would mind. */
static void
put_url(struct buf *b, const struct gbfeed *f, const char *path)
{
	buf_put_xml(b, f->base_url);
	buf_put_xml(b, path);
}

/*
 * The entry's own page, which is also its id: ids must never change or
 * repeat (RFC 4287 section 4.2.6), and entry ids never do.
 */
static void
put_permalink(struct buf *b, const struct gb_entry *e, const struct gbfeed *f)
{
	put_url(b, f, "");
	if (e->slug[0] == '\0')
		buf_printf(b, "/guestbook/notes/%llu", e->id);
	else {
		buf_puts(b, "/reviews/");
		buf_put_path(b, e->slug);
		buf_printf(b, "/responses/%llu", e->id);
	}
}

/*
 * "movieblort [3f2a9c1b]", as the pages name a reader, and the owner's mark
 * before the owner's name: readers' names never hold it (entry_author).
 */
static void
put_name(struct buf *b, const struct gb_entry *e)
{
	if (e->owner)
		buf_puts(b, OWNER_MARK " ");
	buf_put_xml(b, e->author);
	if (e->fingerprint[0] != '\0')
		buf_printf(b, " [%.*s]", FINGERPRINT_SHORT, e->fingerprint);
}

/* "Ann [3f2a9c1b] in reply to Bob on Rust and Bone": who, to whom, on what. */
static void
put_title(struct buf *b, const struct gb_entry *e, const struct gbfeed *f)
{
	char	title[REVIEW_FIELD_MAX + 1];

	put_name(b, e);
	if (e->parent != NULL) {
		buf_puts(b, " in reply to ");
		put_name(b, e->parent);
	}
	if (e->slug[0] == '\0')
		buf_puts(b, " in the guestbook");
	else if (f->review_title(f->arg, e->slug, title, sizeof(title)) == 0) {
		buf_puts(b, " on ");
		buf_put_xml(b, title);
	} else
		buf_puts(b, " on a review no longer here");
}

static void
put_entry(struct buf *b, const struct gb_entry *e, const struct gbfeed *f)
{
	buf_puts(b, "  <entry>\n    <id>");
	put_permalink(b, e, f);
	buf_puts(b, "</id>\n    <title>");
	put_title(b, e, f);
	buf_puts(b, "</title>\n    <updated>");
	put_time(b, e->time);
	buf_puts(b, "</updated>\n    <author><name>");
	put_name(b, e);
	buf_puts(b, "</name></author>\n    <link rel=\"alternate\" href=\"");
	put_permalink(b, e, f);
	/* type="text": a reader's markup is shown as the characters typed. */
	buf_puts(b, "\"/>\n    <content type=\"text\">");
	buf_put_xml(b, e->text);
	buf_puts(b, "</content>\n  </entry>\n");
}

void
gbfeed_render(const struct gb_item *v, size_t n, const struct gbfeed *f, struct buf *b)
{
	size_t	i;

	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	buf_put_xml(b, f->title);
	buf_puts(b, "</title>\n  <id>");
	put_url(b, f, f->self);
	/* The newest entry's time; a feed with none has not changed since 1970. */
	buf_puts(b, "</id>\n  <updated>");
	put_time(b, n > 0 ? v[0].entry->time : 0);
	buf_puts(b, "</updated>\n  <link rel=\"self\" href=\"");
	put_url(b, f, f->self);
	buf_puts(b, "\"/>\n  <link rel=\"alternate\" href=\"");
	put_url(b, f, f->page);
	buf_puts(b, "\"/>\n");
	for (i = 0; i < n; i++)
		put_entry(b, v[i].entry, f);
	buf_puts(b, "</feed>\n");
}
