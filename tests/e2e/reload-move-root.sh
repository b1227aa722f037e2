#!/usr/bin/env bash
# SIGHUP moves a host to a new root: the new root's pages are served at
# once, and the host keeps its guestbook (entries and log) across the move.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
moved=$work/moved
mkdir -p "$moved/reviews"
printf '# Moved capsule\n' >"$moved/index.gmi"
printf '# Third Film\nDirector: Ann Other\n\nThe third review.\n' >"$moved/reviews/2026-05-01-third.gmi"
port=$(free_port)
gport=$(free_port)
conf=$work/hosts.conf
write_conf() {
	{ first_host_conf "$1" $gport; cat <<CONF
sandbox = no
CONF
	} >"$conf"
}
write_conf "$root"
serve_conf "$conf"

expect "a.test signs its guestbook" "30 gemini://a.test:$port/guestbook/" \
    "$(gem "gemini://a.test/guestbook/sign?before%20the%20move" -s a.test | head -n 1)"
expect "the first root's page" "# Test capsule" "$(gem "gemini://a.test/" -s a.test >/dev/null; head -n 1 "$work/body")"
write_conf "$moved"
if reload; then pass; else fail "reload moving a.test: $(grep "reload" "$log" | tail -n 2)"; fi
expect "the new root's page" "# Moved capsule" "$(gem "gemini://a.test/" -s a.test >/dev/null; head -n 1 "$work/body")"
expect "the new root's review listed" 1 "$(gem "gemini://a.test/reviews/" -s a.test >/dev/null; grep -c "Third Film" "$work/body")"
expect "the old root's reviews gone" 0 "$(grep -c "First Film" "$work/body")"
expect "the old root's files gone" "51 Not found" \
    "$(gem "gemini://a.test/reviews/2026-03-01-first.gmi" -s a.test | head -n 1)"
expect_match "Gopher serves the new root" "^iMoved capsule" "$(curl -s "gopher://127.0.0.1:$gport/1/" | head -n 1)"
gem "gemini://a.test/guestbook/" -s a.test >/dev/null
expect "the guestbook entry kept" 1 "$(grep -c "before the move" "$work/body")"
expect "the guestbook takes entries" "30 gemini://a.test:$port/guestbook/" \
    "$(gem "gemini://a.test/guestbook/sign?after%20the%20move" -s a.test | head -n 1)"
expect "both in the one log" 2 "$(grep -c "before the move\|after the move" "$work/state/guestbook.log")"
expect "the new root indexed" 1 "$(grep -c "index: a\.test: 1 reviews" "$log")"
# The new root's watcher runs: a review dropped there is published.
printf '# Fourth Film\n\nThe fourth review.\n' >"$moved/reviews/2026-06-01-fourth.gmi"
if wait_body "Fourth Film" gem "gemini://a.test/reviews/" -s a.test; then pass; else fail "a review in the new root not published"; fi
e2e_end
