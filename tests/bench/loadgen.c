/*
 * loadgen: a Gemini load generator for the benchmarks. One thread, epoll,
 * many connections in flight; each request is a new TCP+TLS connection, as
 * Gemini has no keep-alive. Shares no code with the server.
 *
 *   loadgen -h HOST -p PORT -u URL [-s SNI] [-c CONC] [-n TOTAL | -d SECS]
 *           [-R] [-P SERVER_PID [-W SECS]]
 *   loadgen [-T] -h HOST -p PORT -I N [-H SECS [-S -u URL]] [-s SNI] -P SERVER_PID [-W SECS]
 *   loadgen -T -h HOST -p PORT -u SELECTOR [-c CONC] [-n TOTAL | -d SECS] [-P PID]
 *
 * -T speaks Gopher: plain TCP, the selector and CRLF, success unless the
 * answer starts with a type-3 line. Server CPU includes reaped children, so
 * an inetd-style server that forks per connection is measured whole.
 * -R offers the TLS session from an earlier connection (resumption). -P reads
 * the server's CPU time and memory from /proc: its RSS before the run and
 * as it ends and, with -W, SECS seconds after it ended (issue 19's "a
 * minute after the load ends": a fixed wait, as a server hands memory back
 * on its own schedule), with the least RSS seen meanwhile. -I opens N
 * connections, completes their handshakes and holds them idle (-H seconds,
 * or until a SIGTERM, then closes them; it prints READY once all are open);
 * with -S each sends the request one byte a second meanwhile, as a
 * slowloris would. A test releases its flood with SIGTERM once its checks
 * are done, so -H is only its deadline. With -I the server's memory per
 * connection is weighed as soon as all are up and, with -W, again once its
 * RSS has held still (SECS at most), before READY.
 * In URL, "{n}" is the request's number, "{n%M}" a number from 1 to M.
 * Prints a human summary and one line "RESULT key=value ...".
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "timing.h"

enum phase { CONNECTING, HANDSHAKE, READING, IDLE };

struct slot {
	int		 fd;
	SSL		*ssl;
	enum phase	 phase;
	double		 started;
	char		 head[3];
	size_t		 headlen;
	size_t		 sent;		/* -S: bytes of the request sent so far */
};

static struct {
	const char	*host, *port, *url, *sni;
	unsigned	 conc, total, idle;
	double		 seconds, hold, wait;	/* -W: -I's settling at most; after a run, its wait */
	int		 resume, pid, plain, slow;
	const char	*expect;
} opt = { .conc = 10, .port = "1965", .expect = "20" };

static struct addrinfo	*addr;
static SSL_CTX		*ctx;
static SSL_SESSION	*session;
static int		 ep;
static unsigned		 sent;
static double		*lat;
static size_t		 nlat, caplat;
static unsigned		 started, done, errors, full, resumed, handshaken, closed;
/* -H: a SIGTERM ends the hold before its time. */
static volatile sig_atomic_t	 released;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of pid in milliseconds, from /proc/PID/stat. */
static double
cpu_ms(int pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut, st;
	long		 cut, cst;
	FILE		*fp;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	p = fgets(buf, sizeof(buf), fp);
	fclose(fp);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld",
	    &ut, &st, &cut, &cst) != 4)
		return 0;
	return (double)(ut + st + (unsigned long)cut + (unsigned long)cst) * 1000.0 /
	    (double)sysconf(_SC_CLK_TCK);
}

/* -I: RSS held still this long counts as settled. */
#define SETTLE_S	5
/* -W after a run: how often the server's RSS is read, and printed. */
#define SAMPLE_S	0.25
#define TRACE_S		10

static long
rss_kib(int pid)
{
	char	path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return proc_kib(path, "VmRSS:");
}

/*
 * pid's RSS once no reading in SETTLE_S seconds moved it by more than 1%,
 * or after max_s seconds.
 */
