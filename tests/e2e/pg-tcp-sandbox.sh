#!/usr/bin/env bash
# tests/run: slow
# The guestbook in PostgreSQL on another machine: over TCP (127.0.0.1 here,
# a database host in production), with marquee's sandbox on (the default:
# Landlock, which governs TCP connections on recent kernels) and a password
# the server checks. Appends are saved; the database restarted, marquee
# connects again from inside its sandbox and appends work again without a
# restart, the entry written before still shown.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
pg=$work/pg
pg_start "$pg" tcp
schema=marquee_localhost
printf 'guestbook = %s&password=%s\nguestbook_limit = 1000\nguestbook_global = 100000\nsandbox = yes\n' \
    "$(pg_uri "$pg" marquee marquee_pw)" "$PG_PASSWORD" >"$work/tcp.conf"
instance a -c "$work/tcp.conf"
expect_match "the sandbox is on" "sandbox: " "$(grep -m1 'sandbox: ' "$log")"
expect "an append over TCP" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?Over%20TCP.")"
expect "it is a row" 1 "$(pg_rows "%Over TCP.%")"
expect "marquee's session is a TCP one" "127.0.0.1" \
    "$(pg_sql "$pg" "SELECT DISTINCT host(client_addr) FROM pg_stat_activity WHERE usename = 'marquee_pw'")"

pg_stop "$pg"
expect "unavailable while the database is down" "$PG_UNAVAILABLE" \
    "$(header "gemini://localhost/guestbook/sign?While%20down.")"
pg_start "$pg"
within 15 header_is "30 gemini://localhost:$port/guestbook/" "gemini://localhost/guestbook/sign?After%20the%20restart." &&
    pass || fail "no append after the database came back: $(grep 'guestbook: ' "$log" | tail -n 2)"
gem gemini://localhost/guestbook/ >/dev/null
expect_match "both entries shown" "> After the restart\..*> Over TCP\." "$(cat "$work/body")"
expect "nothing of the refused one" 0 "$(pg_rows "%While down.%")"
e2e_end
