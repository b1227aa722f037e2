#!/usr/bin/env bash
# The guestbook's rate limits: guestbook_limit entries per address per
# window, then 44 with the wait; Gopher shares the address's bucket, and a
# certificate does not escape it; limited entries are not stored. The cap
# on everyone together (guestbook_global) holds whoever writes.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
gblog=$work/state/guestbook.log
client_cert reader movieblort
printf 'guestbook_limit = 2\nguestbook_window = 600\n' >"$work/limit.conf"
serve -c "$work/limit.conf"

expect "first of two" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?one")"
expect "second of two" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?two")"
expect_match "third: 44 with the wait" "^44 (29[0-9]|300)$" "$(header "gemini://localhost/guestbook/sign?three")"
expect_match "gopher shares the address's bucket" "^3Too many entries: try again in [0-9]+ seconds" "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09four")"
expect "a certificate does not escape its address" "44" "$(header "gemini://localhost/guestbook/sign?five" -c "$work/reader.crt" -k "$work/reader.key" | cut -c1-2)"
expect "limited entries not stored" 0 "$(grep -c '	three	\|	four	\|	five	' "$gblog")"
stop
# The cap on everyone together: two a minute, whoever writes.
printf 'guestbook_limit = 1000\nguestbook_global = 2\n' >"$work/global.conf"
serve -c "$work/global.conf"
expect "global cap: first" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?g1")"
expect "global cap: second, another client" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?g2" -c "$work/reader.crt" -k "$work/reader.key")"
expect_match "global cap: third waits" "^44 (29|30)$" "$(header "gemini://localhost/guestbook/sign?g3")"
e2e_end
