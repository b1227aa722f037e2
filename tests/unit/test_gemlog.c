/* Unit tests of the generated pages: pure rendering from entries. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gemlog.h"
#include "gemtext.h"
#include "guestbook.h"
#include "harness.h"

static struct tag	tags_a[] = { { "Drama", "drama", 2 }, { "Nouvelle Vague", "nouvelle-vague", 2 } };
static struct tag	tags_b[] = { { "drama", "drama", 2 } };
static struct tag	varda[] = { { "Agnès Varda", "agnès-varda", 2 } };
static struct entry	a = { .file = "2026-01-10-a.gmi", .slug = "2026-01-10-a",
			    .title = "A <Film> & Co", .date = "2026-01-10",
			    .directors = varda, .ndirectors = 1,
			    .tags = tags_a, .ntags = 2, .summary = "Sea & sand.", .rating = 8 };
static struct entry	b = { .file = "2026-02-20-b.gmi", .slug = "2026-02-20-b",
			    .title = "B", .date = "2026-02-20", .tags = tags_b,
			    .ntags = 1, .summary = "", .rating = -1,
			    .published = 1771579800LL };	/* 2026-02-20T09:30:00Z */
static struct page	*pages;
static size_t		 npages;

static const char *
page(const char *path)
{
	const struct page	*p = gemlog_find(pages, npages, path);

	return p != NULL ? p->body : NULL;
}

static const char *
type(const char *path)
{
	const struct page	*p = gemlog_find(pages, npages, path);

	return p != NULL && p->type != NULL ? p->type : "gemtext";
}

#define BAR5	"\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88"
#define BAR20	BAR5 BAR5 BAR5 BAR5
#define BAR40	BAR20 BAR20

/* The generated robots.txt: prefixes only, whatever the reviews. */
#define ROBOTS	"# Input URLs are for people, not crawlers.\nUser-agent: *\n" \
		"Disallow: /guestbook/sign\nDisallow: /guestbook/notes/\nDisallow: /search\n"

/* robots.txt is the same bytes for one review and for fifty. */
static void
test_robots_fixed(void)
{
	static struct entry	 many[50];
	static char		 names[50][2][32];
	struct entry		*list[50];
	struct site		 site = { .title = "T", .base_url = "gemini://example.org",
				    .author = "A" };
	const char		*reason;
	char			*one;
	size_t			 i;

	for (i = 0; i < 50; i++) {
		many[i] = b;
		snprintf(names[i][0], sizeof(names[i][0]), "2026-02-%02zu-r%zu.gmi", 1 + i % 28, i);
		snprintf(names[i][1], sizeof(names[i][1]), "2026-02-%02zu-r%zu", 1 + i % 28, i);
		many[i].file = names[i][0];
		many[i].slug = names[i][1];
		CHECK_INT(gemlog_link(&many[i]), 0);
		list[i] = &many[i];
	}
	gemlog_sort(list, 50);
	CHECK_INT(gemlog_render(list, 1, &site, &pages, &npages, &reason), 0);
	one = strdup(page("/robots.txt"));
	gemlog_pages_free(pages, npages);
	CHECK_INT(gemlog_render(list, 50, &site, &pages, &npages, &reason), 0);
	CHECK_STR(page("/robots.txt"), one);
	CHECK_STR(one, ROBOTS);
	gemlog_pages_free(pages, npages);
	free(one);
	for (i = 0; i < 50; i++)
		free(many[i].link);
}

