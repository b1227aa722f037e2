#!/usr/bin/env bash
# tests/run: slow
# kill -9 in the middle of 1,000 concurrent guestbook appends: every append
# that got its 30 is in the log after a restart, no record is skipped, and
# the guestbook, now longer than a page, is paged (a hundred entries a page,
# links both ways, 51 past the end and for page 1's second address).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'guestbook_limit = 100000\nguestbook_global = 10000000\nmax_connections_per_address = 5000\n' >"$work/burst.conf"
state=$work/burst
gblog=$state/guestbook.log
serve -c "$work/burst.conf"

timeout 120 "$GEMCLI" -n 1000 -L -t 100 -s localhost 127.0.0.1 "$port" "gemini://localhost/guestbook/sign?burst%20{n}" >"$work/burst.out" 2>/dev/null &
burst=$!
# Mid-burst: once 150 appends are in the log (or 12 s passed).
wait_until 12 count_at_least "$gblog" '	burst ' 150
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
wait "$burst"
acked=$(grep -c '^[0-9]* 30 ' "$work/burst.out")
echo "   $acked of 1000 appends acknowledged before kill -9"
if [ "$acked" -gt 0 ]; then pass; else fail "no append was acknowledged"; fi
serve -c "$work/burst.conf"
"$MARQUEE" -s "$state" guestbook export >"$work/export.json"
# The acknowledged appends whose text is not in the export; one awk, not a
# grep for each of up to 1,000 appends.
missing=$(awk 'NR == FNR { if ($2 == 30) want["burst " $1]; next }
	{
		while (match($0, /"text":"burst [0-9]+"/)) {
			got[substr($0, RSTART + 8, RLENGTH - 9)]
			$0 = substr($0, RSTART + RLENGTH)
		}
	}
	END { n = 0; for (w in want) if (!(w in got)) n++; print n }' "$work/burst.out" "$work/export.json")
expect "every acknowledged append survives kill -9" 0 "$missing"
expect "no record skipped after kill -9" 0 "$(grep -c 'record skipped' "$log")"
# More than a page of entries now: /guestbook/ shows the newest hundred.
gem "gemini://localhost/guestbook/" >/dev/null
expect "first page holds a hundred entries" 100 "$(grep -c '^### ' "$work/body")"
expect_match "first page links to older entries" "=> /guestbook/page/2/ Older entries" "$(cat "$work/body")"
gem "gemini://localhost/guestbook/page/2/" >/dev/null
expect_match "second page links back" "=> /guestbook/ Newer entries" "$(cat "$work/body")"
if [ "$(grep -c '^### ' "$work/body")" -ge 1 ]; then pass; else fail "second page is empty"; fi
expect "a page past the end" "51 No such page" "$(header "gemini://localhost/guestbook/page/999/")"
expect "page 1 has one address" "51 Not found" "$(header "gemini://localhost/guestbook/page/1/")"
alive "restart after kill -9"
e2e_end
