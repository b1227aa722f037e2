/*
 * The gemlog's pages as gemtext: home, lists, tags, directors, a review's
 * footer and responses, the guestbook, the Atom feed and robots.txt. Pure:
 * it renders what the index and the guestbook hand it.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "gemlog.h"
#include "guestbook.h"
#include "utf8.h"
#include "vocab.h"

/* Growing list of rendered pages. */
struct pages {
	struct page	*v;
	size_t		 n, cap;
	int		 failed;
};

/* A review filed under one tag or director, for grouping. */
struct filing {
	const char		*slug;
	const char		*name;
	const struct entry	*entry;
};

static void
pages_add(struct pages *p, const char *path, struct buf *body, const char *type)
{
	struct page	*v;
	size_t		 cap;

	if (body->failed || p->failed)
		goto fail;
	if (p->n == p->cap) {
		cap = p->cap == 0 ? 64 : p->cap * 2;
		if ((v = reallocarray(p->v, cap, sizeof(*v))) == NULL)
			goto fail;
		p->v = v;
		p->cap = cap;
	}
	if ((p->v[p->n].path = strdup(path)) == NULL)
		goto fail;
	p->v[p->n].body = body->data;
	p->v[p->n].len = body->len;
	p->v[p->n].type = type;
	atomic_init(&p->v[p->n].gopher, NULL);
	p->n++;
	memset(body, 0, sizeof(*body));	/* the page owns the bytes now */
	return;
fail:
	p->failed = 1;
	buf_free(body);
}

int
gemlog_link(struct entry *e)
{
	struct buf	b = { 0 };

	buf_puts(&b, "=> /reviews/");
	buf_put_path(&b, e->file);
	buf_printf(&b, " %s - %s\n", e->date, e->title);
	if (b.failed)
		return -1;
	e->link = b.data;
	e->link_len = b.len;
	return 0;
}

static void
link_review(struct buf *b, const struct entry *e)
{
	buf_append(b, e->link, e->link_len);
}

static void
render_home(struct pages *p, struct entry *const *entries, size_t n,
    const struct site *site)
{
	struct buf	b = { 0 };
	size_t		i;

	if (site->intro != NULL) {
		buf_append(&b, site->intro, site->intro_len);
		if (site->intro_len > 0 && site->intro[site->intro_len - 1] != '\n')
			buf_puts(&b, "\n");
	} else
		buf_printf(&b, "# %s\n", site->title);
	buf_puts(&b, "\n## Latest reviews\n\n");
	for (i = 0; i < n && i < GEMLOG_LATEST; i++)
		link_review(&b, entries[i]);
	if (n == 0)
		buf_puts(&b, "No reviews yet.\n");
	buf_puts(&b, "\n=> /search Search the reviews\n"
	    "=> /reviews/ All reviews\n"
	    "=> /tags/ Reviews by tag\n"
	    "=> /directors/ Reviews by director\n"
	    "=> /years/ Reviews by year\n"
	    "=> /ratings/ Reviews by rating\n"
	    "=> /stats/ Statistics\n"
	    "=> /atom.xml Atom feed\n"
	    "=> /guestbook/ Guestbook\n");
	pages_add(p, "/", &b, NULL);
}

/* A list page at path; feed, when not NULL, is the URL of its Atom feed. */
static void
render_list(struct pages *p, const char *path, const char *title,
    const struct filing *f, size_t n, const char *feed)
{
	struct buf	b = { 0 };
	size_t		i, size = strlen(title) + 64;

	/* One allocation for the whole page: a tag can list thousands of reviews. */
	for (i = 0; i < n; i++)
		size += f[i].entry->link_len;
	buf_grow(&b, size);
	buf_printf(&b, "# %s\n\n", title);
	for (i = 0; i < n; i++)
		link_review(&b, f[i].entry);
	buf_puts(&b, "\n");
	if (feed != NULL)
		buf_printf(&b, "=> %s Atom feed of these reviews\n", feed);
	buf_puts(&b, "=> /reviews/ All reviews\n=> / Home\n");
	pages_add(p, path, &b, NULL);
}

/* The reviews filed under one slug: out[start..start + len) after grouping. */
struct group {
	const char	*slug;
	size_t		 start, len, filled;
};

static int
group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->slug, ((const struct group *)b)->slug);
}

