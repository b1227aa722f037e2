#!/usr/bin/env bash
# tests/run: slow
# SIGHUP removes a host: new connections naming it get the unknown-SNI
# alert, its Gopher port finds no host, and a download from it that started
# before the reload finishes on the old hosts, whose index watcher and
# guestbook writer stop once it is done.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/beta"
printf '# Beta home\n' >"$work/beta/index.gmi"
truncate -s 64M "$work/beta/big.bin"
port=$(free_port)
gb=$(free_port)
conf=$work/hosts.conf
write_conf() {
	{ first_host_conf "$root" 0; cat <<CONF
sandbox = no
$1
CONF
	} >"$conf"
}
write_conf "[b.test]
root = $work/beta
gopher_port = $gb"
serve_conf "$conf"
threads() { ls "/proc/$pid/task" | wc -l; }

expect "b.test served" "# Beta home" "$(gem "gemini://b.test/" -s b.test >/dev/null; head -n 1 "$work/body")"
expect_match "b.test's gopher" "^iBeta home" "$(curl -s "gopher://127.0.0.1:$gb/1/" | head -n 1)"
# A reader that reads nothing until the checks below are done ($work/go):
# the response waits in the socket buffers.
timeout 60 "$GEMCLI" -t 50 -s b.test -p "$work/go" -o "$work/big.bin" 127.0.0.1 "$port" \
    gemini://b.test/big.bin >"$work/big.head" 2>"$work/big.err" &
dl=$!
# in_flight: the server's side of a connection holds bytes the reader has not taken.
in_flight() { [ "$(ss -Htn state established "( sport = :$port )" | awk '$2 > 0' | wc -l)" -gt 0 ]; }
wait_until 15 in_flight || fail "the download never filled the socket buffers"
before=$(threads)
write_conf ""
if reload; then pass; else fail "reload removing b.test: $(grep "reload" "$log" | tail -n 2)"; fi
expect "b.test unknown to new connections" 2 "$(gem "gemini://b.test/" -s b.test >/dev/null; echo $?)"
if grep -qi "unrecognized name\|alert number 112\|unrecognized_name" "$work/gemcli.err"; then pass; else
	fail "no unrecognized_name alert for b.test: $(cat "$work/gemcli.err")"
fi
expect "a.test still served" "# Test capsule" "$(gem "gemini://a.test/" -s a.test >/dev/null; head -n 1 "$work/body")"
expect "b.test's Gopher port finds no host" "" "$(curl -s "gopher://127.0.0.1:$gb/1/")"
if wait_for "$log" "no host has Gopher port $gb any more"; then pass; else fail "no log line for b.test's Gopher port"; fi
expect "b.test's threads run while its download does" "$before" "$(threads)"
: >"$work/go"
wait "$dl"
expect "the download begun before the reload finishes" "0 20 application/octet-stream" \
    "$? $(head -n 1 "$work/big.head")"
expect "all of it" $((64 * 1024 * 1024)) "$(stat -c %s "$work/big.bin" 2>/dev/null)"
# b.test's index watcher and guestbook writer stop with the old hosts.
threads_back() { [ "$(threads)" -eq $((before - 2)) ]; }
wait_until 5 threads_back
expect "b.test's threads stop once its last connection is gone" $((before - 2)) "$(threads)"
e2e_end
