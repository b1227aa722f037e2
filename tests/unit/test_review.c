/* Unit tests of the review file parser, file names, slugs and dates. */

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "review.h"

static struct review	r;
static const char	*reason;

static int
parse(const char *s)
{
	reason = NULL;
	return review_parse(s, strlen(s), &r, &reason);
}

static const char *
slug(const char *in)
{
	static char	out[REVIEW_FIELD_MAX + 1];

	return slugify(in, strlen(in), out, sizeof(out)) == 0 ? out : NULL;
}

static int
name(const char *s, struct review_name *n)
{
	reason = NULL;
	return review_name_parse(s, n, &reason);
}

static void
test_full_review(void)
{
	const char	*text =
	    "# De rouille et d'os (Rust and Bone)  \n"
	    "Director: Jacques Audiard\n"
	    "Year: 2012\n"
	    "Country: France, Belgium\n"
	    "Starring: Marion Cotillard, Matthias Schoenaerts\n"
	    "Rating: 4/5\n"
	    "Tags: drama, romance\n"
	    "Date: 2026-04-05\n"
	    "\n"
	    "Ali arrives in Antibes.\n";

	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "De rouille et d'os (Rust and Bone)");
	CHECK_INT(r.ndirectors, 1);
	CHECK_STR(r.directors[0].name, "Jacques Audiard");
	CHECK_STR(r.directors[0].slug, "jacques-audiard");
	CHECK_INT(r.year, 2012);
	CHECK_STR(r.country, "France, Belgium");
	CHECK_STR(r.starring, "Marion Cotillard, Matthias Schoenaerts");
	CHECK_INT(r.rating, 8);
	CHECK_INT(r.ntags, 2);
	CHECK_STR(r.tags[0].name, "drama");
	CHECK_STR(r.tags[0].slug, "drama");
	CHECK_STR(r.tags[1].name, "romance");
	CHECK_STR(r.date, "2026-04-05");
	CHECK_INT(r.nextra, 0);
	CHECK_STR(text + r.body, "Ali arrives in Antibes.\n");
	CHECK_INT(r.warnings, 0);
}