/* FNV-1a: short keys, no adversary (the author writes the tags). */
static size_t
slug_hash(const char *s)
{
	size_t	h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * Groups the filings f[0..n), which come newest first, by slug into out,
 * keeping that order within each group, and returns the groups ordered by
 * slug in *groups (caller frees). A hash pass and a sort of the few groups,
 * rather than a sort of every filing by its string.
 */
static int
group_filings(const struct filing *f, size_t n, struct filing *out,
    struct group **groups, size_t *ngroups)
{
	struct group	*g;
	size_t		*slot, *member, cap = 16, i, h, ng = 0, pos = 0;

	while (cap < 2 * n)
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));	/* group index + 1; 0 is empty */
	member = calloc(n + 1, sizeof(*member));
	g = calloc(n + 1, sizeof(*g));
	if (slot == NULL || member == NULL || g == NULL) {
		free(slot);
		free(member);
		free(g);
		return -1;
	}
	for (i = 0; i < n; i++) {
		h = slug_hash(f[i].slug) & (cap - 1);
		while (slot[h] != 0 && strcmp(g[slot[h] - 1].slug, f[i].slug) != 0)
			h = (h + 1) & (cap - 1);
		if (slot[h] == 0) {
			g[ng].slug = f[i].slug;
			slot[h] = ++ng;
		}
		member[i] = slot[h] - 1;
		g[member[i]].len++;
	}
	/* Place each group's run, then sort the (few) groups by slug. */
	for (i = 0; i < ng; i++) {
		g[i].start = pos;
		pos += g[i].len;
	}
	for (i = 0; i < n; i++) {
		h = member[i];
		out[g[h].start + g[h].filled++] = f[i];
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	free(slot);
	free(member);
	*groups = g;
	*ngroups = ng;
	return 0;
}

/*
 * The name to show for a run of filings under one slug (newest first):
 * the spelling most reviews use, ties going to the oldest, so that one
 * review spelling "noir" where others say "Noir" changes nothing. A few
 * spellings at most, so a linear look-up among them.
 */
static const char *
display_name(const struct filing *run, size_t len)
{
	const char	**names;
	size_t		 *counts, distinct = 0, i, j, best = 0;
	const char	 *name = run[len - 1].name;

	names = calloc(len, sizeof(*names));
	counts = calloc(len, sizeof(*counts));
	/* Oldest first, so that on a tie the first seen, the oldest, stays. */
	for (i = len; names != NULL && counts != NULL && i-- > 0;) {
		for (j = 0; j < distinct && strcmp(names[j], run[i].name) != 0; j++)
			continue;
		if (j == distinct)
			names[distinct++] = run[i].name;
		if (++counts[j] > best) {
			best = counts[j];
			name = names[j];
		}
	}
	free(names);
	free(counts);
	return name;
}

/* What reviews are grouped by: tags, directors, years or ratings. */
struct kind {
	const char	*segment;	/* of the URL: /SEGMENT/SLUG/ */
	const char	*heading;	/* of the index page */
	const char	*prefix;	/* before a member's name in its page's title */
	int		 descending;	/* newest year, best rating first */
	int		 feeds;		/* each member has its feed, /SEGMENT/SLUG/atom.xml */
};

static void	 render_member_feed(struct pages *, const struct kind *, const struct filing *,
		    size_t, const char *, const char *, const struct site *);

/* Renders the index of a kind and one page per member (and its feed, for tags). */
static void
render_groups(struct pages *p, const struct filing *f, size_t n,
    const struct kind *k, const struct site *site)
{
	struct buf	 index = { 0 }, path = { 0 }, title = { 0 }, feed = { 0 };
	struct filing	*out, *run;
	struct group	*g = NULL, *gi;
	const char	*name;
	size_t		 i, ng = 0;

	if ((out = calloc(n + 1, sizeof(*out))) == NULL ||
	    group_filings(f, n, out, &g, &ng) == -1) {
		free(out);
		p->failed = 1;
		return;
	}
	buf_printf(&index, "# %s\n\n", k->heading);
	for (i = 0; i < ng && !p->failed; i++) {
		gi = &g[k->descending ? ng - 1 - i : i];
		run = &out[gi->start];
		name = display_name(run, gi->len);
		buf_printf(&index, "=> /%s/", k->segment);
		buf_put_path(&index, gi->slug);
		buf_printf(&index, "/ %s (%zu)\n", name, gi->len);
		path.len = title.len = feed.len = 0;
		buf_printf(&path, "/%s/%s/", k->segment, gi->slug);
		buf_printf(&title, "%s%s", k->prefix, name);
		buf_printf(&feed, "/%s/%s/atom.xml", k->segment, gi->slug);
		if (path.failed || title.failed || feed.failed)
			p->failed = 1;
		else
			render_list(p, path.data, title.data, run, gi->len, k->feeds ? feed.data : NULL);
		if (k->feeds && !p->failed)
			render_member_feed(p, k, run, gi->len, gi->slug, title.data, site);
	}
	if (n == 0)
		buf_puts(&index, "Nothing here yet.\n");
	buf_puts(&index, "\n=> /reviews/ All reviews\n=> / Home\n");
	path.len = 0;
	buf_printf(&path, "/%s/", k->segment);
	if (path.failed)
		p->failed = 1;
	else
		pages_add(p, path.data, &index, NULL);
	buf_free(&index);
	buf_free(&path);
	buf_free(&title);
	buf_free(&feed);
	free(g);
	free(out);
}

static const struct kind	by_tag = { "tags", "Tags", "Reviews tagged ", 0, 1 };
static const struct kind	by_director = { "directors", "Directors", "Films by ", 0, 0 };
static const struct kind	by_year = { "years", "Reviews by year", "Reviews of ", 1, 0 };
static const struct kind	by_rating = { "ratings", "Reviews by rating", "Rated ", 1, 0 };

