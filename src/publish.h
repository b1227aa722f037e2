#ifndef MARQUEE_PUBLISH_H
#define MARQUEE_PUBLISH_H

#include <stddef.h>

/*
 * Writing the capsule for its author: a review checked as the index will
 * read it, then put in place whole (a temporary file beside it, synced,
 * renamed over it), or moved to the host's trash and back. Every name is
 * resolved beneath a directory descriptor, never through a symlink.
 * Titan uploads (titan.c) and `marquee trash` (trash.c) use it; the disk
 * work is done on the caller's thread, which is never an event thread.
 */

/* What a change came to: done, refused for what the request named, or the disk failed. */
enum publish_result {
	PUBLISH_DONE,
	PUBLISH_REFUSED,	/* a target that cannot be written: a symlink, a directory... */
	PUBLISH_MISSING,	/* nothing there to delete or restore */
	PUBLISH_FAILED,		/* the disk or the system: try again later */
};

/* Room for a reason with a file name and a line: "reviews/NAME:LINE: ..." */
#define PUBLISH_REASON_MAX	(2 * 255 + 128)

/*
 * Checks body as a review file named path (for the reason) the way
 * marquee -n would: review_parse accepts it (not too long, no NUL, valid
 * UTF-8), it has a title, and a Date: it gives is a date. Returns 0, or -1
 * with why "PATH:LINE: what is wrong".
 */
struct review;
int	 publish_check(const char *path, const char *body, size_t len,
	    struct review *scratch, char why[PUBLISH_REASON_MAX]);

/*
 * Returns 1, with its path under dir_fd into other, when another review
 * file than name, directly in dir_fd (reviews/) or in its folders as the
 * index walks them, has name's slug (its name without date and
 * extension): the index would take one for the other, and marquee -n
 * calls it an error.
 */
int	 publish_slug_taken(int dir_fd, const char *name, char *other, size_t size);

/*
 * Opens directory dir (relative, such as "reviews/") under root_fd for
 * writing in it: -1 with *reason (and *result) when it is missing, is or
 * passes through a symlink, or leaves the root.
 */
int	 publish_open_dir(int root_fd, const char *dir, enum publish_result *result,
	    const char **reason);

/*
 * Replaces dir_fd's file name with body[0..len): a regular file or nothing
 * may be there (never a symlink, which is not followed, nor a directory).
 * The old file stays as it was until the new one is whole on disk.
 */
enum publish_result	 publish_write(int dir_fd, const char *name, const char *body,
			    size_t len, const char **reason);

/*
 * Moves dir_fd's regular file name (whose path from the root is
 * dir + name) into the trash directory trash_fd, as an entry named
 * "YYYYMMDDTHHMMSSZ_" and the path with '%' and '/' percent-encoded;
 * writes that name into entry.
 */
/* An entry is one file name: NAME_MAX on Linux. A longer path cannot be deleted so. */
#define TRASH_ENTRY_MAX		255
enum publish_result	 publish_trash(int dir_fd, const char *dir, const char *name,
			    int trash_fd, long long now, char entry[TRASH_ENTRY_MAX + 1],
			    const char **reason);

/*
 * The path under the root trash entry was deleted from, into path; -1 when
 * entry is not a name publish_trash gives, or the path is hidden or climbs.
 */
int	 publish_entry_path(const char *entry, char path[TRASH_ENTRY_MAX + 1]);

/*
 * Moves trash entry back to where it was deleted from under root_fd, unless
 * something is there now; writes that path into path.
 */
enum publish_result	 publish_restore(int root_fd, int trash_fd, const char *entry,
			    char path[TRASH_ENTRY_MAX + 1], const char **reason);

#endif