static void
test_pages(void)
{
	struct entry	*list[] = { &a, &b };
	struct site	 site = { .intro = "# Hello\n\nIntro.", .intro_len = 15,
			    .title = "Hello", .base_url = "gemini://example.org",
			    .author = "Ann Author" };
	const char	*reason;

	CHECK_INT(gemlog_link(&a), 0);
	CHECK_INT(gemlog_link(&b), 0);
	CHECK_STR(a.link, "=> /reviews/2026-01-10-a.gmi 2026-01-10 - A <Film> & Co\n");
	gemlog_sort(list, 2);
	CHECK(list[0] == &b);
	CHECK_INT(gemlog_render(list, 2, &site, &pages, &npages, &reason), 0);
	CHECK_STR(page("/"), "# Hello\n\nIntro.\n\n## Latest reviews\n\n"
	    "=> /reviews/2026-02-20-b.gmi 2026-02-20 - B\n"
	    "=> /reviews/2026-01-10-a.gmi 2026-01-10 - A <Film> & Co\n"
	    "\n=> /search Search the reviews\n=> /reviews/ All reviews\n=> /tags/ Reviews by tag\n"
	    "=> /directors/ Reviews by director\n=> /years/ Reviews by year\n"
	    "=> /ratings/ Reviews by rating\n=> /stats/ Statistics\n=> /atom.xml Atom feed\n"
	    "=> /guestbook/ Guestbook\n");
	CHECK_STR(page("/reviews/"), "# Reviews\n\n"
	    "=> /reviews/2026-02-20-b.gmi 2026-02-20 - B\n"
	    "=> /reviews/2026-01-10-a.gmi 2026-01-10 - A <Film> & Co\n"
	    "\n=> /atom.xml Atom feed of these reviews\n=> /reviews/ All reviews\n=> / Home\n");
	/* Years and ratings, newest and best first; unrated reviews are in no rating. */
	CHECK_STR(page("/years/"), "# Reviews by year\n\n=> /years/2026/ 2026 (2)\n"
	    "\n=> /reviews/ All reviews\n=> / Home\n");
	CHECK(strstr(page("/years/2026/"), "# Reviews of 2026\n\n=> /reviews/2026-02-20-b.gmi") != NULL);
	CHECK_STR(page("/ratings/"), "# Reviews by rating\n\n=> /ratings/4/ 4/5 (1)\n"
	    "\n=> /reviews/ All reviews\n=> / Home\n");
	CHECK(strstr(page("/ratings/4/"), "# Rated 4/5\n\n=> /reviews/2026-01-10-a.gmi") != NULL);
	CHECK(page("/ratings/0/") == NULL);
	/* Bars as long as each share of the largest, in one preformatted block a section. */
	CHECK(strstr(page("/stats/"), "# Statistics\n\n2 reviews.\n\n## Per year\n\n```Per year\n"
	    "2026                     \xe2\x96\x88\xe2\x96\x88") != NULL);
	CHECK(strstr(page("/stats/"), "```Most used tags\nDrama                    " BAR40 " 2\n"
	    "Nouvelle Vague           " BAR20 " 1\n```\n") != NULL);
	CHECK(strstr(page("/stats/"), "```Most reviewed directors\nAgnès Varda              " BAR40
	    " 1\n```\n") != NULL);
	/* "Drama" and "drama" once each: the oldest review's spelling. */
	CHECK_STR(page("/tags/"), "# Tags\n\n=> /tags/drama/ Drama (2)\n"
	    "=> /tags/nouvelle-vague/ Nouvelle Vague (1)\n"
	    "\n=> /reviews/ All reviews\n=> / Home\n");
	CHECK_STR(page("/tags/nouvelle-vague/"), "# Reviews tagged Nouvelle Vague\n\n"
	    "=> /reviews/2026-01-10-a.gmi 2026-01-10 - A <Film> & Co\n"
	    "\n=> /tags/nouvelle-vague/atom.xml Atom feed of these reviews\n"
	    "=> /reviews/ All reviews\n=> / Home\n");
	/* A tag's own feed, with the tags as categories and the author. */
	CHECK_STR(type("/tags/drama/atom.xml"), "application/atom+xml");
	CHECK(strstr(page("/tags/drama/atom.xml"), "<title>Reviews tagged Drama</title>") != NULL);
	CHECK(strstr(page("/tags/drama/atom.xml"),
	    "<link rel=\"self\" href=\"gemini://example.org/tags/drama/atom.xml\"/>") != NULL);
	CHECK(strstr(page("/tags/nouvelle-vague/atom.xml"), "2026-02-20-b") == NULL);
	CHECK(strstr(page("/atom.xml"), "<category term=\"nouvelle-vague\" label=\"Nouvelle Vague\"/>")
	    != NULL);
	CHECK(strstr(page("/atom.xml"), "<author><name>Ann Author</name></author>") != NULL);
	CHECK(strstr(page("/atom.xml"), "<updated>2026-02-20T09:30:00Z</updated>") != NULL);
	CHECK_STR(page("/directors/"), "# Directors\n\n"
	    "=> /directors/agn%C3%A8s-varda/ Agnès Varda (1)\n"
	    "\n=> /reviews/ All reviews\n=> / Home\n");
	CHECK(page("/directors/agnès-varda/") != NULL);
	CHECK(page("/tags/nope/") == NULL);
	CHECK_STR(type("/atom.xml"), "application/atom+xml");
	CHECK(strstr(page("/atom.xml"), "<title>A &lt;Film&gt; &amp; Co</title>") != NULL);
	CHECK(strstr(page("/atom.xml"), "<summary>Sea &amp; sand.</summary>") != NULL);
	CHECK(strstr(page("/atom.xml"), "<id>gemini://example.org/reviews/2026-01-10-a.gmi</id>") != NULL);
	CHECK_STR(type("/robots.txt"), "text/plain; charset=utf-8");
	CHECK_STR(page("/robots.txt"), ROBOTS);
	gemlog_pages_free(pages, npages);

	site.own_feed = site.own_robots = 1;
	site.intro = NULL;
	CHECK_INT(gemlog_render(list, 0, &site, &pages, &npages, &reason), 0);
	CHECK(page("/atom.xml") == NULL);
	CHECK(page("/robots.txt") == NULL);
	CHECK_STR(page("/"), "# Hello\n\n## Latest reviews\n\nNo reviews yet.\n"
	    "\n=> /search Search the reviews\n=> /reviews/ All reviews\n=> /tags/ Reviews by tag\n"
	    "=> /directors/ Reviews by director\n=> /years/ Reviews by year\n"
	    "=> /ratings/ Reviews by rating\n=> /stats/ Statistics\n=> /atom.xml Atom feed\n"
	    "=> /guestbook/ Guestbook\n");
	gemlog_pages_free(pages, npages);
	free(a.link);
	free(b.link);
}

