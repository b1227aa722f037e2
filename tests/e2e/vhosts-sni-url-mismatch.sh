#!/usr/bin/env bash
# The URL's host must be the one named in SNI: another served host, an
# unknown host, or the right host on another port gets 53 and no page.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

expect_match "SNI a.test, URL b.test" "^53 " "$(header a.test "gemini://b.test:$port/")"
expect_match "SNI b.test, URL a.test" "^53 " "$(header b.test gemini://a.test/)"
expect_match "SNI a.test, URL of an unknown host" "^53 " "$(header a.test gemini://c.test/)"
expect_match "SNI b.test, URL b.test on another port" "^53 " "$(header b.test gemini://b.test:1/)"
if [ ! -s "$work/body" ] || ! grep -q "Beta home\|Alpha home" "$work/body"; then pass; else fail "a 53 came with a page"; fi
e2e_end
