#!/usr/bin/env bash
# -a localhost listens on every loopback address localhost stands for
# (RFC 6761: 127.0.0.1 and ::1, whatever /etc/hosts says), for Gemini and
# Gopher alike, and the log names the addresses.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
port=$(free_port)
gport=$(free_port)
while [ "$gport" = "$port" ]; do gport=$(free_port); done
log=$work/log.$port
"$MARQUEE" -H localhost -a localhost -p "$port" -g "$gport" -r "$root" -d "$work/certs" \
    -s "$work/state" -l "$log" 2>"$work/stderr.$port" &
pid=$!
if ! wait_for "$log" "listening on gemini://"; then
	fail "server did not start: $(tail -n 3 "$work/stderr.$port" "$log")"
	e2e_end
fi
addrs=127.0.0.1
ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/' && addrs="127.0.0.1 ::1"
GMI="20 text/gemini; charset=utf-8; lang=en"
for a in $addrs; do
	h=$(timeout 30 "$GEMCLI" -t 20 -s localhost "$a" "$port" gemini://localhost/ 2>/dev/null | head -n 1)
	expect "Gemini on $a" "$GMI" "$h"
	[[ $a == *:* ]] && url="gopher://[$a]:$gport/1/" || url="gopher://$a:$gport/1/"
	expect_match "Gopher on $a" "^iTest capsule" "$(curl -s --max-time 20 "$url" | head -n 1)"
done
expect_match "the log names every Gemini address" \
    "listening on gemini://localhost:$port/ \(${addrs// /\\ }, [0-9]+ workers\)" \
    "$(grep "listening on gemini://" "$log")"
expect_match "the log names every Gopher address" \
    "listening on gopher://localhost:$gport/ \(${addrs// /\\ }\)" \
    "$(grep "listening on gopher://" "$log")"
e2e_end
