#!/usr/bin/env bash
# Replies and threads, with real clients: a reply asks for text naming whom
# it answers, is stored with the entry it answers, and shows right after
# it, an arrow a level up to three, then "in reply to"; each entry has its
# own page (Gemini, and a Gopher menu with a search item to reply, seen by
# curl and lynx); replies to an entry not shown on that review, and every
# refusal of respond, store nothing; hiding a response hides its replies.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
state=$work/state
gblog=$state/guestbook.log
serve_limit 8
first=gemini://localhost/reviews/2026-03-01-first
back="30 gemini://localhost:$port/reviews/2026-03-01-first.gmi"
arrow=$'\u21b3'
client_cert alice alice
client_cert bob bob
as_alice=(-c "$work/alice.crt" -k "$work/alice.key")
as_bob=(-c "$work/bob.crt" -k "$work/bob.key")

expect "a response" "$back" "$(header "$first/respond?The%20rain%20scene.")"
expect_match "the reply prompt names whom it answers" "^10 Your reply to anonymous \(up to [0-9]+ characters" \
    "$(header "$first/responses/1/reply")"
expect "alice replies to entry 1" "$back" "$(header "$first/responses/1/reply?Yes%2C%20the%20rain." "${as_alice[@]}")"
expect "bob replies to alice" "$back" "$(header "$first/responses/2/reply?Agreed." "${as_bob[@]}")"
expect "alice replies to bob" "$back" "$(header "$first/responses/3/reply?Third%20level." "${as_alice[@]}")"
expect "bob goes deeper" "$back" "$(header "$first/responses/4/reply?Fourth%20level." "${as_bob[@]}")"
expect "another response" "$back" "$(header "$first/respond?Second%20thread.")"
expect_match "the log holds the parent" "^entry	[^	]*	3	2026-03-01-first	bob	[0-9a-f]{64}	Agreed\.	2		[0-9a-f]{8}$" \
    "$(grep '^entry	[^	]*	3	' "$gblog")"

gem "$first.gmi" >/dev/null
bylines=$(grep '^### ' "$work/body" | sed 's/ \[[0-9a-f]*\]//g; s/, [0-9-]*\(, \|$\)/\1/')
expect "threads in order, an arrow a level, three at most" \
    "### anonymous|### $arrow alice|### $arrow$arrow bob|### $arrow$arrow$arrow alice|### $arrow$arrow$arrow bob, in reply to alice|### anonymous" \
    "$(paste -sd '|' <<<"$bylines")"
expect "every entry links to its page" 6 "$(grep -c '^=> /reviews/2026-03-01-first/responses/[0-9]* Permalink of entry [0-9]*$' "$work/body")"
expect "every entry has a Reply link" 6 "$(grep -c '^=> /reviews/2026-03-01-first/responses/[0-9]*/reply Reply to entry [0-9]*$' "$work/body")"

gem "$first/responses/2" >/dev/null
page=$(cat "$work/body")
expect_match "an entry's page: its byline says whom it answers" "### alice \[[0-9a-f]{8}\], [0-9-]+, in reply to anonymous" "$page"
expect_match "an entry's page links the entry it answers" "=> /reviews/2026-03-01-first/responses/1 The entry it answers, entry 1" "$page"
expect_match "an entry's page links its review" "=> /reviews/2026-03-01-first.gmi The review: First Film" "$page"
expect_match "an entry's page has its replies" "## 3 replies" "$page"
expect_match "an entry's page has a Reply link" "=> /reviews/2026-03-01-first/responses/2/reply Reply to this response" "$page"

# Refused, with nothing stored.
lines=$(wc -l <"$gblog")
expect_match "a response under another review" "^51 " "$(header "gemini://localhost/reviews/2026-04-01-second/responses/1")"
expect_match "a reply to a response of another review" "^51 " "$(header "gemini://localhost/reviews/2026-04-01-second/responses/1/reply?x")"
expect_match "a reply to an unknown entry" "^51 " "$(header "$first/responses/99/reply?x")"
expect_match "a reply to a note under a review" "^51 " "$(header "$first/responses/7/reply?x")"
expect "an empty reply" "59 Not saved: the text is empty" "$(header "$first/responses/1/reply?%20%0D%0A")"
expect "a reply in invalid UTF-8" "59 Not saved: the text is not valid UTF-8" "$(header "$first/responses/1/reply?caf%E9")"
expect "a reply of 801 bytes" "59 Not saved: longer than 800 bytes" "$(header "$first/responses/1/reply?$(printf 'x%.0s' {1..801})")"
expect_match "a reply longer than a request" "^59 Your text is too long" "$(header "$first/responses/1/reply?$(printf '%%20%.0s' {1..400})")"
expect "nothing stored" "$lines" "$(wc -l <"$gblog")"

# A note and its replies, over Gopher (curl, lynx): the same threads as menus.
expect "a note" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?Hello%20capsule.")"
g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/notes/7")
expect_match "a note's page is a menu" "iA note in the guestbook	" "$g"
expect_match "with a search item to reply" "7Reply to this note	/guestbook/notes/7/reply	localhost	$gport" "$g"
g=$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/notes/7/reply%09From%20a%20gopher%20hole.")
expect_match "a reply over Gopher" "iYour reply is saved as entry 8\." "$g"
g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")
expect_match "the guestbook menu threads it" "i> Hello capsule\.	.*1Permalink of entry 7	/guestbook/notes/7	.*7Reply to entry 7	/guestbook/notes/7/reply	.*i$arrow anonymous, " \
    "$(tr -d '\r\n' <<<"$g")"
g=$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")
expect_match "the review menu threads too" "i$arrow$arrow$arrow bob \[[0-9a-f]{8}\], [0-9-]+, in reply to alice \[" "$g"
expect_match "entry pages are menus there" "1Permalink of entry 2	/reviews/2026-03-01-first/responses/2	localhost	$gport" "$g"
l=$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/responses/2" 2>/dev/null)
expect_match "lynx sees the reply search item" "\(\?\) +\[[0-9]+\]Reply to this response" "$l"
expect_match "lynx sees the replies as links to their pages" "\(DIR\) +\[[0-9]+\]Permalink of entry 3" "$l"
g=$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/responses/99/reply%09lost")
expect_match "gopher: a reply to an unknown entry says why" "^3No such entry to reply to	" "$g"

# Hiding a response hides the replies under it: pages 51, no more replies.
expect "hide entry 2" "entry 2 hidden" "$("$MARQUEE" -s "$state" guestbook hide 2)"
if wait_page -v "$first.gmi" "Yes, the rain."; then pass; else fail "hidden entry still shown"; fi
gem "$first.gmi" >/dev/null
expect "its replies went with it" 0 "$(grep -c 'Agreed\.\|Third level\.\|Fourth level\.' "$work/body")"
expect "the others stay" 2 "$(grep -c '^> The rain scene\.$\|^> Second thread\.$' "$work/body")"
expect_match "the hidden entry's page" "^51 " "$(header "$first/responses/2")"
expect_match "a reply's page under it" "^51 " "$(header "$first/responses/4")"
expect_match "a reply to a reply under it" "^51 " "$(header "$first/responses/4/reply?x")"
e2e_end
