#ifndef MARQUEE_GBWHERE_H
#define MARQUEE_GBWHERE_H

#include <stddef.h>

/*
 * Where a host's guestbook lives, as the configuration's guestbook key
 * names it: a log file's path, or a libpq connection URI (postgresql://
 * or postgres://) for a table shared by several instances, in a schema
 * named after the host. Pure: no I/O, no state (libpq's URI parser is too).
 */

/* A PostgreSQL schema name is an identifier: at most NAMEDATALEN - 1 = 63 bytes. */
#define GB_SCHEMA_MAX	63

/* Whether where is a PostgreSQL URI rather than a path. */
int	 gbwhere_is_postgresql(const char *where);

/*
 * Checks a PostgreSQL URI as far as its text goes (scheme, no spaces or
 * control bytes, well-formed %XX escapes, and what libpq's parser takes:
 * hosts, ports, known parameters): 0, or -1 with *reason. Whether the
 * database takes it is found when it is connected to.
 */
int	 gbwhere_check_uri(const char *uri, const char **reason);

/*
 * The schema of host's guestbook: "marquee_" and the host name in lower
 * case, every byte outside [a-z0-9] made '_', cut to GB_SCHEMA_MAX bytes.
 * out has GB_SCHEMA_MAX + 1 bytes.
 */
void	 gbwhere_schema(const char *host, char out[GB_SCHEMA_MAX + 1]);

#endif
