#!/usr/bin/env bash
# marquee -n checks every review as a linter would: a key with a typo says
# which key was meant, a bad Date:, a tag spelled two ways and two files with
# one slug and Was: lines that cannot be kept (a cycle, an old slug claimed
# twice, the slug of another review, a slug no file could have) are each
# named with file and line; errors (the date, the slug, Was:) fail the
# check, warnings alone do not. The server logs the same at start
# and serves the rest.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
check() { "$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" -s "$work/state" 2>&1; }

# Warnings only: a typo in a key, a tag written two ways, an unknown key.
printf '# Typo\nYear: 2012\nDirecter: Jacques Audiard\nTags: Noir\nColour: yes\n\nText.\n' \
    >"$root/reviews/2026-02-01-typo.gmi"
printf '# Other\nTags: noir, drama\n\nText.\n' >"$root/reviews/2026-02-02-other.gmi"
out=$(check)
expect "warnings alone pass" 0 $?
expect_match "a typo names the key meant, with file and line" \
    "reviews/2026-02-01-typo.gmi:3: Directer \(did you mean Director\?\): a key marquee does not know" "$out"
expect_match "an unknown key is reported as kept" "reviews/2026-02-01-typo.gmi:5: Colour: a key marquee does not know, kept" "$out"
expect_match "a tag written two ways is named with its line" \
    "reviews/2026-02-02-other.gmi:2: tag 'noir' is written 'Noir' elsewhere \(reviews/2026-02-01-typo.gmi\)" "$out"
expect_match "and the check passes" "configuration OK" "$out"

# Errors: a date that does not exist, two files with one slug.
printf '# Bad date\nDate: 2026-02-30\n\nText.\n' >"$root/reviews/2026-02-03-bad-date.gmi"
printf '# Twin\n\nText.\n' >"$root/reviews/2026-02-04-typo.gmi"
out=$(check)
expect "errors fail the check" 1 $?
expect_match "the bad date, with file and line" "reviews/2026-02-03-bad-date.gmi:2: 2026-02-30: Date: is not a real date" "$out"
expect_match "two files with one slug" \
    "reviews/2026-02-04-typo.gmi: error: its slug 'typo' is the slug of reviews/2026-02-01-typo.gmi too" "$out"
expect_match "the count of files in error" "2 review files skipped or in error" "$out"

# Was: lines that cannot be kept: a cycle, one old slug claimed twice, the
# slug of a review that is there, a slug no file could have.
printf '# A\nWas: cycle-b\n\nText.\n' >"$root/reviews/2026-02-05-cycle-a.gmi"
printf '# B\nWas: cycle-a\n\nText.\n' >"$root/reviews/2026-02-06-cycle-b.gmi"
printf '# One\nWas: lost\n\nText.\n' >"$root/reviews/2026-02-07-claim-one.gmi"
printf '# Two\nTags: x\nWas: 2025-01-01-lost\n\nText.\n' >"$root/reviews/2026-02-08-claim-two.gmi"
printf '# Names other\nWas: other\n\nText.\n' >"$root/reviews/2026-02-09-names-other.gmi"
printf '# Malformed\nWas: a/b\n\nText.\n' >"$root/reviews/2026-02-10-malformed.gmi"
out=$(check)
expect "Was: errors fail the check" 1 $?
expect_match "a cycle, with file and line" \
    "reviews/2026-02-05-cycle-a.gmi:2: error: Was: 'cycle-b' is reviews/2026-02-06-cycle-b.gmi, a review of its own that says it was this one \(a cycle\)" "$out"
expect_match "an old slug claimed twice" \
    "reviews/2026-02-08-claim-two.gmi:3: error: Was: 'lost' is claimed by reviews/2026-02-07-claim-one.gmi:2 too" "$out"
expect_match "the slug of a review that is there" \
    "reviews/2026-02-09-names-other.gmi:2: error: Was: 'other' is reviews/2026-02-02-other.gmi, a review of its own; ignored" "$out"
expect_match "a slug no file could have" "reviews/2026-02-10-malformed.gmi:2: a/b: a Was: slug with '/'" "$out"
expect_match "each counted" "7 review files skipped or in error" "$out"

# The server says the same at start, and serves every review all the same.
serve
if wait_for "$log" "its slug 'typo' is the slug of"; then pass; else fail "duplicate slug not logged at start"; fi
if grep -q "2026-02-01-typo.gmi:3: Directer (did you mean Director?)" "$log"; then pass; else fail "typo not logged at start"; fi
if grep -q "reviews/2026-02-05-cycle-a.gmi:2: error: Was: 'cycle-b'" "$log"; then pass; else fail "Was: cycle not logged at start"; fi
expect "the reviews are served" 10 "$(gem gemini://localhost/reviews/ >/dev/null; grep -c '^=> /reviews/2026-02-' "$work/body")"
expect "a Was: naming another review leaves it its URL" "31 gemini://localhost:$port/reviews/2026-02-02-other/" \
    "$(header gemini://localhost/reviews/other/)"
expect "an old slug claimed twice leads nowhere" 51 "$(header gemini://localhost/reviews/lost/ | cut -c1-2)"
e2e_end
