#!/usr/bin/env bash
# Virtual hosts end to end: one Gemini listener, the host chosen by TLS SNI,
# a Gopher listener per host, and each host's own capsule, certificate,
# reviews and guestbook. Run from the repository root:
#   MARQUEE=./marquee GEMCLI=build/gemcli tests/vhosts.sh
# a.test, b.test and d.test do not resolve: every client connects to
# 127.0.0.1 and names the host in SNI and in the URL.
# Timeouts only catch hangs; nothing here asserts a speed.
set -u
MARQUEE=${MARQUEE:-./marquee}
GEMCLI=${GEMCLI:-build/gemcli}
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
pid=
passed=0
failed=0

cleanup() {
	if [ -n "$pid" ]; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# expect_no NAME TEXT ACTUAL: ACTUAL does not contain TEXT.
expect_no() {
	if [[ "$3" == *"$2"* ]]; then fail "$1: [$2] found in [$3]"; else pass; fi
}

# start CONF [EXTRA ARGS]: a server for CONF, logging to $log; waits until
# every host named in $hosts says it listens.
start() {
	local conf=$1 h
	shift
	log=$work/log.$port
	"$MARQUEE" -c "$conf" -l "$log" "$@" 2>"$work/stderr.$port" &
	pid=$!
	for h in $hosts; do
		if ! wait_for "$log" "listening on gemini://$h:$port/"; then
			fail "server did not start ($h): $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
			exit 1
		fi
	done
}

# gem SNI URL [gemcli options]: prints the header line, body to $work/body.
gem() {
	local sni=$1 url=$2
	shift 2
	rm -f "$work/body"
	timeout 30 "$GEMCLI" -t 20 -s "$sni" "$@" -o "$work/body" 127.0.0.1 "$port" "$url" 2>"$work/gemcli.err"
}

header() { gem "$@" | head -n 1; }

body() { gem "$@" >/dev/null; cat "$work/body" 2>/dev/null; }

# wait_page [-v] SNI URL TEXT: until URL's body contains (with -v, no longer contains) TEXT.
wait_page() {
	local v=
	[ "$1" = -v ] && { v=-v; shift; }
	wait_body $v "$3" gem "$1" "$2"
}

# served_fp SNI: SHA-256 fingerprint of the certificate the server presents.
served_fp() {
	timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername "$1" </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}

file_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2; }

# gopher PORT SELECTOR-URL-PATH: the answer of that host's Gopher listener.
gopher() { timeout 20 curl -s "gopher://127.0.0.1:$1$2"; }

# Every menu line with four fields names HOST and PORT; prints the count of those that do not.
menu_strangers() {
	printf '%s\n' "$1" | tr -d '\r' | awk -F '\t' -v h="$2" -v p="$3" 'NF >= 4 && ($3 != h || $4 != p)' | wc -l
}

# reloaded: sends SIGHUP and waits for one more "reloaded" line in the log.
reloaded() {
	local n i
	n=$(grep -c "reloaded configuration and certificates" "$log")
	kill -HUP "$pid"
	for i in $(seq 200); do
		[ "$(grep -c "reloaded configuration and certificates" "$log")" -gt "$n" ] && return 0
		sleep 0.05
	done
	return 1
}

#
# Three capsules, each with a home page and one review of its own.
#
aroot=$work/alpha
broot=$work/beta
droot=$work/delta
state=$work/state
certs=$work/certs
mkdir -p "$aroot/reviews" "$broot/reviews" "$droot/reviews"
printf '# Alpha home\n\nWelcome to alpha.\n\n=> https://example.org/ An example\n' >"$aroot/index.gmi"
printf '# Beta home\n\nWelcome to beta.\n' >"$broot/index.gmi"
printf '# Delta home\n\nWelcome to delta.\n' >"$droot/index.gmi"
echo "only in beta" >"$broot/only-b.txt"
printf '# Only beta\n' >"$broot/only-b.gmi"
cat >"$aroot/reviews/2026-03-01-alpha-film.gmi" <<'EOF'
# Alpha Film
Director: Ann Alpha
Tags: Alphatag

Alpha text.
EOF
cat >"$broot/reviews/2026-03-02-beta-film.gmi" <<'EOF'
# Beta Film
Director: Bob Beta
Tags: Betatag

Beta text.
EOF

echo "== configuration errors"
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

