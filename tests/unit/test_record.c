/* Unit tests of the guestbook record format, text cleaning and author names. */

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "record.h"
#include "utf8.h"

#define FP	"3f2a9c0d1e8b7a6f5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b"
#define T_OK	"2026-11-25T09:12:12Z"
#define T_SECS	1795597932LL

static const char	*reason;
static struct record	 parsed;
static char		 sealed[RECORD_MAX + 64];
static char		 cleaned[ENTRY_TEXT_MAX + 1];
static size_t		 cleaned_len;
static char		 author[AUTHOR_MAX + 1];

static int
parse_n(const char *line, size_t len)
{
	reason = NULL;
	return record_parse(line, len, &parsed, &reason);
}

static int
parse(const char *line)
{
	return parse_n(line, strlen(line));
}

/* Appends TAB and the body's CRC-32C, as record_format would, so only the body is judged. */
static const char *
seal(const char *body, int upper)
{
	uint32_t	crc = crc32c(body, strlen(body));

	if (upper)
		snprintf(sealed, sizeof(sealed), "%s\t%08X", body, crc);
	else
		snprintf(sealed, sizeof(sealed), "%s\t%08x", body, crc);
	return sealed;
}

/* A sealed line out of its seven fields, written as they are (no escaping). */
static const char *
make(const char *kind, const char *time, const char *id, const char *slug,
    const char *who, const char *fp, const char *text)
{
	static char	body[RECORD_MAX + 64];

	snprintf(body, sizeof(body), "%s\t%s\t%s\t%s\t%s\t%s\t%s", kind, time,
	    id, slug, who, fp, text);
	return seal(body, 0);
}

static const char *
entry_text(const char *text)
{
	return make("entry", T_OK, "42", "rust-and-bone", "movieblort", FP, text);
}

static size_t
count_byte(const char *s, size_t len, char c)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *
clean_n(const char *in, size_t len)
{
	reason = NULL;
	memset(cleaned, 'X', sizeof(cleaned));
	if (entry_text_clean(in, len, cleaned, &cleaned_len, &reason) == -1)
		return NULL;
	if (cleaned_len != strlen(cleaned))
		return "(length differs from the string)";
	return cleaned;
}

static const char *
clean(const char *in)
{
	return clean_n(in, strlen(in));
}

static const char *
author_of(const char *cn)
{
	memset(author, 'X', sizeof(author));
	entry_author(cn, author);
	return author;
}

#define ACCEPT(line) do {						\
	CHECK_INT(parse(line), 0);					\
	if (reason != NULL)						\
		printf("\treason: %s\n", reason);			\
} while (0)

#define REJECT(line, why) do {						\
	CHECK_INT(parse(line), -1);					\
	CHECK_STR(reason, (why));					\
} while (0)

#define CLEAN(in, want)		CHECK_STR(clean(in), (want))

#define CLEAN_FAIL_N(in, n, why) do {					\
	CHECK(clean_n((in), (n)) == NULL);				\
	CHECK_STR(reason, (why));					\
} while (0)

#define CLEAN_FAIL(in, why)	CLEAN_FAIL_N((in), strlen(in), (why))

