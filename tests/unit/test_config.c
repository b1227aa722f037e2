/*
 * Unit tests of configuration values: one key at a time, as file and flags
 * set them, and files with host sections (read from a memfd).
 */

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"

/* Loads text as a config file into a new configuration; NULL with *reason on error. */
static struct config *
load_text(const char *text, const char **reason)
{
	struct config	*c;
	char		 path[64];
	int		 fd;

	if ((fd = memfd_create("test_config", MFD_CLOEXEC)) == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    (c = config_new()) == NULL) {
		*reason = "test set-up failed";
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (config_load(c, path, reason) == -1 || config_finish(c, reason) == -1) {
		config_discard(c);
		c = NULL;
	}
	close(fd);
	return c;
}

/* Checks that text is refused with a reason that ends with want. */
static void
check_refused(const char *text, const char *want)
{
	struct config	*c;
	const char	*reason = "";
	size_t		 n, m = strlen(want);

	c = load_text(text, &reason);
	CHECK(c == NULL);
	config_discard(c);
	n = strlen(reason);
	CHECK_STR(n >= m ? reason + n - m : reason, want);
}

static void
test_hosts(void)
{
	struct config	*c;
	const char	*reason = "";

	c = load_text("hostname = a.test\nroot = /srv/a\nstate = /var/m\n"
	    "certs = /etc/m\nlang = de\ngopher_port = 7070\n"
	    "\n[B.Test.]\nroot = /srv/b\ngopher_port = 7071\n"
	    "[c.test]\nroot = /srv/c\nlang = fr\ncert = /c.crt\n"
	    "guestbook = /g/c.log\npublic_gopher_port = 70\n", &reason);
	CHECK(c != NULL);
	if (c == NULL) {
		printf("FAIL: %s\n", reason);
		return;
	}
	CHECK_INT(c->nhosts, 3);
	CHECK_STR(c->hosts[0].name, "a.test");
	CHECK_STR(c->hosts[0].guestbook, "/var/m/guestbook.log");
	CHECK_STR(c->hosts[0].cert, "/etc/m/a.test.crt");
	CHECK_INT(c->hosts[0].gopher_port, 7070);
	CHECK_STR(c->hosts[1].name, "b.test");
	CHECK_STR(c->hosts[1].root, "/srv/b");
	CHECK_STR(c->hosts[1].lang, "de");
	CHECK_STR(c->hosts[1].cert, "/etc/m/b.test.crt");
	CHECK_STR(c->hosts[1].key, "/etc/m/b.test.key");
	CHECK_STR(c->hosts[1].guestbook, "/var/m/guestbook-b.test.log");
	CHECK_INT(c->hosts[1].gopher_port, 7071);
	CHECK_INT(c->hosts[1].public_gopher_port, 7071);
	CHECK_INT(c->hosts[1].line, 8);
	CHECK_STR(c->hosts[2].lang, "fr");
	CHECK_STR(c->hosts[2].cert, "/c.crt");
	CHECK_STR(c->hosts[2].guestbook, "/g/c.log");
	CHECK_INT(c->hosts[2].gopher_port, 0);
	CHECK_INT(c->hosts[2].public_gopher_port, 70);
	CHECK(config_host(c, "C.TEST") == &c->hosts[2]);
	CHECK(config_host(c, "d.test") == NULL);
	config_discard(c);

	check_refused("root = /a\n[b.test]\nroot = /b\nport = 1\n",
	    ":4: 'port' applies to every host: set it before the first [host] section");
	check_refused("hostname = a.test\n[b.test]\nroot = /b\n[A.test]\nroot = /c\n",
	    ":4: host a.test is already defined");
	check_refused("[b.test]\nroot = /b\n\n[c.test]\nlang = fr\n",
	    ":4: [c.test] sets no root");
	check_refused("gopher_port = 7070\n[b.test]\nroot = /b\ngopher_port = 7070\n",
	    ":2: [b.test]: gopher_port 7070 is already localhost's");
	check_refused("port = 7000\n[b.test]\nroot = /b\ngopher_port = 7000\n",
	    ":2: [b.test]: gopher_port 7000 is the Gemini port");
	check_refused("guestbook = /g.log\n[b.test]\nroot = /b\nguestbook = /g.log\n",
	    ":2: [b.test]: guestbook /g.log is already localhost's");
	check_refused("[b.test]\nroot = /b\nguestbook = postgresql:///m?bogus=1\n",
	    ":3: invalid URI query parameter: \"bogus\"");
	check_refused("hostname = a.test\nguestbook = postgresql:///m\n[a-test]\nroot = /b\n"
	    "guestbook = postgresql:///m\n", ":3: [a-test]: hosts a.test and a-test would share "
	    "the schema marquee_a_test in one database; give one a guestbook of its own");
	check_refused("guestbook = postgres://%zz/m\n",
	    ":1: a '%' not followed by two hex digits in the guestbook URI");
	check_refused("[b.test\n", ":1: expected '[hostname]'");
	check_refused("[]\n", ":1: expected '[hostname]'");
	check_refused("[bad host]\n", ":1: 'bad host' is not a host name");
	check_refused("[b.test]\nhostname = c.test\n", ":2: a section's host name is its [name] line");
}

/* Checks where path (relative to /work) lands inside chroot: want, or NULL for refused. */
static void
check_jail(const char *chroot, const char *path, const char *want)
{
	struct config	*c = config_new();
	char		 out[PATH_MAX] = "";
	const char	*reason = "";

	if (c == NULL)
		return;
	snprintf(c->chroot, sizeof(c->chroot), "%s", chroot);
	if (want != NULL) {
		CHECK_INT(config_jail_path(c, "/work", path, out, sizeof(out), &reason), 0);
		CHECK_STR(out, want);
	} else {
		CHECK_INT(config_jail_path(c, "/work", path, out, sizeof(out), &reason), -1);
		CHECK(strstr(reason, "is outside the chroot") != NULL);
	}
	config_discard(c);
}

static void
test_chroot(void)
{
	struct config	*c, *j;
	const char	*reason = "";

	check_jail("/srv/m", "/srv/m/capsule", "/capsule");
	check_jail("/srv/m", "/srv/m", "/");
	check_jail("/srv/m/", "/srv/m//certs/./a.crt", "/certs/a.crt");
	check_jail("/srv/m", "/srv/m/x/../capsule", "/capsule");
	check_jail("/srv/m", "/srv/mx/capsule", NULL);
	check_jail("/srv/m", "/srv/m/../etc/passwd", NULL);
	check_jail("/srv/m", "/etc/marquee.conf", NULL);
	check_jail("m", "m/capsule", "/capsule");
	check_jail("/work", "capsule", "/capsule");
	check_jail("/work/m", "../etc", NULL);
	check_jail("/", "/etc/x", "/etc/x");
	check_jail("/srv/m", "/../../srv/m/a", "/a");

	if ((c = config_new()) == NULL)
		return;
	snprintf(c->hosts[0].root, sizeof(c->hosts[0].root), "/srv/m/capsule");
	snprintf(c->certs, sizeof(c->certs), "/srv/m/certs");
	snprintf(c->state, sizeof(c->state), "/var/lib/marquee");
	snprintf(c->log, sizeof(c->log), "/srv/m/log");
	CHECK_INT(config_finish(c, &reason), 0);
	/* Without a chroot the copy names files as they are. */
	CHECK((j = config_jailed(c, "/work", &reason)) != NULL);
	if (j != NULL)
		CHECK_STR(j->hosts[0].cert, "/srv/m/certs/localhost.crt");
	config_discard(j);
	snprintf(c->chroot, sizeof(c->chroot), "/srv/m");
	CHECK((j = config_jailed(c, "/work", &reason)) != NULL);
	if (j != NULL) {
		CHECK_STR(j->hosts[0].root, "/capsule");
		CHECK_STR(j->hosts[0].cert, "/certs/localhost.crt");
		CHECK_STR(j->hosts[0].key, "/certs/localhost.key");
		CHECK_STR(j->log, "/log");
		/* Outside: kept open from the start, but no reload could open it. */
		CHECK_STR(j->hosts[0].guestbook, "");
		CHECK(j->hosts != c->hosts);
	}
	config_discard(j);
	snprintf(c->hosts[0].guestbook, sizeof(c->hosts[0].guestbook), "/srv/m/state/gb.log");
	CHECK((j = config_jailed(c, "/work", &reason)) != NULL);
	if (j != NULL)
		CHECK_STR(j->hosts[0].guestbook, "/state/gb.log");
	config_discard(j);
	CHECK_STR(c->hosts[0].root, "/srv/m/capsule");
	snprintf(c->hosts[0].key, sizeof(c->hosts[0].key), "/etc/k.key");
	CHECK(config_jailed(c, "/work", &reason) == NULL);
	CHECK_STR(reason, "key /etc/k.key is outside the chroot /srv/m");
	config_discard(c);
}

/*
 * A guestbook in PostgreSQL: the URI is kept as it is (no path to jail),
 * two hosts may name one database (each has its schema), and the trash goes
 * to the state directory, where the dates log goes too.
 */
static void
test_postgresql(void)
{
	struct config	*c, *j;
	const char	*reason = "";

	c = load_text("state = /var/m\nguestbook = postgresql:///m?host=/run/pg\n"
	    "[b.test]\nroot = /b\nguestbook = postgresql:///m?host=/run/pg\n", &reason);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_STR(c->hosts[0].guestbook, "postgresql:///m?host=/run/pg");
	CHECK_STR(c->hosts[1].guestbook, "postgresql:///m?host=/run/pg");
	CHECK_STR(c->hosts[0].trash, "/var/m/trash-localhost");
	CHECK_STR(c->hosts[1].trash, "/var/m/trash-b.test");
	snprintf(c->chroot, sizeof(c->chroot), "/var");
	snprintf(c->hosts[0].root, sizeof(c->hosts[0].root), "/var/capsule");
	snprintf(c->hosts[1].root, sizeof(c->hosts[1].root), "/var/b");
	snprintf(c->hosts[0].cert, sizeof(c->hosts[0].cert), "/var/c.crt");
	snprintf(c->hosts[0].key, sizeof(c->hosts[0].key), "/var/c.key");
	snprintf(c->hosts[1].cert, sizeof(c->hosts[1].cert), "/var/b.crt");
	snprintf(c->hosts[1].key, sizeof(c->hosts[1].key), "/var/b.key");
	CHECK((j = config_jailed(c, "/work", &reason)) != NULL);
	if (j != NULL) {
		CHECK_STR(j->hosts[0].guestbook, "postgresql:///m?host=/run/pg");
		CHECK_STR(j->hosts[0].trash, "/m/trash-localhost");
	}
	config_discard(j);
	config_discard(c);
}

/* A reload keeps the running value of a restart-only key and names it; the rest is taken. */
static void
test_restart_only(void)
{
	struct config	*cur = config_new(), *next = config_new();
	const char	*reason = NULL;
	char		 names[64];

	if (cur == NULL || next == NULL)
		return;
	CHECK_INT(config_finish(cur, &reason), 0);
	CHECK_INT(config_set(next, "port", "2000", &reason), 0);
	CHECK_INT(config_set(next, "workers", "3", &reason), 0);
	CHECK_INT(config_set(next, "lang", "fr", &reason), 0);
	CHECK_INT(config_set(next, "request_timeout", "7", &reason), 0);
	CHECK_INT((int)config_keep_restart_only(next, cur, names, sizeof(names)), 2);
	CHECK_STR(names, "port, workers");
	CHECK_INT((int)next->gemini_port, (int)cur->gemini_port);
	CHECK_INT((int)next->workers, (int)cur->workers);
	CHECK_STR(next->hosts[0].lang, "fr");
	CHECK_INT((int)next->request_timeout, 7);
	/* Unset public_port follows the kept port, unnamed. */
	CHECK_INT((int)next->public_port, (int)cur->public_port);
	CHECK_INT((int)config_keep_restart_only(next, cur, names, sizeof(names)), 0);
	CHECK_STR(names, "");
	config_discard(cur);
	config_discard(next);
}

/* owner (fingerprints, as openssl prints them or as the log writes them), owner_name, moderation. */
static void
test_owner_moderation(void)
{
	static const char	fp_a[] = "3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b";
	static const char	fp_b[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	struct config		*c = config_new();
	const char		*reason = "";
	char			 many[16 * FINGERPRINT_HEX] = "";
	int			 i;

	if (c == NULL)
		return;
	CHECK_STR(c->hosts[0].owner, "");
	CHECK_INT(c->hosts[0].moderation, MODERATION_OPEN);
	CHECK(!config_is_owner(&c->hosts[0], fp_a));
	CHECK_INT(config_set(c, "owner", "3F:2A:9C:1B:3F:2A:9C:1B:3F:2A:9C:1B:3F:2A:9C:1B:"
	    "3F:2A:9C:1B:3F:2A:9C:1B:3F:2A:9C:1B:3F:2A:9C:1B ,\t" "00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899aabbccddeeff", &reason), 0);
	CHECK_STR(c->hosts[0].owner, "3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b,"
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	CHECK(config_is_owner(&c->hosts[0], fp_a));
	CHECK(config_is_owner(&c->hosts[0], fp_b));
	/* Only a whole fingerprint: not a prefix, not the two run together, not empty. */
	CHECK(!config_is_owner(&c->hosts[0], "3f2a9c1b"));
	CHECK(!config_is_owner(&c->hosts[0], ""));
	CHECK(!config_is_owner(&c->hosts[0], "2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b3f2a9c1b,0"));
	CHECK(!config_is_owner(&c->hosts[0], "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
	CHECK_INT(config_set(c, "owner", "3f2a9c1b", &reason), -1);
	CHECK_STR(reason, "owner certificate 1 is not a SHA-256 in hex (64 digits)");
	CHECK_INT(config_set(c, "owner", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff, "
	    "g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", &reason), -1);
	CHECK_STR(reason, "owner certificate 2 is not a SHA-256 in hex (64 digits)");
	CHECK_INT(config_set(c, "owner", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0",
	    &reason), -1);
	for (i = 0; i < OWNERS_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%s", i > 0 ? "," : "", fp_b);
	CHECK_INT(config_set(c, "owner", many, &reason), -1);
	CHECK_STR(reason, "more than 8 owner certificates");

	CHECK_INT(config_set(c, "owner_name", "The Author", &reason), 0);
	CHECK_STR(c->hosts[0].owner_name, "The Author");
	CHECK_INT(config_set(c, "moderation", "hold-new", &reason), 0);
	CHECK_INT(c->hosts[0].moderation, MODERATION_HOLD_NEW);
	CHECK_INT(config_set(c, "moderation", "hold-all", &reason), 0);
	CHECK_INT(c->hosts[0].moderation, MODERATION_HOLD_ALL);
	CHECK_INT(config_set(c, "moderation", "open", &reason), 0);
	CHECK_INT(c->hosts[0].moderation, MODERATION_OPEN);
	CHECK_INT(config_set(c, "moderation", "hold", &reason), -1);
	CHECK_STR(reason, "'hold' is not open, hold-new or hold-all");
	CHECK_INT(config_set(c, "moderation", "Hold-All", &reason), -1);
	CHECK_INT(c->hosts[0].moderation, MODERATION_OPEN);
	config_discard(c);

	/* Per host: a section's owner and moderation are its own. */
	c = load_text("root = /srv/a\nmoderation = hold-all\n[b.test]\nroot = /srv/b\n"
	    "owner = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	    "moderation = hold-new\nowner_name = Bee\n", &reason);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_INT(c->hosts[0].moderation, MODERATION_HOLD_ALL);
		CHECK(!config_is_owner(&c->hosts[0], fp_b));
		CHECK_STR(c->hosts[0].owner_name, "");
		CHECK_INT(c->hosts[1].moderation, MODERATION_HOLD_NEW);
		CHECK(config_is_owner(&c->hosts[1], fp_b));
		CHECK_STR(c->hosts[1].owner_name, "Bee");
	}
	config_discard(c);
	check_refused("[b.test]\nroot = /b\nmoderation = closed\n",
	    ":3: 'closed' is not open, hold-new or hold-all");
}

static void
test_titan(void)
{
	struct config	*c;
	const char	*reason = "";

	c = load_text("root = /srv/a\nstate = /var/m\nowner = "
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	    "titan = yes\n[b.test]\nroot = /srv/b\ntitan = yes\n"
	    "titan_token = 0123456789abcdef\ntitan_paths = films, notes/old/\n"
	    "titan_max_size = 4096\n", &reason);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INT(c->hosts[0].titan, 1);
	CHECK_STR(c->hosts[0].titan_paths, "reviews/ drafts/");
	CHECK_INT(c->hosts[0].titan_max_size, 1024 * 1024);
	CHECK_STR(c->hosts[0].trash, "/var/m/trash-localhost");
	CHECK_STR(c->hosts[1].titan_paths, "films/ notes/old/");
	CHECK_STR(c->hosts[1].titan_token, "0123456789abcdef");
	CHECK_INT(c->hosts[1].titan_max_size, 4096);
	CHECK_STR(c->hosts[1].trash, "/var/m/trash-b.test");
	CHECK_INT(config_set(c, "titan_paths", "../x", &reason), -1);
	CHECK_INT(config_set(c, "titan_paths", "/etc", &reason), -1);
	CHECK_INT(config_set(c, "titan_paths", "a/.git", &reason), -1);
	CHECK_INT(config_set(c, "titan_paths", "a//b", &reason), -1);
	/* Uploads are indexed as they land: reviews/ itself, not a folder of it. */
	CHECK_INT(config_set(c, "titan_paths", "reviews/2019", &reason), -1);
	CHECK_INT(config_set(c, "titan_paths", "reviews, drafts/2019", &reason), 0);
	CHECK_INT(config_set(c, "titan_paths", ",", &reason), -1);
	CHECK_STR(reason, "no directory");
	CHECK_INT(config_set(c, "titan_token", "short", &reason), -1);
	CHECK_INT(config_set(c, "titan_max_size", "0", &reason), -1);
	CHECK_INT(config_set(c, "titan_max_size", "1048577", &reason), -1);
	config_discard(c);
	check_refused("root = /srv/a\ntitan = yes\n",
	    "titan = yes needs an owner certificate or a titan_token: nobody could upload");
}

int
main(void)
{
	struct config	*c = config_new();
	const char	*reason;

	if (c == NULL)
		return 1;
	test_titan();
	test_postgresql();
	CHECK_INT(c->nhosts, 1);
	CHECK_STR(c->hosts[0].name, "localhost");
	CHECK_INT(c->gemini_port, 1965);
	CHECK_INT(c->hosts[0].gopher_port, 70);
	CHECK_INT(c->request_timeout, 10);

	CHECK_INT(config_set(c, "hostname", "Films.Example.ORG.", &reason), 0);
	CHECK_STR(c->hosts[0].name, "films.example.org");
	CHECK_INT(config_set(c, "hostname", "bad host", &reason), -1);
	CHECK_STR(reason, "'bad host' is not a host name");
	CHECK_INT(config_set(c, "hostname", "a..test", &reason), -1);
	CHECK_STR(reason, "'a..test' is not a host name");
	CHECK_INT(config_set(c, "hostname", ".a.test", &reason), -1);
	CHECK_INT(config_set(c, "hostname", ".", &reason), -1);
	CHECK_STR(c->hosts[0].name, "films.example.org");

	CHECK_INT(config_set(c, "port", "1966", &reason), 0);
	CHECK_INT(c->gemini_port, 1966);
	CHECK_INT(config_set(c, "port", "0", &reason), -1);
	CHECK_STR(reason, "'0' is out of range 1-65535");
	CHECK_INT(config_set(c, "port", "65536", &reason), -1);
	CHECK_INT(config_set(c, "port", "19x", &reason), -1);
	CHECK_STR(reason, "'19x' is not a number");
	CHECK_INT(config_set(c, "port", "-1", &reason), -1);
	CHECK_INT(config_set(c, "port", "99999999999999999999", &reason), -1);
	CHECK_INT(c->gemini_port, 1966);
	CHECK_INT(config_set(c, "gopher_port", "0", &reason), 0);
	CHECK_INT(c->hosts[0].gopher_port, 0);

	CHECK_INT(config_set(c, "lang", "fr-CA", &reason), 0);
	CHECK_STR(c->hosts[0].lang, "fr-CA");
	CHECK_INT(config_set(c, "lang", "fr; x", &reason), -1);
	CHECK_STR(reason, "'fr; x' is not a language tag");
	CHECK_INT(config_set(c, "lang", "", &reason), -1);

	CHECK_INT(config_set(c, "root", "", &reason), -1);
	CHECK_STR(reason, "empty value");
	CHECK_INT(config_set(c, "user", "a-very-long-user-name-over-thirty-two-bytes", &reason), -1);
	CHECK_STR(reason, "value longer than 32 bytes");
	CHECK_INT(config_set(c, "request_timeout", "3601", &reason), -1);
	CHECK_INT(c->max_connections_per_address, 64);
	CHECK_INT(config_set(c, "max_connections_per_address", "5", &reason), 0);
	CHECK_INT(c->max_connections_per_address, 5);
	CHECK_INT(config_set(c, "max_connections_per_address", "0", &reason), -1);
	CHECK_STR(reason, "'0' is out of range 1-1000000");
	CHECK_INT(config_set(c, "max_connections_per_address", "1000001", &reason), -1);
	CHECK_INT(config_set(c, "max_connections_per_address", "many", &reason), -1);
	CHECK_STR(reason, "'many' is not a number");
	CHECK_INT(c->max_connections_per_address, 5);
	CHECK_INT(config_set(c, "workers", "0", &reason), 0);
	CHECK_INT(config_set(c, "prot", "1965", &reason), -1);
	CHECK_STR(reason, "unknown key 'prot'");

	CHECK_INT(config_finish(c, &reason), 0);
	CHECK_STR(c->hosts[0].cert, "certs/films.example.org.crt");
	CHECK_STR(c->hosts[0].key, "certs/films.example.org.key");
	config_discard(c);

	test_hosts();
	test_chroot();
	test_restart_only();
	test_owner_moderation();
	return harness_done();
}
