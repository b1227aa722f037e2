#!/usr/bin/env bash
# The author answers from the shell: "guestbook reply ID TEXT" and
# "guestbook respond SLUG TEXT" append entries with the owner's flag, named
# owner_name (or else the host's name), their text cleaned as a reader's;
# each is on the running server's review page within 2 seconds, and with
# the server stopped they (and a hide and a ban) are in the log it reads at
# its next start.
# Shell appends and readers' entries at the same time never share an id.
# Refusals: no such review or entry, empty, over-long or invalid text.
. "$(dirname "$0")/../lib.sh"
e2e_begin
owner_capsule
first=gemini://localhost/reviews/2026-03-01-first.gmi
second=gemini://localhost/reviews/2026-04-01-second.gmi
owner_conf "owner_name = The Author"
serve -c "$conf"
client_cert reader movieblort

expect "a reader responds" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Loved%20it." -c "$work/reader.crt" -k "$work/reader.key")"
wait_page "$first" "Loved it." || fail "the reader's response never showed"

# reply: under the entry it answers, as the author, within 2 s.
expect "reply" "entry 2 saved, in reply to 1" "$(owner_cmd reply 1 "Thank you, glad it spoke to you.")"
if shows_within 2 "$first" "Thank you, glad it spoke to you."; then pass; else fail "reply not on the page within 2 s"; fi
expect_match "the reply is threaded under the response, named owner_name" \
    "### movieblort \[[0-9a-f]{8}\], [0-9-]+
