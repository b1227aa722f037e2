#ifndef MARQUEE_GBPAGES_H
#define MARQUEE_GBPAGES_H

#include "vocab.h"

/*
 * The guestbook's handlers, in the form of router.c's URL map: each answers
 * into resp and returns 1, or returns 0 to let the next row answer. args
 * are what the row's placeholders matched, in order.
 */

/* /guestbook/sign: the prompt, the note saved, or why not. */
int	 gbpages_sign(const struct request *req, const char *const *args,
	    struct response *resp);
/* /reviews/SLUG/respond: the same for a response to the review SLUG; 0 when there is none. */
int	 gbpages_respond(const struct request *req, const char *const *args,
	    struct response *resp);
/*
 * /reviews/SLUG/responses/ID: the response ID with its replies; 0 when
 * there is no review SLUG, 51 when ID is not shown there.
 */
int	 gbpages_response(const struct request *req, const char *const *args,
	    struct response *resp);
/* /reviews/SLUG/responses/ID/reply: as respond, for a reply to the response ID. */
int	 gbpages_reply(const struct request *req, const char *const *args,
	    struct response *resp);
/*
 * /reviews/SLUG/like: a like of the review SLUG by the reader's certificate
 * (60 without one), then back to it; 0 when there is no such review.
 */
int	 gbpages_like(const struct request *req, const char *const *args,
	    struct response *resp);
/* /guestbook/: the newest GUESTBOOK_PAGE entries. */
int	 gbpages_first(const struct request *req, const char *const *args,
	    struct response *resp);
/* /guestbook/page/N/: the page number N (from 2). */
int	 gbpages_later(const struct request *req, const char *const *args,
	    struct response *resp);
/* /guestbook/notes/ID: the note ID with its replies; 51 when it is not shown. */
int	 gbpages_note(const struct request *req, const char *const *args,
	    struct response *resp);
/* /guestbook/notes/ID/reply: as sign, for a reply to the note ID. */
int	 gbpages_reply_note(const struct request *req, const char *const *args,
	    struct response *resp);
/* /guestbook/atom.xml: every shown response and note, the newest GUESTBOOK_FEED, as Atom. */
int	 gbpages_feed(const struct request *req, const char *const *args,
	    struct response *resp);
/* /reviews/SLUG/atom.xml: the responses to the review SLUG as Atom; 0 when there is none. */
int	 gbpages_review_feed(const struct request *req, const char *const *args,
	    struct response *resp);

#endif
