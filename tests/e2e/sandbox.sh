#!/usr/bin/env bash
# The sandbox: no_new_privs is set; under Landlock, a renewed certificate and
# a config saved by rename are reloaded, a reload that reaches outside the
# paths the server was started with is refused (while running as root, so
# only Landlock can refuse it), publishing and a log reopen work; the same
# reload is accepted with sandbox = no. With titan on, uploads to
# titan_paths and deletions to the trash work under the sandbox, but a
# directory added to titan_paths by a reload stays unwritable (as root:
# only Landlock refuses), and is written once the sandbox is off.
. "$(dirname "$0")/../lib.sh"

# titan_sandbox: Titan writes where titan_paths said at start, and nowhere else.
titan_sandbox() {
	mkdir -p "$root/drafts" "$root/essays"
	client_cert owner "Author"
	printf '# Uploaded\n\nUnder the sandbox.\n' >"$work/up.gmi"
	printf 'titan = yes\nowner = %s\ntitan_paths = reviews/\n' "$(key_fp owner)" >"$work/conf/sandbox.conf"
	serve -c "$work/conf/sandbox.conf"
	expect "an upload under the sandbox" "30 gemini://localhost:$port/reviews/2026-11-01-up.gmi" \
	    "$(titan_as owner reviews/2026-11-01-up.gmi "$work/up.gmi")"
	expect "a deletion to the trash under the sandbox" "30 gemini://localhost:$port/" \
	    "$(titan_as owner reviews/2026-11-01-up.gmi)"
	printf 'titan = yes\nowner = %s\ntitan_paths = reviews/, essays/\n' "$(key_fp owner)" >"$work/conf/sandbox.conf"
	reloaded
	# The test's log lies in $work, above the capsule, so Landlock lets files
	# be made there (for logrotate) but never renamed or removed.
	expect_match "a directory titan_paths gained on reload is not writable" \
	    "^40 Not saved: .*x.gmi: Permission denied$" "$(titan_as owner essays/x.gmi "$work/up.gmi")"
	expect "nothing is published there" "" "$(ls "$root/essays")"
	stop
	printf 'sandbox = no\ntitan = yes\nowner = %s\ntitan_paths = reviews/, essays/\n' "$(key_fp owner)" >"$work/conf/sandbox.conf"
	serve -c "$work/conf/sandbox.conf"
	expect "without the sandbox it is" "30 gemini://localhost:$port/essays/x.gmi" \
	    "$(titan_as owner essays/x.gmi "$work/up.gmi")"
}

e2e_begin
full_capsule
mkdir -p "$work/elsewhere" "$work/conf"
printf 'lang = en\n' >"$work/conf/sandbox.conf"
serve -c "$work/conf/sandbox.conf"
cp "$work/certs/localhost.crt" "$work/certs/localhost.key" "$work/elsewhere/"
chmod 644 "$work/elsewhere/localhost.key"

expect "no_new_privs set" 1 "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$pid/status")"
if grep -q "sandbox: Landlock ABI" "$log"; then
	# A renewed certificate and a config saved by rename are new files: still readable.
	cp "$work/certs/localhost.crt" "$work/certs/renewed" && mv "$work/certs/renewed" "$work/certs/localhost.crt"
	cp "$work/conf/sandbox.conf" "$work/conf/saved" && mv "$work/conf/saved" "$work/conf/sandbox.conf"
	reloads=$(grep -c "reloaded configuration and certificates" "$log")
	reloaded
	expect "reload of a renewed certificate under the sandbox" $((reloads + 1)) "$(grep -c "reloaded configuration and certificates" "$log")"
	# The files are readable by anyone, and the server runs as root: only Landlock can refuse.
	printf 'lang = en\ncert = %s\nkey = %s\n' "$work/elsewhere/localhost.crt" "$work/elsewhere/localhost.key" >"$work/conf/sandbox.conf"
	kill -HUP "$pid"
	if wait_for "$log" "reload: $work/elsewhere/localhost.crt: Permission denied"; then pass; else fail "sandboxed server read a certificate outside its paths"; fi
	alive "refused reload"
	printf '# Fresh\n\nPublished under the sandbox.\n' >"$root/reviews/2026-10-10-fresh.gmi"
	if wait_page "gemini://localhost/reviews/" "Fresh"; then pass; else fail "publishing under the sandbox"; fi
	mv "$log" "$log.1"
	kill -USR1 "$pid"
	if log_reopened "$log"; then pass; else fail "log not reopened under the sandbox: $(tail -n 2 "$log.1")"; fi
	alive "log reopened under the sandbox"
	stop
	printf 'lang = en\nsandbox = no\n' >"$work/conf/sandbox.conf"
	serve -c "$work/conf/sandbox.conf"
	printf 'lang = en\nsandbox = no\ncert = %s\nkey = %s\n' "$work/elsewhere/localhost.crt" "$work/elsewhere/localhost.key" >"$work/conf/sandbox.conf"
	kill -HUP "$pid"
	if wait_for "$log" "reloaded configuration and certificates"; then pass; else fail "the same reload without the sandbox failed"; fi
	stop
	titan_sandbox
else
	echo "   (no Landlock in this kernel: only no_new_privs is checked)"
fi
e2e_end
