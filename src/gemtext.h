#ifndef MARQUEE_GEMTEXT_H
#define MARQUEE_GEMTEXT_H

#include <stddef.h>

struct buf;

/* RFC 1436 section 3.6 asks for display strings of fewer than 70 characters. */
#define GOPHER_COLUMNS	70

/* The kinds of gemtext line (gemtext specification, section 5). */
enum gemtext_kind {
	GEMTEXT_TEXT,
	GEMTEXT_LINK,
	GEMTEXT_HEADING,
	GEMTEXT_LIST,
	GEMTEXT_QUOTE,
	GEMTEXT_TOGGLE,		/* a ``` line */
	GEMTEXT_PRE,		/* a line between toggles */
};

struct gemtext_line {
	enum gemtext_kind	 kind;
	const char		*s;	/* the content, without its marker or line end */
	size_t			 n;
	int			 level;	/* heading level, 1 to 3 */
};

/* Walks gemtext line by line; the text is not copied. */
struct gemtext_reader {
	const char	*p, *end;
	int		 pre;	/* inside a preformatted block */
};

void	 gemtext_reader_init(struct gemtext_reader *r, const char *text, size_t len);
/* Classifies the next line into *l; returns 0 when there is none. */
int	 gemtext_next(struct gemtext_reader *r, struct gemtext_line *l);

/* Where the menu's items point: this server, and the page links are relative to. */
struct gopher_origin {
	const char	*host;
	unsigned	 port;
	const char	*page;		/* the page's own path, for relative links */
	/*
	 * The item type the server gives selector (7 for a search, 1 for a
	 * menu), or 0 to go by the end of its name; may be NULL.
	 */
	char		(*type_of)(const char *selector);
	/* Writes the menu that stands for selector's file to out; 0 when none. May be NULL. */
	int		(*menu_of)(const void *arg, const char *selector, char *out, size_t size);
	const void	*arg;		/* menu_of's first argument */
};

/*
 * Renders gemtext as a Gopher menu (RFC 1436): text as 'i' lines wrapped to
 * GOPHER_COLUMNS, links as items of the type their target calls for (1, 0,
 * I, g, 9, or what o->type_of says, or h with "URL:" for other protocols), every line CRLF, ending
 * with ".". A link to a file that o->menu_of has a menu for leads to the
 * menu (type 1), except on that menu itself. Pure: appends to out.
 */
void	 gemtext_menu(const char *text, size_t len, const struct gopher_origin *o,
	    struct buf *out);

/*
 * Renders gemtext as Gopher plain text (type 0): headings underlined, lists
 * and quotes indented, preformatted lines verbatim, links numbered with a
 * reference list at the end, prose wrapped to GOPHER_COLUMNS, CRLF. No "."
 * ends it and no line is dot-stuffed: Gopher text ends at the connection's
 * close, as gophernicus and geomyidae send it. Pure: appends to out.
 */
void	 gemtext_text(const char *text, size_t len, const struct gopher_origin *o,
	    struct buf *out);

/*
 * An upper bound on the bytes gemtext_menu or gemtext_text makes of text
 * for a host name of host_len bytes: each byte at most twice (wrapping,
 * indents), each line at most one item's selector, host and port more.
 */
size_t	 gemtext_gopher_bound(const char *text, size_t len, size_t host_len);

#endif
