/*
 * Static files under a host's root, opened beneath its directory descriptor
 * so nothing outside it is ever reached, with their MIME types (libmagic
 * when the extension says nothing). Which paths reach them is router.c's.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <magic.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "log.h"
#include "vocab.h"

/* Remembered MIME types; a direct-mapped cache, so a collision just evicts. */
#define MIME_CACHE_SLOTS	1024
/* Longest MIME type kept (RFC 6838 section 4.2: 127 + "/" + 127). */
#define MIME_MAX		255

struct mime_slot {
	dev_t		dev;
	ino_t		ino;
	struct timespec	mtime;
	off_t		size;
	char		type[MIME_MAX + 1];
};

static int		 open_beneath(int dirfd, const char *name);
static magic_t		 magic;
static pthread_mutex_t	 magic_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mime_slot	 mime_cache[MIME_CACHE_SLOTS];

static const struct {
	const char	*suffix;
	const char	*type;
} mime_by_suffix[] = {
	{ ".gmi",	"text/gemini" },
	{ ".gemini",	"text/gemini" },
	{ "atom.xml",	"application/atom+xml" },
	{ ".atom",	"application/atom+xml" },
	{ ".txt",	"text/plain" },
	{ ".md",	"text/markdown" },
	{ ".html",	"text/html" },
	{ ".htm",	"text/html" },
	{ ".css",	"text/css" },
	{ ".csv",	"text/csv" },
	{ ".xml",	"application/xml" },
	{ ".json",	"application/json" },
	{ ".js",	"text/javascript" },
	{ ".png",	"image/png" },
	{ ".jpg",	"image/jpeg" },
	{ ".jpeg",	"image/jpeg" },
	{ ".gif",	"image/gif" },
	{ ".webp",	"image/webp" },
	{ ".svg",	"image/svg+xml" },
	{ ".ico",	"image/vnd.microsoft.icon" },
	{ ".mp3",	"audio/mpeg" },
	{ ".ogg",	"audio/ogg" },
	{ ".opus",	"audio/ogg" },
	{ ".flac",	"audio/flac" },
	{ ".wav",	"audio/wav" },
	{ ".mp4",	"video/mp4" },
	{ ".webm",	"video/webm" },
	{ ".pdf",	"application/pdf" },
	{ ".epub",	"application/epub+zip" },
	{ ".zip",	"application/zip" },
	{ ".gz",	"application/gzip" },
	{ ".tar",	"application/x-tar" },
	{ ".bin",	"application/octet-stream" },
};

int
capsule_init(const char **reason)
{
	if ((magic = magic_open(MAGIC_MIME_TYPE | MAGIC_SYMLINK | MAGIC_ERROR)) == NULL) {
		*reason = "libmagic: out of memory";
		return -1;
	}
	if (magic_load(magic, NULL) == -1) {
		*reason = reasonf("libmagic: %s", magic_error(magic));
		capsule_free();
		return -1;
	}
	return 0;
}

void
capsule_free(void)
{
	if (magic != NULL)
		magic_close(magic);
	magic = NULL;
}

int
capsule_open_root(const char *root, const char **reason)
{
	struct stat	st;
	int		fd;

	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*reason = reasonf("%s: %s", root, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode)) {
		*reason = reasonf("%s: not a directory", root);
		close(fd);
		return -1;
	}
	return fd;
}

int
capsule_open(int root_fd, const char *relpath)
{
	return open_beneath(root_fd, relpath);
}

const char *
capsule_error(int err)
{
	/* RESOLVE_BENEATH fails with EXDEV; requests are normalised, so only a symlink leaves. */
	return err == EXDEV ? "symlink outside the root refused" : strerror(err);
}

