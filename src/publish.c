/*
 * Writing the capsule for its author (publish.h): a review checked, then
 * replaced whole; a file moved to the trash and back. Who may ask, and
 * where, is the caller's to decide (titan.c, trash.c); this file only
 * makes sure that what it is asked lands whole, beneath the root, and
 * through no symlink.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "publish.h"
#include "review.h"
#include "utf8.h"

/* Copies at a time when a move must copy (another file system, or Landlock ABI 1). */
#define COPY_CHUNK	(64 * 1024)
/* Deletions of one path within a second that the trash tells apart by a suffix. */
#define TRASH_SAME_SECOND	100

/* The line of the first byte that is not UTF-8 or is NUL, from 1. */
static unsigned
bad_line(const char *body, size_t len)
{
	const char	*p = body, *end = body + len, *nl;
	unsigned	 line = 1;

	for (; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL || !utf8_valid(p, (size_t)(nl - p)))
			return line;
	}
	return 1;
}

/* The line of r's first problem of kind bit. */
static unsigned
problem_line(const struct review *r, unsigned bit)
{
	size_t	i;

	for (i = 0; i < r->nproblems && i < REVIEW_PROBLEMS_MAX; i++)
		if (r->problems[i].what == bit)
			return r->problems[i].line;
	return 1;
}

int
publish_check(const char *path, const char *body, size_t len, struct review *scratch,
    char why[PUBLISH_REASON_MAX])
{
	const char	*reason;
	unsigned	 bit;

	if (review_parse(body, len, scratch, &reason) == -1) {
		snprintf(why, PUBLISH_REASON_MAX, "%s:%u: %s", path,
		    len > REVIEW_FILE_MAX ? 1 : bad_line(body, len), reason);
		return -1;
	}
	bit = (scratch->warnings & REVIEW_WARN_NO_TITLE) ? REVIEW_WARN_NO_TITLE :
	    (scratch->warnings & REVIEW_WARN_BAD_DATE) ? REVIEW_WARN_BAD_DATE : 0;
	if (bit == 0)
		return 0;
	snprintf(why, PUBLISH_REASON_MAX, "%s:%u: %s", path, problem_line(scratch, bit),
	    bit == REVIEW_WARN_NO_TITLE ? "no '# ' title line" :
	    "Date: is not a real date (YYYY-MM-DD, then optionally THH:MM[:SS] and Z or +HH:MM)");
	return -1;
}

/*
 * Looks in dir_fd, the folder below names under reviews/ (depth folders
 * down), and in its folders as the index walks them (not hidden, not
 * symlinks, REVIEW_DEPTH_MAX deep), for a review file other than the one
 * at path mine whose slug is slug; writes its path into other.
 */
static int
slug_in(int dir_fd, const char *below, int depth, const char *mine, const char *slug,
    char *other, size_t size)
{
	struct review_name	 theirs;
	char			 path[REVIEW_PATH_MAX + 2];
	const char		*reason;
	struct dirent		*d;
	struct stat		 st;
	DIR			*dir;
	int			 fd, sub, n, taken = 0;

	if ((fd = dup(dir_fd)) == -1)
		return 0;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;	/* no listing: nothing found to clash */
	}
	while (!taken && (d = readdir(dir)) != NULL) {
		/* The path as a folder's, "below/NAME/"; a file's without the slash. */
		if (d->d_name[0] == '.' ||
		    fstatat(dir_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    (n = snprintf(path, sizeof(path), "%s%s/", below, d->d_name)) < 0 ||
		    (size_t)n >= sizeof(path))
			continue;
		if (S_ISDIR(st.st_mode) && depth < REVIEW_DEPTH_MAX) {
			sub = openat(dir_fd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
			taken = sub != -1 && slug_in(sub, path, depth + 1, mine, slug, other, size);
			if (sub != -1)
				close(sub);
			continue;
		}
		path[n - 1] = '\0';
		if (S_ISREG(st.st_mode) && strcmp(path, mine) != 0 &&
		    review_name_parse(d->d_name, &theirs, &reason) == 0 &&
		    strcmp(theirs.slug, slug) == 0) {
			snprintf(other, size, "%s", path);
			taken = 1;
		}
	}
	closedir(dir);
	return taken;
}

int
publish_slug_taken(int dir_fd, const char *name, char *other, size_t size)
{
	struct review_name	 mine;
	const char		*reason;

	/* A name the index ignores has no slug to clash. */
	return review_name_parse(name, &mine, &reason) == 0 &&
	    slug_in(dir_fd, "", 0, name, mine.slug, other, size);
}

int
publish_open_dir(int root_fd, const char *dir, enum publish_result *result,
    const char **reason)
{
	struct open_how	how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int		fd;

	if ((fd = (int)syscall(SYS_openat2, root_fd, dir, &how, sizeof(how))) != -1)
		return fd;
	*result = PUBLISH_REFUSED;
	if (errno == ENOENT)
		*reason = reasonf("there is no directory %s", dir);
	else if (errno == ELOOP || errno == EXDEV)
		*reason = reasonf("%s passes through a symbolic link", dir);
	else if (errno == ENOTDIR)
		*reason = reasonf("%s is not a directory", dir);
	else {
		*result = PUBLISH_FAILED;
		*reason = reasonf("%s: %s", dir, strerror(errno));
	}
	return -1;
}

/* What is at dir_fd/name now: nothing (ENOENT) or a regular file is fine. */
static enum publish_result
check_target(int dir_fd, const char *name, int must_exist, const char **reason)
{
	struct stat	st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT) {
			*reason = reasonf("%s: %s", name, strerror(errno));
			return PUBLISH_FAILED;
		}
		if (!must_exist)
			return PUBLISH_DONE;
		*reason = reasonf("there is no %s", name);
		return PUBLISH_MISSING;
	}
	if (S_ISREG(st.st_mode))
		return PUBLISH_DONE;
	*reason = reasonf("%s is %s", name, S_ISLNK(st.st_mode) ? "a symbolic link" :
	    S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
	return PUBLISH_REFUSED;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A hidden name the index and readers never see: ".titan-" and 16 random hex digits. */
static void
temp_name(char out[32])
{
	unsigned long long	r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned long long)time(NULL) ^ (unsigned long long)getpid() << 32;
	snprintf(out, 32, ".titan-%016llx.tmp", r);
}

