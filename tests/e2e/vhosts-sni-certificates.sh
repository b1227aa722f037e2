#!/usr/bin/env bash
# Each host's certificate by SNI: one generated per host (key mode 600, its
# name in the SAN), all distinct, each presented for its name (fingerprints
# compared) and logged; an unknown name ends the handshake with
# unrecognized_name; SNI is not case-sensitive.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

for h in a.test b.test d.test; do
	if [ -f "$certs/$h.crt" ] && [ -f "$certs/$h.key" ]; then pass; else fail "no generated certificate $certs/$h.crt and key"; fi
done
expect "section host's key mode" 600 "$(stat -c %a "$certs/b.test.key" 2>/dev/null)"
expect_match "section host's SAN" "DNS:b\.test" "$(openssl x509 -in "$certs/b.test.crt" -noout -ext subjectAltName 2>/dev/null)"
afp=$(file_fp "$certs/a.test.crt")
bfp=$(file_fp "$certs/b.test.crt")
dfp=$(file_fp "$certs/d.test.crt")
if [ -n "$afp" ] && [ -n "$bfp" ] && [ "$afp" != "$bfp" ] && [ "$bfp" != "$dfp" ]; then pass; else fail "certificates not distinct: a [$afp] b [$bfp] d [$dfp]"; fi
expect "a.test presents its certificate" "$afp" "$(served_fp a.test)"
expect "b.test presents its certificate" "$bfp" "$(served_fp b.test)"
expect "d.test presents its certificate" "$dfp" "$(served_fp d.test)"
if [ -n "$bfp" ] && grep -q "$bfp" "$log"; then pass; else fail "b.test's fingerprint $bfp not logged"; fi
timeout 20 "$GEMCLI" -t 10 -s c.test 127.0.0.1 "$port" gemini://c.test/ >/dev/null 2>&1
expect "unknown SNI: handshake fails" 2 $?
out=$(printf 'gemini://c.test/\r\n' | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$port" -servername c.test 2>"$work/sclient.err")
expect "unknown SNI: no response" "" "$out"
if grep -qi "unrecognized name\|alert number 112" "$work/sclient.err"; then pass; else fail "unknown SNI: no unrecognized_name alert: $(grep -i alert "$work/sclient.err" | head -n 2)"; fi
expect "SNI is not case-sensitive" "$BFR" "$(header B.TEST gemini://b.test/)"
e2e_end
