/*
 * The guestbook's PostgreSQL store: one table of records per host's schema,
 * shared by every instance configured with the same URI. The schema is
 * made on first use; the committer thread stores each batch of appends in
 * one transaction (a function of the schema checks the duplicate rule
 * under a lock, inserts, and notifies), reads back by sequence number what
 * any instance stored, at start, on each notification and after every
 * reconnection, and answers appends at once while the database is away.
 * It talks to the database through libpq's asynchronous calls only, so
 * it can watch the queue while it waits; the event threads never do. The
 * owner's commands use the same calls from their one thread. What the
 * records mean is the view's (guestbook.c).
 */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "buf.h"
#include "gbstore.h"
#include "guestbook.h"
#include "gbwhere.h"
#include "log.h"

/* Appends stored by one transaction. */
#define BATCH_MAX		256
/* Entry ids the committer keeps fetched ahead: a full batch's, and a refill's worth, so the refill rides along with a put. */
#define RESERVE_MAX		(2 * BATCH_MAX)
/*
 * How long reserved ids are kept: pages order entries by id, so an id
 * taken long ago would put a new entry below older ones of another
 * instance; a second's skew is that of entries written at once.
 */
#define RESERVE_AGE_MS		1000
/* Records read back by one query while catching up; more are read by the next. */
#define CATCH_UP_MAX		5000
/* The file store's rule, enforced by the database: the same text from the same client within a minute is stored once. */
#define DEDUPE_SECONDS		60
/* How long a query may go unanswered before the connection is taken for lost (a network stall). */
#define QUERY_TIMEOUT_MS	10000
/* How long a connection may take: libpq's connect_timeout, unless the URI sets its own. */
#define CONNECT_TIMEOUT		"5"
/* Reconnecting: the first retry after 250 ms, each later one twice as late, at most 5 s. */
#define RETRY_FIRST_MS		250
#define RETRY_MAX_MS		5000
/*
 * An idle connection is re-read (a catch-up by seq, one cheap query) after
 * 2 s without a notification: a notification missed, or a partition that
 * drops packets silently, is found within a few seconds, not at the next
 * append; the query's own QUERY_TIMEOUT_MS tells a dead link.
 */
#define IDLE_CHECK_MS		2000
/*
 * TCP keepalives (libpq's keys; a Unix socket ignores them): the first probe
 * after 10 s idle, then every 5 s, the link taken for dead after 3
 * unanswered, so about 25 s; and data unacknowledged for 30 s (ms) ends it
 * too (tcp_user_timeout), a write into a partition never hanging for the
 * kernel's default of some 15 minutes.
 */
#define KEEPALIVES_IDLE		"10"
#define KEEPALIVES_INTERVAL	"5"
#define KEEPALIVES_COUNT	"3"
#define TCP_USER_TIMEOUT	"30000"
/*
 * Per session, whatever the database's or role's settings: a commit is
 * durable before an append is answered, and the duplicate rule's check and
 * insert see what other sessions committed.
 */
#define SESSION_OPTIONS		"-c synchronous_commit=on " \
				"-c default_transaction_isolation=read\\ committed"
/* The schema's version, in its version table, for later migrations. */
#define SCHEMA_VERSION		1
/* SQL text of one statement with the schema's name in it. */
#define SQL_MAX			4096

enum pg_state { PG_DOWN, PG_CONNECTING, PG_UP };

/* One host's guestbook in a database; all but the names are the committer's once it runs. */
struct gbpg {
	struct gb_store		 base;		/* first */
	char			 uri[PATH_MAX];
	char			 schema[GB_SCHEMA_MAX + 1];
	PGconn			*conn;
	enum pg_state		 state;
	short			 events;	/* what PQconnectPoll waits for while connecting */
	long long		 last_seq;	/* the highest record read back */
	long long		 notify_seq;	/* the highest seq notified (our own batches' too) */
	unsigned long long	 reserve[RESERVE_MAX];	/* entry ids fetched ahead, unused, ascending */
	size_t			 nreserve;
	long long		 reserve_at;	/* when its oldest ids were fetched (ms) */
	unsigned		 problems;	/* records read back that were skipped */
	int			 retry_ms;	/* the wait before the next retry; 0 while up */
	long long		 retry_at;	/* when to connect again, or give up connecting (ms) */
	int			 down_said;	/* the outage was logged */
	int			 notified;	/* a notification without a record's seq: read back */
};

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* m as one line in line: its lines end with LF, the next starting with a TAB. */
static const char *
one_line(const char *m, char *line, size_t size)
{
	size_t	n = 0;

	/* Each run of control characters one space. */
	for (; *m != '\0' && n < size - 1; m++)
		if ((unsigned char)*m >= ' ')
			line[n++] = *m;
		else if (n > 0 && line[n - 1] != ' ')
			line[n++] = ' ';
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return line;
}

/* libpq's last error as one line (its messages end with a LF, some have two lines). */
static const char *
pg_error(PGconn *conn)
{
	static _Thread_local char	 line[512];

	one_line(conn != NULL ? PQerrorMessage(conn) : "out of memory", line, sizeof(line));
	return line[0] != '\0' ? line : "connection lost";
}

/*
 * A notice, or an error the server sends an idle connection (a shutdown),
 * goes to our log; libpq's own processor writes to stderr.
 */
static void
pg_notice(void *schema, const char *message)
{
	char	line[512];

	log_info("guestbook postgresql %s: %s", (const char *)schema,
	    one_line(message, line, sizeof(line)));
}

/* Waits for the socket to be ready for events until deadline (ms); 0, or -1 on a timeout. */
static int
pg_poll(PGconn *conn, short events, long long deadline)
{
	struct pollfd	pfd = { .fd = PQsocket(conn), .events = events };
	long long	left;
	int		rc;

	do {
		if ((left = deadline - now_ms()) <= 0)
			return -1;
		rc = poll(&pfd, 1, (int)left);
	} while (rc == -1 && errno == EINTR);
	return rc > 0 ? 0 : -1;
}

