// SPDX-License-Identifier: GPL-2.0-only
/* Canary: a wire-endian value used as a CPU value must fail the (sparse) kernel build. */
/* expect: restricted __le32|different base types */
#include <vfmig/osdep.h>

u32 vfmig_canary_endian(const __le32 *wire);

u32 vfmig_canary_endian(const __le32 *wire)
{
	u32 v = *wire;

	return v + 1;
}
