/*
 * The guestbook's URLs: where readers write (a review's respond URL, the
 * guestbook's sign URL, the reply URL of every entry), where they like a
 * review, the page of each entry, and the guestbook's own pages; which
 * entries the owner writes. Each handler builds
 * a protocol-neutral answer; which paths reach them is router.c's table,
 * how the answer looks on the wire is each adapter's.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "event.h"
#include "gbpages.h"
#include "gemlog.h"
#include "guestbook.h"
#include "host.h"
#include "index.h"
#include "limit.h"
#include "request.h"

_Static_assert(REVIEW_FIELD_MAX + 64 < META_MAX, "a respond prompt names its title in full");

/* A byline's name: the mark or the tag, the author, and the words around them. */
#define NAME_MAX_BYTES	(AUTHOR_MAX + 32)
_Static_assert(NAME_MAX_BYTES + 64 < META_MAX, "a reply prompt names its author in full");

/* Where a reader writes, or likes: a review's responses, or the guestbook. */
struct input {
	struct index_found	review;		/* slug "" for the guestbook */
	char			back[GEMINI_URL_MAX + 1];	/* the page it shows on, encoded */
	unsigned long long	parent;		/* the entry a reply answers; 0 for none */
	/* The stem that entry is stored under, which a reply keeps: a thread is on one stem. */
	char			parent_slug[SLUG_MAX + 1];
	char			whom[NAME_MAX_BYTES];	/* its author, as bylines name them */
	int			like;		/* a like of the review, not an entry */
};

/* Answers with the gemtext page in b, which resp then owns, or 40 when b failed. */
static void
serve_page(const struct request *req, struct response *resp, struct buf *b)
{
	if (b->failed) {
		buf_free(b);
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
		return;
	}
	response_gemtext(resp, host_settings(req->host)->lang);
	response_take_body(resp, b);
}

