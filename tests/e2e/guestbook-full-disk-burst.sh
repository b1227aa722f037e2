#!/usr/bin/env bash
# 50 readers sign at once on a full disk: nobody is told the entry was
# saved, everyone is told it was not and why (40); the full disk is logged
# once; once space is back, an entry is taken again without a restart.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
full=$work/full
small_disk "$full"
state=$full
serve_unlimited

head -c 1000000 /dev/zero >"$full/filler" 2>/dev/null
timeout 60 "$GEMCLI" -n 50 -L -t 30 -s localhost 127.0.0.1 "$port" "gemini://localhost/guestbook/sign?the%20same%20words" >"$work/full.out" 2>/dev/null
expect "full disk: nobody is told it was saved" 0 "$(grep -c '^[0-9]* 30 ' "$work/full.out")"
expect "full disk: everyone is told it was not, and why" 50 "$(grep -c '^[0-9]* 40 Not saved: guestbook temporarily read-only' "$work/full.out")"
if wait_for "$log" "No space left on device; read-only until an append succeeds"; then pass; else fail "full disk not logged"; fi
expect "full disk logged once" 1 "$(grep -c "No space left on device" "$log")"
expect_match "later entries refused while full" "^40 Not saved: guestbook temporarily read-only" "$(header "gemini://localhost/guestbook/sign?later")"
rm "$full/filler"
expect "space back: taken again without a restart" "30 gemini://localhost:$port/guestbook/" "$(header "gemini://localhost/guestbook/sign?later")"
alive "a full disk"
e2e_end
