#!/usr/bin/env bash
# max_connections: with 4 connections held (taken by the server), a fifth is
# refused and the refusal logged; once they are given back, clients are
# served again.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'max_connections = 4\nrequest_timeout = 5\n' >"$work/max.conf"
serve -c "$work/max.conf"

before=$(fd_count)
held=()
for i in 1 2 3 4; do exec {fd}<>"/dev/tcp/127.0.0.1/$port"; held+=("$fd"); done
fds_at_least() { [ "$(fd_count)" -ge "$1" ]; }
if wait_until 10 fds_at_least $((before + 4)); then pass; else fail "the server did not take the 4 connections ($(fd_count) descriptors, $before before)"; fi
timeout 20 "$GEMCLI" -t 10 -s localhost 127.0.0.1 "$port" gemini://localhost/ >/dev/null 2>&1
expect_match "fifth connection refused" "^[24]$" "$?"
if wait_for "$log" "max_connections reached"; then pass; else fail "refusal not logged"; fi
for fd in "${held[@]}"; do exec {fd}>&-; done
fds_at_most() { [ "$(fd_count)" -le "$1" ]; }
if wait_until 10 fds_at_most "$before"; then pass; else fail "the server did not let go of the 4 connections"; fi
alive "max_connections"
e2e_end
