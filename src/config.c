#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "gbwhere.h"
#include "log.h"
#include "review.h"

/* Longest config file line accepted; paths are at most PATH_MAX anyway. */
#define CONFIG_LINE_MAX	(PATH_MAX + 64)

/* systemd's StateDirectory= names it (a colon-separated list: the first is ours). */
static void
default_state(char *dst, size_t size)
{
	const char	*env = getenv("STATE_DIRECTORY");
	size_t		 n;

	if (env == NULL || *env != '/' || (n = strcspn(env, ":")) >= size) {
		snprintf(dst, size, "/var/lib/marquee");
		return;
	}
	memcpy(dst, env, n);
	dst[n] = '\0';
}

static void
config_defaults(struct config *c)
{
	struct host_config	*h = &c->hosts[0];

	snprintf(h->name, sizeof(h->name), "localhost");
	snprintf(h->root, sizeof(h->root), "capsule");
	snprintf(h->lang, sizeof(h->lang), "en");
	h->gopher_port = 70;
	snprintf(c->listen, sizeof(c->listen), "*");
	c->gemini_port = GEMINI_DEFAULT_PORT;
	snprintf(c->certs, sizeof(c->certs), "certs");
	c->request_timeout = 10;
	c->connection_timeout = 300;
	c->max_connections = 4096;
	/* Far more than a reader's client opens; one address cannot hold them all. */
	c->max_connections_per_address = 64;
	default_state(c->state, sizeof(c->state));
	c->guestbook_limit = 5;
	c->guestbook_window = 600;
	c->guestbook_global = 60;
	c->sandbox = 1;
}

/* Every setter leaves the field as it was when the value is refused. */
static int
set_string(char *dst, size_t size, const char *value, const char **reason)
{
	size_t	n = strlen(value);

	if (n == 0) {
		*reason = "empty value";
		return -1;
	}
	if (n >= size) {
		*reason = reasonf("value longer than %zu bytes", size - 1);
		return -1;
	}
	memcpy(dst, value, n + 1);
	return 0;
}

static int
set_number(unsigned *dst, const char *value, unsigned long min,
    unsigned long max, const char **reason)
{
	unsigned long	 n;
	char		*end;

	if (*value < '0' || *value > '9') {
		*reason = reasonf("'%s' is not a number", value);
		return -1;
	}
	errno = 0;
	n = strtoul(value, &end, 10);
	if (*end != '\0') {
		*reason = reasonf("'%s' is not a number", value);
		return -1;
	}
	if (errno == ERANGE || n < min || n > max) {
		*reason = reasonf("'%s' is out of range %lu-%lu", value, min, max);
		return -1;
	}
	*dst = (unsigned)n;
	return 0;
}

/* Host names are compared case-insensitively and a trailing dot means the same host. */
static int
set_hostname(char *dst, size_t size, const char *value, const char **reason)
{
	char	host[HOST_MAX + 1];
	size_t	i;

	if (set_string(host, sizeof(host) < size ? sizeof(host) : size, value, reason) == -1)
		return -1;
	for (i = 0; host[i] != '\0'; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c >= 'A' && c <= 'Z')
			host[i] = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == ':')) {
			*reason = reasonf("'%s' is not a host name", value);
			return -1;
		}
	}
	/* No label may be empty; one trailing dot names the same host. */
	if (host[0] == '.' || strstr(host, "..") != NULL) {
		*reason = reasonf("'%s' is not a host name", value);
		return -1;
	}
	if (i > 1 && host[i - 1] == '.')
		host[i - 1] = '\0';
	memcpy(dst, host, strlen(host) + 1);
	return 0;
}

/* RFC 5646: letters, digits and hyphens. */
static int
set_lang(char *dst, size_t size, const char *value, const char **reason)
{
	const char	*p;

	for (p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-')) {
			*reason = reasonf("'%s' is not a language tag", value);
			return -1;
		}
	}
	return set_string(dst, size, value, reason);
}

static int
set_bool(unsigned *dst, const char *value, const char **reason)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
		*dst = strcmp(value, "yes") == 0;
		return 0;
	}
	*reason = reasonf("'%s' is not yes or no", value);
	return -1;
}

