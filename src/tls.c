#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "log.h"
#include "tls.h"

/* Generated certificates outlive the capsule: clients pin them (TOFU). */
#define CERT_YEARS	100
/* Binds session tickets and ids to this server; any constant will do. */
static const unsigned char session_context[] = "marquee";

/* Context-owned copy of the served host name, for the SNI callback. */
struct served {
	char	hostname[HOST_MAX + 1];
};

static pthread_mutex_t	 ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX		*current_ctx;
static int		 served_index = -1;

static const char *
openssl_reason(void)
{
	unsigned long	 e = ERR_get_error();
	const char	*r;

	ERR_clear_error();
	if (e == 0)
		return "unknown OpenSSL error";
	r = ERR_reason_error_string(e);
	return r != NULL ? r : "unknown OpenSSL error";
}

static void
served_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

/* Gemini clients must send SNI (specification section 4); only our host name is served. */
static int
sni_callback(SSL *ssl, int *alert, void *arg)
{
	const struct served	*s = arg;
	const char		*name;
	size_t			 n;

	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name == NULL) {
		*alert = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n != strlen(s->hostname) || strncasecmp(name, s->hostname, n) != 0) {
		*alert = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	return SSL_TLSEXT_ERR_OK;
}

/* Self-signed is the norm for Gemini client certificates: accept any, identify by key. */
static int
accept_any(int ok, X509_STORE_CTX *store)
{
	(void)ok, (void)store;
	return 1;
}

static int
hex_digest(const unsigned char *der, int len, char hex[FINGERPRINT_HEX])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	if (len <= 0 || !EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL))
		return -1;
	for (i = 0; i < mdlen && 2 * i + 2 < FINGERPRINT_HEX; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
key_fingerprint(X509 *cert, char hex[FINGERPRINT_HEX])
{
	unsigned char	*der = NULL;
	int		 len, rc;

	len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
	rc = hex_digest(der, len, hex);
	OPENSSL_free(der);
	return rc;
}

int
tls_client_identity(SSL *ssl, char hex[FINGERPRINT_HEX], char cn[CN_MAX + 1])
{
	X509		*cert;
	X509_NAME	*subject;
	char		 raw[CN_MAX + 1];
	size_t		 i, n = 0;

	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL)
		return -1;
	if (key_fingerprint(cert, hex) == -1)
		return -1;
	cn[0] = raw[0] = '\0';
	subject = X509_get_subject_name(cert);
	if (subject != NULL &&
	    X509_NAME_get_text_by_NID(subject, NID_commonName, raw, sizeof(raw)) < 0)
		raw[0] = '\0';
	/* Readers see the name: keep it printable. */
	for (i = 0; raw[i] != '\0' && n < CN_MAX; i++)
		if ((unsigned char)raw[i] >= 0x20 && raw[i] != 0x7f)
			cn[n++] = raw[i];
	cn[n] = '\0';
	return 0;
}

/* Logs the fingerprints clients pin: of the certificate, and of its public key. */
static void
log_fingerprints(X509 *cert, const char *path)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;
	char		colons[3 * EVP_MAX_MD_SIZE + 1] = "", key[FINGERPRINT_HEX] = "";

	if (X509_digest(cert, EVP_sha256(), md, &mdlen))
		for (i = 0; i < mdlen; i++)
			snprintf(colons + 3 * i, 4, i + 1 < mdlen ? "%02X:" : "%02X", md[i]);
	(void)key_fingerprint(cert, key);
	log_info("%s: certificate SHA-256 fingerprint %s", path, colons);
	log_info("%s: public key SHA-256 %s", path, key);
}

static int
write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert,
    const char **reason)
{
	FILE	*fp;
	int	 fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) == -1) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	ok = key != NULL ? PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_X509(fp, cert);
	if (fclose(fp) != 0 || !ok) {
		*reason = reasonf("%s: cannot write", path);
		unlink(path);
		return -1;
	}
	return 0;
}

static int
add_san(X509 *cert, const char *hostname)
{
	X509V3_CTX	 v3;
	X509_EXTENSION	*ext;
	char		 san[HOST_MAX + 8];
	int		 ok;

	/* An IP literal needs an IP entry: clients do not match it against DNS names. */
	snprintf(san, sizeof(san), "%s:%s", strspn(hostname, "0123456789.:") ==
	    strlen(hostname) ? "IP" : "DNS", hostname);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san)) == NULL)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok)
		return 0;
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "CA:FALSE")) == NULL)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *
make_certificate(EVP_PKEY *key, const char *hostname)
{
	X509		*cert;
	X509_NAME	*name;
	ASN1_INTEGER	*serial;
	unsigned char	 rnd[16];
	BIGNUM		*bn = NULL;

	if ((cert = X509_new()) == NULL)
		return NULL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto fail;
	rnd[0] &= 0x7f;		/* serials are positive (RFC 5280 section 4.1.2.2) */
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    (serial = X509_get_serialNumber(cert)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, serial) == NULL)
		goto fail;
	name = X509_get_subject_name(cert);
	if (!X509_set_version(cert, X509_VERSION_3) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)hostname, -1, -1, 0) ||
	    !X509_set_issuer_name(cert, name) ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), 365 * CERT_YEARS, 0, NULL) == NULL ||
	    !X509_set_pubkey(cert, key) || !add_san(cert, hostname) ||
	    !X509_sign(cert, key, EVP_sha256()))
		goto fail;
	BN_free(bn);
	return cert;