/* openat2 confined to the directory dirfd; returns the descriptor or -1 with errno. */
static int
open_beneath(int dirfd, const char *name)
{
	struct open_how	how = {
		/* O_NONBLOCK: opening a FIFO must not stall the event loop. */
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/*
 * A component starting with a dot is private to the author (".git",
 * ".draft.gmi"); only "/.well-known/" is public (RFC 8615).
 */
static int
is_hidden(const char *path)
{
	static const char	well_known[] = "/.well-known";
	size_t			n = sizeof(well_known) - 1;

	if (strncmp(path, well_known, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		path += n;
	return strstr(path, "/.") != NULL;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *
type_by_name(const char *path)
{
	size_t	i;

	for (i = 0; i < sizeof(mime_by_suffix) / sizeof(mime_by_suffix[0]); i++)
		if (has_suffix(path, mime_by_suffix[i].suffix))
			return mime_by_suffix[i].type;
	return NULL;
}

static struct mime_slot *
cache_slot(const struct stat *st)
{
	uint64_t	h = ((uint64_t)st->st_dev * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)st->st_ino;

	h ^= h >> 29;
	return &mime_cache[(h * 0xbf58476d1ce4e5b9ULL >> 32) % MIME_CACHE_SLOTS];
}

static int
slot_matches(const struct mime_slot *slot, const struct stat *st)
{
	return slot->type[0] != '\0' && slot->dev == st->st_dev &&
	    slot->ino == st->st_ino && slot->size == st->st_size &&
	    slot->mtime.tv_sec == st->st_mtim.tv_sec &&
	    slot->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/*
 * Content sniffing reads the file, so its answer is remembered per file
 * version (device, inode, size, mtime) and asked once, not per request.
 */
static void
type_by_content(int fd, const struct stat *st, char *out, size_t outsize)
{
	struct mime_slot	*slot;
	const char		*type;

	pthread_mutex_lock(&magic_lock);
	slot = cache_slot(st);
	if (!slot_matches(slot, st)) {
		type = magic_descriptor(magic, fd);
		if (type == NULL || strchr(type, '/') == NULL)
			type = "application/octet-stream";
		slot->dev = st->st_dev;
		slot->ino = st->st_ino;
		slot->size = st->st_size;
		slot->mtime = st->st_mtim;
		if ((size_t)snprintf(slot->type, sizeof(slot->type), "%s", type) >= sizeof(slot->type))
			snprintf(slot->type, sizeof(slot->type), "application/octet-stream");
		/* libmagic reads through fd; the body must start at offset 0. */
		(void)lseek(fd, 0, SEEK_SET);
	}
	snprintf(out, outsize, "%s", slot->type);
	pthread_mutex_unlock(&magic_lock);
}

static void
serve_file(int fd, const struct stat *st, const char *name, const char *lang,
    struct response *resp)
{
	char		 sniffed[MIME_MAX + 1];
	const char	*type;

	if ((type = type_by_name(name)) == NULL) {
		type_by_content(fd, st, sniffed, sizeof(sniffed));
		type = sniffed;
	}
	if (strcmp(type, "text/gemini") == 0)
		response_gemtext(resp, lang);
	else if (strncmp(type, "text/", 5) == 0)
		response_set(resp, STATUS_SUCCESS, "%s; charset=utf-8", type);
	else
		response_set(resp, STATUS_SUCCESS, "%s", type);
	resp->fd = fd;
	resp->size = st->st_size;
}

static void
redirect_to_slash(const char *path, struct response *resp)
{
	struct buf	url = { 0 };

	buf_put_path(&url, path);
	buf_puts(&url, "/");
	if (url.failed || url.len > META_MAX)
		response_set(resp, STATUS_NOT_FOUND, "Not found");
	else
		response_set(resp, STATUS_REDIRECT, "%s", url.data);
	buf_free(&url);
}

static void
serve_directory(int dirfd, const char *path, const char *lang,
    struct response *resp)
{
	struct stat	st;
	int		fd;

	if (path[strlen(path) - 1] != '/') {
		redirect_to_slash(path, resp);
		return;
	}
	if ((fd = open_beneath(dirfd, "index.gmi")) == -1) {
		if (errno == EXDEV)
			log_warn("%sindex.gmi: %s", path, capsule_error(errno));
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	serve_file(fd, &st, "index.gmi", lang, resp);
}

void
capsule_serve(int root_fd, const char *path, const char *lang, struct response *resp)
{
	struct stat	 st;
	const char	*name = path[1] == '\0' ? "." : path + 1;
	int		 fd;

	if (is_hidden(path)) {
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	if ((fd = open_beneath(root_fd, name)) == -1) {
		/* A missing file is not news; a link out of the root is the author's to fix. */
		if (errno == EXDEV)
			log_warn("%s: %s", path, capsule_error(errno));
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s: fstat: %s", path, strerror(errno));
		close(fd);
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		serve_directory(fd, path, lang, resp);
		close(fd);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		response_set(resp, STATUS_NOT_FOUND, "Not found");
		return;
	}
	serve_file(fd, &st, path, lang, resp);
}
