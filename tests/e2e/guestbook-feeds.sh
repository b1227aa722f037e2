#!/usr/bin/env bash
# The guestbook's Atom feeds, /guestbook/atom.xml and /reviews/SLUG/atom.xml:
# both validate under xmllint, with one id, title, updated, author and
# content per entry and no id twice; replies and the owner's entries are
# listed, a held entry is not, and hiding an entry takes it and the replies
# under it out; a response whose CN and text hold markup, "]]>", control
# and bidi characters leaves both well-formed; a new response (over Gemini
# and Gopher) and a reader's reply appear; an unknown review's feed is 51;
# the pages link to them.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
state=$work/state
mkdir -p "$state"
# A log with a thread, the owner's reply, a held entry and a note, sealed by recgen.
now=$(date +%s)
{
	printf 'entry\t%s\t1\t2026-03-01-first\tAnn\t\tThe rain scene.\n' $((now - 600))
	printf 'entry\t%s\t2\t2026-03-01-first\tThe author\t\tThank you, Ann.\t1\to\n' $((now - 500))
	printf 'entry\t%s\t3\t2026-03-01-first\tBob\t\tTo be hidden.\n' $((now - 400))
	printf 'entry\t%s\t4\t2026-03-01-first\tCid\t\tA reply under the hidden one.\t3\n' $((now - 300))
	printf 'entry\t%s\t5\t2026-03-01-first\tDee\t\tHeld for approval.\t0\th\n' $((now - 200))
	printf 'entry\t%s\t6\t\tEve\t\tA note for the capsule.\n' $((now - 100))
} | "$RECGEN" >"$state/guestbook.log" || fail "recgen refused the seed"
serve_unlimited
gbfeed=gemini://localhost/guestbook/atom.xml
rvfeed=gemini://localhost/reviews/2026-03-01-first/atom.xml

# xp XPATH: the value of XPATH in $work/body.
xp() { xmllint --xpath "$1" "$work/body" 2>/dev/null; }
E="*[local-name()='entry']"
# child NAME: a child element named NAME, in whatever prefix.
child() { echo "*[local-name()='$1']"; }