static long
settled_kib(int pid, double max_s)
{
	double	end = now() + max_s, still_since = now();
	long	kib = rss_kib(pid), cur;

	while (now() < end && now() - still_since < SETTLE_S) {
		usleep(250000);
		cur = rss_kib(pid);
		if (labs(cur - kib) * 100 > kib) {
			kib = cur;
			still_since = now();
		}
	}
	return kib;
}

static void
watch(struct slot *s, unsigned events, int op)
{
	struct epoll_event	ee = { .events = events, .data.ptr = s };

	epoll_ctl(ep, op, s->fd, &ee);
}

static void
slot_close(struct slot *s)
{
	if (s->ssl != NULL)
		SSL_free(s->ssl);
	if (s->fd != -1)
		close(s->fd);
	s->ssl = NULL;
	s->fd = -1;
}

static int
more_wanted(void)
{
	if (opt.idle > 0)
		return started < opt.idle;
	if (opt.total > 0)
		return started < opt.total;
	return 1;
}

static void
slot_start(struct slot *s)
{
	int	one = 1;

	s->fd = socket(addr->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->started = now();
	s->headlen = 0;
	s->phase = CONNECTING;
	started++;
	if (connect(s->fd, addr->ai_addr, addr->ai_addrlen) == -1 && errno != EINPROGRESS) {
		errors++;
		slot_close(s);
		return;
	}
	watch(s, EPOLLOUT, EPOLL_CTL_ADD);
}

static void
record(double ms)
{
	double	*p;

	if (nlat == caplat) {
		caplat = caplat ? caplat * 2 : 4096;
		if ((p = realloc(lat, caplat * sizeof(*lat))) == NULL)
			abort();
		lat = p;
	}
	lat[nlat++] = ms;
}

static void
slot_finish(struct slot *s, int ok)
{
	if (!ok)
		errors++;
	else
		record((now() - s->started) * 1000.0);
	if (ok && s->ssl != NULL) {
		/* A session from a connection not marked shut down is not resumable. */
		SSL_set_shutdown(s->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		/* TLS 1.3 tickets are meant for one use: keep the newest. */
		if (opt.resume) {
			SSL_SESSION_free(session);
			session = SSL_get1_session(s->ssl);
		}
	}
	done++;
	slot_close(s);
}

/*
 * The next request line: the URL with the request's number in place of
 * every "{n}", and a number from 1 to M in place of every "{n%M}" (1 plus
 * the request's number modulo M: to spread requests over M existing things).
 */
static size_t
next_request(char *out, size_t size)
{
	const char	*url = opt.url != NULL ? opt.url : "", *p, *end;
	unsigned long	 m;
	size_t		 len = 0;
	int		 n;

	for (p = url; *p != '\0' && len < size; p = end) {
		if (strncmp(p, "{n}", 3) == 0) {
			n = snprintf(out + len, size - len, "%u", sent);
			end = p + 3;
		} else if (strncmp(p, "{n%", 3) == 0 && (m = strtoul(p + 3, (char **)&end, 10)) > 0 &&
		    *end == '}') {
			n = snprintf(out + len, size - len, "%lu", 1 + sent % m);
			end++;
		} else {
			out[len] = *p;
			n = 1;
			end = p + 1;
		}
		len += n > 0 ? (size_t)n : size;
	}
	sent++;
	n = len < size ? snprintf(out + len, size - len, "\r\n") : -1;
	return n > 0 && len + (size_t)n < size ? len + (size_t)n : 0;
}

/* Gopher: send the selector once, then read to EOF; a '3' first means an error. */
static void
plain_step(struct slot *s)
{
	char	buf[16384];
	ssize_t	n;
	size_t	len;

	if (s->phase == CONNECTING) {
		len = next_request(buf, sizeof(buf));
		if (write(s->fd, buf, len) != (ssize_t)len) {
			slot_finish(s, 0);
			return;
		}
		s->phase = READING;
		watch(s, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	while ((n = read(s->fd, buf, sizeof(buf))) > 0)
		if (s->headlen == 0) {
			s->head[0] = buf[0];
			s->headlen = 1;
		}
	if (n == -1 && errno == EAGAIN)
		return;
	slot_finish(s, n == 0 && s->headlen == 1 && s->head[0] != '3');
}

/* Runs the slot's state machine as far as the socket allows. */
static void
slot_step(struct slot *s)
{
	char	buf[16384];
	size_t	n;
	int	r, err, soerr = 0;
	socklen_t len = sizeof(soerr);

	if (s->phase == CONNECTING) {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1 || soerr != 0) {
			slot_finish(s, 0);
			return;
		}
		if (opt.plain && opt.idle > 0) {
			handshaken++;
			s->phase = IDLE;
			watch(s, EPOLLIN, EPOLL_CTL_MOD);
			return;
		}
		if (opt.plain) {
			plain_step(s);
			return;
		}
		s->ssl = SSL_new(ctx);
		SSL_set_fd(s->ssl, s->fd);
		SSL_set_tlsext_host_name(s->ssl, (char *)(void *)opt.sni);
		if (opt.resume && session != NULL)
			SSL_set_session(s->ssl, session);
		s->phase = HANDSHAKE;
	}
	if (opt.plain) {
		plain_step(s);
		return;
	}
	if (s->phase == HANDSHAKE) {
		ERR_clear_error();
		if ((r = SSL_connect(s->ssl)) != 1) {
			err = SSL_get_error(s->ssl, r);
			if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
				watch(s, err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT, EPOLL_CTL_MOD);
				return;
			}
			slot_finish(s, 0);
			return;
		}
		handshaken++;
		if (SSL_session_reused(s->ssl))
			resumed++;
		else
			full++;
		if (opt.idle > 0) {
			s->phase = IDLE;
			watch(s, EPOLLIN, EPOLL_CTL_MOD);
			return;
		}
		/* The request is small: one write goes out whole on a fresh connection. */
		if ((n = next_request(buf, sizeof(buf))) == 0 ||
		    SSL_write(s->ssl, buf, (int)n) <= 0) {
			slot_finish(s, 0);
			return;
		}
		s->phase = READING;
	}
	for (;;) {
		ERR_clear_error();
		if (SSL_read_ex(s->ssl, buf, sizeof(buf), &n) == 1) {
			if (s->headlen < 3) {
				size_t take = n < 3 - s->headlen ? n : 3 - s->headlen;
				memcpy(s->head + s->headlen, buf, take);
				s->headlen += take;
			}
			continue;
		}
		err = SSL_get_error(s->ssl, 0);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			watch(s, err == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT, EPOLL_CTL_MOD);
			return;
		}
		slot_finish(s, err == SSL_ERROR_ZERO_RETURN && s->headlen == 3 &&
		    memcmp(s->head, opt.expect, 2) == 0 && s->head[2] == ' ');
		return;
	}
}

static double
percentile(double p)
{
	size_t	i;

	if (nlat == 0)
		return 0;
	i = (size_t)(p * (double)(nlat - 1));
	return lat[i];
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen -h host -p port (-u url | -I n) [-s sni] "
	    "[-c conc] [-n total | -d secs] [-R] [-P pid] [-e status]\n");
	exit(1);
}

