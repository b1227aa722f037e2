/*
 * gbvisible: how long an entry written on one instance takes to show on
 * another's page, for the PostgreSQL guestbook benchmark. A Gopher client
 * of its own (plain TCP, the selector and CRLF, read until the server
 * closes), sharing no code with the server.
 *
 *   gbvisible HOST WRITER_PORT READER_PORT N TAG
 *
 * N times, one after the other: signs the guestbook on WRITER_PORT with
 * "TAG I." (search item /guestbook/sign), and once the writer has answered
 * (the entry is committed), fetches the guestbook menu (/guestbook/) from
 * READER_PORT again and again, 1 ms apart, until it holds the text. The
 * time from the writer's answer to the first menu that holds the entry is
 * one sample; the time one menu fetch takes is the peer figure, the
 * resolution the samples cannot go below. Prints a human summary and one
 * line "RESULT key=value ...". Gives up on an entry after 10 s (counted in
 * lost).
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

/* The guestbook menu with 100 entries of up to 800 bytes fits easily. */
#define ANSWER_MAX	(1024 * 1024)
/* An entry not seen by then is lost to this benchmark. */
#define GIVE_UP_US	10e6

static struct addrinfo	*writer, *reader;
static char		 answer[ANSWER_MAX + 1];

static struct addrinfo *
resolve(const char *host, const char *port)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *ai;

	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "gbvisible: cannot resolve %s:%s\n", host, port);
		exit(1);
	}
	return ai;
}

/* One Gopher request; the answer, NUL-terminated, in answer. -1 on failure. */
static int
gopher(const struct addrinfo *ai, const char *selector)
{
	char	 req[2048];
	size_t	 got = 0;
	ssize_t	 n;
	int	 fd, len;

	len = snprintf(req, sizeof(req), "%s\r\n", selector);
	if (len < 0 || (size_t)len >= sizeof(req))
		return -1;
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    write(fd, req, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	while (got < ANSWER_MAX && (n = read(fd, answer + got, ANSWER_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	answer[got] = '\0';
	return 0;
}

static double
percentile(const double *sorted, size_t n, double p)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return sorted[i];
}

static void
pause_1ms(void)
{
	struct timespec	ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

/* Entry i: written on the writer, then waited for on the reader; the
 * sample in *seen_ms, and each fetch's time added to fetches. */
static int
one(unsigned i, const char *tag, double *seen_ms, double *fetch_sum, unsigned *fetches)
{
	char	 sel[512], text[256];
	double	 acked, t;

	snprintf(text, sizeof(text), "%s %u.", tag, i);
	snprintf(sel, sizeof(sel), "/guestbook/sign\t%s", text);
	if (gopher(writer, sel) == -1 || answer[0] == '3' || answer[0] == '\0')
		return -1;
	acked = now_us();
	for (;;) {
		t = now_us();
		if (gopher(reader, "/guestbook/") == -1)
			return -1;
		*fetch_sum += now_us() - t;
		(*fetches)++;
		if (strstr(answer, text) != NULL)
			break;
		if (now_us() - acked > GIVE_UP_US)
			return -2;
		pause_1ms();
	}
	*seen_ms = (now_us() - acked) / 1000.0;
	return 0;
}

int
main(int argc, char **argv)
{
	double		*ms, fetch_sum = 0;
	unsigned	 n, i, errors = 0, lost = 0, fetches = 0;
	size_t		 got = 0;
	int		 rc;

	if (argc != 6 || (n = (unsigned)strtoul(argv[4], NULL, 10)) == 0) {
		fprintf(stderr, "usage: gbvisible HOST WRITER_PORT READER_PORT N TAG\n");
		return 1;
	}
	writer = resolve(argv[1], argv[2]);
	reader = resolve(argv[1], argv[3]);
	if ((ms = calloc(n, sizeof(*ms))) == NULL)
		return 1;
	for (i = 1; i <= n; i++) {
		rc = one(i, argv[5], &ms[got], &fetch_sum, &fetches);
		if (rc == 0)
			got++;
		else if (rc == -2)
			lost++;
		else
			errors++;
	}
	qsort(ms, got, sizeof(*ms), cmp_double);
	printf("%zu entries seen on the reader: p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
	    "one menu fetch %.2f ms\n", got, percentile(ms, got, 0.5),
	    percentile(ms, got, 0.99), got ? ms[got - 1] : 0.0,
	    fetches ? fetch_sum / fetches / 1000.0 : 0.0);
	printf("RESULT n=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f fetch_ms=%.2f errors=%u lost=%u\n",
	    got, percentile(ms, got, 0.5), percentile(ms, got, 0.99), got ? ms[got - 1] : 0.0,
	    fetches ? fetch_sum / fetches / 1000.0 : 0.0, errors, lost);
	free(ms);
	freeaddrinfo(writer);
	freeaddrinfo(reader);
	return errors + lost > 0;
}
