#!/usr/bin/env bash
# Titan benchmark (issue 16): 1 MiB uploads per second by the owner
# (build/titancli, one connection each, replacing one review of a capsule
# of 1,000), alone and while readers load the home page, and the readers'
# latency (build/loadgen, 8 at once) with and without the uploads, in the
# same run. Server on core 0, clients on core 1.
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
TITANCLI=${TITANCLI:-build/titancli}
SECONDS_EACH=${SECONDS_EACH:-10}
. tests/lib.sh
bench_begin

bench_capsule "$work"
mkdir -p "$work/capsule/reviews"
for i in $(seq 1000); do
	printf '# Film %d\nDirector: Someone %d\nTags: tag%d, drama\n\nA review.\n' "$i" $((i % 50)) $((i % 20)) \
	    >"$work/capsule/reviews/2020-01-01-film-$i.gmi"
done
# A review of exactly 1 MiB: a title, then lines of text.
{ printf '# The Long One\nTags: long\n\n'; head -c 800000 /dev/urandom | base64 -w 76; } |
    head -c $((1024 * 1024)) >"$work/big.gmi"
client_cert owner Author
fp=$(key_fp owner)

port=$(free_port)
taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g 0 -r "$work/capsule" -d "$work/certs" \
    -s "$work/state" -l "$work/marquee.log" -c <(printf 'titan = yes\nowner = %s\n' "$fp") &
pids+=($!); mpid=$!
wait_port "$port" || { cat "$work/marquee.log"; exit 1; }

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
upload_url="titan://localhost:$port/reviews/2026-01-01-the-long-one.gmi"
uploads() {	# uploads COUNT: prints "N uploads in S s"
	taskset -c 1 "$TITANCLI" -c "$work/owner.crt" -k "$work/owner.key" -n "$1" -T 60 \
	    127.0.0.1 "$port" "$upload_url" "$work/big.gmi" 2>&1 >/dev/null | tail -n 1
}
readers() {	# the RESULT line of SECONDS_EACH seconds of 8 readers of the home page
	taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -P "$mpid" -c 8 \
	    -d "$SECONDS_EACH" -u gemini://localhost/ | grep '^RESULT'
}
published() { grep -c "publishing reviews/2026-01-01-the-long-one.gmi (1048576 bytes): 30 " "$work/marquee.log"; }

uploads 3 >/dev/null		# warm-up, and the first one creates the file
alone=$(uploads 30)
readers >/dev/null		# warm-up
calm=$(readers)
before=$(published)
taskset -c 1 "$TITANCLI" -c "$work/owner.crt" -k "$work/owner.key" -n 100000 -T 60 \
    127.0.0.1 "$port" "$upload_url" "$work/big.gmi" >/dev/null 2>&1 &
up=$!
pids+=($up)
busy=$(readers)
kill "$up" 2>/dev/null
wait "$up" 2>/dev/null
during=$(( $(published) - before ))
if [ "$(head -c 15 "$work/capsule/reviews/2026-01-01-the-long-one.gmi")" != "# The Long One" ]; then
	echo "the uploaded review is not whole" >&2
	exit 1
fi

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
row() { printf '%-40s %16s %22s\n' "$1" "$2" "$3"; }
printf '\n'
row "marquee, 1 MiB Titan uploads" "readers alone" "readers + uploads"
row "uploads per second, alone" "$(rate "$(echo "$alone" | cut -d' ' -f1)" "$(echo "$alone" | cut -d' ' -f4)")" ""
row "uploads per second, beside readers" "" "$(rate "$during" "$SECONDS_EACH")"
row "reader requests per second" "$(field "$calm" rps)" "$(field "$busy" rps)"
row "reader p50 ms" "$(field "$calm" p50_ms)" "$(field "$busy" p50_ms)"
row "reader p99 ms" "$(field "$calm" p99_ms)" "$(field "$busy" p99_ms)"
row "reader errors" "$(field "$calm" errors)" "$(field "$busy" errors)"
