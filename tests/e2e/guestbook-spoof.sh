#!/usr/bin/env bash
# Names and text in the guestbook cannot imitate others: a CN that copies
# another author's "[fingerprint]" tag, bidi overrides and zero-width
# characters in a CN or in entry text never reach the page.
. tests/lib.sh
e2e_begin
sample_capsule
printf 'guestbook_limit = 100\nguestbook_global = 1000\n' >"$work/gb.conf"
serve -c "$work/gb.conf"
sign=gemini://localhost/guestbook/sign
back="30 gemini://localhost:$port/guestbook/"

# short_fp NAME: the first 8 hex digits of the certificate's key fingerprint.
short_fp() { key_fp "$1" | cut -c1-8; }

client_cert alice "alice"
alice=$(short_fp alice)
client_cert mallory "alice [$alice]"
mallory=$(short_fp mallory)
client_cert wide "alice ［$alice］"
client_cert bidi $'eve\u202Eecila\u2066x\u2069'
client_cert zw $'al\u200Bi\u200Cc\u200De\u2060\uFEFF'

expect "alice signs" "$back" "$(header "$sign?from%20alice" -c "$work/alice.crt" -k "$work/alice.key")"
expect "mallory signs" "$back" "$(header "$sign?from%20mallory" -c "$work/mallory.crt" -k "$work/mallory.key")"
expect "full-width brackets sign" "$back" "$(header "$sign?from%20wide" -c "$work/wide.crt" -k "$work/wide.key")"
expect "bidi CN signs" "$back" "$(header "$sign?from%20bidi" -c "$work/bidi.crt" -k "$work/bidi.key")"
expect "zero-width CN signs" "$back" "$(header "$sign?from%20zw" -c "$work/zw.crt" -k "$work/zw.key")"
expect "text with U+202E and U+200B" "$back" "$(header "$sign?abc%E2%80%AEdef%E2%80%8Bghi%E2%81%A6jkl%EF%BB%BF" -c "$work/alice.crt" -k "$work/alice.key")"

if wait_body "abc" gem gemini://localhost/guestbook/; then pass; else fail "entries never shown"; fi
page=$(cat "$work/body")
expect "only alice carries alice's tag" 2 "$(grep -c "^### .*\[$alice\]" <<<"$page")"
expect "every tagged line is alice's own" 2 "$(grep -c "^### alice \[$alice\], " <<<"$page")"
expect_match "mallory's brackets are gone, the server's tag follows" "### alice $alice \[$mallory\], " "$page"
expect "no name holds a bracket the server did not write" 0 "$(grep '^### ' <<<"$page" | grep -c '\[[^]]*\[\|［\|］')"
expect_match "bidi CN without its overrides" "### eveecilax \[" "$page"
expect_match "zero-width CN without its invisible characters" "### alice \[[0-9a-f]{8}\], .*" "$(grep -v "\[$alice\]" <<<"$page" | grep '^### alice \[')"
expect_match "text without bidi and zero-width characters" "> abcdefghijkl" "$page"
for c in $'\u202A' $'\u202B' $'\u202C' $'\u202D' $'\u202E' $'\u2066' $'\u2067' $'\u2068' $'\u2069' \
    $'\u200B' $'\u200C' $'\u200D' $'\u2060' $'\uFEFF'; do
	if grep -qF "$c" "$work/body"; then fail "the guestbook page holds U+$(printf '%s' "$c" | iconv -f utf-8 -t utf-32be | xxd -p | tail -c 5)"; else pass; fi
done
curl -s "gopher://127.0.0.1:$gport/1/guestbook/" >"$work/menu"
expect_match "gopher shows the same names" "ialice $alice \[$mallory\], " "$(cat "$work/menu")"
if LC_ALL=C grep -q $'\xe2\x80\xae\|\xe2\x80\x8b\|\xe2\x81\xa6' "$work/menu"; then fail "gopher menu holds bidi or zero-width characters"; else pass; fi
e2e_end
