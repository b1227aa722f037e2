#ifndef MARQUEE_PROXY_H
#define MARQUEE_PROXY_H

#include <stddef.h>

/*
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and
 * 2) that a load balancer sends before the client's own bytes, naming the
 * client's address. Pure: no I/O, no allocation.
 */

/* Version 1 headers are at most 107 bytes, CRLF included (section 2.1). */
#define PROXY_V1_MAX		107
/* Section 2.2 asks receivers of version 2 to take headers of up to 536 bytes. */
#define PROXY_HEADER_MAX	536
/* An IPv6 address as text (RFC 4291), NUL included. */
#define PROXY_ADDR_MAX		46

struct proxy_header {
	size_t		size;			/* bytes the header takes */
	int		has_addr;		/* 0 for LOCAL and UNKNOWN: keep the peer's */
	char		addr[PROXY_ADDR_MAX];	/* the client's address, as text */
	unsigned	port;
};

/*
 * Parses the header at the start of buf[0..len). Returns 0 when it is
 * complete (h filled), 1 when buf holds only the start of a header so far,
 * and -1 with *reason when it is malformed or no PROXY header at all.
 */
int	 proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
	    const char **reason);

#endif
