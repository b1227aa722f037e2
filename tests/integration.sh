#!/usr/bin/env bash
# Integration tests: the real binary, real sockets, real TLS clients
# (tests/gemcli.c and openssl s_client). Run from the repository root:
#   MARQUEE=./marquee GEMCLI=build/gemcli tests/integration.sh
# Timeouts only catch hangs; nothing here asserts a speed.
set -u
MARQUEE=${MARQUEE:-./marquee}
GEMCLI=${GEMCLI:-build/gemcli}
LOADGEN=${LOADGEN:-build/loadgen}
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
pid=
passed=0
failed=0
GMI="20 text/gemini; charset=utf-8; lang=en"

cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# start [EXTRA ARGS]: a server on $port for capsule $root, logging to $log.
start() {
	port=$(free_port)
	gport=$(free_port)
	log=$work/log.$port
	"$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g "$gport" -r "$root" -d "$work/certs" \
	    -s "$work/state" -l "$log" "$@" 2>"$work/stderr.$port" &
	pid=$!
	if ! wait_for "$log" "listening on gemini://"; then
		fail "server did not start: $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
		exit 1
	fi
}

# gem URL [gemcli options]: prints the header line, body to $work/body.
gem() {
	local url=$1
	shift
	timeout 30 "$GEMCLI" -t 20 -s localhost "$@" -o "$work/body" 127.0.0.1 "$port" "$url" 2>"$work/gemcli.err"
}

header() { gem "$@" | head -n 1; }

raw() { timeout 30 "$GEMCLI" -t 20 -s localhost -r 127.0.0.1 "$port" "$1" 2>/dev/null | head -n 1; }

alive() {
	if kill -0 "$pid" 2>/dev/null && [ "$(header "gemini://localhost/")" = "20 text/gemini; charset=utf-8; lang=en" ]; then
		pass
	else
		fail "server not alive after: $1"
	fi
}

#
# The capsule used by most tests, and a secret beside it that must never leak.
#
root=$work/capsule
mkdir -p "$root/dir" "$root/noindex" "$root/.well-known" "$root/reviews" \
    "$root/dir/.git" "$work/outside"
echo "TOP SECRET outside the root" >"$work/outside/secret"
printf '# Test capsule\n\nWelcome.\n\n=> https://example.org/ An example\n' >"$root/index.gmi"
cat >"$root/dots.gmi" <<'EOF'
# Dots
before
.
.hidden line
after
EOF
printf '# Dir\n' >"$root/dir/index.gmi"
echo "plain words in a file without extension" >"$root/notes"
head -c 1048576 /dev/urandom >"$root/big.bin"
# Random bytes behind four NULs: no magic number can match by chance.
{ printf '\0\0\0\0'; head -c 4096 /dev/urandom; } >"$root/blob"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\6\0\0\0\x1f\x15\xc4\x89' >"$root/pixel.png"
echo "contact: someone" >"$root/.well-known/security.txt"
echo "hidden" >"$root/.secret"
echo "[core]" >"$root/dir/.git/config"
printf '# Café\n' >"$root/café.gmi"
ln -s index.gmi "$root/link.gmi"
ln -s /etc/passwd "$root/passwd"
ln -s ../outside/secret "$root/escape"
mkfifo "$root/fifo"
cat >"$root/reviews/2026-03-01-first.gmi" <<'EOF'
# First Film
Director: Jane Doe
Year: 1999
Tags: Drama, Noir

The first review.
EOF
cat >"$root/reviews/2026-04-01-second.gmi" <<'EOF'
# Second Film
Director: Jane Doe
Tags: drama

The second review.
EOF

# Every client here is 127.0.0.1, as many readers behind one NAT would be:
# 200 of them at once need more than max_connections_per_address's 64.
printf 'max_connections_per_address = 1000\n' >"$work/many.conf"
start -c "$work/many.conf"

echo "== serving files"
expect "root" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/)"
expect "empty path, no redirect" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost)"
expect "host case and trailing dot" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://LOCALHOST./)"
expect "explicit port" "20 text/gemini; charset=utf-8; lang=en" "$(header "gemini://localhost:$port/")"
expect "directory redirect" "31 gemini://localhost:$port/dir/" "$(header gemini://localhost/dir)"
expect "directory index" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/dir/)"
expect "directory index body" "# Dir" "$(cat "$work/body")"
expect "directory without index" "51 Not found" "$(header gemini://localhost/noindex/)"
expect "missing file" "51 Not found" "$(header gemini://localhost/nope.gmi)"
expect "percent-encoded UTF-8 name" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/caf%C3%A9.gmi)"
expect "raw UTF-8 name" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/café.gmi)"
expect "symlink inside the root" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/link.gmi)"
expect "png by extension" "20 image/png" "$(header gemini://localhost/pixel.png)"
expect "text by libmagic" "20 text/plain; charset=utf-8" "$(header gemini://localhost/notes)"
expect "binary by libmagic" "20 application/octet-stream" "$(header gemini://localhost/blob)"
expect "well-known is public" "20 text/plain; charset=utf-8" "$(header gemini://localhost/.well-known/security.txt)"
expect "1 MiB header" "20 application/octet-stream" "$(header gemini://localhost/big.bin -v)"
if cmp -s "$root/big.bin" "$work/body"; then pass; else fail "1 MiB file differs"; fi
expect "close_notify after a response" "close_notify: yes" "$(grep close_notify "$work/gemcli.err")"
expect "TLS 1.3 by default" "tls: TLSv1.3" "$(grep '^tls:' "$work/gemcli.err")"
expect "FIFO is not served" "51 Not found" "$(header gemini://localhost/fifo)"
alive "serving files"

echo "== malformed requests (59)"
long=$(printf 'gemini://localhost/%*s' $((1024 - 19)) '' | tr ' ' a)
expect "1024-byte URL is legal" "51 Not found" "$(header "$long")"
expect_match "1025-byte URL" "^59 " "$(header "${long}a")"
expect_match "bare LF" "^59 " "$(raw 'gemini://localhost/\n')"
expect_match "no scheme" "^59 " "$(header //localhost/)"
expect_match "relative path" "^59 " "$(header /index.gmi)"
expect_match "no slashes" "^59 " "$(header localhost/)"
expect_match "userinfo" "^59 " "$(header gemini://u@localhost/)"
expect_match "fragment" "^59 " "$(header 'gemini://localhost/#x')"
expect_match "NUL" "^59 " "$(raw 'gemini://localhost/\0\r\n')"
expect_match "invalid UTF-8" "^59 " "$(raw 'gemini://localhost/\xff\r\n')"
expect_match "byte-order mark" "^59 " "$(raw '\xef\xbb\xbfgemini://localhost/\r\n')"
expect_match "empty line" "^59 " "$(raw '\r\n')"
expect_match "2000 bytes without CRLF" "^59 " "$(raw "$(printf '%*s' 2000 '' | tr ' ' a)")"
alive "malformed requests"

echo "== other hosts, ports and schemes (53)"
expect "https" "53 Proxy request refused" "$(header https://localhost/)"
expect "gopher" "53 Proxy request refused" "$(header gopher://localhost/)"
expect "other host" "53 Proxy request refused" "$(header gemini://example.com/)"
expect "other port" "53 Proxy request refused" "$(header gemini://localhost:1/)"

