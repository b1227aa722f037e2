#!/usr/bin/env bash
# tests/run: slow
# The guestbook over Gemini: the prompts (10), a response to a review and a
# guestbook entry (30 back), shown on the review page quoted, with the
# author (anonymous, or the certificate's CN and key fingerprint) and date;
# the record in the log; injected gemtext stays quoted; "name:" is not an
# identity; every refusal is a clear 59 that stores nothing, and the same
# text twice within a minute is stored once.
. "$(dirname "$0")/../lib.sh"
e2e_begin
guestbook_capsule

first=gemini://localhost/reviews/2026-03-01-first
expect "respond prompt" "10 Your response to First Film (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 972 bytes, a space takes 3, an accented letter 6)" "$(header "$first/respond")"
expect "sign prompt" "10 Sign the guestbook (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 990 bytes, a space takes 3, an accented letter 6)" "$(header "gemini://localhost/guestbook/sign")"
expect "empty query prompts again" "10 Sign the guestbook (up to 800 characters in 20 lines, fewer with spaces or accents: the link holds 990 bytes, a space takes 3, an accented letter 6)" "$(header "gemini://localhost/guestbook/sign?")"
expect "respond to a missing review" "51 Not found" "$(header "gemini://localhost/reviews/nope/respond?hi")"
expect "respond: 30 back to the review" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" "$(header "$first/respond?Loved%20the%20rain%20scene.")"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect_match "review page counts its responses" "## 1 response to First Film" "$(cat "$work/body")"
expect_match "anonymous author and date" "### anonymous, $(date -u +%F)" "$(cat "$work/body")"
expect_match "text shown quoted" "> Loved the rain scene." "$(cat "$work/body")"
expect_match "link to respond" "=> /reviews/2026-03-01-first/respond Leave a response" "$(cat "$work/body")"
expect "one record in the log" 1 "$(grep -c '^entry	' "$gblog")"
expect_match "record fields" "^entry	[0-9T:Z-]+	1	2026-03-01-first	anonymous		Loved the rain scene.	[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"

# A client certificate names the author; its key's fingerprint tells namesakes apart.
client_cert reader movieblort
fp=$(openssl x509 -in "$work/reader.crt" -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -c1-8)
expect "respond with a certificate" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "$first/respond?Line%20one%0D%0A%3D%3E%20gemini%3A%2F%2Fevil%2F%20Click%0A%23%20Big%0A%60%60%60%0A*%20item" -c "$work/reader.crt" -k "$work/reader.key")"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect_match "certificate author with short fingerprint" "### movieblort \[$fp\], " "$(cat "$work/body")"
expect "injected lines stay quoted" "> Line one|> => gemini://evil/ Click|> # Big|> \`\`\`|> * item" \
    "$(sed -n '/^### movieblort/,/^$/p' "$work/body" | grep '^>' | paste -sd '|')"
expect "no line of the page is the reader's link" 0 "$(grep -c '^=> gemini://evil' "$work/body")"
expect "full fingerprint in the log" 1 "$(grep -c "	movieblort	$fp[0-9a-f]\{56\}	" "$gblog")"
expect "'name:' is not identity" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?movieblort%3A%20it%20is%20me")"
expect_match "'name:' entry stays anonymous" "^entry	.*	anonymous		movieblort: it is me	" "$(tail -n 1 "$gblog")"

# Refusals: a clear 59, and nothing stored.
records=$(wc -l <"$gblog")
expect_match "invalid UTF-8" "^59 Not saved: the text is not valid UTF-8" "$(header "gemini://localhost/guestbook/sign?caf%E9")"
expect_match "blank text" "^59 Not saved: the text is empty" "$(header "gemini://localhost/guestbook/sign?%20%0A%09%0D%0A")"
expect_match "801 bytes" "^59 Not saved: longer than 800 bytes" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 801 '' | tr ' ' a)")"
expect "800 bytes" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 800 '' | tr ' ' b)")"
expect_match "21 lines" "^59 Not saved: more than 20 lines" "$(header "gemini://localhost/guestbook/sign?$(printf 'l%%0A%.0s' $(seq 21))")"
expect_match "bad escape" "^59 Not saved: " "$(header "gemini://localhost/guestbook/sign?100%ZZ")"
expect "refusals stored nothing" $((records + 1)) "$(wc -l <"$gblog")"
expect "the same text twice within a minute is stored once" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?$(printf '%*s' 800 '' | tr ' ' b)")"
expect "duplicate not stored" $((records + 1)) "$(wc -l <"$gblog")"
e2e_end
