#ifndef MARQUEE_LIMIT_H
#define MARQUEE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Limits per client: who counts as one client (an address key), token
 * buckets for rates, and counts of what each holds at once.
 *
 * Token buckets, one per key (a client address, a certificate): a bucket
 * holds up to burst tokens and refills at rate tokens a second. Safe to use
 * from every worker thread; the time comes from the caller.
 */

struct limiter;

/* Tracks at most max_keys buckets at once; the caller frees it with limiter_free. */
struct limiter	*limiter_new(size_t max_keys);
void		 limiter_free(struct limiter *l);

/*
 * Takes one token from the bucket of every key in keys[0..n), or from none.
 * Returns 0 when it took them, else the whole seconds until every bucket
 * holds a token again (at least 1). A table too full to track a new key
 * refuses it as if its bucket were empty.
 */
unsigned	 limiter_take(struct limiter *l, const char *const *keys, size_t n,
		    double burst, double rate, uint64_t now_ms);

/*
 * Puts back the token a limiter_take of the same keys took, when what it
 * paid for was refused elsewhere (another limiter); a bucket no longer
 * tracked, or full, is left as it is.
 */
void		 limiter_refund(struct limiter *l, const char *const *keys, size_t n,
		    double burst);

/*
 * What counts as one client, for every limit per address: an IPv4 address
 * (written plain, or mapped into IPv6 as ::ffff:a.b.c.d), or an IPv6
 * address's /64. ADDRESS_KEY_MAX: "addr " (5), the longest
 * address text (INET6_ADDRSTRLEN, 46, with its NUL) and "/64" (3).
 */
#define ADDRESS_KEY_MAX	(5 + 46 + 3)
void		 limit_address_key(const char *peer, char out[ADDRESS_KEY_MAX]);

/*
 * Counts what each key holds at once (connections per client address).
 * Safe to use from every worker thread.
 */
struct holdings;

/* Tracks at most max_keys keys at once; the caller frees it with holdings_free. */
struct holdings	*holdings_new(size_t max_keys);
void		 holdings_free(struct holdings *hs);

/*
 * Counts one more for key, unless it holds cap already: 0 when counted, -1
 * when refused. A key the table has no room for is let through uncounted
 * (returns 1): the global limits still bound it.
 */
int		 holdings_take(struct holdings *hs, const char *key, unsigned cap);
/* Gives back what a holdings_take of key that returned 0 counted. */
void		 holdings_give(struct holdings *hs, const char *key);

#endif