/* Moves what b holds into out, and frees b; -1 when it failed or does not fit. */
static int
buf_take(struct buf *b, char *out, size_t size)
{
	int	n = b->failed ? -1 : snprintf(out, size, "%s", b->data != NULL ? b->data : "");

	buf_free(b);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* An entry id or page number as paths write it: digits, no leading zero, at most max. */
static int
parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	char	*end;

	if (s[0] < '1' || s[0] > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

/*
 * Takes a token from the client's buckets (its address, and its certificate
 * when it has one) and from everyone's, or from none; 0, or the seconds to
 * wait.
 */
static unsigned
rate_limit(const struct request *req)
{
	const struct config	*c = req->host->config;
	char			 addr[ADDRESS_KEY_MAX], cert[FINGERPRINT_HEX + 8];
	const char		*keys[2] = { addr, cert }, *all = "*";
	uint64_t		 now = event_now_ms();
	size_t			 n = req->has_certificate ? 2 : 1;
	unsigned		 wait;

	limit_address_key(req->peer, addr);
	snprintf(cert, sizeof(cert), "cert %s", req->fingerprint);
	if ((wait = limiter_take(req->host->per_client, keys, n, c->guestbook_limit,
	    (double)c->guestbook_limit / c->guestbook_window, now)) > 0)
		return wait;
	/* Refused by everyone's cap: the client's own allowance is not spent. */
	if ((wait = limiter_take(req->host->everyone, &all, 1, c->guestbook_global,
	    (double)c->guestbook_global / 60, now)) > 0)
		limiter_refund(req->host->per_client, keys, n, c->guestbook_limit);
	return wait;
}

/*
 * The flags the server gives the entry req writes: the owner's mark for a
 * certificate of the host's owner. Every rule that depends on who writes
 * starts from here.
 */
static unsigned
entry_flags(const struct request *req)
{
	if (req->has_certificate && config_is_owner(host_settings(req->host), req->fingerprint))
		return RECORD_OWNER;
	return 0;
}

/* Who signs r: the owner's name for the owner when set, the certificate's CN, or anonymous. */
static void
entry_signer(const struct request *req, struct record *r)
{
	const char	*owner_name = host_settings(req->host)->owner_name;

	if ((r->flags & RECORD_OWNER) && owner_name[0] != '\0')
		entry_author(owner_name, r->author);
	else if (req->has_certificate)
		entry_author(req->cn, r->author);
	else
		snprintf(r->author, sizeof(r->author), "anonymous");
	if (req->has_certificate)
		memcpy(r->fingerprint, req->fingerprint, sizeof(r->fingerprint));
}

/*
 * A 40 for an append the guestbook did not take: "Not saved: " and why,
 * but while its database is away, the whole meta is GUESTBOOK_UNAVAILABLE,
 * the same on every instance and page, for a client to tell apart.
 */
static void
not_saved(struct response *resp, const char *reason)
{
	if (strcmp(reason, GUESTBOOK_UNAVAILABLE) == 0)
		response_set(resp, STATUS_TEMPORARY_FAILURE, "%s", reason);
	else
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: %s", reason);
}

/* Hands r to the guestbook's writer; resp waits for it, or says why not. */
static void
queue(const struct request *req, const struct record *r, struct response *resp)
{
	const char	*reason;

	if ((resp->pending = guestbook_submit(req->host->guestbook, r, req->has_certificate ?
	    req->fingerprint : req->peer, &reason)) == NULL)
		not_saved(resp, reason);
}

/*
 * The owner's moderation of who writes, from the bans and the host's
 * moderation key; the owner is never refused or held. 1 when req may not
 * write here, with resp saying why: a banned certificate gets 61, a banned
 * address 50 (Gemini has no status for an address; 50 says that asking
 * again will not help). Else 0, with RECORD_HELD added to *flags when the
 * entry must wait for the owner's approve.
 */
static int
moderate(const struct request *req, struct response *resp, unsigned *flags)
{
	const struct host_config	*h = host_settings(req->host);
	struct guestbook		*gb = req->host->guestbook;
	char				 addr[ADDRESS_KEY_MAX];

	if (req->has_certificate && config_is_owner(h, req->fingerprint))
		return 0;
	if (req->has_certificate && guestbook_banned(gb, req->fingerprint)) {
		response_set(resp, STATUS_CERTIFICATE_NOT_AUTHORISED,
		    "This certificate is banned from writing here");
		return 1;
	}
	limit_address_key(req->peer, addr);
	if (guestbook_banned(gb, addr)) {
		response_set(resp, STATUS_PERMANENT_FAILURE,
		    "Your address is banned from writing here");
		return 1;
	}
	if (h->moderation == MODERATION_HOLD_ALL || (h->moderation == MODERATION_HOLD_NEW &&
	    (!req->has_certificate || !guestbook_known(gb, req->fingerprint))))
		*flags |= RECORD_HELD;
	return 0;
}

static void
submit(const struct request *req, const struct input *in, struct response *resp)
{
	struct record	 r = { .kind = RECORD_ENTRY, .flags = entry_flags(req),
			    .parent = in->parent };
	const char	*reason = req->input_error;
	unsigned	 wait;

	if (moderate(req, resp, &r.flags))
		return;
	if (reason != NULL ||
	    entry_text_clean(req->input, req->input_len, r.text, &r.text_len, &reason) == -1) {
		response_set(resp, STATUS_BAD_REQUEST, "Not saved: %s", reason);
		return;
	}
	/* The author answers their readers as often as the conversation needs. */
	if (!(r.flags & RECORD_OWNER) && (wait = rate_limit(req)) > 0) {
		response_set(resp, STATUS_SLOW_DOWN, "%u", wait);
		return;
	}
	/* Fits: a stem is at most SLUG_MAX, as records hold them. */
	(void)!snprintf(r.slug, sizeof(r.slug), "%s", in->parent != 0 ? in->parent_slug :
	    in->review.slug);
	entry_signer(req, &r);
	queue(req, &r, resp);
}

/*
 * Back to the page where it shows (30), with a page that says what was saved
 * for the protocols that cannot redirect; id is the entry's. An entry held
 * for approval does not show there yet: the page that says so is the answer.
 */
static void
thank(const struct request *req, const struct input *in, unsigned long long id,
    struct response *resp)
{
	struct buf	b = { 0 };
	int		held = !in->like && guestbook_held(req->host->guestbook, id);

	buf_puts(&b, "# Thank you\n\n");
	if (in->like)
		buf_puts(&b, "Your like is counted.");
	else if (in->parent != 0)
		buf_printf(&b, "Your reply is saved as entry %llu.", id);
	else if (in->review.slug[0] == '\0')
		buf_printf(&b, "Your note is %s as entry %llu.", held ? "saved" : "in the guestbook",
		    id);
	else
		buf_printf(&b, "Your response to %s is saved as entry %llu.", in->review.title, id);
	if (held)
		buf_puts(&b, " It waits for the author's approval and shows once approved.");
	buf_printf(&b, "\n\n=> %s Back to the %s\n", in->back,
	    in->review.slug[0] == '\0' ? "guestbook" : "review");
	serve_page(req, resp, &b);
	if (resp->status == STATUS_SUCCESS && !held)
		response_set(resp, STATUS_REDIRECT_TEMPORARY, "%s", in->back);
}

/* The answer once the append is on disk. */
static void
settled(const struct request *req, const struct input *in, struct response *resp)
{
	const char		*reason;
	unsigned long long	 id;

	/* Why it failed is logged by the guestbook, once, not for every reader. */
	if (pending_result(req->settled, &id, &reason) == -1)
		not_saved(resp, reason);
	else
		thank(req, in, id, resp);
}

static void
answer_input(const struct request *req, const struct input *in, struct response *resp)
{
	if (req->settled != NULL)
		settled(req, in, resp);
	else if (req->input != NULL || req->input_error != NULL)
		submit(req, in, resp);
	else if (moderate(req, resp, &(unsigned){ 0 }))
		return;	/* banned: told before writing anything */
	else {
		/* Fits: a title is at most REVIEW_FIELD_MAX, a name NAME_MAX_BYTES, far under META_MAX. */
		if (in->parent != 0)
			response_set(resp, STATUS_INPUT, "Your reply to %s", in->whom);
		else if (in->review.slug[0] == '\0')
			response_set(resp, STATUS_INPUT, "Sign the guestbook");
		else
			response_set(resp, STATUS_INPUT, "Your response to %s", in->review.title);
		resp->input_bytes = ENTRY_TEXT_MAX;
		resp->input_lines = ENTRY_LINES_MAX;
	}
}

/*
 * The review slug into in: its file, title, names, and its page as the way
 * back. 1, 0 when there is no such review, -1 when resp holds the answer:
 * 31 to the same URL under the review's stem when slug is an old name of
 * it, or 40 when out of memory.
 */
static int
review_input(const struct request *req, const char *slug, struct input *in,
    struct response *resp)
{
	struct buf	back = { 0 };

	if (index_review(req->host->index, slug, &in->review) == -1)
		return 0;
	if (in->review.moved) {
		index_moved(req->url->path, slug, in->review.slug, resp);
		return -1;
	}
	buf_puts(&back, "/reviews/");
	buf_put_path(&back, in->review.file);
	if (buf_take(&back, in->back, sizeof(in->back)) == 0)
		return 1;
	response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
	return -1;
}

/*
 * Where a handler that writes on the review slug stands: 1 to go on with in
 * filled, 0 when there is no such review (the next row answers), -1 when
 * resp holds the answer (a redirect, out of memory). Once the append is
 * saved it goes on without the review, which left the index meanwhile: the
 * guestbook shows the entry.
 */
static int
writing_on(const struct request *req, const char *slug, struct input *in,
    struct response *resp)
{
	int	go = review_input(req, slug, in, resp);

	return go == 0 ? req->settled != NULL : go;
}

/* Whether an entry stored under the stem stored is on in's review (or, for "", in the guestbook). */
static int
shown_on(const struct input *in, const char *stored)
{
	if (in->review.slug[0] == '\0')
		return stored[0] == '\0';
	return stored[0] != '\0' && index_found_owns(&in->review, stored);
}

/*
 * The thread of entry id where it is shown, on in's review (or in the
 * guestbook's notes): 0, or -1 when there is none there.
 */
static int
thread_of(const struct request *req, unsigned long long id, const struct input *in,
    struct gb_item **v, size_t *n)
{
	if (guestbook_entry(req->host->guestbook, id, v, n) == -1)
		return -1;
	if (shown_on(in, (*v)[0].entry->slug))
		return 0;
	free(*v);
	return -1;
}

int
gbpages_sign(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };

	(void)args;
	answer_input(req, &in, resp);
	return 1;
}

int
gbpages_respond(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };
	int		go = writing_on(req, args[0], &in, resp);

	if (go == 1)
		answer_input(req, &in, resp);
	return go != 0;
}

