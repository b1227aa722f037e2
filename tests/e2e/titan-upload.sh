#!/usr/bin/env bash
# Titan uploads by the author (build/titancli, the tests' own client, with a
# generated owner certificate): a new review is answered 30 to its page and
# is on the home page, its tag page, the feed and search at once, with no wait for
# the watcher; a replacement likewise; a body the review parser refuses is
# 59 with the file and line, and the published version stays byte for
# byte; a deletion (size 0) takes it off every page at once and moves it to
# the trash, its responses stay in the guestbook, and `marquee trash list`
# and `restore` bring it back, responses and all; the token works for a
# script without a certificate; every publish and delete is logged with
# who, path, size and result.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$root/drafts"
client_cert owner "Author"
token=s3cret-token-for-scripts
printf 'titan = yes\nowner = %s\ntitan_token = %s\n' "$(key_fp owner)" "$token" >"$work/m.conf"
serve -c "$work/m.conf"
fp=$(key_fp owner)
review=reviews/2026-05-01-heat.gmi
page="30 gemini://localhost:$port/$review"

printf '# Heat\nDirector: Michael Mann\nTags: Thriller, Crime\nDate: 2026-05-01\n\nA heist.\n' >"$work/v1.gmi"
expect "a new review is answered 30 to its page" "$page" "$(titan_as owner "$review" "$work/v1.gmi")"
expect "the file is the body, byte for byte" "" "$(cmp "$work/v1.gmi" "$root/$review" 2>&1)"
# No wait: the index was rebuilt before the answer.
gem gemini://localhost/ >/dev/null
expect "on the home page at once" 1 "$(grep -c "=> /$review 2026-05-01 - Heat$" "$work/body")"
gem gemini://localhost/tags/thriller/ >/dev/null
expect "on its tag page at once" 1 "$(grep -c "=> /$review" "$work/body")"
gem gemini://localhost/atom.xml >/dev/null
expect "in the feed at once" 1 "$(grep -c "<title>Heat</title>" "$work/body")"
gem "gemini://localhost/search?heist" >/dev/null
expect "found by search at once" 1 "$(grep -c "=> /$review" "$work/body")"
expect "its page serves it" "20 text/gemini; charset=utf-8; lang=en" "$(header "gemini://localhost/$review")"
expect "the publish is logged with the fingerprint, path, size and result" 1 \
    "$(grep -c "titan: localhost: $fp publishing $review ($(wc -c <"$work/v1.gmi") bytes): 30 /$review$" "$log")"
expect "the access log has the Titan line" 1 \
    "$(grep -c " 30 [0-9]* [0-9]*ms titan://localhost:$port/$review;mime=text/gemini;size=$(wc -c <"$work/v1.gmi")$" "$log")"

# A reader responds; the responses must outlive a deletion.
expect "a reader responds" "30 gemini://localhost:$port/$review" \
    "$(header "gemini://localhost/reviews/2026-05-01-heat/respond?Great%20heist")"

