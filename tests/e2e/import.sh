#!/usr/bin/env bash
# marquee import: the hand-written WordPress export (tests/fixtures/wxr/
# small.xml) into a capsule served at the same time. Posts become reviews
# with their metadata, drafts go to drafts/, the scheduled post waits for
# its date, comments become threaded responses (five deep, the author's
# marked as the author's, readers' never), unapproved and spam comments
# are skipped and pings only come with --pings, pages only with --pages.
# A second run adds nothing, byte for byte; a later export adds only what
# is new; -n writes nothing; hostile files are refused writing nothing.
. "$(dirname "$0")/../lib.sh"
e2e_begin
owner_capsule
owner_conf
fixtures=$(cd "$(dirname "$0")/../fixtures/wxr" && pwd)
printf '# About me\n\nWritten by hand.\n' >"$root/about.gmi"

# snapshot: every file of the capsule and the state, with its checksum.
snapshot() { (cd "$work" && find capsule state -type f -print0 2>/dev/null | sort -z |
    xargs -0 -r sha256sum) }
imp() { timeout 60 "$MARQUEE" -c "$conf" import "$@" 2>>"$work/stderr.import"; }

# Hostile or broken files: refused, non-zero, nothing written, and quickly
# (timeout 10 would kill a bomb being expanded).
snapshot >"$work/before"
for f in bomb xxe not-xml no-channel no-wp truncated; do
	out=$(timeout 10 "$MARQUEE" -c "$conf" import "$fixtures/$f.xml" 2>&1)
	rc=$?
	expect "$f.xml refused" 1 "$rc"
	expect_match "$f.xml: one line with the reason" "^marquee: import: .*$f\.xml: .+; nothing imported$" "$out"
	echo "$out" >>"$work/stderr.import"
done
expect "hostile files write nothing" "$(cat "$work/before")" "$(snapshot)"
expect "the XXE read nothing" 0 "$(grep -rc "^root:" "$root" "$state" 2>/dev/null | grep -vc ':0$')"
expect "a missing file is refused" 1 "$(imp "$work/no-such.xml" >/dev/null; echo $?)"
expect "usage" 2 "$(imp >/dev/null 2>&1; echo $?)"

# -n: says what it would do, writes nothing.
imp -n "$fixtures/small.xml" >"$work/dry.out"
expect "dry run writes nothing" "$(cat "$work/before")" "$(snapshot)"
expect_match "dry run lists the files" "would write reviews/2019-03-01-heat\.gmi \(review\)" "$(cat "$work/dry.out")"
expect_match "dry run's summary" "^would import 7 reviews \(2 drafts, 1 scheduled\), 5 responses; skipped 6 " \
    "$(tail -n 1 "$work/dry.out")"

# The import beside a running server: the review is served within a second or two.
serve -c "$conf"
imp "$fixtures/small.xml" >"$work/run1.out"
expect_match "summary" "^imported 7 reviews \(2 drafts, 1 scheduled\), 5 responses; skipped 6 \(unapproved comment: 1, spam comment: 1, ping \(without --pings\): 2, page \(without --pages\): 1, attachment: 1\)$" \
    "$(cat "$work/run1.out")"
heat=gemini://localhost/reviews/2019-03-01-heat.gmi
if shows_within 2 "$heat" "Level five: really."; then pass; else fail "the imported review and its thread not served within 2 s"; fi
expect_match "the page says where it was first published" \
    "=> https://reelnotes\.example/2019/03/01/heat/ First published at https://reelnotes\.example/2019/03/01/heat/" "$(cat "$work/body")"
expect_match "the thread, five deep, the author's reply marked" \
    "### Ann, [0-9-]+