static void
setup(void)
{
	struct addrinfo	hints = { .ai_socktype = SOCK_STREAM };
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getaddrinfo(opt.host, opt.port, &hints, &addr) != 0) {
		fprintf(stderr, "loadgen: cannot resolve %s\n", opt.host);
		exit(1);
	}
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
	ep = epoll_create1(0);
}


/* An idle connection became readable: the server answered or, mostly, closed it. */
static void
idle_event(struct slot *s)
{
	char	buf[4096];
	size_t	n;
	ssize_t	r;

	if (s->fd == -1)
		return;
	if (s->ssl != NULL) {
		while (SSL_read_ex(s->ssl, buf, sizeof(buf), &n) == 1)
			continue;
		if (SSL_get_error(s->ssl, 0) == SSL_ERROR_WANT_READ)
			return;
	} else {
		while ((r = read(s->fd, buf, sizeof(buf))) > 0)
			continue;
		if (r == -1 && errno == EAGAIN)
			return;
	}
	closed++;
	slot_close(s);
}

/* -S: every open connection sends the next byte of its request. */
static void
trickle(struct slot *slots)
{
	const char	*url = opt.url != NULL ? opt.url : "";
	char		 line[2048];
	size_t		 len = (size_t)snprintf(line, sizeof(line), "%s\r\n", url), w;
	unsigned	 i;
	int		 ok;

	for (i = 0; i < opt.idle; i++) {
		if (slots[i].fd == -1 || slots[i].sent >= len)
			continue;
		if (slots[i].ssl != NULL)
			ok = SSL_write_ex(slots[i].ssl, line + slots[i].sent, 1, &w) == 1;
		else
			ok = write(slots[i].fd, line + slots[i].sent, 1) == 1;
		if (!ok) {
			closed++;
			slot_close(&slots[i]);
			continue;
		}
		slots[i].sent++;
	}
}

