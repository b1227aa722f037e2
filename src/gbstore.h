#ifndef MARQUEE_GBSTORE_H
#define MARQUEE_GBSTORE_H

#include <stdatomic.h>
#include <stddef.h>

#include "record.h"
#include "vocab.h"

struct guestbook;

/*
 * What the guestbook's in-memory view (guestbook.c) and the stores that
 * keep its records durably (gbfile.c: the append-only log; gbpg.c:
 * PostgreSQL) share. The view owns the queue of appends and the one
 * function through which every record read back from a store is applied;
 * a store owns its committer thread, which takes batches from the queue,
 * writes each durably in one go, applies what it wrote and settles it.
 */

/* The bytes of the duplicate check's digest (SHA-256): the same on every instance. */
#define GB_DEDUPE_BYTES	32

/*
 * An append on its way to the store. The submitter and the committer each
 * hold a reference; the submitter's waits on it with pending_wait().
 */
struct append {
	struct pending		 base;		/* first: what a response waits for */
	struct guestbook	*gb;
	struct append		*next;
	atomic_uint		 refs;
	struct record		 rec;
	/* Digest of client, slug, the entry answered and text (a like: slug and fingerprint). */
	unsigned char		 dedupe[GB_DEDUPE_BYTES];
	/* The committer's, while it writes the batch: */
	size_t			 end;		/* where its line ends in the batch */
	unsigned long long	 dup_id;	/* the same as an entry already stored */
	struct append		*dup_of;	/* the same as one earlier in this batch */
	int			 liked;		/* a like the store holds already */
	const char		*failed;	/* could not even be formatted */
	/* The outcome, set by the committer before gb_settle: */
	unsigned long long	 id;		/* 0 for a like */
	const char		*reason;	/* NULL when it is stored */
	/* Under the queue's lock: */
	int			 settled;
	void			(*wake)(void *);
	void			*arg;
};

struct gb_store;
struct gb_store_ops {
	/* The committer thread's loop, given the store; returns once the queue is closed and empty. */
	void		*(*run)(void *store);
	/*
	 * The owner's commands: stores v[0..n) durably at once (an entry gets
	 * the next id, in v[i].id; up as guestbook_append_many's, with many)
	 * and applies them to the view. 0, or -1 with *reason.
	 */
	int		 (*append)(struct gb_store *s, struct record *v, size_t n,
			    const size_t *up, int many, const char **reason);
	/* guestbook_import: v[0..n) stored as they are, ids and times kept, and applied. */
	int		 (*import)(struct gb_store *s, struct record *v, size_t n,
			    const char **reason);
	/* How many records reading found bad; the store reports each its own way. */
	unsigned	 (*problems)(struct gb_store *s);
	/* Frees the store, its committer stopped. */
	void		 (*free)(struct gb_store *s);
};
/* What every store embeds first. */
struct gb_store {
	const struct gb_store_ops	*ops;
	struct guestbook		*gb;
};

/* What a store makes for a view: 0 with *out (owned by gb from then on), or -1 with *reason. */
int	 gbfile_open(struct guestbook *gb, const char *path, int server, int writable,
	    struct gb_store **out, const char **reason);
int	 gbpg_open(struct guestbook *gb, const char *uri, const char *host, int server,
	    struct gb_store **out, const char **reason);

/*
 * Applies one record read back from the store to the view: the one place
 * the view changes. -1 with *reason when it cannot be applied (the store
 * reports it and passes over it).
 */
int	 gb_apply(struct guestbook *gb, const struct record *r, const char **reason);
/*
 * Whether entry ids must grow record by record (a file log, which one
 * process writes at a time) or may come out of order (several instances
 * sharing a database, whose ids are handed out before their commit order
 * is known). Set by the store before it reads anything.
 */
void	 gb_ids_any_order(struct guestbook *gb);

/* The eventfd a committer polls: readable when appends are queued or the queue closes. */
int	 gb_queue_fd(const struct guestbook *gb);
/* Takes up to max queued appends; *closed tells whether no more can come. */
struct append	*gb_batch_take(struct guestbook *gb, size_t max, int *closed);
/* Settles every append of batch with its id and reason, wakes its waiter and drops the committer's reference. */
void	 gb_settle(struct guestbook *gb, struct append *batch);
/* Closes the queue and settles everything still in it with why. */
void	 gb_queue_fail(struct guestbook *gb, const char *why);
/*
 * While the store cannot be written (a database away), submit refuses at
 * once with GUESTBOOK_UNAVAILABLE; 0 when it can again.
 */
void	 gb_set_unavailable(struct guestbook *gb, int unavailable);

/* The highest entry id the view holds. */
unsigned long long	 gb_last_id(struct guestbook *gb);
/* How many entries the view holds. */
size_t	 gb_count(struct guestbook *gb);
/* Whether the certificate fingerprint has liked the topic slug. */
int	 gb_has_like(struct guestbook *gb, const char *slug, const char *fingerprint);
/*
 * Whether v[0..n) can be appended to what the view holds: the entries they
 * name exist, a reply answers an entry on its review (with many, also one
 * earlier in the batch, up[i] from 1; only entries then). -1 with *reason.
 */
int	 gb_check(struct guestbook *gb, const struct record *v, size_t n, const size_t *up,
	    int many, const char **reason);

#endif
