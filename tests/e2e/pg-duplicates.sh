#!/usr/bin/env bash
# The duplicate rule holds across instances sharing a postgresql://
# guestbook, enforced by the database, not by each process: the same text
# from the same client through A then B within a minute is one entry (both
# answered 30, as one instance answers a duplicate), also when both arrive
# at once; the same text from another client, or in reply to another
# entry, is its own entry; a like sent twice through each instance counts
# once, in the table and on both pages.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two
back=reviews/2026-03-01-first.gmi
client_cert fan fan

# rows TEXT: how many entry rows hold TEXT.
rows() { pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE record LIKE E'entry\\t%' AND record LIKE '%$1%'"; }

on a
expect "the text through A" "30 gemini://localhost:$port/$back" "$(header "$first/respond?Same%20words%20twice.")"
on b
expect "the same text through B" "30 gemini://localhost:$port/$back" "$(header "$first/respond?Same%20words%20twice.")"
expect "one entry in the table" 1 "$(rows "Same words twice.")"
gem "$first.gmi" >/dev/null
expect "one entry on B's page" 1 "$(grep -c '^> Same words twice\.$' "$work/body")"
on a
gem "$first.gmi" >/dev/null
expect "one entry on A's page" 1 "$(grep -c '^> Same words twice\.$' "$work/body")"

# At once through both: whichever commits first, one row.
( on a; header "gemini://localhost/guestbook/sign?Racing%20note." >"$work/race.a" ) &
racer=$!
( on b; header "gemini://localhost/guestbook/sign?Racing%20note." >"$work/race.b" ) &
wait "$racer" $!
expect_match "both racers answered 30" "^30 .*\|30 " "$(cat "$work/race.a")|$(cat "$work/race.b")"
expect "one row for the race" 1 "$(rows "Racing note.")"

# Not duplicates: another client (a certificate), or a reply to another entry.
on b
expect "the same text from another client" "30 gemini://localhost:$port/$back" \
    "$(header "$first/respond?Same%20words%20twice." -c "$work/fan.crt" -k "$work/fan.key")"
expect "is its own entry" 2 "$(rows "Same words twice.")"
ids=($(pg_sql "$pg" "SELECT id FROM $schema.records WHERE id > 0 ORDER BY id"))
on a
expect "a reply to the first entry" "30 gemini://localhost:$port/$back" "$(header "$first/responses/${ids[0]}/reply?Me%20too.")"
on b
expect "the same reply to another entry" "30 gemini://localhost:$port/$back" "$(header "$first/responses/${ids[2]}/reply?Me%20too.")"
expect "two replies" 2 "$(rows "Me too.")"

# A like twice through each instance: one row, one like.
for i in a b a b; do
	on $i
	expect "the like through $i" "30 gemini://localhost:$port/$back" "$(s_client_as fan "$first/like")"
done
expect "one like row" 1 "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE record LIKE E'like\\t%'")"
for i in a b; do
	on $i
	wait_page "$first.gmi" $'\n1 like\n' && pass || fail "$i does not count 1 like"
done
e2e_end
