#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capsule.h"
#include "config.h"
#include "index.h"
#include "router.h"

void
response_init(struct response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->fd = -1;
}

void
response_release(struct response *resp)
{
	if (resp->fd != -1)
		close(resp->fd);
	if (resp->body_release != NULL)
		resp->body_release(resp->body_owner);
	response_init(resp);
}

void
response_set(struct response *resp, enum status status, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;
	int	m;

	resp->status = status;
	va_start(ap, fmt);
	m = vsnprintf(resp->meta, sizeof(resp->meta), fmt, ap);
	va_end(ap);
	if (m < 0) {
		resp->meta[0] = '\0';
		return;
	}
	if ((size_t)m < sizeof(resp->meta))
		return;
	/* Cut: step back over UTF-8 continuation bytes so no character is split. */
	n = sizeof(resp->meta) - 1;
	while (n > 0 && ((unsigned char)resp->meta[n] & 0xc0) == 0x80)
		n--;
	resp->meta[n] = '\0';
}

void
route(const struct request *req, struct response *resp)
{
	const struct config	*c = config_current();

	if (index_serve(req->url->path, c->lang, resp))
		return;
	capsule_serve(req->url->path, c->lang, resp);
}
