#!/usr/bin/env bash
# marquee import benchmark (issue 17): a generated WordPress export of
# POSTS (10,000) posts and COMMENTS (100,000) comments (build/wxrgen), made
# into reviews and responses; wall time and peak memory (GNU time), beside
# the floor of merely parsing the same file with libxml2's own streaming
# reader (xmllint --stream --noout), measured in the same run. Then a
# second import of the same file, which adds nothing.
set -u
cd "$(dirname "$0")/../.."
MARQUEE=${MARQUEE:-./marquee}
WXRGEN=${WXRGEN:-build/wxrgen}
POSTS=${POSTS:-10000}
COMMENTS=${COMMENTS:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME COMMAND...: one line, seconds and peak resident memory.
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" ||
	    { echo "$name failed: $(tail -n 2 "$work/err")"; exit 1; }
	read -r secs kib <"$work/time"
	printf '%-34s %7s s %8s MiB\n' "$name" "$secs" "$((kib / 1024))"
}

echo "== generating an export of $POSTS posts and $COMMENTS comments"
"$WXRGEN" "$POSTS" "$COMMENTS" >"$work/export.xml"
echo "$(($(stat -c %s "$work/export.xml") / 1048576)) MiB"
mkdir -p "$work/capsule/reviews" "$work/state"
echo "# Bench capsule" >"$work/capsule/index.gmi"

measure "xmllint --stream --noout (floor)" xmllint --stream --noout "$work/export.xml"
measure "marquee import" "$MARQUEE" -r "$work/capsule" -s "$work/state" import "$work/export.xml"
tail -n 1 "$work/out"
measure "marquee import, again (nothing new)" "$MARQUEE" -r "$work/capsule" -s "$work/state" \
    import "$work/export.xml"
tail -n 1 "$work/out"
echo "reviews written: $(ls "$work/capsule/reviews" | wc -l), guestbook: $(($(stat -c %s "$work/state/guestbook.log") / 1048576)) MiB"
