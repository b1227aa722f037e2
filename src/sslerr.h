#ifndef MARQUEE_SSLERR_H
#define MARQUEE_SSLERR_H

/*
 * Returns "what: REASON" for the oldest queued OpenSSL error, the root cause,
 * and empties the queue. The text lives in reasonf()'s per-thread buffer.
 */
const char	*ssl_error_reason(const char *what);

#endif
