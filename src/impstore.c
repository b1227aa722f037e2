/*
 * What marquee import writes and remembers (impstore.h). A file is written
 * under a hidden name (".NAME.import", which the index never lists), made
 * durable with the rest of its batch by one syncfs, then renamed into
 * place with RENAME_NOREPLACE and its folder synced: a crash leaves whole
 * files or hidden leftovers, never half a review. The import log is then
 * appended and synced, then the batch's entries through
 * guestbook_append_many, under the lock a running server takes. Deciding
 * what an item becomes is import.c's.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "guestbook.h"
#include "gbwhere.h"
#include "impstore.h"
#include "log.h"

/*
 * A batch is committed from this many files or entries on: one syncfs
 * and one fdatasync of each log per batch instead of one per file, which
 * is what makes 10,000 posts take seconds, not minutes.
 */
#define BATCH_FILES	256
#define BATCH_ENTRIES	2048
/* Different reasons for skipping that the summary counts; more share the last. */
#define REASONS_MAX	16
/* The folders files go to: the root, reviews/, drafts/. */
#define DIRS_MAX	3
/* Names tried before an item is given up: stem, stem-2 ... stem-99. */
#define COLLISIONS_MAX	99
/* A hash table's load: at most half full. */
#define TABLE_MIN	64

/* An open-addressed table of strings (keys, values owned) or of 64-bit hashes. */
struct table {
	char		**keys;
	char		**vals;
	uint64_t	 *hashes;
	unsigned long long *ids;
	size_t		  n, cap;
};

struct dir {
	const char	*name;	/* "", "reviews", "drafts" */
	int		 fd;	/* -1 until opened */
	int		 dirty;	/* a rename to sync */
};

struct file {
	int	 dir;		/* index into dirs */
	char	*tmp, *name;	/* owned */
};

struct impstore {
	const struct host_config *host;
	int			 dry;
	int			 root_fd;
	struct dir		 dirs[DIRS_MAX];
	struct guestbook	*gb;
	char			 log_path[PATH_MAX];
	struct table		 done;		/* key -> path of the posts imported */
	struct table		 taken;		/* paths given out in this run */
	struct table		 known;		/* hashes of the imported entries -> id */
	struct buf		 lines;		/* import log lines to append */
	struct file		*files;
	size_t			 nfiles, files_cap;
	struct record		*recs;
	size_t			*ups;
	size_t			 nrecs, recs_cap;
	unsigned long		 reviews, drafts, scheduled, pages, entries;
	struct {
		const char	*why;
		unsigned long	 n;
	}			 skips[REASONS_MAX];
	size_t			 nskips;
};

/* --- Tables ------------------------------------------------------------------ */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*s = p;

	while (n-- > 0)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return h;
}

#define FNV_START	0xcbf29ce484222325ULL

/* The slot of key (string) or hash (when key is NULL): where it is, or where it would go. */
static size_t
table_slot(const struct table *t, const char *key, uint64_t hash)
{
	size_t	i = (size_t)hash & (t->cap - 1);

	if (key != NULL)
		while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
			i = (i + 1) & (t->cap - 1);
	else
		while (t->ids[i] != 0 && t->hashes[i] != hash)
			i = (i + 1) & (t->cap - 1);
	return i;
}

static int	 table_put(struct table *t, char *key, char *val, uint64_t hash,
		    unsigned long long id);

/* Doubles t's slots (strings when strings, else hashes); -1 when out of memory. */
static int
table_grow(struct table *t, int strings)
{
	struct table	old = *t, bigger = { .cap = t->cap > 0 ? 2 * t->cap : TABLE_MIN };
	size_t		i;

	if (strings) {
		bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
		bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
		if (bigger.keys == NULL || bigger.vals == NULL)
			goto fail;
	} else {
		bigger.hashes = calloc(bigger.cap, sizeof(*bigger.hashes));
		bigger.ids = calloc(bigger.cap, sizeof(*bigger.ids));
		if (bigger.hashes == NULL || bigger.ids == NULL)
			goto fail;
	}
	*t = bigger;
	for (i = 0; i < old.cap; i++) {
		if (strings && old.keys[i] != NULL)
			table_put(t, old.keys[i], old.vals[i], 0, 0);
		else if (!strings && old.ids[i] != 0)
			table_put(t, NULL, NULL, old.hashes[i], old.ids[i]);
	}
	free(old.keys);
	free(old.vals);
	free(old.hashes);
	free(old.ids);
	return 0;
fail:
	free(bigger.keys);
	free(bigger.vals);
	free(bigger.hashes);
	free(bigger.ids);
	return -1;
}

