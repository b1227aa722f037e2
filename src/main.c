#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "conn.h"
#include "gbtool.h"
#include "gbwhere.h"
#include "import.h"
#include "gemini.h"
#include "gopher.h"
#include "host.h"
#include "index.h"
#include "log.h"
#include "sandbox.h"
#include "tls.h"
#include "trash.h"

/* Bumped with every release; `marquee -V` prints it. */
#define MARQUEE_VERSION	"0.6.0"

static const char	*progname = "marquee";

/* The working directory marquee started in, once it is inside its chroot; "" before or without one. */
static char		 jail_cwd[PATH_MAX];

/* The set of hosts published last (host.h), whose config is the running one; main thread only. */
static struct hostset	*serving;

/* Gopher ports listened on since the start: a reload can give a host only one of these. */
static unsigned		 gopher_ports[HOSTS_MAX];
static size_t		 ngopher_ports;

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-nV] [-c file] [-H hostname] [-a address] "
	    "[-p port] [-g gopher-port] [-r root] [-d certdir] [-s statedir] "
	    "[-l logfile] [-u user] [-j workers]\n"
	    "       %s [-c file] [-s statedir] guestbook [-h host] ", progname, progname);
	gbtool_commands(stderr);
	fprintf(stderr, "\n       %s [-c file] [-s statedir] trash [-h host] ", progname);
	trash_commands(stderr);
	fputc('\n', stderr);
	fprintf(stderr, "       %s [-c file] [-s statedir] import [-n] [-h host] [--pings] "
	    "[--pages] EXPORT.xml\n", progname);
	exit(2);
}

/* The config key each value-taking flag sets. */
static const char *
flag_key(int ch)
{
	switch (ch) {
	case 'H':	return "hostname";
	case 'a':	return "listen";
	case 'p':	return "port";
	case 'g':	return "gopher_port";
	case 'r':	return "root";
	case 'd':	return "certs";
	case 's':	return "state";
	case 'l':	return "log";
	case 'u':	return "user";
	case 'j':	return "workers";
	default:	return NULL;
	}
}

/* "+": the words after the flags (a command and its own flags) are not permuted. */
#define OPTIONS	"+c:nVH:a:p:g:r:d:s:l:u:j:"

/* Reads the config file path as the flag names it, from inside the chroot once marquee is in one. */
static int
load_file(struct config *c, const char *path, const char **reason)
{
	char	inside[PATH_MAX];

	if (jail_cwd[0] == '\0')
		return config_load(c, path, reason);
	if (config_jail_path(hostset_config(serving), jail_cwd, path, inside, sizeof(inside),
	    reason) == -1 || config_load(c, inside, reason) == -1)
		return -1;
	/* Messages and the next reload name the file as the author does. */
	snprintf(c->file, sizeof(c->file), "%s", path);
	return 0;
}

/* At start, refuses a configuration naming a file marquee opens inside its chroot that lies outside it. */
static int
check_chroot(const struct config *c, const char **reason)
{
	struct config	*inside;
	struct stat	 st;
	char		 cwd[PATH_MAX], file[PATH_MAX];

	if (c->chroot[0] == '\0')
		return 0;
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		*reason = reasonf("chroot: working directory: %s", strerror(errno));
		return -1;
	}
	/* SIGHUP reads it again; a pipe (-c <(...)) cannot be read twice anyway. */
	if (c->file[0] != '\0' && stat(c->file, &st) == 0 && S_ISREG(st.st_mode) &&
	    config_jail_path(c, cwd, c->file, file, sizeof(file), reason) == -1) {
		*reason = reasonf("configuration file %s", *reason);
		return -1;
	}
	if ((inside = config_jailed(c, cwd, reason)) == NULL) {
		if (c->file[0] != '\0')
			*reason = reasonf("%s: %s", c->file, *reason);
		return -1;
	}
	config_discard(inside);
	return 0;
}

static int
listened_gopher(unsigned port)
{
	size_t	i;

	for (i = 0; i < ngopher_ports; i++)
		if (gopher_ports[i] == port)
			return 1;
	return 0;
}

