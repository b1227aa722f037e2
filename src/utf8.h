#ifndef MARQUEE_UTF8_H
#define MARQUEE_UTF8_H

#include <stddef.h>

/*
 * UTF-8 as RFC 3629 defines it, and what a terminal makes of it: the one
 * place that decodes, validates and measures text. Pure: libc only.
 */

/* RFC 3629 section 6: the byte-order mark, U+FEFF encoded. */
#define UTF8_BOM	"\xef\xbb\xbf"
#define UTF8_BOM_LEN	(sizeof(UTF8_BOM) - 1)

/* The longest encoding of one code point (RFC 3629 section 3). */
#define UTF8_SEQ_MAX	4

/*
 * Decodes the sequence at s[0..len), len > 0, into *cp and returns its
 * length, or 0 when it is not UTF-8: overlong forms, UTF-16 surrogates,
 * code points past U+10FFFF and truncated sequences are refused.
 */
size_t	 utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

/* Returns 1 when s[0..len) is well-formed UTF-8, else 0. */
int	 utf8_valid(const char *s, size_t len);

/* Writes cp (at most U+10FFFF) into out[0..UTF8_SEQ_MAX) and returns the length. */
size_t	 utf8_encode(unsigned cp, char *out);

/* Returns UTF8_BOM_LEN when s[0..len) starts with a byte-order mark, else 0. */
size_t	 utf8_bom(const char *s, size_t len);

/*
 * The longest prefix of s[0..len) of at most max bytes that ends on a
 * character boundary: where to cut a string to fit a field.
 */
size_t	 utf8_cut(const char *s, size_t len, size_t max);

/* C0 controls, DEL and C1 controls (U+0080 to U+009F). */
int	 utf8_is_control(unsigned cp);

/*
 * Characters that reorder or hide text without being seen: the bidi
 * embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the
 * zero-width space, joiners, word joiner and no-break space (U+200B-200D,
 * U+2060, U+FEFF).
 */
int	 utf8_is_invisible(unsigned cp);

/*
 * Columns cp takes on a terminal: 2 for East Asian Wide and Fullwidth, 0 for
 * combining marks, format characters and controls, 1 for the rest.
 */
unsigned utf8_width(unsigned cp);

/* Columns s[0..len) takes; a byte that is not UTF-8 counts as one column. */
size_t	 utf8_columns(const char *s, size_t len);

/*
 * Bytes of s[0..len) that fit in width columns, ending on a character
 * boundary: a wide character that would straddle the edge is left out, and
 * combining marks stay with the character they follow.
 */
size_t	 utf8_fit(const char *s, size_t len, size_t width);

/*
 * Whether cp separates words rather than being part of one: ASCII other
 * than letters and digits, and the non-ASCII spaces and punctuation
 * (no-break spaces, guillemets, dashes, curly quotes, CJK punctuation).
 * Other code points count as letters: without Unicode tables a letter
 * cannot be told from a symbol.
 */
int	 utf8_is_separator(unsigned cp);

/*
 * What cp becomes once case and Latin accents are set aside, into out
 * (UTF8_SEQ_MAX bytes); returns its length. ASCII letters are lowered, the
 * letters of Latin-1 Supplement and Latin Extended-A folded to ASCII ("É"
 * "e", "œ" "oe", "ß" "ss"), combining accents (U+0300-036F) dropped:
 * length 0. Anything else is kept as it is.
 */
size_t	 utf8_fold(unsigned cp, char *out);

#endif