/* Adds key (owned from now on) with val, or the hash with id; -1 when out of memory. */
static int
table_put(struct table *t, char *key, char *val, uint64_t hash, unsigned long long id)
{
	size_t	i;

	if (2 * (t->n + 1) > t->cap && table_grow(t, key != NULL) == -1) {
		free(key);
		free(val);
		return -1;
	}
	if (key != NULL) {
		i = table_slot(t, key, fnv(FNV_START, key, strlen(key)));
		if (t->keys[i] != NULL) {	/* the last line about a key counts */
			free(t->keys[i]);
			free(t->vals[i]);
			t->n--;
		}
		t->keys[i] = key;
		t->vals[i] = val;
	} else {
		i = table_slot(t, NULL, hash);
		t->n += t->ids[i] == 0;
		t->hashes[i] = hash;
		t->ids[i] = id;
		return 0;
	}
	t->n++;
	return 0;
}

static const char *
table_get(const struct table *t, const char *key)
{
	size_t	i;

	if (t->cap == 0)
		return NULL;
	i = table_slot(t, key, fnv(FNV_START, key, strlen(key)));
	return t->keys[i] != NULL ? (t->vals[i] != NULL ? t->vals[i] : "") : NULL;
}

static void
table_free(struct table *t)
{
	size_t	i;

	for (i = 0; t->keys != NULL && i < t->cap; i++) {
		free(t->keys[i]);
		free(t->vals[i]);
	}
	free(t->keys);
	free(t->vals);
	free(t->hashes);
	free(t->ids);
}

/* --- Opening: the import log and the guestbook's imported entries ------------ */

/* One line "post\tBLOG\tID\tPATH" of the import log into done; others are passed over. */
/* Puts copies of key and val (NULL for none); -1 when out of memory. */
static int
table_put_copy(struct table *t, const char *key, const char *val)
{
	char	*k = strdup(key), *v = val != NULL ? strdup(val) : NULL;

	if (k == NULL || (val != NULL && v == NULL)) {
		free(k);
		free(v);
		return -1;
	}
	return table_put(t, k, v, 0, 0);
}

static int
load_line(struct impstore *s, char *line)
{
	char	*path = strrchr(line, '\t');

	if (strncmp(line, "post\t", 5) != 0 || path == NULL || path < line + 5)
		return 0;
	*path++ = '\0';
	return table_put_copy(&s->done, line + 5, path);
}

