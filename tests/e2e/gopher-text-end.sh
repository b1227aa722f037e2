#!/usr/bin/env bash
# Gopher text (type 0) ends where the connection closes, without the lone
# "." that lynx printed as the review's last line, and its lines go out as
# written; menus still end with ".\r\n" (RFC 1436) (issue 12, item 10).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
printf '# Dots\nbefore\n.\n.hidden line\n..two\nafter\n' >"$root/dots.gmi"
serve
review="gopher://127.0.0.1:$gport/0/reviews/2026-03-01-first.gmi"

curl -s "$review" >"$work/review"
expect "review text ends with its last line's CRLF" "$(printf '\r\n' | od -c)" "$(tail -c 2 "$work/review" | od -c)"
if tail -n 1 "$work/review" | grep -qx $'\\.\r'; then fail "review ends with a lone dot"; else pass; fi
last=$(timeout 20 lynx -dump "$review" 2>/dev/null | grep -v '^ *$' | tail -n 1)
expect_match "lynx: the review's last line is its own" "[^.[:space:]]" "$last"
expect "lynx: and it is the last reference" "$(grep -v '^\s*$' "$work/review" | tail -n 1 | tr -d '\r')" \
    "$(sed 's/^ *//' <<<"$last")"

# Lines that start with a dot are sent as written, not doubled.
curl -s "gopher://127.0.0.1:$gport/0/dots.gmi" >"$work/dots"
expect "text is byte-exact" "$(printf 'Dots\r\n====\r\nbefore\r\n.\r\n.hidden line\r\n..two\r\nafter\r\n')" "$(cat "$work/dots")"
expect "lynx shows the dot lines" "$(printf 'before\n.\n.hidden line\n..two\nafter')" \
    "$(timeout 20 lynx -dump "gopher://127.0.0.1:$gport/0/dots.gmi" 2>/dev/null | sed -n '/before/,/after/p' | sed 's/^ *//')"

# gophfilt reads the review to its end.
expect "gophfilt gets the whole review" "$(tr -d '\r' <"$work/review")" \
    "$(timeout 20 gophfilt -t 0 -p /reviews/2026-03-01-first.gmi -h 127.0.0.1 -s "$gport" | tr -d '\r')"

# Menus keep the terminator; Gopher+ says which kind of end comes.
curl -s "gopher://127.0.0.1:$gport/1/" >"$work/menu"
expect "menu ends with .CRLF" "$(printf '.\r\n' | od -c)" "$(tail -c 3 "$work/menu" | od -c)"
curl -s "gopher://127.0.0.1:$gport/1/tags/" >"$work/menu"
expect "tag menu ends with .CRLF" "$(printf '.\r\n' | od -c)" "$(tail -c 3 "$work/menu" | od -c)"
gopher_raw() {	# gopher_raw REQUEST: sends the bytes as given (printf escapes), prints the answer
	timeout 20 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "$2" >&3; cat <&3' _ "$gport" "$1"
}
expect "Gopher+ menu: +-1 (ends with a lone dot)" "+-1" "$(gopher_raw '/\t+\r\n' | head -n 1 | tr -d '\r')"
expect "Gopher+ text: +-2 (ends at close)" "+-2" "$(gopher_raw '/dots.gmi\t+\r\n' | head -n 1 | tr -d '\r')"
expect "Gopher+ text: then the text as is" "$(printf '+-2\r\n'; cat "$work/dots")" "$(gopher_raw '/dots.gmi\t+\r\n')"
e2e_end
