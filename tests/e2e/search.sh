#!/usr/bin/env bash
# /search with real clients (issue 15): the prompt, results, accents and a
# typo forgiven, drafts (Draft: yes and drafts/) and a review not yet due
# never found, empty, too long and non-UTF-8 queries asked again with the
# connection closed, the type 7 item over Gopher, and a review dropped in
# found once the index has it.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$root/drafts"
printf '# Sur mes lèvres\nDirector: Jacques Audiard\nTags: thriller\n\nCarla reads lips in a noisy office.\n' \
    >"$root/reviews/2026-05-01-sur-mes-levres.gmi"
printf '# Hidden Draft\nDraft: yes\n\nA xylophone in the attic.\n' >"$root/reviews/2026-05-02-draft.gmi"
printf '# Drafts Folder\n\nA xylophone in the cellar.\n' >"$root/drafts/idea.gmi"
printf '# Far Future\nDate: 2099-01-01\n\nA zeppelin over the sea.\n' >"$root/reviews/2099-01-01-future.gmi"
serve
g="gopher://127.0.0.1:$gport"
long=$(printf 'a%.0s' $(seq 201))

# s_client_closes URL: the header, once the server has closed the connection
# (openssl s_client returns at the close; 124 is the timeout's status).
s_client_closes() {
	local out rc
	out=$(printf '%s\r\n' "$1" | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$port" \
	    -servername localhost 2>/dev/null)
	rc=$?
	[ "$rc" = 124 ] && echo "still open" && return
	printf '%s\n' "$out" | head -n 1 | tr -d '\r'
}

expect_match "no query: 10 with a prompt" "^10 Search the reviews" "$(s_client_closes gemini://localhost/search)"
expect_match "empty query: 10 again" "^10 Search the reviews" "$(s_client_closes "gemini://localhost/search?")"
expect_match "blank query: 10 again" "^10 Search the reviews" "$(s_client_closes "gemini://localhost/search?%20%20")"
expect_match "too long: 10 again with the reason" "^10 Your search is longer than 200 bytes" \
    "$(s_client_closes "gemini://localhost/search?$long")"
expect_match "not UTF-8: 10 again with the reason" "^10 Your search is not UTF-8" \
    "$(s_client_closes "gemini://localhost/search?caf%E9")"
expect "at the limit: a search" "20 text/gemini; charset=utf-8; lang=en" \
    "$(s_client_closes "gemini://localhost/search?${long:1}")"
alive "refused queries"

# found QUERY: the body /search answers to QUERY (percent-encoded).
found() { gem "gemini://localhost/search?$1" >/dev/null; cat "$work/body"; }

expect "levres: 20" "20 text/gemini; charset=utf-8; lang=en" "$(header "gemini://localhost/search?levres")"
expect_match "levres finds Sur mes lèvres" "1 review for «levres»" "$(found levres)"
expect_match "its link" "=> /reviews/2026-05-01-sur-mes-levres.gmi 2026-05-01 - Sur mes lèvres" "$(found levres)"
expect_match "accents and case, two words, a snippet" "> Carla reads lips in a noisy office." \
    "$(found L%C3%88VRES%20noisy)"
expect_match "one typo (two letters swapped) forgiven" "Sur mes lèvres" "$(found audaird)"
expect_match "a draft is never found" "No review holds every word of «xylophone»" "$(found xylophone)"
expect_no "nor its title" "Hidden Draft" "$(found draft)"
expect_no "nor a file in drafts/" "Drafts Folder" "$(found draft)"
expect_match "a review not yet due is not found" "No review holds" "$(found zeppelin)"
gem "gemini://localhost/" >/dev/null
expect_match "the home page links to it" "=> /search Search the reviews" "$(cat "$work/body")"

# Gopher: the home menu's type 7 item, results as a menu, the prompt as a search item.
expect_match "Gopher home menu: a type 7 item" $'7Search the reviews\t/search\tlocalhost\t' "$(curl -s "$g/1/")"
menu=$(curl -s "$g/7/search%09levres")
expect_match "Gopher: a type 7 search finds it" $'12026-05-01 - Sur mes lèvres\t/reviews/2026-05-01-sur-mes-levres/\t' "$menu"
expect_match "Gopher: the count as an info line" $'i1 review for «levres»' "$menu"
expect_match "Gopher: the menu ends" $'\n\\.\r$' "$menu"
expect_match "gophfilt sends a search too" "Sur mes lèvres" \
    "$(timeout 20 gophfilt -t 7 -p /search -i 'jacques audiard' -h 127.0.0.1 -s "$gport")"
expect_match "Gopher: no search string is the search item" $'7Write it here\t/search\t' "$(curl -s "$g/1/search")"
expect_no "Gopher: the draft is not found" "Hidden Draft" "$(curl -s "$g/7/search%09xylophone")"

# A review dropped in is found once the index has it, and gone once removed.
printf '# Quokka Film\nDirector: Ann Other\n\nA quokka smiles.\n' >"$work/new.gmi"
mv "$work/new.gmi" "$root/reviews/2026-06-01-quokka.gmi"
if wait_page "gemini://localhost/search?quokka" "Quokka Film"; then pass; else fail "a dropped review is not found"; fi
rm "$root/reviews/2026-06-01-quokka.gmi"
if wait_page -v "gemini://localhost/search?quokka" "Quokka Film"; then pass; else fail "a removed review is still found"; fi
e2e_end