printf "# Heat (director's cut)\nDirector: Michael Mann\nTags: Thriller\nDate: 2026-05-01\n\nLonger.\n" >"$work/v2.gmi"
expect "a replacement is answered 30" "$page" "$(titan_as owner "$review" "$work/v2.gmi")"
gem gemini://localhost/ >/dev/null
expect "the new title is on the home page at once" 1 "$(grep -c "Heat (director's cut)" "$work/body")"
expect "and the old one is gone" 0 "$(grep -c " - Heat$" "$work/body")"

# Bodies the review parser refuses: 59 with where, and the good version stays.
printf '# Heat\n\nNot \xff UTF-8.\n' >"$work/bad-utf8.gmi"
expect "a body that is not UTF-8 is 59 with its file and line" \
    "59 Not a review: $review:3: not valid UTF-8" "$(titan_as owner "$review" "$work/bad-utf8.gmi")"
printf 'Director: Nobody\n\nNo title at all.\n' >"$work/no-title.gmi"
expect "a body without a title is 59" "59 Not a review: $review:1: no '# ' title line" \
    "$(titan_as owner "$review" "$work/no-title.gmi")"
printf '# Heat\nDirector: Michael Mann\nDate: 2026-02-30\n\nx\n' >"$work/bad-date.gmi"
expect_match "a Date: that is not a date is 59 on its line" "^59 Not a review: $review:3: Date: is not a real date" \
    "$(titan_as owner "$review" "$work/bad-date.gmi")"
printf '# Heat\n\nNUL \0 inside.\n' >"$work/nul.gmi"
expect "a body with a NUL is 59" "59 Not a review: $review:3: binary file (NUL bytes)" \
    "$(titan_as owner "$review" "$work/nul.gmi")"
expect "a second file with a review's slug is refused, as -n would" \
    "59 Refused: 2026-06-06-heat.gmi has the slug of reviews/2026-05-01-heat.gmi; replace or delete that one" \
    "$(titan_as owner reviews/2026-06-06-heat.gmi "$work/v1.gmi")"
expect "and not written" no "$(test -e "$root/reviews/2026-06-06-heat.gmi" && echo yes || echo no)"
mkdir -p "$root/reviews/2019/noir"
printf '# Le Samoura\xc3\xaf\n\nCold.\n' >"$root/reviews/2019/noir/2019-01-01-samourai.gmi"
expect "so is one with the slug of a review in a subfolder" \
    "59 Refused: 2026-06-07-samourai.gmi has the slug of reviews/2019/noir/2019-01-01-samourai.gmi; replace or delete that one" \
    "$(titan_as owner reviews/2026-06-07-samourai.gmi "$work/v1.gmi")"
expect "the published version is untouched" "" "$(cmp "$work/v2.gmi" "$root/$review" 2>&1)"
gem gemini://localhost/ >/dev/null
expect "and still on the home page" 1 "$(grep -c "Heat (director's cut)" "$work/body")"
expect "no temporary file is left" "" "$(ls -A "$root/reviews" | grep '^\.')"

# A client that sends more than size: the first size bytes are the body.
expect "extra bytes after the body are not part of it" "$page" \
    "$(titan_as owner -x 64 "$review" "$work/v2.gmi")"
expect "the file holds exactly the declared bytes" "" "$(cmp "$work/v2.gmi" "$root/$review" 2>&1)"

# Deletion: size 0.
expect "a deletion is answered 30 to the home page" "30 gemini://localhost:$port/" "$(titan_as owner "$review")"
expect "the file has left the capsule" no "$(test -e "$root/$review" && echo yes || echo no)"
gem gemini://localhost/ >/dev/null
expect "off the home page at once" 0 "$(grep -c "Heat" "$work/body")"
gem "gemini://localhost/search?longer" >/dev/null
expect "and out of search at once" 0 "$(grep -c "=> /$review" "$work/body")"
expect "its page is gone at once" 51 "$(header "gemini://localhost/reviews/2026-05-01-heat/" | cut -c1-2)"
entry=$(ls "$work/state/trash-localhost")
expect_match "it is in the trash with a timestamp" '^[0-9]{8}T[0-9]{6}Z_reviews%2F2026-05-01-heat\.gmi$' "$entry"
expect "the trash holds the last version" "" "$(cmp "$work/v2.gmi" "$work/state/trash-localhost/$entry" 2>&1)"
expect "the deletion is logged" 1 "$(grep -c "titan: localhost: $fp deleting $review (0 bytes): 30 /$" "$log")"
expect "deleting what is not there is 51" "51 Not found: there is no 2026-05-01-heat.gmi" "$(titan_as owner "$review")"
gem gemini://localhost/guestbook/ >/dev/null
expect "the response stays in the guestbook" 1 "$(grep -c "Great heist" "$work/body")"

listing=$("$MARQUEE" -c "$work/m.conf" -r "$root" -s "$work/state" trash list)
expect "trash list names the entry, its path and size" "$entry $review $(wc -c <"$work/v2.gmi")" "$listing"
expect "trash restore brings it back" "restored $review" \
    "$("$MARQUEE" -c "$work/m.conf" -r "$root" -s "$work/state" trash restore "$entry")"
expect "the restored file is the deleted one" "" "$(cmp "$work/v2.gmi" "$root/$review" 2>&1)"
if wait_page gemini://localhost/ "Heat (director's cut)"; then pass; else fail "restored review not on the home page"; fi
gem gemini://localhost/reviews/2026-05-01-heat/ >/dev/null
expect "its responses are on it again" 1 "$(grep -c "Great heist" "$work/body")"
expect "the trash is empty again" "" "$("$MARQUEE" -c "$work/m.conf" -r "$root" -s "$work/state" trash list)"

# A restore never replaces a file that is there now.
titan_as owner "$review" >/dev/null
titan_as owner "$review" "$work/v1.gmi" >/dev/null
entry=$(ls "$work/state/trash-localhost")
"$MARQUEE" -c "$work/m.conf" -r "$root" -s "$work/state" trash restore "$entry" 2>"$work/restore.err"
expect "a restore over a file is refused" 1 "$?"
expect "saying why" "marquee: trash: $review exists: move it away first" "$(cat "$work/restore.err")"
expect "the file there is untouched" "" "$(cmp "$work/v1.gmi" "$root/$review" 2>&1)"
"$MARQUEE" -c "$work/m.conf" -r "$root" -s "$work/state" trash restore "../../etc%2Fpasswd" 2>/dev/null
expect "a made-up entry is refused" 1 "$?"

# drafts/ takes uploads too; it is not indexed.
expect "an upload to drafts/" "30 gemini://localhost:$port/drafts/2026-06-01-next.gmi" \
    "$(titan_as owner drafts/2026-06-01-next.gmi "$work/v1.gmi")"
expect "the draft is written" "" "$(cmp "$work/v1.gmi" "$root/drafts/2026-06-01-next.gmi" 2>&1)"

printf '# By Script\nTags: Scripted\n\nFrom cron.\n' >"$work/script.gmi"

# A name with a space and an accent: the redirect is a URL a client can follow.
printf '# Tea\n\nA cup.\n' >"$work/tea.gmi"
expect "the redirect is encoded" "30 gemini://localhost:$port/reviews/2026-07-02-the%20th%C3%A9.gmi" \
    "$(titan_as owner "reviews/2026-07-02-the%20th%C3%A9.gmi" "$work/tea.gmi")"
expect "the file has the decoded name" "" "$(cmp "$work/tea.gmi" "$root/reviews/2026-07-02-the thé.gmi" 2>&1)"
expect "and is served at that URL" "20 text/gemini; charset=utf-8; lang=en" \
    "$(header "gemini://localhost/reviews/2026-07-02-the%20th%C3%A9.gmi")"

# A script without a certificate, with the token.
expect "the token publishes" "30 gemini://localhost:$port/reviews/2026-07-01-script.gmi" \
    "$(titan -t "$token" reviews/2026-07-01-script.gmi "$work/script.gmi")"
gem gemini://localhost/tags/scripted/ >/dev/null
expect "on its tag page at once" 1 "$(grep -c "By Script" "$work/body")"
size=$(wc -c <"$work/script.gmi")
expect "logged as the token" 1 "$(grep -c "titan: localhost: token publishing reviews/2026-07-01-script.gmi ($size bytes): 30 " "$log")"
expect "the token is not in the access log" 0 "$(grep -c "$token" "$log")"
expect "the access log keeps its length" 1 "$(grep -c "size=$size;token=<${#token} bytes>$" "$log")"
expect "a wrong token is 61" "61 Not authorised: that token does not open uploads here" \
    "$(titan -t wrong-token-wrong-token reviews/2026-07-01-script.gmi "$work/v1.gmi")"
expect "the token's review is untouched" "" "$(cmp "$work/script.gmi" "$root/reviews/2026-07-01-script.gmi" 2>&1)"
e2e_end
