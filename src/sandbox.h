#ifndef MARQUEE_SANDBOX_H
#define MARQUEE_SANDBOX_H

struct config;

/*
 * Confines the process for the rest of its life, once everything it keeps
 * open is open and before any thread starts (threads inherit it): sets
 * no_new_privs, and where the kernel has Landlock, allows only reading the
 * capsule, the certificate, the key and the config file, and writing the log
 * file's directory. The guestbook log and the listeners are open already.
 * Returns 0 (also when Landlock is missing: that is logged), or -1 with
 * *reason.
 */
int	 sandbox_enter(const struct config *c, const char **reason);

#endif
