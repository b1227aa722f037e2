#ifndef MARQUEE_HTML2GMI_H
#define MARQUEE_HTML2GMI_H

#include <stddef.h>

#include "buf.h"

/*
 * WordPress post and comment bodies (HTML, with or without <p>, Gutenberg
 * block comments, shortcodes, entities) as gemtext. Pure: bytes in, bytes
 * out; libxml2's HTML parser, which never touches the network here.
 */

/*
 * Appends the gemtext of html[0..len) to out: headings as "#", "##",
 * "###", list items as "* ", quotes as "> ", <pre> and tables as
 * preformatted blocks, images and links as "=>" lines after their
 * paragraph. Without <p> (the classic editor's way), a blank line is a
 * paragraph and a line break a line break. [caption] keeps its text,
 * [embed] becomes a link, other shortcodes go. The result is UTF-8 (bytes
 * that were not become U+FFFD) with no control character but LF, no
 * invisible character (utf8_is_invisible), no leading or trailing blank
 * line. Returns 0, or -1 when out of memory (out->failed).
 */
int	 html2gmi(const char *html, size_t len, struct buf *out);

/*
 * The text of html[0..len) on one line: entities decoded, tags removed,
 * white space collapsed, controls and invisible characters gone, into out
 * (size bytes, cut on a character boundary). For titles, names and tags.
 */
void	 html2gmi_line(const char *html, size_t len, char *out, size_t size);

#endif
