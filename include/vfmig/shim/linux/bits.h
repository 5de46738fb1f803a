/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/bits.h>, which newer versions
 * of the installed kernel's <linux/avf/virtchnl.h> (6.12's, for one)
 * include. Only the userspace build has include/vfmig/shim on its include
 * path; Kbuild never sees this file. BIT(), BIT_ULL(), GENMASK() and
 * GENMASK_ULL() already come from <vfmig/osdep.h>.
 */
#ifndef VFMIG_SHIM_LINUX_BITS_H
#define VFMIG_SHIM_LINUX_BITS_H

#include <vfmig/osdep.h>

/* Newer libc kernel headers ship a uapi <linux/bits.h>; keep it reachable. */
#if defined(__has_include_next)
#if __has_include_next(<linux/bits.h>)
#include_next <linux/bits.h>
#endif
#endif

#endif /* VFMIG_SHIM_LINUX_BITS_H */