/* The spelling most reviews use names a tag, whatever the newest says. */
static void
test_tag_spelling(void)
{
	struct tag	 t_new[] = { { "DRAMA", "drama", 2 } }, t_mid[] = { { "drama", "drama", 2 } };
	struct tag	 t_old[] = { { "drama", "drama", 2 } };
	struct entry	 e1 = { .file = "2025-01-01-x.gmi", .slug = "2025-01-01-x", .title = "X",
			    .date = "2025-01-01", .tags = t_old, .ntags = 1, .summary = "", .rating = -1 };
	struct entry	 e2 = { .file = "2026-02-01-y.gmi", .slug = "2026-02-01-y", .title = "Y",
			    .date = "2026-02-01", .tags = t_mid, .ntags = 1, .summary = "", .rating = -1 };
	struct entry	 e3 = { .file = "2026-03-01-z.gmi", .slug = "2026-03-01-z", .title = "Z",
			    .date = "2026-03-01", .tags = t_new, .ntags = 1, .summary = "", .rating = -1 };
	struct entry	*list[] = { &e3, &e2, &e1 };
	struct site	 site = { .title = "T", .base_url = "gemini://example.org" };
	struct page	*pg;
	const char	*reason;
	size_t		 n;

	CHECK_INT(gemlog_link(&e1) | gemlog_link(&e2) | gemlog_link(&e3), 0);
	CHECK_INT(gemlog_render(list, 3, &site, &pg, &n, &reason), 0);
	CHECK(strstr(gemlog_find(pg, n, "/tags/")->body, "=> /tags/drama/ drama (3)\n") != NULL);
	CHECK(strncmp(gemlog_find(pg, n, "/tags/drama/")->body, "# Reviews tagged drama\n", 23) == 0);
	CHECK(strstr(gemlog_find(pg, n, "/years/")->body,
	    "=> /years/2026/ 2026 (2)\n=> /years/2025/ 2025 (1)\n") != NULL);
	gemlog_pages_free(pg, n);
	free(e1.link);
	free(e2.link);
	free(e3.link);
}

