#!/usr/bin/env bash
# tests/run: slow
# SIGTERM drains: a download in flight when the server is told to stop
# (the server has sent part of it, the reader has not read yet) arrives
# whole; the server exits 0 and its log ends with "stopped".
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
# Larger than what the socket buffers hold, so the server cannot be done
# writing while the reader sleeps.
head -c $((16 * 1024 * 1024)) /dev/urandom >"$root/drain.bin"
serve

# The reader sends its request, then reads nothing until the server has
# been told to stop ($work/go, -p).
( timeout 30 "$GEMCLI" -t 25 -s localhost -p "$work/go" -o "$work/drain.bin" 127.0.0.1 "$port" \
    gemini://localhost/drain.bin >/dev/null 2>&1 ) &
dl=$!
# In flight: the server's side of the connection has bytes the reader has not taken.
sending() { ss -Htn state established "( sport = :$port )" | awk '$2 > 0 { n++ } END { exit !n }'; }
if wait_until 10 sending; then pass; else fail "the download never started"; fi
kill "$pid"
if wait_for "$log" "stopping: finishing responses in flight"; then pass; else fail "no stopping line after SIGTERM"; fi
: >"$work/go"
wait "$pid"
stop_status=$?
pid=
wait "$dl"
expect "exit status after SIGTERM" 0 "$stop_status"
if cmp -s "$root/drain.bin" "$work/drain.bin"; then pass; else fail "download in flight at SIGTERM was cut"; fi
expect "log ends with stopped" "stopped" "$(tail -n 1 "$log" | sed 's/.*info: //')"
e2e_end