/*
 * owner = FP[, FP...]: each a key's SHA-256 as 64 hex digits, in either
 * case, with or without colons (as openssl prints it); kept lower-case
 * without colons, comma-separated, as the access log writes them.
 */
static int
set_owners(char *dst, const char *value, const char **reason)
{
	const char	*p = value;
	size_t		 len = 0, digits;
	unsigned	 n = 0;

	while (*p != '\0') {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		if (++n > OWNERS_MAX) {
			*reason = reasonf("more than %d owner certificates", OWNERS_MAX);
			return -1;
		}
		if (len > 0)
			dst[len++] = ',';
		for (digits = 0; *p != '\0' && strchr(", \t", *p) == NULL; p++) {
			if (*p == ':')
				continue;
			if (!isxdigit((unsigned char)*p) || ++digits > FINGERPRINT_HEX - 1)
				break;
			dst[len++] = (char)tolower((unsigned char)*p);
		}
		if (digits != FINGERPRINT_HEX - 1 || (*p != '\0' && strchr(", \t", *p) == NULL)) {
			*reason = reasonf("owner certificate %u is not a SHA-256 in hex "
			    "(64 digits)", n);
			return -1;
		}
	}
	dst[len] = '\0';
	return 0;
}

static int
set_moderation(unsigned *dst, const char *value, const char **reason)
{
	static const char *const names[] = {
		[MODERATION_OPEN] = "open",
		[MODERATION_HOLD_NEW] = "hold-new",
		[MODERATION_HOLD_ALL] = "hold-all",
	};
	unsigned	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(value, names[i]) == 0) {
			*dst = i;
			return 0;
		}
	}
	*reason = reasonf("'%s' is not open, hold-new or hold-all", value);
	return -1;
}

int
config_is_owner(const struct host_config *h, const char *fingerprint)
{
	const char	*p;
	size_t		 n = strlen(fingerprint);

	if (n != FINGERPRINT_HEX - 1)
		return 0;
	for (p = h->owner; *p != '\0'; p += p[n] == ',' ? n + 1 : n)
		if (strncmp(p, fingerprint, n) == 0)
			return 1;
	return 0;
}

/* OWNERS_MAX fingerprints, the commas between them and the NUL. */
_Static_assert(sizeof(((struct host_config *)0)->owner) == OWNERS_MAX * FINGERPRINT_HEX,
    "set_owners writes at most OWNERS_MAX * FINGERPRINT_HEX bytes");

/*
 * titan_paths = DIR[, DIR...]: directories under the root, each one or more
 * names that are not hidden, "." or ".."; kept each ending in '/',
 * separated by one space.
 */
static int
set_titan_paths(char *dst, size_t size, const char *value, const char **reason)
{
	char		 out[TITAN_PATHS_MAX];
	const char	*p = value, *seg;
	size_t		 len = 0, n, m;

	while (*(p += strspn(p, ", \t")) != '\0') {
		n = strcspn(p, ", \t");
		if (*p == '/' || n + 2 + len > sizeof(out) || n + 2 + len > size) {
			*reason = reasonf("'%.*s' is not a directory under the root, or the "
			    "list is too long", (int)n, p);
			return -1;
		}
		for (seg = p; seg < p + n; seg += m + 1) {
			m = strcspn(seg, "/, \t");
			if ((m == 0 && seg + m < p + n - 1) || (m > 0 && seg[0] == '.')) {
				*reason = reasonf("'%.*s': no empty, hidden, . or .. names",
				    (int)n, p);
				return -1;
			}
		}
		/* Uploads are indexed as they land: in reviews/ itself, not a folder of it. */
		if (strncmp(p, "reviews/", 8) == 0 && n > 8) {
			*reason = reasonf("'%.*s': uploads go to reviews/ itself, not a folder "
			    "of it", (int)n, p);
			return -1;
		}
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, p, n);
		len += n;
		if (out[len - 1] != '/')
			out[len++] = '/';
		p += n;
	}
	if (len == 0) {
		*reason = "no directory";
		return -1;
	}
	out[len] = '\0';
	memcpy(dst, out, len + 1);
	return 0;
}

