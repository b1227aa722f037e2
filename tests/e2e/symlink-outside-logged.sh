#!/usr/bin/env bash
# A symlink in the capsule that leads out of the root is refused (51, and
# Gopher's error), and the log says so with the path, not with the kernel's
# "Invalid cross-device link"; a review that is such a link is skipped with
# the same words.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
ln -s /etc/passwd "$root/passwd.txt"
ln -s /etc/passwd "$root/reviews/2026-05-01-outside.gmi"
serve

expect "Gemini: the link is not served" "51 Not found" "$(header gemini://localhost/passwd.txt)"
if grep -q "root:x:0" "$work/body" 2>/dev/null; then fail "Gemini served /etc/passwd"; else pass; fi
if wait_for "$log" "warning: /passwd.txt: symlink outside the root refused"; then pass; else
	fail "no 'symlink outside the root refused' line for /passwd.txt: $(tail -n 3 "$log")"
fi
body=$(curl -s --max-time 20 "gopher://127.0.0.1:$gport/0/passwd.txt")
expect_match "Gopher: the link is not served" "^3" "$body"
expect "Gopher: the refusal is logged too" 2 "$(grep -c "/passwd.txt: symlink outside the root refused" "$log")"
if grep -q "reviews/2026-05-01-outside.gmi: skipped: symlink outside the root refused" "$log"; then pass; else
	fail "the index did not name the review link: $(grep outside "$log")"
fi
expect "no kernel wording in the log" 0 "$(grep -c "Invalid cross-device link" "$log")"
e2e_end
