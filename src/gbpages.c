/*
 * The guestbook's URLs: where readers write (a review's respond URL, the
 * guestbook's sign URL) and the guestbook's own pages. Each handler builds
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

_Static_assert(REVIEW_FIELD_MAX + 64 < META_MAX, "a respond prompt names its title in full");

/* Where a reader writes: a review's responses, or the guestbook. */
struct input {
	char	slug[SLUG_MAX + 1];		/* "" for the guestbook */
	char	title[REVIEW_FIELD_MAX + 1];	/* of the review */
	char	back[GEMINI_URL_MAX + 1];	/* the page it shows on, encoded */
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
	response_set(resp, STATUS_SUCCESS, "text/gemini; charset=utf-8; lang=%s",
	    host_settings(req->host)->lang);
	response_take_body(resp, b);
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
	struct record	 r = { .kind = RECORD_ENTRY };
	const char	*reason = req->input_error;
	unsigned	 wait;

	if (moderate(req, resp, &r.flags))
		return;
	if (reason != NULL ||
	    entry_text_clean(req->input, req->input_len, r.text, &r.text_len, &reason) == -1) {
		response_set(resp, STATUS_BAD_REQUEST, "Not saved: %s", reason);
		return;
	}
	if ((wait = rate_limit(req)) > 0) {
		response_set(resp, STATUS_SLOW_DOWN, "%u", wait);
		return;
	}
	memcpy(r.slug, in->slug, sizeof(r.slug));
	if (req->has_certificate) {
		entry_author(req->cn, r.author);
		memcpy(r.fingerprint, req->fingerprint, sizeof(r.fingerprint));
	} else
		snprintf(r.author, sizeof(r.author), "anonymous");
	if ((resp->pending = guestbook_submit(req->host->guestbook, &r, req->has_certificate ?
	    req->fingerprint : req->peer, &reason)) == NULL)
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: %s", reason);
}

/*
 * The answer once the entry is on disk: back to the page where it shows, with
 * a page that says so for the protocols that cannot redirect. An entry held
 * for approval does not show there yet: the page that says so is the answer.
 */
static void
settled(const struct request *req, const struct input *in, struct response *resp)
{
	struct buf		 b = { 0 };
	const char		*reason;
	unsigned long long	 id;
	int			 held;

	/* Why it failed is logged by the guestbook, once, not for every reader. */
	if (pending_result(req->settled, &id, &reason) == -1) {
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Not saved: %s", reason);
		return;
	}
	held = guestbook_held(req->host->guestbook, id);
	if (in->slug[0] == '\0')
		buf_printf(&b, "# Thank you\n\nYour note is %s as entry %llu.",
		    held ? "saved" : "in the guestbook", id);
	else
		buf_printf(&b, "# Thank you\n\nYour response to %s is saved as entry "
		    "%llu.", in->title, id);
	if (held)
		buf_puts(&b, " It waits for the author's approval and shows once approved.");
	buf_printf(&b, "\n\n=> %s Back to the %s\n", in->back,
	    in->slug[0] == '\0' ? "guestbook" : "review");
	serve_page(req, resp, &b);
	if (resp->status == STATUS_SUCCESS && !held)
		response_set(resp, STATUS_REDIRECT_TEMPORARY, "%s", in->back);
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
		if (in->slug[0] == '\0')
			response_set(resp, STATUS_INPUT, "Sign the guestbook");
		else	/* Fits: a title is at most REVIEW_FIELD_MAX, far under META_MAX. */
			response_set(resp, STATUS_INPUT, "Your response to %s", in->title);
		resp->input_bytes = ENTRY_TEXT_MAX;
		resp->input_lines = ENTRY_LINES_MAX;
	}
}

int
gbpages_sign(const struct request *req, const char *arg, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };

	(void)arg;
	answer_input(req, &in, resp);
	return 1;
}

int
gbpages_respond(const struct request *req, const char *slug, struct response *resp)
{
	struct input	in = { .back = "/guestbook/" };
	struct buf	back = { 0 };
	char		file[REVIEW_NAME_MAX + 1];
	int		n;

	if (index_review(req->host->index, slug, file, sizeof(file), in.title,
	    sizeof(in.title)) == -1) {
		/* Saved, but its review left the index meanwhile: the guestbook shows it. */
		if (req->settled == NULL)
			return 0;
		answer_input(req, &in, resp);
		return 1;
	}
	snprintf(in.slug, sizeof(in.slug), "%s", slug);
	buf_puts(&back, "/reviews/");
	buf_put_path(&back, file);
	n = back.failed ? -1 : snprintf(in.back, sizeof(in.back), "%s", back.data);
	buf_free(&back);
	if (n < 0 || (size_t)n >= sizeof(in.back))
		response_set(resp, STATUS_TEMPORARY_FAILURE, "Out of memory");
	else
		answer_input(req, &in, resp);
	return 1;
}

/* The title callback of a guestbook page; ix is the host's index. */
static int
review_title(void *ix, const char *slug, char *out, size_t size)
{
	char	file[REVIEW_NAME_MAX + 1];

	return index_review(ix, slug, file, sizeof(file), out, size);
}

static void
guestbook_page(const struct request *req, unsigned number, struct response *resp)
{
	struct guestbook_page	 page = { review_title, req->host->index, number, 0 };
	struct gb_item		*v;
	struct buf		 b = { 0 };
	size_t			 n, roots, skip = (size_t)(number - 1) * GUESTBOOK_PAGE;

	if (guestbook_threads(req->host->guestbook, NULL, skip, GUESTBOOK_PAGE, 1, &v, &n,
	    &roots) == -1)
		b.failed = 1;
	else if (n == 0 && number > 1) {
		free(v);
		response_set(resp, STATUS_NOT_FOUND, "No such page");
		return;
	}
	page.older = roots > skip + GUESTBOOK_PAGE;
	gemlog_guestbook(v, n, &page, &b);
	free(v);
	serve_page(req, resp, &b);
}

int
gbpages_first(const struct request *req, const char *arg, struct response *resp)
{
	(void)arg;
	guestbook_page(req, 1, resp);
	return 1;
}

/* /guestbook/page/N/ for N from 2: leading zeros, 1 and overflow are no page. */
int
gbpages_later(const struct request *req, const char *number, struct response *resp)
{
	unsigned long	 n;
	char		*end;

	if (number[0] < '1' || number[0] > '9')
		return 0;
	errno = 0;
	n = strtoul(number, &end, 10);
	if (errno != 0 || *end != '\0' || n < 2 || n > UINT_MAX / GUESTBOOK_PAGE)
		return 0;
	guestbook_page(req, (unsigned)n, resp);
	return 1;
}
