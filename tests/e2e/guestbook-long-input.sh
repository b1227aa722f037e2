#!/usr/bin/env bash
# Percent-encoding makes accented text three times longer, so a long
# response runs into Gemini's 1024-byte request limit: the prompt says how
# much fits, and a request too long on a URL that takes input is answered 59
# with a meta that says the text is too long; on any other URL it gets the
# usual 59.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve

expect_match "the sign prompt names a limit in characters" \
    "^10 Sign the guestbook \(up to [0-9]+ characters in 20 lines, fewer with spaces or accents" \
    "$(header "gemini://localhost/guestbook/sign")"
expect_match "the respond prompt too" "^10 Your response to First Film \(up to [0-9]+ characters" \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond")"
expect_match "gopher's prompt: the entry's own limit" "^iSign the guestbook \(up to 800 characters in 20 lines" \
    "$(curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign" | head -n 1)"

# 1,100 bytes: "é" is 6 bytes once encoded.
pad() { local n=$(( (1100 - ${#1}) / 6 )); printf '%s' "$1"; printf '%%C3%%A9%.0s' $(seq "$n"); }
sign=$(pad "gemini://localhost/guestbook/sign?")
expect_match "a sign request of 1,100 bytes: 59, too long" "^59 Your text is too long: this link holds [0-9]+ bytes" "$(header "$sign")"
respond=$(pad "gemini://localhost/reviews/2026-03-01-first/respond?")
expect_match "a respond request of 1,100 bytes: 59, too long" "^59 Your text is too long" "$(header "$respond")"
other=$(pad "gemini://localhost/reviews/?")
expect "the same length elsewhere: the usual 59" "59 Bad request: request longer than 1024 bytes" "$(header "$other")"
nothing=$(pad "gemini://localhost/guestbook/sign")
expect "an input path without a query: the usual 59" "59 Bad request: request longer than 1024 bytes" "$(header "$nothing")"
expect_match "what fits is still saved" "^30 " \
    "$(header "$(printf 'gemini://localhost/guestbook/sign?%s' "$(printf '%%C3%%A9%.0s' $(seq 150))")")"
e2e_end
