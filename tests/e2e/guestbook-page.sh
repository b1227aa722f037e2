#!/usr/bin/env bash
# The guestbook page: its title, a link to sign, responses linked to their
# review, newest first; the home page links it, /guestbook redirects, and
# robots.txt keeps crawlers off the sign URL.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve_unlimited
guestbook_seed
expect_match "a newer response over gopher" "^iThank you	" \
    "$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/respond%09Hello%20from%20gopher")"

gem "gemini://localhost/guestbook/" >/dev/null
expect "guestbook title" "# Guestbook" "$(head -n 1 "$work/body")"
expect_match "link to sign" "=> /guestbook/sign Sign the guestbook" "$(cat "$work/body")"
expect_match "response linked to its review" "=> /reviews/2026-03-01-first/ In response to First Film" "$(cat "$work/body")"
newer=$(grep -n '^> Hello from gopher' "$work/body" | cut -d: -f1)
older=$(grep -n '^> Loved the rain scene' "$work/body" | cut -d: -f1)
if [ -n "$newer" ] && [ -n "$older" ] && [ "$newer" -lt "$older" ]; then pass; else fail "guestbook not newest first ($newer, $older)"; fi
expect "home links the guestbook" 1 "$(gem "gemini://localhost/" >/dev/null; grep -c '^=> /guestbook/ Guestbook' "$work/body")"
expect "/guestbook redirects" "31 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook")"
expect_match "robots.txt keeps crawlers off" "Disallow: /guestbook/sign" "$(gem "gemini://localhost/robots.txt" >/dev/null; cat "$work/body")"
e2e_end
