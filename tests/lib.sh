# Shell helpers shared by the named end-to-end tests (tests/e2e, run by
# tests/run) and the benchmarks.

# The suites' assertions: each counts one check in $passed or $failed.
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect NAME EXPECTED ACTUAL
expect() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_match NAME REGEX ACTUAL
expect_match() {
	if [[ "$3" =~ $2 ]]; then pass; else fail "$1: expected /$2/, got [$3]"; fi
}

# stop: ends the server $pid, leaving its exit status in $stop_status.
stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	stop_status=$?
	pid=
}

# no_sanitizer_reports: one check that no server's stderr or log in $work
# holds an AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer report.
no_sanitizer_reports() {
	if grep -q "AddressSanitizer\|runtime error:\|LeakSanitizer" "$work"/stderr.* "$work"/log.* 2>/dev/null; then
		fail "sanitizer report: $(grep -h -m3 "AddressSanitizer\|runtime error:\|LeakSanitizer" "$work"/stderr.* "$work"/log.*)"
	else
		pass
	fi
}

# Prints a TCP port no socket uses, below the kernel's ephemeral range
# (ip_local_port_range), so the clients' own connections cannot take it
# between now and the server's bind.
# When tests/run runs several tests at once, each has a slot ($E2E_SLOT of
# $E2E_SLOTS) and takes ports from its own share of that range; within a
# named test ($work set), a port is never handed out twice.
free_port() {
	local port_found
	port_into port_found
	echo "$port_found"
}

# port_into VAR: free_port's port into the variable VAR, with no subshell
# (within a named test, ss writes into $work rather than into one). Its
# locals start with _ so that they do not hide the caller's VAR.
port_into() {
	local _p _low _span _base _given= _used
	read -r _low _ </proc/sys/net/ipv4/ip_local_port_range
	_span=$(((_low - 10000) / ${E2E_SLOTS:-1}))
	_base=$((10000 + ${E2E_SLOT:-0} * _span))
	[ -n "${work:-}" ] && [ -f "$work/ports.given" ] && _given=$'\n'$(<"$work/ports.given")$'\n'
	while :; do
		_p=$((_base + RANDOM % _span))
		[[ $_given == *$'\n'$_p$'\n'* ]] && continue
		if [ -n "${work:-}" ] && [ -d "$work" ]; then
			ss -Htan "sport = :$_p" >"$work/ss.out"
			_used=$(<"$work/ss.out")
		else
			_used=$(ss -Htan "sport = :$_p")
		fi
		if [ -z "$_used" ]; then
			[ -n "${work:-}" ] && [ -d "$work" ] && echo "$_p" >>"$work/ports.given"
			printf -v "$1" %s "$_p"
			return
		fi
	done
}

# On a machine shared by the tests run at once, every process started costs
# (fork and exec take milliseconds of CPU each): the helpers below wait and
# read files with the shell's builtins where they can.

# nap SECONDS: sleeps without starting a process: read times out on a pipe
# that no one writes to ($nap_fd, opened on first use).
nap() {
	[ -n "${nap_fd:-}" ] || exec {nap_fd}<> <(:)
	read -r -t "$1" -u "$nap_fd" _
}

# wait_until SECONDS COMMAND...: runs COMMAND until it succeeds, for
# SECONDS at most; fails if it never did. The tests wait with this (or the
# helpers below), never with a fixed sleep.
wait_until() {
	local tries=$(($1 * 20)) i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		nap 0.05
	done
	return 1
}

#
# The server's log, followed: log_follow opens $log (on $log_fd) where it
# ends now, and log_next reads on from there, so waiting for the server's
# next line reads only what it wrote since, without running grep over the
# whole log again and again.
#

# log_follow: from now on, log_next sees what is added to $log; when there
# is no $log yet, everything it will hold.
log_follow() {
	[ -n "${log_fd:-}" ] && exec {log_fd}<&-
	log_fd=
	log_followed=$log
	log_partial=
	if [ -e "$log" ]; then
		exec {log_fd}<"$log"
		while log_read_line; do :; done
	fi
}

# log_on: log_follow, unless $log is followed already; then what it holds
# so far is passed over either way.
log_on() {
	if [ "${log_followed:-}" = "$log" ] && [ -n "$log_fd" ] && [ "$log" -ef "/dev/fd/$log_fd" ]; then
		while log_read_line; do :; done
	else
		log_follow
	fi
}

# log_read_line: the followed log's next whole line into $log_line; fails
# when none is there yet (a line being written waits in $log_partial).
log_read_line() {
	local more
	if [ -z "$log_fd" ]; then
		[ -e "$log_followed" ] || return 1
		exec {log_fd}<"$log_followed"
	fi
	if IFS= read -r -u "$log_fd" more; then
		log_line=$log_partial$more
		log_partial=
		return 0
	fi
	log_partial+=$more
	return 1
}

# log_until DEADLINE TEXT...: until a line read on (see log_follow) holds
# one of the TEXTs, as they are (no pattern); that line is left in
# $log_line. Fails at DEADLINE, in microseconds
# as ${EPOCHREALTIME//[!0-9]/} counts them.
log_until() {
	local deadline=$1 text
	shift
	while :; do
		while log_read_line; do
			for text; do [[ $log_line == *"$text"* ]] && return 0; done
		done
		[ "${EPOCHREALTIME//[!0-9]/}" -lt "$deadline" ] || return 1
		nap 0.01
	done
}

# log_next SECONDS TEXT...: log_until, SECONDS from now.
log_next() {
	local deadline=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))
	shift
	log_until "$deadline" "$@"
}