/*
 * Notes the notifications that came with the last input: put() sends the
 * last seq it stored, so one already read back (our own batch's) asks for
 * nothing; one without a seq asks for a read back all the same.
 */
static void
pg_notifies(struct gbpg *g)
{
	PGnotify	*n;
	char		*end;
	long long	 seq;

	while ((n = PQnotifies(g->conn)) != NULL) {
		errno = 0;
		seq = strtoll(n->extra, &end, 10);
		if (errno != 0 || end == n->extra || *end != '\0' || seq <= 0)
			g->notified = 1;
		else if (seq > g->notify_seq)
			g->notify_seq = seq;
		PQfreemem(n);
	}
}

/* Whether another instance stored records not yet read back. */
static int
pg_behind(const struct gbpg *g)
{
	return g->notified || g->notify_seq > g->last_seq;
}

/* Sends what libpq holds for the server, by deadline (ms); 0, or -1. */
static int
pg_flush(struct gbpg *g, long long deadline)
{
	int	rc;

	while ((rc = PQflush(g->conn)) == 1)
		if (pg_poll(g->conn, POLLOUT | POLLIN, deadline) == -1 || !PQconsumeInput(g->conn))
			return -1;
	return rc;
}

/* Why the connection is taken for lost: a stall past deadline, or libpq's error. */
static const char *
lost_reason(struct gbpg *g, long long deadline)
{
	return now_ms() >= deadline ? reasonf("no answer within %d s", QUERY_TIMEOUT_MS / 1000) :
	    pg_error(g->conn);
}

/*
 * The result of the query just sent: every result read until libpq has no
 * more (so a statement's COMMIT is known to be done), the last error if
 * any. NULL with *reason when the connection failed or stalled.
 */
static PGresult *
pg_wait(struct gbpg *g, const char **reason)
{
	long long	 deadline = now_ms() + QUERY_TIMEOUT_MS;
	PGresult	*res = NULL, *next;

	if (pg_flush(g, deadline) == -1)
		goto lost;
	for (;;) {
		while (PQisBusy(g->conn))
			if (pg_poll(g->conn, POLLIN, deadline) == -1 || !PQconsumeInput(g->conn))
				goto lost;
		if ((next = PQgetResult(g->conn)) == NULL)
			break;
		if (res == NULL || PQresultStatus(next) == PGRES_FATAL_ERROR) {
			PQclear(res);
			res = next;
		} else
			PQclear(next);
	}
	pg_notifies(g);
	if (res != NULL)
		return res;
	*reason = "no answer to a query";
	return NULL;
lost:
	*reason = lost_reason(g, deadline);
	PQclear(res);
	return NULL;
}

/* Why a statement failed, from its result. */
static const char *
result_reason(const PGresult *res)
{
	if (res == NULL)
		return "no answer to a query";
	return reasonf("%s", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) != NULL ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQresStatus(PQresultStatus(res)));
}

/*
 * Runs sql with the text parameters v[0..n) and returns its result when it
 * succeeded; NULL with *reason, and *lost set when the connection is the
 * cause (not the statement).
 */
static PGresult *
pg_query(struct gbpg *g, const char *sql, int n, const char *const *v, int *lost,
    const char **reason)
{
	PGresult	*res;

	*lost = 0;
	if (!PQsendQueryParams(g->conn, sql, n, NULL, v, NULL, NULL, 0)) {
		*lost = PQstatus(g->conn) != CONNECTION_OK;
		*reason = pg_error(g->conn);
		return NULL;
	}
	/* Lost, stalled, or an answer libpq could not make out: the connection is not to be trusted. */
	if ((res = pg_wait(g, reason)) == NULL) {
		*lost = 1;
		return NULL;
	}
	if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK)
		return res;
	*reason = result_reason(res);
	*lost = PQstatus(g->conn) != CONNECTION_OK;
	PQclear(res);
	return NULL;
}

/* One statement's text, the schema's name put in for every %1$s; "" when it does not fit. */
static const char *
sql_of(const struct gbpg *g, const char *fmt, char out[SQL_MAX])
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if ((size_t)snprintf(out, SQL_MAX, fmt, g->schema) >= SQL_MAX)
		out[0] = '\0';
#pragma GCC diagnostic pop
	return out;
}

/* --- Reading back ----------------------------------------------------------- */

/* The records past $1, in the order they were committed, at most $2 of them. */
static const char catch_up_fmt[] =
    "SELECT seq, record FROM %1$s.records WHERE seq > $1 ORDER BY seq LIMIT $2";

/* Applies the rows (seq, record) of res; a bad record is reported and passed over. */
static void
apply_rows(struct gbpg *g, PGresult *res)
{
	struct record	 r;
	const char	*line, *reason;
	long long	 seq;
	int		 i;

	for (i = 0; i < PQntuples(res); i++) {
		seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		line = PQgetvalue(res, i, 1);
		if (seq > g->last_seq)
			g->last_seq = seq;
		if (record_parse(line, strlen(line), &r, &reason) == 0 &&
		    gb_apply(g->base.gb, &r, &reason) == 0)
			continue;
		log_warn("guestbook postgresql %s: record %lld: %s; record skipped", g->schema,
		    seq, reason);
		g->problems++;
	}
}

/* Reads back every record past the last one read; 0, or -1 with *lost and *reason. */
static int
catch_up(struct gbpg *g, int *lost, const char **reason)
{
	char		 sql[SQL_MAX], after[32], max[32];
	const char	*v[2] = { after, max };
	PGresult	*res;
	int		 n;

	snprintf(max, sizeof(max), "%d", CATCH_UP_MAX);
	sql_of(g, catch_up_fmt, sql);
	g->notified = 0;
	do {
		snprintf(after, sizeof(after), "%lld", g->last_seq);
		if ((res = pg_query(g, sql, 2, v, lost, reason)) == NULL)
			return -1;
		apply_rows(g, res);
		n = PQntuples(res);
		PQclear(res);
	} while (n == CATCH_UP_MAX);
	return 0;
}