echo "== marquee -n"
printf '%s\n[b.test]\nroot = %s\n\n[d.test]\nroot = %s\nlang = fr\n' "$head1" "$broot" "$droot" >"$work/ok.conf"
out=$(timeout 20 "$MARQUEE" -n -c "$work/ok.conf" 2>&1)
expect "marquee -n on three hosts" 0 $?
expect_match "marquee -n says OK" "configuration OK" "$out"
printf '%s\n[b.test]\nroot = %s\n' "$head1" "$work/missing" >"$f"
out=$(timeout 20 "$MARQUEE" -n -c "$f" 2>&1)
if [ $? -ne 0 ]; then pass; else fail "marquee -n accepts a section whose root is missing"; fi
expect_match "marquee -n names the missing root" "$work/missing" "$out"
printf '# Bad\n\xff\xfe\n' >"$broot/reviews/2026-01-01-bad-utf8.gmi"
out=$(timeout 20 "$MARQUEE" -n -c "$work/ok.conf" 2>&1)
if [ $? -ne 0 ]; then pass; else fail "marquee -n does not check a section host's capsule"; fi
expect_match "marquee -n names the bad file in the section's capsule" "2026-01-01-bad-utf8.gmi: skipped: not valid UTF-8" "$out"
rm -f "$broot/reviews/2026-01-01-bad-utf8.gmi"

#
# The server: a.test at the top, b.test and d.test in sections.
#
port=$(free_port)
ga=$(free_port)
gb=$(free_port)
gd=$(free_port)
gdpub=$(free_port)
while [ "$ga" = "$port" ]; do ga=$(free_port); done
while [ "$gb" = "$port" ] || [ "$gb" = "$ga" ]; do gb=$(free_port); done
while [ "$gd" = "$port" ] || [ "$gd" = "$ga" ] || [ "$gd" = "$gb" ]; do gd=$(free_port); done
conf=$work/vhosts.conf
# write_conf B_LANG [EXTRA LINES]: the configuration, with b.test's lang.
write_conf() {
	cat >"$conf" <<EOF
# The first host, and every global.
hostname = a.test
listen = 127.0.0.1
port = $port
gopher_port = $ga
root = $aroot
certs = $certs
state = $state
lang = de
guestbook_limit = 1000
guestbook_global = 100000

[b.test]
root = $broot
gopher_port = $gb
lang = $1

[d.test]
root = $droot
gopher_port = $gd
public_gopher_port = $gdpub
${2:-}
EOF
}
write_conf fr
hosts="a.test b.test d.test"
start "$conf"
ADE="20 text/gemini; charset=utf-8; lang=de"
BFR="20 text/gemini; charset=utf-8; lang=fr"

echo "== startup"
for h in a.test b.test d.test; do
	if grep -q "listening on gemini://$h:$port/" "$log"; then pass; else fail "no 'listening on gemini://$h:$port/' in the log"; fi
done
if grep -q "listening on gopher://a.test:$ga/" "$log"; then pass; else fail "no 'listening on gopher://a.test:$ga/' in the log"; fi
if grep -q "listening on gopher://b.test:$gb/" "$log"; then pass; else fail "no 'listening on gopher://b.test:$gb/' in the log"; fi
if wait_for "$log" "index: a\.test: 1 review"; then pass; else fail "no 'index: a.test: 1 reviews' in the log"; fi
if wait_for "$log" "index: b\.test: 1 review"; then pass; else fail "no 'index: b.test: 1 reviews' in the log"; fi
if wait_for "$log" "index: d\.test: 0 review"; then pass; else fail "no 'index: d.test: 0 reviews' in the log"; fi
if grep -q "guestbook $state/guestbook.log: " "$log"; then pass; else fail "first host's guestbook is not $state/guestbook.log"; fi
if grep -q "guestbook $state/guestbook-b.test.log: " "$log"; then pass; else fail "b.test's guestbook is not $state/guestbook-b.test.log"; fi
if grep -q "guestbook $state/guestbook-d.test.log: " "$log"; then pass; else fail "d.test's guestbook is not $state/guestbook-d.test.log"; fi

echo "== certificates by SNI"
for h in a.test b.test d.test; do
	if [ -f "$certs/$h.crt" ] && [ -f "$certs/$h.key" ]; then pass; else fail "no generated certificate $certs/$h.crt and key"; fi
