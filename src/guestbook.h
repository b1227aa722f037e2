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
 * marquee guestbook list | hide ID | export | check: the owner's commands;
 * returns the exit status. check reports every bad record and exits 1 if
 * there is one.
 */
int	 guestbook_command(const char *path, int argc, char **argv);

#endif
