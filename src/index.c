/*
 * A host's index: the reviews under reviews/ parsed into a snapshot of
 * entries and generated pages, rebuilt by a watcher thread when the author
 * changes a file, and the handlers that answer from it.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "dates.h"
#include "event.h"
#include "gemlog.h"
#include "gemtext.h"
#include "guestbook.h"
#include "index.h"
#include "log.h"
#include "pagecache.h"
#include "review.h"
#include "search.h"
#include "utf8.h"
#include "vocab.h"

/* Where reviews live under the root. */
#define REVIEWS_DIR		"reviews"
/* The author's introduction, shown at the top of the home page. */
#define INTRO_FILE		"index.gmi"
/* Quiet time after a change before rebuilding: an editor's save is several events. */
#define SETTLE_MS		100
/* Seconds between looks at the calendar while a scheduled review waits. */
#define SCHEDULE_CHECK_S	60
/* Changes that can alter what a page shows; IN_ATTRIB catches chmod. */
#define WATCH_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_DELETE | IN_CREATE | IN_ATTRIB | IN_ONLYDIR)
/*
 * Bytes of pages made on request that one snapshot keeps (pagecache.h):
 * a review with 1,000 responses is about 215 to 227 KB of gemtext
 * (tests/bench/conversations.sh), counted with the bound of its Gopher
 * form (gemtext_gopher_bound, some 2.5 times the page) until that form is
 * made and the page asked for again, so this keeps some 20 such pages, or thousands of reviews of a few KB with
 * a few responses; the index itself takes 25 MiB for 10,000 reviews
 * (README, Performance).
 */
#define PAGE_CACHE_BYTES	(16 * 1024 * 1024)
/* Room for a batch of inotify events (struct inotify_event + NAME_MAX each). */
#define INOTIFY_BUF		(64 * 1024)

/*
 * A name a request may give a review: its identity, or one it had before
 * (Was:). The snapshot's table of them, open addressing by name, finds the
 * review an old URL means in one look-up, whatever the number of reviews.
 */
struct alias {
	const char	*name;		/* an identity; NULL for a free slot */
	struct entry	*e;		/* the review it leads to; NULL when two claim it */
};

/* Who claims a name, beside its slot while the table is built (and only then). */
struct claimant {
	const struct entry	*by;		/* the review whose file claims it first */
	unsigned		 line;		/* of its Was:; 0 for a review's own identity */
	int			 fresh;		/* read in this build: its problems are news */
};

/* An immutable set of generated pages, shared by the requests that use it. */
struct snapshot {
	atomic_uint	  refs;
	struct page	 *pages;
	size_t		  npages;
	struct entry	**reviews;	/* one reference each, sorted by file name; drafts too */
	size_t		  nreviews;
	struct entry	**listed;	/* what readers see, newest first (gemlog_sort); no references */
	size_t		  nlisted;
	struct alias	 *aliases;	/* every name of every review, drafts too */
	size_t		  aliases_cap;	/* a power of two, at least twice the names */
	unsigned	  alias_errors;	/* Was: lines that could not be kept */
	struct search_index *search;	/* of the listed entries */
	struct pagecache *cache;	/* pages made from it on request (serve_cached) */
	long long	  next_due;	/* when the next scheduled review is due; 0 for none */
	atomic_flag	  kicked;	/* the watcher was told that next_due has come */
};

/*
 * What the indexer knows of one file in reviews/: its version, and the
 * entry parsed from it (NULL when the file was skipped, so a broken file is
 * logged once per version, not on every rebuild).
 */
struct known {
	char		*name;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 ctime;		/* changes with the content and with chmod */
	struct timespec	 mtime;		/* the date of a review that names none */
	struct entry	*entry;
	int		 date_error;	/* its Date: is not a date: it lands elsewhere than meant */
	int		 was_error;	/* a Was: slug no file could have */
	int		 fresh;		/* parsed for this catalogue, not taken from the one before */
	int		 moved;		/* now owned by a newer catalogue */
	int		 changed;	/* named by an inotify event: look again */
	int		 reused;	/* taken from the catalogue before this one */
};

struct catalogue {
	struct known	*files;		/* sorted by name */
	size_t		 nfiles;
};

/* Names remembered one by one between rebuilds; past that, reviews/ is rescanned. */
#define CHANGED_MAX		256

/* What the watcher saw since the last rebuild; the index thread's own. */
struct changes {
	int	rescan;		/* reviews/ or a folder in it changed, or too many names */
	size_t	n;
	char	names[CHANGED_MAX][REVIEW_PATH_MAX + 1];	/* paths under reviews/ */
};

/* A subfolder of reviews/ the watcher watches, and its path under reviews/. */
struct folder {
	int	 wd;
	char	*path;
};

/* One capsule's index and the thread that keeps it current. */
struct index {
	pthread_mutex_t		 snapshot_lock;
	struct snapshot		*current;	/* under snapshot_lock */
	struct catalogue	 catalogue;	/* the indexer's own; no lock */
	struct review		 scratch;	/* large, and only the indexer parses */
	struct dates		*dates;		/* when reviews were first seen and edited; not owned */
	int			 root_fd;	/* the capsule's; not owned */
	char			 root[PATH_MAX];
	char			 hostname[HOST_MAX + 1];
	char			 author[CN_MAX + 1];	/* the feeds' <author>; "" for the title */
	unsigned		 public_port;	/* in the pages' URLs */
	struct guestbook	*guestbook;	/* not owned; NULL for none */
	pthread_t		 watcher;
	struct changes		 changes;
	int			 reviews_wd;
	struct folder		*folders;	/* the subfolders watched; the index thread's */
	size_t			 nfolders;
	int			 watching;
	int			 stop_fd;
	int			 kick_fd;	/* a scheduled review is due: rebuild */
	int			 ino;		/* inotify */
	pthread_mutex_t		 jobs_lock;
	struct index_job	*jobs, **jobs_tail;	/* under jobs_lock */
	int			 jobs_fd;	/* a job was submitted */
};

static void	 entry_put(struct entry *e);

static void
snapshot_free(struct snapshot *s)
{
	size_t	i;

	gemlog_pages_free(s->pages, s->npages);
	pagecache_free(s->cache);
	search_free(s->search);
	for (i = 0; i < s->nreviews; i++)
		entry_put(s->reviews[i]);
	free(s->reviews);
	free(s->listed);
	free(s->aliases);
	free(s);
}

/*
 * The current snapshot, with a reference. A scheduled review that has come
 * due makes the watcher rebuild (once per snapshot): the first reader after
 * its time sees it soon, whatever the watcher's own timer says.
 */
static struct snapshot *
snapshot_acquire(struct index *ix)
{
	struct snapshot	*s;
	uint64_t	 one = 1;

	pthread_mutex_lock(&ix->snapshot_lock);
	if ((s = ix->current) != NULL)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&ix->snapshot_lock);
	if (s != NULL && s->next_due != 0 && ix->kick_fd != -1 &&
	    event_calendar_now() >= s->next_due && !atomic_flag_test_and_set(&s->kicked))
		(void)!write(ix->kick_fd, &one, sizeof(one));
	return s;
}

/* Whether readers see e: not a draft, and due. */
static int
published(const struct entry *e, long long now)
{
	return !e->draft && e->published <= now;
}

static void
snapshot_release(void *owner)
{
	struct snapshot	*s = owner;

	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1)
		snapshot_free(s);
}

static void
snapshot_publish(struct index *ix, struct snapshot *s)
{
	struct snapshot	*old;

	if (s != NULL)
		atomic_init(&s->refs, 1);
	pthread_mutex_lock(&ix->snapshot_lock);
	old = ix->current;
	ix->current = s;
	pthread_mutex_unlock(&ix->snapshot_lock);
	snapshot_release(old);
}

static void
tags_free(struct tag *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].slug);
	}
	free(v);
}