static void
on_term(int sig)
{
	(void)sig;
	released = 1;
}

/*
 * -H: keeps the connections open for opt.hold seconds or until a SIGTERM,
 * trickling with -S.
 */
static void
hold(struct slot *slots)
{
	struct epoll_event	ev[256];
	double			end = now() + opt.hold, next = now() + 1;
	int			i, n;

	while (!released && now() < end) {
		n = epoll_wait(ep, ev, 256, 100);
		for (i = 0; i < n; i++)
			idle_event(ev[i].data.ptr);
		if (opt.slow && now() >= next) {
			next += 1;
			trickle(slots);
		}
	}
}

/* Holds opt.idle handshaken connections and reports the server's memory per connection. */
static void
run_idle(struct slot *slots)
{
	struct epoll_event	ev[256];
	long			before = rss_kib(opt.pid), after, settled;
	unsigned		i;
	int			n;
	double			deadline = now() + 60;

	for (i = 0; i < opt.idle; i++)
		slot_start(&slots[i]);
	while (handshaken + errors < opt.idle && now() < deadline) {
		n = epoll_wait(ep, ev, 256, 1000);
		for (i = 0; i < (unsigned)(n > 0 ? n : 0); i++)
			slot_step(ev[i].data.ptr);
	}
	usleep(200000);
	after = rss_kib(opt.pid);
	settled = opt.wait > 0 ? settled_kib(opt.pid, opt.wait) : after;
	printf("READY\n");
	fflush(stdout);
	hold(slots);
	printf("idle connections %u, errors %u, closed by the server %u, server RSS %ld -> %ld KiB, "
	    "settled at %ld KiB\n", handshaken, errors, closed, before, after, settled);
	printf("RESULT idle=%u errors=%u closed=%u kib_per_idle=%.1f kib_per_idle_at_once=%.1f\n",
	    handshaken, errors, closed, handshaken ? (double)(settled - before) / handshaken : 0.0,
	    handshaken ? (double)(after - before) / handshaken : 0.0);
	for (i = 0; i < opt.idle; i++)
		slot_close(&slots[i]);
}

/*
 * The server's RSS before the run (given), as it ends and, with -W,
 * opt.wait seconds after the load ended at ended, with the least read
 * meanwhile; a short trace every TRACE_S seconds for a reader.
 */
