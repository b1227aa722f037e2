/*
 * The PROXY protocol header (versions 1 and 2) a load balancer sends
 * first. Pure: bytes in, the client's address out.
 */

#include <arpa/inet.h>
#include <string.h>

#include "proxy.h"

/* Section 2.2: the twelve bytes that open a version 2 header. */
static const unsigned char v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

/* Section 2.2: the fixed part before the addresses. */
#define V2_FIXED	16
#define V2_TCP4_LEN	12	/* two addresses of 4 bytes, two ports */
#define V2_TCP6_LEN	36	/* two addresses of 16 bytes, two ports */

/* Returns 1 when buf[0..len) could still grow into prefix[0..n). */
static int
starts_like(const unsigned char *buf, size_t len, const void *prefix, size_t n)
{
	return memcmp(buf, prefix, len < n ? len : n) == 0;
}

static int
parse_port(const char *s, size_t n, unsigned *port)
{
	unsigned	v = 0;
	size_t		i;

	if (n == 0 || n > 5 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = v;
	return 0;
}

/* Copies the n-byte field s into an address of family af, checked by inet_pton. */
static int
parse_addr(int af, const char *s, size_t n, char out[PROXY_ADDR_MAX])
{
	unsigned char	bin[16];

	if (n == 0 || n >= PROXY_ADDR_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return inet_pton(af, out, bin) == 1 ? 0 : -1;
}

/* "PROXY TCP4 192.0.2.1 198.51.100.2 56324 1965\r\n" (section 2.1). */
static int
parse_v1(const char *s, size_t len, struct proxy_header *h, const char **reason)
{
	const char	*f[6], *end, *lf, *sp, *p;
	size_t		 n[6], nf = 0;
	char		 dst[PROXY_ADDR_MAX];
	unsigned	 dport;
	int		 af;

	if ((lf = memchr(s, '\n', len < PROXY_V1_MAX ? len : PROXY_V1_MAX)) == NULL) {
		if (len >= PROXY_V1_MAX) {
			*reason = "PROXY v1 header longer than 107 bytes";
			return -1;
		}
		return 1;
	}
	if (lf == s || lf[-1] != '\r') {
		*reason = "PROXY v1 header not ended by CRLF";
		return -1;
	}
	h->size = (size_t)(lf - s) + 1;
	end = lf - 1;
	for (p = s; p <= end && nf < 6; p = sp + 1) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		f[nf] = p;
		n[nf++] = (size_t)(sp - p);
	}
	if (nf >= 2 && n[1] == 7 && memcmp(f[1], "UNKNOWN", 7) == 0)
		return 0;	/* the balancer does not know: keep the peer's address */
	af = nf >= 2 && n[1] == 4 && memcmp(f[1], "TCP4", 4) == 0 ? AF_INET :
	    nf >= 2 && n[1] == 4 && memcmp(f[1], "TCP6", 4) == 0 ? AF_INET6 : 0;
	if (af == 0 || nf != 6 || p <= end ||
	    parse_addr(af, f[2], n[2], h->addr) == -1 ||
	    parse_addr(af, f[3], n[3], dst) == -1 ||
	    parse_port(f[4], n[4], &h->port) == -1 ||
	    parse_port(f[5], n[5], &dport) == -1) {
		*reason = "malformed PROXY v1 header";
		return -1;
	}
	h->has_addr = 1;
	return 0;
}

static int
parse_v2(const unsigned char *b, size_t len, struct proxy_header *h, const char **reason)
{
	size_t	body;
	int	af;

	if (len < V2_FIXED)
		return 1;
	if ((b[12] >> 4) != 2 || (b[12] & 0xf) > 1) {
		*reason = "PROXY v2 header with an unknown version or command";
		return -1;
	}
	body = (size_t)b[14] << 8 | b[15];
	if (V2_FIXED + body > PROXY_HEADER_MAX) {
		*reason = "PROXY v2 header longer than 536 bytes";
		return -1;
	}
	if (len < V2_FIXED + body)
		return 1;
	h->size = V2_FIXED + body;
	if ((b[12] & 0xf) == 0)
		return 0;	/* LOCAL: the balancer's own check, not a client */
	af = b[13] == 0x11 ? AF_INET : b[13] == 0x21 ? AF_INET6 : 0;
	if (af == 0)
		return 0;	/* UNSPEC, UDP or UNIX: no TCP address to use */
	if (body < (af == AF_INET ? V2_TCP4_LEN : V2_TCP6_LEN)) {
		*reason = "PROXY v2 header too short for its addresses";
		return -1;
	}
	inet_ntop(af, b + V2_FIXED, h->addr, sizeof(h->addr));
	h->port = (unsigned)b[V2_FIXED + (af == AF_INET ? 8 : 32)] << 8 |
	    b[V2_FIXED + (af == AF_INET ? 9 : 33)];
	h->has_addr = 1;
	return 0;
}

int
proxy_parse(const unsigned char *buf, size_t len, struct proxy_header *h,
    const char **reason)
{
	memset(h, 0, sizeof(*h));
	if (len == 0)
		return 1;
	if (starts_like(buf, len, v2_signature, sizeof(v2_signature)))
		return len < sizeof(v2_signature) ? 1 : parse_v2(buf, len, h, reason);
	if (starts_like(buf, len, "PROXY ", 6))
		return len < 6 ? 1 : parse_v1((const char *)buf, len, h, reason);
	*reason = "no PROXY header";
	return -1;
}