/* Drops one reference; the last one frees the entry. */
static void
entry_put(struct entry *e)
{
	if (e == NULL || atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	tags_free(e->tags, e->ntags);
	tags_free(e->directors, e->ndirectors);
	while (e->nwas > 0)
		free(e->was[--e->nwas].identity);
	free(e->was);
	if (e->path != e->file)
		free(e->path);
	free(e->file);
	free(e->slug);
	free(e->identity);
	free(e->title);
	free(e->summary);
	free(e->imported_from);
	free(e->link);
	search_doc_free(e->search);
	free(e);
}

static void
known_free(struct known *k)
{
	if (k->moved)
		return;
	free(k->name);
	entry_put(k->entry);
}

/* The last component of a path under reviews/: the file name. */
static const char *
base_name(const char *relpath)
{
	const char	*slash = strrchr(relpath, '/');

	return slash != NULL ? slash + 1 : relpath;
}

/* Reads a whole file of at most max bytes under the root; caller frees *out. */
static int
read_file(const struct index *ix, const char *relpath, size_t max, char **out, size_t *len,
    const char **reason)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = capsule_open(ix->root_fd, relpath)) == -1) {
		*reason = capsule_error(errno);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*reason = "not a regular file";
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		*reason = reasonf("larger than %zu bytes", max);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		*reason = "out of memory";
		goto fail;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	*out = buf;
	*len = got;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

static int
known_cmp(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->name, ((const struct known *)b)->name);
}

static int
same_version(const struct known *k, const struct stat *st)
{
	return k->dev == st->st_dev && k->ino == st->st_ino &&
	    k->size == st->st_size && k->ctime.tv_sec == st->st_ctim.tv_sec &&
	    k->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/*
 * Moves the entry for name out of the old catalogue when the file is
 * unchanged. The old record keeps its name for later searches but is marked
 * moved, so freeing the old catalogue leaves the moved strings alone.
 */
static int
reuse_known(struct catalogue *old, const char *name, const struct stat *st,
    struct known *out)
{
	struct known	 key = { .name = (char *)(void *)name }, *k;

	if (old->nfiles == 0)
		return 0;
	k = bsearch(&key, old->files, old->nfiles, sizeof(*k), known_cmp);
	if (k == NULL || k->moved || !same_version(k, st))
		return 0;
	*out = *k;
	out->changed = 0;
	out->reused = 1;
	out->fresh = 0;
	k->moved = 1;
	return 1;
}

/* Longest summary in the feed; a paragraph's opening is enough to decide. */
#define SUMMARY_MAX	300

/*
 * s[0..n) as a summary: whole when it fits SUMMARY_MAX, else cut at the last
 * space before it with an ellipsis, so no word is cut in two (a single word
 * longer than that is cut on a character boundary).
 */
static char *
summary_cut(const char *s, size_t n)
{
	static const char	 ellipsis[] = "\xe2\x80\xa6";	/* U+2026 */
	char			*out;
	size_t			 cut;

	if (n <= SUMMARY_MAX)
		return strndup(s, n);
	cut = utf8_cut(s, n, SUMMARY_MAX - (sizeof(ellipsis) - 1));
	while (cut > 0 && s[cut] != ' ' && s[cut - 1] != ' ')
		cut--;
	if (cut == 0)
		cut = utf8_cut(s, n, SUMMARY_MAX - (sizeof(ellipsis) - 1));
	while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';'))
		cut--;
	if ((out = malloc(cut + sizeof(ellipsis))) == NULL)
		return NULL;
	memcpy(out, s, cut);
	memcpy(out + cut, ellipsis, sizeof(ellipsis));
	return out;
}

/* The first prose line of the body: not a link, heading, list, quote or preformatted. */
static char *
summary_of(const char *text, size_t len, size_t body)
{
	struct gemtext_reader	r;
	struct gemtext_line	l;

	gemtext_reader_init(&r, text + body, len - body);
	while (gemtext_next(&r, &l)) {
		if (l.kind != GEMTEXT_TEXT || l.n == 0)
			continue;
		return summary_cut(l.s, l.n);
	}
	return strdup("");
}

