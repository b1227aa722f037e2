/*
 * libFuzzer target: review files (review_parse), their names
 * (review_name_parse) and slugs (slugify). Aborts when a result breaks what
 * review.h promises.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "utf8.h"
#include "review.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_review: %s\n", what);
	abort();
}

/* Every string of a parsed review is NUL-terminated valid UTF-8. */
static void
check_string(const char *s, size_t size, const char *what)
{
	const char	*nul;

	if ((nul = memchr(s, '\0', size)) == NULL ||
	    !utf8_valid(s, (size_t)(nul - s)))
		fail(what);
}

/* A slug: lower-case, no ASCII but letters, digits and single inner '-'. */
static void
check_slug(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		fail("slug empty or with a '-' at either end");
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80 || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (s[i] != '-' || s[i + 1] == '-')
			fail("slug with other ASCII than a-z, 0-9 and single '-'");
	}
	if (!utf8_valid(s, n))
		fail("slug is not UTF-8");
}

static void
check_review(const struct review *r, size_t len)
{
	size_t		 i, j;
	unsigned	 bit;

	check_string(r->title, sizeof(r->title), "title");
	check_string(r->country, sizeof(r->country), "country");
	check_string(r->starring, sizeof(r->starring), "starring");
	if (r->rating < -1 || r->rating > 2 * REVIEW_RATING_MAX)
		fail("a rating out of range kept");
	if (r->nwas > REVIEW_WAS_MAX)
		fail("too many earlier slugs");
	for (i = 0; i < r->nwas; i++) {
		check_string(r->was[i].slug, sizeof(r->was[i].slug), "was");
		if (strpbrk(r->was[i].slug, "/ \t") != NULL || r->was[i].slug[0] == '\0' ||
		    r->was[i].slug[0] == '.')
			fail("an earlier slug that no file could have");
	}
	check_string(r->date, sizeof(r->date), "date");
	if (r->date[0] != '\0' && !date_valid(r->date, strlen(r->date)))
		fail("an invalid date kept");
	if (r->year != 0 && (r->year < REVIEW_YEAR_MIN || r->year > 9999))
		fail("a year out of range kept");
	if (r->ndirectors > REVIEW_DIRECTORS_MAX)
		fail("too many directors");
	for (i = 0; i < r->ndirectors; i++) {
		check_string(r->directors[i].name, sizeof(r->directors[i].name), "director");
		check_slug(r->directors[i].slug);
	}
	for (i = 0; i < r->nproblems && i < REVIEW_PROBLEMS_MAX; i++)
		check_string(r->problems[i].detail, sizeof(r->problems[i].detail), "problem detail");
	if (r->ntags > REVIEW_TAGS_MAX)
		fail("too many tags");
	for (i = 0; i < r->ntags; i++) {
		check_string(r->tags[i].name, sizeof(r->tags[i].name), "tag name");
		check_string(r->tags[i].slug, sizeof(r->tags[i].slug), "tag slug");
		check_slug(r->tags[i].slug);
		for (j = 0; j < i; j++)
			if (strcmp(r->tags[i].slug, r->tags[j].slug) == 0)
				fail("two tags with one slug");
	}
	if (r->nextra > REVIEW_EXTRA_MAX)
		fail("too many unknown keys");
	for (i = 0; i < r->nextra; i++) {
		check_string(r->extra[i].key, sizeof(r->extra[i].key), "key");
		check_string(r->extra[i].value, sizeof(r->extra[i].value), "value");
		if (r->extra[i].key[0] == '\0')
			fail("an empty key kept");
	}
	if (r->body > len)
		fail("body past the end");
	for (bit = 1; bit != 0; bit <<= 1)
		if ((r->warnings & bit) && review_warning_text(bit) == NULL)
			fail("a warning without a text");
}

static void
check_name(const char *in, size_t len)
{
	struct review_name	 name;
	const char		*reason = NULL;
	char			*s;

	/* A file name is a string: the input up to its first NUL. */
	if ((s = malloc(len + 1)) == NULL)
		return;
	memcpy(s, in, len);
	s[len] = '\0';
	if (review_name_parse(s, &name, &reason) == 0) {
		check_string(name.date, sizeof(name.date), "name date");
		check_string(name.slug, sizeof(name.slug), "name slug");
		if (name.date[0] != '\0' && !date_valid(name.date, strlen(name.date)))
			fail("a file name with an invalid date");
		if (name.slug[0] == '\0')
			fail("a file name without a slug");
	} else if (reason == NULL)
		fail("review_name_parse failed without a reason");
	free(s);
}

static void
check_slugify(const char *in, size_t len)
{
	char	*out, *again;
	size_t	 size = REVIEW_FIELD_MAX + 1;

	/* Exact-size heap buffers, so that ASan sees any write past them. */
	out = malloc(size);
	again = malloc(size);
	if (out == NULL || again == NULL)
		goto done;
	if (slugify(in, len, out, size) == -1) {
		if (out[0] != '\0')
			fail("slugify failed but left a slug");
		goto done;
	}
	check_slug(out);
	if (slugify(out, strlen(out), again, size) == -1 || strcmp(out, again) != 0)
		fail("slugify of a slug is not the slug");
done:
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct review	 r;
	const char		*in = (const char *)data, *reason = NULL;

	if (review_parse(in, size, &r, &reason) == 0)
		check_review(&r, size);
	else if (reason == NULL)
		fail("review_parse failed without a reason");
	check_name(in, size);
	check_slugify(in, size);
	if (date_valid(in, size) && size != DATE_SIZE - 1)
		fail("date_valid accepts a date of the wrong length");
	return 0;
}
