#!/usr/bin/env bash
# An idle connection to PostgreSQL is watched: a record stored without a
# notification (one missed) reaches the pages by the idle re-read within
# seconds, with nothing else happening; and what the server sends the idle
# connection as it shuts down (pg_ctl -m fast) goes to marquee's log as a
# line of ours, never to stderr as libpq's own text.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_capsule
serve -c "$pgconf"
expect "a note" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?First%20note.")"
wait_page gemini://localhost/guestbook/ "First note." && pass || fail "the note is not on the page"

# Stored behind marquee's back: no NOTIFY, only the idle re-read finds it.
# A record with its checksum: entry 2 of a log file the owner's tool writes.
mkdir -p "$work/f" && : >"$work/f/guestbook.log"
"$MARQUEE" -r "$root" -s "$work/f" guestbook respond 2026-03-01-first "Ignored." >/dev/null
"$MARQUEE" -r "$root" -s "$work/f" guestbook respond 2026-03-01-first "Unnotified note." >/dev/null
rec=$(sed -n 2p "$work/f/guestbook.log")
expect_match "entry 2 of the file" "	2	.*Unnotified note\." "$rec"
pg_sql "$pg" "INSERT INTO $schema.records (id, record) VALUES (2, \$r\$$rec\$r\$)" >/dev/null
expect "the unnotified record is stored" 1 "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE record LIKE '%Unnotified%'")"
wait_page gemini://localhost/guestbook/ "Unnotified note." && pass || fail "the idle re-read did not find the unnotified record"

pg_stop "$pg" fast
wait_for "$log" "guestbook postgresql $schema: .*terminating connection"
expect_match "the shutdown's message is in our log" "info: guestbook postgresql $schema: FATAL: +terminating connection" "$(cat "$log")"
expect_no "libpq writes nothing to stderr" "terminating connection" "$(cat "$work/stderr.$port")"
stop
e2e_end
