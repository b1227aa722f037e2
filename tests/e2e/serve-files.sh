#!/usr/bin/env bash
# Serving files: the home page with and without a path, the host's case and
# trailing dot, an explicit port, a directory's redirect and index, 51 for
# what is missing, UTF-8 names raw and percent-encoded, a symlink inside the
# root, types by extension and by libmagic, .well-known, a 1 MiB file byte
# for byte with close_notify over TLS 1.3, and no FIFO.
. "$(dirname "$0")/../lib.sh"
e2e_begin
full_capsule
serve

expect "root" "$GMI" "$(header gemini://localhost/)"
expect "empty path, no redirect" "$GMI" "$(header gemini://localhost)"
expect "host case and trailing dot" "$GMI" "$(header gemini://LOCALHOST./)"
expect "explicit port" "$GMI" "$(header "gemini://localhost:$port/")"
expect "directory redirect" "31 gemini://localhost:$port/dir/" "$(header gemini://localhost/dir)"
expect "directory index" "$GMI" "$(header gemini://localhost/dir/)"
expect "directory index body" "# Dir" "$(cat "$work/body")"
expect "directory without index" "51 Not found" "$(header gemini://localhost/noindex/)"
expect "missing file" "51 Not found" "$(header gemini://localhost/nope.gmi)"
expect "percent-encoded UTF-8 name" "$GMI" "$(header gemini://localhost/caf%C3%A9.gmi)"
expect "raw UTF-8 name" "$GMI" "$(header gemini://localhost/café.gmi)"
expect "symlink inside the root" "$GMI" "$(header gemini://localhost/link.gmi)"
expect "png by extension" "20 image/png" "$(header gemini://localhost/pixel.png)"
expect "text by libmagic" "20 text/plain; charset=utf-8" "$(header gemini://localhost/notes)"
expect "binary by libmagic" "20 application/octet-stream" "$(header gemini://localhost/blob)"
expect "well-known is public" "20 text/plain; charset=utf-8" "$(header gemini://localhost/.well-known/security.txt)"
expect "1 MiB header" "20 application/octet-stream" "$(header gemini://localhost/big.bin -v)"
if cmp -s "$root/big.bin" "$work/body"; then pass; else fail "1 MiB file differs"; fi
expect "close_notify after a response" "close_notify: yes" "$(grep close_notify "$work/gemcli.err")"
expect "TLS 1.3 by default" "tls: TLSv1.3" "$(grep '^tls:' "$work/gemcli.err")"
expect "FIFO is not served" "51 Not found" "$(header gemini://localhost/fifo)"
alive "serving files"
e2e_end
