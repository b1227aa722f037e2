#!/usr/bin/env bash
# Generated pages against static files (issue 19, goal 4): the home page, a
# tag page, a review with 1,000 responses and the guestbook's first page
# (the newest 100 of them), each beside a file of the same
# bytes under the root, served by the same server in the same run: the
# server's CPU per request over Gemini (resumed TLS, 20 in flight) and over
# Gopher (the page's Gopher form beside a .txt file of those bytes, which
# goes out as it is), in alternate rounds, with each round's ratio. The
# capsule has 1,000 generated reviews (tests/lib.sh bench_reviews); the
# responses are written by tests/recgen.c. The server runs on core 0, the
# load generator on core 1.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
SECS=${SECS:-4}
ROUNDS=${ROUNDS:-5}
N=${N:-1000}
bench_begin

slug=2026-01-01-film
mkdir -p "$work/capsule/static" "$work/certs" "$work/state"
echo "# Bench capsule" >"$work/capsule/index.gmi"
bench_reviews "$work/capsule/reviews" "$N"
{ echo "# A Film"; echo "Director: Someone"; echo "Tags: bench"; echo; echo "A review."; } \
    >"$work/capsule/reviews/$slug.gmi"
awk -v slug="$slug" 'BEGIN {
	for (i = 1; i <= 1000; i++)
		printf "entry\t%d\t%d\t%s\tReader %d\t\tResponse number %d, with a few words about the film.\t0\n",
		    1790000000 + 60 * i, i, slug, i % 97, i
}' | build/recgen >"$work/state/guestbook.log" || exit 1

port=$(free_port)
gport=$(free_port)
taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g "$gport" -r "$work/capsule" \
    -d "$work/certs" -s "$work/state" -l /dev/null -j 1 &
pid=$!
pids+=($pid)
wait_port "$port" && wait_port "$gport" || exit 1

# gopher_get SELECTOR FILE: the server's Gopher answer to SELECTOR, into FILE.
gopher_get() {
	exec 3<>"/dev/tcp/127.0.0.1/$gport" || return 1
	printf '%s\r\n' "$1" >&3
	cat <&3 >"$2"
	exec 3<&-
}

names=(home tag review guestbook)
paths=(/ /tags/noir/ "/reviews/$slug.gmi" /guestbook/)
for i in 0 1 2 3; do
	build/gemcli -s localhost -o "$work/capsule/static/${names[i]}.gmi" 127.0.0.1 "$port" \
	    "gemini://localhost${paths[i]}" >/dev/null || exit 1
	gopher_get "${paths[i]}" "$work/capsule/static/${names[i]}.txt" || exit 1
done

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo " to " hi }'; }
# cpu PROTO PATH: the server's CPU ms per request for a round of SECS.
cpu() {
	local res
	if [ "$1" = gemini ]; then
		res=$(taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "$port" -s localhost -R -c 20 -d "$SECS" \
		    -P "$pid" -u "gemini://localhost$2" | grep '^RESULT')
	else
		res=$(taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "$gport" -c 20 -d "$SECS" -P "$pid" \
		    -u "$2" | grep '^RESULT')
	fi
	[ "$(field "$res" errors)" = 0 ] || echo "errors in $1 $2: $res" >&2
	field "$res" server_cpu_ms_per_req
}

for ((r = 0; r < ROUNDS; r++)); do
	echo "== round $((r + 1)) of $ROUNDS"
	for i in 0 1 2 3; do
		for proto in gemini gopher; do
			ext=$([ $proto = gemini ] && echo gmi || echo txt)
			g=$(cpu $proto "${paths[i]}")
			s=$(cpu $proto "/static/${names[i]}.$ext")
			echo "$g" >>"$work/${names[i]}-$proto.page"
			echo "$s" >>"$work/${names[i]}-$proto.static"
			awk -v a="$g" -v b="$s" 'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }' \
			    >>"$work/${names[i]}-$proto.ratio"
		done
	done
done

printf '\n%-44s %10s %10s %10s  %s\n' "server CPU ms/request, median of $ROUNDS" "page" "static" "ratio" "ratio each round"
for i in 0 1 2 3; do
	for proto in gemini gopher; do
		k=${names[i]}-$proto
		ext=$([ $proto = gemini ] && echo gmi || echo txt)
		printf '%-44s %10s %10s %10s  %s\n' "$proto ${paths[i]} ($(stat -c %s "$work/capsule/static/${names[i]}.$ext") B)" \
		    "$(median <"$work/$k.page")" "$(median <"$work/$k.static")" "$(median <"$work/$k.ratio")" \
		    "$(range <"$work/$k.ratio")"
	done
done
echo
echo "target: each page at most 1.1 times its static file's CPU (median ratio)"
