#ifndef MARQUEE_IMPORT_H
#define MARQUEE_IMPORT_H

struct config;

/*
 * marquee import [-n] [-h HOST] [--pings] [--pages] EXPORT.xml: a WordPress
 * export made into reviews and guestbook responses of a host (the first by
 * default). argv[0] is the first operand after "import", argv[argc] NULL.
 * Returns the exit status: 0 done, 1 refused or failed, 2 a wrong command
 * line. The README's "Moving in from WordPress" says what is carried over.
 */
int	 import_run(const struct config *c, int argc, char **argv);

#endif
