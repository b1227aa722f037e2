#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include "buf.h"
#include "config.h"
#include "conn.h"
#include "event.h"
#include "host.h"
#include "limit.h"
#include "log.h"
#include "proxy.h"
#include "sockbio.h"
#include "tls.h"
#include "vocab.h"

/* Gemini, and Gopher for every host, each on IPv4 and IPv6. */
#define LISTENERS_MAX		(2 * (HOSTS_MAX + 1))
/* Connections taken per wake-up, so one busy listener cannot starve the rest. */
#define ACCEPTS_PER_WAKEUP	64
/* A Gopher selector (1024) plus TAB and a guestbook entry fits; Gemini needs 1026. */
#define REQUEST_BUF		2048
_Static_assert(REQUEST_BUF >= PROXY_HEADER_MAX, "a PROXY header must fit the request buffer");
/* TLS 1.3 records carry at most 16 KiB of plaintext (RFC 8446 section 5.1). */
#define OUT_BUF			(16 * 1024)
/* How long unread client bytes are drained after we finish, so close() sends no RST. */
#define LINGER_MS		2000
/* How long in-flight responses may take to finish once asked to stop. */
#define DRAIN_MS		10000
/* How often deadlines are checked; timeouts are whole seconds anyway. */
#define SWEEP_MS		1000
/*
 * Spare request buffers a worker keeps for its next connections (about
 * 100 KiB): enough for the connections that have a request in at once on
 * a busy worker, while idle ones hold none; more go back to malloc.
 */
#define SPARE_EXCHANGES		32

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

enum conn_state {
	CONN_PROXY,	/* reading the PROXY protocol header of a load balancer */
	CONN_HANDSHAKE,
	CONN_READING,
	CONN_BODY,	/* reading the body of a Titan upload the handler asked for */
	CONN_WAITING,	/* for the append the response depends on (guestbook.c) */
	CONN_WRITING,
	CONN_SHUTDOWN,	/* close_notify */
	CONN_SENDING,	/* what TLS still holds (sockbio.h), before the socket closes */
	CONN_LINGERING,
};

/* What a state handler asks of the loop next. */
enum step {
	STEP_NEXT,	/* the state changed: run the new one now */
	STEP_WAIT,	/* waiting for the socket: the event mask is set */
	STEP_CLOSE,	/* finished or failed: the connection was marked closing */
};

enum io {
	IO_DONE,
	IO_WANT_READ,
	IO_WANT_WRITE,
	IO_EOF,
	IO_FAIL,
};

struct worker;

/*
 * What a connection holds only once its request starts to arrive, until it
 * ends (the access log reads both): the request's bytes and the response
 * built for them. An idle connection has none.
 */
struct exchange {
	struct response		 resp;
	char			 req[REQUEST_BUF];
};

/*
 * Buffers of one size a worker keeps for its next connections, up to cap;
 * a spare's first bytes link it to the next.
 */
struct spares {
	void			*head;
	unsigned		 n, cap;
	size_t			 size;
};

struct conn {
	struct event		 ev;
	struct worker		*worker;
	struct conn		*prev, *next;	/* the worker's open or closing list */
	const struct adapter	*proto;
	/*
	 * A reference to the set of hosts current at accept, given back last
	 * in conn_free: a reload meanwhile leaves this connection on it.
	 */
	struct hostset		*hosts;
	const struct host	*host;		/* of hosts; NULL until TLS picks it */
	SSL			*ssl;		/* owned; NULL for plain TCP */
	struct sock_out		 sock;		/* the records ssl wrote and the socket has not taken */
	enum conn_state		 state;
	int			 closing;
	uint64_t		 started_ms;
	uint64_t		 deadline_ms;
	unsigned		 request_timeout_ms;
	uint64_t		 lifetime_end_ms;
	char			 peer[INET6_ADDRSTRLEN];
	char			 holder[ADDRESS_KEY_MAX];	/* counted in per_address; "" for none */
	enum conn_state		 after_proxy;
	struct exchange		*x;		/* from the worker's spares; NULL while idle */
	size_t			 req_len;
	size_t			 req_read;	/* bytes in req: past req_len, the body's first */
	char			*body;		/* owned; an upload's, body_want bytes */
	size_t			 body_len, body_want;
	int			 answered;	/* a response was built: log it */
	struct pending		*pending;	/* owned; what CONN_WAITING waits for */
	int			 settled;	/* the worker was told pending is settled */
	struct conn		*settled_next;	/* the worker's settled list */
	char			*out;		/* owned, OUT_BUF bytes, from building a response to its last byte */
	size_t			 out_len, out_off;
	size_t			 body_off;
	off_t			 file_left;
	unsigned long long	 bytes_sent;
};

struct listener {
	int			 fd;
	unsigned		 port;		/* without TLS, its host is the one of this gopher_port */
	const struct adapter	*proto;
	int			 proxy;		/* connections open with a PROXY header */
};

/* A worker's watch on a shared listener. */
struct accepting {
	struct event		 ev;
	struct worker		*worker;
	const struct listener	*listener;
};