/*
 * Keys that only take effect on restart keep their running values in next,
 * with one line naming those it asked to change. A host may take any Gopher
 * port listened on since the start (a removed host's too); another would
 * need a new listening socket, so the host has no Gopher until a restart.
 */
static void
keep_start_only(struct config *next, const struct config *cur)
{
	struct host_config	*h;
	char			 names[256];
	size_t			 n;

	if ((n = config_keep_restart_only(next, cur, names, sizeof(names))) > 0)
		log_warn("reload: %s %s only on restart; keeping the running %s",
		    names, n == 1 ? "changes" : "change", n == 1 ? "value" : "values");
	for (h = next->hosts; h < next->hosts + next->nhosts; h++) {
		if (h->gopher_port == 0 || listened_gopher(h->gopher_port))
			continue;
		log_warn("reload: [%s] gopher_port %u changes only on restart; no "
		    "Gopher for %s until then", h->name, h->gopher_port, h->name);
		h->gopher_port = 0;
	}
}

/*
 * Builds a configuration from the config file named by -c, then the other
 * flags on top, so a flag always wins over the file; on reload, with the
 * running configuration's values of the keys that change only on restart,
 * before the others are derived from them. *operands is where the words
 * after the flags start. Returns NULL with *reason set (already prefixed
 * with the file and line or the flag).
 */
