#!/usr/bin/env bash
# SIGHUP reloads the configuration and the certificates: a new lang, a new
# certificate; a bad configuration is refused with file and line and the
# old one kept; a start-only key (chroot) added on reload is warned about
# and not applied, while the rest is.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'lang = en\n' >"$work/reload.conf"
serve -c "$work/reload.conf"

printf 'lang = fr\n' >"$work/reload.conf"
if reloaded; then pass; else fail "no 'reloaded' line after the first SIGHUP"; fi
expect "lang after reload" "20 text/gemini; charset=utf-8; lang=fr" "$(header gemini://localhost/)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$work/new.key" -out "$work/new.crt" 2>/dev/null
cp "$work/new.key" "$work/certs/localhost.key"
cp "$work/new.crt" "$work/certs/localhost.crt"
new_fp=$(file_fp "$work/new.crt")
if reloaded; then pass; else fail "no 'reloaded' line after the second SIGHUP"; fi
expect "new certificate after reload" "$new_fp" "$(served_fp localhost)"
printf 'lang = not valid!\n' >"$work/reload.conf"
kill -HUP "$pid"
if wait_for "$log" "reload.conf:1: 'not valid!' is not a language tag"; then pass; else fail "bad reload not logged with file and line"; fi
expect "still serving after a bad reload" "20 text/gemini; charset=utf-8; lang=fr" "$(header gemini://localhost/)"
printf 'lang = de\nchroot = /var/empty\n' >"$work/reload.conf"
kill -HUP "$pid"
if wait_for "$log" "reload: chroot changes only on restart; keeping the running value"; then pass; else fail "no warning for a chroot added on reload"; fi
if wait_count "$log" "reloaded configuration and certificates" 3; then pass; else fail "no 'reloaded' line after the start-only key"; fi
expect "a start-only key added on reload leaves the rest applied" "20 text/gemini; charset=utf-8; lang=de" "$(header gemini://localhost/)"
expect "no chroot entered on reload" "/" "$(readlink "/proc/$pid/root")"
e2e_end