done
expect "section host's key mode" 600 "$(stat -c %a "$certs/b.test.key" 2>/dev/null)"
expect_match "section host's SAN" "DNS:b\.test" "$(openssl x509 -in "$certs/b.test.crt" -noout -ext subjectAltName 2>/dev/null)"
afp=$(file_fp "$certs/a.test.crt")
bfp=$(file_fp "$certs/b.test.crt")
dfp=$(file_fp "$certs/d.test.crt")
if [ -n "$afp" ] && [ -n "$bfp" ] && [ "$afp" != "$bfp" ] && [ "$bfp" != "$dfp" ]; then pass; else fail "certificates not distinct: a [$afp] b [$bfp] d [$dfp]"; fi
expect "a.test presents its certificate" "$afp" "$(served_fp a.test)"
expect "b.test presents its certificate" "$bfp" "$(served_fp b.test)"
expect "d.test presents its certificate" "$dfp" "$(served_fp d.test)"
if [ -n "$bfp" ] && grep -q "$bfp" "$log"; then pass; else fail "b.test's fingerprint $bfp not logged"; fi
timeout 20 "$GEMCLI" -t 10 -s c.test 127.0.0.1 "$port" gemini://c.test/ >/dev/null 2>&1
expect "unknown SNI: handshake fails" 2 $?
out=$(printf 'gemini://c.test/\r\n' | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$port" -servername c.test 2>"$work/sclient.err")
expect "unknown SNI: no response" "" "$out"
if grep -qi "unrecognized name\|alert number 112" "$work/sclient.err"; then pass; else fail "unknown SNI: no unrecognized_name alert: $(grep -i alert "$work/sclient.err" | head -n 2)"; fi
expect "SNI is not case-sensitive" "$BFR" "$(header B.TEST gemini://b.test/)"

echo "== each host its own capsule"
expect "a.test home" "$ADE" "$(header a.test gemini://a.test/)"
expect "a.test home body" "# Alpha home" "$(head -n 1 "$work/body")"
expect_no "a.test home shows nothing of beta" "Beta" "$(cat "$work/body")"
expect "b.test home" "$BFR" "$(header b.test gemini://b.test/)"
expect "b.test home body" "# Beta home" "$(head -n 1 "$work/body")"
expect_no "b.test home shows nothing of alpha" "Alpha" "$(cat "$work/body")"
expect "d.test inherits the first host's lang" "$ADE" "$(header d.test gemini://d.test/)"
expect "d.test home body" "# Delta home" "$(head -n 1 "$work/body")"
expect "explicit port" "$BFR" "$(header b.test "gemini://b.test:$port/")"
expect "host case and trailing dot" "$BFR" "$(header b.test gemini://B.TEST./)"
expect "file only in b.test's root, on b.test" "20 text/plain; charset=utf-8" "$(header b.test gemini://b.test/only-b.txt)"
expect "its content" "only in beta" "$(cat "$work/body")"
expect "file only in b.test's root, on a.test" "51 Not found" "$(header a.test gemini://a.test/only-b.txt)"
expect "gemtext only in b.test's root, on d.test" "51 Not found" "$(header d.test gemini://d.test/only-b.gmi)"
expect "directory redirect names the host" "31 gemini://b.test:$port/reviews/" "$(header b.test gemini://b.test/reviews)"

echo "== URL host must match SNI (53)"
expect_match "SNI a.test, URL b.test" "^53 " "$(header a.test "gemini://b.test:$port/")"
expect_match "SNI b.test, URL a.test" "^53 " "$(header b.test gemini://a.test/)"
expect_match "SNI a.test, URL of an unknown host" "^53 " "$(header a.test gemini://c.test/)"
expect_match "SNI b.test, URL b.test on another port" "^53 " "$(header b.test gemini://b.test:1/)"
if [ ! -s "$work/body" ] || ! grep -q "Beta home\|Alpha home" "$work/body"; then pass; else fail "a 53 came with a page"; fi

echo "== the gemlogs"
gem a.test gemini://a.test/reviews/ >/dev/null
expect "a.test review list" "=> /reviews/2026-03-01-alpha-film.gmi 2026-03-01 - Alpha Film" "$(grep '^=> /reviews/2' "$work/body")"
gem b.test gemini://b.test/reviews/ >/dev/null
expect "b.test review list" "=> /reviews/2026-03-02-beta-film.gmi 2026-03-02 - Beta Film" "$(grep '^=> /reviews/2' "$work/body")"
gem d.test gemini://d.test/reviews/ >/dev/null
expect "d.test review list is empty" "" "$(grep '^=> /reviews/2' "$work/body")"
expect "a.test home lists its review" "=> /reviews/2026-03-01-alpha-film.gmi 2026-03-01 - Alpha Film" "$(body a.test gemini://a.test/ | grep '^=> /reviews/2')"
expect "a.test tag" "$ADE" "$(header a.test gemini://a.test/tags/alphatag/)"
expect "b.test's tag on a.test" "51 No such page" "$(header a.test gemini://a.test/tags/betatag/)"
expect "b.test tag" "$BFR" "$(header b.test gemini://b.test/tags/betatag/)"
expect "b.test tag page" "=> /reviews/2026-03-02-beta-film.gmi 2026-03-02 - Beta Film" "$(grep '^=> /reviews/2' "$work/body")"
expect "a.test's director on b.test" "51 No such page" "$(header b.test gemini://b.test/directors/ann-alpha/)"
expect "b.test director index" "=> /directors/bob-beta/ Bob Beta (1)" "$(body b.test gemini://b.test/directors/ | grep '^=> /directors/')"
expect "a.test's review on b.test" "51 Not found" "$(header b.test gemini://b.test/reviews/2026-03-01-alpha-film.gmi)"
expect "b.test feed" "20 application/atom+xml" "$(header b.test gemini://b.test/atom.xml)"
expect "b.test feed entries" 1 "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$work/body" 2>/dev/null)"
expect "b.test feed entry names b.test" "gemini://b.test:$port/reviews/2026-03-02-beta-film.gmi" \
    "$(xmllint --xpath 'string(//*[local-name()="entry"][1]/*[local-name()="id"])' "$work/body" 2>/dev/null)"