/*
 * Names in->whom after the author of the entry in->parent, which must be
 * shown on in's review (or in the guestbook); else answers 51 (or 40) and
 * returns -1.
 */
static int
parent_name(const struct request *req, struct input *in, struct response *resp)
{
	const struct gb_entry	*up;
	struct buf		 whom = { 0 };

	/* Only the entry: a popular one's thread is no cost to each reply to it. */
	if ((up = guestbook_shown(req->host->guestbook, in->parent)) == NULL ||
	    !shown_on(in, up->slug)) {
		response_set(resp, STATUS_NOT_FOUND, "No such entry to reply to");
		return -1;
	}
	/* Fits: the guestbook holds no stem longer than a record's. */
	(void)!snprintf(in->parent_slug, sizeof(in->parent_slug), "%s", up->slug);
	gemlog_name(&whom, up);
	if (buf_take(&whom, in->whom, sizeof(in->whom)) == -1) {
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
		return -1;
	}
	return 0;
}

/* A reply to the entry id (its digits) on in's review or in the guestbook. */
static void
answer_reply(const struct request *req, const char *id, struct input *in,
    struct response *resp)
{
	if (parse_number(id, ULLONG_MAX, &in->parent) == -1)
		response_set(resp, STATUS_NOT_FOUND, "No such entry to reply to");
	/* Once the reply is saved, only the thanks are left: its parent may be gone since. */
	else if (req->settled != NULL || parent_name(req, in, resp) == 0)
		answer_input(req, in, resp);
}

