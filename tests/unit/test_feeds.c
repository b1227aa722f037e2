/* Unit tests of the guestbook's Atom feeds (gemlog.c) and of the XML escaping they rely on. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gemlog.h"
#include "guestbook.h"
#include "harness.h"
#include "utf8.h"

/* 2026-11-25T09:00:00Z */
#define NOV25	1795597200LL
#define FP_A	"3f2a9c1b0000000000000000000000000000000000000000000000000000000a"
#define FP_O	"0a0b0c0d0000000000000000000000000000000000000000000000000000000f"

static int
title_of(void *arg, const char *slug, char *out, size_t size)
{
	(void)arg;
	if (strcmp(slug, "2026-01-10-rust") != 0)
		return -1;
	snprintf(out, size, "Rust & <Bone>");
	return 0;
}

static const struct guestbook_feed	feed = { .base_url = "gemini://example.org",
    .title = "Guestbook of example.org", .self = "/guestbook/atom.xml", .page = "/guestbook/",
    .review_title = title_of };

static struct gb_entry	ann = { .id = 7, .time = NOV25, .slug = "2026-01-10-rust",
			    .author = "Ann", .fingerprint = FP_A, .text = "Loved it.",
			    .text_len = 9 };
static struct gb_entry	owner = { .id = 9, .time = NOV25 + 60, .slug = "2026-01-10-rust",
			    .author = "The author", .fingerprint = FP_O, .text = "Thanks!",
			    .text_len = 7, .parent = &ann, .owner = 1 };
static struct gb_entry	note = { .id = 12, .time = NOV25 + 3600, .slug = "",
			    .author = "anonymous", .text = "Hello capsule", .text_len = 13 };

static char *
render(const struct gb_item *v, size_t n, const struct guestbook_feed *f)
{
	struct buf	b = { 0 };

	gemlog_guestbook_feed(v, n, f, &b);
	CHECK(!b.failed);
	return b.data;
}

