#!/usr/bin/env bash
# A refused guestbook entry over Gopher: the type 3 line says why, in the
# words Gemini sends in its meta (issue 12, item 2).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'guestbook_limit = 1\nguestbook_window = 600\n' >"$work/limit.conf"
serve -c "$work/limit.conf"

# refusal NAME GEMINI-QUERY GOPHER-SEARCH: the Gemini meta and the Gopher
# type 3 line (curl and gophfilt) for the same refused text.
refusal() {
	local meta g f
	meta=$(header "gemini://localhost/guestbook/sign?$2" | cut -d' ' -f2-)
	expect_match "$1: gemini refuses" "^Not saved: .+" "$meta"
	g=$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09$3" | head -n 1 | tr -d '\r')
	expect "$1: curl's type 3 line" "3$meta	" "$(cut -f1-2 <<<"$g")"
	f=$(timeout 20 gophfilt -t 7 -p /guestbook/sign -i "$(printf '%b' "${3//%/\\x}")" -h 127.0.0.1 -s "$gport" | head -n 1 | tr -d '\r')
	expect "$1: gophfilt's type 3 line" "3$meta" "$(cut -f1 <<<"$f")"
}
refusal "empty" "%20%20" "%20%20"
long=$(printf '%*s' 801 '' | tr ' ' a)
refusal "too long" "$long" "$long"

# The one entry the limit allows, then the refusal on either protocol.
expect_match "first entry saved" "^30 " "$(header "gemini://localhost/guestbook/sign?one")"
meta=$(header "gemini://localhost/guestbook/sign?two")
expect_match "gemini: 44 with the wait" "^44 [0-9]+$" "$meta"
g=$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09three" | head -n 1 | tr -d '\r')
expect_match "rate limited: curl's type 3 line gives the wait" \
    "^3Too many entries: try again in [0-9]+ seconds	" "$g"
f=$(timeout 20 gophfilt -t 7 -p /guestbook/sign -i four -h 127.0.0.1 -s "$gport" | head -n 1 | tr -d '\r')
expect_match "rate limited: gophfilt's type 3 line gives the wait" \
    "^3Too many entries: try again in [0-9]+ seconds	" "$f"
e2e_end
