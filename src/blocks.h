#ifndef MARQUEE_BLOCKS_H
#define MARQUEE_BLOCKS_H

#include <stddef.h>

/*
 * Blocks of BLOCK_SIZE bytes for the buffers a connection holds only while
 * it has bytes to move: OpenSSL's record buffers and the connection layer's
 * output buffer. They live in a region of their own, apart from the heap,
 * so that freeing them leaves no holes between the small objects that stay
 * (a handshaken idle connection's), and their pages can be handed back.
 */

/* An OpenSSL record buffer (16 KiB of plaintext and its overhead) fits. */
#define BLOCK_SIZE	(20 * 1024)

/*
 * Reserves the region and routes OpenSSL's allocations of a block's size
 * to it. Call first in main, before anything allocates through OpenSSL;
 * when it fails, blocks come from malloc instead.
 */
void	 blocks_init(void);

/* A block; NULL when out of memory. Any thread. */
void	*block_take(void);
/* Gives back a block from block_take (NULL is ignored). Any thread. */
void	 block_give(void *p);

/* Hands the pages of all free blocks but the keep taken last back to the system. */
void	 blocks_trim(unsigned keep);

#endif
