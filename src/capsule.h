#ifndef MARQUEE_CAPSULE_H
#define MARQUEE_CAPSULE_H

struct response;

/*
 * Static files under the capsule root. Files are opened relative to a
 * directory descriptor taken at start, and the kernel refuses any resolution
 * that leaves it (openat2 RESOLVE_BENEATH), so neither "..", nor symlinks
 * pointing outside, nor absolute links can reach beyond the root.
 */

/* Opens the root directory and the MIME database; call before dropping privileges. */
int	 capsule_init(const char *root, const char **reason);
void	 capsule_free(void);

/*
 * Opens relpath (no leading slash) under the root for reading, with the same
 * confinement as requests get. Returns the descriptor (the caller closes it)
 * or -1 with errno set.
 */
int	 capsule_open(const char *relpath);

/*
 * Answers a normalised path (starting with '/') with the file, the index.gmi
 * of a directory, a redirect to the slash form of a directory, or 51.
 */
void	 capsule_serve(const char *path, const char *lang, struct response *resp);

#endif
