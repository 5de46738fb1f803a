/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig osdep, freestanding home (no OS, no libc): the guest AVF driver
 * booted as its own x86-64 kernel in a VM (build/vfmig-l2.elf, guest/bare/).
 * Included only through <vfmig/osdep.h> when VFMIG_BARE is defined.
 * Implementation: guest/bare/osdep_bare.c.
 *
 * Only compiler-provided freestanding headers (stdbool, stddef, stdarg) and
 * the kernel's uapi headers (types, errno numbers; pure definitions, no C
 * library behind them) are used. The kernel's names come from
 * osdep_nonkernel.h, shared with the userspace home, so the same portable
 * code builds unchanged. One CPU, no interrupts, no preemption: a lock is a flag
 * that lockdep_assert_held() can still check, and there is no heap.
 */
#ifndef VFMIG_OSDEP_BARE_H
#define VFMIG_OSDEP_BARE_H

#include <linux/types.h>	/* __u8..__u64, __le16..__le64 */
#include <linux/errno.h>	/* EINVAL, ... (numbers only) */
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>

/* x86 only: the byte-order helpers below are the little-endian ones */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the freestanding home is x86 only"
#endif
#include <vfmig/osdep_nonkernel.h>

/* ---- The C library's few names portable code uses ---------------------- */
/* Implemented in guest/bare/osdep_bare.c; the compiler may also call them. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
__printf(3, 0)
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4)
int snprintf(char *buf, size_t size, const char *fmt, ...);

/* ---- Memory: there is no heap; the guest driver needs none ------------- */
static inline void *vfmig_alloc(size_t size)
{
	return NULL;
}

static inline void *vfmig_zalloc(size_t size)
{
	return NULL;
}

static inline void vfmig_free(const void *p)
{
}

/* ---- Locks: one CPU, nothing preempts, so only ownership is tracked ---- */
struct vfmig_mutex {
	bool held;
};

static inline void vfmig_mutex_init(struct vfmig_mutex *m)
{
	m->held = false;
}

static inline void vfmig_mutex_destroy(struct vfmig_mutex *m)
{
	WARN_ON(m->held);
}

static inline void vfmig_mutex_lock(struct vfmig_mutex *m)
{
	WARN_ON(m->held);	/* would deadlock on real hardware */
	m->held = true;
}

static inline void vfmig_mutex_unlock(struct vfmig_mutex *m)
{
	WARN_ON(!m->held);
	m->held = false;
}

static inline bool vfmig_mutex_held(struct vfmig_mutex *m)
{
	return m->held;
}

#define lockdep_assert_held(m) WARN_ON(!vfmig_mutex_held(m))

/* ---- Time: the TSC, calibrated against the PIT at boot ------------------ */
u64 vfmig_time_ns(void);

#endif /* VFMIG_OSDEP_BARE_H */
