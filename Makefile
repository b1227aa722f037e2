# marquee: a Gemini and Gopher capsule server.
#   make          build ./marquee
#   make run      serve the sample capsule on gemini://localhost:1965/
#   make check    code-shape checks, unit tests, then the end-to-end tests (tests/run) twice: plain and under ASan+UBSan
#   make bench    benchmarks against peer servers (not part of check)
#   make fuzz     libFuzzer over the parsers, FUZZ_SECONDS (60) per target (not part of check)
#   make install  binary, man pages, systemd unit (PREFIX, DESTDIR)

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wvla
CPPFLAGS += -D_GNU_SOURCE
PKGS	 = openssl libmagic libxml-2.0 libpq
LIBS	 = $$(pkg-config --libs $(PKGS)) -lpthread
PKGCFLAGS = $$(pkg-config --cflags $(PKGS))
# The server's allocator (src/alloc.c), linked into ./marquee and into
# hsbench, whose limit must run on the server's allocator: the sanitized
# builds keep AddressSanitizer's, which checks every access.
ALLOC_LIBS = -ljemalloc
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The sanitizer build uses the other compiler, so make check builds with both.
ASAN_CC	?= clang

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/marquee
UNITDIR	?= $(PREFIX)/lib/systemd/system

SRCS	 = $(wildcard src/*.c)
HDRS	 = $(wildcard src/*.h)
OBJS	 = $(SRCS:src/%.c=build/obj/%.o)
ASAN_OBJS = $(SRCS:src/%.c=build/asan/%.o)
UNIT	 = $(patsubst tests/unit/test_%.c,build/test_%,$(wildcard tests/unit/test_*.c))
# Fuzz targets (tests/fuzz/fuzz_*.c); check replays their corpus and past crashes.
FUZZ	 = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY = $(FUZZ:%=build/fuzz-replay/%)
FUZZ_SECONDS ?= 60

# Debian packages each step needs; installed when root, else named.
BUILD_DEBS = build-essential pkg-config libssl-dev libmagic-dev libxml2-dev libpq-dev libjemalloc-dev
CHECK_DEBS = openssl curl lynx gopher libxml2-utils clang mandoc postgresql haproxy
BENCH_DEBS = molly-brown gophernicus systemd util-linux postgresql

all: marquee

# Checked again whenever the Makefile, which lists them, changes: a checkout
# built before a new dependency (libjemalloc-dev) gets it with its next make.
build/.deps: Makefile
	@tests/need build $(BUILD_DEBS)
	@mkdir -p build && touch $@

marquee: build/.deps $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS) $(ALLOC_LIBS)

build/obj/%.o: src/%.c $(HDRS) build/.deps
	@mkdir -p build/obj
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKGCFLAGS) -c -o $@ $<

build/.check-deps: build/.deps
	@tests/need check $(CHECK_DEBS)
	@touch $@

build/asan/%.o: src/%.c $(HDRS) build/.check-deps
	@mkdir -p build/asan
	$(ASAN_CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(PKGCFLAGS) -c -o $@ $<

build/asan/marquee: $(ASAN_OBJS)
	$(ASAN_CC) $(SANITIZE) -o $@ $(ASAN_OBJS) $(LIBS)

# Unit tests link only the pure modules: parsers and renderers, no sockets or TLS.
# The WordPress export's reader and converter are pure too; they link libxml2.
PURE	 = src/utf8.c src/limit.c src/proxy.c src/record.c src/request.c src/review.c src/gemlog.c src/gemtext.c src/config.c src/gbwhere.c src/gbexport.c src/buf.c src/log.c src/html2gmi.c src/wxr.c
# gbwhere.c checks a guestbook URI with libpq's parser (no connection): it links libpq too.
XMLCFLAGS = $$(pkg-config --cflags libxml-2.0 libpq)
XMLLIBS	 = $$(pkg-config --libs libxml-2.0 libpq)

build/test_%: tests/unit/test_%.c $(PURE) tests/unit/harness.h $(HDRS) build/.check-deps
	$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(XMLCFLAGS) -Isrc -o $@ $< $(PURE) $(XMLLIBS)

# The dates log is a store with a file: its test links it beside the pure modules.
build/test_dates: tests/unit/test_dates.c src/dates.c $(PURE) tests/unit/harness.h $(HDRS) build/.check-deps
	$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(XMLCFLAGS) -Isrc -o $@ $< src/dates.c $(PURE) $(XMLLIBS)

# The cache of pages made once has a lock but no I/O: its test links it and the response.
build/test_pagecache: tests/unit/test_pagecache.c src/pagecache.c src/response.c $(PURE) tests/unit/harness.h $(HDRS) build/.check-deps
	$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(XMLCFLAGS) -Isrc -o $@ $< src/pagecache.c src/response.c $(PURE) $(XMLLIBS) -lpthread

# The socket BIO under TLS, over a real socket pair: it links libcrypto.
# Built by the sanitized build's compiler: clang's UBSan also checks pointer arithmetic on NULL.
build/test_sockbio: tests/unit/test_sockbio.c src/sockbio.c tests/unit/harness.h $(HDRS) build/.check-deps
	$(ASAN_CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(PKGCFLAGS) -Isrc -o $@ $< src/sockbio.c $$(pkg-config --libs openssl)

# The in-process route test links every module but main.c: adapters, router,
# index and guestbook, against a temporary capsule, without sockets. Search
# reads its snippets from the capsule's files, so its test links them too.
ROUTE_SRCS = $(filter-out src/main.c,$(SRCS))
build/test_route build/test_search: build/test_%: tests/unit/test_%.c $(ROUTE_SRCS) tests/unit/harness.h tests/settle.h $(HDRS) build/.check-deps
	$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(PKGCFLAGS) -Isrc -o $@ $< $(ROUTE_SRCS) $(LIBS)

# A fuzz target without libFuzzer: tests/fuzz/replay.c runs it over saved inputs.
build/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/paths.h $(PURE) $(HDRS) build/.check-deps
	@mkdir -p build/fuzz-replay
	$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SANITIZE) $(XMLCFLAGS) -Isrc -o $@ $< tests/fuzz/replay.c $(PURE) $(XMLLIBS)

build/gemcli: tests/gemcli.c build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g $(PKGCFLAGS) -o $@ $< $$(pkg-config --libs openssl) -lpthread

# A Titan client of the tests' own, sharing nothing with the server.
build/titancli: tests/titancli.c build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g $(PKGCFLAGS) -o $@ $< $$(pkg-config --libs openssl)

# Guestbook records for the tests and benchmarks, sealed by record.c itself.
build/recgen: tests/recgen.c src/record.c src/utf8.c $(HDRS) build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g -Isrc -o $@ tests/recgen.c src/record.c src/utf8.c

build/loadgen: tests/bench/loadgen.c tests/bench/timing.h build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g $(PKGCFLAGS) -o $@ $< $$(pkg-config --libs openssl)

# In-process benchmarks: every module but main.c, optimised, no sanitizer.
build/pagebench build/gbappend build/scanbench build/hsbench: build/%: tests/bench/%.c $(ROUTE_SRCS) tests/settle.h tests/bench/timing.h $(HDRS) build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g $(PKGCFLAGS) -Isrc -o $@ $< $(ROUTE_SRCS) $(LIBS) $(if $(filter build/hsbench,$@),$(ALLOC_LIBS))

run: marquee
	./marquee -H localhost -a localhost -p 1965 -g 7070 -r capsule -d certs -s state

# make check TEST="NAME..." runs only those end-to-end tests (tests/e2e/NAME.sh),
# with both builds; E2E_JOBS (3) of them at once.
E2E_JOBS ?= 3
check: build/.check-deps marquee build/asan/marquee build/gemcli build/titancli build/loadgen build/recgen $(UNIT) fuzz-replay
ifeq ($(TEST),)
	tests/include-cycles
	tests/url-map
	tests/function-lengths
	@for t in $(UNIT); do echo "== $$t"; $$t || exit 1; done
endif
	@echo "== end-to-end tests (gcc build)"
	MARQUEE=./marquee GEMCLI=build/gemcli tests/run -j $(E2E_JOBS) $(TEST)
	@echo "== end-to-end tests (ASan+UBSan build)"
	MARQUEE=build/asan/marquee GEMCLI=build/gemcli tests/run -j $(E2E_JOBS) $(TEST)

# crashes/T exists only once T has crashed; every input there must pass by now.
fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ); do echo "== $$t: corpus and past crashes"; \
	    build/fuzz-replay/$$t tests/fuzz/corpus/$$t \
	    $$(test -d tests/fuzz/crashes/$$t && echo tests/fuzz/crashes/$$t) || exit 1; \
	done

# Builds with clang into build/fuzz and runs every target; new inputs go to
# build/fuzz/corpus, crashes to build/fuzz/crashes (see tests/fuzz/run.sh).
fuzz: build/.check-deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) PURE="$(PURE)" tests/fuzz/run.sh build/fuzz

# The PostgreSQL guestbook benchmark's Gopher client, sharing nothing with the server.
build/gbvisible: tests/bench/gbvisible.c tests/bench/timing.h build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g -o $@ $<

# A WordPress export for the import benchmark.
build/wxrgen: tests/bench/wxrgen.c build/.deps
	$(CC) $(WARN) $(CPPFLAGS) -O2 -g -o $@ $<

bench: marquee build/loadgen build/gemcli build/titancli build/recgen build/pagebench build/gbappend build/scanbench build/hsbench build/wxrgen build/gbvisible
	@tests/need bench $(BENCH_DEBS)
	tests/bench/run.sh
	tests/bench/index.sh
	tests/bench/search.sh
	tests/bench/gopher.sh
	tests/bench/pages.sh
	tests/bench/guestbook.sh
	tests/bench/guestbook-pg.sh
	tests/bench/conversations.sh
	tests/bench/flood.sh
	tests/bench/titan.sh
	tests/bench/import.sh

install: marquee
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 marquee $(DESTDIR)$(BINDIR)/marquee
	install -m 644 docs/marquee.8 $(DESTDIR)$(MANDIR)/man8/marquee.8
	install -m 644 docs/marquee.conf.5 $(DESTDIR)$(MANDIR)/man5/marquee.conf.5
	install -m 644 docs/marquee.conf.example README.md $(DESTDIR)$(DOCDIR)/
	sed 's|@BINDIR@|$(BINDIR)|g' docs/marquee.service >$(DESTDIR)$(UNITDIR)/marquee.service
	chmod 644 $(DESTDIR)$(UNITDIR)/marquee.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/marquee $(DESTDIR)$(MANDIR)/man8/marquee.8 \
	    $(DESTDIR)$(MANDIR)/man5/marquee.conf.5 $(DESTDIR)$(UNITDIR)/marquee.service \
	    $(DESTDIR)$(DOCDIR)/marquee.conf.example $(DESTDIR)$(DOCDIR)/README.md

clean:
	rm -rf build marquee

.PHONY: all run check bench fuzz fuzz-replay install uninstall clean
