# Shell helpers shared by the integration suites and the benchmarks.

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
free_port() {
	local p low
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	while :; do
		p=$((10000 + RANDOM % (low - 10000)))
		[ -z "$(ss -Htan "sport = :$p")" ] && { echo "$p"; return; }
	done
}

# wait_for FILE PATTERN: polls FILE until a line matches PATTERN; 15 s at most.
wait_for() {
	local i
	for i in $(seq 300); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_body [-v] TEXT COMMAND...: runs COMMAND, which leaves a response body
# in $work/body, until that body contains TEXT (with -v: until it no longer
# does); 10 s at most.
wait_body() {
	local invert=0 text i
	[ "$1" = -v ] && { invert=1; shift; }
	text=$1
	shift
	for i in $(seq 100); do
		"$@" >/dev/null
		if grep -qF -- "$text" "$work/body" 2>/dev/null; then
			[ $invert = 0 ] && return 0
		else
			[ $invert = 1 ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_port PORT: until something listens on PORT; 10 s at most.
wait_port() {
	local i
	for i in $(seq 200); do
		ss -ltn "sport = :$1" | grep -q LISTEN && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	return 1
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
	work=$(mktemp -d)
	pid=
	passed=0
	failed=0
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	jobs -p | xargs -r kill -9 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}

# e2e_end: the sanitizer check, the closing line, and the exit status.
e2e_end() {
	[ -n "$pid" ] && stop
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
	port=$(free_port)
	gport=$(free_port)
	log=$work/log.$port
	"$MARQUEE" -H localhost -a 127.0.0.1 -p "$port" -g "$gport" -r "$root" -d "$work/certs" \
	    -s "${state:-$work/state}" -l "$log" "$@" 2>"$work/stderr.$port" &
	pid=$!
	if ! wait_for "$log" "listening on gemini://"; then
		fail "server did not start: $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
		e2e_end
	fi
}

# gem URL [gemcli options]: prints the header line; the body goes to $work/body.
gem() {
	local url=$1
	shift
	rm -f "$work/body"
	timeout 30 "$GEMCLI" -t 20 -s localhost "$@" -o "$work/body" 127.0.0.1 "$port" "$url" 2>"$work/gemcli.err"
}

header() { gem "$@" | head -n 1; }

# client_cert NAME CN: a self-signed client certificate $work/NAME.crt and .key;
# CN is UTF-8.
client_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$work/$1.key" -out "$work/$1.crt" -utf8 -subj "/CN=$2" -days 2 2>/dev/null
}

# serve_conf FILE: a server for the config FILE, which names $port, logging
# to $log ($work/log.$port); returns once it listens for every host.
serve_conf() {
	local n i
	log=$work/log.$port
	"$MARQUEE" -c "$1" -l "$log" 2>"$work/stderr.$port" &
	pid=$!
	n=$(grep -c '^\[' "$1")
	for i in $(seq 300); do
		[ "$(cat "$log" 2>/dev/null | grep -c "listening on gemini://")" -gt "$n" ] && return 0
		sleep 0.05
	done
	fail "server did not start: $(cat "$work/stderr.$port" "$log" 2>/dev/null | tail -n 3)"
	e2e_end
}

# reload: SIGHUP to $pid, then waits until $log says the reload was done or
# refused (15 s at most); fails unless it was done.
reload() {
	local done="reloaded configuration and certificates" refused="error: reload: "
	local n i
	n=$(grep -c "$done\|$refused" "$log")
	kill -HUP "$pid"
	for i in $(seq 300); do
		[ "$(grep -c "$done\|$refused" "$log")" -gt "$n" ] && break
		sleep 0.05
	done
	[ "$(grep "$done\|$refused" "$log" | tail -n 1 | grep -c "$done")" = 1 ]
}
