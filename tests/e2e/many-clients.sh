#!/usr/bin/env bash
# 200 clients at once, all from 127.0.0.1 (as many readers behind one NAT
# would be, hence max_connections_per_address above its default 64), are
# all served, and the server goes on serving.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'max_connections_per_address = 1000\n' >"$work/many.conf"
serve -c "$work/many.conf"

expect "200 concurrent clients" "ok=200 failed=0" "$(timeout 120 "$GEMCLI" -t 100 -s localhost -n 200 127.0.0.1 "$port" gemini://localhost/)"
alive "200 clients"
e2e_end
