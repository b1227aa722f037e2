#ifndef MARQUEE_GUESTBOOK_H
#define MARQUEE_GUESTBOOK_H

#include <stddef.h>

#include "record.h"

struct buf;
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

/* Opens (creating it) and reads the log at path. */
int	 guestbook_open(const char *path, const char **reason);
/* Starts the committer thread: entries are taken from now on. */
int	 guestbook_start(const char **reason);
/* Stops the committer after the appends in flight; call once no request runs. */
void	 guestbook_close(void);

/*
 * Queues r (an entry: slug, author, fingerprint and text filled in) for
 * appending on behalf of client, which names who sent it for the duplicate
 * check. Returns a pending append that the caller owns and gives back with
 * pending_put(), or NULL with *reason when the queue is full or the
 * committer has stopped.
 */
struct pending	*guestbook_submit(const struct record *r, const char *client,
		    const char **reason);

/* The outcome of a settled append: its entry id, or 0 with *reason. */
unsigned long long	 pending_result(const struct pending *p, const char **reason);

/*
 * Renders the visible entries on slug ("" for the guestbook, NULL for all)
 * through render, oldest first: render is called with the guestbook locked,
 * so it must not call back in here. Returns how many entries it saw.
 */
typedef void	 gb_render_fn(const struct gb_entry *const *v, size_t n,
		    struct buf *out, void *arg);
size_t	 guestbook_render(const char *slug, gb_render_fn *render, void *arg,
	    struct buf *out);

/*
 * marquee guestbook list | hide ID | export | check: the owner's commands;
 * returns the exit status. check reports every bad record and exits 1 if
 * there is one.
 */
int	 guestbook_command(const char *path, int argc, char **argv);

#endif
