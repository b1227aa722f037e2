#!/usr/bin/env bash
# A search string sent with a selector that is not a search item (type 7) is
# ignored: the file or menu is answered as without it, not rendered as a
# menu (issue 12, item 13).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'plain words\n' >"$root/notes.txt"
serve
g="gopher://127.0.0.1:$gport"

for sel in /reviews/2026-03-01-first.gmi /notes.txt /reviews/ /tags/drama/ /reviews/2026-03-01-first/; do
	type=0
	[[ $sel == */ ]] && type=1
	curl -s "$g/$type$sel" >"$work/plain"
	curl -s "$g/$type$sel%09some%20words" >"$work/searched"
	if [ -s "$work/plain" ] && cmp -s "$work/plain" "$work/searched"; then pass
	else fail "$sel with a search string differs: $(head -c 300 "$work/searched")"; fi
done
# What a type 7 client sends, to a text file: the text, not a menu.
expect "gophfilt: search on a review is its text" "$(curl -s "$g/0/reviews/2026-03-01-first.gmi" | tr -d '\r')" \
    "$(timeout 20 gophfilt -t 7 -p /reviews/2026-03-01-first.gmi -i words -h 127.0.0.1 -s "$gport" | tr -d '\r')"
# Where the server asks for text, the search string is still the entry.
expect_match "the guestbook still takes a search" "^iThank you	" "$(curl -s "$g/7/guestbook/sign%09hello")"
e2e_end
