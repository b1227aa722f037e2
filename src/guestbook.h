#ifndef MARQUEE_GUESTBOOK_H
#define MARQUEE_GUESTBOOK_H

#include <stddef.h>

#include "record.h"

struct guestbook;
struct pending;

/*
 * The guestbook: readers' responses to reviews and signatures of the
 * capsule, kept in one append-only log (record.h has its format). The log is
 * read back at start; a committer thread then appends new entries, many to
 * one fdatasync under load, and follows the file for hide records that the
 * owner's commands append. Nothing here ever rewrites or truncates the log.
 */

/* One entry as pages show it; immutable once published. */
struct gb_entry {
	unsigned long long	 id;
	long long		 time;
	const char		*slug;		/* "" for the guestbook */
	const char		*author;
	char			 fingerprint[FINGERPRINT_HEX];	/* "" without a certificate */
	const char		*text;
	size_t			 text_len;
	int			 hidden;	/* under the guestbook's lock */
};

/*
 * Opens (creating it) and reads the log at path; returns the guestbook,
 * freed by guestbook_close, or NULL with *reason.
 */
struct guestbook	*guestbook_open(const char *path, const char **reason);
/* Starts the committer thread: entries are taken from now on. */
int	 guestbook_start(struct guestbook *gb, const char **reason);
/*
 * Stops the committer after the appends in flight and frees gb; call once
 * no request uses it.
 */
void	 guestbook_close(struct guestbook *gb);

/*
 * Queues r (an entry: slug, author, fingerprint and text filled in) for
 * appending on behalf of client, which names who sent it for the duplicate
 * check. Returns a pending append that the caller owns and gives back with
 * pending_put(), or NULL with *reason when the queue is full or the
 * committer has stopped.
 */
struct pending	*guestbook_submit(struct guestbook *gb, const struct record *r,
		    const char *client, const char **reason);

/* The outcome of a settled append: its entry id, or 0 with *reason. */
unsigned long long	 pending_result(const struct pending *p, const char **reason);

/*
 * The visible entries on slug ("" for the guestbook's own, NULL for all),
 * oldest first: of the newest max after the skip newest. *v is allocated
 * (freed by the caller); the entries themselves stay valid until
 * guestbook_close(), so they are rendered without a lock. *visible is how
 * many are visible in all. Returns 0, or -1 when out of memory (*n is 0).
 */
int	 guestbook_entries(struct guestbook *gb, const char *slug, size_t skip,
	    size_t max, const struct gb_entry ***v, size_t *n, size_t *visible);

/*
 * For the owner's commands, with no committer: reads the log at path
 * (opened for appending when writable; a missing log reads as empty when
 * not). Freed by guestbook_close. NULL with *reason.
 */
struct guestbook	*guestbook_load(const char *path, int writable, const char **reason);
/* Every entry, hidden or not, oldest first; valid until guestbook_close. */
size_t	 guestbook_all(struct guestbook *gb, struct gb_entry *const **v);
/* How many records reading found skipped or torn; a torn last one is logged. */
unsigned guestbook_problems(struct guestbook *gb);
/*
 * Appends a hide record for entry id and syncs it (gb from guestbook_load,
 * writable): 0 when hidden now, 1 when it already was, -1 with *reason.
 */
int	 guestbook_hide(struct guestbook *gb, unsigned long long id, const char **reason);

#endif
