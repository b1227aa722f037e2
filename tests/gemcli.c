/*
 * gemcli: a small Gemini client for the integration tests. It shares no
 * code with the server on purpose: it checks the server from outside.
 *
 *   gemcli [-t SECONDS] [-s SERVERNAME | -S] [-c CERT -k KEY] [-o BODYFILE]
 *          [-r] [-w SECONDS] [-i FILE] [-p FILE] [-x BYTES] [-b SOURCE] [-v] HOST PORT REQUEST
 *   gemcli -n N [-L] [-i FILE] [-t SECONDS] HOST PORT REQUEST
 *
 * -n runs N clients at once, each a thread with its own connection (a
 * process each cost several milliseconds of CPU to fork on the test
 * machine: seconds for 1,000). With -L each one puts its number in place
 * of "{n}" in the request (so N readers can each sign a guestbook with
 * their own text) and prints "NUMBER HEADER" when it gets a header.
 *
 * -b connects from the address SOURCE (such as 127.0.0.2, any loopback
 * address on Linux), so a test can be another client than 127.0.0.1.
 *
 * -p: once the request is sent, reads nothing until FILE exists: a reader
 * that stops reading for as long as the test needs to see what the server
 * does meanwhile (the test makes FILE when it is done).
 *
 * -i: once the handshake is done and the server's session ticket is in (so
 * the server has finished its side too), prints "idle" and sends nothing
 * until FILE exists: a client that connected and went idle, whose
 * connection the server may hold without buffers meanwhile.
 *
 * -x sends BYTES (with the escapes of -r: \r \n \t \0 \\ \xHH) before the TLS
 * handshake, as a load balancer's PROXY protocol header would be.
 *
 * Exit status: 0 a header was read, 1 usage, 2 connect or TLS failure,
 * 3 timeout, 4 the server closed without a header.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
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
	const char	*host, *port, *request;
	const char	*servername, *cert, *key, *body_file, *prefix, *source;
	const char	*pause_until, *idle_until;
	int		 no_sni, raw, verbose, list;
	unsigned	 timeout, wait_before, concurrent;
};

/* The header of the thread's last fetch, for -L. */
static _Thread_local char	last_header[2048];

static void
usage(void)
{
	fprintf(stderr, "usage: gemcli [-t s] [-s name | -S] [-c cert -k key] "
	    "[-o file] [-r] [-w s] [-i file] [-p file] [-x bytes] [-b source] [-v] [-n N [-L]] "
	    "host port request\n");
	exit(1);
}

static void
on_alarm(int sig)
{
	(void)sig;
	(void)!write(2, "timeout\n", 8);
	_exit(3);
}

/* -p: until file exists; the alarm of -t still ends a wait that never does. */
static void
pause_until(const char *file)
{
	struct timespec	tick = { .tv_nsec = 10 * 1000 * 1000 };

	while (access(file, F_OK) == -1)
		nanosleep(&tick, NULL);
}

/* -i: until the server's first bytes after the handshake (its ticket) arrive, then idle until file exists. */
static void
go_idle(int fd, const char *file)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	(void)poll(&pfd, 1, -1);
	printf("idle\n");
	fflush(stdout);
	pause_until(file);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Interprets \r \n \t \0 \\ \xHH in s; returns the byte count written to out. */
static size_t
unescape(const char *s, char *out)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			out[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case '0': out[n++] = '\0'; break;
		case 'x':
			if (hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
				out[n++] = (char)(hexval(s[1]) << 4 | hexval(s[2]));
				s += 2;
				break;
			}
			/* FALLTHROUGH */
		default: out[n++] = *s; break;
		}
	}
	return n;
}

