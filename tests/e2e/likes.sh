#!/usr/bin/env bash
# Likes: /reviews/SLUG/like needs a client certificate (60 saying so; over
# Gopher a type-3 line that sends the reader to Gemini), counts one like per
# certificate however often it is sent, answers 30 back to the review once
# the like is on disk (so kill -9 right after loses none), 51 for a review
# that does not exist, 44 past the rate limit; the review page and its
# Gopher menu show the count. Clients: gemcli, openssl s_client, curl, lynx.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
state=$work/state
gblog=$state/guestbook.log
serve_limit 3
first=gemini://localhost/reviews/2026-03-01-first
back="30 gemini://localhost:$port/reviews/2026-03-01-first.gmi"

for n in a b c d; do client_cert "$n" "reader $n"; done

expect "no certificate: 60 saying why" "60 A client certificate is needed to like a review" "$(header "$first/like")"
expect_match "no such review" "^51 " "$(s_client_as a "gemini://localhost/reviews/nosuch/like")"
gem "$first.gmi" >/dev/null
expect_match "no likes yet, and the link" $'\n0 likes\n=> /reviews/2026-03-01-first/like Like this review\n' "$(cat "$work/body"; echo)"

expect "a likes it" "$back" "$(s_client_as a "$first/like")"
gem "$first.gmi" >/dev/null
expect_match "1 like" $'\n1 like\n' "$(cat "$work/body"; echo)"
expect "a likes it again" "$back" "$(s_client_as a "$first/like")"
expect "a again, with gemcli" "$back" "$(header "$first/like" -c "$work/a.crt" -k "$work/a.key")"
expect "b likes it" "$back" "$(s_client_as b "$first/like")"
gem "$first.gmi" >/dev/null
expect_match "2 likes: liking twice counts once" $'\n2 likes\n' "$(cat "$work/body"; echo)"
expect "one record a certificate in the log" 2 "$(grep -c '^like	' "$gblog")"
expect "b likes the second review too" "30 gemini://localhost:$port/reviews/2026-04-01-second.gmi" \
    "$(s_client_as b "gemini://localhost/reviews/2026-04-01-second/like")"
expect_match "past the rate limit (three a window): 44" "^44 [0-9]+$" "$(s_client_as c "$first/like")"
gem "gemini://localhost/reviews/2026-04-01-second.gmi" >/dev/null
expect_match "each review its own count" $'\n1 like\n' "$(cat "$work/body"; echo)"

g=$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")
expect_match "the Gopher review menu shows the count" "i2 likes	" "$g"
expect_match "and the like item, a menu" "1Like this review	/reviews/2026-03-01-first/like	localhost	$gport" "$g"
expect_match "Gopher cannot like: a type-3 line that says where to" \
    "^3A client certificate is needed to like a review: Gopher has no certificates, use a Gemini client with one	" \
    "$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/like")"
expect_match "lynx sees the count" "2 likes" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/" 2>/dev/null)"

# A 30 means the like is on disk: kill -9 at once, and it is there after a restart.
expect "d likes it, from another address" "$back" "$(header "$first/like" -c "$work/d.crt" -k "$work/d.key" -b 127.0.0.2)"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
serve -c "$work/gb.conf"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect_match "likes survive kill -9 and the restart" $'\n3 likes\n' "$(cat "$work/body"; echo)"
e2e_end
