#ifndef MARQUEE_HOST_H
#define MARQUEE_HOST_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "config.h"

/*
 * The hosts served. A set of hosts (struct hostset) is built from one
 * configuration: one struct host per host_config, each with its capsule,
 * content index, guestbook and rate limits, and the TLS contexts that pick
 * among them by SNI. A set never changes once built, so requests read it
 * without locks. SIGHUP builds a whole new set and makes it current; every
 * connection holds a reference to the set it was accepted on until it
 * closes, and a replaced set is freed once the last one is gone.
 *
 * What is costly to build (an open root and its index, a guestbook and its
 * rate limits) is shared with the next set when its host keeps the same
 * root or log, so a reload does not rebuild it.
 */

struct shelf;
struct book;

struct host {
	char			 name[HOST_MAX + 1];
	const struct config	*config;	/* its set's: the keys all hosts share */
	const struct host_config *settings;	/* its part of config */
	/* Borrowed from shelf and book, which own them. */
	int			 root_fd;	/* the capsule, see capsule.h */
	int			 trash_fd;	/* where Titan deletions go; -1 for none */
	struct index		*index;
	struct guestbook	*guestbook;
	struct limiter		*per_client;	/* the guestbook's rate limits */
	struct limiter		*everyone;
	struct shelf		*shelf;		/* a reference: root_fd and index */
	struct book		*book;		/* a reference: the guestbook and its limits */
};

struct hostset;

/*
 * Builds the hosts of c, which the set owns from now on (also on failure),
 * taking from old (NULL for none) what its hosts of the same root or
 * guestbook have; opens the rest by the names paths gives them (c itself,
 * or config_jailed's copy inside the chroot): capsule roots, guestbook logs
 * (making their directory), certificates and keys (generating missing
 * ones). Refuses a log inside a capsule. Needs capsule_init() and
 * tls_init(). Returns NULL with *reason. Main thread only.
 */
struct hostset	*hostset_open(struct config *c, const struct config *paths,
		    const struct hostset *old, const char **reason);
/*
 * Starts the guestbook writers and index watchers (threads) the set does
 * not share with a running one; the watchers find the roots by their names
 * in paths. Main thread only.
 */
int		 hostset_start(struct hostset *s, const struct config *paths,
		    const char **reason);
/*
 * Makes s (from hostset_open, started) the set new connections get, or with
 * NULL none; the one it replaces is freed once no connection holds it.
 * Main thread only.
 */
void		 hostset_publish(struct hostset *s);
/*
 * Frees the replaced sets no connection holds any more (their index
 * watchers and guestbook writers stop there, unless a newer set shares
 * them); returns how many still wait. Main thread only.
 */
size_t		 hostset_reap(void);
/* Frees a set that was never published. Main thread only. */
void		 hostset_discard(struct hostset *s);

/*
 * A reference to the current set, or NULL before the first; given back
 * with hostset_release. Any thread.
 */
struct hostset	*hostset_acquire(void);
void		 hostset_release(struct hostset *s);

const struct config	*hostset_config(const struct hostset *s);
/* The context every handshake starts on: the first host's (tls.h). */
SSL_CTX			*hostset_tls(const struct hostset *s);
const struct host	*hostset_host(const struct hostset *s, size_t i);
/* The host whose gopher_port is port, or NULL. */
const struct host	*hostset_gopher(const struct hostset *s, unsigned port);

/*
 * Refuses host id's guestbook log inside any host's capsule, where readers
 * could fetch it: -1 with *reason naming the config file and line. The
 * start, a reload and marquee -n all run it.
 */
int	 host_check_guestbook(const struct config *c, size_t id, const char **reason);

/* Its part of the configuration (cert, lang, ports). */
const struct host_config *host_settings(const struct host *h);

#endif
