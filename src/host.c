#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsule.h"
#include "guestbook.h"
#include "host.h"
#include "index.h"
#include "limit.h"
#include "log.h"

/* Clients a host's guestbook rate limit follows at once; a flood of new ones waits. */
#define LIMIT_CLIENTS	65536

static struct host	*hosts;		/* owned; set before any worker starts */
static size_t		 nhosts;

/*
 * The real path of path, or of the nearest directory above it that exists
 * (a log, or its directory, not made yet), into out.
 */
static int
real_place(const char *path, char out[PATH_MAX], const char **reason)
{
	char	p[PATH_MAX], up[PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), "%s", path) >= sizeof(p)) {
		*reason = reasonf("%s: path too long", path);
		return -1;
	}
	while (realpath(p, out) == NULL) {
		if (errno != ENOENT || strcmp(p, ".") == 0 || strcmp(p, "/") == 0) {
			*reason = reasonf("%s: %s", p, strerror(errno));
			return -1;
		}
		snprintf(up, sizeof(up), "%s", dirname(p));	/* fits: no longer than p */
		memcpy(p, up, sizeof(p));
	}
	return 0;
}

int
host_check_guestbook(const struct config *c, size_t id, const char **reason)
{
	const struct host_config	*h = &c->hosts[id];
	char				 log[PATH_MAX], root[PATH_MAX];
	size_t				 i, n;

	/* The log itself when it exists: it may be a link into the capsule. */
	if (real_place(h->guestbook, log, reason) == -1)
		return -1;
	/* A guestbook inside any capsule could be fetched from that host. */
	for (i = 0; i < c->nhosts; i++) {
		if (realpath(c->hosts[i].root, root) == NULL) {
			*reason = reasonf("%s: %s", c->hosts[i].root, strerror(errno));
			return -1;
		}
		n = strlen(root);
		if (strncmp(log, root, n) == 0 && (log[n] == '\0' || log[n] == '/' || n == 1)) {
			*reason = config_host_problem(c, h, reasonf("guestbook %s is inside "
			    "the capsule %s, where readers could fetch it", h->guestbook,
			    c->hosts[i].root));
			return -1;
		}
	}
	return 0;
}

/* Makes the directory of the guestbook log if it is missing. */
static int
guestbook_dir(const char *log_path, const char **reason)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", log_path);	/* fits: config_finish checked it */
	if (mkdir(dirname(path), 0750) == -1 && errno != EEXIST) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
host_open(struct host *h, unsigned id, const struct config *c, const char **reason)
{
	h->id = id;
	memcpy(h->name, c->hosts[id].name, sizeof(h->name));
	if ((h->root_fd = capsule_open_root(c->hosts[id].root, reason)) == -1)
		return -1;
	if (guestbook_dir(c->hosts[id].guestbook, reason) == -1 ||
	    host_check_guestbook(c, id, reason) == -1)
		return -1;
	if ((h->guestbook = guestbook_open(c->hosts[id].guestbook, reason)) == NULL)
		return -1;
	if ((h->per_client = limiter_new(LIMIT_CLIENTS)) == NULL ||
	    (h->everyone = limiter_new(1)) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	return 0;
}

int
hosts_open(const struct config *c, const char **reason)
{
	size_t	i;

	if ((hosts = calloc(c->nhosts, sizeof(*hosts))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	for (i = 0; i < c->nhosts; i++)
		hosts[i].root_fd = -1;
	nhosts = c->nhosts;
	for (i = 0; i < nhosts; i++)
		if (host_open(&hosts[i], (unsigned)i, c, reason) == -1)
			return -1;
	return 0;
}

int
hosts_start(const struct config *paths, const char **reason)
{
	struct host	*h;

	for (h = hosts; h < hosts + nhosts; h++)
		if (guestbook_start(h->guestbook, reason) == -1 ||
		    (h->index = index_start(h->root_fd, paths->hosts[h->id].root,
		    h->name, h->guestbook, reason)) == NULL)
			return -1;
	return 0;
}

void
hosts_close(void)
{
	struct host	*h;

	for (h = hosts; h < hosts + nhosts; h++) {
		/* The index first: its review pages read the guestbook. */
		index_stop(h->index);
		guestbook_close(h->guestbook);
		limiter_free(h->per_client);
		limiter_free(h->everyone);
		if (h->root_fd != -1)
			close(h->root_fd);
	}
	free(hosts);
	hosts = NULL;
	nhosts = 0;
}

size_t
host_count(void)
{
	return nhosts;
}

const struct host *
host_at(size_t i)
{
	return &hosts[i];
}

const struct host_config *
host_settings(const struct host *h)
{
	return &config_current()->hosts[h->id];
}
