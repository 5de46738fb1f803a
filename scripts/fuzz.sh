#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run libFuzzer targets on fresh seed corpora (make fuzz).
#
#   scripts/fuzz.sh SECONDS build/fuzz/fuzz_NAME...
#
# For each target build/fuzz/fuzz_NAME: recreate build/fuzz/corpus/NAME, fill
# it with build/fuzz/seed_NAME (when that tool exists), run the fuzzer on it
# for SECONDS, and print executions and crashes. Crash inputs land in
# build/fuzz/artifacts/NAME/, the full log in build/fuzz/NAME.log.
# Exit status: 0 when no target crashed or printed a sanitizer report,
# 1 otherwise, 2 on usage or setup errors.
set -uo pipefail

usage() {
	echo "usage: $0 SECONDS build/fuzz/fuzz_NAME..." >&2
	exit 2
}

[ $# -ge 2 ] || usage
seconds=$1
shift
case $seconds in ''|*[!0-9]*) usage ;; esac

failed=0
for bin in "$@"; do
	base=$(basename "$bin")
	case $base in
	fuzz_*) name=${base#fuzz_} ;;
	*) echo "fuzz: $bin is not a fuzz_NAME binary" >&2; exit 2 ;;
	esac
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is not built (make fuzz builds it)" >&2
		exit 2
	fi
	dir=$(dirname "$bin")
	corpus=$dir/corpus/$name
	artifacts=$dir/artifacts/$name
	log=$dir/$name.log
	seed=$dir/seed_$name

	rm -rf "$corpus" "$artifacts"
	mkdir -p "$corpus" "$artifacts"
	if [ -x "$seed" ]; then
		if ! "$seed" "$corpus" >/dev/null; then
			echo "fuzz: $seed failed" >&2
			exit 2
		fi
	else
		echo "fuzz: no $seed, starting $name from an empty corpus" >&2
	fi
	nseeds=$(find "$corpus" -type f | wc -l)

	echo "== fuzz $name: ${seconds}s from $nseeds seeds"
	"$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
	status=$?

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=$(find "$artifacts" -type f | wc -l)
	# sanitizer reports, libFuzzer crash/leak/timeout/OOM, failed checks
	reports=$(grep -cE '^==[0-9]+== ?ERROR|runtime error:|^SUMMARY: |CHECK FAILED' "$log")
	echo "fuzz $name: ${execs:-0} executions, $crashes crashes, $reports sanitizer/abort reports, exit $status"
	if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ] || [ "$reports" -ne 0 ]; then
		failed=1
		echo "fuzz $name: FAILED; log: $log, inputs: $artifacts/" >&2
		grep -E 'ERROR|runtime error|SUMMARY|CHECK FAILED' "$log" | head -n 10 >&2
	fi
done
exit $failed
