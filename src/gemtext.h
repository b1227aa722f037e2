#ifndef MARQUEE_GEMTEXT_H
#define MARQUEE_GEMTEXT_H

#include <stddef.h>

struct buf;

/* RFC 1436 section 3.6 asks for display strings of fewer than 70 characters. */
#define GOPHER_COLUMNS	70

/* Where the menu's items point: this server, and the page links are relative to. */
struct gopher_origin {
	const char	*host;
	unsigned	 port;
	const char	*page;		/* the page's own path, for relative links */
};

/*
 * Renders gemtext as a Gopher menu (RFC 1436): text as 'i' lines wrapped to
 * GOPHER_COLUMNS, links as items of the type their target calls for (1, 0,
 * I, g, 9, or h with "URL:" for other protocols), every line CRLF, ending
 * with ".". Pure: appends to out.
 */
void	 gemtext_menu(const char *text, size_t len, const struct gopher_origin *o,
	    struct buf *out);

/*
 * Renders gemtext as Gopher plain text (type 0): headings underlined, lists
 * and quotes indented, preformatted lines verbatim, links numbered with a
 * reference list at the end, prose wrapped to GOPHER_COLUMNS, lines that
 * start with '.' doubled, CRLF, ending with ".". Pure: appends to out.
 */
void	 gemtext_text(const char *text, size_t len, const struct gopher_origin *o,
	    struct buf *out);

#endif
