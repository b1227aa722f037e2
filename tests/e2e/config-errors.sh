#!/usr/bin/env bash
# Configuration errors stop the start with exit status 1 and one message
# naming the file and line or the flag: an unknown key, a port out of range
# or not a number, a missing root; marquee -n says OK on a good setup; an
# unknown flag exits 2; a guestbook inside the capsule is refused at start.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve	# makes the certificates marquee -n checks
stop

printf '# comment\nport = 1965\nbogus = 1\n' >"$work/bad.conf"
out=$("$MARQUEE" -c "$work/bad.conf" 2>&1)
expect "bad key exit" 1 $?
expect "bad key message" "marquee: $work/bad.conf:3: unknown key 'bogus'" "$out"
out=$("$MARQUEE" -p 99999 2>&1)
expect "bad port exit" 1 $?
expect "bad port message" "marquee: -p: '99999' is out of range 1-65535" "$out"
out=$("$MARQUEE" -p abc 2>&1)
expect "non-numeric port" "marquee: -p: 'abc' is not a number" "$out"
out=$("$MARQUEE" -n -r "$work/missing" 2>&1)
expect "missing root exit" 1 $?
expect_match "missing root message" "$work/missing: No such file or directory" "$out"
out=$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" 2>&1)
expect "marquee -n" 0 $?
expect_match "marquee -n says OK" "configuration OK" "$out"
"$MARQUEE" -x >/dev/null 2>&1
expect "unknown flag exit" 2 $?
out=$("$MARQUEE" -H localhost -a 127.0.0.1 -p "$(free_port)" -g 0 -r "$root" -d "$work/certs" -s "$root/state" 2>&1)
expect "guestbook inside the capsule exit" 1 $?
expect_match "guestbook inside the capsule refused" "inside the capsule" "$out"
e2e_end