/* Copies the n names of v (tags or directors) into *out, owned by the entry; *nout counts them. */
static int
entry_names(struct tag **out, size_t *nout, const struct review_tag *v, size_t n)
{
	size_t	i;

	if ((*out = calloc(n + 1, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		(*out)[i].name = strdup(v[i].name);
		(*out)[i].slug = strdup(v[i].slug);
		(*out)[i].line = v[i].line;
		(*nout)++;
		if ((*out)[i].name == NULL || (*out)[i].slug == NULL)
			return -1;
	}
	return 0;
}

/* One line a problem, "FILE:LINE: detail: what"; those past REVIEW_PROBLEMS_MAX are counted. */
static void
log_problems(const char *path, const struct review *r)
{
	const struct review_problem	*p;
	size_t				 i;

	for (i = 0; i < r->nproblems && i < REVIEW_PROBLEMS_MAX; i++) {
		p = &r->problems[i];
		log_warn("%s:%u: %s%s%s", path, p->line, p->detail,
		    p->detail[0] != '\0' ? ": " : "", review_warning_text(p->what));
	}
	if (r->nproblems > REVIEW_PROBLEMS_MAX)
		log_warn("%s: %zu more problems", path, r->nproblems - REVIEW_PROBLEMS_MAX);
}

/*
 * Dates e: its Date:, else the date in its file name, else the day it was
 * first seen (the dates log's, so an edit never moves it). Whatever the date,
 * the log says when its bytes last changed: e->edited.
 */
static void
entry_dates(struct entry *e, const struct review *r, const struct review_name *rn,
    struct dates *dates, const char *text, size_t len, long long mtime)
{
	long long	first;
	time_t		t;
	struct tm	tm;

	dates_note(dates, rn->slug, dates_hash(text, len), mtime, event_calendar_now(),
	    &first, &e->edited);
	e->published = r->published;
	if (r->date[0] != '\0') {
		memcpy(e->date, r->date, sizeof(e->date));
		return;
	}
	if (rn->date[0] != '\0') {
		memcpy(e->date, rn->date, sizeof(e->date));
		e->published = date_seconds(rn->date);
		return;
	}
	e->published = first;
	t = (time_t)first;
	if (gmtime_r(&t, &tm) == NULL || strftime(e->date, sizeof(e->date), "%Y-%m-%d", &tm) == 0)
		memcpy(e->date, "1970-01-01", sizeof(e->date));
}

/* Copies the Was: slugs of r into e as identities; -1 when out of memory. */
static int
entry_was(struct entry *e, const struct review *r)
{
	size_t	i;

	if (r->nwas == 0)
		return 0;	/* most reviews: no allocation */
	if ((e->was = calloc(r->nwas, sizeof(*e->was))) == NULL)
		return -1;
	for (i = 0; i < r->nwas; i++) {
		if ((e->was[i].identity = strdup(review_identity(r->was[i].slug))) == NULL)
			return -1;
		e->was[i].line = r->was[i].line;
		e->nwas++;
	}
	return 0;
}

/*
 * Makes the index entry for the review file at path (relpath under
 * reviews/, contents text). Returns NULL, having logged why, when it
 * cannot be used.
 */
static struct entry *
entry_parse(struct index *ix, const char *path, const char *relpath,
    const char *text, size_t len, const struct timespec *mtime)
{
	const char		*name = base_name(relpath);
	struct review		*r = &ix->scratch;
	struct review_name	 rn;
	struct entry		*e;
	const char		*reason;

	if (review_name_parse(name, &rn, &reason) == -1 ||
	    review_parse(text, len, r, &reason) == -1) {
		log_warn("%s: skipped: %s", path, reason);
		return NULL;
	}
	if ((r->warnings & REVIEW_WARN_BAD_DATE) && rn.date[0] == '\0')
		log_warn("%s: no date in the file name either; using the day it was first seen", path);
	log_problems(path, r);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto nomem;
	atomic_init(&e->refs, 1);	/* the catalogue's */
	e->draft = r->draft;
	e->rating = r->rating;
	entry_dates(e, r, &rn, ix->dates, text, len, (long long)mtime->tv_sec);
	e->file = strdup(name);
	/* A review at the top of reviews/ is where its name says: one string for both. */
	e->path = name == relpath ? e->file : strdup(relpath);
	e->slug = strndup(name, strlen(name) - 4);	/* without .gmi or .txt */
	e->title = strdup(r->title[0] != '\0' ? r->title : rn.slug);
	e->identity = strdup(rn.slug);
	e->summary = summary_of(text, len, r->body);
	if (r->imported_from[0] != '\0' && (e->imported_from = strdup(r->imported_from)) == NULL)
		goto nomem;
	if (e->file == NULL || e->path == NULL || e->slug == NULL || e->title == NULL ||
	    e->identity == NULL || e->summary == NULL || entry_was(e, r) == -1 ||
	    entry_names(&e->tags, &e->ntags, r->tags, r->ntags) == -1 ||
	    entry_names(&e->directors, &e->ndirectors, r->directors, r->ndirectors) == -1)
		goto nomem;
	if (gemlog_link(e) == -1 || (e->search = search_doc_make(e->title, e->directors,
	    e->ndirectors, e->tags, e->ntags, text, len, r->body)) == NULL)
		goto nomem;
	return e;
nomem:
	log_error("%s: out of memory", path);
	entry_put(e);
	return NULL;
}

/* Parses reviews/NAME into k->entry, or logs why it is skipped and leaves it NULL. */
static void
known_parse(struct index *ix, struct known *k)
{
	char		 path[sizeof(REVIEWS_DIR) + REVIEW_PATH_MAX + 1];
	char		*text;
	size_t		 len;
	const char	*reason;

	snprintf(path, sizeof(path), "%s/%s", REVIEWS_DIR, k->name);
	if (read_file(ix, path, REVIEW_FILE_MAX, &text, &len, &reason) == -1) {
		log_warn("%s: skipped: %s", path, reason);
		return;
	}
	k->entry = entry_parse(ix, path, k->name, text, len, &k->mtime);
	k->date_error = k->entry != NULL && (ix->scratch.warnings & REVIEW_WARN_BAD_DATE);
	k->was_error = k->entry != NULL && (ix->scratch.warnings & REVIEW_WARN_BAD_WAS);
	k->fresh = 1;
	free(text);
}
/* Marks the old catalogue's record for name as its own again. */
static void
give_back(struct catalogue *old, const char *name)
{
	struct known	 key = { .name = (char *)(void *)name }, *k;

	if ((k = bsearch(&key, old->files, old->nfiles, sizeof(*k), known_cmp)) != NULL)
		k->moved = 0;
}

/* Fills a new record for reviews/NAME, as stat saw it, and parses the file. */
static int
known_new(struct index *ix, struct known *k, const char *name, const struct stat *st)
{
	memset(k, 0, sizeof(*k));
	if ((k->name = strdup(name)) == NULL)
		return -1;
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->ctime = st->st_ctim;
	k->mtime = st->st_mtim;
	known_parse(ix, k);
	return 0;
}

/* A scan that failed: the old catalogue stays in use, so what was taken from it goes back. */
static void
abandon_scan(struct catalogue *old, struct known *files, size_t n)
{
	while (n > 0) {
		struct known	*k = &files[--n];

		if (k->reused)
			give_back(old, k->name);
		else
			known_free(k);
	}
	free(files);
}

/* A scan in progress: the records found so far, and the folders to watch. */
struct scan {
	struct known	*files;
	size_t		 n, cap;
	struct folder	*folders;
	size_t		 nfolders, folders_cap;
};

/* Watches the subfolder path (under reviews/) and notes it in sc; -1 when out of memory. */
static int
scan_watch(struct index *ix, struct scan *sc, const char *path)
{
	char		 full[sizeof(ix->root) + sizeof(REVIEWS_DIR) + REVIEW_PATH_MAX + 2];
	struct folder	*grown;
	int		 wd;

	if (ix->ino == -1)
		return 0;	/* a check (-n) watches nothing */
	/* Before the folder is read, so a file dropped in meanwhile is seen by one or the other. */
	if ((size_t)snprintf(full, sizeof(full), "%s/%s/%s", ix->root, REVIEWS_DIR, path) >=
	    sizeof(full) || (wd = inotify_add_watch(ix->ino, full, WATCH_MASK)) == -1) {
		log_warn("%s/%s: not watched: %s", REVIEWS_DIR, path, strerror(errno));
		return 0;
	}
	if (sc->nfolders == sc->folders_cap) {
		sc->folders_cap = sc->folders_cap == 0 ? 8 : 2 * sc->folders_cap;
		if ((grown = reallocarray(sc->folders, sc->folders_cap, sizeof(*grown))) == NULL)
			return -1;
		sc->folders = grown;
	}
	if ((sc->folders[sc->nfolders].path = strdup(path)) == NULL)
		return -1;
	sc->folders[sc->nfolders++].wd = wd;
	return 0;
}

/* Adds the record of the review file path (under reviews/), reused or parsed; -1 when out of memory. */
static int
scan_file(struct index *ix, struct scan *sc, const char *path, const struct stat *st)
{
	struct known	*grown;

	if (sc->n == sc->cap) {
		sc->cap = sc->cap == 0 ? 64 : sc->cap * 2;
		if ((grown = reallocarray(sc->files, sc->cap, sizeof(*grown))) == NULL)
			return -1;
		sc->files = grown;
	}
	if (!reuse_known(&ix->catalogue, path, st, &sc->files[sc->n]) &&
	    known_new(ix, &sc->files[sc->n], path, st) == -1)
		return -1;
	sc->n++;
	return 0;
}

/*
 * Lists the folder fd (dir under reviews/, "" for reviews/ itself, depth
 * folders down) into sc: review files, and subfolders to REVIEW_DEPTH_MAX.
 * A symlink is never followed into a folder: nothing outside reviews/ is
 * walked, and no loop can be. Closes fd. -1 when out of memory, or when
 * reviews/ itself cannot be read.
 */
static int
scan_folder(struct index *ix, struct scan *sc, int fd, const char *dir, unsigned depth)
{
	struct dirent		*de;
	struct stat		 st;
	struct review_name	 name;
	const char		*why;
	char			 path[REVIEW_PATH_MAX + 1];
	DIR			*d;
	int			 sub, rc = 0;

	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		/* A subfolder that cannot be read is passed over; reviews/ itself is an error. */
		return depth == 0 ? -1 : 0;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    (size_t)snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] != '\0' ? "/" : "",
		    de->d_name) >= sizeof(path))
			continue;
		if (S_ISDIR(st.st_mode) && depth < REVIEW_DEPTH_MAX) {
			if ((rc = scan_watch(ix, sc, path)) == 0 && (sub = openat(fd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) != -1)
				rc = scan_folder(ix, sc, sub, path, depth + 1);
			continue;
		}
		/* A symlinked file is followed; capsule_open keeps its target under the root. */
		if (S_ISLNK(st.st_mode) && fstatat(fd, de->d_name, &st, 0) == -1)
			continue;
		if (S_ISREG(st.st_mode) && review_name_parse(de->d_name, &name, &why) == 0)
			rc = scan_file(ix, sc, path, &st);
	}
	closedir(d);
	return rc;
}

/* Frees a table of folders; their watches are the caller's to keep or remove. */
static void
folders_free(struct folder *v, size_t n)
{
	while (n > 0)
		free(v[--n].path);
	free(v);
}

/* Makes sc's folders the ones watched, removing the watches of folders no longer there. */
static void
folders_adopt(struct index *ix, struct scan *sc)
{
	size_t	i, j;

	for (i = 0; i < ix->nfolders; i++) {
		for (j = 0; j < sc->nfolders && sc->folders[j].wd != ix->folders[i].wd; j++)
			continue;
		if (j == sc->nfolders && ix->ino != -1)
			(void)inotify_rm_watch(ix->ino, ix->folders[i].wd);
	}
	folders_free(ix->folders, ix->nfolders);
	ix->folders = sc->folders;
	ix->nfolders = sc->nfolders;
}

/*
 * Lists reviews/ and its subfolders into a new catalogue, reusing the
 * parsed entries of files that did not change since old was made, and
 * watches every subfolder. Returns 0, or -1 with *reason.
 */
static int
catalogue_scan(struct index *ix, struct catalogue *out, const char **reason)
{
	struct scan	sc = { 0 };
	int		fd;

	memset(out, 0, sizeof(*out));
	if ((fd = capsule_open(ix->root_fd, REVIEWS_DIR)) == -1) {
		if (errno == ENOENT) {
			folders_adopt(ix, &sc);
			return 0;	/* no reviews yet */
		}
		*reason = reasonf("%s: %s", REVIEWS_DIR, capsule_error(errno));
		return -1;
	}
	if (scan_folder(ix, &sc, fd, "", 0) == -1) {
		*reason = sc.n == 0 && errno != ENOMEM ? reasonf("%s: %s", REVIEWS_DIR,
		    strerror(errno)) : "out of memory";
		abandon_scan(&ix->catalogue, sc.files, sc.n);
		folders_free(sc.folders, sc.nfolders);
		return -1;
	}
	folders_adopt(ix, &sc);
	dates_sync(ix->dates);
	/* An empty reviews/ leaves files NULL, which qsort may not be given. */
	if (sc.n > 0)
		qsort(sc.files, sc.n, sizeof(*sc.files), known_cmp);
	out->files = sc.files;
	out->nfiles = sc.n;
	return 0;
}

