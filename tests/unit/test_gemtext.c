/* Unit tests of the Gopher renderings of gemtext: menus and plain text. */

#include <string.h>

#include "buf.h"
#include "gemtext.h"
#include "harness.h"

/* The router's answers: an input URL and a page that is a menu without a '/' at its end. */
static char
type_of(const char *selector)
{
	if (strcmp(selector, "/reviews/x/respond") == 0)
		return '7';
	return strcmp(selector, "/reviews/x/responses/1") == 0 ? '1' : 0;
}

/* The menu of /reviews/x.gmi is /reviews/x/, as the router says of an indexed review. */
static int
menu_of(const void *arg, const char *selector, char *out, size_t size)
{
	(void)arg;
	if (strcmp(selector, "/reviews/x.gmi") != 0 || size < sizeof("/reviews/x/"))
		return 0;
	memcpy(out, "/reviews/x/", sizeof("/reviews/x/"));
	return 1;
}

static const struct gopher_origin	origin = { "example.org", 70, "/reviews/x.gmi", NULL, NULL, NULL };
static const struct gopher_origin	list = { "example.org", 70, "/tags/", NULL, NULL, NULL };
static const struct gopher_origin	review = { "example.org", 70, "/reviews/x/", type_of, NULL, NULL };

static const char *
menu(const char *text, const struct gopher_origin *o)
{
	static struct buf	out;

	buf_free(&out);
	gemtext_menu(text, strlen(text), o, &out);
	return out.data;
}

static const char *
text(const char *gmi)
{
	static struct buf	out;

	buf_free(&out);
	gemtext_text(gmi, strlen(gmi), &origin, &out);
	return out.data;
}

static void
test_menu(void)
{
	CHECK_STR(menu("# Tags\n\n=> /tags/drama/ drama (2)\n", &list),
	    "iTags\t\texample.org\t70\r\n"
	    "i\t\texample.org\t70\r\n"
	    "1drama (2)\t/tags/drama/\texample.org\t70\r\n"
	    ".\r\n");
	CHECK_STR(menu("=> x.gmi Relative\n=> ../tags/ Up\n=> poster.png Poster\n"
	    "=> anim.gif Gif\n=> film.mp4 Film\n", &origin),
	    "0Relative\t/reviews/x.gmi\texample.org\t70\r\n"
	    "1Up\t/tags/\texample.org\t70\r\n"
	    "IPoster\t/reviews/poster.png\texample.org\t70\r\n"
	    "gGif\t/reviews/anim.gif\texample.org\t70\r\n"
	    "9Film\t/reviews/film.mp4\texample.org\t70\r\n"
	    ".\r\n");
	CHECK_STR(menu("=> gemini://other.example/ Elsewhere\n=> https://w.example/a\n", &list),
	    "hElsewhere\tURL:gemini://other.example/\texample.org\t70\r\n"
	    "hhttps://w.example/a\tURL:https://w.example/a\texample.org\t70\r\n"
	    ".\r\n");
	/* Selectors go out percent-encoded: the server decodes them once. */
	CHECK_STR(menu("=> 100%25%20sure.gmi Sure\n=> /directors/agn%C3%A8s/ Agnès\n", &origin),
	    "0Sure\t/reviews/100%25%20sure.gmi\texample.org\t70\r\n"
	    "1Agnès\t/directors/agn%C3%A8s/\texample.org\t70\r\n"
	    ".\r\n");
	/* A link out of the root is shown as text, never as an item. */
	CHECK_STR(menu("=> /../../etc/passwd Sneaky\n", &list),
	    "iSneaky\t\texample.org\t70\r\n.\r\n");
	/* Tabs cannot end a field early. */
	CHECK_STR(menu("a\tb\n", &list), "ia b\t\texample.org\t70\r\n.\r\n");
	CHECK_STR(menu("```\n   pre  kept\n```\n* item\n> quote\n", &list),
	    "i   pre  kept\t\texample.org\t70\r\n"
	    "i* item\t\texample.org\t70\r\n"
	    "i> quote\t\texample.org\t70\r\n"
	    ".\r\n");
	CHECK_STR(menu("", &list), ".\r\n");
	/* Where the server asks for text, the item is a search (type 7). */
	CHECK_STR(menu("=> /reviews/x/respond Leave a response\n=> /reviews/x.gmi Read\n", &review),
	    "7Leave a response\t/reviews/x/respond\texample.org\t70\r\n"
	    "0Read\t/reviews/x.gmi\texample.org\t70\r\n"
	    ".\r\n");
	CHECK_STR(menu("=> /reviews/x/respond Leave a response\n", &list),
	    "9Leave a response\t/reviews/x/respond\texample.org\t70\r\n.\r\n");
	/* A page the server makes a menu of is one (type 1), though its name has no '/' at the end. */
	CHECK_STR(menu("=> /reviews/x/responses/1 Entry 1\n=> /reviews/x/responses/2 Entry 2\n", &review),
	    "1Entry 1\t/reviews/x/responses/1\texample.org\t70\r\n"
	    "9Entry 2\t/reviews/x/responses/2\texample.org\t70\r\n.\r\n");
}

