#!/usr/bin/env bash
# tests/run: slow
# The README's "Several machines", end to end: Debian's HAProxy in TCP mode
# in front of two instances (SNI passthrough: TLS ends at marquee; a PROXY
# v2 header on every connection, health checks included), the guestbook in
# PostgreSQL. Readers reach either instance through HAProxy (round robin
# here, so consecutive requests alternate) and see the same guestbook, over
# Gemini and Gopher, with URLs naming the public ports; the health checks
# cause no PROXY errors; after kill -9 of one instance HAProxy sends every
# reader to the other, which takes appends.
. "$(dirname "$0")/../lib.sh"
e2e_begin
command -v haproxy >/dev/null || { fail "haproxy NOT FOUND: apt-get install haproxy (make check does)"; e2e_end; }
port_into hport
port_into hgport
pg_two "gemini_proxy = yes" "gopher_proxy = yes" "public_port = $hport" "public_gopher_port = $hgport"
cat >"$work/haproxy.cfg" <<CFG
global
    log stderr format short local0 notice
defaults
    mode tcp
    log global
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend gemini
    bind 127.0.0.1:$hport
    tcp-request inspect-delay 5s
    tcp-request content accept if { req.ssl_hello_type 1 }
    use_backend films if { req.ssl_sni -i localhost }
backend films
    balance roundrobin
    default-server send-proxy-v2 check check-send-proxy inter 300ms fall 2 rise 1
    server a 127.0.0.1:${inst_port[a]}
    server b 127.0.0.1:${inst_port[b]}
frontend gopher
    bind 127.0.0.1:$hgport
    default_backend films_gopher
backend films_gopher
    balance roundrobin
    default-server send-proxy-v2 check check-send-proxy inter 300ms fall 2 rise 1
    server a 127.0.0.1:${inst_gport[a]}
    server b 127.0.0.1:${inst_gport[b]}
CFG
haproxy -c -q -f "$work/haproxy.cfg" >"$work/stderr.haproxy-check" 2>&1 && pass || fail "haproxy -c: $(cat "$work/stderr.haproxy-check")"
haproxy -db -f "$work/haproxy.cfg" 2>"$work/haproxy.err" &
wait_port "$hport" && wait_port "$hgport" || { fail "haproxy does not listen: $(tail -n 3 "$work/haproxy.err")"; e2e_end; }
# From now on the helpers talk to HAProxy.
port=$hport gport=$hgport
home=gemini://localhost:$hport

# served_by_both URL TEXT: four requests in a row through HAProxy (two to
# each instance) all have TEXT in their bodies.
served_by_both() {
	local i
	for i in 1 2 3 4; do body_is 0 "$2" gem "$1" || return 1; done
}

expect "the home page through HAProxy" "$GMI" "$(header "$home/")"
expect "a note through HAProxy, sent back to the public port" "30 $home/guestbook/" "$(header "$home/guestbook/sign?Through%20the%20balancer.")"
within 10 served_by_both "$home/guestbook/" "> Through the balancer." && pass || fail "not every instance shows the note"
expect "a response through HAProxy" "30 $home/reviews/2026-03-01-first.gmi" \
    "$(header "$home/reviews/2026-03-01-first/respond?Balanced%20response.")"
within 10 served_by_both "$home/reviews/2026-03-01-first.gmi" "> Balanced response." && pass || fail "not every instance shows the response"
for name in a b; do
	if grep -q "gemini://localhost:$hport/guestbook/" "${inst_log[$name]}"; then pass; else fail "instance $name served no request"; fi
done
g=$(curl -s "gopher://127.0.0.1:$hgport/1/guestbook/")
expect_match "Gopher through HAProxy" "i> Through the balancer\.	" "$g"
expect_match "its items name the public Gopher port" "	localhost	$hgport"$'\r' "$g"
expect "the health checks caused no PROXY errors" "" "$(grep -h -i 'proxy' "${inst_log[a]}" "${inst_log[b]}" | grep -i 'header\|error' | head -n 2)"

instance_kill a
expect_match "HAProxy sees a down" "Server films/a is DOWN" "$(within 10 grep -q 'films/a is DOWN' "$work/haproxy.err"; grep -m1 -o 'Server films/a is DOWN' "$work/haproxy.err")"
on b
port=$hport gport=$hgport
for i in 1 2 3 4; do
	expect "request $i after a's death reaches b" "$GMI" "$(header "$home/")"
done
expect "an append after a's death" "30 $home/guestbook/" "$(header "$home/guestbook/sign?After%20a%20went.")"
expect "in the table" 1 "$(pg_rows "%After a went.%")"
e2e_end
