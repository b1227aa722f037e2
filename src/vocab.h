#ifndef MARQUEE_VOCAB_H
#define MARQUEE_VOCAB_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The words every module shares and none owns. It includes nothing of the
 * project's, so anything may include it without making a cycle.
 */

/* A SHA-256, as bytes and in hex, NUL-terminated. */
#define FINGERPRINT_BYTES	32
#define FINGERPRINT_HEX		(2 * FINGERPRINT_BYTES + 1)
/* RFC 5280 upper bound ub-common-name. */
#define CN_MAX		64

/* Gemini specification, section 3.1: a response header's meta is at most 1024 bytes. */
#define META_MAX	1024

/*
 * Status codes are Gemini's (specification section 3.2); the Gopher adapter
 * maps them onto its own replies. A 30 that carries a body (a gemtext page) is for
 * the protocols that cannot redirect: Gopher shows it, Gemini drops it.
 */
enum status {
	STATUS_INPUT			= 10,
	STATUS_SUCCESS			= 20,
	STATUS_REDIRECT_TEMPORARY	= 30,
	STATUS_REDIRECT			= 31,
	STATUS_TEMPORARY_FAILURE	= 40,
	STATUS_SLOW_DOWN		= 44,
	STATUS_PERMANENT_FAILURE	= 50,
	STATUS_NOT_FOUND		= 51,
	STATUS_PROXY_REFUSED		= 53,
	STATUS_BAD_REQUEST		= 59,
	STATUS_CERTIFICATE_REQUIRED	= 60,
	STATUS_CERTIFICATE_NOT_AUTHORISED	= 61,
};

/*
 * Work that a response waits for and another thread finishes: a guestbook
 * entry that must be on disk before the reply (guestbook.c), an upload
 * written and indexed before the answer (titan.c). Each kind embeds this
 * first and says how it is waited for.
 */
struct pending;
struct pending_ops {
	int	(*wait)(struct pending *p, void (*wake)(void *), void *arg);
	void	(*put)(struct pending *p);
	void	(*cancel)(struct pending *p);
};
struct pending {
	const struct pending_ops	*ops;
};

/*
 * Arranges for wake(arg) to be called once, from any thread, when p is
 * settled; returns 1 instead, calling nothing, when it already is.
 */
int	 pending_wait(struct pending *p, void (*wake)(void *), void *arg);
/* Gives back one reference to p (NULL for none). */
void	 pending_put(struct pending *p);
/* Withdraws the wake of pending_wait: after it returns, it is never called. */
void	 pending_cancel(struct pending *p);

/* What a client asked for, in protocol-neutral form. */
struct host;
struct url;
struct request {
	const struct host *host;		/* the virtual host asked */
	const struct url *url;			/* path, raw path and query */
	const char	*peer;			/* client address, for logs and limits */
	int		 has_certificate;
	char		 fingerprint[FINGERPRINT_HEX];	/* of the client key, when has_certificate */
	char		 cn[CN_MAX + 1];
	/*
	 * The reader's text for a URL that takes input, as the adapter
	 * decoded it from the wire (Gemini's query, Gopher's search string);
	 * NULL when none was sent, or with *input_error when it could not be
	 * decoded. Not NUL-terminated.
	 */
	const char	*input;
	size_t		 input_len;
	const char	*input_error;
	/*
	 * Set when the request is answered a second time, once the append it
	 * asked for is settled; route() then answers with its outcome.
	 */
	const struct pending *settled;
	/*
	 * The bytes a Titan upload sent after its request line, once the
	 * connection has read the body_wanted a first answer asked for; NULL
	 * before.
	 */
	const char	*body;
	size_t		 body_len;
};

/* A body in another protocol's form (a Gopher menu of a generated page). */
struct rendition {
	char	*data;
	size_t	 len;
};

/*
 * The answer: a status, its meta (MIME type, redirect path or error text) and
 * a body: a file, bytes in memory, or a file followed by bytes in memory. The
 * response owns its body: response_release() closes the file and hands the
 * memory back to its owner.
 */
struct response {
	enum status	 status;
	char		 meta[META_MAX + 1];
	int		 fd;			/* body read from this file, -1 for none */
	off_t		 size;			/* bytes of fd to send */
	const char	*body;			/* sent after the file, if any */
	size_t		 body_len;
	void		(*body_release)(void *owner);
	void		*body_owner;
	/*
	 * Where the body's owner keeps a rendition made once and shared by
	 * later requests; NULL when the body has no such place. The first
	 * adapter to convert the body stores its result here.
	 */
	_Atomic(struct rendition *) *rendition;
	/*
	 * Owned. When set, nothing is sent yet: the connection waits for it
	 * to settle and then answers the request again with req->settled.
	 */
	struct pending	*pending;
	/*
	 * When set, nothing is sent yet: the connection reads this many bytes
	 * more from the client (a Titan upload's body, never more than the
	 * handler allowed) and answers the request again with them in
	 * req->body.
	 */
	size_t		 body_wanted;
	/*
	 * With STATUS_INPUT, the meta is what to write ("Sign the guestbook")
	 * and these are the most the page takes; each adapter states them in
	 * its own words, with what its wire costs the text.
	 */
	size_t		 input_bytes;
	unsigned	 input_lines;
};

void	 response_init(struct response *resp);
void	 response_release(struct response *resp);
/* Gives back the body alone, keeping status, meta and what is pending. */
void	 response_drop_body(struct response *resp);
/* Sets status and meta; a meta that would be cut is cut on a UTF-8 boundary. */
void	 response_set(struct response *resp, enum status status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* 20 with the MIME type of a gemtext page in the language lang. */
void	 response_gemtext(struct response *resp, const char *lang);

/* Makes the bytes of b (a struct buf, emptied) the body of resp, which then owns them. */
struct buf;
void	 response_take_body(struct response *resp, struct buf *b);

#endif