static void
test_footer(void)
{
	struct entry		*list[] = { &b, &a };
	struct neighbours	 nb;
	struct buf		 f = { 0 };

	CHECK_INT(gemlog_link(&a) | gemlog_link(&b), 0);
	gemlog_neighbours(list, 2, &a, &nb);
	gemlog_footer(&a, &nb, &f);
	/* b shares the tag drama: related, and the newer one. */
	CHECK_STR(f.data, "\nPublished 2026-01-10.\n\n=> /directors/agn%C3%A8s-varda/ More by Agnès Varda\n"
	    "=> /tags/drama/ Tagged Drama\n=> /tags/nouvelle-vague/ Tagged Nouvelle Vague\n"
	    "\n## Related reviews\n\n=> /reviews/2026-02-20-b.gmi 2026-02-20 - B\n\n"
	    "=> /reviews/2026-02-20-b.gmi Newer: B\n"
	    "=> /reviews/ All reviews\n=> / Home\n");
	buf_free(&f);
	/* A draft is listed nowhere: no neighbours. */
	gemlog_neighbours(list, 1, &a, &nb);
	CHECK(nb.newer == NULL && nb.older == NULL && nb.nrelated == 0);
	free(a.link);
	free(b.link);
	a.link = b.link = NULL;
}

/* Related reviews: directors count double, then the nearest in time; at most GEMLOG_RELATED. */
static void
test_related(void)
{
	struct tag		 d[] = { { "D", "d", 2 } }, t1[] = { { "x", "x", 2 } };
	struct tag		 t2[] = { { "x", "x", 2 }, { "y", "y", 2 } };
	struct entry		 v[9], *list[9];
	struct neighbours	 nb;
	char			 files[9][32];
	size_t			 i;

	memset(v, 0, sizeof(v));
	for (i = 0; i < 9; i++) {
		snprintf(files[i], sizeof(files[i]), "2026-01-%02zu-f.gmi", 20 - i);
		v[i].file = files[i];
		memcpy(v[i].date, files[i], 10);
		v[i].rating = -1;
		list[i] = &v[i];
	}
	v[4].tags = t2, v[4].ntags = 2;		/* the review asked about */
	v[0].directors = d, v[0].ndirectors = 1;	/* shares nothing */
	v[1].tags = t1, v[1].ntags = 1;		/* one tag, far */
	v[3].tags = t1, v[3].ntags = 1;		/* one tag, next to it */
	v[6].tags = t2, v[6].ntags = 2;		/* two tags */
	v[7].tags = t1, v[7].ntags = 1;
	v[8].tags = t1, v[8].ntags = 1;
	v[2].tags = t1, v[2].ntags = 1;
	gemlog_neighbours(list, 9, &v[4], &nb);
	CHECK(nb.newer == &v[3] && nb.older == &v[5]);
	CHECK_INT(nb.nrelated, GEMLOG_RELATED);
	CHECK(nb.related[0] == &v[6]);
	CHECK(nb.related[1] == &v[3]);
	CHECK(nb.related[2] == &v[2]);
	/* At one distance the newer side comes first; v[8], the farthest, is left out. */
	CHECK(nb.related[3] == &v[1]);
	CHECK(nb.related[4] == &v[7]);
}

/* 2026-11-25T09:00:00Z */
#define NOV25	1795597200LL

static struct gb_entry	r1 = { .id = 1, .time = NOV25, .slug = "2026-01-10-a",
			    .author = "anonymous", .text = "Loved it.", .text_len = 9 };
static struct gb_entry	r2 = { .id = 2, .time = NOV25 + 86400, .slug = "2026-01-10-a",
			    .author = "movieblort",
			    .fingerprint = "3f2a9c1b0000000000000000000000000000000000000000000000000000000a",
			    .text = "=> gemini://evil/ Click\n# Big\n\n* item\n```\n> q",
			    .text_len = 45 };
static struct gb_entry	r3 = { .id = 3, .time = NOV25, .slug = "",
			    .author = "anonymous", .text = "Hello capsule", .text_len = 13 };