int
gbpages_reply(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };
	int		go = writing_on(req, args[0], &in, resp);

	if (go == 1)
		answer_reply(req, args[1], &in, resp);
	return go != 0;
}

int
gbpages_reply_note(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };

	answer_reply(req, args[0], &in, resp);
	return 1;
}

/* The page of the entry id shown on in's review (or in the guestbook); 51 when there is none. */
static void
entry_page(const struct request *req, const char *id, struct input *in,
    struct response *resp)
{
	struct entry		 review = { .file = in->review.file, .slug = in->review.slug,
				    .title = in->review.title };
	struct gb_item		*v;
	size_t			 n;
	struct buf		 b = { 0 };
	unsigned long long	 number;

	if (parse_number(id, ULLONG_MAX, &number) == -1 || thread_of(req, number, in, &v, &n) == -1) {
		response_set(resp, STATUS_NOT_FOUND, "No such entry");
		return;
	}
	gemlog_entry(v, n, in->review.slug[0] != '\0' ? &review : NULL, &b);
	free(v);
	serve_page(req, resp, &b);
}

int
gbpages_response(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { 0 };
	int		go = review_input(req, args[0], &in, resp);

	if (go == 1)
		entry_page(req, args[1], &in, resp);
	return go != 0;
}

int
gbpages_note(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { 0 };

	entry_page(req, args[0], &in, resp);
	return 1;
}

