#ifndef MARQUEE_TESTS_SETTLE_H
#define MARQUEE_TESTS_SETTLE_H

/*
 * For the in-process tests and benchmarks: waiting until a guestbook append
 * is settled, as a connection does from its event loop, here by blocking on
 * a condition variable that the committer's wake signals.
 */

#include <pthread.h>

#include "vocab.h"

struct settle_waiter {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
	int		done;
};

static void
settle_wake(void *arg)
{
	struct settle_waiter	*w = arg;

	pthread_mutex_lock(&w->lock);
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Returns once p is settled. */
static void
settle_wait(struct pending *p)
{
	struct settle_waiter	w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

	if (pending_wait(p, settle_wake, &w))
		return;
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
}

#endif
