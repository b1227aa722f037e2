#ifndef MARQUEE_IMPSTORE_H
#define MARQUEE_IMPSTORE_H

#include <stddef.h>
#include <stdio.h>

#include "record.h"

struct host_config;
struct impstore;

/*
 * Where marquee import writes, and what it remembers: files under the
 * capsule root written atomically in batches, entries appended to the
 * guestbook in batches, and STATE/import-HOST.log, one line a post
 * imported ("post", the blog's link, the post's id, its file, by TABs).
 * A dry store writes nothing and prints what it would write. What items
 * become is import.c's.
 */

/*
 * Opens host h's capsule root, guestbook log (created when missing, unless
 * dry) and import log in statedir. NULL with *reason.
 */
struct impstore	*impstore_open(const struct host_config *h, const char *statedir, int dry,
		    const char **reason);
/* Frees s; what is not committed is not written (temporary files stay hidden). */
void	 impstore_close(struct impstore *s);

/* The file of the post imported before under key, or NULL. */
const char	*impstore_post_done(struct impstore *s, const char *key);

/*
 * Queues text[0..len) as file dir/stem.gmi (dir "" for the root), or
 * dir/stem-2.gmi ... when that name is taken by another file: written now
 * under a hidden temporary name, renamed at the next commit, remembered
 * under key. A file already there with the same text is taken as this one
 * (a run cut short). The file's path into path. 0, or -1 printed.
 */
int	 impstore_place(struct impstore *s, const char *dir, const char *stem, const char *text,
	    size_t len, const char *key, char *path, size_t size);

/*
 * The id of the imported entry the log holds with r's review, time, author
 * and text, or 0: a comment imported before.
 */
unsigned long long	 impstore_entry_known(struct impstore *s, const struct record *r);

/*
 * Queues r for the next commit; up, when not 0, is what an earlier call
 * returned for the entry r answers. Returns r's place in the batch (from
 * 1), valid until the next commit; 0 when out of memory.
 */
size_t	 impstore_add_entry(struct impstore *s, const struct record *r, size_t up);

/*
 * Writes what is queued: the files made durable and renamed into place,
 * the import log, then the entries. With all 0, only once the batch is
 * large enough to be worth a sync. 0, or -1 with *reason.
 */
int	 impstore_commit(struct impstore *s, int all, const char **reason);

/* Counts an item or comment left out, and why (a static string). */
void	 impstore_skip(struct impstore *s, const char *why);
/* Counts a file queued: what ("review", "draft", "scheduled", "page") at path. */
void	 impstore_count(struct impstore *s, const char *what, const char *path);
/* The one-line summary: what was imported, what skipped and why. */
void	 impstore_summary(const struct impstore *s, FILE *f);

#endif
