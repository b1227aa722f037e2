#!/usr/bin/env bash
# A review with no date keeps the day it was first seen, through edits and
# restarts (the dates log in the state directory), and an edit of its text
# shows as "updated DATE" on its page and as the feed entry's <updated>; a
# touch that changes no byte is no edit.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
today=$(date -u +%F)
printf '# Undated Film\n\nFirst words.\n' >"$root/reviews/undated.gmi"
touch -d '2025-01-05 12:00:00 UTC' "$root/reviews/undated.gmi"
serve
page=gemini://localhost/reviews/undated.gmi
expect "an undated review is dated by when it was first written" "Published 2025-01-05." \
    "$(gem "$page" >/dev/null; grep '^Published' "$work/body")"
if [ -s "$work/state/dates-localhost.log" ]; then pass; else fail "no dates log in the state directory"; fi

# A touch changes the mtime, not the text: no edit.
touch "$root/reviews/undated.gmi"
index_barrier localhost "$root/reviews/2026-03-01-first.gmi"
expect "a touch is no edit" "Published 2025-01-05." "$(gem "$page" >/dev/null; grep '^Published' "$work/body")"

# An edit: the date stays, and the page says when it was updated.
printf '# Undated Film\n\nFirst words, and more.\n' >"$root/reviews/undated.gmi"
# The file is served as it is on disk at once; its footer follows the index.
if wait_page "$page" "updated $today"; then pass; else fail "the edit never reached the index"; fi
expect "an edit keeps the date and says when" "Published 2025-01-05, updated $today." \
    "$(gem "$page" >/dev/null; grep '^Published' "$work/body")"
gem gemini://localhost/atom.xml >/dev/null
expect_match "the feed entry's updated is the edit" "^${today}T" \
    "$(xmllint --xpath 'string(//*[local-name()="entry"][*[local-name()="title"]="Undated Film"]/*[local-name()="updated"])' "$work/body" 2>/dev/null)"

# After a restart the file's mtime is today, but the first-seen day is kept.
stop
serve
expect "a restart keeps the first-seen date" "Published 2025-01-05, updated $today." \
    "$(gem "$page" >/dev/null; grep '^Published' "$work/body")"
expect "and the list too" "=> /reviews/undated.gmi 2025-01-05 - Undated Film" \
    "$(gem gemini://localhost/reviews/ >/dev/null; grep 'undated' "$work/body")"
e2e_end
