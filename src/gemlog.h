#ifndef MARQUEE_GEMLOG_H
#define MARQUEE_GEMLOG_H

#include <stdatomic.h>
#include <stddef.h>

struct buf;
struct gb_entry;
struct gb_item;
struct rendition;
struct search_doc;

/*
 * The pages a blog engine would generate, rendered from the index's entries.
 * Pure: no I/O, and the same entries always give the same pages.
 */

/* How many reviews the home page and the Atom feed list. */
#define GEMLOG_LATEST	10
#define GEMLOG_FEED	20

struct tag {
	char		*name;		/* as the author wrote it */
	char		*slug;		/* URL segment and identity */
	unsigned	 line;		/* where, in the review file, for the checks */
};

/* A name a review had before a rename (Was:), as an identity, and where it is said. */
struct entry_was {
	char		*identity;
	unsigned	 line;
};

/* One review, as the index knows it; every string owned by the entry. */
struct entry {
	char		*file;		/* its file name, e.g. 2026-04-05-rust.gmi: /reviews/FILE */
	char		*path;		/* where under reviews/: file (the same string), or 2019/file */
	char		*slug;		/* file name without extension */
	char		*identity;	/* the slug without its date: what stays when the date changes */
	struct entry_was *was;		/* the names it had before, nwas of them */
	size_t		 nwas;
	char		*title;
	char		 date[11];	/* YYYY-MM-DD */
	long long	 published;	/* when it is due, seconds since the epoch */
	long long	 edited;	/* when its text last changed after it was first seen; 0 for never */
	int		 draft;		/* Draft: yes: never listed, read only by the owner */
	int		 rating;	/* halves of a star, 0 to 10; -1 for none */
	struct tag	*directors;	/* in the order written */
	size_t		 ndirectors;
	struct tag	*tags;
	size_t		 ntags;
	char		*summary;	/* first paragraph, for the feed */
	char		*imported_from;	/* Imported-From: (review.c checked it); NULL for none */
	char		*link;		/* its line in every list, made once by gemlog_link */
	size_t		 link_len;
	struct search_doc *search;	/* its words (search.h); owned, NULL when out of memory */
	atomic_uint	 refs;		/* the index's catalogue and snapshots share entries */
};

struct site {
	const char	*intro;		/* the author's index.gmi, NULL when none */
	size_t		 intro_len;
	const char	*title;		/* the feed title */
	const char	*base_url;	/* gemini://host[:port], no trailing slash */
	int		 own_robots;	/* the author provides robots.txt */
	int		 own_feed;	/* the author provides atom.xml */
	const char	*author;	/* the feeds' <author> */
};

/* A generated page. */
struct page {
	char		*path;		/* decoded request path */
	char		*body;		/* owned */
	size_t		 len;
	const char	*type;		/* MIME type; NULL for gemtext */
	_Atomic(struct rendition *) gopher;	/* made on first Gopher request, owned */
};

/*
 * Renders every page for entries, which must be sorted newest first, into
 * *pages (sorted by path, for page_find). Returns 0, or -1 with *reason.
 */
int	 gemlog_render(struct entry *const *entries, size_t n,
	    const struct site *site, struct page **pages, size_t *npages,
	    const char **reason);
void	 gemlog_pages_free(struct page *pages, size_t npages);
struct page	*gemlog_find(struct page *pages, size_t npages, const char *path);

/* Makes e->link, the line that lists e on every page; -1 when out of memory. */
int	 gemlog_link(struct entry *e);

/* Reviews the foot of a review page links to. */
#define GEMLOG_RELATED	5

/* A review's neighbours among those listed: the ones before and after it, and related ones. */
struct neighbours {
	const struct entry	*newer, *older;		/* NULL at either end */
	const struct entry	*related[GEMLOG_RELATED];
	size_t			 nrelated;
};

/*
 * Finds e among listed (n entries, sorted by gemlog_sort) and fills *nb:
 * its newer and older neighbours, and up to GEMLOG_RELATED reviews that
 * share a director (which counts double) or tags with it, the most shared
 * first, then the nearest in time, looked for among the RELATED_WINDOW
 * reviews on each side of it. Nothing when e is not listed (a draft).
 */
