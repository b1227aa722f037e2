#!/usr/bin/env bash
# tests/run: slow
# 100 reloads do not grow the server: each replaced set of hosts is freed
# once its connections are gone. VmRSS after 100 reloads stays within a
# small slack of VmRSS after 10, and (ASan build) LeakSanitizer finds
# nothing at exit.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/beta"
printf '# Beta home\n' >"$work/beta/index.gmi"
port=$(free_port)
conf=$work/hosts.conf
# Every other reload adds or removes c.test and changes a.test's lang, so
# sets are rebuilt and hosts opened and freed, not only kept.
# Written with printf, a builtin: 100 times, a process each would count.
write_conf() {
	{ first_host_conf "$root" 0
	  printf 'sandbox = no\nlang = %s\n\n[b.test]\nroot = %s\n%s\n' "$1" "$work/beta" "$2"
	} >"$conf"
}
write_conf en ""
# ASan holds freed memory in quarantine (256 MB) before reusing it: without
# one, what the sets free is reused as it would be in the plain build.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
serve_conf "$conf"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
cycle() {	# cycle N: reloads N times, fetching a page after each
	local i
	for ((i = 1; i <= $1; i++)); do
		if [ $((i % 2)) = 0 ]; then write_conf en ""; else write_conf fr "[c.test]
root = $work/beta
guestbook = $work/state/c-$i.log"; fi
		reload || { fail "reload $i: $(grep reload "$log" | tail -n 1)"; return; }
		gem "gemini://a.test/" -s a.test >/dev/null
	done
}
cycle 10
after10=$(rss)
cycle 90
after100=$(rss)
echo "   VmRSS after 10 reloads: $after10 kB, after 100: $after100 kB"
# Allocator caches and TLS session caches may move a little; 100 leaked
# sets of three hosts (their indexes, guestbooks, TLS contexts) would not.
if [ "$after100" -le $((after10 + 2048)) ]; then pass; else
	fail "VmRSS grew from $after10 kB to $after100 kB over 90 reloads"
fi
expect "100 reloads logged" 100 "$(grep -c "reloaded configuration and certificates" "$log")"
expect "a.test's index never rebuilt" 1 "$(grep -c "index: a\.test: " "$log")"
stop
expect "exit status after the reloads" 0 "$stop_status"
expect "every replaced set freed by the exit" 0 "$(grep -c "still in use" "$log")"
e2e_end
