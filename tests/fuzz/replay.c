/*
 * Runs one fuzz target over saved inputs without libFuzzer, so that the
 * corpus and past crashes are replayed by any compiler (with or without
 * sanitizers). Compile it together with one tests/fuzz/fuzz_*.c file:
 *
 *	cc -Isrc -o replay tests/fuzz/replay.c tests/fuzz/fuzz_gemtext.c src/...
 *	./replay tests/fuzz/corpus/fuzz_gemtext tests/fuzz/crashes/fuzz_gemtext
 *
 * Each argument is a file or a directory whose files (not subdirectories,
 * not names starting with '.') are inputs, replayed in name order. Prints
 * "N inputs replayed"; exits 1 when an argument cannot be read. A broken
 * invariant or a sanitizer report ends the process as it would the fuzzer.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static unsigned long	 replayed;

/* Reads path into an exact-size heap buffer, so ASan sees reads past its end. */
static int
replay_file(const char *path)
{
	struct stat	 st;
	uint8_t		*data;
	size_t		 size, got = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	/* Never NULL, even for an empty input, as under libFuzzer. */
	if ((data = malloc(size > 0 ? size : 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		close(fd);
		return -1;
	}
	while (got < size) {
		if ((n = read(fd, data + got, size - got)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "replay: %s: %s\n", path,
			    n == 0 ? "file shrank" : strerror(errno));
			free(data);
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	replayed++;
	return 0;
}

static int
replay_dir(const char *dir)
{
	struct dirent	**names;
	struct stat	  st;
	char		 *path;
	size_t		  len;
	int		  i, n, rc = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] == '.')
			goto next;
		len = strlen(dir) + 1 + strlen(names[i]->d_name) + 1;
		if ((path = malloc(len)) == NULL) {
			rc = -1;
			goto next;
		}
		snprintf(path, len, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path) == -1)
			rc = -1;
		free(path);
next:
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat	st;
	int		i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i]) == -1)
				rc = 1;
		} else if (replay_file(argv[i]) == -1)
			rc = 1;
	}
	printf("%lu inputs replayed\n", replayed);
	return rc;
}
