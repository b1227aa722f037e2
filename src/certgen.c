/*
 * The self-signed certificate a host gets on first start: an ECDSA P-256
 * key (file mode 0600) and a certificate naming the host in its CN and
 * subjectAltName. Loading certificates and serving TLS are tls.c's.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certgen.h"
#include "config.h"
#include "log.h"
#include "request.h"
#include "sslerr.h"
#include "vocab.h"

/* Generated certificates start a day early to absorb clock skew, and last a century. */
#define NOT_BEFORE_SECONDS	(-24L * 60 * 60)
#define NOT_AFTER_DAYS		(100 * 365 + 25)

/* Returns 1 when path exists, 0 when not, -1 with *reason when it cannot tell. */
static int
file_exists(const char *path, const char **reason)
{
	struct stat	sb;

	if (stat(path, &sb) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	*reason = reasonf("%s: %s", path, strerror(errno));
	return -1;
}

/* O_EXCL: a key already there is never overwritten. */
static FILE *
create_file(const char *path, mode_t mode, const char **reason)
{
	FILE	*fp;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	return fp;
}

/* Closes fp after OpenSSL wrote it with result ok; removes path on failure. */
static int
finish_file(FILE *fp, const char *path, int ok, const char **reason)
{
	if (!ok) {
		*reason = ssl_error_reason(path);
		fclose(fp);
		unlink(path);
		return -1;
	}
	if (fclose(fp) == EOF) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

static int
write_key(const char *path, EVP_PKEY *key, const char **reason)
{
	FILE	*fp;
	int	 ok;

	if ((fp = create_file(path, 0600, reason)) == NULL)
		return -1;
	ok = PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL);
	return finish_file(fp, path, ok, reason);
}

static int
write_cert(const char *path, X509 *x, const char **reason)
{
	FILE	*fp;
	int	 ok;

	if ((fp = create_file(path, 0644, reason)) == NULL)
		return -1;
	ok = PEM_write_X509(fp, x);
	return finish_file(fp, path, ok, reason);
}

/* Subject and issuer CN=host; ub-common-name is 64, the SAN has the full name. */
static int
set_names(X509 *x, const char *host)
{
	X509_NAME	*name = X509_get_subject_name(x);
	size_t		 len = strnlen(host, CN_MAX);

	if (!X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)host, (int)len, -1, 0))
		return -1;
	return X509_set_issuer_name(x, name) ? 0 : -1;
}

static int
add_basic_constraints(X509 *x)
{
	BASIC_CONSTRAINTS	*bc;
	int			 ret;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return -1;
	bc->ca = 0;
	ret = X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, 0) == 1 ? 0 : -1;
	BASIC_CONSTRAINTS_free(bc);
	return ret;
}

/* The hostname as a DNS name, or as an address when it is a literal. */
static int
add_san(X509 *x, const char *host)
{
	GENERAL_NAMES		*names;
	GENERAL_NAME		*gn;		/* until pushed onto names */
	ASN1_IA5STRING		*dns;
	ASN1_OCTET_STRING	*ip;
	int			 ret = -1;

	if ((names = GENERAL_NAMES_new()) == NULL)
		return -1;
	if ((gn = GENERAL_NAME_new()) == NULL)
		goto done;
	if (host_is_address(host)) {
		if ((ip = a2i_IPADDRESS(host)) == NULL)
			goto done;
		GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
	} else {
		if ((dns = ASN1_IA5STRING_new()) == NULL)
			goto done;
		if (!ASN1_STRING_set(dns, host, -1)) {
			ASN1_IA5STRING_free(dns);
			goto done;
		}
		GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
	}
	if (!sk_GENERAL_NAME_push(names, gn))
		goto done;
	gn = NULL;
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, 0) == 1)
		ret = 0;
done:
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(names);
	return ret;
}

static int
set_serial(X509 *x)
{
	BIGNUM	*bn;
	int	 ret = -1;

	if ((bn = BN_new()) == NULL)
		return -1;
	if (BN_rand(bn, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		ret = 0;
	BN_free(bn);
	return ret;
}

/* Returns a self-signed certificate (caller frees), or NULL with the error queued. */
static X509 *
make_cert(EVP_PKEY *key, const char *host)
{
	X509	*x;

	if ((x = X509_new()) == NULL)
		return NULL;
	/* X509_time_adj_ex counts in days, so 64-bit time_t is not even needed. */
	if (!X509_set_version(x, X509_VERSION_3) ||
	    set_serial(x) == -1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), NOT_BEFORE_SECONDS) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), NOT_AFTER_DAYS, 0,
	    NULL) == NULL ||
	    !X509_set_pubkey(x, key) ||
	    set_names(x, host) == -1 ||
	    add_basic_constraints(x) == -1 ||
	    add_san(x, host) == -1 ||
	    X509_sign(x, key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
generate(const struct host_config *h, const char **reason)
{
	EVP_PKEY	*key;
	X509		*x = NULL;
	char		 dir[PATH_MAX];
	int		 ret = -1;

	/* The certificate's own directory: certs by default, and named as seen from a chroot. */
	snprintf(dir, sizeof(dir), "%s", h->cert);
	if (mkdir(dirname(dir), 0755) == -1 && errno != EEXIST) {
		*reason = reasonf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (x = make_cert(key, h->name)) == NULL) {
		*reason = ssl_error_reason(h->cert);
		goto done;
	}
	if (write_key(h->key, key, reason) == -1)
		goto done;
	if (write_cert(h->cert, x, reason) == -1) {
		/* A lone key would stop the next start from generating. */
		unlink(h->key);
		goto done;
	}
	log_info("generated self-signed certificate for %s in %s",
	    h->name, h->cert);
	ret = 0;
done:
	X509_free(x);
	EVP_PKEY_free(key);
	return ret;
}

/* Both files, or neither and they are generated; one alone is a mistake. */
int
cert_ensure(const struct host_config *h, const char **reason)
{
	int	have_cert, have_key;

	if ((have_cert = file_exists(h->cert, reason)) == -1 ||
	    (have_key = file_exists(h->key, reason)) == -1)
		return -1;
	if (have_cert && have_key)
		return 0;
	if (!have_cert && !have_key)
		return generate(h, reason);
	*reason = reasonf("%s: missing, while %s exists",
	    have_cert ? h->key : h->cert, have_cert ? h->cert : h->key);
	return -1;
}
