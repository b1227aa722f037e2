#ifndef MARQUEE_CONN_H
#define MARQUEE_CONN_H

#include <stddef.h>

struct request;
struct response;

/*
 * A protocol adapter: how a request ends on the wire and how to answer it.
 * Connections are the same state machine for every protocol; only these
 * hooks, and whether TLS wraps the stream, differ.
 */
struct adapter {
	const char	*name;
	int		 tls;
	size_t		 request_max;	/* bytes after which the request counts as complete */
	/*
	 * Answers the request buf[0..len) (up to and including the first LF,
	 * or request_max bytes, or what came before EOF). req arrives with
	 * the client's address and identity filled in. Fills resp and writes
	 * the bytes that precede the body into head; returns their length.
	 */
	size_t		(*respond)(const char *buf, size_t len, struct request *req,
			    struct response *resp, char *head, size_t headsize);
	/*
	 * Where the reader's text starts in buf[0..len) when the request is
	 * for a URL that takes input (route_is_input), found in the bytes
	 * read even when they are too long to parse; 0 for any other request.
	 * The access log shows only that text's length.
	 */
	size_t		(*input_at)(const char *buf, size_t len);
};

/* Room for a response header: status, space, meta, CRLF. */
#define HEAD_MAX	(1024 + 8)

/*
 * Binds a listening socket for p on each address of addr:port, once each
 * ("*" for every address; localhost is both 127.0.0.1 and ::1); before
 * workers start. With proxy, every connection must open with a PROXY
 * protocol header (proxy.h), whose client address then stands for the
 * peer's. A connection is served from the set of hosts current when it is
 * accepted (host.h): with TLS by the host its handshake picked, without by
 * the host whose gopher_port is port in that set.
 */
int	 server_listen(const char *addr, unsigned port, const struct adapter *p,
	    int proxy, const char **reason);

/*
 * Appends the addresses the listeners on port are bound to, as text and
 * separated by spaces, to out (a struct buf), for the log.
 */
struct buf;
void	 server_addresses(unsigned port, struct buf *out);

/*
 * Starts n worker threads, each with its own event loop on every listener;
 * a set of hosts must be current. Up to max_connections client addresses
 * are counted against max_connections_per_address.
 */
int	 server_start(unsigned n, unsigned max_connections, const char **reason);

/* Asks the workers to stop accepting, finish what is in flight, and exit. */
void	 server_stop(void);

/* Waits for the workers to exit and closes the listeners. */
void	 server_wait(void);

#endif
