#!/usr/bin/env bash
# Titan refusals, each with a clear status and no file written anywhere
# (a listing of the capsule and the state directory, with sizes and
# times, is the same before and after): no certificate 60, a stranger 61,
# a wrong or unexpected token 61, a host without titan 59; a size over
# titan_max_size is 59 at once with no body sent (titancli -H keeps the
# connection open and waits); traversal, an encoded slash, dot segments, a
# dotfile, a trailing slash, a directory, a symlink as the target or on
# the way, paths outside titan_paths, other extensions and types, and
# every bad size are 59. A body that stalls is dropped by request_timeout
# and leaves the review as it was. Eight uploads to one path at once all
# end whole: the file is one of them, byte for byte. Uploads during
# SIGHUP reloads all succeed.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$root/drafts" "$root/reviews/dir.gmi" "$work/outside" "$root/other"
ln -s ../index.gmi "$root/reviews/link.gmi"
ln -s "$work/outside" "$root/linked"
client_cert owner "Author"
client_cert stranger "Someone"
mkdir -p "$work/b"
printf '# B\n' >"$work/b/index.gmi"
cat >"$work/m.conf" <<CONF
titan = yes
owner = $(key_fp owner)
titan_paths = reviews/, drafts/, linked/
titan_max_size = 4096
request_timeout = 2
[b.localhost]
root = $work/b
owner = $(key_fp owner)
CONF
serve -c "$work/m.conf"
first=reviews/2026-03-01-first.gmi
printf '# First, again\n\nRewritten.\n' >"$work/good.gmi"
head -c 5000 /dev/zero | tr '\0' 'a' | sed '1s/^/# Big\n\n/' >"$work/big.gmi"

snapshot() { find "$root" "$work/state" "$work/outside" "$work/b" -printf '%p %y %s %T@\n' | sort; }
before=$(snapshot)

expect "no certificate is 60" "60 Uploading needs the owner's client certificate" "$(titan "$first" "$work/good.gmi")"
expect "a stranger is 61" "61 Not authorised: only the owner's certificate may upload here" \
    "$(titan_as stranger "$first" "$work/good.gmi")"
expect "a stranger deleting is 61" "61 Not authorised: only the owner's certificate may upload here" \
    "$(titan_as stranger "$first")"
expect "a token where none is set is 61" "61 Not authorised: that token does not open uploads here" \
    "$(titan -t 0123456789abcdef0123 "$first" "$work/good.gmi")"
expect "a stranger's oversize upload is 61 first" "61 Not authorised: only the owner's certificate may upload here" \
    "$(titan_as stranger -H "$first" "$work/big.gmi")"
# -H: the line alone, the connection left open; only a server that answers
# without waiting for the 5000 bytes lets titancli print a header.
expect "oversize is 59 before the body" "59 Too large: $(wc -c <"$work/big.gmi") bytes, where this host takes 4096 at most" \
    "$(titan_as owner -H "$first" "$work/big.gmi")"
expect "a huge declared size too" "59 Too large: 18446744073709551615 bytes, where this host takes 4096 at most" \
    "$(titan_as owner -H -z 18446744073709551615 "$first" "$work/good.gmi")"
expect "a host without titan refuses" "59 Titan uploads are not enabled on b.localhost" \
    "$(timeout 20 "$TITANCLI" -c "$work/owner.crt" -k "$work/owner.key" 127.0.0.1 "$port" \
    "titan://b.localhost:$port/reviews/x.gmi" "$work/good.gmi")"

refused() { expect "$1" "$2" "$(titan_as owner "$3" "$work/good.gmi")"; }
dots="59 Refused: the path has a hidden name, a . or .. segment, or two slashes in a row"
refused "traversal" "$dots" "reviews/../index.gmi"
refused "traversal above the root" "59 Bad request: path climbs above the root" "../../etc/x.gmi"
refused "encoded dots" "$dots" "reviews/%2e%2e/index.gmi"
refused "a dot segment" "$dots" "reviews/./x.gmi"
refused "two slashes" "$dots" "reviews//x.gmi"
refused "a dotfile" "$dots" "reviews/.hidden.gmi"
refused "a hidden directory" "$dots" ".git/x.gmi"
refused "an encoded slash" "59 Bad request: encoded slash in path" "reviews%2fx.gmi"
refused "an encoded slash in the name" "59 Bad request: encoded slash in path" "reviews/a%2Fb.gmi"
refused "a trailing slash" "59 Refused: /reviews/ is a directory; name a file in it" "reviews/"
refused "an existing directory" "59 Refused: dir.gmi is a directory" "reviews/dir.gmi"
refused "a symlink as the target" "59 Refused: link.gmi is a symbolic link" "reviews/link.gmi"
refused "a symlink on the way" "59 Refused: linked/ passes through a symbolic link" "linked/x.gmi"
refused "outside titan_paths" "59 Refused: uploads go only directly in reviews/ drafts/ linked/" "index.gmi"
refused "another directory" "59 Refused: uploads go only directly in reviews/ drafts/ linked/" "other/x.gmi"
refused "below a prefix" "59 Refused: uploads go only directly in reviews/ drafts/ linked/" "reviews/sub/x.gmi"
refused "not a review's extension" "59 Refused: x.sh: not a .gmi or .txt file" "reviews/x.sh"
refused "an editor's file" "59 Refused: x.gmi~: editor's temporary file" "reviews/x.gmi~"
expect "another type" "59 Refused: a review is text/gemini, not image/png" \
    "$(titan_as owner -m image/png reviews/x.gmi "$work/good.gmi")"

