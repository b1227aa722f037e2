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

static void
test_full_review(void)
{
	const char	*text =
	    "# De rouille et d'os (Rust and Bone)\n"
	    "Director: Jacques Audiard\n"
	    "Year: 2012\n"
	    "Country: France, Belgium\n"
	    "Starring: Marion Cotillard, Matthias Schoenaerts\n"
	    "Rating: 4/5\n"
	    "Tags: drama, Romance , DRAMA\n"
	    "Seen at: Cinéma du Panthéon\n"
	    "\n"
	    "Ali arrives in Antibes.\n";

	CHECK_INT(parse(text), 0);
	CHECK_STR(r.title, "De rouille et d'os (Rust and Bone)");
	CHECK_STR(r.director, "Jacques Audiard");
	CHECK_STR(r.director_slug, "jacques-audiard");
	CHECK_INT(r.year, 2012);
	CHECK_STR(r.country, "France, Belgium");
	CHECK_STR(r.starring, "Marion Cotillard, Matthias Schoenaerts");
	CHECK_STR(r.rating, "4/5");
	CHECK_INT(r.ntags, 2);
	CHECK_STR(r.tags[0].name, "drama");
	CHECK_STR(r.tags[1].name, "Romance");
	CHECK_STR(r.tags[1].slug, "romance");
	CHECK_INT(r.nextra, 1);
	CHECK_STR(r.extra[0].key, "Seen at");
	CHECK_STR(r.extra[0].value, "Cinéma du Panthéon");
	CHECK_STR(text + r.body, "Ali arrives in Antibes.\n");
	CHECK_INT(r.warnings, 0);
	CHECK_STR(r.date, "");
}

static void
test_metadata_edges(void)
{
	CHECK_INT(parse("Director: Nobody\n\nJust text.\n"), 0);
	CHECK_INT(r.warnings & REVIEW_WARN_NO_TITLE, REVIEW_WARN_NO_TITLE);
	CHECK_STR(r.director, "Nobody");

	/* Metadata ends at the first line that is not "Key: value". */
	CHECK_INT(parse("# T\nYear: 1999\nThe film opens on a road.\nTags: x\n"), 0);
	CHECK_INT(r.year, 1999);
	CHECK_INT(r.ntags, 0);

	/* A link is not metadata. */
	CHECK_INT(parse("# T\n=> gemini://x/ y\n"), 0);
	CHECK_INT(r.nextra, 0);

	CHECK_INT(parse("# T\r\nDirector: Claire Denis\r\n\r\nBody\r\n"), 0);
	CHECK_STR(r.title, "T");
	CHECK_STR(r.director, "Claire Denis");

	CHECK_INT(parse("\xef\xbb\xbf# With BOM\n"), 0);
	CHECK_STR(r.title, "With BOM");

	CHECK_INT(parse("# First\n\n# Second\n"), 0);
	CHECK_STR(r.title, "First");

	CHECK_INT(parse(""), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_NO_TITLE);

	CHECK_INT(parse("# T\nDate: 2026-02-30\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_STR(r.date, "");
	CHECK_INT(parse("# T\nDate: yesterday\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_DATE);
	CHECK_INT(parse("# T\nDate: 2024-02-29\n"), 0);
	CHECK_STR(r.date, "2024-02-29");
	CHECK_INT(parse("# T\nYear: 19x9\n"), 0);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_YEAR);
	CHECK_INT(r.year, 0);
	CHECK_INT(parse("# T\nTags: a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n"), 0);
	CHECK_INT(r.ntags, REVIEW_TAGS_MAX);
	CHECK_INT(r.warnings, REVIEW_WARN_TOO_MANY_TAGS);
	CHECK_INT(parse("# T\nTags: ---, ok\n"), 0);
	CHECK_INT(r.ntags, 1);
	CHECK_INT(r.warnings, REVIEW_WARN_BAD_TAG);
}

static void
test_long_value(void)
{
	char	text[600];

	memset(text, 0, sizeof(text));
	memcpy(text, "# ", 2);
	memset(text + 2, 'a', 299);
	memcpy(text + 301, "\xc3\xa9\n", 3);	/* é straddles the cut */
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
	CHECK_INT(parse("# T\n\xc0\xaf\n"), -1);
	CHECK_STR(reason, "not valid UTF-8");
	CHECK_INT(parse("# T\n\xe2\x82"), -1);
	if ((big = calloc(1, REVIEW_FILE_MAX + 2)) != NULL) {
		memset(big, 'a', REVIEW_FILE_MAX + 1);
		CHECK_INT(parse(big), -1);
		CHECK_STR(reason, "larger than 1 MiB");
		free(big);
	}
}

static void
test_slugs(void)
{
	CHECK_STR(slug("Drama"), "drama");
	CHECK_STR(slug(" drama "), "drama");
	CHECK_STR(slug("Film Noir"), "film-noir");
	CHECK_STR(slug("Jacques Audiard"), "jacques-audiard");
	CHECK_STR(slug("Éric Rohmer"), "éric-rohmer");
	CHECK_STR(slug("ŒUVRE"), "œuvre");
	CHECK_STR(slug("Luis Buñuel"), "luis-buñuel");
	CHECK_STR(slug("Science-Fiction!!"), "science-fiction");
	CHECK_STR(slug("d'os"), "d-os");
	CHECK_STR(slug("l\xe2\x80\x99" "amour"), "l-amour");
	CHECK_STR(slug("黒澤 明"), "黒澤-明");
	CHECK(slug("---") == NULL);
	CHECK(slug("") == NULL);
}

static void
test_names(void)
{
	struct review_name	n;

	CHECK_INT(review_name_parse("2026-04-05-rust-and-bone.gmi", &n, &reason), 0);
	CHECK_STR(n.date, "2026-04-05");
	CHECK_STR(n.slug, "rust-and-bone");
	CHECK_INT(review_name_parse("2026-04-05-notes.txt", &n, &reason), 0);
	CHECK_STR(n.slug, "notes");
	CHECK_INT(review_name_parse("undated.gmi", &n, &reason), 0);
	CHECK_STR(n.date, "");
	CHECK_STR(n.slug, "undated");
	CHECK_INT(review_name_parse("2026-13-01-x.gmi", &n, &reason), 0);
	CHECK_STR(n.date, "");
	CHECK_INT(review_name_parse(".hidden.gmi", &n, &reason), -1);
	CHECK_INT(review_name_parse(".draft.gmi.swp", &n, &reason), -1);
	CHECK_INT(review_name_parse("review.gmi~", &n, &reason), -1);
	CHECK_INT(review_name_parse("#review.gmi#", &n, &reason), -1);
	CHECK_INT(review_name_parse("poster.jpg", &n, &reason), -1);
	CHECK_STR(reason, "not a .gmi or .txt file");
}

static void
test_dates(void)
{
	CHECK_INT(date_valid("2024-02-29", 10), 1);
	CHECK_INT(date_valid("2023-02-29", 10), 0);
	CHECK_INT(date_valid("1900-02-29", 10), 0);
	CHECK_INT(date_valid("2000-02-29", 10), 1);
	CHECK_INT(date_valid("2026-04-31", 10), 0);
	CHECK_INT(date_valid("2026-00-10", 10), 0);
	CHECK_INT(date_valid("0999-01-01", 10), 0);
	CHECK_INT(date_valid("2026/01/01", 10), 0);
	CHECK_INT(date_valid("2026-1-01", 9), 0);
}

int
main(void)
{
	test_full_review();
	test_metadata_edges();
	test_long_value();
	test_fatal();
	test_slugs();
	test_names();
	test_dates();
	return harness_done();
}
