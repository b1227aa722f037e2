#ifndef MARQUEE_GBTOOL_H
#define MARQUEE_GBTOOL_H

#include <stdio.h>

struct host_config;

/*
 * marquee guestbook COMMAND [OPERAND...] on host h's guestbook log (argv[0]
 * is the command, argv[argc] NULL as main's); returns the exit status: 0 done (or nothing to do, as
 * hiding a hidden entry), 1 could not be done, 2 a wrong command line. check
 * reports every bad record and exits 1 if there is one. Every message is
 * one line.
 */
int	 gbtool_run(const struct host_config *h, int argc, char **argv);

/*
 * What `guestbook check` prints, for -n: -1 when h's guestbook cannot be
 * loaded (printed why), else 0, whatever problems (skipped records) it found.
 */
int	 gbtool_check(const struct host_config *h);

/* Writes the commands with their operands, "list [--held] | export | ...", for a usage line. */
void	 gbtool_commands(FILE *f);

#endif
