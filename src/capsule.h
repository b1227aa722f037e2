#ifndef MARQUEE_CAPSULE_H
#define MARQUEE_CAPSULE_H

struct response;

/*
 * Static files under the capsule root. Files are opened relative to a
 * directory descriptor taken at start, and the kernel refuses any resolution
 * that leaves it (openat2 RESOLVE_BENEATH), so neither "..", nor symlinks
 * pointing outside, nor absolute links can reach beyond the root.
 */

/* Loads the MIME database, shared by every capsule; call before dropping privileges. */
int	 capsule_init(const char **reason);
void	 capsule_free(void);

/*
 * Opens a capsule's root directory; returns the descriptor that stands for
 * the capsule from then on (the caller closes it), or -1 with *reason.
 */
int	 capsule_open_root(const char *root, const char **reason);

/*
 * Opens relpath (no leading slash) under the root for reading, with the same
 * confinement as requests get. Returns the descriptor (the caller closes it)
 * or -1 with errno set.
 */
int	 capsule_open(int root_fd, const char *relpath);

/*
 * Why capsule_open failed, for a log line: strerror(err), except that a
 * symlink leading out of the root (which the kernel reports as EXDEV,
 * "Invalid cross-device link") is called what it is.
 */
const char	*capsule_error(int err);

/*
 * Answers a normalised path (starting with '/') with the file, the index.gmi
 * of a directory, a redirect to the slash form of a directory, or 51.
 */
void	 capsule_serve(int root_fd, const char *path, const char *lang,
	    struct response *resp);

#endif
