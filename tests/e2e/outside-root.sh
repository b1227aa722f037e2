#!/usr/bin/env bash
# Nothing outside the root, and no dotfile, is served over Gemini: dot
# segments raw, percent-encoded and double-encoded, encoded slashes,
# symlinks out of the root, .secret and .git; each gets 51 or 59 and no
# byte of the file. Dot segments that stay inside the root are fine.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

for path in /../outside/secret /%2e%2e/outside/secret /%2E%2E/ /dir/%2e%2e/%2e%2e/outside/secret \
    /%2fetc%2fpasswd /..%2foutside/secret /%252e%252e/outside/secret /passwd /escape \
    /.secret /dir/.git/config /dir/../../outside/secret; do
	h=$(header "gemini://localhost$path")
	expect_match "traversal $path" "^5[19] " "$h"
	if grep -q "TOP SECRET\|root:x:0\|hidden\|core" "$work/body" 2>/dev/null; then
		fail "traversal $path leaked content"
	else
		pass
	fi
done
expect "dot segments inside the root" "$GMI" "$(header gemini://localhost/dir/../index.gmi)"
alive "traversal"
e2e_end
