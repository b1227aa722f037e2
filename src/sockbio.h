#ifndef MARQUEE_SOCKBIO_H
#define MARQUEE_SOCKBIO_H

#include <stddef.h>

#include <openssl/bio.h>

/*
 * What a connection's TLS has written and the socket has not taken yet.
 * Records are gathered here instead of leaving one system call each: the
 * connection layer sends them before it waits for the client, and once
 * its answer is complete (sockbio_flush). Lives in the connection; held
 * is SOCK_OUT_SIZE bytes of malloc's only while bytes wait, so an idle
 * connection has none.
 */
/* A full TLS 1.3 record (16 KiB and 256) and the smaller ones before it. */
#define SOCK_OUT_SIZE	(20 * 1024)

struct sock_out {
	int	 fd;
	char	*held;
	size_t	 off, len;	/* held[off..len) waits */
};

/* Sets up the BIO method; once, before any other call. 0, or -1 out of memory. */
int	 sockbio_init(void);

/*
 * A BIO that reads out->fd and writes into out (both non-blocking); the
 * caller owns it (SSL_set_bio hands it to the SSL), and freeing it gives
 * back what out holds, unsent. out must outlive it. NULL out of memory.
 */
BIO	*sockbio_new(struct sock_out *out);

/*
 * Sends what out holds: 1 when all of it left (its buffer is freed), 0
 * when the socket is full, -1 when it failed.
 */
int	 sockbio_flush(struct sock_out *out);

#endif