static void
test_no_title(void)
{
	const char	*text = "Director: Nobody\nyear: 1999\n\nJust text.\n";

	CHECK_INT(parse(text), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
	CHECK_STR(r.title, "");
	CHECK_STR(r.directors[0].name, "Nobody");
	CHECK_INT(r.year, 1999);
	CHECK_STR(text + r.body, "Just text.\n");

	/* "# " with nothing after it names nothing. */
	CHECK_INT(parse("#   \nYear: 2001\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
	CHECK_INT(r.year, 2001);

	/* "#Title" and "## Part" are not the title line. */
	CHECK_INT(parse("#Title\n## Part one\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
	CHECK_INT(r.body, 0);

	CHECK_INT(parse(""), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
	CHECK_INT(r.body, 0);
	CHECK_INT(review_parse(NULL, 0, &r, &reason), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
}

static void
test_metadata_ends(void)
{
	const char	*text;

	/* A blank line ends it: the Tags line below belongs to the body. */
	text = "# T\nYear: 1999\n\nTags: x\n";
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.year, 1999);
	CHECK_INT(r.ntags, 0);
	CHECK_STR(text + r.body, "Tags: x\n");

	/* So does a line of another kind, which starts the body. */
	text = "# T\nYear: 1999\nThe film opens on a road.\nTags: x\n";
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.year, 1999);
	CHECK_INT(r.ntags, 0);
	CHECK_STR(text + r.body, "The film opens on a road.\nTags: x\n");

	/* Metadata is directly under the title, not after a blank line. */
	text = "# T\n\nDirector: X\n";
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.ndirectors, 0);
	CHECK_STR(text + r.body, "Director: X\n");

	/* Neither links, "Key:value", tabs, nor keys of 33 bytes are metadata. */
	CHECK_INT(parse("# T\n=> gemini://x/ y\n"), 0);
	CHECK_INT(r.nextra, 0);
	CHECK_INT(r.body, 4);
	CHECK_INT(parse("# T\nhttp://example.org/\n"), 0);
	CHECK_INT(r.nextra, 0);
	CHECK_INT(parse("# T\nYear:1999\n"), 0);
	CHECK_INT(r.year, 0);
	CHECK_INT(parse("# T\nYear:\t1999\n"), 0);
	CHECK_INT(r.year, 0);
	CHECK_INT(parse("# T\n aaaa: indented\n"), 0);
	CHECK_INT(r.nextra, 0);
	CHECK_INT(parse("# T\n-a: hyphen first\n"), 0);
	CHECK_INT(r.nextra, 0);
	CHECK_INT(parse("# T\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 33\n"), 0);
	CHECK_INT(r.nextra, 0);
	CHECK_INT(parse("# T\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 32\n"), 0);
	CHECK_INT(r.nextra, 1);
	CHECK_STR(r.extra[0].key, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_INT(parse("# T\n* Star: list item\n"), 0);
	CHECK_INT(r.nextra, 0);

	/* "Key:" at the end of the line is a key with no value. */
	CHECK_INT(parse("# T\nNotes:\nYear: 1999\n"), 0);
	CHECK_INT(r.nextra, 1);
	CHECK_STR(r.extra[0].key, "Notes");
	CHECK_STR(r.extra[0].value, "");
	CHECK_INT(r.year, 1999);

	/* Metadata running to the end of the file leaves an empty body. */
	text = "# T\nYear: 1999";
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.year, 1999);
	CHECK_INT(r.body, strlen(text));
}

static void
test_unknown_keys(void)
{
	const char	*text =
	    "# T\n"
	    "Seen at: Cinéma du Panthéon \n"
	    "Director: Claire Denis\n"
	    "original TITLE: Beau travail\n"
	    "Durée: 92 min\n"
	    "Runtime 2 : 1h32\n"
	    "\n";

	CHECK_INT(parse(text), 0);
	CHECK_STR(r.directors[0].name, "Claire Denis");
	CHECK_INT(r.nextra, 4);
	CHECK_STR(r.extra[0].key, "Seen at");
	CHECK_STR(r.extra[0].value, "Cinéma du Panthéon");
	CHECK_STR(r.extra[1].key, "original TITLE");
	CHECK_STR(r.extra[1].value, "Beau travail");
	CHECK_STR(r.extra[2].key, "Durée");
	CHECK_STR(r.extra[2].value, "92 min");
	CHECK_STR(r.extra[3].key, "Runtime 2");
	CHECK_STR(r.extra[3].value, "1h32");
	/* Kept, and each reported on its line; none is near a known key. */
	CHECK_INT(r.warnings, REVIEW_WARN_UNKNOWN_KEY);
	CHECK_INT(r.nproblems, 4);
	CHECK_INT(r.problems[0].what, REVIEW_WARN_UNKNOWN_KEY);
	CHECK_STR(r.problems[1].detail, "original TITLE");
	CHECK_STR(r.problems[3].detail, "Runtime 2");

	/* A guillemet is punctuation, not a letter: not a key. */
	CHECK_INT(parse("# T\n\xc2\xab" "Quote: x\n"), 0);
	CHECK_INT(r.nextra, 0);

	CHECK_INT(parse("# T\nA: 1\nB: 2\nC: 3\nD: 4\nE: 5\nF: 6\nG: 7\nH: 8\n"
	    "I: 9\nYear: 2000\n"), 0);
	CHECK_INT(r.nextra, REVIEW_EXTRA_MAX);
	CHECK_STR(r.extra[7].key, "H");
	CHECK_STR(r.extra[7].value, "8");
	CHECK_INT(r.year, 2000);
	CHECK_INT(r.warnings, REVIEW_WARN_TOO_MANY_KEYS | REVIEW_WARN_UNKNOWN_KEY);

	/* Known keys in any case; the last one given wins. */
	CHECK_INT(parse("# T\nDIRECTOR: A\ndirector: Agnès Varda\n"), 0);
	CHECK_STR(r.directors[0].name, "Agnès Varda");
	CHECK_STR(r.directors[0].slug, "agnes-varda");
	CHECK_INT(r.nextra, 0);
	CHECK_INT(parse("# T\nDirector: ---\n"), 0);
	CHECK_INT(r.ndirectors, 0);
	CHECK_INT(r.ndirectors, 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_TAG);
}

static void
test_tags(void)
{
	char	text[400];
	size_t	i;

	CHECK_INT(parse("# T\nTags:  Drama , drama,Film Noir, DRAMA,, film-noir ,\n"
	    "tags: Thriller\n"), 0);
	CHECK_INT(r.ntags, 3);
	CHECK_STR(r.tags[0].name, "Drama");
	CHECK_STR(r.tags[0].slug, "drama");
	CHECK_STR(r.tags[1].name, "Film Noir");
	CHECK_STR(r.tags[1].slug, "film-noir");
	CHECK_STR(r.tags[2].name, "Thriller");
	CHECK_STR(r.tags[2].slug, "thriller");
	CHECK_INT(r.warnings, 0);

	CHECK_INT(parse("# T\nTags: a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n"), 0);
	CHECK_INT(r.ntags, REVIEW_TAGS_MAX);
	CHECK_STR(r.tags[15].name, "p");
	CHECK_INT(r.warnings, REVIEW_WARN_TOO_MANY_TAGS);

	/* Repeats of a tag already kept do not count as too many. */
	CHECK_INT(parse("# T\nTags: a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,A, p\n"), 0);
	CHECK_INT(r.ntags, REVIEW_TAGS_MAX);
	CHECK_INT(r.warnings, 0);

	CHECK_INT(parse("# T\nTags: ---, ok\n"), 0);
	CHECK_INT(r.ntags, 1);
	CHECK_STR(r.tags[0].slug, "ok");
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_TAG);

	/* A 300-byte tag is cut to 255 bytes, with its slug. */
	memcpy(text, "# T\nTags: ", 10);
	for (i = 0; i < 150; i++)
		memcpy(text + 10 + 2 * i, "\xc3\xa9", 2);
	memcpy(text + 310, "\n", 2);
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.ntags, 1);
	CHECK_INT(strlen(r.tags[0].name), 254);
	CHECK_INT(strlen(r.tags[0].slug), 127);	/* each é folded to e */
	CHECK_INT(r.warnings, REVIEW_WARN_LONG_VALUE);
}

/* Date: with a time and an offset: when it is published, in UTC. */
static void
test_date_times(void)
{
	CHECK_INT(parse("# T\nDate: 2026-04-05\n"), 0);
	CHECK_INT(r.published, 1775347200LL);	/* date -ud 2026-04-05 +%s */
	CHECK_INT(parse("# T\nDate: 2026-04-05T18:30\n"), 0);
	CHECK_STR(r.date, "2026-04-05");
	CHECK_INT(r.published, 1775347200LL + 18 * 3600 + 30 * 60);
	CHECK_INT(r.warnings, 0);
	CHECK_INT(parse("# T\nDate: 2026-04-05 18:30:15Z\n"), 0);
	CHECK_INT(r.published, 1775347200LL + 18 * 3600 + 30 * 60 + 15);
	CHECK_INT(parse("# T\nDate: 2026-04-05T18:30+02:00\n"), 0);
	CHECK_INT(r.published, 1775347200LL + 16 * 3600 + 30 * 60);
	CHECK_INT(parse("# T\nDate: 2026-04-05T01:00-05:30\n"), 0);
	CHECK_INT(r.published, 1775347200LL + 6 * 3600 + 30 * 60);
	CHECK_INT(parse("# T\nDate: 1970-01-01\n"), 0);
	CHECK_INT(r.published, 0);
	CHECK_INT(parse("# T\nDate: 2000-03-01\n"), 0);
	CHECK_INT(r.published, 951868800LL);
}

/* Co-directors, ratings, drafts and earlier slugs. */
static void
test_film_keys(void)
{
	CHECK_INT(parse("# T\nDirector: Jean-Pierre Dardenne, Luc Dardenne\n"), 0);
	CHECK_INT(r.ndirectors, 2);
	CHECK_STR(r.directors[1].name, "Luc Dardenne");
	CHECK_STR(r.directors[1].slug, "luc-dardenne");
	CHECK_INT(parse("# T\nDirector: Jean-Marie Straub & Danièle Huillet & straub\n"), 0);
	CHECK_INT(r.ndirectors, 3);
	CHECK_STR(r.directors[2].slug, "straub");
	CHECK_INT(parse("# T\nRating: 3.5/5\n"), 0);
	CHECK_INT(r.rating, 7);
	CHECK_INT(parse("# T\nRating: 0\n"), 0);
	CHECK_INT(r.rating, 0);
	CHECK_INT(parse("# T\nRating: 5,0\n"), 0);
	CHECK_INT(r.rating, 10);
	CHECK_INT(parse("# T\nRating: 6\n"), 0);
	CHECK_INT(r.rating, -1);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_RATING);
	CHECK_INT(parse("# T\nRating: 4/10\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_RATING);
	CHECK_INT(parse("# T\n"), 0);
	CHECK_INT(r.rating, -1);
	CHECK_INT(r.draft, 0);
	CHECK_INT(parse("# T\nDraft: Yes\n"), 0);
	CHECK_INT(r.draft, 1);
	CHECK_INT(parse("# T\nDraft: no\n"), 0);
	CHECK_INT(r.draft, 0);
	CHECK_INT(parse("# T\nDraft: soon\n"), 0);
	CHECK_INT(r.draft, 1);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DRAFT);
	CHECK_INT(parse("# T\nWas: rust, rouille\nWas: de-rouille\n"), 0);
	CHECK_INT(r.nwas, 3);
	CHECK_STR(r.was[0].slug, "rust");
	CHECK_INT(r.was[0].line, 2);
	CHECK_STR(r.was[2].slug, "de-rouille");
	CHECK_INT(r.was[2].line, 3);
	CHECK_INT(r.warnings, 0);
	CHECK_INT(parse("# T\nWas: a/b, two words, .hidden, tab\there, ok\n"), 0);
	CHECK_INT(r.nwas, 1);
	CHECK_STR(r.was[0].slug, "ok");
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_WAS);
	CHECK_INT(r.nproblems, 4);
	CHECK_INT(r.problems[0].line, 2);
	/* A file name written whole is its stem; a date stays, the index sets it aside. */
	CHECK_INT(parse("# T\nWas: 2026-01-01-heat.gmi, old.TXT\n"), 0);
	CHECK_INT(r.nwas, 2);
	CHECK_STR(r.was[0].slug, "2026-01-01-heat");
	CHECK_STR(r.was[1].slug, "old");
	CHECK_INT(parse("# T\nWas: a, b, c, d, e\n"), 0);
	CHECK_INT(r.nwas, REVIEW_WAS_MAX);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_WAS);
	CHECK_STR(review_identity("2026-03-01-heat"), "heat");
	CHECK_STR(review_identity("heat"), "heat");
	CHECK_STR(review_identity("2026-03-01"), "2026-03-01");
	CHECK_STR(review_identity("2026-03-01-"), "2026-03-01-");
	CHECK_STR(review_identity("2026-02-30-heat"), "2026-02-30-heat");
	/* Imported-From: a URL the page may link to, or nothing. */
	CHECK_INT(parse("# T\nImported-From: https://blog.example/2019/03/01/heat/\n"), 0);
	CHECK_STR(r.imported_from, "https://blog.example/2019/03/01/heat/");
	CHECK_INT(r.warnings, 0);
	CHECK_INT(parse("# T\nimported-from: gemini://g.example/x\n"), 0);
	CHECK_STR(r.imported_from, "gemini://g.example/x");
	CHECK_INT(parse("# T\nImported-From: javascript:alert(1)\n"), 0);
	CHECK_STR(r.imported_from, "");
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_IMPORTED);
	CHECK_INT(parse("# T\nImported-From: https://a.example/two words\n"), 0);
	CHECK_STR(r.imported_from, "");
	CHECK_INT(parse("# T\nImported-From: https://a.example/caf\xc3\xa9\n"), 0);
	CHECK_STR(r.imported_from, "");
}

