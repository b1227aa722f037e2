#ifndef MARQUEE_TRASH_H
#define MARQUEE_TRASH_H

#include <stdio.h>

struct host_config;

/*
 * marquee trash COMMAND [NAME] on host h's trash, where Titan deletions go
 * (argv[0] is the command, argv[argc] NULL): list prints one line an entry,
 * oldest first, "ENTRY PATH BYTES"; restore ENTRY moves it back to PATH in
 * the capsule, unless a file is there now. A running server sees the
 * restored review within a second, as any file the author drops in.
 * Returns the exit status: 0 done, 1 could not be done, 2 a wrong command
 * line; every message is one line.
 */
int	 trash_run(const struct host_config *h, int argc, char **argv);

/* Writes the commands with their operands, "list | restore NAME", for a usage line. */
void	 trash_commands(FILE *f);

#endif
