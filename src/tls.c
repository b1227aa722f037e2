/*
 * TLS for the Gemini listener: a server context per host, chosen by the
 * client's SNI, and the identity of a client certificate. A set of hosts
 * (host.h) owns the contexts of its hosts. Making a missing certificate is
 * certgen.c's.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "config.h"
#include "log.h"
#include "request.h"
#include "sockbio.h"
#include "sslerr.h"
#include "tls.h"
#include "utf8.h"

/* The host a context serves; owned by the context through its ex_data. */
struct sni {
	char			 name[HOST_MAX + 1];
	int			 ip_literal;
	/*
	 * Not owned: the set of hosts frees its contexts before its hosts, and
	 * a connection's SSL goes before the connection's reference to the set.
	 */
	const struct host	*host;
};

/*
 * The contexts of every host, in configuration order. Owned by the first
 * context, which every connection starts on and keeps a reference to
 * (SSL_new makes it the session context), so the set outlives the
 * handshakes that switch to the others; it holds references to the others.
 */
struct tls_hosts {
	size_t	 n;
	SSL_CTX	*ctx[];
};

static int		 sni_index = -1;	/* set by tls_init, before any thread */
static int		 hosts_index = -1;	/* likewise */
static int		 chosen_index = -1;	/* an SSL's: the context its first hello chose; likewise */

static const char	 hex_lower[] = "0123456789abcdef";
static const char	 hex_upper[] = "0123456789ABCDEF";

/* Writes md as hex, bytes separated by sep unless it is '\0'; out needs 3 * len bytes. */
static void
hexify(char *out, const unsigned char *md, size_t len, const char *digits,
    char sep)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (i > 0 && sep != '\0')
			*out++ = sep;
		*out++ = digits[md[i] >> 4];
		*out++ = digits[md[i] & 0xf];
	}
	*out = '\0';
}

/* Case-insensitive, and one trailing dot on either side is the same name. */
static int
hostname_matches(const char *name, const char *host)
{
	size_t	nlen = strlen(name), hlen = strlen(host);

	if (nlen > 0 && name[nlen - 1] == '.')
		nlen--;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	return nlen == hlen && strncasecmp(name, host, nlen) == 0;
}

/* The context of the host named name, or with name NULL of the first host named by an address; NULL for none. */
static SSL_CTX *
find_ctx(const struct tls_hosts *set, const char *name)
{
	const struct sni	*sni;
	size_t			 i;

	for (i = 0; i < set->n; i++) {
		sni = SSL_CTX_get_ex_data(set->ctx[i], sni_index);
		if (name != NULL ? hostname_matches(name, sni->name) : sni->ip_literal)
			return set->ctx[i];
	}
	return NULL;
}