# log_listening N [HOST...]: until the followed log has said N times that
# the server listens on Gemini, and among them for every HOST on $port; 15 s
# at most.
log_listening() {
	local n=$1 seen= h deadline=$((${EPOCHREALTIME//[!0-9]/} + 15000000))
	shift
	while log_until "$deadline" "listening on gemini://"; do
		seen+=$log_line$'\n'
		n=$((n - 1))
		[ "$n" -gt 0 ] && continue
		for h; do [[ $seen == *"listening on gemini://$h:$port/"* ]] || continue 2; done
		return 0
	done
	return 1
}

# count_at_least FILE PATTERN N: at least N lines of FILE match PATTERN.
count_at_least() { local n; n=$(grep -c -- "$2" "$1" 2>/dev/null); [ "${n:-0}" -ge "$3" ]; }

# wait_count FILE PATTERN N: until at least N lines of FILE match PATTERN; 15 s at most.
wait_count() { wait_until 15 count_at_least "$@"; }

# has_line FILE PATTERN: a line of FILE matches PATTERN.
has_line() { grep -q -- "$2" "$1" 2>/dev/null; }

# wait_for FILE PATTERN: until a line of FILE matches PATTERN; 15 s at most.
wait_for() { wait_until 15 has_line "$@"; }

# wait_body [-v] TEXT COMMAND...: runs COMMAND, which leaves a response body
# in $work/body, until that body contains TEXT (with -v: until it no longer
# does); 10 s at most.
wait_body() {
	local invert=0
	[ "$1" = -v ] && { invert=1; shift; }
	wait_until 10 body_is "$invert" "$@"
}

# body_is INVERT TEXT COMMAND...: runs COMMAND; its body contains TEXT (with
# INVERT 1: does not).
body_is() {
	local invert=$1 text=$2
	shift 2
	"$@" >/dev/null
	if { [[ $(<"$work/body") == *"$text"* ]]; } 2>/dev/null; then
		[ "$invert" = 0 ]
	else
		[ "$invert" = 1 ]
	fi
}

# listening PORT: something listens on TCP port PORT.
listening() { ss -ltn "sport = :$1" | grep -q LISTEN; }

# wait_port PORT: until something listens on PORT; 10 s at most.
wait_port() {
	wait_until 10 listening "$1" && return 0
	echo "nothing listens on port $1" >&2
	return 1
}

# bench_begin: a new work directory $work, and the list $pids of the
# benchmark's background processes: they are killed, and $work removed,
# when the script exits.
bench_begin() {
	work=$(mktemp -d)
	pids=()
	trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pg_cleanup; rm -rf "$work"' EXIT
}

# bench_capsule WORK: a 2 KB page in WORK/capsule and an ECDSA P-256
# certificate for localhost in WORK/certs, the same for every server compared.
bench_capsule() {
	mkdir -p "$1/capsule" "$1/certs"
	{ echo "# Benchmark page"; echo; head -c 1500 /dev/urandom | base64 -w 72; } |
	    head -c 2048 >"$1/capsule/index.gmi"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
	    -keyout "$1/certs/localhost.key" -out "$1/certs/localhost.crt" 2>/dev/null
}

# bench_reviews DIR N: N generated reviews in DIR (made if missing), the
# capsule the index and search benchmarks measure: dated over 26 years, 300
# directors, two of ten tags each and "bench" on all, a one-line body.
bench_reviews() {
	mkdir -p "$1"
	awk -v n="$2" -v dir="$1" 'BEGIN {
		split("drama thriller crime romance horror comedy war noir documentary western", tags, " ")
		for (i = 0; i < n; i++) {
			y = 2000 + i % 26; m = 1 + i % 12; d = 1 + i % 28
			f = sprintf("%s/%04d-%02d-%02d-film-%05d.gmi", dir, y, m, d, i)
			printf "# Film number %d\nDirector: Director %d\nYear: %d\nTags: %s, %s, bench\n\n", i, i % 300, 1950 + i % 70, tags[1 + i % 10], tags[1 + (i * 7) % 10] > f
			printf "A short review of film %d. It was fine; the second act dragged.\n", i > f
			close(f)
		}
	}'
}

# molly_start WORK PORT: Debian's molly-brown on core 0 serving bench_capsule's
# files; its pid is left in $!.
molly_start() {
	cat >"$1/molly.conf" <<CONF
Port = $2
Hostname = "localhost"
CertPath = "$1/certs/localhost.crt"
KeyPath = "$1/certs/localhost.key"
DocBase = "$1/capsule/"
AccessLog = "/dev/null"
ErrorLog = "$1/molly.err"
CONF
	taskset -c 0 molly-brown -c "$1/molly.conf" &
}

#
# Named end-to-end tests (tests/e2e/NAME.sh, run by tests/run): each one
# sources this file, calls e2e_begin, builds what it needs under $work and
# ends with e2e_end, which prints the "N passed, N failed" line tests/run reads.
#

# e2e_begin: a private $work, counters at zero, every server killed at exit.
e2e_begin() {
	MARQUEE=${MARQUEE:-./marquee}
	GEMCLI=${GEMCLI:-build/gemcli}
	RECGEN=${RECGEN:-build/recgen}
	TITANCLI=${TITANCLI:-build/titancli}
	work=$(mktemp -d)
	pid=
	passed=0
	failed=0
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	kill -9 $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	pg_cleanup
	rm -rf "$work"
}

# e2e_end: the sanitizer check, the closing line, and the exit status.
e2e_end() {
	[ -n "$pid" ] && stop
	instances_stop
	no_sanitizer_reports
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# sample_capsule: $root=$work/capsule with a home page and two reviews.
sample_capsule() {
	root=$work/capsule
	mkdir -p "$root/reviews"
	printf '# Test capsule\n\nWelcome.\n' >"$root/index.gmi"
	printf '# First Film\nDirector: Jane Doe\nTags: Drama, Noir\n\nThe first review.\n' \
	    >"$root/reviews/2026-03-01-first.gmi"
	printf '# Second Film\nDirector: Jane Doe\nTags: drama\n\nThe second review.\n' \
	    >"$root/reviews/2026-04-01-second.gmi"
}

# serve [ARGS]: a server for $root on 127.0.0.1, Gemini on $port and Gopher
# on $gport, logging to $log; returns once it says it listens.
serve() {
	port_into port
	port_into gport
	log=$work/log.$port
	log_follow
	"$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g "$gport" -r "$root" -d "$work/certs" \
	    -s "${state:-$work/state}" -l "$log" "$@" 2>"$work/stderr.$port" &
	pid=$!
	if ! log_listening 1; then
		fail "server did not start: $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
		e2e_end
	fi
}

# gem URL [gemcli options]: prints the header line; the body goes to $work/body.
# The body is emptied first, so that a fetch that fails leaves none; gemcli's
# -t ends a fetch that hangs.
gem() {
	local url=$1
	shift
	: >"$work/body"
	"$GEMCLI" -t 20 -s localhost "$@" -o "$work/body" 127.0.0.1 "$port" "$url" 2>"$work/gemcli.err"
}

# header URL [gemcli options]: the header line alone (gem prints nothing else).
header() { gem "$@"; }

# titan [titancli options] PATH [FILE]: uploads FILE (none: deletes) to
# titan://localhost:$port/PATH with build/titancli and prints the header.
titan() {
	local opts=()
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		case $1 in -[Hr]) opts+=("$1"); shift ;; *) opts+=("$1" "$2"); shift 2 ;; esac
	done
	timeout 30 "$TITANCLI" -T 20 "${opts[@]}" 127.0.0.1 "$port" "titan://localhost:$port/$1" ${2:+"$2"} 2>>"$work/titancli.err"
}

# titan_as NAME PATH [FILE]: titan with the client certificate $work/NAME.crt.
titan_as() { local who=$1; shift; titan -c "$work/$who.crt" -k "$work/$who.key" "$@"; }

# client_cert NAME CN: a self-signed client certificate $work/NAME.crt and .key;
# CN is UTF-8.
client_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$work/$1.key" -out "$work/$1.crt" -utf8 -subj "/CN=$2" -days 2 2>/dev/null
}