/* The filings of every entry under each of its tags, or of its directors. */
static struct filing *
filings_of(struct entry *const *entries, size_t n, int directors, size_t *total)
{
	struct filing	*f;
	struct tag	*v;
	size_t		 i, j, nv;

	for (i = 0, *total = 0; i < n; i++)
		*total += directors ? entries[i]->ndirectors : entries[i]->ntags;
	if ((f = calloc(*total + 1, sizeof(*f))) == NULL)
		return NULL;
	for (i = 0, *total = 0; i < n; i++) {
		v = directors ? entries[i]->directors : entries[i]->tags;
		nv = directors ? entries[i]->ndirectors : entries[i]->ntags;
		for (j = 0; j < nv; j++)
			f[(*total)++] = (struct filing){ v[j].slug, v[j].name, entries[i] };
	}
	return f;
}

/* "2026", and "4/5" for ratings from 4 to 4.5: the slugs and names of years and ratings. */
static const char *const rating_names[] = { "0/5", "1/5", "2/5", "3/5", "4/5", "5/5" };
static const char *const rating_slugs[] = { "0", "1", "2", "3", "4", "5" };

/*
 * The filings of every entry under its year (years, whose n slots of 5
 * bytes the caller provides) or under its rating, for entries rated.
 */
static struct filing *
filings_by(struct entry *const *entries, size_t n, char (*years)[5], size_t *total)
{
	struct filing	*f;
	size_t		 i;
	int		 r;

	if ((f = calloc(n + 1, sizeof(*f))) == NULL)
		return NULL;
	for (i = 0, *total = 0; i < n; i++) {
		if (years != NULL) {
			memcpy(years[i], entries[i]->date, 4);
			years[i][4] = '\0';
			f[(*total)++] = (struct filing){ years[i], years[i], entries[i] };
		} else if ((r = entries[i]->rating) >= 0)
			f[(*total)++] = (struct filing){ rating_slugs[r / 2], rating_names[r / 2],
			    entries[i] };
	}
	return f;
}

/* Widest bar on the statistics page, in characters: fits a 70-column Gopher line. */
#define STATS_BAR_MAX	40
/* Tags and directors the statistics list, the most reviewed first. */
#define STATS_TOP	20

static int
group_by_size(const void *a, const void *b)
{
	const struct group	*x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return strcmp(x->slug, y->slug);
}

/* Columns a label takes on /stats/: the bars start in one column. */
#define STATS_LABEL	24

/* name cut and padded to STATS_LABEL columns, wide characters counted as two. */
static void
stats_label(struct buf *b, const char *name)
{
	size_t	n = utf8_fit(name, strlen(name), STATS_LABEL), cols;

	buf_append(b, name, n);
	for (cols = utf8_columns(name, n); cols <= STATS_LABEL; cols++)
		buf_puts(b, " ");
}

/*
 * One section of /stats/: each group (its display name, a bar as long as
 * its share of the largest, its count) in a preformatted block, so the
 * bars line up in every client.
 */
static void
stats_section(struct buf *b, const char *heading, const struct filing *f, size_t n,
    int by_size)
{
	struct filing	*out;
	struct group	*g = NULL;
	size_t		 i, ng = 0, max = 1, shown, bar;

	if ((out = calloc(n + 1, sizeof(*out))) == NULL || group_filings(f, n, out, &g, &ng) == -1) {
		free(out);
		b->failed = 1;
		return;
	}
	if (by_size)
		qsort(g, ng, sizeof(*g), group_by_size);
	for (i = 0; i < ng; i++)
		max = g[i].len > max ? g[i].len : max;
	shown = by_size && ng > STATS_TOP ? STATS_TOP : ng;
	buf_printf(b, "\n## %s\n\n```%s\n", heading, heading);
	for (i = 0; i < shown; i++) {
		/* Years newest first; tags and directors by size. */
		const struct group *gi = &g[by_size ? i : ng - 1 - i];

		stats_label(b, display_name(&out[gi->start], gi->len));
		for (bar = (gi->len * STATS_BAR_MAX + max - 1) / max; bar > 0; bar--)
			buf_puts(b, "\xe2\x96\x88");	/* U+2588 FULL BLOCK */
		buf_printf(b, " %zu\n", gi->len);
	}
	buf_puts(b, "```\n");
	free(g);
	free(out);
}

