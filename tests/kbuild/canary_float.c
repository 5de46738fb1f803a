// SPDX-License-Identifier: GPL-2.0-only
/* Canary: floating point in portable code must fail the kernel build. */
/* expect: SSE|float|__(add|mul|div|float|fix)[a-z]*[sd]f|undefined */
#include <vfmig/osdep.h>

u64 vfmig_canary_float(u64 bytes, u64 ns);

u64 vfmig_canary_float(u64 bytes, u64 ns)
{
	double rate = (double)bytes / (double)ns;

	return (u64)(rate * 1e9);
}
