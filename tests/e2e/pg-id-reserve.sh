#!/usr/bin/env bash
# Each instance takes entry ids ahead from the sequence (its reserve), so
# an import while it runs may bring in an id the instance holds: its next
# batch is refused by the table's unique ids, and it tries once more with
# fresh ids from the sequence (which the import moved past its ids), so
# the reader still gets 30, the entry is stored once under a new id, and
# the imported entry keeps its own.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_one
expect "a first response" "$back" "$(header "$first/respond?Before%20the%20import.")"
expect "it is entry 1" 1 "$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE record LIKE '%Before the import.%'")"
# An export holding entry 2, which instance a holds in its reserve.
"$MARQUEE" -c "$pgconf" guestbook export | grep '^{"id":1,' |
    sed 's/^{"id":1,/{"id":2,/; s/Before the import\./Imported as 2./' >"$work/two.json"
expect "the export holds entry 2" 1 "$(grep -c '^{"id":2,.*Imported as 2\.' "$work/two.json")"
"$MARQUEE" -c "$pgconf" guestbook import "$work/two.json" >"$work/import.out" 2>&1
expect "the import" 0 $?
expect "entry 2 is the imported one" 1 "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE id = 2 AND record LIKE '%Imported as 2.%'")"
expect "a response after the import" "$back" "$(header "$first/respond?After%20the%20import.")"
id=$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE record LIKE '%After the import.%'")
expect "stored once" 1 "$(pg_rows "%After the import.%")"
[ "${id:-0}" -gt 2 ] && pass || fail "the response after the import has id [$id]"
wait_page "$first.gmi" "> Imported as 2." && pass || fail "the imported entry is not on the page"
gem "$first.gmi" >/dev/null
expect_match "and the response after it" "> After the import\." "$(cat "$work/body")"
e2e_end