/*
 * A like of the review slug by the reader's certificate, counted once however
 * often they like it; back to the review once it is on disk.
 */
int
gbpages_like(const struct request *req, const char *const *args, struct response *resp)
{
	struct input	in = { .back = "/guestbook/", .like = 1 };
	struct record	r = { .kind = RECORD_LIKE };
	struct gb_names	on;
	unsigned	wait;
	int		go = writing_on(req, args[0], &in, resp);

	if (go != 1)
		return go != 0;
	index_found_names(&in.review, &on);
	if (req->settled != NULL)
		settled(req, &in, resp);
	else if (!req->has_certificate)
		response_set(resp, STATUS_CERTIFICATE_REQUIRED,
		    "A client certificate is needed to like a review");
	else if (guestbook_liked(req->host->guestbook, &on, req->fingerprint))
		thank(req, &in, 0, resp);	/* liked before: nothing to write */
	else if (moderate(req, resp, &(unsigned){ 0 }))
		return 1;	/* a banned certificate does not like either */
	else if ((wait = rate_limit(req)) > 0)
		response_set(resp, STATUS_SLOW_DOWN, "%u", wait);
	else {
		/* Fits: a stem is at most SLUG_MAX, as records hold them. */
		(void)!snprintf(r.slug, sizeof(r.slug), "%s", in.review.slug);
		memcpy(r.fingerprint, req->fingerprint, sizeof(r.fingerprint));
		queue(req, &r, resp);
	}
	return 1;
}

/* The title callback of a guestbook page; ix is the host's index. */
static int
review_title(void *ix, const char *slug, char *out, size_t size)
{
	struct index_found	found;
	int			n;

	if (index_review(ix, slug, &found) == -1)
		return -1;
	n = snprintf(out, size, "%s", found.title);
	return n < 0 ? -1 : 0;
}

/* A page of the guestbook to make: its number, and its host's index for the titles. */
struct gb_page_of {
	const struct request	*req;
	unsigned		 number;
};

/* Makes the guestbook's page arg names into b (index_kept); -1 when it has no entries. */
static int
make_guestbook_page(void *arg, struct buf *b)
{
	const struct gb_page_of	*of = arg;
	struct guestbook_page	 page = { review_title, of->req->host->index, of->number, 0 };
	struct gb_item		*v;
	size_t			 n, roots, skip = (size_t)(of->number - 1) * GUESTBOOK_PAGE;

	if (guestbook_threads(of->req->host->guestbook, NULL, skip, GUESTBOOK_PAGE, 1, &v, &n,
	    &roots) == -1) {
		b->failed = 1;
		return 0;
	}
	if (n == 0 && of->number > 1) {
		free(v);
		return -1;
	}
	page.older = roots > skip + GUESTBOOK_PAGE;
	gemlog_guestbook(v, n, &page, b);
	free(v);
	return 0;
}

/*
 * Answers with a page the index keeps (index_kept) under key, made by make
 * from arg, with the MIME type type (NULL for gemtext); 51 when there is
 * no such page.
 */
static void
serve_kept(const struct request *req, const char *key, int (*make)(void *, struct buf *),
    void *arg, const char *type, struct response *resp)
{
	switch (index_kept(req->host->index, key, make, arg, resp)) {
	case 1:
		if (type != NULL)
			response_set(resp, STATUS_SUCCESS, "%s", type);
		else
			response_gemtext(resp, host_settings(req->host)->lang);
		break;
	case 0:
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		break;
	default:
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
	}
}

/* A page of the guestbook, the same for every reader: kept with the index until the guestbook changes. */
static void
guestbook_page(const struct request *req, unsigned number, struct response *resp)
{
	struct gb_page_of	of = { req, number };
	char			key[sizeof("/guestbook/page//") + 3 * sizeof(unsigned)];

	/* Fits: key has room for any unsigned in decimal. */
	(void)!snprintf(key, sizeof(key), "/guestbook/page/%u/", number);
	serve_kept(req, key, make_guestbook_page, &of, NULL, resp);
}

