#!/usr/bin/env bash
# A postgresql:// guestbook that cannot be used is an error, never a silent
# fall back to a file: a malformed URI (FILE:LINE: ...), a wrong password, a
# role without the grants to create or use the schema, a database that is
# not there (no server on the socket, a server stopped), a schema of an
# unknown version. Each makes `marquee -n` and the start print one error
# line saying why and exit non-zero, with no guestbook file made; so do
# two hosts whose names would share one schema in one database; a good
# URI passes -n, with or without a password, which is never printed (nor
# by a malformed URI or an owner command), and with a record skipped.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_capsule
sock=$pg/sock
certs=$work/certs
state=$work/state
serve	# makes the certificates -n checks, with a file guestbook
stop
rm -rf "$state"

# conf_with URI: $work/bad.conf with the guestbook URI on its line 2.
conf_with() { printf '# a guestbook in PostgreSQL\nguestbook = %s\n' "$1" >"$work/bad.conf"; }
# errors: the lines of $work/out that are not info or warning lines.
errors() { grep -v ' info: \| warning: \|^guestbook .*: [0-9]* entries' "$work/out"; }

# refused_by PREFIX REGEX ARGS...: marquee ARGS is refused: a non-zero exit
# (not the timeout's) and one error line matching REGEX.
refused_by() {
	local p=$1 regex=$2 rc
	shift 2
	timeout 30 "$MARQUEE" "$@" >"$work/out" 2>&1
	rc=$?
	cat "$work/out" >>"$work/seen"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then pass; else fail "$p exits $rc"; fi
	expect "$p prints one error line" 1 "$(errors | wc -l)"
	expect_match "$p says why" "$regex" "$(errors)"
}
# refused WHAT REGEX: with $work/bad.conf, -n and the start each exit
# non-zero with one error line matching REGEX; no guestbook file is made.
refused() {
	local what=$1 regex=$2
	refused_by "$what: marquee -n" "$regex" -n -c "$work/bad.conf" -H localhost -r "$root" \
	    -d "$certs" -s "$state"
	expect_no "$what: marquee -n does not say OK" "configuration OK" "$(cat "$work/out")"
	refused_by "$what: the start" "$regex" -c "$work/bad.conf" -H localhost -a 127.0.0.1 \
	    -p "$(free_port)" -g 0 -r "$root" -d "$certs" -s "$state"
	expect_no "$what: it never listened" "listening on" "$(cat "$work/out")"
	expect "$what: no guestbook file" "" "$(find "$state" "$root" -name '*guestbook*' -o -name '*postgres*' 2>/dev/null)"
}

conf_with "postgresql://[::1/marquee"
refused "an IPv6 host without its ]" "bad\.conf:2: .*(URI|\])"
conf_with "postgresql:///marquee?host=$sock&bogus=1"
refused "an unknown URI parameter" "bad\.conf:2: .*bogus"
conf_with "postgres://%zz/marquee"
refused "a bad percent escape" "bad\.conf:2: "

# libpq quotes a malformed URI whole, or a value, in its reason: a user's
# password there (one holding a '/' or an '@' too, or a password= value) is
# never printed, by -n or by the start.
: >"$work/seen"
conf_with "postgresql://marquee_pw:$PG_PASSWORD@[::1/marquee"
refused "a malformed URI with a password" "bad\.conf:2: .*(URI|\])"
conf_with "postgresql://marquee_pw:$PG_PASSWORD/x@y@[::1/marquee"
refused "a malformed URI with a password holding / and @" "bad\.conf:2: "
conf_with "postgresql://[::1/marquee?user=marquee_pw&password=$PG_PASSWORD"
refused "a malformed URI with a password= value" "bad\.conf:2: .*(URI|\])"
expect_no "a malformed URI: its password is never printed" "$PG_PASSWORD" "$(cat "$work/seen")"

conf_with "$(pg_uri "$pg" marquee marquee_pw)&password=wrong"
refused "a wrong password" "password authentication failed"
conf_with "$(pg_uri "$pg" marquee nogrants)"
refused "a role that may not create the schema" "permission denied"
conf_with "postgresql:///marquee?host=$work/nowhere&user=marquee"
refused "no server on that socket" "$work/nowhere.*(No such file|failed|could not connect)"
conf_with "$(pg_uri "$pg" nosuchdb)"
refused "a database that does not exist" "nosuchdb.*does not exist"

