#ifndef MARQUEE_ROUTER_H
#define MARQUEE_ROUTER_H

/*
 * Routing: which page answers a request, whatever protocol carried it.
 */

#include <stddef.h>

#include "vocab.h"

/* Answers req into resp; never fails, failures are responses too. */
void	 route(const struct request *req, struct response *resp);

/* Returns 1 when path asks the reader for text (Gemini 10, a Gopher type 7 item). */
int	 route_is_input(const char *path);
/*
 * Returns 1 when path is a page that Gopher shows as a menu although it
 * does not end in '/' (an entry with its replies and a link to answer it).
 */
int	 route_is_menu(const char *path);

/*
 * Writes to out the menu of the review at selector (/reviews/SLUG/ for
 * /reviews/SLUG.gmi) of host (a const struct host); 1 when selector is an
 * indexed review, else 0. Gopher links reviews to their menus.
 */
int	 route_review_menu(const void *host, const char *selector, char *out, size_t size);

#endif
