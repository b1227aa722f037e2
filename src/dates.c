/*
 * The dates of reviews as marquee saw them (dates.h): the log's line format,
 * reading it back, and appending what changes. What a date means for a
 * review (which one is shown, what is published) is index.c's.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "log.h"

/* Log bytes read at a time at start. */
#define READ_CHUNK	(64 * 1024)

/*
 * One review's dates in the table: its identity on the heap, not in a
 * record's 256 bytes, since the table is kept at most half full (10,000
 * reviews took 9 MiB as records, 1 MiB as slots).
 */
struct slot {
	char		*identity;	/* owned; NULL for a free slot */
	long long	 first, edited;
	uint64_t	 hash;
};

struct dates {
	int			 fd;		/* -1 when kept in memory only */
	int			 unsynced;	/* lines written since the last dates_sync */
	char			 path[PATH_MAX];
	struct slot		*v;		/* open addressing by identity */
	size_t			 n, cap;	/* cap a power of two, or 0 */
};

static int
field_number(const char *s, size_t n, int base, unsigned long long *out)
{
	char	buf[24], *end;

	if (n == 0 || n >= sizeof(buf) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, base);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
dates_parse(const char *line, size_t len, struct dates_record *r)
{
	const char		*f[4], *p = line, *end = line + len, *tab;
	size_t			 n[4], i;
	unsigned long long	 first, edited, hash;

	for (i = 0; i < 4; i++) {
		if ((tab = memchr(p, '\t', (size_t)(end - p))) == NULL)
			tab = end;
		if ((tab == end) != (i == 3))
			return -1;
		f[i] = p;
		n[i] = (size_t)(tab - p);
		p = tab + 1;
	}
	if (n[0] == 0 || n[0] >= sizeof(r->identity) || memchr(f[0], '/', n[0]) != NULL ||
	    field_number(f[1], n[1], 10, &first) == -1 ||
	    field_number(f[2], n[2], 10, &edited) == -1 || n[3] != 16 ||
	    field_number(f[3], n[3], 16, &hash) == -1 || first > (1ULL << 62) ||
	    edited > (1ULL << 62))
		return -1;
	memcpy(r->identity, f[0], n[0]);
	r->identity[n[0]] = '\0';
	r->first = (long long)first;
	r->edited = (long long)edited;
	r->hash = hash;
	return 0;
}

uint64_t
dates_hash(const void *data, size_t len)
{
	const unsigned char	*p = data;
	uint64_t		 h = 0xcbf29ce484222325ULL;

	while (len-- > 0)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static size_t
slot_of(const struct dates *d, const char *identity)
{
	size_t	i = (size_t)dates_hash(identity, strlen(identity)) & (d->cap - 1);

	while (d->v[i].identity != NULL && strcmp(d->v[i].identity, identity) != 0)
		i = (i + 1) & (d->cap - 1);
	return i;
}

/* The slot of identity, or NULL when it has none. */
static const struct slot *
find(const struct dates *d, const char *identity)
{
	const struct slot	*s;

	if (d->cap == 0)
		return NULL;
	s = &d->v[slot_of(d, identity)];
	return s->identity != NULL ? s : NULL;
}

/* Doubles the table when it would be over half full; -1 when out of memory. */
static int
grow(struct dates *d)
{
	struct slot	*old = d->v;
	size_t		 i, ocap = d->cap, ncap = ocap == 0 ? 64 : 2 * ocap;

	if (2 * (d->n + 1) <= d->cap)
		return 0;
	if ((d->v = calloc(ncap, sizeof(*d->v))) == NULL) {
		d->v = old;
		return -1;
	}
	d->cap = ncap;
	for (i = 0; i < ocap; i++)
		if (old[i].identity != NULL)
			d->v[slot_of(d, old[i].identity)] = old[i];
	free(old);
	return 0;
}

/* Stores r, replacing what its identity had; -1 when out of memory. */
static int
put(struct dates *d, const struct dates_record *r)
{
	struct slot	*s;

	if (grow(d) == -1)
		return -1;
	s = &d->v[slot_of(d, r->identity)];
	if (s->identity == NULL) {
		if ((s->identity = strdup(r->identity)) == NULL)
			return -1;
		d->n++;
	}
	s->first = r->first;
	s->edited = r->edited;
	s->hash = r->hash;
	return 0;
}

/* Reads every line of the log; one that is not a record (a torn end) is passed over. */
static int
read_log(struct dates *d, const char **reason)
{
	char			 buf[DATES_LINE_MAX + READ_CHUNK], *p, *lf;
	struct dates_record	 r;
	size_t			 carry = 0, len;
	ssize_t			 got;

	while ((got = read(d->fd, buf + carry, READ_CHUNK)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			*reason = reasonf("%s: %s", d->path, strerror(errno));
			return -1;
		}
		len = carry + (size_t)got;
		for (p = buf; (lf = memchr(p, '\n', len - (size_t)(p - buf))) != NULL; p = lf + 1)
			if (dates_parse(p, (size_t)(lf - p), &r) == 0 && put(d, &r) == -1) {
				*reason = "out of memory";
				return -1;
			}
		carry = len - (size_t)(p - buf);
		/* A line longer than any record is not ours: drop it. */
		carry = carry > DATES_LINE_MAX ? 0 : carry;
		memmove(buf, p, carry);
	}
	/* A torn last line (a crash): end it, so the next record starts a line of its own. */
	if (carry > 0 && write(d->fd, "\n", 1) != 1) {
		*reason = reasonf("%s: %s", d->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct dates *
dates_open(const char *path, const char **reason)
{
	struct dates	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	d->fd = -1;
	if (path[0] == '\0')
		return d;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s", path) >= sizeof(d->path)) {
		*reason = reasonf("%s: path too long", path);
		goto fail;
	}
	if ((d->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		*reason = reasonf("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (read_log(d, reason) == -1)
		goto fail;
	return d;
fail:
	dates_close(d);
	return NULL;
}

void
dates_close(struct dates *d)
{
	if (d == NULL)
		return;
	if (d->fd != -1)
		close(d->fd);
	while (d->cap > 0)
		free(d->v[--d->cap].identity);
	free(d->v);
	free(d);
}

/*
 * Appends r as one line, synced by the next dates_sync; a torn line left by
 * a crash is passed over when read.
 */
static void
append(struct dates *d, const struct dates_record *r)
{
	char	line[DATES_LINE_MAX + 2];
	int	n;

	if (d->fd == -1)
		return;
	n = snprintf(line, sizeof(line), "%s\t%lld\t%lld\t%016llx\n", r->identity, r->first,
	    r->edited, (unsigned long long)r->hash);
	if (n < 0 || (size_t)n >= sizeof(line) || write(d->fd, line, (size_t)n) != n)
		log_warn("%s: %s: dates of %s not saved", d->path,
		    n < 0 || (size_t)n >= sizeof(line) ? "too long" : strerror(errno), r->identity);
	else
		d->unsynced = 1;
}

void
dates_sync(struct dates *d)
{
	if (d->fd == -1 || !d->unsynced)
		return;
	if (fdatasync(d->fd) == -1)
		log_warn("%s: %s: dates not saved", d->path, strerror(errno));
	d->unsynced = 0;
}

void
dates_note(struct dates *d, const char *identity, uint64_t hash, long long mtime,
    long long now, long long *first, long long *edited)
{
	struct dates_record	 r = { .hash = hash };
	const struct slot	*had = find(d, identity);

	if (had != NULL && had->hash == hash) {
		*first = had->first;
		*edited = had->edited;
		return;
	}
	if ((size_t)snprintf(r.identity, sizeof(r.identity), "%s", identity) >= sizeof(r.identity)) {
		*first = mtime;
		*edited = 0;
		return;
	}
	/* First seen: when it was written, not when marquee looked, if that is earlier. */
	r.first = had != NULL ? had->first : mtime < now ? mtime : now;
	r.edited = had != NULL ? now : 0;
	*first = r.first;
	*edited = r.edited;
	if (put(d, &r) == -1)
		log_warn("dates: out of memory; %s's dates not kept", identity);
	append(d, &r);
}
