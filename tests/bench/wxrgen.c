/*
 * Writes a WordPress export for the import benchmark to standard output:
 * wxrgen POSTS COMMENTS. Posts alternate the classic editor's style and
 * Gutenberg's blocks, with entities, links, an image, a list and a quote;
 * comments are spread evenly, every third one a reply to the one before,
 * every tenth unapproved.
 */

#include <stdio.h>
#include <stdlib.h>

static void
post_body(unsigned long i)
{
	if (i % 2 == 0) {
		printf("<content:encoded><![CDATA[Directed by Director %lu.\n\n"
		    "Film %lu&#8217;s opening is long &amp; slow, and <em>that</em> is the point. "
		    "The camera waits, the actors wait, and so do we; see "
		    "<a href=\"https://example.org/films/%lu\">its page</a>.\n"
		    "A second line of the same paragraph.\n\n"
		    "[caption id=\"attachment_%lu\" width=\"640\"]<img src=\"https://example.org/%lu.jpg\" "
		    "alt=\"A still\" /> The still[/caption]\n\n"
		    "<ul>\n<li>the sound</li>\n<li>the light</li>\n</ul>\n\n"
		    "<blockquote>Cinema is a matter of what is in the frame.</blockquote>]]>"
		    "</content:encoded>\n", i, i, i, i, i);
		return;
	}
	printf("<content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>Director: Someone %lu</p>\n"
	    "<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Film %lu&#8217;s middle act "
	    "drags &mdash; but the ending <strong>earns</strong> it, with a "
	    "<a href=\"https://example.org/f/%lu\">final shot</a> worth the wait.</p>\n"
	    "<!-- /wp:paragraph -->\n\n<!-- wp:heading -->\n<h2>Why</h2>\n<!-- /wp:heading -->\n\n"
	    "<!-- wp:image --><figure class=\"wp-block-image\"><img src=\"https://example.org/%lu.png\" "
	    "alt=\"\"/><figcaption>The last frame</figcaption></figure><!-- /wp:image -->]]>"
	    "</content:encoded>\n", i, i, i, i);
}

static void
comment(unsigned long post, unsigned long id, unsigned long parent, int approved)
{
	printf("<wp:comment><wp:comment_id>%lu</wp:comment_id>"
	    "<wp:comment_author><![CDATA[Reader %lu]]></wp:comment_author>"
	    "<wp:comment_date_gmt><![CDATA[2020-%02lu-%02lu %02lu:%02lu:00]]></wp:comment_date_gmt>"
	    "<wp:comment_content><![CDATA[I saw film %lu twice &#8212; the <b>second</b> time "
	    "it made sense.\n\nComment %lu, with a <a href=\"https://example.net/%lu\">link</a>.]]>"
	    "</wp:comment_content><wp:comment_approved>%d</wp:comment_approved>"
	    "<wp:comment_type>comment</wp:comment_type><wp:comment_parent>%lu</wp:comment_parent>"
	    "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>\n",
	    id, id % 997, post % 12 + 1, post % 28 + 1, id % 24, id % 60, post, id, id,
	    approved, parent);
}

int
main(int argc, char **argv)
{
	unsigned long	posts, comments, i, c, id = 1, per;

	if (argc != 3 || (posts = strtoul(argv[1], NULL, 10)) == 0) {
		fputs("usage: wxrgen POSTS COMMENTS\n", stderr);
		return 2;
	}
	comments = strtoul(argv[2], NULL, 10);
	per = comments / posts;
	printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
	    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	    "xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n"
	    "<title>Bench</title><link>https://bench.example</link>\n"
	    "<wp:wxr_version>1.2</wp:wxr_version>\n");
	for (i = 1; i <= posts; i++) {
		printf("<item><title>Film number %lu &amp;#8211; a review</title>"
		    "<link>https://bench.example/%lu/</link><dc:creator>admin</dc:creator>\n", i, i);
		post_body(i);
		printf("<wp:post_id>%lu</wp:post_id><wp:post_date_gmt>%04lu-%02lu-%02lu 12:00:00"
		    "</wp:post_date_gmt><wp:post_name>film-%lu</wp:post_name>"
		    "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
		    "<category domain=\"category\" nicename=\"drama\"><![CDATA[Drama]]></category>"
		    "<category domain=\"post_tag\" nicename=\"t%lu\"><![CDATA[Tag %lu]]></category>\n",
		    i, 2000 + i % 20, i % 12 + 1, i % 28 + 1, i, i % 50, i % 50);
		for (c = 0; c < per; c++, id++)
			comment(i, id, c % 3 == 2 ? id - 1 : 0, id % 10 != 0 || c == 0);
		puts("</item>");
	}
	puts("</channel>\n</rss>");
	return 0;
}
