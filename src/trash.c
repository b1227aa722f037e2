/*
 * marquee trash: the owner's look at, and way back from, what Titan
 * deletions moved out of the capsule (trash.h). Moving the files is
 * publish.c's; this file reads the command line and prints.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsule.h"
#include "config.h"
#include "publish.h"
#include "trash.h"

void
trash_commands(FILE *f)
{
	fputs("list | restore NAME", f);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry, oldest first (their names start with the time of deletion). */
static int
list(int trash_fd)
{
	char		 path[TRASH_ENTRY_MAX + 1], **v = NULL, **grown;
	struct dirent	*d;
	struct stat	 st;
	DIR		*dir;
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((dir = fdopendir(dup(trash_fd))) == NULL) {
		fprintf(stderr, "marquee: trash: %s\n", strerror(errno));
		return 1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if ((grown = realloc(v, (n + 1) * sizeof(*v))) == NULL ||
		    (grown[n] = strdup(d->d_name)) == NULL) {
			v = grown != NULL ? grown : v;
			rc = 1;
			break;
		}
		v = grown;
		n++;
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n; i++) {
		if (publish_entry_path(v[i], path) == -1)
			snprintf(path, sizeof(path), "?");
		if (fstatat(trash_fd, v[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			st.st_size = 0;
		printf("%s %s %lld\n", v[i], path, (long long)st.st_size);
		free(v[i]);
	}
	free(v);
	return rc;
}

static int
restore(const struct host_config *h, int trash_fd, const char *entry)
{
	char		 path[TRASH_ENTRY_MAX + 1];
	const char	*reason;
	int		 root_fd, rc;

	if ((root_fd = capsule_open_root(h->root, &reason)) == -1) {
		fprintf(stderr, "marquee: trash: %s\n", reason);
		return 1;
	}
	rc = publish_restore(root_fd, trash_fd, entry, path, &reason);
	close(root_fd);
	if (rc != PUBLISH_DONE) {
		fprintf(stderr, "marquee: trash: %s\n", reason);
		return 1;
	}
	printf("restored %s\n", path);
	return 0;
}

int
trash_run(const struct host_config *h, int argc, char **argv)
{
	int	trash_fd, rc;

	if (!(argc == 1 && strcmp(argv[0], "list") == 0) &&
	    !(argc == 2 && strcmp(argv[0], "restore") == 0)) {
		fputs("marquee: trash: usage: trash [-h host] ", stderr);
		trash_commands(stderr);
		fputc('\n', stderr);
		return 2;
	}
	if ((trash_fd = open(h->trash, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && argc == 1)
			return 0;	/* nothing was ever deleted */
		fprintf(stderr, "marquee: trash: %s: %s\n", h->trash, strerror(errno));
		return 1;
	}
	rc = argc == 1 ? list(trash_fd) : restore(h, trash_fd, argv[1]);
	close(trash_fd);
	return rc;
}
