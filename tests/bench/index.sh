#!/usr/bin/env bash
# Gemlog index benchmark (issue 3): cold indexing of 10,000 generated
# reviews, re-indexing after one file changes, index memory, and the request
# rate of a 10,000-entry tag page against a static file of the same size,
# both measured in this run. Timings come from the server's own log line
# "index: HOST: N reviews, ... built in X ms".
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
N=${N:-10000}
. tests/lib.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Waits until the log has more than $2 lines matching $3; prints the last one.
wait_log() {
	local log=$1 count=$2 pattern=$3 i
	for i in $(seq 600); do
		if [ "$(grep -c "$pattern" "$log")" -gt "$count" ]; then
			grep "$pattern" "$log" | tail -n 1
			return 0
		fi
		sleep 0.05
	done
	echo "timed out waiting for '$pattern' in $log" >&2
	return 1
}

start() {	# start ROOT: runs the server on $port, logs to $work/log
	port=$(free_port)
	: >"$work/log"
	taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g 0 -r "$1" -s "$work/state" \
	    -d "$work/certs" -l "$work/log" -j 1 &
	pid=$!
	wait_log "$work/log" 0 "listening on" >/dev/null || exit 1
}

stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

ms_of() { sed -n 's/.*built in \([0-9.]*\) ms.*/\1/p'; }

echo "== generating $N reviews"
mkdir -p "$work/empty"
echo "# Bench capsule" >"$work/capsule/index.gmi"
bench_reviews "$work/capsule/reviews" "$N"

start "$work/empty"
empty_rss=$(rss_kib "$pid")
stop

start "$work/capsule"
cold=$(grep "index:" "$work/log" | head -n 1 | ms_of)
full_rss=$(rss_kib "$pid")
# One file changed, nine times over: the median is the figure, the slowest is shown too
# (the first rebuilds after start touch fresh memory and run slower).
times=()
for i in $(seq 9); do
	seen=$(grep -c "index:" "$work/log")
	echo "appended line $i" >>"$work/capsule/reviews/2010-03-05-film-00010.gmi"
	times+=("$(wait_log "$work/log" "$seen" "index:" | ms_of)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
warm=$(echo "$sorted" | sed -n 5p)
slowest=$(echo "$sorted" | tail -n 1)

page="$work/tagpage.gmi"
build/gemcli -s localhost -o "$page" 127.0.0.1 "$port" "gemini://localhost/tags/bench/" >/dev/null
cp "$page" "$work/capsule/static-copy.gmi"
size=$(stat -c %s "$page")
echo "== /tags/bench/ is $size bytes; static copy of the same size"
tag=$(taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -R -c 20 -d 5 \
    -P "$pid" -u "gemini://localhost/tags/bench/" | grep '^RESULT')
static=$(taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -R -c 20 -d 5 \
    -P "$pid" -u "gemini://localhost/static-copy.gmi" | grep '^RESULT')
stop

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
mem_mib=$(awk -v a="$full_rss" -v b="$empty_rss" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 <= t + 0) ? "PASS" : "FAIL" }'; }

printf '\n%-42s %14s %14s\n' "metric ($N reviews)" "marquee" "target"
printf '%-42s %11s ms %11s ms  %s\n' "cold index" "$cold" 1000 "$(verdict "$cold" 1000)"
printf '%-42s %11s ms %11s ms  %s\n' "re-index after one change (median of 9)" "$warm" 20 "$(verdict "$warm" 20)"
printf '%-42s %11s ms\n' "re-index after one change (slowest of 9)" "$slowest"
printf '%-42s %10s MiB %10s MiB  %s\n' "index memory (RSS over empty capsule)" "$mem_mib" 30 "$(verdict "$mem_mib" 30)"
printf '\n%-42s %14s %14s %8s\n' "requests/s, resumed TLS, c=20" "/tags/bench/" "static file" "ratio"
tr=$(field "$tag" rps); sr=$(field "$static" rps)
printf '%-42s %14s %14s %8s\n' "rate" "$tr" "$sr" "$(awk -v a="$tr" -v b="$sr" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
printf '%-42s %14s %14s\n' "errors" "$(field "$tag" errors)" "$(field "$static" errors)"
printf '%-42s %14s %14s\n' "server CPU ms per request" "$(field "$tag" server_cpu_ms_per_req)" "$(field "$static" server_cpu_ms_per_req)"
