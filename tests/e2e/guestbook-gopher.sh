#!/usr/bin/env bash
# The guestbook over Gopher: a type 7 response gets a confirmation menu
# naming the entry and linking back; review and guestbook menus carry the
# search item (lynx sees it); the entry shows on Gemini and in the review
# text with the others; a search without a string offers one; invalid UTF-8
# is a type 3 line; tabs and CRLF in a search string inject no menu item.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve_unlimited
guestbook_seed

g=$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/respond%09Hello%20from%20gopher")
expect_match "gopher confirmation menu" "^iThank you	" "$g"
expect_match "confirmation names the entry" "iYour response to First Film is saved as entry [0-9]+\." "$g"
expect_match "confirmation links back" "1Back to the review	/reviews/2026-03-01-first/	localhost	$gport" "$g"
expect_match "review menu has a search item" "7Leave a response	/reviews/2026-03-01-first/respond	localhost	$gport" "$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")"
expect_match "guestbook menu has a search item" "7Sign the guestbook	/guestbook/sign	localhost	$gport" "$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")"
expect_match "gopher entry shown on gemini" "> Hello from gopher" "$(gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null; cat "$work/body")"
expect_match "gopher review text shows responses" "3 responses to First Film" "$(curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-03-01-first.gmi")"
expect_match "lynx sees the search item" "\(\?\) +\[[0-9]+\]Leave a response" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/" 2>/dev/null)"
expect_match "gopher without a search string offers one" "7Write it here	/guestbook/sign	" "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign")"
expect_match "gopher invalid UTF-8" "^3invalid UTF-8 in the search string" "$(gopher_raw '/guestbook/sign\tcaf\xe9\r\n')"
gopher_raw '/guestbook/sign\tTab\tinside\r\n1evil\t/x\tevil.example\t70\r\n' >/dev/null
g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")
expect "no injected gopher item" 0 "$(printf '%s' "$g" | grep -c '^1evil')"
expect "every guestbook menu line has 4 fields" 0 "$(printf '%s\n' "$g" | tr -d '\r' | awk -F '\t' '$0 != "." && NF != 4' | wc -l)"
e2e_end
