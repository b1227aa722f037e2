/*
 * hsbench: this machine's limit for a Gemini request's TLS, in-process. The
 * server context is marquee's own (tls_build in src/tls.c, so certificate,
 * groups, suites and TLS 1.3 settings cannot drift from the server's); a
 * client and the server talk through a memory BIO pair in one thread, with
 * no sockets, event loop, file or handler in the way. Only the server's
 * calls are timed, on the thread's CPU clock.
 *
 *   hsbench CERTS N [PENDING]
 *
 * serves localhost with the certificate in CERTS (made there if missing,
 * as marquee does) and runs N requests with full handshakes, then N with
 * the session of the one before resumed, each answered as marquee answers
 * its benchmark page: handshake, read the request line, one write of a
 * header and a 2,048-byte body, close_notify, free. Then it holds N
 * handshaken connections idle (their record buffers released, as tls.c
 * asks of OpenSSL) and weighs what the server keeps for each: the
 * library's own floor per connection.
 *
 * Last it holds PENDING (1,000 unless given) handshakes in progress, the
 * state most of 1,000 clients arriving at once are in: each server has
 * read the ClientHello and written its flight (ServerHello to Finished)
 * and waits for the client's Finished. The clients write their
 * ClientHellos first; then only the servers run, so what the process
 * gains meanwhile, in heap and in resident pages, is theirs.
 * Prints one line "RESULT full_ms=... resumed_ms=... resumed=... idle_bytes=...
 * pending=... pending_bytes=... pending_rss_bytes=...": server CPU
 * milliseconds per request, how many of the second N resumed, heap bytes
 * in use per idle server connection, and per handshake in progress its
 * heap bytes and the bytes of resident pages the process gained.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jemalloc/jemalloc.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config.h"
#include "tls.h"
#include "timing.h"

/* The benchmark page of tests/bench/run.sh: 2,048 bytes. */
#define BODY_SIZE	2048
/* Handshakes in progress weighed unless told: run.sh's 1,000 clients at once. */
#define PENDING		1000
/* Rounds of client and server turns after which a conversation is stuck. */
#define TURNS_MAX	16

enum srv_state { SRV_HANDSHAKE, SRV_READ, SRV_WRITE, SRV_SHUTDOWN, SRV_DONE };
enum cli_state { CLI_HANDSHAKE, CLI_WRITE, CLI_READ, CLI_DONE };

struct pair {
	SSL		*srv, *cli;
	enum srv_state	 ss;
	enum cli_state	 cs;
	int		 failed;
};

static char	 response[BODY_SIZE + 64];
static size_t	 response_len;
static double	 srv_ns;	/* server CPU spent in timed calls */
static long long srv_bytes;	/* heap bytes the server's calls kept, while weighing */
static int	 weighing;	/* jemalloc's count is refreshed only while weighing */

static double
thread_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long long
heap_in_use(void)
{
	uint64_t	epoch = 1;
	size_t		allocated = 0, len = sizeof(epoch);

	if (!weighing)
		return 0;
	/* Objects freed into the thread's cache are not in use; a new epoch refreshes the count. */
	(void)mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	(void)mallctl("epoch", &epoch, &len, &epoch, len);
	len = sizeof(allocated);
	(void)mallctl("stats.allocated", &allocated, &len, NULL, 0);
	return (long long)allocated;
}

