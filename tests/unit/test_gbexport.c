/*
 * Unit tests of what the guestbook's stores read from outside: where a
 * guestbook lives (gbwhere: a path or a PostgreSQL URI, and a host's
 * schema name) and the lines of "guestbook export" that "guestbook import"
 * reads back (gbexport).
 */

#include <stdio.h>
#include <string.h>

#include "gbexport.h"
#include "gbwhere.h"
#include "harness.h"

static struct gbexport_item	 it;
static const char		*reason;

static int
parse(const char *line)
{
	reason = "";
	return gbexport_parse(line, strlen(line), &it, &reason);
}

/* Whether line parses (0) or not (-1); the line is too long for CHECK_INT's message. */
#define PARSES(line, want) do {						\
	int	rc_ = parse(line);					\
									\
	CHECK_INT(rc_, want);						\
} while (0)

static const char *
schema(const char *host)
{
	static char	out[GB_SCHEMA_MAX + 1];

	gbwhere_schema(host, out);
	return out;
}

static void
test_where(void)
{
	char	long_host[300];

	CHECK_INT(gbwhere_is_postgresql("postgresql:///marquee"), 1);
	CHECK_INT(gbwhere_is_postgresql("postgres://db.example.org/marquee"), 1);
	CHECK_INT(gbwhere_is_postgresql("state/guestbook.log"), 0);
	CHECK_INT(gbwhere_is_postgresql("postgresql:"), 0);
	CHECK_INT(gbwhere_is_postgresql("./postgresql://x"), 0);
	CHECK_STR(schema("localhost"), "marquee_localhost");
	CHECK_STR(schema("films.example.org"), "marquee_films_example_org");
	CHECK_STR(schema("Films-Example.ORG"), "marquee_films_example_org");
	CHECK_STR(schema("xn--caf-dma.example"), "marquee_xn__caf_dma_example");
	CHECK_STR(schema("caf\xc3\xa9"), "marquee_caf__");
	memset(long_host, 'a', sizeof(long_host) - 1);
	long_host[sizeof(long_host) - 1] = '\0';
	/* PostgreSQL cuts an identifier at 63 bytes: the name is that long, no longer. */
	CHECK_INT(strlen(schema(long_host)), GB_SCHEMA_MAX);
	CHECK_INT(gbwhere_check_uri("postgresql:///marquee?host=/tmp/sock&user=m", &reason), 0);
	CHECK_INT(gbwhere_check_uri("postgres://u:p%40ss@db:5432/marquee", &reason), 0);
	CHECK_INT(gbwhere_check_uri("postgresql:///m?bogus=1", &reason), -1);
	CHECK(strstr(reason, "bogus") != NULL);
	CHECK_INT(gbwhere_check_uri("postgresql://[::1/m", &reason), -1);
	CHECK_INT(gbwhere_check_uri("postgres://%zz/m", &reason), -1);
	CHECK_INT(gbwhere_check_uri("postgres://h/m x", &reason), -1);
	CHECK_INT(gbwhere_check_uri("postgres://h/m\n", &reason), -1);
	CHECK_INT(gbwhere_check_uri("state/guestbook.log", &reason), -1);
}

#define FP	"2efc314217f8adb484127e4076d1ab3f91d4ceb23180dc522936fbcaf7544fb9"

static void
test_entries(void)
{
	PARSES("{\"id\":4,\"time\":\"2026-12-04T22:21:13Z\",\"review\":\"2026-03-01-first\","
	    "\"author\":\"alice\",\"fingerprint\":\"" FP "\",\"text\":\"Yes,\\n\\\"the\\\" rain \\u00e9 "
	    "\\ud83c\\udfac.\",\"hidden\":true,\"parent\":1,\"owner\":false,\"held\":true}", 0);
	CHECK_INT(it.kind, GBEXPORT_ENTRY);
	CHECK_INT(it.rec.kind, RECORD_ENTRY);
	CHECK_INT(it.rec.id, 4);
	CHECK_INT(it.rec.time, 1796422873);
	CHECK_STR(it.rec.slug, "2026-03-01-first");
	CHECK_STR(it.rec.author, "alice");
	CHECK_STR(it.rec.fingerprint, FP);
	CHECK_STR(it.rec.text, "Yes,\n\"the\" rain \xc3\xa9 \xf0\x9f\x8e\xac.");
	CHECK_INT(it.rec.text_len, strlen(it.rec.text));
	CHECK_INT(it.rec.parent, 1);
	CHECK_INT(it.rec.flags, RECORD_HELD);
	CHECK_INT(it.hidden, 1);
	/* A note of the guestbook's own, by the owner, imported before, and a field of later versions. */
	PARSES(" {\"id\":9, \"time\":\"2026-01-01T00:00:00Z\", \"review\":\"\", "
	    "\"author\":\"localhost\", \"fingerprint\":\"\", \"text\":\"Hi.\", \"parent\":null, "
	    "\"owner\":true, \"imported\":true, \"mood\":\"good\", \"stars\":5} ", 0);
	CHECK_INT(it.rec.flags, RECORD_OWNER | RECORD_IMPORTED);
	CHECK_INT(it.rec.parent, 0);
	CHECK_INT(it.hidden, 0);
}

