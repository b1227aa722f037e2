#!/usr/bin/env bash
# A Gopher "URL:" selector answers the redirect page only for the schemes a
# reader expects a link to; any other scheme is a type 3 error (issue 12, item 6).
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve

# url_selector URL: the answer to the selector URL:URL, as curl fetches an h item.
url_selector() { curl -sg "gopher://127.0.0.1:$gport/hURL:$1"; }

for url in gemini://example.org/ gopher://example.org/1/ http://example.org/ \
    https://example.org/a HTTPS://example.org/b Gemini://example.org/ \
    ftp://ftp.example.org/pub/ mailto:someone@example.org; do
	expect_match "redirect page for $url" "content=\"0; url=$url\"" "$(url_selector "$url")"
done
for url in 'javascript:alert(1)' 'JavaScript:alert(1)' 'data:text/html,<b>x</b>' \
    'vbscript:msgbox(1)' 'file:///etc/passwd' 'about:blank' 'httpx://example.org/' \
    ':nothing' 'noscheme'; do
	out=$(url_selector "$url")
	expect_match "type 3 for $url" "^3[^	]+	" "$out"
	if [[ "$out" == *"<html"* ]]; then fail "redirect page for $url"; else pass; fi
done
e2e_end