/* The address ssl's client connected to, as text (a v4-mapped IPv6 one as IPv4); "" when unknown. */
static void
local_address(SSL *ssl, char *out, size_t size)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	const void		*addr = NULL;
	int			 family = AF_UNSPEC;

	out[0] = '\0';
	if (getsockname(SSL_get_fd(ssl), (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		family = AF_INET;
		addr = &((const struct sockaddr_in *)&ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		family = AF_INET;
		addr = sin6->sin6_addr.s6_addr + 12;
	} else if (ss.ss_family == AF_INET6) {
		family = AF_INET6;
		addr = &sin6->sin6_addr;
	}
	if (addr == NULL || inet_ntop(family, addr, out, (socklen_t)size) == NULL)
		out[0] = '\0';
}

/*
 * The context of the host the client names; NULL when no host has that
 * name. With no name (RFC 6066 forbids addresses in SNI, so a client that
 * connects to an address sends none; old clients and some proxies send none
 * at all), the host named by the address it connected to, else the first
 * host named by an address, else the first host, as other Gemini servers do.
 */
static SSL_CTX *
host_ctx(SSL *ssl, const struct tls_hosts *set, const char *name)
{
	char	addr[INET6_ADDRSTRLEN];
	SSL_CTX	*ctx;

	if (name != NULL)
		return find_ctx(set, name);
	local_address(ssl, addr, sizeof(addr));
	if (addr[0] != '\0' && (ctx = find_ctx(set, addr)) != NULL)
		return ctx;
	if ((ctx = find_ctx(set, NULL)) != NULL)
		return ctx;
	return set->ctx[0];
}

/*
 * Switches the connection to its host's context as soon as the ClientHello
 * is in, before the session it offers is looked at: a session is then only
 * resumed on the host that issued it (each host has its own session ID
 * context), and the certificate sent is the host's.
 */
static int
client_hello_cb(SSL *ssl, int *alert, void *arg)
{
	const unsigned char	*ext;
	size_t			 len;
	char			 name[HOST_MAX + 1] = "";
	const char		*why;
	SSL_CTX			*ctx, *first;

	/* Queued errors become the reason the connection layer logs. */
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &len) != 1)
		ctx = host_ctx(ssl, arg, NULL);
	else if (request_parse_sni(ext, len, name, &why) == -1) {
		ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_EXTENSION, "server name: %s", why);
		*alert = SSL_AD_DECODE_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	} else
		ctx = host_ctx(ssl, arg, name);
	if (ctx == NULL) {
		ERR_raise_data(ERR_LIB_SSL, SSL_R_CALLBACK_FAILED, "no host %s here", name);
		*alert = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_CLIENT_HELLO_ERROR;
	}
	/* After a HelloRetryRequest the second hello must name the same host (RFC 8446 section 4.1.2). */
	if ((first = SSL_get_ex_data(ssl, chosen_index)) != NULL && first != ctx) {
		ERR_raise_data(ERR_LIB_SSL, SSL_R_CALLBACK_FAILED,
		    "the second hello names another host");
		*alert = SSL_AD_ILLEGAL_PARAMETER;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (!SSL_set_ex_data(ssl, chosen_index, ctx) || SSL_set_SSL_CTX(ssl, ctx) == NULL) {
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Gemini client certificates are self-signed as a rule: they identify, not vouch. */
static int
verify_any(int preverify_ok, X509_STORE_CTX *store)
{
	(void)preverify_ok;
	(void)store;
	return 1;
}

/* A daemon cannot be asked for a passphrase: fail instead of prompting. */
static int
no_password(char *buf, int size, int rwflag, void *asked)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (asked != NULL)
		*(int *)asked = 1;
	return -1;
}

static void
free_sni(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

/* Frees the set with the first context; the others go when their last connection does. */
static void
free_hosts(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	struct tls_hosts	*set = ptr;
	size_t			 i;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (set == NULL)
		return;
	for (i = 1; i < set->n; i++)
		SSL_CTX_free(set->ctx[i]);
	free(set);
}

/* Fills hex with the SHA-256 of x's DER SubjectPublicKeyInfo. */
static int
pubkey_fingerprint(X509 *x, char hex[FINGERPRINT_HEX])
{
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	unsigned char	*der = NULL;	/* allocated by i2d */
	int		 len, ret = -1;

	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL) == 1) {
		hexify(hex, md, sizeof(md), hex_lower, '\0');
		ret = 0;
	}
	OPENSSL_free(der);
	return ret;
}

/* Copies the UTF-8 s without controls, cut at a character boundary to fit. */
static void
copy_cn(char cn[CN_MAX + 1], const unsigned char *s, size_t n)
{
	size_t		i = 0, o = 0, len;
	unsigned	cp;

	while (i < n) {
		if ((len = utf8_decode(s + i, n - i, &cp)) == 0) {
			i++;
			continue;
		}
		if (!utf8_is_control(cp)) {
			if (o + len > CN_MAX)
				break;
			memcpy(cn + o, s + i, len);
			o += len;
		}
		i += len;
	}
	cn[o] = '\0';
}

static void
subject_cn(X509 *x, char cn[CN_MAX + 1])
{
	const X509_NAME	*name = X509_get_subject_name(x);
	unsigned char	*utf8;		/* allocated by ASN1_STRING_to_UTF8 */
	int		 idx, len;

	cn[0] = '\0';
	if ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) < 0)
		return;
	len = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
	if (len < 0) {
		ERR_clear_error();
		return;
	}
	copy_cn(cn, utf8, (size_t)len);
	OPENSSL_free(utf8);
}

