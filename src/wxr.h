#ifndef MARQUEE_WXR_H
#define MARQUEE_WXR_H

#include <stddef.h>

#include "buf.h"

/*
 * WordPress eXtended RSS, the file WordPress's Tools > Export writes, read
 * as a stream with libxml2's reader: one item (post, page, attachment...)
 * at a time with its comments, never the whole tree. A document type
 * declaration is refused outright (WXR has none, and it is where entity
 * bombs and external entities live); nothing is read from the network or
 * from any file but the export. What the items become is import.c's.
 */

/* Longest field kept whole; longer ones are cut and flagged (oversize). */
#define WXR_FIELD_MAX		1024
/* A date as WordPress writes it: "2026-03-01 20:15:00". */
#define WXR_DATE_MAX		32
/* Terms (categories and tags) kept for one item; WordPress has no limit, a review has 16 tags. */
#define WXR_TERMS_MAX		64
/* Longest post body kept: a review file is at most 1 MiB (REVIEW_FILE_MAX). */
#define WXR_CONTENT_MAX		(1024 * 1024)
/* Longest comment kept: a response is 800 bytes of text, the HTML around it less than 64 KiB. */
#define WXR_COMMENT_MAX		(64 * 1024)
/* The reason a file is refused, with libxml2's message and line. */
#define WXR_WHY_MAX		256

struct wxr_term {
	int	 tag;				/* post_tag, else a category */
	char	 nicename[WXR_FIELD_MAX + 1];	/* its slug: "uncategorized" */
	char	 name[WXR_FIELD_MAX + 1];	/* as written: HTML entities may remain */
};

struct wxr_comment {
	unsigned long long	 id, parent, user_id;	/* 0 when absent */
	char	 author[WXR_FIELD_MAX + 1];
	char	 date[WXR_DATE_MAX], date_gmt[WXR_DATE_MAX];
	char	 approved[WXR_DATE_MAX];	/* "1", "0", "spam", "trash" */
	char	 type[WXR_DATE_MAX];		/* "", "comment", "pingback", "trackback" */
	struct buf	 content;		/* HTML */
	int	 oversize;			/* a field was cut */
};

struct wxr_item {
	unsigned long long	 id;		/* wp:post_id; 0 when absent */
	char	 title[WXR_FIELD_MAX + 1];	/* HTML entities may remain */
	char	 link[WXR_FIELD_MAX + 1];	/* the permalink */
	char	 creator[WXR_FIELD_MAX + 1];	/* dc:creator, the author's login */
	char	 pub_date[WXR_DATE_MAX], date[WXR_DATE_MAX], date_gmt[WXR_DATE_MAX];
	char	 name[WXR_FIELD_MAX + 1];	/* wp:post_name, the slug (percent-encoded) */
	char	 status[WXR_DATE_MAX];		/* publish, future, draft, pending, private, trash */
	char	 type[WXR_DATE_MAX];		/* post, page, attachment, nav_menu_item... */
	struct wxr_term	*terms;			/* nterms of them */
	size_t	 nterms;
	struct buf	 content;		/* content:encoded, HTML */
	struct wxr_comment *comments;		/* in the export's order */
	size_t	 ncomments, comments_cap;
	int	 oversize;			/* a field was cut */
};

struct wxr_author {
	unsigned long long	 id;
	char	 login[WXR_FIELD_MAX + 1];
};

/* What reading calls, in the export's order; a callback returning -1 stops it. */
struct wxr_sink {
	void	*arg;
	int	(*channel_link)(void *arg, const char *link);
	int	(*author)(void *arg, const struct wxr_author *a);
	int	(*item)(void *arg, const struct wxr_item *it);
};

/*
 * Reads the export at path (wxr_read_memory: data[0..len)) and calls the
 * sink for each author and item. Returns 0, -1 with the reason in
 * why[0..WXR_WHY_MAX) when the file is not a WordPress export (not XML,
 * truncated, no rss or channel, no WordPress namespace, a document type
 * declaration), or -2 when a callback stopped it. Items already handed to
 * the sink stay handed: read twice, once to check, to write nothing from a
 * file refused half-way.
 */
int	 wxr_read_file(const char *path, const struct wxr_sink *s, char *why);
int	 wxr_read_memory(const char *data, size_t len, const struct wxr_sink *s, char *why);

#endif
