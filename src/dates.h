#ifndef MARQUEE_DATES_H
#define MARQUEE_DATES_H

#include <stddef.h>
#include <stdint.h>

/*
 * When each review was first seen and last edited, so that a review with no
 * date keeps the day it was first seen however often it is edited, and an
 * edit (a change of its bytes, not of its mtime) shows as one. Kept in an
 * append-only log in the state directory, one line a change:
 *
 *	de-rouille-et-d-os	1775347200	1777000000	9f86d081884c7d65
 *
 * identity (the review's slug without its date), first seen and last edited
 * (seconds since the epoch, 0 for never), and a 64-bit hash of its bytes in
 * hex; the last line of an identity wins. The index thread's own: no lock.
 */

/* Longest line: an identity (a file name, NAME_MAX) and three numbers. */
#define DATES_LINE_MAX	(255 + 3 * 21 + 4)

struct dates_record {
	char		 identity[256];
	long long	 first, edited;
	uint64_t	 hash;
};

/*
 * Parses one line without its LF; 0, or -1 when it is not one (a torn
 * last line, or bytes that are not ours). Pure.
 */
int	 dates_parse(const char *line, size_t len, struct dates_record *r);

struct dates;

/*
 * Reads the log at path (creating it) and keeps it open to append to;
 * with path "" nothing is kept past the process. NULL with *reason.
 */
struct dates	*dates_open(const char *path, const char **reason);
void		 dates_close(struct dates *d);

/*
 * Notes that the review identity has the bytes whose hash is hash, now
 * (the file's mtime is mtime): *first is when it was first seen (its mtime,
 * the first time), *edited when its bytes last changed after that (0 when
 * never). A change is appended to the log, durable after the next
 * dates_sync; a write that fails is logged, and the dates still hold until
 * the process ends.
 */
void	 dates_note(struct dates *d, const char *identity, uint64_t hash, long long mtime,
	    long long now, long long *first, long long *edited);

/*
 * Makes what dates_note appended durable: one fdatasync for a whole scan,
 * not one a review (10,000 of them on a cold start), before the dates are
 * shown, so a first-seen date lost to a power cut was never on a page.
 */
void	 dates_sync(struct dates *d);

/* FNV-1a over len bytes: the hash dates_note compares. */
uint64_t dates_hash(const void *data, size_t len);

#endif
