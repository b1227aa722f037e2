#!/usr/bin/env bash
# marquee -n runs the start's checks: a (second) host whose guestbook lies
# inside its capsule root is refused by -n as by the real start, with the
# config file and line, also before the log's directory exists.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/b"
printf '# B\n' >"$work/b/index.gmi"
conf=$work/two.conf
printf 'root = %s\n\n[b.test]\nroot = %s\nguestbook = %s\n' \
    "$root" "$work/b" "$work/b/private/guestbook.log" >"$conf"
problem="$conf:3: guestbook $work/b/private/guestbook.log is inside the capsule $work/b, where readers could fetch it"

out=$("$MARQUEE" -n -c "$conf" -d "$work/certs" -s "$work/state" 2>&1)
expect "-n exits non-zero" 1 $?
expect "-n names the file and line" 1 "$(grep -cxF "marquee: $problem" <<<"$out")"
expect "-n made no directory" 1 "$(test -e "$work/b/private"; echo $?)"

out=$("$MARQUEE" -c "$conf" -a 127.0.0.1 -p "$(free_port)" -d "$work/certs" -s "$work/state" 2>&1)
expect "the start refuses it too" 1 $?
expect "with the same words" 1 "$(grep -cF "error: $problem" <<<"$out")"

# Moved out of the capsule, both accept it.
printf 'root = %s\n\n[b.test]\nroot = %s\nguestbook = %s\n' \
    "$root" "$work/b" "$work/state/b.log" >"$conf"
out=$("$MARQUEE" -n -c "$conf" -d "$work/certs" -s "$work/state" 2>&1)
expect "-n accepts a guestbook outside" "0 1" "$? $(grep -c "configuration OK" <<<"$out")"
e2e_end