expect_no "a.test feed has nothing of b.test" "b.test" "$(body a.test gemini://a.test/atom.xml)"

echo "== gopher, a listener per host"
g=$(gopher "$ga" /1/)
expect "a.test menu first line" "$(printf 'iAlpha home\t\ta.test\t%s\r' "$ga")" "$(printf '%s\n' "$g" | head -n 1)"
expect "a.test menu lines name a.test" 0 "$(menu_strangers "$g" a.test "$ga")"
expect_match "a.test menu lists its review" "12026-03-01 - Alpha Film	/reviews/2026-03-01-alpha-film/	a\.test	$ga" "$g"
expect_no "a.test menu has nothing of beta" "Beta" "$g"
g=$(gopher "$gb" /1/)
expect "b.test menu first line" "$(printf 'iBeta home\t\tb.test\t%s\r' "$gb")" "$(printf '%s\n' "$g" | head -n 1)"
expect "b.test menu lines name b.test" 0 "$(menu_strangers "$g" b.test "$gb")"
expect_match "b.test menu lists its review" "12026-03-02 - Beta Film	/reviews/2026-03-02-beta-film/	b\.test	$gb" "$g"
expect_no "b.test menu has nothing of alpha" "Alpha" "$g"
g=$(gopher "$gb" /1/tags/)
expect "b.test tag menu names b.test" 0 "$(menu_strangers "$g" b.test "$gb")"
expect_match "b.test tag menu" "1Betatag \(1\)	/tags/betatag/	b\.test	$gb" "$g"
expect "b.test file over gopher" "only in beta" "$(gopher "$gb" /0/only-b.txt | tr -d '\r')"
expect_match "b.test's file not on a.test's gopher" "^3" "$(gopher "$ga" /0/only-b.txt)"
g=$(gopher "$gd" /1/)
expect "d.test menu first line names its public port" "$(printf 'iDelta home\t\td.test\t%s\r' "$gdpub")" "$(printf '%s\n' "$g" | head -n 1)"
expect "d.test menu lines name d.test and its public port" 0 "$(menu_strangers "$g" d.test "$gdpub")"

echo "== publishing by dropping files, per host"
cat >"$work/dropped.gmi" <<'EOF'
# Dropped Film
Director: Dee Drop
Tags: Droptag

