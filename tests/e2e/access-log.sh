#!/usr/bin/env bash
# The access log: one line per request with the client, status, size, time
# and URL; a control character in a request is escaped.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

header gemini://localhost/dir/ >/dev/null
if wait_for "$log" 'gemini://localhost/dir/$'; then pass; else fail "no access line for /dir/"; fi
expect_match "access line" "127\.0\.0\.1 20 [0-9]+ [0-9]+ms gemini://localhost/dir/" "$(grep 'gemini://localhost/dir/$' "$log" | tail -n 1)"
raw 'gemini://localhost/\x01\r\n' >/dev/null
if wait_for "$log" 'gemini://localhost/\\x01'; then pass; else fail "control character not escaped in the log"; fi
e2e_end