enum publish_result
publish_write(int dir_fd, const char *name, const char *body, size_t len,
    const char **reason)
{
	enum publish_result	 rc;
	char			 tmp[32];
	int			 fd;

	if ((rc = check_target(dir_fd, name, 0, reason)) != PUBLISH_DONE)
		return rc;
	temp_name(tmp);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		*reason = reasonf("cannot create a file beside %s: %s", name, strerror(errno));
		return PUBLISH_FAILED;
	}
	if (write_all(fd, body, len) == -1 || fsync(fd) == -1) {
		*reason = reasonf("writing %s: %s", name, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	/* rename never follows a symlink at name: one put there meanwhile is replaced. */
	if (renameat(dir_fd, tmp, dir_fd, name) == -1) {
		*reason = errno == EISDIR ? reasonf("%s is a directory", name) :
		    reasonf("renaming over %s: %s", name, strerror(errno));
		rc = errno == EISDIR ? PUBLISH_REFUSED : PUBLISH_FAILED;
		unlinkat(dir_fd, tmp, 0);
		return rc;
	}
	if (fsync(dir_fd) == -1)
		log_warn("%s: syncing its directory: %s", name, strerror(errno));
	return PUBLISH_DONE;
fail:
	close(fd);
	unlinkat(dir_fd, tmp, 0);
	return PUBLISH_FAILED;
}

/* Copies from_fd/from to a new file to_fd/to (made with O_EXCL), synced. */
static int
copy_file(int from_fd, const char *from, int to_fd, const char *to)
{
	char	buf[COPY_CHUNK];
	ssize_t	n;
	int	in, out, saved;

	if ((in = openat(from_fd, from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if ((out = openat(to_fd, to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644)) == -1) {
		saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) == -1)
			break;
	saved = errno;
	if (n != 0 || fsync(out) == -1) {
		saved = n != 0 ? saved : errno;
		close(in);
		close(out);
		unlinkat(to_fd, to, 0);
		errno = saved;
		return -1;
	}
	close(in);
	close(out);
	return 0;
}

/*
 * Moves from_fd/from to to_fd/to, never over anything there (EEXIST).
 * Another file system, or a sandbox that allows no moves between
 * directories (Landlock ABI 1), means a copy and an unlink.
 */
static int
move_file(int from_fd, const char *from, int to_fd, const char *to)
{
	if (syscall(SYS_renameat2, from_fd, from, to_fd, to, RENAME_NOREPLACE) == 0)
		goto synced;
	if (errno != EXDEV)
		return -1;
	if (copy_file(from_fd, from, to_fd, to) == -1)
		return -1;
	if (unlinkat(from_fd, from, 0) == -1) {
		unlinkat(to_fd, to, 0);
		return -1;
	}
synced:
	(void)fsync(to_fd);
	(void)fsync(from_fd);
	return 0;
}

/* path with '%' and '/' percent-encoded, so an entry is one name. */
static int
encode_path(const char *path, char *out, size_t size)
{
	size_t	o = 0;

	for (; *path != '\0'; path++) {
		if (o + 4 > size)
			return -1;
		if (*path == '/' || *path == '%')
			o += (size_t)snprintf(out + o, size - o, "%%%02X", (unsigned char)*path);
		else
			out[o++] = *path;
	}
	out[o] = '\0';
	return 0;
}

enum publish_result
publish_trash(int dir_fd, const char *dir, const char *name, int trash_fd,
    long long now, char entry[TRASH_ENTRY_MAX + 1], const char **reason)
{
	enum publish_result	rc;
	/* The entry: the stamp (16), "-100_" at most, and the encoded path. */
	char			path[2 * 256], enc[TRASH_ENTRY_MAX + 1 - 21], stamp[17];
	time_t			t = (time_t)now;
	struct tm		tm;
	int			i, n;

	if ((rc = check_target(dir_fd, name, 1, reason)) != PUBLISH_DONE)
		return rc;
	if (trash_fd == -1) {
		*reason = "this host has no trash directory (see the log at start)";
		return PUBLISH_FAILED;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, name) >= sizeof(path) ||
	    encode_path(path, enc, sizeof(enc)) == -1 || gmtime_r(&t, &tm) == NULL) {
		*reason = "name too long for the trash";
		return PUBLISH_REFUSED;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 1; i <= TRASH_SAME_SECOND; i++) {
		n = i == 1 ? snprintf(entry, TRASH_ENTRY_MAX + 1, "%s_%s", stamp, enc) :
		    snprintf(entry, TRASH_ENTRY_MAX + 1, "%s-%d_%s", stamp, i, enc);
		if (n < 0 || n > TRASH_ENTRY_MAX) {
			*reason = "name too long for the trash";
			return PUBLISH_REFUSED;
		}
		if (move_file(dir_fd, name, trash_fd, entry) == 0)
			return PUBLISH_DONE;
		if (errno != EEXIST)
			break;
	}
	*reason = reasonf("moving %s to the trash: %s", path, strerror(errno));
	return PUBLISH_FAILED;
}

int
publish_entry_path(const char *entry, char path[TRASH_ENTRY_MAX + 1])
{
	const char	*p = strchr(entry, '_');
	size_t		 o = 0;
	unsigned	 c;

	if (p == NULL || entry[0] == '.' || strchr(entry, '/') != NULL)
		return -1;
	for (p++; *p != '\0' && o < TRASH_ENTRY_MAX; p++) {
		if (*p == '%' && sscanf(p + 1, "%2X", &c) == 1 && (c == '/' || c == '%')) {
			path[o++] = (char)c;
			p += 2;
		} else
			path[o++] = *p;
	}
	path[o] = '\0';
	if (o == 0 || path[0] == '.' || path[0] == '/' || strstr(path, "/.") != NULL)
		return -1;
	return 0;
}

enum publish_result
publish_restore(int root_fd, int trash_fd, const char *entry,
    char path[TRASH_ENTRY_MAX + 1], const char **reason)
{
	enum publish_result	 rc;
	char			 dir[TRASH_ENTRY_MAX + 1], *slash;
	const char		*name;
	int			 dir_fd;

	if (publish_entry_path(entry, path) == -1) {
		*reason = reasonf("%s is not a name the trash gives", entry);
		return PUBLISH_REFUSED;
	}
	if ((rc = check_target(trash_fd, entry, 1, reason)) != PUBLISH_DONE)
		return rc;
	memcpy(dir, path, TRASH_ENTRY_MAX + 1);
	if ((slash = strrchr(dir, '/')) == NULL) {
		name = path;
		snprintf(dir, sizeof(dir), ".");
	} else {
		name = path + (slash - dir) + 1;
		slash[1] = '\0';
	}
	if ((dir_fd = publish_open_dir(root_fd, dir, &rc, reason)) == -1)
		return rc;
	if (move_file(trash_fd, entry, dir_fd, name) == -1) {
		*reason = errno == EEXIST ? reasonf("%s exists: move it away first", path) :
		    reasonf("restoring %s: %s", path, strerror(errno));
		rc = errno == EEXIST ? PUBLISH_REFUSED : PUBLISH_FAILED;
		close(dir_fd);
		return rc;
	}
	close(dir_fd);
	return PUBLISH_DONE;
}
