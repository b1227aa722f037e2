/*
 * How the allocator runs. marquee is linked with jemalloc (the Makefile;
 * not the sanitized build, whose allocator is AddressSanitizer's), which
 * reads this string as it starts. It leaves to jemalloc when memory goes
 * back to the system; nothing else in marquee trims or pools for that.
 *
 * background_thread:true  a thread of jemalloc's hands freed pages back
 *                         on time even when no thread of marquee's
 *                         allocates: without it, pages freed as a burst
 *                         ends stay until the next allocations, and a
 *                         server gone quiet keeps its peak.
 * dirty_decay_ms:1000     freed pages go back within about a second,
 *                         instead of 10: part of a 1,000-client burst's
 *                         pages are back before it ends. 0 (at once)
 *                         cost 1.6 to 2.3 times the CPU per full
 *                         handshake; 250 ms, 3 to 16% more.
 * muzzy_decay_ms:0        pages go back with MADV_DONTNEED, which the
 *                         RSS shows at once, never MADV_FREE's lazy way
 *                         (jemalloc 5.3's default; stated, as it matters).
 */

/* jemalloc(3): the options compiled into the application. Unused without it. */
const char	*malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
