/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel-tree path <uapi/linux/if_ether.h>, which
 * newer versions of the installed kernel's <linux/avf/virtchnl.h> include
 * for ETH_ALEN (userspace include path only; Kbuild never sees it). The uapi
 * header is what the C library's kernel headers install as
 * <linux/if_ether.h>.
 */
#ifndef VFMIG_SHIM_UAPI_LINUX_IF_ETHER_H
#define VFMIG_SHIM_UAPI_LINUX_IF_ETHER_H

#include <vfmig/osdep.h>
#include <linux/if_ether.h>

#endif /* VFMIG_SHIM_UAPI_LINUX_IF_ETHER_H */