echo "== nothing outside the root"
for path in /../outside/secret /%2e%2e/outside/secret /%2E%2E/ /dir/%2e%2e/%2e%2e/outside/secret \
    /%2fetc%2fpasswd /..%2foutside/secret /%252e%252e/outside/secret /passwd /escape \
    /.secret /dir/.git/config /dir/../../outside/secret; do
	h=$(header "gemini://localhost$path")
	expect_match "traversal $path" "^5[19] " "$h"
	if grep -q "TOP SECRET\|root:x:0\|hidden\|core" "$work/body" 2>/dev/null; then
		fail "traversal $path leaked content"
	else
		pass
	fi
done
expect "dot segments inside the root" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/dir/../index.gmi)"
alive "traversal"

echo "== TLS"
expect "no SNI: the first host answers" "20 text/gemini; charset=utf-8; lang=en" \
    "$(timeout 20 "$GEMCLI" -t 10 -S 127.0.0.1 "$port" gemini://localhost/ 2>/dev/null | head -n 1)"
timeout 20 "$GEMCLI" -t 10 -s example.com 127.0.0.1 "$port" gemini://localhost/ >/dev/null 2>&1
expect "wrong SNI is refused" 2 $?
s_client() {
	printf 'gemini://localhost/\r\n' | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$port" \
	    -servername localhost "$@" 2>/dev/null | head -n 1 | tr -d '\r'
}
expect "TLS 1.1 refused" "" "$(s_client -tls1_1)"
expect "TLS 1.2 works" "20 text/gemini; charset=utf-8; lang=en" "$(s_client -tls1_2)"
expect "TLS 1.3 works" "20 text/gemini; charset=utf-8; lang=en" "$(s_client -tls1_3)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj /CN=movieblort -keyout "$work/client.key" -out "$work/client.crt" 2>/dev/null
expect "client certificate accepted" "20 text/gemini; charset=utf-8; lang=en" \
    "$(header gemini://localhost/ -c "$work/client.crt" -k "$work/client.key")"
expect "key mode" 600 "$(stat -c %a "$work/certs/localhost.key")"
expect_match "SAN" "DNS:localhost" "$(openssl x509 -in "$work/certs/localhost.crt" -noout -ext subjectAltName)"
fp=$(openssl x509 -in "$work/certs/localhost.crt" -noout -fingerprint -sha256 | cut -d= -f2)
if grep -q "$fp" "$log"; then pass; else fail "certificate fingerprint $fp not logged"; fi
served_fp=$(timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
expect "served certificate is the generated one" "$fp" "$served_fp"
alive "TLS"

echo "== access log"
expect_match "access line" "127\.0\.0\.1 20 [0-9]+ [0-9]+ms gemini://localhost/dir/" "$(grep 'gemini://localhost/dir/$' "$log" | tail -n 1)"
raw 'gemini://localhost/\x01\r\n' >/dev/null
if grep -qF 'gemini://localhost/\x01' "$log"; then pass; else fail "control character not escaped in the log"; fi

echo "== many clients"
expect "200 concurrent clients" "ok=200 failed=0" "$(timeout 120 "$GEMCLI" -t 100 -s localhost -n 200 127.0.0.1 "$port" gemini://localhost/)"
alive "200 clients"

echo "== the gemlog"
expect "home page" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/)"
expect "home starts with the introduction" "# Test capsule" "$(head -n 1 "$work/body")"
expect "home lists the newest first" "=> /reviews/2026-04-01-second.gmi 2026-04-01 - Second Film" \
    "$(grep -m1 '^=> /reviews/2' "$work/body")"
header gemini://localhost/reviews/ >/dev/null
expect "review list" "=> /reviews/2026-04-01-second.gmi 2026-04-01 - Second Film
=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film" "$(grep '^=> /reviews/2' "$work/body")"
expect "review list title" "# Reviews" "$(head -n 1 "$work/body")"
header gemini://localhost/tags/ >/dev/null
expect "tag index (names as the newest review writes them)" "=> /tags/drama/ drama (2)
=> /tags/noir/ Noir (1)" "$(grep '^=> /tags/' "$work/body")"
expect "tag page" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/tags/noir/)"
expect "tag page lists its reviews" "=> /reviews/2026-03-01-first.gmi 2026-03-01 - First Film" "$(grep '^=> /reviews/2' "$work/body")"
header gemini://localhost/directors/ >/dev/null
expect "director index" "=> /directors/jane-doe/ Jane Doe (2)" "$(grep '^=> /directors/' "$work/body")"
expect "unknown tag" "51 No such page" "$(header gemini://localhost/tags/nope/)"
expect "unknown director" "51 No such page" "$(header gemini://localhost/directors/nobody/)"
header gemini://localhost/reviews/2026-03-01-first.gmi >/dev/null
expect "review page starts with the file" "$(cat "$root/reviews/2026-03-01-first.gmi")" "$(head -n 6 "$work/body")"
expect "review footer" "=> /directors/jane-doe/ More by Jane Doe
=> /tags/drama/ Tagged Drama
=> /tags/noir/ Tagged Noir" "$(grep -E '^=> /(directors|tags)/' "$work/body")"
expect "feed type" "20 application/atom+xml" "$(header gemini://localhost/atom.xml)"
if xmllint --noout "$work/body" 2>/dev/null; then pass; else fail "atom.xml is not well-formed XML"; fi
expect "feed entries" 2 "$(xmllint --xpath 'count(//*[local-name()="entry"])' "$work/body" 2>/dev/null)"
expect "feed newest entry" "gemini://localhost:$port/reviews/2026-04-01-second.gmi" \
    "$(xmllint --xpath 'string(//*[local-name()="entry"][1]/*[local-name()="id"])' "$work/body" 2>/dev/null)"
expect "robots.txt" "20 text/plain; charset=utf-8" "$(header gemini://localhost/robots.txt)"
if grep -q '^Disallow: /reviews/2026-03-01-first/respond$' "$work/body"; then pass; else fail "robots.txt does not disallow respond URLs"; fi