static int
set_token(char *dst, size_t size, const char *value, const char **reason)
{
	if (strlen(value) < TITAN_TOKEN_MIN) {
		*reason = reasonf("a token of fewer than %d bytes is too easy to guess",
		    TITAN_TOKEN_MIN);
		return -1;
	}
	return set_string(dst, size, value, reason);
}

enum key_kind {
	KIND_STRING, KIND_NUMBER, KIND_BOOL, KIND_HOST, KIND_LANG, KIND_OWNERS, KIND_MODERATION,
	KIND_PATHS, KIND_TOKEN, KIND_GUESTBOOK
};

/*
 * A key of the whole server, or (HOST_KEY) of one host. RESTART_KEY: one of
 * the whole server that only takes effect at start (what is bound, who the
 * process is, where it is confined, what the index pages were built with);
 * a reload keeps its running value.
 */
#define KEY(name, field, kind, min, max) \
	{ name, offsetof(struct config, field), \
	    sizeof(((struct config *)0)->field), kind, min, max, 0, 0 }
#define RESTART_KEY(name, field, kind, min, max) \
	{ name, offsetof(struct config, field), \
	    sizeof(((struct config *)0)->field), kind, min, max, 0, 1 }
#define HOST_KEY(name, field, kind, min, max) \
	{ name, offsetof(struct host_config, field), \
	    sizeof(((struct host_config *)0)->field), kind, min, max, 1, 0 }

static const struct key {
	const char	*name;
	size_t		 offset;
	size_t		 size;
	enum key_kind	 kind;
	unsigned long	 min, max;
	int		 per_host;
	int		 restart_only;
} keys[] = {
	HOST_KEY("hostname",              name,                        KIND_HOST,   0, 0),
	HOST_KEY("gopher_port",           gopher_port,                 KIND_NUMBER, 0, 65535),
	HOST_KEY("root",                  root,                        KIND_STRING, 0, 0),
	HOST_KEY("cert",                  cert,                        KIND_STRING, 0, 0),
	HOST_KEY("key",                   key,                         KIND_STRING, 0, 0),
	HOST_KEY("lang",                  lang,                        KIND_LANG,   0, 0),
	HOST_KEY("guestbook",             guestbook,                   KIND_GUESTBOOK, 0, 0),
	HOST_KEY("public_gopher_port",    public_gopher_port,          KIND_NUMBER, 1, 65535),
	HOST_KEY("author",                author,                      KIND_STRING, 0, 0),
	HOST_KEY("owner",                 owner,                       KIND_OWNERS, 0, 0),
	HOST_KEY("owner_name",            owner_name,                  KIND_STRING, 0, 0),
	HOST_KEY("moderation",            moderation,                  KIND_MODERATION, 0, 0),
	HOST_KEY("titan",                 titan,                       KIND_BOOL,   0, 0),
	HOST_KEY("titan_token",           titan_token,                 KIND_TOKEN,  0, 0),
	HOST_KEY("titan_paths",           titan_paths,                 KIND_PATHS,  0, 0),
	/* No more than the review parser reads: a bigger body could only be refused. */
	HOST_KEY("titan_max_size",        titan_max_size,              KIND_NUMBER, 1, REVIEW_FILE_MAX),
	RESTART_KEY("listen",             listen,                      KIND_STRING, 0, 0),
	RESTART_KEY("port",               gemini_port,                 KIND_NUMBER, 1, 65535),
	KEY("certs",                      certs,                       KIND_STRING, 0, 0),
	KEY("log",                        log,                         KIND_STRING, 0, 0),
	RESTART_KEY("user",               user,                        KIND_STRING, 0, 0),
	KEY("request_timeout",            request_timeout,             KIND_NUMBER, 1, 3600),
	KEY("connection_timeout",         connection_timeout,          KIND_NUMBER, 1, 86400),
	KEY("max_connections",            max_connections,             KIND_NUMBER, 1, 1000000),
	KEY("max_connections_per_address", max_connections_per_address, KIND_NUMBER, 1, 1000000),
	RESTART_KEY("workers",            workers,                     KIND_NUMBER, 0, 256),
	KEY("state",                      state,                       KIND_STRING, 0, 0),
	KEY("guestbook_limit",            guestbook_limit,             KIND_NUMBER, 1, 1000000),
	KEY("guestbook_window",           guestbook_window,            KIND_NUMBER, 1, 86400),
	KEY("guestbook_global",           guestbook_global,            KIND_NUMBER, 1, 10000000),
	RESTART_KEY("gemini_proxy",       gemini_proxy,                KIND_BOOL,   0, 0),
	RESTART_KEY("gopher_proxy",       gopher_proxy,                KIND_BOOL,   0, 0),
	RESTART_KEY("sandbox",            sandbox,                     KIND_BOOL,   0, 0),
	RESTART_KEY("chroot",             chroot,                      KIND_STRING, 0, 0),
	RESTART_KEY("public_port",        public_port,                 KIND_NUMBER, 1, 65535),
};

