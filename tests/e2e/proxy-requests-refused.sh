#!/usr/bin/env bash
# marquee is no proxy: a URL with another scheme, another host or another
# port gets 53.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve

expect "https" "53 Proxy request refused" "$(header https://localhost/)"
expect "gopher" "53 Proxy request refused" "$(header gopher://localhost/)"
expect "other host" "53 Proxy request refused" "$(header gemini://example.com/)"
expect "other port" "53 Proxy request refused" "$(header gemini://localhost:1/)"
e2e_end