/* /stats/: how many reviews, per year, tag and director, as text bars. */
static void
render_stats(struct pages *p, struct entry *const *entries, size_t n)
{
	struct buf	 b = { 0 };
	struct filing	*f;
	char		(*years)[5];
	size_t		 total;

	buf_printf(&b, "# Statistics\n\n%zu review%s.\n", n, n == 1 ? "" : "s");
	if ((years = calloc(n + 1, sizeof(*years))) != NULL &&
	    (f = filings_by(entries, n, years, &total)) != NULL) {
		stats_section(&b, "Per year", f, total, 0);
		free(f);
	} else
		b.failed = 1;
	free(years);
	if ((f = filings_of(entries, n, 0, &total)) != NULL) {
		stats_section(&b, "Most used tags", f, total, 1);
		free(f);
	} else
		b.failed = 1;
	if ((f = filings_of(entries, n, 1, &total)) != NULL) {
		stats_section(&b, "Most reviewed directors", f, total, 1);
		free(f);
	} else
		b.failed = 1;
	buf_puts(&b, "\n=> /reviews/ All reviews\n=> / Home\n");
	if (b.failed)
		p->failed = 1;
	pages_add(p, "/stats/", &b, NULL);
}

/* Renders the index and pages of one kind; years is scratch for by_year. */
static void
render_kind(struct pages *p, struct entry *const *entries, size_t n, const struct kind *k,
    const struct site *site)
{
	struct filing	*f;
	char		(*years)[5] = NULL;
	size_t		 total = 0;

	if (k == &by_year && (years = calloc(n + 1, sizeof(*years))) == NULL) {
		p->failed = 1;
		return;
	}
	if (k == &by_tag || k == &by_director)
		f = filings_of(entries, n, k == &by_director, &total);
	else
		f = filings_by(entries, n, years, &total);
	if (f == NULL)
		p->failed = 1;
	else
		render_groups(p, f, total, k, site);
	free(f);
	free(years);
}

static void
render_all_reviews(struct pages *p, struct entry *const *entries, size_t n)
{
	struct filing	*f;
	size_t		 i;

	if ((f = calloc(n + 1, sizeof(*f))) == NULL) {
		p->failed = 1;
		return;
	}
	for (i = 0; i < n; i++)
		f[i].entry = entries[i];
	render_list(p, "/reviews/", "Reviews", f, n, "/atom.xml");
	free(f);
}

/* "=> /reviews/FILE Newer: TITLE" */
static void
neighbour_link(struct buf *b, const struct entry *e, const char *which)
{
	buf_puts(b, "=> /reviews/");
	buf_put_path(b, e->file);
	buf_printf(b, " %s: %s\n", which, e->title);
}

/* Reviews looked at on each side of one for related ones: its neighbours in time. */
#define RELATED_WINDOW	500

static int	 entry_cmp(const void *, const void *);

/* How much a and b share: a director counts two, a tag one. */
static unsigned
shared(const struct entry *a, const struct entry *b)
{
	unsigned	score = 0;
	size_t		i, j;

	for (i = 0; i < a->ndirectors; i++)
		for (j = 0; j < b->ndirectors; j++)
			score += 2 * (strcmp(a->directors[i].slug, b->directors[j].slug) == 0);
	for (i = 0; i < a->ntags; i++)
		for (j = 0; j < b->ntags; j++)
			score += strcmp(a->tags[i].slug, b->tags[j].slug) == 0;
	return score;
}

/* Keeps c among the best GEMLOG_RELATED by score; scores[] parallels nb->related. */
static void
keep_related(struct neighbours *nb, unsigned *scores, const struct entry *c, unsigned score)
{
	size_t	i;

	if (score == 0 || (nb->nrelated == GEMLOG_RELATED && score <= scores[GEMLOG_RELATED - 1]))
		return;
	i = nb->nrelated < GEMLOG_RELATED ? nb->nrelated++ : GEMLOG_RELATED - 1;
	/* Nearer ones come first, so an equal score does not pass one already kept. */
	for (; i > 0 && scores[i - 1] < score; i--) {
		scores[i] = scores[i - 1];
		nb->related[i] = nb->related[i - 1];
	}
	scores[i] = score;
	nb->related[i] = c;
}

void
gemlog_neighbours(struct entry *const *listed, size_t n, const struct entry *e,
    struct neighbours *nb)
{
	struct entry *const	*at;
	unsigned		 scores[GEMLOG_RELATED];
	size_t			 pos, d;

	memset(nb, 0, sizeof(*nb));
	if (n == 0 || (at = bsearch(&e, listed, n, sizeof(*listed), entry_cmp)) == NULL)
		return;
	pos = (size_t)(at - listed);
	nb->newer = pos > 0 ? listed[pos - 1] : NULL;
	nb->older = pos + 1 < n ? listed[pos + 1] : NULL;
	/* Outward from e, alternating sides: the nearest in time are seen first. */
	for (d = 1; d <= RELATED_WINDOW && (d <= pos || pos + d < n); d++) {
		if (d <= pos)
			keep_related(nb, scores, listed[pos - d], shared(e, listed[pos - d]));
		if (pos + d < n)
			keep_related(nb, scores, listed[pos + d], shared(e, listed[pos + d]));
	}
}

/* "=> /SEGMENT/SLUG/ LABELNAME" for each of v: a review's directors or tags. */
static void
member_links(struct buf *b, const char *segment, const struct tag *v, size_t n,
    const char *label)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		buf_printf(b, "=> /%s/", segment);
		buf_put_path(b, v[i].slug);
		buf_printf(b, "/ %s%s\n", label, v[i].name);
	}
}

