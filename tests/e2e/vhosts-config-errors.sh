#!/usr/bin/env bash
# Every configuration error of host sections fails marquee -n with one line
# naming the file and line: a global key in a section, an unknown key, a
# host defined twice (case-insensitively, or the first host again), a
# section without root, Gopher ports or guestbooks shared between hosts,
# and malformed section headers.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_capsules

# conf_error NAME FILE REGEX: marquee -n -c FILE fails with one line on stderr matching REGEX.
conf_error() {
	local out rc
	out=$(timeout 20 "$MARQUEE" -n -c "$2" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then pass; else fail "$1: exit status $rc"; fi
	expect "$1: one line on stderr" 1 "$(printf '%s' "$out" | grep -c '')"
	expect_match "$1" "$3" "$out"
}
# conf_error_is NAME FILE MESSAGE: the same, with the exact message.
conf_error_is() {
	local out rc
	out=$(timeout 20 "$MARQUEE" -n -c "$2" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then pass; else fail "$1: exit status $rc"; fi
	expect "$1" "$3" "$out"
}
f=$work/bad.conf
cport=$(free_port)
head1="hostname = a.test
root = $aroot
port = $cport
state = $work/cstate
certs = $work/ccerts"	# lines 1-5

printf '%s\n[b.test]\nroot = %s\nport = 1\n' "$head1" "$broot" >"$f"
conf_error_is "global key in a section" "$f" "marquee: $f:8: 'port' applies to every host: set it before the first [host] section"
printf '%s\n[b.test]\nroot = %s\nguestbook_limit = 5\n' "$head1" "$broot" >"$f"
conf_error_is "guestbook_limit in a section" "$f" "marquee: $f:8: 'guestbook_limit' applies to every host: set it before the first [host] section"
printf '%s\n[b.test]\nroot = %s\ncerts = %s\n' "$head1" "$broot" "$work" >"$f"
conf_error_is "certs in a section" "$f" "marquee: $f:8: 'certs' applies to every host: set it before the first [host] section"
printf '%s\n[b.test]\nroot = %s\nbogus = 1\n' "$head1" "$broot" >"$f"
conf_error_is "unknown key in a section" "$f" "marquee: $f:8: unknown key 'bogus'"
printf '%s\n[b.test]\nroot = %s\n\n[b.test]\nroot = %s\n' "$head1" "$broot" "$droot" >"$f"
conf_error_is "the same host twice" "$f" "marquee: $f:9: host b.test is already defined"
printf '%s\n[b.test]\nroot = %s\n[B.Test]\nroot = %s\n' "$head1" "$broot" "$droot" >"$f"
conf_error_is "section names are lower-cased" "$f" "marquee: $f:8: host b.test is already defined"
printf '%s\n[a.test]\nroot = %s\n' "$head1" "$broot" >"$f"
conf_error_is "a section naming the first host" "$f" "marquee: $f:6: host a.test is already defined"
printf '%s\n# a comment\n[b.test]\nlang = fr\n[d.test]\nroot = %s\n' "$head1" "$droot" >"$f"
conf_error_is "a section without root" "$f" "marquee: $f:7: [b.test] sets no root"
printf '%s\n[d.test]\nroot = %s\n[b.test]\n' "$head1" "$droot" >"$f"
conf_error_is "the last section without root" "$f" "marquee: $f:8: [b.test] sets no root"
gp=$(free_port)
printf '%s\ngopher_port = %s\n[b.test]\nroot = %s\ngopher_port = %s\n' "$head1" "$gp" "$broot" "$gp" >"$f"
conf_error "gopher_port shared with the first host" "$f" "^marquee: $f:7: .*gopher_port"
printf '%s\n[b.test]\nroot = %s\ngopher_port = %s\n[d.test]\nroot = %s\ngopher_port = %s\n' "$head1" "$broot" "$gp" "$droot" "$gp" >"$f"
conf_error "gopher_port shared by two sections" "$f" "^marquee: $f:(6|9): .*gopher_port"
printf '%s\n[b.test]\nroot = %s\ngopher_port = %s\n' "$head1" "$broot" "$cport" >"$f"
conf_error "gopher_port equal to the Gemini port" "$f" "^marquee: $f:6: .*gopher_port"
printf '%s\n[b.test]\nroot = %s\nguestbook = %s\n' "$head1" "$broot" "$work/cstate/guestbook.log" >"$f"
conf_error "guestbook shared with the first host" "$f" "^marquee: $f:[0-9]+: .*guestbook"
printf '%s\n[b.test]\nroot = %s\nguestbook = %s\n[d.test]\nroot = %s\nguestbook = %s\n' "$head1" "$broot" "$work/gb.log" "$droot" "$work/gb.log" >"$f"
conf_error "guestbook shared by two sections" "$f" "^marquee: $f:[0-9]+: .*guestbook"
printf '%s\n[b.test]\nroot = %s\nguestbook = %s\n[d.test]\nroot = %s\n' "$head1" "$broot" "$work/cstate/guestbook-d.test.log" "$droot" >"$f"
conf_error "guestbook equal to another host's default" "$f" "^marquee: $f:[0-9]+: .*guestbook"
printf '%s\n[b.test\nroot = %s\n' "$head1" "$broot" >"$f"
conf_error "unclosed section header" "$f" "^marquee: $f:6: .+"
printf '%s\n[bad host]\nroot = %s\n' "$head1" "$broot" >"$f"
conf_error "section header that is not a host name" "$f" "^marquee: $f:6: .+"
printf '%s\n[]\nroot = %s\n' "$head1" "$broot" >"$f"
conf_error "empty section header" "$f" "^marquee: $f:6: .+"
e2e_end