struct worker {
	pthread_t		 thread;
	struct event_loop	*loop;
	struct accepting	 accepting[LISTENERS_MAX];
	struct event		 wake;
	/* Waiting connections whose append is settled, handed over by the committer. */
	struct event		 settled_ev;
	pthread_mutex_t		 settled_lock;
	struct conn		*settled;
	struct conn		*open;
	struct conn		*closing;
	struct spares		 exchanges;	/* of struct exchange */
	int			 stopping;
	uint64_t		 stop_by_ms;
	uint64_t		 next_sweep_ms;
};

static struct listener	 listeners[LISTENERS_MAX];
static unsigned		 nlisteners;
static struct worker	*workers;	/* owned, nworkers of them */
static unsigned		 nworkers;
static int		 stop_fd = -1;
static atomic_uint	 open_count;
static struct holdings	*per_address;	/* owned; connections per client address */
static atomic_ullong	 last_refusal_log_ms;

static enum step	 conn_respond(struct conn *c);
static ssize_t	 conn_fill(struct conn *c);

static void
list_remove(struct conn **head, struct conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		*head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void
list_push(struct conn **head, struct conn *c)
{
	c->prev = NULL;
	c->next = *head;
	if (*head != NULL)
		(*head)->prev = c;
	*head = c;
}

/* A spare buffer, or a new one from malloc; NULL when out of memory. */
static void *
spares_take(struct spares *s)
{
	void	*p = s->head;

	if (p == NULL)
		return malloc(s->size);
	memcpy(&s->head, p, sizeof(s->head));
	s->n--;
	return p;
}

static void
spares_give(struct spares *s, void *p)
{
	if (p == NULL)
		return;
	if (s->n == s->cap) {
		free(p);
		return;
	}
	memcpy(p, &s->head, sizeof(s->head));
	s->head = p;
	s->n++;
}

static void
spares_free(struct spares *s)
{
	void	*p;

	while ((p = s->head) != NULL) {
		memcpy(&s->head, p, sizeof(s->head));
		free(p);
	}
	s->n = 0;
}

/* Gives c a request buffer and an empty response; -1 when out of memory (logged). */
static int
conn_take_exchange(struct conn *c)
{
	if (c->x != NULL)
		return 0;
	if ((c->x = spares_take(&c->worker->exchanges)) == NULL) {
		log_error("%s: out of memory", c->peer);
		return -1;
	}
	response_init(&c->x->resp);
	return 0;
}

static void
conn_give_exchange(struct conn *c)
{
	if (c->x == NULL)
		return;
	response_release(&c->x->resp);
	spares_give(&c->worker->exchanges, c->x);
	c->x = NULL;
}

/* Marks c for freeing once the current round of callbacks is over. */
static enum step
conn_close(struct conn *c)
{
	if (c->closing)
		return STEP_CLOSE;
	c->closing = 1;
	/* No EPOLL_CTL_DEL: closing the descriptor, later in this round, drops it. */
	c->ev.mask = 0;
	list_remove(&c->worker->open, c);
	list_push(&c->worker->closing, c);
	return STEP_CLOSE;
}

/*
 * A connection closed while it waited for its append (an epoll failure, or
 * the worker giving up): the committer must not wake it any more, and a
 * wake already handed to the worker must not reach it.
 */
static void
conn_forget_pending(struct conn *c)
{
	struct worker	*w = c->worker;
	struct conn	**pp;

	pending_cancel(c->pending);
	pthread_mutex_lock(&w->settled_lock);
	for (pp = &w->settled; *pp != NULL; pp = &(*pp)->settled_next) {
		if (*pp == c) {
			*pp = c->settled_next;
			break;
		}
	}
	pthread_mutex_unlock(&w->settled_lock);
}

static void
conn_free(struct conn *c)
{
	size_t	len = c->req_len;

	if (c->answered) {
		while (len > 0 && (c->x->req[len - 1] == '\n' || c->x->req[len - 1] == '\r'))
			len--;
		log_access(c->peer, c->x->resp.status, c->bytes_sent,
		    (unsigned long)(event_now_ms() - c->started_ms), c->x->req, len,
		    c->proto->input_at(c->x->req, len));
	}
	/* An alert a failed handshake or read left goes out if the socket takes it. */
	(void)sockbio_flush(&c->sock);
	SSL_free(c->ssl);
	close(c->ev.fd);
	conn_give_exchange(c);
	if (c->pending != NULL && c->state == CONN_WAITING)
		conn_forget_pending(c);
	pending_put(c->pending);
	if (c->holder[0] != '\0')
		holdings_give(per_address, c->holder);
	free(c->out);
	free(c->body);
	/* Last: the SSL and the pending append above used its hosts. */
	hostset_release(c->hosts);
	free(c);
	atomic_fetch_sub(&open_count, 1);
}

/* The next deadline: ms from now, but never past the connection's lifetime. */
static void
conn_deadline(struct conn *c, uint64_t ms)
{
	uint64_t	d = event_now_ms() + ms;

	c->deadline_ms = d < c->lifetime_end_ms ? d : c->lifetime_end_ms;
}

static enum step
conn_wait(struct conn *c, unsigned mask)
{
	const char	*reason;

	if (event_watch(c->worker->loop, &c->ev, mask, &reason) == -1) {
		log_error("%s: %s", c->peer, reason);
		return conn_close(c);
	}
	return STEP_WAIT;
}

static enum io
tls_result(struct conn *c, int ok)
{
	if (ok > 0)
		return IO_DONE;
	switch (SSL_get_error(c->ssl, ok)) {
	case SSL_ERROR_WANT_READ:
		return IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return IO_EOF;
	default:
		return IO_FAIL;
	}
}

static enum io
sys_result(ssize_t n)
{
	if (n > 0)
		return IO_DONE;
	if (n == 0)
		return IO_EOF;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return IO_WANT_READ;
	return IO_FAIL;
}

static enum io
io_read(struct conn *c, void *buf, size_t size, size_t *n)
{
	ssize_t	r;

	if (c->ssl != NULL) {
		ERR_clear_error();
		return tls_result(c, SSL_read_ex(c->ssl, buf, size, n));
	}
	r = read(c->ev.fd, buf, size);
	*n = r > 0 ? (size_t)r : 0;
	return sys_result(r);
}

static enum io
io_write(struct conn *c, const void *buf, size_t size, size_t *n)
{
	enum io	res;
	ssize_t	r;

	if (c->ssl != NULL) {
		ERR_clear_error();
		return tls_result(c, SSL_write_ex(c->ssl, buf, size, n));
	}
	r = send(c->ev.fd, buf, size, MSG_NOSIGNAL);
	*n = r > 0 ? (size_t)r : 0;
	res = sys_result(r);
	return res == IO_WANT_READ ? IO_WANT_WRITE : res;
}

/*
 * Waits as the last read or write asked, once what TLS gathered has left:
 * the client may be waiting for it (the handshake's flight).
 */
static enum step
conn_wait_io(struct conn *c, enum io res)
{
	int	flushed = sockbio_flush(&c->sock);

	if (flushed == -1)
		return conn_close(c);
	return conn_wait(c, res == IO_WANT_WRITE || flushed == 0 ? EV_WRITE : EV_READ);
}

static const char *
tls_reason(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r, *data;
	int		 flags;

	if (e == 0)
		return "connection closed";
	if ((r = ERR_reason_error_string(e)) == NULL)
		r = "unknown error";
	/* The first error's details say why, such as the host name SNI asked for. */
	if (ERR_peek_error_data(&data, &flags) != 0 && (flags & ERR_TXT_STRING) &&
	    *data != '\0')
		return reasonf("%s (%s)", r, data);
	return r;
}

/* Logs a refused connection at most once a second, so a flood cannot flood the log. */
static void
log_refusal(const char *why)
{
	unsigned long long	now = event_now_ms(), last = atomic_load(&last_refusal_log_ms);

	if (now - last >= 1000 &&
	    atomic_compare_exchange_strong(&last_refusal_log_ms, &last, now))
		log_warn("refusing connections: %s", why);
}

/*
 * Counts c against its client's max_connections_per_address; -1 when the
 * client holds that many already. The new connection is the one refused:
 * those it holds are ended by request_timeout soon enough, and another
 * client's are never touched.
 */
static int
conn_hold(struct conn *c)
{
	char	key[ADDRESS_KEY_MAX];
	int	rc;

	limit_address_key(c->peer, key);
	rc = holdings_take(per_address, key,
	    hostset_config(c->hosts)->max_connections_per_address);
	if (rc == -1) {
		log_refusal(reasonf("max_connections_per_address reached by %s", c->peer));
		return -1;
	}
	if (rc == 0)
		memcpy(c->holder, key, sizeof(key));
	return 0;
}

/*
 * Reads the PROXY header without taking a byte past it: what follows is the
 * client's, TLS or request. Bytes are peeked first; only the header's own
 * are read. Section 2 of the specification has the header arrive at once,
 * so waiting for more is the rare case.
 */
static enum step
conn_proxy(struct conn *c)
{
	struct proxy_header	 h;
	const char		*reason;
	ssize_t			 n;
	size_t			 have = c->req_len, take;
	int			 rc;

	if (conn_take_exchange(c) == -1)
		return conn_close(c);
	n = recv(c->ev.fd, c->x->req + have, PROXY_HEADER_MAX - have, MSG_PEEK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return conn_wait(c, EV_READ);
	if (n <= 0)
		return conn_close(c);
	rc = proxy_parse((const unsigned char *)c->x->req, have + (size_t)n, &h, &reason);
	if (rc == -1) {
		log_info("%s: %s", c->peer, reason);
		return conn_close(c);
	}
	/* Incomplete: every byte so far is the header's, so take them all. */
	take = rc == 1 ? (size_t)n : h.size - have;
	if (read(c->ev.fd, c->x->req + have, take) != (ssize_t)take)
		return conn_close(c);
	c->req_len += take;
	if (rc == 1)
		return conn_wait(c, EV_READ);
	if (h.has_addr)
		snprintf(c->peer, sizeof(c->peer), "%s", h.addr);
	/* Behind a balancer the client is the one the header names, not the balancer. */
	if (conn_hold(c) == -1)
		return conn_close(c);
	/* The connection may idle after its handshake: it holds no buffer meanwhile. */
	c->req_len = 0;
	conn_give_exchange(c);
	c->state = c->after_proxy;
	return STEP_NEXT;
}

static enum step
conn_handshake(struct conn *c)
{
	enum io	res;

	ERR_clear_error();
	res = tls_result(c, SSL_do_handshake(c->ssl));
	if (res == IO_WANT_READ || res == IO_WANT_WRITE)
		return conn_wait_io(c, res);
	if (res != IO_DONE) {
		log_info("%s: TLS handshake failed: %s", c->peer, tls_reason());
		return conn_close(c);
	}
	c->state = CONN_READING;
	return STEP_NEXT;
}

/*
 * Reads the request. An idle connection holds no request buffer (and
 * OpenSSL none of its own, tls.c): its first bytes are read onto the stack,
 * and only then does it take one.
 */
static enum step
conn_read_request(struct conn *c)
{
	char	 first[REQUEST_BUF];
	size_t	 n;
	char	*lf, *to;
	enum io	 res;

	for (;;) {
		to = c->x != NULL ? c->x->req + c->req_len : first;
		res = io_read(c, to, c->proto->request_max - c->req_len, &n);
		if (res == IO_WANT_READ || res == IO_WANT_WRITE)
			return conn_wait_io(c, res);
		if (res == IO_FAIL || (res == IO_EOF && c->req_len == 0))
			return conn_close(c);
		if (res == IO_EOF)
			return conn_respond(c);
		if (c->x == NULL) {
			if (conn_take_exchange(c) == -1)
				return conn_close(c);
			to = memcpy(c->x->req, first, n);
		}
		lf = memchr(to, '\n', n);
		c->req_len += n;
		c->req_read = c->req_len;
		if (lf != NULL) {
			/* What follows the line is kept: a Titan upload's body starts there. */
			c->req_len = (size_t)(lf - c->x->req) + 1;
			return conn_respond(c);
		}
		if (c->req_len == c->proto->request_max)
			return conn_respond(c);
	}
}

/* Called by the committer's thread: hands c back to its worker. */
static void
conn_settled(void *arg)
{
	struct conn	*c = arg;
	struct worker	*w = c->worker;
	uint64_t	 one = 1;

	pthread_mutex_lock(&w->settled_lock);
	c->settled_next = w->settled;
	w->settled = c;
	pthread_mutex_unlock(&w->settled_lock);
	(void)!write(w->settled_ev.fd, &one, sizeof(one));
}

/*
 * The response waits for an append to reach the disk. The socket is not
 * watched meanwhile, and the sweep leaves the connection alone: the wait
 * is bounded by the disk, and the committer holds a pointer to c.
 */
/* Gives the output buffer back while nothing is written: conn_respond takes one again. */
static void
conn_give_out(struct conn *c)
{
	free(c->out);
	c->out = NULL;
}

static enum step
conn_await(struct conn *c)
{
	conn_give_out(c);
	/*
	 * The session ticket leaves now rather than hold its buffer through the
	 * wait; a socket too full for it (never seen) keeps it for the answer.
	 */
	(void)sockbio_flush(&c->sock);
	c->pending = c->x->resp.pending;
	c->x->resp.pending = NULL;
	response_release(&c->x->resp);
	c->state = CONN_WAITING;
	if (pending_wait(c->pending, conn_settled, c)) {
		c->settled = 1;
		return STEP_NEXT;
	}
	return conn_wait(c, 0);
}

static enum step
conn_wait_settled(struct conn *c)
{
	return c->settled ? conn_respond(c) : STEP_WAIT;
}

/*
 * The handler wants the request's body (a Titan upload) before it answers:
 * body_wanted bytes, never more than it allowed, of which those read with
 * the request line come first. Bytes past them are never read as the body:
 * they are drained after the answer, as any unread bytes.
 */
static enum step
conn_body_start(struct conn *c)
{
	size_t	want = c->x->resp.body_wanted, have = c->req_read - c->req_len;

	response_release(&c->x->resp);
	conn_give_out(c);
	if (c->body_want != 0 || (c->body = malloc(want)) == NULL) {
		log_error("%s: %s", c->peer, c->body_want != 0 ? "a second body asked for" :
		    "out of memory for an upload");
		return conn_close(c);
	}
	c->body_want = want;
	c->body_len = have < want ? have : want;
	memcpy(c->body, c->x->req + c->req_len, c->body_len);
	c->state = CONN_BODY;
	conn_deadline(c, c->request_timeout_ms);
	return STEP_NEXT;
}

/* Reads the body; a client that stalls for request_timeout is dropped by the sweep. */
static enum step
conn_read_body(struct conn *c)
{
	size_t	n;
	enum io	res;

	while (c->body_len < c->body_want) {
		res = io_read(c, c->body + c->body_len, c->body_want - c->body_len, &n);
		if (res == IO_WANT_READ || res == IO_WANT_WRITE)
			return conn_wait_io(c, res);
		if (res != IO_DONE) {
			log_info("%s: upload cut short after %zu of %zu bytes", c->peer,
			    c->body_len, c->body_want);
			return conn_close(c);
		}
		c->body_len += n;
		conn_deadline(c, c->request_timeout_ms);
	}
	return conn_respond(c);
}

static enum step
conn_respond(struct conn *c)
{
	struct request	req = { .peer = c->peer, .settled = c->pending,
			    .body = c->body, .body_len = c->body_len };

	if (c->out == NULL && (c->out = malloc(OUT_BUF)) == NULL) {
		log_error("%s: out of memory", c->peer);
		return conn_close(c);
	}
	if (c->ssl != NULL && tls_client_identity(c->ssl, req.fingerprint, req.cn) == 0)
		req.has_certificate = 1;
	if (c->host == NULL)
		c->host = tls_host(c->ssl);
	req.host = c->host;
	c->out_len = c->proto->respond(c->x->req, c->req_len, &req, &c->x->resp,
	    c->out, HEAD_MAX);
	/* The handler took a copy of the body, if it wanted one. */
	free(c->body);
	c->body = NULL;
	if (c->x->resp.body_wanted > 0)
		return conn_body_start(c);
	if (c->x->resp.pending != NULL)
		return conn_await(c);
	c->out_off = 0;
	c->file_left = c->x->resp.fd != -1 ? c->x->resp.size : 0;
	c->answered = 1;
	/* Header and the start of the body leave in one TLS record. */
	if (conn_fill(c) == -1)
		return conn_close(c);
	c->state = CONN_WRITING;
	conn_deadline(c, c->request_timeout_ms);
	return STEP_NEXT;
}

/*
 * Tops up the free room of the output buffer with the next piece of the
 * body: the file part first, then the part from memory (a generated footer,
 * or a whole page). Only called before a write was tried on what the buffer
 * holds, since TLS wants a retried write to see the same bytes. Returns the
 * bytes now waiting, 0 when the body is complete, -1 when the file failed
 * or shrank (the transfer must then look aborted, not complete).
 */
static ssize_t
conn_fill(struct conn *c)
{
	size_t	room, take;
	ssize_t	n;

	room = OUT_BUF - c->out_len;
	if (c->file_left > 0 && room > 0) {
		take = (off_t)room < c->file_left ? room : (size_t)c->file_left;
		n = read(c->x->resp.fd, c->out + c->out_len, take);
		if (n <= 0) {
			log_warn("%s: body file %s", c->peer,
			    n == 0 ? "shrank while sent" : strerror(errno));
			return -1;
		}
		c->file_left -= n;
		c->out_len += (size_t)n;
		room -= (size_t)n;
	}
	if (c->file_left == 0 && c->body_off < c->x->resp.body_len && room > 0) {
		take = c->x->resp.body_len - c->body_off;
		take = take < room ? take : room;
		memcpy(c->out + c->out_len, c->x->resp.body + c->body_off, take);
		c->body_off += take;
		c->out_len += take;
	}
	return (ssize_t)(c->out_len - c->out_off);
}

static enum step
conn_write_response(struct conn *c)
{
	ssize_t	waiting;
	size_t	n;
	enum io	res;

	for (;;) {
		if (c->out_off == c->out_len)
			c->out_off = c->out_len = 0;
		waiting = (ssize_t)(c->out_len - c->out_off);
		if (waiting == 0 && (waiting = conn_fill(c)) == -1)
			return conn_close(c);
		if (waiting == 0) {
			/* Sent: the buffer goes back until the next response. */
			conn_give_out(c);
			c->state = CONN_SHUTDOWN;
			return STEP_NEXT;
		}
		res = io_write(c, c->out + c->out_off, (size_t)waiting, &n);
		if (res == IO_WANT_READ || res == IO_WANT_WRITE)
			return conn_wait_io(c, res);
		if (res != IO_DONE)
			return conn_close(c);	/* aborted: no close_notify */
		c->out_off += n;
		c->bytes_sent += n;
		conn_deadline(c, c->request_timeout_ms);
	}
}

/* Adds close_notify to what TLS holds; called again only while it could not. */
static enum step
conn_shutdown(struct conn *c)
{
	int	r;
	enum io	res;

	if (c->ssl != NULL) {
		ERR_clear_error();
		r = SSL_shutdown(c->ssl);
		res = r >= 0 ? IO_DONE : tls_result(c, r);
		if (res == IO_WANT_READ || res == IO_WANT_WRITE)
			return conn_wait_io(c, res);
		if (res != IO_DONE)
			return conn_close(c);
	}
	c->state = CONN_SENDING;
	return STEP_NEXT;
}

/* Sends the answer's last records with close_notify, then closes or lingers. */
static enum step
conn_send_rest(struct conn *c)
{
	int	flushed, unread;

	if ((flushed = sockbio_flush(&c->sock)) == -1)
		return conn_close(c);
	if (flushed == 0) {
		/* As after every write that moved bytes: a slow reader is still a reader. */
		conn_deadline(c, c->request_timeout_ms);
		return conn_wait(c, EV_WRITE);
	}
	/*
	 * Closing a socket with unread bytes makes the kernel send RST, and the
	 * client may then lose the response it has not read yet. So when the
	 * client sent more than we read, half-close and drain it first.
	 */
	if (ioctl(c->ev.fd, FIONREAD, &unread) == 0 && unread == 0)
		return conn_close(c);
	shutdown(c->ev.fd, SHUT_WR);
	c->state = CONN_LINGERING;
	conn_deadline(c, LINGER_MS);
	return conn_wait(c, EV_READ);
}

static enum step
conn_linger(struct conn *c)
{
	char	scratch[4096];
	ssize_t	n;

	while ((n = read(c->ev.fd, scratch, sizeof(scratch))) > 0)
		continue;
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return conn_wait(c, EV_READ);
	return conn_close(c);
}

/* What each state does when the socket is ready; indexed by enum conn_state. */
static enum step (*const conn_handlers[])(struct conn *) = {
	[CONN_PROXY] = conn_proxy,
	[CONN_HANDSHAKE] = conn_handshake,
	[CONN_READING] = conn_read_request,
	[CONN_BODY] = conn_read_body,
	[CONN_WAITING] = conn_wait_settled,
	[CONN_WRITING] = conn_write_response,
	[CONN_SHUTDOWN] = conn_shutdown,
	[CONN_SENDING] = conn_send_rest,
	[CONN_LINGERING] = conn_linger,
};

static void
conn_run(struct conn *c)
{
	enum step	s = STEP_NEXT;

	while (s == STEP_NEXT && !c->closing)
		s = conn_handlers[c->state](c);
}

static void
conn_ready(struct event *ev, unsigned ready)
{
	struct conn	*c = container_of(ev, struct conn, ev);

	(void)ready;
	if (!c->closing)
		conn_run(c);
}

static void
peer_name(const struct sockaddr_storage *ss, char *out, size_t size)
{
	const void	*addr;

	if (ss->ss_family == AF_INET6)
		addr = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;
	else
		addr = &((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	if (inet_ntop(ss->ss_family, addr, out, (socklen_t)size) == NULL)
		snprintf(out, size, "unknown");
}

/*
 * Finds c's host (a Gopher listener's is the host of its port in c's set;
 * TLS finds the Gemini one by SNI) and its first state. -1 when it cannot
 * be served: logged.
 */
static int
conn_begin(struct conn *c, const struct listener *l)
{
	const char	*reason;

	c->state = CONN_READING;
	if (l->proto->tls) {
		if ((c->ssl = tls_new(hostset_tls(c->hosts), &c->sock, &reason)) == NULL) {
			log_error("%s: %s", c->peer, reason);
			return -1;
		}
		c->state = CONN_HANDSHAKE;
	} else if ((c->host = hostset_gopher(c->hosts, l->port)) == NULL) {
		/* Its host was removed by a reload; a new one may take the port. */
		log_info("%s: no host has Gopher port %u any more", c->peer, l->port);
		return -1;
	}
	if (l->proxy) {
		c->after_proxy = c->state;
		c->state = CONN_PROXY;
	}
	return 0;
}

/* Serves fd, accepted on l, from hosts: a reference that c takes over. */
static void
conn_new(struct worker *w, const struct listener *l, int fd,
    const struct sockaddr_storage *ss, struct hostset *hosts)
{
	const struct config	*cfg = hostset_config(hosts);
	struct conn		*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_error("accept: out of memory");
		close(fd);
		hostset_release(hosts);
		atomic_fetch_sub(&open_count, 1);
		return;
	}
	c->ev.fd = fd;
	c->sock.fd = fd;
	c->ev.fn = conn_ready;
	c->worker = w;
	c->proto = l->proto;
	c->hosts = hosts;
	peer_name(ss, c->peer, sizeof(c->peer));
	c->started_ms = event_now_ms();
	c->request_timeout_ms = cfg->request_timeout * 1000;
	c->lifetime_end_ms = c->started_ms + (uint64_t)cfg->connection_timeout * 1000;
	conn_deadline(c, c->request_timeout_ms);
	list_push(&w->open, c);
	/* Behind a balancer the client is known once the PROXY header is in. */
	if ((!l->proxy && conn_hold(c) == -1) || conn_begin(c, l) == -1) {
		conn_close(c);
		return;
	}
	conn_run(c);
}

static void
accept_ready(struct event *ev, unsigned ready)
{
	struct accepting	*a = container_of(ev, struct accepting, ev);
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct hostset		*hosts;
	unsigned		 i;
	int			 fd;

	(void)ready;
	for (i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
		len = sizeof(ss);
		fd = accept4(a->listener->fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE)
				log_refusal(strerror(errno));
			return;
		}
		/* Never NULL: a set is published before the workers start. */
		hosts = hostset_acquire();
		if (atomic_fetch_add(&open_count, 1) >= hostset_config(hosts)->max_connections) {
			atomic_fetch_sub(&open_count, 1);
			hostset_release(hosts);
			close(fd);
			log_refusal("max_connections reached");
			continue;
		}
		conn_new(a->worker, a->listener, fd, &ss, hosts);
	}
}

static void
worker_stop_accepting(struct worker *w)
{
	unsigned	i;

	for (i = 0; i < nlisteners; i++)
		event_forget(w->loop, &w->accepting[i].ev);
	event_forget(w->loop, &w->wake);
	w->stopping = 1;
	w->stop_by_ms = event_now_ms() + DRAIN_MS;
}

static void
wake_ready(struct event *ev, unsigned ready)
{
	struct worker	*w = container_of(ev, struct worker, wake);

	(void)ready;
	worker_stop_accepting(w);
}

static void
settled_ready(struct event *ev, unsigned ready)
{
	struct worker	*w = container_of(ev, struct worker, settled_ev);
	struct conn	*c, *next;
	uint64_t	 n;

	(void)ready;
	(void)!read(ev->fd, &n, sizeof(n));
	pthread_mutex_lock(&w->settled_lock);
	c = w->settled;
	w->settled = NULL;
	pthread_mutex_unlock(&w->settled_lock);
	for (; c != NULL; c = next) {
		next = c->settled_next;
		c->settled = 1;
		conn_run(c);
	}
}

static void
worker_sweep(struct worker *w)
{
	struct conn	*c, *next;
	uint64_t	 now = event_now_ms();

	if (now < w->next_sweep_ms && !w->stopping)
		return;
	w->next_sweep_ms = now + SWEEP_MS;
	for (c = w->open; c != NULL; c = next) {
		next = c->next;
		if (c->state == CONN_WAITING)
			continue;
		if (w->stopping && now >= w->stop_by_ms)
			conn_close(c);
		else if (now >= c->deadline_ms) {
			if (c->state != CONN_LINGERING)
				log_info("%s: timed out", c->peer);
			conn_close(c);
		}
	}
}

static void
worker_free_closed(struct worker *w)
{
	struct conn	*c;

	while ((c = w->closing) != NULL) {
		list_remove(&w->closing, c);
		conn_free(c);
	}
}

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	const char	*reason;

	while (!w->stopping || w->open != NULL) {
		if (event_loop_poll(w->loop, SWEEP_MS, &reason) == -1) {
			log_error("%s", reason);
			break;
		}
		worker_free_closed(w);
		worker_sweep(w);
		worker_free_closed(w);
	}
	while (w->open != NULL)
		conn_close(w->open);
	worker_free_closed(w);
	spares_free(&w->exchanges);
	return NULL;
}

/*
 * With nodelay, the accepted sockets inherit TCP_NODELAY from the listener,
 * one system call fewer per connection: a TLS response ends with a separate
 * close_notify record, which Nagle must not hold back. Plain TCP sends one
 * write and closes.
 */
static int
listen_on(const struct addrinfo *ai, int nodelay, const char **reason)
{
	int	fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd == -1) {
		*reason = strerror(errno);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (nodelay)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* IPv4 has its own socket: an IPv6 one must not claim the port for both. */
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		*reason = strerror(errno);
		close(fd);
		return -1;
	}
	return fd;
}