/* "YYYY-MM-DD" of t, UTC, into out (DATE_SIZE bytes); -1 when t is out of range. */
static int
date_of(long long t, char *out)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	return gmtime_r(&tt, &tm) == NULL || strftime(out, DATE_SIZE, "%Y-%m-%d", &tm) == 0 ?
	    -1 : 0;
}

void
gemlog_footer(const struct entry *e, const struct neighbours *nb, struct buf *b)
{
	char	when[DATE_SIZE];
	size_t	i;

	/* The file is shown as written: the page says when it was published, and edited. */
	buf_printf(b, "\nPublished %s", e->date);
	if (e->edited > e->published && date_of(e->edited, when) == 0 &&
	    strcmp(when, e->date) != 0)
		buf_printf(b, ", updated %s", when);
	buf_puts(b, ".\n");
	/* The author's own URL from their export, checked by review.c: a link, unlike a reader's text. */
	if (e->imported_from != NULL)
		buf_printf(b, "=> %s First published at %s\n", e->imported_from, e->imported_from);
	buf_puts(b, "\n");
	member_links(b, "directors", e->directors, e->ndirectors, "More by ");
	member_links(b, "tags", e->tags, e->ntags, "Tagged ");
	if (nb->nrelated > 0)
		buf_puts(b, "\n## Related reviews\n\n");
	for (i = 0; i < nb->nrelated; i++)
		buf_append(b, nb->related[i]->link, nb->related[i]->link_len);
	buf_puts(b, "\n");
	if (nb->newer != NULL)
		neighbour_link(b, nb->newer, "Newer");
	if (nb->older != NULL)
		neighbour_link(b, nb->older, "Older");
	buf_puts(b, "=> /reviews/ All reviews\n=> / Home\n");
}

void
gemlog_name(struct buf *b, const struct gb_entry *e)
{
	/* entry_author keeps the mark and its lookalikes out of every name. */
	if (e->owner) {
		buf_printf(b, "%s %s (author)", OWNER_MARK, e->author);
		return;
	}
	buf_puts(b, e->author);
	if (e->fingerprint[0] != '\0')
		buf_printf(b, " [%.*s]", FINGERPRINT_SHORT, e->fingerprint);
}

/*
 * "### ↳ movieblort [3f2a9c1b], 2026-11-25": who wrote it and when, one
 * arrow a level for a reply, up to THREAD_DEPTH_SHOWN; a reply deeper than
 * that, or shown without its parent above it, says whom it answers.
 */
static void
entry_byline(struct buf *b, const struct gb_item *it)
{
	const struct gb_entry	*e = it->entry;
	char			 when[DATE_SIZE];
	time_t			 t = (time_t)e->time;
	struct tm		 tm;
	unsigned		 i;

	if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%d", &tm) == 0)
		when[0] = '\0';
	buf_puts(b, "###");
	for (i = 0; i < it->depth && i < THREAD_DEPTH_SHOWN; i++)
		buf_puts(b, i == 0 ? " \xe2\x86\xb3" : "\xe2\x86\xb3");	/* U+21B3 */
	buf_puts(b, " ");
	gemlog_name(b, e);
	buf_printf(b, ", %s", when);
	if (e->parent != NULL && (it->depth == 0 || it->depth > THREAD_DEPTH_SHOWN)) {
		buf_puts(b, ", in reply to ");
		gemlog_name(b, e->parent);
	}
	buf_puts(b, "\n");
}

/*
 * A reader's text, every line quoted: whatever they typed ("=>", "#", "```"),
 * a quote line shows it as text, and it cannot end or start a block.
 */
static void
entry_text(struct buf *b, const struct gb_entry *e)
{
	const char	*p = e->text, *end = p + e->text_len, *lf;

	for (; p < end; p = lf + 1) {
		if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL)
			lf = end;
		buf_puts(b, lf > p ? "> " : ">");
		buf_append(b, p, (size_t)(lf - p));
		buf_puts(b, "\n");
	}
}

/* The page of e: /reviews/SLUG/responses/ID, or /guestbook/notes/ID for a note. */
static void
entry_path(struct buf *b, const struct gb_entry *e)
{
	if (e->slug[0] == '\0') {
		buf_printf(b, "/guestbook/notes/%llu", e->id);
		return;
	}
	buf_puts(b, "/reviews/");
	buf_put_path(b, e->slug);
	buf_printf(b, "/responses/%llu", e->id);
}

/* Under an entry in a list: its own page, and where to answer it. */
static void
entry_links(struct buf *b, const struct gb_entry *e)
{
	buf_puts(b, "=> ");
	entry_path(b, e);
	buf_printf(b, " Permalink of entry %llu\n=> ", e->id);
	entry_path(b, e);
	buf_printf(b, "/reply Reply to entry %llu\n", e->id);
}