# key_fp NAME: the SHA-256 of the public key of $work/NAME.crt in hex, as
# the server fingerprints a client and as the owner key takes it.
key_fp() { openssl x509 -in "$work/$1.crt" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }

# s_client URL [OPTIONS]: the header the server on $port answers to URL,
# asked by openssl s_client with OPTIONS (-tls1_2, -cert FILE...).
s_client() {
	local url=$1
	shift
	printf '%s\r\n' "$url" | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$port" \
	    -servername localhost "$@" 2>/dev/null | head -n 1 | tr -d '\r'
}

# s_client_as NAME URL: s_client with the client certificate $work/NAME.crt.
s_client_as() { s_client "$2" -cert "$work/$1.crt" -key "$work/$1.key"; }

# reload: SIGHUP to $pid, then waits until $log says the reload was done or
# refused (15 s at most); fails unless it was done.
reload() {
	local done="reloaded configuration and certificates" refused="error: reload: "
	log_on
	kill -HUP "$pid"
	log_next 15 "$done" "$refused" && [[ $log_line == *"$done"* ]]
}

# The header of a Gemini home page in English.
GMI="20 text/gemini; charset=utf-8; lang=en"

# full_capsule: $root=$work/capsule with what most single-host tests need:
# a home page with an external link, a directory with and one without an
# index, dotfiles, .well-known, a file whose lines are dots, a text file and
# a binary one without extension, a 1 MiB random file, a PNG, a UTF-8 name,
# symlinks inside and out of the root, a FIFO, and two reviews; beside it,
# $work/outside/secret, which must never be served.
full_capsule() {
	root=$work/capsule
	mkdir -p "$root/dir" "$root/noindex" "$root/.well-known" "$root/reviews" \
	    "$root/dir/.git" "$work/outside"
	echo "TOP SECRET outside the root" >"$work/outside/secret"
	printf '# Test capsule\n\nWelcome.\n\n=> https://example.org/ An example\n' >"$root/index.gmi"
	printf '# Dots\nbefore\n.\n.hidden line\nafter\n' >"$root/dots.gmi"
	printf '# Dir\n' >"$root/dir/index.gmi"
	echo "plain words in a file without extension" >"$root/notes"
	head -c 1048576 /dev/urandom >"$root/big.bin"
	# Binary bytes, the same every run (an AES-CTR keystream behind four
	# NULs), that libmagic calls data: random ones once matched a magic
	# number by chance (application/x-dosexec).
	{ printf '\0\0\0\0'; head -c 4096 /dev/zero | openssl enc -aes-128-ctr \
	    -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000; } >"$root/blob"
	printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\6\0\0\0\x1f\x15\xc4\x89' >"$root/pixel.png"
	echo "contact: someone" >"$root/.well-known/security.txt"
	echo "hidden" >"$root/.secret"
	echo "[core]" >"$root/dir/.git/config"
	printf '# Café\n' >"$root/café.gmi"
	ln -s index.gmi "$root/link.gmi"
	ln -s /etc/passwd "$root/passwd"
	ln -s ../outside/secret "$root/escape"
	mkfifo "$root/fifo"
	printf '# First Film\nDirector: Jane Doe\nYear: 1999\nTags: Drama, Noir\n\nThe first review.\n' \
	    >"$root/reviews/2026-03-01-first.gmi"
	printf '# Second Film\nDirector: Jane Doe\nTags: drama\n\nThe second review.\n' \
	    >"$root/reviews/2026-04-01-second.gmi"
}

