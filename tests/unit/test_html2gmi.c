/* Unit tests of html2gmi.c: WordPress HTML, with and without <p>, as gemtext. */

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "html2gmi.h"
#include "utf8.h"

/* The gemtext of html; valid until the next call. */
static const char *
gmi(const char *html)
{
	static struct buf	out;

	buf_free(&out);
	if (html2gmi(html, strlen(html), &out) == -1)
		return "(failed)";
	return out.data != NULL ? out.data : "";
}

static const char *
line(const char *html)
{
	static char	out[64];

	html2gmi_line(html, strlen(html), out, sizeof(out));
	return out;
}

/* Whether out is UTF-8 with no control character but LF. */
static int
clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n, len = strlen(s);
	unsigned		 cp;

	if (!utf8_valid(s, len))
		return 0;
	for (i = 0; i < len; i += n) {
		n = utf8_decode(p + i, len - i, &cp);
		if (cp != '\n' && (utf8_is_control(cp) || utf8_is_invisible(cp)))
			return 0;
	}
	return 1;
}

static void
test_paragraphs(void)
{
	/* Without <p>: a blank line is a paragraph, a line break a line break. */
	CHECK_STR(gmi("One\ntwo\n\nThree"), "One\ntwo\n\nThree\n");
	/* With <p>: line breaks in the source are only spaces. */
	CHECK_STR(gmi("<p>One\ntwo</p>\n\n<p>Three</p>"), "One two\n\nThree\n");
	CHECK_STR(gmi("<p>a<br>b</p>"), "a\nb\n");
	/* Gutenberg's block comments go, and mark the body as having paragraphs. */
	CHECK_STR(gmi("<!-- wp:paragraph -->\n<p>Block\none</p>\n<!-- /wp:paragraph -->"),
	    "Block one\n");
	CHECK_STR(gmi(""), "");
	CHECK_STR(gmi("   \n\n  "), "");
}

static void
test_entities(void)
{
	CHECK_STR(gmi("It&#8217;s &amp; &lt;b&gt; &eacute;t&eacute; &#x2014; &nbsp;x"),
	    "It\xe2\x80\x99s & <b> \xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xc2\xa0x\n");
	CHECK_STR(line("Heat &#8211; the diner"), "Heat \xe2\x80\x93 the diner");
	CHECK_STR(line("  <b>Bold</b>\n title  "), "Bold title");
	CHECK_STR(line("&lt;script&gt;"), "<script>");
}

static void
test_blocks(void)
{
	CHECK_STR(gmi("<h1>A</h1><h2>B</h2><h3>C</h3><h5>D</h5>"), "# A\n\n## B\n\n### C\n\n### D\n");
	CHECK_STR(gmi("<ul><li>one</li><li>two</li></ul><p>after</p>"), "* one\n* two\n\nafter\n");
	CHECK_STR(gmi("<ol><li>x<ul><li>y</li></ul></li></ol>"), "* x\n* y\n");
	CHECK_STR(gmi("<blockquote><p>Said.</p></blockquote>"), "> Said.\n");
	CHECK_STR(gmi("<blockquote>one\ntwo</blockquote>"), "> one\n> two\n");
	CHECK_STR(gmi("<pre>a &lt; b\n  c</pre>"), "```\na < b\n  c\n```\n");
	/* TAB is a control character: spaces to the next multiple of 8. */
	CHECK_STR(gmi("<pre>\tx\nab\ty</pre>"), "```\n        x\nab      y\n```\n");
	/* A line of the block that would end it is moved off the margin. */
	CHECK_STR(gmi("<pre>```\nx</pre>"), "```\n ```\nx\n```\n");
	CHECK_STR(gmi("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td><p>2</p></td></tr></table>"),
	    "```\nA | B\n1 | 2\n```\n");
	/* A row that would end the block is moved off the margin too. */
	CHECK_STR(gmi("<table><tr><td>```</td></tr><tr><td>=> gemini://x</td></tr></table>"),
	    "```\n ```\n=> gemini://x\n```\n");
	/* Text that gemtext would read as markup stays text. */
	CHECK_STR(gmi("<p># not a heading</p><p>=> nor a link</p><p>* nor an item</p>"),
	    " # not a heading\n\n => nor a link\n\n * nor an item\n");
}

