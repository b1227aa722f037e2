/*
 * Tests of search.c's pure parts: folding of queries, the limits on them,
 * one-edit matching, ranking (fields, typos, ties, AND, the cap) and
 * snippets. The /search URL itself is in test_route. Run alone:
 * build/test_search.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gemlog.h"
#include "harness.h"
#include "search.h"

static void
parse_ok(const char *q, size_t n, const char *w0, const char *w1)
{
	struct search_query	 sq;
	const char		*reason = NULL;

	CHECK_INT(search_parse(q, strlen(q), &sq, &reason), 0);
	CHECK_INT(sq.n, n);
	if (n > 0)
		CHECK_STR(sq.words[0], w0);
	if (n > 1)
		CHECK_STR(sq.words[1], w1);
}

static void
parse_fails(const char *q, size_t len, const char *why)
{
	struct search_query	 sq;
	const char		*reason = "";

	CHECK_INT(search_parse(q, len, &sq, &reason), -1);
	CHECK(strstr(reason, why) != NULL);
}

static void
queries(void)
{
	char	long_q[SEARCH_QUERY_MAX + 2];

	parse_ok("Lèvres", 1, "levres", NULL);
	parse_ok("  ÉRIC\tRohmer ", 2, "eric", "rohmer");
	parse_ok("d'os", 2, "d", "os");
	parse_ok("Œuvre STRAßE", 2, "oeuvre", "strasse");
	parse_ok("le\xcc\x80vres", 1, "levres", NULL);	/* a combining grave accent */
	parse_ok("«noir»—film", 2, "noir", "film");
	parse_ok("Кино", 1, "Кино", NULL);	/* other scripts as written */
	parse_fails("", 0, "Search the reviews");
	parse_fails("!!! --", 6, "Search the reviews");
	parse_fails("\xff" "abc", 4, "not UTF-8");
	parse_fails("a b c d e f g h i", 17, "more than 8 words");
	memset(long_q, 'a', sizeof(long_q));
	parse_fails(long_q, SEARCH_QUERY_MAX + 1, "longer than 200 bytes");
	long_q[SEARCH_QUERY_MAX] = '\0';
	parse_ok(long_q, 1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL);	/* cut at SEARCH_TERM_MAX */
}

static int
edit(const char *a, const char *b)
{
	return search_one_edit(a, strlen(a), b, strlen(b));
}

static void
edits(void)
{
	CHECK(edit("levres", "levre"));		/* deleted */
	CHECK(edit("levre", "levres"));		/* inserted */
	CHECK(edit("film", "xfilm"));		/* inserted at the start */
	CHECK(edit("film", "fiml"));		/* swapped at the end */
	CHECK(edit("flim", "film"));		/* swapped */
	CHECK(edit("film", "firm"));		/* changed */
	CHECK(edit("film", "gilm"));		/* changed at the start */
	CHECK(!edit("film", "film"));		/* the same */
	CHECK(!edit("film", "farm"));		/* two changes */
	CHECK(!edit("film", "filmmm"));		/* two inserted */
	CHECK(!edit("abcd", "badc"));		/* two swaps */
	CHECK(!edit("abc", "bca"));
}

/* A review for the index: its own fields and a body, its words made as index.c makes them. */
static struct entry *
review(const char *title, const char *director, const char *tag, const char *body)
{
	struct entry	*e = calloc(1, sizeof(*e));
	static char	 empty[] = "";

	if (e == NULL)
		abort();
	e->title = (char *)(void *)title;
	e->summary = empty;
	if (director != NULL) {
		e->directors = calloc(1, sizeof(*e->directors));
		e->directors[0].name = (char *)(void *)director;
		e->ndirectors = 1;
	}
	if (tag != NULL) {
		e->tags = calloc(1, sizeof(*e->tags));
		e->tags[0].name = (char *)(void *)tag;
		e->ntags = 1;
	}
	e->search = search_doc_make(title, e->directors, e->ndirectors, e->tags, e->ntags,
	    body, strlen(body), 0);
	CHECK(e->search != NULL);
	return e;
}

static void
review_free(struct entry *e)
{
	search_doc_free(e->search);
	free(e->directors);
	free(e->tags);
	free(e);
}

/* The titles of what q finds in ix, in order, joined by "|". */
static const char *
found(const struct search_index *ix, const char *q, size_t *total)
{
	static char		 out[1024];
	struct search_query	 sq;
	struct search_hit	 hits[SEARCH_RESULTS_MAX];
	const char		*reason;
	size_t			 i, n;

	out[0] = '\0';
	if (search_parse(q, strlen(q), &sq, &reason) == -1)
		return reason;
	n = search_run(ix, &sq, hits, SEARCH_RESULTS_MAX, total);
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i > 0 ? "|" : "",
		    hits[i].entry->title);
	return out;
}

