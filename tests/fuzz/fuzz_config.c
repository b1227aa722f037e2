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

/* Every string field of a configuration ends within its array. */
static void
check_config(const struct config *c)
{
	const struct {
		const char	*s;
		size_t		 size;
	} f[] = {
		{ c->file, sizeof(c->file) }, { c->hostname, sizeof(c->hostname) },
		{ c->listen, sizeof(c->listen) }, { c->root, sizeof(c->root) },
		{ c->certs, sizeof(c->certs) }, { c->cert, sizeof(c->cert) },
		{ c->key, sizeof(c->key) }, { c->lang, sizeof(c->lang) },
		{ c->log, sizeof(c->log) }, { c->user, sizeof(c->user) },
		{ c->state, sizeof(c->state) }, { c->guestbook, sizeof(c->guestbook) },
	};
	size_t	i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (memchr(f[i].s, '\0', f[i].size) == NULL)
			fail("a string field is not terminated");
	if (c->gemini_port < 1 || c->gemini_port > 65535 || c->gopher_port > 65535)
		fail("a port out of range");
	if (c->hostname[0] == '\0' || strpbrk(c->hostname, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL)
		fail("host name empty or not lower-cased");
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
