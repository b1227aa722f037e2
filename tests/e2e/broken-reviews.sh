#!/usr/bin/env bash
# Broken review files dropped in while the server runs: invalid UTF-8, binary
# bytes and a file over the size limit are skipped and logged (once), a file
# without a title falls back to its slug, a bad Date: to the file name (and
# is logged), an unreadable file is logged (when not root); the server
# keeps serving, and marquee -n fails naming the bad file.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

printf '# Bad\n\xff\xfe\n' >"$root/reviews/2026-01-01-bad-utf8.gmi"
head -c 2000 /dev/urandom | tr -d '\n' | tr '\000' '\001' >"$root/reviews/2026-01-02-binary.gmi"
printf '\0\0\0' >>"$root/reviews/2026-01-02-binary.gmi"
printf 'No title here\n' >"$root/reviews/2026-01-03-untitled.gmi"
printf '# Bad date\nDate: 2026-02-30\n\nText.\n' >"$root/reviews/2026-01-04-bad-date.gmi"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' a >"$root/reviews/2026-01-05-huge.gmi"
printf '# Unreadable\n' >"$root/reviews/2026-01-06-unreadable.gmi"
chmod 000 "$root/reviews/2026-01-06-unreadable.gmi"
if wait_page gemini://localhost/reviews/ "2026-01-03 - untitled"; then pass; else fail "untitled review does not fall back to its slug"; fi
if wait_page gemini://localhost/reviews/ "2026-01-04 - Bad date"; then pass; else fail "bad Date: does not fall back to the file name"; fi
# Every file above is in the index now shown; one more build, to be sure
# each was read after it was complete.
index_barrier localhost "$root/reviews/2026-03-01-first.gmi"
gem gemini://localhost/reviews/ >/dev/null
for f in bad-utf8 binary huge; do
	if grep -q "reviews/2026-01-0.-$f.gmi: skipped" "$log"; then pass; else fail "$f not logged as skipped"; fi
	if grep -q "$f" "$work/body"; then fail "$f listed"; else pass; fi
done
expect "invalid UTF-8 logged once" 1 "$(grep -c 'bad-utf8.gmi: skipped' "$log")"
# A file the index skipped is not served raw: nothing says it is no draft.
expect "a skipped review is not served" "51 Not found" "$(header gemini://localhost/reviews/2026-01-01-bad-utf8.gmi)"
if [ "$(id -u)" -ne 0 ]; then
	if grep -q "unreadable.gmi: skipped" "$log"; then pass; else fail "unreadable file not logged"; fi
fi
if grep -q "2026-01-04-bad-date.gmi:[0-9]*: 2026-02-30: Date: is not a real" "$log"; then pass; else fail "bad date not logged"; fi
alive "broken review files"
check_out=$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" 2>&1)
expect "marquee -n fails on skipped files" 1 $?
expect_match "marquee -n names the bad file" "2026-01-01-bad-utf8.gmi: skipped: not valid UTF-8" "$check_out"
e2e_end
