/*
 * The hosts served, in sets built from one configuration each, and which
 * set is current: see host.h. Also what hosts of successive sets share
 * (struct shelf, struct book) and the check that no guestbook lies in a
 * capsule.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsule.h"
#include "dates.h"
#include "gbwhere.h"
#include "guestbook.h"
#include "host.h"
#include "index.h"
#include "limit.h"
#include "log.h"
#include "tls.h"

/* Clients a host's guestbook rate limit follows at once; a flood of new ones waits. */
#define LIMIT_CLIENTS	65536

/*
 * A guestbook and its rate limits, shared by the hosts of successive sets
 * that name the same log: its entries, writer and limits go on across a
 * reload. refs counts those hosts (and shelves); only the main thread
 * builds and frees sets, so only it changes refs: no atomics needed.
 */
struct book {
	unsigned		 refs;
	char			 path[PATH_MAX];	/* as configured */
	char			 host[HOST_MAX + 1];	/* whose schema, in a database */
	struct guestbook	*guestbook;		/* owned */
	struct limiter		*per_client;		/* owned */
	struct limiter		*everyone;		/* owned */
	int			 started;		/* its writer runs */
};

/*
 * A capsule root and its index, shared like a book by the hosts of
 * successive sets of the same name, root and book: the index (and its
 * watcher) is not rebuilt. The index reads the book's guestbook.
 */
struct shelf {
	unsigned		 refs;			/* main thread only, as a book's */
	char			 root[PATH_MAX];	/* as configured */
	char			 author[CN_MAX + 1];	/* in the index's feeds */
	int			 root_fd;		/* owned */
	struct dates		*dates;			/* owned; the index's */
	struct index		*index;			/* owned; NULL until started */
	struct book		*book;			/* a reference */
	int			 trash_fd;		/* owned; -1 until a host uploads with Titan */
};

struct hostset {
	/* The current pointer's and every connection's; see hostset_acquire. */
	atomic_uint		 refs;
	struct config		*config;	/* owned */
	struct host		*hosts;		/* owned, config->nhosts of them */
	size_t			 nhosts;	/* opened so far */
	SSL_CTX			*tls;		/* owned; its contexts point into hosts */
	struct hostset		*retired_next;	/* the replaced sets: main thread only */
};

/*
 * current holds one reference to the set new connections get. Taking a
 * reference and reading current happen together under current_lock, and
 * so does replacing it: a set leaves current (and its reference is dropped)
 * either before a reader looks, who then gets the new set, or after the
 * reader's reference is counted, which then keeps it alive.
 */
static pthread_mutex_t	 current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hostset	*current;
/* Sets replaced but maybe still held; main thread only. */
static struct hostset	*retired;

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

	if (gbwhere_is_postgresql(h->guestbook))
		return 0;	/* in a database: in no capsule */
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

/* Makes the directory of path (a guestbook log, or the trash when the guestbook is in a database) if it is missing. */
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

/* Drops a reference to b; the last one stops its writer once the appends in flight are in. */
static void
book_put(struct book *b)
{
	if (b == NULL || --b->refs > 0)
		return;
	guestbook_close(b->guestbook);
	limiter_free(b->per_client);
	limiter_free(b->everyone);
	free(b);
}

/*
 * Opens host name's guestbook configured as configured, a log by its name
 * path (a database by its URI); NULL with *reason.
 */
