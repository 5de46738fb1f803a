/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig osdep, userspace home. Included only through <vfmig/osdep.h>.
 * Gives portable code the kernel's names with the kernel's semantics, so code
 * that builds here builds unchanged under Kbuild. Implementation:
 * lab/osdep_user.c (linked into build/libvfmig.a).
 */
#ifndef VFMIG_OSDEP_USER_H
#define VFMIG_OSDEP_USER_H

#include <linux/types.h>	/* __u8..__u64, __le16..__le64 as the kernel has them */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>		/* snprintf only */
#include <errno.h>
#include <pthread.h>

#include <vfmig/osdep_nonkernel.h>

/* ---- Memory ----------------------------------------------------------- */
void *vfmig_alloc(size_t size);
void *vfmig_zalloc(size_t size);
void vfmig_free(const void *p);

/* ---- Locks ------------------------------------------------------------ */
/*
 * A pthread mutex that remembers its owner, so lockdep_assert_held() is a real
 * check in userspace tests rather than a no-op.
 */
struct vfmig_mutex {
	pthread_mutex_t m;
	pthread_t owner;
	bool held;
};

void vfmig_mutex_init(struct vfmig_mutex *m);
void vfmig_mutex_destroy(struct vfmig_mutex *m);
void vfmig_mutex_lock(struct vfmig_mutex *m);
void vfmig_mutex_unlock(struct vfmig_mutex *m);
bool vfmig_mutex_held(struct vfmig_mutex *m);

#define lockdep_assert_held(m) WARN_ON(!vfmig_mutex_held(m))

/* ---- Time ------------------------------------------------------------- */
u64 vfmig_time_ns(void);

#endif /* VFMIG_OSDEP_USER_H */
