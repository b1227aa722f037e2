/*
 * The response every handler fills and every adapter sends: its status and
 * meta, and who owns its body. The words themselves are in vocab.h.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "utf8.h"
#include "vocab.h"

void
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->fd = -1;
}

void
response_drop_body(struct response *resp)
{
	if (resp->fd != -1)
		close(resp->fd);
	if (resp->body_release != NULL)
		resp->body_release(resp->body_owner);
	resp->fd = -1;
	resp->size = 0;
	resp->body = NULL;
	resp->body_len = 0;
	resp->body_release = NULL;
	resp->body_owner = NULL;
	resp->rendition = NULL;
}

void
response_release(struct response *resp)
{
	response_drop_body(resp);
	pending_put(resp->pending);
	response_init(resp);
}

void
response_set(struct response *resp, enum status status, const char *fmt, ...)
{
	/* Room to see the whole character that straddles META_MAX. */
	char	full[META_MAX + UTF8_SEQ_MAX + 1];
	va_list	ap;
	size_t	n;
	int	m;

	resp->status = status;
	va_start(ap, fmt);
	m = vsnprintf(full, sizeof(full), fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n = (size_t)m < sizeof(full) ? (size_t)m : sizeof(full) - 1;
	/* A meta too long is cut on a character boundary. */
	n = utf8_cut(full, n, META_MAX);
	memcpy(resp->meta, full, n);
	resp->meta[n] = '\0';
	/* A header is one line, and a Gopher error one menu line: no controls. */
	for (m = 0; (size_t)m < n; m++)
		if ((unsigned char)resp->meta[m] < 0x20 || resp->meta[m] == 0x7f)
			resp->meta[m] = ' ';
}

void
response_take_body(struct response *resp, struct buf *b)
{
	resp->body = b->data;
	resp->body_len = b->len;
	resp->body_release = free;
	resp->body_owner = b->data;
	memset(b, 0, sizeof(*b));
}

int
pending_wait(struct pending *p, void (*wake)(void *), void *arg)
{
	return p->ops->wait(p, wake, arg);
}

void
pending_put(struct pending *p)
{
	if (p != NULL)
		p->ops->put(p);
}

void
pending_cancel(struct pending *p)
{
	p->ops->cancel(p);
}

void
response_gemtext(struct response *resp, const char *lang)
{
	response_set(resp, STATUS_SUCCESS, "text/gemini; charset=utf-8; lang=%s", lang);
}
