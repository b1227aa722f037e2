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

# too_wide (text|menu) FILE...: for each Gopher response FILE, one line
# "FILE: N", N the number of its lines (or menu display strings) wider than
# 70 columns, or "FILE: split" when its bytes are not UTF-8; then each line
# too wide. Widths from Python's unicodedata, not marquee's table. One
# Python for every file: each one started costs.
too_wide() {
	python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
wide = []
for kind, name in zip(sys.argv[1::2], sys.argv[2::2]):
    try:
        text = open(name, "rb").read().decode("utf-8")
    except UnicodeDecodeError as e:
        print(name + ": split")
        wide.append(str(e))
        continue
    bad = 0
    for line in text.split("\r\n"):
        if kind == "menu":
            line = line.split("\t")[0][1:]
        if width(line) > 70:
            bad += 1
            wide.append("%d %s" % (width(line), line))
    print("%s: %d" % (name, bad))
print("\n".join(wide))' "$@"
}

serve
curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-05-02-cjk.gmi" >"$work/text"
expect_match "the review as text" "日本語の文章です。" "$(cat "$work/text")"
# Joined again without their prefixes, the wrapped lines give back every sentence.
expect "the paragraphs are wrapped, not cut" 90 \
    "$(tr -d '\r' <"$work/text" | sed 's/^  \* //; s/^    //; s/^> //' | tr -d '\n' | grep -o '文章です。' | wc -l)"
sels=(/ /reviews/ /reviews/2026-05-02-cjk/ /tags/映画/)
menus=()
for i in "${!sels[@]}"; do
	curl -s "gopher://127.0.0.1:$gport/1${sels[i]}" >"$work/menu.$i"
	expect_match "menu ${sels[i]} lists the review" "日本語の映画" "$(cat "$work/menu.$i")"
	menus+=(menu "$work/menu.$i")
done
too_wide text "$work/text" "${menus[@]}" >"$work/wide"
# too_wide's count for FILE.
wide_count() { sed -n "s|^$1: ||p" "$work/wide"; }
expect "every text line at most 70 columns" 0 "$(wide_count "$work/text")"
for i in "${!sels[@]}"; do
	expect "menu ${sels[i]} display strings at most 70 columns" 0 "$(wide_count "$work/menu.$i")"
done
e2e_end