static struct config *
configure(int argc, char **argv, const struct config *running, int *check_only,
    int *operands, const char **reason)
{
	struct config	*c;
	const char	*why;
	int		 ch;

	if ((c = config_new()) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	optind = 1;
	while ((ch = getopt(argc, argv, OPTIONS)) != -1) {
		if (ch == '?')
			usage();
		if (ch == 'V') {
			printf("%s %s (%s, libmagic %d)\n", progname, MARQUEE_VERSION,
			    OpenSSL_version(OPENSSL_VERSION), magic_version());
			exit(0);
		}
		if (ch == 'c' && load_file(c, optarg, reason) == -1)
			goto fail;
	}
	*operands = optind;
	optind = 1;
	while ((ch = getopt(argc, argv, OPTIONS)) != -1) {
		if (ch == 'n')
			*check_only = 1;
		else if (flag_key(ch) != NULL &&
		    config_set(c, flag_key(ch), optarg, &why) == -1) {
			*reason = reasonf("-%c: %s", ch, why);
			goto fail;
		}
	}
	if (running != NULL)
		keep_start_only(c, running);
	if (config_finish(c, &why) == -1) {
		*reason = reasonf("%s", why);
		goto fail;
	}
	return c;
fail:
	config_discard(c);
	return NULL;
}

/* Lets every configured connection have a descriptor, as far as the hard limit allows. */
static void
raise_fd_limit(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Who marquee runs as once started; looked up while /etc/passwd can still be read. */
struct identity {
	const char	*user;		/* "" to stay who started it */
	uid_t		 uid;
	gid_t		 gid;
};

static int
find_user(const char *user, struct identity *id, const char **reason)
{
	struct passwd	*pw;

	id->user = "";
	if (geteuid() != 0)
		return 0;
	if (*user == '\0') {
		log_warn("running as root: set user in the configuration");
		return 0;
	}
	if ((pw = getpwnam(user)) == NULL) {
		*reason = reasonf("user %s: no such user", user);
		return -1;
	}
	id->user = user;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	return 0;
}

static int
drop_privileges(const struct identity *id, const char **reason)
{
	if (*id->user == '\0')
		return 0;
	if (setgroups(1, &id->gid) == -1 || setgid(id->gid) == -1 ||
	    setuid(id->uid) == -1) {
		*reason = reasonf("switching to user %s: %s", id->user, strerror(errno));
		return -1;
	}
	if (setuid(0) != -1) {
		*reason = reasonf("switching to user %s: root could be regained", id->user);
		return -1;
	}
	log_info("running as user %s", id->user);
	return 0;
}

/*
 * Confines marquee to c->chroot when set. Returns c's paths as seen from
 * there (the caller frees them), or NULL with *reason: a root, certificate,
 * key or log outside it could not be read or reopened afterwards.
 */
static struct config *
enter_chroot(const struct config *c, const char **reason)
{
	struct config	*inside;
	char		 cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		*reason = reasonf("chroot: working directory: %s", strerror(errno));
		return NULL;
	}
	if ((inside = config_jailed(c, cwd, reason)) == NULL)
		return NULL;
	if (c->chroot[0] == '\0')
		return inside;
	if (chroot(c->chroot) == -1 || chdir("/") == -1) {
		*reason = reasonf("chroot %s: %s", c->chroot, strerror(errno));
		config_discard(inside);
		return NULL;
	}
	memcpy(jail_cwd, cwd, sizeof(jail_cwd));
	/* SIGUSR1 reopens the log by the name it has in here. */
	if (inside->log[0] != '\0' && log_open(inside->log, reason) == -1) {
		config_discard(inside);
		return NULL;
	}
	log_info("chroot: %s", c->chroot);
	return inside;
}

/*
 * A new set of hosts from the file and flags, built here on the signal
 * thread while the workers serve the running one: a host whose root and
 * guestbook stay keeps its index and guestbook, others are opened, by
 * their names inside the chroot when there is one. Nothing changes unless
 * all of it succeeds. The new set's configuration names files as the
 * author does.
 */
static void
reload(int argc, char **argv)
{
	struct config	*next, *inside;
	struct hostset	*set;
	const char	*reason;
	int		 check_only = 0, operands, new_log;

	if ((next = configure(argc, argv, hostset_config(serving), &check_only,
	    &operands, &reason)) == NULL)
		goto refused;
	new_log = strcmp(next->log, hostset_config(serving)->log) != 0;
	if ((inside = config_jailed(next, jail_cwd, &reason)) == NULL) {
		config_discard(next);
		goto refused;
	}
	/* next is the set's from here, also when it fails. */
	if ((set = hostset_open(next, inside, serving, &reason)) == NULL ||
	    hostset_start(set, inside, &reason) == -1) {
		hostset_discard(set);
		config_discard(inside);
		goto refused;
	}
	if (new_log && log_open(inside->log, &reason) == -1)
		log_error("reload: %s", reason);
	config_discard(inside);
	hostset_publish(set);
	serving = set;
	log_info("reloaded configuration and certificates");
	return;
refused:
	log_error("reload: %s; keeping the running configuration", reason);
}

/* Checks one host's capsule and guestbook; returns how many review files it skips or finds wrong, or -1. */
static int
check_host(const struct host_config *h, unsigned public_port)
{
	const char	*reason;
	int		 root_fd, skipped;

	if ((root_fd = capsule_open_root(h->root, &reason)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, reason);
		return -1;
	}
	skipped = index_check(root_fd, h->root, h->name, public_port);
	close(root_fd);
	/*
	 * A skipped record stays in the log for good (nothing rewrites it), so
	 * it is reported, not failed on; a log that cannot be read fails.
	 */
	if (gbwhere_is_postgresql(h->guestbook)) {
		/* Connecting, and the schema and grants, are what a database can get wrong. */
		if (gbtool_check(h) == -1)
			return -1;
		return skipped;
	}
	if (access(h->guestbook, F_OK) == 0 && access(h->guestbook, R_OK | W_OK) == -1) {
		fprintf(stderr, "%s: %s: %s\n", progname, h->guestbook, strerror(errno));
		return -1;
	}
	(void)gbtool_check(h);
	return skipped;
}

static int
check(const struct config *c)
{
	const struct host_config	*h;
	struct stat			 st;
	const char			*reason;
	SSL_CTX				*tls;
	int				 n, skipped = 0, uncertified = 0, misplaced = 0;

	if (capsule_init(&reason) == -1) {
		fprintf(stderr, "%s: %s\n", progname, reason);
		return 1;
	}
	for (h = c->hosts; h < c->hosts + c->nhosts; h++) {
		/* The start's own check, so -n refuses what the start would; every host's problem is shown. */
		if (host_check_guestbook(c, (size_t)(h - c->hosts), &reason) == -1) {
			fprintf(stderr, "%s: %s\n", progname, reason);
			misplaced++;
			continue;
		}
		if ((n = check_host(h, c->public_port)) == -1) {
			capsule_free();
			return 1;
		}
		skipped += n;
		if (stat(h->cert, &st) == -1 && stat(h->key, &st) == -1) {
			printf("%s: no certificate yet: one for %s will be generated in %s\n",
			    progname, h->name, c->certs);
			uncertified++;
		}
	}
	capsule_free();
	if (misplaced > 0)
		return 1;
	/* Loading the certificates would generate the missing ones. */
	if (uncertified == 0 && (tls_init(&reason) == -1 ||
	    (tls = tls_build(c, &reason)) == NULL)) {
		fprintf(stderr, "%s: %s\n", progname, reason);
		return 1;
	}
	if (uncertified == 0)
		SSL_CTX_free(tls);
	if (skipped > 0) {
		fprintf(stderr, "%s: %d review files skipped or in error (see above)\n",
		    progname, skipped);
		return 1;
	}
	printf("%s: configuration OK\n", progname);
	return 0;
}

/* A Gopher listener for every host that has a Gopher port. */
static int
listen_gopher(const struct config *c, const char **reason)
{
	const struct host_config	*h;

	for (h = c->hosts; h < c->hosts + c->nhosts; h++) {
		if (h->gopher_port == 0)
			continue;
		if (server_listen(c->listen, h->gopher_port, &gopher_adapter,
		    c->gopher_proxy, reason) == -1)
			return -1;
		gopher_ports[ngopher_ports++] = h->gopher_port;
	}
	return 0;
}

/* The addresses listening on port, as server_addresses writes them into b; else what c asked for. */
static const char *
addresses(struct buf *b, unsigned port, const struct config *c)
{
	b->len = 0;
	server_addresses(port, b);
	return b->len > 0 && !b->failed ? b->data : c->listen;
}

/*
 * The port is always written: it is the one marquee listens on, which may
 * not be the default; so are the addresses, as a name such as localhost
 * may stand for several.
 */
static void
log_listening(const struct config *c, unsigned workers)
{
	const struct host_config	*h;
	char				 url[ORIGIN_MAX + 1];
	struct buf			 b = { 0 };

	for (h = c->hosts; h < c->hosts + c->nhosts; h++) {
		if (h->gopher_port != 0) {
			(void)url_origin(url, sizeof(url), "gopher", h->name, h->gopher_port, 0);
			log_info("listening on %s/ (%s)", url, addresses(&b, h->gopher_port, c));
		}
		(void)url_origin(url, sizeof(url), "gemini", h->name, c->gemini_port, 0);
		log_info("listening on %s/ (%s, %u workers)", url,
		    addresses(&b, c->gemini_port, c), workers);
	}
	buf_free(&b);
}

/*
 * Everything opened by name (keys, capsules, guestbooks, sockets) is
 * opened first; then the sandbox closes, the chroot (if any) is entered and
 * privileges go, before any thread starts, so every thread is inside all
 * three. Takes c. Returns -1 with *reason, leaving what to stop to the
 * caller.
 */
static int
start(struct config *c, unsigned workers, const char **reason)
{
	struct identity	 id;
	struct config	*inside = NULL;
	int		 rc = -1;

	if (tls_init(reason) == -1 || capsule_init(reason) == -1) {
		config_discard(c);
		return -1;
	}
	if ((serving = hostset_open(c, c, NULL, reason)) == NULL)
		return -1;
	if (server_listen(c->listen, c->gemini_port, &gemini_adapter, c->gemini_proxy,
	    reason) == -1 ||
	    listen_gopher(c, reason) == -1 ||
	    find_user(c->user, &id, reason) == -1 ||
	    (c->sandbox && sandbox_enter(c, reason) == -1) ||
	    (inside = enter_chroot(c, reason)) == NULL ||
	    drop_privileges(&id, reason) == -1 ||
	    hostset_start(serving, inside, reason) == -1) {
		hostset_discard(serving);
		serving = NULL;
		goto out;
	}
	hostset_publish(serving);
	rc = server_start(workers, c->max_connections, reason);
out:
	config_discard(inside);
	return rc;
}

/* Stops the workers, after the responses in flight, and frees the hosts. */
static void
finish(void)
{
	server_stop();
	server_wait();
	/* No connection holds a set any more: every one is freed, or a reference was lost. */
	hostset_publish(NULL);
	if (hostset_reap() > 0)
		log_error("stopping: hosts of a replaced configuration still in use");
	serving = NULL;
	capsule_free();
}

/* Serves c (which it takes) until SIGTERM or SIGINT. */
static int
serve(int argc, char **argv, struct config *c)
{
	static const struct timespec second = { .tv_sec = 1 };
	sigset_t	 signals;
	const char	*reason;
	int		 sig;
	unsigned	 workers = c->workers;

	if (workers == 0 && (workers = (unsigned)sysconf(_SC_NPROCESSORS_ONLN)) == 0)
		workers = 1;
	signal(SIGPIPE, SIG_IGN);
	/* Blocked here, so every worker inherits the mask and only sigwait sees them. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGHUP);
	sigaddset(&signals, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	raise_fd_limit();
	if (start(c, workers, &reason) == -1) {
		log_error("%s", reason);
		finish();
		return 1;
	}
	log_listening(hostset_config(serving), workers);
	for (;;) {
		/* Replaced sets still held are freed once their last connection is gone. */
		sig = hostset_reap() > 0 ? sigtimedwait(&signals, NULL, &second) :
		    sigwaitinfo(&signals, NULL);
		if (sig == SIGHUP)
			reload(argc, argv);
		else if (sig == SIGUSR1 && log_reopen(&reason) == -1)
			log_error("%s", reason);
		else if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	log_info("stopping: finishing responses in flight");
	finish();
	log_info("stopped");
	return 0;
}

/*
 * "guestbook [-h host] ..." and "trash [-h host] ...": the owner's commands
 * on one host's guestbook or trash, the first host's by default. argv[0]
 * is the tool's name.
 */
static int
owner_command(const struct config *c, int argc, char **argv)
{
	const struct host_config	*h = &c->hosts[0];
	const char			*tool = argv[0];

	argc--;
	argv++;
	if (argc >= 2 && strcmp(argv[0], "-h") == 0) {
		if ((h = config_host(c, argv[1])) == NULL) {
			fprintf(stderr, "%s: %s: no host %s in the configuration\n",
			    progname, tool, argv[1]);
			return 1;
		}
		argc -= 2;
		argv += 2;
	}
	return strcmp(tool, "trash") == 0 ? trash_run(h, argc, argv) : gbtool_run(h, argc, argv);
}

int
main(int argc, char **argv)
{
	struct config	*c;
	const char	*reason;
	int		 check_only = 0, operands, rc;

	if ((c = configure(argc, argv, NULL, &check_only, &operands, &reason)) == NULL ||
	    check_chroot(c, &reason) == -1) {
		fprintf(stderr, "%s: %s\n", progname, reason);
		config_discard(c);
		return 1;
	}
	if (operands < argc) {
		if (check_only || (strcmp(argv[operands], "guestbook") != 0 &&
		    strcmp(argv[operands], "trash") != 0 &&
		    strcmp(argv[operands], "import") != 0))
			usage();
		if (strcmp(argv[operands], "import") == 0)
			rc = import_run(c, argc - operands - 1, argv + operands + 1);
		else
			rc = owner_command(c, argc - operands, argv + operands);
		config_discard(c);
		return rc;
	}
	if (log_open(c->log, &reason) == -1) {
		fprintf(stderr, "%s: %s\n", progname, reason);
		config_discard(c);
		return 1;
	}
	if (!check_only)
		return serve(argc, argv, c);
	rc = check(c);
	config_discard(c);
	return rc;
}
