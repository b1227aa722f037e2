#!/usr/bin/env bash
# Moderation without editing history, with the server running: hide and
# unhide; a banned certificate gets 61 (at the prompt too) and writes again
# once unbanned; a banned address gets 50 on Gemini and a type-3 line on
# Gopher; the owner's certificate is never banned or held; moderation =
# hold-new holds entries from new certificates and without one, hold-all
# every reader's, each thanked with a page that says it waits, invisible
# until "approve ID", listed by "list --held". Every change reaches the
# running server within 2 seconds; the log only grows; wrong operands are
# refused with one line.
. "$(dirname "$0")/../lib.sh"
e2e_begin
owner_capsule
review=gemini://localhost/reviews/2026-03-01-first.gmi
respond=gemini://localhost/reviews/2026-03-01-first/respond
sign=gemini://localhost/guestbook/sign
held_header="20 text/gemini; charset=utf-8; lang=en"
client_cert reader reader
client_cert owner owner
client_cert fresh fresh
client_cert newbie newbie
readerfp=$(key_fp reader)
ownerfp=$(key_fp owner)

# write_conf MODERATION: the configuration, the owner's certificate named.
write_conf() { owner_conf "owner = $ownerfp" "moderation = $1"; }
# cert_opts NAME: gemcli's options for certificate NAME.
cert_opts() { echo -c "$work/$1.crt" -k "$work/$1.key"; }
# with_cert NAME URL: the header of URL asked with certificate NAME.
with_cert() { header "$2" $(cert_opts "$1"); }
# gopher_sign TEXT: the menu answering a Gopher search on the guestbook's sign item.
gopher_sign() { timeout 20 curl -s "gopher://127.0.0.1:$gport/7/guestbook/sign%09$1"; }
# entry_id TEXT: the id of the entry whose text is TEXT, from the log.
entry_id() { awk -F '\t' -v t="$1" '$1 == "entry" && $7 == t { print $3 }' "$gblog"; }

write_conf open
serve -c "$conf"
back="30 gemini://localhost:$port/reviews/2026-03-01-first.gmi"

# Hide and unhide.
expect "reader responds" "$back" "$(with_cert reader "$respond?first%20words")"
wait_page "$review" "first words" || fail "the response never showed"
id=$(entry_id "first words")
cp "$gblog" "$work/gb.before"
expect "hide" "entry $id hidden" "$(owner_cmd hide "$id")"
if shows_within 2 -v "$review" "first words"; then pass; else fail "hidden entry still shown after 2 s"; fi
expect "unhide" "entry $id unhidden" "$(owner_cmd unhide "$id")"
if shows_within 2 "$review" "first words"; then pass; else fail "unhidden entry not shown within 2 s"; fi
expect "unhide again" "entry $id is not hidden" "$(owner_cmd unhide "$id")"
expect "unhide again exits 0" 0 "$(owner_cmd unhide "$id" >/dev/null; echo $?)"
expect_match "unhide record" "^unhide	[0-9T:Z-]+	$id					[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"

# A banned certificate: 61, at the prompt and with text; nothing stored.
expect "ban a certificate" "certificate $readerfp banned" "$(owner_cmd ban "${readerfp^^}")"
expect "ban again" "certificate $readerfp is already banned" "$(owner_cmd ban "$readerfp")"
# The prompt stores nothing, so asking for it until the ban shows writes nothing.
if within 2 header_is "61 This certificate is banned from writing here" "$respond" $(cert_opts reader); then
	pass
else
	fail "banned certificate not refused at the prompt within 2 s: $(with_cert reader "$respond")"
fi
expect "banned certificate with text" "61 This certificate is banned from writing here" "$(with_cert reader "$respond?banned%20words")"
expect "banned certificate signing" "61 This certificate is banned from writing here" "$(with_cert reader "$sign?banned%20note")"
expect "banned certificate liking" "61 This certificate is banned from writing here" \
    "$(with_cert reader "${respond%/respond}/like")"
expect "nothing of the banned certificate stored" 0 "$(grep -c "banned words\|banned note\|^like.*$readerfp" "$gblog")"
expect "another certificate still writes" "$back" "$(with_cert fresh "$respond?fresh%20while%20reader%20banned")"
expect "the owner is never banned" 1 "$(owner_cmd ban "$ownerfp" >/dev/null; echo $?)"
expect_match "the refusal names the owner" "owner certificate.*never banned" "$(owner_cmd ban "$ownerfp")"
expect "unban" "certificate $readerfp unbanned" "$(owner_cmd unban "$readerfp")"
expect "unban again" "certificate $readerfp is not banned" "$(owner_cmd unban "$readerfp")"
if within 2 header_is "$back" "$respond?after%20the%20unban" $(cert_opts reader); then pass; else fail "unbanned certificate still refused after 2 s"; fi

# A banned address: 50 on Gemini, with or without a certificate; type 3 on Gopher.
expect "ban an address" "address 127.0.0.1 banned" "$(owner_cmd ban 127.0.0.1)"
if within 2 header_is "50 Your address is banned from writing here" "$respond"; then
	pass
else
	fail "banned address not refused at the prompt within 2 s: $(header "$respond")"
