#ifndef MARQUEE_GUESTBOOK_H
#define MARQUEE_GUESTBOOK_H

#include <stddef.h>

#include "record.h"
#include "review.h"

struct guestbook;
struct pending;

/*
 * The guestbook: readers' responses to reviews and signatures of the
 * capsule, kept as append-only records (record.h has their format) in a
 * store: a log file, or a PostgreSQL table shared by several instances
 * (gbwhere.h tells which the configured value names). The records are read
 * back into an in-memory view at start, which every page reads; a
 * committer thread then stores new entries, many to one sync or one
 * transaction under load, and brings in what the owner's commands (and,
 * in PostgreSQL, other instances) append. Nothing here ever rewrites or
 * deletes a record.
 */

/* Why appends fail while the store is out of reach (a database away): the whole meta of the 40. */
#define GUESTBOOK_UNAVAILABLE	"guestbook temporarily unavailable"

/* One entry as pages show it; the fields above the lock never change. */
struct gb_entry {
	unsigned long long	 id;
	long long		 time;
	const char		*slug;		/* "" for the guestbook */
	const char		*author;
	char			 fingerprint[FINGERPRINT_HEX];	/* "" without a certificate */
	const char		*text;
	size_t			 text_len;
	const struct gb_entry	*parent;	/* the entry a reply answers; NULL for none */
	int			 owner;		/* written by the capsule's owner */
	int			 imported;	/* brought in by marquee import from another blog */
	/* Under the guestbook's lock: */
	int			 hidden;
	int			 held;		/* waits for the owner's approve */
	struct gb_entry		**replies;	/* oldest first; owned by the entry */
	size_t			 nreplies, replies_cap;
};

/*
 * The names under which one review's entries and likes are found: its
 * identity (review_identity: its stem without the date), then the slugs
 * it had before (Was:), each at most once. A record stored under any stem
 * with one of these identities is the review's, so a review renamed keeps
 * what was said on it; the log itself never changes. {""} is the
 * guestbook's own notes.
 */
#define GB_NAMES_MAX	(1 + REVIEW_WAS_MAX)
struct gb_names {
	const char	*v[GB_NAMES_MAX];
	size_t		 n;
};

/* An entry in a thread: depth 0 for one that answers no entry shown with it. */
struct gb_item {
	const struct gb_entry	*entry;
	unsigned		 depth;
};

/*
 * Opens (creating it) and reads the guestbook of host where names (a log
 * path or a postgresql:// URI, whose schema is named after host); returns
 * it, freed by guestbook_close, or NULL with *reason.
 */
struct guestbook	*guestbook_open(const char *where, const char *host, const char **reason);
/* Starts the committer thread: entries are taken from now on. */
int	 guestbook_start(struct guestbook *gb, const char **reason);
/*
 * Stops the committer after the appends in flight and frees gb; call once
 * no request uses it.
 */
void	 guestbook_close(struct guestbook *gb);

/*
 * Queues r (an entry, with slug, author, fingerprint, text, parent and
 * flags filled in, or a like, with slug and fingerprint) for appending on
 * behalf of client, which names who sent it for the duplicate check.
 * Returns a pending append that the caller owns and gives back with
 * pending_put(), or NULL with *reason when the queue is full, the
 * committer has stopped, or the store is out of reach (GUESTBOOK_UNAVAILABLE). A like the log holds already is not written again.
 */
struct pending	*guestbook_submit(struct guestbook *gb, const struct record *r,
		    const char *client, const char **reason);

/*
 * The outcome of a settled append: 0 with the entry's id in *id (0 for a
 * like), or -1 with *reason.
 */
int	 pending_result(const struct pending *p, unsigned long long *id,
	    const char **reason);

/*
 * A number that changes whenever a record of the log is applied to what
 * pages show (an entry, a like, a hide, an approve, a ban): a page made
 * after reading it shows at least that state. 0 for gb NULL.
 */
unsigned long long	 guestbook_generation(const struct guestbook *gb);

/*
 * A thread view of the shown entries on the names on (NULL for all): entries that answer none (roots), of the newest max after
 * the skip newest, oldest first (newest first with newest_first), each
 * followed by the replies under it, depth first, oldest first. An entry is
 * shown when neither it nor an entry it answers is hidden or held: hiding a
 * response hides the replies to it. *v is allocated (freed by the caller);
 * the entries stay valid until guestbook_close(), so they are rendered
 * without a lock. *roots is how many roots are shown in all. Returns 0, or
 * -1 when out of memory (*n is 0).
 */
int	 guestbook_threads(struct guestbook *gb, const struct gb_names *on, size_t skip,
	    size_t max, int newest_first, struct gb_item **v, size_t *n, size_t *roots);