> Level one: the best scene\.
[^#]*### ↳ ✍ localhost \(author\), [0-9-]+
> Level two: thanks, Ann!
[^#]*### ↳↳ Bob, [0-9-]+
[^#]*### ↳↳↳ Ann, [0-9-]+
[^#]*### ↳↳↳ Bob, [0-9-]+, in reply to Ann
> Level five: really\." "$(cat "$work/body")"

# The files: metadata lifted, tags without Uncategorized, free of HTML and entities.
h=$root/reviews/2019-03-01-heat.gmi
expect "title with its entity decoded" "# Heat – the diner scene" "$(head -n 1 "$h")"
expect "Director lifted from 'Directed by'" "Director: Michael Mann" "$(sed -n 2p "$h")"
expect "tags and categories, Uncategorized dropped" "Tags: Crime, Los Angeles, heist" "$(sed -n 3p "$h")"
expect "Imported-From" "Imported-From: https://reelnotes.example/2019/03/01/heat/" "$(sed -n 5p "$h")"
expect "Director: line of a Gutenberg post" "Director: Jean-Pierre Melville" "$(sed -n 2p "$root/reviews/2019-04-02-le-samourai.gmi")"
expect "no tag or entity left in any imported file" "" \
    "$(grep -lE '<[a-zA-Z/!]|&(#[0-9]+|#x[0-9a-f]+|[a-z]+);|\[/?(caption|gallery|embed)' "$root"/reviews/2019-* "$root"/reviews/2099-* "$root"/drafts/*)"
expect "duplicate slug on one day: its own name" 1 "$(grep -c "A second post with the same slug" "$root/reviews/2019-03-01-heat-2.gmi")"
expect "draft and private post in drafts/" "2019-05-01-half-written-thoughts-on-mon-oncle.gmi 2019-05-02-diary.gmi" \
    "$(cd "$root/drafts" && echo *)"
expect "the draft is not served" "51" "$(header gemini://localhost/drafts/2019-05-02-diary.gmi | cut -c1-2)"
expect "the scheduled post waits for its date" "51" "$(header gemini://localhost/reviews/2099-06-01-playtime.gmi | cut -c1-2)"
expect "no title: fixed up" "# Untitled" "$(head -n 1 "$root/reviews/2019-06-01-untitled.gmi")"
expect_match "and said so, with the item's id" "item 17: no title" "$(cat "$work/stderr.import")"

# The guestbook: five threaded responses, imported, the author's own marked; nothing else.
owner_cmd export >"$work/export.json"
expect "five responses" 5 "$(grep -c '"review":"2019-03-01-heat"' "$work/export.json")"
expect "each answers the one before" "null 1 2 3 4" \
    "$(sed -n 's/.*"parent":\([0-9a-z]*\).*/\1/p' "$work/export.json" | tr '\n' ' ' | sed 's/ $//')"
expect "only the post author's comment is the owner's" '"id":2' \
    "$(grep '"owner":true' "$work/export.json" | grep -o '"id":[0-9]*')"
expect "original dates kept" 1 "$(grep -c '"id":1,"time":"2019-03-02T09:00:00Z"' "$work/export.json")"
expect "a reader's pen mark removed from the name" 1 "$(grep -c '"id":3,.*"author":"Bob"' "$work/export.json")"
expect "all marked imported, none with a fingerprint" 5 "$(grep -c '"fingerprint":"".*"imported":true' "$work/export.json")"
expect "unapproved, spam and pings skipped" 0 "$(grep -c 'Lurker\|Cheap pills\|Another Blog\|Film Forum' "$work/export.json")"

# A second run adds nothing: the capsule, the guestbook and the import log byte for byte.
snapshot >"$work/after1"
expect_match "second run" "^imported 0 reviews, 0 responses; skipped 18 " "$(imp "$fixtures/small.xml")"
expect "second run changes nothing" "$(cat "$work/after1")" "$(snapshot)"

# A run cut short: its import log lost, hidden leftovers behind. Nothing is doubled.
mv "$state/import-localhost.log" "$work/import.log.saved"
printf 'half' >"$root/reviews/.2019-03-01-heat.gmi.import"
expect_match "rerun without the import log" "^imported 7 reviews .*, 0 responses;" "$(imp "$fixtures/small.xml")"
expect "no file written twice" "" "$(ls "$root/reviews" | grep -- '-[23]\.gmi$' | grep -v heat-2)"
expect "the import log written again" "$(cat "$work/import.log.saved")" "$(cat "$state/import-localhost.log")"
rm -f "$root/reviews/.2019-03-01-heat.gmi.import"

# --pings and --pages: the pings come now, the page beside the author's own about.gmi.
expect_match "pings and pages" "^imported 0 reviews, 1 pages, 3 responses;" "$(imp --pings --pages "$fixtures/small.xml")"
expect "the author's about.gmi untouched" "# About me" "$(head -n 1 "$root/about.gmi")"
expect "the page under a name of its own" "# About" "$(head -n 1 "$root/about-2.gmi")"
owner_cmd export >"$work/export.json"
expect "the page's comment a guestbook note" 1 "$(grep -c '"review":"","author":"Cleo"' "$work/export.json")"
expect "pings as responses" 2 "$(grep -c 'Another Blog\|Film Forum' "$work/export.json")"

# A later export of the same blog: only the new post and the new reply.
sed -e 's|^\t</item>$|&|' "$fixtures/small.xml" | awk '
	/<wp:comment_id>109<\/wp:comment_id>/ { in109 = 1 }
	{ print }
	in109 && /<\/wp:comment>/ {
		print "<wp:comment><wp:comment_id>110</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
		print "<wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt><wp:comment_content>Level six.</wp:comment_content>"
		print "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>105</wp:comment_parent></wp:comment>"
		in109 = 0
	}
	/<\/channel>/ { exit }' | sed '$d' >"$work/later.xml"
cat >>"$work/later.xml" <<'XML'
<item><title>New one</title><link>https://reelnotes.example/2020/02/02/new/</link>
<content:encoded>New.</content:encoded><wp:post_id>40</wp:post_id>
<wp:post_date_gmt>2020-02-02 10:00:00</wp:post_date_gmt><wp:post_name>new</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
XML
expect_match "later export" "^imported 1 reviews, 1 responses;" "$(imp --pings --pages "$work/later.xml")"
owner_cmd export >"$work/export.json"
expect "the new reply answers the old thread" 1 "$(grep -c '"text":"Level six.","hidden":false,"parent":5,' "$work/export.json")"
if shows_within 2 "$heat" "Level six."; then pass; else fail "the new reply not served within 2 s"; fi

# UTF-8 torture: bytes that are not UTF-8 become U+FFFD, controls and bidi
# overrides go, a long comment is cut with a mark, an empty one skipped,
# each said with the item's id; a reader never gets the author's pen.
expect_match "torture export" "^imported 2 reviews, 2 responses; skipped 1 \(comment without text: 1\)$" \
    "$(imp "$fixtures/utf8.xml")"
expect_match "its fix-ups, with ids" "item 1: bytes that are not UTF-8.*item 2, comment 2: longer than a response.*item 2, comment 3: the text is empty; skipped" \
    "$(tr '\n' ' ' <"$work/stderr.import")"
expect "every file valid UTF-8 without controls" "" \
    "$(for f in "$root"/reviews/2021-*; do iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || echo "$f"; grep -lP '[\x00-\x08\x0b-\x1f\x7f]|\xe2\x80[\xae\x8b]' "$f"; done)"
expect "a CJK slug kept" 1 "$(ls "$root/reviews" | grep -c '^2021-02-01-七人の侍\.gmi$')"
owner_cmd export >"$work/export.json"
expect "the pen gone from a reader's name" 1 "$(grep -c '"author":"Real Author","fingerprint":"",.*"owner":false' "$work/export.json")"
expect "the long comment cut, marked" 1 "$(grep -c 'Paragraph 8 .*\[…\]",' "$work/export.json")"

# Absurd sizes: a 2 MiB post is skipped with its id, the rest imported.
{
	printf '<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><link>https://big.example</link>\n'
	printf '<item><title>Huge</title><content:encoded>'
	head -c 2200000 /dev/zero | tr '\0' 'x'
	printf '</content:encoded><wp:post_id>1</wp:post_id><wp:post_date_gmt>2022-01-01 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n'
	printf '<item><title>Small</title><content:encoded>ok</content:encoded><wp:post_id>2</wp:post_id><wp:post_date_gmt>2022-01-02 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n'
	printf '</channel></rss>\n'
} >"$work/huge.xml"
expect_match "absurd size skipped" "^imported 1 reviews, 0 responses; skipped 1 \(post too large: 1\)$" "$(imp "$work/huge.xml")"
expect_match "and said so" "item 1: larger than a review file" "$(tail -n 1 "$work/stderr.import")"

no_sanitizer_reports
e2e_end