static void
ranking(void)
{
	/* Newest first, as the snapshot lists them. */
	struct entry	*v[] = {
		review("Heat", NULL, NULL, "A noir in all but name.\nAnd a long heist."),
		review("Heap", NULL, NULL, "Nothing else."),
		review("Body Only", NULL, NULL, "Another noir, older."),
		review("Tagged", NULL, "Noir", "Plain."),
		review("Directed", "Jean Noir", NULL, "Plain."),
		review("Noir Story", NULL, NULL, "Plain."),
		review("Sur mes lèvres", "Jacques Audiard", "drama", "Carla reads lips."),
	};
	size_t			 n = sizeof(v) / sizeof(v[0]), total, i;
	struct search_index	*ix = search_build(v, n);
	struct search_query	 sq;
	struct search_hit	 hit;
	const char		*reason;

	CHECK(ix != NULL);
	CHECK(search_bytes(ix) > 0);
	/* Title, director, tag, body; two in the body: the newer first. */
	CHECK_STR(found(ix, "noir", &total), "Noir Story|Directed|Tagged|Heat|Body Only");
	CHECK_INT(total, 5);
	/* Every word must match. */
	CHECK_STR(found(ix, "noir heist", &total), "Heat");
	CHECK_STR(found(ix, "noir nothing", &total), "");
	CHECK_INT(total, 0);
	/* As written above one edit away, both in the title. */
	CHECK_STR(found(ix, "heat", &total), "Heat|Heap");
	CHECK_STR(found(ix, "heap", &total), "Heap|Heat");
	/* A typo in the title ranks below the word as written in the body. */
	CHECK_STR(found(ix, "lips", &total), "Sur mes lèvres");
	CHECK_STR(found(ix, "levres", &total), "Sur mes lèvres");
	CHECK_STR(found(ix, "LÈVRE", &total), "Sur mes lèvres");	/* one deletion */
	CHECK_STR(found(ix, "audaird", &total), "Sur mes lèvres");	/* two swapped */
	/* Short words and numbers forgive no typo. */
	CHECK_STR(found(ix, "lip", &total), "");
	CHECK_STR(found(ix, "hea", &total), "");
	/* Where the first word found in the body starts (the offset in the file). */
	CHECK_INT(search_parse("heist", 5, &sq, &reason), 0);
	CHECK_INT(search_run(ix, &sq, &hit, 1, &total), 1);
	CHECK_INT(hit.body_at, strlen("A noir in all but name.\nAnd a long "));
	CHECK_INT(search_parse("heat", 4, &sq, &reason), 0);
	CHECK_INT(search_run(ix, &sq, &hit, 1, &total), 1);
	CHECK_INT(hit.body_at, SEARCH_NOWHERE);	/* only in the title */
	search_free(ix);
	for (i = 0; i < n; i++)
		review_free(v[i]);
}

/* More matches than a page lists: the cap, the newest first among equals, the total. */
static void
cap(void)
{
	struct entry		*v[SEARCH_RESULTS_MAX + 10];
	char			 titles[SEARCH_RESULTS_MAX + 10][16];
	size_t			 i, n = sizeof(v) / sizeof(v[0]), total;
	struct search_index	*ix;
	const char		*got;

	for (i = 0; i < n; i++) {
		snprintf(titles[i], sizeof(titles[i]), "Film %zu", i);
		v[i] = review(titles[i], NULL, NULL, "Same words everywhere.");
	}
	ix = search_build(v, n);
	got = found(ix, "words film", &total);
	CHECK_INT(total, n);
	CHECK(strncmp(got, "Film 0|Film 1|Film 2|", 21) == 0);
	CHECK(strstr(got, "|Film 49") != NULL && strstr(got, "Film 50") == NULL);
	search_free(ix);
	for (i = 0; i < n; i++)
		review_free(v[i]);
}

static void
snippet_is(const char *text, const char *word, int flags, const char *want)
{
	struct buf	b = { 0 };
	const char	*at = strstr(text, word);

	search_snippet(text, strlen(text), at != NULL ? (size_t)(at - text) : 0, flags, &b);
	buf_puts(&b, "");
	CHECK_STR(b.data, want);
	buf_free(&b);
}

/* A long line is cut around the word, at spaces, with an ellipsis at each cut. */
static void
long_line(void)
{
	struct buf	 line = { 0 }, b = { 0 };
	size_t		 i;

	for (i = 0; i < 60; i++)
		buf_puts(&line, i == 20 ? "target " : "word ");
	search_snippet(line.data, line.len, (size_t)(strstr(line.data, "target") - line.data),
	    0, &b);
	buf_puts(&b, "");
	CHECK(strncmp(b.data, "\xe2\x80\xa6word ", 7) == 0);
	CHECK(strstr(b.data, " target ") != NULL);
	CHECK(b.len >= 7 && strcmp(b.data + b.len - 7, "word\xe2\x80\xa6") == 0);
	CHECK(b.len <= SEARCH_SNIPPET_MAX + 6);
	buf_free(&line);
	buf_free(&b);
}

static void
snippets(void)
{
	snippet_is("# Title\n\nFirst line.\nThe match is here.\nLast.\n", "match", 0,
	    "The match is here.");
	snippet_is("=> other.gmi Its label, matched\n", "matched", 0, "Its label, matched");
	snippet_is("### Heading match\n", "match", 0, "Heading match");
	snippet_is("* listed match\r\n", "match", 0, "listed match");
	snippet_is(">   quoted match\n", "match", 0, "quoted match");
	snippet_is("```match toggled\n", "match", 0, "match toggled");
	/* Controls become spaces, invisible characters go. */
	snippet_is("tab\there\x01" "and\xe2\x80\xae" "match\n", "match", 0, "tab here andmatch");
	/* A window read from inside a file: its ends are cuts, never half a word. */
	snippet_is("tial words and the match in the mid", "match", SEARCH_CUT_START | SEARCH_CUT_END,
	    "\xe2\x80\xa6words and the match in the\xe2\x80\xa6");
	long_line();
}

int
main(void)
{
	queries();
	edits();
	ranking();
	cap();
	snippets();
	return harness_done();
}