/* Typos in keys are reported with the key meant, on their line. */
static void
test_key_typos(void)
{
	CHECK_INT(parse("# T\nYear: 2012\nDirecter: Jacques Audiard\nTgas: a\nRatings: 4\n"
	    "Colour: yes\n"), 0);
	CHECK_INT(r.ndirectors, 0);
	CHECK_INT(r.nproblems, 4);
	CHECK_INT(r.problems[0].line, 3);
	CHECK_STR(r.problems[0].detail, "Directer (did you mean Director?)");
	CHECK_STR(r.problems[1].detail, "Tgas (did you mean Tags?)");
	CHECK_STR(r.problems[2].detail, "Ratings (did you mean Rating?)");
	CHECK_INT(r.problems[3].line, 6);
	CHECK_STR(r.problems[3].detail, "Colour");
	CHECK_STR(r.extra[0].key, "Directer");
}

static void
test_dates_and_years(void)
{
	CHECK_INT(parse("# T\nDate: 2024-02-29\n"), 0);
	CHECK_STR(r.date, "2024-02-29");
	CHECK_INT(r.warnings, 0);
	CHECK_INT(parse("# T\nDate: 2026-02-30\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_STR(r.date, "");
	CHECK_INT(parse("# T\nDate: yesterday\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_STR(r.date, "");
	CHECK_INT(parse("# T\nDate: 2026-04-05T10:0\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_INT(parse("# T\nDate: 2026-04-05T24:00\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_INT(parse("# T\nDate: 2026-04-05T10:00+2\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_INT(parse("# T\nDate: 2026-04-05X10:00\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_INT(parse("# T\nDate:\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);

	CHECK_INT(parse("# T\nYear: 19x9\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);
	CHECK_INT(r.year, 0);
	CHECK_INT(parse("# T\nYear: 20012\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);
	CHECK_INT(parse("# T\nYear: 444444444444\n"), 0);
	CHECK_INT(r.year, 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);
	CHECK_INT(parse("# T\nYear: 1887\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);
	CHECK_INT(parse("# T\nYear: 1888\n"), 0);
	CHECK_INT(r.year, 1888);
	CHECK_INT(r.warnings, 0);
	CHECK_INT(parse("# T\nYear: c. 1960\n"), 0);
	CHECK_INT(r.year, 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);

	CHECK_INT(date_valid("2024-02-29", 10), 1);
	CHECK_INT(date_valid("2023-02-29", 10), 0);
	CHECK_INT(date_valid("1900-02-29", 10), 0);
	CHECK_INT(date_valid("2000-02-29", 10), 1);
	CHECK_INT(date_valid("2026-04-30", 10), 1);
	CHECK_INT(date_valid("2026-04-31", 10), 0);
	CHECK_INT(date_valid("2026-12-31", 10), 1);
	CHECK_INT(date_valid("2026-00-10", 10), 0);
	CHECK_INT(date_valid("2026-01-00", 10), 0);
	CHECK_INT(date_valid("1000-01-01", 10), 1);
	CHECK_INT(date_valid("0999-01-01", 10), 0);
	CHECK_INT(date_valid("9999-12-31", 10), 1);
	CHECK_INT(date_valid("2026/01/01", 10), 0);
	CHECK_INT(date_valid("2026-1-01", 9), 0);
	CHECK_INT(date_valid("2026-01-011", 11), 0);
}

static void
test_line_endings_and_bom(void)
{
	const char	*text = "# T \r\nDirector: Claire Denis\r\nTags: a , b\r\n\r\nBody\r\n";

	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "T");
	CHECK_STR(r.directors[0].name, "Claire Denis");
	CHECK_INT(r.ntags, 2);
	CHECK_STR(r.tags[1].name, "b");
	CHECK_STR(text + r.body, "Body\r\n");

	text = "\xef\xbb\xbf# With BOM\nYear: 2003\n\nBody\n";
	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "With BOM");
	CHECK_INT(r.year, 2003);
	CHECK_STR(text + r.body, "Body\n");
	CHECK_INT(r.warnings, 0);

	/* Without a title the metadata starts after the BOM. */
	CHECK_INT(parse("\xef\xbb\xbfYear: 2003\n"), 0);
	CHECK_INT(r.year, 2003);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);

	CHECK_INT(parse("\xef\xbb\xbf"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
	CHECK_INT(r.body, 3);
}

static void
test_title(void)
{
	const char	*text;

	text = "# First\n\n# Second\n";
	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "First");
	CHECK_STR(text + r.body, "# Second\n");

	/* The first heading is the title even below some text. */
	text = "Intro\n# Late\nYear: 2010\nBody\n";
	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "Late");
	CHECK_INT(r.year, 2010);
	CHECK_STR(text + r.body, "Body\n");

	/* A heading-like line in a preformatted block is not a title. */
	text = "```\n# not a title\n```\n# Real\n";
	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "Real");
	CHECK_INT(parse("```sh\n# ls\n"), 0);
	CHECK_STR(r.title, "");
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);

	CHECK_INT(parse("#  \t Spaced out \t\n"), 0);
	CHECK_STR(r.title, "Spaced out");
}

/* Controls but TAB leave titles and values, and the warning says where. */
static void
test_controls(void)
{
	CHECK_INT(parse("# Bad\001 \033[31mred\033[0m\nDirector: A\x7f" "B\tC\n\nBody \001\n"), 0);
	CHECK_STR(r.title, "Bad [31mred[0m");
	CHECK_STR(r.directors[0].name, "AB\tC");
	CHECK_INT(r.warnings, REVIEW_WARN_CONTROL);
	CHECK_INT(r.problems[0].line, 1);

	CHECK_INT(parse("Intro\n# Fine\nYear: 2010\nTags: a\xc2\x85" "b, c\nX-Note: \x1b\n"), 0);
	CHECK_STR(r.title, "Fine");
	CHECK_STR(r.tags[0].name, "ab");
	CHECK_STR(r.extra[0].value, "");
	CHECK_INT(r.warnings, REVIEW_WARN_CONTROL | REVIEW_WARN_UNKNOWN_KEY);
	CHECK_INT(r.nproblems, 3);
	CHECK_INT(r.problems[0].line, 4);
	CHECK_INT(r.problems[1].what, REVIEW_WARN_UNKNOWN_KEY);
	CHECK_INT(r.problems[2].what, REVIEW_WARN_CONTROL);
	CHECK_INT(r.problems[2].line, 5);

	CHECK_INT(parse("# Clean\tTab\n\nBody\001\n"), 0);
	CHECK_STR(r.title, "Clean\tTab");
	CHECK_INT(r.warnings, 0);
	CHECK_INT(r.nproblems, 0);
}

static void
test_long_value(void)
{
	char	text[600];

	memset(text, 0, sizeof(text));
	memcpy(text, "# ", 2);
	memset(text + 2, 'a', 254);
	memcpy(text + 256, "\xc3\xa9\n", 3);	/* é straddles the cut */
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_LONG_VALUE);
	CHECK_INT(strlen(r.title), 254);

	/* Exactly 255 bytes fit. */
	memcpy(text + 256, "a\n", 3);
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.warnings, 0);
	CHECK_INT(strlen(r.title), REVIEW_FIELD_MAX);

	memcpy(text + 256, "ab\n", 4);
	CHECK_INT(parse(text), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_LONG_VALUE);
	CHECK_INT(strlen(r.title), REVIEW_FIELD_MAX);
}

static void
test_fatal(void)
{
	char	*big;

	CHECK_INT(review_parse("# T\n\0x", 7, &r, &reason), -1);
	CHECK_STR(reason, "binary file (NUL bytes)");
	CHECK_INT(review_parse("\0", 1, &r, &reason), -1);
	CHECK_STR(reason, "binary file (NUL bytes)");

	/* Overlong '/', truncated sequences, surrogates, past U+10FFFF, bad bytes. */
	CHECK_INT(parse("# T\n\xc0\xaf\n"), -1);
	CHECK_STR(reason, "not valid UTF-8");
	CHECK_INT(parse("# T\n\xe0\x80\xaf\n"), -1);
	CHECK_INT(parse("# T\n\xe2\x82"), -1);
	CHECK_STR(reason, "not valid UTF-8");
	CHECK_INT(parse("# T\n\xe2\x82 x\n"), -1);
	CHECK_INT(parse("\xed\xa0\x80"), -1);
	CHECK_INT(parse("\xf4\x90\x80\x80"), -1);
	CHECK_INT(parse("\xf8\x88\x80\x80\x80"), -1);
	CHECK_INT(parse("\x80"), -1);
	CHECK_INT(parse("\xff"), -1);
	CHECK_INT(parse("\xef\xbb"), -1);	/* half a BOM */
	/* The edges of what is valid. */
	CHECK_INT(parse("\xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80 \xc2\x80"), 0);

	if ((big = malloc(REVIEW_FILE_MAX + 1)) != NULL) {
		memset(big, 'a', REVIEW_FILE_MAX + 1);
		CHECK_INT(review_parse(big, REVIEW_FILE_MAX + 1, &r, &reason), -1);
		CHECK_STR(reason, "larger than 1 MiB");
		CHECK_INT(review_parse(big, REVIEW_FILE_MAX, &r, &reason), 0);
		CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);
		free(big);
	}
}

static void
test_slugs(void)
{
	char	out[8];

	CHECK_STR(slug("Drama"), "drama");
	CHECK_STR(slug(" drama "), "drama");
	CHECK_STR(slug("Film Noir"), "film-noir");
	CHECK_STR(slug("film_noir"), "film-noir");
	CHECK_STR(slug("Jacques Audiard"), "jacques-audiard");
	CHECK_STR(slug("Éric Rohmer"), "eric-rohmer");
	CHECK_STR(slug("E\xcc\x81ric Rohmer"), "eric-rohmer");	/* the accent combined */
	CHECK_STR(slug("Drâme"), "drame");
	CHECK_STR(slug("ÀÉÎÕÜÇÑØÞ"), "aeioucnoth");
	CHECK_STR(slug("àéîõüçñøþÿæ"), "aeioucnothyae");
	CHECK_STR(slug("ŒUVRE"), "oeuvre");
	CHECK_STR(slug("ĀĆĐĘĞĪŁŃŐŘŠŤŮŸŹŻŽ"), "acdegilnorstuyzzz");
	CHECK_STR(slug("İstanbul"), "istanbul");
	CHECK_STR(slug("Straße"), "strasse");
	CHECK_STR(slug("Luis Buñuel"), "luis-bunuel");
	CHECK_STR(slug("Science-Fiction!!"), "science-fiction");
	CHECK_STR(slug("  Science -- Fiction  "), "science-fiction");
	CHECK_STR(slug("d'os"), "d-os");
	CHECK_STR(slug("l\xe2\x80\x99" "amour"), "l-amour");
	CHECK_STR(slug("\xc2\xab" "Nouvelle\xc2\xa0vague\xc2\xa0\xc2\xbb"), "nouvelle-vague");
	CHECK_STR(slug("Noir\xe2\x80\x94" "et\xe2\x80\xa6" "blanc"), "noir-et-blanc");
	CHECK_STR(slug("ŁÓDŹ 1960"), "lodz-1960");
	CHECK_STR(slug("黒澤 明"), "黒澤-明");
	CHECK_STR(slug("佐々木「監督」"), "佐々木-監督");
	CHECK_STR(slug("Кино"), "Кино");	/* no tables past Latin Extended-A */
	CHECK(slug("---") == NULL);
	CHECK(slug("") == NULL);
	CHECK(slug(" !? ") == NULL);
	CHECK(slug("\xc3") == NULL);
	CHECK(slug("a\xc0\xaf" "b") == NULL);

	/* Fits exactly, with its NUL; one byte less does not, and out is "". */
	CHECK_INT(slugify("Ab Cd E", 7, out, sizeof(out)), 0);
	CHECK_STR(out, "ab-cd-e");
	CHECK_INT(slugify("Ab Cd Ef", 8, out, sizeof(out)), -1);
	CHECK_STR(out, "");
	CHECK_INT(slugify("abcdefg\xc3\x89", 9, out, sizeof(out)), -1);
	CHECK_INT(slugify("abcdef\xc3\x89", 8, out, sizeof(out)), 0);
	CHECK_STR(out, "abcdefe");
	CHECK_INT(slugify("abcdef\xc3\x9f", 8, out, sizeof(out)), -1);	/* ß is two letters */
	CHECK_INT(slugify("abcd\xc3\x9f", 6, out, sizeof(out)), 0);
	CHECK_STR(out, "abcdss");
	CHECK_INT(slugify("abcd\xd0\x96", 6, out, sizeof(out)), 0);	/* kept as UTF-8 */
	CHECK_STR(out, "abcd\xd0\x96");
	CHECK_INT(slugify("a", 1, out, 0), -1);
	/* A trailing separator needs no room. */
	CHECK_INT(slugify("abcdefg!!!", 10, out, sizeof(out)), 0);
	CHECK_STR(out, "abcdefg");
}

static void
test_names(void)
{
	struct review_name	n;

	CHECK_INT(name("2026-04-05-rust-and-bone.gmi", &n), 0);
	CHECK_STR(n.date, "2026-04-05");
	CHECK_STR(n.slug, "rust-and-bone");
	CHECK_INT(name("2026-04-05-notes.txt", &n), 0);
	CHECK_STR(n.date, "2026-04-05");
	CHECK_STR(n.slug, "notes");
	CHECK_INT(name("2024-02-29-leap.GMI", &n), 0);
	CHECK_STR(n.date, "2024-02-29");
	CHECK_STR(n.slug, "leap");
	CHECK_INT(name("undated.gmi", &n), 0);
	CHECK_STR(n.date, "");
	CHECK_STR(n.slug, "undated");
	CHECK_INT(name("2026-13-01-x.gmi", &n), 0);
	CHECK_STR(n.date, "");
	CHECK_STR(n.slug, "2026-13-01-x");
	CHECK_INT(name("2026-02-30-x.gmi", &n), 0);
	CHECK_STR(n.date, "");
	CHECK_INT(name("2026-04-05x.gmi", &n), 0);
	CHECK_STR(n.date, "");
	CHECK_STR(n.slug, "2026-04-05x");
	/* A date and nothing else: the date is also the slug. */
	CHECK_INT(name("2026-04-05.gmi", &n), 0);
	CHECK_STR(n.date, "2026-04-05");
	CHECK_STR(n.slug, "2026-04-05");
	CHECK_INT(name("2026-04-05-.gmi", &n), 0);
	CHECK_STR(n.date, "2026-04-05");
	CHECK_STR(n.slug, "2026-04-05-");
	CHECK_INT(name("2026-11-08-sur-mes-lèvres.gmi", &n), 0);
	CHECK_STR(n.slug, "sur-mes-lèvres");

	CHECK_INT(name(".hidden.gmi", &n), -1);
	CHECK_STR(reason, "hidden file");
	CHECK_INT(name(".2026-04-05-x.gmi.swp", &n), -1);
	CHECK_STR(reason, "hidden file");
	CHECK_INT(name(".#2026-04-05-x.gmi", &n), -1);
	CHECK_INT(name("2026-04-05-x.gmi~", &n), -1);
	CHECK_STR(reason, "editor's temporary file");
	CHECK_INT(name("#2026-04-05-x.gmi#", &n), -1);
	CHECK_STR(reason, "editor's temporary file");
	CHECK_INT(name("2026-04-05-x.gmi.swp", &n), -1);
	CHECK_STR(reason, "editor's temporary file");
	CHECK_INT(name("poster.jpg", &n), -1);
	CHECK_STR(reason, "not a .gmi or .txt file");
	CHECK_INT(name("2026-04-05-x.gmi.bak", &n), -1);
	CHECK_STR(reason, "not a .gmi or .txt file");
	CHECK_INT(name("2026-04-05-x", &n), -1);
	CHECK_INT(name("gmi", &n), -1);
	CHECK_INT(name("", &n), -1);
	CHECK_INT(name("x\n=> evil.gmi", &n), -1);
	CHECK_STR(reason, "file name with control characters or invalid UTF-8");
	CHECK_INT(name("caf\xe9.gmi", &n), -1);
	CHECK_STR(reason, "file name with control characters or invalid UTF-8");
}

static void
test_names_long(void)
{
	struct review_name	n;
	char			s[REVIEW_NAME_MAX + 2];

	memset(s, 'a', REVIEW_NAME_MAX - 4);
	memcpy(s + REVIEW_NAME_MAX - 4, ".gmi", 5);
	CHECK_INT(name(s, &n), 0);
	CHECK_INT(strlen(n.slug), REVIEW_NAME_MAX - 4);
	memset(s, 'a', REVIEW_NAME_MAX - 3);
	memcpy(s + REVIEW_NAME_MAX - 3, ".gmi", 5);
	CHECK_INT(name(s, &n), -1);
	CHECK_STR(reason, "file name too long");
}

static void
test_warning_text(void)
{
	CHECK_STR(review_warning_text(REVIEW_WARN_TOO_MANY_TAGS),
	    "more than 16 tags or 8 directors; the rest ignored");
	CHECK_STR(review_warning_text(REVIEW_WARN_LONG_VALUE),
	    "a value longer than 255 bytes was cut");
	CHECK_STR(review_warning_text(REVIEW_WARN_BAD_YEAR),
	    "Year: is not a four-digit year since 1888; ignored");
	CHECK_STR(review_warning_text(0x8000), "unknown problem");
	CHECK(strcmp(review_warning_text(REVIEW_WARN_NO_TITLE), "unknown problem") != 0);
	CHECK(strcmp(review_warning_text(REVIEW_WARN_BAD_DATE), "unknown problem") != 0);
	CHECK(strcmp(review_warning_text(REVIEW_WARN_TOO_MANY_KEYS), "unknown problem") != 0);
	CHECK(strcmp(review_warning_text(REVIEW_WARN_BAD_TAG), "unknown problem") != 0);
}

int
main(void)
{
	test_full_review();
	test_no_title();
	test_metadata_ends();
	test_unknown_keys();
	test_tags();
	test_dates_and_years();
	test_date_times();
	test_film_keys();
	test_key_typos();
	test_line_endings_and_bom();
	test_title();
	test_controls();
	test_long_value();
	test_fatal();
	test_slugs();
	test_names();
	test_names_long();
	test_warning_text();
	return harness_done();
}
