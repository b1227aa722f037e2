/*
 * The socket BIO under every TLS connection (src/sockbio.c), over a real
 * socket pair: records are held until the connection sends them, in order
 * and in one piece; a full record with nothing held goes straight out; a
 * full socket holds what it cannot take, or asks for the record again; a
 * write longer than the buffer is taken in part;
 * reads, end of file and the descriptor are the socket's.
 */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sockbio.h"

/* A TLS 1.3 record of 16 KiB of plaintext: header, body, content type and tag. */
#define FULL_RECORD	(5 + 16384 + 1 + 16)

static unsigned char	 sent[64 * 1024 * 1024];	/* every byte written, in order */
static size_t		 nsent;
static size_t		 nchecked;		/* of sent, how many the peer read back */

/* A BIO on one end of a fresh socket pair, non-blocking; the peer end in *peer. */
static BIO *
open_pair(struct sock_out *out, int *peer)
{
	int	sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return NULL;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	memset(out, 0, sizeof(*out));
	out->fd = sv[0];
	*peer = sv[1];
	nsent = nchecked = 0;
	return sockbio_new(out);
}

/* Writes n bytes of a running pattern through b; what BIO_write returned. */
static int
write_pattern(BIO *b, size_t n)
{
	unsigned char	*p = sent + nsent;
	size_t		 i;
	int		 r;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((nsent + i) * 7 + (nsent + i) / 251);
	r = BIO_write(b, p, (int)n);
	if (r > 0)
		nsent += (size_t)r;
	return r;
}

/* Reads up to max bytes the peer has; 1 when they are exactly the next bytes written. */
static int
peer_reads_upto(int peer, size_t max, size_t *got)
{
	static unsigned char	buf[1 << 20];
	ssize_t			n;

	*got = 0;
	while (*got < max && (n = read(peer, buf, max - *got < sizeof(buf) ?
	    max - *got : sizeof(buf))) > 0) {
		if (nchecked + (size_t)n > nsent || memcmp(buf, sent + nchecked, (size_t)n) != 0)
			return 0;
		nchecked += (size_t)n;
		*got += (size_t)n;
	}
	return 1;
}

static int
peer_reads_next(int peer, size_t *got)
{
	return peer_reads_upto(peer, SIZE_MAX, got);
}

static void
test_small_records_held(void)
{
	struct sock_out	out;
	size_t		got;
	int		peer;
	BIO		*b = open_pair(&out, &peer);

	CHECK(b != NULL);
	CHECK_INT(write_pattern(b, 271), 271);		/* a session ticket */
	CHECK_INT(write_pattern(b, 2388), 2388);	/* a page */
	CHECK_INT(BIO_flush(b), 1);			/* OpenSSL's flush sends nothing */
	CHECK_INT(write_pattern(b, 24), 24);		/* close_notify */
	CHECK_INT(BIO_wpending(b), 271 + 2388 + 24);
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(got, 0);
	CHECK_INT(sockbio_flush(&out), 1);
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(got, 271 + 2388 + 24);
	CHECK(out.held == NULL);
	CHECK_INT(BIO_wpending(b), 0);
	BIO_free(b);
	close(out.fd);
	close(peer);
}

static void
test_full_record_straight(void)
{
	struct sock_out	out;
	size_t		got;
	int		peer;
	BIO		*b = open_pair(&out, &peer);

	CHECK_INT(write_pattern(b, FULL_RECORD), FULL_RECORD);
	CHECK(out.held == NULL);
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(got, FULL_RECORD);
	/* Behind held bytes a record is held too while it fits the block... */
	CHECK_INT(write_pattern(b, 100), 100);
	CHECK_INT(write_pattern(b, FULL_RECORD), FULL_RECORD);
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(got, 0);
	/* ...and the next one that does not fit leaves with them, in order. */
	CHECK_INT(write_pattern(b, FULL_RECORD), FULL_RECORD);
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(got, 100 + 2 * FULL_RECORD);
	CHECK(out.held == NULL);
	BIO_free(b);
	close(out.fd);
	close(peer);
}

/* Writes full records until the socket takes no more and b asks for one again. */
static int
fill_socket(BIO *b)
{
	int	i, r;

	for (i = 0; i < 1000; i++) {
		if ((r = write_pattern(b, FULL_RECORD)) < 0)
			return BIO_should_retry(b) && BIO_should_write(b);
		if (r != FULL_RECORD)
			return 0;
	}
	return 0;
}

