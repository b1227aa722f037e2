#!/usr/bin/env bash
# Three hosts in one server (a.test at the top, b.test and d.test in
# sections): the log says each listens on the one Gemini port and on its
# own Gopher port, each host's index is built from its own reviews, and
# each has its own guestbook file (the first host's guestbook.log, the
# others' guestbook-HOST.log).
. "$(dirname "$0")/../lib.sh"
e2e_begin
vhosts_serve

for h in a.test b.test d.test; do
	if grep -q "listening on gemini://$h:$port/" "$log"; then pass; else fail "no 'listening on gemini://$h:$port/' in the log"; fi
done
if grep -q "listening on gopher://a.test:$ga/" "$log"; then pass; else fail "no 'listening on gopher://a.test:$ga/' in the log"; fi
if grep -q "listening on gopher://b.test:$gb/" "$log"; then pass; else fail "no 'listening on gopher://b.test:$gb/' in the log"; fi
if wait_for "$log" "index: a\.test: 1 review"; then pass; else fail "no 'index: a.test: 1 reviews' in the log"; fi
if wait_for "$log" "index: b\.test: 1 review"; then pass; else fail "no 'index: b.test: 1 reviews' in the log"; fi
if wait_for "$log" "index: d\.test: 0 review"; then pass; else fail "no 'index: d.test: 0 reviews' in the log"; fi
if grep -q "guestbook $state/guestbook.log: " "$log"; then pass; else fail "first host's guestbook is not $state/guestbook.log"; fi
if grep -q "guestbook $state/guestbook-b.test.log: " "$log"; then pass; else fail "b.test's guestbook is not $state/guestbook-b.test.log"; fi
if grep -q "guestbook $state/guestbook-d.test.log: " "$log"; then pass; else fail "d.test's guestbook is not $state/guestbook-d.test.log"; fi
e2e_end
