#!/usr/bin/env bash
# Conversations benchmark (issue 14), every figure beside its peer from the
# same run:
#  - a review with 1,000 responses in threads (depths 0 to 5) and 10,000
#    likes, against the same review with the same 1,000 responses flat and
#    no likes: the time to build its Gemini page (in-process, tests/bench/
#    pagebench.c: no TLS in the figure; the same threads without the likes
#    too), the server's CPU per request over Gemini, and the server's
#    memory over one with an empty guestbook;
#  - durable appends per second with 64 writers through guestbook_submit
#    (tests/bench/gbappend.c): new responses only, against a mix of
#    responses, replies and likes, in alternate rounds; then the server
#    itself over Gopher with 64 clients in two load generators, responses
#    only against half responses and half replies (likes need a
#    certificate: Gemini only).
# Logs are written by tests/recgen.c. Servers and the appenders run on
# core 0, the load generator on core 1.
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
SECS=${SECS:-8}
ROUNDS=${ROUNDS:-5}
# The disk's sync time, shared with whatever else runs, sets the append
# rate: short rounds in pairs, each pair's ratio read on its own.
PAIRS=${PAIRS:-15}
PAIR_SECS=${PAIR_SECS:-2}
BUILDS=${BUILDS:-300}
. tests/lib.sh
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
slug=2026-01-01-film
url=gemini://localhost/reviews/$slug.gmi

mkdir -p "$work/capsule/reviews" "$work/certs"
echo "# Bench capsule" >"$work/capsule/index.gmi"
{ echo "# A Film"; echo "Director: Someone"; echo; echo "A review."; } >"$work/capsule/reviews/$slug.gmi"

# spec flat|threads|threaded: recgen's input for the review's 1,000
# responses. In threads, each group of eight is a root, a chain of five
# replies under it (depths 1 to 5), and two more replies at depths 1 and 2;
# threaded is threads with 10,000 likes from distinct certificates.
spec() {
	awk -v threads="$([ "$1" = flat ] && echo 0 || echo 1)" -v likes="$([ "$1" = threaded ] && echo 10000 || echo 0)" \
	    -v slug="$slug" 'BEGIN {
		srand(14)
		for (i = 1; i <= 1000; i++) {
			g = (i - 1) % 8
			parent = !threads || g == 0 ? 0 : g <= 5 ? i - 1 : i - 6
			printf "entry\t%d\t%d\t%s\tReader %d\t\tResponse number %d, with a few words about the film.\t%d\n",
			    1790000000 + 60 * i, i, slug, i % 97, i, parent
		}
		for (i = 1; i <= likes; i++) {
			fp = ""
			for (j = 0; j < 8; j++)
				fp = fp sprintf("%08x", int(rand() * 4294967296))
			printf "like\t%d\t0\t%s\t\t%s\t\n", 1790100000 + i, slug, fp
		}
	}'
}
for kind in empty flat threads threaded; do
	mkdir -p "$work/$kind"
	if [ $kind = empty ]; then : >"$work/$kind/guestbook.log"; else spec $kind | build/recgen >"$work/$kind/guestbook.log" || exit 1; fi
done
echo "== logs: flat $(wc -l <"$work/flat/guestbook.log") records, threads $(wc -l <"$work/threads/guestbook.log"), threaded $(wc -l <"$work/threaded/guestbook.log")"

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "== page builds: $ROUNDS rounds of $BUILDS, flat, threads and threaded in turn"
for ((r = 0; r < ROUNDS; r++)); do
	for kind in flat threads threaded; do
		res=$(taskset -c 0 build/pagebench "$work/capsule" "$work/$kind/guestbook.log" "$work/certs" "$url" "$BUILDS" 2>/dev/null | grep '^RESULT')
		# The page is made by the first build (the index keeps it); the rest are served as kept.
		echo "$(field "$res" us_first)" >>"$work/$kind.us"
		echo "$(field "$res" us_median)" >>"$work/$kind.kept"
		echo "$res" >"$work/$kind.page"
	done
done

