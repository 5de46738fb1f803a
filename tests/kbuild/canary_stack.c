// SPDX-License-Identifier: GPL-2.0-only
/* Canary: a big stack frame in portable code must fail the kernel build. */
/* expect: frame size of [0-9]+ bytes is larger than 1024 */
#include <vfmig/osdep.h>

u32 vfmig_canary_stack(const u8 *src);

u32 vfmig_canary_stack(const u8 *src)
{
	u8 tmp[4096];

	memcpy(tmp, src, sizeof(tmp));
	return vfmig_crc32c(0, tmp, sizeof(tmp));
}