/*
 * Entry id when it is shown (neither it nor an entry it answers is hidden
 * or held), else NULL; valid until guestbook_close(). What a reply needs of
 * the entry it answers, without copying the thread under it.
 */
const struct gb_entry	*guestbook_shown(struct guestbook *gb, unsigned long long id);

/*
 * Entry id with the replies under it, as guestbook_threads orders them
 * (depth from 0 for id). -1 when it is not shown or out of memory (*n is 0).
 */
int	 guestbook_entry(struct guestbook *gb, unsigned long long id,
	    struct gb_item **v, size_t *n);

/*
 * The newest max shown entries on the names on (NULL for all), replies among them, newest first, each with how many entries it
 * answers as its depth: what a feed lists. *v is allocated (freed by the
 * caller; NULL when none is shown) and its entries stay valid until
 * guestbook_close(). Returns 0, or -1 when out of memory (*n is 0).
 */
int	 guestbook_latest(struct guestbook *gb, const struct gb_names *on, size_t max,
	    struct gb_item **v, size_t *n);

/* How many certificates like the review of the names on, each counted once. */
size_t	 guestbook_likes(struct guestbook *gb, const struct gb_names *on);
/* Whether the certificate fingerprint has liked the review of the names on. */
int	 guestbook_liked(struct guestbook *gb, const struct gb_names *on, const char *fingerprint);
/* Whether target (a fingerprint or an address key) is banned from writing. */
int	 guestbook_banned(struct guestbook *gb, const char *target);
/* Whether the certificate fingerprint has a shown or approved entry. */
int	 guestbook_known(struct guestbook *gb, const char *fingerprint);
/* Whether entry id waits for the owner's approval. */
int	 guestbook_held(struct guestbook *gb, unsigned long long id);

/*
 * For the owner's commands, with no committer: reads host's guestbook
 * where names (a log is opened for appending when writable; a missing log
 * reads as empty when not; a database is connected to and its schema
 * checked). Freed by guestbook_close. NULL with *reason.
 */
struct guestbook	*guestbook_load(const char *where, const char *host, int writable,
			    const char **reason);
/* Every entry, hidden or not, oldest first; valid until guestbook_close. */
size_t	 guestbook_all(struct guestbook *gb, struct gb_entry *const **v);
/* How many records reading found skipped or torn; a torn last one is logged. */
unsigned guestbook_problems(struct guestbook *gb);
/*
 * Appends r and makes it durable (gb from guestbook_load, writable): in a
 * log under the append lock that a running marquee takes too, in a
 * database in one transaction, so ids come from one sequence; an entry
 * gets the next id, returned in r->id, and the time r->time, or now when
 * it is 0. The record is
 * applied to gb as well. 0, or -1 with *reason (an entry a record names
 * that the log does not hold, a reply to an entry of another review).
 */
int	 guestbook_append(struct guestbook *gb, struct record *r, const char **reason);
/*
 * Appends the entries v[0..n) as guestbook_append does r, with one write
 * and one sync: what marquee import brings in. An entry v[i] with up[i]
 * (up may be NULL) from 1 answers v[up[i] - 1], an earlier one of the
 * batch on its review, whose id becomes its parent; else its parent is an
 * entry of the log or 0. Each record's time is kept unless 0. Nothing is
 * written unless every entry can be. 0, or -1 with *reason.
 */
int	 guestbook_append_many(struct guestbook *gb, struct record *v, size_t n,
	    const size_t *up, const char **reason);
/*
 * Stores v[0..n) as they are, ids and times kept, in one write and sync
 * or one transaction, and applies them: what "guestbook import" brings
 * back from an export, having checked them against the view (an entry's
 * id is new, past the last in a log; what a record names is held or
 * comes before it). 0, or -1 with *reason.
 */
int	 guestbook_import(struct guestbook *gb, struct record *v, size_t n,
	    const char **reason);
/* Whether ids may come lower than the last (a database's); a log's must grow. */
int	 guestbook_ids_any_order(struct guestbook *gb);
/* The entry id, shown or not; NULL when the log holds none (gb from guestbook_load). */
const struct gb_entry	*guestbook_find(struct guestbook *gb, unsigned long long id);
/* Every banned target, in the order banned (gb from guestbook_load). */
size_t	 guestbook_bans(struct guestbook *gb, char *const **v);
/*
 * Calls fn with every like: the review's slug and the liker's fingerprint,
 * review by review (gb from guestbook_load).
 */
void	 guestbook_each_like(struct guestbook *gb,
	    void (*fn)(void *arg, const char *slug, const char *fingerprint), void *arg);

#endif
