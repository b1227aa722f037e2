/*
 * The sandbox: no_new_privs and Landlock rules, applied once everything
 * marquee keeps open is open; a guestbook in PostgreSQL may still be
 * connected to (again, after an outage).
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <libpq-fe.h>

#include "config.h"
#include "gbwhere.h"
#include "log.h"
#include "sandbox.h"

/* Rights of later Landlock ABIs than Debian 12's headers know (landlock.h in Linux 6.7+). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)	/* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#endif
#define ACCESS_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#define ACCESS_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define ACCESS_NET_CONNECT_TCP		(1ULL << 1)	/* ABI 4 */
#define RULE_NET_PORT			2	/* ABI 4: LANDLOCK_RULE_NET_PORT */
/* Every filesystem right of ABI 1: execute (bit 0) to making symlinks (bit 12). */
#define ACCESS_FS_ABI1			((1ULL << 13) - 1)

/* LeakSanitizer reads /proc/PID/task and /proc/PID/maps at exit. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#endif

/* struct landlock_net_port_attr (ABI 4), which Debian 12's headers lack. */
struct net_port_attr {
	uint64_t	allowed_access;
	uint64_t	port;
};

/* What resolving a host name reads, when libpq connects again after an outage. */
static const char *const resolver_files[] = {
	"/etc/hosts", "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf",
	"/etc/gai.conf", "/etc/services",
};

/* struct landlock_ruleset_attr as of ABI 4; older kernels take its first member. */
struct ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;
};