conf_with "$(pg_uri "$pg")"
timeout 30 "$MARQUEE" -n -c "$work/bad.conf" -H localhost -r "$root" -d "$certs" -s "$state" >"$work/out" 2>&1
expect "a good URI passes -n" 0 $?
expect_match "and -n says OK" "configuration OK" "$(cat "$work/out")"
expect "the schema is there, at version 1" 1 "$(pg_sql "$pg" "SELECT version FROM marquee_localhost.version")"
# A record that cannot be read is skipped and reported, not failed on, as
# in a log file: -n passes saying so, and the server starts and serves.
pg_sql "$pg" "INSERT INTO marquee_localhost.records (id, record) VALUES (0, 'not a record')" >/dev/null
timeout 30 "$MARQUEE" -n -c "$work/bad.conf" -H localhost -r "$root" -d "$certs" -s "$state" >"$work/out" 2>&1
expect "a skipped record: -n passes" 0 $?
expect_match "a skipped record: -n reports it" "schema marquee_localhost: [0-9]+ entries, 1 problems" "$(cat "$work/out")"
instance skipped -c "$work/bad.conf"
expect "a skipped record: the server serves" "20 text/gemini" "$(header "gemini://localhost/guestbook/" | cut -d';' -f1)"
instance_stop skipped
# The right password, in a database of its own (the schema above is the
# role marquee's, which marquee_pw may not use): -n passes and prints the
# URI without the password, as the log does.
pg_sql "$pg" "CREATE DATABASE pwdb OWNER marquee_pw" postgres
conf_with "$(pg_uri "$pg" pwdb marquee_pw)&password=$PG_PASSWORD"
timeout 30 "$MARQUEE" -n -c "$work/bad.conf" -H localhost -r "$root" -d "$certs" -s "$state" >"$work/out" 2>&1
expect "the right password passes -n" 0 $?
expect_no "-n does not print the password" "$PG_PASSWORD" "$(cat "$work/out")"
instance pw -c "$work/bad.conf"
expect "the right password: an append" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?With%20a%20password.")"
instance_stop pw
expect_no "the log does not hold the password" "$PG_PASSWORD" "$(cat "$log" "$work/stderr.$port")"
# An owner's command naming no entry says where it looked by its schema,
# never by the URI and its password.
out=$(timeout 30 "$MARQUEE" -c "$work/bad.conf" -H localhost -r "$root" -d "$certs" -s "$state" guestbook hide 999 2>&1)
expect "hide 999, no such entry: it fails" 1 $?
expect_match "hide 999 names the schema" "no entry 999 in PostgreSQL schema marquee_localhost" "$out"
expect_no "hide 999 does not print the password" "$PG_PASSWORD" "$out"

# A schema that exists, but not for this role, or of another version.
conf_with "$(pg_uri "$pg" marquee nogrants)"
refused "a role without grants on the schema" "permission denied|no [A-Z]+ on|GRANT"
pg_sql "$pg" "UPDATE marquee_localhost.version SET version = 99"
conf_with "$(pg_uri "$pg")"
refused "a schema of version 99" "version.*99|99.*version"
pg_sql "$pg" "UPDATE marquee_localhost.version SET version = 1"

# Two hosts whose names make one schema (a.test and a-test are both
# marquee_a_test) in one database would share a guestbook: refused.
mkdir -p "$work/other"
cat >"$work/two.conf" <<CONF
hostname = a.test
root = $root
certs = $certs
state = $state
guestbook = $(pg_uri "$pg")
[a-test]
root = $work/other
guestbook = $(pg_uri "$pg")
CONF
timeout 30 "$MARQUEE" -n -c "$work/two.conf" >"$work/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then pass; else fail "two hosts sharing schema marquee_a_test: marquee -n exits $rc"; fi
expect_match "two hosts sharing a schema: -n names it" "marquee_a_test" "$(errors)"

pg_stop "$pg"
refused "a server stopped" "$pg/sock.*(No such file|failed|could not connect)"
e2e_end
