#ifndef MARQUEE_REVIEW_H
#define MARQUEE_REVIEW_H

#include <stddef.h>

/*
 * A review file is plain gemtext that reads well raw:
 *
 *	# De rouille et d'os (Rust and Bone)
 *	Director: Jacques Audiard
 *	Year: 2012
 *	Tags: drama, romance
 *	Date: 2026-04-05
 *
 *	Body...
 *
 * The title is the first "# " line outside preformatted blocks. The metadata
 * is the run of "Key: value" lines directly under it (at the top of the file
 * when there is no title), up to the first blank line or the first line of
 * another kind; text above the title line is neither metadata nor body. A key
 * is 1 to REVIEW_KEY_MAX bytes of letters (ASCII or UTF-8), digits, hyphens
 * and spaces, starting with a letter or digit, then ':' and a space or the
 * end of the line, so "http://..." and "Key:value" are not metadata. Director
 * (several separated by ',' or '&'), Year, Country, Starring, Rating (0 to
 * 5, halves allowed, "/5" optional), Tags (comma-separated), Date (a date,
 * optionally with a time and a UTC offset), Was (the slugs the review had
 * before, comma-separated) and Draft (yes or no) are known keys, matched in
 * any case; a known key given twice keeps its last value, except Tags and
 * Was, which add up. Other keys are kept as written, in order, and reported
 * as problems, with the known key they are closest to when it is a typo.
 *
 * Parsing is pure: the caller's bytes in, a filled struct out; no I/O, no
 * allocation, no state.
 */

/* A review is prose; a bigger file is a mistake (a video dropped in by accident). */
#define REVIEW_FILE_MAX		(1024 * 1024)
/*
 * Longest value kept, in bytes. The longest in the sample capsule is 87
 * (a Starring line); a few times that still fits one line of a listing.
 */
#define REVIEW_FIELD_MAX	255
/* Longest key; the known ones are at most 8 bytes, "Original title" is 14. */
#define REVIEW_KEY_MAX		32
/* Longest Imported-From: URL: Gemini's limit on a URL (specification section 2). */
#define REVIEW_URL_MAX		1024
/* The sample reviews have at most 4 tags; a tag cloud past 16 per film is noise. */
#define REVIEW_TAGS_MAX		16
/* As many unknown keys as there are known ones, and one more. */
#define REVIEW_EXTRA_MAX	8
/* NAME_MAX on Linux and OpenBSD: readdir() returns nothing longer. */
#define REVIEW_NAME_MAX		255
/*
 * Levels of subfolders of reviews/ that are indexed: enough for
 * reviews/genre/2019/03/, and few enough that a capsule cannot spend the
 * user's inotify watches (a watch a folder; 8192 on many systems) or the
 * index thread's stack by nesting folders.
 */
#define REVIEW_DEPTH_MAX	4
/* A path under reviews/: up to REVIEW_DEPTH_MAX folders and the file name. */
#define REVIEW_PATH_MAX		((REVIEW_DEPTH_MAX + 1) * (REVIEW_NAME_MAX + 1))
/* Cinema's first year: Roundhay Garden Scene, the oldest surviving film (1888). */
#define REVIEW_YEAR_MIN		1888
/* "YYYY-MM-DD" and its NUL. */
#define DATE_SIZE		11
/* Co-directors: two is common, a film by a collective of eight is not a listing. */
#define REVIEW_DIRECTORS_MAX	8
/* Renamed slugs one review answers for; a review renamed more often is a new one. */
#define REVIEW_WAS_MAX		4
/* Problems kept per file with their lines; the rest are counted, not listed. */
#define REVIEW_PROBLEMS_MAX	16
/* The best rating: five stars, as film magazines give them. */
#define REVIEW_RATING_MAX	5

/* Problems that have a fallback: the review is still published. */
#define REVIEW_WARN_NO_TITLE		0x01	/* the slug stands in */
#define REVIEW_WARN_BAD_DATE		0x02	/* Date: ignored, the file name's date used */
#define REVIEW_WARN_BAD_YEAR		0x04	/* Year: ignored */
#define REVIEW_WARN_TOO_MANY_TAGS	0x08	/* tags past REVIEW_TAGS_MAX dropped */
#define REVIEW_WARN_LONG_VALUE		0x10	/* a value cut to REVIEW_FIELD_MAX on a UTF-8 boundary */
#define REVIEW_WARN_TOO_MANY_KEYS	0x20	/* unknown keys past REVIEW_EXTRA_MAX dropped */
#define REVIEW_WARN_BAD_TAG		0x40	/* a tag or director with no letters or digits, dropped */
#define REVIEW_WARN_CONTROL		0x80	/* C0 (but TAB), DEL and C1 removed */
#define REVIEW_WARN_UNKNOWN_KEY		0x100	/* a key marquee does not know: kept, not used */
#define REVIEW_WARN_BAD_RATING		0x200	/* Rating: not 0 to 5 in halves; ignored */
#define REVIEW_WARN_BAD_DRAFT		0x400	/* Draft: neither yes nor no; taken as yes */
#define REVIEW_WARN_BAD_WAS		0x800	/* a Was: slug that cannot be a file name's, ignored */
#define REVIEW_WARN_BAD_IMPORTED	0x1000	/* Imported-From: not an http(s) or gemini URL, ignored */

