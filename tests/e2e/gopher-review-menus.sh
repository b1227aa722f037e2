#!/usr/bin/env bash
# Over Gopher every list links a review as its menu (type 1, /reviews/SLUG/),
# whose first item is the review's text; so a reader reaches its responses
# and the item to respond without typing a selector (issue 12, item 12).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve
g="gopher://127.0.0.1:$gport"

# has_line NAME REGEX TEXT: one check that a line of TEXT matches REGEX (grep -E).
has_line() {
	if grep -qE -- "$2" <<<"$3"; then pass; else fail "$1: no line /$2/ in [$3]"; fi
}

for sel in / /reviews/ /tags/drama/ /directors/jane-doe/; do
	m=$(curl -s "$g/1$sel" | tr -d '\r')
	has_line "$sel links the review's menu" \
	    "^12026-04-01 - Second Film	/reviews/2026-04-01-second/	localhost	$gport\$" "$m"
	expect "$sel links no review as text" 0 "$(grep -c '^0.*	/reviews/' <<<"$m")"
done
expect_match "lynx: the home menu lists reviews as menus" "\(DIR\) \[[0-9]+\]2026-04-01 - Second Film" \
    "$(timeout 20 lynx -dump "$g/1/" 2>/dev/null)"
expect_match "lynx: and so does a tag" "\(DIR\) \[[0-9]+\]2026-03-01 - First Film" \
    "$(timeout 20 lynx -dump "$g/1/tags/noir/" 2>/dev/null)"

# Following the link: the review's menu, its text first, then the item to respond.
sel=$(curl -s "$g/1/reviews/" | tr -d '\r' | grep '^12026-03-01' | cut -f2)
m=$(curl -s "$g/1$sel" | tr -d '\r')
expect "the menu's first item is the text" "0Read the review	/reviews/2026-03-01-first.gmi" \
    "$(grep -v '^i' <<<"$m" | head -n 1 | cut -f1-2)"
has_line "the menu has the item to respond" "^7Leave a response	/reviews/2026-03-01-first/respond	" "$m"
expect_match "lynx: the review's menu offers its text" "\(FILE\) \[[0-9]+\]Read the review" \
    "$(timeout 20 lynx -dump "$g/1$sel" 2>/dev/null)"
expect_match "the text is the review" "^First Film" "$(curl -s "$g/0/reviews/2026-03-01-first.gmi")"

# The confirmation of a response leads back to the review's menu, where it shows.
m=$(curl -s "$g/7/reviews/2026-03-01-first/respond%09A%20fine%20film" | tr -d '\r')
has_line "back to the review's menu" "^1Back to the review	/reviews/2026-03-01-first/	" "$m"
has_line "the response is in the menu" "^i> A fine film	" "$(curl -s "$g/1/reviews/2026-03-01-first/" | tr -d '\r')"
e2e_end
