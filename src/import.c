/*
 * marquee import: a WordPress export (read by wxr.c, bodies converted by
 * html2gmi.c) made into review files and guestbook responses. Files are
 * written under hidden temporary names, made durable in batches (one
 * syncfs), then renamed into place without replacing anything; responses
 * are appended in batches through guestbook.c's append path, under the
 * lock a running server takes too. What was imported is remembered: posts
 * in STATE/import-HOST.log, responses by the log itself (an imported entry
 * is found again by its review, time, author and text), so a second run, or
 * a run after a crash, adds only what is missing. Naming and the per-item
 * rules are here; the guestbook's format is record.c's.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "guestbook.h"
#include "html2gmi.h"
#include "import.h"
#include "impstore.h"
#include "request.h"
#include "review.h"
#include "utf8.h"
#include "wxr.h"

/* A slug's bytes: a file name is REVIEW_NAME_MAX, less the date, a "-99" and ".gmi". */
#define SLUG_BYTES	(REVIEW_NAME_MAX - DATE_SIZE - 3 - 4)
/* A "Directed by" line shorter than this is a credit, lifted out of the text whole. */
#define CREDIT_MAX	160
/* What marks a response cut to fit ENTRY_TEXT_MAX and ENTRY_LINES_MAX. */
#define CUT_MARK	" [\xe2\x80\xa6]"	/* " […]" */
/* U+FFFD, what wxr.c puts for a byte that is not UTF-8. */
#define UTF8_REPLACEMENT	"\xef\xbf\xbd"
/* Items between two progress lines on a terminal. */
#define PROGRESS_EVERY	500

struct author {
	unsigned long long	 id;
	char			*login;		/* owned */
};

struct run {
	const struct host_config *host;
	struct impstore		*store;
	int			 pings, pages, checking;
	char			 blog[WXR_FIELD_MAX + 1];	/* the channel's link: whose ids */
	struct author		*authors;	/* nauthors, owned */
	size_t			 nauthors;
	unsigned long		 items;
	int			 progress;	/* standard error is a terminal */
	int			 failed;
};

