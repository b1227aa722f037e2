#!/usr/bin/env bash
# Publishing into one host only: a review moved into b.test's capsule shows
# on b.test (list, tag, Gopher) and nowhere else, even once the other hosts
# have rebuilt their indexes since; a review dropped into a.test stays off
# b.test; a deleted one goes, and a.test keeps its own.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

cat >"$work/dropped.gmi" <<'REVIEW'
# Dropped Film
Director: Dee Drop
Tags: Droptag

Dropped into beta.
REVIEW
cp "$work/dropped.gmi" "$work/staged.gmi"
mv "$work/staged.gmi" "$broot/reviews/2026-05-01-dropped.gmi"
if wait_page b.test gemini://b.test/reviews/ "2026-05-01 - Dropped Film"; then pass; else fail "review dropped into b.test not listed on b.test"; fi
if wait_for "$log" "index: b\.test: 2 review"; then pass; else fail "no 'index: b.test: 2 reviews' in the log"; fi
if wait_page b.test gemini://b.test/tags/droptag/ "Dropped Film"; then pass; else fail "b.test's new tag page missing"; fi
# a.test and d.test build their indexes once more: whatever they saw of the
# drop, they have acted on it.
if index_barrier a.test "$aroot/reviews/2026-03-01-alpha-film.gmi"; then pass; else fail "a.test's index not rebuilt"; fi
printf '# Delta Film\n\nDelta text.\n' >"$droot/reviews/2026-04-01-delta-film.gmi"
if wait_for "$log" "index: d\.test: 1 review"; then pass; else fail "d.test's index not rebuilt"; fi
expect_no "b.test's review not on a.test's list" "Dropped" "$(body a.test gemini://a.test/reviews/)"
expect_no "b.test's review not on d.test's list" "Dropped" "$(body d.test gemini://d.test/reviews/)"
expect "b.test's new tag not on a.test" "51 No such page" "$(header a.test gemini://a.test/tags/droptag/)"
expect "a.test still indexes one review" 0 "$(grep -c 'index: a\.test: 2 review' "$log")"
expect_match "b.test's gopher lists it" "12026-05-01 - Dropped Film	/reviews/2026-05-01-dropped/	b\.test	$gb" "$(gopher "$gb" /1/reviews/)"
expect_no "a.test's gopher does not" "Dropped" "$(gopher "$ga" /1/reviews/)"
printf '# Second Alpha\nTags: Alphatag\n\nMore alpha.\n' >"$aroot/reviews/2026-05-02-second-alpha.gmi"
if wait_page a.test gemini://a.test/reviews/ "2026-05-02 - Second Alpha"; then pass; else fail "review dropped into a.test not listed on a.test"; fi
if index_barrier b.test "$broot/reviews/2026-03-02-beta-film.gmi"; then pass; else fail "b.test's index not rebuilt"; fi
expect_no "a.test's review not on b.test's list" "Second Alpha" "$(body b.test gemini://b.test/reviews/)"
rm "$broot/reviews/2026-05-01-dropped.gmi"
if wait_page -v b.test gemini://b.test/reviews/ "Dropped Film"; then pass; else fail "deleted review still listed on b.test"; fi
expect "a.test keeps its reviews" 2 "$(body a.test gemini://a.test/reviews/ | grep -c '^=> /reviews/2')"
e2e_end