/* A guestbook log's path, or a PostgreSQL URI, checked as far as libpq reads it without connecting. */
static int
set_guestbook(char *dst, size_t size, const char *value, const char **reason)
{
	if (gbwhere_is_postgresql(value) && gbwhere_check_uri(value, reason) == -1)
		return -1;
	return set_string(dst, size, value, reason);
}

/* Sets key name of c, or of host h when it is a host's key. */
static int
set_key(struct config *c, struct host_config *h, const char *name,
    const char *value, const char **reason)
{
	const struct key	*k;
	char			*field;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		k = &keys[i];
		if (strcmp(k->name, name) != 0)
			continue;
		if (!k->per_host && h != &c->hosts[0]) {
			*reason = reasonf("'%s' applies to every host: set it "
			    "before the first [host] section", name);
			return -1;
		}
		if (k->kind == KIND_HOST && h != &c->hosts[0]) {
			*reason = "a section's host name is its [name] line";
			return -1;
		}
		field = (k->per_host ? (char *)h : (char *)c) + k->offset;
		switch (k->kind) {
		case KIND_STRING:
			return set_string(field, k->size, value, reason);
		case KIND_HOST:
			return set_hostname(field, k->size, value, reason);
		case KIND_LANG:
			return set_lang(field, k->size, value, reason);
		case KIND_NUMBER:
			return set_number((unsigned *)(void *)field, value, k->min, k->max, reason);
		case KIND_BOOL:
			return set_bool((unsigned *)(void *)field, value, reason);
		case KIND_OWNERS:
			return set_owners(field, value, reason);
		case KIND_MODERATION:
			return set_moderation((unsigned *)(void *)field, value, reason);
		case KIND_PATHS:
			return set_titan_paths(field, k->size, value, reason);
		case KIND_TOKEN:
			return set_token(field, k->size, value, reason);
		case KIND_GUESTBOOK:
			return set_guestbook(field, k->size, value, reason);
		}
	}
	*reason = reasonf("unknown key '%s'", name);
	return -1;
}

int
config_set(struct config *c, const char *name, const char *value,
    const char **reason)
{
	return set_key(c, &c->hosts[0], name, value, reason);
}

/*
 * Writes path, relative to cwd unless absolute, as an absolute path without
 * ".", ".." or repeated slashes; "/.." stays "/". -1 when out is too small.
 */
static int
absolute_path(const char *cwd, const char *path, char *out, size_t size)
{
	char		 joined[2 * PATH_MAX + 2];
	const char	*p, *seg;
	size_t		 o = 0, n;

	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", *path == '/' ? "" : cwd,
	    path) >= sizeof(joined) || size < 2)
		return -1;
	for (p = joined; *p != '\0'; p = seg + n) {
		seg = p + strspn(p, "/");
		n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (o > 0 && out[--o] != '/')
				continue;
			continue;
		}
		if (o + 1 + n >= size)
			return -1;
		out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int
config_jail_path(const struct config *c, const char *cwd, const char *path,
    char *out, size_t size, const char **reason)
{
	char	jail[PATH_MAX], abs[PATH_MAX];
	size_t	n;

	if (absolute_path(cwd, c->chroot, jail, sizeof(jail)) == -1 ||
	    absolute_path(cwd, path, abs, sizeof(abs)) == -1) {
		*reason = reasonf("%s: path too long", path);
		return -1;
	}
	n = strcmp(jail, "/") == 0 ? 0 : strlen(jail);
	if (strncmp(abs, jail, n) != 0 || (abs[n] != '\0' && abs[n] != '/')) {
		*reason = reasonf("%s is outside the chroot %s", path, c->chroot);
		return -1;
	}
	if ((size_t)snprintf(out, size, "%s", abs[n] == '\0' ? "/" : abs + n) >= size) {
		*reason = reasonf("%s: path too long", path);
		return -1;
	}
	return 0;
}