static size_t
count(const char *s, const char *what)
{
	size_t	n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

#define HAS(s, text)	CHECK(strstr((s), (text)) != NULL)

static void
test_feed(void)
{
	struct gb_item	 v[] = { { &note, 0 }, { &owner, 1 }, { &ann, 0 } };
	struct gb_entry	 gone = ann;
	char		*s;

	s = render(v, 3, &feed);
	CHECK(strncmp(s, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n", 82) == 0);
	HAS(s, "  <title>Guestbook of example.org</title>\n"
	    "  <id>gemini://example.org/guestbook/atom.xml</id>\n"
	    "  <updated>2026-11-25T10:00:00Z</updated>\n"
	    "  <link rel=\"self\" href=\"gemini://example.org/guestbook/atom.xml\"/>\n"
	    "  <link rel=\"alternate\" href=\"gemini://example.org/guestbook/\"/>\n");
	/* Every entry has its permalink as id and link, its time and author. */
	CHECK_INT(count(s, "<entry>"), 3);
	CHECK_INT(count(s, "</entry>"), 3);
	CHECK_INT(count(s, "<updated>"), 4);
	CHECK_INT(count(s, "<author><name>"), 3);
	HAS(s, "    <id>gemini://example.org/guestbook/notes/12</id>\n"
	    "    <title>anonymous in the guestbook</title>\n"
	    "    <updated>2026-11-25T10:00:00Z</updated>\n"
	    "    <author><name>anonymous</name></author>\n"
	    "    <link rel=\"alternate\" href=\"gemini://example.org/guestbook/notes/12\"/>\n"
	    "    <content type=\"text\">Hello capsule</content>\n");
	HAS(s, "<id>gemini://example.org/reviews/2026-01-10-rust/responses/7</id>\n"
	    "    <title>Ann [3f2a9c1b] on Rust &amp; &lt;Bone&gt;</title>\n");
	/* The owner's mark comes from the flag; a reply says whom it answers. */
	HAS(s, "<title>" OWNER_MARK " The author (author) in reply to Ann [3f2a9c1b] on "
	    "Rust &amp; &lt;Bone&gt;</title>\n    <updated>2026-11-25T09:01:00Z</updated>\n"
	    "    <author><name>" OWNER_MARK " The author (author)</name></author>\n");
	CHECK_INT(count(s, OWNER_MARK), 2);
	/* Newest first, as handed over. */
	CHECK(strstr(s, "/notes/12<") < strstr(s, "/responses/9<") &&
	    strstr(s, "/responses/9<") < strstr(s, "/responses/7<"));
	CHECK_STR(s + strlen(s) - 8, "</feed>\n");
	free(s);

	/* Empty: still a feed, with an updated. */
	s = render(v, 0, &feed);
	HAS(s, "<updated>1970-01-01T00:00:00Z</updated>\n");
	CHECK_INT(count(s, "<entry>"), 0);
	CHECK_STR(s + strlen(s) - 8, "</feed>\n");
	free(s);

	/* A review gone from the index, and a slug that needs escaping in the URL. */
	gone.slug = "caf\xc3\xa9 & <x>";
	v[0].entry = &gone;
	s = render(v, 1, &feed);
	HAS(s, "<id>gemini://example.org/reviews/caf%C3%A9%20%26%20%3Cx%3E/responses/7</id>");
	HAS(s, "<title>Ann [3f2a9c1b] on a review no longer here</title>");
	free(s);
}

/* What a reader wrote (name, text) cannot break the XML or add markup to it. */
static void
test_hostile(void)
{
	struct gb_entry	 e = { .id = 3, .time = NOV25, .slug = "",
			    .author = "<b>&amp;\"]]>'\x01\x1b\xc2\x85\xe2\x80\xae",
			    .text = "</content></entry><entry>]]>&\x0b\x0c\x7f"
			    "\xef\xbf\xbe\xef\xbf\xbf\xff\xed\xa0\x80 end\n<![CDATA[x]]>" };
	struct gb_item	 v[] = { { &e, 0 } };
	struct guestbook_feed	 f = feed;
	char		*s;

	e.text_len = strlen(e.text);
	f.title = "Guestbook of <evil> & \x02";
	s = render(v, 1, &f);
	HAS(s, "<title>Guestbook of &lt;evil&gt; &amp; </title>");
	HAS(s, "<name>&lt;b&gt;&amp;amp;&quot;]]&gt;&apos;\xe2\x80\xae</name>");
	HAS(s, "<content type=\"text\">&lt;/content&gt;&lt;/entry&gt;&lt;entry&gt;]]&gt;&amp; end\n"
	    "&lt;![CDATA[x]]&gt;</content>");
	CHECK_INT(count(s, "<entry>"), 1);
	CHECK_INT(count(s, "<content"), 1);
	CHECK(strstr(s, "]]>") == NULL);
	CHECK(utf8_valid(s, strlen(s)));
	free(s);
}

static struct buf	escaped;

static const char *
xml(const char *in)
{
	buf_free(&escaped);
	buf_put_xml(&escaped, in);
	return escaped.data != NULL ? escaped.data : "";
}

/* XML 1.0 section 2.2: which characters a document may hold. */
static void
test_xml_chars(void)
{
	static const unsigned	kept[] = { 0x20, 0x7e, 0xa0, 0xd7ff, 0xe000, 0xfffd,
				    0x10000, 0x10ffff, 0x202e };
	char			in[8], want[8];
	size_t			n;
	unsigned		cp;

	CHECK_STR(xml("a\tb\nc\rd"), "a\tb\nc\rd");
	/* Every C0 control but TAB, LF and CR, DEL and the C1 controls are left out. */
	for (cp = 1; cp < 0xa0; cp++) {
		if (cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp < 0x7f))
			continue;
		n = utf8_encode(cp, in);
		in[n] = '\0';
		if (strcmp(xml(in), "") != 0)
			printf("\tU+%04X kept\n", cp);
		CHECK_STR(xml(in), "");
	}
	CHECK_STR(xml("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"), "abc");	/* U+FFFE, U+FFFF */
	/* Not UTF-8: a lone byte, a surrogate, an overlong form, a cut sequence. */
	CHECK_STR(xml("a\xff" "b\xed\xa0\x80" "c\xc0\xbc" "d\xe2\x82"), "abcd");
	/* The edges of what is allowed stay. */
	for (n = 0; n < sizeof(kept) / sizeof(kept[0]); n++) {
		want[utf8_encode(kept[n], want)] = '\0';
		CHECK_STR(xml(want), want);
	}
	CHECK_STR(xml("<\"'&>"), "&lt;&quot;&apos;&amp;&gt;");
	buf_free(&escaped);
}

int
main(void)
{
	test_feed();
	test_hostile();
	test_xml_chars();
	return harness_done();
}