void	 gemlog_neighbours(struct entry *const *listed, size_t n, const struct entry *e,
	    struct neighbours *nb);

/*
 * Appends what follows a review's own text on its page: its date, links to
 * its directors and tags, related reviews, the newer and older ones. Rendered
 * with the review's page when it is first asked for (index.c keeps it), so a
 * change to one review never re-renders ten thousand footers.
 */
void	 gemlog_footer(const struct entry *e, const struct neighbours *nb, struct buf *b);

/* Levels of replies the byline shows with arrows; deeper ones say whom they answer. */
#define THREAD_DEPTH_SHOWN	3

/*
 * Appends the name bylines give e's author: "movieblort [3f2a9c1b]" for a
 * reader (the tag only the server writes, when there is a certificate), or
 * the owner's mark before the name of the capsule's owner, "✍ Ann
 * (author)", which no reader's name can hold.
 */
void	 gemlog_name(struct buf *b, const struct gb_entry *e);

/*
 * Renders what ends a review's page: its likes (of certificates) with the
 * link to like it, then its responses (v, threads as guestbook_threads
 * orders them): a heading with their number, each one quoted line by line
 * so nothing a reader writes becomes a link or heading, with links to its
 * own page and to reply, and the link to respond.
 */
void	 gemlog_responses(const struct gb_item *v, size_t n, size_t likes,
	    const struct entry *review, struct buf *b);

/*
 * Renders the page of one entry, v[0], with the replies under it (v as
 * guestbook_entry gives them): the entry, whom it answers, links to reply,
 * to the entry it answers and to review (its file, slug and title; NULL for
 * a note in the guestbook), then the replies, threaded.
 */
void	 gemlog_entry(const struct gb_item *v, size_t n, const struct entry *review,
	    struct buf *b);

/* Entries on one page of the guestbook. */
#define GUESTBOOK_PAGE	100

/* Which page of the guestbook, and how it names the reviews. */
struct guestbook_page {
	/* Copies the title of the review slug into out; -1 when there is none. */
	int		(*title)(void *arg, const char *slug, char *out, size_t size);
	void		*title_arg;
	unsigned	 number;	/* 1 for /guestbook/, N for /guestbook/page/N/ */
	int		 older;		/* a page of older entries follows */
};

/*
 * Renders a page of the guestbook: the threads of v (newest first, as
 * guestbook_threads gives them), each response linked to its review, each
 * entry to its own page and to reply (but on a review no longer here), with
 * links to sign it and to the newer and older pages.
 */
void	 gemlog_guestbook(const struct gb_item *v, size_t n,
	    const struct guestbook_page *page, struct buf *b);

/* Entries a guestbook feed lists at most, the newest: enough for an aggregator that polls daily. */
#define GUESTBOOK_FEED	50

/* A feed of the guestbook, /guestbook/atom.xml, or of one review's responses. */
struct guestbook_feed {
	const char	*base_url;	/* gemini://host[:port], no trailing slash */
	const char	*title;
	const char	*self;		/* its path, which is its id too */
	const char	*page;		/* the path of the page that shows its entries */
	/* Copies the title of the review slug into out; -1 when there is none. */
	int		(*review_title)(void *arg, const char *slug, char *out, size_t size);
	void		*arg;
};

/*
 * Renders the Atom feed (RFC 4287) f of v (newest first, as guestbook_latest
 * gives them): each entry with its own page as id and link, a title naming
 * who wrote it (as bylines do, the owner's mark too), whom it answers and
 * on which review, its time, and its text as content of type text. Names
 * and text are escaped and the characters XML forbids left out, so nothing
 * a reader writes can break the feed or add markup to it.
 */
void	 gemlog_guestbook_feed(const struct gb_item *v, size_t n,
	    const struct guestbook_feed *f, struct buf *b);

/*
 * Sorts newest first (by date, then file name, last first) as the pages
 * expect; cheap when the entries come in reverse file-name order.
 */
void	 gemlog_sort(struct entry **entries, size_t n);

#endif
