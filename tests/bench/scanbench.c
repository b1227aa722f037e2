/*
 * scanbench: the peer of the search benchmark, a search done the naive way.
 * Every review of DIR is read and folded once (case and Latin accents set
 * aside by utf8.c, as marquee folds them); each query then looks for each
 * of its words in every review, in turn (memmem), and counts the reviews
 * holding them all. No ranking, no typo, no page: less work per query than
 * /search does, and still a pass over every review.
 *
 *   scanbench DIR FILE N
 *
 * runs N queries, FILE's in turn (Gemini URLs whose query is the words,
 * as pagebench takes them), and prints "RESULT us_median=... us_p99=...
 * us_mean=... text_kib=... matches=...".
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "request.h"
#include "search.h"
#include "utf8.h"
#include "timing.h"

/* Appends s[0..n) folded: separators as spaces, the rest as utf8_fold makes it. */
static void
fold_text(struct buf *b, const char *s, size_t n)
{
	char		enc[UTF8_SEQ_MAX];
	size_t		i, m;
	unsigned	cp;

	for (i = 0; i < n; i += m) {
		if ((m = utf8_decode((const unsigned char *)s + i, n - i, &cp)) == 0) {
			m = 1;
			cp = ' ';
		}
		if (utf8_is_separator(cp))
			buf_puts(b, " ");
		else
			buf_append(b, enc, utf8_fold(cp, enc));
	}
}

/* Every file of dir, folded, into docs; returns how many. */
static size_t
read_reviews(const char *dir, struct buf **docs, size_t *bytes)
{
	char		 path[4096], chunk[65536];
	struct dirent	*de;
	size_t		 n = 0, cap = 0, got;
	DIR		*d;
	FILE		*f;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (n == cap && (*docs = reallocarray(*docs, cap = cap ? cap * 2 : 1024,
		    sizeof(**docs))) == NULL)
			exit(1);
		memset(&(*docs)[n], 0, sizeof((*docs)[n]));
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fold_text(&(*docs)[n], chunk, got);
		fclose(f);
		*bytes += (*docs)[n].len;
		n++;
	}
	closedir(d);
	return n;
}

/* The folded words of each URL's query, in turn; 0 when the file holds none. */
static size_t
read_queries(const char *file, struct search_query **q)
{
	char		 line[GEMINI_URL_MAX + 3], text[GEMINI_URL_MAX + 1], *mark;
	const char	*reason;
	size_t		 n = 0, cap = 0, len;
	FILE		*f;

	if ((f = fopen(file, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((mark = strchr(line, '?')) == NULL ||
		    percent_decode(mark + 1, strlen(mark + 1), text, sizeof(text), &len, &reason) == -1)
			continue;
		if (n == cap && (*q = reallocarray(*q, cap = cap ? cap * 2 : 256, sizeof(**q))) == NULL)
			exit(1);
		if (search_parse(text, len, &(*q)[n], &reason) == 0)
			n++;
	}
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	struct buf		*docs = NULL;
	struct search_query	*q = NULL;
	size_t			 ndocs, nq, bytes = 0, d, w, matches = 0;
	double			*t, t0, sum = 0;
	long			 i, n;

	if (argc != 4 || (n = atol(argv[3])) < 1 || (t = calloc((size_t)n, sizeof(*t))) == NULL ||
	    (ndocs = read_reviews(argv[1], &docs, &bytes)) == 0 ||
	    (nq = read_queries(argv[2], &q)) == 0) {
		fprintf(stderr, "usage: scanbench DIR FILE N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		const struct search_query	*one = &q[(size_t)i % nq];

		t0 = now_us();
		for (d = 0; d < ndocs; d++) {
			for (w = 0; w < one->n && memmem(docs[d].data, docs[d].len, one->words[w],
			    one->len[w]) != NULL; w++)
				continue;
			matches += w == one->n;
		}
		t[i] = now_us() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("RESULT us_median=%.1f us_p99=%.1f us_mean=%.1f text_kib=%zu matches=%zu\n",
	    t[n / 2], t[n * 99 / 100], sum / (double)n, bytes / 1024, matches);
	return 0;
}
