#ifndef MARQUEE_EVENT_H
#define MARQUEE_EVENT_H

/*
 * A thin layer over epoll: one loop per worker thread. The owner of an fd
 * embeds a struct event and recovers itself from it in the callback.
 */

#include <stdint.h>

#define EV_READ		0x1
#define EV_WRITE	0x2
#define EV_ERROR	0x4	/* hang-up or error; reported whatever was asked for */

struct event;
typedef void event_fn(struct event *ev, unsigned ready);

struct event {
	int		 fd;
	unsigned	 mask;		/* what the loop watches now */
	unsigned	 exclusive:1;	/* a shared listener: wake one loop, not all */
	event_fn	*fn;
};

struct event_loop;

struct event_loop	*event_loop_new(const char **reason);	/* caller frees with event_loop_free */
void			 event_loop_free(struct event_loop *loop);

/* Starts (or, with mask 0, pauses) watching ev->fd for mask. */
int	 event_watch(struct event_loop *loop, struct event *ev, unsigned mask,
	    const char **reason);
/* Stops watching ev->fd; call before closing it. */
void	 event_forget(struct event_loop *loop, struct event *ev);

/* The monotonic clock, for deadlines, rate limits and build times. */
uint64_t event_now_us(void);
uint64_t event_now_ms(void);
/*
 * Makes now_us the monotonic clock of everything above (NULL: the system's
 * again), so in-process tests step time instead of waiting. Before any
 * thread reads the clock.
 */
void	 event_clock_inject(uint64_t (*now_us)(void));

/* Calendar time, in seconds since the epoch: when a review is due to be published. */
long long	 event_calendar_now(void);
/* Makes now_s the calendar (NULL: the system's again), as event_clock_inject does the clock. */
void		 event_calendar_inject(long long (*now_s)(void));

/* Waits up to timeout_ms for events and calls their callbacks; -1 on error. */
int	 event_loop_poll(struct event_loop *loop, int timeout_ms, const char **reason);

#endif
