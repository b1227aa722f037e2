#ifndef MARQUEE_VOCAB_H
#define MARQUEE_VOCAB_H

/*
 * The words every module shares and none owns. It includes nothing of the
 * project's, so anything may include it without making a cycle.
 */

/* SHA-256 in hex, NUL-terminated. */
#define FINGERPRINT_HEX	(2 * 32 + 1)
/* RFC 5280 upper bound ub-common-name. */
#define CN_MAX		64

#endif
