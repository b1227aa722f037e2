#ifndef MARQUEE_GBTOOL_H
#define MARQUEE_GBTOOL_H

/*
 * marquee guestbook list | hide ID | export | check on the log at path;
 * returns the exit status. check reports every bad record and exits 1 if
 * there is one.
 */
int	 gbtool_run(const char *path, int argc, char **argv);

#endif
