/*
 * marquee guestbook COMMAND: the owner's commands on a host's guestbook log,
 * from the shell, beside a running server or without one. Reading and
 * appending the log is guestbook.c's (its append lock keeps ids in one
 * sequence with a running server, which follows the log and shows what is
 * appended within a second); this file checks what the owner typed and
 * prints.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capsule.h"
#include "config.h"
#include "gbexport.h"
#include "gbtool.h"
#include "gbwhere.h"
#include "guestbook.h"
#include "limit.h"

/* What every command works on: the host and its log. */
struct tool {
	const struct host_config	*host;
	struct guestbook		*gb;
};

/* How limit_address_key begins an address key. */
#define ADDRESS_PREFIX	"addr "

/*
 * One line, "marquee: guestbook: ...", for a command line that is wrong
 * (rc 2) or a command that could not be done (rc 1); returns rc.
 */
static int __attribute__((format(printf, 2, 3)))
complain(int rc, const char *fmt, ...)
{
	va_list	ap;

	fputs("marquee: guestbook: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

static void
put_json_string(FILE *f, const char *s, size_t n)
{
	size_t		i;
	unsigned char	c;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
time_text(long long t, char *out, size_t size)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "?");
}

/* A ban target as the owner types it: the address without the key's prefix. */
static const char *
target_text(const char *target)
{
	size_t	n = strlen(ADDRESS_PREFIX);

	return strncmp(target, ADDRESS_PREFIX, n) == 0 ? target + n : target;
}

/* Every like as "slug TAB fingerprint", sorted: the store's order is its hash table's. */
struct likes {
	char	**v;		/* owned, as is each string */
	size_t	  n;
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
likes_add(void *arg, const char *slug, const char *fingerprint)
{
	struct likes	*l = arg;
	char		**nv, *s;

	if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL)
		return;
	l->v = nv;
	if (asprintf(&s, "%s\t%s", slug, fingerprint) != -1)
		l->v[l->n++] = s;
}

/* The likes of gb, sorted, into l (freed by likes_free). */
static void
likes_of(struct guestbook *gb, struct likes *l)
{
	guestbook_each_like(gb, likes_add, l);
	if (l->n > 0)	/* l->v is NULL without likes, which qsort may not be given */
		qsort(l->v, l->n, sizeof(*l->v), str_cmp);
}

static void
likes_free(struct likes *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void
export_likes(struct guestbook *gb)
{
	struct likes	 l = { 0 };
	const char	*tab;
	size_t		 i;

	likes_of(gb, &l);
	for (i = 0; i < l.n; i++) {
		tab = strchr(l.v[i], '\t');
		fputs("{\"like\":", stdout);
		put_json_string(stdout, l.v[i], (size_t)(tab - l.v[i]));
		printf(",\"fingerprint\":\"%s\"}\n", tab + 1);
	}
	likes_free(&l);
}

/*
 * One JSON object a line: every entry, then every like, then every ban
 * (the README's "Owner commands" gives their shapes).
 */
static int
export_all(struct tool *t, enum record_kind kind, char **argv)
{
	struct gb_entry	*const *v;
	char		*const *bans;
	char		 when[32];
	size_t		 i, n = guestbook_all(t->gb, &v);

	(void)kind;
	(void)argv;
	for (i = 0; i < n; i++) {
		time_text(v[i]->time, when, sizeof(when));
		printf("{\"id\":%llu,\"time\":\"%s\",\"review\":", v[i]->id, when);
		put_json_string(stdout, v[i]->slug, strlen(v[i]->slug));
		fputs(",\"author\":", stdout);
		put_json_string(stdout, v[i]->author, strlen(v[i]->author));
		printf(",\"fingerprint\":\"%s\",\"text\":", v[i]->fingerprint);
		put_json_string(stdout, v[i]->text, v[i]->text_len);
		printf(",\"hidden\":%s", v[i]->hidden ? "true" : "false");
		if (v[i]->parent != NULL)
			printf(",\"parent\":%llu", v[i]->parent->id);
		else
			fputs(",\"parent\":null", stdout);
		printf(",\"owner\":%s,\"held\":%s%s}\n", v[i]->owner ? "true" : "false",
		    v[i]->held ? "true" : "false", v[i]->imported ? ",\"imported\":true" : "");
	}
	export_likes(t->gb);
	n = guestbook_bans(t->gb, &bans);
	for (i = 0; i < n; i++)
		printf("{\"ban\":\"%s\"}\n", target_text(bans[i]));
	return 0;
}

/* "re 42, held, hidden": what a list line says after the text; "" for a plain entry. */
static void
entry_marks(const struct gb_entry *e, char *out, size_t size)
{
	int	n = 0;

	out[0] = '\0';
	if (e->parent != NULL)
		n = snprintf(out, size, "re %llu", e->parent->id);
	if (e->held && n >= 0 && (size_t)n < size)
		n += snprintf(out + n, size - (size_t)n, "%sheld", n > 0 ? ", " : "");
	if (e->hidden && n >= 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, "%shidden", n > 0 ? ", " : "");
}

/*
 * One line an entry: id, time, review, author (the owner's with the mark
 * pages show), the first line of the text, then in parentheses what it
 * answers and whether it is held or hidden. With --held, only held entries.
 */
static int
list_entries(struct tool *t, enum record_kind kind, char **argv)
{
	struct gb_entry	*const *v, *e;
	const char	*lf;
	char		 when[32], marks[64];
	size_t		 i, first, n = guestbook_all(t->gb, &v);
	int		 held_only = argv[0] != NULL;

	(void)kind;
	if (held_only && strcmp(argv[0], "--held") != 0)
		return complain(2, "list: unknown option '%s' (list takes --held)", argv[0]);
	for (i = 0; i < n; i++) {
		e = v[i];
		if (held_only && !e->held)
			continue;
		time_text(e->time, when, sizeof(when));
		lf = memchr(e->text, '\n', e->text_len);
		first = lf != NULL ? (size_t)(lf - e->text) : e->text_len;
		entry_marks(e, marks, sizeof(marks));
		printf("%llu\t%s\t%s\t%s%s%s%.*s%s\t%.*s%s%s%s%s\n", e->id, when,
		    e->slug[0] != '\0' ? e->slug : "(guestbook)", e->owner ? OWNER_MARK " " : "",
		    e->author, e->fingerprint[0] != '\0' ? " [" : "", FINGERPRINT_SHORT,
		    e->fingerprint, e->fingerprint[0] != '\0' ? "]" : "", (int)first, e->text,
		    lf != NULL ? " ..." : "", marks[0] != '\0' ? "\t(" : "", marks,
		    marks[0] != '\0' ? ")" : "");
	}
	return 0;
}

/* Room for "PostgreSQL schema " and a schema's name. */
#define GB_NAME_MAX	(sizeof("PostgreSQL schema ") + GB_SCHEMA_MAX)

/*
 * How t's guestbook is named to the owner, in name: its log's path, or its
 * schema, never a URI, which may carry a password.
 */
static const char *
guestbook_name(const struct tool *t, char name[GB_NAME_MAX])
{
	char	schema[GB_SCHEMA_MAX + 1];

	if (!gbwhere_is_postgresql(t->host->guestbook))
		return t->host->guestbook;
	gbwhere_schema(t->host->name, schema);
	snprintf(name, GB_NAME_MAX, "PostgreSQL schema %s", schema);
	return name;
}

/* What the log holds and what is wrong with it; 1 when something is. */
static int
check_log(struct tool *t, enum record_kind kind, char **argv)
{
	struct gb_entry	*const *v;
	size_t		 n = guestbook_all(t->gb, &v);
	unsigned	 problems = guestbook_problems(t->gb);
	char		 name[GB_NAME_MAX];

	(void)kind;
	(void)argv;
	printf("guestbook %s: %zu entries, %u problems\n", guestbook_name(t, name), n, problems);
	return problems > 0;
}

/* Appends r; 0, or 1 with the reason printed. */
static int
append(struct tool *t, struct record *r)
{
	const char	*reason;

	if (guestbook_append(t->gb, r, &reason) == -1)
		return complain(1, "%s", reason);
	return 0;
}

/*
 * The entry that the operand arg of command names: 0 with *e; 2 when arg is
 * not an entry id, 1 when the log holds no such entry (both printed).
 */
static int
entry_arg(const struct tool *t, const char *command, const char *arg,
    const struct gb_entry **e)
{
	unsigned long long	id = 0;
	size_t			i, n = strlen(arg);
	char			name[GB_NAME_MAX];

	/* Digits only: strtoull would take "-1", " 7" and "+7". */
	for (i = 0; i < n && arg[i] >= '0' && arg[i] <= '9'; i++)
		id = id * 10 + (unsigned long long)(arg[i] - '0');
	if (n == 0 || i < n || n > 19 || id == 0)
		return complain(2, "%s: '%s' is not an entry id", command, arg);
	if ((*e = guestbook_find(t->gb, id)) == NULL)
		return complain(1, "no entry %llu in %s", id, guestbook_name(t, name));
	return 0;
}

/*
 * Why e is not on the pages although nothing the owner just did hides it:
 * it or an entry it answers is hidden or held. Printed after what was done.
 */
static void
put_not_shown(const struct gb_entry *e)
{
	const struct gb_entry	*up;

	if (e == NULL) {	/* the store could not take it: guestbook.c logged why */
		putchar('\n');
		return;
	}
	for (up = e; up != NULL && !up->hidden && !up->held; up = up->parent)
		continue;
	if (up == e)
		printf(" (not shown: it is %s)", e->held ? "held" : "hidden");
	else if (up != NULL)
		printf(" (not shown while entry %llu, which it answers, is %s)", up->id,
		    up->held ? "held" : "hidden");
	putchar('\n');
}

/* hide, unhide and approve: a record naming the entry, unless it says nothing new. */
static int
mark_entry(struct tool *t, enum record_kind kind, char **argv)
{
	static const struct {
		const char	*command, *done, *moot;
	} says[] = {
		[RECORD_HIDE] = { "hide", "hidden", "is already hidden" },
		[RECORD_UNHIDE] = { "unhide", "unhidden", "is not hidden" },
		[RECORD_APPROVE] = { "approve", "approved", "is not held" },
	};
	struct record		 r = { .kind = kind };
	const struct gb_entry	*e;
	int			 rc, moot;

	if ((rc = entry_arg(t, says[kind].command, argv[0], &e)) != 0)
		return rc;
	moot = kind == RECORD_HIDE ? e->hidden : kind == RECORD_UNHIDE ? !e->hidden : !e->held;
	if (moot) {
		printf("entry %llu %s\n", e->id, says[kind].moot);
		return 0;
	}
	r.id = e->id;
	if ((rc = append(t, &r)) != 0)
		return rc;
	printf("entry %llu %s", e->id, says[kind].done);
	/* Unhidden or approved, it may still wait on another entry or mark. */
	if (kind == RECORD_HIDE)
		putchar('\n');
	else
		put_not_shown(e);
	return 0;
}

/*
 * Appends r (an entry, slug and parent filled in) as the author's, with text:
 * the owner's flag, owner_name or else the host's name, the text cleaned
 * as a reader's is.
 */
static int
owner_entry(struct tool *t, struct record *r, const char *text)
{
	const char	*reason;
	int		 rc;

	r->flags = RECORD_OWNER;
	if (entry_text_clean(text, strlen(text), r->text, &r->text_len, &reason) == -1)
		return complain(1, "not saved: %s", reason);
	/* The name pages show with the mark: cleaned as a CN is, so it cannot carry one. */
	entry_author(t->host->owner_name[0] != '\0' ? t->host->owner_name : t->host->name,
	    r->author);
	if ((rc = append(t, r)) != 0)
		return rc;
	if (r->parent != 0)
		printf("entry %llu saved, in reply to %llu", r->id, r->parent);
	else
		printf("entry %llu saved, a response to %s", r->id, r->slug);
	put_not_shown(guestbook_find(t->gb, r->id));
	return 0;
}

static int
reply(struct tool *t, enum record_kind kind, char **argv)
{
	struct record		 r = { .kind = kind };
	const struct gb_entry	*up;
	int			 rc;

	if ((rc = entry_arg(t, "reply", argv[0], &up)) != 0)
		return rc;
	r.parent = up->id;
	/* Fits: the log held it. */
	snprintf(r.slug, sizeof(r.slug), "%s", up->slug);
	return owner_entry(t, &r, argv[1]);
}

/*
 * Whether the host's capsule has the review slug, a file the index would
 * serve at /reviews/SLUG/: reviews/SLUG.gmi or reviews/SLUG.txt, a regular
 * file beneath the root. -1 with *reason when the root cannot be opened.
 */
static int
has_review(const struct host_config *h, const char *slug, const char **reason)
{
	static const char *const exts[] = { ".gmi", ".txt" };
	struct review_name	 name;
	struct stat		 st;
	char			 file[REVIEW_NAME_MAX + 1], path[sizeof(file) + 8];
	size_t			 i;
	int			 root_fd, fd, found = 0;

	if (strchr(slug, '/') != NULL)
		return 0;
	if ((root_fd = capsule_open_root(h->root, reason)) == -1)
		return -1;
	for (i = 0; i < 2 && !found; i++) {
		/* The names the index ignores (hidden, temporary) are no review either. */
		if ((size_t)snprintf(file, sizeof(file), "%s%s", slug, exts[i]) >= sizeof(file) ||
		    review_name_parse(file, &name, reason) == -1)
			continue;
		snprintf(path, sizeof(path), "reviews/%s", file);
		if ((fd = capsule_open(root_fd, path)) == -1)
			continue;
		found = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		close(fd);
	}
	close(root_fd);
	return found;
}

static int
respond(struct tool *t, enum record_kind kind, char **argv)
{
	struct record	 r = { .kind = kind };
	const char	*reason;
	int		 found;

	if ((found = has_review(t->host, argv[0], &reason)) == -1)
		return complain(1, "%s", reason);
	if (!found)
		return complain(1, "no review %s: %s/reviews/ has no %s.gmi or %s.txt", argv[0],
		    t->host->root, argv[0], argv[0]);
	/* Fits: a review's file name is at most SLUG_MAX with its extension. */
	snprintf(r.slug, sizeof(r.slug), "%s", argv[0]);
	return owner_entry(t, &r, argv[1]);
}

/*
 * The ban target arg names, into out (ENTRY_TEXT_MAX + 1 bytes) as the store
 * keeps it (record.h): a certificate (64 hex digits, lower-cased), or an
 * address keyed as limit_address_key keys a client (an IPv4 address, an
 * IPv6 address's /64, which may be written with "/64"). -1 when arg is
 * neither.
 */
static int
ban_target(const char *arg, char *out)
{
	unsigned char	addr[sizeof(struct in6_addr)];
	char		text[INET6_ADDRSTRLEN];
	size_t		i, n = strlen(arg);

	_Static_assert(ENTRY_TEXT_MAX >= ADDRESS_KEY_MAX && ENTRY_TEXT_MAX >= FINGERPRINT_HEX,
	    "a ban record's text holds its target");
	for (i = 0; n == FINGERPRINT_HEX - 1 && i < n && isxdigit((unsigned char)arg[i]); i++)
		out[i] = (char)tolower((unsigned char)arg[i]);
	if (i == FINGERPRINT_HEX - 1) {
		out[i] = '\0';
		return 0;
	}
	if (n > 3 && strcmp(arg + n - 3, "/64") == 0)
		n -= 3;
	if (n >= sizeof(text))
		return -1;
	memcpy(text, arg, n);
	text[n] = '\0';
	/* IPv4 written back by inet_ntop, as the server writes a peer's. */
	if (n == strlen(arg) && inet_pton(AF_INET, text, addr) == 1)
		inet_ntop(AF_INET, addr, text, sizeof(text));
	else if (inet_pton(AF_INET6, text, addr) != 1)
		return -1;
	limit_address_key(text, out);
	return 0;
}

/* ban and unban: a record with the target, unless it says nothing new. */
static int
ban_change(struct tool *t, enum record_kind kind, char **argv)
{
	struct record	 r = { .kind = kind };
	const char	*what;
	int		 rc, banned;

	if (ban_target(argv[0], r.text) == -1)
		return complain(2, "%s: '%s' is neither a certificate fingerprint (64 hex "
		    "digits) nor an IP address", kind == RECORD_BAN ? "ban" : "unban", argv[0]);
	what = strncmp(r.text, ADDRESS_PREFIX, strlen(ADDRESS_PREFIX)) == 0 ? "address" :
	    "certificate";
	if (kind == RECORD_BAN && config_is_owner(t->host, r.text))
		return complain(1, "%s is an owner certificate of %s: the owner is never banned",
		    r.text, t->host->name);
	banned = guestbook_banned(t->gb, r.text);
	if (banned == (kind == RECORD_BAN)) {
		printf("%s %s %s\n", what, target_text(r.text), banned ? "is already banned" :
		    "is not banned");
		return 0;
	}
	r.text_len = strlen(r.text);
	if ((rc = append(t, &r)) != 0)
		return rc;
	printf("%s %s %s\n", what, target_text(r.text), banned ? "unbanned" : "banned");
	return 0;
}

/* --- import --------------------------------------------------------------- */

/* Records stored by one guestbook_import call: one write or transaction of a bounded size. */
#define IMPORT_CHUNK	1024

/* What an import brings: the records to store, in order, and what it passes over. */
struct import {
	struct record	*v;		/* owned */
	size_t		 n, cap;
	size_t		 entries, hides, likes, bans, there;
	size_t		*at;		/* where each entry imported is in v, in id order; owned */
	unsigned long long prev;	/* the last entry id of the file */
	struct likes	 liked;		/* of the guestbook and the import, sorted */
	unsigned long long last;	/* the highest entry id held or imported */
};

static int
import_add(struct import *im, const struct record *r)
{
	struct record	*nv;
	size_t		 ncap;

	if (im->n == im->cap) {
		ncap = im->cap == 0 ? 256 : 2 * im->cap;
		if ((nv = reallocarray(im->v, ncap, sizeof(*nv))) == NULL)
			return complain(1, "import: out of memory");
		im->v = nv;
		im->cap = ncap;
	}
	im->v[im->n++] = *r;
	return 0;
}

/* Whether the guestbook (or this import) has the like already; puts it in the sorted list when not. */
static int
like_held(struct import *im, const struct record *r)
{
	char	*key, **nv;
	size_t	 lo = 0, hi = im->liked.n, mid;
	int	 cmp;

	if (asprintf(&key, "%s\t%s", r->slug, r->fingerprint) == -1)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(key, im->liked.v[mid])) == 0) {
			free(key);
			return 1;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((nv = reallocarray(im->liked.v, im->liked.n + 1, sizeof(*nv))) == NULL) {
		free(key);
		return 0;
	}
	im->liked.v = nv;
	memmove(nv + lo + 1, nv + lo, (im->liked.n - lo) * sizeof(*nv));
	nv[lo] = key;
	im->liked.n++;
	return 0;
}

/* The entry of an import already held: the same one (passed over), or another (an error). */
static int
entry_held(struct import *im, const struct gb_entry *e, const struct gbexport_item *it)
{
	if (strcmp(e->slug, it->rec.slug) != 0 || e->text_len != it->rec.text_len ||
	    memcmp(e->text, it->rec.text, e->text_len) != 0)
		return complain(1, "import: entry %llu is another entry in the guestbook: "
		    "not imported", e->id);
	im->there++;
	if (!it->hidden || e->hidden)
		return 0;
	im->hides++;
	return import_add(im, &(struct record){ .kind = RECORD_HIDE, .id = e->id });
}

/* The slug of entry id among those imported so far (in id order), or NULL. */
static const char *
imported_slug(const struct import *im, unsigned long long id)
{
	size_t	lo = 0, hi = im->entries, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (im->v[im->at[mid]].id == id)
			return im->v[im->at[mid]].slug;
		if (im->v[im->at[mid]].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Whether r's parent is in the guestbook or imported before it, on its review; 0, or 1 said. */
static int
import_parent(struct tool *t, const struct import *im, const struct record *r)
{
	const struct gb_entry	*up;
	const char		*slug;

	if (r->parent == 0)
		return 0;
	if ((up = guestbook_find(t->gb, r->parent)) != NULL)
		slug = up->slug;
	else if ((slug = imported_slug(im, r->parent)) == NULL)
		return complain(1, "import: entry %llu answers %llu, which is neither in the "
		    "guestbook nor before it", r->id, r->parent);
	if (strcmp(slug, r->slug) != 0)
		return complain(1, "import: entry %llu answers %llu, on another review", r->id,
		    r->parent);
	return 0;
}

/* The entry the item holds, checked against the guestbook and what the import adds before it. */
static int
import_entry(struct tool *t, struct import *im, const struct gbexport_item *it)
{
	const struct gb_entry	*e;
	const struct record	*r = &it->rec;
	size_t			*nat;

	/* As export writes them: in id order, each once. */
	if (r->id <= im->prev)
		return complain(1, "import: entry %llu comes after entry %llu: an export lists "
		    "each entry once, in id order", r->id, im->prev);
	im->prev = r->id;
	if ((e = guestbook_find(t->gb, r->id)) != NULL)
		return entry_held(im, e, it);
	if (r->id <= im->last && !guestbook_ids_any_order(t->gb))
		return complain(1, "import: entry %llu: the log's ids only grow, and it holds "
		    "%llu already: import into a log without those entries", r->id, im->last);
	if (import_parent(t, im, r) != 0)
		return 1;
	if ((nat = reallocarray(im->at, im->entries + 1, sizeof(*nat))) == NULL)
		return complain(1, "import: out of memory");
	im->at = nat;
	im->at[im->entries++] = im->n;
	if (r->id > im->last)
		im->last = r->id;
	if (import_add(im, r) != 0)
		return 1;
	if (!it->hidden)
		return 0;
	im->hides++;
	return import_add(im, &(struct record){ .kind = RECORD_HIDE, .id = r->id });
}

/* One item of the export: what it adds to im, unless the guestbook has it already. */
static int
import_item(struct tool *t, struct import *im, struct gbexport_item *it)
{
	struct record	ban = { .kind = RECORD_BAN };

	switch (it->kind) {
	case GBEXPORT_ENTRY:
		return import_entry(t, im, it);
	case GBEXPORT_LIKE:
		if (like_held(im, &it->rec)) {
			im->there++;
			return 0;
		}
		im->likes++;
		return import_add(im, &it->rec);
	case GBEXPORT_BAN:
		if (ban_target(it->rec.text, ban.text) == -1)
			return complain(1, "import: ban '%s' is neither a certificate nor an "
			    "address", it->rec.text);
		ban.text_len = strlen(ban.text);
		if (guestbook_banned(t->gb, ban.text) || config_is_owner(t->host, ban.text)) {
			im->there++;
			return 0;
		}
		im->bans++;
		return import_add(im, &ban);
	}
	return 1;
}

/* Reads the export at path into im, every line checked before anything is stored. */
static int
import_read(struct tool *t, struct import *im, const char *path, FILE *f)
{
	struct gbexport_item	 it;
	char			*line = NULL;
	const char		*reason;
	size_t			 cap = 0, lineno = 0;
	ssize_t			 len;
	int			 rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (gbexport_parse(line, (size_t)len, &it, &reason) == -1)
			rc = complain(1, "import: %s:%zu: %s", path, lineno, reason);
		else
			rc = import_item(t, im, &it);
	}
	if (rc == 0 && ferror(f))
		rc = complain(1, "import: %s: %s", path, strerror(errno));
	free(line);
	return rc;
}

/* Stores what im holds, IMPORT_CHUNK records at a time, times of likes, hides and bans now. */
static int
import_store(struct tool *t, struct import *im)
{
	const char	*reason;
	long long	 now = (long long)time(NULL);
	size_t		 i, n;

	for (i = 0; i < im->n; i++)
		if (im->v[i].kind != RECORD_ENTRY)
			im->v[i].time = now;
	for (i = 0; i < im->n; i += n) {
		n = im->n - i < IMPORT_CHUNK ? im->n - i : IMPORT_CHUNK;
		if (guestbook_import(t->gb, im->v + i, n, &reason) == -1)
			return complain(1, "import: %s (%zu of %zu records stored; importing "
			    "again adds the rest)", reason, i, im->n);
	}
	return 0;
}

/*
 * import FILE: what "guestbook export" wrote (here or on another store)
 * added to this guestbook, ids and times kept, hides, likes and bans too;
 * what the guestbook holds already is passed over, so importing twice
 * adds nothing. Every line is read and checked before anything is stored.
 */
static int
import_file(struct tool *t, enum record_kind kind, char **argv)
{
	struct import	 im = { 0 };
	struct gb_entry	*const *v;
	FILE		*f;
	size_t		 i;
	int		 rc;

	(void)kind;
	if ((f = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "r")) == NULL)
		return complain(1, "import: %s: %s", argv[0], strerror(errno));
	likes_of(t->gb, &im.liked);
	/* In id order: the last is the highest. */
	if ((i = guestbook_all(t->gb, &v)) > 0)
		im.last = v[i - 1]->id;
	if ((rc = import_read(t, &im, argv[0], f)) == 0 && (rc = import_store(t, &im)) == 0)
		printf("imported %zu entries, %zu hides, %zu likes, %zu bans; %zu already there\n",
		    im.entries, im.hides, im.likes, im.bans, im.there);
	if (f != stdin)
		fclose(f);
	likes_free(&im.liked);
	free(im.at);
	free(im.v);
	return rc;
}

/* Commands that write append a record of kind; the others pass RECORD_ENTRY and ignore it. */
static const struct command {
	const char		*name;
	const char		*operands;	/* as the usage line shows them */
	int			 min, max;	/* how many operands it takes */
	int			 writes;	/* appends to the log */
	enum record_kind	 kind;
	int			(*run)(struct tool *, enum record_kind, char **);
} commands[] = {
	{ "list",	"[--held]",		0, 1, 0, RECORD_ENTRY,	 list_entries },
	{ "export",	"",			0, 0, 0, RECORD_ENTRY,	 export_all },
	{ "check",	"",			0, 0, 0, RECORD_ENTRY,	 check_log },
	{ "hide",	"ID",			1, 1, 1, RECORD_HIDE,	 mark_entry },
	{ "unhide",	"ID",			1, 1, 1, RECORD_UNHIDE,	 mark_entry },
	{ "approve",	"ID",			1, 1, 1, RECORD_APPROVE, mark_entry },
	{ "reply",	"ID TEXT",		2, 2, 1, RECORD_ENTRY,	 reply },
	{ "respond",	"SLUG TEXT",		2, 2, 1, RECORD_ENTRY,	 respond },
	{ "ban",	"FINGERPRINT|ADDRESS",	1, 1, 1, RECORD_BAN,	 ban_change },
	{ "unban",	"FINGERPRINT|ADDRESS",	1, 1, 1, RECORD_UNBAN,	 ban_change },
	{ "import",	"FILE",			1, 1, 1, RECORD_ENTRY,	 import_file },
};

/* Makes the log at path, and its directory, when missing; -1 with errno. */
static int
create_log(const char *path)
{
	char	dir[PATH_MAX];
	int	fd;

	snprintf(dir, sizeof(dir), "%s", path);	/* fits: a configured path */
	if (mkdir(dirname(dir), 0750) == -1 && errno != EEXIST)
		return -1;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return -1;
	close(fd);
	return 0;
}

void
gbtool_commands(FILE *f)
{
	size_t	i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "%s%s%s%s", i > 0 ? " | " : "", commands[i].name,
		    commands[i].operands[0] != '\0' ? " " : "", commands[i].operands);
}

