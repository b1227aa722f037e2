#ifndef MARQUEE_SEARCH_H
#define MARQUEE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Full-text search of the published reviews: each review's words, folded
 * (case and Latin accents set aside), made once per version of its file;
 * an inverted index of the reviews a snapshot lists, made with it; queries
 * that cost the postings of their words, never a pass over every review;
 * and the page /search answers with.
 */

struct buf;
struct entry;
struct request;
struct response;
struct tag;

/*
 * The longest query, in bytes once decoded: a dozen long words. Gemini's
 * request holds at most 1024 bytes, percent-encoded, and a query longer
 * than this is a paste, not a search.
 */
#define SEARCH_QUERY_MAX	200
/* Words a query holds at most: every one must match, and each costs its postings. */
#define SEARCH_WORDS_MAX	8
/* Reviews a result page lists at most, the best first: more is a list, not an answer. */
#define SEARCH_RESULTS_MAX	50
/* Bytes of a folded word that count: longer ones are cut there, in reviews and queries alike. */
#define SEARCH_TERM_MAX		32
/*
 * The shortest folded word in which one typo is forgiven: below four
 * letters one edit reaches another common word ("the" is one from "she",
 * "tie", "thy") more often than a typo of it. Numbers never are: 1998 is
 * not a typo of 1999.
 */
#define SEARCH_TYPO_MIN		4
/* Bytes of review text a result shows at most, about one line of a terminal and a half. */
#define SEARCH_SNIPPET_MAX	160

/* Where a word was found, as weights: a title outranks a director, a tag, the body. */
#define SEARCH_IN_BODY		1
#define SEARCH_IN_TAG		2
#define SEARCH_IN_DIRECTOR	4
#define SEARCH_IN_TITLE		8

/* A body offset standing for "not in the body". */
#define SEARCH_NOWHERE		UINT32_MAX

/* One review's words; owned by its entry (gemlog.h), made when its file is read. */
struct search_doc;

/*
 * The words of a review: its title, directors, tags and body (text[body..len),
 * gemtext; link URLs and preformatted lines left out), each folded word
 * once with where it was found and the offset in text of its first use in
 * the body. NULL when out of memory.
 */
struct search_doc	*search_doc_make(const char *title, const struct tag *directors,
			    size_t ndirectors, const struct tag *tags, size_t ntags,
			    const char *text, size_t len, size_t body);
void			 search_doc_free(struct search_doc *d);

/* The inverted index of the reviews one snapshot lists. */
struct search_index;

/*
 * Indexes docs[0..n) (newest first, as listed; their entries must outlive
 * the index); the word lists are the entries' own, so this costs their
 * postings, not their text. NULL when out of memory.
 */
struct search_index	*search_build(struct entry *const *docs, size_t n);
void			 search_free(struct search_index *ix);
/* Bytes the index and its reviews' word lists hold. */
size_t			 search_bytes(const struct search_index *ix);

/* A query: its words, folded as the reviews' are. */
struct search_query {
	char	words[SEARCH_WORDS_MAX][SEARCH_TERM_MAX + 1];
	size_t	len[SEARCH_WORDS_MAX];
	size_t	n;
};

/*
 * Reads the reader's text q[0..len) into *out; -1 with *reason (for the
 * reader) when it is empty, has no word, is longer than SEARCH_QUERY_MAX,
 * is not UTF-8 or has more than SEARCH_WORDS_MAX words.
 */
int	 search_parse(const char *q, size_t len, struct search_query *out,
	    const char **reason);

/* One review found. */
struct search_hit {
	const struct entry	*entry;
	size_t			 doc;		/* its place among the docs indexed */
	unsigned		 score;		/* higher is better */
	uint32_t		 body_at;	/* its first word found in the body; SEARCH_NOWHERE */
};

/*
 * The reviews holding every word of q (each as written, or one edit away
 * when it has SEARCH_TYPO_MIN bytes or more), best first: a word as written
 * above a typo, then by where the words are (title, director, tag, body),
 * then newest first. Fills up to max hits and returns how many; *total is
 * how many reviews matched.
 */
size_t	 search_run(const struct search_index *ix, const struct search_query *q,
	    struct search_hit *hits, size_t max, size_t *total);

/*
 * Whether a[0..na) and b[0..nb) differ by exactly one edit: a byte
 * inserted, deleted or changed, or two neighbours swapped.
 */
int	 search_one_edit(const char *a, size_t na, const char *b, size_t nb);

/* Which ends of a snippet's text are not the ends of its file. */
#define SEARCH_CUT_START	1
#define SEARCH_CUT_END		2

/*
 * Appends one line of text[0..len) (a window of a review, cut as flags
 * say) around offset at: the line holding it without its gemtext marker
 * (or a link's URL), at most SEARCH_SNIPPET_MAX bytes, cut at spaces with
 * "…" where it is cut; controls become spaces and invisible characters
 * are dropped, so it is one line of plain text. No line end is appended.
 */
void	 search_snippet(const char *text, size_t len, size_t at, int flags, struct buf *out);

/*
 * Answers /search for req from ix: 10 with a prompt when there is no
 * query, or again with the reason when it cannot be used (empty, too long,
 * not UTF-8, too many words); else the page of results, each review's
 * snippet read from its file in dir (under root_fd).
 */
void	 search_answer(const struct search_index *ix, const struct request *req,
	    int root_fd, const char *dir, const char *lang, struct response *resp);

#endif