static int
allow(int ruleset, const char *path, uint64_t access, const char **reason)
{
	struct landlock_path_beneath_attr	rule = { .allowed_access = access };
	int					rc;

	if ((rule.parent_fd = open(path, O_PATH | O_CLOEXEC)) == -1) {
		*reason = reasonf("sandbox: %s: %s", path, strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
	close(rule.parent_fd);
	if (rc == -1) {
		*reason = reasonf("sandbox: %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The directory of path, into out. */
static const char *
dir_of(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s", path);
	return dirname(out);
}

static int
is_regular(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Lets files in the directory of path be read, both where path names it and
 * where its links lead: a renewed certificate (certbot points live/ at new
 * files in archive/) or a file saved by rename is a new file there.
 */
static int
allow_dir_of(int ruleset, const char *path, const char **reason)
{
	char	dir[PATH_MAX], real[PATH_MAX];

	if (allow(ruleset, dir_of(path, dir, sizeof(dir)), LANDLOCK_ACCESS_FS_READ_FILE,
	    reason) == -1)
		return -1;
	if (realpath(path, real) == NULL)
		return 0;
	return allow(ruleset, dir_of(real, dir, sizeof(dir)), LANDLOCK_ACCESS_FS_READ_FILE,
	    reason);
}

/* Directories shared with other programs' secrets: only marquee's own file there. */
static int
is_shared_dir(const char *path)
{
	char	dir[PATH_MAX];

	dir_of(path, dir, sizeof(dir));
	return strcmp(dir, "/") == 0 || strcmp(dir, "/etc") == 0 || strcmp(dir, ".") == 0;
}

/*
 * A host taking Titan uploads writes in its titan_paths only: a temporary
 * file made, renamed over a review (or moved to the trash: a move between
 * directories needs REFER, ABI 2; ABI 1 refuses it, and publish.c copies),
 * and in its trash. Nothing else of the capsule becomes writable, and no
 * directory can be made or removed. A titan_paths directory missing at
 * start stays unwritable until a restart.
 */
static int
allow_titan(int ruleset, const struct host_config *h, int abi, const char **reason)
{
	const uint64_t	 write = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
			    LANDLOCK_ACCESS_FS_REMOVE_FILE | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0);
	char		 dir[2 * PATH_MAX];
	const char	*p;
	size_t		 n;
	struct stat	 st;

	for (p = h->titan_paths; *p != '\0'; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		snprintf(dir, sizeof(dir), "%s/%.*s", h->root, (int)n, p);
		if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			log_warn("sandbox: %s: not a directory at start: Titan uploads there "
			    "are refused until a restart", dir);
			continue;
		}
		if (allow(ruleset, dir, write, reason) == -1)
			return -1;
	}
	if (lstat(h->trash, &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;	/* said by host.c, which made it */
	return allow(ruleset, h->trash, write | LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR, reason);
}

/* The value of keyword in opts (libpq's parse of a URI), else the environment's name, else dflt. */
static const char *
conn_value(const PQconninfoOption *opts, const char *keyword, const char *env, const char *dflt)
{
	const PQconninfoOption	*o;
	const char		*v;

	for (o = opts; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0 && o->val != NULL && o->val[0] != '\0')
			return o->val;
	return (v = getenv(env)) != NULL && v[0] != '\0' ? v : dflt;
}

/* Lets TCP connect to each port of the comma-separated list ports. */
static int
allow_ports(int ruleset, const char *ports, const char **reason)
{
	struct net_port_attr	 rule = { .allowed_access = ACCESS_NET_CONNECT_TCP };
	const char		*p = ports;
	char			*end;

	for (;;) {
		rule.port = strtoul(p, &end, 10);
		if (end != p && syscall(SYS_landlock_add_rule, ruleset, RULE_NET_PORT, &rule, 0) == -1) {
			*reason = reasonf("sandbox: TCP port %llu: %s", (unsigned long long)rule.port,
			    strerror(errno));
			return -1;
		}
		if ((p = strchr(end, ',')) == NULL)
			return 0;
		p++;
	}
}

/*
 * The files libpq reads as it connects: the password file and the TLS
 * certificates, keys and revocation lists the URI or the environment name,
 * else their defaults in ~ (.pgpass, the files of .postgresql/).
 */
static int
allow_libpq_files(int ruleset, const PQconninfoOption *opts, const char **reason)
{
	static const char *const	 files[][3] = {
		{ "passfile", "PGPASSFILE", ".pgpass" },
		{ "sslrootcert", "PGSSLROOTCERT", ".postgresql" },
		{ "sslcert", "PGSSLCERT", ".postgresql" },
		{ "sslkey", "PGSSLKEY", ".postgresql" },
		{ "sslcrl", "PGSSLCRL", ".postgresql" },
	};
	const char			*file, *home = getenv("HOME");
	char				 path[PATH_MAX];
	struct stat			 st;
	size_t				 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((file = conn_value(opts, files[i][0], files[i][1], NULL)) == NULL &&
		    home != NULL && (size_t)snprintf(path, sizeof(path), "%s/%s", home,
		    files[i][2]) < sizeof(path))
			file = path;
		if (file == NULL || stat(file, &st) == -1 ||
		    (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
			continue;
		if (allow(ruleset, file, LANDLOCK_ACCESS_FS_READ_FILE, reason) == -1)
			return -1;
	}
	return 0;
}

/*
 * A guestbook in PostgreSQL is connected to again after an outage: over
 * TCP (a host that is not a socket directory), its ports may be connected
 * to and the resolver's files read; libpq's own files may be read either
 * way. A Unix socket needs nothing more: Landlock leaves connecting to one
 * alone.
 */
static int
allow_database(int ruleset, const char *uri, int abi, const char **reason)
{
	PQconninfoOption	*opts;
	const char		*host;
	size_t			 i;
	int			 rc = 0;

	if ((opts = PQconninfoParse(uri, NULL)) == NULL)
		return 0;	/* refused by config.c already */
	host = conn_value(opts, "host", "PGHOST", "/");
	if (host[0] != '/' && host[0] != '@') {
		if (abi >= 4)
			rc = allow_ports(ruleset, conn_value(opts, "port", "PGPORT", "5432"), reason);
		for (i = 0; rc == 0 && i < sizeof(resolver_files) / sizeof(resolver_files[0]); i++)
			if (is_regular(resolver_files[i]))
				rc = allow(ruleset, resolver_files[i], LANDLOCK_ACCESS_FS_READ_FILE, reason);
	}
	if (rc == 0)
		rc = allow_libpq_files(ruleset, opts, reason);
	PQconninfoFree(opts);
	return rc;
}

static int
add_rules(int ruleset, const struct config *c, int abi, const char **reason)
{
	const struct host_config	*h;
	char				 dir[PATH_MAX];

	for (h = c->hosts; h < c->hosts + c->nhosts; h++)
		if (allow(ruleset, h->root, LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_READ_DIR, reason) == -1 ||
		    allow_dir_of(ruleset, h->cert, reason) == -1 ||
		    allow_dir_of(ruleset, h->key, reason) == -1 ||
		    (h->titan && allow_titan(ruleset, h, abi, reason) == -1) ||
		    (gbwhere_is_postgresql(h->guestbook) &&
		    allow_database(ruleset, h->guestbook, abi, reason) == -1))
			return -1;
	/* A config from a pipe (-c <(...)) cannot be read again anyway. */
	if (c->file[0] != '\0' && is_regular(c->file) &&
	    (is_shared_dir(c->file) ?
	    allow(ruleset, c->file, LANDLOCK_ACCESS_FS_READ_FILE, reason) :
	    allow_dir_of(ruleset, c->file, reason)) == -1)
		return -1;
#ifdef SANITIZED
	if (allow(ruleset, "/proc", LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR, reason) == -1)
		return -1;
#endif
	if (c->log[0] == '\0')
		return 0;
	/* Reopening a file after logrotate may create it anew; a device is only written. */
	if (is_regular(c->log))
		return allow(ruleset, dir_of(c->log, dir, sizeof(dir)),
		    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG, reason);
	return allow(ruleset, c->log, LANDLOCK_ACCESS_FS_WRITE_FILE, reason);
}

int
sandbox_enter(const struct config *c, const char **reason)
{
	struct ruleset_attr	attr = { 0 };
	int			abi, ruleset, rc = -1;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		*reason = reasonf("sandbox: no_new_privs: %s", strerror(errno));
		return -1;
	}
	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		log_warn("sandbox: Landlock is not available (%s): only no_new_privs",
		    strerror(errno));
		return 0;
	}
	attr.handled_access_fs = ACCESS_FS_ABI1 |
	    (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0) |
	    (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0) |
	    (abi >= 5 ? ACCESS_FS_IOCTL_DEV : 0);
	/* Everything marquee binds is bound: no TCP bind or connect from now on. */
	attr.handled_access_net = abi >= 4 ? ACCESS_NET_BIND_TCP | ACCESS_NET_CONNECT_TCP : 0;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    abi >= 4 ? sizeof(attr) : sizeof(attr.handled_access_fs), 0);
	if (ruleset == -1) {
		*reason = reasonf("sandbox: Landlock: %s", strerror(errno));
		return -1;
	}
	if (add_rules(ruleset, c, abi, reason) == -1)
		goto out;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) == -1) {
		*reason = reasonf("sandbox: Landlock: %s", strerror(errno));
		goto out;
	}
	if (c->nhosts == 1)
		log_info("sandbox: Landlock ABI %d: reading %s and the certificate only",
		    abi, c->hosts[0].root);
	else
		log_info("sandbox: Landlock ABI %d: reading the capsules and "
		    "certificates of %zu hosts only", abi, c->nhosts);
	rc = 0;
out:
	close(ruleset);
	return rc;
}
