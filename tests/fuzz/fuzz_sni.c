/*
 * libFuzzer target: the body of a TLS server_name extension
 * (request_parse_sni), which comes from the network before any check. Aborts
 * when a result breaks what request.h promises.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_sni: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 host[HOST_MAX + 1];
	const char	*reason = NULL;
	size_t		 i, n;

	if (request_parse_sni(data, size, host, &reason) == -1) {
		if (reason == NULL)
			fail("refused without a reason");
		return 0;
	}
	if ((n = strnlen(host, sizeof(host))) == sizeof(host) || n == 0)
		fail("host empty or not terminated");
	for (i = 0; i < n; i++)
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= '0' && host[i] <= '9') ||
		    host[i] == '-' || host[i] == '.' || host[i] == ':'))
			fail("a host byte that is not lower-case LDH, a dot or a colon");
	if (n > 1 && host[n - 1] == '.')
		fail("trailing dot kept");
	return 0;
}