static void
test_crc32c(void)
{
	static const unsigned char	zeros[32], ones[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	CHECK_INT(crc32c("123456789", 9), 0xe3069283);
	CHECK_INT(crc32c("", 0), 0);
	CHECK_INT(crc32c(NULL, 0), 0);
	/* RFC 3720 appendix B.4: 32 bytes of zeros, 32 bytes of ones. */
	CHECK_INT(crc32c(zeros, sizeof(zeros)), 0x8a9136aa);
	CHECK_INT(crc32c(ones, sizeof(ones)), 0x62a8ab43);
	CHECK(crc32c("a", 1) != crc32c("b", 1));
}

static void
test_round_trip(void)
{
	struct record	 r = { 0 };
	char		 line[RECORD_MAX];
	const char	*who = "Jo B\\ob!";
	const char	*text = "Loved it.\nC:\\new\\x\n\nThird \\\\ line.";
	size_t		 len;

	r.kind = RECORD_ENTRY;
	r.time = T_SECS;
	r.id = 42;
	snprintf(r.slug, sizeof(r.slug), "rust-and-bone");
	snprintf(r.author, sizeof(r.author), "%s", who);
	snprintf(r.fingerprint, sizeof(r.fingerprint), "%s", FP);
	r.text_len = strlen(text);
	memcpy(r.text, text, r.text_len);

	len = record_format(&r, line, sizeof(line));
	CHECK(len > 0);
	if (len == 0)
		return;
	CHECK_INT(len, strlen(line));
	CHECK(line[len - 1] == '\n');
	CHECK(memchr(line, '\n', len - 1) == NULL);
	CHECK_INT(count_byte(line, len, '\t'), 7);
	CHECK_INT(count_byte(line, len, '\r'), 0);
	CHECK(starts_with(line, "entry\t" T_OK "\t42\trust-and-bone\t"));
	CHECK(strstr(line, "\tJo B\\\\ob!\t" FP "\t") != NULL);
	CHECK(strstr(line,
	    "\tLoved it.\\nC:\\\\new\\\\x\\n\\nThird \\\\\\\\ line.\t") != NULL);

	CHECK_INT(parse_n(line, len - 1), 0);
	CHECK_INT(parsed.kind, RECORD_ENTRY);
	CHECK_INT(parsed.time, T_SECS);
	CHECK_INT(parsed.id, 42);
	CHECK_STR(parsed.slug, "rust-and-bone");
	CHECK_STR(parsed.author, who);
	CHECK_STR(parsed.fingerprint, FP);
	CHECK_INT(parsed.text_len, strlen(text));
	CHECK(memcmp(parsed.text, text, strlen(text)) == 0);
	CHECK_STR(parsed.text, text);

	/* The same record parses with the LF counted out by the caller only. */
	CHECK_INT(parse_n(line, len), -1);

	/* A review file name may hold a backslash: the slug is escaped too. */
	snprintf(r.slug, sizeof(r.slug), "ca\\che");
	len = record_format(&r, line, sizeof(line));
	CHECK(strstr(line, "\tca\\\\che\t") != NULL);
	CHECK_INT(parse_n(line, len > 0 ? len - 1 : 0), 0);
	CHECK_STR(parsed.slug, "ca\\che");

	/* Guestbook entry: no slug, no fingerprint, UTF-8 text. */
	r.slug[0] = '\0';
	r.fingerprint[0] = '\0';
	r.id = 9999999999999999999ULL;
	text = "Tr\xc3\xa8s bien \xe2\x80\x94 \xe6\x98\xa0\xe7\x94\xbb";
	r.text_len = strlen(text);
	memcpy(r.text, text, r.text_len);
	len = record_format(&r, line, sizeof(line));
	CHECK(len > 0);
	CHECK_INT(parse_n(line, len > 0 ? len - 1 : 0), 0);
	CHECK_INT(parsed.id, 9999999999999999999ULL);
	CHECK_STR(parsed.slug, "");
	CHECK_STR(parsed.fingerprint, "");
	CHECK_STR(parsed.text, text);

	/* A hide record. */
	memset(&r, 0, sizeof(r));
	r.kind = RECORD_HIDE;
	r.time = T_SECS + 2868;
	r.id = 42;
	len = record_format(&r, line, sizeof(line));
	CHECK(len > 0);
	if (len == 0)
		return;
	CHECK(starts_with(line, "hide\t2026-11-25T10:00:00Z\t42\t\t\t\t\t"));
	CHECK_INT(count_byte(line, len, '\t'), 7);
	CHECK(line[len - 1] == '\n' && memchr(line, '\n', len - 1) == NULL);
	CHECK_INT(len, 33 + 8 + 1);
	CHECK_INT(parse_n(line, len - 1), 0);
	CHECK_INT(parsed.kind, RECORD_HIDE);
	CHECK_INT(parsed.time, T_SECS + 2868);
	CHECK_INT(parsed.id, 42);
	CHECK_STR(parsed.slug, "");
	CHECK_STR(parsed.author, "");
	CHECK_STR(parsed.fingerprint, "");
	CHECK_INT(parsed.text_len, 0);
}

/* The longest record: every field at its limit, every byte escaped at worst. */
static void
test_worst_case(void)
{
	static struct record	 r;
	static char		 line[RECORD_MAX];
	size_t			 len;

	memset(&r, 0, sizeof(r));
	r.kind = RECORD_ENTRY;
	r.time = T_SECS;
	r.id = 9999999999999999999ULL;
	memset(r.slug, 's', SLUG_MAX);
	memset(r.author, '\\', AUTHOR_MAX);
	memset(r.fingerprint, 'f', FINGERPRINT_HEX - 1);
	memset(r.text, '\\', ENTRY_TEXT_MAX);
	r.text_len = ENTRY_TEXT_MAX;

	len = record_format(&r, line, sizeof(line));
	CHECK(len > 0);
	if (len == 0)
		return;
	CHECK_INT(count_byte(line, len, '\t'), 7);
	CHECK(line[len - 1] == '\n' && memchr(line, '\n', len - 1) == NULL);
	CHECK_INT(parse_n(line, len - 1), 0);
	CHECK_INT(strlen(parsed.slug), SLUG_MAX);
	CHECK_INT(strlen(parsed.author), AUTHOR_MAX);
	CHECK_INT(parsed.text_len, ENTRY_TEXT_MAX);
	CHECK(memcmp(parsed.text, r.text, ENTRY_TEXT_MAX) == 0);
}

static void
test_format_size(void)
{
	struct record	 r = { 0 };
	char		 full[RECORD_MAX], *buf;
	size_t		 len, size, n, bad = 0;

	r.kind = RECORD_ENTRY;
	r.time = T_SECS;
	r.id = 7;
	snprintf(r.slug, sizeof(r.slug), "la-haine");
	snprintf(r.author, sizeof(r.author), "vinz");
	r.text_len = 5;
	memcpy(r.text, "Yes.\n", 5);
	len = record_format(&r, full, sizeof(full));
	CHECK(len > 0);
	if (len == 0)
		return;

	/* Exactly sized heap buffers, so ASan sees any byte written past them. */
	for (size = 0; size <= len + 1; size++) {
		if ((buf = malloc(size > 0 ? size : 1)) == NULL)
			return;
		n = record_format(&r, buf, size);
		if (size == 0 || size == 1 || size == len - 1) {
			CHECK_INT(n, 0);
		} else if (size == len + 1) {
			CHECK_INT(n, len);
			CHECK(n == len && memcmp(buf, full, len) == 0);
		} else if (size == len) {
			/* Fits without a NUL: 0 or the line, never more. */
			CHECK(n == 0 || (n == len && memcmp(buf, full, len) == 0));
		} else if (n != 0)
			bad++;
		free(buf);
	}
	CHECK_INT(bad, 0);
}

static void
test_flipped(void)
{
	struct record	 r = { 0 };
	char		 line[RECORD_MAX], copy[RECORD_MAX];
	size_t		 len, i, accepted = 0, wrong_reason = 0;

	r.kind = RECORD_ENTRY;
	r.time = T_SECS;
	r.id = 42;
	snprintf(r.slug, sizeof(r.slug), "rust-and-bone");
	snprintf(r.author, sizeof(r.author), "movieblort");
	snprintf(r.fingerprint, sizeof(r.fingerprint), "%s", FP);
	r.text_len = 18;
	memcpy(r.text, "Loved it.\nTwice.\\!", 18);
	len = record_format(&r, line, sizeof(line));
	CHECK(len > 0);
	if (len == 0)
		return;
	len--;
	CHECK_INT(parse_n(line, len), 0);

	for (i = 0; i < len; i++) {
		memcpy(copy, line, len);
		copy[i] ^= 0x01;
		if (parse_n(copy, len) != -1) {
			accepted++;
			printf("\tflipped byte %zu accepted\n", i);
			continue;
		}
		/* A flipped TAB changes the fields; anything else is the checksum's. */
		if (line[i] != '\t' && (reason == NULL ||
		    strcmp(reason, "checksum mismatch") != 0)) {
			wrong_reason++;
			printf("\tflipped byte %zu: %s\n", i, reason);
		}
	}
	CHECK_INT(accepted, 0);
	CHECK_INT(wrong_reason, 0);

	/* A whole byte changed, not one bit. */
	memcpy(copy, line, len);
	copy[20] = 'X';
	CHECK_INT(parse_n(copy, len), -1);
	CHECK_STR(reason, "checksum mismatch");
	/* A byte cut from the end or added to the text. */
	CHECK_INT(parse_n(line, len - 1), -1);
	CHECK_STR(reason, "checksum mismatch");
}

static void
test_crc_field(void)
{
	char		 body[256], line[512];
	const char	*s;
	uint32_t	 crc;
	int		 id, has_letter = 0;

	/* An id whose CRC has a letter, so upper case differs from lower. */
	for (id = 1; id < 1000 && !has_letter; id++) {
		snprintf(body, sizeof(body), "entry\t" T_OK "\t%d\t\tmovieblort\t\tHi.", id);
		snprintf(line, sizeof(line), "%08x", crc32c(body, strlen(body)));
		has_letter = strpbrk(line, "abcdef") != NULL;
	}
	CHECK(has_letter);
	ACCEPT(seal(body, 0));
	REJECT(seal(body, 1), "checksum mismatch");

	crc = crc32c(body, strlen(body));
	snprintf(line, sizeof(line), "%s\t%07x", body, crc >> 4);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t%07x", body, crc & 0xfffffff);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t0%08x", body, crc);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t%08x ", body, crc);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t0x%08x", body, crc);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t", body);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t%08x\r", body, crc);
	REJECT(line, "checksum mismatch");
	snprintf(line, sizeof(line), "%s\t%08x", body, crc ^ 1);
	REJECT(line, "checksum mismatch");

	/* The checksum of the wrong span: the line with its last TAB. */
	snprintf(body, sizeof(body), "entry\t" T_OK "\t1\t\tmovieblort\t\tHi.\t");
	snprintf(line, sizeof(line), "%s%08x", body, crc32c(body, strlen(body)));
	REJECT(line, "checksum mismatch");

	s = "entry\t" T_OK "\t1\t\tmovieblort\t\tHi.";
	REJECT(s, "not 8 or 10 TAB-separated fields");
}

