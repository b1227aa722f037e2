#!/usr/bin/env bash
# tests/run: slow
# A network stall between marquee and PostgreSQL (the server processes of
# marquee's sessions stopped with SIGSTOP, as a link that drops every
# packet would leave them, then resumed with SIGCONT) while clients append
# through two instances: during the stall every page still answers on both,
# Gemini and Gopher; after it every append has its answer (30 or 40 with
# the reason), every one acknowledged is in the table, none twice, and both
# take appends again.
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two
on a
expect "a response before the stall" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Before%20the%20stall.")"

# Whatever happens, the stopped processes run again before the cleanup's
# pg_ctl stop (which would wait for them).
stalled=()
trap 'kill -CONT "${stalled[@]}" 2>/dev/null; e2e_cleanup' EXIT

load_both 8 40 stall
within 20 eval '[ "$(pg_rows "%stall %")" -ge 40 ]' || fail "the load did not start"
stalled=($(pg_backends))
if [ ${#stalled[@]} -ge 2 ]; then pass; else fail "marquee's two instances hold ${#stalled[@]} sessions"; fi
kill -STOP "${stalled[@]}"
on b
stalled_on_b=$(date +%s%N)
( header "gemini://localhost/guestbook/sign?Written%20in%20the%20stall." >"$work/stalled.out" ) &
during=$!
for name in a b; do
	on $name
	for url in gemini://localhost/ gemini://localhost/guestbook/ gemini://localhost/reviews/2026-03-01-first.gmi \
	    gemini://localhost/guestbook/atom.xml; do
		expect_match "stalled: $name serves $url" "^20 " "$(header "$url" -t 5)"
	done
	expect_match "stalled: $name serves its Gopher review menu" "i> Before the stall\.	" \
	    "$(timeout 5 curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")"
done
kill -CONT "${stalled[@]}"
echo "   stalled $(( ($(date +%s%N) - stalled_on_b) / 1000000 )) ms"
wait "$loada" "$loadb" "$during"
expect_match "the append sent in the stall was answered" "^(30 gemini://localhost:[0-9]+/guestbook/|$PG_UNAVAILABLE)$" \
    "$(cat "$work/stalled.out")"
for name in a b; do
	answered_all $name 320
	acked_all $name stall
done
if [[ $(cat "$work/stalled.out") == 30* ]]; then
	expect "the append acknowledged in the stall is stored once" 1 "$(pg_rows "%Written in the stall.%")"
fi
for name in a b; do
	on $name
	within 15 header_is "30 gemini://localhost:$port/guestbook/" "gemini://localhost/guestbook/sign?$name%20after%20the%20stall" &&
	    pass || fail "$name takes no append after the stall"
done
e2e_end