Dropped into beta.
EOF
cp "$work/dropped.gmi" "$work/staged.gmi"
mv "$work/staged.gmi" "$broot/reviews/2026-05-01-dropped.gmi"
if wait_page b.test gemini://b.test/reviews/ "2026-05-01 - Dropped Film"; then pass; else fail "review dropped into b.test not listed on b.test"; fi
if wait_for "$log" "index: b\.test: 2 review"; then pass; else fail "no 'index: b.test: 2 reviews' in the log"; fi
if wait_page b.test gemini://b.test/tags/droptag/ "Dropped Film"; then pass; else fail "b.test's new tag page missing"; fi
sleep 0.5
expect_no "b.test's review not on a.test's list" "Dropped" "$(body a.test gemini://a.test/reviews/)"
expect_no "b.test's review not on d.test's list" "Dropped" "$(body d.test gemini://d.test/reviews/)"
expect "b.test's new tag not on a.test" "51 No such page" "$(header a.test gemini://a.test/tags/droptag/)"
expect "a.test still indexes one review" 0 "$(grep -c 'index: a\.test: 2 review' "$log")"
expect_match "b.test's gopher lists it" "12026-05-01 - Dropped Film	/reviews/2026-05-01-dropped/	b\.test	$gb" "$(gopher "$gb" /1/reviews/)"
expect_no "a.test's gopher does not" "Dropped" "$(gopher "$ga" /1/reviews/)"
printf '# Second Alpha\nTags: Alphatag\n\nMore alpha.\n' >"$aroot/reviews/2026-05-02-second-alpha.gmi"
if wait_page a.test gemini://a.test/reviews/ "2026-05-02 - Second Alpha"; then pass; else fail "review dropped into a.test not listed on a.test"; fi
sleep 0.5
expect_no "a.test's review not on b.test's list" "Second Alpha" "$(body b.test gemini://b.test/reviews/)"
rm "$broot/reviews/2026-05-01-dropped.gmi"
if wait_page -v b.test gemini://b.test/reviews/ "Dropped Film"; then pass; else fail "deleted review still listed on b.test"; fi
expect "a.test keeps its reviews" 2 "$(body a.test gemini://a.test/reviews/ | grep -c '^=> /reviews/2')"

echo "== a guestbook per host"
agb=$state/guestbook.log
bgb=$state/guestbook-b.test.log
dgb=$state/guestbook-d.test.log
expect "sign a.test's guestbook" "30 gemini://a.test:$port/guestbook/" "$(header a.test "gemini://a.test/guestbook/sign?from%20alpha")"
expect "sign b.test's guestbook" "30 gemini://b.test:$port/guestbook/" "$(header b.test "gemini://b.test/guestbook/sign?from%20beta")"
expect "respond to b.test's review" "30 gemini://b.test:$port/reviews/2026-03-02-beta-film.gmi" \
    "$(header b.test "gemini://b.test/reviews/2026-03-02-beta-film/respond?beta%20response")"
