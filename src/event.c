/*
 * The event loop of each worker thread, over epoll, and the monotonic
 * clock every deadline and rate limit reads.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "log.h"

/* Events taken from the kernel per epoll_wait; more simply wait for the next call. */
#define EVENTS_PER_POLL	256

struct event_loop {
	int			epfd;
	struct epoll_event	ready[EVENTS_PER_POLL];
};

struct event_loop *
event_loop_new(const char **reason)
{
	struct event_loop	*loop;

	if ((loop = calloc(1, sizeof(*loop))) == NULL) {
		*reason = "out of memory";
		return NULL;
	}
	if ((loop->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		*reason = reasonf("epoll_create1: %s", strerror(errno));
		free(loop);
		return NULL;
	}
	return loop;
}

void
event_loop_free(struct event_loop *loop)
{
	if (loop == NULL)
		return;
	close(loop->epfd);
	free(loop);
}

static unsigned
to_epoll(const struct event *ev, unsigned mask)
{
	unsigned	e = 0;

	if (mask & EV_READ)
		e |= EPOLLIN;
	if (mask & EV_WRITE)
		e |= EPOLLOUT;
	/* The kernel takes no other flags with EPOLLEXCLUSIVE. */
	if (ev->exclusive)
		e |= EPOLLEXCLUSIVE;
	else if (mask & EV_READ)
		e |= EPOLLRDHUP;
	return e;
}

int
event_watch(struct event_loop *loop, struct event *ev, unsigned mask,
    const char **reason)
{
	struct epoll_event	ee = { .events = to_epoll(ev, mask), .data.ptr = ev };
	int			op;

	if (ev->mask == mask && mask != 0)
		return 0;
	op = ev->mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (mask == 0)
		op = EPOLL_CTL_DEL;
	if (op == EPOLL_CTL_DEL && ev->mask == 0)
		return 0;
	if (epoll_ctl(loop->epfd, op, ev->fd, &ee) == -1) {
		*reason = reasonf("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	ev->mask = mask;
	return 0;
}

void
event_forget(struct event_loop *loop, struct event *ev)
{
	if (ev->mask != 0)
		(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, ev->fd, NULL);
	ev->mask = 0;
}

int
event_loop_poll(struct event_loop *loop, int timeout_ms, const char **reason)
{
	struct event	*ev;
	unsigned	 ready;
	int		 i, n;

	n = epoll_wait(loop->epfd, loop->ready, EVENTS_PER_POLL, timeout_ms);
	if (n == -1) {
		if (errno == EINTR)
			return 0;
		*reason = reasonf("epoll_wait: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		ev = loop->ready[i].data.ptr;
		ready = 0;
		if (loop->ready[i].events & EPOLLIN)
			ready |= EV_READ;
		if (loop->ready[i].events & EPOLLOUT)
			ready |= EV_WRITE;
		if (loop->ready[i].events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP))
			ready |= EV_ERROR;
		ev->fn(ev, ready);
	}
	return n;
}

/* The in-process tests' clock, when they set one (event_clock_inject). */
static uint64_t	(*injected_clock)(void);

void
event_clock_inject(uint64_t (*now_us)(void))
{
	injected_clock = now_us;
}

uint64_t
event_now_us(void)
{
	struct timespec	ts;

	if (injected_clock != NULL)
		return injected_clock();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
event_now_ms(void)
{
	return event_now_us() / 1000;
}

/* The in-process tests' calendar, when they set one (event_calendar_inject). */
static long long	(*injected_calendar)(void);

void
event_calendar_inject(long long (*now_s)(void))
{
	injected_calendar = now_s;
}

long long
event_calendar_now(void)
{
	if (injected_calendar != NULL)
		return injected_calendar();
	return (long long)time(NULL);
}