# atom_ok NAME: $work/body is well-formed Atom: a feed with one id, title
# and updated and a self link; every entry with one id, title, updated,
# content and an author's name; no id twice; every updated in RFC 3339 UTC.
atom_ok() {
	if ! xmllint --noout "$work/body" 2>"$work/xmllint.err"; then
		fail "$1: not well-formed: $(head -n 3 "$work/xmllint.err")"
		return
	fi
	pass
	expect "$1: an Atom feed" 1 "$(xp "count(/*[local-name()='feed' and namespace-uri()='http://www.w3.org/2005/Atom'])")"
	expect "$1: feed id, title, updated" "1 1 1" "$(xp "count(/*/$(child id))") $(xp "count(/*/$(child title))") $(xp "count(/*/$(child updated))")"
	expect "$1: self link" 1 "$(xp "count(/*/$(child link)[@rel='self'])")"
	expect "$1: every entry complete" 0 "$(xp "count(//$E[count($(child id)) != 1 or count($(child title)) != 1 or count($(child updated)) != 1 or count($(child content)) != 1 or count($(child author)/$(child name)) != 1])")"
	expect "$1: no id twice" 0 "$(xp "count(//$(child id)[. = preceding::$(child id)])")"
	expect "$1: every updated is RFC 3339 UTC" "" \
	    "$(xp "//$(child updated)/text()" | grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')"
}

# ids: the entries' ids in $work/body, in order, on one line.
ids() { xp "//$E/$(child id)/text()" | sed 's|.*/||' | paste -sd ' '; }

expect "guestbook feed type" "20 application/atom+xml" "$(header "$gbfeed")"
atom_ok "guestbook feed"
expect "guestbook feed: every shown entry, replies included, newest first" "6 4 3 2 1" "$(ids)"
expect "a note's id is its permalink" 1 "$(xp "count(//$E/$(child id)[. = 'gemini://localhost:$port/guestbook/notes/6'])")"
expect "the owner's reply, marked, says whom it answers" 1 \
    "$(xp "count(//$E/$(child title)[. = '✍ The author (author) in reply to Ann on First Film'])")"
expect "the owner's name carries the mark" "✍ The author (author)" "$(xp "string(//$E[contains($(child id), '/responses/2')]/$(child author)/$(child name))")"
expect "the text is the content" "A reply under the hidden one." "$(xp "string(//$E[contains($(child id), '/responses/4')]/$(child content))")"
expect "review feed type" "20 application/atom+xml" "$(header "$rvfeed")"
atom_ok "review feed"
expect "review feed: its responses, no note, nothing held" "4 3 2 1" "$(ids)"
expect "review feed title" "Responses to First Film" "$(xp "string(/*/$(child title))")"
expect "unknown review" "51 Not found" "$(header "gemini://localhost/reviews/nosuch/atom.xml")"
gem "gemini://localhost/guestbook/" >/dev/null
expect "the guestbook links its feed" 1 "$(grep -c '^=> /guestbook/atom.xml ' "$work/body")"
gem "gemini://localhost/reviews/2026-03-01-first.gmi" >/dev/null
expect "a review links its responses' feed" 1 "$(grep -c '^=> /reviews/2026-03-01-first/atom.xml ' "$work/body")"

# Hiding an entry takes it and the reply under it out of both feeds.
expect "hide" "entry 3 hidden" "$("$MARQUEE" -s "$state" guestbook hide 3)"
if wait_page -v "$gbfeed" "/responses/3</id>"; then pass; else fail "hidden entry still in the feed"; fi
expect "guestbook feed without the hidden entry and its reply" "6 2 1" "$(ids)"
gem "$rvfeed" >/dev/null
expect "review feed without them" "2 1" "$(ids)"

# A hostile name and text: markup, CDATA's end, controls, bidi characters.
client_cert hostile "$(printf '<b>&amp;]]>\x01\x1b\t\xe2\x80\xaeevil\xe2\x81\xa6')"
expect "hostile response saved" "30 gemini://localhost:$port/reviews/2026-03-01-first.gmi" \
    "$(header "gemini://localhost/reviews/2026-03-01-first/respond?%3C%2Fcontent%3E%3C%2Fentry%3E%20%5D%5D%3E%20%26amp%3B%20%01%1B%7F%C2%85%E2%80%AE%EF%BF%BF%20%3C!%5BCDATA%5Bx%5D%5D%3E" \
    -c "$work/hostile.crt" -k "$work/hostile.key")"
for feed in "$gbfeed" "$rvfeed"; do
	gem "$feed" >/dev/null
	atom_ok "$feed after the hostile response"
	expect "$feed: the hostile response is the newest" 7 "$(ids | cut -d' ' -f1)"
	# Brackets, controls and bidi characters never reach a name (entry_author).
	expect_match "$feed: its name, as written" '^<b>&amp;>evil \[[0-9a-f]{8}\]$' "$(xp "string(//$E[1]/$(child author)/$(child name))")"
	expect "$feed: its text, as written" "</content></entry> ]]> &amp;  <![CDATA[x]]>" "$(xp "string(//$E[1]/$(child content))")"
	expect "$feed: no control character" 0 "$(LC_ALL=C grep -c $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]\|\xc2[\x80-\x9f]' "$work/body")"
	expect "$feed: no bidi character" 0 "$(grep -c $'\u202e\|\u2066' "$work/body")"
done

# A response over Gopher appears in both feeds, which Gopher serves as text.
expect_match "respond over gopher" "saved as entry 8" "$(curl -s "gopher://127.0.0.1:$gport/7/reviews/2026-03-01-first/respond%09from%20a%20gopher%20reader")"
curl -s "gopher://127.0.0.1:$gport/0/guestbook/atom.xml" >"$work/body"
atom_ok "guestbook feed over gopher"
expect "the gopher response first" "8 7 6 2 1" "$(ids)"
# A reply from a reader's client: newest in both feeds, saying whom it answers.
expect_match "reply to Ann" "^30 " "$(header "gemini://localhost/reviews/2026-03-01-first/responses/1/reply?Same%20here.")"
for feed in "$gbfeed" "$rvfeed"; do
	gem "$feed" >/dev/null
	atom_ok "$feed after the reply"
	expect "$feed: the reply first" "9 8" "$(ids | cut -d' ' -f1-2)"
	expect "$feed: the reply's title" "anonymous in reply to Ann on First Film" "$(xp "string(//$E[1]/$(child title))")"
done
curl -s "gopher://127.0.0.1:$gport/1/reviews/2026-03-01-first/" >"$work/menu"
expect "the review menu's feed is a text item" 1 "$(grep -c $'^0[^\t]*\t/reviews/2026-03-01-first/atom.xml\t' "$work/menu")"
e2e_end