static void
test_responses(void)
{
	struct gb_entry		 reply = { .id = 4, .time = NOV25 + 2 * 86400,
				    .slug = "2026-01-10-a", .author = "anonymous",
				    .text = "Agreed.", .text_len = 7, .parent = &r2 };
	struct gb_item		 v[] = { { &r1, 0 }, { &r2, 0 }, { &reply, 1 } };
	struct gemtext_reader	 rd;
	struct gemtext_line	 l;
	struct buf		 out = { 0 };
	int			 quotes = 0;

	gemlog_responses(v, 0, 0, &a, &out);
	CHECK_STR(out.data, "\n0 likes\n=> /reviews/2026-01-10-a/like Like this review\n"
	    "\n## No responses to A <Film> & Co yet\n\n"
	    "=> /reviews/2026-01-10-a/respond Leave a response\n"
	    "=> /reviews/2026-01-10-a/atom.xml Follow the responses (Atom feed)\n");
	buf_free(&out);
	gemlog_responses(v, 1, 1, &a, &out);
	CHECK_STR(out.data, "\n1 like\n=> /reviews/2026-01-10-a/like Like this review\n"
	    "\n## 1 response to A <Film> & Co\n\n"
	    "### anonymous, 2026-11-25\n> Loved it.\n"
	    "=> /reviews/2026-01-10-a/responses/1 Permalink of entry 1\n"
	    "=> /reviews/2026-01-10-a/responses/1/reply Reply to entry 1\n\n"
	    "=> /reviews/2026-01-10-a/respond Leave a response\n"
	    "=> /reviews/2026-01-10-a/atom.xml Follow the responses (Atom feed)\n");
	buf_free(&out);
	gemlog_responses(v, 2, 2, &a, &out);
	CHECK(strstr(out.data, "\n2 likes\n") != NULL);
	CHECK(strstr(out.data, "## 2 responses to A <Film> & Co\n") != NULL);
	CHECK(strstr(out.data, "### movieblort [3f2a9c1b], 2026-11-26\n") != NULL);
	/* Whatever a reader wrote, every line of it is a quote line. */
	CHECK(strstr(out.data, "> => gemini://evil/ Click\n> # Big\n>\n> * item\n> ```\n> > q\n") != NULL);
	gemtext_reader_init(&rd, out.data, out.len);
	while (gemtext_next(&rd, &l)) {
		CHECK(l.kind != GEMTEXT_TOGGLE && l.kind != GEMTEXT_PRE && l.kind != GEMTEXT_LIST);
		if (l.kind == GEMTEXT_LINK)
			CHECK(l.n > 23 && strncmp(l.s, " /reviews/2026-01-10-a/", 23) == 0);
		if (l.kind == GEMTEXT_HEADING)
			CHECK(memmem(l.s, l.n, "evil", 4) == NULL && memmem(l.s, l.n, "Big", 3) == NULL);
		quotes += l.kind == GEMTEXT_QUOTE;
	}
	CHECK_INT(quotes, 7);
	buf_free(&out);
}

/* Replies follow their parent with an arrow a level; deeper than shown, they say whom they answer. */
static void
test_threads(void)
{
	struct gb_entry		 reply = { .id = 4, .time = NOV25 + 2 * 86400,
				    .slug = "2026-01-10-a", .author = "anonymous",
				    .text = "Agreed.", .text_len = 7, .parent = &r2 };
	struct gb_item		 v[] = { { &r1, 0 }, { &r2, 0 }, { &reply, 1 } };
	struct buf		 out = { 0 };

	gemlog_responses(v, 3, 0, &a, &out);
	CHECK(strstr(out.data, "## 3 responses to A <Film> & Co\n") != NULL);
	CHECK(strstr(out.data, "> > q\n=> /reviews/2026-01-10-a/responses/2 Permalink of entry 2\n"
	    "=> /reviews/2026-01-10-a/responses/2/reply Reply to entry 2\n"
	    "\n### \xe2\x86\xb3 anonymous, 2026-11-27\n> Agreed.\n"
	    "=> /reviews/2026-01-10-a/responses/4 Permalink of entry 4\n") != NULL);
	buf_free(&out);
	v[2].depth = THREAD_DEPTH_SHOWN;
	gemlog_responses(v, 3, 0, &a, &out);
	CHECK(strstr(out.data, "### \xe2\x86\xb3\xe2\x86\xb3\xe2\x86\xb3 anonymous, 2026-11-27\n") != NULL);
	buf_free(&out);
	v[2].depth = THREAD_DEPTH_SHOWN + 2;
	gemlog_responses(v, 3, 0, &a, &out);
	CHECK(strstr(out.data, "### \xe2\x86\xb3\xe2\x86\xb3\xe2\x86\xb3 anonymous, 2026-11-27, "
	    "in reply to movieblort [3f2a9c1b]\n") != NULL);
	buf_free(&out);
}