static int
load_log(struct impstore *s, const char **reason)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;
	int	 rc = 0;

	if ((f = fopen(s->log_path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		*reason = reasonf("%s: %s", s->log_path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n')
			break;		/* cut by a crash: the post is found again by its file */
		line[n - 1] = '\0';
		rc = load_line(s, line);
	}
	free(line);
	fclose(f);
	if (rc == -1)
		*reason = "out of memory";
	return rc;
}

/* What identifies an imported entry: its review, time, author and text. */
static uint64_t
entry_hash(const char *slug, long long time, const char *author, const char *text, size_t len)
{
	uint64_t	h = fnv(FNV_START, slug, strlen(slug) + 1);

	h = fnv(h, &time, sizeof(time));
	h = fnv(h, author, strlen(author) + 1);
	return fnv(h, text, len);
}

static int
load_entries(struct impstore *s, const char **reason)
{
	struct gb_entry	*const *v;
	size_t		 i, n = guestbook_all(s->gb, &v);

	for (i = 0; i < n; i++) {
		if (!v[i]->imported)
			continue;
		if (table_put(&s->known, NULL, NULL, entry_hash(v[i]->slug, v[i]->time,
		    v[i]->author, v[i]->text, v[i]->text_len), v[i]->id) == -1) {
			*reason = "out of memory";
			return -1;
		}
	}
	return 0;
}

/* The guestbook log, created when missing (a capsule that never had a response). */
static struct guestbook *
open_guestbook(const char *path, const char *host, int dry, const char **reason)
{
	int	fd;

	if (!dry && !gbwhere_is_postgresql(path)) {
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1) {
			*reason = reasonf("%s: %s", path, strerror(errno));
			return NULL;
		}
		close(fd);
	}
	return guestbook_load(path, host, !dry, reason);
}

struct impstore *
impstore_open(const struct host_config *h, const char *statedir, int dry, const char **reason)
{
	struct impstore	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	s->host = h;
	s->dry = dry;
	s->dirs[0] = (struct dir){ "", -1, 0 };
	s->dirs[1] = (struct dir){ "reviews", -1, 0 };
	s->dirs[2] = (struct dir){ "drafts", -1, 0 };
	if ((size_t)snprintf(s->log_path, sizeof(s->log_path), "%s/import-%s.log", statedir,
	    h->name) >= sizeof(s->log_path)) {
		*reason = "the state directory's path is too long";
		goto fail;
	}
	if (!dry && mkdir(statedir, 0700) == -1 && errno != EEXIST) {
		*reason = reasonf("%s: %s", statedir, strerror(errno));
		goto fail;
	}
	if ((s->root_fd = capsule_open_root(h->root, reason)) == -1)
		goto fail;
	s->dirs[0].fd = dup(s->root_fd);
	if (load_log(s, reason) == -1 || (s->gb = open_guestbook(h->guestbook, h->name, dry, reason)) == NULL ||
	    load_entries(s, reason) == -1)
		goto fail;
	return s;
fail:
	impstore_close(s);
	return NULL;
}

static void
batch_clear(struct impstore *s)
{
	while (s->nfiles > 0) {
		s->nfiles--;
		free(s->files[s->nfiles].tmp);
		free(s->files[s->nfiles].name);
	}
	s->nrecs = 0;
	s->lines.len = 0;
}

void
impstore_close(struct impstore *s)
{
	size_t	i;

	if (s == NULL)
		return;
	batch_clear(s);
	for (i = 0; i < DIRS_MAX; i++)
		if (s->dirs[i].fd > 0)
			close(s->dirs[i].fd);
	if (s->root_fd > 0)
		close(s->root_fd);
	if (s->gb != NULL)
		guestbook_close(s->gb);
	table_free(&s->done);
	table_free(&s->taken);
	table_free(&s->known);
	buf_free(&s->lines);
	free(s->files);
	free(s->recs);
	free(s->ups);
	free(s);
}

const char *
impstore_post_done(struct impstore *s, const char *key)
{
	return table_get(&s->done, key);
}

/* --- Files --------------------------------------------------------------------- */

/* The folder's descriptor, made when missing (not when dry); -1 when there is none. */
static int
dir_fd(struct impstore *s, int i)
{
	struct dir	*d = &s->dirs[i];

	if (d->fd != -1)
		return d->fd;
	if (!s->dry && mkdirat(s->root_fd, d->name, 0755) == -1 && errno != EEXIST)
		return -1;
	d->fd = openat(s->root_fd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return d->fd;
}

/* Whether the file name in fd holds exactly text[0..len). */
static int
same_text(int fd, const char *name, const char *text, size_t len)
{
	char	buf[65536];
	size_t	off = 0;
	ssize_t	n;
	int	f, same = 1;

	if ((f = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	while (same && (n = read(f, buf, sizeof(buf))) > 0) {
		same = off + (size_t)n <= len && memcmp(buf, text + off, (size_t)n) == 0;
		off += (size_t)n;
	}
	close(f);
	return same && n == 0 && off == len;
}

/* Writes text[0..len) to the hidden name tmp in fd; -1 with errno. */
static int
write_tmp(int fd, const char *tmp, const char *text, size_t len)
{
	ssize_t	n;
	size_t	off = 0;
	int	f;

	if ((f = openat(fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) == -1)
		return -1;
	for (; off < len; off += (size_t)n)
		if ((n = write(f, text + off, len - off)) <= 0) {
			n = errno;
			close(f);
			unlinkat(fd, tmp, 0);
			errno = (int)n;
			return -1;
		}
	return close(f);
}

/* Queues the file's rename and its import log line; -1 when out of memory. */
static int
queue_file(struct impstore *s, int dir, const char *name, const char *tmp, const char *key,
    const char *path)
{
	struct file	*v;
	size_t		 cap;

	buf_printf(&s->lines, "post\t%s\t%s\n", key, path);
	if (table_put_copy(&s->done, key, path) == -1 || s->lines.failed)
		return -1;
	if (tmp == NULL)
		return 0;	/* there already */
	if (s->nfiles == s->files_cap) {
		cap = s->files_cap > 0 ? 2 * s->files_cap : 64;
		if ((v = realloc(s->files, cap * sizeof(*v))) == NULL)
			return -1;
		s->files = v;
		s->files_cap = cap;
	}
	s->files[s->nfiles] = (struct file){ dir, strdup(tmp), strdup(name) };
	if (s->files[s->nfiles].tmp == NULL || s->files[s->nfiles].name == NULL) {
		free(s->files[s->nfiles].tmp);
		free(s->files[s->nfiles].name);
		return -1;
	}
	s->nfiles++;
	return 0;
}

/* The name for try k (from 1) of stem in dir d: NAME into name, DIR/NAME into path. */
static int
try_name(const struct dir *d, const char *stem, int k, char *name, size_t nsize,
    char *path, size_t psize)
{
	int	n = k == 1 ? snprintf(name, nsize, "%s.gmi", stem) :
		    snprintf(name, nsize, "%s-%d.gmi", stem, k);

	if (n < 0 || (size_t)n >= nsize)
		return -1;
	n = snprintf(path, psize, "%s%s%s", d->name, d->name[0] != '\0' ? "/" : "", name);
	return n < 0 || (size_t)n >= psize ? -1 : 0;
}

static int
dir_index(const char *dir)
{
	return strcmp(dir, "reviews") == 0 ? 1 : strcmp(dir, "drafts") == 0 ? 2 : 0;
}

int
impstore_place(struct impstore *s, const char *dir, const char *stem, const char *text,
    size_t len, const char *key, char *path, size_t size)
{
	char		name[REVIEW_NAME_MAX + 1], tmp[REVIEW_NAME_MAX + 16];
	struct stat	st;
	int		i = dir_index(dir), fd = dir_fd(s, i), k;

	if (fd == -1 && !(s->dry && errno == ENOENT)) {
		fprintf(stderr, "marquee: import: %s/%s: %s\n", s->host->root, dir, strerror(errno));
		return -1;
	}
	for (k = 1; k <= COLLISIONS_MAX; k++) {
		if (try_name(&s->dirs[i], stem, k, name, sizeof(name), path, size) == -1)
			break;
		if (table_get(&s->taken, path) != NULL)
			continue;
		if (fd != -1 && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (!same_text(fd, name, text, len))
				continue;
			/* A run cut short wrote it: remembered, not written again. */
			return table_put_copy(&s->taken, path, NULL) == -1 ||
			    queue_file(s, i, name, NULL, key, path) == -1 ? -1 : 0;
		}
		snprintf(tmp, sizeof(tmp), ".%s.import", name);
		if (!s->dry && write_tmp(fd, tmp, text, len) == -1) {
			fprintf(stderr, "marquee: import: %s/%s: %s\n", s->host->root, path,
			    strerror(errno));
			return -1;
		}
		if (table_put_copy(&s->taken, path, NULL) == -1 ||
		    queue_file(s, i, name, s->dry ? NULL : tmp, key, path) == -1) {
			fprintf(stderr, "marquee: import: out of memory\n");
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "marquee: import: no free name for %s%s%s.gmi\n", dir,
	    dir[0] != '\0' ? "/" : "", stem);
	return -1;
}

/* --- Entries ------------------------------------------------------------------ */

unsigned long long
impstore_entry_known(struct impstore *s, const struct record *r)
{
	size_t	i;

	if (s->known.cap == 0)
		return 0;
	i = table_slot(&s->known, NULL, entry_hash(r->slug, r->time, r->author, r->text,
	    r->text_len));
	return s->known.ids[i];
}

size_t
impstore_add_entry(struct impstore *s, const struct record *r, size_t up)
{
	struct record	*v;
	size_t		*u, cap;

	if (s->nrecs == s->recs_cap) {
		cap = s->recs_cap > 0 ? 2 * s->recs_cap : 256;
		if ((v = realloc(s->recs, cap * sizeof(*v))) == NULL)
			return 0;
		s->recs = v;
		if ((u = realloc(s->ups, cap * sizeof(*u))) == NULL)
			return 0;
		s->ups = u;
		s->recs_cap = cap;
	}
	s->recs[s->nrecs] = *r;
	s->ups[s->nrecs] = up;
	s->entries++;
	return ++s->nrecs;
}

/* --- Committing ------------------------------------------------------------------ */

/* The queued files, durable, then in place, then their folders synced. */
static int
commit_files(struct impstore *s, const char **reason)
{
	struct file	*f;
	size_t		 i;

	if (s->nfiles > 0 && syncfs(s->root_fd) == -1) {
		*reason = reasonf("%s: sync: %s", s->host->root, strerror(errno));
		return -1;
	}
	for (i = 0; i < s->nfiles; i++) {
		f = &s->files[i];
		/* Never over a file the author made meanwhile. */
		if (renameat2(s->dirs[f->dir].fd, f->tmp, s->dirs[f->dir].fd, f->name,
		    RENAME_NOREPLACE) == -1) {
			*reason = reasonf("%s/%s%s%s: %s", s->host->root, s->dirs[f->dir].name,
			    s->dirs[f->dir].name[0] != '\0' ? "/" : "", f->name, strerror(errno));
			return -1;
		}
		s->dirs[f->dir].dirty = 1;
	}
	for (i = 0; i < DIRS_MAX; i++) {
		if (s->dirs[i].dirty && fsync(s->dirs[i].fd) == -1) {
			*reason = reasonf("%s/%s: %s", s->host->root, s->dirs[i].name,
			    strerror(errno));
			return -1;
		}
		s->dirs[i].dirty = 0;
	}
	return 0;
}

/* The import log's new lines, appended and synced. */
static int
commit_log(struct impstore *s, const char **reason)
{
	ssize_t	n;
	size_t	off = 0;
	int	fd;

	if (s->lines.len == 0)
		return 0;
	if ((fd = open(s->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) == -1)
		goto fail;
	for (; off < s->lines.len; off += (size_t)n)
		if ((n = write(fd, s->lines.data + off, s->lines.len - off)) <= 0)
			break;
	if (off < s->lines.len || fdatasync(fd) == -1) {
		close(fd);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	*reason = reasonf("%s: %s", s->log_path, strerror(errno));
	return -1;
}

int
impstore_commit(struct impstore *s, int all, const char **reason)
{
	int	rc = 0;

	if (!all && s->nfiles < BATCH_FILES && s->nrecs < BATCH_ENTRIES)
		return 0;
	if (!s->dry && (commit_files(s, reason) == -1 || commit_log(s, reason) == -1 ||
	    guestbook_append_many(s->gb, s->recs, s->nrecs, s->ups, reason) == -1))
		rc = -1;
	batch_clear(s);
	return rc;
}

/* --- Counting ------------------------------------------------------------------ */

void
impstore_skip(struct impstore *s, const char *why)
{
	size_t	i;

	for (i = 0; i < s->nskips && strcmp(s->skips[i].why, why) != 0; i++)
		continue;
	if (i == s->nskips && s->nskips < REASONS_MAX)
		s->skips[s->nskips++].why = why;
	s->skips[i < REASONS_MAX ? i : REASONS_MAX - 1].n++;
}

void
impstore_count(struct impstore *s, const char *what, const char *path)
{
	if (strcmp(what, "page") == 0)
		s->pages++;
	else
		s->reviews++;
	s->drafts += strcmp(what, "draft") == 0;
	s->scheduled += strcmp(what, "scheduled") == 0;
	if (s->dry)
		printf("would write %s (%s)\n", path, what);
}

void
impstore_summary(const struct impstore *s, FILE *f)
{
	unsigned long	skipped = 0;
	size_t		i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nskips; i++)
		skipped += s->skips[i].n;
	fprintf(f, "%s %lu reviews", s->dry ? "would import" : "imported", s->reviews);
	if (s->drafts > 0 || s->scheduled > 0)
		fprintf(f, " (%lu drafts, %lu scheduled)", s->drafts, s->scheduled);
	if (s->pages > 0)
		fprintf(f, ", %lu pages", s->pages);
	fprintf(f, ", %lu responses; skipped %lu", s->entries, skipped);
	for (i = 0; i < s->nskips; i++)
		fprintf(f, "%s%s: %lu", i == 0 ? " (" : ", ", s->skips[i].why, s->skips[i].n);
	fputs(s->nskips > 0 ? ")\n" : "\n", f);
}
