#!/usr/bin/env bash
# Permalinks that survive: a response and a like left on a review over
# Gemini stay on it when its file is renamed to change only its date, and
# again when its slug changes with a Was: line; every old URL (the file,
# without .gmi, the menu, respond, like, the feed, a response's page)
# answers 31 to the same URL under the name now. Gopher, which cannot
# redirect, answers an old selector as the new one. Clients: gemcli,
# openssl s_client, curl.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve
client_cert a "reader a"
base=gemini://localhost:$port/reviews
old=gemini://localhost/reviews/2026-04-01-second

expect "a response over Gemini" "30 $base/2026-04-01-second.gmi" "$(header "$old/respond?Kept%20across%20renames")"
expect "a like" "30 $base/2026-04-01-second.gmi" "$(s_client_as a "$old/like")"
id=$(sed -n 's/^entry\t[^\t]*\t\([0-9]*\)\t.*/\1/p' "${state:-$work/state}/guestbook.log" | head -n 1)
[ -n "$id" ] && pass || fail "no entry id in the log"

# redirects_all OLD NOW: every kind of review URL under OLD answers 31 to NOW's.
redirects_all() {
	local tail
	for tail in / /respond /like /atom.xml "/responses/$id" "/responses/$id/reply"; do
		expect "$1$tail moved" "31 $base/$2$tail" "$(header "gemini://localhost/reviews/$1$tail")"
	done
	expect "$1.gmi moved" "31 $base/$2.gmi" "$(header "gemini://localhost/reviews/$1.gmi")"
	expect "$1 moved" "31 $base/$2.gmi" "$(header "gemini://localhost/reviews/$1")"
}

# The date changes: mv, as an author fixing it would.
mv "$root/reviews/2026-04-01-second.gmi" "$root/reviews/2026-04-02-second.gmi"
if within 10 header_is "$GMI" gemini://localhost/reviews/2026-04-02-second.gmi; then pass; else fail "renamed review not served"; fi
redirects_all 2026-04-01-second 2026-04-02-second
redirects_all second 2026-04-02-second
expect "the name now without .gmi" "31 $base/2026-04-02-second.gmi" "$(header gemini://localhost/reviews/2026-04-02-second)"
gem gemini://localhost/reviews/2026-04-02-second.gmi >/dev/null
expect_match "the response is on the renamed review" "> Kept across renames" "$(cat "$work/body")"
expect_match "and the like" $'\n1 like\n' "$(cat "$work/body"; echo)"
expect "the response's page under the name now" "$GMI" "$(header "gemini://localhost/reviews/2026-04-02-second/responses/$id")"
expect "liked once, whatever the name" "30 $base/2026-04-02-second.gmi" "$(s_client_as a gemini://localhost/reviews/2026-04-02-second/like)"
gem gemini://localhost/reviews/2026-04-02-second.gmi >/dev/null
expect_match "still one like" $'\n1 like\n' "$(cat "$work/body"; echo)"
# Gopher has no redirect: the old selector is answered as the new one.
menu=$(curl -s --max-time 20 "gopher://127.0.0.1:$gport/1/reviews/2026-04-01-second/")
expect_match "Gopher: the old menu selector shows the review now" $'\t/reviews/2026-04-02-second.gmi\t' "$menu"
expect_match "with its response" "i> Kept across renames" "$menu"

# The slug changes: a new file says what it was, the old one goes.
printf '# Second Film\nDirector: Jane Doe\nWas: second\n\nThe second review, renamed.\n' \
    >"$root/reviews/2026-04-02-deuxieme.gmi"
rm "$root/reviews/2026-04-02-second.gmi"
if within 10 header_is "31 $base/2026-04-02-deuxieme.gmi" gemini://localhost/reviews/2026-04-02-second.gmi; then pass; else fail "old slug does not redirect"; fi
redirects_all 2026-04-02-second 2026-04-02-deuxieme
redirects_all 2026-04-01-second 2026-04-02-deuxieme
redirects_all second 2026-04-02-deuxieme
gem gemini://localhost/reviews/2026-04-02-deuxieme.gmi >/dev/null
expect_match "the response follows the Was: line" "> Kept across renames" "$(cat "$work/body")"
expect_match "and the like" $'\n1 like\n' "$(cat "$work/body"; echo)"
gem gemini://localhost/reviews/2026-04-02-deuxieme/atom.xml >/dev/null
expect_match "and the feed of its responses" ">Kept across renames</content>" "$(cat "$work/body")"
text=$(curl -s --max-time 20 "gopher://127.0.0.1:$gport/0/reviews/second.gmi")
expect_match "Gopher: an old file selector reads the review now" "The second review, renamed." "$text"
e2e_end
