#ifndef MARQUEE_GBFEED_H
#define MARQUEE_GBFEED_H

#include <stddef.h>

struct buf;
struct gb_item;

/*
 * The guestbook's Atom feeds (RFC 4287): every shown response and note, or
 * one review's responses, so a reader's aggregator (or the author's) learns
 * of new ones. Pure: it renders what the guestbook hands it.
 */

/* Entries a feed lists at most, the newest: enough for an aggregator that polls daily. */
#define GBFEED_MAX	50

struct gbfeed {
	const char	*base_url;	/* gemini://host[:port], no trailing slash */
	const char	*self;		/* the feed's path, percent-encoded */
	const char	*page;		/* the page that shows its entries, percent-encoded */
	const char	*title;		/* the feed's */
	/* Copies the title of the review slug into out; -1 when there is none. */
	int		(*review_title)(void *arg, const char *slug, char *out, size_t size);
	void		*arg;
};

/*
 * Renders the feed of v (newest first, as guestbook_latest gives them) into
 * b: each entry with its permalink as id, its author, time and text. Names
 * and text are escaped, and the characters XML forbids left out, so nothing
 * a reader wrote can break the feed or add markup to it.
 */
void	 gbfeed_render(const struct gb_item *v, size_t n, const struct gbfeed *f,
	    struct buf *b);

#endif