static void
report_rss(long before, double ended)
{
	long	after = rss_kib(opt.pid), later = after, least = after;
	double	next_trace = ended + TRACE_S;

	printf("server RSS %ld KiB before, %ld KiB as the run ends", before, after);
	while (opt.wait > 0 && now() < ended + opt.wait) {
		usleep((useconds_t)(SAMPLE_S * 1e6));
		if ((later = rss_kib(opt.pid)) < least)
			least = later;
		if (now() >= next_trace && next_trace < ended + opt.wait) {
			printf(", %.0f s after %ld", next_trace - ended, later);
			next_trace += TRACE_S;
		}
	}
	if (opt.wait > 0)
		printf(", %g s after %ld KiB (least %ld KiB)", opt.wait, later, least);
	printf("\nRESULT rss_before_kib=%ld rss_after_kib=%ld", before, after);
	if (opt.wait > 0)
		printf(" later_s=%g rss_later_kib=%ld rss_least_kib=%ld", opt.wait, later, least);
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct epoll_event	 ev[256];
	struct slot		*slots;
	double			 t0, t1, c0, c1;
	unsigned		 i, active;
	long			 rss0;
	int			 ch, n;

	while ((ch = getopt(argc, argv, "h:p:u:s:c:n:d:RP:I:Te:H:SW:")) != -1) {
		switch (ch) {
		case 'h': opt.host = optarg; break;
		case 'p': opt.port = optarg; break;
		case 'u': opt.url = optarg; break;
		case 's': opt.sni = optarg; break;
		case 'c': opt.conc = (unsigned)atoi(optarg); break;
		case 'n': opt.total = (unsigned)atoi(optarg); break;
		case 'd': opt.seconds = atof(optarg); break;
		case 'R': opt.resume = 1; break;
		case 'P': opt.pid = atoi(optarg); break;
		case 'I': opt.idle = (unsigned)atoi(optarg); break;
		case 'T': opt.plain = 1; break;
		case 'e': opt.expect = optarg; break;
		case 'H': opt.hold = atof(optarg); break;
		case 'S': opt.slow = 1; break;
		case 'W': opt.wait = atof(optarg); break;
		default: usage();
		}
	}
	if (opt.host == NULL || (opt.url == NULL && opt.idle == 0) || opt.conc == 0)
		usage();
	if (opt.sni == NULL)
		opt.sni = opt.host;
	if (opt.total == 0 && opt.seconds <= 0)
		opt.seconds = 10;
	setup();
	if ((slots = calloc(opt.idle > 0 ? opt.idle : opt.conc, sizeof(*slots))) == NULL)
		return 1;
	if (opt.idle > 0) {
		/* Set before READY, so a release sent once READY is read is never lost. */
		signal(SIGTERM, on_term);
		run_idle(slots);
		return 0;
	}
	rss0 = opt.pid > 0 ? rss_kib(opt.pid) : 0;
	c0 = cpu_ms(opt.pid);
	t0 = now();
	for (i = 0; i < opt.conc; i++)
		slot_start(&slots[i]);
	for (;;) {
		n = epoll_wait(ep, ev, 256, 1000);
		for (i = 0; i < (unsigned)(n > 0 ? n : 0); i++)
			slot_step(ev[i].data.ptr);
		if (opt.seconds > 0 && now() - t0 >= opt.seconds)
			opt.total = started;	/* stop starting; finish what is in flight */
		for (i = 0, active = 0; i < opt.conc; i++) {
			if (slots[i].fd == -1 && more_wanted())
				slot_start(&slots[i]);
			active += slots[i].fd != -1;
		}
		if (active == 0)
			break;
	}
	t1 = now();
	c1 = cpu_ms(opt.pid);
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	printf("%u requests in %.2f s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
	    "%u errors, %u full and %u resumed handshakes",
	    done, t1 - t0, (double)nlat / (t1 - t0), percentile(0.5), percentile(0.99),
	    errors, full, resumed);
	if (opt.pid > 0)
		printf(", server CPU %.3f ms per request", nlat ? (c1 - c0) / (double)nlat : 0.0);
	printf("\nRESULT requests=%u seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f "
	    "errors=%u full=%u resumed=%u server_cpu_ms_per_req=%.3f\n", done, t1 - t0,
	    (double)nlat / (t1 - t0), percentile(0.5), percentile(0.99), errors, full,
	    resumed, opt.pid > 0 && nlat ? (c1 - c0) / (double)nlat : 0.0);
	if (opt.pid > 0)
		report_rss(rss0, t1);
	return 0;
}
