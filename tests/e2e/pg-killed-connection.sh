#!/usr/bin/env bash
# tests/run: slow
# PostgreSQL ends marquee's sessions (pg_terminate_backend, as an admin or
# a failover would) again and again while clients append through two
# instances: readers are never blocked (every page answers between the
# kills), every append gets an answer, 30 or `40 guestbook temporarily
# unavailable`, every one acknowledged (30) is in the table and none is
# there twice; afterwards both take appends again, without a restart, and
# show the same guestbook.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two

load_both 12 40 killed
kills=0
rows=0
# Up to 6 times, each once 20 more entries are in the table: every session
# of marquee's role ended, then a page from each instance.
while [ "$kills" -lt 6 ] && kill -0 "$loada" 2>/dev/null; do
	within 20 eval '[ "$(pg_rows "entry%")" -ge $((rows + 20)) ]' || break
	ended=$(pg_sql "$pg" "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'marquee'")
	[ "$ended" -gt 0 ] && kills=$((kills + 1))
	rows=$(pg_rows "entry%")
	for name in a b; do
		on $name
		expect_match "kill $kills: $name serves its guestbook" "^20 " "$(header gemini://localhost/guestbook/)"
	done
done
echo "   ended marquee's sessions $kills times during the load"
if [ "$kills" -ge 2 ]; then pass; else fail "sessions ended only $kills times during the load"; fi
wait "$loada" "$loadb"
for name in a b; do
	answered_all $name 480
	acked_all $name killed
done

for name in a b; do
	on $name
	within 15 header_is "30 gemini://localhost:$port/guestbook/" "gemini://localhost/guestbook/sign?$name%20after%20the%20kills" &&
	    pass || fail "$name takes no append after the kills"
done
newest=$(pg_sql "$pg" "SELECT max(id) FROM $schema.records")
for name in a b; do
	on $name
	wait_page gemini://localhost/guestbook/ "Permalink of entry $newest" && pass || fail "$name does not show entry $newest"
done
e2e_end
