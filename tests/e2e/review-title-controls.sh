#!/usr/bin/env bash
# A review whose title and metadata hold control characters (\001, an ESC
# colour sequence): marquee -n warns with file and line, atom.xml stays
# well-formed XML, and no Gemini header or Gopher menu line carries them.
. tests/lib.sh
e2e_begin
sample_capsule
file=2026-05-01-evil.gmi
printf '# Evil\001 \033[31mRed\033[0m Title\nCountry: A\001B\n\nBody opens \033[1mloud\033[0m and \001 odd.\n' \
    >"$root/reviews/$file"

# C0 but TAB, LF and CR, and DEL: bytes no output line may hold.
controls=$'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'
has_controls() { LC_ALL=C grep -c "$controls" "$1"; }

out=$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" -s "$work/state" 2>&1)
expect_match "marquee -n names file and line" "reviews/$file:1: control characters removed" "$out"

serve
expect "atom.xml served" "20 application/atom+xml" "$(header gemini://localhost/atom.xml)"
cp "$work/body" "$work/atom.xml"
if xmllint --noout "$work/atom.xml" 2>"$work/xmllint.err"; then pass; else fail "atom.xml is not well-formed: $(head -n 3 "$work/xmllint.err")"; fi
expect "no control character in atom.xml" 0 "$(has_controls "$work/atom.xml")"
expect_match "title kept without its controls" "<title>Evil \[31mRed\[0m Title</title>" "$(cat "$work/atom.xml")"
expect_match "summary kept without its controls" "<summary>Body opens \[1mloud\[0m and  odd.</summary>" "$(cat "$work/atom.xml")"

header "gemini://localhost/reviews/2026-05-01-evil/respond" >"$work/prompt"
expect_match "Gemini prompt without controls" "^10 Your response to Evil \[31mRed\[0m Title \(up to [^[:cntrl:]]*\)$" "$(cat "$work/prompt")"
expect "no control character in the prompt" 0 "$(has_controls "$work/prompt")"
gem gemini://localhost/reviews/2026-05-01-evil/ >/dev/null
expect "review menu page without controls" 0 "$(has_controls "$work/body")"

for sel in / /reviews/ /reviews/2026-05-01-evil/; do
	curl -s "gopher://127.0.0.1:$gport/1$sel" >"$work/menu"
	expect_match "gopher menu $sel lists it" "Evil \[31mRed\[0m Title" "$(cat "$work/menu")"
	expect "gopher menu $sel without controls" 0 "$(has_controls "$work/menu")"
done
e2e_end