/* --- Storing ---------------------------------------------------------------- */

/* $1 new ids from the schema's sequence. */
static const char ids_fmt[] =
    "SELECT nextval('%1$s.entry_ids') FROM generate_series(1, $1::int)";
/* A batch stored in one transaction: put($1 ids, $2 keys, $3 records). */
static const char put_fmt[] = "SELECT %1$s.put($1, $2, $3)";

/* The first n ids of res's rows into ids; how many there were. */
static size_t
ids_of(const PGresult *res, size_t n, unsigned long long *ids)
{
	size_t	i;

	for (i = 0; i < n && i < (size_t)PQntuples(res); i++)
		ids[i] = strtoull(PQgetvalue(res, (int)i, 0), NULL, 10);
	return i;
}

/* Runs sql, whose rows are n ids, into ids; 0, or -1 (short: too few rows). */
static int
query_ids(struct gbpg *g, const char *sql, int nv, const char *const *v, size_t n,
    unsigned long long *ids, int *lost, const char **reason, const char *short_why)
{
	PGresult	*res;
	size_t		 i;

	if ((res = pg_query(g, sql, nv, v, lost, reason)) == NULL)
		return -1;
	i = ids_of(res, n, ids);
	PQclear(res);
	if (i < n) {
		*reason = short_why;
		return -1;
	}
	return 0;
}

/* Ids for n new entries from the schema's sequence into ids; 0, or -1. */
static int
new_ids(struct gbpg *g, size_t n, unsigned long long *ids, int *lost, const char **reason)
{
	char		 sql[SQL_MAX], count[32];
	const char	*v[1] = { count };

	if (n == 0)
		return 0;
	snprintf(count, sizeof(count), "%zu", n);
	sql_of(g, ids_fmt, sql);
	return query_ids(g, sql, 1, v, n, ids, lost, reason, "the sequence gave too few ids");
}

/* What put() takes: the ids, keys and record lines of a batch, comma and LF separated. */
struct put {
	struct buf	ids, keys, lines;
};

static void
put_free(struct put *p)
{
	buf_free(&p->ids);
	buf_free(&p->keys);
	buf_free(&p->lines);
}

/*
 * Adds r to the batch with its duplicate key: "e:" and a digest for a
 * reader's entry, "l:" and one for a like, "-" for none (the owner's).
 * 0, or -1 when r does not fit a record.
 */
static int
put_add(struct put *p, const struct record *r, const char *key)
{
	char	line[RECORD_MAX + 1];
	size_t	len;

	if ((len = record_format(r, line, sizeof(line))) == 0)
		return -1;
	if (p->lines.len > 0) {
		buf_puts(&p->ids, ",");
		buf_puts(&p->keys, ",");
		buf_puts(&p->lines, "\n");
	}
	buf_printf(&p->ids, "%llu", r->kind == RECORD_ENTRY ? r->id : 0ULL);
	buf_puts(&p->keys, key);
	buf_append(&p->lines, line, len - 1);	/* without its LF */
	return 0;
}

/* put()'s three parameters, in v; 0, or -1 (out of memory). */
static int
put_params(struct put *p, const char *v[3], const char **reason)
{
	buf_append(&p->ids, "", 1);
	buf_append(&p->keys, "", 1);
	buf_append(&p->lines, "", 1);
	if (p->ids.failed || p->keys.failed || p->lines.failed) {
		*reason = "out of memory";
		return -1;
	}
	v[0] = p->ids.data;
	v[1] = p->keys.data;
	v[2] = p->lines.data;
	return 0;
}

/*
 * Stores the batch in one transaction and returns the id each record has
 * in the table, in ids (an earlier entry's for a duplicate, 0 for a
 * like); 0, or -1 with *lost and *reason.
 */
static int
put_run(struct gbpg *g, struct put *p, size_t n, unsigned long long *ids, int *lost,
    const char **reason)
{
	char		 sql[SQL_MAX];
	const char	*v[3];

	*lost = 0;
	if (put_params(p, v, reason) == -1)
		return -1;
	return query_ids(g, sql_of(g, put_fmt, sql), 3, v, n, ids, lost, reason,
	    "the database stored fewer records than sent");
}