echo "== gopher"
gopher_raw() {	# gopher_raw REQUEST: sends the bytes as given (printf escapes), prints the answer
	timeout 20 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "$2" >&3; cat <&3' _ "$gport" "$1"
}
g=$(curl -s "gopher://127.0.0.1:$gport/1/tags/")
expect "tag menu, byte for byte" "$(printf 'iTags\t\tlocalhost\t%s\r\ni\t\tlocalhost\t%s\r\n1drama (2)\t/tags/drama/\tlocalhost\t%s\r\n1Noir (1)\t/tags/noir/\tlocalhost\t%s\r\ni\t\tlocalhost\t%s\r\n1All reviews\t/reviews/\tlocalhost\t%s\r\n1Home\t/\tlocalhost\t%s\r\n.\r' "$gport" "$gport" "$gport" "$gport" "$gport" "$gport" "$gport")" "$g"
curl -s "gopher://127.0.0.1:$gport/1/" >"$work/menu"
expect "home menu ends with a lone dot" "$(printf '.\r\n' | od -c)" "$(tail -c 3 "$work/menu" | od -c)"
expect "every menu line ends with CRLF" 0 "$(awk '!/\r$/' "$work/menu" | wc -l)"
expect "display strings under 70 columns" 0 "$(cut -f1 "$work/menu" | awk '{ if (length($0) > 70) n++ } END { print n + 0 }')"
expect_match "review item" "^12026-04-01 - Second Film	/reviews/2026-04-01-second/	localhost	$gport" "$(grep -a '^1' "$work/menu" | head -n 1 | tr -d '\r')"
expect_match "external link as an h item" "^hAn example	URL:https://example.org/	localhost	$gport" "$(grep -a '^h' "$work/menu" | tr -d '\r')"
if grep -aq '^3' "$work/menu"; then fail "type 3 line inside a menu"; else pass; fi
expect "missing selector" "$(printf '3Not found\t\tlocalhost\t%s\r\n.\r' "$gport")" "$(curl -s "gopher://127.0.0.1:$gport/1/nope/")"
expect "review as text: heading" "First Film" "$(curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-03-01-first.gmi" | head -n 1 | tr -d '\r')"
curl -s "gopher://127.0.0.1:$gport/0/dots.gmi" >"$work/dots"
expect "lone dot goes out as written" "." "$(sed -n 4p "$work/dots" | tr -d '\r')"
expect "leading dot goes out as written" ".hidden line" "$(sed -n 5p "$work/dots" | tr -d '\r')"
expect "text ends at the close, with no lone dot" "after" "$(tail -n 1 "$work/dots" | tr -d '\r')"
expect_match "lynx shows menus" "\(DIR\) \[[0-9]+\]Home" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/tags/drama/" 2>/dev/null)"
expect_match "lynx lists reviews" "\(DIR\) \[[0-9]+\]2026-04-01 - Second Film" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/tags/drama/" 2>/dev/null)"
expect_match "review menu view" "1More by Jane Doe	/directors/jane-doe/" "$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")"
curl -s "gopher://127.0.0.1:$gport/9/big.bin" -o "$work/gbig"
if cmp -s "$root/big.bin" "$work/gbig"; then pass; else fail "1 MiB file over gopher differs"; fi
expect_match "caps.txt" "^CAPS" "$(curl -s "gopher://127.0.0.1:$gport/0/caps.txt")"
expect "Gopher+ menu request (what the UMN client sends first)" "$(printf '+-1\r\n+INFO: iTest capsule\t\tlocalhost\t%s\r' "$gport")" "$(gopher_raw '\t$\r\n' | head -n 2)"
expect "Gopher+ answer ends with a lone dot" ".$(printf '\r')" "$(gopher_raw '\t$\r\n' | tail -n 1)"
expect "Gopher+ item request" "$(printf '+-1\r\niTest capsule\t\tlocalhost\t%s\r' "$gport")" "$(gopher_raw '/\t+\r\n' | head -n 2)"
expect_match "URL: selector redirects" 'content="0; url=https://example.org/"' "$(gopher_raw 'URL:https://example.org/\r\n')"
expect_match "strict reader on a menu" "^iTags" "$(timeout 20 gophfilt -t 1 -p /tags/ -h 127.0.0.1 -s "$gport" | head -n 1)"
expect_match "bare LF" "^iTest capsule" "$(gopher_raw '/\n' | head -n 1)"
for sel in '/../outside/secret' '/%2e%2e/outside/secret' '/escape' '/.secret' "/$(printf '%*s' 1100 '' | tr ' ' a)"; do
	out=$(gopher_raw "$sel\r\n")
	expect_match "gopher refuses $(echo "$sel" | cut -c1-30)" "^3" "$out"
	if [[ "$out" == *"TOP SECRET"* || "$out" == *hidden* ]]; then fail "gopher leaked $sel"; else pass; fi
done
expect_match "gopher NUL" "^3NUL byte" "$(gopher_raw '/\0x\r\n')"
alive "gopher"

echo "== publishing by dropping files"
# wait_page [-v] URL TEXT: until URL's body contains (with -v, no longer contains) TEXT.
wait_page() {
	local v=
	[ "$1" = -v ] && { v=-v; shift; }
	wait_body $v "$2" gem "$1"
}
cat >"$work/new.gmi" <<'EOF'
# Third Film
Director: Agnès Varda
Tags: Nouvelle Vague

Fresh.
EOF
cp "$work/new.gmi" "$root/reviews/2026-05-01-third.gmi"
if wait_page gemini://localhost/reviews/ "2026-05-01 - Third Film"; then pass; else fail "new review not listed"; fi
if wait_page gemini://localhost/tags/nouvelle-vague/ "Third Film"; then pass; else fail "new tag page missing"; fi
if wait_page "gemini://localhost/directors/agn%C3%A8s-varda/" "Third Film"; then pass; else fail "new director page missing"; fi
sed -i 's/^# Third Film/# Third Film, Edited/' "$root/reviews/2026-05-01-third.gmi"
if wait_page gemini://localhost/reviews/ "Third Film, Edited"; then pass; else fail "edit not visible"; fi
mv "$root/reviews/2026-05-01-third.gmi" "$root/reviews/2026-06-01-third.gmi"
if wait_page gemini://localhost/reviews/ "2026-06-01 - Third Film, Edited"; then pass; else fail "rename not visible"; fi
if wait_page -v gemini://localhost/reviews/ "2026-05-01"; then pass; else fail "old name still listed"; fi
# Written elsewhere and moved in, as editors and rsync do.
cp "$work/new.gmi" "$work/staged.gmi"
mv "$work/staged.gmi" "$root/reviews/2026-07-01-moved-in.gmi"
if wait_page gemini://localhost/reviews/ "2026-07-01 - Third Film"; then pass; else fail "moved-in review not listed"; fi
# A close without a write names a file that did not change; it must stay listed
# through the next, unrelated change.
: >>"$root/reviews/2026-03-01-first.gmi"
sleep 0.3
printf '\nMore.\n' >>"$root/reviews/2026-04-01-second.gmi"
sleep 0.3
printf '\nEven more.\n' >>"$root/reviews/2026-04-01-second.gmi"
if wait_page gemini://localhost/reviews/ "2026-03-01 - First Film"; then pass; else fail "an untouched review vanished after a later change"; fi
rm "$root/reviews/2026-06-01-third.gmi" "$root/reviews/2026-07-01-moved-in.gmi"
if wait_page -v gemini://localhost/reviews/ "Third Film"; then pass; else fail "deleted review still listed"; fi
expect "tag of deleted review is gone" "51 No such page" "$(header gemini://localhost/tags/nouvelle-vague/)"

echo "== broken review files"
printf '# Bad\n\xff\xfe\n' >"$root/reviews/2026-01-01-bad-utf8.gmi"
head -c 2000 /dev/urandom | tr -d '\n' | tr '\000' '\001' >"$root/reviews/2026-01-02-binary.gmi"
printf '\0\0\0' >>"$root/reviews/2026-01-02-binary.gmi"
printf 'No title here\n' >"$root/reviews/2026-01-03-untitled.gmi"
printf '# Bad date\nDate: 2026-02-30\n\nText.\n' >"$root/reviews/2026-01-04-bad-date.gmi"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' a >"$root/reviews/2026-01-05-huge.gmi"
printf '# Unreadable\n' >"$root/reviews/2026-01-06-unreadable.gmi"
chmod 000 "$root/reviews/2026-01-06-unreadable.gmi"
if wait_page gemini://localhost/reviews/ "2026-01-03 - untitled"; then pass; else fail "untitled review does not fall back to its slug"; fi
if wait_page gemini://localhost/reviews/ "2026-01-04 - Bad date"; then pass; else fail "bad Date: does not fall back to the file name"; fi
for f in bad-utf8 binary huge; do
	if grep -q "reviews/2026-01-0.-$f.gmi: skipped" "$log"; then pass; else fail "$f not logged as skipped"; fi
	if grep -q "$f" "$work/body"; then fail "$f listed"; else pass; fi
