#!/usr/bin/env bash
# Guestbook benchmark (issue 5), every figure beside its peer from the same run:
#  - durable appends per second with 64 writers, against what one fsync per
#    append allows on this disk (the same log directory, dd with O_DSYNC) and
#    against the same 64 clients fetching a small page: over Gopher, where
#    the guestbook is the only cost, and over Gemini with full and resumed
#    TLS handshakes, where the handshakes cost more than the append;
#  - the request rate of a review page with 1,000 responses, against a static
#    file of the same bytes.
# The server is pinned to core 0 and the load generator to core 1.
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
SECS=${SECS:-8}
. tests/lib.sh
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/capsule/reviews" "$work/state"
echo "# Bench capsule" >"$work/capsule/index.gmi"
{ echo "# A Film"; echo "Director: Someone"; echo; echo "A review."; } \
    >"$work/capsule/reviews/2026-01-01-film.gmi"
port=$(free_port)
gport=$(free_port)
taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g "$gport" -r "$work/capsule" \
    -d "$work/certs" -s "$work/state" -l "$work/log" -j 1 -c <(printf '%s\n' \
    'max_connections = 5000' 'max_connections_per_address = 5000' 'guestbook_limit = 1000000' \
    'guestbook_global = 10000000') &
pid=$!
wait_port "$port" && wait_port "$gport" || exit 1

run() { taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -P "$pid" "$@" | grep '^RESULT'; }
run_gopher() { taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "$gport" -P "$pid" "$@" | grep '^RESULT'; }
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "== one fsync per append: 500 appends of 200 bytes with O_DSYNC, same directory"
t0=$(date +%s.%N)
dd if=/dev/zero of="$work/state/dsync.test" bs=200 count=500 oflag=dsync status=none
t1=$(date +%s.%N)
dsync=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 500 / (b - a) }')
rm -f "$work/state/dsync.test"

echo "== 64 writers: small page, then durable appends, ${SECS} s each"
count() { grep -c '^entry' "$work/state/guestbook.log"; }
before=$(count)
run_gopher -u / -c 64 -d 2 >/dev/null	# warm-up: the first seconds after start run slow
g_page=$(run_gopher -u / -c 64 -d "$SECS")
g_appends=$(run_gopher -u "/guestbook/sign	gopher entry {n}" -c 64 -d "$SECS")
r_page=$(run -u gemini://localhost/ -R -c 64 -d "$SECS")
r_appends=$(run -u "gemini://localhost/guestbook/sign?resumed%20entry%20{n}" -e 30 -R -c 64 -d "$SECS")
page=$(run -u gemini://localhost/ -c 64 -d "$SECS")
appends=$(run -u "gemini://localhost/guestbook/sign?bench%20entry%20{n}" -e 30 -c 64 -d "$SECS")
stored=$(( $(count) - before ))
ok() { echo $(( $(field "$1" requests) - $(field "$1" errors) )); }
acked=$(( $(ok "$g_appends") + $(ok "$r_appends") + $(ok "$appends") ))

echo "== a review with 1,000 responses"
taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -c 64 -n 1000 -e 30 \
    -u "gemini://localhost/reviews/2026-01-01-film/respond?Response%20number%20{n}%2C%20with%20a%20few%20words%20about%20the%20film." >/dev/null
build/gemcli -s localhost -o "$work/capsule/static-copy.gmi" 127.0.0.1 "$port" \
    gemini://localhost/reviews/2026-01-01-film.gmi >/dev/null
responses=$(grep -c '^### ' "$work/capsule/static-copy.gmi")
size=$(stat -c %s "$work/capsule/static-copy.gmi")
review=$(run -u gemini://localhost/reviews/2026-01-01-film.gmi -R -c 20 -d "$SECS")
static=$(run -u gemini://localhost/static-copy.gmi -R -c 20 -d "$SECS")
kill "$pid"
wait "$pid" 2>/dev/null
pid=

printf '\n%-44s %12s %12s %8s\n' "64 writers" "appends/s" "peer" "ratio"
row() {	# row LABEL APPENDS PEER_RESULT_OR_NUMBER
	local a b
	a=$(field "$2" rps)
	b=$3
	[[ "$b" == RESULT* ]] && b=$(field "$b" rps)
	printf '%-44s %12s %12s %8s\n' "$1" "$a" "$b" "$(ratio "$a" "$b")"
}
row "gopher: vs one fsync per append (dd dsync)" "$g_appends" "$dsync"
row "gopher: vs small menu requests/s" "$g_appends" "$g_page"
row "gemini, resumed TLS: vs small page" "$r_appends" "$r_page"
row "gemini, full TLS: vs small page" "$appends" "$page"
printf '%-44s %12s %12s\n' "server CPU ms per append / per page: gopher" "$(field "$g_appends" server_cpu_ms_per_req)" "$(field "$g_page" server_cpu_ms_per_req)"
printf '%-44s %12s %12s\n' "  gemini resumed" "$(field "$r_appends" server_cpu_ms_per_req)" "$(field "$r_page" server_cpu_ms_per_req)"
printf '%-44s %12s %12s\n' "  gemini full" "$(field "$appends" server_cpu_ms_per_req)" "$(field "$page" server_cpu_ms_per_req)"
printf '%-44s %12s %12s %12s\n' "p99 ms (gopher, resumed, full)" "$(field "$g_appends" p99_ms)" "$(field "$r_appends" p99_ms)" "$(field "$appends" p99_ms)"
printf '%-44s %12s\n' "errors" "$(( $(field "$g_appends" errors) + $(field "$r_appends" errors) + $(field "$appends" errors) ))"
printf '%-44s %12s %12s\n' "acknowledged / records in the log" "$acked" "$stored"
printf '%-44s %12s %12s\n' "target: 2000 durable appends/s (gopher)" "$(field "$g_appends" rps)" "$(awk -v a="$(field "$g_appends" rps)" 'BEGIN { print (a >= 2000) ? "PASS" : "FAIL" }')"
printf '\n%-44s %12s %12s %8s\n' "review page, $responses responses, $size bytes" "review" "static" "ratio"
printf '%-44s %12s %12s %8s\n' "requests/s, resumed TLS, c=20" "$(field "$review" rps)" "$(field "$static" rps)" "$(ratio "$(field "$review" rps)" "$(field "$static" rps)")"
printf '%-44s %12s %12s\n' "server CPU ms per request" "$(field "$review" server_cpu_ms_per_req)" "$(field "$static" server_cpu_ms_per_req)"
printf '%-44s %12s %12s\n' "errors" "$(field "$review" errors)" "$(field "$static" errors)"
