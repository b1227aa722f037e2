#!/usr/bin/env bash
# chroot: the process's root is the jail and it runs as nobody; a link out
# of the jail is 51; a review dropped in is published; the guestbook log,
# opened before the chroot, may stay outside; a certificate reload and a
# log reopen work from inside; the server stops cleanly; a root or a config
# file outside the jail is refused at start. Needs root and a nobody user.
. "$(dirname "$0")/../lib.sh"
e2e_begin
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "   (not root, or no user nobody: skipped)"
	e2e_end
fi
sample_capsule
mkdir -p "$work/outside"
echo "TOP SECRET outside the root" >"$work/outside/secret"
chmod o+rx "$work"
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
expect "new certificate served from the jail" "$(file_fp "$jail/certs/localhost.crt")" "$(served_fp localhost)"
mv "$jail/marquee.log" "$jail/marquee.log.1"
kill -USR1 "$pid"
if log_reopened "$jail/marquee.log"; then pass; else fail "log not reopened in the jail"; fi
alive "log reopened in the jail"
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
e2e_end
