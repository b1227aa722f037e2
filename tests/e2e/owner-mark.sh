#!/usr/bin/env bash
# The author's mark: entries from a certificate named by `owner` show
# "✍ NAME (author)" with no fingerprint tag, under the CN or `owner_name`,
# and pass the rate limit; no reader gets the mark, whatever their
# certificate's CN holds (the owner's name, the mark, other pens,
# "(author)", bidi overrides, zero-width and directional characters), and
# every reader's byline keeps its own tag. Clients: openssl s_client with
# generated certificates, gemcli, curl for Gopher.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mark=$'\u270d'
sign=gemini://localhost/guestbook/sign
back="30 gemini://localhost:$port/guestbook/"


client_cert owner "Ann"
client_cert laptop "ann-laptop"
owner_fp=$(key_fp owner)
printf 'guestbook_limit = 3\nguestbook_global = 1000\nowner = %s, %s\n' \
    "$owner_fp" "$(key_fp laptop | sed 's/../&:/g; s/:$//' | tr a-f A-F)" >"$work/gb.conf"
serve -c "$work/gb.conf"
back="30 gemini://localhost:$port/guestbook/"

# The owner, five times in a row: past guestbook_limit, under the CN.
for i in 1 2 3 4 5; do
	expect "the owner writes ($i)" "$back" "$(s_client_as owner "$sign?From%20the%20author%20$i")"
done
expect "a second owner certificate, colons and capitals in the key" "$back" "$(s_client_as laptop "$sign?From%20the%20laptop")"

# Readers who try to pass for the owner, each from an address of its own
# (gemcli -b), so the rate limit does not stand between them.
names=("Ann" "$mark Ann (author)" $'\U0001F58A Ann \u270e (author)' "Ann (author)" \
    $'\u202eAnn\u202c (author)' $'A\u200bnn\u2060 (author)' $'\u200fAnn (author)\u200e' \
    $'\U0001F58E\U0001F3FD Ann' $'\u270d\ufe0f')
for i in "${!names[@]}"; do
	client_cert "r$i" "${names[$i]}"
	expect "reader $i signs" "$back" \
	    "$(header "$sign?from%20reader%20$i" -c "$work/r$i.crt" -k "$work/r$i.key" -b "127.0.0.$((i + 2))")"
done
expect_match "a reader is rate limited" "^44 [0-9]+$" \
    "$(for i in 1 2 3 4; do header "$sign?reader%20$i" -c "$work/r0.crt" -k "$work/r0.key" -b 127.0.0.2; done | tail -n 1)"

gem gemini://localhost/guestbook/ >/dev/null
page=$(cat "$work/body")
expect "the owner's entries carry the mark, under the CN" 5 "$(grep -c "^### $mark Ann (author), [0-9-]*$" <<<"$page")"
expect "so do those of the second certificate" 1 "$(grep -c "^### $mark ann-laptop (author), [0-9-]*$" <<<"$page")"
expect "only theirs" 6 "$(grep -c "$mark" <<<"$page")"
expect "no pen of any kind in a reader's byline" 0 \
    "$(grep '^### ' <<<"$page" | grep -v "^### $mark Ann (author), " | grep -c $'\u270e\|\U0001F58A\|\U0001F58E\|\ufe0f')"
for i in "${!names[@]}"; do
	fp=$(key_fp "r$i" | cut -c1-8)
	byline=$(grep -B1 "^> from reader $i\$" <<<"$page" | head -n 1)
	expect_match "reader $i's byline keeps its tag" "^### [^$mark]* \[$fp\], [0-9-]+$" "$byline"
done
expect_match "a CN equal to the owner's is a reader's" "^### Ann \[[0-9a-f]{8}\], " "$(grep -B1 '^> from reader 0$' <<<"$page" | head -n 1)"
expect "no bidi, zero-width or directional character left" 0 \
    "$(grep -c $'\u202e\|\u202c\|\u200b\|\u2060\|\u200f\|\u200e' <<<"$page")"
expect "the owner's fingerprint is not shown" 0 "$(grep -c "\[${owner_fp:0:8}\]" <<<"$page")"

g=$(curl -s "gopher://127.0.0.1:$gport/1/guestbook/")
expect "gopher shows the mark on the owner's entries only" 6 "$(grep -c "^i$mark \(Ann\|ann-laptop\) (author), [0-9-]*	" <<<"$g")"
expect "and on nothing else" 6 "$(grep -c "$mark" <<<"$g")"

# owner_name names the owner instead of the certificate's CN.
printf 'owner_name = Ann Onymous\n' >>"$work/gb.conf"
if reload; then pass; else fail "reload with owner_name"; fi
expect "the owner writes after the reload" "$back" "$(s_client_as laptop "$sign?Signed%20by%20name")"
gem gemini://localhost/guestbook/ >/dev/null
expect_match "owner_name in the byline" "### $mark Ann Onymous \(author\), [0-9-]+" "$(grep -B1 '^> Signed by name$' "$work/body" | head -n 1)"
e2e_end
