/*
 * The guestbook's file store: the append-only log (record.h has its
 * format) read back at start, a committer thread that appends many
 * entries to one fdatasync and follows the file for the records the
 * owner's commands append, and those commands' own appends under the
 * append lock. What the records mean is the view's (guestbook.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gbstore.h"
#include "guestbook.h"
#include "log.h"

/* Log bytes read at a time when loading or following the file. */
#define READ_CHUNK	(64 * 1024)
/* Appends written by one write(2) and made durable by one fdatasync(2). */
#define BATCH_MAX	256
/* The rule: the same text from the same client within a minute is stored once. */
#define DEDUPE_SECONDS	60
/* Recent appends remembered for that check; the global cap keeps a minute's worth far smaller. */
#define DEDUPE_MAX	1024

/* Following the log: where the next unread line starts. */
struct tail {
	int			 fd;
	const char		*path;
	off_t			 off;
	unsigned long long	 line;		/* number of the line at off, from 1 */
	int			 partial;	/* bytes after off end without LF */
	int			 discard;	/* the line at off was reported: pass over it */
};

struct recent {
	unsigned char		 hash[GB_DEDUPE_BYTES];
	long long		 time;
	unsigned long long	 id;
};

/* One guestbook's log; all but the path are the committer's once it runs. */
struct gbfile {
	struct gb_store		 base;		/* first */
	struct tail		 tail;
	char			 log_path[PATH_MAX];
	int			 ino_fd;
	/* The last id handed out: an entry that was written but not read back keeps its id. */
	unsigned long long	 last_id_written;
	struct recent		 recent[DEDUPE_MAX];
	size_t			 recent_next;
	char			*batch_buf;	/* BATCH_MAX records */
	int			 read_only;	/* the last append failed on a full disk */
	unsigned		 problems;	/* records reported as skipped or torn */
	char			 readbuf[RECORD_MAX + READ_CHUNK];	/* the tail's */
};

/*
 * Applies one line of the log; a bad one is reported with its place and
 * skipped. With owners_only, readers' entries and likes are passed over (a
 * batch whose sync failed) but the owner's records among them still count.
 */
static void
apply_line(struct gbfile *f, const char *line, size_t len, int owners_only)
{
	struct tail	*t = &f->tail;
	struct record	 r;
	const char	*reason;

	if (len == 0)
		return;		/* the LF that ended a torn record */
	if (record_parse(line, len, &r, &reason) == 0) {
		if (owners_only && (r.kind == RECORD_ENTRY || r.kind == RECORD_LIKE))
			return;
		if (gb_apply(f->base.gb, &r, &reason) == 0)
			return;
	}
	log_warn("%s:%llu: %s; record skipped", t->path, t->line, reason);
	f->problems++;
}

/*
 * Reads and applies the complete lines past t->off. A line longer than any
 * record is reported and skipped; bytes after the last LF are left for the
 * next call (a write in progress, or a torn record), and t->partial says so.
 */
