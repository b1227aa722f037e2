#!/usr/bin/env bash
# A postgresql:// guestbook is append-only in the database itself: UPDATE,
# DELETE and TRUNCATE of the records table are refused with an error saying
# "append-only", as marquee's own role and as the superuser, and the rows
# stay as they were. A role with only the README's grants, read from the
# README (CONNECT; USAGE on the schema; SELECT and INSERT on records;
# SELECT on version; USAGE on entry_ids; EXECUTE on ids_past), on a schema
# another role made, runs marquee: its appends are saved, and it cannot
# change a row. A role with only USAGE on the schema cannot run ids_past.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_one
client_cert fan fan
expect "a response" "$back" "$(header "$first/respond?Keep%20me.")"
expect "a like" "$back" "$(s_client_as fan "$first/like")"
expect "a hide" "entry 1 hidden" "$("$MARQUEE" -c "$pgconf" guestbook hide 1 2>&1)"
digest() { pg_sql "$pg" "SELECT count(*) || ' ' || md5(string_agg(seq || ' ' || id || ' ' || record, '|' ORDER BY seq)) FROM $schema.records"; }
before=$(digest)

for role in marquee postgres; do
	for sql in "UPDATE $schema.records SET record = 'rewritten'" \
	    "UPDATE $schema.records SET id = id + 100 WHERE id > 0" \
	    "DELETE FROM $schema.records" "DELETE FROM $schema.records WHERE id = 1" \
	    "TRUNCATE $schema.records"; do
		out=$(pg_sql "$pg" "$sql" marquee "$role" 2>&1)
		expect "as $role: $sql fails" 1 $?
		expect_match "as $role: $sql: append-only" "append-only" "$out"
	done
done
expect "every row as it was" "$before" "$(digest)"

# The README's grants, as it gives them, for a role that only appends and reads.
grants=$(sed -n '/^### The guestbook in PostgreSQL/,/^### /p' "$(dirname "$0")/../../README.md" |
    sed -n 's/^    \(GRANT .* TO \)marquee;$/\1writer;/p' | sed "s/marquee_films_example_org/$schema/g")
expect_match "the README gives the grants" "EXECUTE ON FUNCTION $schema.ids_past" "$grants"
pg_sql "$pg" "CREATE ROLE writer LOGIN; $grants"
# A role that may only use the schema cannot move the sequence to its end.
pg_sql "$pg" "CREATE ROLE nobody LOGIN; GRANT CONNECT ON DATABASE marquee TO nobody;
	GRANT USAGE ON SCHEMA $schema TO nobody;"
expect_match "a role without the grant may not run ids_past" "permission denied" \
    "$(pg_sql "$pg" "SELECT $schema.ids_past(9223372036854775000)" marquee nobody 2>&1)"
sed "s/user=marquee/user=writer/" "$pgconf" >"$work/writer.conf"
instance w -c "$work/writer.conf"
expect "the writer role appends" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?By%20the%20writer.")"
expect "its entry is a row" 1 "$(pg_rows "%By the writer.%")"
expect_match "it may not rewrite a row" "permission denied|append-only" \
    "$(pg_sql "$pg" "UPDATE $schema.records SET record = 'x'" marquee writer 2>&1)"
gem "$first.gmi" >/dev/null
expect_no "it shows the hidden entry hidden" "Keep me." "$(cat "$work/body")"
expect_match "and the like" $'\n1 like\n' "$(cat "$work/body"; echo)"
e2e_end
