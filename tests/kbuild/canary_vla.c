// SPDX-License-Identifier: GPL-2.0-only
/* Canary: a variable-length array in portable code must fail the kernel build. */
/* expect: Werror=vla|variable length array */
#include <vfmig/osdep.h>

u32 vfmig_canary_vla(const u8 *src, u32 n);

u32 vfmig_canary_vla(const u8 *src, u32 n)
{
	u8 tmp[n];

	memcpy(tmp, src, n);
	return vfmig_crc32c(0, tmp, n);
}
