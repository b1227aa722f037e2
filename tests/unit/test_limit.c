/* Unit tests of the token buckets behind the guestbook's rate limits. */

#include <stdio.h>

#include "harness.h"
#include "limit.h"

/* The guestbook's default: 5 entries per 10 minutes. */
#define BURST	5.0
#define RATE	(5.0 / 600)

static unsigned
take(struct limiter *l, const char *key, uint64_t now_ms)
{
	const char	*keys[] = { key };

	return limiter_take(l, keys, 1, BURST, RATE, now_ms);
}

static void
test_bucket(void)
{
	struct limiter	*l = limiter_new(16);
	int		 i;

	CHECK(l != NULL);
	for (i = 0; i < 5; i++)
		CHECK_INT(take(l, "addr 192.0.2.1", 1000), 0);
	/* Empty: one token comes back every 120 seconds. */
	CHECK_INT(take(l, "addr 192.0.2.1", 1000), 120);
	CHECK_INT(take(l, "addr 192.0.2.1", 61000), 60);
	CHECK_INT(take(l, "addr 192.0.2.1", 120999), 1);
	CHECK_INT(take(l, "addr 192.0.2.1", 121000), 0);
	CHECK_INT(take(l, "addr 192.0.2.1", 121000), 120);
	/* Another client has a bucket of its own. */
	CHECK_INT(take(l, "addr 192.0.2.2", 121000), 0);
	/* A long pause refills to the burst, not beyond. */
	for (i = 0; i < 5; i++)
		CHECK_INT(take(l, "addr 192.0.2.1", 10000000), 0);
	CHECK(take(l, "addr 192.0.2.1", 10000000) > 0);
	limiter_free(l);
}

static void
test_both_keys(void)
{
	struct limiter	*l = limiter_new(16);
	const char	*both[] = { "addr 192.0.2.1", "cert ab" };
	const char	*other[] = { "addr 198.51.100.7", "cert ab" };
	int		 i;

	for (i = 0; i < 3; i++)
		CHECK_INT(limiter_take(l, both, 2, BURST, RATE, 0), 0);
	/* The same certificate from elsewhere shares its bucket. */
	for (i = 0; i < 2; i++)
		CHECK_INT(limiter_take(l, other, 2, BURST, RATE, 0), 0);
	CHECK(limiter_take(l, other, 2, BURST, RATE, 0) > 0);
	/* A refusal takes nothing: the address alone still has 2 tokens. */
	CHECK_INT(take(l, "addr 192.0.2.1", 0), 0);
	CHECK_INT(take(l, "addr 192.0.2.1", 0), 0);
	CHECK(take(l, "addr 192.0.2.1", 0) > 0);
	limiter_free(l);
}

static void
test_full_table(void)
{
	struct limiter	*l = limiter_new(2);

	CHECK_INT(take(l, "a", 0), 0);
	CHECK_INT(take(l, "b", 0), 0);
	/* Both tracked buckets are in use: a third client waits. */
	CHECK(take(l, "c", 0) > 0);
	/* Once they are full again they are forgotten, and room is made. */
	CHECK_INT(take(l, "c", 600000), 0);
	limiter_free(l);
}

static void
test_no_half_take(void)
{
	struct limiter	*l = limiter_new(2);
	const char	*two[] = { "b", "c" };

	CHECK_INT(take(l, "a", 1000), 0);
	/* Two new keys, room for one: refused, and the room stays free. */
	CHECK(limiter_take(l, two, 2, BURST, RATE, 1000) > 0);
	CHECK_INT(take(l, "d", 1000), 0);
	limiter_free(l);
}

