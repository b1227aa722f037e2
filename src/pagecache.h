#ifndef MARQUEE_PAGECACHE_H
#define MARQUEE_PAGECACHE_H

#include <stddef.h>

struct buf;
struct response;

/*
 * Pages made once and shared: each is an immutable run of bytes with a
 * reference count, kept by a cache under a key and the generation of what
 * it was made from (the guestbook's, guestbook_generation), and sent by as
 * many responses at once as ask for it. What a page depends on beyond its
 * key and generation is the cache's owner's to say: index.c keeps one cache
 * per index snapshot, so a rebuild starts an empty one. The cache stays
 * under the byte limit it is made with, the least recently used pages
 * leaving first; a page that left is freed when the last response sending
 * it is done.
 */

struct pagecache;
struct cached_page;

/* A cache of at most limit bytes of pages, their Gopher renditions and keys. */
struct pagecache	*pagecache_new(size_t limit);
/* Frees c; the pages responses still send live until they are sent. */
void	 pagecache_free(struct pagecache *c);

/*
 * The page kept under key made at generation, with a reference for the
 * caller; NULL when there is none (a page of another generation is
 * dropped: generations only grow).
 */
struct cached_page	*pagecache_get(struct pagecache *c, const char *key,
			    unsigned long long generation);
/*
 * Makes a page of b's bytes (b is emptied) made at generation and keeps it
 * under key unless it would fill more than an eighth of the cache, or a
 * newer one is kept already. gopher_bound is the most its Gopher rendition
 * can take (gemtext_gopher_bound): counted until the rendition is made and
 * the page asked for again, so a rendition made once and never asked for
 * again is within the limit too. Returns the page with a reference for the
 * caller, or NULL when out of memory (b is freed).
 */
struct cached_page	*pagecache_put(struct pagecache *c, const char *key,
			    unsigned long long generation, struct buf *b, size_t gopher_bound);

/*
 * Makes p the body of resp, with its place for a Gopher rendition; the
 * caller's reference goes to resp, given back by response_release().
 */
void	 cached_page_serve(struct cached_page *p, struct response *resp);

/* Bytes the cache holds now: pages, the renditions kept beside them, keys. */
size_t	 pagecache_bytes(struct pagecache *c);

#endif
