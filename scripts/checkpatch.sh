#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.pl --strict over everything that is compiled in the kernel:
# driver/, the portable code (driver/core, pf-agent, model, guest) and the
# headers they include (include/vfmig, less the osdep homes that never meet
# a kernel: userspace's and the freestanding one of build/vfmig-l2.elf).
# checkpatch.pl comes from Debian's linux-source-6.1 tarball (installed by
# scripts/install-deps.sh) and is extracted once into build/checkpatch/.
# Fails on any ERROR or WARNING; CHECKs (--strict) are counted and listed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/checkpatch
cp=$dir/scripts/checkpatch.pl
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)

if [ ! -x "$cp" ]; then
	if [ -z "$tarball" ]; then
		echo "checkpatch: /usr/src/linux-source-6.1.tar.xz missing (run scripts/install-deps.sh)" >&2
		exit 2
	fi
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi

# Ignored types, one line of justification each:
#   none so far.
ignore=

cd "$top"
shopt -s nullglob
files=()
for f in driver/*.c driver/core/*.c pf-agent/*.c model/*.c guest/*.c include/vfmig/*.h; do
	case $f in *osdep_user* | *osdep_bare* | *osdep_nonkernel*) continue ;; esac
	files+=("$f")
done
# checkpatch leaves a camelcase cache in the current git tree; run it from build/.
out=$(cd "$dir" && for f in "${files[@]}"; do
	"$cp" --strict --no-tree --terse --show-types ${ignore:+--ignore "$ignore"} \
		-f "$top/$f" 2>&1 | grep -v '^total:' | sed "s|^$top/||"
done || true)
errors=$(printf '%s\n' "$out" | grep -c ': ERROR:' || true)
warnings=$(printf '%s\n' "$out" | grep -c ': WARNING:' || true)
checks=$(printf '%s\n' "$out" | grep -c ': CHECK:' || true)
[ -n "$out" ] && printf '%s\n' "$out"
echo "checkpatch: ${#files[@]} files, $errors errors, $warnings warnings, $checks checks"
[ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ]
