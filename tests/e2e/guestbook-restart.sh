#!/usr/bin/env bash
# The guestbook survives restarts: entries are read back and shown; a torn
# last record (power cut) is reported once and the next append starts on a
# line of its own; a damaged record in the middle is reported and skipped
# but kept in the file, "guestbook check" and marquee -n report it, and the
# later entries are still shown.
. "$(dirname "$0")/../lib.sh"
e2e_begin
guestbook_capsule
guestbook_seed
expect_match "seed: a response over gopher" "^iThank you	" \
    "$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/respond%09Hello%20from%20gopher")"

count=$(grep -c '^entry' "$gblog")
lines=$(wc -l <"$gblog")
stop
serve -c "$work/gb.conf"
expect "entries read back" "guestbook $gblog: $count entries" "$(grep -o "guestbook .*: [0-9]* entries" "$log" | tail -n 1)"
expect_match "entry shown after restart" "> Hello from gopher" "$(gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null; cat "$work/body")"
stop
# A torn last record (power cut), then a damaged one in the middle.
printf 'entry\t2026-11-25T09:00:00Z\t99\t\tanonymous\t\tcut here' >>"$gblog"
serve -c "$work/gb.conf"
expect "torn record reported" 1 "$(grep -c "guestbook.log:$((lines + 1)): last record torn" "$log")"
expect "torn record reported once" 1 "$(grep -c "guestbook.log:$((lines + 1)):" "$log")"
expect "append after a torn record" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?after%20the%20cut")"
expect_match "new record on a line of its own" "^entry	[^	]*	[0-9]+		anonymous		after the cut	" "$(tail -n 1 "$gblog")"
stop
sed -i '2s/Line one/Line 0ne/' "$gblog"
serve -c "$work/gb.conf"
expect "damaged record reported" 1 "$(grep -c "guestbook.log:2: checksum mismatch; record skipped" "$log")"
expect "damaged record kept in the file" 1 "$(grep -c 'Line 0ne' "$gblog")"
out=$("$MARQUEE" -s "$state" guestbook check 2>&1)
expect "guestbook check fails on a damaged log" 1 $?
expect_match "guestbook check names the line" "guestbook.log:2: checksum mismatch; record skipped" "$out"
expect_match "marquee -n reports the guestbook" "guestbook $gblog: [0-9]+ entries, 2 problems" "$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" -s "$state" 2>&1)"
expect_match "later entries still shown" "> after the cut" "$(gem "gemini://localhost/guestbook/" >/dev/null; cat "$work/body")"
alive "damaged guestbook"
e2e_end