# serve KIND: a server for the capsule with KIND's log; its pid in ${pids[KIND]}, port in port_KIND.
declare -A pid_of port_of
serve_kind() {
	local p
	p=$(free_port)
	taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$p" -g 0 -r "$work/capsule" -d "$work/certs" \
	    -s "$work/$1" -l "$work/$1.serverlog" -j 1 &
	pid_of[$1]=$!
	port_of[$1]=$p
	pids+=($!)
	wait_port "$p" || exit 1
	build/gemcli -s localhost -o /dev/null 127.0.0.1 "$p" "$url" >/dev/null
}
for kind in empty flat threaded; do serve_kind $kind; done
rss() { awk '/^VmRSS/ { print $2 }' "/proc/${pid_of[$1]}/status"; }
for kind in empty flat threaded; do eval "rss_$kind=$(rss $kind)"; done
echo "== Gemini review page, resumed TLS, 20 in flight: $ROUNDS rounds of ${SECS} s, flat and threaded in turn"
run() { taskset -c 1 "$LOADGEN" -h 127.0.0.1 -p "${port_of[$1]}" -s localhost -P "${pid_of[$1]}" -u "$url" -R -c 20 -d "$SECS" | grep '^RESULT'; }
for ((r = 0; r < ROUNDS; r++)); do
	for kind in flat threaded; do
		res=$(run $kind)
		echo "$(field "$res" server_cpu_ms_per_req)" >>"$work/$kind.cpu"
		echo "$(field "$res" rps)" >>"$work/$kind.rps"
		echo "$(field "$res" errors)" >>"$work/$kind.errors"
	done
done
kill "${pid_of[flat]}" "${pid_of[threaded]}"

echo "== appends, 64 writers: $PAIRS pairs of ${PAIR_SECS} s rounds, entries then mix"
for ((r = 0; r < PAIRS; r++)); do
	for mode in entries mix; do
		log=$work/append-$mode-$r.log
		res=$(taskset -c 0 build/gbappend "$log" $mode "$PAIR_SECS" 64 2>/dev/null | grep '^RESULT')
		echo "$(field "$res" rps)" >>"$work/$mode.rps"
		echo "$(field "$res" cpu_us_per_append)" >>"$work/$mode.cpu"
		# Every acknowledged record is in the log: entries (replies among them) and likes.
		echo "$(( $(field "$res" entries) + $(field "$res" replies) )) $(grep -c '^entry' "$log") $(field "$res" likes) $(grep -c '^like' "$log") $(field "$res" errors)" >>"$work/$mode.acked"
		rm -f "$log"
	done
done
echo "== the server over Gopher, 64 clients: $PAIRS pairs of ${PAIR_SECS} s rounds, responses then a mix"
gopher_port=$(free_port)
taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$(free_port)" -g "$gopher_port" -r "$work/capsule" -d "$work/certs" \
    -s "$work/gopher" -l "$work/gopher.serverlog" -j 1 -c <(printf '%s\n' 'max_connections = 5000' \
    'max_connections_per_address = 5000' 'guestbook_limit = 1000000' 'guestbook_global = 10000000') &
gopher_pid=$!
pids+=($gopher_pid)
wait_port "$gopher_port" || exit 1
# gopher CLIENTS SELECTOR: a run of PAIR_SECS on the Gopher server.
gopher() { taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "$gopher_port" -P "$gopher_pid" -c "$1" -d "$PAIR_SECS" -u "$2" | grep '^RESULT'; }
respond="/reviews/$slug/respond	gopher response"
# 1,000 responses for the replies to answer, ids 1 to 1,000.
taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "$gopher_port" -c 16 -n 1000 -u "$respond {n}" >/dev/null
# halves KIND SELECTOR: two load generators of 32 clients at once, one
# responding, one sending SELECTOR; their rate and errors summed go to
# $work/gopher-KIND. Both kinds of round have the same two processes.
halves() {
	local res
	gopher 32 "$respond $1.$r.{n}" >"$work/half" &
	res=$(gopher 32 "$2")
	wait $!
	echo "$(( $(field "$res" rps) + $(field "$(cat "$work/half")" rps) )) $(( $(field "$res" errors) + $(field "$(cat "$work/half")" errors) ))" >>"$work/gopher-$1"
}
for ((r = 0; r < PAIRS; r++)); do
	halves entries "$respond $r.{n} too"
	# Replies to one of the first 1,000 responses.
	halves mix "/reviews/$slug/responses/{n%1000}/reply	gopher reply $r.{n}"
done

flat_us=$(median <"$work/flat.us")
threads_us=$(median <"$work/threads.us")
threaded_us=$(median <"$work/threaded.us")
page() { field "$(cat "$work/$1.page")" bytes; }
printf '\n%-46s %12s %12s %8s\n' "a review, 1,000 responses" "threaded" "flat" "ratio"
printf '%-46s %12s %12s\n' "  likes" 10000 0
printf '%-46s %12s %12s %8s\n' "page build us (first build), median of $ROUNDS" "$threaded_us" "$flat_us" "$(ratio "$threaded_us" "$flat_us")"
printf '%-46s %12s %12s\n' "  each round" "$(paste -sd ' ' "$work/threaded.us")" "$(paste -sd ' ' "$work/flat.us")"
printf '%-46s %12s %12s %8s\n' "  the same threads without likes" "$threads_us" "$flat_us" "$(ratio "$threads_us" "$flat_us")"
printf '%-46s %12s %12s\n' "page served as kept us, median of $ROUNDS medians" "$(median <"$work/threaded.kept")" "$(median <"$work/flat.kept")"
printf '%-46s %12s %12s %8s\n' "page bytes" "$(page threaded)" "$(page flat)" "$(ratio "$(page threaded)" "$(page flat)")"
for kind in flat threaded; do
	eval "${kind}_cpu=$(median <"$work/$kind.cpu") ${kind}_rps=$(median <"$work/$kind.rps")"