done
expect "invalid UTF-8 logged once" 1 "$(grep -c 'bad-utf8.gmi: skipped' "$log")"
if [ "$(id -u)" -ne 0 ]; then
	if grep -q "unreadable.gmi: skipped" "$log"; then pass; else fail "unreadable file not logged"; fi
fi
if grep -q "2026-01-04-bad-date.gmi: Date: is not a real" "$log"; then pass; else fail "bad date not logged"; fi
alive "broken review files"
check_out=$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" 2>&1)
expect "marquee -n fails on skipped files" 1 $?
expect_match "marquee -n names the bad file" "2026-01-01-bad-utf8.gmi: skipped: not valid UTF-8" "$check_out"
rm -f "$root"/reviews/2026-01-0*

echo "== slow and idle clients"
stop
printf 'request_timeout = 2\nmax_connections = 64\n' >"$work/slow.conf"
start -c "$work/slow.conf"
exec 3<>"/dev/tcp/127.0.0.1/$port"	# plain TCP, never speaks
( time_start=$SECONDS
  timeout 15 "$GEMCLI" -t 12 -s localhost -r 127.0.0.1 "$port" 'gemini://localhost/' >"$work/slow.out" 2>&1
  echo "rc=$? after=$((SECONDS - time_start))" >>"$work/slow.out" ) &
slow=$!
expect "others are served while a client dawdles" "20 text/gemini; charset=utf-8; lang=en" "$(header gemini://localhost/)"
wait "$slow"
expect_match "a client that never sends CRLF is cut off" "rc=(0|4) after=[0-9]$" "$(tail -n 1 "$work/slow.out")"
# A reader that stops reading: the server gives up once its writes stall for
# request_timeout, and the cut transfer ends without close_notify.
head -c $((32 * 1024 * 1024)) /dev/zero >"$root/huge.bin"
timeouts=$(grep -c "127.0.0.1: timed out" "$log")
timeout 30 "$GEMCLI" -t 25 -s localhost -v -p 6 -o "$work/huge.out" 127.0.0.1 "$port" \
    gemini://localhost/huge.bin >/dev/null 2>"$work/huge.err"
expect "stalled reader: no close_notify" "close_notify: no" "$(grep close_notify "$work/huge.err")"
if [ "$(stat -c %s "$work/huge.out")" -lt $((32 * 1024 * 1024)) ]; then pass; else fail "stalled reader got the whole file"; fi
expect "stalled reader logged" $((timeouts + 1)) "$(grep -c "127.0.0.1: timed out" "$log")"
rm -f "$root/huge.bin"
exec 3>&-
alive "slow clients"

echo "== floods: 2,000 idle connections and 200 slow clients"
stop
printf 'max_connections = 5000\nmax_connections_per_address = 5000\n' >"$work/flood.conf"
start -c "$work/flood.conf"
flood() {	# flood NAME ARGS...: a loadgen in the background, its output in $work/NAME
	local name=$1
	shift
	timeout 60 "$LOADGEN" -h 127.0.0.1 -P "$pid" "$@" >"$work/$name" 2>&1 &
	floods+=($!)
}
floods=()
flood idle -p "$port" -s localhost -I 2000 -H 8
flood slow -p "$port" -s localhost -I 150 -S -H 8 -u gemini://localhost/
flood gslow -T -p "$gport" -I 50 -S -H 8 -u /
ready=0
for i in $(seq 300); do
	ready=$(cat "$work/idle" "$work/slow" "$work/gslow" 2>/dev/null | grep -c '^READY')
	[ "$ready" -eq 3 ] && break
	sleep 0.1
done
expect "all flood connections open" 3 "$ready"
expect "a normal Gemini client is served during the flood" "$GMI" "$(header "gemini://localhost/")"
expect_match "a normal Gopher client is served during the flood" "^iTest capsule" "$(curl -s "gopher://127.0.0.1:$gport/1/" | head -n 1)"
wait "${floods[@]}"
expect_match "idle connections held" "^RESULT idle=2000 errors=0 " "$(grep '^RESULT' "$work/idle")"
expect_match "slow clients held" "^RESULT idle=150 errors=0 " "$(grep '^RESULT' "$work/slow")"
# Once the flood is gone, so are its connections.
for i in $(seq 100); do
	fds=$(ls "/proc/$pid/fd" | wc -l)
	[ "$fds" -lt 64 ] && break
	sleep 0.1
done
if [ "$fds" -lt 64 ]; then pass; else fail "server still holds $fds descriptors after the flood"; fi
alive "floods"
stop

echo "== max_connections"
stop
printf 'max_connections = 4\nrequest_timeout = 5\n' >"$work/max.conf"
start -c "$work/max.conf"
for i in 1 2 3 4; do exec {fd}<>"/dev/tcp/127.0.0.1/$port"; held+=("$fd"); done
sleep 0.2
timeout 20 "$GEMCLI" -t 10 -s localhost 127.0.0.1 "$port" gemini://localhost/ >/dev/null 2>&1
expect_match "fifth connection refused" "^[24]$" "$?"
if wait_for "$log" "max_connections reached"; then pass; else fail "refusal not logged"; fi
for fd in "${held[@]}"; do exec {fd}>&-; done
sleep 0.3
alive "max_connections"

echo "== SIGHUP reload"
stop
printf 'lang = en\n' >"$work/reload.conf"
start -c "$work/reload.conf"
printf 'lang = fr\n' >"$work/reload.conf"
kill -HUP "$pid"
for i in $(seq 100); do
	[ "$(header gemini://localhost/)" = "20 text/gemini; charset=utf-8; lang=fr" ] && break
	sleep 0.1
