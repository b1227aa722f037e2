#!/usr/bin/env bash
# Publishing by dropping files into reviews/ while the server runs: a new
# review shows on the list, a new tag and a new director page; an edit, a
# rename and a file moved in (as editors and rsync do) show too; a file
# closed without a write stays listed through the next, unrelated changes;
# a deleted review goes, and its tag page with it.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

cat >"$work/new.gmi" <<'REVIEW'
# Third Film
Director: Agnès Varda
Tags: Nouvelle Vague

Fresh.
REVIEW
cp "$work/new.gmi" "$root/reviews/2026-05-01-third.gmi"
if wait_page gemini://localhost/reviews/ "2026-05-01 - Third Film"; then pass; else fail "new review not listed"; fi
if wait_page gemini://localhost/tags/nouvelle-vague/ "Third Film"; then pass; else fail "new tag page missing"; fi
if wait_page "gemini://localhost/directors/agnes-varda/" "Third Film"; then pass; else fail "new director page missing"; fi
expect "the accented spelling of a director's URL redirects to its slug" \
    "31 gemini://localhost:$port/directors/agnes-varda/" "$(header "gemini://localhost/directors/Agn%C3%A8s-Varda/")"
sed -i 's/^# Third Film/# Third Film, Edited/' "$root/reviews/2026-05-01-third.gmi"
if wait_page gemini://localhost/reviews/ "Third Film, Edited"; then pass; else fail "edit not visible"; fi
mv "$root/reviews/2026-05-01-third.gmi" "$root/reviews/2026-06-01-third.gmi"
if wait_page gemini://localhost/reviews/ "2026-06-01 - Third Film, Edited"; then pass; else fail "rename not visible"; fi
if wait_page -v gemini://localhost/reviews/ "2026-05-01"; then pass; else fail "old name still listed"; fi
# Written elsewhere and moved in, as editors and rsync do.
cp "$work/new.gmi" "$work/staged.gmi"
mv "$work/staged.gmi" "$root/reviews/2026-07-01-moved-in.gmi"
if wait_page gemini://localhost/reviews/ "2026-07-01 - Third Film"; then pass; else fail "moved-in review not listed"; fi
# A close without a write names a file that did not change; it must stay
# listed through the next, unrelated changes. Each change is waited for
# (the index is built once more, or the page shows it), so each is one
# batch of its own.
if index_barrier localhost "$root/reviews/2026-03-01-first.gmi"; then pass; else fail "a close without a write did not rebuild the index"; fi
printf '\nMore.\n' >>"$root/reviews/2026-04-01-second.gmi"
if wait_page gemini://localhost/reviews/2026-04-01-second.gmi "More."; then pass; else fail "an appended line not shown"; fi
printf '\nEven more.\n' >>"$root/reviews/2026-04-01-second.gmi"
if wait_page gemini://localhost/reviews/2026-04-01-second.gmi "Even more."; then pass; else fail "a second appended line not shown"; fi
if wait_page gemini://localhost/reviews/ "2026-03-01 - First Film"; then pass; else fail "an untouched review vanished after a later change"; fi
rm "$root/reviews/2026-06-01-third.gmi" "$root/reviews/2026-07-01-moved-in.gmi"
if wait_page -v gemini://localhost/reviews/ "Third Film"; then pass; else fail "deleted review still listed"; fi
expect "tag of deleted review is gone" "51 No such page" "$(header gemini://localhost/tags/nouvelle-vague/)"
e2e_end
