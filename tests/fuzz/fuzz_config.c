/*
 * libFuzzer target: the configuration file parser. The input is the file
 * (config_load, read through a memfd), then one key and value split from it
 * at the first NUL or '=' (config_set), to reach every value checker.
 */

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_config: %s\n", what);
	abort();
}

static void
check_terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		fail("a string field is not terminated");
}

static void
check_host(const struct host_config *h)
{
	check_terminated(h->root, sizeof(h->root));
	check_terminated(h->cert, sizeof(h->cert));
	check_terminated(h->key, sizeof(h->key));
	check_terminated(h->lang, sizeof(h->lang));
	check_terminated(h->guestbook, sizeof(h->guestbook));
	check_terminated(h->name, sizeof(h->name));
	if (h->gopher_port > 65535)
		fail("a port out of range");
	if (h->name[0] == '\0' || strpbrk(h->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL)
		fail("host name empty or not lower-cased");
}

/* Every string field of a configuration ends within its array. */
static void
check_config(const struct config *c)
{
	size_t	i;

	check_terminated(c->file, sizeof(c->file));
	check_terminated(c->listen, sizeof(c->listen));
	check_terminated(c->certs, sizeof(c->certs));
	check_terminated(c->log, sizeof(c->log));
	check_terminated(c->user, sizeof(c->user));
	check_terminated(c->state, sizeof(c->state));
	if (c->gemini_port < 1 || c->gemini_port > 65535)
		fail("a port out of range");
	if (c->nhosts < 1 || c->nhosts > HOSTS_MAX)
		fail("host count out of range");
	for (i = 0; i < c->nhosts; i++)
		check_host(&c->hosts[i]);
}

/* The input as a file: one memfd, rewritten for every input. */
static const char *
input_file(const uint8_t *data, size_t size)
{
	static char	path[64];
	static int	fd = -1;

	if (fd == -1) {
		if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) == -1)
			fail("memfd_create");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		fail("cannot write the memfd");
	return path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*c;
	const char	*path, *reason, *value;
	char		*key;
	size_t		 i;

	path = input_file(data, size);
	if ((c = config_new()) == NULL)
		return 0;
	reason = NULL;
	if (config_load(c, path, &reason) == 0) {
		if (strcmp(c->file, path) != 0)
			fail("config_load did not record the file");
		check_config(c);
		reason = NULL;
		if (config_finish(c, &reason) == -1 && reason == NULL)
			fail("config_finish failed without a reason");
		check_config(c);
	} else if (reason == NULL)
		fail("config_load failed without a reason");

	/* key, then '=' or NUL, then value (up to a NUL); no separator: value "". */
	if ((key = malloc(size + 1)) == NULL)
		goto done;
	memcpy(key, data, size);
	key[size] = '\0';
	for (i = 0; i < size && key[i] != '\0' && key[i] != '='; i++)
		continue;
	key[i] = '\0';
	value = i < size ? key + i + 1 : key + size;
	reason = NULL;
	if (config_set(c, key, value, &reason) == 0)
		check_config(c);
	else if (reason == NULL)
		fail("config_set failed without a reason");
	free(key);
done:
	config_discard(c);
	return 0;
}