/* One entry of a thread: byline, text, and its links. */
static void
entry_item(struct buf *b, const struct gb_item *it)
{
	buf_puts(b, "\n");
	entry_byline(b, it);
	entry_text(b, it->entry);
	entry_links(b, it->entry);
}

void
gemlog_responses(const struct gb_item *v, size_t n, size_t likes,
    const struct entry *review, struct buf *b)
{
	size_t	i;

	buf_printf(b, "\n%zu like%s\n=> /reviews/", likes, likes == 1 ? "" : "s");
	buf_put_path(b, review->slug);
	buf_puts(b, "/like Like this review\n");
	if (n == 0)
		buf_printf(b, "\n## No responses to %s yet\n", review->title);
	else
		buf_printf(b, "\n## %zu response%s to %s\n", n, n == 1 ? "" : "s",
		    review->title);
	for (i = 0; i < n; i++)
		entry_item(b, &v[i]);
	buf_puts(b, "\n=> /reviews/");
	buf_put_path(b, review->slug);
	buf_puts(b, "/respond Leave a response\n=> /reviews/");
	buf_put_path(b, review->slug);
	buf_puts(b, "/atom.xml Follow the responses (Atom feed)\n");
}

void
gemlog_entry(const struct gb_item *v, size_t n, const struct entry *review,
    struct buf *b)
{
	const struct gb_entry	*e = v[0].entry;
	size_t			 i;

	if (review != NULL)
		buf_printf(b, "# A response to %s\n\n", review->title);
	else
		buf_puts(b, "# A note in the guestbook\n\n");
	entry_byline(b, &v[0]);
	entry_text(b, e);
	buf_puts(b, "\n=> ");
	entry_path(b, e);
	buf_printf(b, "/reply Reply to this %s\n", review != NULL ? "response" : "note");
	if (e->parent != NULL) {
		buf_puts(b, "=> ");
		entry_path(b, e->parent);
		buf_printf(b, " The entry it answers, entry %llu\n", e->parent->id);
	}
	if (review != NULL) {
		buf_puts(b, "=> /reviews/");
		buf_put_path(b, review->file);
		buf_printf(b, " The review: %s\n", review->title);
	} else
		buf_puts(b, "=> /guestbook/ The guestbook\n");
	if (n > 1)
		buf_printf(b, "\n## %zu repl%s\n", n - 1, n == 2 ? "y" : "ies");
	for (i = 1; i < n; i++)
		entry_item(b, &v[i]);
	buf_puts(b, "\n=> / Home\n");
}

/* The address of page number of the guestbook. */
static void
guestbook_link(struct buf *b, unsigned number, const char *label)
{
	if (number == 1)
		buf_printf(b, "=> /guestbook/ %s\n", label);
	else
		buf_printf(b, "=> /guestbook/page/%u/ %s\n", number, label);
}

/*
 * One entry of a guestbook page: a thread's first entry names the review it
 * answers; links to answer an entry are left out where its review is gone.
 */
static void
guestbook_item(struct buf *b, const struct gb_item *it, const struct guestbook_page *page,
    int *review_here)
{
	const struct gb_entry	*e = it->entry;
	char			 title[REVIEW_FIELD_MAX + 1];

	buf_puts(b, "\n");
	entry_byline(b, it);
	if (it->depth == 0) {
		*review_here = e->slug[0] == '\0' ||
		    page->title(page->title_arg, e->slug, title, sizeof(title)) == 0;
		if (e->slug[0] != '\0') {
			buf_puts(b, "=> /reviews/");
			buf_put_path(b, e->slug);
			if (*review_here)
				buf_printf(b, "/ In response to %s\n", title);
			else
				buf_puts(b, "/ In response to a review no longer here\n");
		}
	}
	entry_text(b, e);
	if (*review_here)
		entry_links(b, e);
}

void
gemlog_guestbook(const struct gb_item *v, size_t n,
    const struct guestbook_page *page, struct buf *b)
{
	size_t	i;
	int	review_here = 0;

	buf_puts(b, "# Guestbook\n\nResponses to the reviews, and notes for the "
	    "whole capsule, newest first.\n\n=> /guestbook/sign Sign the guestbook\n");
	if (page->number > 1)
		guestbook_link(b, page->number - 1, "Newer entries");
	if (n == 0 && page->number == 1)
		buf_puts(b, "\nNobody has written yet.\n");
	for (i = 0; i < n; i++)
		guestbook_item(b, &v[i], page, &review_here);
	buf_puts(b, "\n");
	if (page->older)
		guestbook_link(b, page->number + 1, "Older entries");
	buf_puts(b, "=> /guestbook/atom.xml Follow the guestbook (Atom feed)\n=> / Home\n");
}

/* RFC 3339 in UTC, as Atom's dates are written: "2026-04-05T18:30:00Z". */
static void
put_time(struct buf *b, long long t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	char		s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf_puts(b, "1970-01-01T00:00:00Z");
	else
		buf_puts(b, s);
}

