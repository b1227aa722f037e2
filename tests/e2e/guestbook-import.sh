#!/usr/bin/env bash
# marquee guestbook import FILE on a log (the PostgreSQL side is
# pg-migration's): an export of entries, a reply, a hidden entry, the
# owner's reply, likes and bans, imported into a fresh log, gives the same
# export, ids and times kept, and the pages of a server started on it show
# the same; importing again adds nothing; a bad line, a reply to an entry
# nowhere, an entry whose id is another entry, and ids behind the log's
# are refused before anything is written, as are ids a running server
# wrote after the import read the log.
. "$(dirname "$0")/../lib.sh"
e2e_begin
guestbook_capsule
guestbook_seed
first=gemini://localhost/reviews/2026-03-01-first
client_cert fan fan
expect "a note" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?A%20note.")"
expect "a reply" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/responses/1/reply?A%20reply.")"
expect "a like" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/like" -c "$work/fan.crt" -k "$work/fan.key")"
gb() { "$MARQUEE" -s "$1" guestbook "${@:2}"; }
expect_match "the owner's reply" "^entry 5 saved" "$(gb "$state" reply 1 'Thank you.')"
expect "hide" "entry 3 hidden" "$(gb "$state" hide 3)"
expect_match "ban an address" "banned$" "$(gb "$state" ban 192.0.2.7)"
expect_match "ban a certificate" "banned$" "$(gb "$state" ban "$(printf 'c%.0s' {1..64})")"
gb "$state" export >"$work/a.json"
gem "$first.gmi" >/dev/null
cp "$work/body" "$work/page.before"
stop

gb "$work/b" import "$work/a.json" >"$work/out" 2>&1
expect "import into a fresh log" 0 $?
expect "it says what it brought" "imported 5 entries, 1 hides, 1 likes, 2 bans; 0 already there" "$(cat "$work/out")"
expect "the same export" "$(cat "$work/a.json")" "$(gb "$work/b" export)"
lines=$(wc -l <"$work/b/guestbook.log")
gb "$work/b" import "$work/a.json" >"$work/out" 2>&1
expect "import again" 0 $?
expect "it adds nothing" "$lines" "$(wc -l <"$work/b/guestbook.log")"
expect "and says so" "imported 0 entries, 0 hides, 0 likes, 0 bans; 8 already there" "$(cat "$work/out")"
state=$work/b
serve_unlimited
gem "$first.gmi" >/dev/null
expect "the review's page is the same" "$(sed "s/:[0-9]*\//:PORT\//g" "$work/page.before")" "$(sed "s/:[0-9]*\//:PORT\//g" "$work/body")"
stop

# Refused, and nothing written.
refused() {
	local what=$1 want=$2 before
	before=$(cat "$work/b/guestbook.log")
	gb "$work/b" import "$work/bad.json" >"$work/out" 2>&1
	expect "$what: exit 1" 1 $?
	expect_match "$what: one line saying why" "^marquee: guestbook: import: .*$want" "$(cat "$work/out")"
	expect "$what: nothing written" "$before" "$(cat "$work/b/guestbook.log")"
}
{ head -n 1 "$work/a.json"; sed 's/"id":1,/"id":9,/; s/rain scene/rain scene!/' "$work/a.json" | head -n 1; echo '{"id":10,'; } >"$work/bad.json"
refused "a line that is not JSON" "bad\.json:3: "
sed 's/"id":1,/"id":9,/; s/"parent":null/"parent":8/' "$work/a.json" | head -n 1 >"$work/bad.json"
refused "a reply to an entry nowhere" "answers 8"
sed 's/rain scene/other scene/' "$work/a.json" | head -n 1 >"$work/bad.json"
refused "an id that is another entry" "entry 1 is another entry"
mkdir -p "$work/c"
sed -n 3p "$work/a.json" >"$work/c.json"
gb "$work/c" import "$work/c.json" >/dev/null 2>&1
expect "a log holding entry 3" 0 $?
head -n 2 "$work/a.json" >"$work/bad.json"
before=$(cat "$work/c/guestbook.log")
gb "$work/c" import "$work/bad.json" >"$work/out" 2>&1
expect "ids behind the log's: exit 1" 1 $?
expect_match "and why" "ids only grow" "$(cat "$work/out")"
expect "nothing written" "$before" "$(cat "$work/c/guestbook.log")"

# An import into the log of a running server: the import's view is read
# before it takes the append lock, and the server may write an entry in
# between. The export comes through a FIFO, opened once the import has
# loaded the log (entry 1 its last); the server then writes entry 2; the
# export's entry 2, past the view's last id, collides under the lock:
# refused, nothing written, and the server reads every record.
state=$work/d
serve_unlimited
expect "a running server: entry 1" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?First.")"
gb "$state" export | sed 's/"id":1,/"id":2,/; s/First\./Imported./' >"$work/late.json"
mkfifo "$work/late.fifo"
gb "$state" import "$work/late.fifo" >"$work/out" 2>&1 &
imp=$!
exec 3>"$work/late.fifo"	# opens once the import has loaded the log and opens its file
expect "a running server: entry 2, while the import waits" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?Second.")"
before=$(cat "$state/guestbook.log")
cat "$work/late.json" >&3
exec 3>&-
wait "$imp"
expect "an import colliding with the server's entry: exit 1" 1 $?
expect_match "and why" "^marquee: guestbook: import: .*entry 2: the log holds 2 already" "$(cat "$work/out")"
expect "nothing written" "$before" "$(cat "$state/guestbook.log")"
gem "gemini://localhost/guestbook/" >/dev/null
expect_match "the server reads every record" "First\..*Second\.|Second\..*First\." "$(tr '\n' ' ' <"$work/body")"
expect_no "nothing imported shows" "Imported" "$(cat "$work/body")"
expect_no "and it skips no record" "repeats or goes back" "$(cat "$log")"
stop
e2e_end
