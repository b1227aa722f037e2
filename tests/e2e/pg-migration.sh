#!/usr/bin/env bash
# tests/run: slow
# Moving a guestbook between backends: a file guestbook with responses, a
# note, replies (a reader's and the owner's), likes, a hidden entry and bans
# of a certificate and an address is exported (marquee guestbook export),
# imported into PostgreSQL twice (the second import adds nothing), served
# from there with the same pages (Gemini and Gopher, feeds included) and
# the ban still in force, exported again (the same export), and imported
# into a fresh file log (twice), whose export is the same once more.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
first=gemini://localhost/reviews/2026-03-01-first
client_cert alice alice
client_cert bob bob

# conf_for NAME [LINE]: $work/NAME.conf, the capsule with state
# $work/state.NAME and LINE, the rate limits out of the way.
conf_for() {
	printf 'root = %s\nstate = %s\nguestbook_limit = 1000\nguestbook_global = 100000\n%s\n' \
	    "$root" "$work/state.$1" "${2:-}" >"$work/$1.conf"
}
# gb NAME ARGS...: the owner command "marquee -c $work/NAME.conf guestbook ARGS".
gb() { local name=$1; shift; timeout 20 "$MARQUEE" -c "$work/$name.conf" guestbook "$@" 2>>"$work/stderr.owner"; }
# snapshot FILE: the pages and menus that show the guestbook, from the
# server on $port, into FILE, each port written PORT.
snapshot() {
	local url
	for url in "$first.gmi" "$first/atom.xml" gemini://localhost/guestbook/ gemini://localhost/guestbook/atom.xml \
	    "$first/responses/1" "$first/responses/2" gemini://localhost/guestbook/notes/3; do
		echo "== $url $(header "$url")"
		cat "$work/body"
	done
	for url in 1/reviews/2026-03-01-first/ 1/guestbook/; do
		echo "== gopher $url"
		curl -s "gopher://127.0.0.1:$gport/$url"
	done
} >"$1.raw"
normalize() { sed "s/:$port\\b/:PORT/g; s/	$gport\\r\$/	PORT\\r/" "$1.raw" >"$1"; }

conf_for file
state=$work/state.file
serve -c "$work/file.conf"
back="30 gemini://localhost:$port/reviews/2026-03-01-first.gmi"
expect "1: an anonymous response" "$back" "$(header "$first/respond?The%20rain%20scene.")"
expect "2: alice's response" "$back" "$(header "$first/respond?The%20sound%2C%20too.%0AA%20second%20line." -c "$work/alice.crt" -k "$work/alice.key")"
expect "3: bob's note" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?Hello%20from%20bob." -c "$work/bob.crt" -k "$work/bob.key")"
expect "4: alice replies to 1" "$back" "$(header "$first/responses/1/reply?Yes%2C%20the%20rain." -c "$work/alice.crt" -k "$work/alice.key")"
expect "5: bob replies to 2" "$back" "$(header "$first/responses/2/reply?Agreed." -c "$work/bob.crt" -k "$work/bob.key")"
expect "alice likes it" "$back" "$(s_client_as alice "$first/like")"
expect "bob likes it" "$back" "$(s_client_as bob "$first/like")"
expect "6: the owner replies to 1" "entry 6 saved, in reply to 1" "$(gb file reply 1 'Thank you.' 2>&1)"
expect "hide bob's note" "entry 3 hidden" "$(gb file hide 3)"
gb file ban "$(key_fp bob)" >/dev/null
gb file ban 192.0.2.7 >/dev/null
wait_page -v gemini://localhost/guestbook/ "Hello from bob." && pass || fail "the hidden note still shows"
wait_page "$first.gmi" "Thank you." && pass || fail "the owner's reply does not show"
snapshot "$work/file.pages.before"
normalize "$work/file.pages.before"
stop
gb file export >"$work/file.json"
expect "the file export holds 6 entries, 2 likes, 2 bans" "6 2 2" \
    "$(grep -c '^{"id"' "$work/file.json") $(grep -c '^{"like"' "$work/file.json") $(grep -c '^{"ban"' "$work/file.json")"

# Into PostgreSQL, twice.
pg=$work/pg
pg_start "$pg"
schema=marquee_localhost
conf_for pg "guestbook = $(pg_uri "$pg")"
gb pg import "$work/file.json" >"$work/import1.out" 2>&1
expect "import into PostgreSQL" 0 $?
rows=$(pg_sql "$pg" "SELECT count(*) FROM $schema.records")
if [ "$rows" -ge 10 ]; then pass; else fail "only $rows rows after the import"; fi
gb pg import "$work/file.json" >"$work/import2.out" 2>&1
expect "import it again" 0 $?
expect "the second import adds nothing" "$rows" "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records")"
expect "entry ids kept" "1 2 3 4 5 6" "$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE id > 0 ORDER BY id" | paste -sd ' ')"
gb pg export >"$work/pg.json"
expect "PostgreSQL's export is the file's" "$(cat "$work/file.json")" "$(cat "$work/pg.json")"

state=$work/state.pg
serve -c "$work/pg.conf"
snapshot "$work/pg.pages"
normalize "$work/pg.pages"
expect "the same pages and menus from PostgreSQL" "$(cat "$work/file.pages.before")" "$(cat "$work/pg.pages")"
expect "bob is still banned" "61 This certificate is banned from writing here" \
    "$(header "gemini://localhost/guestbook/sign?Again." -c "$work/bob.crt" -k "$work/bob.key")"
expect "the next entry takes the next id" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?After%20the%20move.")"
expect "id 7" 7 "$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE record LIKE '%After the move.%'")"
stop

# Back into a fresh file log, twice: the same export as PostgreSQL's.
gb pg export >"$work/pg2.json"
conf_for back
gb back import "$work/pg2.json" >/dev/null 2>&1
expect "import into a fresh file log" 0 $?
lines=$(wc -l <"$work/state.back/guestbook.log")
gb back import "$work/pg2.json" >/dev/null 2>&1
expect "import it again" 0 $?
expect "the second import adds nothing to the file" "$lines" "$(wc -l <"$work/state.back/guestbook.log")"
gb back export >"$work/back.json"
expect "the file's export is PostgreSQL's" "$(cat "$work/pg2.json")" "$(cat "$work/back.json")"
expect "and the first file's, but for the new entry" "$(cat "$work/file.json")" "$(grep -v 'After the move' "$work/back.json")"
gb back check >/dev/null 2>&1
expect "the new file log checks clean" 0 $?
e2e_end