static void
test_fields(void)
{
	const char	*fields7 = "entry\t" T_OK "\t42\tmovieblort\t" FP "\tHi.";
	const char	*fields9 = "entry\t" T_OK "\t42\t\tmovieblort\t" FP "\tHi.\tx";

	ACCEPT(entry_text("Hi."));
	REJECT(seal(fields7, 0), "not 8 or 10 TAB-separated fields");
	REJECT(seal(fields9, 0), "not 8 or 10 TAB-separated fields");
	REJECT("", "not 8 or 10 TAB-separated fields");
	REJECT("\t\t\t\t\t\t\t", "checksum mismatch");
	REJECT("\t\t\t\t\t\t\t\t", "not 8 or 10 TAB-separated fields");

	REJECT(make("Entry", T_OK, "42", "", "movieblort", "", "Hi."),
	    "unknown record kind");
	REJECT(make("show", T_OK, "42", "", "movieblort", "", "Hi."),
	    "unknown record kind");
	REJECT(make("entr", T_OK, "42", "", "movieblort", "", "Hi."),
	    "unknown record kind");
	REJECT(make("entryx", T_OK, "42", "", "movieblort", "", "Hi."),
	    "unknown record kind");
	REJECT(make("", T_OK, "42", "", "movieblort", "", "Hi."),
	    "unknown record kind");
}

static void
test_times(void)
{
	static const char *const bad[] = {
		"2026-02-30T00:00:00Z",
		"2026-02-29T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-00-10T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-25T24:00:00Z",
		"2026-11-25T09:60:00Z",
		"2026-11-25T09:12:60Z",
		"2026-11-25 09:12:12Z",
		"2026-11-25T09:12:12",
		"2026-11-25T09:12:12z",
		"2026-11-25T09:12:12+00:00",
		"2026-11-25T9:12:12Z",
		"2026/11/25T09:12:12Z",
		"2026-11-25T09:12:1aZ",
		"+026-11-25T09:12:12Z",
		"1795597932",
		"",
	};
	size_t	i;

	ACCEPT(make("entry", "2026-02-28T23:59:59Z", "1", "", "a", "", "Hi."));
	CHECK_INT(parsed.time, 1772323199LL);
	ACCEPT(make("entry", "2024-02-29T00:00:00Z", "1", "", "a", "", "Hi."));
	ACCEPT(make("entry", "1970-01-01T00:00:00Z", "1", "", "a", "", "Hi."));
	CHECK_INT(parsed.time, 0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		REJECT(make("entry", bad[i], "1", "", "a", "", "Hi."),
		    "malformed time");
}

static void
test_ids(void)
{
	ACCEPT(make("entry", T_OK, "1", "", "a", "", "Hi."));
	CHECK_INT(parsed.id, 1);
	ACCEPT(make("entry", T_OK, "9999999999999999999", "", "a", "", "Hi."));
	CHECK(parsed.id == 9999999999999999999ULL);
	REJECT(make("entry", T_OK, "0", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "00", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "042", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "4a", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "-1", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "+1", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, " 1", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "", "", "a", "", "Hi."), "malformed entry id");
	REJECT(make("entry", T_OK, "12345678901234567890", "", "a", "", "Hi."),
	    "malformed entry id");
	REJECT(make("entry", T_OK, "18446744073709551616", "", "a", "", "Hi."),
	    "malformed entry id");
}

static void
test_slug_and_fingerprint(void)
{
	char	fp[FINGERPRINT_HEX + 1], slug[SLUG_MAX + 2];

	ACCEPT(make("entry", T_OK, "1", "la-haine", "a", FP, "Hi."));
	ACCEPT(make("entry", T_OK, "1", "le-d\xc3\xaener", "a", "", "Hi."));
	CHECK_STR(parsed.slug, "le-d\xc3\xaener");
	REJECT(make("entry", T_OK, "1", "a/b", "a", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "../etc", "a", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "a\\b", "a", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "a\x01" "b", "a", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "a\xff", "a", "", "Hi."), "malformed field");

	memset(slug, 's', SLUG_MAX);
	slug[SLUG_MAX] = '\0';
	ACCEPT(make("entry", T_OK, "1", slug, "a", "", "Hi."));
	slug[SLUG_MAX] = 's';
	slug[SLUG_MAX + 1] = '\0';
	REJECT(make("entry", T_OK, "1", slug, "a", "", "Hi."), "malformed field");

	/* 63 and 65 hex digits. */
	snprintf(fp, sizeof(fp), "%s", FP);
	fp[63] = '\0';
	REJECT(make("entry", T_OK, "1", "", "a", fp, "Hi."), "malformed field");
	snprintf(fp, sizeof(fp), "%sa", FP);
	REJECT(make("entry", T_OK, "1", "", "a", fp, "Hi."), "malformed field");
	/* 64 bytes, one not hex; upper case. */
	snprintf(fp, sizeof(fp), "%s", FP);
	fp[10] = 'g';
	REJECT(make("entry", T_OK, "1", "", "a", fp, "Hi."), "malformed field");
	snprintf(fp, sizeof(fp), "%s", FP);
	fp[0] = 'F';
	REJECT(make("entry", T_OK, "1", "", "a", fp, "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a", "3f2a", "Hi."), "malformed field");
}

static void
test_escapes(void)
{
	char	text[ENTRY_TEXT_MAX + 2];

	ACCEPT(entry_text("a\\\\b\\nc\\x41d"));
	CHECK_STR(parsed.text, "a\\b\ncAd");
	CHECK_INT(parsed.text_len, 7);
	/*
	 * Control characters other than LF never come out of entry_text_clean
	 * or entry_author, so a record that holds one was not written by
	 * marquee: NUL, TAB, ESC, DEL, escaped or not, are refused.
	 */
	REJECT(entry_text("nul\\x00here"), "malformed field");
	REJECT(entry_text("tab\\there"), "malformed field");
	REJECT(entry_text("esc\\x1bhere"), "malformed field");
	REJECT(entry_text("del\\x7fhere"), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\\nb", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\\x00b", "", "Hi."), "malformed field");
	/* Before the Unix epoch, nothing was written (and %Y would not round-trip). */
	REJECT(make("entry", "0999-01-01T00:00:00Z", "1", "", "a", "", "Hi."), "malformed time");
	REJECT(make("entry", "1969-12-31T23:59:59Z", "1", "", "a", "", "Hi."), "malformed time");
	ACCEPT(make("entry", "1970-01-01T00:00:00Z", "1", "", "a", "", "Hi."));

	REJECT(entry_text("end\\"), "malformed field");
	REJECT(entry_text("\\"), "malformed field");
	REJECT(entry_text("a\\qb"), "malformed field");
	REJECT(entry_text("a\\N"), "malformed field");
	REJECT(entry_text("a\\x4"), "malformed field");
	REJECT(entry_text("a\\x4 b"), "malformed field");
	REJECT(entry_text("a\\x"), "malformed field");
	REJECT(entry_text("a\\xZZ"), "malformed field");
	REJECT(entry_text("a\\x0G"), "malformed field");
	REJECT(entry_text("a\\x1B"), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\\q", "", "Hi."), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\\", "", "Hi."), "malformed field");

	/* Raw control bytes: only ever written escaped. */
	REJECT(entry_text("a\x01" "b"), "malformed field");
	REJECT(entry_text("a\rb"), "malformed field");
	REJECT(entry_text("a\x1b[31m"), "malformed field");
	REJECT(entry_text("a\x7f"), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\x02", "", "Hi."), "malformed field");

	/* Not UTF-8, raw or escaped. */
	REJECT(entry_text("caf\xe9"), "malformed field");
	REJECT(entry_text("a\xff"), "malformed field");
	REJECT(entry_text("a\\xff"), "malformed field");
	REJECT(entry_text("a\xc0\xaf"), "malformed field");
	REJECT(entry_text("a\xed\xa0\x80"), "malformed field");
	REJECT(make("entry", T_OK, "1", "", "a\xff", "", "Hi."), "malformed field");

	/* Longer than a text may be. */
	memset(text, 'a', ENTRY_TEXT_MAX);
	text[ENTRY_TEXT_MAX] = '\0';
	ACCEPT(entry_text(text));
	CHECK_INT(parsed.text_len, ENTRY_TEXT_MAX);
	text[ENTRY_TEXT_MAX] = 'a';
	text[ENTRY_TEXT_MAX + 1] = '\0';
	REJECT(entry_text(text), "malformed field");
}

