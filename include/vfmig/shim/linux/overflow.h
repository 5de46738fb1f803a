/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/overflow.h>, for the installed
 * kernel's <linux/avf/virtchnl.h> (userspace include path only; Kbuild never
 * sees it). Newer virtchnl.h (6.12's, for one) sizes its variable-length
 * messages with struct_size(); this gives it the kernel's semantics: the arithmetic
 * saturates, so any overflow yields SIZE_MAX and a length check against the
 * result fails instead of wrapping. check_{add,sub,mul}_overflow() come from
 * <vfmig/osdep.h>.
 */
#ifndef VFMIG_SHIM_LINUX_OVERFLOW_H
#define VFMIG_SHIM_LINUX_OVERFLOW_H

#include <vfmig/osdep.h>

/* Nonzero constant when x is an integer constant expression. */
#ifndef __is_constexpr
#define __is_constexpr(x) \
	(sizeof(int) == sizeof(*(8 ? ((void *)((long)(x) * 0l)) : (int *)8)))
#endif

#ifndef __same_type
#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#endif

/* 0, or a compile error when e is true. */
#ifndef BUILD_BUG_ON_ZERO
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int:(-!!(e)); })))
#endif

/* 0, or a compile error when a is a pointer rather than an array. */
#ifndef __must_be_array
#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
#endif

static inline size_t vfmig_size_mul(size_t a, size_t b)
{
	size_t r;

	if (check_mul_overflow(a, b, &r))
		return (size_t)-1;
	return r;
}

static inline size_t vfmig_size_add(size_t a, size_t b)
{
	size_t r;

	if (check_add_overflow(a, b, &r))
		return (size_t)-1;
	return r;
}

static inline size_t vfmig_size_sub(size_t a, size_t b)
{
	size_t r;

	if (a == (size_t)-1 || b == (size_t)-1 || check_sub_overflow(a, b, &r))
		return (size_t)-1;
	return r;
}

#ifndef size_mul
#define size_mul(a, b) vfmig_size_mul(a, b)
#endif
#ifndef size_add
#define size_add(a, b) vfmig_size_add(a, b)
#endif
#ifndef size_sub
#define size_sub(a, b) vfmig_size_sub(a, b)
#endif

/* Bytes in count elements of the flexible array p->member. */
#ifndef flex_array_size
#define flex_array_size(p, member, count)				\
	__builtin_choose_expr(__is_constexpr(count),			\
		(count) * sizeof(*(p)->member) + __must_be_array((p)->member), \
		size_mul(count, sizeof(*(p)->member) + __must_be_array((p)->member)))
#endif

/* Bytes in *p with count elements in its trailing flexible array member. */
#ifndef struct_size
#define struct_size(p, member, count)					\
	__builtin_choose_expr(__is_constexpr(count),			\
		sizeof(*(p)) + flex_array_size(p, member, count),	\
		size_add(sizeof(*(p)), flex_array_size(p, member, count)))
#endif

#endif /* VFMIG_SHIM_LINUX_OVERFLOW_H */