int
gbtool_check(const struct host_config *h)
{
	struct tool	 t = { .host = h };
	const char	*reason;

	if ((t.gb = guestbook_load(h->guestbook, h->name, 0, &reason)) == NULL)
		return complain(-1, "%s", reason);
	(void)check_log(&t, RECORD_ENTRY, NULL);	/* problems are printed, not failed on */
	guestbook_close(t.gb);
	return 0;
}

int
gbtool_run(const struct host_config *h, int argc, char **argv)
{
	const struct command	*c = NULL;
	struct tool		 t = { .host = h };
	const char		*reason;
	size_t			 i;
	int			 rc;

	for (i = 0; argc > 0 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		if (argc == 0)
			fputs("marquee: guestbook: no command; commands: ", stderr);
		else
			fprintf(stderr, "marquee: guestbook: unknown command '%s'; commands: ",
			    argv[0]);
		gbtool_commands(stderr);
		fputc('\n', stderr);
		return 2;
	}
	if (argc - 1 < c->min || argc - 1 > c->max)
		return complain(2, "usage: guestbook [-h host] %s%s%s", c->name,
		    c->operands[0] != '\0' ? " " : "", c->operands);
	/* An import may be the first thing a host's log ever gets: make it, as the server would. */
	if (c->run == import_file && !gbwhere_is_postgresql(h->guestbook) &&
	    create_log(h->guestbook) == -1)
		return complain(1, "import: %s: %s", h->guestbook, strerror(errno));
	if ((t.gb = guestbook_load(h->guestbook, h->name, c->writes, &reason)) == NULL)
		return complain(1, "%s", reason);
	rc = c->run(&t, c->kind, argv + 1);
	guestbook_close(t.gb);
	return rc;
}
