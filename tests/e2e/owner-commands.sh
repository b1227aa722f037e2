#!/usr/bin/env bash
# The owner's commands (marquee guestbook ...): list, export (one JSON object
# per entry, new lines escaped, then one per like), hide (the entry leaves the pages, stays in
# the file, which only grows by a hide record; list marks it), and the
# errors of an unknown entry or command.
. "$(dirname "$0")/../lib.sh"
e2e_begin
guestbook_capsule
guestbook_seed

expect_match "list" "^1	[0-9T:Z-]+	2026-03-01-first	anonymous	Loved the rain scene\.$" "$("$MARQUEE" -s "$state" guestbook list | head -n 1)"
"$MARQUEE" -s "$state" guestbook export >"$work/export.json"
expect "export: a JSON object per entry" "$(grep -c '^entry' "$gblog")" "$(grep -c '^{"id":[0-9]*,.*}$' "$work/export.json")"
expect "export keeps the text" 1 "$(grep -c '^{"id":1,"time":"[^"]*","review":"2026-03-01-first","author":"anonymous","fingerprint":"","text":"Loved the rain scene.","hidden":false,"parent":null,"owner":false,"held":false}$' "$work/export.json")"
expect "export escapes new lines" 1 "$(grep -c '"text":"Line one\\n=> gemini://evil/ Click\\n# Big' "$work/export.json")"
cp "$gblog" "$work/gb.before"
expect "hide" "entry 1 hidden" "$("$MARQUEE" -s "$state" guestbook hide 1)"
if wait_page -v "gemini://localhost/reviews/2026-03-01-first.gmi" "Loved the rain scene."; then pass; else fail "hidden entry still shown"; fi
expect "hidden entry stays in the file" 1 "$(grep -c 'Loved the rain scene' "$gblog")"
if head -c "$(wc -c <"$work/gb.before")" "$gblog" | cmp -s - "$work/gb.before"; then pass; else fail "hide changed what was written before"; fi
expect_match "hide record" "^hide	[0-9T:Z-]+	1					[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"
expect_match "list marks it" "	\(hidden\)$" "$("$MARQUEE" -s "$state" guestbook list | head -n 1)"

# Likes are exported one a line, once per certificate and review, whatever
# the log repeats (written here as a running server writes them).
crc32c() {	# crc32c STRING: the CRC-32C of STRING's bytes, as record.h checksums a record
	local LC_ALL=C s=$1 c=$((0xffffffff)) i j b
	for ((i = 0; i < ${#s}; i++)); do
		printf -v b '%d' "'${s:i:1}"
		c=$((c ^ (b & 0xff)))
		for ((j = 0; j < 8; j++)); do
			c=$(((c >> 1) ^ (0x82f63b78 & -(c & 1))))
		done
	done
	printf '%08x' $((c ^ 0xffffffff))
}
fa=$(printf 'a%.0s' {1..64})
fb=$(printf 'b%.0s' {1..64})
for fp in "$fa" "$fb" "$fa"; do
	line=$'like\t2026-11-25T10:01:00Z\t0\t2026-03-01-first\t\t'"$fp"$'\t'
	printf '%s\t%s\n' "$line" "$(crc32c "$line")" >>"$gblog"
done
expect "likes: one JSON line per certificate" "{\"like\":\"2026-03-01-first\",\"fingerprint\":\"$fa\"}
{\"like\":\"2026-03-01-first\",\"fingerprint\":\"$fb\"}" "$("$MARQUEE" -s "$state" guestbook export | grep '^{"like"' | sort)"
expect "likes read without a problem" 0 "$("$MARQUEE" -s "$state" guestbook check >/dev/null; echo $?)"
"$MARQUEE" -s "$state" guestbook hide 999 2>/dev/null
expect "hide of an unknown entry" 1 $?
"$MARQUEE" -s "$state" guestbook frob 2>/dev/null
expect "unknown guestbook command" 2 $?
e2e_end
