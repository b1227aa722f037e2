#!/usr/bin/env bash
# tests/run: slow
# kill -9 of one of two instances sharing a postgresql:// guestbook while
# many clients append through both: every entry acknowledged (30) by either
# is in the table, none twice; the other instance serves on and shows the
# entries the dead one committed; the killed one, started again, catches up
# by sequence number and shows the same guestbook as the other.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two

load_both 10 60 from
# Mid-load: once 150 of A's entries are in the table (or 20 s passed).
within 20 eval '[ "$(pg_rows "%from a %")" -ge 150 ]'
instance_kill a
wait "$loada" "$loadb"
echo "   $(grep -c '^[^ ]* 30 ' "$work/a.out") of A's and $(grep -c '^[^ ]* 30 ' "$work/b.out") of B's appends acknowledged; A killed"
if [ "$(grep -c '^[^ ]* 30 ' "$work/a.out")" -gt 0 ]; then pass; else fail "A acknowledged nothing before kill -9"; fi
acked_all a from
acked_all b from

# B shows the newest entry of the table, whoever wrote it.
newest=$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE id > 0 ORDER BY id DESC LIMIT 1")
on b
wait_page gemini://localhost/guestbook/ "Permalink of entry $newest" && pass || fail "B does not show the newest entry $newest"
alive "B, after A's kill -9"

# A again, on its old state directory: it catches up and agrees with B.
instance a -c "$pgconf"
wait_page gemini://localhost/guestbook/ "Permalink of entry $newest" && pass || fail "A restarted does not show entry $newest"
gem gemini://localhost/guestbook/ >/dev/null
a_page=$(sed "s/:$port\\b/:PORT/g" "$work/body")
on b
gem gemini://localhost/guestbook/ >/dev/null
expect "A restarted shows the guestbook B shows" "$a_page" "$(sed "s/:$port\\b/:PORT/g" "$work/body")"
gem gemini://localhost/guestbook/atom.xml >/dev/null
expect "B's feed holds the newest 50" 50 "$(grep -c '<entry>' "$work/body")"
e2e_end
