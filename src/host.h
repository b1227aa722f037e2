#ifndef MARQUEE_HOST_H
#define MARQUEE_HOST_H

#include <stddef.h>

#include "config.h"

/*
 * The hosts served, one per host_config of the configuration in force at
 * start: each with its capsule, content index, guestbook and rate limits.
 * Made once before any worker starts and never changed until exit, so
 * requests use them without locks.
 */
struct host {
	unsigned		 id;		/* index into config_current()->hosts */
	char			 name[HOST_MAX + 1];
	int			 root_fd;	/* the capsule, see capsule.h */
	struct index		*index;
	struct guestbook	*guestbook;
	struct limiter		*per_client;	/* the guestbook's rate limits */
	struct limiter		*everyone;
};

/*
 * Opens every host of c: its capsule root and guestbook log (making the
 * log's directory), and refuses a log inside a capsule. Before privileges
 * are dropped; needs capsule_init(). Returns -1 with *reason.
 */
int	 hosts_open(const struct config *c, const char **reason);
/*
 * Refuses host id's guestbook log inside any host's capsule, where readers
 * could fetch it: -1 with *reason naming the config file and line. The
 * start (hosts_open) and marquee -n both run it.
 */
int	 host_check_guestbook(const struct config *c, size_t id, const char **reason);
/*
 * Starts every host's guestbook writer and index watcher (threads); the
 * watchers find the roots by their names in paths, a configuration of the
 * same hosts naming files as the process sees them now (config_jailed).
 */
int	 hosts_start(const struct config *paths, const char **reason);
/* Stops and frees every host; after the workers are gone. */
void	 hosts_close(void);

size_t			 host_count(void);
const struct host	*host_at(size_t i);
/* Its part of the configuration in force (cert, lang, ports). */
const struct host_config *host_settings(const struct host *h);

#endif
