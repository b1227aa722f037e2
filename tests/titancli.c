/*
 * titancli: a small Titan client for the tests and the benchmark. It
 * shares no code with the server on purpose: it checks the server from
 * outside, and builds its request line itself.
 *
 *   titancli [-c CERT -k KEY] [-s SERVERNAME] [-t TOKEN] [-m MIME] [-z SIZE]
 *            [-H] [-x BYTES] [-n COUNT] [-T SECONDS] HOST PORT URL [FILE]
 *
 * The TLS server name is -s, else the URL's host. Sends "URL;mime=MIME;size=SIZE[;token=TOKEN]\r\n" and then FILE (none: an
 * empty body, a deletion), and prints the response header (without CRLF).
 * -z declares another size than FILE's; -H sends the line only and waits
 * for the answer with the connection left open, so a server that answers
 * proves it read no body; -x sends BYTES more bytes of 'x' after the body;
 * -r sends URL as the whole line (with \r\n added), for malformed lines;
 * -n repeats the upload COUNT times, one connection each, and prints
 * "COUNT uploads in SECONDS s" after them on standard error.
 *
 * Exit status: 0 a header was read, 1 usage, 2 connect or TLS failure,
 * 3 timeout, 4 the server closed without a header.
 */
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct options {
	const char	*host, *port, *url, *file, *cert, *key, *servername, *token, *mime;
	unsigned long long size;	/* ULLONG_MAX: the file's */
	int		 has_size;
	long		 extra;
	int		 header_only, raw;
	unsigned	 count, timeout;
};

static void
usage(void)
{
	fprintf(stderr, "usage: titancli [-c cert -k key] [-s name] [-t token] [-m mime] "
	    "[-z size] [-H] [-r] [-x bytes] [-n count] [-T s] host port url [file]\n");
	exit(1);
}

static void
on_alarm(int sig)
{
	(void)sig;
	(void)!write(2, "timeout\n", 8);
	_exit(3);
}

/* The whole of path, malloc'd, into *len; an empty body for NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*b;
	long	 n;

	*len = 0;
	if (path == NULL)
		return calloc(1, 1);
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (b = malloc((size_t)n + 1)) == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int
tcp_connect(const char *host, const char *port)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int		 fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
send_all(SSL *ssl, const char *p, size_t len)
{
	size_t	n;

	while (len > 0) {
		if (SSL_write_ex(ssl, p, len, &n) != 1)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Reads the header line into hdr; 0, or 4 when the server closed first. */
static int
read_header(SSL *ssl, char *hdr, size_t size)
{
	size_t	n = 0, got;

	while (n + 1 < size && SSL_read_ex(ssl, hdr + n, 1, &got) == 1) {
		if (hdr[n] == '\n') {
			hdr[n > 0 && hdr[n - 1] == '\r' ? n - 1 : n] = '\0';
			return 0;
		}
		n++;
	}
	return 4;
}

/* The name to ask for: -s, else the URL's host (up to ':' or '/'). */
static void
sni(const struct options *o, char *out, size_t size)
{
	const char	*h = strstr(o->url, "://");

	if (o->servername != NULL || h == NULL) {
		snprintf(out, size, "%s", o->servername != NULL ? o->servername : o->host);
		return;
	}
	h += 3;
	snprintf(out, size, "%.*s", (int)strcspn(h, ":/;"), h);
}

static int
upload(const struct options *o, SSL_CTX *ctx, const char *body, size_t len, int print)
{
	char	 line[4096], hdr[2048];
	SSL	*ssl;
	int	 fd, rc = 2, n;
	long	 i;

	if (o->raw)
		n = snprintf(line, sizeof(line), "%s\r\n", o->url);
	else
		n = snprintf(line, sizeof(line), "%s;mime=%s;size=%llu%s%s\r\n", o->url,
		    o->mime, o->has_size ? o->size : (unsigned long long)len,
		    o->token != NULL ? ";token=" : "", o->token != NULL ? o->token : "");
	if ((fd = tcp_connect(o->host, o->port)) == -1)
		return 2;
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	sni(o, hdr, sizeof(hdr));
	SSL_set_tlsext_host_name(ssl, hdr);
	if (SSL_connect(ssl) != 1 || send_all(ssl, line, (size_t)n) == -1)
		goto out;
	if (!o->header_only && send_all(ssl, body, len) == -1)
		goto out;
	for (i = 0; !o->header_only && i < o->extra; i++)
		if (send_all(ssl, "x", 1) == -1)
			goto out;
	if ((rc = read_header(ssl, hdr, sizeof(hdr))) == 0 && print)
		printf("%s\n", hdr);
out:
	if (rc == 2)
		fprintf(stderr, "TLS: %s\n", ERR_reason_error_string(ERR_get_error()));
	SSL_free(ssl);
	close(fd);
	return rc;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int	ch;

	o->mime = "text/gemini";
	o->count = 1;
	o->timeout = 10;
	while ((ch = getopt(argc, argv, "c:k:s:t:m:z:Hrx:n:T:")) != -1) {
		switch (ch) {
		case 'c': o->cert = optarg; break;
		case 'k': o->key = optarg; break;
		case 's': o->servername = optarg; break;
		case 't': o->token = optarg; break;
		case 'm': o->mime = optarg; break;
		case 'z': o->size = strtoull(optarg, NULL, 10); o->has_size = 1; break;
		case 'H': o->header_only = 1; break;
		case 'r': o->raw = 1; break;
		case 'x': o->extra = atol(optarg); break;
		case 'n': o->count = (unsigned)atoi(optarg); break;
		case 'T': o->timeout = (unsigned)atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 3 || argc - optind > 4 || o->count == 0)
		usage();
	o->host = argv[optind];
	o->port = argv[optind + 1];
	o->url = argv[optind + 2];
	o->file = argc - optind == 4 ? argv[optind + 3] : NULL;
}

int
main(int argc, char **argv)
{
	struct options	 o = { 0 };
	struct timespec	 t0, t1;
	SSL_CTX		*ctx;
	char		*body;
	size_t		 len;
	unsigned	 i;
	int		 rc = 0;

	parse_args(argc, argv, &o);
	body = slurp(o.file, &len);
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return 2;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (o.cert != NULL && (SSL_CTX_use_certificate_file(ctx, o.cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o.key, SSL_FILETYPE_PEM) != 1)) {
		fprintf(stderr, "titancli: cannot load %s\n", o.cert);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < o.count && rc == 0; i++) {
		alarm(o.timeout);
		rc = upload(&o, ctx, body, len, o.count == 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (o.count > 1)
		fprintf(stderr, "%u uploads in %.3f s\n", i, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	SSL_CTX_free(ctx);
	free(body);
	return rc;
}