int
tls_client_identity(SSL *ssl, char hex[FINGERPRINT_HEX], char cn[CN_MAX + 1])
{
	X509	*x;

	/* On a resumed session this is the certificate kept in the session. */
	if ((x = SSL_get0_peer_certificate(ssl)) == NULL)
		return -1;
	/* Only out of memory: the client then counts as anonymous. */
	if (pubkey_fingerprint(x, hex) == -1) {
		ERR_clear_error();
		return -1;
	}
	subject_cn(x, cn);
	return 0;
}

/*
 * The session ID context keeps a session to the host that issued it; it must
 * be set for sessions to carry client certificates at all. The host's name,
 * hashed to fit SSL_MAX_SID_CTX_LENGTH.
 */
static int
set_session_context(SSL_CTX *ctx, const char *host)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	_Static_assert(sizeof(md) <= SSL_MAX_SID_CTX_LENGTH, "session ID context too long");
	if (EVP_Digest(host, strlen(host), md, NULL, EVP_sha256(), NULL) != 1)
		return 0;
	return SSL_CTX_set_session_id_context(ctx, md, sizeof(md));
}

static int
configure(SSL_CTX *ctx, const char *host, const char **reason)
{
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_early_data(ctx, 0) ||
	    !set_session_context(ctx, host)) {
		*reason = ssl_error_reason("TLS context");
		return -1;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* On by default, but the system openssl.cnf may have turned them off. */
	SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
	/* One request per connection: a second ticket would go unused. */
	SSL_CTX_set_num_tickets(ctx, 1);
	/* TLS 1.3 suites, cheapest first; all three are as strong as a capsule needs. */
	SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:"
	    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384");
	/*
	 * The connection layer is non-blocking and may retry from another
	 * buffer. The record buffers are held only while they hold bytes
	 * (SSL_MODE_RELEASE_BUFFERS): an idle or waiting connection keeps none.
	 * Taken and given back around every record, they cost glibc's malloc
	 * a quarter more CPU per full handshake (tests/bench/hsbench.c);
	 * jemalloc (alloc.c) serves them from its thread cache, within 1%.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/*
	 * A record's header and body in one read, and a client's Finished and
	 * request together: about half the read system calls of a request.
	 */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_any);
	SSL_CTX_set_default_passwd_cb(ctx, no_password);
	return 0;
}

/* Names host in the context: what SNI picks it by. */
static int
set_hostname(SSL_CTX *ctx, const char *host, const char **reason)
{
	struct sni	*sni;

	if ((sni = calloc(1, sizeof(*sni))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	if ((size_t)snprintf(sni->name, sizeof(sni->name), "%s", host) >=
	    sizeof(sni->name)) {
		free(sni);
		*reason = reasonf("%s: hostname too long", host);
		return -1;
	}
	sni->ip_literal = host_is_address(host);
	if (!SSL_CTX_set_ex_data(ctx, sni_index, sni)) {
		free(sni);
		*reason = ssl_error_reason("TLS context");
		return -1;
	}
	return 0;
}

static int
load_files(SSL_CTX *ctx, const struct host_config *c, const char **reason)
{
	int	ok, asked = 0;

	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1) {
		*reason = ssl_error_reason(c->cert);
		return -1;
	}
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &asked);
	ok = SSL_CTX_use_PrivateKey_file(ctx, c->key, SSL_FILETYPE_PEM);
	/* The context outlives &asked. */
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	if (ok != 1) {
		*reason = asked ? reasonf("%s: encrypted keys are not supported",
		    c->key) : ssl_error_reason(c->key);
		ERR_clear_error();
		return -1;
	}
	/* Catches a key of another type, which the step above let through. */
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ERR_clear_error();
		*reason = reasonf("%s: does not match %s", c->key, c->cert);
		return -1;
	}
	return 0;
}

