/* Unit tests of the dates log: its lines, and first-seen and edit times across a restart. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "harness.h"

static struct dates_record	r;

static int
parse(const char *line)
{
	return dates_parse(line, strlen(line), &r);
}

static void
test_lines(void)
{
	CHECK_INT(parse("heat\t1775347200\t0\t9f86d081884c7d65"), 0);
	CHECK_STR(r.identity, "heat");
	CHECK_INT(r.first, 1775347200LL);
	CHECK_INT(r.edited, 0);
	CHECK(r.hash == 0x9f86d081884c7d65ULL);
	CHECK_INT(parse("heat\t1775347200\t0"), -1);
	CHECK_INT(parse("heat\t1775347200\t0\t9f86d081884c7d6"), -1);
	CHECK_INT(parse("heat\t1775347200\t0\t9f86d081884c7d65\tx"), -1);
	CHECK_INT(parse("\t1\t0\t9f86d081884c7d65"), -1);
	CHECK_INT(parse("a/b\t1\t0\t9f86d081884c7d65"), -1);
	CHECK_INT(parse("heat\t-1\t0\t9f86d081884c7d65"), -1);
	CHECK_INT(parse("heat\t1x\t0\t9f86d081884c7d65"), -1);
	CHECK_INT(parse("heat\t1\t0\t9f86d081884c7d6z"), -1);
	CHECK_INT(parse(""), -1);
}

static void
test_log(void)
{
	char		 path[] = "/tmp/marquee-dates-XXXXXX";
	struct dates	*d;
	const char	*reason;
	long long	 first, edited;
	int		 fd;

	if ((fd = mkstemp(path)) == -1)
		exit(2);
	close(fd);
	CHECK((d = dates_open(path, &reason)) != NULL);
	if (d == NULL)
		return;
	/* First seen: its mtime when earlier than now; never edited. */
	dates_note(d, "heat", 1, 1000, 5000, &first, &edited);
	CHECK_INT(first, 1000);
	CHECK_INT(edited, 0);
	/* A file whose mtime is ahead of the clock is first seen now. */
	dates_note(d, "ronin", 7, 9000, 5000, &first, &edited);
	CHECK_INT(first, 5000);
	/* The same bytes later (a touch): nothing changes. */
	dates_note(d, "heat", 1, 6000, 6000, &first, &edited);
	CHECK_INT(first, 1000);
	CHECK_INT(edited, 0);
	/* Other bytes: an edit, and the first-seen time stays. */
	dates_note(d, "heat", 2, 7000, 7000, &first, &edited);
	CHECK_INT(first, 1000);
	CHECK_INT(edited, 7000);
	dates_close(d);
	/* A torn last line (a crash) is passed over; what came before is read back. */
	if ((fd = open(path, O_WRONLY | O_APPEND)) == -1 || write(fd, "heat\t99", 7) != 7)
		exit(2);
	close(fd);
	CHECK((d = dates_open(path, &reason)) != NULL);
	if (d == NULL)
		return;
	dates_note(d, "heat", 2, 8000, 8000, &first, &edited);
	CHECK_INT(first, 1000);
	CHECK_INT(edited, 7000);
	dates_note(d, "ronin", 7, 8000, 8000, &first, &edited);
	CHECK_INT(first, 5000);
	/* What comes after the torn line is on a line of its own, and read back. */
	dates_note(d, "thief", 9, 8500, 9000, &first, &edited);
	dates_close(d);
	CHECK((d = dates_open(path, &reason)) != NULL);
	if (d == NULL)
		return;
	dates_note(d, "thief", 9, 9500, 9500, &first, &edited);
	CHECK_INT(first, 8500);
	CHECK_INT(edited, 0);
	dates_close(d);
	unlink(path);
	/* In memory only: the same rules, nothing written. */
	CHECK((d = dates_open("", &reason)) != NULL);
	if (d == NULL)
		return;
	dates_note(d, "heat", 1, 1000, 5000, &first, &edited);
	dates_note(d, "heat", 3, 1000, 6000, &first, &edited);
	CHECK_INT(first, 1000);
	CHECK_INT(edited, 6000);
	dates_close(d);
}

int
main(void)
{
	test_lines();
	test_log();
	return harness_done();
}
