#!/usr/bin/env bash
# What a reader writes may be personal: the access log shows the path of a
# URL that takes input and the length of its query, never the text, on
# Gemini and on Gopher (the type 7 search string). Other URLs are logged as
# they were sent.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve

expect "gemini sign" "30 gemini://localhost:$port/guestbook/" \
    "$(header "gemini://localhost/guestbook/sign?Zanzibar%20quokka%20signed")"
expect_match "gemini respond" "^30 " \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Xylophone%20response")"
expect_match "gopher sign" "Your note is in the guestbook" \
    "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09Marmalade%20gopher%20note")"
long=$(printf 'Verbatim%.0s' $(seq 140))
expect_match "a request too long" "^59 " "$(header "gemini://localhost/guestbook/sign?$long")"
expect "an ordinary query" "20 text/gemini; charset=utf-8; lang=en" "$(header "gemini://localhost/?ordinary")"
stop

expect "the texts are in the guestbook" 3 \
    "$(grep -c "Zanzibar quokka signed\|Xylophone response\|Marmalade gopher note" "$work/state/guestbook.log")"
expect "no text in the access log" 0 "$(grep -c "Zanzibar\|Xylophone\|Marmalade\|Verbatim" "$log")"
expect "gemini sign: path and length" 1 \
    "$(grep -c " 30 [0-9]* [0-9]*ms gemini://localhost/guestbook/sign?<26 bytes>$" "$log")"
expect "gemini respond: path and length" 1 \
    "$(grep -c " 30 [0-9]* [0-9]*ms gemini://localhost/reviews/2026-03-01-first/respond?<20 bytes>$" "$log")"
expect "gopher: selector and length" 1 \
    "$(grep -c ' 20 [0-9]* [0-9]*ms /guestbook/sign\\x09<21 bytes>$' "$log")"
expect "too long: path and length of what was read" 1 \
    "$(grep -c " 59 [0-9]* [0-9]*ms gemini://localhost/guestbook/sign?<99[0-9] bytes>$" "$log")"
expect "other queries kept" 1 "$(grep -c " 20 [0-9]* [0-9]*ms gemini://localhost/?ordinary$" "$log")"
e2e_end