/* The owner's entries carry the mark and no tag; a reader's, whatever their name, the tag and no mark. */
static void
test_owner_mark(void)
{
	struct gb_entry	 owner = { .id = 5, .time = NOV25, .slug = "", .author = "Ann",
			    .fingerprint = "aaaa1111000000000000000000000000000000000000000000000000000000aa",
			    .text = "Thanks.", .text_len = 7, .owner = 1 };
	struct gb_entry	 reader = { .id = 6, .time = NOV25, .slug = "", .author = "Ann (author)",
			    .fingerprint = "bbbb2222000000000000000000000000000000000000000000000000000000bb",
			    .text = "Me too.", .text_len = 7, .parent = &owner };
	struct gb_item	 v[] = { { &owner, 0 }, { &reader, 1 } };
	struct buf	 out = { 0 };

	gemlog_name(&out, &owner);
	CHECK_STR(out.data, OWNER_MARK " Ann (author)");
	buf_free(&out);
	gemlog_name(&out, &reader);
	CHECK_STR(out.data, "Ann (author) [bbbb2222]");
	buf_free(&out);
	gemlog_entry(v, 2, NULL, &out);
	CHECK(strstr(out.data, "### " OWNER_MARK " Ann (author), 2026-11-25\n> Thanks.\n") != NULL);
	CHECK(strstr(out.data, "### \xe2\x86\xb3 Ann (author) [bbbb2222], 2026-11-25\n") != NULL);
	CHECK(strstr(out.data, "aaaa1111") == NULL);
	buf_free(&out);
}

/* The page of one entry: whom it answers, where to reply, the review, its replies. */
static void
test_entry_page(void)
{
	struct gb_entry	 reply = { .id = 4, .time = NOV25 + 2 * 86400, .slug = "2026-01-10-a",
			    .author = "anonymous", .text = "Agreed.", .text_len = 7, .parent = &r2 };
	struct gb_entry	 deeper = { .id = 7, .time = NOV25 + 3 * 86400, .slug = "2026-01-10-a",
			    .author = "anonymous", .text = "Quite.", .text_len = 6, .parent = &reply };
	struct gb_item	 v[] = { { &reply, 0 }, { &deeper, 1 } };
	struct buf	 out = { 0 };

	gemlog_entry(v, 2, &a, &out);
	CHECK_STR(out.data, "# A response to A <Film> & Co\n\n"
	    "### anonymous, 2026-11-27, in reply to movieblort [3f2a9c1b]\n> Agreed.\n\n"
	    "=> /reviews/2026-01-10-a/responses/4/reply Reply to this response\n"
	    "=> /reviews/2026-01-10-a/responses/2 The entry it answers, entry 2\n"
	    "=> /reviews/2026-01-10-a.gmi The review: A <Film> & Co\n"
	    "\n## 1 reply\n"
	    "\n### \xe2\x86\xb3 anonymous, 2026-11-28\n> Quite.\n"
	    "=> /reviews/2026-01-10-a/responses/7 Permalink of entry 7\n"
	    "=> /reviews/2026-01-10-a/responses/7/reply Reply to entry 7\n"
	    "\n=> / Home\n");
	buf_free(&out);
	gemlog_entry(v, 1, NULL, &out);
	CHECK(strncmp(out.data, "# A note in the guestbook\n", 26) == 0);
	CHECK(strstr(out.data, "=> /guestbook/ The guestbook\n") != NULL);
	CHECK(strstr(out.data, "Reply to this note\n") != NULL);
	CHECK(strstr(out.data, "\n## ") == NULL);
	buf_free(&out);
}

