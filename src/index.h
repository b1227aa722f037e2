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

/* Builds the first index before serving starts, then watches root for changes. */
int	 index_start(const char *root, const char **reason);
void	 index_stop(void);

/*
 * Builds the index once, logging every problem, and frees it again; returns
 * how many review files were skipped. Needs capsule_init().
 */
int	 index_check(void);

/*
 * Answers a generated page (/, /reviews/, /tags/..., /directors/..., a
 * review, /atom.xml, /robots.txt) and returns 1; returns 0 when path is not
 * one, for the static files to answer.
 */
int	 index_serve(const char *path, const char *lang, struct response *resp);

/*
 * Copies the file name and title of the review slug (its file name without
 * the extension); returns 0, or -1 when there is no such review. A title
 * too long for titlesize is cut.
 */
int	 index_review(const char *slug, char *file, size_t filesize, char *title,
	    size_t titlesize);

#endif