/* 1 when r from an SSL call on s means "call again later", 0 when it failed. */
static int
blocked(SSL *s, int r)
{
	int	e = SSL_get_error(s, r);

	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

/* The server's part, as far as it goes before it needs the client; stop_at ends it early. */
static void
server_turn(struct pair *p, enum srv_state stop_at)
{
	char	buf[2048];
	size_t	n;
	int	r;

	while (p->ss < stop_at && !p->failed) {
		switch (p->ss) {
		case SRV_HANDSHAKE:
			if ((r = SSL_do_handshake(p->srv)) == 1)
				p->ss = SRV_READ;
			else if (blocked(p->srv, r))
				return;
			else
				p->failed = 1;
			break;
		case SRV_READ:
			if (SSL_read_ex(p->srv, buf, sizeof(buf), &n) == 1)
				p->ss = SRV_WRITE;
			else if (blocked(p->srv, 0))
				return;
			else
				p->failed = 1;
			break;
		case SRV_WRITE:
			if (SSL_write_ex(p->srv, response, response_len, &n) == 1)
				p->ss = SRV_SHUTDOWN;
			else
				p->failed = 1;
			break;
		case SRV_SHUTDOWN:
			if (SSL_shutdown(p->srv) >= 0)
				p->ss = SRV_DONE;
			else
				p->failed = 1;
			break;
		case SRV_DONE:
			return;
		}
	}
}

/* Times the server's turn and weighs what it kept on the heap. */
static void
timed_server_turn(struct pair *p, enum srv_state stop_at)
{
	long long	heap = heap_in_use();
	double		t = thread_ns();

	server_turn(p, stop_at);
	srv_ns += thread_ns() - t;
	srv_bytes += heap_in_use() - heap;
}

/* The client's part, as far as it goes before it needs the server; stop_at ends it early. */
static void
client_turn(struct pair *p, enum cli_state stop_at)
{
	static const char	request[] = "gemini://localhost/\r\n";
	char			buf[4096];
	size_t			n;
	int			r;

	while (p->cs < stop_at && !p->failed) {
		if (p->cs == CLI_HANDSHAKE) {
			if ((r = SSL_do_handshake(p->cli)) == 1)
				p->cs = CLI_WRITE;
			else if (blocked(p->cli, r))
				return;
			else
				p->failed = 1;
		} else if (p->cs == CLI_WRITE) {
			if (SSL_write_ex(p->cli, request, sizeof(request) - 1, &n) == 1)
				p->cs = CLI_READ;
			else
				p->failed = 1;
		} else if (SSL_read_ex(p->cli, buf, sizeof(buf), &n) != 1) {
			if (SSL_get_error(p->cli, 0) == SSL_ERROR_ZERO_RETURN)
				p->cs = CLI_DONE;
			else if (blocked(p->cli, 0))
				return;
			else
				p->failed = 1;
		}
	}
}

/* The server's SSL on its end of the BIO pair, as tls_new makes it; timed and weighed. */
static int
server_new(struct pair *p, SSL_CTX *sctx, BIO *sb)
{
	long long	heap = heap_in_use();
	double		t = thread_ns();

	p->srv = SSL_new(sctx);
	if (p->srv != NULL) {
		SSL_set_bio(p->srv, sb, sb);
		SSL_set_accept_state(p->srv);
	}
	srv_ns += thread_ns() - t;
	srv_bytes += heap_in_use() - heap;
	return p->srv != NULL ? 0 : -1;
}

/* The client's SSL on its end cb, offering sess when not NULL. */
static int
client_new(struct pair *p, SSL_CTX *cctx, BIO *cb, SSL_SESSION *sess)
{
	if ((p->cli = SSL_new(cctx)) == NULL)
		return -1;
	SSL_set_bio(p->cli, cb, cb);
	SSL_set_connect_state(p->cli);
	SSL_set_tlsext_host_name(p->cli, "localhost");
	if (sess != NULL)
		SSL_set_session(p->cli, sess);
	return 0;
}

/* A client and a server SSL joined by a BIO pair; the server's is timed and weighed. */
static int
pair_open(struct pair *p, SSL_CTX *sctx, SSL_CTX *cctx, SSL_SESSION *sess)
{
	BIO	*sb, *cb;

	memset(p, 0, sizeof(*p));
	if (!BIO_new_bio_pair(&sb, 0, &cb, 0))
		return -1;
	if (server_new(p, sctx, sb) == -1)
		return -1;
	return client_new(p, cctx, cb, sess);
}

static void
pair_free(struct pair *p)
{
	long long	heap;
	double		t;

	/* Freed unshut, the client's session would no longer be resumable. */
	SSL_set_shutdown(p->cli, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(p->cli);
	heap = heap_in_use();
	t = thread_ns();
	SSL_free(p->srv);
	srv_ns += thread_ns() - t;
	srv_bytes += heap_in_use() - heap;
}

/* Runs p until the server and the client reach their stops; -1 when stuck. */
static int
converse(struct pair *p, enum srv_state srv_stop, enum cli_state cli_stop)
{
	int	i;

	for (i = 0; i < TURNS_MAX && !p->failed; i++) {
		client_turn(p, cli_stop);
		timed_server_turn(p, srv_stop);
		if (p->ss >= srv_stop && p->cs >= cli_stop)
			return 0;
	}
	return -1;
}

/* n whole requests, each resuming the last one's session with resume; server ms per request. */
static double
requests(SSL_CTX *sctx, SSL_CTX *cctx, unsigned n, int resume, unsigned *reused)
{
	SSL_SESSION	*sess = NULL;
	struct pair	 p;
	unsigned	 i;

	srv_ns = 0;
	*reused = 0;
	for (i = 0; i < n; i++) {
		if (pair_open(&p, sctx, cctx, resume ? sess : NULL) == -1 ||
		    converse(&p, SRV_DONE, CLI_DONE) == -1) {
			ERR_print_errors_fp(stderr);
			fprintf(stderr, "hsbench: request %u failed\n", i);
			exit(1);
		}
		*reused += SSL_session_reused(p.cli) == 1;
		if (resume) {
			SSL_SESSION_free(sess);
			sess = SSL_get1_session(p.cli);
		}
		pair_free(&p);
	}
	SSL_SESSION_free(sess);
	return srv_ns / 1e6 / n;
}

/* Heap bytes the server keeps per handshaken connection that has sent nothing. */
static double
idle_bytes(SSL_CTX *sctx, SSL_CTX *cctx, unsigned n)
{
	struct pair	*p;
	unsigned	 i;
	double		 per;

	if ((p = calloc(n, sizeof(*p))) == NULL)
		exit(1);
	srv_bytes = 0;
	weighing = 1;
	for (i = 0; i < n; i++) {
		if (pair_open(&p[i], sctx, cctx, NULL) == -1 ||
		    converse(&p[i], SRV_READ, CLI_WRITE) == -1) {
			fprintf(stderr, "hsbench: idle connection %u failed\n", i);
			exit(1);
		}
	}
	per = (double)srv_bytes / n;
	weighing = 0;
	for (i = 0; i < n; i++)
		pair_free(&p[i]);
	free(p);
	return per;
}

/* Hands every free page of every arena back to the system. */
static void
give_back_free_pages(void)
{
	char	name[64];

	(void)mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
	if (snprintf(name, sizeof(name), "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL) < (int)sizeof(name))
		(void)mallctl(name, NULL, NULL, NULL, 0);
}

/* Bytes of this process's resident pages, exact: smaps_rollup walks the page tables. */
static long long
resident_bytes(void)
{
	return (long long)proc_kib("/proc/self/smaps_rollup", "Rss:") * 1024;
}

/*
 * A client's half of a handshake in progress: its ClientHello written to a
 * BIO pair whose server end is left in *sb. The pair's buffers stand for
 * the sockets' (kernel memory, in marquee): the server's is filled and
 * drained here once, so that the server's flight written to it later adds
 * no resident page.
 */
static int
pending_client(struct pair *p, SSL_CTX *cctx, BIO **sb)
{
	static char	fill[4096];
	BIO		*cb;
	size_t		 room;

	memset(p, 0, sizeof(*p));
	if (!BIO_new_bio_pair(sb, 0, &cb, 0))
		return -1;
	while ((room = BIO_ctrl_get_write_guarantee(*sb)) > 0)
		(void)BIO_write(*sb, fill, room < sizeof(fill) ? (int)room : (int)sizeof(fill));
	while (BIO_read(cb, fill, sizeof(fill)) > 0)
		continue;
	if (client_new(p, cctx, cb, NULL) == -1)
		return -1;
	client_turn(p, CLI_WRITE);
	return p->failed || p->cs != CLI_HANDSHAKE ? -1 : 0;
}

/*
 * The server's half: it takes sb, reads the ClientHello and writes its
 * flight, then waits for the client's Finished, which the client has not
 * read the flight to send. A TLS 1.3 server that wrote its Finished waits
 * in TLS_ST_EARLY_DATA (as it would for early data, which tls.c refuses);
 * a HelloRetryRequest would have left it elsewhere.
 */
static int
pending_server(struct pair *p, SSL_CTX *sctx, BIO *sb)
{
	if (server_new(p, sctx, sb) == -1)
		return -1;
	timed_server_turn(p, SRV_READ);
	if (p->failed || p->ss != SRV_HANDSHAKE || !SSL_in_init(p->srv) ||
	    SSL_get_state(p->srv) != TLS_ST_EARLY_DATA ||
	    BIO_ctrl_pending(SSL_get_rbio(p->cli)) == 0)
		return -1;
	return 0;
}

/*
 * Heap bytes the server keeps per handshake in progress; in *rss, the
 * bytes of resident pages the process gained per handshake while only the
 * servers ran: the pages they touched, which is what a server's RSS pays
 * (OpenSSL clears the 21 KiB message buffer it grows). A server waiting
 * here holds no record buffer.
 */
static double
pending_bytes(SSL_CTX *sctx, SSL_CTX *cctx, unsigned n, double *rss)
{
	struct pair	*p;
	BIO		**sb;
	long long	 before;
	unsigned	 i;
	double		 per;

	if ((p = calloc(n, sizeof(*p))) == NULL || (sb = calloc(n, sizeof(*sb))) == NULL)
		exit(1);
	for (i = 0; i < n; i++)
		if (pending_client(&p[i], cctx, &sb[i]) == -1)
			goto fail;
	/* Free pages go back, so that a page a server reuses counts as one it touched. */
	give_back_free_pages();
	srv_bytes = 0;
	weighing = 1;
	before = resident_bytes();
	for (i = 0; i < n; i++)
		if (pending_server(&p[i], sctx, sb[i]) == -1)
			goto fail;
	*rss = (double)(resident_bytes() - before) / n;
	per = (double)srv_bytes / n;
	weighing = 0;
	for (i = 0; i < n; i++)
		pair_free(&p[i]);
	free(sb);
	free(p);
	return per;
fail:
	ERR_print_errors_fp(stderr);
	fprintf(stderr, "hsbench: handshake in progress %u failed\n", i);
	exit(1);
}

static SSL_CTX *
server_ctx(const char *certs)
{
	struct config	*c = config_new();
	const char	*reason = NULL;
	SSL_CTX		*ctx;

	if (c == NULL || config_set(c, "hostname", "localhost", &reason) == -1 ||
	    config_set(c, "certs", certs, &reason) == -1 ||
	    config_finish(c, &reason) == -1 || tls_init(&reason) == -1 ||
	    (ctx = tls_build(c, &reason)) == NULL) {
		fprintf(stderr, "hsbench: %s\n", reason != NULL ? reason : "out of memory");
		exit(1);
	}
	return ctx;
}

int
main(int argc, char **argv)
{
	SSL_CTX		*sctx, *cctx;
	unsigned	 n, pending = PENDING, reused, unused;
	double		 full, resumed, idle, held, held_rss;
	int		 len;

	if ((argc != 3 && argc != 4) || (n = (unsigned)strtoul(argv[2], NULL, 10)) == 0 ||
	    (argc == 4 && (pending = (unsigned)strtoul(argv[3], NULL, 10)) == 0)) {
		fprintf(stderr, "usage: hsbench CERTS N [PENDING]\n");
		return 1;
	}
	sctx = server_ctx(argv[1]);
	if ((cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return 1;
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT);
	len = snprintf(response, sizeof(response), "20 text/gemini\r\n");
	memset(response + len, 'x', BODY_SIZE);
	response_len = (size_t)len + BODY_SIZE;

	/* A first round warms caches and the allocator; only the second counts. */
	(void)requests(sctx, cctx, n / 10 + 1, 0, &unused);
	full = requests(sctx, cctx, n, 0, &unused);
	resumed = requests(sctx, cctx, n, 1, &reused);
	idle = idle_bytes(sctx, cctx, n);
	held = pending_bytes(sctx, cctx, pending, &held_rss);
	printf("server CPU per request: full handshake %.3f ms, resumed %.3f ms "
	    "(%u of %u resumed); an idle handshaken connection keeps %.0f bytes; "
	    "of %u handshakes in progress each keeps %.0f bytes and touched %.0f bytes of pages\n",
	    full, resumed, reused, n, idle, pending, held, held_rss);
	printf("RESULT full_ms=%.4f resumed_ms=%.4f resumed=%u idle_bytes=%.0f "
	    "pending=%u pending_bytes=%.0f pending_rss_bytes=%.0f\n",
	    full, resumed, reused, idle, pending, held, held_rss);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	return 0;
}
