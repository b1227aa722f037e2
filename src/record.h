#ifndef MARQUEE_RECORD_H
#define MARQUEE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "review.h"
#include "vocab.h"

/*
 * The guestbook log's record format. One record is one line, fields
 * separated by TAB, readable with tail -f:
 *
 *	entry	2026-11-25T09:12:12Z	42	rust-and-bone	movieblort	3f2a...	Loved it.\nTwice.	a1b2c3d4
 *	entry	2026-11-25T09:30:00Z	43	rust-and-bone	Ann		Thanks!	42	o	5e6f7a8b
 *	hide	2026-11-25T10:00:00Z	42					9e8d7c6b
 *	like	2026-11-25T10:01:00Z	0	rust-and-bone		3f2a...		c0ffee00
 *
 * kind, UTC time, entry id, review slug (empty for the guestbook as a
 * whole), author, public-key fingerprint (empty without a certificate),
 * text, then two fields only when one is not empty: the id of the entry a
 * reply answers and the flags ("o" by the owner, "h" held for approval,
 * "i" imported from another blog: marquee import, which keeps its time);
 * last, the CRC-32C of every byte before the last TAB in lower-case hex.
 * Without the two fields a record reads as it did before replies existed,
 * so older logs read unchanged and plain entries stay readable by older
 * versions. In slug, author and text, '\' is written "\\", LF "\n", TAB
 * "\t" and any other control byte "\xHH".
 *
 * The other kinds leave unused fields empty: hide, unhide and approve name
 * an entry by its id; like has id 0, the review's slug and the liker's
 * fingerprint; ban and unban have id 0 and their target (a fingerprint or
 * an address, as limit_address_key writes it) as text.
 *
 * Pure: no I/O, no allocation, no state.
 */

/* What a reader may write: the guestbook issue's limits, 800 bytes and 20 lines. */
#define ENTRY_TEXT_MAX		800
#define ENTRY_LINES_MAX		20
/* A review slug is a file name without its extension. */
#define SLUG_MAX		REVIEW_NAME_MAX
/* The author is a certificate's CN, so no longer than one (RFC 5280). */
#define AUTHOR_MAX		CN_MAX
/* Hex digits of the fingerprint that pages show: enough to tell two authors apart. */
#define FINGERPRINT_SHORT	8
/*
 * Longest line: the fixed fields (kind, time, id, parent, flags, CRC, TABs:
 * under 96),
 * slug and author escaped at worst 4 bytes a byte ("\xHH"), fingerprint,
 * and text at worst 2 bytes a byte ("\n" or "\\").
 */
#define RECORD_MAX	(96 + 4 * SLUG_MAX + 4 * AUTHOR_MAX + FINGERPRINT_HEX + \
			 2 * ENTRY_TEXT_MAX + 1)

enum record_kind {
	RECORD_ENTRY,
	RECORD_HIDE,
	RECORD_UNHIDE,
	RECORD_APPROVE,
	/* From here on, kinds with id 0: they name no entry. */
	RECORD_LIKE,
	RECORD_BAN,
	RECORD_UNBAN,
};

/* An entry's flags, decided by the server when it writes it. */
#define RECORD_OWNER	0x1	/* written by the capsule's owner: the author's mark */
#define RECORD_HELD	0x2	/* invisible until the owner approves it */
#define RECORD_IMPORTED	0x4	/* a comment brought in by marquee import, with its own time */

struct record {
	enum record_kind	 kind;
	long long		 time;		/* seconds since the epoch */
	unsigned long long	 id;
	char			 slug[SLUG_MAX + 1];		/* "" for the guestbook */
	char			 author[AUTHOR_MAX + 1];
	char			 fingerprint[FINGERPRINT_HEX];	/* "" without a certificate */
	char			 text[ENTRY_TEXT_MAX + 1];
	size_t			 text_len;
	unsigned long long	 parent;	/* the entry a reply answers; 0 for none */
	unsigned		 flags;		/* RECORD_OWNER, RECORD_HELD */
};

/*
 * What pages put before the owner's name; only the server writes it, since
 * entry_author removes it and every pen like it from the names readers send.
 */
#define OWNER_MARK	"\xe2\x9c\x8d"	/* U+270D WRITING HAND */

/*
 * The bytes of a fingerprint as the log and the TLS layer write it
 * (FINGERPRINT_HEX - 1 lower-case hex digits): 0, or -1 when hex is not one.
 */
int	 fingerprint_bytes(const char *hex, unsigned char out[FINGERPRINT_BYTES]);

/* CRC-32C (Castagnoli), the checksum of every record; RFC 3720 appendix B.4. */
uint32_t	 crc32c(const void *data, size_t len);

/*
 * Writes r as one line, LF included, into out. Returns its length, or 0
 * when it does not fit in size bytes.
 */
size_t	 record_format(const struct record *r, char *out, size_t size);

/*
 * Parses one line (without its LF) into *r. Returns 0, or -1 with *reason:
 * a checksum mismatch, a missing or malformed field, an unknown kind, a time
 * before 1970, a control character in the author or text (other than LF
 * in the text), which marquee never writes, or fields its kind does not have.
 */
int	 record_parse(const char *line, size_t len, struct record *r,
	    const char **reason);

/*
 * Cleans what a reader wrote (already percent-decoded) into out, which has
 * ENTRY_TEXT_MAX + 1 bytes: CRLF and lone CR become LF, TAB a space, other
 * control characters (C0, DEL, C1), byte-order marks, bidi overrides and
 * isolates and zero-width characters (utf8_is_invisible) go, trailing spaces
 * and leading and trailing blank lines are trimmed. Returns 0 with the
 * length in *outlen, or -1 with *reason when the text is not UTF-8, is
 * empty, or is longer than ENTRY_TEXT_MAX bytes or ENTRY_LINES_MAX lines.
 */
int	 entry_text_clean(const char *in, size_t len, char *out, size_t *outlen,
	    const char **reason);

/*
 * Makes an author name out of a certificate's CN: control characters, the
 * invisible ones entry_text_clean drops, brackets (only the server writes
 * the "[fingerprint]" tag) and the owner's mark and the pens that look like
 * it (OWNER_MARK) go, and an empty result is "anonymous". out has
 * AUTHOR_MAX + 1 bytes.
 */
void	 entry_author(const char *cn, char *out);

#endif
