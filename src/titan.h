#ifndef MARQUEE_TITAN_H
#define MARQUEE_TITAN_H

/*
 * Titan uploads for the author: who may write (the owner's certificate or
 * the host's titan_token), where (titan_paths, names a review may have),
 * how much (titan_max_size), and the write itself, done on the host
 * index's thread (index_submit) so the index shows it before the answer.
 * The Gemini adapter parses the request line (request_parse_titan) and
 * hands it here; writing the files is publish.c's.
 */

struct request;
struct response;
struct titan_request;

/*
 * Answers the Titan request t for req->host, in up to three rounds: a
 * refusal at once (59, 60, 61), before any body is read; else, for an
 * upload whose body has not come yet, resp->body_wanted; with the body
 * (or for a deletion, size 0), resp->pending while the index's thread
 * writes; once req->settled, the outcome: 30 to the review's page (or, for
 * a deletion, to the home page), 59 with why, 51 or 40.
 */
void	 titan_answer(struct request *req, const struct titan_request *t,
	    struct response *resp);

#endif
