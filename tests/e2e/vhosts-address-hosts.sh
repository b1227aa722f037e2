#!/usr/bin/env bash
# Hosts named by addresses: a client that connects to an address sends no
# SNI (RFC 6066 forbids addresses there), so the address it connected to
# picks the host, 127.0.0.1 or ::1; an IPv6 host is in brackets in
# redirects; a URL for the other address host gets 53; an address sent as
# SNI anyway is accepted.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_capsules
vhosts_clients
port=$(free_port)
cat >"$work/addr.conf" <<CONF
hostname = 127.0.0.1
listen = *
port = $port
gopher_port = 0
root = $aroot
certs = $certs
state = $work/state3

[::1]
root = $broot
CONF
log=$work/log.$port
"$MARQUEE" -c "$work/addr.conf" -l "$log" 2>"$work/stderr.$port" &
pid=$!
if wait_for "$log" "listening on gemini://\[::1\]:$port/"; then pass; else fail "address hosts did not start: $(tail -n 3 "$log" "$work/stderr.$port")"; fi
# nosni ADDRESS URL: the response to URL over a handshake without SNI
nosni() {
	printf '%s\r\n' "$2" | timeout 20 openssl s_client -quiet -noservername -connect "$1" 2>/dev/null
}
expect "no SNI to 127.0.0.1: the IPv4 host" "# Alpha home" "$(nosni "127.0.0.1:$port" "gemini://127.0.0.1:$port/" | sed -n 2p)"
expect "no SNI to ::1: the IPv6 host" "# Beta home" "$(nosni "[::1]:$port" "gemini://[::1]:$port/" | sed -n 2p)"
expect "IPv6 host in brackets in redirects" "31 gemini://[::1]:$port/guestbook/" "$(nosni "[::1]:$port" "gemini://[::1]:$port/guestbook" | head -n 1 | tr -d '\r')"
expect "a URL for the other address host: 53" "53 Proxy request refused" "$(nosni "[::1]:$port" "gemini://127.0.0.1:$port/" | head -n 1 | tr -d '\r')"
expect "an IPv6 address sent as SNI anyway" "# Beta home" "$(body ::1 "gemini://[::1]:$port/" | head -n 1)"
e2e_end