static void
hex_of(const unsigned char *b, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/*
 * The duplicate key of an append: "e:" and its digest for an entry, "l:"
 * and a digest of the liker and review for a like (a slug may hold the
 * comma that separates keys), or "-" when the digest cannot be made (no
 * memory): the view still counts a certificate's like once.
 */
static void
key_of(const struct append *p, char *out, size_t size)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	char		hex[2 * GB_DEDUPE_BYTES + 1], who[FINGERPRINT_HEX + SLUG_MAX + 1];
	unsigned	mdlen = 0;
	size_t		n;

	if (p->rec.kind == RECORD_ENTRY) {
		hex_of(p->dedupe, GB_DEDUPE_BYTES, hex);
		snprintf(out, size, "e:%s", hex);
		return;
	}
	/* The fingerprint, its NUL, then the slug: fits, both bounded by their fields. */
	n = strlen(p->rec.fingerprint) + 1;
	memcpy(who, p->rec.fingerprint, n);
	memcpy(who + n, p->rec.slug, strlen(p->rec.slug));
	if (!EVP_Digest(who, n + strlen(p->rec.slug), md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen < GB_DEDUPE_BYTES) {
		snprintf(out, size, "-");
		return;
	}
	hex_of(md, GB_DEDUPE_BYTES, hex);
	snprintf(out, size, "l:%s", hex);
}

static void
settle_all(struct gbpg *g, struct append *batch, const char *reason)
{
	struct append	*p;

	for (p = batch; p != NULL; p = p->next) {
		p->id = 0;
		p->reason = reason;
	}
	gb_settle(g->base.gb, batch);
}

/*
 * The connection is lost or refused: pages go on from the view, appends
 * are answered at once, and a retry is due after the backoff.
 */
static void
pg_down(struct gbpg *g, const char *why)
{
	if (!g->down_said)
		log_warn("guestbook: postgresql unreachable (%s)", why);
	g->down_said = 1;
	PQfinish(g->conn);
	g->conn = NULL;
	g->state = PG_DOWN;
	gb_set_unavailable(g->base.gb, 1);
	g->retry_ms = g->retry_ms == 0 ? RETRY_FIRST_MS :
	    g->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : g->retry_ms * 2;
	g->retry_at = now_ms() + g->retry_ms;
}

/* Puts the batch's records in p, each entry with the next of ids; the senders in sent. */
static size_t
batch_put(struct append *batch, const unsigned long long *ids, struct put *p,
    struct append **sent)
{
	struct append	*a;
	char		 key[2 * GB_DEDUPE_BYTES + 3];
	long long	 now = (long long)time(NULL);
	size_t		 n = 0, k = 0;

	for (a = batch; a != NULL; a = a->next) {
		a->id = 0;
		a->reason = NULL;
		if (a->rec.kind == RECORD_ENTRY)
			a->rec.id = ids[k++];
		a->rec.time = now;
		key_of(a, key, sizeof(key));
		if (put_add(p, &a->rec, key) == -1)
			a->reason = "the entry does not fit a record";
		else
			sent[n++] = a;
	}
	return n;
}

/* --- The committer's round trip --------------------------------------------- */

/* Takes the first n ids of the reserve (it holds them) into ids. */
static void
reserve_take(struct gbpg *g, size_t n, unsigned long long *ids)
{
	memcpy(ids, g->reserve, n * sizeof(*ids));
	memmove(g->reserve, g->reserve + n, (g->nreserve - n) * sizeof(*ids));
	g->nreserve -= n;
}

/* Adds res's ids, fresh from the sequence, to the reserve. */
static void
reserve_add(struct gbpg *g, const PGresult *res)
{
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		return;
	if (g->nreserve == 0)
		g->reserve_at = now_ms();
	g->nreserve += ids_of(res, RESERVE_MAX - g->nreserve, g->reserve + g->nreserve);
}

/* Fills the reserve with a query of its own (at first, or after a failed put); 0, or -1. */
static int
reserve_fill(struct gbpg *g, int *lost, const char **reason)
{
	char		 sql[SQL_MAX], count[32];
	const char	*v[1] = { count };
	PGresult	*res;

	snprintf(count, sizeof(count), "%zu", RESERVE_MAX - g->nreserve);
	if ((res = pg_query(g, sql_of(g, ids_fmt, sql), 1, v, lost, reason)) == NULL)
		return -1;
	reserve_add(g, res);
	PQclear(res);
	return 0;
}

/* The queries of a batch's pipeline, in the order sent. */
enum { PIPE_PUT, PIPE_REFILL, PIPE_READ, PIPE_QUERIES };

/*
 * Sends, without waiting, put() and a Sync (which commits its transaction
 * alone), then the reserve's refill (none while it holds a batch's ids),
 * the read back past last_seq, and a second Sync; 0, or -1.
 */
static int
pipe_send(struct gbpg *g, const char *const put_v[3])
{
	char		 sql[SQL_MAX], count[32], after[32], max[32];
	const char	*v[2] = { count };

	snprintf(count, sizeof(count), "%zu", g->nreserve < BATCH_MAX ?
	    RESERVE_MAX - g->nreserve : 0);
	if (!PQenterPipelineMode(g->conn) ||
	    !PQsendQueryParams(g->conn, sql_of(g, put_fmt, sql), 3, NULL, put_v, NULL, NULL, 0) ||
	    !PQpipelineSync(g->conn) ||
	    !PQsendQueryParams(g->conn, sql_of(g, ids_fmt, sql), 1, NULL, v, NULL, NULL, 0))
		return -1;
	snprintf(after, sizeof(after), "%lld", g->last_seq);
	snprintf(max, sizeof(max), "%d", CATCH_UP_MAX);
	v[0] = after;
	v[1] = max;
	return PQsendQueryParams(g->conn, sql_of(g, catch_up_fmt, sql), 2, NULL, v, NULL, NULL,
	    0) && PQpipelineSync(g->conn) ? 0 : -1;
}

/*
 * Reads the pipeline's answers, each query's first result into out, until
 * both Syncs; *committed once the first Sync followed put()'s rows. 0, or
 * -1 with *reason when the connection failed or stalled.
 */
static int
pipe_collect(struct gbpg *g, PGresult *out[PIPE_QUERIES], int *committed, const char **reason)
{
	long long	 deadline = now_ms() + QUERY_TIMEOUT_MS;
	PGresult	*r;
	int		 q = 0, syncs = 0;

	if (pg_flush(g, deadline) == -1)
		goto lost;
	/* Each query's results end with a NULL; a Sync's one result does not. */
	while (syncs < 2 && q <= PIPE_QUERIES) {
		while (PQisBusy(g->conn))
			if (pg_poll(g->conn, POLLIN, deadline) == -1 || !PQconsumeInput(g->conn))
				goto lost;
		if ((r = PQgetResult(g->conn)) == NULL)
			q++;
		else if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			if (++syncs == 1)
				*committed = out[PIPE_PUT] != NULL &&
				    PQresultStatus(out[PIPE_PUT]) == PGRES_TUPLES_OK;
			PQclear(r);
		} else if (q < PIPE_QUERIES && out[q] == NULL)
			out[q] = r;
		else
			PQclear(r);
	}
	pg_notifies(g);
	if (syncs == 2 && PQexitPipelineMode(g->conn))
		return 0;
	*reason = syncs == 2 ? pg_error(g->conn) : "the pipeline's answers out of step";
	return -1;
lost:
	*reason = lost_reason(g, deadline);
	return -1;
}