expect "respond on a.test to b.test's review" "51 Not found" "$(header a.test "gemini://a.test/reviews/2026-03-02-beta-film/respond?wrong%20host")"
expect_match "sign b.test's guestbook over gopher" "^iThank you	" "$(gopher "$gb" '/7/guestbook/sign%09beta%20by%20gopher')"
expect "a.test's entry in $agb" 1 "$(grep -c '	from alpha	' "$agb" 2>/dev/null)"
expect "b.test's entries not in $agb" 0 "$(grep -c 'beta\|wrong host' "$agb" 2>/dev/null)"
expect "b.test's entries in $bgb" 3 "$(grep -c '^entry	.*	\(from beta\|beta response\|beta by gopher\)	' "$bgb" 2>/dev/null)"
expect "a.test's entry not in $bgb" 0 "$(grep -c 'alpha' "$bgb" 2>/dev/null)"
expect_match "response record names b.test's review" "^entry	[^	]*	[0-9]+	2026-03-02-beta-film	anonymous		beta response	" "$(grep 'beta response' "$bgb" 2>/dev/null)"
expect "d.test's guestbook untouched" 0 "$(cat "$dgb" 2>/dev/null | grep -c '^entry')"
g=$(body a.test gemini://a.test/guestbook/)
expect_match "a.test's page shows its entry" "> from alpha" "$g"
expect_no "a.test's page does not show b.test's" "beta" "$g"
g=$(body b.test gemini://b.test/guestbook/)
expect_match "b.test's page shows its entry" "> from beta" "$g"
expect_match "b.test's page shows the gopher entry" "> beta by gopher" "$g"
expect_no "b.test's page does not show a.test's" "alpha" "$g"
expect_match "b.test's review shows its response" "> beta response" "$(body b.test gemini://b.test/reviews/2026-03-02-beta-film.gmi)"
expect_no "d.test's page shows nobody's" "> from " "$(body d.test gemini://d.test/guestbook/)"
expect_match "b.test's gopher guestbook menu" "7Sign the guestbook	/guestbook/sign	b\.test	$gb" "$(gopher "$gb" /1/guestbook/)"

echo "== owner commands per host"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test list 2>&1)
expect "guestbook -h b.test list exit" 0 $?
expect_match "-h b.test lists b.test's entry" "	from beta($|
)" "$out"
expect_no "-h b.test does not list a.test's" "alpha" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook list 2>&1)
expect "guestbook list exit" 0 $?
expect_match "no -h: the first host's entries" "^1	[0-9T:Z-]+	\(guestbook\)	anonymous	from alpha$" "$out"
expect_no "no -h: nothing of b.test" "beta" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h a.test list 2>&1)
expect_match "-h a.test is the first host" "	from alpha($|
)" "$out"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h nosuch.test list 2>&1)
if [ $? -ne 0 ]; then pass; else fail "guestbook -h nosuch.test list succeeded"; fi
expect_match "-h nosuch.test names the host" "nosuch\.test" "$out"
timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test export >"$work/export.json" 2>/dev/null
expect "-h b.test export: b.test's entries" 3 "$(grep -c '^{"id":[0-9]*,.*}$' "$work/export.json")"
bid=$(grep -F '"text":"from beta"' "$work/export.json" | sed 's/^{"id":\([0-9]*\),.*/\1/')
aid=$(timeout 20 "$MARQUEE" -c "$conf" guestbook export 2>/dev/null | grep -F '"text":"from alpha"' | sed 's/^{"id":\([0-9]*\),.*/\1/')
expect "-h b.test hide" "entry $bid hidden" "$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test hide "$bid" 2>&1)"
if wait_page -v b.test gemini://b.test/guestbook/ "from beta"; then pass; else fail "hidden entry still shown on b.test"; fi
expect_match "hide record in b.test's log" "^hide	[0-9T:Z-]+	$bid	" "$(tail -n 1 "$bgb")"
expect "no hide record in a.test's log" 0 "$(grep -c '^hide' "$agb")"
expect_match "a.test's entry (id $aid) still shown" "> from alpha" "$(body a.test gemini://a.test/guestbook/)"
out=$(timeout 20 "$MARQUEE" -c "$conf" guestbook -h b.test check 2>&1)
expect "-h b.test check" 0 $?

echo "== SIGHUP reload"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=b.test \
    -addext subjectAltName=DNS:b.test -keyout "$work/newb.key" -out "$work/newb.crt" 2>/dev/null
new_bfp=$(file_fp "$work/newb.crt")
cp "$work/newb.key" "$certs/b.test.key"
cp "$work/newb.crt" "$certs/b.test.crt"
if reloaded; then pass; else fail "no 'reloaded configuration and certificates' after SIGHUP"; fi
expect "b.test presents its new certificate" "$new_bfp" "$(served_fp b.test)"
expect "a.test keeps its certificate" "$afp" "$(served_fp a.test)"
expect "d.test keeps its certificate" "$dfp" "$(served_fp d.test)"
expect "b.test serves after the reload" "$BFR" "$(header b.test gemini://b.test/)"
expect "a.test serves after the reload" "$ADE" "$(header a.test gemini://a.test/)"
write_conf es
if reloaded; then pass; else fail "no 'reloaded configuration and certificates' after the second SIGHUP"; fi
expect "b.test's lang after reload" "20 text/gemini; charset=utf-8; lang=es" "$(header b.test gemini://b.test/)"
expect "a.test's lang unchanged" "$ADE" "$(header a.test gemini://a.test/)"
write_conf es "[b.test]
root = $broot"
kill -HUP "$pid"
if wait_for "$log" "reload: $conf:[0-9]*: host b.test is already defined"; then pass; else fail "bad reload not logged with file and line"; fi
expect "b.test still served after a bad reload" "20 text/gemini; charset=utf-8; lang=es" "$(header b.test gemini://b.test/)"
expect "b.test still presents its new certificate" "$new_bfp" "$(served_fp b.test)"
expect "a.test still served after a bad reload" "$ADE" "$(header a.test gemini://a.test/)"
expect_match "b.test's gopher after the reloads" "^iBeta home	" "$(gopher "$gb" /1/ | head -n 1)"
if kill -0 "$pid" 2>/dev/null; then pass; else fail "server died in the virtual host tests"; fi
stop
expect "exit status after SIGTERM" 0 "$stop_status"
expect "log ends with stopped" "stopped" "$(tail -n 1 "$log" | sed 's/.*info: //')"

