/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig osdep, kernel home. Included only through <vfmig/osdep.h>.
 * The kernel already has almost every name osdep promises; this file adds the
 * vfmig_ spellings on top. Implementation: driver/osdep_kernel.c.
 */
#ifndef VFMIG_OSDEP_KERNEL_H
#define VFMIG_OSDEP_KERNEL_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <asm/byteorder.h>

static inline void *vfmig_alloc(size_t size)
{
	return kvmalloc(size, GFP_KERNEL);
}

static inline void *vfmig_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void vfmig_free(const void *p)
{
	kvfree(p);
}

/*
 * struct vfmig_mutex is the kernel's struct mutex, so lockdep sees every
 * vfmig lock and lockdep_assert_held() works on it unchanged.
 */
#define vfmig_mutex mutex
#define vfmig_mutex_init(m)	mutex_init(m)
#define vfmig_mutex_destroy(m)	mutex_destroy(m)
#define vfmig_mutex_lock(m)	mutex_lock(m)
#define vfmig_mutex_unlock(m)	mutex_unlock(m)

static inline u64 vfmig_time_ns(void)
{
	return ktime_get_ns();
}

#endif /* VFMIG_OSDEP_KERNEL_H */
