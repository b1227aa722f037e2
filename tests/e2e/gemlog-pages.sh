#!/usr/bin/env bash
# The generated gemlog pages: the home page lists the newest review first
# under the introduction, the review list, the tag and director indexes
# and pages (51 for unknown ones), a review page with its footer links, the
# Atom feed (well-formed, one entry per review, newest first) and robots.txt
# keeping crawlers off the input URLs by prefix.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

expect "home page" "$GMI" "$(header gemini://localhost/)"
expect "home starts with the introduction" "# Test capsule" "$(head -n 1 "$work/body")"
expect "home lists the newest first" "=> /reviews/2026-04-01-second.gmi 2026-04-01 - Second Film" \
    "$(grep -m1 '^=> /reviews/2' "$work/body")"
header gemini://localhost/reviews/ >/dev/null
expect "review list" "=> /reviews/2026-04-01-second.gmi 2026-04-01 - Second Film
=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film" "$(grep '^=> /reviews/2' "$work/body")"
expect "review list title" "# Reviews" "$(head -n 1 "$work/body")"
header gemini://localhost/tags/ >/dev/null
expect "tag index (the spelling most reviews use, ties to the oldest)" "=> /tags/drama/ Drama (2)
=> /tags/noir/ Noir (1)" "$(grep '^=> /tags/' "$work/body")"
expect "tag page" "$GMI" "$(header gemini://localhost/tags/noir/)"
expect "tag page lists its reviews" "=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film" "$(grep '^=> /reviews/2' "$work/body")"
header gemini://localhost/directors/ >/dev/null
expect "director index" "=> /directors/jane-doe/ Jane Doe (2)" "$(grep '^=> /directors/' "$work/body")"
expect "unknown tag" "51 No such page" "$(header gemini://localhost/tags/nope/)"
expect "unknown director" "51 No such page" "$(header gemini://localhost/directors/nobody/)"
header gemini://localhost/reviews/2026-03-01-first.gmi >/dev/null
expect "review page starts with the file" "$(cat "$root/reviews/2026-03-01-first.gmi")" "$(head -n 6 "$work/body")"
expect "review page shows its date" "Published 2026-03-01." "$(grep '^Published ' "$work/body")"
expect "the first review links the newer one, which shares its tag" \
    "=> /reviews/2026-04-01-second.gmi 2026-04-01 - Second Film
=> /reviews/2026-04-01-second.gmi Newer: Second Film" "$(grep '^=> /reviews/2026-04-01' "$work/body")"
expect "review footer" "=> /directors/jane-doe/ More by Jane Doe
=> /tags/drama/ Tagged Drama
=> /tags/noir/ Tagged Noir" "$(grep -E '^=> /(directors|tags)/' "$work/body")"
expect "feed type" "20 application/atom+xml" "$(header gemini://localhost/atom.xml)"
if xmllint --noout "$work/body" 2>/dev/null; then pass; else fail "atom.xml is not well-formed XML"; fi
expect "feed entries" 2 "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$work/body" 2>/dev/null)"
expect "feed newest entry" "gemini://localhost:$port/reviews/2026-04-01-second.gmi" \
    "$(xmllint --xpath 'string(//*[local-name()="entry"][1]/*[local-name()="id"])' "$work/body" 2>/dev/null)"
expect "a tag's feed" "20 application/atom+xml" "$(header gemini://localhost/tags/noir/atom.xml)"
if xmllint --noout "$work/body" 2>/dev/null; then pass; else fail "a tag's atom.xml is not well-formed XML"; fi
expect "a tag's feed holds its reviews, with their tags as categories" "First Film noir" \
    "$(xmllint --xpath 'concat(//*[local-name()="entry"]/*[local-name()="title"], " ", //*[local-name()="category"][@label="Noir"]/@term)' "$work/body" 2>/dev/null)"
expect "robots.txt" "20 text/plain; charset=utf-8" "$(header gemini://localhost/robots.txt)"
expect "robots.txt is prefixes, a line per URL family, none per review" \
    "Disallow: /guestbook/sign|Disallow: /guestbook/notes/|Disallow: /search|" "$(grep '^Disallow:' "$work/body" | tr '\n' '|')"
e2e_end