/* TOFU clients pin either the certificate or its public key: log both. */
static int
log_certificate(SSL_CTX *ctx, const struct host_config *c, const char **reason)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len;
	char		 cert_fp[3 * EVP_MAX_MD_SIZE], key_fp[FINGERPRINT_HEX];
	X509		*x = SSL_CTX_get0_certificate(ctx);
	int		 named;

	if (!X509_digest(x, EVP_sha256(), md, &len) ||
	    pubkey_fingerprint(x, key_fp) == -1) {
		*reason = ssl_error_reason(c->cert);
		return -1;
	}
	hexify(cert_fp, md, len, hex_upper, ':');
	log_info("%s: SHA-256 fingerprint %s, public key SHA-256 %s",
	    c->cert, cert_fp, key_fp);

	if (host_is_address(c->name))
		named = X509_check_ip_asc(x, c->name, 0) == 1;
	else
		named = X509_check_host(x, c->name, 0, 0, NULL) == 1;
	ERR_clear_error();
	if (!named)
		log_warn("%s: certificate does not name %s", c->cert, c->name);
	return 0;
}

/* Returns a new context for host id of c (caller frees), or NULL with *reason. */
static SSL_CTX *
build_ctx(const struct config *c, size_t id, const char **reason)
{
	const struct host_config	*h = &c->hosts[id];
	SSL_CTX				*ctx;

	if (cert_ensure(h, reason) == -1)
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*reason = ssl_error_reason("TLS context");
		return NULL;
	}
	if (configure(ctx, h->name, reason) == -1 ||
	    set_hostname(ctx, h->name, reason) == -1 ||
	    load_files(ctx, h, reason) == -1 ||
	    log_certificate(ctx, h, reason) == -1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

SSL_CTX *
tls_build(const struct config *c, const char **reason)
{
	struct tls_hosts	*set;
	size_t			 i;

	if ((set = calloc(1, sizeof(*set) + c->nhosts * sizeof(set->ctx[0]))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	for (i = 0; i < c->nhosts; i++) {
		if ((set->ctx[i] = build_ctx(c, i, reason)) == NULL)
			goto fail;
		set->n++;
		SSL_CTX_set_client_hello_cb(set->ctx[i], client_hello_cb, set);
	}
	if (!SSL_CTX_set_ex_data(set->ctx[0], hosts_index, set)) {
		*reason = ssl_error_reason("TLS context");
		goto fail;
	}
	return set->ctx[0];
fail:
	for (i = 0; i < set->n; i++)
		SSL_CTX_free(set->ctx[i]);
	free(set);
	return NULL;
}

int
tls_init(const char **reason)
{
	if (sni_index == -1 && (sni_index = SSL_CTX_get_ex_new_index(0, NULL,
	    NULL, NULL, free_sni)) == -1) {
		*reason = ssl_error_reason("TLS context data");
		return -1;
	}
	if (hosts_index == -1 && (hosts_index = SSL_CTX_get_ex_new_index(0, NULL,
	    NULL, NULL, free_hosts)) == -1) {
		*reason = ssl_error_reason("TLS context data");
		return -1;
	}
	if (chosen_index == -1 && (chosen_index = SSL_get_ex_new_index(0, NULL,
	    NULL, NULL, NULL)) == -1) {
		*reason = ssl_error_reason("TLS connection data");
		return -1;
	}
	if (sockbio_init() == -1) {
		*reason = ssl_error_reason("TLS socket layer");
		return -1;
	}
	return 0;
}

void
tls_serve(SSL_CTX *first, size_t i, const struct host *h)
{
	const struct tls_hosts	*set = SSL_CTX_get_ex_data(first, hosts_index);
	struct sni		*sni = SSL_CTX_get_ex_data(set->ctx[i], sni_index);

	sni->host = h;
}

const struct host *
tls_host(SSL *ssl)
{
	const struct sni	*sni;

	sni = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), sni_index);
	return sni->host;
}

SSL *
tls_new(SSL_CTX *ctx, struct sock_out *out, const char **reason)
{
	SSL	*ssl;
	BIO	*bio;

	if ((ssl = SSL_new(ctx)) == NULL) {
		*reason = ssl_error_reason("new TLS connection");
		return NULL;
	}
	if ((bio = sockbio_new(out)) == NULL) {
		*reason = ssl_error_reason("new TLS connection");
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_bio(ssl, bio, bio);
	SSL_set_accept_state(ssl);
	return ssl;
}