/*
 * Stores the batch in one round trip: put() in a transaction of its own,
 * the reserve's refill and the read back of what is new in the table
 * (ours and any other instance's, by seq) sent with it. The id each record
 * has in the table goes to ids. 0 once committed (*lost if the connection
 * went after the commit); -1 with *lost and *reason when nothing was
 * committed, or its commit is in doubt; -2 when nothing was committed
 * because an entry's id was taken (by an import: its ids are not the
 * sequence's) and the reserve is emptied.
 */
static int
put_pipelined(struct gbpg *g, struct put *p, size_t n, unsigned long long *ids, int *lost,
    const char **reason)
{
	PGresult	*out[PIPE_QUERIES] = { NULL };
	const char	*v[3];
	int		 committed = 0, rc = -1, i;

	*lost = 0;
	if (put_params(p, v, reason) == -1)
		return -1;
	if (pipe_send(g, v) == -1) {
		*lost = 1;
		*reason = pg_error(g->conn);
	} else
		*lost = pipe_collect(g, out, &committed, reason) == -1;
	if (!committed) {
		/* Refused: the reserve is not to be trusted; a unique id taken, a retry may do. */
		if (!*lost) {
			*reason = result_reason(out[PIPE_PUT]);
			g->nreserve = 0;
			if (out[PIPE_PUT] != NULL && PQresultErrorField(out[PIPE_PUT],
			    PG_DIAG_SQLSTATE) != NULL && strcmp(PQresultErrorField(out[PIPE_PUT],
			    PG_DIAG_SQLSTATE), "23505") == 0)
				rc = -2;
		}
	} else if (ids_of(out[PIPE_PUT], n, ids) < n)
		*reason = "the database stored fewer records than sent";
	else
		rc = 0;
	if (rc == 0 && !*lost) {
		reserve_add(g, out[PIPE_REFILL]);
		if (PQresultStatus(out[PIPE_READ]) == PGRES_TUPLES_OK)
			apply_rows(g, out[PIPE_READ]);
		/* More than one read's worth, or the read refused: the rest as usual. */
		if (PQresultStatus(out[PIPE_READ]) != PGRES_TUPLES_OK ||
		    PQntuples(out[PIPE_READ]) == CATCH_UP_MAX)
			(void)catch_up(g, lost, reason);
	}
	for (i = 0; i < PIPE_QUERIES; i++)
		PQclear(out[i]);
	return rc;
}

/*
 * Stores a batch: its entries' ids from the reserve, then one round trip
 * (put_pipelined), so that the entries are on their pages when the
 * readers are answered; once more with fresh ids if an import had taken
 * one. An append is answered as stored only once its
 * transaction is committed; one whose commit is in doubt (the connection
 * lost on the way) is answered 40, and is never half stored.
 */
static void
pg_commit(struct gbpg *g, struct append *batch)
{
	unsigned long long	 ids[BATCH_MAX], got[BATCH_MAX];
	struct append		*p, *sent[BATCH_MAX];
	struct put		 put = { 0 };
	const char		*reason;
	size_t			 n = 0, nids = 0, i;
	int			 lost = 0, rc = -2, tries;

	for (p = batch; p != NULL; p = p->next)
		nids += p->rec.kind == RECORD_ENTRY;
	if (now_ms() - g->reserve_at > RESERVE_AGE_MS)
		g->nreserve = 0;
	for (tries = 0; tries < 2 && rc == -2; tries++) {
		if (nids > g->nreserve && (reserve_fill(g, &lost, &reason) == -1 ||
		    nids > g->nreserve)) {
			reason = lost ? reason : "the sequence gave too few ids";
			goto failed;
		}
		reserve_take(g, nids, ids);
		n = batch_put(batch, ids, &put, sent);
		rc = n > 0 ? put_pipelined(g, &put, n, got, &lost, &reason) :
		    catch_up(g, &lost, &reason);
		put_free(&put);
	}
	if (rc < 0 && n > 0)
		goto failed;
	for (i = 0; i < n; i++)
		sent[i]->id = got[i];
	if (lost)
		pg_down(g, reason);
	gb_settle(g->base.gb, batch);
	return;
failed:
	put_free(&put);
	if (lost) {
		pg_down(g, reason);
		settle_all(g, batch, GUESTBOOK_UNAVAILABLE);
		return;
	}
	log_error("guestbook postgresql %s: %s", g->schema, reason);
	settle_all(g, batch, "the guestbook could not be written");
}

/* --- The connection ------------------------------------------------------------ */

/* Connects, synchronously (at start, and for the owner's commands) or not; NULL when out of memory. */
static PGconn *
pg_connect(const struct gbpg *g, int async)
{
	static const char *const	 keys[] = { "connect_timeout", "application_name",
					    "dbname", "keepalives", "keepalives_idle",
					    "keepalives_interval", "keepalives_count",
					    "tcp_user_timeout", "options", NULL };
	const char *const		 values[] = { CONNECT_TIMEOUT, "marquee", g->uri, "1",
					    KEEPALIVES_IDLE, KEEPALIVES_INTERVAL,
					    KEEPALIVES_COUNT, TCP_USER_TIMEOUT, SESSION_OPTIONS,
					    NULL };
	PGconn				*conn;

	/*
	 * The URI's own parameters, expanded from dbname, override the two
	 * defaults before it; the keys after it override the URI's.
	 */
	conn = async ? PQconnectStartParams(keys, values, 1) : PQconnectdbParams(keys, values, 1);
	if (conn != NULL)
		PQsetNoticeProcessor(conn, pg_notice, (void *)g->schema);
	return conn;
}