done
expect "lang after reload" "20 text/gemini; charset=utf-8; lang=fr" "$(header gemini://localhost/)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$work/new.key" -out "$work/new.crt" 2>/dev/null
cp "$work/new.key" "$work/certs/localhost.key"
cp "$work/new.crt" "$work/certs/localhost.crt"
new_fp=$(openssl x509 -in "$work/new.crt" -noout -fingerprint -sha256 | cut -d= -f2)
kill -HUP "$pid"
for i in $(seq 100); do
	got=$(timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
	[ "$got" = "$new_fp" ] && break
	sleep 0.1
done
expect "new certificate after reload" "$new_fp" "$got"
printf 'lang = not valid!\n' >"$work/reload.conf"
kill -HUP "$pid"
if wait_for "$log" "reload.conf:1: 'not valid!' is not a language tag"; then pass; else fail "bad reload not logged with file and line"; fi
expect "still serving after a bad reload" "20 text/gemini; charset=utf-8; lang=fr" "$(header gemini://localhost/)"
printf 'lang = de\nchroot = /var/empty\n' >"$work/reload.conf"
kill -HUP "$pid"
if wait_for "$log" "reload: chroot changes only on restart; keeping the running value"; then pass; else fail "no warning for a chroot added on reload"; fi
expect "a start-only key added on reload leaves the rest applied" "20 text/gemini; charset=utf-8; lang=de" "$(header gemini://localhost/)"
expect "no chroot entered on reload" "/" "$(readlink "/proc/$pid/root")"

echo "== SIGTERM drains"
( timeout 30 "$GEMCLI" -t 25 -s localhost -o "$work/drain.bin" 127.0.0.1 "$port" gemini://localhost/big.bin >/dev/null 2>&1 ) &
dl=$!
sleep 0.05
stop
wait "$dl"
expect "exit status after SIGTERM" 0 "$stop_status"
if cmp -s "$root/big.bin" "$work/drain.bin"; then pass; else fail "download in flight at SIGTERM was cut"; fi
expect "log ends with stopped" "stopped" "$(tail -n 1 "$log" | sed 's/.*info: //')"

echo "== configuration errors"
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

echo "== guestbook"
state=$work/state
gblog=$state/guestbook.log
printf 'guestbook_limit = 1000\nguestbook_global = 100000\n' >"$work/gb.conf"
start -c "$work/gb.conf"
first=gemini://localhost/reviews/2026-03-01-first
expect "respond prompt" "10 Your response to First Film (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 972 bytes, a space takes 3, an accented letter 6)" "$(header "$first/respond")"
expect "sign prompt" "10 Sign the guestbook (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 990 bytes, a space takes 3, an accented letter 6)" "$(header "gemini://localhost/guestbook/sign")"
expect "empty query prompts again" "10 Sign the guestbook (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 990 bytes, a space takes 3, an accented letter 6)" "$(header "gemini://localhost/guestbook/sign?")"
expect "respond to a missing review" "51 Not found" "$(header "gemini://localhost/reviews/nope/respond?hi")"
expect "respond: 30 back to the review" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/respond?Loved%20the%20rain%20scene.")"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect_match "review page counts its responses" "## 1 response to First Film" "$(cat "$work/body")"
expect_match "anonymous author and date" "### anonymous, $(date -u +%F)" "$(cat "$work/body")"
expect_match "text shown quoted" "> Loved the rain scene." "$(cat "$work/body")"
expect_match "link to respond" "=> /reviews/2026-03-01-first/respond Leave a response" "$(cat "$work/body")"
expect "one record in the log" 1 "$(grep -c '^entry	' "$gblog")"
expect_match "record fields" "^entry	[0-9T:Z-]+	1	2026-03-01-first	anonymous		Loved the rain scene.	[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"

# A client certificate names the author; its key's fingerprint tells namesakes apart.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/reader.key" \
    -out "$work/reader.crt" -subj "/CN=movieblort" -days 2 2>/dev/null
fp=$(openssl x509 -in "$work/reader.crt" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-8)
expect "respond with a certificate" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "$first/respond?Line%20one%0D%0A%3D%3E%20gemini%3A%2F%2Fevil%2F%20Click%0A%23%20Big%0A%60%60%60%0A*%20item" -c "$work/reader.crt" -k "$work/reader.key")"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect_match "certificate author with short fingerprint" "### movieblort \[$fp\], " "$(cat "$work/body")"
expect "injected lines stay quoted" "> Line one|> => gemini://evil/ Click|> # Big|> \`\`\`|> * item" \
    "$(sed -n '/^### movieblort/,/^$/p' "$work/body" | grep '^>' | paste -sd '|')"
expect "no line of the page is the reader's link" 0 "$(grep -c '^=> gemini://evil' "$work/body")"
expect "full fingerprint in the log" 1 "$(grep -c "	movieblort	$fp[0-9a-f]\{56\}	" "$gblog")"
expect "'name:' is not identity" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?movieblort%3A%20it%20is%20me")"
expect_match "'name:' entry stays anonymous" "^entry	.*	anonymous		movieblort: it is me	" "$(tail -n 1 "$gblog")"

# Refusals: a clear 59, and nothing stored.
records=$(wc -l <"$gblog")
expect_match "invalid UTF-8" "^59 Not saved: the text is not valid UTF-8" "$(header "gemini://localhost/guestbook/sign?caf%E9")"
expect_match "blank text" "^59 Not saved: the text is empty" "$(header "gemini://localhost/guestbook/sign?%20%0A%09%0D%0A")"
expect_match "801 bytes" "^59 Not saved: longer than 800 bytes" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 801 '' | tr ' ' a)")"
expect "800 bytes" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 800 '' | tr ' ' b)")"
expect_match "21 lines" "^59 Not saved: more than 20 lines" "$(header "gemini://localhost/guestbook/sign?$(printf 'l%%0A%.0s' $(seq 21))")"
expect_match "bad escape" "^59 Not saved: " "$(header "gemini://localhost/guestbook/sign?100%ZZ")"
expect "refusals stored nothing" $((records + 1)) "$(wc -l <"$gblog")"
expect "the same text twice within a minute is stored once" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 800 '' | tr ' ' b)")"
expect "duplicate not stored" $((records + 1)) "$(wc -l <"$gblog")"

echo "== guestbook over gopher"
g=$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/respond%09Hello%20from%20gopher")
expect_match "gopher confirmation menu" "^iThank you	" "$g"
expect_match "confirmation names the entry" "iYour response to First Film is saved as entry [0-9]+\." "$g"
expect_match "confirmation links back" "1Back to the review	/reviews/2026-03-01-first/	localhost	$gport" "$g"
expect_match "review menu has a search item" "7Leave a response	/reviews/2026-03-01-first/respond	localhost	$gport" "$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")"
expect_match "guestbook menu has a search item" "7Sign the guestbook	/guestbook/sign	localhost	$gport" "$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")"
expect_match "gopher entry shown on gemini" "> Hello from gopher" "$(gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null; cat "$work/body")"
expect_match "gopher review text shows responses" "3 responses to First Film" "$(curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-03-01-first.gmi")"
expect_match "lynx sees the search item" "\(\?\) +\[[0-9]+\]Leave a response" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/" 2>/dev/null)"
expect_match "gopher without a search string offers one" "7Write it here	/guestbook/sign	" "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign")"
expect_match "gopher invalid UTF-8" "^3invalid UTF-8 in the search string" "$(gopher_raw '/guestbook/sign\tcaf\xe9\r\n')"
gopher_raw '/guestbook/sign\tTab\tinside\r\n1evil\t/x\tevil.example\t70\r\n' >/dev/null
g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")
expect "no injected gopher item" 0 "$(printf '%s' "$g" | grep -c '^1evil')"
expect "every guestbook menu line has 4 fields" 0 "$(printf '%s\n' "$g" | tr -d '\r' | awk -F '\t' '$0 != "." && NF != 4' | wc -l)"

echo "== the guestbook page"
gem "gemini://localhost/guestbook/" >/dev/null
expect "guestbook title" "# Guestbook" "$(head -n 1 "$work/body")"
expect_match "link to sign" "=> /guestbook/sign Sign the guestbook" "$(cat "$work/body")"
expect_match "response linked to its review" "=> /reviews/2026-03-01-first/ In response to First Film" "$(cat "$work/body")"
newer=$(grep -n '^> Hello from gopher' "$work/body" | cut -d: -f1)
older=$(grep -n '^> Loved the rain scene' "$work/body" | cut -d: -f1)
if [ -n "$newer" ] && [ -n "$older" ] && [ "$newer" -lt "$older" ]; then pass; else fail "guestbook not newest first ($newer, $older)"; fi
expect "home links the guestbook" 1 "$(gem "gemini://localhost/" >/dev/null; grep -c '^=> /guestbook/ Guestbook' "$work/body")"
expect "/guestbook redirects" "31 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook")"
expect_match "robots.txt keeps crawlers off" "Disallow: /guestbook/sign" "$(gem "gemini://localhost/robots.txt" >/dev/null; cat "$work/body")"