> Loved it\.
[^#]*### ↳ ✍ The Author \(author\), [0-9-]+
> Thank you, glad it spoke to you\." "$(cat "$work/body")"
expect_match "reply record: parent 1, the owner's flag, no fingerprint" \
    "^entry	[0-9T:Z-]+	2	2026-03-01-first	The Author		Thank you, glad it spoke to you\.	1	o	[0-9a-f]{8}$" "$(tail -n 1 "$gblog")"
expect_match "list marks the author and the parent" "^2	[0-9T:Z-]+	2026-03-01-first	✍ The Author	Thank you, glad it spoke to you\.	\(re 1\)$" \
    "$(owner_cmd list | sed -n 2p)"
owner_cmd export >"$work/export.json"
expect_match "export carries parent and owner" '^\{"id":2,.*"author":"The Author","fingerprint":"",.*"hidden":false,"parent":1,"owner":true,"held":false\}$' \
    "$(sed -n 2p "$work/export.json")"

# respond: a response of its own to a review, with gemtext cleaned and quoted.
expect "respond" "entry 3 saved, a response to 2026-04-01-second" \
    "$(owner_cmd respond 2026-04-01-second $'A note on the second.\r\n=> gemini://evil/ Click\n# Big')"
if shows_within 2 "$second" "A note on the second."; then pass; else fail "response not on the page within 2 s"; fi
expect_match "the author's response, quoted" "### ✍ The Author \(author\), [0-9-]+
> A note on the second\.
> => gemini://evil/ Click
> # Big" "$(cat "$work/body")"
expect_match "respond record: the owner's flag, no parent" "^entry	[0-9T:Z-]+	3	2026-04-01-second	The Author		A note on the second\.\\\\n=> gemini://evil/ Click\\\\n# Big	0	o	[0-9a-f]{8}$" \
    "$(tail -n 1 "$gblog")"
expect "a reply to a reply" "entry 4 saved, in reply to 2" "$(owner_cmd reply 2 "And one more thing.")"
if shows_within 2 "$first" "And one more thing."; then pass; else fail "reply to a reply not shown within 2 s"; fi
expect_match "hidden parent: the reply says it is not shown" \
    "^entry 5 saved, in reply to 1 \(not shown while entry 1, which it answers, is hidden\)$" \
    "$(owner_cmd hide 1 >/dev/null; owner_cmd reply 1 "Under a hidden one.")"
owner_cmd unhide 1 >/dev/null

# Refusals, one line each: 1 for what cannot be done, 2 for a wrong command line.
cp "$gblog" "$work/gb.before"
refused() {
	local name=$1 rc=$2 pattern=$3 out status
	shift 3
	out=$(owner_cmd "$@")
	status=$?
	expect "$name: exit status" "$rc" "$status"
	expect_match "$name: one line saying why" "^marquee: guestbook: $pattern" "$out"
	expect "$name: one line" 1 "$(wc -l <<<"$out")"
}
refused "respond to no review" 1 "no review nosuch: .*reviews/ has no nosuch\.gmi or nosuch\.txt$" respond nosuch "Hello"
refused "respond outside reviews/" 1 "no review \.\./index" respond ../index "Hello"
refused "respond to a hidden name" 1 "no review \.2026" respond .2026-03-01-first "Hello"
refused "reply to no entry" 1 "no entry 999 in .*guestbook\.log$" reply 999 "Hello"
refused "reply to a bad id" 2 "reply: '1x' is not an entry id$" reply 1x "Hello"
refused "empty reply" 1 "not saved: the text is empty$" reply 1 $' \n\t'
refused "over-long reply" 1 "not saved: longer than 800 bytes$" reply 1 "$(head -c 801 /dev/zero | tr '\0' x)"
refused "reply of too many lines" 1 "not saved: more than 20 lines$" reply 1 "$(seq 21)"
refused "reply that is not UTF-8" 1 "not saved: the text is not valid UTF-8$" reply 1 $'caf\xe9'
refused "reply without text" 2 "usage: guestbook \[-h host\] reply ID TEXT$" reply 1
refused "unknown command" 2 "unknown command 'frob'; commands: list \[--held\] \| export" frob
if cmp -s "$gblog" "$work/gb.before"; then pass; else fail "a refused command wrote to the log"; fi

# Ids: shell appends and readers' entries at once share one sequence.
(for i in $(seq 1 25); do
	"$MARQUEE" -c "$conf" guestbook respond 2026-04-01-second "shell $i" >>"$work/shell.out" 2>>"$work/stderr.shell" || echo "shell $i failed" >>"$work/shell.err"
done) &
shell=$!
for i in $(seq 1 25); do
	header "gemini://localhost/reviews/2026-04-01-second/respond?reader%20$i" >>"$work/readers.out"
done
wait "$shell"
expect "every shell append succeeded" "" "$(cat "$work/shell.err" 2>/dev/null)"
expect "every reader's entry saved" 25 "$(grep -c "^30 " "$work/readers.out")"
ids=$(awk -F '\t' '$1 == "entry" { print $3 }' "$gblog")
expect "no id repeats" "" "$(sort -n <<<"$ids" | uniq -d)"
expect "ids in file order, one after another" "$(seq 1 "$(wc -l <<<"$ids")")" "$ids"
expect "every entry in the log" 55 "$(wc -l <<<"$ids")"
expect_match "check finds no problem" "55 entries, 0 problems$" "$(owner_cmd check)"
if shows_within 2 "$second" "shell 25"; then pass; else fail "the last shell entry not shown"; fi
expect "the server shows the 50 entries written at once" 50 "$(grep -c '^> \(shell\|reader\) [0-9]' "$work/body")"

# With the server stopped: appended to the log, shown at the next start.
stop
printf 'root = %s\nstate = %s\n' "$root" "$state" >"$work/plain.conf"
out=$(timeout 20 "$MARQUEE" -c "$work/plain.conf" guestbook reply 1 "Written while it slept." 2>>"$work/stderr.owner")
expect "reply with the server stopped" "entry 56 saved, in reply to 1" "$out"
expect_match "without owner_name the author is the host's name" "	56	2026-03-01-first	localhost		Written while it slept\.	1	o	" "$(tail -n 1 "$gblog")"
expect "respond with the server stopped" "entry 57 saved, a response to 2026-03-01-first" \
    "$(owner_cmd respond 2026-03-01-first "Also while it slept.")"
expect "ban with the server stopped" "certificate $(key_fp reader) banned" "$(owner_cmd ban "$(key_fp reader)")"
expect "hide with the server stopped" "entry 2 hidden" "$(owner_cmd hide 2)"
serve -c "$conf"
wait_page "$first" "Also while it slept." || fail "entries written while stopped not shown after the start"
page=$(cat "$work/body")
expect_match "the reply written while stopped shows threaded" "### ↳ ✍ localhost \(author\), [0-9-]+
> Written while it slept\." "$page"
expect_no "hidden while stopped: the entry is not shown" "Thank you, glad it spoke" "$page"
expect_no "hidden while stopped: nor the reply under it" "And one more thing." "$page"
expect "banned while stopped: refused" "61 This certificate is banned from writing here" \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?Again." -c "$work/reader.crt" -k "$work/reader.key")"
expect_match "the server counts every entry" "guestbook .*: 57 entries" "$(cat "$log")"
e2e_end