static void
feed_entry(struct buf *b, const struct entry *e, const struct site *site)
{
	size_t	i;

	buf_puts(b, "  <entry>\n    <title>");
	buf_put_xml(b, e->title);
	buf_printf(b, "</title>\n    <id>%s/reviews/", site->base_url);
	buf_put_path(b, e->file);
	buf_puts(b, "</id>\n    <updated>");
	/* RFC 4287 4.2.15: when it last changed in a way worth telling readers. */
	put_time(b, e->edited > e->published ? e->edited : e->published);
	buf_printf(b, "</updated>\n    <link rel=\"alternate\" href=\"%s/reviews/", site->base_url);
	buf_put_path(b, e->file);
	buf_puts(b, "\"/>\n");
	/* RFC 4287 4.2.2: a term (the tag's slug) and a label for people. */
	for (i = 0; i < e->ntags; i++) {
		buf_puts(b, "    <category term=\"");
		buf_put_xml(b, e->tags[i].slug);
		buf_puts(b, "\" label=\"");
		buf_put_xml(b, e->tags[i].name);
		buf_puts(b, "\"/>\n");
	}
	if (e->summary != NULL && e->summary[0] != '\0') {
		buf_puts(b, "    <summary>");
		buf_put_xml(b, e->summary);
		buf_puts(b, "</summary>\n");
	}
	buf_puts(b, "  </entry>\n");
}

/*
 * The head of an Atom feed (RFC 4287): its title, its id (base_url and the
 * path id: a feed's id never changes), when it last changed, and links to
 * itself (self) and to the page it follows (page). Paths as they are,
 * percent-encoded here.
 */
static void
feed_head(struct buf *b, const char *base_url, const char *title, const char *id,
    const char *self, const char *page, long long updated)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
	buf_put_xml(b, title);
	buf_printf(b, "</title>\n  <id>%s", base_url);
	buf_put_path(b, id);
	buf_puts(b, "</id>\n  <updated>");
	put_time(b, updated);
	buf_printf(b, "</updated>\n  <link rel=\"self\" href=\"%s", base_url);
	buf_put_path(b, self);
	buf_printf(b, "\"/>\n  <link rel=\"alternate\" href=\"%s", base_url);
	buf_put_path(b, page);
	buf_puts(b, "\"/>\n");
}

/*
 * An Atom feed (RFC 4287) at path of the newest GEMLOG_FEED of entries
 * (newest first), titled title, whose page is at page: the whole gemlog's,
 * or one tag's. Needs id, title, updated, and an author for entries without
 * one.
 */
static void
render_feed(struct pages *p, const char *path, const char *page, const char *title,
    const struct entry *const *entries, size_t n, const struct site *site)
{
	struct buf	b = { 0 };
	size_t		i;

	feed_head(&b, site->base_url, title, page, path, page,
	    n > 0 ? entries[0]->published : 0);
	buf_puts(&b, "  <author><name>");
	buf_put_xml(&b, site->author != NULL ? site->author : site->title);
	buf_puts(&b, "</name></author>\n");
	for (i = 0; i < n && i < GEMLOG_FEED; i++)
		feed_entry(&b, entries[i], site);
	buf_puts(&b, "</feed>\n");
	pages_add(p, path, &b, "application/atom+xml");
}

/* The name gemlog_name gives e's author, as XML text. */
static void
feed_name(struct buf *b, const struct gb_entry *e)
{
	struct buf	name = { 0 };

	gemlog_name(&name, e);
	if (name.failed)
		b->failed = 1;
	else if (name.data != NULL)
		buf_put_xml(b, name.data);
	buf_free(&name);
}

/* "Ann [3f2a9c1b] in reply to Bob [4e5f6a7b] on Rust and Bone": who, to whom, on what. */
static void
feed_response_title(struct buf *b, const struct gb_entry *e, const struct guestbook_feed *f)
{
	char	title[REVIEW_FIELD_MAX + 1];

	feed_name(b, e);
	if (e->parent != NULL) {
		buf_puts(b, " in reply to ");
		feed_name(b, e->parent);
	}
	if (e->slug[0] == '\0')
		buf_puts(b, " in the guestbook");
	else if (f->review_title(f->arg, e->slug, title, sizeof(title)) == 0) {
		buf_puts(b, " on ");
		buf_put_xml(b, title);
	} else
		buf_puts(b, " on a review no longer here");
}

/* One response or note; its page is its id, which never changes or repeats (RFC 4287 4.2.6). */
static void
feed_response(struct buf *b, const struct gb_entry *e, const struct guestbook_feed *f)
{
	buf_printf(b, "  <entry>\n    <id>%s", f->base_url);
	entry_path(b, e);
	buf_puts(b, "</id>\n    <title>");
	feed_response_title(b, e, f);
	buf_puts(b, "</title>\n    <updated>");
	put_time(b, e->time);
	buf_puts(b, "</updated>\n    <author><name>");
	feed_name(b, e);
	buf_printf(b, "</name></author>\n    <link rel=\"alternate\" href=\"%s", f->base_url);
	entry_path(b, e);
	/* type="text": a reader's markup is shown as the characters typed. */
	buf_puts(b, "\"/>\n    <content type=\"text\">");
	buf_put_xml(b, e->text);
	buf_puts(b, "</content>\n  </entry>\n");
}

