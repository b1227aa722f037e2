#ifndef MARQUEE_INDEX_H
#define MARQUEE_INDEX_H

#include <stddef.h>

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
 * The review file name (in reviews/) as written, then its footer and
 * responses. A draft, or a review not yet due, is 51 but for the owner,
 * who may proof-read it.
 */
int	 index_review_file(struct index *ix, const char *name, const char *lang, int owner,
	    struct response *resp);
/* The menu of the review slug: a link to read it, director, tags, responses. */
int	 index_review_menu(struct index *ix, const char *slug, const char *lang,
	    struct response *resp);

/*
 * Copies the file name and title of the review slug (its file name without
 * the extension); returns 0, or -1 when there is no such review. A title
 * too long for titlesize is cut.
 */
int	 index_review(struct index *ix, const char *slug, char *file,
	    size_t filesize, char *title, size_t titlesize);

#endif