/* One line on standard error about one item. */
static void __attribute__((format(printf, 2, 3)))
note(const struct run *run, const char *fmt, ...)
{
	va_list	ap;

	if (run->checking)
		return;
	fputs("marquee: import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- Names ---------------------------------------------------------------- */

/*
 * The item's slug, as the capsule's file names are (review.h's slugify):
 * its post_name (WordPress keeps non-ASCII ones percent-encoded), else its
 * title, else "post-ID"; at most SLUG_BYTES.
 */
static void
item_slug(const struct wxr_item *it, const char *title, char *out)
{
	char		 decoded[WXR_FIELD_MAX + 1];
	const char	*reason;
	size_t		 n;

	if (percent_decode(it->name, strlen(it->name), decoded, sizeof(decoded), &n,
	    &reason) == -1)
		snprintf(decoded, sizeof(decoded), "%s", it->name);
	if (slugify(decoded, strlen(decoded), out, SLUG_BYTES + 1) == -1 &&
	    slugify(title, strlen(title), out, SLUG_BYTES + 1) == -1)
		snprintf(out, SLUG_BYTES + 1, "post-%llu", it->id);
}

/*
 * "2026-03-01 20:15:00" as seconds since the epoch (UTC); -1 when it is
 * not a date, as WordPress's "0000-00-00 00:00:00" for none is not.
 */
static long long
wp_time(const char *s)
{
	struct tm	tm = { 0 };
	const char	*end;

	if ((end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL || *end != '\0' ||
	    tm.tm_year < 70 || tm.tm_year > 8000)
		return -1;
	return (long long)timegm(&tm);
}

/* The item's time: its GMT date, else its local one taken as UTC; -1 for none. */
static long long
item_time(const char *gmt, const char *local)
{
	long long	t = wp_time(gmt);

	return t != -1 ? t : wp_time(local);
}

/* --- The review's text ---------------------------------------------------- */

/* Tags: categories and tags, "Uncategorized" left out, once each, no commas (they separate). */
static void
put_tags(struct buf *b, const struct wxr_item *it)
{
	char	name[REVIEW_FIELD_MAX + 1], seen[REVIEW_TAGS_MAX][REVIEW_FIELD_MAX + 1];
	size_t	i, j, n = 0;
	char	*comma;

	for (i = 0; i < it->nterms && n < REVIEW_TAGS_MAX; i++) {
		if (strcmp(it->terms[i].nicename, "uncategorized") == 0)
			continue;
		html2gmi_line(it->terms[i].name, strlen(it->terms[i].name), name, sizeof(name));
		while ((comma = strchr(name, ',')) != NULL)
			*comma = ' ';
		for (j = 0; j < n && strcasecmp(seen[j], name) != 0; j++)
			continue;
		if (name[0] == '\0' || j < n)
			continue;
		memcpy(seen[n++], name, sizeof(name));
	}
	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s", i == 0 ? "Tags: " : ", ", seen[i]);
	if (n > 0)
		buf_puts(b, "\n");
}

/*
 * A "Director: NAME" or "Directed by NAME" line opening the body: NAME into
 * out (size bytes), and how many bytes of the body the credit takes (the
 * line and the blank lines after it) when the line is nothing but the
 * credit, else 0: "Directed by Jacques Audiard, this film..." lends its
 * name and stays.
 */
static size_t
lift_director(const char *body, size_t len, char *out, size_t size)
{
	const char	*lf = memchr(body, '\n', len), *v;
	size_t		 line = lf != NULL ? (size_t)(lf - body) : len, n, i;
	int		 credit = strncasecmp(body, "Director:", line < 9 ? line : 9) == 0 &&
			    line >= 9;

	out[0] = '\0';
	if (credit)
		v = body + 9;
	else if (line >= 12 && strncasecmp(body, "Directed by ", 12) == 0)
		v = body + 12;
	else
		return 0;
	n = (size_t)(body + line - v);
	for (; n > 0 && *v == ' '; n--)
		v++;
	/* "Directed by" ends the name at the sentence's first stop; "Director:" takes the line. */
	for (i = 0; !credit && i < n && strchr(".,;:(", v[i]) == NULL; i++)
		continue;
	if (!credit) {
		credit = i == n || (v[i] == '.' && i + 1 == n);
		n = i;
	}
	while (n > 0 && v[n - 1] == ' ')
		n--;
	if (n == 0 || n >= size)
		return 0;
	memcpy(out, v, n);
	out[n] = '\0';
	if (!credit || line > CREDIT_MAX)
		return 0;
	for (line += lf != NULL; line < len && body[line] == '\n'; line++)
		continue;
	return line;
}

/*
 * Makes s fit in a field of the import log's key: its TAB separates the
 * fields and its LF ends the line, so no control character may be in it.
 */
static void
no_controls(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ')
			*s = ' ';
}

/*
 * Whether the item's link can be written as Imported-From: and a link
 * line: http or https, printable ASCII (WordPress percent-encodes the
 * rest), as long as review.c takes it.
 */
static int
permalink(const struct wxr_item *it)
{
	size_t	i, n = strlen(it->link);

	if (n > REVIEW_URL_MAX || (strncmp(it->link, "http://", 7) != 0 &&
	    strncmp(it->link, "https://", 8) != 0))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)it->link[i] <= ' ' || (unsigned char)it->link[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * The review file of the item: title, metadata, a blank line, the body;
 * "" with -1 when the body is too large to be a review.
 */
static int
review_text(const struct wxr_item *it, const char *title, long long when, struct buf *out)
{
	struct buf	body = { 0 };
	char		director[REVIEW_FIELD_MAX + 1], date[32];
	size_t		skip;
	time_t		t = (time_t)when;
	struct tm	tm;
	int		rc = -1;

	if (html2gmi(it->content.data != NULL ? it->content.data : "", it->content.len, &body) == -1)
		goto done;
	skip = lift_director(body.data != NULL ? body.data : "", body.len, director,
	    sizeof(director));
	buf_printf(out, "# %s\n", title);
	if (director[0] != '\0')
		buf_printf(out, "Director: %s\n", director);
	put_tags(out, it);
	if (when != -1 && gmtime_r(&t, &tm) != NULL &&
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		buf_printf(out, "Date: %s\n", date);
	if (permalink(it))
		buf_printf(out, "Imported-From: %s\n", it->link);
	buf_puts(out, "\n");
	if (body.len > skip)
		buf_append(out, body.data + skip, body.len - skip);
	rc = out->failed || out->len > REVIEW_FILE_MAX ? -1 : 0;
done:
	buf_free(&body);
	return rc;
}

/* A page: its title and text, and where it was first published, as plain gemtext. */
static int
page_text(const struct wxr_item *it, const char *title, struct buf *out)
{
	buf_printf(out, "# %s\n\n", title);
	if (html2gmi(it->content.data != NULL ? it->content.data : "", it->content.len, out) == -1)
		return -1;
	if (permalink(it))
		buf_printf(out, "\n=> %s First published at %s\n", it->link, it->link);
	return out->failed || out->len > REVIEW_FILE_MAX ? -1 : 0;
}

/* --- Responses ------------------------------------------------------------ */

/* Whether the comment is the post author's own: a user id that is the post's creator's. */
static int
by_post_author(const struct run *run, const struct wxr_item *it, const struct wxr_comment *c)
{
	size_t	i;

	for (i = 0; c->user_id != 0 && i < run->nauthors; i++)
		if (run->authors[i].id == c->user_id)
			return strcmp(run->authors[i].login, it->creator) == 0;
	return 0;
}

/*
 * in[0..len) cut to what an entry holds, ENTRY_TEXT_MAX bytes and
 * ENTRY_LINES_MAX lines, with CUT_MARK at the end when cut. Returns the length.
 */
static size_t
fit_text(const char *in, size_t len, char *out, size_t size)
{
	size_t	 n = 0, lines = 1, room = ENTRY_TEXT_MAX - (sizeof(CUT_MARK) - 1);
	size_t	 i;

	for (i = 0; i < len && lines <= ENTRY_LINES_MAX; i++)
		lines += in[i] == '\n' && i + 1 < len;
	if (len <= ENTRY_TEXT_MAX && lines <= ENTRY_LINES_MAX) {
		memcpy(out, in, len);
		return len;
	}
	for (i = 0, lines = 1; i < len && i < room && lines < ENTRY_LINES_MAX; i++)
		lines += in[i] == '\n';
	n = utf8_cut(in, len, i);
	while (n > 0 && (in[n - 1] == '\n' || in[n - 1] == ' '))
		n--;
	memcpy(out, in, n);
	if (n + sizeof(CUT_MARK) <= size) {
		memcpy(out + n, CUT_MARK, sizeof(CUT_MARK) - 1);
		n += sizeof(CUT_MARK) - 1;
	}
	return n;
}

/* The comment as an entry on slug; -1 (reported) when it has no text to show. */
static int
comment_record(struct run *run, const struct wxr_item *it, const struct wxr_comment *c,
    const char *slug, long long post_time, struct record *r)
{
	struct buf	 text = { 0 };
	char		 name[AUTHOR_MAX + 1], fitted[ENTRY_TEXT_MAX + 1];
	const char	*reason;
	size_t		 n;
	int		 rc;

	memset(r, 0, sizeof(*r));
	r->kind = RECORD_ENTRY;
	r->flags = RECORD_IMPORTED;
	snprintf(r->slug, sizeof(r->slug), "%s", slug);	/* fits: a file name's stem */
	if (by_post_author(run, it, c)) {
		r->flags |= RECORD_OWNER;
		entry_author(run->host->owner_name[0] != '\0' ? run->host->owner_name :
		    run->host->name, r->author);
	} else {
		html2gmi_line(c->author, strlen(c->author), name, sizeof(name));
		entry_author(name, r->author);
	}
	if ((r->time = item_time(c->date_gmt, c->date)) == -1) {
		note(run, "item %llu, comment %llu: no date; given its post's", it->id, c->id);
		r->time = post_time != -1 ? post_time : (long long)time(NULL);
	}
	if (html2gmi(c->content.data != NULL ? c->content.data : "", c->content.len, &text) == -1) {
		run->failed = 1;
		buf_free(&text);
		return -1;
	}
	n = fit_text(text.data != NULL ? text.data : "", text.len, fitted, sizeof(fitted));
	if (n < text.len)
		note(run, "item %llu, comment %llu: longer than a response (%d bytes, %d lines); "
		    "cut, marked \"[...]\"", it->id, c->id, ENTRY_TEXT_MAX, ENTRY_LINES_MAX);
	buf_free(&text);
	if ((rc = entry_text_clean(fitted, n, r->text, &r->text_len, &reason)) == -1)
		note(run, "item %llu, comment %llu: %s; skipped", it->id, c->id, reason);
	return rc;
}

/* Why the comment is not imported ("unapproved comment", ...), NULL when it is. */
static const char *
comment_skip(const struct run *run, const struct wxr_comment *c)
{
	if (strcmp(c->approved, "spam") == 0)
		return "spam comment";
	if (strcmp(c->approved, "1") != 0)
		return strcmp(c->approved, "trash") == 0 ? "comment in trash" : "unapproved comment";
	if ((strcmp(c->type, "pingback") == 0 || strcmp(c->type, "trackback") == 0) && !run->pings)
		return "ping (without --pings)";
	return NULL;
}

/* Where one comment went, for its replies: an index of the batch from 1, or an entry's id. */
struct placed {
	unsigned long long	 wp;
	size_t			 up;
	unsigned long long	 id;
};

/* The parent of c among the comments placed before it: fills r->parent or *up. */
static void
find_parent(struct run *run, const struct wxr_item *it, const struct wxr_comment *c,
    const struct placed *v, size_t n, struct record *r, size_t *up)
{
	size_t	i;

	*up = 0;
	if (c->parent == 0)
		return;
	for (i = 0; i < n && v[i].wp != c->parent; i++)
		continue;
	if (i == n) {
		note(run, "item %llu, comment %llu: answers comment %llu, which is not imported; "
		    "kept as a response of its own", it->id, c->id, c->parent);
		return;
	}
	r->parent = v[i].id;
	*up = v[i].up;
}

/* The item's comments as entries on slug, replies linked to what they answer. */
static void
item_comments(struct run *run, const struct wxr_item *it, const char *slug, long long when)
{
	struct placed		*v;
	struct record		 r;
	const char		*why;
	unsigned long long	 known;
	size_t			 i, n = 0, up;

	if (it->ncomments == 0)
		return;
	if ((v = calloc(it->ncomments, sizeof(*v))) == NULL) {
		run->failed = 1;
		return;
	}
	for (i = 0; i < it->ncomments; i++) {
		const struct wxr_comment *c = &it->comments[i];

		if ((why = comment_skip(run, c)) != NULL) {
			impstore_skip(run->store, why);
			continue;
		}
		if (comment_record(run, it, c, slug, when, &r) == -1) {
			impstore_skip(run->store, "comment without text");
			continue;
		}
		find_parent(run, it, c, v, n, &r, &up);
		if (up == 0 && (known = impstore_entry_known(run->store, &r)) != 0) {
			v[n++] = (struct placed){ .wp = c->id, .id = known };
			impstore_skip(run->store, "comment imported before");
			continue;
		}
		if ((up = impstore_add_entry(run->store, &r, up)) == 0) {
			run->failed = 1;
			break;
		}
		v[n++] = (struct placed){ .wp = c->id, .up = up };
	}
	free(v);
}

/* --- Items ------------------------------------------------------------------ */

enum kind { SKIP, REVIEW, DRAFT, PAGE };

/* What the item becomes: published and scheduled posts reviews, others drafts; pages with --pages. */
static enum kind
item_kind(struct run *run, const struct wxr_item *it)
{
	static const char *const drafts[] = { "draft", "pending", "private" };
	int	is_post = strcmp(it->type, "post") == 0 || it->type[0] == '\0';
	size_t	i;

	if (!is_post && strcmp(it->type, "page") != 0) {
		impstore_skip(run->store, strcmp(it->type, "attachment") == 0 ? "attachment" :
		    "item neither post nor page");
		return SKIP;
	}
	if (!is_post && !run->pages) {
		impstore_skip(run->store, "page (without --pages)");
		return SKIP;
	}
	if (strcmp(it->status, "publish") == 0 || strcmp(it->status, "future") == 0 ||
	    it->status[0] == '\0')
		return is_post ? REVIEW : PAGE;
	for (i = 0; i < sizeof(drafts) / sizeof(drafts[0]); i++)
		if (strcmp(it->status, drafts[i]) == 0)
			return is_post ? DRAFT : SKIP;
	impstore_skip(run->store, strcmp(it->status, "trash") == 0 ? "post in trash" :
	    "post neither published nor a draft");
	return SKIP;
}

/* The title, fixed up when the item has none. */
static void
item_title(struct run *run, const struct wxr_item *it, char *out, size_t size)
{
	char		 decoded[WXR_FIELD_MAX + 1];
	const char	*reason;
	size_t		 n;

	/* wxr.c made every byte that is not UTF-8 a U+FFFD. */
	if (strstr(it->title, UTF8_REPLACEMENT) != NULL || (it->content.len > 0 &&
	    memmem(it->content.data, it->content.len, UTF8_REPLACEMENT, 3) != NULL))
		note(run, "item %llu: bytes that are not UTF-8, shown as U+FFFD", it->id);
	html2gmi_line(it->title, strlen(it->title), out, size);
	if (out[0] != '\0')
		return;
	if (percent_decode(it->name, strlen(it->name), decoded, sizeof(decoded), &n,
	    &reason) == -1)
		decoded[0] = '\0';
	html2gmi_line(decoded, strlen(decoded), out, size);
	if (out[0] == '\0')
		snprintf(out, size, "Untitled");
	note(run, "item %llu: no title; titled \"%s\"", it->id, out);
}

/*
 * Writes the item's file and returns its guestbook slug into slug (the
 * file's stem, "" for a page); -1 when it is skipped (reported).
 */
static int
place_item(struct run *run, const struct wxr_item *it, enum kind kind, const char *key,
    char *slug)
{
	char		 title[REVIEW_FIELD_MAX + 1], name[SLUG_BYTES + 1], stem[REVIEW_NAME_MAX + 1];
	char		 path[REVIEW_NAME_MAX + 16];
	struct buf	 text = { 0 };
	long long	 when = item_time(it->date_gmt, it->date);
	struct tm	 tm;
	time_t		 t = (time_t)when;
	int		 rc;

	item_title(run, it, title, sizeof(title));
	item_slug(it, title, name);
	if (when == -1 && kind == REVIEW) {
		note(run, "item %llu: published without a date; skipped", it->id);
		impstore_skip(run->store, "post without a date");
		return -1;
	}
	stem[0] = '\0';
	if (when != -1 && kind != PAGE && gmtime_r(&t, &tm) != NULL)
		strftime(stem, sizeof(stem), "%Y-%m-%d-", &tm);
	snprintf(stem + strlen(stem), sizeof(stem) - strlen(stem), "%s", name);
	if (it->oversize || (kind == PAGE ? page_text(it, title, &text) :
	    review_text(it, title, when, &text)) == -1) {
		note(run, "item %llu: larger than a review file (1 MiB) or a field WordPress "
		    "allows; skipped", it->id);
		impstore_skip(run->store, "post too large");
		buf_free(&text);
		return -1;
	}
	rc = impstore_place(run->store, kind == PAGE ? "" : kind == DRAFT ? "drafts" : "reviews",
	    stem, text.data, text.len, key, path, sizeof(path));
	buf_free(&text);
	if (rc == -1) {
		run->failed = 1;
		return -1;
	}
	snprintf(slug, REVIEW_NAME_MAX + 1, "%s", kind == PAGE ? "" : strrchr(path, '/') + 1);
	if (kind != PAGE)
		slug[strlen(slug) - 4] = '\0';	/* without .gmi */
	impstore_count(run->store, kind == PAGE ? "page" : kind == DRAFT ? "draft" :
	    strcmp(it->status, "future") == 0 ? "scheduled" : "review", path);
	return 0;
}

static int
on_item(void *arg, const struct wxr_item *it)
{
	struct run	*run = arg;
	enum kind	 kind;
	char		 key[2 * WXR_FIELD_MAX + 32], slug[REVIEW_NAME_MAX + 1];
	const char	*done, *reason;
	long long	 when = item_time(it->date_gmt, it->date);

	if (run->progress && ++run->items % PROGRESS_EVERY == 0)
		fprintf(stderr, "\rimport: %lu items", run->items);
	if (run->checking || (kind = item_kind(run, it)) == SKIP)
		return 0;
	/* Whose item: the blog's link and the post's id (its link when it has none). */
	if (it->id != 0)
		snprintf(key, sizeof(key), "%s\t%llu", run->blog, it->id);
	else {
		snprintf(key, sizeof(key), "%s\t%s", run->blog, it->link);
		no_controls(key + strlen(run->blog) + 1);
	}
	if ((done = impstore_post_done(run->store, key)) != NULL) {
		impstore_skip(run->store, "post imported before");
		snprintf(slug, sizeof(slug), "%s", kind == PAGE ? "" : strrchr(done, '/') != NULL ?
		    strrchr(done, '/') + 1 : done);
		if (kind != PAGE && strlen(slug) > 4)
			slug[strlen(slug) - 4] = '\0';
	} else if (place_item(run, it, kind, key, slug) == -1)
		return run->failed ? -1 : 0;
	item_comments(run, it, slug, when);
	if (run->failed || impstore_commit(run->store, 0, &reason) == -1) {
		if (!run->failed)
			fprintf(stderr, "marquee: import: %s\n", reason);
		run->failed = 1;
		return -1;
	}
	return 0;
}

static int
on_author(void *arg, const struct wxr_author *a)
{
	struct run	*run = arg;
	struct author	*v;

	if (run->checking)
		return 0;
	if ((v = realloc(run->authors, (run->nauthors + 1) * sizeof(*v))) == NULL)
		return -1;
	run->authors = v;
	if ((v[run->nauthors].login = strdup(a->login)) == NULL)
		return -1;
	v[run->nauthors++].id = a->id;
	return 0;
}

static int
on_channel_link(void *arg, const char *link)
{
	struct run	*run = arg;

	snprintf(run->blog, sizeof(run->blog), "%s", link);
	no_controls(run->blog);
	return 0;
}

/* --- The command ------------------------------------------------------------ */

static int
usage(void)
{
	fputs("usage: marquee [-c file] import [-n] [-h host] [--pings] [--pages] EXPORT.xml\n",
	    stderr);
	return 2;
}

/* Reads the export through the sink; checking only, or for real. 0, or the exit status. */
static int
pass(struct run *run, const char *file)
{
	const struct wxr_sink	sink = { .arg = run, .channel_link = on_channel_link,
				    .author = on_author, .item = on_item };
	char			why[WXR_WHY_MAX];
	int			rc;

	run->items = 0;
	rc = wxr_read_file(file, &sink, why);
	if (run->progress && run->items >= PROGRESS_EVERY)
		fputs("\r\033[K", stderr);
	if (rc == -1) {
		fprintf(stderr, "marquee: import: %s: %s; nothing imported\n", file, why);
		return 1;
	}
	return rc == -2 || run->failed ? 1 : 0;
}

static void
run_free(struct run *run)
{
	while (run->nauthors > 0)
		free(run->authors[--run->nauthors].login);
	free(run->authors);
	impstore_close(run->store);
}

/* Options into run and *dry, the host into *h; the export's name, or NULL after usage. */
static const char *
options(const struct config *c, int argc, char **argv, struct run *run, int *dry,
    const struct host_config **h)
{
	int	i;

	*h = &c->hosts[0];
	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-n") == 0)
			*dry = 1;
		else if (strcmp(argv[i], "--pings") == 0)
			run->pings = 1;
		else if (strcmp(argv[i], "--pages") == 0)
			run->pages = 1;
		else if (strcmp(argv[i], "-h") == 0 && i + 1 < argc) {
			if ((*h = config_host(c, argv[++i])) == NULL) {
				fprintf(stderr, "marquee: import: no host %s in the configuration\n",
				    argv[i]);
				return NULL;
			}
		} else {
			usage();
			return NULL;
		}
	}
	if (i + 1 != argc) {
		usage();
		return NULL;
	}
	return argv[i];
}

int
import_run(const struct config *c, int argc, char **argv)
{
	struct run	 run = { 0 };
	const char	*file, *reason;
	int		 dry = 0, rc;

	if ((file = options(c, argc, argv, &run, &dry, &run.host)) == NULL)
		return 2;
	run.progress = isatty(STDERR_FILENO);
	/* First only read it through: a file refused half-way must leave nothing behind. */
	run.checking = 1;
	if ((rc = pass(&run, file)) != 0)
		return rc;
	run.checking = 0;
	if ((run.store = impstore_open(run.host, c->state, dry, &reason)) == NULL) {
		fprintf(stderr, "marquee: import: %s\n", reason);
		return 1;
	}
	rc = pass(&run, file);
	if (rc == 0 && impstore_commit(run.store, 1, &reason) == -1) {
		fprintf(stderr, "marquee: import: %s\n", reason);
		rc = 1;
	}
	impstore_summary(run.store, stdout);
	run_free(&run);
	return rc;
}
