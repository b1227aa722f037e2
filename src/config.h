#ifndef MARQUEE_CONFIG_H
#define MARQUEE_CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "request.h"
#include "vocab.h"

/* RFC 5646 section 4.4.1: language tags of up to 35 characters must be kept. */
#define LANG_MAX	35
/* Long enough for any IPv6 literal (RFC 4291 text form, 45 characters). */
#define ADDR_MAX	63
/* POSIX LOGIN_NAME_MAX is at least 9; Linux allows 32. */
#define USER_MAX	32

/* Hosts one process serves: Gemini picks one by SNI, Gopher by listener. */
#define HOSTS_MAX	64
/* Certificates one host's owner may use: a few devices, not a team. */
#define OWNERS_MAX	8

/* titan_paths: a few directories, each a path of a few names. */
#define TITAN_PATHS_MAX		512
/*
 * A shorter token can be guessed by a client that tries many: 16 bytes of
 * letters and digits hold over 90 bits.
 */
#define TITAN_TOKEN_MIN		16

/* Who may write without the owner's approval (moderation = ...). */
enum moderation {
	MODERATION_OPEN,	/* everyone: entries show at once */
	MODERATION_HOLD_NEW,	/* certificates with a shown entry; the rest wait */
	MODERATION_HOLD_ALL,	/* nobody but the owner */
};

/* One virtual host: the first comes from the top-level keys, others from [NAME] sections. */
struct host_config {
	char		name[HOST_MAX + 1];	/* lower-case, no trailing dot */
	char		root[PATH_MAX];		/* the capsule directory */
	char		cert[PATH_MAX];		/* certificate file; default certs/NAME.crt */
	char		key[PATH_MAX];		/* private key file; default certs/NAME.key */
	char		lang[LANG_MAX + 1];	/* lang= parameter of text/gemini */
	char		guestbook[PATH_MAX];	/* the guestbook log; default in state */
	unsigned	gopher_port;		/* 0: no Gopher listener */
	unsigned	public_gopher_port;	/* in Gopher menus; default: gopher_port */
	/* The owner's certificates (SHA-256 of the key, lower-case hex), comma-separated. */
	char		owner[OWNERS_MAX * FINGERPRINT_HEX];
	/* Who writes the reviews, for the feeds' <author>; "" for the capsule's title. */
	char		author[CN_MAX + 1];
	/* The name on the owner's entries; "" for the certificate's CN (the host's name from the shell). */
	char		owner_name[CN_MAX + 1];
	unsigned	moderation;		/* enum moderation */
	/* Titan uploads (titan.h): on, who besides the owner, where, how big. */
	unsigned	titan;
	char		titan_token[TITAN_TOKEN_MAX + 1];	/* "" for none */
	/* Directories uploads may write in, each ending in '/', separated by one space. */
	char		titan_paths[TITAN_PATHS_MAX];
	unsigned	titan_max_size;		/* bytes; a bigger size is refused unread */
	char		trash[PATH_MAX];	/* where deleted files go: trash-NAME beside the guestbook */
	unsigned	line;			/* of its [NAME] line; 0 for the first host */
};

struct config {
	char		file[PATH_MAX];		/* the config file read, "" when none */
	char		listen[ADDR_MAX + 1];	/* address or name to bind, "*" for all */
	unsigned	gemini_port;
	char		certs[PATH_MAX];	/* where generated certificates go */
	char		log[PATH_MAX];		/* log file, "" = standard error */
	char		user[USER_MAX + 1];	/* user to switch to when started as root */
	unsigned	request_timeout;	/* seconds for the request line to arrive */
	unsigned	connection_timeout;	/* seconds a connection may live at most */
	unsigned	max_connections;	/* connections beyond this are closed at once */
	unsigned	max_connections_per_address;	/* likewise, from one client address (limit.h) */
	unsigned	workers;		/* event loops, one per core when 0 */
	char		state[PATH_MAX];	/* where marquee keeps what it writes */
	unsigned	guestbook_limit;	/* entries a client may write per window */
	unsigned	guestbook_window;	/* seconds */
	unsigned	guestbook_global;	/* entries per minute from everyone together, per host */
	unsigned	gemini_proxy;		/* Gemini connections open with a PROXY header */
	unsigned	gopher_proxy;		/* and Gopher ones */
	unsigned	sandbox;		/* confine the process once started (sandbox.h) */
	char		chroot[PATH_MAX];	/* directory to confine the process to, "" for none */
	/*
	 * The port readers use, when a load balancer in front listens on
	 * another than marquee: in URLs and redirects. Default: port.
	 */
	unsigned	public_port;
	struct host_config *hosts;		/* owned; hosts[0] always exists */
	size_t		nhosts;
};

/* Returns a configuration with the built-in defaults, or NULL; freed by config_discard. */
struct config	*config_new(void);
void		 config_discard(struct config *c);

/*
 * Sets one key from a command-line flag; a host's key sets the first host.
 * The value is checked (range, length, syntax). Returns 0, or -1 with
 * *reason naming the problem (without the flag, which the caller knows).
 */
int	 config_set(struct config *c, const char *key, const char *value,
	    const char **reason);

/*
 * Reads a key = value file ('#' starts a comment line, blank lines ignored)
 * into c; a "[NAME]" line starts the keys of another host. On error returns
 * -1 with *reason of the form "FILE:LINE: problem".
 */
int	 config_load(struct config *c, const char *path, const char **reason);

/*
 * Fills the fields derived from others (cert, key and guestbook paths) and
 * checks the hosts against each other (roots set, ports and logs not shared).
 */
int	 config_finish(struct config *c, const char **reason);

/*
 * Sets every key the key table marks as taking effect only on restart
 * (listen, port, user, workers, proxy settings, sandbox, chroot,
 * public_port) back in next to its value in cur, the running configuration;
 * before config_finish, so what it derives follows the running values. Writes
 * the names of those next changed (not merely left unset) into names,
 * separated by ", ", and returns how many.
 */
size_t	 config_keep_restart_only(struct config *next, const struct config *cur,
	    char *names, size_t size);

/*
 * Where path (relative to cwd) is seen from inside c->chroot, written to
 * out: paths are compared as written, after removing ".", ".." and repeated
 * slashes. Returns 0, or -1 with *reason when path is outside the chroot.
 */
int	 config_jail_path(const struct config *c, const char *cwd, const char *path,
	    char *out, size_t size, const char **reason);

/*
 * A copy of c (to free with config_discard) whose files opened after the
 * chroot (every root, certificate and key, and the log) are named as seen
 * from inside it, or as they are without a chroot; NULL with *reason naming
 * the first one outside it. A guestbook log may lie outside (it is opened
 * before the chroot at start): its name is then "", as a reload cannot
 * open it.
 */
struct config	*config_jailed(const struct config *c, const char *cwd,
		    const char **reason);

/* problem prefixed with where host h was defined, "FILE:LINE: ", its [NAME] line. */
const char	*config_host_problem(const struct config *c, const struct host_config *h,
		    const char *problem);

/* Whether fingerprint (lower-case hex) is one of h's owner certificates. */
int	 config_is_owner(const struct host_config *h, const char *fingerprint);

/* The host named name (in any case), or NULL. */
const struct host_config	*config_host(const struct config *c, const char *name);

#endif
