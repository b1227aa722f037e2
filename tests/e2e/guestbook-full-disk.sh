#!/usr/bin/env bash
# A full disk makes the guestbook read-only, never the capsule: marquee
# starts on a full disk whose log ends in a torn record, serves every page,
# logs the problem once and answers appends 40 with the reason; once space
# is back the next append succeeds (ending the torn record first), and the
# same happens when the disk fills while marquee runs. No entry acknowledged
# is lost.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
state=$work/full
small_disk "$state"
printf 'guestbook_limit = 1000\n' >"$work/gb.conf"
gblog=$state/guestbook.log
long=$(printf 'w%.0s' $(seq 700))

# An entry of about 800 bytes, so a few of them fill a page of the tmpfs.
sign() { header "gemini://localhost/guestbook/sign?$1$long"; }

serve -c "$work/gb.conf"
expect "first entry" "30 gemini://localhost:$port/guestbook/" "$(sign first)"
expect "second entry" "30 gemini://localhost:$port/guestbook/" "$(sign second)"
stop
# A torn record up to the end of a tmpfs page: ending it needs a new page.
size=$(stat -c %s "$gblog")
torn=$((4096 - size % 4096))
{ printf 'entry\t'; head -c $((torn - 6)) /dev/zero | tr '\0' t; } >>"$gblog"
head -c 1000000 /dev/zero >"$state/filler" 2>/dev/null

serve -c "$work/gb.conf"
expect "the home page on a full disk" "20 text/gemini; charset=utf-8; lang=en" "$(header "gemini://localhost/")"
gem "gemini://localhost/guestbook/" >/dev/null
expect "both entries shown" 2 "$(grep -c "^> \(first\|second\)w" "$work/body")"
expect "one log line names the file and the error" 1 \
    "$(grep -c "error: $gblog:[0-9]*: last record torn .*No space left on device; the guestbook is read-only" "$log")"
expect "an append is refused with the reason" \
    "40 Not saved: guestbook temporarily read-only, try again later" "$(sign third)"
# The reason's text in the type 3 line depends on gopher.c's error line builder.
expect_match "gopher gets a type 3 line" "^3" \
    "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09fourth")"
expect "still one log line" 1 "$(grep -c "No space left on device" "$log")"

rm "$state/filler"
expect "space back: the next append is saved" "30 gemini://localhost:$port/guestbook/" "$(sign fifth)"
if wait_for "$log" "guestbook $gblog: writable again"; then pass; else fail "recovery not logged"; fi
expect "the torn record is ended" "$(printf 'entry\tttt')" "$(grep -a "^entry	ttt" "$gblog" | cut -c1-9)"
gem "gemini://localhost/guestbook/" >/dev/null
expect "old entries intact, the new one shown, newest first" "fifth second first" \
    "$(grep -o "^> [a-z]*" "$work/body" | sed 's/^> //; s/w*$//' | tr '\n' ' ' | sed 's/ $//')"

# The disk fills while marquee runs: appends fail, then succeed again.
head -c 1000000 /dev/zero >"$state/filler" 2>/dev/null
saved=()
answer=
for i in $(seq 10); do
	answer=$(sign "run$i")
	case "$answer" in 30*) saved+=("run$i") ;; *) break ;; esac
done
expect "running: refused with the reason" \
    "40 Not saved: guestbook temporarily read-only, try again later" "$answer"
if wait_for "$log" "guestbook $gblog: write: No space left on device; read-only until an append succeeds"; then
	pass
else
	fail "full disk while running not logged"
fi
expect "running: refused again, no restart needed" \
    "40 Not saved: guestbook temporarily read-only, try again later" "$(sign again)"
rm "$state/filler"
expect "running: space back, saved" "30 gemini://localhost:$port/guestbook/" "$(sign later)"
stop

# Every acknowledged entry is in the log, once, and nothing refused is.
expect "acknowledged entries kept" "first second fifth ${saved[*]} later" \
    "$("$MARQUEE" -s "$state" guestbook list 2>/dev/null | cut -f5 | sed 's/w*$//' | tr '\n' ' ' | sed 's/ $//')"
expect "the server exited cleanly" 0 "$stop_status"
e2e_end
