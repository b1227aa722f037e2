#!/usr/bin/env bash
# Search benchmark (issue 15): 1,000 varied queries over the 10,000-review
# capsule of index.sh, in-process on one core: /search as a worker answers
# it (tests/bench/pagebench.c: the Gemini adapter, router, index, search,
# snippets read from the files, the page), against the naive way in the
# same run (tests/bench/scanbench.c: every review folded in memory once,
# each word looked for in each review). The search index's memory comes
# from the index's own log line ("search N KiB").
set -u
cd "$(dirname "$0")/../.."
N=${N:-10000}
QUERIES=${QUERIES:-1000}
. tests/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generating $N reviews and $QUERIES queries"
bench_reviews "$work/capsule/reviews" "$N"
echo "# Bench capsule" >"$work/capsule/index.gmi"
mkdir -p "$work/certs"
# A fifth each: one word (a tag, a word of every review, a film's number),
# two words, a word with a typo, a word with accents or capitals, no match.
awk -v q="$QUERIES" -v n="$N" 'BEGIN {
	srand(1)
	split("drama thriller crime romance horror comedy war noir documentary western", tag, " ")
	split("dragged second fine short review bench", word, " ")
	split("drmaa thriler crme romanse horor comedie wra nior documentray westren draged secnod", typo, " ")
	split("Drâma THRILLER Crîme Rômance hörror Comédie Wär NOÏR Documéntary Wéstern", accent, " ")
	for (i = 0; i < q; i++) {
		k = i % 5; t = 1 + int(rand() * 10); f = int(rand() * n)
		if (k == 0)
			s = (i % 3 == 0) ? tag[t] : (i % 3 == 1) ? word[1 + int(rand() * 6)] : f
		else if (k == 1)
			s = (i % 2 == 0) ? tag[t] "%20" f : "director%20" (f % 300)
		else if (k == 2)
			s = typo[1 + int(rand() * 12)]
		else if (k == 3)
			s = accent[t]
		else
			s = "zanzibar" i
		print "gemini://localhost/search?" s
	}
}' | sed 's/â/%C3%A2/g; s/î/%C3%AE/g; s/ô/%C3%B4/g; s/ö/%C3%B6/g; s/é/%C3%A9/g; s/ä/%C3%A4/g; s/Ï/%C3%8F/g' \
    >"$work/queries"

search=$(taskset -c 0 build/pagebench "$work/capsule" "$work/guestbook.log" "$work/certs" \
    "@$work/queries" "$QUERIES" 2>"$work/log" | grep '^RESULT')
scan=$(taskset -c 0 build/scanbench "$work/capsule/reviews" "$work/queries" "$QUERIES" | grep '^RESULT')
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > 0) ? b / a : 0 }'; }
index_line=$(grep "index: " "$work/log" | head -n 1)
kib=$(echo "$index_line" | sed -n 's/.*search \([0-9]*\) KiB.*/\1/p')

printf '\n%-44s %12s %12s %8s\n' "$QUERIES queries, $N reviews, one core" "/search" "naive scan" "ratio"
for f in us_median us_p99 us_mean; do
	a=$(field "$search" $f); b=$(field "$scan" $f)
	printf '%-44s %12s %12s %8s\n' "$f" "$a" "$b" "$(ratio "$a" "$b")"
done
printf '%-44s %12s\n' "search index and word lists, KiB" "$kib"
printf '%-44s %12s\n' "the reviews' folded text (the scan's), KiB" "$(field "$scan" text_kib)"
printf '%-44s %12s\n' "pagebench RSS, KiB" "$(field "$search" rss_kib)"