static void
catalogue_free(struct catalogue *c)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		known_free(&c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* Merges the sorted runs v[0..mid) and v[mid..n) in place; the second run is short. */
static void
merge_sorted(struct known *v, size_t mid, size_t n)
{
	struct known	tmp;
	size_t		i, j;

	for (i = mid; i < n; i++) {
		tmp = v[i];
		for (j = i; j > 0 && known_cmp(&v[j - 1], &tmp) > 0; j--)
			continue;
		memmove(&v[j + 1], &v[j], (i - j) * sizeof(*v));
		v[j] = tmp;
	}
}

/* Returns 1 when names[0..n) holds name. */
static int
seen_before(const struct changes *ch, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(ch->names[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Makes the next catalogue from old by looking again only at the files
 * inotify named: the others keep their records without a stat, which is
 * what keeps a change among ten thousand reviews cheap.
 */
static int
catalogue_update(struct index *ix, const struct changes *ch,
    struct catalogue *out, const char **reason)
{
	struct catalogue	*old = &ix->catalogue;
	struct known		*files, *k, key;
	struct review_name	 name;
	struct stat		 st;
	const char		*why;
	size_t			 i, n = 0, kept;
	int			 dirfd;

	if ((dirfd = capsule_open(ix->root_fd, REVIEWS_DIR)) == -1)
		return catalogue_scan(ix, out, reason);
	if ((files = calloc(old->nfiles + ch->n + 1, sizeof(*files))) == NULL) {
		close(dirfd);
		*reason = "out of memory";
		return -1;
	}
	for (i = 0; i < ch->n && old->nfiles > 0; i++) {
		key.name = (char *)(void *)ch->names[i];
		if ((k = bsearch(&key, old->files, old->nfiles, sizeof(*k), known_cmp)) != NULL)
			k->changed = 1;
	}
	for (i = 0; i < old->nfiles; i++)
		if (!old->files[i].changed) {
			files[n] = old->files[i];
			files[n++].fresh = 0;
			old->files[i].moved = 1;
		}
	kept = n;
	for (i = 0; i < ch->n; i++) {
		if (seen_before(ch, i, ch->names[i]) ||
		    review_name_parse(base_name(ch->names[i]), &name, &why) == -1 ||
		    fstatat(dirfd, ch->names[i], &st, 0) == -1 || !S_ISREG(st.st_mode))
			continue;
		k = &files[n];
		if (!reuse_known(old, ch->names[i], &st, k) &&
		    known_new(ix, k, ch->names[i], &st) == -1)
			continue;
		n++;
	}
	close(dirfd);
	/* The kept records are in order already; only the few new ones need sorting in. */
	qsort(files + kept, n - kept, sizeof(*files), known_cmp);
	merge_sorted(files, kept, n);
	out->files = files;
	out->nfiles = n;
	return 0;
}

/* The feed title: the introduction's first heading, else the host name. */
static void
site_title(const char *intro, char *out, size_t size, const char *hostname)
{
	const char	*line, *end;

	for (line = intro; line != NULL && *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (strncmp(line, "# ", 2) == 0) {
			line += 2;
			snprintf(out, size, "%.*s", (int)((end != NULL ? end :
			    line + strlen(line)) - line), line);
			out[strcspn(out, "\r")] = '\0';
			return;
		}
		if (end == NULL)
			break;
	}
	snprintf(out, size, "%s", hostname);
}

static int
file_exists(const struct index *ix, const char *relpath)
{
	int	fd;

	if ((fd = capsule_open(ix->root_fd, relpath)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * Puts the entries readers see at now into v, newest first, and returns how
 * many; *next_due is when the next scheduled one is due (0 for none).
 */
static size_t
listed(const struct catalogue *cat, long long now, struct entry **v, long long *next_due)
{
	struct entry	*e;
	size_t		 i, n = 0;

	*next_due = 0;
	/* Reverse name order is newest first when the dates come from the names. */
	for (i = cat->nfiles; i > 0; i--) {
		if ((e = cat->files[i - 1].entry) == NULL || e->draft)
			continue;
		if (published(e, now))
			v[n++] = e;
		else if (*next_due == 0 || e->published < *next_due)
			*next_due = e->published;
	}
	gemlog_sort(v, n);
	return n;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp((*(struct entry *const *)a)->file, (*(struct entry *const *)b)->file);
}

/*
 * Every entry of the catalogue, drafts and scheduled ones too, each with a
 * reference, sorted by file name for /reviews/FILE. The catalogue is in
 * path order, which is file name order until a subfolder holds reviews.
 */
static int
snapshot_all(struct snapshot *s, const struct catalogue *cat)
{
	size_t	i;
	int	sorted = 1;

	if ((s->reviews = calloc(cat->nfiles + 1, sizeof(*s->reviews))) == NULL)
		return -1;
	for (i = 0; i < cat->nfiles; i++)
		if (cat->files[i].entry != NULL) {
			s->reviews[s->nreviews++] = cat->files[i].entry;
			atomic_fetch_add(&cat->files[i].entry->refs, 1);
			sorted &= s->nreviews == 1 ||
			    file_cmp(&s->reviews[s->nreviews - 2], &s->reviews[s->nreviews - 1]) <= 0;
		}
	if (!sorted)
		qsort(s->reviews, s->nreviews, sizeof(*s->reviews), file_cmp);
	return 0;
}

static size_t
alias_slot(const struct alias *v, size_t cap, const char *name)
{
	uint64_t		 h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	const unsigned char	*p;
	size_t			 i;

	for (p = (const unsigned char *)name; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	for (i = (size_t)h & (cap - 1); v[i].name != NULL && strcmp(v[i].name, name) != 0;
	    i = (i + 1) & (cap - 1))
		continue;
	return i;
}

/* The review whose identity, or one of whose Was: slugs, is identity; NULL for none. */
static struct entry *
alias_find(const struct snapshot *s, const char *identity)
{
	const struct alias	*a;

	if (s->aliases_cap == 0)
		return NULL;
	a = &s->aliases[alias_slot(s->aliases, s->aliases_cap, identity)];
	return a->name != NULL ? a->e : NULL;
}

/* Whether e's Was: names its i-th slug before it too. */
static int
says_was_before(const struct entry *e, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (strcmp(e->was[j].identity, e->was[i].identity) == 0)
			return 1;
	return 0;
}

/* Whether e says it was identity. */
static int
says_was(const struct entry *e, const char *identity)
{
	size_t	i;

	for (i = 0; i < e->nwas; i++)
		if (strcmp(e->was[i].identity, identity) == 0)
			return 1;
	return 0;
}

/*
 * Gives the review of k the old name w, unless another review has that
 * name (it is that review's, and a cycle when that one says it was this
 * one) or claimed it first (then neither keeps it: a URL cannot mean two
 * reviews). What is refused is counted, and logged with the file and line
 * when report (or either file is new in this build) says so. claims[i]
 * is who claims the name in slot i.
 */
static void
alias_add(struct snapshot *s, struct claimant *claims, const struct known *k,
    const struct entry_was *w, int report)
{
	struct entry	*e = k->entry;
	size_t		 i = alias_slot(s->aliases, s->aliases_cap, w->identity);
	struct alias	*a = &s->aliases[i];
	struct claimant	*c = &claims[i];

	if (strcmp(w->identity, e->identity) == 0 || (a->name != NULL && c->by == e))
		return;	/* its own name, or said twice: nothing to keep */
	if (a->name == NULL) {
		*a = (struct alias){ w->identity, e };
		*c = (struct claimant){ e, w->line, k->fresh };
		return;
	}
	s->alias_errors++;
	report |= k->fresh || c->fresh;
	if (c->line == 0 && report)
		log_warn("%s/%s:%u: error: Was: '%s' is %s/%s, a review of its own%s; ignored",
		    REVIEWS_DIR, e->path, w->line, w->identity, REVIEWS_DIR, c->by->path,
		    says_was(c->by, e->identity) ? " that says it was this one (a cycle)" : "");
	else if (c->line != 0 && report)
		log_warn("%s/%s:%u: error: Was: '%s' is claimed by %s/%s:%u too; "
		    "neither keeps it", REVIEWS_DIR, e->path, w->line, w->identity,
		    REVIEWS_DIR, c->by->path, c->line);
	if (c->line != 0)
		a->e = NULL;
}

/*
 * The table of every review's names: identities first (two files with one
 * identity are lint_slugs' to report; the first keeps it), then the Was:
 * slugs. Who claims each is kept aside for the build only, so the table a
 * snapshot keeps is two pointers a slot. Returns -1 when out of memory.
 */
static int
aliases_build(struct snapshot *s, const struct catalogue *cat, int report)
{
	const struct known	*k;
	struct claimant		*claims;
	size_t			 i, j, n = 0;

	for (i = 0; i < cat->nfiles; i++)
		if (cat->files[i].entry != NULL)
			n += 1 + cat->files[i].entry->nwas;
	for (s->aliases_cap = 16; s->aliases_cap < 2 * n; s->aliases_cap *= 2)
		continue;
	if ((s->aliases = calloc(s->aliases_cap, sizeof(*s->aliases))) == NULL ||
	    (claims = calloc(s->aliases_cap, sizeof(*claims))) == NULL)
		return -1;
	for (i = 0; i < cat->nfiles; i++) {
		if ((k = &cat->files[i])->entry == NULL)
			continue;
		j = alias_slot(s->aliases, s->aliases_cap, k->entry->identity);
		if (s->aliases[j].name != NULL)
			continue;
		s->aliases[j] = (struct alias){ k->entry->identity, k->entry };
		claims[j] = (struct claimant){ k->entry, 0, k->fresh };
	}
	for (i = 0; i < cat->nfiles; i++)
		for (j = 0; (k = &cat->files[i])->entry != NULL && j < k->entry->nwas; j++)
			alias_add(s, claims, k, &k->entry->was[j], report);
	free(claims);
	return 0;
}

static struct snapshot *
snapshot_build(struct index *ix, const char **reason)
{
	const struct catalogue	 *cat = &ix->catalogue;
	struct snapshot		 *s;
	struct site		  site = { 0 };
	char			  base[ORIGIN_MAX + 1], title[256], *intro = NULL;
	size_t			  intro_len = 0;
	const char		 *why;

	*reason = "out of memory";
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->listed = calloc(cat->nfiles + 1, sizeof(*s->listed))) == NULL ||
	    snapshot_all(s, cat) == -1 ||
	    aliases_build(s, cat, ix->current == NULL) == -1)
		goto fail;
	s->nlisted = listed(cat, event_calendar_now(), s->listed, &s->next_due);
	if ((s->search = search_build(s->listed, s->nlisted)) == NULL ||
	    (s->cache = pagecache_new(PAGE_CACHE_BYTES)) == NULL)
		goto fail;
	atomic_flag_clear(&s->kicked);
	if (read_file(ix, INTRO_FILE, REVIEW_FILE_MAX, &intro, &intro_len, &why) == -1 &&
	    file_exists(ix, INTRO_FILE))
		log_warn("%s/%s: %s", ix->root, INTRO_FILE, why);
	site_title(intro, title, sizeof(title), ix->hostname);
	/* Fits: ORIGIN_MAX. */
	(void)url_origin(base, sizeof(base), "gemini", ix->hostname, ix->public_port,
	    GEMINI_DEFAULT_PORT);
	site = (struct site){ intro, intro_len, title, base, file_exists(ix, "robots.txt"),
	    file_exists(ix, "atom.xml"), ix->author[0] != '\0' ? ix->author : title };
	if (gemlog_render(s->listed, s->nlisted, &site, &s->pages, &s->npages, reason) == 0) {
		free(intro);
		return s;
	}
fail:
	free(intro);
	if (s != NULL)
		snapshot_free(s);
	return NULL;
}

/* A review's slug without its date, to find two files that claim one. */
struct claim {
	const char	*slug;
	const char	*file;
};

static int
claim_cmp(const void *a, const void *b)
{
	const struct claim	*x = a, *y = b;
	int			 c = strcmp(x->slug, y->slug);

	return c != 0 ? c : strcmp(x->file, y->file);
}

/*
 * Reports two files whose names give one slug once the date is set aside
 * (2026-01-01-heat.gmi and 2026-05-01-heat.gmi): a review's identity is its
 * slug, so one of them could never be reached by it. Returns how many.
 */
static unsigned
lint_slugs(const struct catalogue *cat)
{
	struct claim	*v;
	size_t		 i, n = 0;
	unsigned	 errors = 0;

	if ((v = calloc(cat->nfiles + 1, sizeof(*v))) == NULL)
		return 0;
	for (i = 0; i < cat->nfiles; i++)
		if (cat->files[i].entry != NULL)
			v[n++] = (struct claim){ cat->files[i].entry->identity,
			    cat->files[i].entry->path };
	qsort(v, n, sizeof(*v), claim_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1].slug, v[i].slug) != 0)
			continue;
		log_warn("%s/%s: error: its slug '%s' is the slug of %s/%s too; rename one",
		    REVIEWS_DIR, v[i].file, v[i].slug, REVIEWS_DIR, v[i - 1].file);
		errors++;
	}
	free(v);
	return errors;
}

/* A tag or director as one review spells it, for lint_spellings. */
struct spelling {
	const struct tag	*tag;
	const char		*file;
	const char		*kind;		/* "tag" or "director" */
};

static int
spelling_cmp(const void *a, const void *b)
{
	const struct spelling	*x = a, *y = b;
	int			 c = strcmp(x->tag->slug, y->tag->slug);

	return c != 0 ? c : strcmp(x->tag->name, y->tag->name);
}

/* Warns about each review spelling a tag or director unlike the one before it in v (sorted). */
static void
lint_spelling_run(const struct spelling *v, size_t n)
{
	size_t	i;

	for (i = 1; i < n; i++)
		if (strcmp(v[i].tag->name, v[0].tag->name) != 0)
			log_warn("%s/%s:%u: %s '%s' is written '%s' elsewhere (%s/%s); "
			    "they are one %s, shown as most reviews write it", REVIEWS_DIR,
			    v[i].file, v[i].tag->line, v[i].kind, v[i].tag->name, v[0].tag->name,
			    REVIEWS_DIR, v[0].file, v[i].kind);
}

/* Tags (and directors) that differ only by case or accents: one tag, several spellings. */
static void
lint_spellings(const struct catalogue *cat)
{
	struct spelling	*v;
	struct entry	*e;
	size_t		 i, j, n = 0, total = 0, start;

	for (i = 0; i < cat->nfiles; i++)
		if ((e = cat->files[i].entry) != NULL)
			total += e->ntags + e->ndirectors;
	if ((v = calloc(total + 1, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < cat->nfiles; i++) {
		if ((e = cat->files[i].entry) == NULL)
			continue;
		for (j = 0; j < e->ntags; j++)
			v[n++] = (struct spelling){ &e->tags[j], e->path, "tag" };
		for (j = 0; j < e->ndirectors; j++)
			v[n++] = (struct spelling){ &e->directors[j], e->path, "director" };
	}
	qsort(v, n, sizeof(*v), spelling_cmp);
	for (start = 0, i = 1; i <= n; i++)
		if (i == n || strcmp(v[i].tag->slug, v[start].tag->slug) != 0) {
			lint_spelling_run(v + start, i - start);
			start = i;
		}
	free(v);
}

/*
 * What no single file shows: two files with one slug (errors, counted), a
 * tag spelled several ways (warnings). Plus the files whose Date: is not a
 * date or with a Was: slug no file could have, already logged, counted as
 * errors. (Was: lines the snapshot could not keep are its alias_errors.)
 */
static unsigned
catalogue_lint(const struct catalogue *cat)
{
	unsigned	errors = lint_slugs(cat);
	size_t		i;

	lint_spellings(cat);
	for (i = 0; i < cat->nfiles; i++)
		errors += cat->files[i].date_error + cat->files[i].was_error;
	return errors;
}

static int
count_skipped(const struct catalogue *cat)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < cat->nfiles; i++)
		n += cat->files[i].entry == NULL;
	return n;
}

/*
 * Brings the catalogue up to date (all of reviews/ when ch is NULL or asks
 * for it, else only the files it names) and publishes a new snapshot; the
 * old one stays on failure.
 */
static int
index_rebuild(struct index *ix, const struct changes *ch, const char **reason)
{
	struct catalogue	 next;
	struct snapshot		*s;
	uint64_t		 start = event_now_us();
	int			 skipped, rc;

	if (ch == NULL || ch->rescan)
		rc = catalogue_scan(ix, &next, reason);
	else
		rc = catalogue_update(ix, ch, &next, reason);
	if (rc == -1)
		return -1;
	catalogue_free(&ix->catalogue);
	ix->catalogue = next;
	if ((s = snapshot_build(ix, reason)) == NULL)
		return -1;
	snapshot_publish(ix, s);
	skipped = count_skipped(&ix->catalogue);
	log_info("index: %s: %zu reviews, %d skipped, %zu pages, search %zu KiB, built in %.1f ms",
	    ix->hostname, ix->catalogue.nfiles - (size_t)skipped, skipped, s->npages,
	    search_bytes(s->search) / 1024, (double)(event_now_us() - start) / 1000.0);
	return 0;
}

/* An index with nothing built or watched yet; freed by index_free. */
static struct index *
index_new(int root_fd, const char *root, const struct index_host *host,
    struct guestbook *gb, const char **reason)
{
	struct index	*ix;
	const char	*hostname = host->hostname, *author = host->author;

	if ((ix = calloc(1, sizeof(*ix))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	if ((size_t)snprintf(ix->root, sizeof(ix->root), "%s", root) >= sizeof(ix->root) ||
	    (size_t)snprintf(ix->hostname, sizeof(ix->hostname), "%s", hostname) >=
	    sizeof(ix->hostname) ||
	    (size_t)snprintf(ix->author, sizeof(ix->author), "%s", author) >= sizeof(ix->author)) {
		*reason = reasonf("%s: path too long", root);
		free(ix);
		return NULL;
	}
	ix->dates = host->dates;
	pthread_mutex_init(&ix->snapshot_lock, NULL);
	ix->root_fd = root_fd;
	ix->public_port = host->public_port;
	ix->guestbook = gb;
	ix->reviews_wd = -1;
	ix->stop_fd = -1;
	ix->kick_fd = -1;
	ix->ino = -1;
	pthread_mutex_init(&ix->jobs_lock, NULL);
	ix->jobs_tail = &ix->jobs;
	ix->jobs_fd = -1;
	return ix;
}

static void
index_free(struct index *ix)
{
	snapshot_publish(ix, NULL);
	catalogue_free(&ix->catalogue);
	folders_free(ix->folders, ix->nfolders);
	pthread_mutex_destroy(&ix->snapshot_lock);
	pthread_mutex_destroy(&ix->jobs_lock);
	free(ix);
}

int
index_check(int root_fd, const char *root, const char *hostname, unsigned public_port)
{
	struct index_host	 host = { hostname, public_port, "", NULL };
	struct index		*ix;
	const char		*reason;
	int			 skipped;

	/* A check writes nothing: the dates are the ones marquee would give now. */
	if ((host.dates = dates_open("", &reason)) == NULL) {
		log_error("%s", reason);
		return 1;
	}
	if ((ix = index_new(root_fd, root, &host, NULL, &reason)) == NULL ||
	    index_rebuild(ix, NULL, &reason) == -1) {
		log_error("%s", reason);
		if (ix != NULL)
			index_free(ix);
		dates_close(host.dates);
		return 1;
	}
	skipped = count_skipped(&ix->catalogue) + (int)catalogue_lint(&ix->catalogue) +
	    (int)ix->current->alias_errors;
	index_free(ix);
	dates_close(host.dates);
	return skipped;
}

static int
review_cmp(const void *name, const void *entry)
{
	return strcmp(name, (*(struct entry *const *)entry)->file);
}

/*
 * The names e's responses and likes are stored under: its identity, and
 * each Was: slug the snapshot gave it. Stems with any date lead to these.
 */
static void
names_of(const struct snapshot *s, const struct entry *e, struct gb_names *on)
{
	size_t	i;

	on->v[0] = e->identity;
	on->n = 1;
	for (i = 0; i < e->nwas && on->n < GB_NAMES_MAX; i++)
		if (alias_find(s, e->was[i].identity) == e && !says_was_before(e, i))
			on->v[on->n++] = e->was[i].identity;
}

/* Appends e's likes and its responses, under any of its names: every thread, oldest first. */
static void
append_responses(const struct index *ix, const struct snapshot *s, const struct entry *e,
    struct buf *b)
{
	struct gb_names	 on;
	struct gb_item	*v;
	size_t		 n, roots;

	if (ix->guestbook == NULL)
		return;
	names_of(s, e, &on);
	if (guestbook_threads(ix->guestbook, &on, 0, SIZE_MAX, 0, &v, &n, &roots) == -1)
		b->failed = 1;
	else
		gemlog_responses(v, n, guestbook_likes(ix->guestbook, &on), e, b);
	free(v);
}

/* A review's page to make: the review e of the snapshot s of ix. */
struct review_of {
	const struct index	*ix;
	const struct snapshot	*s;
	const struct entry	*e;
};

/* Appends what ends both of a review's pages: its footer, likes and responses; -1 when it failed. */
static int
review_end(const struct review_of *of, struct buf *b)
{
	struct neighbours	nb;

	gemlog_neighbours(of->s->listed, of->s->nlisted, of->e, &nb);
	gemlog_footer(of->e, &nb, b);
	append_responses(of->ix, of->s, of->e, b);
	return b->failed ? -1 : 0;
}

/*
 * The review file itself, then its footer: what /reviews/FILE sends, made
 * into b. 0, or -1 when the file is gone since the last rebuild (or has
 * grown past what the index reads) or out of memory.
 */
static int
review_page(void *arg, struct buf *b)
{
	const struct review_of	*of = arg;
	const struct entry	*e = of->e;
	struct buf		 path = { 0 };
	const char		*why;
	char			*text;
	size_t			 len;

	buf_puts(&path, REVIEWS_DIR "/");
	buf_puts(&path, e->path);
	if (path.failed || read_file(of->ix, path.data, REVIEW_FILE_MAX, &text, &len, &why) == -1) {
		buf_free(&path);
		return -1;
	}
	buf_free(&path);
	b->data = text;
	b->len = len;
	b->cap = len + 1;
	return review_end(of, b);
}

/*
 * /reviews/SLUG/ is a review's menu: its title, a link to read it, its
 * director and tags, and its responses. Gopher readers browse it as a menu.
 */
static int
review_menu(void *arg, struct buf *b)
{
	const struct review_of	*of = arg;

	buf_printf(b, "# %s\n\n=> /reviews/", of->e->title);
	buf_put_path(b, of->e->file);
	buf_puts(b, " Read the review\n");
	return review_end(of, b);
}

/*
 * The page key of s's cache into resp's body, made by make(arg, b) when it
 * is not kept at the guestbook's generation now: once per snapshot and per
 * change to the guestbook, whoever asks, over either protocol. The
 * generation is read before the page is made, so a page kept under it
 * shows at least what the guestbook held then. 1; 0 when make has no such
 * page (it returned -1); -1 when out of memory.
 */
static int
kept_page(const struct index *ix, const struct snapshot *s, const char *key,
    int (*make)(void *arg, struct buf *b), void *arg, struct response *resp)
{
	unsigned long long	 generation = guestbook_generation(ix->guestbook);
	struct cached_page	*p;
	struct buf		 b = { 0 };

	if ((p = pagecache_get(s->cache, key, generation)) == NULL) {
		if (make(arg, &b) == -1) {
			buf_free(&b);
			return 0;
		}
		if ((p = pagecache_put(s->cache, key, generation, &b,
		    gemtext_gopher_bound(b.data, b.len, strlen(ix->hostname)))) == NULL)
			return -1;
	}
	cached_page_serve(p, resp);
	return 1;
}

/*
 * Answers with the page of e that make renders (review_page, review_menu),
 * kept under its path, /reviews/NAME then tail (kept_page). 0 when there is
 * none (the files answer).
 */
static int
serve_cached(const struct index *ix, const struct snapshot *s, const struct entry *e,
    const char *name, const char *tail, int (*make)(void *, struct buf *), const char *lang,
    struct response *resp)
{
	struct review_of	of = { ix, s, e };
	struct buf		key = { 0 };
	int			served;

	buf_puts(&key, "/reviews/");
	buf_puts(&key, name);
	buf_puts(&key, tail);
	served = !key.failed && kept_page(ix, s, key.data, make, &of, resp) == 1;
	if (served)
		response_gemtext(resp, lang);
	buf_free(&key);
	return served;
}

int
index_kept(struct index *ix, const char *key, int (*make)(void *arg, struct buf *b),
    void *arg, struct response *resp)
{
	struct snapshot	*s;
	int		 rc;

	if ((s = snapshot_acquire(ix)) == NULL)
		return -1;
	rc = kept_page(ix, s, key, make, arg, resp);
	snapshot_release(s);
	return rc;
}

/* The review whose file is stem with .gmi or .txt, drafts too; NULL for none. */
static struct entry *
find_stem(const struct snapshot *s, const char *stem, size_t n)
{
	static const char *const exts[] = { ".gmi", ".txt" };
	struct entry	**e = NULL;
	struct buf	  name = { 0 };
	size_t		  i;

	for (i = 0; i < 2 && e == NULL && s->nreviews > 0; i++) {
		name.len = 0;
		buf_printf(&name, "%.*s%s", (int)n, stem, exts[i]);
		if (!name.failed)
			e = bsearch(name.data, s->reviews, s->nreviews,
			    sizeof(*s->reviews), review_cmp);
	}
	buf_free(&name);
	return e != NULL ? *e : NULL;
}

/*
 * The one place that says which review a name means, for URLs and for
 * the guestbook's records alike: the review whose stem it is, else the one
 * whose identity or Was: slug is the name without its date (an old date,
 * an old slug). NULL when none is published.
 */
static struct entry *
find_review(const struct snapshot *s, const char *stem, size_t n)
{
	struct entry	*e = find_stem(s, stem, n);
	char		 copy[REVIEW_NAME_MAX + 1];

	if (e == NULL && n < sizeof(copy)) {
		memcpy(copy, stem, n);
		copy[n] = '\0';
		e = alias_find(s, review_identity(copy));
	}
	return e != NULL && published(e, event_calendar_now()) ? e : NULL;
}

int
index_review(struct index *ix, const char *name, struct index_found *out)
{
	struct snapshot	*s;
	struct entry	*e;
	struct gb_names	 on;
	size_t		 i;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((s = snapshot_acquire(ix)) == NULL)
		return -1;
	if ((e = find_review(s, name, strlen(name))) != NULL) {
		/* Fit: each is at most what out's fields are sized for (REVIEW_*_MAX). */
		(void)!snprintf(out->slug, sizeof(out->slug), "%s", e->slug);
		(void)!snprintf(out->file, sizeof(out->file), "%s", e->file);
		(void)!snprintf(out->title, sizeof(out->title), "%s", e->title);
		out->moved = strcmp(name, e->slug) != 0;
		names_of(s, e, &on);
		for (i = 0; i < on.n; i++)
			(void)!snprintf(out->names[i], sizeof(out->names[i]), "%s", on.v[i]);
		out->nnames = on.n;
		rc = 0;
	}
	snapshot_release(s);
	return rc;
}

void
index_found_names(const struct index_found *f, struct gb_names *on)
{
	size_t	i;

	for (i = 0; i < f->nnames; i++)
		on->v[i] = f->names[i];
	on->n = f->nnames;
}

int
index_found_owns(const struct index_found *f, const char *stored)
{
	const char	*identity = review_identity(stored);
	size_t		 i;

	for (i = 0; i < f->nnames; i++)
		if (strcmp(f->names[i], identity) == 0)
			return 1;
	return 0;
}

void
index_moved(const char *path, const char *asked, const char *name, struct response *resp)
{
	static const char	 prefix[] = "/reviews/";
	struct buf		 to = { 0 };

	buf_puts(&to, prefix);
	buf_put_path(&to, name);
	/*
	 * The path is /reviews/ASKED and the rest of the URL: the rest stays,
	 * encoded again, as it was decoded (a CR or LF in it must not end the
	 * header line).
	 */
	buf_put_path(&to, path + strlen(prefix) + strlen(asked));
	if (to.failed)
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
	else
		response_set(resp, STATUS_REDIRECT, "%s", to.data);
	buf_free(&to);
}

int
index_page(struct index *ix, const char *path, const char *lang, struct response *resp)
{
	struct snapshot	*s;
	struct page	*pg;

	if ((s = snapshot_acquire(ix)) == NULL)
		return 0;
	if ((pg = gemlog_find(s->pages, s->npages, path)) == NULL) {
		snapshot_release(s);
		return 0;
	}
	if (pg->type == NULL)
		response_gemtext(resp, lang);
	else
		response_set(resp, STATUS_SUCCESS, "%s", pg->type);
	resp->body = pg->body;
	resp->body_len = pg->len;
	resp->body_release = snapshot_release;
	resp->body_owner = s;
	resp->rendition = &pg->gopher;
	return 1;
}

/*
 * The stem a /reviews/NAME URL names when NAME is no review's file: NAME
 * without .gmi or .txt, or as it is when it has no extension (an old link,
 * /reviews/heat); other files are not reviews. Its length, or 0.
 */
static size_t
stem_of(const char *name)
{
	size_t		 n = strlen(name);
	const char	*dot = strrchr(name, '.');

	if (dot == NULL)
		return n;
	if (strcmp(dot, ".gmi") == 0 || strcmp(dot, ".txt") == 0)
		return (size_t)(dot - name);
	return 0;
}

int
index_review_file(struct index *ix, const char *path, const char *name, const char *lang,
    int owner, struct response *resp)
{
	struct snapshot	 *s;
	struct entry	**e = NULL, *now;
	size_t		  n;
	int		  served = 0;

	if ((s = snapshot_acquire(ix)) == NULL)
		return 0;
	if (s->nreviews > 0)
		e = bsearch(name, s->reviews, s->nreviews, sizeof(*s->reviews), review_cmp);
	if (e != NULL && (owner || published(*e, event_calendar_now())))
		served = serve_cached(ix, s, *e, (*e)->file, "", review_page, lang, resp);
	else if (e != NULL) {
		/* Not the file under the root either: a draft stays unread until it is published. */
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		served = 1;
	} else if ((n = stem_of(name)) > 0 && (now = find_review(s, name, n)) != NULL) {
		index_moved(path, name, now->file, resp);
		served = 1;
	}
	snapshot_release(s);
	return served;
}

int
index_review_menu(struct index *ix, const char *path, const char *slug, const char *lang,
    struct response *resp)
{
	struct snapshot	*s;
	struct entry	*e;
	int		 served = 0;

	if ((s = snapshot_acquire(ix)) == NULL)
		return 0;
	if ((e = find_review(s, slug, strlen(slug))) != NULL && strcmp(e->slug, slug) == 0)
		served = serve_cached(ix, s, e, e->slug, "/", review_menu, lang, resp);
	else if (e != NULL) {
		index_moved(path, slug, e->slug, resp);
		served = 1;
	}
	snapshot_release(s);
	return served;
}


int
index_review_in_folder(struct index *ix, const char *relpath, int owner,
    struct response *resp)
{
	struct snapshot	 *s;
	struct entry	**e = NULL;
	int		  served = 0;

	if ((s = snapshot_acquire(ix)) == NULL)
		return 0;
	if (s->nreviews > 0)
		e = bsearch(base_name(relpath), s->reviews, s->nreviews, sizeof(*s->reviews),
		    review_cmp);
	if (e != NULL && strcmp((*e)->path, relpath) == 0) {
		if (owner || published(*e, event_calendar_now()))
			index_moved("/reviews/", "", (*e)->file, resp);
		else
			response_set(resp, STATUS_NOT_FOUND, "No such page");
		served = 1;
	}
	snapshot_release(s);
	return served;
}

int
index_search(struct index *ix, const struct request *req, const char *lang,
    struct response *resp)
{
	struct snapshot	*s;

	if ((s = snapshot_acquire(ix)) == NULL)
		return 0;
	search_answer(s->search, req, ix->root_fd, REVIEWS_DIR, lang, resp);
	snapshot_release(s);
	return 1;
}

static int
watch_reviews(const struct index *ix, int ino)
{
	char	path[sizeof(ix->root) + sizeof(REVIEWS_DIR) + 1];

	snprintf(path, sizeof(path), "%s/%s", ix->root, REVIEWS_DIR);
	return inotify_add_watch(ino, path, WATCH_MASK | IN_DELETE_SELF | IN_MOVE_SELF);
}

/* Notes that reviews/NAME changed; too many names mean a rescan. */
static void
note_change(struct changes *ch, const char *name)
{
	if (ch->n == CHANGED_MAX) {
		ch->rescan = 1;
		return;
	}
	snprintf(ch->names[ch->n++], sizeof(ch->names[0]), "%s", name);
}

/* The subfolder of reviews/ watched as wd; NULL for none. */
static const struct folder *
folder_of(const struct index *ix, int wd)
{
	size_t	i;

	for (i = 0; i < ix->nfolders; i++)
		if (ix->folders[i].wd == wd)
			return &ix->folders[i];
	return NULL;
}

/*
 * What one event in reviews/ (dir "") or a subfolder of it means: a file
 * to look at again, or, for a folder that appears, goes or is replaced, a
 * rescan, which watches the folders there are then.
 */
static void
note_event(struct index *ix, const struct inotify_event *ev, const char *dir)
{
	char	path[REVIEW_PATH_MAX + 1];

	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_ISDIR))
		ix->changes.rescan = 1;
	else if (ev->len > 0 && (size_t)snprintf(path, sizeof(path), "%s%s%s", dir,
	    dir[0] != '\0' ? "/" : "", ev->name) < sizeof(path))
		note_change(&ix->changes, path);
}

/*
 * Reads a batch of events into the changes. A reviews/ directory that
 * appears, goes or is replaced means a rescan (and a new watch); other
 * events on the root (the introduction, robots.txt) only need the pages
 * made again.
 */
static void
drain_events(struct index *ix, int ino)
{
	char				 buf[INOTIFY_BUF]
					     __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	const struct folder		*f;
	ssize_t				 n;
	char				*p;

	while ((n = read(ino, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				ix->changes.rescan = 1;
			else if (ev->wd == ix->reviews_wd && ix->reviews_wd != -1) {
				if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
					ix->reviews_wd = -1;
				note_event(ix, ev, "");
			} else if ((f = folder_of(ix, ev->wd)) != NULL)
				note_event(ix, ev, f->path);
			else if (ev->len > 0 && strcmp(ev->name, REVIEWS_DIR) == 0) {
				ix->reviews_wd = watch_reviews(ix, ino);
				ix->changes.rescan = 1;
			}
		}
	}
}

static void
rebuild_now(struct index *ix)
{
	const char	*reason;

	if (index_rebuild(ix, &ix->changes, &reason) == -1)
		log_error("index: %s: %s; still serving the previous index",
		    ix->hostname, reason);
	ix->changes.rescan = 0;
	ix->changes.n = 0;
}

/* When the next scheduled review is due; 0 for none. */
static long long
next_due(struct index *ix)
{
	long long	t;

	pthread_mutex_lock(&ix->snapshot_lock);
	t = ix->current != NULL ? ix->current->next_due : 0;
	pthread_mutex_unlock(&ix->snapshot_lock);
	return t;
}

static int
scheduled_due(struct index *ix)
{
	long long	t = next_due(ix);

	return t != 0 && event_calendar_now() >= t;
}

/*
 * How long the watcher may sleep, in ms: until a change has settled (due,
 * on the monotonic clock), and at most until the next scheduled review,
 * looked at again every SCHEDULE_CHECK_S in case the calendar jumps.
 */
static int
watch_timeout(struct index *ix, uint64_t due)
{
	long long	t = next_due(ix), wait;
	uint64_t	now = event_now_us() / 1000;
	int		timeout = -1;

	if (due != 0)
		timeout = due > now ? (int)(due - now) : 0;
	if (t != 0) {
		wait = t - event_calendar_now();
		wait = wait < 0 ? 0 : wait > SCHEDULE_CHECK_S ? SCHEDULE_CHECK_S : wait;
		if (timeout == -1 || wait * 1000 < timeout)
			timeout = (int)(wait * 1000);
	}
	return timeout;
}

void
index_submit(struct index *ix, struct index_job *job)
{
	uint64_t	one = 1;

	job->next = NULL;
	pthread_mutex_lock(&ix->jobs_lock);
	*ix->jobs_tail = job;
	ix->jobs_tail = &job->next;
	pthread_mutex_unlock(&ix->jobs_lock);
	(void)!write(ix->jobs_fd, &one, sizeof(one));
}

/* Runs the jobs submitted so far, each followed by the rebuild it asks for. */
static void
run_jobs(struct index *ix)
{
	struct index_job	*job, *next;
	const char		*changed;
	uint64_t		 n;

	(void)!read(ix->jobs_fd, &n, sizeof(n));
	pthread_mutex_lock(&ix->jobs_lock);
	job = ix->jobs;
	ix->jobs = NULL;
	ix->jobs_tail = &ix->jobs;
	pthread_mutex_unlock(&ix->jobs_lock);
	for (; job != NULL; job = next) {
		next = job->next;
		if ((changed = job->run(job)) != NULL) {
			note_change(&ix->changes, changed);
			rebuild_now(ix);
		}
		job->done(job);
	}
}

/* The watcher thread; the inotify descriptor is in ix->ino. */
static void *
watch_run(void *arg)
{
	struct index	*ix = arg;
	struct pollfd	 fds[4];
	uint64_t	 due = 0, kicks;

	fds[0] = (struct pollfd){ .fd = ix->ino, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = ix->stop_fd, .events = POLLIN };
	fds[2] = (struct pollfd){ .fd = ix->kick_fd, .events = POLLIN };
	fds[3] = (struct pollfd){ .fd = ix->jobs_fd, .events = POLLIN };
	for (;;) {
		if (poll(fds, 4, watch_timeout(ix, due)) == -1 && errno != EINTR) {
			log_error("index: poll: %s", strerror(errno));
			break;
		}
		if (fds[3].revents & POLLIN)
			run_jobs(ix);
		if (fds[1].revents & POLLIN)
			break;
		if (fds[0].revents & POLLIN) {
			drain_events(ix, ix->ino);
			due = event_now_us() / 1000 + SETTLE_MS;
		}
		if ((fds[2].revents & POLLIN) || scheduled_due(ix)) {
			(void)!read(ix->kick_fd, &kicks, sizeof(kicks));
			due = event_now_us() / 1000;
		}
		if (due != 0 && event_now_us() / 1000 >= due) {
			due = 0;
			rebuild_now(ix);
		}
	}
	return NULL;
}

struct index *
index_start(int root_fd, const char *root, const struct index_host *host,
    struct guestbook *gb, const char **reason)
{
	struct index	*ix;

	if ((ix = index_new(root_fd, root, host, gb, reason)) == NULL)
		return NULL;
	ix->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ix->ino == -1 || inotify_add_watch(ix->ino, root, WATCH_MASK) == -1) {
		*reason = reasonf("%s: inotify: %s", root, strerror(errno));
		goto fail;
	}
	/* Absent for now is fine: the root's watch sees it appear. */
	ix->reviews_wd = watch_reviews(ix, ix->ino);
	if (index_rebuild(ix, NULL, reason) == -1)
		goto fail;
	/* What -n would say across files, said once at start too. */
	(void)catalogue_lint(&ix->catalogue);
	if ((ix->stop_fd = eventfd(0, EFD_CLOEXEC)) == -1 ||
	    (ix->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    (ix->jobs_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		*reason = reasonf("eventfd: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&ix->watcher, NULL, watch_run, ix) != 0) {
		*reason = "cannot start the index thread";
		goto fail;
	}
	ix->watching = 1;
	return ix;
fail:
	index_stop(ix);
	return NULL;
}

void
index_stop(struct index *ix)
{
	uint64_t	one = 1;

	if (ix == NULL)
		return;
	if (ix->watching) {
		(void)!write(ix->stop_fd, &one, sizeof(one));
		pthread_join(ix->watcher, NULL);
		/* What was submitted while it stopped: the watcher's work is ours now. */
		run_jobs(ix);
	}
	if (ix->jobs_fd != -1)
		close(ix->jobs_fd);
	if (ix->stop_fd != -1)
		close(ix->stop_fd);
	if (ix->kick_fd != -1)
		close(ix->kick_fd);
	if (ix->ino != -1)
		close(ix->ino);
	index_free(ix);
}
