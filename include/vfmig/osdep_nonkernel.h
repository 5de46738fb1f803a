/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig osdep: the kernel's names (types, annotations, byte order, bit and
 * arithmetic helpers, error pointers, WARN_ON) for the homes that are not
 * the kernel - userspace (osdep_user.h) and freestanding (osdep_bare.h).
 * Included only by those two, after <linux/types.h>, <stdbool.h> and
 * <stddef.h>. Each home implements vfmig_warn_report() and vfmig_warn_count.
 */
#ifndef VFMIG_OSDEP_NONKERNEL_H
#define VFMIG_OSDEP_NONKERNEL_H

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;		/* unsigned long long, as in the kernel */
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#ifndef __bitwise
#define __bitwise
#endif
#define __force
#define __user
#define __iomem
#define __must_check	__attribute__((__warn_unused_result__))
#define __maybe_unused	__attribute__((__unused__))
#define __always_unused	__attribute__((__unused__))
#define __packed	__attribute__((__packed__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define fallthrough	__attribute__((__fallthrough__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)

#define READ_ONCE(x)	 (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* ---- Byte order ------------------------------------------------------- */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_le16(x) ((__force __le16)(u16)(x))
#define cpu_to_le32(x) ((__force __le32)(u32)(x))
#define cpu_to_le64(x) ((__force __le64)(u64)(x))
#define le16_to_cpu(x) ((__force u16)(__le16)(x))
#define le32_to_cpu(x) ((__force u32)(__le32)(x))
#define le64_to_cpu(x) ((__force u64)(__le64)(x))
#else
#define cpu_to_le16(x) ((__force __le16)__builtin_bswap16(x))
#define cpu_to_le32(x) ((__force __le32)__builtin_bswap32(x))
#define cpu_to_le64(x) ((__force __le64)__builtin_bswap64(x))
#define le16_to_cpu(x) __builtin_bswap16((__force u16)(x))
#define le32_to_cpu(x) __builtin_bswap32((__force u32)(x))
#define le64_to_cpu(x) __builtin_bswap64((__force u64)(x))
#endif

/* ---- Bits and arithmetic ---------------------------------------------- */
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define GENMASK(h, l)	(((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))

/* Like the kernel's: comparing two distinct types warns (and -Werror fails). */
#define __vfmig_cmp(x, y, op) ({					\
	__typeof__(x) __x = (x);					\
	__typeof__(y) __y = (y);					\
	(void)(&__x == &__y);						\
	__x op __y ? __x : __y; })
#define min(x, y)	__vfmig_cmp(x, y, <)
#define max(x, y)	__vfmig_cmp(x, y, >)
#define min_t(t, x, y)	({ t __a = (x); t __b = (y); __a < __b ? __a : __b; })
#define max_t(t, x, y)	({ t __a = (x); t __b = (y); __a > __b ? __a : __b; })
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Bit-scan helpers under the kernel's names (the kernel must not get libgcc calls). */
static inline unsigned long __ffs64(u64 w)
{
	return (unsigned long)__builtin_ctzll(w);
}

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned int hweight64(u64 w)
{
	return (unsigned int)__builtin_popcountll(w);
}

#define ilog2(n) ((int)(fls64((u64)(n)) - 1))

/* ---- Error pointers --------------------------------------------------- */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

/* ---- Warnings --------------------------------------------------------- */
/*
 * WARN_ON() reports like the kernel's and counts, so tests can assert that a
 * run produced no warning (vfmig_warn_count).
 */
extern unsigned long vfmig_warn_count;
void vfmig_warn_report(const char *file, int line, const char *cond);

#define WARN_ON(cond) ({						\
	int __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		vfmig_warn_report(__FILE__, __LINE__, #cond);		\
	unlikely(__ret_warn_on); })
#define WARN_ON_ONCE(cond) WARN_ON(cond)

#endif /* VFMIG_OSDEP_NONKERNEL_H */
