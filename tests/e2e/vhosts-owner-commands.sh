#!/usr/bin/env bash
# The owner's commands per host: guestbook -h HOST list, export, hide and
# check work on that host's guestbook only; without -h, the first host's;
# an unknown host is an error naming it.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve
vhosts_guestbook_seed

out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test list 2>&1)
expect "guestbook -h b.test list exit" 0 $?
expect_match "-h b.test lists b.test's entry" "	from beta($|
)" "$out"
expect_no "-h b.test does not list a.test's" "alpha" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook list 2>&1)
expect "guestbook list exit" 0 $?
expect_match "no -h: the first host's entries" "^1	[0-9T:Z-]+	\(guestbook\)	anonymous	from alpha$" "$out"
expect_no "no -h: nothing of b.test" "beta" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h a.test list 2>&1)
expect_match "-h a.test is the first host" "	from alpha($|
)" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h nosuch.test list 2>&1)
if [ $? -ne 0 ]; then pass; else fail "guestbook -h nosuch.test list succeeded"; fi
expect_match "-h nosuch.test names the host" "nosuch\.test" "$out"
timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test export >"$work/export.json" 2>/dev/null
expect "-h b.test export: b.test's entries" 3 "$(grep -c '^{"id":[0-9]*,.*}$' "$work/export.json")"
bid=$(grep -F '"text":"from beta"' "$work/export.json" | sed 's/^{"id":\([0-9]*\),.*/\1/')
aid=$(timeout 20 "$MARQUEE" -c "$conf" guestbook export 2>/dev/null | grep -F '"text":"from alpha"' | sed 's/^{"id":\([0-9]*\),.*/\1/')
expect "-h b.test hide" "entry $bid hidden" "$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test hide "$bid" 2>&1)"
if wait_page -v b.test gemini://b.test/guestbook/ "from beta"; then pass; else fail "hidden entry still shown on b.test"; fi
expect_match "hide record in b.test's log" "^hide	[0-9T:Z-]+	$bid	" "$(tail -n 1 "$bgb")"
expect "no hide record in a.test's log" 0 "$(grep -c '^hide' "$agb")"
expect_match "a.test's entry (id $aid) still shown" "> from alpha" "$(body a.test gemini://a.test/guestbook/)"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test check 2>&1)
expect "-h b.test check" 0 $?
e2e_end
