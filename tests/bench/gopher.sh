#!/usr/bin/env bash
# Gopher benchmark (issue 4): marquee against Debian's gophernicus, measured
# in the same run on the same capsule. Each server is pinned to core 0 and
# the load generator to core 1. gophernicus is inetd-style, so it runs under
# systemd-socket-activate and its CPU is counted with its reaped children.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
SECS=${SECS:-5}
bench_begin

mkdir -p "$work/capsule/reviews" "$work/certs"
cp -r capsule/. "$work/capsule/"
chmod -R a+rX "$work"

mport=$(free_port)
gport=$(free_port)
taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$mport" -g "$gport" -r "$work/capsule" -s "$work/state" \
    -d "$work/certs" -l /dev/null -j 1 &
pids+=($!); mpid=$!
nport=$(free_port)
taskset -c 0 runuser -u nobody -- systemd-socket-activate --inetd -a -l "127.0.0.1:$nport" \
    gophernicus -h localhost -p "$nport" -r "$work/capsule" 2>/dev/null &
pids+=($!)
wait_port "$gport" && wait_port "$nport" || exit 1
npid=$(pgrep -f "^systemd-socket-activate.*127.0.0.1:$nport" | head -n 1)

run() {	# run PORT PID SELECTOR
	taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "$1" -P "$2" -u "$3" -c 20 -d "$SECS" | grep '^RESULT'
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }

echo "== small menu: marquee /tags/, gophernicus / (a directory listing); 20 in flight, ${SECS} s each"
m=$(run "$gport" "$mpid" /tags/)
n=$(run "$nport" "$npid" /)
echo "== a review as text (type 0): marquee renders gemtext, gophernicus sends the file"
mt=$(run "$gport" "$mpid" /reviews/2026-04-05-de-rouille-et-d-os.gmi)
nt=$(run "$nport" "$npid" /reviews/2026-04-05-de-rouille-et-d-os.gmi)

# The ratio of the CPU rows is gophernicus's over marquee's: how many times cheaper marquee is.
printf '\n%-36s %12s %12s %8s\n' "metric" "marquee" "gophernicus" "ratio"
for pair in "menu:$m:$n" "review:$mt:$nt"; do
	name=${pair%%:*}; rest=${pair#*:}; a=${rest%%:*}; b=${rest#*:}
	printf '%-36s %12s %12s %8s\n' "$name: requests/s" "$(field "$a" rps)" "$(field "$b" rps)" "$(ratio "$(field "$a" rps)" "$(field "$b" rps)")"
	printf '%-36s %12s %12s %8s\n' "$name: server CPU ms/request" "$(field "$a" server_cpu_ms_per_req)" "$(field "$b" server_cpu_ms_per_req)" \
	    "$(ratio "$(field "$b" server_cpu_ms_per_req)" "$(field "$a" server_cpu_ms_per_req)")"
	printf '%-36s %12s %12s\n' "$name: p99 ms" "$(field "$a" p99_ms)" "$(field "$b" p99_ms)"
	printf '%-36s %12s %12s\n' "$name: errors" "$(field "$a" errors)" "$(field "$b" errors)"
done
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "ge") ? v + 0 >= t + 0 : v + 0 < t + 0; print ok ? "PASS" : "FAIL" }'; }
r=$(ratio "$(field "$m" rps)" "$(field "$n" rps)")
echo
echo "targets (marquee):"
echo "  at least 20x gophernicus's request rate (menu): ${r}x $(verdict "$r" 20 ge)"
echo "  under 0.05 ms server CPU per small menu:        $(field "$m" server_cpu_ms_per_req) $(verdict "$(field "$m" server_cpu_ms_per_req)" 0.05 lt)"
for pair in "menu:$m:$n" "review:$mt:$nt"; do
	name=${pair%%:*}; rest=${pair#*:}; a=${rest%%:*}; b=${rest#*:}
	c=$(ratio "$(field "$b" server_cpu_ms_per_req)" "$(field "$a" server_cpu_ms_per_req)")
	printf '  at least 50x less CPU a request (%s): %*s %s\n' "$name" $((13 - ${#name})) "${c}x" "$(verdict "$c" 50 ge)"
done
