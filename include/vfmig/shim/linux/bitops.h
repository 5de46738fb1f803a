/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/bitops.h>, for the installed
 * kernel's <linux/avf/virtchnl.h> (userspace include path only; Kbuild never
 * sees it). virtchnl.h needs nothing from it beyond what <vfmig/osdep.h>
 * already gives (BIT(), the u8..u64 types, bool).
 */
#ifndef VFMIG_SHIM_LINUX_BITOPS_H
#define VFMIG_SHIM_LINUX_BITOPS_H

#include <vfmig/osdep.h>
#include <linux/bits.h>

#endif /* VFMIG_SHIM_LINUX_BITOPS_H */
