#!/usr/bin/env bash
# max_connections_per_address: one client address cannot hold every
# connection. With a cap of 5, five connections held open from 127.0.0.1
# make the next one from 127.0.0.1 be closed at once, on Gemini and Gopher,
# while a client from 127.0.0.2 is served at once; a connection given back
# makes room again. Behind PROXY protocol the cap counts the address the
# header names, not the balancer's. A bad value is refused at start.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
GMI="20 text/gemini; charset=utf-8; lang=en"

# read_all PORT N: until N connections to PORT are open on the server's side
# with nothing left unread, so the server has taken (and counted) every one.
all_read() { [ "$(ss -Htn state established "( sport = :$1 )" | awk '$1 == 0' | wc -l)" -ge "$2" ]; }
read_all() { wait_until 10 all_read "$@"; }

# hold PORT BYTES: a connection from 127.0.0.1 that sends BYTES (printf
# escapes) and then nothing; its descriptor is added to $held.
held=()
hold() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$1"
	printf "$2" >&"$fd"
	held+=("$fd")
}

# gopher_menu SOURCE: the first line of the Gopher menu, fetched from SOURCE.
gopher_menu() {
	curl -s --max-time 10 --interface "$1" "gopher://127.0.0.1:$gport/1/" | head -n 1
}

printf 'max_connections_per_address = 5\nrequest_timeout = 60\n' >"$work/cap.conf"
serve -c "$work/cap.conf"
for i in 1 2 3 4 5; do hold "$gport" '/'; done
if read_all "$gport" 5; then pass; else fail "the server did not take the 5 held connections"; fi
expect "Gopher: a sixth from 127.0.0.1 is closed" "" "$(gopher_menu 127.0.0.1)"
timeout 20 "$GEMCLI" -t 10 -s localhost 127.0.0.1 "$port" gemini://localhost/ >/dev/null 2>&1
expect "Gemini: a sixth from 127.0.0.1 is closed before TLS" 2 $?
expect_match "Gopher: 127.0.0.2 is served" "^iTest capsule" "$(gopher_menu 127.0.0.2)"
expect "Gemini: 127.0.0.2 is served" "$GMI" \
    "$(timeout 20 "$GEMCLI" -t 10 -s localhost -b 127.0.0.2 127.0.0.1 "$port" gemini://localhost/ 2>/dev/null | head -n 1)"
if grep -q "refusing connections: max_connections_per_address reached by 127.0.0.1" "$log"; then pass; else
	fail "no refusal in the log: $(tail -n 3 "$log")"
fi
# One held connection ends: 127.0.0.1 has room for one again.
exec {held[0]}>&-
served=
menu_served() { served=$(gopher_menu 127.0.0.1); [ -n "$served" ]; }
wait_until 10 menu_served
expect_match "a connection closed makes room again" "^iTest capsule" "$served"
for fd in "${held[@]:1}"; do exec {fd}>&-; done
held=()
stop

# Behind a balancer: every connection comes from 127.0.0.1, and the header
# names the client.
printf 'max_connections_per_address = 5\nrequest_timeout = 60\ngemini_proxy = yes\ngopher_proxy = yes\n' >"$work/proxy.conf"
serve -c "$work/proxy.conf"
for i in 1 2 3 4 5; do hold "$gport" "PROXY TCP4 192.0.2.1 127.0.0.1 4000$i $gport\r\n"; done
if read_all "$gport" 5; then pass; else fail "the server did not read the 5 PROXY headers"; fi
proxied() {	# proxied CLIENT: the header of a Gemini request the balancer relays for CLIENT
	timeout 20 "$GEMCLI" -t 10 -s localhost -x "PROXY TCP4 $1 127.0.0.1 40009 $port\r\n" \
	    127.0.0.1 "$port" gemini://localhost/ 2>/dev/null | head -n 1
}
expect "PROXY: a sixth for 192.0.2.1 is closed" "" "$(proxied 192.0.2.1)"
expect "PROXY: 192.0.2.2, from the same balancer, is served" "$GMI" "$(proxied 192.0.2.2)"
if grep -q "max_connections_per_address reached by 192.0.2.1" "$log"; then pass; else
	fail "no refusal of 192.0.2.1 in the log: $(tail -n 3 "$log")"
fi
for fd in "${held[@]}"; do exec {fd}>&-; done
stop

printf 'port = 1965\nmax_connections_per_address = 0\n' >"$work/bad.conf"
out=$("$MARQUEE" -c "$work/bad.conf" 2>&1)
expect "a bad value fails the start" 1 $?
expect "a bad value names file and line" "marquee: $work/bad.conf:2: '0' is out of range 1-1000000" "$out"
e2e_end