int
gbpages_first(const struct request *req, const char *const *args, struct response *resp)
{
	(void)args;
	guestbook_page(req, 1, resp);
	return 1;
}

/* /guestbook/page/N/ for N from 2: leading zeros, 1 and overflow are no page. */
int
gbpages_later(const struct request *req, const char *const *args, struct response *resp)
{
	unsigned long long	n;

	if (parse_number(args[0], UINT_MAX / GUESTBOOK_PAGE, &n) == -1 || n < 2)
		return 0;
	guestbook_page(req, (unsigned)n, resp);
	return 1;
}

/* A feed to make: f (its self, page and title filled in) of the entries on the names on. */
struct feed_of {
	const struct request	*req;
	const struct gb_names	*on;
	struct guestbook_feed	*f;
};

/*
 * Makes the feed of arg (struct feed_of) into b: the newest shown entries
 * on its names (NULL for all), named as the reader's Gemini client reaches
 * them, whatever protocol asked: Atom readers follow gemini:// ids.
 */
static int
make_feed(void *arg, struct buf *b)
{
	const struct feed_of	*of = arg;
	const struct request	*req = of->req;
	char			 base[ORIGIN_MAX + 1];
	struct gb_item		*v;
	size_t			 n;

	/* Fits: ORIGIN_MAX. */
	(void)url_origin(base, sizeof(base), "gemini", req->host->name,
	    req->host->config->public_port, GEMINI_DEFAULT_PORT);
	of->f->base_url = base;
	of->f->review_title = review_title;
	of->f->arg = req->host->index;
	if (guestbook_latest(req->host->guestbook, of->on, GUESTBOOK_FEED, &v, &n) == -1)
		b->failed = 1;
	else
		gemlog_guestbook_feed(v, n, of->f, b);
	free(v);
	return 0;
}

int
gbpages_feed(const struct request *req, const char *const *args, struct response *resp)
{
	struct guestbook_feed	f = { .self = "/guestbook/atom.xml", .page = "/guestbook/" };
	char			title[sizeof("Guestbook of ") + HOST_MAX];
	struct feed_of		of = { req, NULL, &f };

	(void)args;
	/* Fits: a host name is at most HOST_MAX. */
	(void)!snprintf(title, sizeof(title), "Guestbook of %s", req->host->name);
	f.title = title;
	serve_kept(req, f.self, make_feed, &of, "application/atom+xml", resp);
	return 1;
}

int
gbpages_review_feed(const struct request *req, const char *const *args,
    struct response *resp)
{
	struct input		in = { 0 };
	struct guestbook_feed	f = { 0 };
	struct gb_names		on;
	char			self[sizeof("/reviews//atom.xml") + REVIEW_NAME_MAX];
	char			page[sizeof("/reviews/") + REVIEW_NAME_MAX];
	char			title[sizeof("Responses to ") + REVIEW_FIELD_MAX];
	struct buf		b = { 0 };
	int			go = review_input(req, args[0], &in, resp);

	if (go != 1)
		return go != 0;
	/* Fit: a slug, a file name and a title are at most what they are sized for. */
	(void)!snprintf(self, sizeof(self), "/reviews/%s/atom.xml", in.review.slug);
	(void)!snprintf(page, sizeof(page), "/reviews/%s", in.review.file);
	(void)!snprintf(title, sizeof(title), "Responses to %s", in.review.title);
	f.self = self;
	f.page = page;
	f.title = title;
	index_found_names(&in.review, &on);
	/*
	 * Made on every request: what it shows of the review was read from
	 * the snapshot before, so kept with the next one it could outlive a
	 * rename (router.c says what each page depends on).
	 */
	(void)make_feed(&(struct feed_of){ req, &on, &f }, &b);
	serve_page(req, resp, &b);
	if (resp->status == STATUS_SUCCESS)
		response_set(resp, STATUS_SUCCESS, "application/atom+xml");
	return 1;
}