echo "== owner commands"
expect_match "list" "^1	[0-9T:Z-]+	2026-03-01-first	anonymous	Loved the rain scene\.$" "$("$MARQUEE" -s "$state" guestbook list | head -n 1)"
"$MARQUEE" -s "$state" guestbook export >"$work/export.json"
expect "export: a JSON object per entry" "$(grep -c '^entry' "$gblog")" "$(grep -c '^{"id":[0-9]*,.*}$' "$work/export.json")"
expect "export keeps the text" 1 "$(grep -c '^{"id":1,"time":"[^"]*","review":"2026-03-01-first","author":"anonymous","fingerprint":"","text":"Loved the rain scene.","hidden":false}$' "$work/export.json")"
expect "export escapes new lines" 1 "$(grep -c '"text":"Line one\\n=> gemini://evil/ Click\\n# Big' "$work/export.json")"
cp "$gblog" "$work/gb.before"
expect "hide" "entry 1 hidden" "$("$MARQUEE" -s "$state" guestbook hide 1)"
if wait_page -v "gemini://localhost/reviews/2026-03-01-first.gmi" "Loved the rain scene."; then pass; else fail "hidden entry still shown"; fi
expect "hidden entry stays in the file" 1 "$(grep -c 'Loved the rain scene' "$gblog")"
if head -c "$(wc -c <"$work/gb.before")" "$gblog" | cmp -s - "$work/gb.before"; then pass; else fail "hide changed what was written before"; fi
expect_match "hide record" "^hide	[0-9T:Z-]+	1					[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"
expect_match "list marks it" "	\(hidden\)$" "$("$MARQUEE" -s "$state" guestbook list | head -n 1)"
"$MARQUEE" -s "$state" guestbook hide 999 2>/dev/null
expect "hide of an unknown entry" 1 $?
"$MARQUEE" -s "$state" guestbook frob 2>/dev/null
expect "unknown guestbook command" 2 $?

echo "== the guestbook survives restarts"
count=$(grep -c '^entry' "$gblog")
lines=$(wc -l <"$gblog")
stop
start -c "$work/gb.conf"
expect "entries read back" "guestbook $gblog: $count entries" "$(grep -o "guestbook .*: [0-9]* entries" "$log" | tail -n 1)"
expect_match "entry shown after restart" "> Hello from gopher" "$(gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null; cat "$work/body")"
stop
# A torn last record (power cut), then a damaged one in the middle.
printf 'entry\t2026-11-25T09:00:00Z\t99\t\tanonymous\t\tcut here' >>"$gblog"
start -c "$work/gb.conf"
expect "torn record reported" 1 "$(grep -c "guestbook.log:$((lines + 1)): last record torn" "$log")"
expect "torn record reported once" 1 "$(grep -c "guestbook.log:$((lines + 1)):" "$log")"
expect "append after a torn record" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?after%20the%20cut")"
expect_match "new record on a line of its own" "^entry	[^	]*	[0-9]+		anonymous		after the cut	" "$(tail -n 1 "$gblog")"
stop
sed -i '2s/Line one/Line 0ne/' "$gblog"
start -c "$work/gb.conf"
expect "damaged record reported" 1 "$(grep -c "guestbook.log:2: checksum mismatch; record skipped" "$log")"
expect "damaged record kept in the file" 1 "$(grep -c 'Line 0ne' "$gblog")"
out=$("$MARQUEE" -s "$state" guestbook check 2>&1)
expect "guestbook check fails on a damaged log" 1 $?
expect_match "guestbook check names the line" "guestbook.log:2: checksum mismatch; record skipped" "$out"
expect_match "marquee -n reports the guestbook" "guestbook $gblog: [0-9]+ entries, 2 problems" "$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" -s "$state" 2>&1)"
expect_match "later entries still shown" "> after the cut" "$(gem "gemini://localhost/guestbook/" >/dev/null; cat "$work/body")"
alive "damaged guestbook"
stop

echo "== a full disk"
full=$work/full
mkdir -p "$full"
if mount -t tmpfs -o size=64k tmpfs "$full" 2>/dev/null; then
	start -c "$work/gb.conf" -s "$full"
	head -c 1000000 /dev/zero >"$full/filler" 2>/dev/null
	timeout 60 "$GEMCLI" -n 50 -L -t 30 -s localhost 127.0.0.1 "$port" "gemini://localhost/guestbook/sign?the%20same%20words" >"$work/full.out" 2>/dev/null
	expect "full disk: nobody is told it was saved" 0 "$(grep -c '^[0-9]* 30 ' "$work/full.out")"
	expect "full disk: everyone is told it was not, and why" 50 "$(grep -c '^[0-9]* 40 Not saved: guestbook temporarily read-only' "$work/full.out")"
	if wait_for "$log" "No space left on device; read-only until an append succeeds"; then pass; else fail "full disk not logged"; fi
	expect "full disk logged once" 1 "$(grep -c "No space left on device" "$log")"
	expect_match "later entries refused while full" "^40 Not saved: guestbook temporarily read-only" "$(header "gemini://localhost/guestbook/sign?later")"
	rm "$full/filler"
	expect "space back: taken again without a restart" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?later")"
	alive "a full disk"
	stop
	umount "$full"
else
	echo "   (cannot mount a tmpfs here: skipped)"
fi

echo "== guestbook rate limit"
printf 'guestbook_limit = 2\nguestbook_window = 600\n' >"$work/limit.conf"
start -c "$work/limit.conf"
expect "first of two" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?one")"
expect "second of two" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?two")"
expect_match "third: 44 with the wait" "^44 (29[0-9]|300)$" "$(header "gemini://localhost/guestbook/sign?three")"
expect_match "gopher shares the address's bucket" "^3Too many entries: try again in [0-9]+ seconds" "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09four")"
expect "a certificate does not escape its address" "44" "$(header "gemini://localhost/guestbook/sign?five" -c "$work/reader.crt" -k "$work/reader.key" | cut -c1-2)"
expect "limited entries not stored" 0 "$(grep -c '	three	\|	four	\|	five	' "$gblog")"
stop
# The cap on everyone together: two a minute, whoever writes.
printf 'guestbook_limit = 1000\nguestbook_global = 2\n' >"$work/global.conf"
start -c "$work/global.conf"
expect "global cap: first" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?g1")"
expect "global cap: second, another client" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?g2" -c "$work/reader.crt" -k "$work/reader.key")"
expect_match "global cap: third waits" "^44 (29|30)$" "$(header "gemini://localhost/guestbook/sign?g3")"
stop

