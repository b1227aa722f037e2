#!/usr/bin/env bash
# TLS: no SNI is served by the (only) host, a wrong SNI is refused, TLS 1.1
# is refused with an alert while 1.2 (and its resumption) and 1.3 work, a client certificate is accepted, and
# the generated certificate (key mode 600, SAN localhost) is the one logged
# by fingerprint and served.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve

expect "no SNI: the first host answers" "$GMI" \
    "$(timeout 20 "$GEMCLI" -t 10 -S 127.0.0.1 "$port" gemini://localhost/ 2>/dev/null | head -n 1)"
timeout 20 "$GEMCLI" -t 10 -s example.com 127.0.0.1 "$port" gemini://localhost/ >/dev/null 2>&1
expect "wrong SNI is refused" 2 $?
expect "TLS 1.1 refused" "" "$(s_client gemini://localhost/ -tls1_1)"
# The refusal is an alert that reaches the client before the socket closes.
expect_match "TLS 1.1 hears protocol_version" "alert protocol version" \
    "$(printf 'gemini://localhost/\r\n' | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
    -servername localhost -tls1_1 2>&1)"
expect "TLS 1.2 works" "$GMI" "$(s_client gemini://localhost/ -tls1_2 -sess_out "$work/tls12.session")"
expect_match "TLS 1.2 session resumed" "^Reused, TLSv1.2" \
    "$(printf 'gemini://localhost/\r\n' | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
    -servername localhost -tls1_2 -sess_in "$work/tls12.session" 2>/dev/null | grep -E '^(New|Reused),')"
expect "TLS 1.3 works" "$GMI" "$(s_client gemini://localhost/ -tls1_3)"
client_cert client movieblort
expect "client certificate accepted" "$GMI" \
    "$(header gemini://localhost/ -c "$work/client.crt" -k "$work/client.key")"
expect "key mode" 600 "$(stat -c %a "$work/certs/localhost.key")"
expect_match "SAN" "DNS:localhost" "$(openssl x509 -in "$work/certs/localhost.crt" -noout -ext subjectAltName)"
fp=$(openssl x509 -in "$work/certs/localhost.crt" -noout -fingerprint -sha256 | cut -d= -f2)
if grep -q "$fp" "$log"; then pass; else fail "certificate fingerprint $fp not logged"; fi
expect "served certificate is the generated one" "$fp" "$(served_fp localhost)"
alive "TLS"
e2e_end
