/*
 * Telling a guestbook's log path from a PostgreSQL URI, checking the URI's
 * text (libpq's own parser, which reads and connects to nothing), and
 * naming a host's schema (gbwhere.h). Connecting is gbpg.c's.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "gbwhere.h"

static const char *const schemes[] = { "postgresql://", "postgres://" };

int
gbwhere_is_postgresql(const char *where)
{
	size_t	i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(where, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* libpq's reason for refusing a URI, on one line; its message ends with a LF. */
static const char *
parse_error(char *msg)
{
	static _Thread_local char	 line[256];
	size_t				 n;

	snprintf(line, sizeof(line), "%s", msg != NULL ? msg : "out of memory");
	PQfreemem(msg);
	for (n = strlen(line); n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'); n--)
		line[n - 1] = '\0';
	return line;
}

int
gbwhere_check_uri(const char *uri, const char **reason)
{
	const unsigned char	*p;
	PQconninfoOption	*opts;
	char			*msg = NULL;

	if (!gbwhere_is_postgresql(uri)) {
		*reason = "not a postgresql:// or postgres:// URI";
		return -1;
	}
	for (p = (const unsigned char *)uri; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			*reason = "a space or control character in the guestbook URI";
			return -1;
		}
		if (*p == '%' && (!isxdigit(p[1]) || !isxdigit(p[2]))) {
			*reason = "a '%' not followed by two hex digits in the guestbook URI";
			return -1;
		}
	}
	if ((opts = PQconninfoParse(uri, &msg)) == NULL) {
		*reason = parse_error(msg);
		return -1;
	}
	PQconninfoFree(opts);
	return 0;
}

void
gbwhere_schema(const char *host, char out[GB_SCHEMA_MAX + 1])
{
	static const char	 prefix[] = "marquee_";
	size_t			 n = sizeof(prefix) - 1;
	unsigned char		 c;

	memcpy(out, prefix, n);
	for (; *host != '\0' && n < GB_SCHEMA_MAX; host++) {
		c = (unsigned char)tolower((unsigned char)*host);
		out[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? (char)c : '_';
	}
	out[n] = '\0';
}
