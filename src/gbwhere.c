/*
 * Telling a guestbook's log path from a PostgreSQL URI, checking the URI's
 * text (libpq's own parser, which reads and connects to nothing), and
 * naming a host's schema (gbwhere.h). Connecting is gbpg.c's.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* Removes n bytes at s (a string). */
static void
cut(char *s, size_t n)
{
	memmove(s, s + n, strlen(s + n) + 1);
}

/*
 * Takes credentials out of a libpq message, which may quote the whole URI
 * ("... in URI: \"postgresql://u:secret@[::1/db\"") or a value: whatever
 * follows a "://" up to the last '@' (a user and password; the last, since
 * a malformed password may hold '/' or '@'), and the value of every
 * "password=" (case aside: the quoted text is the author's), up to the next
 * '&' or space (a URI holds no space: gbwhere_check_uri refuses one first).
 */
static void
strip_credentials(char *line)
{
	char	*p, *at;
	size_t	 n;

	if ((p = strstr(line, "://")) != NULL && (at = strrchr(p, '@')) != NULL)
		cut(p + 3, (size_t)(at + 1 - (p + 3)));
	for (p = line; (p = strchr(p, '=')) != NULL; p++) {
		if (p - line < 8 || strncasecmp(p - 8, "password", 8) != 0)
			continue;
		n = strcspn(p + 1, "& \t\n");
		cut(p + 1, n);
	}
}

/*
 * libpq's reason for refusing a URI, on one line (its message ends with a
 * LF) and never with a user or password it quotes.
 */
static const char *
parse_error(char *msg)
{
	static _Thread_local char	 line[256];
	size_t				 n;

	if (msg != NULL)	/* before the cut to fit, which could end amid a password */
		strip_credentials(msg);
	snprintf(line, sizeof(line), "%s", msg != NULL ? msg : "out of memory");
	PQfreemem(msg);
	for (n = strlen(line); n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'); n--)
		line[n - 1] = '\0';
	return line;
}

/*
 * A port that is not a number, or a list of them, is refused here with a
 * fixed reason: libpq's own, on connecting, quotes it, and a password
 * holding a '/' ("u:pass/word@host") is what libpq reads as a host and port.
 */
static int
ports_are_numbers(const PQconninfoOption *opts, const char **reason)
{
	const PQconninfoOption	*o;

	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "port") == 0 && o->val != NULL &&
		    o->val[strspn(o->val, "0123456789,")] != '\0') {
			*reason = "a port that is not a number in the guestbook URI "
			    "(or a password holding a '/', which must be written %2F)";
			return -1;
		}
	return 0;
}

int
gbwhere_check_uri(const char *uri, const char **reason)
{
	const unsigned char	*p;
	PQconninfoOption	*opts;
	char			*msg = NULL;
	int			 rc;

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
	rc = ports_are_numbers(opts, reason);
	PQconninfoFree(opts);
	return rc;
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
