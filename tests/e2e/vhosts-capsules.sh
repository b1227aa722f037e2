#!/usr/bin/env bash
# Each host serves its own capsule, in its own lang (d.test inherits the
# first host's): home pages, a file only one host has (51 on the others),
# an explicit port, case and trailing dot, redirects naming the host.
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

expect "a.test home" "$ADE" "$(header a.test gemini://a.test/)"
expect "a.test home body" "# Alpha home" "$(head -n 1 "$work/body")"
expect_no "a.test home shows nothing of beta" "Beta" "$(cat "$work/body")"
expect "b.test home" "$BFR" "$(header b.test gemini://b.test/)"
expect "b.test home body" "# Beta home" "$(head -n 1 "$work/body")"
expect_no "b.test home shows nothing of alpha" "Alpha" "$(cat "$work/body")"
expect "d.test inherits the first host's lang" "$ADE" "$(header d.test gemini://d.test/)"
expect "d.test home body" "# Delta home" "$(head -n 1 "$work/body")"
expect "explicit port" "$BFR" "$(header b.test "gemini://b.test:$port/")"
expect "host case and trailing dot" "$BFR" "$(header b.test gemini://B.TEST./)"
expect "file only in b.test's root, on b.test" "20 text/plain; charset=utf-8" "$(header b.test gemini://b.test/only-b.txt)"
expect "its content" "only in beta" "$(cat "$work/body")"
expect "file only in b.test's root, on a.test" "51 Not found" "$(header a.test gemini://a.test/only-b.txt)"
expect "gemtext only in b.test's root, on d.test" "51 Not found" "$(header d.test gemini://d.test/only-b.gmi)"
expect "directory redirect names the host" "31 gemini://b.test:$port/reviews/" "$(header b.test gemini://b.test/reviews)"
e2e_end
