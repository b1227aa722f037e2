#!/usr/bin/env bash
# Reviews in subfolders of reviews/: one in reviews/2019/ is listed, tagged,
# in the feed and served with its footer at /reviews/FILE like any review,
# and its folder path answers 31 there; a draft in a folder stays 51; a
# file dropped into a folder made after start appears without a restart; a
# folder deeper than marquee indexes, or a symlink to a folder, is not
# walked. Clients: gemcli, curl.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$root/reviews/2019" "$work/outside"
printf '# Heat\nDirector: Michael Mann\nTags: Crime\n\nThe heist.\n' >"$root/reviews/2019/2019-03-01-heat.gmi"
printf '# Unready\nDraft: yes\n\nNot yet.\n' >"$root/reviews/2019/2019-03-02-unready.gmi"
mkdir -p "$root/reviews/a/b/c/d/e"
printf '# Too Deep\n\nFive folders down.\n' >"$root/reviews/a/b/c/d/e/2019-01-01-deep.gmi"
printf '# Outside\n\nNot in the capsule.\n' >"$work/outside/2019-01-02-outside.gmi"
ln -s "$work/outside" "$root/reviews/linked"
serve
base=gemini://localhost:$port/reviews

gem gemini://localhost/reviews/ >/dev/null
expect_match "listed" "=> /reviews/2019-03-01-heat.gmi 2019-03-01 - Heat" "$(cat "$work/body")"
expect_no "a draft in a folder is not listed" "Unready" "$(cat "$work/body")"
expect_no "nor a folder deeper than indexed" "Too Deep" "$(cat "$work/body")"
expect_no "nor one behind a symlink" "Outside" "$(cat "$work/body")"
gem gemini://localhost/tags/crime/ >/dev/null
expect_match "tagged" "Heat" "$(cat "$work/body")"
gem gemini://localhost/atom.xml >/dev/null
expect_match "in the feed" "$base/2019-03-01-heat.gmi" "$(cat "$work/body")"
expect "served at /reviews/FILE" "$GMI" "$(header gemini://localhost/reviews/2019-03-01-heat.gmi)"
expect_match "with its footer" "=> /reviews/2019-03-01-heat/respond" "$(cat "$work/body")"
expect "its folder path answers 31 there" "31 $base/2019-03-01-heat.gmi" "$(header gemini://localhost/reviews/2019/2019-03-01-heat.gmi)"
expect "a draft's folder path is 51" 51 "$(header gemini://localhost/reviews/2019/2019-03-02-unready.gmi | cut -c1-2)"
expect "its menu" "$GMI" "$(header gemini://localhost/reviews/2019-03-01-heat/)"
expect_match "Gopher: its menu" $'\t/reviews/2019-03-01-heat.gmi\t' \
    "$(curl -s --max-time 20 "gopher://127.0.0.1:$gport/1/reviews/2019-03-01-heat/")"

# A folder made now, and a review dropped into it: no restart.
mkdir -p "$root/reviews/2020/06"
printf '# Collateral\nTags: Crime\n\nA night in LA.\n' >"$root/reviews/2020/06/2020-06-01-collateral.gmi"
if shows_within 10 gemini://localhost/reviews/ "2020-06-01 - Collateral"; then pass; else fail "a review in a new folder did not appear"; fi
# Edited where it is: the folder's own watch.
sed -i 's/^# Collateral/# Collateral, Edited/' "$root/reviews/2020/06/2020-06-01-collateral.gmi"
if shows_within 10 gemini://localhost/tags/crime/ "Collateral, Edited"; then pass; else fail "an edit in a folder not seen"; fi
# Moved between folders, it keeps its URL.
mv "$root/reviews/2020/06/2020-06-01-collateral.gmi" "$root/reviews/2019/"
if within 10 header_is "31 $base/2020-06-01-collateral.gmi" gemini://localhost/reviews/2019/2020-06-01-collateral.gmi; then pass; else fail "a review moved between folders not seen"; fi
expect "and its URL stays" "$GMI" "$(header gemini://localhost/reviews/2020-06-01-collateral.gmi)"
# Two files with one slug in different folders: an error of marquee -n.
printf '# Heat again\n\nTwice.\n' >"$root/reviews/2020/2020-01-01-heat.gmi"
out=$("$MARQUEE" -n -H localhost -r "$root" -d "$work/certs" -s "$work/state" 2>&1)
expect "one slug in two folders fails the check" 1 $?
expect_match "naming both" "error: its slug 'heat' is the slug of reviews/2019/2019-03-01-heat.gmi too" "$out"
e2e_end
