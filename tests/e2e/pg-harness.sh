#!/usr/bin/env bash
# The tests' own PostgreSQL (tests/lib.sh pg_start, pg_sql, pg_uri,
# pg_stop): it starts as the user postgres in $work, answers on its Unix
# socket only, keeps its data across a stop and a start (how the outage
# tests take the database away), checks marquee_pw's password, and is gone
# after the test's cleanup; with tcp, it listens on 127.0.0.1 too. Fails
# loudly when PostgreSQL is not installed.
cd "$(dirname "$0")/../.."
. tests/lib.sh
e2e_begin

pg=$work/pg
pg_start "$pg"
expect "the server answers on its socket" "1" "$(pg_sql "$pg" "SELECT 1")"
expect "it runs as postgres" "postgres" "$(stat -c %U "$pg/data/PG_VERSION")"
expect "no TCP listener" "" "$(pg_sql "$pg" "SHOW listen_addresses")"
expect "the URI names the socket" "postgresql:///marquee?host=$pg/sock&user=marquee" "$(pg_uri "$pg")"
pg_sql "$pg" "CREATE TABLE kept(x int); INSERT INTO kept VALUES (42)"
expect "the role marquee may create in its database" "t" \
    "$(pg_sql "$pg" "SELECT has_database_privilege('marquee', 'marquee', 'CREATE')")"
expect "the role nogrants may not" "f" \
    "$(pg_sql "$pg" "SELECT has_database_privilege('nogrants', 'marquee', 'CREATE')")"
expect "marquee logs in without a password" "marquee" \
    "$(psql -X -w -A -t -d "$(pg_uri "$pg")" -c "SELECT current_user" 2>&1)"
expect "marquee_pw logs in with its password" "marquee_pw" \
    "$(psql -X -w -A -t -d "$(pg_uri "$pg" marquee marquee_pw)&password=$PG_PASSWORD" -c "SELECT current_user" 2>&1)"
expect_match "marquee_pw is refused a wrong password" "password authentication failed" \
    "$(psql -X -w -A -t -d "$(pg_uri "$pg" marquee marquee_pw)&password=wrong" -c "SELECT current_user" 2>&1)"
expect_match "a failing statement fails pg_sql" "does not exist" "$(pg_sql "$pg" "SELECT * FROM nothing" 2>&1)"
pg_sql "$pg" "SELECT * FROM nothing" >/dev/null 2>&1 && fail "pg_sql succeeded on a failing statement" || pass

# runs PID: PID is a process that runs (the stopped postmaster may stay a
# zombie a while: its parent is init, which reaps when it will).
runs() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*zombie' "/proc/$1/status"; }

postmaster=$(head -n 1 "$pg/data/postmaster.pid")
runs "$postmaster" && pass || fail "no postmaster runs after pg_start"
pg_stop "$pg"
if runs "$postmaster"; then fail "the server runs after pg_stop"; else pass; fi
expect_match "nothing answers while stopped" "No such file|could not connect" "$(pg_sql "$pg" "SELECT 1" 2>&1)"
pg_start "$pg"
expect "the data outlives a stop and a start" "42" "$(pg_sql "$pg" "SELECT x FROM kept")"

# With tcp, the server listens on 127.0.0.1 too, and pg_uri names it.
tcp=$work/pgtcp
pg_start "$tcp" tcp
expect "a tcp server listens on 127.0.0.1" "127.0.0.1" "$(pg_sql "$tcp" "SHOW listen_addresses")"
expect "its URI is its address" "postgresql://127.0.0.1:$(<"$tcp/tcp.port")/marquee?user=marquee" "$(pg_uri "$tcp")"
expect "pg_sql reaches it over TCP" "127.0.0.1" "$(pg_sql "$tcp" "SELECT host(inet_client_addr())")"
expect_match "marquee_pw is refused a wrong password over TCP" "password authentication failed" \
    "$(psql -X -w -A -t -d "$(pg_uri "$tcp" marquee marquee_pw)&password=wrong" -c "SELECT 1" 2>&1)"
pg_stop "$tcp"
pg_start "$tcp"
expect "it listens there again after a stop and a start" "127.0.0.1" "$(pg_sql "$tcp" "SHOW listen_addresses")"

# The cleanup stops the server: here, in a copy of the test's shell.
postmaster=$(head -n 1 "$pg/data/postmaster.pid")
(pg_cleanup)
if runs "$postmaster"; then fail "the server runs after pg_cleanup"; else pass; fi
e2e_end
