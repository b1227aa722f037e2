#ifndef MARQUEE_CONFIG_H
#define MARQUEE_CONFIG_H

#include <limits.h>

#include "request.h"

/* RFC 5646 section 4.4.1: language tags of up to 35 characters must be kept. */
#define LANG_MAX	35
/* Long enough for any IPv6 literal (RFC 4291 text form, 45 characters). */
#define ADDR_MAX	63
/* POSIX LOGIN_NAME_MAX is at least 9; Linux allows 32. */
#define USER_MAX	32

struct config {
	char		file[PATH_MAX];		/* the config file read, "" when none */
	char		hostname[HOST_MAX + 1];	/* the one host served; lower-case */
	char		listen[ADDR_MAX + 1];	/* address or name to bind, "*" for all */
	unsigned	gemini_port;
	unsigned	gopher_port;		/* 0: no Gopher listener */
	char		root[PATH_MAX];		/* the capsule directory */
	char		certs[PATH_MAX];	/* where generated certificates go */
	char		cert[PATH_MAX];		/* certificate file; default certs/HOST.crt */
	char		key[PATH_MAX];		/* private key file; default certs/HOST.key */
	char		lang[LANG_MAX + 1];	/* lang= parameter of text/gemini */
	char		log[PATH_MAX];		/* log file, "" = standard error */
	char		user[USER_MAX + 1];	/* user to switch to when started as root */
	unsigned	request_timeout;	/* seconds for the request line to arrive */
	unsigned	connection_timeout;	/* seconds a connection may live at most */
	unsigned	max_connections;	/* connections beyond this are closed at once */
	unsigned	workers;		/* event loops, one per core when 0 */
	char		state[PATH_MAX];	/* where marquee keeps what it writes */
	char		guestbook[PATH_MAX];	/* the guestbook log; default state/guestbook.log */
	unsigned	guestbook_limit;	/* entries a client may write per window */
	unsigned	guestbook_window;	/* seconds */
	unsigned	guestbook_global;	/* entries per minute from everyone together */
	unsigned	gemini_proxy;		/* Gemini connections open with a PROXY header */
	unsigned	gopher_proxy;		/* and Gopher ones */
	unsigned	sandbox;		/* confine the process once started (sandbox.h) */
	/*
	 * The ports readers use, when a load balancer in front listens on
	 * others than marquee: in URLs, redirects and Gopher menus.
	 */
	unsigned	public_port;		/* default: port */
	unsigned	public_gopher_port;	/* default: gopher_port */
};

/* Returns a configuration with the built-in defaults, or NULL; freed by config_discard or, once published, at exit. */
struct config	*config_new(void);
void		 config_discard(struct config *c);

/*
 * Sets one key from a config file line or a command-line flag; the value is
 * checked (range, length, syntax). Returns 0, or -1 with *reason naming the
 * problem (without the file and line, which the caller knows).
 */
int	 config_set(struct config *c, const char *key, const char *value,
	    const char **reason);

/*
 * Reads a key = value file ('#' starts a comment line, blank lines ignored)
 * into c. On error returns -1 with *reason of the form "FILE:LINE: problem".
 */
int	 config_load(struct config *c, const char *path, const char **reason);

/* Fills the fields derived from others (cert and key paths). */
int	 config_finish(struct config *c, const char **reason);

/*
 * The configuration in force. Worker threads read it while the main thread
 * may publish a new one on SIGHUP; a published configuration is never changed
 * or freed before exit, so a pointer read once stays valid and consistent.
 */
const struct config	*config_current(void);
/* Makes c (from config_new) the one in force; takes ownership. */
void			 config_publish(struct config *c);
/* Frees every configuration ever published; only at exit. */
void			 config_free_all(void);

#endif
