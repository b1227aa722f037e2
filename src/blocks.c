/*
 * Blocks for the buffers a connection holds only while it moves bytes
 * (blocks.h): a region reserved at start, of which only the pages in use
 * are resident. Free blocks wait on a stack, the one given back last on
 * top, so a block taken is the likeliest to have its pages resident still;
 * blocks never used come from the region's untouched end. A trim drops the
 * pages of the free blocks under the top ones. OpenSSL's allocator hooks
 * send its allocations of a block's size here; all else is malloc's.
 */

#include <sys/mman.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "blocks.h"

/*
 * Address space reserved, not memory: 1.25 GiB, three blocks (two record
 * buffers and an output buffer) for each of 21,000 connections writing at
 * once. Past it blocks come from malloc. It is mapped with no access, and
 * a block is made writable when first taken, so even a system that counts
 * every writable page against its commit limit (vm.overcommit_memory=2,
 * which ignores MAP_NORESERVE) counts only the blocks used.
 */
#define BLOCKS_MAX	65536u
/*
 * AddressSanitizer knows nothing of the region: a write past a buffer in
 * it, or a block given twice, would pass unseen. The sanitized build
 * (make check's second pass) leaves every buffer to malloc, where it sees
 * them.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED	1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED	0
#endif

/* OpenSSL's allocations from this size up to BLOCK_SIZE take a block: its record buffers (about 17 KiB). */
#define BLOCK_MIN	(16 * 1024)

static char		*region;	/* BLOCKS_MAX blocks; NULL: blocks come from malloc */
static uint32_t		*free_stack;	/* indexes of the free blocks, the last given on top */
static unsigned		 nfree;
static unsigned		 dropped;	/* free_stack[0..dropped) had their pages dropped */
static unsigned		 fresh;		/* blocks from this index on were never used */
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

static int
in_region(const void *p)
{
	const char	*c = p;

	return region != NULL && c >= region && c < region + (size_t)BLOCKS_MAX * BLOCK_SIZE;
}

void *
block_take(void)
{
	char	*p = NULL;

	if (region == NULL)
		return malloc(BLOCK_SIZE);
	pthread_mutex_lock(&lock);
	if (nfree > 0) {
		p = region + (size_t)free_stack[--nfree] * BLOCK_SIZE;
		if (dropped > nfree)
			dropped = nfree;
	} else if (fresh < BLOCKS_MAX &&
	    mprotect(region + (size_t)fresh * BLOCK_SIZE, BLOCK_SIZE, PROT_READ | PROT_WRITE) == 0)
		p = region + (size_t)fresh++ * BLOCK_SIZE;
	pthread_mutex_unlock(&lock);
	return p != NULL ? p : malloc(BLOCK_SIZE);
}

void
block_give(void *p)
{
	if (!in_region(p)) {
		free(p);
		return;
	}
	pthread_mutex_lock(&lock);
	free_stack[nfree++] = (uint32_t)(((char *)p - region) / BLOCK_SIZE);
	pthread_mutex_unlock(&lock);
}

void
blocks_trim(unsigned keep)
{
	unsigned	i;

	pthread_mutex_lock(&lock);
	for (i = dropped; i + keep < nfree; i++)
		(void)madvise(region + (size_t)free_stack[i] * BLOCK_SIZE, BLOCK_SIZE,
		    MADV_DONTNEED);
	if (i > dropped)
		dropped = i;
	pthread_mutex_unlock(&lock);
}

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return n >= BLOCK_MIN && n <= BLOCK_SIZE ? block_take() : malloc(n);
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (in_region(p))
		block_give(p);
	else
		free(p);
}

/* CRYPTO_realloc leaves every case to the hook: NULL is malloc, 0 is free. */
static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	void	*q;

	if (p == NULL)
		return ossl_malloc(n, file, line);
	if (n == 0) {
		ossl_free(p, file, line);
		return NULL;
	}
	if (!in_region(p))
		return realloc(p, n);
	if (n <= BLOCK_SIZE)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, BLOCK_SIZE);
	block_give(p);
	return q;
}

void
blocks_init(void)
{
	void	*r, *s;

	if (region != NULL || SANITIZED)
		return;
	r = mmap(NULL, (size_t)BLOCKS_MAX * BLOCK_SIZE, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	s = mmap(NULL, BLOCKS_MAX * sizeof(*free_stack), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED || s == MAP_FAILED) {
		if (r != MAP_FAILED)
			munmap(r, (size_t)BLOCKS_MAX * BLOCK_SIZE);
		if (s != MAP_FAILED)
			munmap(s, BLOCKS_MAX * sizeof(*free_stack));
		return;
	}
	region = r;
	free_stack = s;
	/* Refused once OpenSSL has allocated: its buffers then stay on the heap. */
	(void)CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);
}