static int
title_of(void *arg, const char *slug, char *out, size_t size)
{
	(void)arg;
	if (strcmp(slug, "2026-01-10-a") != 0)
		return -1;
	snprintf(out, size, "A");
	return 0;
}

static void
test_guestbook(void)
{
	struct gb_item		 v[] = { { &r3, 0 }, { &r1, 0 } };
	struct guestbook_page	 page = { title_of, NULL, 1, 0 };
	struct gb_entry		 gone = r1;
	struct buf		 out = { 0 };
	const char		*newer, *older;

	gemlog_guestbook(v, 2, &page, &out);
	CHECK(strncmp(out.data, "# Guestbook\n", 12) == 0);
	CHECK(strstr(out.data, "=> /guestbook/sign Sign the guestbook\n") != NULL);
	CHECK(strstr(out.data, "=> /guestbook/atom.xml Follow the guestbook (Atom feed)\n") != NULL);
	CHECK(strstr(out.data, "=> /reviews/2026-01-10-a/ In response to A\n> Loved it.\n"
	    "=> /reviews/2026-01-10-a/responses/1 Permalink of entry 1\n") != NULL);
	CHECK(strstr(out.data, "> Hello capsule\n=> /guestbook/notes/3 Permalink of entry 3\n"
	    "=> /guestbook/notes/3/reply Reply to entry 3\n") != NULL);
	/* Newest first: the later id comes first. */
	newer = strstr(out.data, "Hello capsule");
	older = strstr(out.data, "Loved it.");
	CHECK(newer != NULL && older != NULL && newer < older);
	buf_free(&out);
	gone.slug = "deleted-review";
	v[0].entry = &gone;
	gemlog_guestbook(v, 1, &page, &out);
	CHECK(strstr(out.data, "In response to a review no longer here") != NULL);
	/* Its entries cannot be answered: their pages are gone with the review. */
	CHECK(strstr(out.data, "/responses/") == NULL);
	buf_free(&out);
	gemlog_guestbook(v, 0, &page, &out);
	CHECK(strstr(out.data, "Nobody has written yet.") != NULL);
	CHECK(strstr(out.data, "Newer entries") == NULL && strstr(out.data, "Older entries") == NULL);
	buf_free(&out);
	/* Pages link to their neighbours; the second page's newer one is /guestbook/. */
	page.number = 2;
	page.older = 1;
	gemlog_guestbook(v, 1, &page, &out);
	CHECK(strstr(out.data, "=> /guestbook/ Newer entries\n") != NULL);
	CHECK(strstr(out.data, "=> /guestbook/page/3/ Older entries\n") != NULL);
	CHECK(strstr(out.data, "Nobody has written yet.") == NULL);
	buf_free(&out);
	page.number = 5;
	page.older = 0;
	gemlog_guestbook(v, 1, &page, &out);
	CHECK(strstr(out.data, "=> /guestbook/page/4/ Newer entries\n") != NULL);
	CHECK(strstr(out.data, "Older entries") == NULL);
	buf_free(&out);
}

static void
test_buf(void)
{
	struct buf	out = { 0 };
	size_t		i;

	for (i = 0; i < 1000; i++)
		buf_printf(&out, "%zu,", i);
	CHECK_INT(out.len, 3890);
	CHECK(strncmp(out.data + out.len - 4, "999,", 4) == 0);
	buf_free(&out);
	buf_put_path(&out, "/a b/é?#");
	CHECK_STR(out.data, "/a%20b/%C3%A9%3F%23");
	buf_free(&out);
	buf_put_xml(&out, "<\"'&>");
	CHECK_STR(out.data, "&lt;&quot;&apos;&amp;&gt;");
	buf_free(&out);
}

int
main(void)
{
	test_pages();
	test_robots_fixed();
	test_tag_spelling();
	test_footer();
	test_related();
	test_responses();
	test_threads();
	test_owner_mark();
	test_entry_page();
	test_guestbook();
	test_buf();
	return harness_done();
}
