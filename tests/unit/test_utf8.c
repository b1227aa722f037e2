/* Unit checks of src/utf8.c: RFC 3629 decoding, encoding and display width. */

#include <string.h>

#include "harness.h"
#include "utf8.h"

static void
test_valid(void)
{
	CHECK_INT(utf8_valid("", 0), 1);
	CHECK_INT(utf8_valid("plain", 5), 1);
	CHECK_INT(utf8_valid("a\0b", 3), 1);
	CHECK_INT(utf8_valid("\x7f", 1), 1);
	CHECK_INT(utf8_valid("\xc2\x80", 2), 1);		/* U+0080 */
	CHECK_INT(utf8_valid("\xc3\xa9", 2), 1);
	CHECK_INT(utf8_valid("\xdf\xbf", 2), 1);		/* U+07FF */
	CHECK_INT(utf8_valid("\xe0\xa0\x80", 3), 1);		/* U+0800 */
	CHECK_INT(utf8_valid("\xe2\x82\xac", 3), 1);
	CHECK_INT(utf8_valid("\xed\x9f\xbf", 3), 1);		/* U+D7FF */
	CHECK_INT(utf8_valid("\xee\x80\x80", 3), 1);		/* U+E000 */
	CHECK_INT(utf8_valid("\xef\xbb\xbf", 3), 1);		/* U+FEFF */
	CHECK_INT(utf8_valid("\xef\xbf\xbf", 3), 1);		/* U+FFFF */
	CHECK_INT(utf8_valid("\xf0\x90\x80\x80", 4), 1);	/* U+10000 */
	CHECK_INT(utf8_valid("\xf4\x8f\xbf\xbf", 4), 1);	/* U+10FFFF */

	/* Overlong forms. */
	CHECK_INT(utf8_valid("\xc0\x80", 2), 0);
	CHECK_INT(utf8_valid("\xc0\xaf", 2), 0);
	CHECK_INT(utf8_valid("\xc1\xbf", 2), 0);
	CHECK_INT(utf8_valid("\xe0\x80\x80", 3), 0);
	CHECK_INT(utf8_valid("\xe0\x9f\xbf", 3), 0);
	CHECK_INT(utf8_valid("\xf0\x8f\xbf\xbf", 4), 0);
	/* Surrogates. */
	CHECK_INT(utf8_valid("\xed\xa0\x80", 3), 0);
	CHECK_INT(utf8_valid("\xed\xbf\xbf", 3), 0);
	/* Past U+10FFFF, and bytes that never start anything. */
	CHECK_INT(utf8_valid("\xf4\x90\x80\x80", 4), 0);
	CHECK_INT(utf8_valid("\xf5\x80\x80\x80", 4), 0);
	CHECK_INT(utf8_valid("\xf8\x88\x80\x80\x80", 5), 0);
	CHECK_INT(utf8_valid("\xfe", 1), 0);
	CHECK_INT(utf8_valid("\xff", 1), 0);
	CHECK_INT(utf8_valid("\x80", 1), 0);
	CHECK_INT(utf8_valid("a\xbf", 2), 0);
	/* Truncated, or a continuation byte missing. */
	CHECK_INT(utf8_valid("\xc3", 1), 0);
	CHECK_INT(utf8_valid("\xe2\x82", 2), 0);
	CHECK_INT(utf8_valid("\xf0\x9f\x8e", 3), 0);
	CHECK_INT(utf8_valid("\xc3\xa9", 1), 0);
	CHECK_INT(utf8_valid("\xc3\x28", 2), 0);
	CHECK_INT(utf8_valid("\xe2\x28\xa1", 3), 0);
	CHECK_INT(utf8_valid("\xe2\x82\xac\xe2\x82", 5), 0);
}

static void
test_decode_encode(void)
{
	static const unsigned	cps[] = { 0, 'a', 0x7f, 0x80, 0xe9, 0x7ff, 0x800,
	    0x20ac, 0xd7ff, 0xe000, 0xfeff, 0xffff, 0x10000, 0x1f600, 0x10ffff };
	char			enc[UTF8_SEQ_MAX];
	size_t			i, n;
	unsigned		cp;

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		n = utf8_encode(cps[i], enc);
		CHECK_INT(utf8_decode((const unsigned char *)enc, n, &cp), n);
		CHECK_INT(cp, cps[i]);
		CHECK_INT(utf8_valid(enc, n), 1);
	}
	CHECK_INT(utf8_encode(0x65e5, enc), 3);
	CHECK(memcmp(enc, "\xe6\x97\xa5", 3) == 0);		/* 日 */
	CHECK_INT(utf8_decode((const unsigned char *)"\xe6\x97", 2, &cp), 0);
	CHECK_INT(utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 0);
}