echo "== sandbox"
mkdir -p "$work/elsewhere" "$work/conf"
cp "$work/certs/localhost.crt" "$work/certs/localhost.key" "$work/elsewhere/"
chmod 644 "$work/elsewhere/localhost.key"
printf 'lang = en\n' >"$work/conf/sandbox.conf"
start -c "$work/conf/sandbox.conf"
expect "no_new_privs set" 1 "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$pid/status")"
if grep -q "sandbox: Landlock ABI" "$log"; then
	# A renewed certificate and a config saved by rename are new files: still readable.
	cp "$work/certs/localhost.crt" "$work/certs/renewed" && mv "$work/certs/renewed" "$work/certs/localhost.crt"
	cp "$work/conf/sandbox.conf" "$work/conf/saved" && mv "$work/conf/saved" "$work/conf/sandbox.conf"
	reloads=$(grep -c "reloaded configuration and certificates" "$log")
	kill -HUP "$pid"
	for i in $(seq 100); do
		[ "$(grep -c "reloaded configuration and certificates" "$log")" -gt "$reloads" ] && break
		sleep 0.05
	done
	expect "reload of a renewed certificate under the sandbox" $((reloads + 1)) "$(grep -c "reloaded configuration and certificates" "$log")"
	# The files are readable by anyone, and the server runs as root: only Landlock can refuse.
	printf 'lang = en\ncert = %s\nkey = %s\n' "$work/elsewhere/localhost.crt" "$work/elsewhere/localhost.key" >"$work/conf/sandbox.conf"
	kill -HUP "$pid"
	if wait_for "$log" "reload: $work/elsewhere/localhost.crt: Permission denied"; then pass; else fail "sandboxed server read a certificate outside its paths"; fi
	alive "refused reload"
	printf '# Fresh\n\nPublished under the sandbox.\n' >"$root/reviews/2026-10-10-fresh.gmi"
	if wait_page "gemini://localhost/reviews/" "Fresh"; then pass; else fail "publishing under the sandbox"; fi
	rm -f "$root/reviews/2026-10-10-fresh.gmi"
	kill -USR1 "$pid"
	alive "log reopened under the sandbox"
	stop
	printf 'lang = en\nsandbox = no\n' >"$work/conf/sandbox.conf"
	start -c "$work/conf/sandbox.conf"
	printf 'lang = en\nsandbox = no\ncert = %s\nkey = %s\n' "$work/elsewhere/localhost.crt" "$work/elsewhere/localhost.key" >"$work/conf/sandbox.conf"
	kill -HUP "$pid"
	if wait_for "$log" "reloaded configuration and certificates"; then pass; else fail "the same reload without the sandbox failed"; fi
else
	echo "   (no Landlock in this kernel: only no_new_privs is checked)"
fi
stop

echo "== PROXY protocol"
printf 'gemini_proxy = yes\ngopher_proxy = yes\nguestbook_limit = 1\npublic_port = 1965\npublic_gopher_port = 70\n' >"$work/proxy.conf"
start -c "$work/proxy.conf"
v1() { printf 'PROXY TCP4 %s 127.0.0.1 40000 1965\\r\\n' "$1"; }
expect "gemini behind a v1 header" "$GMI" "$(header "gemini://localhost/" -x "$(v1 203.0.113.9)")"
expect "the log names the client, not the balancer" 1 "$(grep -c '^[^ ]* 203\.0\.113\.9 20 .* gemini://localhost/$' "$log")"
# Version 2: signature, PROXY command, TCP over IPv4, 12 bytes: 198.51.100.20 -> 127.0.0.1, ports.
v2='\r\n\r\n\0\r\nQUIT\n\x21\x11\0\x0c\xc6\x33\x64\x14\x7f\0\0\x01\x9c\x40\x07\xad'
expect "gemini behind a v2 header" "$GMI" "$(header "gemini://localhost/" -x "$v2")"
expect "v2 client address logged" 1 "$(grep -c '^[^ ]* 198\.51\.100\.20 20 ' "$log")"
expect "LOCAL v2 (a health check) keeps the peer" "$GMI" "$(header "gemini://localhost/" -x '\r\n\r\n\0\r\nQUIT\n\x20\0\0\0')"
expect "no header: closed without an answer" "" "$(header "gemini://localhost/")"
expect "malformed header: closed" "" "$(header "gemini://localhost/" -x 'PROXY TCP4 nonsense\r\n')"
if wait_for "$log" "malformed PROXY v1 header"; then pass; else fail "malformed PROXY header not logged"; fi
expect_match "gopher behind a v1 header" "^iTest capsule" "$(gopher_raw "$(v1 192.0.2.44)/\r\n" | head -n 1)"
expect "gopher client logged" 1 "$(grep -c '^[^ ]* 192\.0\.2\.44 20 ' "$log")"
expect_match "gopher without a header gets nothing" "^$" "$(gopher_raw '/\r\n')"
# Rate limits count the real client: each address has its own bucket.
expect "limit: first client" "30 gemini://localhost/guestbook/" "$(header "gemini://localhost/guestbook/sign?from%20one" -x "$(v1 192.0.2.1)")"
expect "limit: first client again" "44" "$(header "gemini://localhost/guestbook/sign?from%20one%20again" -x "$(v1 192.0.2.1)" | cut -c1-2)"
expect "limit: second client" "30 gemini://localhost/guestbook/" "$(header "gemini://localhost/guestbook/sign?from%20two" -x "$(v1 192.0.2.2)")"
# Behind a balancer, URLs carry the port readers use, not the one marquee binds.
expect "public port served" "$GMI" "$(header "gemini://localhost:1965/" -x "$(v1 192.0.2.3)")"
expect "bound port is not the public one" "53 Proxy request refused" "$(header "gemini://localhost:$port/" -x "$(v1 192.0.2.3)")"
expect "redirects name the public port" "31 gemini://localhost/dir/" "$(header "gemini://localhost/dir" -x "$(v1 192.0.2.3)")"
expect_match "gopher items name the public port" "^1drama \(2\)	/tags/drama/	localhost	70" "$(gopher_raw "$(v1 192.0.2.4)/tags/\r\n" | grep -a '^1drama' | tr -d '\r')"
if kill -0 "$pid"; then pass; else fail "server died in the PROXY tests"; fi
stop

echo "== kill -9 during 1,000 concurrent appends"
printf 'guestbook_limit = 100000\nguestbook_global = 10000000\nmax_connections_per_address = 5000\n' >"$work/burst.conf"
# A guestbook of its own, so earlier damage does not count here.
state=$work/burst
gblog=$state/guestbook.log
start -c "$work/burst.conf" -s "$state"
timeout 120 "$GEMCLI" -n 1000 -L -t 100 -s localhost 127.0.0.1 "$port" "gemini://localhost/guestbook/sign?burst%20{n}" >"$work/burst.out" 2>/dev/null &
burst=$!
for i in $(seq 600); do
	[ "$(grep -c '	burst ' "$gblog")" -ge 150 ] && break
	sleep 0.02
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
wait "$burst"
acked=$(grep -c '^[0-9]* 30 ' "$work/burst.out")
echo "   $acked of 1000 appends acknowledged before kill -9"
if [ "$acked" -gt 0 ]; then pass; else fail "no append was acknowledged"; fi
start -c "$work/burst.conf" -s "$state"
"$MARQUEE" -s "$state" guestbook export >"$work/export.json"
missing=0
for n in $(awk '$2 == 30 { print $1 }' "$work/burst.out"); do
	grep -q "\"text\":\"burst $n\"" "$work/export.json" || missing=$((missing + 1))
done
expect "every acknowledged append survives kill -9" 0 "$missing"
expect "no record skipped after kill -9" 0 "$(grep -c 'record skipped' "$log")"
# More than a page of entries now: /guestbook/ shows the newest hundred.
gem "gemini://localhost/guestbook/" >/dev/null
expect "first page holds a hundred entries" 100 "$(grep -c '^### ' "$work/body")"
expect_match "first page links to older entries" "=> /guestbook/page/2/ Older entries" "$(cat "$work/body")"
gem "gemini://localhost/guestbook/page/2/" >/dev/null
expect_match "second page links back" "=> /guestbook/ Newer entries" "$(cat "$work/body")"
if [ "$(grep -c '^### ' "$work/body")" -ge 1 ]; then pass; else fail "second page is empty"; fi
expect "a page past the end" "51 No such page" "$(header "gemini://localhost/guestbook/page/999/")"
expect "page 1 has one address" "51 Not found" "$(header "gemini://localhost/guestbook/page/1/")"
alive "restart after kill -9"
stop

