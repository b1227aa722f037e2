#!/bin/sh
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined)
# and runs each for a while, then prints per target the executions run and
# whether it crashed.
#
#	tests/fuzz/run.sh [BUILD [SECONDS [TARGET...]]]
#
# BUILD		build directory (default $FUZZ_BUILD, else build/fuzz)
# SECONDS	seconds per target (default $FUZZ_SECONDS, else 60)
# TARGET	fuzz_gemtext, ... (default: every tests/fuzz/fuzz_*.c)
#
# Environment: FUZZ_CC (clang), FUZZ_CFLAGS (more compiler flags),
# FUZZ_JOBS (targets run at once, 1),
# FUZZ_RUNS (also stop after that many executions), FUZZ_MERGE=1 (afterwards,
# minimise seeds and findings into BUILD/merged/TARGET), PURE (the sources
# linked; by default the Makefile's PURE, read from it so the lists cannot drift;
# html2gmi.c and wxr.c among them link libxml2).
#
# The seeds in tests/fuzz/corpus/TARGET are only read: new inputs go to
# BUILD/corpus/TARGET, crashing ones to BUILD/crashes/TARGET; keep those in
# tests/fuzz/crashes/TARGET, where make check replays them. The log of each
# run is BUILD/logs/TARGET.log.

set -eu

cd "$(dirname "$0")/../.."
build=${1:-${FUZZ_BUILD:-build/fuzz}}
seconds=${2:-${FUZZ_SECONDS:-60}}
if [ $# -gt 2 ]; then
	shift 2
else
	set --
fi
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-1}
pure=${PURE:-$(sed -n 's/^PURE[[:space:]]*=//p' Makefile)}

targets=$*
if [ -z "$targets" ]; then
	for f in tests/fuzz/fuzz_*.c; do
		targets="$targets $(basename "$f" .c)"
	done
fi
mkdir -p "$build/obj" "$build/logs"
build=$(cd "$build" && pwd)

warn="-std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes -Wformat=2 -Wvla"
flags="-D_GNU_SOURCE -Isrc $(pkg-config --cflags libxml-2.0 libpq) -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all ${FUZZ_CFLAGS:-}"

# The project's sources once, instrumented for coverage; each target links them.
objs=
for src in $pure; do
	obj="$build/obj/$(basename "$src" .c).o"
	echo "CC $src"
	$cc $warn $flags -fsanitize=fuzzer-no-link,address,undefined -c -o "$obj" "$src"
	objs="$objs $obj"
done
for t in $targets; do
	echo "LD $build/$t"
	$cc $warn $flags -fsanitize=fuzzer,address,undefined -o "$build/$t" \
	    "tests/fuzz/$t.c" $objs $(pkg-config --libs libxml-2.0 libpq) -lpthread
done

fuzz() {
	t=$1
	mkdir -p "$build/corpus/$t" "$build/crashes/$t"
	set -- -max_len=4096 -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$build/crashes/$t/"
	if [ -n "${FUZZ_RUNS:-}" ]; then
		set -- "$@" -runs="$FUZZ_RUNS"
	fi
	set -- "$@" "$build/corpus/$t"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		set -- "$@" "tests/fuzz/corpus/$t"
	fi
	rc=0
	"$build/$t" "$@" >"$build/logs/$t.log" 2>&1 || rc=$?
	echo "$rc" >"$build/logs/$t.rc"
}

# FUZZ_JOBS targets at a time.
running=0
for t in $targets; do
	echo "FUZZ $t (${seconds}s)"
	fuzz "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

# Minimising, into a fresh directory, in two passes: every coverage edge
# any input reaches, then the finer features (hit counts) of inputs of at
# most 512 bytes, which keeps the corpus small enough to commit. Inputs that
# crash are left out.
if [ "${FUZZ_MERGE:-0}" = 1 ]; then
	for t in $targets; do
		m="$build/merged/$t"
		small="$build/merged/$t.small"
		rm -rf "$m" "$small"
		mkdir -p "$m" "$small"
		set -- "$build/corpus/$t"
		if [ -d "tests/fuzz/corpus/$t" ]; then
			set -- "$@" "tests/fuzz/corpus/$t"
		fi
		find "$@" -type f -size -513c -exec cp {} "$small/" \;
		mkdir -p "$build/crashes/$t"
		{ "$build/$t" -merge=1 -use_counters=0 -max_len=4096 \
		    -artifact_prefix="$build/crashes/$t/" "$m" "$@" &&
		    "$build/$t" -merge=1 -max_len=4096 \
		    -artifact_prefix="$build/crashes/$t/" "$m" "$small"; } \
		    >"$build/logs/$t.merge.log" 2>&1 ||
		    echo "MERGE $t failed: see $build/logs/$t.merge.log"
		rm -rf "$small"
	done
fi

status=0
printf '%-24s %14s  %s\n' target executions result
for t in $targets; do
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$t.log" | tail -n 1)
	rc=$(cat "$build/logs/$t.rc")
	if [ "$rc" = 0 ]; then
		result="no crash"
	else
		found=$(ls -t "$build/crashes/$t" 2>/dev/null | head -n 1)
		result="CRASH (exit $rc) ${found:+$build/crashes/$t/$found}"
		status=1
	fi
	printf '%-24s %14s  %s\n' "$t" "${runs:-?}" "$result"
done
if [ "${FUZZ_MERGE:-0}" = 1 ]; then
	echo "minimised corpora: $build/merged/TARGET"
fi
exit "$status"
