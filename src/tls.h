#ifndef MARQUEE_TLS_H
#define MARQUEE_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "vocab.h"

struct config;

/*
 * Builds a TLS context for every host of c: loads its cert and key, or,
 * when neither file exists, generates a self-signed ECDSA P-256 certificate
 * for the host there (key file mode 0600) and logs its SHA-256 fingerprint.
 * A handshake picks the context of the host its SNI names. Called once at
 * start, before privileges are dropped.
 */
int	 tls_init(const struct config *c, const char **reason);

/*
 * Builds new contexts from c (the same hosts, in the same order) and makes
 * them the ones new connections use; connections already open keep the old
 * ones until they close. On failure the current contexts stay in use.
 */
int	 tls_reload(const struct config *c, const char **reason);

/* Frees the current contexts (at exit). */
void	 tls_free(void);

/*
 * Returns a new server-side SSL for the accepted socket fd, using the current
 * context; the caller owns it (SSL_free). Safe to call from any thread.
 */
SSL	*tls_new(int fd, const char **reason);

/* The index in the configuration of the host whose context ssl's handshake chose. */
unsigned tls_host(SSL *ssl);

/*
 * When the client presented a certificate, fills hex with the SHA-256 of its
 * public key (DER SubjectPublicKeyInfo) and cn with its subject CN ("" when it
 * has none), and returns 0; returns -1 when there is no client certificate.
 */
int	 tls_client_identity(SSL *ssl, char hex[FINGERPRINT_HEX],
	    char cn[CN_MAX + 1]);

#endif
