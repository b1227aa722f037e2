#!/usr/bin/env bash
# Each host's gemlog holds its own reviews only: review lists, home page,
# tags and directors (51 for another host's), review pages, and the Atom
# feed naming the host.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

gem a.test gemini://a.test/reviews/ >/dev/null
expect "a.test review list" "=> /reviews/2026-03-01-alpha-film.gmi 2026-03-01 - Alpha Film" "$(grep '^=> /reviews/2' "$work/body")"
gem b.test gemini://b.test/reviews/ >/dev/null
expect "b.test review list" "=> /reviews/2026-03-02-beta-film.gmi 2026-03-02 - Beta Film" "$(grep '^=> /reviews/2' "$work/body")"
gem d.test gemini://d.test/reviews/ >/dev/null
expect "d.test review list is empty" "" "$(grep '^=> /reviews/2' "$work/body")"
expect "a.test home lists its review" "=> /reviews/2026-03-01-alpha-film.gmi 2026-03-01 - Alpha Film" "$(body a.test gemini://a.test/ | grep '^=> /reviews/2')"
expect "a.test tag" "$ADE" "$(header a.test gemini://a.test/tags/alphatag/)"
expect "b.test's tag on a.test" "51 No such page" "$(header a.test gemini://a.test/tags/betatag/)"
expect "b.test tag" "$BFR" "$(header b.test gemini://b.test/tags/betatag/)"
expect "b.test tag page" "=> /reviews/2026-03-02-beta-film.gmi 2026-03-02 - Beta Film" "$(grep '^=> /reviews/2' "$work/body")"
expect "a.test's director on b.test" "51 No such page" "$(header b.test gemini://b.test/directors/ann-alpha/)"
expect "b.test director index" "=> /directors/bob-beta/ Bob Beta (1)" "$(body b.test gemini://b.test/directors/ | grep '^=> /directors/')"
expect "a.test's review on b.test" "51 Not found" "$(header b.test gemini://b.test/reviews/2026-03-01-alpha-film.gmi)"
expect "b.test feed" "20 application/atom+xml" "$(header b.test gemini://b.test/atom.xml)"
expect "b.test feed entries" 1 "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$work/body" 2>/dev/null)"
expect "b.test feed entry names b.test" "gemini://b.test:$port/reviews/2026-03-02-beta-film.gmi" \
    "$(xmllint --xpath 'string(//*[local-name()="entry"][1]/*[local-name()="id"])' "$work/body" 2>/dev/null)"
expect_no "a.test feed has nothing of b.test" "b.test" "$(body a.test gemini://a.test/atom.xml)"
e2e_end
