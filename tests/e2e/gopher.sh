#!/usr/bin/env bash
# The Gopher side, with curl (byte for byte), lynx and the strict gophfilt:
# menus end with a lone dot and CRLF lines, display strings fit 70 columns,
# reviews are menus, external links are h items, a missing selector is one
# type 3 line, text goes out as written (dots included) and ends at the
# close, a 1 MiB file byte for byte, caps.txt, the Gopher+ probes of the
# UMN client, URL: selectors, a bare LF, and nothing outside the root.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

g=$(curl -s "gopher://127.0.0.1:$gport/1/tags/")
expect "tag menu, byte for byte" "$(printf 'iTags\t\tlocalhost\t%s\r\ni\t\tlocalhost\t%s\r\n1Drama (2)\t/tags/drama/\tlocalhost\t%s\r\n1Noir (1)\t/tags/noir/\tlocalhost\t%s\r\ni\t\tlocalhost\t%s\r\n1All reviews\t/reviews/\tlocalhost\t%s\r\n1Home\t/\tlocalhost\t%s\r\n.\r' "$gport" "$gport" "$gport" "$gport" "$gport" "$gport" "$gport")" "$g"
curl -s "gopher://127.0.0.1:$gport/1/" >"$work/menu"
expect "home menu ends with a lone dot" "$(printf '.\r\n' | od -c)" "$(tail -c 3 "$work/menu" | od -c)"
expect "every menu line ends with CRLF" 0 "$(awk '!/\r$/' "$work/menu" | wc -l)"
expect "display strings under 70 columns" 0 "$(cut -f1 "$work/menu" | awk '{ if (length($0) > 70) n++ } END { print n + 0 }')"
expect_match "review item" "^12026-04-01 - Second Film	/reviews/2026-04-01-second/	localhost	$gport" "$(grep -a '^1' "$work/menu" | head -n 1 | tr -d '\r')"
expect_match "external link as an h item" "^hAn example	URL:https://example.org/	localhost	$gport" "$(grep -a '^h' "$work/menu" | tr -d '\r')"
if grep -aq '^3' "$work/menu"; then fail "type 3 line inside a menu"; else pass; fi
expect "missing selector" "$(printf '3Not found\t\tlocalhost\t%s\r\n.\r' "$gport")" "$(curl -s "gopher://127.0.0.1:$gport/1/nope/")"
expect "review as text: heading" "First Film" "$(curl -s "gopher://127.0.0.1:$gport/0/reviews/2026-03-01-first.gmi" | head -n 1 | tr -d '\r')"
curl -s "gopher://127.0.0.1:$gport/0/dots.gmi" >"$work/dots"
expect "lone dot goes out as written" "." "$(sed -n 4p "$work/dots" | tr -d '\r')"
expect "leading dot goes out as written" ".hidden line" "$(sed -n 5p "$work/dots" | tr -d '\r')"
expect "text ends at the close, with no lone dot" "after" "$(tail -n 1 "$work/dots" | tr -d '\r')"
expect_match "lynx shows menus" "\(DIR\) \[[0-9]+\]Home" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/tags/drama/" 2>/dev/null)"
expect_match "lynx lists reviews" "\(DIR\) \[[0-9]+\]2026-04-01 - Second Film" "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/1/tags/drama/" 2>/dev/null)"
expect_match "review menu view" "1More by Jane Doe	/directors/jane-doe/" "$(curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/")"
curl -s "gopher://127.0.0.1:$gport/9/big.bin" -o "$work/gbig"
if cmp -s "$root/big.bin" "$work/gbig"; then pass; else fail "1 MiB file over gopher differs"; fi
expect_match "caps.txt" "^CAPS" "$(curl -s "gopher://127.0.0.1:$gport/0/caps.txt")"
expect "Gopher+ menu request (what the UMN client sends first)" "$(printf '+-1\r\n+INFO: iTest capsule\t\tlocalhost\t%s\r' "$gport")" "$(gopher_raw '\t$\r\n' | head -n 2)"
expect "Gopher+ answer ends with a lone dot" ".$(printf '\r')" "$(gopher_raw '\t$\r\n' | tail -n 1)"
expect "Gopher+ item request" "$(printf '+-1\r\niTest capsule\t\tlocalhost\t%s\r' "$gport")" "$(gopher_raw '/\t+\r\n' | head -n 2)"
expect_match "URL: selector redirects" 'content="0; url=https://example.org/"' "$(gopher_raw 'URL:https://example.org/\r\n')"
expect_match "strict reader on a menu" "^iTags" "$(timeout 20 gophfilt -t 1 -p /tags/ -h 127.0.0.1 -s "$gport" | head -n 1)"
expect_match "bare LF" "^iTest capsule" "$(gopher_raw '/\n' | head -n 1)"
for sel in '/../outside/secret' '/%2e%2e/outside/secret' '/escape' '/.secret' "/$(printf '%*s' 1100 '' | tr ' ' a)"; do
	out=$(gopher_raw "$sel\r\n")
	expect_match "gopher refuses $(echo "$sel" | cut -c1-30)" "^3" "$out"
	if [[ "$out" == *"TOP SECRET"* || "$out" == *hidden* ]]; then fail "gopher leaked $sel"; else pass; fi
done
expect_match "gopher NUL" "^3NUL byte" "$(gopher_raw '/\0x\r\n')"
alive "gopher"
e2e_end