static int
tail_follow_lines(struct gbfile *f, int entries, const char **reason)
{
	struct tail	*t = &f->tail;
	char		*buf = f->readbuf;
	size_t		 carry = 0, len;
	ssize_t		 n;
	char		*p, *lf, *end;
	int		 skipping = t->discard;

	for (;;) {
		n = pread(t->fd, buf + carry, READ_CHUNK, t->off + (off_t)carry);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*reason = reasonf("%s: %s", t->path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		len = carry + (size_t)n;
		end = buf + len;
		for (p = buf; (lf = memchr(p, '\n', (size_t)(end - p))) != NULL; p = lf + 1) {
			if (!skipping)
				apply_line(f, p, (size_t)(lf - p), !entries);
			skipping = 0;
			t->line++;
		}
		t->off += p - buf;
		carry = (size_t)(end - p);
		if (carry > RECORD_MAX) {
			if (!skipping) {
				log_warn("%s:%llu: longer than any record; skipped",
				    t->path, t->line);
				f->problems++;
			}
			skipping = 1;
			t->off += (off_t)carry;
			carry = 0;
		}
		memmove(buf, p, carry);
	}
	t->partial = carry > 0 || skipping;
	t->discard = skipping;
	return 0;
}

static int
tail_follow(struct gbfile *f, const char **reason)
{
	return tail_follow_lines(f, 1, reason);
}

/* Writes all of b[0..len) with one write(2); returns the bytes written. */
static size_t
append_bytes(int fd, const char *b, size_t len)
{
	ssize_t	n;

	while ((n = write(fd, b, len)) == -1 && errno == EINTR)
		continue;
	return n > 0 ? (size_t)n : 0;
}

/*
 * The append lock: marquee and the owner's commands (guestbook_append) each
 * hold it while they read the log's end, hand out the next ids and write,
 * so two processes never give one id twice. An open file description lock
 * (fcntl F_OFD_SETLKW), not flock: the server holds flock on the log all
 * its life to keep a second server away, and a command must still append.
 * Without locks (a file system that has none) appends still work, with the
 * old risk of a command and the server racing for an id, so it is logged.
 */
static void
append_lock(int fd, short type)
{
	struct flock	fl = { .l_type = type, .l_whence = SEEK_SET };

	while (fcntl(fd, F_OFD_SETLKW, &fl) == -1) {
		if (errno != EINTR) {
			log_warn("guestbook: append lock: %s", strerror(errno));
			return;
		}
	}
}

/* Why appends fail while the disk is full; the log says which file and error. */
static const char read_only_reason[] = "guestbook temporarily read-only, try again later";

/*
 * At start, a last line without its LF is a record cut by a crash or power
 * cut: report it, and end it with a LF so the next record starts on a line
 * of its own. The torn bytes stay in the file; readers skip them. When the
 * LF cannot be written (a full disk), the pages are served all the same:
 * the guestbook is read-only, and the next append writes the LF first.
 */
static int
end_torn_record(struct gbfile *f, const char **reason)
{
	struct tail	*t = &f->tail;

	if (!t->partial)
		return 0;
	f->problems++;
	t->discard = 1;
	if (append_bytes(t->fd, "\n", 1) != 1 || fdatasync(t->fd) == -1) {
		log_error("%s:%llu: last record torn (a crash while it was written) and "
		    "not ended: %s; the guestbook is read-only until an append succeeds",
		    t->path, t->line, strerror(errno));
		f->read_only = 1;
		return 0;
	}
	log_warn("%s:%llu: last record torn (a crash while it was written); ignored",
	    t->path, t->line);
	return tail_follow(f, reason);
}

/* --- The committer ---------------------------------------------------------- */

static struct recent *
recent_find(struct gbfile *f, const unsigned char *hash, long long now)
{
	size_t	i;

	for (i = 0; i < DEDUPE_MAX; i++)
		if (f->recent[i].time > now - DEDUPE_SECONDS &&
		    memcmp(f->recent[i].hash, hash, GB_DEDUPE_BYTES) == 0)
			return &f->recent[i];
	return NULL;
}

static void
recent_add(struct gbfile *f, const unsigned char *hash, long long now, unsigned long long id)
{
	memcpy(f->recent[f->recent_next].hash, hash, GB_DEDUPE_BYTES);
	f->recent[f->recent_next].time = now;
	f->recent[f->recent_next].id = id;
	f->recent_next = (f->recent_next + 1) % DEDUPE_MAX;
}

/* An earlier append of this batch with the same text from the same client. */
static struct append *
batch_twin(struct append *batch, const struct append *p)
{
	for (; batch != p; batch = batch->next)
		if (memcmp(batch->dedupe, p->dedupe, GB_DEDUPE_BYTES) == 0 && batch->dup_id == 0 &&
		    batch->dup_of == NULL && !batch->liked)
			return batch;
	return NULL;
}

/*
 * Formats the batch into batch_buf, each new entry with the next id. A
 * duplicate of an entry already on disk, or of one earlier in the batch,
 * is not written: it is settled like its original. Returns the bytes to
 * write. Nothing is settled here: that is batch_settle's.
 */
static size_t
batch_format(struct gbfile *f, struct append *batch, long long now)
{
	struct append	*p;
	struct recent	*dup;
	size_t		 len = 0, n;

	/* A torn line at the end (a crashed writer) must not swallow our first record. */
	if (f->tail.partial)
		f->batch_buf[len++] = '\n';
	for (p = batch; p != NULL; p = p->next) {
		if (p->rec.kind == RECORD_ENTRY && (dup = recent_find(f, p->dedupe, now)) != NULL) {
			p->dup_id = dup->id;
			continue;
		}
		if ((p->dup_of = batch_twin(batch, p)) != NULL)
			continue;
		if (p->rec.kind == RECORD_LIKE) {
			if ((p->liked = gb_has_like(f->base.gb, p->rec.slug, p->rec.fingerprint)))
				continue;
		} else
			p->rec.id = ++f->last_id_written;
		p->rec.time = now;
		if ((n = record_format(&p->rec, f->batch_buf + len,
		    (size_t)BATCH_MAX * RECORD_MAX + 1 - len)) == 0) {
			p->failed = "the entry does not fit a record";
			continue;
		}
		len += n;
		p->end = len;
	}
	return len;
}

/*
 * Gives every append of the batch its outcome and settles it. Entries on
 * disk are remembered for the duplicate check.
 */
static void
batch_settle(struct gbfile *f, struct append *batch, size_t written,
    const char *failure, long long now)
{
	struct append	*p;

	for (p = batch; p != NULL; p = p->next) {
		p->reason = NULL;
		p->id = 0;
		if (p->dup_id != 0 || p->liked)
			p->id = p->dup_id;
		else if (p->dup_of != NULL) {
			p->id = p->dup_of->id;
			p->reason = p->dup_of->reason;
		} else if (p->failed != NULL)
			p->reason = p->failed;
		else if (p->end <= written && failure == NULL) {
			p->id = p->rec.id;
			if (p->rec.kind == RECORD_ENTRY)
				recent_add(f, p->dedupe, now, p->rec.id);
		} else
			p->reason = failure;
	}
	gb_settle(f->base.gb, batch);
}

/*
 * What a failed append means for the next. A failed or short write (a full
 * disk), or a sync refused for lack of space, is temporary: the file holds
 * what it held, plus at most a torn record that the next batch ends with a
 * LF, so appends go on being tried, and the first
 * that succeeds makes the guestbook writable again; each change is logged
 * once. Any other failed sync leaves the file in doubt (after a failed
 * fsync the page cache cannot be trusted either): the guestbook takes no
 * more entries until a restart, which reads the file afresh.
 */
static const char *
batch_outcome(struct gbfile *f, const char *what, int err)
{
	if (what == NULL) {
		if (f->read_only)
			log_info("guestbook %s: writable again", f->log_path);
		f->read_only = 0;
		return NULL;
	}
	/* A torn record left by a short write is passed over when it is ended. */
	if (f->tail.partial)
		f->tail.discard = 1;
	if (err == ENOSPC || err == EDQUOT || strcmp(what, "write") == 0) {
		if (!f->read_only)
			log_error("guestbook %s: %s: %s; read-only until an append succeeds",
			    f->log_path, what, strerror(err));
		f->read_only = 1;
		return read_only_reason;
	}
	log_error("guestbook %s: %s: %s", f->log_path, what, strerror(err));
	return "the guestbook could not be written";
}

/*
 * Writes and syncs a batch, reads it back into the view, and settles it.
 * What a batch that failed wrote is not shown.
 */
static void
batch_commit(struct gbfile *f, struct append *batch)
{
	const char	*reason = NULL, *what = NULL, *failure;
	long long	 now = (long long)time(NULL);
	size_t		 len, written;
	int		 err = 0;

	/* What the owner's commands appended is read first: its ids are taken. */
	append_lock(f->tail.fd, F_WRLCK);
	if (tail_follow(f, &reason) == -1)
		log_error("%s", reason);
	if (f->last_id_written < gb_last_id(f->base.gb))
		f->last_id_written = gb_last_id(f->base.gb);
	len = batch_format(f, batch, now);
	written = len > 0 ? append_bytes(f->tail.fd, f->batch_buf, len) : 0;
	if (written < len) {
		what = "write";
		err = written == 0 ? errno : ENOSPC;	/* a short write: the file is full */
		if (written > 0)
			(void)append_bytes(f->tail.fd, "\n", 1);
	} else if (len > 0 && fdatasync(f->tail.fd) == -1) {
		what = "fdatasync";
		err = errno;
	}
	if (tail_follow_lines(f, what == NULL, &reason) == -1)
		log_error("%s", reason);
	append_lock(f->tail.fd, F_UNLCK);
	failure = batch_outcome(f, what, err);
	batch_settle(f, batch, written, failure, now);
	if (failure != NULL && failure != read_only_reason) {
		log_error("guestbook %s: the guestbook could not be written; it takes no more "
		    "entries until marquee restarts", f->log_path);
		gb_queue_fail(f->base.gb, "the guestbook could not be written; it takes no more "
		    "entries until marquee restarts");
	}
}

static void
drain(int fd)
{
	char	b[4096];

	while (read(fd, b, sizeof(b)) > 0)
		continue;
}

static void *
file_run(void *arg)
{
	struct gbfile	*f = arg;
	struct pollfd	 pfd[2] = { { .fd = gb_queue_fd(f->base.gb), .events = POLLIN },
			    { .fd = f->ino_fd, .events = POLLIN } };
	struct append	*batch;
	const char	*reason;
	int		 closed = 0;

	while (!closed) {
		if (poll(pfd, f->ino_fd == -1 ? 1 : 2, -1) == -1 && errno != EINTR) {
			log_error("guestbook %s: poll: %s", f->log_path, strerror(errno));
			gb_queue_fail(f->base.gb, reasonf("poll: %s", strerror(errno)));
			break;
		}
		drain(pfd[0].fd);
		if (f->ino_fd != -1 && (pfd[1].revents & POLLIN)) {
			drain(f->ino_fd);
			if (tail_follow(f, &reason) == -1)
				log_error("%s", reason);
		}
		/* Under load, appends queue up while a batch syncs: the next takes them all. */
		while ((batch = gb_batch_take(f->base.gb, BATCH_MAX, &closed)) != NULL)
			batch_commit(f, batch);
	}
	return NULL;
}

/* --- The owner's commands -------------------------------------------------- */

/*
 * Formats v[0..n) into b: as they are with as_is, else each entry with the
 * next id from the log's last on, a reply to an earlier one of v (up[i]
 * from 1) with its id, a time of 0 made now. -1 with *reason.
 */
static int
batch_lines(struct gbfile *f, struct record *v, size_t n, const size_t *up, int as_is,
    struct buf *b, const char **reason)
{
	char			line[RECORD_MAX + 1];
	unsigned long long	last = gb_last_id(f->base.gb);
	size_t			i, len;

	if (f->tail.partial)
		buf_puts(b, "\n");	/* a torn record at the end must not swallow these */
	for (i = 0; i < n; i++) {
		if (!as_is && v[i].time == 0)
			v[i].time = (long long)time(NULL);
		if (!as_is && v[i].kind == RECORD_ENTRY)
			v[i].id = ++last;
		if (!as_is && up != NULL && up[i] != 0)
			v[i].parent = v[up[i] - 1].id;
		if ((len = record_format(&v[i], line, sizeof(line))) == 0) {
			*reason = "a record does not fit";
			return -1;
		}
		buf_append(b, line, len);
	}
	if (b->failed) {
		*reason = "out of memory";
		return -1;
	}
	return 0;
}

/*
 * Whether the entries an import brings, with ids of their own in id order,
 * all come after the log's last id, read under the append lock: a server may
 * have written entries since the owner's command loaded the log, and a log's
 * ids only grow.
 */
static int
import_ids_grow(struct gbfile *f, const struct record *v, size_t n, const char **reason)
{
	unsigned long long	last = gb_last_id(f->base.gb);
	size_t			i;

	for (i = 0; i < n; i++) {
		if (v[i].kind != RECORD_ENTRY)
			continue;
		if (v[i].id <= last) {
			*reason = reasonf("entry %llu: the log holds %llu already (written since "
			    "the import began?); nothing imported", v[i].id, last);
			return -1;
		}
		last = v[i].id;
	}
	return 0;
}

/*
 * Appends v[0..n) (checked against the view unless as_is, an import whose
 * ids are checked against the log's under the lock) and syncs them
 * with one write, under the append lock that a running marquee takes too,
 * so both hand out ids from one sequence; then reads them back.
 */
static int
file_write(struct gbfile *f, struct record *v, size_t n, const size_t *up, int many,
    int as_is, const char **reason)
{
	struct buf	 b = { 0 };
	int		 rc = -1;

	if (n == 0)
		return 0;
	append_lock(f->tail.fd, F_WRLCK);
	if (tail_follow(f, reason) == -1 ||
	    (as_is && import_ids_grow(f, v, n, reason) == -1) ||
	    (!as_is && gb_check(f->base.gb, v, n, up, many, reason) == -1) ||
	    batch_lines(f, v, n, up, as_is, &b, reason) == -1)
		goto done;
	if (append_bytes(f->tail.fd, b.data, b.len) != b.len || fdatasync(f->tail.fd) == -1) {
		*reason = reasonf("%s: %s", f->tail.path, strerror(errno));
		goto done;
	}
	f->tail.discard = f->tail.partial;
	rc = tail_follow(f, reason);
done:
	append_lock(f->tail.fd, F_UNLCK);
	buf_free(&b);
	return rc;
}

static int
file_append(struct gb_store *s, struct record *v, size_t n, const size_t *up, int many,
    const char **reason)
{
	return file_write((struct gbfile *)s, v, n, up, many, 0, reason);
}

static int
file_import(struct gb_store *s, struct record *v, size_t n, const char **reason)
{
	return file_write((struct gbfile *)s, v, n, NULL, 1, 1, reason);
}

static unsigned
file_problems(struct gb_store *s)
{
	struct gbfile	*f = (struct gbfile *)s;

	if (f->tail.partial)
		log_warn("%s:%llu: last record torn (a crash while it was written); "
		    "marquee ends it with a line feed when it next starts or appends",
		    f->tail.path, f->tail.line);
	return f->problems + (f->tail.partial ? 1 : 0);
}

static void
file_free(struct gb_store *s)
{
	struct gbfile	*f = (struct gbfile *)s;

	if (f->ino_fd != -1)
		close(f->ino_fd);
	if (f->tail.fd != -1)
		close(f->tail.fd);
	free(f->batch_buf);
	free(f);
}

static const struct gb_store_ops file_ops = {
	.run = file_run,
	.append = file_append,
	.import = file_import,
	.problems = file_problems,
	.free = file_free,
};

/* --- Opening ---------------------------------------------------------------- */

static int
open_log(const char *path, int flags, const char **reason)
{
	int	fd;

	if ((fd = open(path, flags | O_CLOEXEC, 0640)) == -1) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

static int
sync_dir(const char *path, const char **reason)
{
	char	dir[PATH_MAX];
	int	fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*reason = reasonf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((rc = fsync(fd)) == -1)
		*reason = reasonf("%s: fsync: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* The server's log: created when missing, locked against a second server, followed. */
static int
open_served(struct gbfile *f, const char *path, const char **reason)
{
	if ((f->tail.fd = open_log(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL, reason)) != -1) {
		/* A new file's name is durable only once its directory is synced. */
		if (sync_dir(path, reason) == -1)
			return -1;
	} else if (errno != EEXIST ||
	    (f->tail.fd = open_log(path, O_RDWR | O_APPEND, reason)) == -1)
		return -1;
	/* Ids are handed out by one process: a second server would repeat them. */
	if (flock(f->tail.fd, LOCK_EX | LOCK_NB) == -1) {
		*reason = reasonf("%s: in use by another marquee", path);
		return -1;
	}
	if (tail_follow(f, reason) == -1 || end_torn_record(f, reason) == -1)
		return -1;
	if ((f->batch_buf = malloc((size_t)BATCH_MAX * RECORD_MAX + 1)) == NULL) {
		*reason = "guestbook: out of memory";
		return -1;
	}
	/* Hides appended by "marquee guestbook hide" show up without a restart. */
	if ((f->ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) != -1 &&
	    inotify_add_watch(f->ino_fd, path, IN_MODIFY) == -1) {
		close(f->ino_fd);
		f->ino_fd = -1;
	}
	log_info("guestbook %s: %zu entries", path, gb_count(f->base.gb));
	return 0;
}

/*
 * For the owner's commands: the log opened for appending when writable (a
 * missing log reads as empty when not).
 */
static int
open_loaded(struct gbfile *f, const char *path, int writable, const char **reason)
{
	f->tail.fd = open_log(path, writable ? O_RDWR | O_APPEND : O_RDONLY, reason);
	if (f->tail.fd == -1 && (errno != ENOENT || writable))
		return -1;
	return f->tail.fd != -1 ? tail_follow(f, reason) : 0;
}

int
gbfile_open(struct guestbook *gb, const char *path, int server, int writable,
    struct gb_store **out, const char **reason)
{
	struct gbfile	*f;
	int		 rc;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*reason = "out of memory";
		return -1;
	}
	if ((size_t)snprintf(f->log_path, sizeof(f->log_path), "%s", path) >=
	    sizeof(f->log_path)) {
		*reason = reasonf("%s: path too long", path);
		free(f);
		return -1;
	}
	f->base = (struct gb_store){ &file_ops, gb };
	f->ino_fd = -1;
	f->tail = (struct tail){ .fd = -1, .path = f->log_path, .line = 1 };
	rc = server ? open_served(f, path, reason) : open_loaded(f, path, writable, reason);
	if (rc == -1) {
		file_free(&f->base);
		return -1;
	}
	*out = &f->base;
	return 0;
}