static void
test_links(void)
{
	CHECK_STR(gmi("<p>See <a href=\"https://e.example/x\">this</a> and "
	    "<a href=\"gemini://g.example/\">that</a>.</p><p>Next</p>"),
	    "See this and that.\n=> https://e.example/x this\n=> gemini://g.example/ that\n\nNext\n");
	CHECK_STR(gmi("<p><img src=\"https://e.example/i.jpg\" alt=\"A still\"></p>"),
	    "=> https://e.example/i.jpg A still\n");
	CHECK_STR(gmi("<p><img src=\"https://e.example/i.jpg\"></p>"), "=> https://e.example/i.jpg image\n");
	/* Links a reader could not follow, or that would run scripts, keep only their text. */
	CHECK_STR(gmi("<p><a href=\"javascript:alert(1)\">x</a> <a href=\"/relative\">y</a> "
	    "<a href=\"https://a b\">z</a></p>"), "x y z\n");
	CHECK_STR(gmi("<figure><img src=\"https://e.example/b.jpg\" alt=\"\"><figcaption>Cap</figcaption>"
	    "</figure>"), "Cap\n=> https://e.example/b.jpg image\n");
	/* A paragraph that is a URL, as WordPress embeds one. */
	CHECK_STR(gmi("https://www.youtube.com/watch?v=x"), "=> https://www.youtube.com/watch?v=x\n");
}

static void
test_shortcodes(void)
{
	CHECK_STR(gmi("[caption id=\"a\" width=\"300\"]<img src=\"https://e.example/c.jpg\" alt=\"C\"> "
	    "The caption[/caption]"), "The caption\n=> https://e.example/c.jpg C\n");
	CHECK_STR(gmi("Before\n\n[gallery ids=\"1,2,3\"]\n\nAfter"), "Before\n\nAfter\n");
	CHECK_STR(gmi("[embed]https://v.example/1[/embed]"), "=> https://v.example/1\n");
	CHECK_STR(gmi("[embed]https://v.example/\"><script>x</script>[/embed]"),
	    "=> https://v.example/%22%3E%3Cscript%3Ex%3C/script%3E\n");
	/* Brackets that are no shortcode stay. */
	CHECK_STR(gmi("[sic] and [1]"), "[sic] and [1]\n");
	CHECK_STR(gmi("[caption unclosed"), "[caption unclosed\n");
}

static void
test_removed(void)
{
	CHECK_STR(gmi("<p>a<script>alert(1)</script><style>p{}</style>b</p>"), "ab\n");
	CHECK_STR(gmi("<p>x<!-- a comment -->y</p>"), "xy\n");
	CHECK_STR(gmi("<div><span class=\"z\">in</span> <em>line</em></div>"), "in line\n");
	/* Control characters, bidi overrides and zero-width characters go, in text and entities. */
	CHECK_STR(gmi("a\x01\x1b[31mb\x7f&#1;c\xe2\x80\xae" "d&#x202e;e\xe2\x80\x8b" "f\xc2\x85g"),
	    "a[31mbcdefg\n");
	/* Bytes that are not UTF-8 become U+FFFD. */
	CHECK_STR(gmi("caf\xe9 \xff\xfe ok"), "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok\n");
	CHECK(clean(gmi("\xed\xa0\x80 surrogate \xf4\x90\x80\x80 too high \xc0\xaf overlong")));
	CHECK_STR(gmi("\r\nWindows\r\nlines\r\n"), "Windows\nlines\n");
	CHECK_STR(line("a\x01\nb"), "a b");
}

static void
test_hostile(void)
{
	struct buf	out = { 0 };
	char		*deep, two[65];
	const char	*got;
	size_t		 i, n = 100000;

	/* Nesting far deeper than the parser's limit: text out, no crash. */
	deep = malloc(5 * n + 16);
	for (i = 0; i < n; i++)
		memcpy(deep + 5 * i, "<div>", 5);
	memcpy(deep + 5 * n, "deep", 5);
	CHECK(html2gmi(deep, strlen(deep), &out) == 0);
	CHECK(clean(out.data != NULL ? out.data : ""));
	buf_free(&out);
	free(deep);
	/* NUL bytes inside do not end the input. */
	CHECK(html2gmi("a\0b", 3, &out) == 0);
	CHECK_STR(out.data, "ab\n");
	buf_free(&out);
	/* The one-line form is cut on a character boundary: 31 of 32 two-byte letters fit in 64 bytes. */
	for (i = 0; i < 32; i++)
		memcpy(two + 2 * i, "\xc3\xa9", 2);
	two[64] = '\0';
	got = line(two);
	CHECK(utf8_valid(got, strlen(got)));
	CHECK_INT(strlen(got), 62);
}

int
main(void)
{
	test_paragraphs();
	test_entities();
	test_blocks();
	test_links();
	test_shortcodes();
	test_removed();
	test_hostile();
	return harness_done();
}
