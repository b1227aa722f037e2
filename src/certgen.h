#ifndef MARQUEE_CERTGEN_H
#define MARQUEE_CERTGEN_H

struct host_config;

/*
 * Makes sure h's certificate and key files exist: both there is fine,
 * neither makes a self-signed pair for h->name (and logs it), one alone is
 * an error. Returns -1 with *reason.
 */
int	 cert_ensure(const struct host_config *h, const char **reason);

#endif