void
gemlog_guestbook_feed(const struct gb_item *v, size_t n, const struct guestbook_feed *f,
    struct buf *b)
{
	size_t	i;

	/* The newest entry's time; a feed with none has not changed since 1970. */
	feed_head(b, f->base_url, f->title, f->self, f->self, f->page,
	    n > 0 ? v[0].entry->time : 0);
	for (i = 0; i < n; i++)
		feed_response(b, v[i].entry, f);
	buf_puts(b, "</feed>\n");
}

/* The feed of one tag's reviews (the run of filings under it) at /tags/SLUG/atom.xml. */
static void
render_member_feed(struct pages *p, const struct kind *k, const struct filing *run, size_t n,
    const char *slug, const char *title, const struct site *site)
{
	const struct entry	**v;
	struct buf	  path = { 0 }, page = { 0 };
	size_t		  i;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		p->failed = 1;
		return;
	}
	for (i = 0; i < n; i++)
		v[i] = run[i].entry;
	buf_printf(&path, "/%s/%s/atom.xml", k->segment, slug);
	buf_printf(&page, "/%s/%s/", k->segment, slug);
	if (path.failed || page.failed)
		p->failed = 1;
	else
		render_feed(p, path.data, page.data, title, v, n, site);
	buf_free(&path);
	buf_free(&page);
	free(v);
}

/*
 * Gemini robots.txt companion specification: keep crawlers off input URLs.
 * It matches path prefixes only, so the file is the same few lines however
 * many reviews there are: the guestbook's sign URL and its notes' pages
 * (each note is on /guestbook/ too, and their reply URLs are under them),
 * and /search, whose every answer is a query's.
 * A review's respond, reply and like URLs sit under its own name beside
 * nothing else of it but its menu, and no prefix names them all without
 * hiding reviews; a crawler that follows one gets 10 or 60, an answer that
 * costs the server nothing and writes nothing.
 */
static void
render_robots(struct pages *p)
{
	struct buf	b = { 0 };

	buf_puts(&b, "# Input URLs are for people, not crawlers.\n"
	    "User-agent: *\nDisallow: /guestbook/sign\nDisallow: /guestbook/notes/\n"
	    "Disallow: /search\n");
	pages_add(p, "/robots.txt", &b, "text/plain; charset=utf-8");
}

static int
page_cmp(const void *a, const void *b)
{
	return strcmp(((const struct page *)a)->path, ((const struct page *)b)->path);
}

int
gemlog_render(struct entry *const *entries, size_t n, const struct site *site,
    struct page **pages, size_t *npages, const char **reason)
{
	struct pages	p = { 0 };

	render_home(&p, entries, n, site);
	render_all_reviews(&p, entries, n);
	render_kind(&p, entries, n, &by_tag, site);
	render_kind(&p, entries, n, &by_director, site);
	render_kind(&p, entries, n, &by_year, site);
	render_kind(&p, entries, n, &by_rating, site);
	render_stats(&p, entries, n);
	if (!site->own_feed)
		render_feed(&p, "/atom.xml", "/", site->title,
		    (const struct entry *const *)entries, n, site);
	if (!site->own_robots)
		render_robots(&p);
	if (p.failed) {
		gemlog_pages_free(p.v, p.n);
		*reason = "out of memory";
		return -1;
	}
	qsort(p.v, p.n, sizeof(*p.v), page_cmp);
	*pages = p.v;
	*npages = p.n;
	return 0;
}

void
gemlog_pages_free(struct page *pages, size_t npages)
{
	size_t	i;

	struct rendition	*r;

	for (i = 0; i < npages; i++) {
		free(pages[i].path);
		free(pages[i].body);
		if ((r = atomic_load(&pages[i].gopher)) != NULL) {
			free(r->data);
			free(r);
		}
	}
	free(pages);
}

static int
path_cmp(const void *key, const void *page)
{
	return strcmp(key, ((const struct page *)page)->path);
}

struct page *
gemlog_find(struct page *pages, size_t npages, const char *path)
{
	return bsearch(path, pages, npages, sizeof(*pages), path_cmp);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry	*x = *(struct entry *const *)a;
	const struct entry	*y = *(struct entry *const *)b;
	int			 c;

	if ((c = memcmp(y->date, x->date, sizeof(x->date) - 1)) != 0)
		return c;
	return strcmp(y->file, x->file);
}

void
gemlog_sort(struct entry **entries, size_t n)
{
	size_t	i;

	/* Usually sorted already: file names start with their date. */
	for (i = 1; i < n; i++)
		if (entry_cmp(&entries[i - 1], &entries[i]) > 0)
			break;
	if (i < n)
		qsort(entries, n, sizeof(*entries), entry_cmp);
}
