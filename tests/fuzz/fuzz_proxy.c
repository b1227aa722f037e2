/*
 * libFuzzer target: a PROXY protocol header (proxy_parse). Aborts when a
 * result breaks what proxy.h promises.
 */

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_proxy: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_header	 h;
	const char		*reason = NULL;
	unsigned char		 bin[16];
	size_t			 i;
	int			 rc;

	rc = proxy_parse(data, size, &h, &reason);
	if (rc == -1 && reason == NULL)
		fail("refused without a reason");
	if (rc == 1) {
		/* Needing more: every shorter prefix must need more too, or be refused. */
		for (i = 0; i < size; i++)
			if (proxy_parse(data, i, &h, &reason) == 0)
				fail("a prefix of an incomplete header is complete");
		return 0;
	}
	if (rc != 0)
		return 0;
	if (h.size == 0 || h.size > size || h.size > PROXY_HEADER_MAX)
		fail("header size outside the input");
	if (memchr(h.addr, '\0', sizeof(h.addr)) == NULL)
		fail("address not terminated");
	if (h.has_addr && inet_pton(AF_INET, h.addr, bin) != 1 &&
	    inet_pton(AF_INET6, h.addr, bin) != 1)
		fail("address is not an IP address");
	if (h.port > 65535)
		fail("port out of range");
	/* What follows the header must not change it. */
	if (proxy_parse(data, h.size, &h, &reason) != 0)
		fail("the header alone does not parse");
	return 0;
}