out=$("$MARQUEE" -H localhost -a 127.0.0.1 -p "$(free_port)" -g 0 -r "$root" -d "$work/certs" -s "$root/state" 2>&1)
expect "guestbook inside the capsule exit" 1 $?
expect_match "guestbook inside the capsule refused" "inside the capsule" "$out"

echo "== make install"
dest=$work/dest
if make -s install DESTDIR="$dest" PREFIX=/usr >"$work/install.out" 2>&1; then pass; else fail "make install: $(tail -n 3 "$work/install.out")"; fi
for f in usr/bin/marquee usr/share/man/man8/marquee.8 usr/share/man/man5/marquee.conf.5 \
    usr/lib/systemd/system/marquee.service usr/share/doc/marquee/marquee.conf.example; do
	if [ -f "$dest/$f" ]; then pass; else fail "make install left out $f"; fi
done
expect_match "installed binary runs" "^marquee [0-9]+\.[0-9]+\.[0-9]+ " "$("$dest/usr/bin/marquee" -V)"
expect "unit names the installed binary" "ExecStart=/usr/bin/marquee -c /etc/marquee.conf" "$(grep '^ExecStart=' "$dest/usr/lib/systemd/system/marquee.service")"
if mandoc -T lint -W warning "$dest/usr/share/man/man8/marquee.8" "$dest/usr/share/man/man5/marquee.conf.5" >"$work/lint" 2>&1; then pass; else fail "man pages: $(head -n 3 "$work/lint")"; fi
expect "example config passes marquee -n" 0 "$("$MARQUEE" -n -c "$dest/usr/share/doc/marquee/marquee.conf.example" -r "$root" -d "$work/certs" -s "$work/state" >/dev/null 2>&1; echo $?)"
if make -s uninstall DESTDIR="$dest" PREFIX=/usr && [ -z "$(find "$dest" -type f)" ]; then pass; else fail "make uninstall left $(find "$dest" -type f | head -n 3)"; fi

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	echo "== dropping privileges"
	chmod o+rx "$work"
	start -u nobody
	expect "runs as nobody" "$(id -u nobody)" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
	alive "privilege drop"
	# Now that the server is not root, an unreadable review is one it cannot read.
	printf '# Locked\n\nText.\n' >"$root/reviews/2026-09-09-locked.gmi"
	chmod 000 "$root/reviews/2026-09-09-locked.gmi"
	if wait_for "$log" "reviews/2026-09-09-locked.gmi: skipped: Permission denied"; then pass; else fail "unreadable review not logged"; fi
	alive "unreadable review"
	rm -f "$root/reviews/2026-09-09-locked.gmi"
	stop

	echo "== chroot"
	# Everything read after start lives in the jail; the guestbook log is
	# opened before the chroot, so it may stay outside.
	jail=$work/jail
	mkdir -p "$jail/capsule/reviews" "$jail/certs" "$work/jail-state"
	printf '# Jailed capsule\n' >"$jail/capsule/index.gmi"
	ln -s "$work/outside/secret" "$jail/capsule/escape"
	chown -R nobody "$jail" "$work/jail-state"
	port=$(free_port)
	gport=$(free_port)
	cat >"$jail/marquee.conf" <<CONF
hostname = localhost
listen = 127.0.0.1
port = $port
gopher_port = $gport
root = $jail/capsule
certs = $jail/certs
state = $work/jail-state
log = $jail/marquee.log
user = nobody
chroot = $jail
CONF
	# LeakSanitizer reads /proc, which the jail has not: it alone is off here.
	ASAN_OPTIONS=detect_leaks=0 "$MARQUEE" -c "$jail/marquee.conf" 2>"$work/stderr.jail" &
	pid=$!
	if wait_for "$jail/marquee.log" "listening on gemini://"; then pass; else fail "jailed server did not start: $(tail -n 3 "$work/stderr.jail" "$jail/marquee.log")"; fi
	expect "root is the jail" "$jail" "$(readlink "/proc/$pid/root")"
	expect "jailed runs as nobody" "$(id -u nobody)" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
	expect "chroot logged" 1 "$(grep -c "info: chroot: $jail\$" "$jail/marquee.log")"
	alive "chroot"
	expect "link out of the jail" "51 Not found" "$(header "gemini://localhost/escape")"
	printf '# Jail Break\n\ndirector: Someone\nyear: 2001\ntags: drama\ndate: 2026-02-02\n\nGood.\n' \
	    >"$jail/capsule/reviews/2026-02-02-jail-break.gmi"
	if wait_for "$jail/marquee.log" "index: localhost: 1 reviews"; then pass; else fail "review dropped into the jail not indexed"; fi
	expect "review listed" 1 "$(gem "gemini://localhost/reviews/" >/dev/null; grep -c "Jail Break" "$work/body")"
	expect "guestbook outside the jail" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?from%20the%20jail")"
	expect "entry in the log outside" 1 "$(grep -c "from the jail" "$work/jail-state/guestbook.log")"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
	    -addext subjectAltName=DNS:localhost -keyout "$jail/certs/new.key" -out "$jail/certs/new.crt" 2>/dev/null
	chown nobody "$jail/certs/new.key" "$jail/certs/new.crt"
	mv "$jail/certs/new.key" "$jail/certs/localhost.key"
	mv "$jail/certs/new.crt" "$jail/certs/localhost.crt"
	kill -HUP "$pid"
	if wait_for "$jail/marquee.log" "reloaded configuration and certificates"; then pass; else fail "reload in the jail: $(tail -n 2 "$jail/marquee.log")"; fi
	expect "new certificate served from the jail" \
	    "$(openssl x509 -in "$jail/certs/localhost.crt" -noout -fingerprint -sha256)" \
	    "$(printf 'gemini://localhost/\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost 2>/dev/null | openssl x509 -noout -fingerprint -sha256)"
	mv "$jail/marquee.log" "$jail/marquee.log.1"
	kill -USR1 "$pid"
	alive "log reopened in the jail"
	if wait_for "$jail/marquee.log" "gemini://localhost/"; then pass; else fail "log not reopened in the jail"; fi
	cp "$jail/marquee.log.1" "$work/log.jail.1"
	cp "$jail/marquee.log" "$work/log.jail.2"
	stop
	expect "jailed server stops cleanly" 0 "$stop_status"

	sed -i "s|^root = .*|root = $root|" "$jail/marquee.conf"
	out=$("$MARQUEE" -c "$jail/marquee.conf" 2>&1)
	expect "root outside the jail refused" 1 $?
	expect "refusal names it" "marquee: $jail/marquee.conf: root $root is outside the chroot $jail" "$out"
	sed "s|^root = .*|root = $jail/capsule|" "$jail/marquee.conf" >"$work/jail-outside.conf"
	out=$("$MARQUEE" -c "$work/jail-outside.conf" 2>&1)
	expect "config file outside the jail refused" 1 $?
	expect "refusal names the config file" "marquee: configuration file $work/jail-outside.conf is outside the chroot $jail" "$out"
fi

no_sanitizer_reports

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