# raw REQUEST: the header the server answers to REQUEST sent as given
# (gemcli -r: printf-like escapes, no CRLF added).
raw() { "$GEMCLI" -t 20 -s localhost -r -o /dev/null 127.0.0.1 "$port" "$1" 2>/dev/null; }

# alive WHAT: one check that the server $pid runs and serves its home page.
alive() {
	if kill -0 "$pid" 2>/dev/null && [ "$(header "gemini://localhost/")" = "$GMI" ]; then
		pass
	else
		fail "server not alive after: $1"
	fi
}

# gopher_raw REQUEST: sends the bytes as given (printf escapes) to $gport,
# prints the answer.
gopher_raw() {
	timeout 20 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "$2" >&3; cat <&3' _ "$gport" "$1"
}

# wait_page [-v] URL TEXT: until URL's body contains (with -v, no longer contains) TEXT.
wait_page() {
	local v=
	[ "$1" = -v ] && { v=-v; shift; }
	wait_body $v "$2" gem "$1"
}

# expect_no NAME TEXT ACTUAL: ACTUAL does not contain TEXT.
expect_no() {
	if [[ "$3" == *"$2"* ]]; then fail "$1: [$2] found in [$3]"; else pass; fi
}

# reloaded: sends SIGHUP to $pid and waits for one more "reloaded
# configuration and certificates" line in $log; 10 s at most.
reloaded() {
	log_on
	kill -HUP "$pid"
	log_next 10 "reloaded configuration and certificates"
}

# index_barrier HOST FILE: closes FILE, a review of HOST, after opening it
# for writing (no change), and waits until HOST's index is built once more
# (one more "index: HOST:" line in $log): every change made to the capsules
# before has then been seen by that host's watcher.
index_barrier() {
	log_on
	: >>"$2"
	log_next 10 "index: $1: "
}

# file_fp FILE: SHA-256 fingerprint of the certificate in FILE.
file_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2; }

# served_fp SNI: SHA-256 fingerprint of the certificate the server on $port presents for SNI.
served_fp() {
	timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername "$1" </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}

# fd_count: how many descriptors the server $pid holds.
fd_count() {
	local fds=("/proc/$pid/fd/"*)
	[ -e "${fds[0]}" ] || [ -L "${fds[0]}" ] || fds=()
	echo "${#fds[@]}"
}

#
# Virtual hosts (tests/e2e/vhosts-*.sh): a.test, b.test and d.test do not
# resolve; every client connects to 127.0.0.1 and names the host in SNI and
# in the URL.
#

# vhosts_capsules: three capsules, $aroot, $broot and $droot, each with a
# home page; a.test and b.test have a review each, b.test two files of its own.
vhosts_capsules() {
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
	printf '# Alpha Film\nDirector: Ann Alpha\nTags: Alphatag\n\nAlpha text.\n' \
	    >"$aroot/reviews/2026-03-01-alpha-film.gmi"
	printf '# Beta Film\nDirector: Bob Beta\nTags: Betatag\n\nBeta text.\n' \
	    >"$broot/reviews/2026-03-02-beta-film.gmi"
	ADE="20 text/gemini; charset=utf-8; lang=de"
	BFR="20 text/gemini; charset=utf-8; lang=fr"
}

# first_host_conf ROOT GOPHER_PORT: the lines of a configuration file that
# make a.test, on 127.0.0.1:$port, the first host, serving ROOT, with its
# certificates and state under $work; more keys and [sections] follow them.
first_host_conf() {
	printf 'hostname = a.test\nlisten = 127.0.0.1\nport = %s\ngopher_port = %s\n' "$port" "$2"
	printf 'root = %s\ncerts = %s\nstate = %s\n' "$1" "$work/certs" "$work/state"
}

# small_disk DIR: a 64 KiB tmpfs at DIR, easy to fill, unmounted at exit. A
# machine where it cannot be mounted (not root) fails the test: a full disk
# is what it is about.
small_disk() {
	mkdir -p "$1"
	if ! mount -t tmpfs -o size=64k tmpfs "$1" 2>/dev/null; then
		fail "cannot mount a tmpfs at $1 (needs root)"
		e2e_end
	fi
	trap "umount '$1' 2>/dev/null; e2e_cleanup" EXIT
}

# serve_limit N [ARGS]: serve, with guestbook_limit N and everyone's limit
# out of the way; the configuration stays in $work/gb.conf for a restart.
serve_limit() {
	printf 'guestbook_limit = %s\nguestbook_global = 100000\n' "$1" >"$work/gb.conf"
	shift
	serve -c "$work/gb.conf" "$@"
}

# serve_unlimited [ARGS]: serve, with the guestbook's rate limits out of the
# way of tests that write many entries.
serve_unlimited() { serve_limit 1000 "$@"; }