/* Binds fd to the address source (port 0: any); 0, or -1 when it cannot. */
static int
bind_source(int fd, int family, const char *source)
{
	struct addrinfo	 hints = { .ai_family = family, .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_NUMERICHOST }, *res;
	int		 rc;

	if (source == NULL)
		return 0;
	if (getaddrinfo(source, NULL, &hints, &res) != 0)
		return -1;
	rc = bind(fd, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return rc;
}

static int
tcp_connect(const char *host, const char *port, const char *source)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int		 fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) == -1)
			continue;
		if (bind_source(fd, ai->ai_family, source) == 0 &&
		    connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static SSL_CTX *
client_ctx(const struct options *o)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (o->cert != NULL && (SSL_CTX_use_certificate_file(ctx, o->cert, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* One request; returns the exit status described at the top. */
static int
fetch(const struct options *o, SSL_CTX *ctx, int quiet)
{
	char	 req[8192], buf[16384], sni[256];
	size_t	 reqlen, n, hlen = 0;
	FILE	*body = stdout;
	SSL	*ssl;
	int	 fd, rc = 4, in_header = 1, err;

	if ((fd = tcp_connect(o->host, o->port, o->source)) == -1) {
		if (!quiet)
			fprintf(stderr, "connect: %s\n", strerror(errno));
		return 2;
	}
	if (o->prefix != NULL) {
		reqlen = unescape(o->prefix, req);
		if (write(fd, req, reqlen) != (ssize_t)reqlen) {
			close(fd);
			return 2;
		}
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (!o->no_sni) {
		snprintf(sni, sizeof(sni), "%s", o->servername != NULL ? o->servername : o->host);
		SSL_set_tlsext_host_name(ssl, sni);
	}
	if (SSL_connect(ssl) != 1) {
		if (!quiet)
			fprintf(stderr, "TLS: %s\n",
			    ERR_reason_error_string(ERR_get_error()));
		rc = 2;
		goto out;
	}
	if (o->wait_before > 0)
		sleep(o->wait_before);
	if (o->idle_until != NULL)
		go_idle(fd, o->idle_until);
	if (o->raw)
		reqlen = unescape(o->request, req);
	else
		reqlen = (size_t)snprintf(req, sizeof(req), "%s\r\n", o->request);
	if (reqlen > 0 && SSL_write(ssl, req, (int)reqlen) <= 0) {
		rc = 4;
		goto out;
	}
	if (o->pause_until != NULL)
		pause_until(o->pause_until);
	if (o->body_file != NULL && !quiet && (body = fopen(o->body_file, "wb")) == NULL) {
		perror(o->body_file);
		rc = 1;
		goto out;
	}
	while (SSL_read_ex(ssl, buf, sizeof(buf), &n) == 1) {
		size_t	i = 0;

		if (in_header) {
			while (i < n && buf[i] != '\n')
				i++;
			if (hlen == 0)
				snprintf(last_header, sizeof(last_header), "%.*s",
				    (int)(i > 0 && buf[i - 1] == '\r' ? i - 1 : i), buf);
			hlen += i;
			if (!quiet)
				fwrite(buf, 1, i > 0 && i < n && buf[i - 1] == '\r' ? i - 1 : i, stdout);
			if (quiet && hlen > 0 && i > 0 && buf[0] != '2')
				rc = 5;
			if (i == n)
				continue;
			i++;
			in_header = 0;
			if (rc != 5)
				rc = 0;
			if (!quiet) {
				fputc('\n', stdout);
				fflush(stdout);
			}
		}
		if (!quiet)
			fwrite(buf + i, 1, n - i, body);
	}
	err = SSL_get_error(ssl, 0);
	if (o->verbose) {
		fprintf(stderr, "tls: %s\n", SSL_get_version(ssl));
		fprintf(stderr, "close_notify: %s\n",
		    (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) ? "yes" : "no");
		fprintf(stderr, "resumed: %s\n", SSL_session_reused(ssl) ? "yes" : "no");
	}
	(void)err;
	if (rc == 4 && !quiet)
		fprintf(stderr, "closed\n");
	if (body != stdout)
		fclose(body);
out:
	SSL_free(ssl);
	close(fd);
	return rc;
}

/* -L: client number i's request, with i in place of "{n}". */
static int
numbered(const struct options *o, SSL_CTX *ctx, unsigned i)
{
	struct options	 mine = *o;
	char		 req[4096];
	const char	*at = strstr(o->request, "{n}");
	int		 rc;

	if (at != NULL) {
		snprintf(req, sizeof(req), "%.*s%u%s", (int)(at - o->request),
		    o->request, i, at + 3);
		mine.request = req;
	}
	rc = fetch(&mine, ctx, 1);
	if (last_header[0] == '\0')
		return rc;
	printf("%u %s\n", i, last_header);
	fflush(stdout);
	return 0;
}

/* One of -n's clients. */
struct client {
	pthread_t		 thread;
	const struct options	*o;
	SSL_CTX			*ctx;
	unsigned		 i;
	int			 started, rc;
};

static void *
client_run(void *arg)
{
	struct client	*c = arg;

	c->rc = c->o->list ? numbered(c->o, c->ctx, c->i) : fetch(c->o, c->ctx, 1);
	return NULL;
}

/*
 * -n: N clients at once, each in its own thread; all must get a 2x header,
 * or with -L any header.
 */
static int
fetch_many(const struct options *o, SSL_CTX *ctx)
{
	struct client	*c;
	pthread_attr_t	 attr;
	unsigned	 i, ok = 0, failed = 0;

	if ((c = calloc(o->concurrent, sizeof(*c))) == NULL) {
		fprintf(stderr, "gemcli: out of memory\n");
		return 1;
	}
	/* A fetch needs some 30 KB of stack: 1,000 threads need not reserve 8 MB each. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (i = 0; i < o->concurrent; i++) {
		c[i].o = o;
		c[i].ctx = ctx;
		c[i].i = i;
		c[i].started = pthread_create(&c[i].thread, &attr, client_run, &c[i]) == 0;
	}
	pthread_attr_destroy(&attr);
	for (i = 0; i < o->concurrent; i++) {
		if (c[i].started)
			pthread_join(c[i].thread, NULL);
		if (c[i].started && c[i].rc == 0)
			ok++;
		else
			failed++;
	}
	free(c);
	printf("ok=%u failed=%u\n", ok, failed);
	return failed == 0 ? 0 : 5;
}

int
main(int argc, char **argv)
{
	struct options	 o = { .timeout = 15 };
	SSL_CTX		*ctx;
	int		 ch;

	while ((ch = getopt(argc, argv, "t:s:Sc:k:o:rw:i:p:vn:Lx:b:")) != -1) {
		switch (ch) {
		case 't': o.timeout = (unsigned)atoi(optarg); break;
		case 's': o.servername = optarg; break;
		case 'S': o.no_sni = 1; break;
		case 'c': o.cert = optarg; break;
		case 'k': o.key = optarg; break;
		case 'o': o.body_file = optarg; break;
		case 'r': o.raw = 1; break;
		case 'w': o.wait_before = (unsigned)atoi(optarg); break;
		case 'p': o.pause_until = optarg; break;
		case 'i': o.idle_until = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'n': o.concurrent = (unsigned)atoi(optarg); break;
		case 'L': o.list = 1; break;
		case 'x': o.prefix = optarg; break;
		case 'b': o.source = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 3 || (o.cert != NULL) != (o.key != NULL))
		usage();
	o.host = argv[optind];
	o.port = argv[optind + 1];
	o.request = argv[optind + 2];
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(o.timeout);
	if ((ctx = client_ctx(&o)) == NULL) {
		fprintf(stderr, "TLS: cannot set up the client\n");
		return 2;
	}
	ch = o.concurrent > 0 ? fetch_many(&o, ctx) : fetch(&o, ctx, 0);
	SSL_CTX_free(ctx);
	return ch;
}