static void
test_kinds_fields(void)
{
	REJECT(entry_text(""), "entry without author or text, or answering a later entry");
	REJECT(make("entry", T_OK, "1", "", "", "", "Hi."),
	    "entry without author or text, or answering a later entry");
	ACCEPT(make("hide", T_OK, "1", "", "", "", ""));
	CHECK_INT(parsed.kind, RECORD_HIDE);
	REJECT(make("hide", T_OK, "1", "la-haine", "", "", ""),
	    "hide record with entry fields");
	REJECT(make("hide", T_OK, "1", "", "", "", "Hi."),
	    "hide record with entry fields");
	REJECT(make("hide", T_OK, "1", "", "a", "", ""),
	    "hide record with entry fields");
	REJECT(make("hide", T_OK, "1", "", "", FP, ""),
	    "hide record with entry fields");
	REJECT(make("hide", T_OK, "0", "", "", "", ""), "malformed entry id");
}

/* An entry's fields with a reply's parent and the flags, as written (no escaping). */
static const char *
make10(const char *kind, const char *id, const char *slug, const char *who,
    const char *fp, const char *text, const char *parent, const char *flags)
{
	static char	body[RECORD_MAX + 64];

	snprintf(body, sizeof(body), "%s\t" T_OK "\t%s\t%s\t%s\t%s\t%s\t%s\t%s", kind, id,
	    slug, who, fp, text, parent, flags);
	return seal(body, 0);
}

/* Formats r and parses it back into parsed; the line (with its LF) is left in line. */
static size_t
format_parse(const struct record *r, char *line, size_t size)
{
	size_t	len = record_format(r, line, size);

	CHECK(len > 0);
	if (len == 0)
		return 0;
	CHECK(line[len - 1] == '\n' && memchr(line, '\n', len - 1) == NULL);
	CHECK_INT(parse_n(line, len - 1), 0);
	return len;
}

/*
 * Entries without a parent or flags are written as before replies existed,
 * byte for byte (these lines come from the record.c of commit 61bef6c);
 * with either, as ten fields, read back whole.
 */
static void
test_round_trip_replies(void)
{
	struct record	 r = { .kind = RECORD_ENTRY, .time = T_SECS, .id = 42 };
	char		 line[RECORD_MAX];
	size_t		 len;

	snprintf(r.slug, sizeof(r.slug), "rust-and-bone");
	snprintf(r.author, sizeof(r.author), "movieblort");
	snprintf(r.fingerprint, sizeof(r.fingerprint), "%s", FP);
	memcpy(r.text, "Loved it.\nTwice.", 16);
	r.text_len = 16;
	len = format_parse(&r, line, sizeof(line));
	CHECK_STR(line, "entry\t" T_OK "\t42\trust-and-bone\tmovieblort\t" FP
	    "\tLoved it.\\nTwice.\tde212d63\n");
	CHECK_INT(count_byte(line, len, '\t'), 7);
	CHECK_INT(parsed.parent, 0);
	CHECK_INT(parsed.flags, 0);

	r.parent = 41;
	len = format_parse(&r, line, sizeof(line));
	CHECK_INT(count_byte(line, len, '\t'), 9);
	CHECK(strstr(line, "\tLoved it.\\nTwice.\t41\t\t") != NULL);
	CHECK_INT(parsed.parent, 41);
	CHECK_INT(parsed.flags, 0);
	CHECK_STR(parsed.text, "Loved it.\nTwice.");

	r.flags = RECORD_OWNER;
	format_parse(&r, line, sizeof(line));
	CHECK(strstr(line, "\t41\to\t") != NULL);
	CHECK_INT(parsed.flags, RECORD_OWNER);
	r.flags = RECORD_OWNER | RECORD_HELD;
	format_parse(&r, line, sizeof(line));
	CHECK(strstr(line, "\t41\toh\t") != NULL);
	CHECK_INT(parsed.flags, RECORD_OWNER | RECORD_HELD);
	CHECK_INT(parsed.parent, 41);
	r.parent = 0;
	r.flags = RECORD_HELD;
	len = format_parse(&r, line, sizeof(line));
	CHECK(strstr(line, "\tLoved it.\\nTwice.\t0\th\t") != NULL);
	CHECK_INT(count_byte(line, len, '\t'), 9);
	CHECK_INT(parsed.parent, 0);
	CHECK_INT(parsed.flags, RECORD_HELD);
	/* marquee import's flag, after the others. */
	r.flags = RECORD_OWNER | RECORD_IMPORTED;
	format_parse(&r, line, sizeof(line));
	CHECK(strstr(line, "\t0\toi\t") != NULL);
	CHECK_INT(parsed.flags, RECORD_OWNER | RECORD_IMPORTED);
	r.flags = RECORD_IMPORTED;
	format_parse(&r, line, sizeof(line));
	CHECK(strstr(line, "\t0\ti\t") != NULL);
	CHECK_INT(parsed.flags, RECORD_IMPORTED);

	memset(&r, 0, sizeof(r));
	r.kind = RECORD_HIDE;
	r.time = T_SECS + 2868;
	r.id = 42;
	format_parse(&r, line, sizeof(line));
	CHECK_STR(line, "hide\t2026-11-25T10:00:00Z\t42\t\t\t\t\t7d2b3dbd\n");
}