# guestbook_capsule: full_capsule served with serve_unlimited, with $state
# and $gblog, its guestbook log: where the guestbook tests begin.
guestbook_capsule() {
	full_capsule
	state=$work/state
	gblog=$state/guestbook.log
	serve_unlimited
}

# serve_conf CONF [ARGS]: a server for CONF on $port, logging to $log
# ($work/log.$port); returns once it listens for every host: those named in
# $hosts when set, else as many as CONF has (the first and each [section]).
serve_conf() {
	local conf=$1 line n=1
	shift
	log=$work/log.$port
	log_follow
	"$MARQUEE" -c "$conf" -l "$log" "$@" 2>"$work/stderr.$port" &
	pid=$!
	while IFS= read -r line || [ -n "$line" ]; do [[ $line == \[* ]] && n=$((n + 1)); done <"$conf"
	# $hosts unquoted: a list of names.
	log_listening "$n" ${hosts:-} && return 0
	fail "server did not start: $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
	e2e_end
}


# vhosts_conf B_LANG [EXTRA LINES]: $conf for the three hosts, a.test at the
# top (lang de), b.test (lang B_LANG) and d.test (with a public Gopher port)
# in sections, each with its own Gopher port: $ga, $gb, $gd ($gdpub public).
vhosts_conf() {
	cat >"$conf" <<CONF
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
CONF
}

# vhosts_serve: vhosts_capsules, then one server for the three hosts, with
# the gem, header, body and wait_page below taking the SNI first.
vhosts_serve() {
	vhosts_capsules
	vhosts_clients
	port_into port
	port_into ga
	port_into gb
	port_into gd
	port_into gdpub
	conf=$work/vhosts.conf
	vhosts_conf fr
	hosts="a.test b.test d.test"
	serve_conf "$conf"
}

# vhosts_clients: redefines gem, header, body and wait_page to name the
# host: gem SNI URL [gemcli options], wait_page [-v] SNI URL TEXT; adds
# gopher PORT PATH and menu_strangers MENU HOST PORT.
vhosts_clients() {
	gem() {
		local sni=$1 url=$2
		shift 2
		: >"$work/body"
		"$GEMCLI" -t 20 -s "$sni" "$@" -o "$work/body" 127.0.0.1 "$port" "$url" 2>"$work/gemcli.err"
	}
	header() { gem "$@"; }
	body() { gem "$@" >/dev/null; cat "$work/body" 2>/dev/null; }
	wait_page() {
		local v=
		[ "$1" = -v ] && { v=-v; shift; }
		wait_body $v "$3" gem "$1" "$2"
	}
	# gopher PORT SELECTOR-URL-PATH: the answer of that host's Gopher listener.
	gopher() { timeout 20 curl -s "gopher://127.0.0.1:$1$2"; }
	# menu_strangers MENU HOST PORT: how many menu lines with four fields
	# name another host or port.
	menu_strangers() {
		printf '%s\n' "$1" | tr -d '\r' | awk -F '\t' -v h="$2" -v p="$3" 'NF >= 4 && ($3 != h || $4 != p)' | wc -l
	}
}

# guestbook_seed: two responses to the first review of sample_capsule or
# full_capsule on the running server, each one check: "Loved the rain
# scene." anonymously (entry 1), then lines that try to inject gemtext,
# signed with the certificate $work/reader.crt (CN movieblort, made here;
# entry 2, the log's second line).
guestbook_seed() {
	client_cert reader movieblort
	expect "seed: an anonymous response" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
	    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Loved%20the%20rain%20scene.")"
	expect "seed: a response with a certificate" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
	    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Line%20one%0D%0A%3D%3E%20gemini%3A%2F%2Fevil%2F%20Click%0A%23%20Big%0A%60%60%60%0A*%20item" -c "$work/reader.crt" -k "$work/reader.key")"
}


# owner_capsule: sample_capsule, with $state, $gblog (the first host's
# guestbook log) and $conf, the configuration owner_conf writes, which the
# server is started with and owner_cmd reads.
owner_capsule() {
	sample_capsule
	state=$work/state
	gblog=$state/guestbook.log
	conf=$work/marquee.conf
}

# owner_conf [LINE...]: $conf for owner_capsule's root and state, with the
# guestbook's rate limits out of the way, and LINEs.
owner_conf() {
	printf 'root = %s\nstate = %s\nguestbook_limit = 1000\nguestbook_global = 100000\n' \
	    "$root" "$state" >"$conf"
	printf '%s\n' "$@" >>"$conf"
}

# owner_cmd ARGS...: the owner's command "marquee -c $conf guestbook ARGS";
# prints what it says (standard output and error), which $work/stderr.owner
# also keeps for the sanitizer check, and returns its exit status.
owner_cmd() {
	local rc
	timeout 20 "$MARQUEE" -c "$conf" guestbook "$@" >"$work/owner.out" 2>&1
	rc=$?
	tee -a "$work/stderr.owner" <"$work/owner.out"
	return $rc
}

# within SECONDS COMMAND...: runs COMMAND until it succeeds, for SECONDS of
# wall-clock time at most (and at least once); fails if it never did. For
# what must happen within a second or two, such as the owner's commands
# reaching the running server: unlike wait_until, which counts tries, a
# slow COMMAND cannot stretch the deadline.
within() {
	local deadline=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME//[!0-9]/}" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# shows_within SECONDS [-v] URL TEXT: until URL's body contains (with -v, no
# longer contains) TEXT, SECONDS at most (within).
shows_within() {
	local seconds=$1 invert=0
	shift
	[ "$1" = -v ] && { invert=1; shift; }
	within "$seconds" body_is "$invert" "$2" gem "$1"
}

# header_is EXPECTED URL [gemcli options]: the header of URL is EXPECTED.
header_is() { [ "$(header "${@:2}")" = "$1" ]; }

# log_reopened FILE: after a SIGUSR1 that follows moving the log away, until
# a request is logged in the new FILE (each try makes one); 10 s at most.
log_reopened() {
	wait_until 10 _logged_in "$1"
}
_logged_in() {
	header "gemini://localhost/" >/dev/null
	grep -q "gemini://localhost/" "$1" 2>/dev/null
}

# vhosts_guestbook_seed: on vhosts_serve's server, signs a.test's guestbook
# ("from alpha"), b.test's ("from beta"), responds to b.test's review
# ("beta response") and signs b.test's over Gopher ("beta by gopher"); one
# check each. $agb, $bgb and $dgb name the three guestbook logs.
vhosts_guestbook_seed() {
	agb=$state/guestbook.log
	bgb=$state/guestbook-b.test.log
	dgb=$state/guestbook-d.test.log
	expect "sign a.test's guestbook" "30 gemini://a.test:$port/guestbook/" "$(header a.test "gemini://a.test/guestbook/sign?from%20alpha")"
	expect "sign b.test's guestbook" "30 gemini://b.test:$port/guestbook/" "$(header b.test "gemini://b.test/guestbook/sign?from%20beta")"
	expect "respond to b.test's review" "30 gemini://b.test:$port/reviews/2026-03-02-beta-film.gmi" \
	    "$(header b.test "gemini://b.test/reviews/2026-03-02-beta-film/respond?beta%20response")"
	expect_match "sign b.test's guestbook over gopher" "^iThank you	" "$(gopher "$gb" '/7/guestbook/sign%09beta%20by%20gopher')"
}

#
# PostgreSQL (the guestbook = postgresql://... backend): a private server
# per test, started with initdb and pg_ctl in a directory of $work,
# reachable only on a Unix socket (DIR/sock), so that no TCP port can
# collide with another test's. PostgreSQL refuses to run as root: the data
# directory belongs to the user postgres and its programs run as that user.
# Every server started is stopped by e2e_cleanup (or bench_begin's trap),
# even when the test fails or is killed.
#
# Roles and database that pg_start makes, for the tests to use:
#   database marquee   owned by postgres; marquee's guestbooks go there
#   role marquee       LOGIN, no password (trust), CREATE and CONNECT on
#                      database marquee: what marquee's schema needs the first time
#   role marquee_pw    LOGIN, password $PG_PASSWORD, which the server checks
#                      (scram-sha-256): for the wrong-password test
#   role nogrants      LOGIN, no privilege on database marquee beyond PUBLIC's
#

# The password of the role marquee_pw.
PG_PASSWORD=right-horse-battery

# pg_bindir: prints the newest /usr/lib/postgresql/VERSION/bin holding
# pg_ctl and initdb; fails when there is none.
pg_bindir() {
	local d found=
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
		[ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && found=$d
	done
	[ -n "$found" ] && echo "$found"
}

# pg_need: $pg_bin, PostgreSQL's programs; when PostgreSQL is not
# installed, a loud failure and the end of the test (never a skip: the
# guestbook's PostgreSQL backend would then go untested).
pg_need() {
	[ -n "${pg_bin:-}" ] && return 0
	if ! pg_bin=$(pg_bindir) || ! command -v psql >/dev/null || ! id postgres >/dev/null 2>&1; then
		fail "PostgreSQL NOT FOUND: no /usr/lib/postgresql/*/bin/pg_ctl, psql or user postgres; install it with 'apt-get install postgresql' (make check does, through tests/need)"
		e2e_end
	fi
}

# pg_as_postgres COMMAND...: COMMAND as the user postgres (as it is when
# not root: then the tests' own user runs the server).
pg_as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_traversable DIR: lets the user postgres reach DIR, a directory of
# $work (mktemp makes it 0700): each parent that postgres cannot pass gets
# o+x, no more (nothing becomes readable).
pg_traversable() {
	local d=$1
	[ "$(id -u)" -eq 0 ] || return 0
	while [ "$d" != / ] && [ -n "$d" ]; do
		d=$(dirname "$d")
		runuser -u postgres -- test -x "$d" || chmod o+x "$d"
	done
}

# pg_start DIR [tcp]: a PostgreSQL server for DIR, made there the first
# time (DIR/data, initdb, the roles above), started again as it was after a
# pg_stop; returns once it accepts connections on DIR/sock (pg_ctl -w, 30 s
# at most). With tcp (the first time), it also listens on 127.0.0.1, on a
# free port kept in DIR/tcp.port, and pg_uri names that address: the
# several-machines case, where the database is on another host. A server
# that does not start fails the test and ends it.
pg_start() {
	local dir=$1 opts tcp_port
	pg_need
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ ! -d "$dir/data" ]; then
		pg_init "$dir" || { fail "initdb in $dir failed: $(tail -n 3 "$dir/initdb.out")"; e2e_end; }
		[ "${2:-}" = tcp ] && { port_into tcp_port; echo "$tcp_port" >"$dir/tcp.port"; }
	fi
	[[ $'\n'$(cat "$work/pg.dirs" 2>/dev/null)$'\n' == *$'\n'$dir$'\n'* ]] || echo "$dir" >>"$work/pg.dirs"
	opts="-k $dir/sock -c listen_addresses=''"
	[ -f "$dir/tcp.port" ] && opts="-k $dir/sock -c listen_addresses=127.0.0.1 -c port=$(<"$dir/tcp.port")"
	if ! pg_as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
	    -o "$opts" start >"$dir/pg_ctl.out" 2>&1; then
		fail "PostgreSQL did not start in $dir: $(tail -n 3 "$dir/server.log" "$dir/pg_ctl.out" 2>/dev/null)"
		e2e_end
	fi
	[ -f "$dir/roles.done" ] && return 0
	pg_sql "$dir" "CREATE DATABASE marquee" postgres >/dev/null &&
	    pg_sql "$dir" "CREATE ROLE marquee LOGIN; GRANT CONNECT, CREATE ON DATABASE marquee TO marquee;
		SET password_encryption = 'scram-sha-256';
		CREATE ROLE marquee_pw LOGIN PASSWORD '$PG_PASSWORD'; GRANT CONNECT, CREATE ON DATABASE marquee TO marquee_pw;
		CREATE ROLE nogrants LOGIN" >/dev/null &&
	    : >"$dir/roles.done" && return 0
	fail "cannot make the test roles in $dir"
	e2e_end
}

# pg_init DIR: initdb into DIR/data, owned by postgres, trusting every
# local connection but marquee_pw's, which must give its password.
pg_init() {
	local dir=$1
	pg_traversable "$dir/data"
	mkdir -p "$dir/data" "$dir/sock"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir" "$dir/data" "$dir/sock"
	chmod 700 "$dir/data"
	chmod 755 "$dir" "$dir/sock"
	pg_as_postgres "$pg_bin/initdb" -D "$dir/data" -A trust -U postgres -N \
	    --locale=C -E UTF8 >"$dir/initdb.out" 2>&1 || return 1
	# pg_hba.conf is read top down: marquee_pw's line first.
	{ echo "local all marquee_pw scram-sha-256"; echo "host all marquee_pw 127.0.0.1/32 scram-sha-256"
	  cat "$dir/data/pg_hba.conf"; } >"$dir/hba.new" &&
	    cat "$dir/hba.new" >"$dir/data/pg_hba.conf"
}

# pg_stop DIR [MODE]: stops DIR's server (pg_ctl -m MODE: fast, the
# default, ends the sessions and shuts down cleanly; immediate is a crash)
# and waits until it is gone, 30 s at most.
pg_stop() {
	local dir=$1 mode=${2:-fast}
	pg_need
	pg_as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m "$mode" -w -t 30 stop >>"$dir/pg_ctl.out" 2>&1
}

# pg_cleanup: every server pg_start started in this test, stopped
# (immediate: nothing of it is kept). Called at exit.
pg_cleanup() {
	local dir
	[ -f "${work:-}/pg.dirs" ] || return 0
	while IFS= read -r dir; do
		[ -f "$dir/data/postmaster.pid" ] &&
		    pg_as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1
	done <"$work/pg.dirs"
}

# pg_uri DIR [DB] [USER]: the libpq URI of database DB (marquee) on DIR's
# server as USER (marquee), for "guestbook = ..." and psql: its Unix
# socket, or its TCP address when pg_start made it with tcp.
pg_uri() {
	local dir
	dir=$(cd "$1" && pwd)
	if [ -f "$dir/tcp.port" ]; then
		echo "postgresql://127.0.0.1:$(<"$dir/tcp.port")/${2:-marquee}?user=${3:-marquee}"
	else
		echo "postgresql:///${2:-marquee}?host=$dir/sock&user=${3:-marquee}"
	fi
}

# pg_sql DIR SQL [DB] [USER]: runs SQL on DIR's server in database DB
# (marquee) as USER (postgres, the superuser); prints the rows unaligned,
# fields separated by |, no headers; fails with psql's error on stderr
# when a statement fails.
pg_sql() {
	pg_need
	psql -X -w -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_uri "$1" "${3:-marquee}" "${4:-postgres}")" -c "$2"
}

#
# Several servers of one capsule (tests/e2e/pg-*.sh): each an instance with
# its own name, ports, state directory and log, all sharing $root, as
# several machines behind a load balancer would. `on NAME` points the
# helpers above (gem, header, s_client, gopher_raw, $pid, $log) at one.
#

declare -A inst_pid inst_port inst_gport inst_log

# instance NAME [ARGS]: serve (ARGS as there) with the state directory
# $work/state.NAME, kept as instance NAME; the current one from now on.
instance() {
	local name=$1
	shift
	state=$work/state.$name
	pid=
	serve "$@"
	inst_pid[$name]=$pid inst_port[$name]=$port inst_gport[$name]=$gport inst_log[$name]=$log
}

# on NAME: instance NAME is the one the helpers talk to.
on() {
	port=${inst_port[$1]} gport=${inst_gport[$1]} pid=${inst_pid[$1]} log=${inst_log[$1]}
	state=$work/state.$1
}

# instance_stop NAME: ends instance NAME as stop does ($stop_status).
instance_stop() {
	on "$1"
	stop
	inst_pid[$1]=
}

# instance_kill NAME: kill -9 of instance NAME, reaped.
instance_kill() {
	kill -9 "${inst_pid[$1]}" 2>/dev/null
	wait "${inst_pid[$1]}" 2>/dev/null
	[ "$pid" = "${inst_pid[$1]}" ] && pid=
	inst_pid[$1]=
}

# instances_stop: every instance still running, stopped (e2e_end does it,
# so that each one's sanitizer report, if any, is written).
instances_stop() {
	local name
	for name in "${!inst_pid[@]}"; do
		[ -n "${inst_pid[$name]}" ] && instance_stop "$name"
	done
	pid=
}

# The answer to an append while PostgreSQL is unreachable (pgspec.md: the
# whole meta, on Gemini; Gopher says it in a type-3 line).
PG_UNAVAILABLE="40 guestbook temporarily unavailable"

# pg_capsule: sample_capsule, a PostgreSQL server in $pg (pg_start), and
# $pgconf, a configuration whose guestbook is in it (schema $schema), with
# the rate limits out of the way; instance NAME -c "$pgconf" starts a
# server on it.
pg_capsule() {
	sample_capsule
	pg=$work/pg
	pg_start "$pg"
	schema=marquee_localhost
	pgconf=$work/pg.conf
	printf 'guestbook = %s\nguestbook_limit = 100000\nguestbook_global = 10000000\nmax_connections_per_address = 5000\n' \
	    "$(pg_uri "$pg")" >"$pgconf"
}

# pg_one: pg_capsule and one instance of it, a; $first is the URL of the
# first review without .gmi, $back the answer to a response on it.
pg_one() {
	pg_capsule
	instance a -c "$pgconf"
	first=gemini://localhost/reviews/2026-03-01-first
	back="30 gemini://localhost:$port/reviews/2026-03-01-first.gmi"
}

# pg_two [LINE...]: pg_capsule, with the LINEs added to $pgconf, and two
# instances of it, a and b (b the current one); $first is the URL of the
# first review without .gmi.
pg_two() {
	pg_capsule
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$pgconf"
	instance a -c "$pgconf"
	instance b -c "$pgconf"
	first=gemini://localhost/reviews/2026-03-01-first
}

# pg_texts: the text field of every entry record in $schema.records, one a
# line (escapes as the log writes them), in the order of the table.
pg_texts() {
	pg_sql "$pg" "SELECT record FROM $schema.records WHERE record LIKE 'entry%' ORDER BY seq" |
	    awk -F '\t' '{ print $7 }'
}

# acked_missing OUT PREFIX TEXTS: how many clients of `gemcli -n -L` whose
# answer in OUT was a 30 have no "PREFIX NUMBER" line in the file TEXTS.
acked_missing() {
	awk -v p="$2" 'NR == FNR { if ($2 == 30) want[p " " $1]; next }
		{ got[$0] }
		END { n = 0; for (w in want) if (!(w in got)) n++; print n }' "$1" "$3"
}

# twice TEXTS: the lines of the file TEXTS that are there more than once.
twice() { sort "$1" | uniq -d; }

# load_waves NAME WAVES SIZE PREFIX OUT: in the background (its pid in
# $load), WAVES waves, one after the other, of SIZE clients at once
# (gemcli -n -L) on instance NAME, client N of wave W signing the
# guestbook "PREFIX W-N"; OUT gets a line "W-N HEADER" for each answer.
load_waves() {
	local name=$1 waves=$2 size=$3 prefix=${4// /%20} out=$5
	on "$name"
	(
		for ((w = 1; w <= waves; w++)); do
			timeout 120 "$GEMCLI" -n "$size" -L -t 100 -s localhost 127.0.0.1 "$port" \
			    "gemini://localhost/guestbook/sign?$prefix%20$w-{n}" 2>/dev/null |
			    awk -v w="$w" '/^[0-9]+ / { print w "-" $0 }'	# not its "ok=N failed=N" line
		done >>"$out"
	) &
	load=$!
}

# load_both WAVES SIZE PREFIX: load_waves on instances a and b at once,
# signing "PREFIX a W-N" and "PREFIX b W-N", answers in $work/a.out and
# $work/b.out; their pids in $loada and $loadb.
load_both() {
	load_waves a "$1" "$2" "$3 a" "$work/a.out"
	loada=$load
	load_waves b "$1" "$2" "$3 b" "$work/b.out"
	loadb=$load
}

# answered_all NAME N: two checks after load_both, for instance NAME: all
# N of its clients got an answer, and each was a 30 or $PG_UNAVAILABLE.
answered_all() {
	expect "every client of $1 got an answer" "$2" "$(wc -l <"$work/$1.out")"
	expect "every client of $1 got 30 or 40 with the reason" "" \
	    "$(grep -v '^[^ ]* 30 gemini://localhost:[0-9]*/guestbook/$' "$work/$1.out" | grep -v "^[^ ]* $PG_UNAVAILABLE\$" | head -n 3)"
}

# pg_rows PATTERN: how many rows of $schema.records match the LIKE PATTERN.
pg_rows() { pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE record LIKE '$1'"; }

# pg_backends: the process ids of the sessions marquee's role has open.
pg_backends() { pg_sql "$pg" "SELECT pid FROM pg_stat_activity WHERE usename = 'marquee'"; }

# acked_all NAME PREFIX: two checks after load_both, for instance NAME:
# every client answered 30 in $work/NAME.out has its "PREFIX NAME W-N"
# entry in the table, and no entry is there twice.
acked_all() {
	pg_texts >"$work/texts"
	expect "$1: every acknowledged entry is in the table ($(grep -c '^[^ ]* 30 ' "$work/$1.out") acknowledged)" 0 \
	    "$(acked_missing "$work/$1.out" "$2 $1" "$work/texts")"
	expect "$1: no entry stored twice" "" "$(twice "$work/texts" | head -n 3)"
}
