#!/usr/bin/env bash
# A client that sends no SNI (old clients, some proxies) is served by the
# first host, with its certificate, when no host is named by an address;
# a name that is not served still ends the handshake with unrecognized_name.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/second"
printf '# Second host\n' >"$work/second/index.gmi"
port=$(free_port)
log=$work/log.$port
{ first_host_conf "$root" 0; cat <<CONF

[b.test]
root = $work/second
CONF
} >"$work/two.conf"
"$MARQUEE" -c "$work/two.conf" -l "$log" 2>"$work/stderr.$port" &
pid=$!
if ! wait_for "$log" "listening on gemini://b.test:$port/"; then
	fail "server did not start: $(tail -n 3 "$work/stderr.$port" "$log")"
	e2e_end
fi

out=$(printf 'gemini://a.test:%s/\r\n' "$port" | timeout 20 openssl s_client -quiet -noservername \
    -connect "127.0.0.1:$port" 2>/dev/null)
expect "openssl -noservername: the first host's page" "# Test capsule" "$(sed -n 2p <<<"$out")"
subject=$(timeout 20 openssl s_client -noservername -connect "127.0.0.1:$port" </dev/null 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null)
expect_match "openssl -noservername: the first host's certificate" "CN ?= ?a\.test" "$subject"
rm -f "$work/body"
h=$(timeout 30 "$GEMCLI" -t 20 -S -o "$work/body" 127.0.0.1 "$port" "gemini://a.test:$port/" 2>"$work/gemcli.err" | head -n 1)
expect "gemcli -S: the first host answers" "20 text/gemini; charset=utf-8; lang=en" "$h"
expect "gemcli -S: its body" "# Test capsule" "$(head -n 1 "$work/body" 2>/dev/null)"
expect_match "no SNI, a URL for the second host: 53" "^53 " \
    "$(timeout 30 "$GEMCLI" -t 20 -S 127.0.0.1 "$port" "gemini://b.test:$port/" 2>/dev/null | head -n 1)"
expect "the second host by SNI" "# Second host" \
    "$(timeout 30 "$GEMCLI" -t 20 -s b.test -o "$work/body" 127.0.0.1 "$port" "gemini://b.test:$port/" >/dev/null 2>&1; head -n 1 "$work/body")"
out=$(printf 'gemini://c.test/\r\n' | timeout 20 openssl s_client -quiet -servername c.test \
    -connect "127.0.0.1:$port" 2>"$work/sclient.err")
expect "an unknown SNI: no response" "" "$out"
if grep -qi "unrecognized name\|alert number 112" "$work/sclient.err"; then pass; else
	fail "an unknown SNI: no unrecognized_name alert: $(grep -i alert "$work/sclient.err" | head -n 2)"
fi
e2e_end
