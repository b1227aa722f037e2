#!/usr/bin/env bash
# Started as root with -u nobody, the server runs as nobody and serves; a
# review it cannot read is logged as skipped and the server keeps serving.
# Needs root and a nobody user; skipped otherwise.
. "$(dirname "$0")/../lib.sh"
e2e_begin
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "   (not root, or no user nobody: skipped)"
	e2e_end
fi
full_capsule
chmod o+rx "$work"
serve -u nobody

expect "runs as nobody" "$(id -u nobody)" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")"
alive "privilege drop"
# Now that the server is not root, an unreadable review is one it cannot read.
printf '# Locked\n\nText.\n' >"$root/reviews/2026-09-09-locked.gmi"
chmod 000 "$root/reviews/2026-09-09-locked.gmi"
if wait_for "$log" "reviews/2026-09-09-locked.gmi: skipped: Permission denied"; then pass; else fail "unreadable review not logged"; fi
alive "unreadable review"
e2e_end