/* Rewrites the path in field (of size PATH_MAX) as seen from inside the chroot. */
static int
jail_field(const struct config *c, const char *cwd, const char *what,
    char field[PATH_MAX], const char **reason)
{
	char	inside[PATH_MAX];

	if (config_jail_path(c, cwd, field, inside, sizeof(inside), reason) == -1) {
		*reason = reasonf("%s %s", what, *reason);
		return -1;
	}
	memcpy(field, inside, sizeof(inside));
	return 0;
}

struct config *
config_jailed(const struct config *c, const char *cwd, const char **reason)
{
	struct config		*j;
	struct host_config	*h, *hosts;
	char			 inside[PATH_MAX];
	const char		*why;

	if ((j = config_new()) == NULL ||
	    (hosts = malloc(c->nhosts * sizeof(*hosts))) == NULL) {
		config_discard(j);
		*reason = "out of memory";
		return NULL;
	}
	free(j->hosts);
	*j = *c;
	j->hosts = memcpy(hosts, c->hosts, c->nhosts * sizeof(*hosts));
	if (c->chroot[0] == '\0')
		return j;
	if (j->log[0] != '\0' && jail_field(c, cwd, "log", j->log, reason) == -1)
		goto fail;
	for (h = j->hosts; h < j->hosts + j->nhosts; h++) {
		if (jail_field(c, cwd, "root", h->root, reason) == -1 ||
		    jail_field(c, cwd, "cert", h->cert, reason) == -1 ||
		    jail_field(c, cwd, "key", h->key, reason) == -1)
			goto fail;
		/*
		 * A log outside stays open from the start, but could not be opened
		 * anew. A database's URI is no path: it stays as it is.
		 */
		if (!gbwhere_is_postgresql(h->guestbook)) {
			if (config_jail_path(c, cwd, h->guestbook, inside, sizeof(inside),
			    &why) == -1)
				inside[0] = '\0';
			memcpy(h->guestbook, inside, sizeof(inside));
		}
		/* And so does the trash. */
		if (config_jail_path(c, cwd, h->trash, inside, sizeof(inside), &why) == -1)
			inside[0] = '\0';
		memcpy(h->trash, inside, sizeof(inside));
	}
	return j;
fail:
	config_discard(j);
	return NULL;
}

const struct host_config *
config_host(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nhosts; i++)
		if (strcasecmp(c->hosts[i].name, name) == 0)
			return &c->hosts[i];
	return NULL;
}

