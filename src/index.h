#ifndef MARQUEE_INDEX_H
#define MARQUEE_INDEX_H

#include <stddef.h>

#include "guestbook.h"
#include "review.h"

struct request;
struct response;

/*
 * The gemlog's index: the reviews under reviews/, the pages generated from
 * them, and a thread that rebuilds both when the author changes a file.
 * Requests read an immutable snapshot; a rebuild publishes a new one, so a
 * reader sees the old index or the new one, never a mix.
 */

struct dates;
struct guestbook;
struct index;

/* What an index needs to know of its host. */
struct index_host {
	const char	*hostname;	/* in the pages' URLs */
	unsigned	 public_port;	/* likewise */
	const char	*author;	/* the feeds' author; "" for the capsule's title */
	struct dates	*dates;		/* when reviews were first seen (dates.h); not owned */
};

/*
 * Builds the first index of the capsule at root (its directory open as
 * root_fd, which the caller keeps open), then watches root for changes
 * until index_stop. Review pages end with their responses from gb (NULL for
 * none). Returns NULL with *reason.
 */
struct index	*index_start(int root_fd, const char *root, const struct index_host *host,
		    struct guestbook *gb, const char **reason);
/* Stops the watcher and frees ix, once no request uses it. */
void		 index_stop(struct index *ix);

/*
 * Builds the index once, logging every problem, and frees it again; returns
 * how many review files were skipped or are in error: a Date: that is not a
 * date, two files with one slug. Other problems (an unknown key, a tag
 * spelled two ways) are warnings. Needs capsule_init().
 */
int	 index_check(int root_fd, const char *root, const char *hostname,
	    unsigned public_port);

/*
 * Work done on the index's thread, so that it and the rebuild it needs
 * are done before the one who asked is answered, and never on an event
 * thread: run does the work (a Titan upload written, a file moved to the
 * trash) and returns the name in reviews/ it changed, or NULL; the index
 * is then rebuilt with that file at once, and done is called, on the same
 * thread. Jobs run one at a time, in the order submitted; a submitted job
 * is run even when the index stops meanwhile. The job is the caller's;
 * next is the index's.
 */
struct index_job {
	const char		*(*run)(struct index_job *job);
	void			 (*done)(struct index_job *job);
	struct index_job	*next;
};
void	 index_submit(struct index *ix, struct index_job *job);

/*
 * The generated pages. Each answers into resp and returns 1, or returns 0
 * when it has no such page, for the next row of the URL map to answer.
 */
/* A page made from the index: /, /reviews/, tags, directors, /atom.xml, /robots.txt. */
int	 index_page(struct index *ix, const char *path, const char *lang,
	    struct response *resp);
/*
 * /reviews/NAME (path): the review file NAME as written, then its footer
 * and responses. A draft, or a review not yet due, is 51 but for the owner,
 * who may proof-read it. A NAME that is a published review's old name
 * (index_review), with .gmi, .txt or no extension, is 31 to its file.
 */
int	 index_review_file(struct index *ix, const char *path, const char *name,
	    const char *lang, int owner, struct response *resp);
/*
 * The menu of the review slug (path is /reviews/SLUG/): a link to read it,
 * director, tags, responses; 31 to the menu of its stem now when slug is an
 * old name.
 */
int	 index_review_menu(struct index *ix, const char *path, const char *slug,
	    const char *lang, struct response *resp);

/*
 * A review filed in a subfolder, relpath under reviews/ (2019/NAME.gmi), is
 * served at /reviews/NAME.gmi, whatever folder holds it: 31 there, or 51
 * for a draft or a review not yet due (but for the owner). Returns 0 when
 * relpath is no review, for the file to be served as it is.
 */
int	 index_review_in_folder(struct index *ix, const char *relpath, int owner,
	    struct response *resp);

/* A published review as the URLs that name it, and the guestbook, need it. */
struct index_found {
	char	slug[REVIEW_NAME_MAX + 1];	/* its stem now: /reviews/SLUG/... */
	char	file[REVIEW_NAME_MAX + 1];	/* its file name: /reviews/FILE */
	char	title[REVIEW_FIELD_MAX + 1];	/* cut when longer */
	int	moved;				/* it was named by an old name: answer 31 */
	char	names[GB_NAMES_MAX][REVIEW_NAME_MAX + 1];	/* its gb_names */
	size_t	nnames;
};

/*
 * Finds the published review named by name: its stem (file name without
 * the extension), or an old name: a stem with another date, its slug
 * without a date, or a slug a review's Was: lists, with or without a date.
 * Returns 0 with *out filled, or -1 when there is no such review.
 */
int	 index_review(struct index *ix, const char *name, struct index_found *out);
/* Points on at f's names, for the guestbook's views; valid while f is. */
void	 index_found_names(const struct index_found *f, struct gb_names *on);
/* Whether a record stored under the stem stored is on the review f. */
int	 index_found_owns(const struct index_found *f, const char *stored);
/*
 * Answers 31 to path (/reviews/ASKED, then the rest of the URL) with ASKED
 * replaced by name: the same kind of URL under a review's name now.
 */
void	 index_moved(const char *path, const char *asked, const char *name,
	    struct response *resp);

/*
 * A page of the guestbook's (key, its path: /guestbook/...) kept with the
 * current snapshot and made again once the guestbook changes (pagecache.h),
 * made by make(arg, b) when it is not kept. make returns 0, or -1 when
 * there is no such page; it may read the index (titles), never the request:
 * the page is every reader's. Returns 1 with the page as resp's body
 * (status and meta are the caller's to set), 0 when make had no page, -1
 * when out of memory.
 */
struct buf;
int	 index_kept(struct index *ix, const char *key, int (*make)(void *arg, struct buf *b),
	    void *arg, struct response *resp);

/*
 * /search: the published reviews that hold the reader's words (search.h),
 * or 10 asking for them.
 */
int	 index_search(struct index *ix, const struct request *req, const char *lang,
	    struct response *resp);

#endif
