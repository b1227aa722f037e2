#!/usr/bin/env bash
# PostgreSQL guestbook benchmark (issue 18), every figure beside its peer
# from the same run:
#  - durable appends per second with 64 writers (two load generators of 32,
#    over Gopher, where the append is the only cost) spread over two
#    instances sharing one postgresql:// guestbook (fsync and
#    synchronous_commit on, PostgreSQL's defaults), against the same 64
#    writers on two instances each with its own file log; in alternate
#    rounds, so that both see the same machine;
#  - cross-instance visibility: an entry written on A (its 30 back), then
#    the time until B's guestbook menu holds it, p50 and p99 over
#    $VISIBLE writes (tests/bench/gbvisible.c), against the time one fetch
#    of that menu takes (the resolution).
# The instances run on core 0 and the load generators on core 1;
# PostgreSQL goes where the scheduler puts it.
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
LOADGEN=${LOADGEN:-build/loadgen}
SECS=${SECS:-6}
ROUNDS=${ROUNDS:-3}
VISIBLE=${VISIBLE:-300}
. tests/lib.sh
bench_begin
passed=0 failed=0

mkdir -p "$work/capsule/reviews"
echo "# Bench capsule" >"$work/capsule/index.gmi"
{ echo "# A Film"; echo "Director: Someone"; echo; echo "A review."; } \
    >"$work/capsule/reviews/2026-01-01-film.gmi"
limits='max_connections = 5000
max_connections_per_address = 5000
guestbook_limit = 1000000
guestbook_global = 10000000'
echo "$limits" >"$work/file.conf"
pg=$work/pg
pg_start "$pg"
schema=marquee_localhost
{ echo "$limits"; echo "guestbook = $(pg_uri "$pg")"; } >"$work/pg.conf"

declare -A gport spid
# start NAME CONF: an instance on core 0, Gopher on ${gport[NAME]}.
start() {
	local p g
	p=$(free_port)
	g=$(free_port)
	taskset -c 0 "$MARQUEE" -H localhost -a 127.0.0.1 -p "$p" -g "$g" -r "$work/capsule" \
	    -d "$work/certs" -s "$work/state.$1" -l "$work/log.$1" -j 1 -c "$2" &
	pids+=($!)
	spid[$1]=$!
	gport[$1]=$g
	wait_port "$g" || { echo "instance $1 did not start: $(tail -n 3 "$work/log.$1")"; exit 1; }
}
start fa "$work/file.conf"
start fb "$work/file.conf"
start pa "$work/pg.conf"
start pb "$work/pg.conf"

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# writers A B TAG SECS: 32 writers on each of instances A and B at once for
# SECS; prints "appends/s p99_ms errors acknowledged".
writers() {
	taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "${gport[$1]}" -P "${spid[$1]}" -c 32 -d "$4" \
	    -u $'/guestbook/sign\t'"$3 $1 {n}" | grep '^RESULT' >"$work/w.$1" &
	local l=$!
	taskset -c 1 "$LOADGEN" -T -h 127.0.0.1 -p "${gport[$2]}" -P "${spid[$2]}" -c 32 -d "$4" \
	    -u $'/guestbook/sign\t'"$3 $2 {n}" | grep '^RESULT' >"$work/w.$2"
	wait "$l"
	local a b
	a=$(<"$work/w.$1") b=$(<"$work/w.$2")
	awk -v ra="$(field "$a" rps)" -v rb="$(field "$b" rps)" -v pa="$(field "$a" p99_ms)" -v pb="$(field "$b" p99_ms)" \
	    -v ea="$(field "$a" errors)" -v eb="$(field "$b" errors)" -v na="$(field "$a" requests)" -v nb="$(field "$b" requests)" \
	    'BEGIN { printf "%.0f %s %d %d\n", ra + rb, (pa > pb ? pa : pb), ea + eb, na + nb - ea - eb }'
}
file_entries() { cat "$work"/state.f[ab]/guestbook.log | grep -c '^entry'; }
pg_entries() { pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE id > 0"; }

echo "== warm-up, 2 s each"
writers fa fb warm 2 >/dev/null
writers pa pb warm 2 >/dev/null
f_before=$(file_entries)
p_before=$(pg_entries)
f_acked=0 p_acked=0
for ((r = 1; r <= ROUNDS; r++)); do
	echo "== round $r of $ROUNDS: 64 writers, file logs then PostgreSQL, ${SECS} s each"
	f[r]=$(writers fa fb "file r$r" "$SECS")
	p[r]=$(writers pa pb "pg r$r" "$SECS")
	f_acked=$((f_acked + $(echo "${f[r]}" | cut -d' ' -f4)))
	p_acked=$((p_acked + $(echo "${p[r]}" | cut -d' ' -f4)))
	echo "   file: ${f[r]}   postgresql: ${p[r]}   (appends/s p99_ms errors acknowledged)"
done
f_stored=$(( $(file_entries) - f_before ))
p_stored=$(( $(pg_entries) - p_before ))
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
col() { local i out=(); for ((i = 1; i <= ROUNDS; i++)); do out+=("$(eval "echo \${$1[i]}" | cut -d' ' -f"$2")"); done; median "${out[@]}"; }

echo "== visibility: $VISIBLE entries written on A, waited for on B"
vis=$(build/gbvisible 127.0.0.1 "${gport[pa]}" "${gport[pb]}" "$VISIBLE" "visible" | grep '^RESULT')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '\n%-52s %12s %12s %8s\n' "64 writers on two instances (median of $ROUNDS)" "postgresql" "file logs" "ratio"
printf '%-52s %12s %12s %8s\n' "durable appends/s" "$(col p 1)" "$(col f 1)" "$(ratio "$(col p 1)" "$(col f 1)")"
printf '%-52s %12s %12s\n' "p99 ms" "$(col p 2)" "$(col f 2)"
printf '%-52s %12s %12s\n' "errors (all rounds)" "$(for i in "${!p[@]}"; do echo "${p[i]}"; done | awk '{ s += $3 } END { print s }')" \
    "$(for i in "${!f[@]}"; do echo "${f[i]}"; done | awk '{ s += $3 } END { print s }')"
printf '%-52s %12s %12s\n' "acknowledged / stored" "$p_acked/$p_stored" "$f_acked/$f_stored"
printf '%-52s %12s\n' "goal: 2000 durable appends/s on PostgreSQL" "$(awk -v a="$(col p 1)" 'BEGIN { print (a >= 2000) ? "met" : "not met" }')"
printf '\n%-52s %12s %12s\n' "visible on B after A's 30, $(field "$vis" n) entries" "p50 ms" "p99 ms"
printf '%-52s %12s %12s\n' "time until on B's menu (max $(field "$vis" max_ms) ms)" "$(field "$vis" p50_ms)" "$(field "$vis" p99_ms)"
printf '%-52s %12s\n' "peer: one fetch of B's menu, ms" "$(field "$vis" fetch_ms)"
printf '%-52s %12s\n' "errors, lost (not seen in 10 s)" "$(field "$vis" errors), $(field "$vis" lost)"
