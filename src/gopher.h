#ifndef MARQUEE_GOPHER_H
#define MARQUEE_GOPHER_H

/* Gopher (RFC 1436) over plain TCP: selector in, menu, text or file out. */
extern const struct adapter gopher_adapter;

#endif