/* Each new kind, its fields written and read back. */
static void
test_round_trip_kinds(void)
{
	struct record	 r = { .time = T_SECS };
	char		 line[RECORD_MAX];

	r.kind = RECORD_LIKE;
	snprintf(r.slug, sizeof(r.slug), "rust-and-bone");
	snprintf(r.fingerprint, sizeof(r.fingerprint), "%s", FP);
	format_parse(&r, line, sizeof(line));
	CHECK(starts_with(line, "like\t" T_OK "\t0\trust-and-bone\t\t" FP "\t\t"));
	CHECK_INT(parsed.kind, RECORD_LIKE);
	CHECK_STR(parsed.slug, "rust-and-bone");
	CHECK_STR(parsed.fingerprint, FP);

	memset(&r, 0, sizeof(r));
	r.kind = RECORD_BAN;
	r.text_len = strlen("addr 192.0.2.7");
	memcpy(r.text, "addr 192.0.2.7", r.text_len);
	format_parse(&r, line, sizeof(line));
	CHECK(starts_with(line, "ban\t1970-01-01T00:00:00Z\t0\t\t\t\taddr 192.0.2.7\t"));
	CHECK_INT(parsed.kind, RECORD_BAN);
	CHECK_STR(parsed.text, "addr 192.0.2.7");
	r.kind = RECORD_UNBAN;
	format_parse(&r, line, sizeof(line));
	CHECK_INT(parsed.kind, RECORD_UNBAN);

	memset(&r, 0, sizeof(r));
	r.id = 7;
	r.kind = RECORD_UNHIDE;
	format_parse(&r, line, sizeof(line));
	CHECK(starts_with(line, "unhide\t1970-01-01T00:00:00Z\t7\t\t\t\t\t"));
	CHECK_INT(parsed.kind, RECORD_UNHIDE);
	CHECK_INT(parsed.id, 7);
	r.kind = RECORD_APPROVE;
	format_parse(&r, line, sizeof(line));
	CHECK(starts_with(line, "approve\t"));
	CHECK_INT(parsed.kind, RECORD_APPROVE);
}

/* Every kind takes its own fields and refuses others, with kind_reasons' words. */
static void
test_new_kinds_fields(void)
{
	static const char *const naming[] = { "hide", "unhide", "approve" };
	char		 why[128];
	size_t		 i;

	for (i = 0; i < 3; i++) {
		snprintf(why, sizeof(why), "%s record with entry fields", naming[i]);
		ACCEPT(make(naming[i], T_OK, "9", "", "", "", ""));
		CHECK_INT(parsed.id, 9);
		REJECT(make(naming[i], T_OK, "9", "rust", "", "", ""), why);
		REJECT(make(naming[i], T_OK, "9", "", "a", "", ""), why);
		REJECT(make(naming[i], T_OK, "9", "", "", FP, ""), why);
		REJECT(make(naming[i], T_OK, "9", "", "", "", "Hi."), why);
		REJECT(make10(naming[i], "9", "", "", "", "", "3", "o"), why);
		REJECT(make(naming[i], T_OK, "0", "", "", "", ""), "malformed entry id");
	}

	ACCEPT(make("like", T_OK, "0", "rust", "", FP, ""));
	CHECK_INT(parsed.kind, RECORD_LIKE);
#define NO_LIKE	"like record without slug and fingerprint, or with entry fields"
	REJECT(make("like", T_OK, "0", "", "", FP, ""), NO_LIKE);
	REJECT(make("like", T_OK, "0", "rust", "", "", ""), NO_LIKE);
	REJECT(make("like", T_OK, "0", "rust", "a", FP, ""), NO_LIKE);
	REJECT(make("like", T_OK, "0", "rust", "", FP, "Hi."), NO_LIKE);
	REJECT(make10("like", "0", "rust", "", FP, "", "3", "o"), NO_LIKE);
	REJECT(make("like", T_OK, "1", "rust", "", FP, ""), "malformed entry id");

	ACCEPT(make("ban", T_OK, "0", "", "", "", FP));
	CHECK_STR(parsed.text, FP);
	ACCEPT(make("unban", T_OK, "0", "", "", "", "addr 2001:db8::/64"));
	CHECK_INT(parsed.kind, RECORD_UNBAN);
	for (i = 0; i < 2; i++) {
		const char	*kind = i == 0 ? "ban" : "unban";

		snprintf(why, sizeof(why), "%s record without a one-line target, or with "
		    "entry fields", kind);
		REJECT(make(kind, T_OK, "0", "", "", "", ""), why);
		REJECT(make(kind, T_OK, "0", "", "", "", "two\\nlines"), why);
		REJECT(make(kind, T_OK, "0", "rust", "", "", FP), why);
		REJECT(make(kind, T_OK, "0", "", "a", "", FP), why);
		REJECT(make(kind, T_OK, "0", "", "", FP, FP), why);
		REJECT(make10(kind, "0", "", "", "", FP, "3", "o"), why);
		REJECT(make(kind, T_OK, "5", "", "", "", FP), "malformed entry id");
	}
}

/* A reply's parent and the flags: what an entry's two more fields may hold. */
static void
test_parent_and_flags(void)
{
	static const char *const bad_flags[] = { "ho", "x", "oo", "hh", "O", "H", "oh ",
		" o", "o\\x00", "ohh", "0" };
	size_t	i;

#define LATER	"entry without author or text, or answering a later entry"
	ACCEPT(make10("entry", "5", "rust", "a", "", "Hi.", "4", ""));
	CHECK_INT(parsed.parent, 4);
	ACCEPT(make10("entry", "5", "rust", "a", "", "Hi.", "1", "oh"));
	ACCEPT(make10("entry", "5", "", "a", "", "Hi.", "0", "o"));
	CHECK_INT(parsed.flags, RECORD_OWNER);
	ACCEPT(make10("entry", "5", "", "a", "", "Hi.", "0", "h"));
	CHECK_INT(parsed.flags, RECORD_HELD);
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "5", ""), LATER);
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "6", "o"), LATER);
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "99", ""), LATER);
	/* Written only when one of them says something. */
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "0", ""), "malformed field");
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "", "o"), "malformed field");
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "04", ""), "malformed field");
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "-1", ""), "malformed field");
	REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "x", ""), "malformed field");
	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++)
		REJECT(make10("entry", "5", "rust", "a", "", "Hi.", "4", bad_flags[i]),
		    "malformed field");
	REJECT(make10("entry", "0", "rust", "a", "", "Hi.", "0", "o"), "malformed entry id");
}