static void
test_full_socket(void)
{
	struct sock_out	out;
	size_t		got, total = 0;
	int		peer, i;
	BIO		*b = open_pair(&out, &peer);

	/* Nothing of the refused record was taken: OpenSSL writes it again later. */
	CHECK(fill_socket(b));
	CHECK_INT(write_pattern(b, 24), 24);		/* held while the socket is full */
	CHECK(out.held != NULL && out.len - out.off <= SOCK_OUT_SIZE);
	CHECK_INT(sockbio_flush(&out), 0);
	for (i = 0; i < 1000 && sockbio_flush(&out) != 1; i++) {
		CHECK(peer_reads_next(peer, &got));
		total += got;
	}
	CHECK(peer_reads_next(peer, &got));
	total += got;
	CHECK_INT(total, nsent);
	CHECK_INT(nchecked, nsent);
	CHECK(out.held == NULL);
	/* Freed with bytes held, the BIO gives their block back. */
	CHECK_INT(write_pattern(b, 24), 24);
	CHECK(out.held != NULL);
	BIO_free(b);
	CHECK(out.held == NULL);
	close(out.fd);
	close(peer);
}

/* A write longer than the buffer is taken in part: OpenSSL writes the rest again. */
static void
test_long_write(void)
{
	struct sock_out	out;
	size_t		got, total = 0, left = 3 * SOCK_OUT_SIZE + 5;
	int		peer, r, i;
	BIO		*b = open_pair(&out, &peer);

	CHECK_INT(write_pattern(b, 10), 10);
	for (i = 0; i < 1000 && left > 0; i++) {
		r = write_pattern(b, left);
		CHECK(r <= SOCK_OUT_SIZE);
		if (r > 0)
			left -= (size_t)r;
		CHECK(peer_reads_next(peer, &got));
		total += got;
	}
	CHECK_INT(left, 0);
	for (i = 0; i < 1000 && sockbio_flush(&out) != 1; i++) {
		CHECK(peer_reads_next(peer, &got));
		total += got;
	}
	CHECK(peer_reads_next(peer, &got));
	CHECK_INT(total + got, 10 + 3 * SOCK_OUT_SIZE + 5);
	CHECK_INT(nchecked, nsent);
	BIO_free(b);
	close(out.fd);
	close(peer);
}

/*
 * Records of every size against a small socket whose reader takes a little
 * at a time: whatever the socket takes, refuses or takes part of, the
 * reader gets every byte once, in order. Seeded: the same run each time.
 */
static void
test_stream(void)
{
	static const size_t sizes[] = { 24, 271, 2388, 9000, FULL_RECORD };
	struct sock_out	out;
	size_t		got, len;
	int		peer, step, tries, small = 4096, ok = 1, r;
	BIO		*b = open_pair(&out, &peer);

	setsockopt(out.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	srandom(19);
	for (step = 0; step < 3000 && ok; step++) {
		len = sizes[random() % 5];
		for (tries = 0; (r = write_pattern(b, len)) < 0 && tries < 100; tries++) {
			ok &= BIO_should_retry(b) && BIO_should_write(b);
			ok &= peer_reads_upto(peer, 1 + (size_t)(random() % 40000), &got);
		}
		ok &= r == (int)len;
		if (random() % 4 == 0)
			ok &= sockbio_flush(&out) != -1;
		ok &= peer_reads_upto(peer, (size_t)(random() % 20000), &got);
	}
	for (tries = 0; tries < 1000 && sockbio_flush(&out) != 1; tries++)
		ok &= peer_reads_next(peer, &got);
	ok &= peer_reads_next(peer, &got);
	CHECK(ok);
	CHECK_INT(nchecked, nsent);
	BIO_free(b);
	close(out.fd);
	close(peer);
}

static void
test_reads(void)
{
	struct sock_out	out;
	char		buf[16];
	int		peer, fd;
	BIO		*b = open_pair(&out, &peer);

	CHECK_INT(BIO_read(b, buf, sizeof(buf)), -1);
	CHECK(BIO_should_retry(b) && BIO_should_read(b));
	CHECK_INT(write(peer, "hello", 5), 5);
	CHECK_INT(BIO_read(b, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK(!BIO_eof(b));
	shutdown(peer, SHUT_WR);
	CHECK_INT(BIO_read(b, buf, sizeof(buf)), 0);
	CHECK(!BIO_should_retry(b));
	CHECK(BIO_eof(b));
	CHECK_INT(BIO_get_fd(b, &fd), out.fd);
	CHECK_INT(fd, out.fd);
	BIO_free(b);
	close(out.fd);
	close(peer);
}

int
main(void)
{
	if (sockbio_init() == -1) {
		printf("FAIL sockbio_init\n");
		return 1;
	}
	test_small_records_held();
	test_full_record_straight();
	test_full_socket();
	test_reads();
	test_long_write();
	test_stream();
	return harness_done();
}