static void
test_bom_cut(void)
{
	CHECK_INT(utf8_bom("\xef\xbb\xbf# T", 6), 3);
	CHECK_INT(utf8_bom("\xef\xbb", 2), 0);
	CHECK_INT(utf8_bom("# T", 3), 0);
	CHECK_INT(utf8_bom("", 0), 0);

	CHECK_INT(utf8_cut("abc", 3, 5), 3);
	CHECK_INT(utf8_cut("abc", 3, 2), 2);
	/* 日本: a cut inside the second character keeps only the first. */
	CHECK_INT(utf8_cut("\xe6\x97\xa5\xe6\x9c\xac", 6, 5), 3);
	CHECK_INT(utf8_cut("\xe6\x97\xa5\xe6\x9c\xac", 6, 3), 3);
	CHECK_INT(utf8_cut("\xe6\x97\xa5", 3, 2), 0);
}

static void
test_classes(void)
{
	CHECK_INT(utf8_is_control(0x01), 1);
	CHECK_INT(utf8_is_control(0x1b), 1);
	CHECK_INT(utf8_is_control('\t'), 1);
	CHECK_INT(utf8_is_control(0x7f), 1);
	CHECK_INT(utf8_is_control(0x85), 1);
	CHECK_INT(utf8_is_control(0x9f), 1);
	CHECK_INT(utf8_is_control(' '), 0);
	CHECK_INT(utf8_is_control(0xa0), 0);

	CHECK_INT(utf8_is_invisible(0x202e), 1);	/* RIGHT-TO-LEFT OVERRIDE */
	CHECK_INT(utf8_is_invisible(0x202a), 1);
	CHECK_INT(utf8_is_invisible(0x2066), 1);
	CHECK_INT(utf8_is_invisible(0x2069), 1);
	CHECK_INT(utf8_is_invisible(0x200b), 1);	/* ZERO WIDTH SPACE */
	CHECK_INT(utf8_is_invisible(0x200d), 1);
	CHECK_INT(utf8_is_invisible(0x2060), 1);
	CHECK_INT(utf8_is_invisible(0xfeff), 1);
	CHECK_INT(utf8_is_invisible(0x200e), 0);
	CHECK_INT(utf8_is_invisible('a'), 0);
}

static void
test_width(void)
{
	CHECK_INT(utf8_width('a'), 1);
	CHECK_INT(utf8_width(0xe9), 1);		/* é */
	CHECK_INT(utf8_width(0x65e5), 2);	/* 日 */
	CHECK_INT(utf8_width(0x3042), 2);	/* あ */
	CHECK_INT(utf8_width(0x3002), 2);	/* 。 */
	CHECK_INT(utf8_width(0xac00), 2);	/* 가 */
	CHECK_INT(utf8_width(0xff21), 2);	/* Ａ, full width */
	CHECK_INT(utf8_width(0xff61), 1);	/* ｡, half width */
	CHECK_INT(utf8_width(0x1f600), 2);	/* 😀 */
	CHECK_INT(utf8_width(0x20000), 2);	/* CJK Extension B */
	CHECK_INT(utf8_width(0x301), 0);	/* combining acute accent */
	CHECK_INT(utf8_width(0x200b), 0);
	CHECK_INT(utf8_width(0x1b), 0);
	CHECK_INT(utf8_width(0xad), 1);		/* soft hyphen */

	CHECK_INT(utf8_columns("", 0), 0);
	CHECK_INT(utf8_columns("abc", 3), 3);
	CHECK_INT(utf8_columns("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	CHECK_INT(utf8_columns("e\xcc\x81", 3), 1);			/* é as e + U+0301 */
	CHECK_INT(utf8_columns("a\xff", 2), 2);			/* a stray byte: 1 */
}

static void
test_fit(void)
{
	const char	*jp = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";	/* 日本語 */

	CHECK_INT(utf8_fit("abcdef", 6, 4), 4);
	CHECK_INT(utf8_fit("abc", 3, 10), 3);
	CHECK_INT(utf8_fit(jp, 9, 4), 6);
	/* The third wide character would straddle column 5: left out whole. */
	CHECK_INT(utf8_fit(jp, 9, 5), 6);
	CHECK_INT(utf8_fit(jp, 9, 1), 0);
	/* A combining mark stays with its letter. */
	CHECK_INT(utf8_fit("e\xcc\x81x", 4, 1), 3);
	CHECK_INT(utf8_fit("a\xff" "b", 3, 2), 2);
}

int
main(void)
{
	test_valid();
	test_decode_encode();
	test_bom_cut();
	test_classes();
	test_width();
	test_fit();
	return harness_done();
}