/* A fingerprint's bytes: 64 lower-case hex digits, as the log and the TLS layer write them. */
static void
test_fingerprint_bytes(void)
{
	unsigned char	key[FINGERPRINT_BYTES];
	char		hex[FINGERPRINT_HEX + 1];

	memset(key, 0xee, sizeof(key));
	CHECK_INT(fingerprint_bytes(FP, key), 0);
	CHECK(key[0] == 0x3f && key[1] == 0x2a && key[15] == 0x8d && key[31] == 0x2b);
	memcpy(hex, FP, sizeof(FP));
	hex[63] = '\0';
	CHECK_INT(fingerprint_bytes(hex, key), -1);
	CHECK_INT(fingerprint_bytes("", key), -1);
	snprintf(hex, sizeof(hex), "%sa", FP);
	CHECK_INT(fingerprint_bytes(hex, key), -1);
	memcpy(hex, FP, sizeof(FP));
	hex[0] = 'F';
	CHECK_INT(fingerprint_bytes(hex, key), -1);
	hex[0] = 'g';
	CHECK_INT(fingerprint_bytes(hex, key), -1);
	hex[0] = ' ';
	CHECK_INT(fingerprint_bytes(hex, key), -1);
}

/* The owner's mark, and every pen or hand that could pass for it, leave a reader's name. */
static void
test_author_mark(void)
{
	static const char *const pens[] = {
		OWNER_MARK,
		"\xe2\x9c\x8c", "\xe2\x9c\x8e", "\xe2\x9c\x8f", "\xe2\x9c\x90", "\xe2\x9c\x91",
		"\xe2\x9c\x92",					/* U+270C, U+270E-2712 */
		"\xf0\x9f\x96\x89", "\xf0\x9f\x96\x8a", "\xf0\x9f\x96\x8b", "\xf0\x9f\x96\x8c",
		"\xf0\x9f\x96\x8d", "\xf0\x9f\x96\x8e",		/* U+1F589-1F58E */
		"\xf0\x9f\x8f\xbb", "\xf0\x9f\x8f\xbf",		/* skin tones */
		"\xef\xb8\x8f",					/* emoji presentation */
	};
	char	cn[64];
	size_t	i;

	for (i = 0; i < sizeof(pens) / sizeof(pens[0]); i++) {
		snprintf(cn, sizeof(cn), "%sAnn%s", pens[i], pens[i]);
		if (strcmp(author_of(cn), "Ann") != 0)
			printf("\tpen %zu kept\n", i);
		CHECK_STR(author_of(cn), "Ann");
	}
	CHECK_STR(author_of(OWNER_MARK), "anonymous");
	CHECK_STR(author_of(OWNER_MARK "\xef\xb8\x8f \xf0\x9f\x8f\xbd"), "anonymous");
	CHECK_STR(author_of(OWNER_MARK "\xf0\x9f\x8f\xbd The author"), "The author");
	CHECK_STR(author_of("The" OWNER_MARK "author"), "Theauthor");
	/* A mark behind a bidi override or a zero-width joiner goes with both. */
	CHECK_STR(author_of("\xe2\x80\xae" OWNER_MARK "\xe2\x80\x8d" "Ann"), "Ann");
	/* Their neighbours are not pens: U+270B, U+2713, U+1F588, U+1F58F. */
	CHECK_STR(author_of("\xe2\x9c\x8b\xe2\x9c\x93"), "\xe2\x9c\x8b\xe2\x9c\x93");
	CHECK_STR(author_of("\xf0\x9f\x96\x88\xf0\x9f\x96\x8f"), "\xf0\x9f\x96\x88\xf0\x9f\x96\x8f");
}

static void
test_clean_lines(void)
{
	CLEAN("a\r\nb", "a\nb");
	CLEAN("a\rb", "a\nb");
	CLEAN("a\nb", "a\nb");
	CLEAN("a\r\r\nb", "a\n\nb");
	CLEAN("a\n\rb", "a\n\nb");
	CLEAN("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour");
	CLEAN("a\tb", "a b");
	CLEAN("a\t\tb", "a  b");
	CLEAN("\tindented", " indented");
	CLEAN("a\n    b\n\tc", "a\n    b\n c");
	CLEAN("  first", "  first");
	CLEAN("a   \nb \t \nc  ", "a\nb\nc");
	CLEAN("\n\n  \r\n\t\nmiddle\n\n \n\r\n", "middle");
	CLEAN("a\n\n\nb", "a\n\n\nb");
	CLEAN("a\n  \nb", "a\n\nb");
	CLEAN("x", "x");
}

static void
test_clean_removed(void)
{
	CHECK_STR(clean_n("a\0b", 3), "ab");
	CHECK_INT(cleaned_len, 2);
	CHECK_STR(clean_n("\0\0a\0", 4), "a");
	CLEAN("a\x1b[31mred", "a[31mred");
	CLEAN("a\x7f" "b", "ab");
	CLEAN("a\x01\x02\x1f" "b", "ab");
	CLEAN("a\x0b" "b\x0c" "c", "abc");
	CLEAN("a\xc2\x85" "b", "ab");
	CLEAN("a\xc2\x80\xc2\x9f" "b", "ab");
	CLEAN("a\xc2\xa0" "b", "a\xc2\xa0" "b");
	CLEAN("\xef\xbb\xbfhello", "hello");
	CLEAN("hel\xef\xbb\xbflo", "hello");
	CLEAN("hello\xef\xbb\xbf", "hello");
	CLEAN("a \x01 b", "a  b");
	CLEAN("a \x1b\n", "a");
	CLEAN("\x1b\na", "a");
	CLEAN("Tr\xc3\xa8s bien \xe2\x80\x94 \xe6\x98\xa0\xe7\x94\xbb",
	    "Tr\xc3\xa8s bien \xe2\x80\x94 \xe6\x98\xa0\xe7\x94\xbb");
	CLEAN("\xf0\x9f\x8e\xac film", "\xf0\x9f\x8e\xac film");

	CLEAN_FAIL("", "the text is empty");
	CLEAN_FAIL("   ", "the text is empty");
	CLEAN_FAIL(" \t\r\n\n \r", "the text is empty");
	CLEAN_FAIL("\x01\x1b\x7f", "the text is empty");
	CLEAN_FAIL_N("\0", 1, "the text is empty");
	CLEAN_FAIL("\xef\xbb\xbf\xc2\x85 \n\x1b", "the text is empty");

	CLEAN_FAIL("a\xff", "the text is not valid UTF-8");
	CLEAN_FAIL("\xff", "the text is not valid UTF-8");
	CLEAN_FAIL("a\xe6\x98", "the text is not valid UTF-8");
	CLEAN_FAIL("\xe6\x98 b", "the text is not valid UTF-8");
	CLEAN_FAIL("a\xc0\xaf", "the text is not valid UTF-8");
	CLEAN_FAIL("a\xed\xa0\x80", "the text is not valid UTF-8");
	CLEAN_FAIL("a\x80", "the text is not valid UTF-8");
	CLEAN_FAIL("a\xf4\x90\x80\x80", "the text is not valid UTF-8");
}

