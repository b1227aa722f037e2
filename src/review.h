#ifndef MARQUEE_REVIEW_H
#define MARQUEE_REVIEW_H

#include <stddef.h>

/*
 * A review file: gemtext whose first "# " heading is the title and whose
 * "Key: value" lines directly under it, up to the first blank line, are the
 * film's metadata. Parsing is pure: no I/O, no allocation.
 */

/* A review is prose; a bigger file is a mistake (a video dropped in by accident). */
#define REVIEW_FILE_MAX		(1024 * 1024)
/* Longest metadata value kept; titles and names are far shorter. */
#define REVIEW_FIELD_MAX	255
/* Longest metadata key; the known ones are at most 8 bytes. */
#define REVIEW_KEY_MAX		32
#define REVIEW_TAGS_MAX		16
#define REVIEW_EXTRA_MAX	8
/* "YYYY-MM-DD" and its NUL. */
#define DATE_SIZE		11

/* Problems that have a fallback: the review is still published. */
#define REVIEW_WARN_NO_TITLE		0x01	/* the slug stands in */
#define REVIEW_WARN_BAD_DATE		0x02	/* Date: ignored, the file name's date used */
#define REVIEW_WARN_BAD_YEAR		0x04	/* Year: ignored */
#define REVIEW_WARN_TOO_MANY_TAGS	0x08	/* tags past REVIEW_TAGS_MAX dropped */
#define REVIEW_WARN_LONG_VALUE		0x10	/* a value cut to REVIEW_FIELD_MAX */
#define REVIEW_WARN_TOO_MANY_KEYS	0x20	/* unknown keys past REVIEW_EXTRA_MAX dropped */
#define REVIEW_WARN_BAD_TAG		0x40	/* a tag or director with no letters or digits */

struct review_tag {
	char	name[REVIEW_FIELD_MAX + 1];	/* as written, trimmed */
	char	slug[REVIEW_FIELD_MAX + 1];
};

struct review_extra {
	char	key[REVIEW_KEY_MAX + 1];
	char	value[REVIEW_FIELD_MAX + 1];
};

struct review {
	char			title[REVIEW_FIELD_MAX + 1];	/* "" when there is none */
	char			director[REVIEW_FIELD_MAX + 1];
	char			director_slug[REVIEW_FIELD_MAX + 1];
	char			country[REVIEW_FIELD_MAX + 1];
	char			starring[REVIEW_FIELD_MAX + 1];
	char			rating[REVIEW_FIELD_MAX + 1];
	int			year;				/* 0 when not given */
	char			date[DATE_SIZE];		/* from Date:, "" when absent */
	struct review_tag	tags[REVIEW_TAGS_MAX];
	size_t			ntags;
	struct review_extra	extra[REVIEW_EXTRA_MAX];	/* unknown keys, in order */
	size_t			nextra;
	size_t			body;		/* offset of the text after the metadata */
	unsigned		warnings;	/* REVIEW_WARN_* */
};

/*
 * Parses a review file's bytes. Returns -1 with *reason for files that cannot
 * be published (NUL bytes, invalid UTF-8, too large); everything else is a
 * review, with warnings for what needed a fallback.
 */
int		 review_parse(const char *buf, size_t len, struct review *r,
		    const char **reason);
/* A short description of one REVIEW_WARN_* bit, for the log. */
const char	*review_warning_text(unsigned bit);

struct review_name {
	char	date[DATE_SIZE];	/* "" when the name has no valid date */
	char	slug[256];		/* NAME_MAX bytes at most */
};

/*
 * Splits a file name YYYY-MM-DD-slug.gmi (or .txt). Returns -1 for names that
 * are not reviews: other extensions, hidden files and editors' temporary files.
 */
int	 review_name_parse(const char *name, struct review_name *out,
	    const char **reason);

/*
 * Makes a URL slug: lower case (ASCII and Latin-1/Latin Extended-A letters),
 * other UTF-8 kept as it is, and each run of spaces and ASCII punctuation
 * (apostrophes too) one '-', none at either end. Returns -1 when nothing is
 * left or out is too small.
 */
int	 slugify(const char *in, size_t len, char *out, size_t outsize);

/* Returns 1 when s is a real calendar date written YYYY-MM-DD. */
int	 date_valid(const char *s, size_t len);

#endif