static void
test_review_menus(void)
{
	static const struct gopher_origin	tags = { "example.org", 70, "/tags/", NULL, menu_of, NULL };
	static const struct gopher_origin	own = { "example.org", 70, "/reviews/x/", NULL, menu_of, NULL };
	struct buf				out = { 0 };

	/* A list links a review to its menu; other files stay files. */
	CHECK_STR(menu("=> /reviews/x.gmi X\n=> /reviews/y.gmi Y\n", &tags),
	    "1X\t/reviews/x/\texample.org\t70\r\n"
	    "0Y\t/reviews/y.gmi\texample.org\t70\r\n"
	    ".\r\n");
	/* The review's own menu links to its text. */
	CHECK_STR(menu("=> /reviews/x.gmi Read the review\n", &own),
	    "0Read the review\t/reviews/x.gmi\texample.org\t70\r\n.\r\n");
	gemtext_text("=> /reviews/x.gmi X\n", strlen("=> /reviews/x.gmi X\n"), &tags, &out);
	CHECK_STR(out.data, "[1] X\r\n\r\nReferences\r\n\r\n"
	    "[1] gopher://example.org:70/1/reviews/x/\r\n");
	buf_free(&out);
}

static void
test_wrapping(void)
{
	const char	*m;
	char		 line[200];
	int		 i;

	memset(line, 0, sizeof(line));
	memset(line, 'w', 30);
	line[30] = ' ';
	memset(line + 31, 'v', 30);
	line[61] = ' ';
	memset(line + 62, 'u', 30);
	m = menu(line, &list);
	CHECK(strstr(m, "i" "wwwwwwwwwwwwwwwwwwwwwwwwwwwwww vvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\t") != NULL);
	CHECK(strstr(m, "iuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\t") != NULL);
	/* Columns are characters: 69 two-byte letters fit in one line. */
	memset(line, 0, sizeof(line));
	for (i = 0; i < 69; i++)
		memcpy(line + 2 * i, "\xc3\xa9", 2);
	m = text(line);
	CHECK_INT(strlen(m), 138 + 2);	/* one line and its CRLF */
	CHECK(strncmp(m, line, 138) == 0);
}

/* A CJK character takes two columns: 35 of them fill a line of 70. */
static void
test_wide(void)
{
	char		 line[400], *p;
	const char	*m;
	int		 i;

	for (p = line, i = 0; i < 80; i++, p += 3)
		memcpy(p, "\xe8\xaa\x9e", 3);	/* 語 */
	*p = '\0';
	m = text(line);
	CHECK(strncmp(m, line, 105) == 0);
	CHECK(strncmp(m + 105, "\r\n", 2) == 0);
	CHECK(strncmp(m + 107, line, 105) == 0);
	CHECK(strncmp(m + 212, "\r\n", 2) == 0);
	/* A menu's display string is cut before column 70, never inside a character. */
	m = menu("# \xe8\xaa\x9e\xe8\xaa\x9e\n", &list);
	CHECK_STR(m, "i\xe8\xaa\x9e\xe8\xaa\x9e\t\texample.org\t70\r\n.\r\n");
	memcpy(line, "=> /x/ ", 7);
	for (p = line + 7, i = 0; i < 40; i++, p += 3)
		memcpy(p, "\xe8\xaa\x9e", 3);
	*p = '\0';
	m = menu(line, &list);
	CHECK(strncmp(m + 1, line + 7, 34 * 3) == 0);
	CHECK(m[1 + 34 * 3] == '\t');
	/* A long heading in text is wrapped too, its underline one line long. */
	memcpy(line, "# ", 2);
	for (p = line + 2, i = 0; i < 40; i++, p += 3)
		memcpy(p, "\xe8\xaa\x9e", 3);
	*p = '\0';
	m = text(line);
	CHECK(strncmp(m + 105, "\r\n", 2) == 0);
	CHECK(strncmp(m + 107 + 15, "\r\n======", 8) == 0);
}

static void
test_text(void)
{
	CHECK_STR(text("# Title\n## Sub\n### Small\nPlain.\n"),
	    "Title\r\n=====\r\nSub\r\n---\r\nSmall\r\nPlain.\r\n");
	/* Text ends at the close: no lone "." ends it, and dots go out as written. */
	CHECK_STR(text(".\n.dot\nok\n"), ".\r\n.dot\r\nok\r\n");
	CHECK_STR(text("=> /tags/noir/ Noir\n=> https://w.example/ Web\n"),
	    "[1] Noir\r\n[2] Web\r\n\r\nReferences\r\n\r\n"
	    "[1] gopher://example.org:70/1/tags/noir/\r\n"
	    "[2] https://w.example/\r\n");
	CHECK_STR(text("```\n. inside pre\n```\n"), ". inside pre\r\n");
	CHECK_STR(text("* one two three four five six seven eight nine ten eleven twelve thirteen\n"),
	    "  * one two three four five six seven eight nine ten eleven twelve\r\n"
	    "    thirteen\r\n");
	CHECK_STR(text("> quoted words\n"), "> quoted words\r\n");
	CHECK_STR(text("caf\xc3\xa9\n"), "caf\xc3\xa9\r\n");
}

int
main(void)
{
	test_menu();
	test_review_menus();
	test_wrapping();
	test_wide();
	test_text();
	return harness_done();
}