/* Starts the section of host name, read on line lineno; it inherits the first host's lang. */
static int
add_host(struct config *c, const char *name, unsigned lineno, const char **reason)
{
	struct host_config	*hosts, *h;
	char			 host[HOST_MAX + 1];

	if (set_hostname(host, sizeof(host), name, reason) == -1)
		return -1;
	if (config_host(c, host) != NULL) {
		*reason = reasonf("host %s is already defined", host);
		return -1;
	}
	if (c->nhosts == HOSTS_MAX) {
		*reason = reasonf("more than %d hosts", HOSTS_MAX);
		return -1;
	}
	if ((hosts = realloc(c->hosts, (c->nhosts + 1) * sizeof(*hosts))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	c->hosts = hosts;
	h = &hosts[c->nhosts++];
	memset(h, 0, sizeof(*h));
	memcpy(h->name, host, sizeof(host));
	memcpy(h->lang, hosts[0].lang, sizeof(h->lang));
	h->line = lineno;
	return 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Trims blanks from both ends of s in place and returns its new start. */
static char *
trim(char *s)
{
	size_t	n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Applies one line to the host of the section it is in; returns 0 (also for
 * blank and comment lines) or -1 with *reason.
 */
static int
config_line(struct config *c, char *line, unsigned lineno, const char **reason)
{
	char	*key, *value, *eq;
	size_t	 n;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return 0;
	if (*key == '[') {
		n = strlen(key);
		if (n < 3 || key[n - 1] != ']') {
			*reason = "expected '[hostname]'";
			return -1;
		}
		key[n - 1] = '\0';
		return add_host(c, trim(key + 1), lineno, reason);
	}
	if ((eq = strchr(key, '=')) == NULL) {
		*reason = "expected 'key = value'";
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	value = trim(eq + 1);
	if (*key == '\0') {
		*reason = "missing key before '='";
		return -1;
	}
	return set_key(c, &c->hosts[c->nhosts - 1], key, value, reason);
}

int
config_load(struct config *c, const char *path, const char **reason)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	const char	*why;
	unsigned	 lineno = 0;
	int		 rc = -1;

	if ((fp = fopen(path, "re")) == NULL) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > CONFIG_LINE_MAX) {
			*reason = reasonf("%s:%u: line longer than %d bytes", path,
			    lineno, CONFIG_LINE_MAX);
			goto out;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			*reason = reasonf("%s:%u: NUL byte in line", path, lineno);
			goto out;
		}
		if (config_line(c, line, lineno, &why) == -1) {
			*reason = reasonf("%s:%u: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(fp)) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((size_t)snprintf(c->file, sizeof(c->file), "%s", path) >= sizeof(c->file)) {
		*reason = reasonf("%s: path too long", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(fp);
	return rc;
}

const char *
config_host_problem(const struct config *c, const struct host_config *h,
    const char *problem)
{
	if (h->line == 0)
		return problem;
	return reasonf("%s:%u: %s", c->file, h->line, problem);
}

/*
 * Titan's defaults (reviews/ and drafts/, 1 MiB) and its trash beside the
 * guestbook log, or in the state directory when the guestbook is in a
 * database (host.c puts the dates log beside the trash then).
 */
static int
titan_finish(const struct config *c, struct host_config *h, const char **reason)
{
	char	dir[PATH_MAX];
	size_t	n;

	if (h->titan_paths[0] == '\0')
		snprintf(h->titan_paths, sizeof(h->titan_paths), "reviews/ drafts/");
	if (h->titan_max_size == 0)
		h->titan_max_size = REVIEW_FILE_MAX;
	if (h->titan && h->owner[0] == '\0' && h->titan_token[0] == '\0') {
		*reason = config_host_problem(c, h, reasonf("[%s]: titan = yes needs an "
		    "owner certificate or a titan_token: nobody could upload", h->name));
		return -1;
	}
	if (!gbwhere_is_postgresql(h->guestbook))
		memcpy(dir, h->guestbook, sizeof(dir));
	else if ((size_t)snprintf(dir, sizeof(dir), "%s/", c->state) >= sizeof(dir)) {
		*reason = config_host_problem(c, h, "trash path too long");
		return -1;
	}
	n = strlen(dir);
	while (n > 0 && dir[n - 1] != '/')
		n--;
	dir[n] = '\0';
	if ((size_t)snprintf(h->trash, sizeof(h->trash), "%strash-%s", n > 0 ? dir : "./",
	    h->name) >= sizeof(h->trash)) {
		*reason = config_host_problem(c, h, "trash path too long");
		return -1;
	}
	return 0;
}

static int
host_finish(const struct config *c, struct host_config *h, const char **reason)
{
	int	n;

	if (h->root[0] == '\0') {
		*reason = config_host_problem(c, h, reasonf("[%s] sets no root", h->name));
		return -1;
	}
	if ((h->cert[0] == '\0' && (size_t)snprintf(h->cert, sizeof(h->cert),
	    "%s/%s.crt", c->certs, h->name) >= sizeof(h->cert)) ||
	    (h->key[0] == '\0' && (size_t)snprintf(h->key, sizeof(h->key),
	    "%s/%s.key", c->certs, h->name) >= sizeof(h->key))) {
		*reason = config_host_problem(c, h, "certificate path too long");
		return -1;
	}
	if (h->guestbook[0] == '\0') {
		/* The first host's log keeps the name it had before there were others. */
		n = h == &c->hosts[0] ?
		    snprintf(h->guestbook, sizeof(h->guestbook), "%s/guestbook.log", c->state) :
		    snprintf(h->guestbook, sizeof(h->guestbook), "%s/guestbook-%s.log",
		    c->state, h->name);
		if ((size_t)n >= sizeof(h->guestbook)) {
			*reason = config_host_problem(c, h, "guestbook path too long");
			return -1;
		}
	}
	if (h->public_gopher_port == 0)
		h->public_gopher_port = h->gopher_port;
	return titan_finish(c, h, reason);
}

/* What host h shares with one defined before it that it may not: name, Gopher port, log. */
static const char *
host_clash(const struct config *c, const struct host_config *h)
{
	const struct host_config	*o;
	char				 schema_o[GB_SCHEMA_MAX + 1], schema_h[GB_SCHEMA_MAX + 1];

	if (h->gopher_port == c->gemini_port)
		return reasonf("[%s]: gopher_port %u is the Gemini port", h->name,
		    h->gopher_port);
	for (o = c->hosts; o < h; o++) {
		if (strcmp(o->name, h->name) == 0)
			return reasonf("host %s is already defined", h->name);
		if (h->gopher_port != 0 && o->gopher_port == h->gopher_port)
			return reasonf("[%s]: gopher_port %u is already %s's", h->name,
			    h->gopher_port, o->name);
		if (strcmp(o->guestbook, h->guestbook) != 0)
			continue;
		if (!gbwhere_is_postgresql(h->guestbook))
			return reasonf("[%s]: guestbook %s is already %s's", h->name,
			    h->guestbook, o->name);
		/* One database holds many hosts' guestbooks, each in its schema: two names may make one. */
		gbwhere_schema(o->name, schema_o);
		gbwhere_schema(h->name, schema_h);
		if (strcmp(schema_o, schema_h) == 0)
			return reasonf("[%s]: hosts %s and %s would share the schema %s in one "
			    "database; give one a guestbook of its own", h->name, o->name, h->name,
			    schema_o);
	}
	return NULL;
}

int
config_finish(struct config *c, const char **reason)
{
	const char	*clash;
	size_t		 i;

	if (c->public_port == 0)
		c->public_port = c->gemini_port;
	for (i = 0; i < c->nhosts; i++) {
		if (host_finish(c, &c->hosts[i], reason) == -1)
			return -1;
		if ((clash = host_clash(c, &c->hosts[i])) != NULL) {
			*reason = config_host_problem(c, &c->hosts[i], clash);
			return -1;
		}
	}
	return 0;
}

struct config *
config_new(void)
{
	struct config	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->hosts = calloc(1, sizeof(*c->hosts))) == NULL) {
		free(c);
		return NULL;
	}
	c->nhosts = 1;
	config_defaults(c);
	return c;
}

void
config_discard(struct config *c)
{
	if (c == NULL)
		return;
	free(c->hosts);
	free(c);
}

/* Whether key k differs in a and b; text is compared up to its end only. */
static int
key_differs(const struct key *k, const struct config *a, const struct config *b)
{
	const char	*x = (const char *)a + k->offset, *y = (const char *)b + k->offset;

	if (k->kind == KIND_NUMBER || k->kind == KIND_BOOL || k->kind == KIND_MODERATION)
		return memcmp(x, y, k->size) != 0;
	return strcmp(x, y) != 0;
}

size_t
config_keep_restart_only(struct config *next, const struct config *cur,
    char *names, size_t size)
{
	const struct key	*k;
	size_t			 n = 0, len = 0;
	int			 unset;

	names[0] = '\0';
	for (k = keys; k < keys + sizeof(keys) / sizeof(keys[0]); k++) {
		if (!k->restart_only || !key_differs(k, next, cur))
			continue;
		/* 0 where it may not be is unset: config_finish would derive it from kept keys. */
		unset = k->kind == KIND_NUMBER && k->min > 0 &&
		    *(const unsigned *)(const void *)((const char *)next + k->offset) == 0;
		memcpy((char *)next + k->offset, (const char *)cur + k->offset, k->size);
		if (unset)
			continue;
		/* A list cut short still names the first keys. */
		if (len < size)
			len += (size_t)snprintf(names + len, size - len, "%s%s",
			    n > 0 ? ", " : "", k->name);
		n++;
	}
	return n;
}