static void
test_clean_limits(void)
{
	char	in[4 * ENTRY_TEXT_MAX], *p;
	size_t	i, n;

	memset(in, 'a', ENTRY_TEXT_MAX + 1);
	CHECK(clean_n(in, ENTRY_TEXT_MAX) != NULL);
	CHECK_INT(cleaned_len, ENTRY_TEXT_MAX);
	CLEAN_FAIL_N(in, ENTRY_TEXT_MAX + 1, "longer than 800 bytes");

	/* Trailing spaces and blank lines past the limit are trimmed, not counted. */
	memcpy(in + ENTRY_TEXT_MAX, "   \n\n \r\n", 8);
	CHECK(clean_n(in, ENTRY_TEXT_MAX + 8) != NULL);
	CHECK_INT(cleaned_len, ENTRY_TEXT_MAX);
	/* Control bytes removed before the limit do not count either. */
	memset(in, 0x01, 10);
	memset(in + 10, 'a', ENTRY_TEXT_MAX);
	CHECK(clean_n(in, ENTRY_TEXT_MAX + 10) != NULL);
	CHECK_INT(cleaned_len, ENTRY_TEXT_MAX);
	/* CRLF counts one byte once cleaned: 20 lines of 41 bytes make 799. */
	for (i = 0; i < 20; i++) {
		memset(in + 41 * i, 'a', 39);
		memcpy(in + 41 * i + 39, "\r\n", 2);
	}
	CHECK(clean_n(in, 20 * 41) != NULL);
	CHECK_INT(cleaned_len, 799);
	CHECK_INT(count_byte(cleaned, cleaned_len, '\n'), 19);

	/* Multi-byte characters: 400 of two bytes fit, 267 of three do not. */
	for (i = 0; i < 401; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	CHECK(clean_n(in, 800) != NULL);
	CHECK_INT(cleaned_len, 800);
	CHECK(memcmp(cleaned, in, 800) == 0);
	CLEAN_FAIL_N(in, 802, "longer than 800 bytes");
	CLEAN_FAIL_N(in, 801, "the text is not valid UTF-8");
	for (i = 0; i < 267; i++)
		memcpy(in + 3 * i, "\xe6\x98\xa0", 3);
	CHECK(clean_n(in, 3 * 266) != NULL);
	CHECK_INT(cleaned_len, 798);
	CLEAN_FAIL_N(in, 3 * 267, "longer than 800 bytes");

	/* 20 lines, then 21. */
	for (p = in, i = 0; i < 21; i++) {
		memcpy(p, "line\n", 5);
		p += 5;
	}
	n = 20 * 5 - 1;
	CHECK(clean_n(in, n) != NULL);
	CHECK_INT(count_byte(cleaned, cleaned_len, '\n'), 19);
	CHECK(clean_n(in, 20 * 5) != NULL);
	CHECK_INT(cleaned_len, n);
	CLEAN_FAIL_N(in, 21 * 5 - 1, "more than 20 lines");
	CLEAN_FAIL_N(in, 21 * 5, "more than 20 lines");

	/* Blank lines past the twentieth at the end do not count. */
	memcpy(in + n, "\n\n\n\r\n  \n\t\n\n\n\n", 13);
	CHECK(clean_n(in, n + 13) != NULL);
	CHECK_INT(cleaned_len, n);
	/* Leading blank lines do not count either. */
	memset(in, '\n', 30);
	for (p = in + 30, i = 0; i < 20; i++) {
		memcpy(p, "line\n", 5);
		p += 5;
	}
	CHECK(clean_n(in, (size_t)(p - in)) != NULL);
	CHECK_INT(cleaned_len, n);
	/* Blank lines inside do. */
	memcpy(in, "a", 1);
	memset(in + 1, '\n', 20);
	memcpy(in + 21, "b", 1);
	CLEAN_FAIL_N(in, 22, "more than 20 lines");
	CHECK(clean_n(in + 1, 21) != NULL);
	CHECK_STR(cleaned, "b");
	memset(in + 1, '\n', 19);
	memcpy(in + 20, "b", 1);
	CHECK(clean_n(in, 21) != NULL);
	CHECK_INT(cleaned_len, 21);
}

/* After cleaning, no TAB or CR is left to end a gopher field or line. */
static void
check_inert(const char *in, const char *want)
{
	const char	*out = clean(in);

	CHECK(out != NULL);
	if (out == NULL)
		return;
	CHECK(memchr(out, '\t', cleaned_len) == NULL);
	CHECK(memchr(out, '\r', cleaned_len) == NULL);
	CHECK(strpbrk(out, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
	    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
	    "\x7f") == NULL);
	CHECK(strstr(out, "\xc2\x85") == NULL);
	CHECK_INT(cleaned_len, strlen(out));
	CHECK_STR(out, want);
}

static void
test_injection(void)
{
	check_inert("=> gemini://evil/ x", "=> gemini://evil/ x");
	check_inert("# heading", "# heading");
	check_inert("* item", "* item");
	check_inert("> quote", "> quote");
	check_inert("```", "```");
	check_inert("ok\r\n=> gemini://evil/ x\r\n```\r\n# h",
	    "ok\n=> gemini://evil/ x\n```\n# h");
	check_inert("1evil\t/sel\thost\t70", "1evil /sel host 70");
	check_inert("text\r\n1evil\t/x\tevil.host\t70",
	    "text\n1evil /x evil.host 70");
	check_inert("text\r1evil\t/x\tevil.host\t70\r\n.",
	    "text\n1evil /x evil.host 70\n.");
	check_inert("text\xc2\x85" "1evil\t/x\tevil.host\t70",
	    "text1evil /x evil.host 70");
	check_inert("text\x0b\x0c" "1evil\t/x\th\t70", "text1evil /x h 70");
}

/* Text that reorders or hides itself in a client is cleaned like controls. */
static void
test_clean_invisible(void)
{
	CLEAN("abc\xe2\x80\xae" "def", "abcdef");
	CLEAN("a\xe2\x80\xaa" "b\xe2\x80\xac" "c\xe2\x81\xa7" "d", "abcd");
	CLEAN("zero\xe2\x80\x8b" "width\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0", "zerowidth");
	CLEAN("\xef\xbb\xbf" "hi", "hi");
	/* The left-to-right mark is not on the list: it hides nothing. */
	CLEAN("a\xe2\x80\x8e" "b", "a\xe2\x80\x8e" "b");
	CHECK(clean("\xe2\x80\xae\xe2\x80\x8b") == NULL);
}

static void
test_author(void)
{
	char		 cn[256], *p;
	const char	*a;
	size_t		 i;

	CHECK_STR(author_of(""), "anonymous");
	CHECK_STR(author_of("   "), "anonymous");
	CHECK_STR(author_of("\x01\x1b\x7f"), "anonymous");
	CHECK_STR(author_of(" \xef\xbb\xbf \xc2\x85 "), "anonymous");
	CHECK_STR(author_of("a\x01" "b"), "ab");
	CHECK_STR(author_of("a\tb\rc"), "abc");
	/* A line break in a CN must not reach the page: it would start a gemtext line. */
	CHECK_STR(author_of("a\nb"), "ab");
	CHECK_STR(author_of("x\r\n=> gemini://evil/ y"), "x=> gemini://evil/ y");
	/* Brackets go too: only the server writes the [fingerprint] tag. */
	CHECK_STR(author_of("a\x1b[31mb"), "a31mb");
	CHECK_STR(author_of("alice [3fa2c1d0]"), "alice 3fa2c1d0");
	CHECK_STR(author_of("alice \xef\xbc\xbb" "3fa2c1d0\xef\xbc\xbd"), "alice 3fa2c1d0");
	/* Bidi overrides and isolates, zero-width characters. */
	CHECK_STR(author_of("ali\xe2\x80\xae" "ecila"), "aliecila");
	CHECK_STR(author_of("\xe2\x81\xa6" "bob\xe2\x81\xa9"), "bob");
	CHECK_STR(author_of("a\xe2\x80\x8b" "b\xe2\x80\x8d" "c\xe2\x81\xa0" "d"), "abcd");
	CHECK_STR(author_of("\xe2\x80\x8b \xe2\x80\xae"), "anonymous");
	CHECK_STR(author_of("a\xc2\x85" "b"), "ab");
	/* The owner's mark (U+270D) and every pen or hand like it: only the server writes it. */
	CHECK_STR(author_of("\xe2\x9c\x8d Ann"), "Ann");
	CHECK_STR(author_of("Ann \xe2\x9c\x8e"), "Ann");
	CHECK_STR(author_of("\xf0\x9f\x96\x8a" "Ann"), "Ann");
	CHECK_STR(author_of("\xe2\x9c\x8d\xf0\x9f\x8f\xbd\xef\xb8\x8f Ann"), "Ann");
	CHECK_STR(author_of("\xf0\x9f\x96\x8e Ann (author)"), "Ann (author)");
	CHECK_STR(author_of("\xe2\x9c\x8f\xe2\x9c\x92\xf0\x9f\x96\x8b\xf0\x9f\x96\x8d"), "anonymous");
	/* Directional marks would move "(author)" or the tag around a name on screen. */
	CHECK_STR(author_of("\xe2\x80\x8f" "Ann\xe2\x80\x8e\xd8\x9c"), "Ann");
	CHECK_STR(author_of("\xef\xbb\xbfmovieblort"), "movieblort");
	CHECK_STR(author_of("\xff"), "anonymous");
	CHECK_STR(author_of("movie\xff" "blort"), "anonymous");
	CHECK_STR(author_of("a\xc0\xaf"), "anonymous");
	CHECK_STR(author_of("a\xed\xa0\x80"), "anonymous");
	CHECK_STR(author_of("a\xe6\x98"), "anonymous");
	CHECK_STR(author_of("  Jo Bob  "), "Jo Bob");
	CHECK_STR(author_of("\x01 Jo \x01"), "Jo");
	CHECK_STR(author_of("movieblort"), "movieblort");
	CHECK_STR(author_of("Ren\xc3\xa9 \xe6\x98\xa0"), "Ren\xc3\xa9 \xe6\x98\xa0");

	/* 33 characters of three bytes and one of one: 100 bytes, cut at 63. */
	for (p = cn, i = 0; i < 33; i++) {
		memcpy(p, "\xe6\x98\xa0", 3);
		p += 3;
	}
	memcpy(p, "a", 2);
	CHECK_INT(strlen(cn), 100);
	a = author_of(cn);
	CHECK(strlen(a) <= AUTHOR_MAX);
	CHECK_INT(strlen(a), 63);
	CHECK(utf8_valid(a, strlen(a)));
	CHECK(memcmp(a, cn, strlen(a)) == 0);

	/* One ASCII byte first: 64 bytes exactly fit. */
	cn[0] = 'a';
	for (p = cn + 1, i = 0; i < 33; i++) {
		memcpy(p, "\xe6\x98\xa0", 3);
		p += 3;
	}
	*p = '\0';
	a = author_of(cn);
	CHECK_INT(strlen(a), AUTHOR_MAX);
	CHECK(utf8_valid(a, strlen(a)));
	CHECK(memcmp(a, cn, AUTHOR_MAX) == 0);

	/* Two ASCII bytes first: 65 bytes would not fit; cut at 62. */
	memmove(cn + 1, cn, strlen(cn) + 1);
	a = author_of(cn);
	CHECK_INT(strlen(a), 62);
	CHECK(utf8_valid(a, strlen(a)));

	/* Four-byte characters. */
	for (p = cn, i = 0; i < 25; i++) {
		memcpy(p, "\xf0\x9f\x8e\xac", 4);
		p += 4;
	}
	*p = '\0';
	a = author_of(cn);
	CHECK_INT(strlen(a), AUTHOR_MAX);
	CHECK(utf8_valid(a, strlen(a)));

	memset(cn, 'x', 100);
	cn[100] = '\0';
	CHECK_INT(strlen(author_of(cn)), AUTHOR_MAX);

	/* Leading spaces do not take room, a cut's trailing space goes. */
	memset(cn, ' ', 10);
	memset(cn + 10, 'y', 63);
	memcpy(cn + 73, " zz", 4);
	a = author_of(cn);
	CHECK_INT(strlen(a), 63);
	CHECK(a[0] == 'y' && a[62] == 'y');
}

int
main(void)
{
	test_crc32c();
	test_round_trip();
	test_worst_case();
	test_format_size();
	test_flipped();
	test_crc_field();
	test_fields();
	test_times();
	test_ids();
	test_slug_and_fingerprint();
	test_escapes();
	test_kinds_fields();
	test_round_trip_replies();
	test_round_trip_kinds();
	test_new_kinds_fields();
	test_parent_and_flags();
	test_clean_lines();
	test_clean_removed();
	test_clean_limits();
	test_injection();
	test_clean_invisible();
	test_author();
	test_author_mark();
	test_fingerprint_bytes();
	return harness_done();
}