fi
expect "banned address with text" "50 Your address is banned from writing here" "$(header "$respond?from%20a%20banned%20address")"
expect "banned address with a certificate" "50 Your address is banned from writing here" "$(with_cert reader "$respond?reader%20at%20a%20banned%20address")"
expect_match "banned address on gopher" "^3Your address is banned from writing here	" "$(gopher_sign from%20gopher)"
expect "the owner at a banned address" "$back" "$(with_cert owner "$respond?the%20owner%20writes")"
expect "nothing from the banned address stored" 0 "$(grep -c "banned address\|from gopher" "$gblog")"
owner_cmd export >"$work/export.json"
expect "export lists the ban" '{"ban":"127.0.0.1"}' "$(grep '"ban"' "$work/export.json")"
expect "unban the address" "address 127.0.0.1 unbanned" "$(owner_cmd unban 127.0.0.1)"
if within 2 header_is "$back" "$respond?anonymous%20again"; then pass; else fail "unbanned address still refused after 2 s"; fi

# hold-new: new certificates and anonymous entries wait; known ones and the owner do not.
write_conf hold-new
reload || fail "reload to hold-new"
expect "a known certificate is not held" "$back" "$(with_cert reader "$respond?known%20reader")"
expect "a new certificate is held: no redirect" "$held_header" "$(with_cert newbie "$respond?newbie%20words")"
expect_match "the thank-you page says it waits" "is saved as entry [0-9]+\. It waits for the author's approval" "$(cat "$work/body")"
expect "an anonymous entry is held" "$held_header" "$(header "$respond?anonymous%20held")"
expect_match "gopher note held" "iYour note is saved as entry [0-9]+\. It waits for the author's" "$(gopher_sign gopher%20held)"
expect "the owner is not held" "$back" "$(with_cert owner "$respond?owner%20under%20hold-new")"
newbie=$(entry_id "newbie words")
expect_match "held flag in the log" "^entry	[^	]*	$newbie	.*	newbie words	0	h	[0-9a-f]{8}$" "$(grep "newbie words" "$gblog")"
wait_page "$review" "owner under hold-new" || fail "the owner's entry never showed"
page=$(cat "$work/body")
expect_match "the known reader shows" "known reader" "$page"
expect_no "the held entry does not show" "newbie words" "$page"
expect_no "the held anonymous entry does not show" "anonymous held" "$page"
expect_no "the held note is not in the guestbook" "gopher held" "$(gem gemini://localhost/guestbook/ >/dev/null; cat "$work/body")"
held=$(owner_cmd list --held)
expect "list --held: the three held entries" 3 "$(grep -c "(held)" <<<"$held")"
expect_match "list --held names the entry" "(^|
)$newbie	[^	]+	2026-03-01-first	newbie \[[0-9a-f]{8}\]	newbie words	\(held\)($|
)" "$held"
expect_no "list --held leaves out the rest" "known reader" "$held"
expect "approve" "entry $newbie approved" "$(owner_cmd approve "$newbie")"
if shows_within 2 "$review" "newbie words"; then pass; else fail "approved entry not shown within 2 s"; fi
expect "approve again" "entry $newbie is not held" "$(owner_cmd approve "$newbie")"
expect "an approved author is known" "$back" "$(with_cert newbie "$respond?newbie%20again")"
expect "two still held" 2 "$(owner_cmd list --held | grep -c "(held)")"

# hold-all: every reader's entry waits, the owner's does not.
write_conf hold-all
reload || fail "reload to hold-all"
expect "a known certificate is held" "$held_header" "$(with_cert reader "$respond?reader%20under%20hold-all")"
expect "the owner is not held under hold-all" "$back" "$(with_cert owner "$respond?owner%20under%20hold-all")"
wait_page "$review" "owner under hold-all" || fail "the owner's entry never showed under hold-all"
expect_no "the known reader's entry waits" "reader under hold-all" "$(cat "$work/body")"
id=$(entry_id "reader under hold-all")
expect "approve under hold-all" "entry $id approved" "$(owner_cmd approve "$id")"
if shows_within 2 "$review" "reader under hold-all"; then pass; else fail "approved entry not shown within 2 s"; fi
if head -c "$(wc -c <"$work/gb.before")" "$gblog" | cmp -s - "$work/gb.before"; then pass; else fail "moderation changed what was written before"; fi

# Wrong operands: one line each, exit 2; an entry the log does not hold, exit 1.
for bad in "ban 1.2.3" "ban 127.0.0.1/24" "ban abc" "unban ${readerfp}0" "approve x" "hide -1" "unhide 0"; do
	out=$(owner_cmd $bad)
	expect "$bad exits 2" 2 $?
	expect "$bad says one line" 1 "$(wc -l <<<"$out")"
done
expect_match "a bad target is named" "'1\.2\.3' is neither a certificate fingerprint" "$(owner_cmd ban 1.2.3)"
expect "approve of an unknown entry" 1 "$(owner_cmd approve 999 >/dev/null; echo $?)"
expect "list with an unknown option" 2 "$(owner_cmd list --hold >/dev/null; echo $?)"
expect "usage of approve" "marquee: guestbook: usage: guestbook [-h host] approve ID" "$(owner_cmd approve)"
expect "check" 0 "$(owner_cmd check >/dev/null; echo $?)"
e2e_end