static void
test_entries_refused(void)
{
	const char	*head = "{\"id\":4,\"time\":\"2026-12-04T22:21:13Z\",\"review\":\"r\","
			    "\"author\":\"a\",";
	char		 line[2048];
	size_t		 i;
	static const char *const bad[] = {
		"\"text\":\"\"}",				/* empty */
		"\"text\":\"a\\u0000b\"}",			/* NUL */
		"\"text\":\"a\\u0007b\"}",			/* a control character */
		"\"text\":\"a\tb\"}",				/* unescaped */
		"\"text\":\"\\ud83c\"}",			/* a lone surrogate */
		"\"text\":\"\\udfac\"}",
		"\"text\":\"\\x41\"}",				/* not JSON */
		"\"text\":\"\xff\"}",				/* not UTF-8 */
		"\"text\":\"t\",\"fingerprint\":\"abc\"}",
		"\"text\":\"t\",\"fingerprint\":\"" "2EFC314217F8ADB484127E4076D1AB3F91D4CEB23180DC522936FBCAF7544FB9" "\"}",
		"\"text\":\"t\",\"parent\":4}",			/* answers itself */
		"\"text\":\"t\",\"parent\":-1}",
		"\"text\":\"t\",\"hidden\":1}",
		"\"text\":\"t\",\"text\":\"u\"}",		/* twice */
		"\"text\":\"t\"",				/* unclosed */
		"\"text\":\"t\"}x",
		"\"text\":\"t\",\"x\":{}}",			/* nested */
		"\"text\":\"t\",\"x\":[1]}",
	};

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s%s", head, bad[i]);
		if (parse(line) != -1)
			printf("FAIL: taken: %s\n", line);
		CHECK(parse(line) == -1 && reason != NULL && reason[0] != '\0');
	}
	PARSES("{\"id\":0,\"time\":\"2026-12-04T22:21:13Z\",\"review\":\"r\",\"author\":\"a\","
	    "\"text\":\"t\"}", -1);
	PARSES("{\"id\":4,\"time\":\"2026-13-04T22:21:13Z\",\"review\":\"r\",\"author\":\"a\","
	    "\"text\":\"t\"}", -1);
	PARSES("{\"id\":4,\"time\":\"2026-12-04 22:21:13\",\"review\":\"r\",\"author\":\"a\","
	    "\"text\":\"t\"}", -1);
	PARSES("{\"id\":4,\"review\":\"r\",\"author\":\"a\",\"text\":\"t\"}", -1);
	PARSES("{\"id\":18446744073709551616,\"time\":\"2026-12-04T22:21:13Z\","
	    "\"review\":\"r\",\"author\":\"a\",\"text\":\"t\"}", -1);
	/* Longer than a reader may write. */
	snprintf(line, sizeof(line), "%s\"text\":\"%0*d\"}", head, ENTRY_TEXT_MAX + 1, 0);
	PARSES(line, -1);
	snprintf(line, sizeof(line), "%s\"text\":\"%0*d\"}", head, ENTRY_TEXT_MAX, 0);
	PARSES(line, 0);
}

static void
test_likes_and_bans(void)
{
	PARSES("{\"like\":\"2026-03-01-first\",\"fingerprint\":\"" FP "\"}", 0);
	CHECK_INT(it.kind, GBEXPORT_LIKE);
	CHECK_INT(it.rec.kind, RECORD_LIKE);
	CHECK_STR(it.rec.slug, "2026-03-01-first");
	CHECK_STR(it.rec.fingerprint, FP);
	PARSES("{\"like\":\"x\"}", -1);
	PARSES("{\"like\":\"x\",\"fingerprint\":\"\"}", -1);
	PARSES("{\"ban\":\"192.0.2.7\"}", 0);
	CHECK_INT(it.kind, GBEXPORT_BAN);
	CHECK_STR(it.rec.text, "192.0.2.7");
	PARSES("{\"ban\":\"\"}", -1);
	PARSES("{}", -1);
	PARSES("{\"mood\":\"good\"}", -1);
	PARSES("[]", -1);
	PARSES("", -1);
}

int
main(void)
{
	test_where();
	test_entries();
	test_entries_refused();
	test_likes_and_bans();
	return harness_done();
}
