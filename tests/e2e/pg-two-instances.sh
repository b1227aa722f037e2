#!/usr/bin/env bash
# Two instances (two marquee processes, each with its own ports and state
# directory, one capsule) whose guestbook is the same postgresql:// one
# show the same conversation: a response written on A is on B's review
# page, its feed and the guestbook's feed; a reply on B to it, a note on B
# and a like on A reach the other; Gopher menus show them; an owner command
# run beside them (hide) reaches both; entry ids agree with the table, and
# every page and feed is the same from either instance.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two "root = $work/capsule"
client_cert liker liker

on a
expect "a response on A" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/respond?Written%20on%20A.")"
on b
wait_page "$first.gmi" "> Written on A." && pass || fail "A's response is not on B's review page"
wait_page "$first/atom.xml" "Written on A." && pass || fail "A's response is not in B's review feed"
wait_page "gemini://localhost/guestbook/atom.xml" "Written on A." && pass || fail "A's response is not in B's guestbook feed"
gem "$first.gmi" >/dev/null
id=$(grep -o '^=> /reviews/2026-03-01-first/responses/[0-9]* ' "$work/body" | grep -o '[0-9]*' | tail -n 1)
expect "B gives it the id the table gives it" \
    "$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE record LIKE '%Written on A.%'")" "$id"

expect "a reply on B" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/responses/$id/reply?Replied%20on%20B.")"
expect "a note on B" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?A%20note%20from%20B.")"
on a
wait_page "$first.gmi" "> Replied on B." && pass || fail "B's reply is not on A's review page"
gem "$first.gmi" >/dev/null
expect_match "A threads it under the response it answers" $'> Written on A\\.\n(=>[^\n]*\n|\n)*### \u21b3 anonymous' "$(cat "$work/body")"
wait_page "gemini://localhost/guestbook/" "> A note from B." && pass || fail "B's note is not on A's guestbook"
expect "a like on A" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(s_client_as liker "$first/like")"
on b
wait_page "$first.gmi" $'\n1 like\n' && pass || fail "A's like is not counted on B"
g=$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")
expect_match "B's Gopher menu has A's response" "i> Written on A\.	" "$g"
expect_match "and B's reply" "i> Replied on B\.	" "$g"
expect_match "and A's like" "i1 like	" "$g"

# Every page and feed the same from both, but for the ports in their links.
# same_page URL: URL's body from A and from B, each port written PORT.
same_page() {
	local a b
	on a
	gem "$1" >/dev/null
	a=$(sed "s/:$port\\b/:PORT/g" "$work/body")
	on b
	gem "$1" >/dev/null
	b=$(sed "s/:$port\\b/:PORT/g" "$work/body")
	expect "$1 is the same on A and B" "$a" "$b"
}
for url in "$first.gmi" "$first/atom.xml" gemini://localhost/guestbook/ gemini://localhost/guestbook/atom.xml \
    "$first/responses/$id" gemini://localhost/; do
	same_page "$url"
done
expect "every entry id is the table's, in order" \
    "$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE id > 0 ORDER BY id" | paste -sd ' ')" \
    "$(on a; gem gemini://localhost/guestbook/ >/dev/null; grep -o '^=> /[^ ]*/[0-9]* Permalink of entry [0-9]*$' "$work/body" | grep -o '[0-9]*$' | sort -n | paste -sd ' ')"

# An owner command run beside them writes to the table; both see it. The
# reply's id is the table's: each instance takes ids from a reserve of its
# own, so B's is not A's next.
reply=$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE record LIKE '%Replied on B.%'")
expect "hide the reply from the shell" "entry $reply hidden" "$("$MARQUEE" -c "$pgconf" guestbook hide "$reply" 2>&1)"
on a
wait_page -v "$first.gmi" "Replied on B." && pass || fail "the hidden reply is still on A's page"
on b
wait_page -v "$first.gmi" "Replied on B." && pass || fail "the hidden reply is still on B's page"
expect "the hide is a row, the reply's row stays" "2" \
    "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE id = $reply OR record LIKE E'hide\\t%'")"
e2e_end
