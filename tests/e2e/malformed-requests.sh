#!/usr/bin/env bash
# Malformed requests get 59 and leave the server serving: a URL over 1024
# bytes (1024 is legal), a bare LF, no scheme, a relative path, no slashes,
# userinfo, a fragment, NUL, invalid UTF-8, a byte-order mark, an empty
# line, 2000 bytes without CRLF.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

long=$(printf 'gemini://localhost/%*s' $((1024 - 19)) '' | tr ' ' a)
expect "1024-byte URL is legal" "51 Not found" "$(header "$long")"
expect_match "1025-byte URL" "^59 " "$(header "${long}a")"
expect_match "bare LF" "^59 " "$(raw 'gemini://localhost/\n')"
expect_match "no scheme" "^59 " "$(header //localhost/)"
expect_match "relative path" "^59 " "$(header /index.gmi)"
expect_match "no slashes" "^59 " "$(header localhost/)"
expect_match "userinfo" "^59 " "$(header gemini://u@localhost/)"
expect_match "fragment" "^59 " "$(header 'gemini://localhost/#x')"
expect_match "NUL" "^59 " "$(raw 'gemini://localhost/\0\r\n')"
expect_match "invalid UTF-8" "^59 " "$(raw 'gemini://localhost/\xff\r\n')"
expect_match "byte-order mark" "^59 " "$(raw '\xef\xbb\xbfgemini://localhost/\r\n')"
expect_match "empty line" "^59 " "$(raw '\r\n')"
expect_match "2000 bytes without CRLF" "^59 " "$(raw "$(printf '%*s' 2000 '' | tr ' ' a)")"
alive "malformed requests"
e2e_end