/* One problem, where it is: for the log and for marquee -n. */
struct review_problem {
	unsigned	what;		/* one REVIEW_WARN_* bit */
	unsigned	line;		/* from 1 */
	/* What it is about, e.g. "Directer (did you mean Director?)"; may be "". */
	char		detail[REVIEW_KEY_MAX + 32];
};

struct review_tag {
	char		name[REVIEW_FIELD_MAX + 1];	/* as written, trimmed */
	char		slug[REVIEW_FIELD_MAX + 1];	/* slugify(name) */
	unsigned	line;				/* of its Tags: or Director: line */
};

struct review_extra {
	char	key[REVIEW_KEY_MAX + 1];	/* as written, without trailing spaces */
	char	value[REVIEW_FIELD_MAX + 1];
};

/* A slug the review had before a rename (Was:), and the line that says so. */
struct review_was {
	char		slug[REVIEW_NAME_MAX + 1];	/* as written, without .gmi or .txt */
	unsigned	line;
};

/* Every string is NUL-terminated valid UTF-8 without controls but TAB, "" when absent. */
struct review {
	char			title[REVIEW_FIELD_MAX + 1];
	struct review_tag	directors[REVIEW_DIRECTORS_MAX];	/* in order, one per slug */
	size_t			ndirectors;
	char			country[REVIEW_FIELD_MAX + 1];
	char			starring[REVIEW_FIELD_MAX + 1];
	int			rating;		/* in halves of a star, 0 to 10; -1 when absent or bad */
	int			year;				/* 0 when absent or bad */
	char			date[DATE_SIZE];		/* a valid Date:, else "" */
	long long		published;	/* Date: as seconds since the epoch, UTC; valid with date */
	int			draft;		/* Draft: yes */
	/* Imported-From: where marquee import found it, an http(s) or gemini URL; "" for none */
	char			imported_from[REVIEW_URL_MAX + 1];
	struct review_was	was[REVIEW_WAS_MAX];	/* earlier slugs, in order */
	size_t			nwas;
	struct review_tag	tags[REVIEW_TAGS_MAX];		/* in order, one per slug */
	size_t			ntags;
	struct review_extra	extra[REVIEW_EXTRA_MAX];	/* unknown keys, in order */
	size_t			nextra;
	size_t			body;		/* offset in buf of the text after the metadata */
	unsigned		warnings;	/* REVIEW_WARN_*: every problem's bit */
	struct review_problem	problems[REVIEW_PROBLEMS_MAX];	/* in file order */
	size_t			nproblems;	/* may exceed REVIEW_PROBLEMS_MAX: not all are kept */
	unsigned		line;		/* while parsing, the line being read */
};

/*
 * Parses a review file's len bytes. A UTF-8 BOM at the start is skipped.
 * Returns -1 with *reason (a static string) for files that cannot be
 * published: longer than REVIEW_FILE_MAX, with a NUL byte, or not valid UTF-8
 * (RFC 3629). Anything else is a review, with r->warnings for what needed a
 * fallback.
 */
int		 review_parse(const char *buf, size_t len, struct review *r,
		    const char **reason);

/* A short description of one REVIEW_WARN_* bit, for the log. */
const char	*review_warning_text(unsigned bit);

struct review_name {
	char	date[DATE_SIZE];		/* "" when the name has no valid date */
	char	slug[REVIEW_NAME_MAX + 1];	/* the rest, without extension */
};

/*
 * Splits a file name YYYY-MM-DD-slug.gmi (or .txt, in any case). A name with
 * no valid date at the start, or nothing after it, is all slug. Returns -1
 * with *reason for names the index ignores: other extensions, hidden names,
 * editors' temporary files (name~, #name#, .swp), and names with control
 * characters or invalid UTF-8, which could not be shown as a title.
 */
int	 review_name_parse(const char *name, struct review_name *out,
	    const char **reason);

/*
 * A review's identity from its stem (a file name without extension, or a
 * Was: slug): the stem without the date review_name_parse would find at its
 * start, so 2026-03-01-heat and 2026-05-01-heat are both heat. Points into
 * stem.
 */
const char	*review_identity(const char *stem);

/*
 * Makes the URL slug of a tag or director, so that "Drama", "drama",
 * " drama " and "Dráma" are one tag: ASCII letters are lowered, the letters
 * of Latin-1 Supplement and Latin Extended-A folded to ASCII ("Éric" ->
 * "eric", "Œ" -> "oe", "ß" -> "ss"), combining accents dropped; other UTF-8
 * is kept as it is (no Unicode tables). Each run of ASCII characters other
 * than letters and digits, and of non-ASCII spaces and punctuation
 * (no-break spaces, guillemets, dashes, curly quotes, CJK punctuation),
 * becomes one '-', none at either end. Apostrophes are punctuation like the
 * rest: "d'os" -> "d-os", as in the capsule's file names. Returns -1, with
 * out "", when in is not valid UTF-8, nothing is left or out is too small.
 */
int	 slugify(const char *in, size_t len, char *out, size_t outsize);

/* Seconds since the epoch at 00:00 UTC of date, a valid YYYY-MM-DD (date_valid). */
long long	 date_seconds(const char *date);

/* Returns 1 when s[0..len) is a real calendar date YYYY-MM-DD, year 1000 to 9999. */
int	 date_valid(const char *s, size_t len);

#endif