# Bad request lines, sent as they are.
line() {
	timeout 30 "$TITANCLI" -T 20 -s localhost -c "$work/owner.crt" -k "$work/owner.key" -r \
	    127.0.0.1 "$port" "$1" 2>>"$work/titancli.err"
}
expect "another host's URL" "53 Proxy request refused" "$(line "titan://elsewhere.example/reviews/x.gmi;size=1")"
base="titan://localhost:$port/reviews/x.gmi"
expect "no size" "59 Bad request: missing size" "$(line "$base;mime=text/gemini")"
expect "no parameters" "59 Bad request: missing size" "$(line "$base")"
expect "an empty size" "59 Bad request: empty size" "$(line "$base;size=")"
expect "a size with +" "59 Bad request: size is not a decimal number" "$(line "$base;size=+5")"
expect "a negative size" "59 Bad request: size is not a decimal number" "$(line "$base;size=-5")"
expect "a size with a space" "59 Bad request: character not allowed in a URL" "$(line "$base;size= 5")"
expect "an overflowing size" "59 Bad request: size too large" "$(line "$base;size=18446744073709551616")"
expect "two sizes" "59 Bad request: size given twice" "$(line "$base;size=1;size=1")"
expect "a query" "59 Bad request: a Titan URL has no query" "$(line "$base?x;size=1")"
long=$(printf 'a%.0s' $(seq 1 1100))
expect "a line over 1024 bytes" "59 Bad request: request longer than 1024 bytes" "$(line "$base;size=1;x=$long")"
expect "nothing was written anywhere" "$before" "$(snapshot)"

# A body that stalls: 50 of 100 bytes, then silence; request_timeout ends it.
printf '# First, half\n\n%s\n' "$(head -c 30 /dev/zero | tr '\0' b)" >"$work/half.gmi"
titan_as owner -z 100 "$first" "$work/half.gmi" >"$work/stalled.out"
expect "a stalled body gets no answer" "" "$(cat "$work/stalled.out")"
if wait_for "$log" "timed out"; then pass; else fail "the stalled upload was not timed out"; fi
expect "and writes nothing" "$before" "$(snapshot)"
alive "refusals"

# Eight uploads to one path at once: each ends whole, the last rename wins.
for i in 1 2 3 4 5 6 7 8; do
	{ printf '# Version %s\n\n' "$i"; head -c $((i * 300)) /dev/zero | tr '\0' "$i"; echo; } >"$work/c$i.gmi"
done
clients=()
for i in 1 2 3 4 5 6 7 8; do
	titan_as owner reviews/2026-08-01-race.gmi "$work/c$i.gmi" >"$work/race.$i" &
	clients+=($!)
done
wait "${clients[@]}"
expect "all eight are answered 30" 8 "$(cat "$work"/race.* | grep -c "^30 gemini://localhost:$port/reviews/2026-08-01-race.gmi$")"
same=0
for i in 1 2 3 4 5 6 7 8; do cmp -s "$work/c$i.gmi" "$root/reviews/2026-08-01-race.gmi" && same=$((same + 1)); done
expect "the file is exactly one of them" 1 "$same"
expect "no temporary file is left" "" "$(ls -A "$root/reviews" | grep '^\.')"

# Uploads while the configuration is reloaded.
clients=()
for i in 1 2 3 4 5 6; do
	titan_as owner "reviews/2026-09-0$i-hup$i.gmi" "$work/c$i.gmi" >"$work/hup.$i" &
	clients+=($!)
	kill -HUP "$pid"
done
wait "${clients[@]}"
expect "every upload during reloads is answered 30" 6 "$(cat "$work"/hup.* | grep -c '^30 ')"
whole=0
for i in 1 2 3 4 5 6; do cmp -s "$work/c$i.gmi" "$root/reviews/2026-09-0$i-hup$i.gmi" && whole=$((whole + 1)); done
expect "and each file is whole" 6 "$whole"
alive "uploads during reloads"
e2e_end
