/*
 * libFuzzer target: the lines of "guestbook export" that "guestbook import"
 * reads back (gbexport_parse), which may come from anywhere. Whatever it
 * takes must be what the log could hold: every field terminated and within
 * its limit, an entry or like a record that formats and parses back equal,
 * a ban's target without a NUL or line feed.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gbexport.h"
#include "record.h"
#include "utf8.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_guestbook_export: %s\n", what);
	abort();
}

static void
check_record(const struct record *r)
{
	static char	 line[RECORD_MAX + 2];
	struct record	 back;
	const char	*reason = NULL;
	size_t		 n;

	if ((n = record_format(r, line, sizeof(line))) == 0)
		fail("a record taken does not format");
	if (record_parse(line, n - 1, &back, &reason) == -1)
		fail("a record taken does not parse back");
	if (back.kind != r->kind || back.id != r->id || back.time != r->time ||
	    back.parent != r->parent || back.flags != r->flags ||
	    strcmp(back.slug, r->slug) != 0 || strcmp(back.author, r->author) != 0 ||
	    strcmp(back.fingerprint, r->fingerprint) != 0 || back.text_len != r->text_len ||
	    memcmp(back.text, r->text, r->text_len) != 0)
		fail("a record taken parses back to another");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gbexport_item	 it;
	const struct record		*r = &it.rec;
	const char			*reason = NULL;

	if (gbexport_parse((const char *)data, size, &it, &reason) == -1) {
		if (reason == NULL || reason[0] == '\0')
			fail("refused without a reason");
		return 0;
	}
	if (memchr(r->slug, '\0', sizeof(r->slug)) == NULL ||
	    memchr(r->author, '\0', sizeof(r->author)) == NULL ||
	    memchr(r->fingerprint, '\0', sizeof(r->fingerprint)) == NULL ||
	    r->text_len > ENTRY_TEXT_MAX || r->text[r->text_len] != '\0')
		fail("a field is not terminated or too long");
	if (!utf8_valid(r->text, r->text_len) || !utf8_valid(r->slug, strlen(r->slug)))
		fail("a field is not UTF-8");
	switch (it.kind) {
	case GBEXPORT_ENTRY:
		if (r->kind != RECORD_ENTRY || r->id == 0 || r->text_len == 0)
			fail("an entry without an id or text");
		check_record(r);
		break;
	case GBEXPORT_LIKE:
		if (r->kind != RECORD_LIKE || r->fingerprint[0] == '\0')
			fail("a like without a fingerprint");
		check_record(r);
		break;
	case GBEXPORT_BAN:
		if (r->text_len == 0 || memchr(r->text, '\0', r->text_len) != NULL)
			fail("a ban without a target, or with a NUL in it");
		break;
	default:
		fail("an unknown kind");
	}
	return 0;
}
