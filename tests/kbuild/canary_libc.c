// SPDX-License-Identifier: GPL-2.0-only
/* Canary: a libc call (not in osdep) in portable code must fail the kernel build. */
/* expect: "malloc" \[.*\] undefined */
#include <vfmig/osdep.h>

void *malloc(size_t size);
void *vfmig_canary_libc(size_t n);

void *vfmig_canary_libc(size_t n)
{
	return malloc(n);
}
