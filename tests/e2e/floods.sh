#!/usr/bin/env bash
# Floods: 2,000 idle TLS connections, 150 Gemini and 50 Gopher clients
# sending a byte at a time (tests/bench/loadgen.c); a normal Gemini and a
# normal Gopher client are still served, every flood connection is held,
# and once the flood is gone the server holds few descriptors again.
# tests/run: alone
. "$(dirname "$0")/../lib.sh"
e2e_begin
LOADGEN=${LOADGEN:-build/loadgen}
sample_capsule
printf 'max_connections = 5000\nmax_connections_per_address = 5000\n' >"$work/flood.conf"
serve -c "$work/flood.conf"

flood() {	# flood NAME ARGS...: a loadgen in the background, its output in $work/NAME
	local name=$1
	shift
	# -H 50 is a deadline: the flood is released (SIGTERM) once the checks are done.
	"$LOADGEN" -h 127.0.0.1 -P "$pid" -H 50 "$@" >"$work/$name" 2>&1 &
	floods+=($!)
}
floods=()
flood idle -p "$port" -s localhost -I 2000
flood slow -p "$port" -s localhost -I 150 -S -u gemini://localhost/
flood gslow -T -p "$gport" -I 50 -S -u /
all_ready() {
	local f
	ready=0
	for f in idle slow gslow; do
		[[ $'\n'$(<"$work/$f") == *$'\n'READY* ]] && ready=$((ready + 1))
	done 2>/dev/null
	[ "$ready" -eq 3 ]
}
wait_until 30 all_ready
expect "all flood connections open" 3 "$ready"
expect "a normal Gemini client is served during the flood" "$GMI" "$(header "gemini://localhost/")"
expect_match "a normal Gopher client is served during the flood" "^iTest capsule" "$(curl -s "gopher://127.0.0.1:$gport/1/" | head -n 1)"
kill -TERM "${floods[@]}"
wait "${floods[@]}"
expect_match "idle connections held" "^RESULT idle=2000 errors=0 " "$(grep '^RESULT' "$work/idle")"
expect_match "slow clients held" "^RESULT idle=150 errors=0 " "$(grep '^RESULT' "$work/slow")"
# Once the flood is gone, so are its connections.
few_fds() { fds=$(fd_count); [ "$fds" -lt 64 ]; }
if wait_until 10 few_fds; then pass; else fail "server still holds $fds descriptors after the flood"; fi
alive "floods"
e2e_end
