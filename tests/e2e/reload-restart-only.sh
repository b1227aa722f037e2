#!/usr/bin/env bash
# Keys that only take effect on restart (listen, port, workers, ...) keep
# their running values on reload, with one line naming them; the rest of
# the reload applies. A new host's Gopher port that nothing listens on
# needs a restart too: the host is served over Gemini only until then.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/gamma"
printf '# Gamma home\n' >"$work/gamma/index.gmi"
port=$(free_port)
newport=$(free_port)
gport=$(free_port)
gnew=$(free_port)
conf=$work/hosts.conf
write_conf() {	# write_conf PORT WORKERS LANG [MORE]
	cat >"$conf" <<CONF
hostname = a.test
listen = 127.0.0.1
port = $1
workers = $2
lang = $3
gopher_port = $gport
root = $root
certs = $work/certs
state = $work/state
sandbox = no
$4
CONF
}
write_conf "$port" 2 en
serve_conf "$conf"

write_conf "$newport" 3 fr "[c.test]
root = $work/gamma
gopher_port = $gnew"
if reload; then pass; else fail "reload: $(grep reload "$log" | tail -n 2)"; fi
expect "one line naming the restart-only keys" 1 \
    "$(grep -c "warning: reload: port, workers change only on restart; keeping the running values$" "$log")"
expect "the new host's Gopher port needs a restart" 1 \
    "$(grep -c "warning: reload: \[c.test\] gopher_port $gnew changes only on restart" "$log")"
expect "the running port kept" "20 text/gemini; charset=utf-8; lang=fr" \
    "$(gem "gemini://a.test/" -s a.test | head -n 1)"
expect "nothing listens on the new port" "" "$(ss -Hltn "sport = :$newport")"
expect "nothing listens on the new host's Gopher port" "" "$(ss -Hltn "sport = :$gnew")"
expect "the new host served over Gemini" "# Gamma home" \
    "$(gem "gemini://c.test/" -s c.test >/dev/null; head -n 1 "$work/body")"
expect_match "a.test's Gopher still served" "^iTest capsule" "$(curl -s "gopher://127.0.0.1:$gport/1/" | head -n 1)"
# A reload changing nothing restart-only says nothing of restarts.
write_conf "$port" 2 de
if reload; then pass; else fail "second reload: $(grep reload "$log" | tail -n 2)"; fi
expect "no restart line for a lang change" 1 "$(grep -c "only on restart; keeping" "$log")"
expect "lang applied" "20 text/gemini; charset=utf-8; lang=de" "$(gem "gemini://a.test/" -s a.test | head -n 1)"
e2e_end