/* A new connection is up: listen, catch up, and take appends again. */
static void
pg_ready(struct gbpg *g)
{
	char		 sql[SQL_MAX];
	const char	*reason;
	PGresult	*res;
	int		 lost;

	if (PQsetnonblocking(g->conn, 1) == -1) {
		pg_down(g, pg_error(g->conn));
		return;
	}
	/* Listening first: a record stored during the catch-up is notified. */
	if ((res = pg_query(g, sql_of(g, "LISTEN %1$s", sql), 0, NULL, &lost, &reason)) == NULL ||
	    catch_up(g, &lost, &reason) == -1) {
		PQclear(res);
		pg_down(g, reason);
		return;
	}
	PQclear(res);
	g->state = PG_UP;
	g->retry_ms = 0;
	gb_set_unavailable(g->base.gb, 0);
	if (g->down_said)
		log_info("guestbook: postgresql back");
	g->down_said = 0;
}

/* One step of the connection's life, the socket's poll events in revents. */
static void
pg_step(struct gbpg *g, short revents)
{
	PostgresPollingStatusType	ps;

	if (g->state == PG_DOWN && now_ms() >= g->retry_at) {
		if ((g->conn = pg_connect(g, 1)) == NULL || PQstatus(g->conn) == CONNECTION_BAD) {
			pg_down(g, pg_error(g->conn));
			return;
		}
		g->state = PG_CONNECTING;
		g->events = POLLOUT;
		g->retry_at = now_ms() + atoi(CONNECT_TIMEOUT) * 1000;
	} else if (g->state == PG_CONNECTING && revents != 0) {
		if ((ps = PQconnectPoll(g->conn)) == PGRES_POLLING_OK)
			pg_ready(g);
		else if (ps == PGRES_POLLING_FAILED)
			pg_down(g, pg_error(g->conn));
		else
			g->events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT;
	} else if (g->state == PG_CONNECTING && now_ms() >= g->retry_at)
		pg_down(g, "connection timed out");
	else if (g->state == PG_UP && revents != 0) {
		if (!PQconsumeInput(g->conn) || PQstatus(g->conn) != CONNECTION_OK)
			pg_down(g, pg_error(g->conn));
		else
			pg_notifies(g);
	}
}

static void
drain(int fd)
{
	char	b[64];

	while (read(fd, b, sizeof(b)) > 0)
		continue;
}

/* How long the committer may sleep: until the idle re-read, or a retry while the database is away. */
static int
pg_timeout(const struct gbpg *g)
{
	long long	left;

	if (g->state == PG_UP)
		return IDLE_CHECK_MS;
	left = g->retry_at - now_ms();
	return left < 0 ? 0 : left > RETRY_MAX_MS ? RETRY_MAX_MS : (int)left;
}

static void *
pg_run(void *arg)
{
	struct gbpg	*g = arg;
	struct pollfd	 pfd[2];
	struct append	*batch;
	const char	*reason;
	int		 closed = 0, lost, n, ready;

	while (!closed) {
		pfd[0] = (struct pollfd){ .fd = gb_queue_fd(g->base.gb), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = g->conn != NULL ? PQsocket(g->conn) : -1,
		    .events = g->state == PG_UP ? POLLIN : g->events };
		n = g->state == PG_DOWN ? 1 : 2;
		if ((ready = poll(pfd, (nfds_t)n, pg_timeout(g))) == -1 && errno != EINTR)
			pfd[1].revents = 0;
		drain(pfd[0].fd);
		pg_step(g, n == 2 ? pfd[1].revents : 0);
		/* Under load, appends queue up while a batch commits: the next takes them all. */
		while ((batch = gb_batch_take(g->base.gb, BATCH_MAX, &closed)) != NULL) {
			if (g->state == PG_UP)
				pg_commit(g, batch);
			else
				settle_all(g, batch, GUESTBOOK_UNAVAILABLE);
		}
		/* ready == 0: IDLE_CHECK_MS passed with nothing heard, re-read. */
		if (g->state == PG_UP && (pg_behind(g) || ready == 0) &&
		    catch_up(g, &lost, &reason) == -1 && lost)
			pg_down(g, reason);
	}
	return NULL;
}

/* --- The owner's commands ------------------------------------------------------ */

