/* Unit tests of the PROXY protocol header parser (versions 1 and 2). */

#include <string.h>

#include "harness.h"
#include "proxy.h"

static struct proxy_header	h;
static const char		*reason;

static int
parse(const void *buf, size_t len)
{
	reason = "";
	return proxy_parse(buf, len, &h, &reason);
}

static int
parse_str(const char *s)
{
	return parse(s, strlen(s));
}

static void
test_v1(void)
{
	const char	*tcp4 = "PROXY TCP4 192.0.2.7 198.51.100.2 56324 1965\r\nGET";
	size_t		 i, full = strlen(tcp4) - 3;

	CHECK_INT(parse_str(tcp4), 0);
	CHECK_INT(h.size, full);
	CHECK_INT(h.has_addr, 1);
	CHECK_STR(h.addr, "192.0.2.7");
	CHECK_INT(h.port, 56324);
	/* Every cut short of the CRLF asks for more. */
	for (i = 0; i < full; i++)
		CHECK_INT(parse(tcp4, i), 1);
	CHECK_INT(parse_str("PROXY TCP6 2001:db8::1 2001:db8::2 1 70\r\n"), 0);
	CHECK_STR(h.addr, "2001:db8::1");
	CHECK_INT(h.port, 1);
	CHECK_INT(parse_str("PROXY UNKNOWN\r\n"), 0);
	CHECK_INT(h.has_addr, 0);
	CHECK_INT(h.size, 15);
	CHECK_INT(parse_str("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"), 0);
	CHECK_INT(h.has_addr, 0);
}

static void
test_v1_malformed(void)
{
	static const char *const bad[] = {
		"PROXY TCP4 192.0.2.7 198.51.100.2 56324 1965\n",	/* LF alone */
		"PROXY TCP4 192.0.2.7 198.51.100.2 56324\r\n",		/* a field short */
		"PROXY TCP4 192.0.2.7 198.51.100.2 56324 1965 x\r\n",	/* one too many */
		"PROXY TCP4 192.0.2.7  198.51.100.2 56324 1965\r\n",	/* two spaces */
		"PROXY TCP4 192.0.2.7 198.51.100.2 56324 1965 \r\n",	/* trailing space */
		"PROXY TCP4 2001:db8::1 198.51.100.2 1 2\r\n",		/* family mismatch */
		"PROXY TCP4 192.0.2.256 198.51.100.2 1 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.2 65536 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.2 01 2\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.2 -1 2\r\n",
		"PROXY UDP4 192.0.2.7 198.51.100.2 1 2\r\n",
		"PROXY tcp4 192.0.2.7 198.51.100.2 1 2\r\n",
		"GET / HTTP/1.0\r\n",
		"gemini://localhost/\r\n",
		"\x16\x03\x01\x02\x00",					/* a TLS ClientHello */
	};
	char	long_line[200];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(parse_str(bad[i]), -1);
		CHECK(reason != NULL && reason[0] != '\0');
	}
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "PROXY TCP4 ", 11);
	CHECK_INT(parse(long_line, PROXY_V1_MAX - 1), 1);
	CHECK_INT(parse(long_line, PROXY_V1_MAX), -1);
	CHECK_STR(reason, "PROXY v1 header longer than 107 bytes");
}

/* A version 2 header: signature, command, family, then body. */
static size_t
v2(unsigned char *out, unsigned char cmd, unsigned char fam, const void *body, size_t n)
{
	static const unsigned char sig[12] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
	};

	memcpy(out, sig, 12);
	out[12] = cmd;
	out[13] = fam;
	out[14] = (unsigned char)(n >> 8);
	out[15] = (unsigned char)n;
	memcpy(out + 16, body, n);
	return 16 + n;
}

static void
test_v2(void)
{
	static const unsigned char tcp4[12] = { 192, 0, 2, 9, 198, 51, 100, 2, 0xdc, 0x04, 0x07, 0xad };
	unsigned char	tcp6[36] = { 0x20, 0x01, 0x0d, 0xb8 }, buf[700], tlv[100];
	size_t		n, i;

	tcp6[15] = 1;
	tcp6[32] = 0x12;
	tcp6[33] = 0x34;
	n = v2(buf, 0x21, 0x11, tcp4, sizeof(tcp4));
	CHECK_INT(parse(buf, n), 0);
	CHECK_INT(h.size, 28);
	CHECK_STR(h.addr, "192.0.2.9");
	CHECK_INT(h.port, 0xdc04);
	for (i = 0; i < n; i++)
		CHECK_INT(parse(buf, i), 1);
	n = v2(buf, 0x21, 0x21, tcp6, sizeof(tcp6));
	CHECK_INT(parse(buf, n), 0);
	CHECK_STR(h.addr, "2001:db8::1");
	CHECK_INT(h.port, 0x1234);
	/* TLVs after the addresses are skipped over. */
	memset(tlv, 0, sizeof(tlv));
	memcpy(tlv, tcp4, sizeof(tcp4));
	n = v2(buf, 0x21, 0x11, tlv, sizeof(tlv));
	CHECK_INT(parse(buf, n), 0);
	CHECK_INT(h.size, 116);
	CHECK_STR(h.addr, "192.0.2.9");
	/* LOCAL (a health check) and UNSPEC keep the peer's own address. */
	n = v2(buf, 0x20, 0x11, tcp4, sizeof(tcp4));
	CHECK_INT(parse(buf, n), 0);
	CHECK_INT(h.has_addr, 0);
	CHECK_INT(h.size, 28);
	n = v2(buf, 0x21, 0x00, "", 0);
	CHECK_INT(parse(buf, n), 0);
	CHECK_INT(h.has_addr, 0);
	/* Refused: other versions and commands, short bodies, oversize headers. */
	n = v2(buf, 0x11, 0x11, tcp4, sizeof(tcp4));
	CHECK_INT(parse(buf, n), -1);
	n = v2(buf, 0x22, 0x11, tcp4, sizeof(tcp4));
	CHECK_INT(parse(buf, n), -1);
	n = v2(buf, 0x21, 0x11, tcp4, 8);
	CHECK_INT(parse(buf, n), -1);
	CHECK_STR(reason, "PROXY v2 header too short for its addresses");
	n = v2(buf, 0x21, 0x21, tcp6, 20);
	CHECK_INT(parse(buf, n), -1);
	buf[14] = 0x02;
	buf[15] = 0x09;		/* 521 bytes of body: 537 in all */
	CHECK_INT(parse(buf, 16), -1);
	CHECK_STR(reason, "PROXY v2 header longer than 536 bytes");
	buf[15] = 0x08;
	CHECK_INT(parse(buf, 16), 1);
}

int
main(void)
{
	test_v1();
	test_v1_malformed();
	test_v2();
	return harness_done();
}
