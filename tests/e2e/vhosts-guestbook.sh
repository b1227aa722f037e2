#!/usr/bin/env bash
# A guestbook per host: entries signed on a.test and b.test (over Gemini and
# Gopher, and a response to b.test's review) land in their own host's log
# and page only; a.test will not take a response to b.test's review;
# d.test's stays empty; b.test's Gopher guestbook menu names b.test.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve
vhosts_guestbook_seed

expect "respond on a.test to b.test's review" "51 Not found" "$(header a.test "gemini://a.test/reviews/2026-03-02-beta-film/respond?wrong%20host")"
expect "a.test's entry in $agb" 1 "$(grep -c '	from alpha	' "$agb" 2>/dev/null)"
expect "b.test's entries not in $agb" 0 "$(grep -c 'beta\|wrong host' "$agb" 2>/dev/null)"
expect "b.test's entries in $bgb" 3 "$(grep -c '^entry	.*	\(from beta\|beta response\|beta by gopher\)	' "$bgb" 2>/dev/null)"
expect "a.test's entry not in $bgb" 0 "$(grep -c 'alpha' "$bgb" 2>/dev/null)"
expect_match "response record names b.test's review" "^entry	[^	]*	[0-9]+	2026-03-02-beta-film	anonymous		beta response	" "$(grep 'beta response' "$bgb" 2>/dev/null)"
expect "d.test's guestbook untouched" 0 "$(cat "$dgb" 2>/dev/null | grep -c '^entry')"
g=$(body a.test gemini://a.test/guestbook/)
expect_match "a.test's page shows its entry" "> from alpha" "$g"
expect_no "a.test's page does not show b.test's" "beta" "$g"
g=$(body b.test gemini://b.test/guestbook/)
expect_match "b.test's page shows its entry" "> from beta" "$g"
expect_match "b.test's page shows the gopher entry" "> beta by gopher" "$g"
expect_no "b.test's page does not show a.test's" "alpha" "$g"
expect_match "b.test's review shows its response" "> beta response" "$(body b.test gemini://b.test/reviews/2026-03-02-beta-film.gmi)"
expect_no "d.test's page shows nobody's" "> from " "$(body d.test gemini://d.test/guestbook/)"
expect_match "b.test's gopher guestbook menu" "7Sign the guestbook	/guestbook/sign	b\.test	$gb" "$(gopher "$gb" /1/guestbook/)"
e2e_end
