/*
 * recgen: writes guestbook log records for the tests and benchmarks, sealed
 * by record_format itself, so no test carries a hand-made checksum and every
 * line is one marquee could have written.
 *
 *   recgen <spec >guestbook.log
 *
 * Each line of spec is one record, its fields separated by TAB:
 *
 *   KIND TIME ID SLUG AUTHOR FINGERPRINT TEXT [PARENT [FLAGS]]
 *
 * KIND is a record kind (entry, hide, unhide, approve, like, ban, unban),
 * TIME seconds since the epoch, PARENT the id a reply answers (0 for none),
 * FLAGS "o" (by the owner), "h" (held) or "oh"; in TEXT, "\n" stands for a
 * line feed and "\\" for a backslash. A record that would not parse back is
 * refused with its line number, and recgen exits 1.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static const char *const kinds[] = {
	[RECORD_ENTRY] = "entry", [RECORD_HIDE] = "hide", [RECORD_UNHIDE] = "unhide",
	[RECORD_APPROVE] = "approve", [RECORD_LIKE] = "like", [RECORD_BAN] = "ban",
	[RECORD_UNBAN] = "unban",
};

/* The TEXT field's two escapes, into r->text. */
static int
set_text(struct record *r, const char *s)
{
	size_t	n = 0;

	for (; *s != '\0' && n < ENTRY_TEXT_MAX; s++) {
		if (s[0] == '\\' && (s[1] == 'n' || s[1] == '\\'))
			r->text[n++] = *++s == 'n' ? '\n' : '\\';
		else
			r->text[n++] = *s;
	}
	r->text[n] = '\0';
	r->text_len = n;
	return *s == '\0' ? 0 : -1;
}

static int
set_kind(struct record *r, const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0) {
			r->kind = (enum record_kind)i;
			return 0;
		}
	return -1;
}

/* One spec line (without its LF) into *r; -1 when it is not one. */
static int
spec_parse(char *line, struct record *r)
{
	char	*f[9] = { 0 }, *p = line;
	size_t	 n;

	memset(r, 0, sizeof(*r));
	for (n = 0; n < 9 && p != NULL; n++)
		f[n] = strsep(&p, "\t");
	if (n < 7 || p != NULL || set_kind(r, f[0]) == -1 || set_text(r, f[6]) == -1 ||
	    strlen(f[3]) > SLUG_MAX || strlen(f[4]) > AUTHOR_MAX ||
	    strlen(f[5]) >= sizeof(r->fingerprint))
		return -1;
	r->time = strtoll(f[1], NULL, 10);
	r->id = strtoull(f[2], NULL, 10);
	memcpy(r->slug, f[3], strlen(f[3]));
	memcpy(r->author, f[4], strlen(f[4]));
	memcpy(r->fingerprint, f[5], strlen(f[5]));
	r->parent = f[7] != NULL ? strtoull(f[7], NULL, 10) : 0;
	if (f[8] != NULL)
		r->flags = (strchr(f[8], 'o') != NULL ? RECORD_OWNER : 0) |
		    (strchr(f[8], 'h') != NULL ? RECORD_HELD : 0);
	return 0;
}

int
main(void)
{
	static char		 line[4 * RECORD_MAX], out[RECORD_MAX + 1];
	static struct record	 r, back;
	const char		*reason;
	unsigned long		 number = 0;
	size_t			 len = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		number++;
		line[strcspn(line, "\n")] = '\0';
		if (spec_parse(line, &r) == -1)
			reason = "not a spec line";
		else if ((len = record_format(&r, out, sizeof(out))) == 0)
			reason = "does not fit a record";
		else if (record_parse(out, len - 1, &back, &reason) == 0) {
			fwrite(out, 1, len, stdout);
			continue;
		}
		fprintf(stderr, "recgen: line %lu: %s\n", number, reason);
		return 1;
	}
	return fflush(stdout) == 0 && !ferror(stdin) ? 0 : 1;
}
