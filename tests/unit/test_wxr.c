/*
 * Unit tests of wxr.c, the WordPress export reader: what it hands over of
 * the hand-written export, and the files it refuses (not XML, no channel,
 * no WordPress namespace, truncated, entity bombs and external entities).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "utf8.h"
#include "wxr.h"

#define SMALL	"tests/fixtures/wxr/small.xml"

/* Everything the sink was handed, as text, to look for what must not be there. */
struct seen {
	struct buf	 all;
	size_t		 items, authors, comments;
	char		 link[WXR_FIELD_MAX + 1];
	struct wxr_item	 first;		/* fields of the first item (no pointers kept) */
	unsigned long long comment_parents[16];
	char		 first_content[256];
};

static int
on_link(void *arg, const char *link)
{
	struct seen	*s = arg;

	snprintf(s->link, sizeof(s->link), "%s", link);
	buf_puts(&s->all, link);
	return 0;
}

static int
on_author(void *arg, const struct wxr_author *a)
{
	struct seen	*s = arg;

	s->authors++;
	buf_puts(&s->all, a->login);
	return 0;
}

static int
on_item(void *arg, const struct wxr_item *it)
{
	struct seen	*s = arg;
	size_t		 i;

	if (s->items++ == 0) {
		memcpy(&s->first, it, sizeof(*it));
		snprintf(s->first_content, sizeof(s->first_content), "%s",
		    it->content.data != NULL ? it->content.data : "");
		for (i = 0; i < it->ncomments && i < 16; i++)
			s->comment_parents[i] = it->comments[i].parent;
	}
	s->comments += it->ncomments;
	buf_puts(&s->all, it->title);
	buf_append(&s->all, it->content.data != NULL ? it->content.data : "", it->content.len);
	for (i = 0; i < it->ncomments; i++)
		buf_append(&s->all, it->comments[i].content.data != NULL ?
		    it->comments[i].content.data : "", it->comments[i].content.len);
	return 0;
}

static int
read_text(const char *xml, struct seen *s, char *why)
{
	const struct wxr_sink	sink = { s, on_link, on_author, on_item };

	memset(s, 0, sizeof(*s));
	return wxr_read_memory(xml, strlen(xml), &sink, why);
}

static void
test_small(void)
{
	struct seen		 s = { 0 };
	const struct wxr_sink	 sink = { &s, on_link, on_author, on_item };
	char			 why[WXR_WHY_MAX];

	CHECK_INT(wxr_read_file(SMALL, &sink, why), 0);
	CHECK_INT(s.items, 9);
	CHECK_INT(s.authors, 2);
	CHECK_INT(s.comments, 10);
	CHECK_STR(s.link, "https://reelnotes.example");
	CHECK_INT(s.first.id, 11);
	/* XML's entities are decoded once: the title's HTML entity is left to html2gmi. */
	CHECK_STR(s.first.title, "Heat &#8211; the diner scene");
	CHECK_STR(s.first.date_gmt, "2019-03-01 20:15:00");
	CHECK_STR(s.first.name, "heat");
	CHECK_STR(s.first.status, "publish");
	CHECK_STR(s.first.type, "post");
	CHECK_STR(s.first.creator, "margot");
	CHECK_INT(s.first.nterms, 4);
	CHECK(strncmp(s.first_content, "Directed by Michael Mann.", 25) == 0);
	CHECK_INT(s.comment_parents[0], 0);
	CHECK_INT(s.comment_parents[4], 104);
	buf_free(&s.all);
}

static void
test_refused(void)
{
	static const struct {
		const char	*xml, *why;
	} bad[] = {
		{ "", "not well-formed XML" },
		{ "{\"json\": true}", "not well-formed XML" },
		{ "<html><body>hi</body></html>", "not an RSS document" },
		{ "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><wp:x/></rss>",
		  "not a WordPress export: no channel" },
		{ "<rss><channel><item><title>t</title></item></channel></rss>",
		  "not a WordPress export: nothing in the WordPress namespace" },
		{ "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><title>t",
		  "not well-formed XML" },
		{ "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel></channel></rss><rss/>",
		  "not well-formed XML" },
		{ "<!DOCTYPE rss><rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel/></rss>",
		  "a document type declaration" },
	};
	struct seen	s;
	char		why[WXR_WHY_MAX];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CHECK_INT(read_text(bad[i].xml, &s, why), -1);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			printf("case %zu: %s\n", i, why);
		CHECK(strncmp(why, bad[i].why, strlen(bad[i].why)) == 0);
		buf_free(&s.all);
	}
	CHECK_INT(read_text("<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>"
	    "<item><wp:post_id>5</wp:post_id></item></channel></rss>", &s, why), 0);
	CHECK_INT(s.items, 1);
	buf_free(&s.all);
}

