/*
 * marquee guestbook list | hide ID | export | check: the owner's commands on
 * a guestbook log, from the shell, beside a running server or without one.
 * Reading and appending the log is guestbook.c's; this file only prints.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gbtool.h"
#include "guestbook.h"

static void
put_json_string(FILE *f, const char *s, size_t n)
{
	size_t		i;
	unsigned char	c;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
time_text(long long t, char *out, size_t size)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "?");
}

/* One JSON object a line, every entry with its hidden flag. */
static int
export_entries(struct guestbook *gb)
{
	struct gb_entry	*const *v;
	char		 when[32];
	size_t		 i, n = guestbook_all(gb, &v);

	for (i = 0; i < n; i++) {
		time_text(v[i]->time, when, sizeof(when));
		printf("{\"id\":%llu,\"time\":\"%s\",\"review\":", v[i]->id, when);
		put_json_string(stdout, v[i]->slug, strlen(v[i]->slug));
		fputs(",\"author\":", stdout);
		put_json_string(stdout, v[i]->author, strlen(v[i]->author));
		printf(",\"fingerprint\":\"%s\",\"text\":", v[i]->fingerprint);
		put_json_string(stdout, v[i]->text, v[i]->text_len);
		printf(",\"hidden\":%s}\n", v[i]->hidden ? "true" : "false");
	}
	return 0;
}

/* One line an entry: id, time, review, author, the first line of the text. */
static int
list_entries(struct guestbook *gb)
{
	struct gb_entry	*const *v, *e;
	const char	*lf;
	char		 when[32];
	size_t		 i, first, n = guestbook_all(gb, &v);

	for (i = 0; i < n; i++) {
		e = v[i];
		time_text(e->time, when, sizeof(when));
		lf = memchr(e->text, '\n', e->text_len);
		first = lf != NULL ? (size_t)(lf - e->text) : e->text_len;
		printf("%llu\t%s\t%s\t%s%s%.*s%s\t%.*s%s%s\n", e->id, when,
		    e->slug[0] != '\0' ? e->slug : "(guestbook)", e->author,
		    e->fingerprint[0] != '\0' ? " [" : "", FINGERPRINT_SHORT,
		    e->fingerprint, e->fingerprint[0] != '\0' ? "]" : "", (int)first, e->text,
		    lf != NULL ? " ..." : "", e->hidden ? "\t(hidden)" : "");
	}
	return 0;
}

/* What the log holds and what is wrong with it; 1 when something is. */
static int
check_log(struct guestbook *gb, const char *path)
{
	struct gb_entry	*const *v;
	size_t		 n = guestbook_all(gb, &v);
	unsigned	 problems = guestbook_problems(gb);

	printf("guestbook %s: %zu entries, %u problems\n", path, n, problems);
	return problems > 0;
}

static int
hide_entry(struct guestbook *gb, const char *path, const char *arg)
{
	struct record		 r = { .kind = RECORD_HIDE };
	const struct gb_entry	*e;
	unsigned long long	 id;
	const char		*reason;
	char			*end;

	errno = 0;
	id = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || end == arg) {
		fprintf(stderr, "marquee: guestbook %s: no entry %s\n", path, arg);
		return 1;
	}
	if ((e = guestbook_find(gb, id)) == NULL) {
		fprintf(stderr, "marquee: guestbook %s: no entry %llu\n", path, id);
		return 1;
	}
	if (e->hidden) {
		printf("entry %llu is already hidden\n", id);
		return 0;
	}
	r.id = id;
	if (guestbook_append(gb, &r, &reason) == -1) {
		fprintf(stderr, "marquee: guestbook %s\n", reason);
		return 1;
	}
	printf("entry %llu hidden\n", id);
	return 0;
}

int
gbtool_run(const char *path, int argc, char **argv)
{
	struct guestbook	*gb;
	const char		*reason;
	int			 hide = argc == 2 && strcmp(argv[0], "hide") == 0, rc;

	if (!hide && (argc != 1 || (strcmp(argv[0], "list") != 0 &&
	    strcmp(argv[0], "export") != 0 && strcmp(argv[0], "check") != 0))) {
		fprintf(stderr, "usage: marquee [-c file] [-s statedir] guestbook "
		    "[-h host] list | hide ID | export | check\n");
		return 2;
	}
	if ((gb = guestbook_load(path, hide, &reason)) == NULL) {
		fprintf(stderr, "marquee: guestbook %s\n", reason);
		return 1;
	}
	if (hide)
		rc = hide_entry(gb, path, argv[1]);
	else if (strcmp(argv[0], "list") == 0)
		rc = list_entries(gb);
	else if (strcmp(argv[0], "check") == 0)
		rc = check_log(gb, path);
	else
		rc = export_entries(gb);
	guestbook_close(gb);
	return rc;
}
