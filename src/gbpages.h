#ifndef MARQUEE_GBPAGES_H
#define MARQUEE_GBPAGES_H

#include "vocab.h"

/*
 * The guestbook's handlers, in the form of router.c's URL map: each answers
 * into resp and returns 1, or returns 0 to let the next row answer. arg is
 * what the row's placeholder matched.
 */

/* /guestbook/sign: the prompt, the note saved, or why not. */
int	 gbpages_sign(const struct request *req, const char *arg, struct response *resp);
/* /reviews/SLUG/respond: the same for a response to the review slug; 0 when there is none. */
int	 gbpages_respond(const struct request *req, const char *slug, struct response *resp);
/* /guestbook/: the newest GUESTBOOK_PAGE entries. */
int	 gbpages_first(const struct request *req, const char *arg, struct response *resp);
/* /guestbook/page/N/: the page number N (from 2). */
int	 gbpages_later(const struct request *req, const char *number, struct response *resp);
/* /guestbook/atom.xml: every shown response and note, the newest GBFEED_MAX, as Atom. */
int	 gbpages_feed(const struct request *req, const char *arg, struct response *resp);
/* /reviews/SLUG/atom.xml: the responses to the review slug as Atom; 0 when there is none. */
int	 gbpages_review_feed(const struct request *req, const char *slug, struct response *resp);

#endif
