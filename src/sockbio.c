/*
 * The BIO under a connection's TLS: reads come straight from the socket,
 * and the records OpenSSL writes are gathered in the connection's struct
 * sock_out instead of costing a system call each. The handshake's flight
 * leaves when the connection waits for the client's answer to it; a
 * small page and close_notify leave together, in one write, and with them
 * the session ticket when the request came in with the client's Finished.
 * When to send is the connection layer's call (sockbio_flush); OpenSSL's
 * own flushes are ignored.
 */

#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "sockbio.h"

/*
 * A write this long is a bulk transfer's: a record of a full 16 KiB of
 * plaintext (RFC 8446 section 5.1) or more. With nothing held it goes
 * straight out, as gathering it would only copy it.
 */
#define BULK_WRITE	SSL3_RT_MAX_PLAIN_LENGTH

static BIO_METHOD	*method;

static size_t
waiting(const struct sock_out *out)
{
	return out->len - out->off;
}

static void
release(struct sock_out *out)
{
	free(out->held);
	out->held = NULL;
	out->off = out->len = 0;
}

/* Appends data to what out holds, taking its buffer first if it has none; -1 out of memory. */
static int
hold(struct sock_out *out, const char *data, size_t n)
{
	size_t	w = waiting(out);

	if (out->held == NULL && (out->held = malloc(SOCK_OUT_SIZE)) == NULL)
		return -1;
	if (out->len + n > SOCK_OUT_SIZE) {
		memmove(out->held, out->held + out->off, w);
		out->off = 0;
		out->len = w;
	}
	memcpy(out->held + out->len, data, n);
	out->len += n;
	return 0;
}

/* Sends what out holds, then data, in one system call; what send returned. */
static ssize_t
send_both(struct sock_out *out, const char *data, size_t n)
{
	struct iovec	iov[2] = {
		{ .iov_base = NULL, .iov_len = waiting(out) },
		{ .iov_base = (void *)(uintptr_t)data, .iov_len = n },
	};
	struct msghdr	msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t		sent;

	/* Nothing held may mean no buffer at all: no pointer is made from NULL. */
	if (iov[0].iov_len > 0)
		iov[0].iov_base = out->held + out->off;
	else {
		msg.msg_iov = iov + 1;
		msg.msg_iovlen = 1;
	}
	do
		sent = sendmsg(out->fd, &msg, MSG_NOSIGNAL);
	while (sent == -1 && errno == EINTR);
	return sent;
}

static int
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

/*
 * Holds a record while it fits; otherwise sends what is held with it, and
 * holds the part of it the socket did not take. A socket too full to take
 * even what was held asks OpenSSL to retry the record later. Takes at most
 * SOCK_OUT_SIZE at once, so the rest of a write always fits once what
 * was held has left: OpenSSL writes the remainder again (a partial write).
 */
static int
sock_write(BIO *b, const char *data, int len)
{
	struct sock_out	*out = BIO_get_data(b);
	size_t		 n = (size_t)len < SOCK_OUT_SIZE ? (size_t)len : SOCK_OUT_SIZE;
	size_t		 w = waiting(out);
	ssize_t		 sent;

	BIO_clear_retry_flags(b);
	if (w + n <= SOCK_OUT_SIZE && (w > 0 || n < BULK_WRITE))
		return hold(out, data, n) == 0 ? (int)n : -1;
	if ((sent = send_both(out, data, n)) == -1) {
		if (would_block())
			BIO_set_retry_write(b);
		return -1;
	}
	if ((size_t)sent < w) {
		out->off += (size_t)sent;
		BIO_set_retry_write(b);
		return -1;
	}
	sent -= (ssize_t)w;
	out->off = out->len = 0;
	if ((size_t)sent == n) {
		release(out);
		return (int)n;
	}
	/* The rest of the write: at most SOCK_OUT_SIZE, and the buffer is empty. */
	return hold(out, data + sent, n - (size_t)sent) == 0 ? (int)n : -1;
}

static int
sock_read(BIO *b, char *buf, int size)
{
	struct sock_out	*out = BIO_get_data(b);
	ssize_t		 n;

	BIO_clear_retry_flags(b);
	do
		n = read(out->fd, buf, (size_t)size);
	while (n == -1 && errno == EINTR);
	if (n == -1 && would_block())
		BIO_set_retry_read(b);
	if (n == 0)
		BIO_set_flags(b, BIO_FLAGS_IN_EOF);
	return (int)n;
}

static long
sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct sock_out	*out = BIO_get_data(b);

	(void)num;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_WPENDING:
		return (long)waiting(out);
	case BIO_CTRL_EOF:
		return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
	case BIO_C_GET_FD:
		if (ptr != NULL)
			*(int *)ptr = out->fd;
		return out->fd;
	default:
		return 0;
	}
}

static int
sock_destroy(BIO *b)
{
	struct sock_out	*out = BIO_get_data(b);

	if (out != NULL)
		release(out);
	return 1;
}

int
sockbio_init(void)
{
	int	index;

	if (method != NULL)
		return 0;
	if ((index = BIO_get_new_index()) == -1 ||
	    (method = BIO_meth_new(index | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
	    "marquee socket")) == NULL ||
	    !BIO_meth_set_write(method, sock_write) ||
	    !BIO_meth_set_read(method, sock_read) ||
	    !BIO_meth_set_ctrl(method, sock_ctrl) ||
	    !BIO_meth_set_destroy(method, sock_destroy)) {
		BIO_meth_free(method);
		method = NULL;
		return -1;
	}
	return 0;
}

BIO *
sockbio_new(struct sock_out *out)
{
	BIO	*b;

	if ((b = BIO_new(method)) == NULL)
		return NULL;
	BIO_set_data(b, out);
	BIO_set_init(b, 1);
	return b;
}

int
sockbio_flush(struct sock_out *out)
{
	ssize_t	sent;

	while (waiting(out) > 0) {
		sent = send(out->fd, out->held + out->off, waiting(out), MSG_NOSIGNAL);
		if (sent == -1 && errno == EINTR)
			continue;
		if (sent == -1)
			return would_block() ? 0 : -1;
		out->off += (size_t)sent;
	}
	release(out);
	return 1;
}