echo "== flags apply to the first host"
port=$(free_port)
ga2=$(free_port)
while [ "$ga2" = "$port" ]; do ga2=$(free_port); done
a2root=$work/alpha2
mkdir -p "$a2root"
printf '# Alpha two\n' >"$a2root/index.gmi"
cat >"$work/flags.conf" <<EOF
hostname = a.test
listen = 127.0.0.1
port = $port
root = $aroot
certs = $certs
state = $work/state2

[b.test]
root = $broot
EOF
hosts="a2.test b.test"
start "$work/flags.conf" -H a2.test -r "$a2root" -g "$ga2"
expect "-H and -r: the first host" "20 text/gemini; charset=utf-8; lang=en" "$(header a2.test gemini://a2.test/)"
expect "-r: the first host's root" "# Alpha two" "$(head -n 1 "$work/body" 2>/dev/null)"
timeout 20 "$GEMCLI" -t 10 -s a.test 127.0.0.1 "$port" gemini://a.test/ >/dev/null 2>&1
expect "-H renames the first host: a.test is unknown" 2 $?
expect "b.test keeps its root" "# Beta home" "$(body b.test gemini://b.test/ | head -n 1)"
expect "-g: the first host's gopher" "$(printf 'iAlpha two\t\ta2.test\t%s\r' "$ga2")" "$(gopher "$ga2" /1/ | head -n 1)"
if grep -q "listening on gopher://a2.test:$ga2/" "$log"; then pass; else fail "no 'listening on gopher://a2.test:$ga2/' in the log"; fi
expect "a section without gopher_port has no Gopher listener" 0 "$(grep -c 'listening on gopher://b\.test' "$log")"
if [ -f "$certs/a2.test.crt" ]; then pass; else fail "no certificate generated for a2.test"; fi
expect "b.test presents its (reloaded) certificate file" "$new_bfp" "$(served_fp b.test)"
stop

echo "== hosts named by addresses"
# A client that connects to an address sends no SNI (RFC 6066 forbids
# addresses there): the address it connected to picks the host.
port=$(free_port)
cat >"$work/addr.conf" <<EOF
hostname = 127.0.0.1
listen = *
port = $port
gopher_port = 0
root = $aroot
certs = $certs
state = $work/state3

[::1]
root = $broot
EOF
log=$work/log.$port
"$MARQUEE" -c "$work/addr.conf" -l "$log" 2>"$work/stderr.$port" &
pid=$!
if wait_for "$log" "listening on gemini://\[::1\]:$port/"; then pass; else fail "address hosts did not start: $(tail -n 3 "$log" "$work/stderr.$port")"; fi
# nosni ADDRESS URL: the response to URL over a handshake without SNI
nosni() {
	printf '%s\r\n' "$2" | timeout 20 openssl s_client -quiet -noservername -connect "$1" 2>/dev/null
}
expect "no SNI to 127.0.0.1: the IPv4 host" "# Alpha home" "$(nosni "127.0.0.1:$port" "gemini://127.0.0.1:$port/" | sed -n 2p)"
expect "no SNI to ::1: the IPv6 host" "# Beta home" "$(nosni "[::1]:$port" "gemini://[::1]:$port/" | sed -n 2p)"
expect "IPv6 host in brackets in redirects" "31 gemini://[::1]:$port/guestbook/" "$(nosni "[::1]:$port" "gemini://[::1]:$port/guestbook" | head -n 1 | tr -d '\r')"
expect "a URL for the other address host: 53" "53 Proxy request refused" "$(nosni "[::1]:$port" "gemini://127.0.0.1:$port/" | head -n 1 | tr -d '\r')"
expect "an IPv6 address sent as SNI anyway" "# Beta home" "$(body ::1 "gemini://[::1]:$port/" | head -n 1)"
stop

no_sanitizer_reports

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