/* Stores the records of put in one transaction and reads back what is new; 0, or -1. */
static int
put_sync(struct gbpg *g, struct put *p, size_t n, const char **reason)
{
	unsigned long long	*got;
	int			 lost, rc;

	if ((got = calloc(n, sizeof(*got))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	rc = put_run(g, p, n, got, &lost, reason);
	free(got);
	return rc == -1 ? -1 : catch_up(g, &lost, reason);
}

static int
pg_append(struct gb_store *s, struct record *v, size_t n, const size_t *up, int many,
    const char **reason)
{
	struct gbpg		*g = (struct gbpg *)s;
	unsigned long long	*ids = NULL;
	struct put		 put = { 0 };
	size_t			 i, k = 0, nids = 0;
	int			 lost, rc = -1;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		nids += v[i].kind == RECORD_ENTRY;
	if (catch_up(g, &lost, reason) == -1 || gb_check(s->gb, v, n, up, many, reason) == -1)
		return -1;
	if ((ids = calloc(nids + 1, sizeof(*ids))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	if (new_ids(g, nids, ids, &lost, reason) == -1)
		goto done;
	for (i = 0; i < n; i++) {
		if (v[i].time == 0)
			v[i].time = (long long)time(NULL);
		if (v[i].kind == RECORD_ENTRY)
			v[i].id = ids[k++];
		if (up != NULL && up[i] != 0)
			v[i].parent = v[up[i] - 1].id;
		if (put_add(&put, &v[i], "-") == -1) {
			*reason = "a record does not fit";
			goto done;
		}
	}
	rc = put_sync(g, &put, n, reason);
done:
	put_free(&put);
	free(ids);
	return rc;
}

static int
pg_import(struct gb_store *s, struct record *v, size_t n, const char **reason)
{
	struct gbpg	*g = (struct gbpg *)s;
	struct put	 put = { 0 };
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < n; i++)
		if (put_add(&put, &v[i], "-") == -1) {
			*reason = "a record does not fit";
			goto done;
		}
	rc = put_sync(g, &put, n, reason);
done:
	put_free(&put);
	return rc;
}

static unsigned
pg_problems(struct gb_store *s)
{
	return ((struct gbpg *)s)->problems;
}

static void
pg_free(struct gb_store *s)
{
	struct gbpg	*g = (struct gbpg *)s;

	PQfinish(g->conn);
	free(g);
}

static const struct gb_store_ops pg_ops = {
	.run = pg_run,
	.append = pg_append,
	.import = pg_import,
	.problems = pg_problems,
	.free = pg_free,
};

/* --- The schema ------------------------------------------------------------------ */

/*
 * The schema, made once by a role that may CREATE on the database, under
 * a lock so that two instances starting at once do not race. records is
 * append-only (the trigger refuses UPDATE, DELETE and TRUNCATE, even to its
 * owner). put() stores a batch: under one lock for the schema (so records
 * are numbered in commit order, and an instance reading "seq > last" never
 * passes over one committed late), it passes over an entry whose key ("e:"
 * digest) was stored within DEDUPE_SECONDS and a like whose key ("l:") was
 * ever stored, answering the stored entry's id, moves the sequence past an
 * imported id, and notifies the schema's channel with the last seq.
 * ids_past() runs as its owner (the role appending may not set the
 * sequence), so only those granted it may run it: anyone else could push
 * the sequence to its end. put() runs as its caller, whose INSERT grant
 * it needs, so PUBLIC keeps it.
 */
static const char schema_sql[] =
"BEGIN;"
"SELECT pg_advisory_xact_lock(hashtext('marquee schema %1$s'));"
"CREATE SCHEMA IF NOT EXISTS %1$s;"
"CREATE TABLE IF NOT EXISTS %1$s.version (version int NOT NULL);"
"INSERT INTO %1$s.version SELECT %2$d WHERE NOT EXISTS (SELECT 1 FROM %1$s.version);"
"CREATE SEQUENCE IF NOT EXISTS %1$s.entry_ids;"
"CREATE TABLE IF NOT EXISTS %1$s.records ("
" seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
" id bigint NOT NULL,"
" record text NOT NULL,"
" written timestamptz NOT NULL DEFAULT now(),"
" dedupe text);"
"CREATE UNIQUE INDEX IF NOT EXISTS records_id ON %1$s.records (id) WHERE id > 0;"
"CREATE INDEX IF NOT EXISTS records_dedupe ON %1$s.records (dedupe) WHERE dedupe IS NOT NULL;"
"CREATE OR REPLACE FUNCTION %1$s.refuse() RETURNS trigger LANGUAGE plpgsql AS $f$"
" BEGIN RAISE EXCEPTION 'marquee guestbook records are append-only: %% refused', TG_OP; END $f$;"
"CREATE OR REPLACE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON %1$s.records"
" FOR EACH ROW EXECUTE FUNCTION %1$s.refuse();"
"CREATE OR REPLACE TRIGGER records_no_truncate BEFORE TRUNCATE ON %1$s.records"
" FOR EACH STATEMENT EXECUTE FUNCTION %1$s.refuse();"
"CREATE OR REPLACE FUNCTION %1$s.ids_past(p bigint) RETURNS void LANGUAGE sql"
" SECURITY DEFINER SET search_path = pg_catalog AS $f$"
" SELECT setval('%1$s.entry_ids', p) FROM %1$s.entry_ids"
" WHERE p > CASE WHEN is_called THEN last_value ELSE last_value - 1 END $f$;"
"REVOKE EXECUTE ON FUNCTION %1$s.ids_past(bigint) FROM PUBLIC;"
"CREATE OR REPLACE FUNCTION %1$s.put(p_ids text, p_keys text, p_records text)"
" RETURNS SETOF bigint LANGUAGE plpgsql AS $f$"
" DECLARE ids bigint[] := string_to_array(p_ids, ',')::bigint[];"
"  keys text[] := string_to_array(p_keys, ',');"
"  recs text[] := string_to_array(p_records, E'\\n'); old bigint; top bigint;"
" BEGIN"
"  PERFORM pg_advisory_xact_lock(hashtext('marquee put %1$s'));"
"  FOR i IN 1 .. coalesce(array_length(recs, 1), 0) LOOP"
"   old := NULL;"
"   IF keys[i] <> '-' THEN"
"    SELECT r.id INTO old FROM %1$s.records r WHERE r.dedupe = keys[i] AND"
"     (keys[i] LIKE 'l:%%' OR r.written > now() - interval '%3$d seconds')"
"     ORDER BY r.seq DESC LIMIT 1;"
"   END IF;"
"   IF old IS NOT NULL THEN RETURN NEXT old; CONTINUE; END IF;"
"   INSERT INTO %1$s.records (id, record, dedupe)"
"    VALUES (ids[i], recs[i], nullif(keys[i], '-')) RETURNING seq INTO top;"
"   RETURN NEXT ids[i];"
"  END LOOP;"
"  PERFORM %1$s.ids_past(max(x)) FROM unnest(ids) x;"
"  IF top IS NOT NULL THEN PERFORM pg_notify('%1$s', top::text); END IF;"
" END $f$;"
"COMMIT;";

/* Whether the schema is missing (1) or there (0), and usable; -1 with *reason. */
static int
schema_missing(struct gbpg *g, const char **reason)
{
	const char	*v[1] = { g->schema };
	char		 sql[SQL_MAX];
	PGresult	*res;
	int		 lost, missing;

	if ((res = pg_query(g, "SELECT (SELECT has_schema_privilege(oid, 'USAGE') FROM "
	    "pg_namespace WHERE nspname = $1)", 1, v, &lost, reason)) == NULL)
		return -1;
	missing = PQgetisnull(res, 0, 0);
	if (!missing && strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		*reason = reasonf("permission denied: no USAGE on schema %s (README: \"The guestbook in PostgreSQL\" "
		    "gives the GRANTs)", g->schema);
		return -1;
	}
	PQclear(res);
	if (missing)
		return 1;
	sql_of(g, "SELECT to_regclass('%1$s.version') IS NULL OR "
	    "to_regprocedure('%1$s.put(text, text, text)') IS NULL", sql);
	if ((res = pg_query(g, sql, 0, NULL, &lost, reason)) == NULL)
		return -1;
	missing = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return missing;
}

/* Makes the schema; -1 with *reason (no CREATE on the database, most likely). */
static int
schema_create(struct gbpg *g, const char **reason)
{
	struct buf	 b = { 0 };
	PGresult	*res;
	int		 rc = 0;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	buf_printf(&b, schema_sql, g->schema, SCHEMA_VERSION, DEDUPE_SECONDS);
#pragma GCC diagnostic pop
	buf_append(&b, "", 1);
	if (b.failed) {
		buf_free(&b);
		*reason = "out of memory";
		return -1;
	}
	res = PQexec(g->conn, b.data);
	buf_free(&b);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*reason = reasonf("cannot create schema %s: %s", g->schema, pg_error(g->conn));
		rc = -1;
	} else
		log_info("guestbook postgresql: schema %s created", g->schema);
	PQclear(res);
	return rc;
}

/* Checks the schema's version and what the role may do in it; -1 with *reason. */
static int
schema_check(struct gbpg *g, const char **reason)
{
	char		 sql[SQL_MAX];
	PGresult	*res;
	const char	*missing = NULL;
	int		 lost, version;

	sql_of(g, "SELECT (SELECT max(version) FROM %1$s.version),"
	    " has_table_privilege('%1$s.records', 'SELECT'),"
	    " has_table_privilege('%1$s.records', 'INSERT'),"
	    " has_sequence_privilege('%1$s.entry_ids', 'USAGE'),"
	    " has_function_privilege('%1$s.put(text, text, text)', 'EXECUTE'),"
	    " has_function_privilege('%1$s.ids_past(bigint)', 'EXECUTE')", sql);
	if ((res = pg_query(g, sql, 0, NULL, &lost, reason)) == NULL)
		return -1;
	version = atoi(PQgetvalue(res, 0, 0));
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		missing = "SELECT on records";
	else if (strcmp(PQgetvalue(res, 0, 2), "t") != 0)
		missing = "INSERT on records";
	else if (strcmp(PQgetvalue(res, 0, 3), "t") != 0)
		missing = "USAGE on sequence entry_ids";
	else if (strcmp(PQgetvalue(res, 0, 4), "t") != 0)
		missing = "EXECUTE on function put";
	else if (strcmp(PQgetvalue(res, 0, 5), "t") != 0)
		missing = "EXECUTE on function ids_past";
	PQclear(res);
	if (version != SCHEMA_VERSION) {
		*reason = reasonf("schema %s is version %d; this marquee knows version %d",
		    g->schema, version, SCHEMA_VERSION);
		return -1;
	}
	if (missing != NULL) {
		*reason = reasonf("schema %s: permission denied: the role lacks %s (README: \"The guestbook in "
		    "PostgreSQL\" gives the GRANTs)", g->schema, missing);
		return -1;
	}
	return 0;
}

/* Connects, makes or checks the schema and reads every record back; -1 with *reason. */
static int
pg_load(struct gbpg *g, int server, const char **reason)
{
	char		 sql[SQL_MAX];
	PGresult	*res;
	int		 lost, missing;

	if ((g->conn = pg_connect(g, 0)) == NULL || PQstatus(g->conn) != CONNECTION_OK) {
		*reason = pg_error(g->conn);
		return -1;
	}
	if ((missing = schema_missing(g, reason)) == -1 ||
	    (missing && schema_create(g, reason) == -1) || schema_check(g, reason) == -1)
		return -1;
	if (server) {
		/* Listening first: a record stored during the catch-up is notified. */
		if ((res = pg_query(g, sql_of(g, "LISTEN %1$s", sql), 0, NULL, &lost,
		    reason)) == NULL)
			return -1;
		PQclear(res);
	}
	if (catch_up(g, &lost, reason) == -1)
		return -1;
	if (server && PQsetnonblocking(g->conn, 1) == -1) {
		*reason = pg_error(g->conn);
		return -1;
	}
	return 0;
}

int
gbpg_open(struct guestbook *gb, const char *uri, const char *host, int server,
    struct gb_store **out, const char **reason)
{
	struct gbpg	*g;
	const char	*why;
	char		 line[512];

	if (gbwhere_check_uri(uri, reason) == -1)
		return -1;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	g->base = (struct gb_store){ &pg_ops, gb };
	snprintf(g->uri, sizeof(g->uri), "%s", uri);	/* fits: both PATH_MAX */
	gbwhere_schema(host, g->schema);
	/* Instances take ids from one sequence but commit in their own order. */
	gb_ids_any_order(gb);
	if (pg_load(g, server, &why) == -1) {
		snprintf(line, sizeof(line), "%s", why);	/* why may be reasonf's buffer */
		*reason = reasonf("guestbook postgresql (schema %s): %s", g->schema, line);
		pg_free(&g->base);
		return -1;
	}
	g->state = PG_UP;
	if (server)
		log_info("guestbook postgresql %s: %zu entries", g->schema, gb_count(gb));
	*out = &g->base;
	return 0;
}