done
printf '%-46s %12s %12s %8s\n' "server CPU ms per request, resumed TLS, median" "$threaded_cpu" "$flat_cpu" "$(ratio "$threaded_cpu" "$flat_cpu")"
printf '%-46s %12s %12s\n' "  each round" "$(paste -sd ' ' "$work/threaded.cpu")" "$(paste -sd ' ' "$work/flat.cpu")"
printf '%-46s %12s %12s %8s\n' "requests/s, median" "$threaded_rps" "$flat_rps" "$(ratio "$threaded_rps" "$flat_rps")"
sum() { awk '{ s += $1 } END { print s + 0 }' "$1"; }
printf '%-46s %12s %12s\n' "errors" "$(sum "$work/threaded.errors")" "$(sum "$work/flat.errors")"
printf '%-46s %12s %12s %8s\n' "server RSS KiB (empty guestbook: $rss_empty)" "$rss_threaded" "$rss_flat" "$(ratio "$rss_threaded" "$rss_flat")"
printf '%-46s %12s %12s %8s\n' "  over the empty guestbook" "$((rss_threaded - rss_empty))" "$((rss_flat - rss_empty))" \
    "$(ratio "$((rss_threaded - rss_empty))" "$((rss_flat - rss_empty))")"

entries_rps=$(median <"$work/entries.rps")
mix_rps=$(median <"$work/mix.rps")
pair_ratio=$(paste "$work/mix.rps" "$work/entries.rps" | awk '{ printf "%.3f\n", ($2 > 0 ? $1 / $2 : 0) }' | median)
printf '\n%-46s %12s %12s %8s\n' "64 writers, durable appends" "mix" "entries" "ratio"
printf '%-46s %12s %12s %8s\n' "appends/s, median of $PAIRS rounds of ${PAIR_SECS} s" "$mix_rps" "$entries_rps" "$(ratio "$mix_rps" "$entries_rps")"
printf '%-46s %12s\n' "  median of the pairs' ratios" "$pair_ratio"
printf '%-46s %12s %12s %8s\n' "CPU us per append, median" "$(median <"$work/mix.cpu")" "$(median <"$work/entries.cpu")" \
    "$(ratio "$(median <"$work/mix.cpu")" "$(median <"$work/entries.cpu")")"
printf '%-46s %12s\n' "target: mix within 10% of entries" "$(awk -v r="$pair_ratio" 'BEGIN { print (r >= 0.9) ? "PASS" : "FAIL" }')"
# acked entries, entries in the log, acked likes, likes in the log, errors
lost=$(cat "$work/entries.acked" "$work/mix.acked" | awk '{ if ($1 != $2 || $3 != $4 || $5 != 0) bad++ } END { print bad + 0 }')
printf '%-46s %12s\n' "rounds where the log differs from the acks" "$lost"
printf '%-46s %12s\n' "records acknowledged, all rounds" "$(cat "$work/entries.acked" "$work/mix.acked" | awk '{ s += $1 + $3 } END { print s }')"

g_entries=$(cut -d' ' -f1 "$work/gopher-entries" | median)
g_mix=$(cut -d' ' -f1 "$work/gopher-mix" | median)
g_ratio=$(paste -d' ' "$work/gopher-mix" "$work/gopher-entries" | awk '{ printf "%.3f\n", ($3 > 0 ? $1 / $3 : 0) }' | median)
printf '\n%-46s %12s %12s %8s\n' "the server over Gopher, 64 clients" "mix" "responses" "ratio"
printf '%-46s %12s %12s %8s\n' "appends/s, median of $PAIRS rounds of ${PAIR_SECS} s" "$g_mix" "$g_entries" "$(ratio "$g_mix" "$g_entries")"
printf '%-46s %12s\n' "  median of the pairs' ratios" "$g_ratio"
printf '%-46s %12s %12s\n' "errors" "$(awk '{ s += $2 } END { print s + 0 }' "$work/gopher-mix")" \
    "$(awk '{ s += $2 } END { print s + 0 }' "$work/gopher-entries")"
printf '%-46s %12s\n' "records in the server's log" "$(grep -c '^entry' "$work/gopher/guestbook.log")"
