#!/usr/bin/env bash
# A reload that fails keeps serving the running hosts and logs why in one
# line: a config error with its file and line, a root that cannot be
# opened, and under Landlock a root outside what the sandbox allows.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
mkdir -p "$work/gamma" "$work/outside"
printf '# Gamma home\n' >"$work/gamma/index.gmi"
printf '# Outside\n' >"$work/outside/index.gmi"
port=$(free_port)
conf=$work/hosts.conf
write_conf() {
	{ first_host_conf "$root" 0; cat <<CONF
$1
CONF
	} >"$conf"
}
write_conf "sandbox = no"
serve_conf "$conf"
served() { gem "gemini://a.test/" -s a.test >/dev/null; head -n 1 "$work/body"; }

write_conf "sandbox = no
[c.test]
root = $work/gamma
lang = not valid!"
if reload; then fail "a broken config was taken"; else pass; fi
expect "one line with FILE:LINE" 1 \
    "$(grep -c "error: reload: $conf:11: 'not valid!' is not a language tag; keeping the running configuration" "$log")"
expect "a.test still served" "# Test capsule" "$(served)"
expect "c.test not added" 2 "$(gem "gemini://c.test/" -s c.test >/dev/null; echo $?)"

write_conf "sandbox = no
[c.test]
root = $work/nosuch"
if reload; then fail "a missing root was taken"; else pass; fi
expect "one line naming the root" 1 \
    "$(grep -c "error: reload: $work/nosuch: No such file or directory; keeping the running configuration" "$log")"
expect "a.test still served after it" "# Test capsule" "$(served)"
expect "no index built for the refused hosts" 1 "$(grep -c "index: " "$log")"

# Under Landlock, a root the sandbox was not opened for cannot be read.
stop
port=$(free_port)	# a log of its own, so the wait below sees this server's lines
write_conf ""
serve_conf "$conf"
if grep -q "sandbox: Landlock ABI" "$log"; then
	write_conf "[c.test]
root = $work/outside"
	if reload; then fail "a root outside the sandbox was taken"; else pass; fi
	expect "one line naming the root outside" 1 \
	    "$(grep -c "error: reload: $work/outside: Permission denied; keeping the running configuration" "$log")"
	expect "a.test still served under the sandbox" "# Test capsule" "$(served)"
	expect "c.test not added under the sandbox" 2 "$(gem "gemini://c.test/" -s c.test >/dev/null; echo $?)"
else
	echo "   (no Landlock in this kernel: the sandbox case is not checked)"
fi
e2e_end
