#!/usr/bin/env bash
# tests/run: slow
# PostgreSQL goes away while two instances serve its guestbook: every page
# is still served from memory, over Gemini and Gopher, on both; every kind
# of append (response, note, reply, like; Gemini and Gopher) is answered
# `40 guestbook temporarily unavailable` and stores nothing; each instance
# logs the outage once and its end once. When PostgreSQL is back, appends
# work again without restarting marquee, an entry written on A as soon as
# A takes it reaches B, and nothing acknowledged before is lost. Twice: a
# clean stop (pg_ctl -m fast), then a crash (-m immediate).
. "$(dirname "$0")/../lib.sh"
e2e_begin
pg_two
back=reviews/2026-03-01-first.gmi
unavailable=$PG_UNAVAILABLE
client_cert fan fan

on a
expect "a response before the outage" "30 gemini://localhost:$port/$back" "$(header "$first/respond?Before%20the%20outage.")"
id=$(pg_sql "$pg" "SELECT id FROM $schema.records WHERE id > 0")
on b
wait_page "$first.gmi" "> Before the outage." && pass || fail "B did not get A's response"

# pages NAME WHEN: instance NAME serves every page with the guestbook on it
# (Gemini and Gopher), one check each, the response written before included.
pages() {
	local url g
	on "$1"
	for url in "$first.gmi" gemini://localhost/guestbook/ gemini://localhost/guestbook/atom.xml \
	    "$first/atom.xml" "$first/responses/$id" gemini://localhost/; do
		expect_match "$2: $1 serves $url" "^20 " "$(header "$url")"
	done
	gem "$first.gmi" >/dev/null
	expect_match "$2: $1's review page has the entry" "> Before the outage\." "$(cat "$work/body")"
	g=$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")
	expect_match "$2: $1's Gopher review menu has the entry" "i> Before the outage\.	" "$g"
	g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")
	expect_match "$2: $1's Gopher guestbook menu has the entry" "i> Before the outage\.	" "$g"
}

# refused NAME WHEN: every kind of append on instance NAME is answered 40
# with the reason, one check each.
refused() {
	on "$1"
	expect "$2: a response on $1" "$unavailable" "$(header "$first/respond?During%20${2// /%20}.")"
	expect "$2: a note on $1" "$unavailable" "$(header "gemini://localhost/guestbook/sign?During%20${2// /%20}.")"
	expect "$2: a reply on $1" "$unavailable" "$(header "$first/responses/$id/reply?During%20${2// /%20}.")"
	expect "$2: a like on $1" "$unavailable" "$(s_client_as fan "$first/like")"
	expect_match "$2: a note over Gopher on $1: a type-3 line with the reason" "^3[^	]*guestbook temporarily unavailable" \
	    "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09During%20${2// /%20}.")"
}

# outage N MODE: the Nth outage, PostgreSQL stopped with pg_ctl -m MODE,
# then started again.
outage() {
	local n=$1 mode=$2 name
	pg_stop "$pg" "$mode" || fail "pg_stop -m $mode"
	pages a "outage $n"
	pages b "outage $n"
	refused a "outage $n"
	refused b "outage $n"
	for name in a b; do
		wait_count "${inst_log[$name]}" "guestbook: postgresql unreachable (" "$n" && pass ||
		    fail "$name did not log the outage $n"
	done
	pg_start "$pg"
	on a
	within 15 header_is "30 gemini://localhost:$port/$back" "$first/respond?Recovery%20$n%20on%20A." &&
	    pass || fail "A does not take a response again after outage $n"
	on b
	wait_page "$first.gmi" "> Recovery $n on A." && pass || fail "the entry A wrote on recovery $n does not reach B"
	expect "a note on B after outage $n" "30 gemini://localhost:$port/guestbook/" \
	    "$(header "gemini://localhost/guestbook/sign?After%20outage%20$n%20on%20B.")"
	on a
	wait_page "gemini://localhost/guestbook/" "> After outage $n on B." && pass || fail "B's note after outage $n does not reach A"
	for name in a b; do
		wait_count "${inst_log[$name]}" "guestbook: postgresql back" "$n" && pass || fail "$name did not log the end of outage $n"
		expect "$name logged outage $n once" "$n" "$(grep -c "guestbook: postgresql unreachable (" "${inst_log[$name]}")"
		expect "$name logged its end once" "$n" "$(grep -c "guestbook: postgresql back" "${inst_log[$name]}")"
	done
}

outage 1 fast
outage 2 immediate
expect "nothing refused was stored, nothing acknowledged lost" \
    "Before the outage.|Recovery 1 on A.|After outage 1 on B.|Recovery 2 on A.|After outage 2 on B." \
    "$(pg_texts | paste -sd '|')"
expect "no like was stored" 0 "$(pg_sql "$pg" "SELECT count(*) FROM $schema.records WHERE record LIKE E'like\\t%'")"
expect "both instances ran throughout" "${inst_pid[a]} ${inst_pid[b]}" \
    "$(for p in "${inst_pid[a]}" "${inst_pid[b]}"; do kill -0 "$p" && echo -n "$p "; done | sed 's/ $//')"
e2e_end