static void
listener_add(int fd, unsigned port, const struct adapter *p, int proxy)
{
	listeners[nlisteners].fd = fd;
	listeners[nlisteners].port = port;
	listeners[nlisteners].proto = p;
	listeners[nlisteners].proxy = proxy;
	nlisteners++;
}

/* Returns 1 when a listener from first on is bound to ai's address already. */
static int
bound_already(unsigned first, const struct addrinfo *ai)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	unsigned		i;

	for (i = first; i < nlisteners; i++) {
		len = sizeof(ss);
		if (getsockname(listeners[i].fd, (struct sockaddr *)&ss, &len) == 0 &&
		    len == ai->ai_addrlen && memcmp(&ss, ai->ai_addr, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Listens on every address name stands for, but once on each; counts those
 * bound in *bound, and leaves why the last one failed in *why. Returns -1
 * only when name does not resolve.
 */
static int
listen_name(const char *name, unsigned port, unsigned first,
    const struct adapter *p, int proxy, unsigned *bound, const char **why)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM,
			    .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo	*res, *ai;
	char		 service[8];
	int		 fd, rc;

	snprintf(service, sizeof(service), "%u", port);	/* fits: at most 65535 */
	if ((rc = getaddrinfo(name, service, &hints, &res)) != 0) {
		*why = reasonf("%s: %s", name, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (bound_already(first, ai))
			continue;
		if (nlisteners == LISTENERS_MAX) {
			*why = "too many addresses";
			break;
		}
		if ((fd = listen_on(ai, p->tls, why)) == -1)
			continue;
		listener_add(fd, port, p, proxy);
		(*bound)++;
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * RFC 6761 section 6.3: localhost and the names under it are the loopback
 * addresses, both of them, whatever /etc/hosts says; a client may try ::1
 * first.
 */
static int
is_localhost(const char *name)
{
	static const char	suffix[] = ".localhost";
	size_t			n = strlen(name), m = sizeof(suffix) - 1;

	if (n > 0 && name[n - 1] == '.')
		n--;
	return (n == m - 1 && strncasecmp(name, suffix + 1, n) == 0) ||
	    (n > m && strncasecmp(name + n - m, suffix, m) == 0);
}

int
server_listen(const char *addr, unsigned port, const struct adapter *p,
    int proxy, const char **reason)
{
	static const char *const loopback[] = { "127.0.0.1", "::1" };
	/* "*" is every address; a name such as example.org may stand for several. */
	const char	*one[] = { strcmp(addr, "*") == 0 ? NULL : addr };
	const char *const *names = is_localhost(addr) ? loopback : one;
	size_t		 nnames = is_localhost(addr) ? 2 : 1, i;
	const char	*why = "no address";
	unsigned	 bound = 0, first = nlisteners;

	for (i = 0; i < nnames; i++) {
		if (listen_name(names[i], port, first, p, proxy, &bound, &why) == -1) {
			*reason = why;
			return -1;
		}
	}
	if (bound == 0) {
		*reason = reasonf("%s port %u: %s", addr, port, why);
		return -1;
	}
	return 0;
}

void
server_addresses(unsigned port, struct buf *out)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	char			text[NI_MAXHOST], service[NI_MAXSERV];
	unsigned		i;

	for (i = 0; i < nlisteners; i++) {
		len = sizeof(ss);
		if (getsockname(listeners[i].fd, (struct sockaddr *)&ss, &len) == -1 ||
		    getnameinfo((struct sockaddr *)&ss, len, text, sizeof(text),
		    service, sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV) != 0 ||
		    strtoul(service, NULL, 10) != port)
			continue;
		buf_printf(out, "%s%s", out->len > 0 ? " " : "", text);
	}
}

static int
worker_init(struct worker *w, const char **reason)
{
	unsigned	i;

	if ((w->loop = event_loop_new(reason)) == NULL)
		return -1;
	w->exchanges = (struct spares){ .cap = SPARE_EXCHANGES, .size = sizeof(struct exchange) };
	w->wake.fd = stop_fd;
	w->wake.fn = wake_ready;
	if (event_watch(w->loop, &w->wake, EV_READ, reason) == -1)
		return -1;
	pthread_mutex_init(&w->settled_lock, NULL);
	if ((w->settled_ev.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		*reason = reasonf("eventfd: %s", strerror(errno));
		return -1;
	}
	w->settled_ev.fn = settled_ready;
	if (event_watch(w->loop, &w->settled_ev, EV_READ, reason) == -1)
		return -1;
	for (i = 0; i < nlisteners; i++) {
		w->accepting[i].ev.fd = listeners[i].fd;
		w->accepting[i].ev.fn = accept_ready;
		w->accepting[i].ev.exclusive = 1;
		w->accepting[i].worker = w;
		w->accepting[i].listener = &listeners[i];
		if (event_watch(w->loop, &w->accepting[i].ev, EV_READ, reason) == -1)
			return -1;
	}
	return 0;
}

int
server_start(unsigned n, unsigned max_connections, const char **reason)
{
	unsigned	i;
	int		rc;

	if ((stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		*reason = reasonf("eventfd: %s", strerror(errno));
		return -1;
	}
	/* Every open connection holds at most one key: max_connections of them. */
	if ((workers = calloc(n, sizeof(*workers))) == NULL ||
	    (per_address = holdings_new(max_connections)) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (worker_init(&workers[i], reason) == -1)
			return -1;
		if ((rc = pthread_create(&workers[i].thread, NULL, worker_run, &workers[i])) != 0) {
			*reason = reasonf("pthread_create: %s", strerror(rc));
			return -1;
		}
		nworkers++;
	}
	return 0;
}

void
server_stop(void)
{
	uint64_t	one = 1;

	if (stop_fd != -1)
		(void)!write(stop_fd, &one, sizeof(one));
}

void
server_wait(void)
{
	unsigned	i;

	for (i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		event_loop_free(workers[i].loop);
		close(workers[i].settled_ev.fd);
		pthread_mutex_destroy(&workers[i].settled_lock);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
	holdings_free(per_address);
	per_address = NULL;
	for (i = 0; i < nlisteners; i++)
		close(listeners[i].fd);
	nlisteners = 0;
	if (stop_fd != -1)
		close(stop_fd);
	stop_fd = -1;
}