fail:
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

static int
generate(const struct config *c, const char **reason)
{
	EVP_PKEY	*key = NULL;
	X509		*cert = NULL;
	int		 rc = -1;

	if (mkdir(c->certs, 0755) == -1 && errno != EEXIST) {
		*reason = reasonf("%s: %s", c->certs, strerror(errno));
		return -1;
	}
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (cert = make_certificate(key, c->hostname)) == NULL) {
		*reason = reasonf("generating a certificate: %s", openssl_reason());
		goto out;
	}
	if (write_pem(c->key, 0600, key, NULL, reason) == -1)
		goto out;
	if (write_pem(c->cert, 0644, NULL, cert, reason) == -1) {
		unlink(c->key);
		goto out;
	}
	log_info("generated a self-signed certificate for %s in %s", c->hostname, c->cert);
	rc = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

static SSL_CTX *
context_new(const struct config *c, const char **reason)
{
	SSL_CTX		*ctx;
	struct served	*s;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*reason = reasonf("TLS: %s", openssl_reason());
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    !SSL_CTX_set_ex_data(ctx, served_index, s)) {
		free(s);
		*reason = "out of memory";
		goto fail;
	}
	snprintf(s->hostname, sizeof(s->hostname), "%s", c->hostname);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_max_early_data(ctx, 0);
	/* One ticket: each resumed connection brings its successor. */
	SSL_CTX_set_num_tickets(ctx, 1);
	/* TLS 1.3 suites, cheapest first; all three are as strong as a capsule needs. */
	SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:"
	    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384");
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_id_context(ctx, session_context, sizeof(session_context) - 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	SSL_CTX_set_tlsext_servername_callback(ctx, sni_callback);
	SSL_CTX_set_tlsext_servername_arg(ctx, s);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1) {
		*reason = reasonf("%s: %s", c->cert, openssl_reason());
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->key, SSL_FILETYPE_PEM) != 1) {
		*reason = reasonf("%s: %s", c->key, openssl_reason());
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		*reason = reasonf("%s: does not match %s", c->key, c->cert);
		goto fail;
	}
	return ctx;
fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

static void
context_swap(SSL_CTX *ctx)
{
	SSL_CTX	*old;

	pthread_mutex_lock(&ctx_lock);
	old = current_ctx;
	current_ctx = ctx;
	pthread_mutex_unlock(&ctx_lock);
	SSL_CTX_free(old);	/* connections still using it hold their own reference */
}

int
tls_init(const struct config *c, const char **reason)
{
	struct stat	 st;
	int		 have_cert, have_key;
	SSL_CTX		*ctx;

	if (served_index == -1 &&
	    (served_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, served_free)) == -1) {
		*reason = "TLS: no ex_data index";
		return -1;
	}
	have_cert = stat(c->cert, &st) == 0;
	have_key = stat(c->key, &st) == 0;
	if (have_cert != have_key) {
		*reason = reasonf("%s is missing (refusing to generate over %s)",
		    have_cert ? c->key : c->cert, have_cert ? c->cert : c->key);
		return -1;
	}
	if (!have_cert && generate(c, reason) == -1)
		return -1;
	if ((ctx = context_new(c, reason)) == NULL)
		return -1;
	log_fingerprints(SSL_CTX_get0_certificate(ctx), c->cert);
	context_swap(ctx);
	return 0;
}

int
tls_reload(const struct config *c, const char **reason)
{
	SSL_CTX	*ctx;

	if ((ctx = context_new(c, reason)) == NULL)
		return -1;
	log_fingerprints(SSL_CTX_get0_certificate(ctx), c->cert);
	context_swap(ctx);
	return 0;
}

void
tls_free(void)
{
	context_swap(NULL);
}

SSL *
tls_new(int fd, const char **reason)
{
	SSL	*ssl;

	pthread_mutex_lock(&ctx_lock);
	ssl = SSL_new(current_ctx);
	pthread_mutex_unlock(&ctx_lock);
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
		*reason = reasonf("TLS: %s", openssl_reason());
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_accept_state(ssl);
	return ssl;
}