static struct book *
book_open(const char *name, const char *configured, const char *path, const char **reason)
{
	struct book	*b;
	int		 db = gbwhere_is_postgresql(configured);

	if (*path == '\0' && !db) {
		*reason = reasonf("guestbook %s is outside the chroot: a new log "
		    "there needs a restart", configured);
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	b->refs = 1;
	memcpy(b->path, configured, sizeof(b->path));	/* both PATH_MAX */
	snprintf(b->host, sizeof(b->host), "%s", name);
	if ((!db && guestbook_dir(path, reason) == -1) ||
	    (b->guestbook = guestbook_open(db ? configured : path, name, reason)) == NULL)
		goto fail;
	if ((b->per_client = limiter_new(LIMIT_CLIENTS)) == NULL ||
	    (b->everyone = limiter_new(1)) == NULL) {
		*reason = "out of memory";
		goto fail;
	}
	return b;
fail:
	book_put(b);
	return NULL;
}

/*
 * A new reference to the book of old that keeps the log path (or, in a
 * database, the URI and host name, which names the schema), or NULL.
 */
static struct book *
find_book(const struct hostset *old, const char *path, const char *name)
{
	size_t	i;

	for (i = 0; old != NULL && i < old->nhosts; i++)
		if (strcmp(old->hosts[i].book->path, path) == 0 &&
		    (!gbwhere_is_postgresql(path) || strcmp(old->hosts[i].book->host, name) == 0)) {
			old->hosts[i].book->refs++;
			return old->hosts[i].book;
		}
	return NULL;
}

/*
 * The dates log of host name, beside its guestbook log (dates-NAME.log) or,
 * the guestbook in a database, beside its trash in the state directory,
 * opened now, before the sandbox; one out of reach (outside a chroot, or
 * after the sandbox, on a reload) keeps the dates in memory, and says so.
 */
static struct dates *
dates_of(const char *name, const char *guestbook, const char **reason)
{
	struct dates	*d;
	char		 dir[PATH_MAX], path[PATH_MAX];
	const char	*why;

	snprintf(dir, sizeof(dir), "%s", guestbook);	/* fits: both PATH_MAX */
	if (guestbook[0] != '\0' && (size_t)snprintf(path, sizeof(path), "%s/dates-%s.log",
	    dirname(dir), name) < sizeof(path)) {
		if ((d = dates_open(path, &why)) != NULL)
			return d;
		log_warn("%s; review dates kept in memory until a restart", why);
	} else
		log_warn("%s: review dates kept in memory: the state directory is out of reach",
		    name);
	return dates_open("", reason);
}

/* Drops a reference to sh; the last one stops its index watcher first, as it reads the book. */
static void
shelf_put(struct shelf *sh)
{
	if (sh == NULL || --sh->refs > 0)
		return;
	index_stop(sh->index);
	dates_close(sh->dates);
	if (sh->root_fd != -1)
		close(sh->root_fd);
	if (sh->trash_fd != -1)
		close(sh->trash_fd);
	book_put(sh->book);
	free(sh);
}

/*
 * Opens host name's capsule root (configured as configured; paths names its
 * files as seen now) and its dates log, for an index of book b.
 */
static struct shelf *
shelf_open(const char *name, const char *configured, const struct host_config *paths,
    const char *author, struct book *b, const char **reason)
{
	struct shelf	*sh;
	int		 db;

	if ((sh = calloc(1, sizeof(*sh))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	sh->refs = 1;
	sh->trash_fd = -1;
	memcpy(sh->root, configured, sizeof(sh->root));	/* both PATH_MAX */
	memcpy(sh->author, author, sizeof(sh->author));	/* both CN_MAX + 1 */
	sh->book = b;
	b->refs++;
	db = gbwhere_is_postgresql(paths->guestbook);
	/* The state directory holds no log then: it may still be missing. */
	if (db && paths->trash[0] != '\0' && guestbook_dir(paths->trash, reason) == -1) {
		shelf_put(sh);
		return NULL;
	}
	if ((sh->root_fd = capsule_open_root(paths->root, reason)) == -1 ||
	    (sh->dates = dates_of(name, db ? paths->trash : paths->guestbook, reason)) == NULL) {
		shelf_put(sh);
		return NULL;
	}
	return sh;
}

/* Starts the index of h's shelf; root is the capsule's name as seen now. */
static int
shelf_start(struct host *h, const char *root, unsigned public_port, const char **reason)
{
	struct index_host	ih = { h->name, public_port, h->shelf->author, h->shelf->dates };

	h->shelf->index = index_start(h->root_fd, root, &ih, h->guestbook, reason);
	return h->shelf->index != NULL ? 0 : -1;
}

/* A new reference to the shelf of old's host name when it keeps its root, author and book, or NULL. */
static struct shelf *
find_shelf(const struct hostset *old, const char *name, const char *root,
    const char *author, const struct book *b)
{
	size_t	i;

	for (i = 0; old != NULL && i < old->nhosts; i++)
		if (strcmp(old->hosts[i].name, name) == 0 &&
		    strcmp(old->hosts[i].shelf->root, root) == 0 &&
		    strcmp(old->hosts[i].shelf->author, author) == 0 &&
		    old->hosts[i].shelf->book == b) {
			old->hosts[i].shelf->refs++;
			return old->hosts[i].shelf;
		}
	return NULL;
}

/*
 * Opens the trash of a host that takes Titan uploads (made if missing, for
 * the owner alone), once: before the sandbox and chroot at start, which
 * would refuse it later. A failure leaves deletions refused, and is said.
 */
static void
shelf_trash(struct shelf *sh, const char *name, const char *trash)
{
	if (sh->trash_fd != -1)
		return;
	if (trash[0] == '\0' || (mkdir(trash, 0700) == -1 && errno != EEXIST) ||
	    (sh->trash_fd = open(trash, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		log_warn("%s: trash %s: %s; Titan deletions are refused", name,
		    trash[0] != '\0' ? trash : "(outside the chroot)",
		    trash[0] != '\0' ? strerror(errno) : "cannot be opened after a reload");
}

/* Fills s->hosts[i], with what old has of it or opened by paths' names. */
static int
host_open(struct hostset *s, size_t i, const struct config *paths,
    const struct hostset *old, const char **reason)
{
	struct host			*h = &s->hosts[i];
	const struct host_config	*hc = &s->config->hosts[i];

	memcpy(h->name, hc->name, sizeof(h->name));
	h->config = s->config;
	h->settings = hc;
	if ((h->book = find_book(old, hc->guestbook, hc->name)) == NULL &&
	    (h->book = book_open(hc->name, hc->guestbook, paths->hosts[i].guestbook,
	    reason)) == NULL)
		return -1;
	if ((h->shelf = find_shelf(old, h->name, hc->root, hc->author, h->book)) == NULL &&
	    (h->shelf = shelf_open(h->name, hc->root, &paths->hosts[i], hc->author, h->book,
	    reason)) == NULL)
		return -1;
	if (hc->titan)
		shelf_trash(h->shelf, h->name, paths->hosts[i].trash);
	h->root_fd = h->shelf->root_fd;
	h->trash_fd = h->shelf->trash_fd;
	h->index = h->shelf->index;
	h->guestbook = h->book->guestbook;
	h->per_client = h->book->per_client;
	h->everyone = h->book->everyone;
	return 0;
}

/* Frees s and what no other set shares; its TLS contexts first, as they point at its hosts. */
static void
hostset_free(struct hostset *s)
{
	size_t	i;

	SSL_CTX_free(s->tls);
	for (i = 0; i < s->nhosts; i++) {
		shelf_put(s->hosts[i].shelf);
		book_put(s->hosts[i].book);
	}
	free(s->hosts);
	config_discard(s->config);
	free(s);
}

struct hostset *
hostset_open(struct config *c, const struct config *paths,
    const struct hostset *old, const char **reason)
{
	struct hostset	*s;
	size_t		 i;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->hosts = calloc(c->nhosts, sizeof(*s->hosts))) == NULL) {
		free(s);
		config_discard(c);
		*reason = "out of memory";
		return NULL;
	}
	atomic_init(&s->refs, 1);
	s->config = c;
	for (i = 0; i < c->nhosts; i++) {
		s->nhosts++;	/* freed as far as it got */
		if (host_open(s, i, paths, old, reason) == -1)
			goto fail;
	}
	/* A log outside the chroot (named "") lies in no capsule inside it. */
	for (i = 0; i < c->nhosts; i++)
		if (paths->hosts[i].guestbook[0] != '\0' &&
		    host_check_guestbook(paths, i, reason) == -1)
			goto fail;
	if ((s->tls = tls_build(paths, reason)) == NULL)
		goto fail;
	for (i = 0; i < s->nhosts; i++)
		tls_serve(s->tls, i, &s->hosts[i]);
	return s;
fail:
	hostset_free(s);
	return NULL;
}

int
hostset_start(struct hostset *s, const struct config *paths, const char **reason)
{
	struct host	*h;
	size_t		 i;

	for (i = 0; i < s->nhosts; i++) {
		h = &s->hosts[i];
		if (!h->book->started) {
			if (guestbook_start(h->book->guestbook, reason) == -1)
				return -1;
			h->book->started = 1;
		}
		if (h->shelf->index == NULL && shelf_start(h, paths->hosts[i].root,
		    s->config->public_port, reason) == -1)
			return -1;
		h->index = h->shelf->index;
	}
	return 0;
}

void
hostset_publish(struct hostset *s)
{
	struct hostset	*old;

	pthread_mutex_lock(&current_lock);
	old = current;
	current = s;
	pthread_mutex_unlock(&current_lock);
	if (old == NULL)
		return;
	old->retired_next = retired;
	retired = old;
	hostset_release(old);
	(void)hostset_reap();
}

size_t
hostset_reap(void)
{
	struct hostset	**pp, *s;
	size_t		  waiting = 0;

	for (pp = &retired; (s = *pp) != NULL; ) {
		/*
		 * A retired set is out of current, so no reference can be
		 * taken any more: at 0 it stays 0. Acquire pairs with the
		 * release of the last hostset_release.
		 */
		if (atomic_load_explicit(&s->refs, memory_order_acquire) > 0) {
			pp = &s->retired_next;
			waiting++;
			continue;
		}
		*pp = s->retired_next;
		hostset_free(s);
	}
	return waiting;
}

void
hostset_discard(struct hostset *s)
{
	if (s != NULL)
		hostset_free(s);
}

struct hostset *
hostset_acquire(void)
{
	struct hostset	*s;

	/* Under the lock: see current. */
	pthread_mutex_lock(&current_lock);
	if ((s = current) != NULL)
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&current_lock);
	return s;
}

void
hostset_release(struct hostset *s)
{
	/* Never frees: the main thread does, in hostset_reap, off the workers. */
	atomic_fetch_sub_explicit(&s->refs, 1, memory_order_release);
}

const struct config *
hostset_config(const struct hostset *s)
{
	return s->config;
}

SSL_CTX *
hostset_tls(const struct hostset *s)
{
	return s->tls;
}

const struct host *
hostset_host(const struct hostset *s, size_t i)
{
	return &s->hosts[i];
}

const struct host *
hostset_gopher(const struct hostset *s, unsigned port)
{
	size_t	i;

	for (i = 0; i < s->nhosts; i++)
		if (s->hosts[i].settings->gopher_port == port)
			return &s->hosts[i];
	return NULL;
}

const struct host_config *
host_settings(const struct host *h)
{
	return h->settings;
}