/* form with every '@' replaced by path, into out. */
static void
subst(const char *form, const char *path, char *out, size_t size)
{
	size_t	n = 0;

	for (; *form != '\0' && n + strlen(path) + 1 < size; form++) {
		if (*form == '@') {
			memcpy(out + n, path, strlen(path));
			n += strlen(path);
		} else
			out[n++] = *form;
	}
	out[n] = '\0';
}

/* External entities read nothing: a file with a known secret stays unread, whatever form the entity takes. */
static void
test_xxe(void)
{
	static const char *const forms[] = {
		"<!DOCTYPE rss [<!ENTITY x SYSTEM \"file://@\">]>"
		"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><title>&x;</title>"
		"<wp:post_id>1</wp:post_id></item></channel></rss>",
		"<!DOCTYPE rss [<!ENTITY % p SYSTEM \"file://@\"> %p;]>"
		"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel/></rss>",
		"<!DOCTYPE rss SYSTEM \"file://@\">"
		"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel/></rss>",
		"<?xml-stylesheet href=\"file://@\"?>"
		"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
		"<channel><item><title><xi:include href=\"file://@\" parse=\"text\"/></title>"
		"<wp:post_id>1</wp:post_id></item></channel></rss>",
	};
	char	 path[] = "/tmp/marquee-xxe-XXXXXX", xml[1024], why[WXR_WHY_MAX];
	struct seen s;
	size_t	 i;
	int	 fd = mkstemp(path);

	CHECK(fd != -1);
	CHECK(write(fd, "MARQUEE-SECRET-7f3a", 19) == 19);
	close(fd);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		subst(forms[i], path, xml, sizeof(xml));
		(void)read_text(xml, &s, why);
		CHECK(s.all.data == NULL || strstr(s.all.data, "MARQUEE-SECRET") == NULL);
		CHECK(strstr(why, "MARQUEE-SECRET") == NULL);
		buf_free(&s.all);
	}
	/* Those with a DTD are refused outright. */
	subst(forms[0], path, xml, sizeof(xml));
	CHECK_INT(read_text(xml, &s, why), -1);
	buf_free(&s.all);
	unlink(path);
}

/* A billion laughs: ten levels of ten, a gigabyte if expanded; refused, nothing handed over. */
static void
test_bomb(void)
{
	struct seen		 s = { 0 };
	const struct wxr_sink	 sink = { &s, on_link, on_author, on_item };
	char			 why[WXR_WHY_MAX];

	CHECK_INT(wxr_read_file("tests/fixtures/wxr/bomb.xml", &sink, why), -1);
	CHECK_INT(s.items, 0);
	CHECK(s.all.len < 100);
	buf_free(&s.all);
	CHECK_INT(wxr_read_file("tests/fixtures/wxr/truncated.xml", &sink, why), -1);
	CHECK_INT(wxr_read_file("tests/fixtures/wxr/no-such-file.xml", &sink, why), -1);
	buf_free(&s.all);
}

/* Bytes that are not UTF-8 and controls XML forbids: the file is read, the bytes repaired. */
static void
test_utf8(void)
{
	struct seen		 s = { 0 };
	const struct wxr_sink	 sink = { &s, on_link, on_author, on_item };
	char			 why[WXR_WHY_MAX];

	CHECK_INT(wxr_read_file("tests/fixtures/wxr/utf8.xml", &sink, why), 0);
	CHECK_INT(s.items, 2);
	CHECK_STR(s.first.title, "Bad \xef\xbf\xbd bytes \xef\xbf\xbd and \xef\xbf\xbd\xef\xbf\xbd overlong "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate");
	CHECK(strstr(s.first_content, "Control [31m bytes") != NULL);
	CHECK(utf8_valid(s.all.data, s.all.len));
	buf_free(&s.all);
	/* Characters of three and four bytes pass unchanged. */
	CHECK_INT(read_text("<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item>"
	    "<title>\xe4\xb8\x83\xf0\x9f\x8e\xac</title><wp:post_id>1</wp:post_id></item>"
	    "</channel></rss>", &s, why), 0);
	CHECK_STR(s.first.title, "\xe4\xb8\x83\xf0\x9f\x8e\xac");
	buf_free(&s.all);
}

int
main(void)
{
	test_utf8();
	test_small();
	test_refused();
	test_xxe();
	test_bomb();
	return harness_done();
}
