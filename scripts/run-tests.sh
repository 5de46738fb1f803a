#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every vfmig test and end with exactly one line "N passed, M failed".
#
#   scripts/run-tests.sh --kdirs "KDIR..." TEST_BIN... [-- FUZZ_BIN...]
#
# - TEST_BIN: unit test binaries (built with ASAN+UBSAN) or test scripts
#   (tests/scripts/test_*.sh, run with bash from the top directory); each prints one
#   "ok NAME" / "FAIL NAME" line per test. A binary that dies without saying
#   FAIL (sanitizer abort, signal) counts as one more failure.
# - FUZZ_BIN: libFuzzer targets; their seed corpus (written by the matching
#   build/fuzz/seed_NAME) is replayed once, so the fuzz harness itself and the
#   parser on valid streams are exercised in every check.
# - Kbuild: for every kernel tree, the product module and the portable-code
#   module must build warning-free, and each canary in tests/kbuild/canary_*.c
#   (a deliberate portability break) must make the portable build FAIL.
# - checkpatch.pl --strict over all kernel-side code: no ERROR or WARNING.
# Logs go to build/test-logs/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/test-logs
mkdir -p "$logs"

kdirs=
if [ "${1:-}" = --kdirs ]; then kdirs=$2; shift 2; fi
tests=(); fuzzers=()
while [ $# -gt 0 ]; do
	if [ "$1" = -- ]; then shift; fuzzers=("$@"); break; fi
	tests+=("$1"); shift
done

passed=0; failed=0
pass() { passed=$((passed + 1)); echo "ok $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# ---- unit tests -----------------------------------------------------------
for t in "${tests[@]}"; do
	name=$(basename "$t")
	run=("$t"); case $t in *.sh) run=(bash "$t"); name=$(basename "$t" .sh) ;; esac
	log=$logs/$name.log
	(cd "$top" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		timeout 900 "${run[@]}") >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log"); f=$(grep -c '^FAIL ' "$log")
	passed=$((passed + p)); failed=$((failed + f))
	grep -E '^(ok|FAIL) ' "$log" | sed "s/^\(ok\|FAIL\) /\1 $name: /"
	grep -E '^#   |^# skip:' "$log" | head -20
	# 77: the test could not run here (automake's SKIP); its "# skip:" says why
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
		fail "$name: exited with status $rc without reporting a failure (see ${log#"$top"/})"
		tail -5 "$log"
	fi
done

# ---- fuzz corpus replay ---------------------------------------------------
for fz in "${fuzzers[@]}"; do
	name=$(basename "$fz"); base=${name#fuzz_}
	seed=$(dirname "$fz")/seed_$base
	corpus=$top/build/test-logs/corpus-$base
	rm -rf "$corpus"; mkdir -p "$corpus"
	if ! "$seed" "$corpus" >"$logs/$name.seed.log" 2>&1; then
		fail "$name: seed generator failed (see build/test-logs/$name.seed.log)"
		continue
	fi
	n=$(ls "$corpus" | wc -l)
	if [ "$n" -gt 0 ] && "$fz" "$corpus"/* >"$logs/$name.replay.log" 2>&1; then
		pass "$name: replayed $n seed inputs without a crash or sanitizer report"
	else
		fail "$name: replay of $n seed inputs failed (see build/test-logs/$name.replay.log)"
	fi
done

# ---- Kbuild ---------------------------------------------------------------
if [ -z "$kdirs" ]; then
	fail "kbuild: no kernel headers found under /usr/src (run scripts/install-deps.sh)"
fi
built=
for kdir in $kdirs; do
	kver=${kdir##*/linux-headers-}
	ok=1
	for kind in product portable; do
		if "$top/scripts/kbuild.sh" "$kdir" "$kind" >"$logs/kbuild-$kver-$kind.log" 2>&1; then
			pass "kbuild $kver: $kind module builds warning-free"
		else
			fail "kbuild $kver: $kind module (see build/test-logs/kbuild-$kver-$kind.log)"
			tail -5 "$logs/kbuild-$kver-$kind.log"
			ok=0
		fi
	done
	[ $ok = 1 ] && built="$built $kver"
done
# The guard must bite: each canary breaks portability in one way, and the
# build must fail for that reason (its "expect:" line), not for another.
newest=${kdirs##* }
if [ -n "$newest" ]; then
	for c in "$top"/tests/kbuild/canary_*.c; do
		[ -e "$c" ] || continue
		cn=$(basename "$c" .c)
		expect=$(sed -n 's|^/\* expect: \(.*\) \*/$|\1|p' "$c")
		clog=$logs/kbuild-$cn.log
		if "$top/scripts/kbuild.sh" "$newest" portable "tests/kbuild/$cn.c" >"$clog" 2>&1; then
			fail "kbuild $cn: a portability break was NOT caught by the kernel build"
		elif [ -z "$expect" ] || ! grep -qE "$expect" "$clog" \
			"$top/build/kbuild/${newest##*/linux-headers-}/portable-$cn/build.log"; then
			fail "kbuild $cn: build failed, but not with /$expect/ (see ${clog#"$top"/})"
		else
			pass "kbuild $cn: portability break rejected by the kernel build"
		fi
	done
fi

# ---- kernels booted in QEMU (tests/kernel) ---------------------------------
# Each kernel's own image, our two modules, edu bound to the driver, the
# in-kernel self-tests. Modules just built above are not rebuilt. Exit 77:
# no QEMU, nothing booted (its "# skip:" line says so).
for kdir in $kdirs; do
	kver=${kdir##*/linux-headers-}
	log=$logs/boot-$kver.log
	nobuild=()
	case " $built " in *" $kver "*) nobuild=(--no-build) ;; esac
	timeout 900 "$top/tests/kernel/boot-test.sh" "${nobuild[@]}" "$kver" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log"); f=$(grep -c '^FAIL ' "$log")
	passed=$((passed + p)); failed=$((failed + f))
	grep -E '^(ok|FAIL) |^#   |^# (info|skip):' "$log"
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
		fail "boot $kver: boot-test.sh exited with status $rc without reporting a failure (see ${log#"$top"/})"
		tail -5 "$log"
	fi
done

# ---- checkpatch ------------------------------------------------------------
if "$top/scripts/checkpatch.sh" >"$logs/checkpatch.log" 2>&1; then
	pass "$(tail -1 "$logs/checkpatch.log")"
else
	fail "$(tail -1 "$logs/checkpatch.log") (see build/test-logs/checkpatch.log)"
	grep -E ': (ERROR|WARNING):' "$logs/checkpatch.log" | head -10
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
