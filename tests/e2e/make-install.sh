#!/usr/bin/env bash
# make install into a temporary DESTDIR: the binary (it runs), both man
# pages (clean under mandoc -T lint), the systemd unit naming the installed
# binary, the example configuration (marquee -n accepts it); make uninstall
# leaves no file behind.
. "$(dirname "$0")/../lib.sh"
e2e_begin
sample_capsule
serve	# makes the certificates marquee -n checks
stop

dest=$work/dest
if make -s install DESTDIR="$dest" PREFIX=/usr >"$work/install.out" 2>&1; then pass; else fail "make install: $(tail -n 3 "$work/install.out")"; fi
for f in usr/bin/marquee usr/share/man/man8/marquee.8 usr/share/man/man5/marquee.conf.5 \
    usr/lib/systemd/system/marquee.service usr/share/doc/marquee/marquee.conf.example; do
	if [ -f "$dest/$f" ]; then pass; else fail "make install left out $f"; fi
done
expect_match "installed binary runs" "^marquee [0-9]+\.[0-9]+\.[0-9]+ " "$("$dest/usr/bin/marquee" -V)"
expect "unit names the installed binary" "ExecStart=/usr/bin/marquee -c /etc/marquee.conf" "$(grep '^ExecStart=' "$dest/usr/lib/systemd/system/marquee.service")"
if mandoc -T lint -W warning "$dest/usr/share/man/man8/marquee.8" "$dest/usr/share/man/man5/marquee.conf.5" >"$work/lint" 2>&1; then pass; else fail "man pages: $(head -n 3 "$work/lint")"; fi
expect "example config passes marquee -n" 0 "$("$MARQUEE" -n -c "$dest/usr/share/doc/marquee/marquee.conf.example" -r "$root" -d "$work/certs" -s "$work/state" >/dev/null 2>&1; echo $?)"
if make -s uninstall DESTDIR="$dest" PREFIX=/usr && [ -z "$(find "$dest" -type f)" ]; then pass; else fail "make uninstall left $(find "$dest" -type f | head -n 3)"; fi
e2e_end
