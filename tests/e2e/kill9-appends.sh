#!/usr/bin/env bash
# tests/run: slow
# kill -9 in the middle of 1,000 concurrent guestbook appends, with replies
# to a response and likes from 16 certificates at the same time: every note,
# reply and like that got its 30 is in the log after a restart (replies with
# the entry they answer), no record is skipped, and the guestbook, now longer
# than a page, is paged (a hundred entries a page, links both ways, 51 past
# the end and for page 1's second address).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf 'guestbook_limit = 100000\nguestbook_global = 10000000\nmax_connections_per_address = 5000\n' >"$work/burst.conf"
state=$work/burst
gblog=$state/guestbook.log
serve -c "$work/burst.conf"
first=gemini://localhost/reviews/2026-03-01-first
expect "the response replies answer" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "$first/respond?answer%20me")"
likers=16
for i in $(seq $likers); do client_cert "liker$i" "liker $i"; done

timeout 120 "$GEMCLI" -n 1000 -L -t 100 -s localhost 127.0.0.1 "$port" "gemini://localhost/guestbook/sign?burst%20{n}" >"$work/burst.out" 2>/dev/null &
burst=$!
timeout 120 "$GEMCLI" -n 300 -L -t 100 -s localhost 127.0.0.1 "$port" "$first/responses/1/reply?reply%20{n}" >"$work/replies.out" 2>/dev/null &
replies=$!
likes=()
for i in $(seq $likers); do
	timeout 60 "$GEMCLI" -t 30 -s localhost -c "$work/liker$i.crt" -k "$work/liker$i.key" \
	    127.0.0.1 "$port" "$first/like" >"$work/like$i.out" 2>/dev/null &
	likes+=($!)
done
# Mid-burst: once 150 appends are in the log (or 12 s passed).
wait_until 12 count_at_least "$gblog" '	burst ' 150
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
wait "$burst" "$replies" "${likes[@]}"
acked=$(grep -c '^[0-9]* 30 ' "$work/burst.out")
echo "   $acked of 1000 appends, $(grep -c '^[0-9]* 30 ' "$work/replies.out") of 300 replies," \
    "$(cat "$work"/like*.out | grep -c '^30 ') of $likers likes acknowledged before kill -9"
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
missing=0
for n in $(awk '$2 == 30 { print $1 }' "$work/replies.out"); do
	grep -q "\"text\":\"reply $n\",.*\"parent\":1[,}]" "$work/export.json" || missing=$((missing + 1))
done
expect "every acknowledged reply survives kill -9, with its parent" 0 "$missing"
missing=0
for i in $(seq $likers); do
	grep -q '^30 ' "$work/like$i.out" || continue
	grep -q "\"fingerprint\":\"$(key_fp "liker$i")\"" "$work/export.json" || missing=$((missing + 1))
done
expect "every acknowledged like survives kill -9" 0 "$missing"
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
