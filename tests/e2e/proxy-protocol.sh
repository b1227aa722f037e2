#!/usr/bin/env bash
# The PROXY protocol (gemini_proxy, gopher_proxy): versions 1 and 2 name the
# client, which the log shows instead of the balancer; LOCAL keeps the peer;
# a missing or malformed header closes the connection (logged); rate limits
# count the proxied address; behind a balancer, URLs, redirects and Gopher
# items carry the public ports.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
printf 'gemini_proxy = yes\ngopher_proxy = yes\nguestbook_limit = 1\npublic_port = 1965\npublic_gopher_port = 70\n' >"$work/proxy.conf"
serve -c "$work/proxy.conf"

v1() { printf 'PROXY TCP4 %s 127.0.0.1 40000 1965\\r\\n' "$1"; }
expect "gemini behind a v1 header" "$GMI" "$(header "gemini://localhost/" -x "$(v1 203.0.113.9)")"
if wait_for "$log" '^[^ ]* 203\.0\.113\.9 20 .* gemini://localhost/$'; then pass; else fail "no access line for 203.0.113.9"; fi
expect "the log names the client, not the balancer" 1 "$(grep -c '^[^ ]* 203\.0\.113\.9 20 .* gemini://localhost/$' "$log")"
# Version 2: signature, PROXY command, TCP over IPv4, 12 bytes: 198.51.100.20 -> 127.0.0.1, ports.
v2='\r\n\r\n\0\r\nQUIT\n\x21\x11\0\x0c\xc6\x33\x64\x14\x7f\0\0\x01\x9c\x40\x07\xad'
expect "gemini behind a v2 header" "$GMI" "$(header "gemini://localhost/" -x "$v2")"
if wait_for "$log" '^[^ ]* 198\.51\.100\.20 20 '; then pass; else fail "no access line for 198.51.100.20"; fi
expect "v2 client address logged" 1 "$(grep -c '^[^ ]* 198\.51\.100\.20 20 ' "$log")"
expect "LOCAL v2 (a health check) keeps the peer" "$GMI" "$(header "gemini://localhost/" -x '\r\n\r\n\0\r\nQUIT\n\x20\0\0\0')"
expect "no header: closed without an answer" "" "$(header "gemini://localhost/")"
expect "malformed header: closed" "" "$(header "gemini://localhost/" -x 'PROXY TCP4 nonsense\r\n')"
if wait_for "$log" "malformed PROXY v1 header"; then pass; else fail "malformed PROXY header not logged"; fi
expect_match "gopher behind a v1 header" "^iTest capsule" "$(gopher_raw "$(v1 192.0.2.44)/\r\n" | head -n 1)"
if wait_for "$log" '^[^ ]* 192\.0\.2\.44 20 '; then pass; else fail "no access line for 192.0.2.44"; fi
expect "gopher client logged" 1 "$(grep -c '^[^ ]* 192\.0\.2\.44 20 ' "$log")"
expect_match "gopher without a header gets nothing" "^$" "$(gopher_raw '/\r\n')"
# Rate limits count the real client: each address has its own bucket.
expect "limit: first client" "30 gemini://localhost/guestbook/" "$(header "gemini://localhost/guestbook/sign?from%20one" -x "$(v1 192.0.2.1)")"
expect "limit: first client again" "44" "$(header "gemini://localhost/guestbook/sign?from%20one%20again" -x "$(v1 192.0.2.1)" | cut -c1-2)"
expect "limit: second client" "30 gemini://localhost/guestbook/" "$(header "gemini://localhost/guestbook/sign?from%20two" -x "$(v1 192.0.2.2)")"
# Behind a balancer, URLs carry the port readers use, not the one marquee binds.
expect "public port served" "$GMI" "$(header "gemini://localhost:1965/" -x "$(v1 192.0.2.3)")"
expect "bound port is not the public one" "53 Proxy request refused" "$(header "gemini://localhost:$port/" -x "$(v1 192.0.2.3)")"
expect "redirects name the public port" "31 gemini://localhost/dir/" "$(header "gemini://localhost/dir" -x "$(v1 192.0.2.3)")"
expect_match "gopher items name the public port" "^1Drama \(2\)	/tags/drama/	localhost	70" "$(gopher_raw "$(v1 192.0.2.4)/tags/\r\n" | grep -a "^1Drama" | tr -d '\r')"
if kill -0 "$pid"; then pass; else fail "server died in the PROXY tests"; fi
e2e_end
