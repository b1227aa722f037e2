#ifndef MARQUEE_LIMIT_H
#define MARQUEE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

/*
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

#endif
