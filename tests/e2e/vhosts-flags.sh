#!/usr/bin/env bash
# Command-line flags apply to the first host: -H renames it (the old name is
# then unknown), -r gives its root, -g its Gopher port (a section without
# gopher_port has no Gopher listener); a certificate is generated for the
# new name, and a section host presents the certificate file it finds.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_capsules
vhosts_clients
# b.test's certificate is there before the start: it is the one presented.
mkdir -p "$certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=b.test \
    -addext subjectAltName=DNS:b.test -keyout "$certs/b.test.key" -out "$certs/b.test.crt" 2>/dev/null
chmod 600 "$certs/b.test.key"
bfp=$(file_fp "$certs/b.test.crt")
port=$(free_port)
ga2=$(free_port)
a2root=$work/alpha2
mkdir -p "$a2root"
printf '# Alpha two\n' >"$a2root/index.gmi"
cat >"$work/flags.conf" <<CONF
hostname = a.test
listen = 127.0.0.1
port = $port
root = $aroot
certs = $certs
state = $work/state2

[b.test]
root = $broot
CONF
hosts="a2.test b.test"
serve_conf "$work/flags.conf" -H a2.test -r "$a2root" -g "$ga2"

expect "-H and -r: the first host" "$GMI" "$(header a2.test gemini://a2.test/)"
expect "-r: the first host's root" "# Alpha two" "$(head -n 1 "$work/body" 2>/dev/null)"
timeout 20 "$GEMCLI" -t 10 -s a.test 127.0.0.1 "$port" gemini://a.test/ >/dev/null 2>&1
expect "-H renames the first host: a.test is unknown" 2 $?
expect "b.test keeps its root" "# Beta home" "$(body b.test gemini://b.test/ | head -n 1)"
expect "-g: the first host's gopher" "$(printf 'iAlpha two\t\ta2.test\t%s\r' "$ga2")" "$(gopher "$ga2" /1/ | head -n 1)"
if grep -q "listening on gopher://a2.test:$ga2/" "$log"; then pass; else fail "no 'listening on gopher://a2.test:$ga2/' in the log"; fi
expect "a section without gopher_port has no Gopher listener" 0 "$(grep -c 'listening on gopher://b\.test' "$log")"
if [ -f "$certs/a2.test.crt" ]; then pass; else fail "no certificate generated for a2.test"; fi
expect "b.test presents its certificate file" "$bfp" "$(served_fp b.test)"
e2e_end
