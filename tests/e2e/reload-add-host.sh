#!/usr/bin/env bash
# SIGHUP adds a host: it is served by SNI at once, and the hosts already
# there keep their index (no new "index: NAME:" build line) and their
# guestbook (its entries, its writer) instead of having them rebuilt.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/beta" "$work/gamma"
printf '# Beta home\n' >"$work/beta/index.gmi"
printf '# Gamma home\n' >"$work/gamma/index.gmi"
port=$(free_port)
conf=$work/hosts.conf
write_conf() {
	{ first_host_conf "$root" 0; cat <<CONF
sandbox = no

[b.test]
root = $work/beta
$1
CONF
	} >"$conf"
}
write_conf ""
serve_conf "$conf"

expect "a.test signs its guestbook" "30 gemini://a.test:$port/guestbook/" \
    "$(gem "gemini://a.test/guestbook/sign?from%20alpha" -s a.test | head -n 1)"
expect "c.test is unknown before the reload" 2 \
    "$(gem "gemini://c.test/" -s c.test >/dev/null; echo $?)"
write_conf "[c.test]
root = $work/gamma"
if reload; then pass; else fail "reload adding c.test: $(grep "reload" "$log" | tail -n 2)"; fi
expect "c.test served by SNI after the reload" "20 text/gemini; charset=utf-8; lang=en" \
    "$(gem "gemini://c.test/" -s c.test | head -n 1)"
expect "c.test's own page" "# Gamma home" "$(head -n 1 "$work/body" 2>/dev/null)"
expect "c.test's certificate generated" 1 "$(ls "$work/certs" | grep -c '^c\.test\.crt$')"
expect "a.test's index built once" 1 "$(grep -c "index: a\.test: " "$log")"
expect "b.test's index built once" 1 "$(grep -c "index: b\.test: " "$log")"
expect "c.test's index built" 1 "$(grep -c "index: c\.test: " "$log")"
gem "gemini://a.test/guestbook/" -s a.test >/dev/null
expect "a.test's guestbook entry still shown" 1 "$(grep -c "from alpha" "$work/body")"
expect "a.test's guestbook still takes entries" "30 gemini://a.test:$port/guestbook/" \
    "$(gem "gemini://a.test/guestbook/sign?after%20the%20reload" -s a.test | head -n 1)"
expect "both entries in a.test's one log" 2 "$(grep -c "from alpha\|after the reload" "$work/state/guestbook.log")"
expect "b.test still served" "# Beta home" "$(gem "gemini://b.test/" -s b.test >/dev/null; head -n 1 "$work/body")"
expect "c.test's guestbook" "30 gemini://c.test:$port/guestbook/" \
    "$(gem "gemini://c.test/guestbook/sign?to%20gamma" -s c.test | head -n 1)"
expect "c.test's entry in its own log" 1 "$(grep -c "to gamma" "$work/state/guestbook-c.test.log" 2>/dev/null)"
e2e_end
