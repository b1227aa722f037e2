#!/usr/bin/env bash
# marquee -n with host sections: OK on three good hosts; it fails naming a
# section's missing root, and a bad review in a section host's capsule.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_capsules
head1="hostname = a.test
root = $aroot
port = $(free_port)
state = $work/cstate
certs = $work/ccerts"
f=$work/bad.conf

printf '%s\n[b.test]\nroot = %s\n\n[d.test]\nroot = %s\nlang = fr\n' "$head1" "$broot" "$droot" >"$work/ok.conf"
out=$(timeout 20 "$MARQUEE" -n -c "$work/ok.conf" 2>&1)
expect "marquee -n on three hosts" 0 $?
expect_match "marquee -n says OK" "configuration OK" "$out"
printf '%s\n[b.test]\nroot = %s\n' "$head1" "$work/missing" >"$f"
out=$(timeout 20 "$MARQUEE" -n -c "$f" 2>&1)
if [ $? -ne 0 ]; then pass; else fail "marquee -n accepts a section whose root is missing"; fi
expect_match "marquee -n names the missing root" "$work/missing" "$out"
printf '# Bad\n\xff\xfe\n' >"$broot/reviews/2026-01-01-bad-utf8.gmi"
out=$(timeout 20 "$MARQUEE" -n -c "$work/ok.conf" 2>&1)
if [ $? -ne 0 ]; then pass; else fail "marquee -n does not check a section host's capsule"; fi
expect_match "marquee -n names the bad file in the section's capsule" "2026-01-01-bad-utf8.gmi: skipped: not valid UTF-8" "$out"
e2e_end
