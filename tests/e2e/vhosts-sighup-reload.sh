#!/usr/bin/env bash
# SIGHUP with three hosts: a renewed certificate for b.test is presented
# while a.test and d.test keep theirs; b.test's lang changes alone; a bad
# configuration (a host defined twice) is refused with file and line, and
# every host goes on as before, Gopher included; SIGTERM then exits 0.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve
afp=$(file_fp "$certs/a.test.crt")
dfp=$(file_fp "$certs/d.test.crt")

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=b.test \
    -addext subjectAltName=DNS:b.test -keyout "$work/newb.key" -out "$work/newb.crt" 2>/dev/null
new_bfp=$(file_fp "$work/newb.crt")
cp "$work/newb.key" "$certs/b.test.key"
cp "$work/newb.crt" "$certs/b.test.crt"
if reloaded; then pass; else fail "no 'reloaded configuration and certificates' after SIGHUP"; fi
expect "b.test presents its new certificate" "$new_bfp" "$(served_fp b.test)"
expect "a.test keeps its certificate" "$afp" "$(served_fp a.test)"
expect "d.test keeps its certificate" "$dfp" "$(served_fp d.test)"
expect "b.test serves after the reload" "$BFR" "$(header b.test gemini://b.test/)"
expect "a.test serves after the reload" "$ADE" "$(header a.test gemini://a.test/)"
vhosts_conf es
if reloaded; then pass; else fail "no 'reloaded configuration and certificates' after the second SIGHUP"; fi
expect "b.test's lang after reload" "20 text/gemini; charset=utf-8; lang=es" "$(header b.test gemini://b.test/)"
expect "a.test's lang unchanged" "$ADE" "$(header a.test gemini://a.test/)"
vhosts_conf es "[b.test]
root = $broot"
kill -HUP "$pid"
if wait_for "$log" "reload: $conf:[0-9]*: host b.test is already defined"; then pass; else fail "bad reload not logged with file and line"; fi
expect "b.test still served after a bad reload" "20 text/gemini; charset=utf-8; lang=es" "$(header b.test gemini://b.test/)"
expect "b.test still presents its new certificate" "$new_bfp" "$(served_fp b.test)"
expect "a.test still served after a bad reload" "$ADE" "$(header a.test gemini://a.test/)"
expect_match "b.test's gopher after the reloads" "^iBeta home	" "$(gopher "$gb" /1/ | head -n 1)"
if kill -0 "$pid" 2>/dev/null; then pass; else fail "server died in the virtual host tests"; fi
stop
expect "exit status after SIGTERM" 0 "$stop_status"
expect "log ends with stopped" "stopped" "$(tail -n 1 "$log" | sed 's/.*info: //')"
e2e_end
