#ifndef MARQUEE_GBEXPORT_H
#define MARQUEE_GBEXPORT_H

#include <stddef.h>

#include "record.h"

/*
 * Reading back one line of "marquee guestbook export" (JSON, one object a
 * line; the README's "Owner commands" gives their shapes), for "guestbook
 * import". The file may have been edited or come from anywhere: every
 * field is checked as a reader's input would be, and an entry or like is
 * taken only when it formats as a record of the log and parses back.
 * Pure: no I/O, no allocation, no state.
 */

/* Longest line read: an entry whose text is all \u escapes, with every other field at its longest. */
#define GBEXPORT_LINE_MAX	(6 * (ENTRY_TEXT_MAX + SLUG_MAX + AUTHOR_MAX) + 512)

enum gbexport_kind {
	GBEXPORT_ENTRY,		/* rec is the entry record, its id, time, parent and flags kept */
	GBEXPORT_LIKE,		/* rec is the like record: slug and fingerprint, time 0 */
	GBEXPORT_BAN,		/* rec.text is the target as exported (an address without its key's prefix) */
};

struct gbexport_item {
	enum gbexport_kind	 kind;
	struct record		 rec;
	int			 hidden;	/* an entry hidden when exported */
};

/* Parses line[0..len) into *out: 0, or -1 with *reason. */
int	 gbexport_parse(const char *line, size_t len, struct gbexport_item *out,
	    const char **reason);

#endif
