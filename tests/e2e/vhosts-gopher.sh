#!/usr/bin/env bash
# A Gopher listener per host: each menu names its own host and port (d.test
# its public port) and lists only its own reviews, tags and files.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

g=$(gopher "$ga" /1/)
expect "a.test menu first line" "$(printf 'iAlpha home\t\ta.test\t%s\r' "$ga")" "$(printf '%s\n' "$g" | head -n 1)"
expect "a.test menu lines name a.test" 0 "$(menu_strangers "$g" a.test "$ga")"
expect_match "a.test menu lists its review" "12026-03-01 - Alpha Film	/reviews/2026-03-01-alpha-film/	a\.test	$ga" "$g"
expect_no "a.test menu has nothing of beta" "Beta" "$g"
g=$(gopher "$gb" /1/)
expect "b.test menu first line" "$(printf 'iBeta home\t\tb.test\t%s\r' "$gb")" "$(printf '%s\n' "$g" | head -n 1)"
expect "b.test menu lines name b.test" 0 "$(menu_strangers "$g" b.test "$gb")"
expect_match "b.test menu lists its review" "12026-03-02 - Beta Film	/reviews/2026-03-02-beta-film/	b\.test	$gb" "$g"
expect_no "b.test menu has nothing of alpha" "Alpha" "$g"
g=$(gopher "$gb" /1/tags/)
expect "b.test tag menu names b.test" 0 "$(menu_strangers "$g" b.test "$gb")"
expect_match "b.test tag menu" "1Betatag \(1\)	/tags/betatag/	b\.test	$gb" "$g"
expect "b.test file over gopher" "only in beta" "$(gopher "$gb" /0/only-b.txt | tr -d '\r')"
expect_match "b.test's file not on a.test's gopher" "^3" "$(gopher "$ga" /0/only-b.txt)"
g=$(gopher "$gd" /1/)
expect "d.test menu first line names its public port" "$(printf 'iDelta home\t\td.test\t%s\r' "$gdpub")" "$(printf '%s\n' "$g" | head -n 1)"
expect "d.test menu lines name d.test and its public port" 0 "$(menu_strangers "$g" d.test "$gdpub")"
e2e_end
