#!/usr/bin/env bash
# tests/run: slow
# Slow and idle clients: while one connection never speaks and another never
# ends its request, others are served; the one without CRLF is cut off after
# request_timeout; a reader that stops reading is given up once the writes
# stall for request_timeout, and its transfer ends without close_notify.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
printf 'request_timeout = 2\nmax_connections = 64\n' >"$work/slow.conf"
serve -c "$work/slow.conf"

exec 3<>"/dev/tcp/127.0.0.1/$port"	# plain TCP, never speaks
( time_start=$SECONDS
  timeout 15 "$GEMCLI" -t 12 -s localhost -r 127.0.0.1 "$port" 'gemini://localhost/' >"$work/slow.out" 2>&1
  echo "rc=$? after=$((SECONDS - time_start))" >>"$work/slow.out" ) &
slow=$!
expect "others are served while a client dawdles" "$GMI" "$(header gemini://localhost/)"
wait "$slow"
expect_match "a client that never sends CRLF is cut off" "rc=(0|4) after=[0-9]$" "$(tail -n 1 "$work/slow.out")"
# A reader that stops reading: the server gives up once its writes stall for
# request_timeout, and the cut transfer ends without close_notify.
head -c $((32 * 1024 * 1024)) /dev/zero >"$root/huge.bin"
timeouts=$(grep -c "127.0.0.1: timed out" "$log")
# It reads again ($work/go, -p) once the server has given up on it.
timeout 30 "$GEMCLI" -t 25 -s localhost -v -p "$work/go" -o "$work/huge.out" 127.0.0.1 "$port" \
    gemini://localhost/huge.bin >/dev/null 2>"$work/huge.err" &
stalled=$!
wait_count "$log" "127.0.0.1: timed out" $((timeouts + 1))
: >"$work/go"
wait "$stalled"
expect "stalled reader: no close_notify" "close_notify: no" "$(grep close_notify "$work/huge.err")"
if [ "$(stat -c %s "$work/huge.out")" -lt $((32 * 1024 * 1024)) ]; then pass; else fail "stalled reader got the whole file"; fi
expect "stalled reader logged" $((timeouts + 1)) "$(grep -c "127.0.0.1: timed out" "$log")"
exec 3>&-
alive "slow clients"
e2e_end
