#!/usr/bin/env bash
# An idle connection holds no buffers: while a handshaken connection waits
# for its request, the server gives back its request buffer and OpenSSL's
# record buffers, and takes them again when bytes come. Many connections
# that went idle are each answered once they speak; one that idled fetches
# a 32 MB file whole (size and checksum); one that idled and then stops
# reading mid-transfer, so that the server's writes stall, still gets the
# whole file once it reads again.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
# Larger than loopback's socket buffers on both sides, so a reader that stops can stall the server.
size=$((32 * 1024 * 1024))
head -c "$size" /dev/urandom >"$root/big.bin"
want=$(sha256sum <"$root/big.bin" | cut -d' ' -f1)
serve

# send_queue_at_least BYTES: a connection of the server's holds BYTES unsent: its writes stall.
send_queue_at_least() {
	ss -tnH state established "( sport = :$port )" | awk -v min="$1" '$2 >= min { found = 1 } END { exit !found }'
}

# checks NAME FILE: FILE is big.bin, byte for byte.
same_file() {
	expect "$1: size" "$size" "$(stat -c %s "$2" 2>/dev/null)"
	expect "$1: checksum" "$want" "$(sha256sum <"$2" | cut -d' ' -f1)"
}

n=40
"$GEMCLI" -t 60 -n "$n" -L -s localhost -i "$work/go" 127.0.0.1 "$port" gemini://localhost/ \
    >"$work/many.out" 2>&1 &
many=$!
"$GEMCLI" -t 60 -s localhost -i "$work/go" -o "$work/big.out" 127.0.0.1 "$port" \
    gemini://localhost/big.bin >"$work/big.head" 2>&1 &
big=$!
wait_count "$work/many.out" '^idle$' "$n"
wait_for "$work/big.head" '^idle$'
: >"$work/go"
wait "$many"
expect "every idle connection is answered" "$n" "$(grep -c '^[0-9]* 20 text/gemini' "$work/many.out")"
wait "$big"
expect_match "an idle connection's large transfer" "^20 " "$(grep -v '^idle$' "$work/big.head")"
same_file "an idle connection's large transfer" "$work/big.out"

# Idle, then a request, then no reading until $work/read exists.
"$GEMCLI" -t 60 -s localhost -i "$work/go2" -p "$work/read" -o "$work/slow.out" 127.0.0.1 "$port" \
    gemini://localhost/big.bin >"$work/slow.head" 2>&1 &
slow=$!
wait_for "$work/slow.head" '^idle$'
: >"$work/go2"
if wait_until 15 send_queue_at_least 65536; then pass; else fail "the server's writes to a reader that stopped never stalled"; fi
: >"$work/read"
wait "$slow"
same_file "a transfer that stalled and resumed" "$work/slow.out"
alive "idle and stalled connections"
e2e_end
