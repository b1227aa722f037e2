#ifndef MARQUEE_GEMINI_H
#define MARQUEE_GEMINI_H

/* The Gemini protocol over TLS: request line in, header and body out. */
extern const struct adapter gemini_adapter;

#endif