/* A refund puts back what a take took, never more than the burst. */
static void
test_refund(void)
{
	struct limiter	*l = limiter_new(16);
	const char	*keys[] = { "addr 192.0.2.9", "cert ab" }, *unknown[] = { "addr 192.0.2.10" };
	int		 i;

	CHECK(l != NULL);
	for (i = 0; i < 5; i++)
		CHECK_INT(limiter_take(l, keys, 2, BURST, RATE, 1000), 0);
	CHECK(limiter_take(l, keys, 2, BURST, RATE, 1000) > 0);
	limiter_refund(l, keys, 2, BURST);
	CHECK_INT(limiter_take(l, keys, 2, BURST, RATE, 1000), 0);
	CHECK(limiter_take(l, keys, 2, BURST, RATE, 1000) > 0);
	/* Refunds past the burst are dropped: five takes, then empty again. */
	for (i = 0; i < 9; i++)
		limiter_refund(l, keys, 2, BURST);
	for (i = 0; i < 5; i++)
		CHECK_INT(limiter_take(l, keys, 2, BURST, RATE, 1000), 0);
	CHECK(limiter_take(l, keys, 2, BURST, RATE, 1000) > 0);
	/* A key never taken from gets no bucket. */
	limiter_refund(l, unknown, 1, BURST);
	for (i = 0; i < 5; i++)
		CHECK_INT(limiter_take(l, unknown, 1, BURST, RATE, 1000), 0);
	CHECK(limiter_take(l, unknown, 1, BURST, RATE, 1000) > 0);
	limiter_free(l);
}

/* IPv6 clients count per /64, IPv4 per address. */
static void
test_address_key(void)
{
	char	k[ADDRESS_KEY_MAX];

	limit_address_key("192.0.2.7", k);
	CHECK_STR(k, "addr 192.0.2.7");
	limit_address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", k);
	CHECK_STR(k, "addr 2001:db8:1:2::/64");
	limit_address_key("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", k);
	CHECK_STR(k, "addr ffff:ffff:ffff:ffff::/64");
	/* An IPv4 client in IPv6 clothing is that IPv4 client, not all of ::/64. */
	limit_address_key("::ffff:192.0.2.7", k);
	CHECK_STR(k, "addr 192.0.2.7");
	limit_address_key("::ffff:198.51.100.1", k);
	CHECK_STR(k, "addr 198.51.100.1");
	limit_address_key("::1", k);
	CHECK_STR(k, "addr ::/64");
}

/* A cap per key; giving back frees room; emptied keys leave no hole in the probing. */
static void
test_holdings(void)
{
	struct holdings	*hs = holdings_new(64);
	char		 key[32];
	int		 i, j;

	CHECK(hs != NULL);
	for (i = 0; i < 3; i++)
		CHECK_INT(holdings_take(hs, "addr 192.0.2.1", 3), 0);
	CHECK_INT(holdings_take(hs, "addr 192.0.2.1", 3), -1);
	CHECK_INT(holdings_take(hs, "addr 192.0.2.2", 3), 0);
	holdings_give(hs, "addr 192.0.2.1");
	CHECK_INT(holdings_take(hs, "addr 192.0.2.1", 3), 0);
	CHECK_INT(holdings_take(hs, "addr 192.0.2.1", 3), -1);
	/* Many keys in a 128-slot table collide; each stays reachable as others go. */
	for (i = 0; i < 60; i++) {
		snprintf(key, sizeof(key), "addr 10.0.0.%d", i);
		CHECK_INT(holdings_take(hs, key, 1), 0);
	}
	for (i = 0; i < 60; i += 2) {
		snprintf(key, sizeof(key), "addr 10.0.0.%d", i);
		holdings_give(hs, key);
	}
	for (i = 0; i < 60; i++) {
		snprintf(key, sizeof(key), "addr 10.0.0.%d", i);
		CHECK_INT(holdings_take(hs, key, 1), i % 2 == 0 ? 0 : -1);
	}
	/* Table full (64 keys): a new key passes uncounted. */
	CHECK_INT(holdings_take(hs, "addr 10.0.1.1", 1), 0);
	CHECK_INT(holdings_take(hs, "addr 10.0.1.2", 1), 0);
	CHECK_INT(holdings_take(hs, "addr 10.0.1.3", 1), 1);
	for (j = 0; j < 60; j++) {
		snprintf(key, sizeof(key), "addr 10.0.0.%d", j);
		holdings_give(hs, key);
	}
	CHECK_INT(holdings_take(hs, "addr 10.0.1.3", 1), 0);
	CHECK_INT(holdings_take(hs, "addr 10.0.1.2", 1), -1);
	holdings_free(hs);
}

int
main(void)
{
	test_address_key();
	test_holdings();
	test_bucket();
	test_both_keys();
	test_full_table();
	test_no_half_take();
	test_refund();
	return harness_done();
}
