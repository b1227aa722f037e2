#!/usr/bin/env bash
# tests/run: slow
# Gopher wraps and cuts by display width: a CJK character takes two columns,
# so a review with a long CJK paragraph and a long CJK title fits 70 columns
# in every text line and menu display string, and no character is split.
. tests/lib.sh
e2e_begin
sample_capsule
title=$(for i in $(seq 8); do printf '日本語の映画'; done)
para=$(for i in $(seq 30); do printf '日本語の文章です。'; done)
printf '# %s\nTags: 映画\n\n%s\n\n* %s\n\n> %s\n' "$title" "$para" "$para" "$para" >"$root/reviews/2026-05-02-cjk.gmi"

# too_wide text|menu: reads a Gopher response, prints each line (or menu
# display string) wider than 70 columns and, last, their count; "split" when
# the bytes are not UTF-8. Widths from Python's unicodedata, not marquee's table.
too_wide() {
	python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
try:
    text = sys.stdin.buffer.read().decode("utf-8")
except UnicodeDecodeError as e:
    print("split:", e)
    sys.exit(0)
bad = 0
for line in text.split("\r\n"):
    if sys.argv[1] == "menu":
        line = line.split("\t")[0][1:]
    if width(line) > 70:
        bad += 1
        print(width(line), line)
print(bad)' "$1"
}

serve
curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-05-02-cjk.gmi" >"$work/text"
expect_match "the review as text" "日本語の文章です。" "$(cat "$work/text")"
expect "every text line at most 70 columns" 0 "$(too_wide text <"$work/text" | tail -n 1)"
# Joined again without their prefixes, the wrapped lines give back every sentence.
expect "the paragraphs are wrapped, not cut" 90 \
    "$(tr -d '\r' <"$work/text" | sed 's/^  \* //; s/^    //; s/^> //' | tr -d '\n' | grep -o '文章です。' | wc -l)"
for sel in / /reviews/ /reviews/2026-05-02-cjk/ /tags/映画/; do
	curl -s "gopher://127.0.0.1:$gport/1$sel" >"$work/menu"
	expect_match "menu $sel lists the review" "日本語の映画" "$(cat "$work/menu")"
	expect "menu $sel display strings at most 70 columns" 0 "$(too_wide menu <"$work/menu" | tail -n 1)"
done
e2e_end
