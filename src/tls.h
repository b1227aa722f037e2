#ifndef MARQUEE_TLS_H
#define MARQUEE_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "vocab.h"

struct config;
struct host;
struct sock_out;

/* Sets up what every context carries; once, before any other call. */
int	 tls_init(const char **reason);

/*
 * Builds a TLS context for every host of c: loads its cert and key, or,
 * when neither file exists, generates a self-signed ECDSA P-256 certificate
 * for the host there (key file mode 0600) and logs its SHA-256 fingerprint.
 * A handshake picks the context of the host its SNI names. Returns the
 * first host's context, which every handshake starts on and which owns the
 * others (SSL_CTX_free frees them all once no connection uses them), or
 * NULL with *reason.
 */
SSL_CTX	*tls_build(const struct config *c, const char **reason);

/*
 * Makes the context of c->hosts[i] in first's set (from tls_build) serve
 * h, which tls_host then returns; not owned: h must outlive every
 * connection on the set. Before the set is used.
 */
void	 tls_serve(SSL_CTX *first, size_t i, const struct host *h);

/*
 * Returns a new server-side SSL for the accepted socket out->fd, starting on
 * ctx (from tls_build), whose records gather in out until sockbio_flush
 * sends them; the caller owns it (SSL_free) and keeps out alive until then.
 * Safe to call from any thread.
 */
SSL	*tls_new(SSL_CTX *ctx, struct sock_out *out, const char **reason);

/* The host whose context ssl's handshake chose. */
const struct host *tls_host(SSL *ssl);

/*
 * When the client presented a certificate, fills hex with the SHA-256 of its
 * public key (DER SubjectPublicKeyInfo) and cn with its subject CN ("" when it
 * has none), and returns 0; returns -1 when there is no client certificate.
 */
int	 tls_client_identity(SSL *ssl, char hex[FINGERPRINT_HEX],
	    char cn[CN_MAX + 1]);

#endif
