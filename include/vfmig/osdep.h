/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig portability layer: the only window portable code has on the world.
 *
 * Everything under driver/core, model, pf-agent and guest includes this file
 * (and other include/vfmig headers, and <linux/avf/virtchnl.h>) and nothing
 * else. It has one implementation per home, selected by __KERNEL__ and, for
 * the freestanding home, by VFMIG_BARE:
 *
 *   kernel:    osdep_kernel.h + driver/osdep_kernel.c (Kbuild)
 *   userspace: osdep_user.h   + lab/osdep_user.c     (build/libvfmig.a)
 *   bare:      osdep_bare.h   + guest/bare/osdep_bare.c (build/vfmig-l2.elf:
 *              the guest driver booted as its own kernel in a VM; no libc)
 *
 * This is the pattern of Intel's shared code (i40e base code + i40e_osdep.h).
 *
 * Both homes provide, with kernel spelling and semantics:
 *   u8 u16 u32 u64 s8 s16 s32 s64, __le16/32/64, cpu_to_leN/leN_to_cpu,
 *   bool, size_t, NULL, BIT, BIT_ULL, GENMASK, ARRAY_SIZE, min/max/min_t/
 *   max_t/clamp, DIV_ROUND_UP, ALIGN, IS_ALIGNED, is_power_of_2,
 *   check_add_overflow, check_mul_overflow, ERR_PTR/PTR_ERR/IS_ERR/
 *   IS_ERR_OR_NULL, WARN_ON, WARN_ON_ONCE, READ_ONCE/WRITE_ONCE, likely,
 *   unlikely, static_assert, __printf, memcpy/memset/memcmp, snprintf,
 *   errno values (EINVAL, ...).
 * and, with vfmig_ names:
 *   vfmig_alloc/vfmig_zalloc/vfmig_free, struct vfmig_mutex with
 *   vfmig_mutex_init/lock/unlock/destroy and lockdep_assert_held(),
 *   vfmig_time_ns(), vfmig_crc32c(), logging (vfmig_err/warn/info/dbg) and
 *   the trace hook (vfmig_trace()).
 */
#ifndef VFMIG_OSDEP_H
#define VFMIG_OSDEP_H

#ifdef __KERNEL__
#include <vfmig/osdep_kernel.h>
#elif defined(VFMIG_BARE)
#include <vfmig/osdep_bare.h>
#else
#include <vfmig/osdep_user.h>
#endif

/* ---- Logging --------------------------------------------------------- */

enum vfmig_log_level {
	VFMIG_LOG_ERR = 0,
	VFMIG_LOG_WARN = 1,
	VFMIG_LOG_INFO = 2,
	VFMIG_LOG_DBG = 3,
};

/* Implemented per home: kernel printk levels, or userspace stderr/hook. */
__printf(2, 3)
void vfmig_log(enum vfmig_log_level level, const char *fmt, ...);

#define vfmig_err(fmt, ...)  vfmig_log(VFMIG_LOG_ERR, fmt, ##__VA_ARGS__)
#define vfmig_warn(fmt, ...) vfmig_log(VFMIG_LOG_WARN, fmt, ##__VA_ARGS__)
#define vfmig_info(fmt, ...) vfmig_log(VFMIG_LOG_INFO, fmt, ##__VA_ARGS__)
#define vfmig_dbg(fmt, ...)  vfmig_log(VFMIG_LOG_DBG, fmt, ##__VA_ARGS__)

/*
 * Trace hook: a cheap, structured event for hot loops (every record the
 * stream parser accepts, every page the dirty tracker marks). When no hook is
 * installed the cost is one load and a branch. An event is a static string
 * plus two numbers; the hook must not call back into vfmig.
 */
typedef void (*vfmig_trace_fn)(void *ctx, const char *event, u64 a, u64 b);

struct vfmig_trace_hook {
	vfmig_trace_fn fn;
	void *ctx;
};

extern struct vfmig_trace_hook vfmig_trace_hook;

void vfmig_set_trace_hook(vfmig_trace_fn fn, void *ctx);

#define vfmig_trace(event, a, b)					\
	do {								\
		vfmig_trace_fn __fn = READ_ONCE(vfmig_trace_hook.fn);	\
		if (unlikely(__fn))					\
			__fn(vfmig_trace_hook.ctx, (event), (u64)(a),	\
			     (u64)(b));					\
	} while (0)

/* ---- CRC32C (Castagnoli) ---------------------------------------------- */

/*
 * Standard CRC-32C as used by iSCSI/ext4 metadata: reflected, polynomial
 * 0x1EDC6F41, initial value and final xor ~0. Chainable: pass the previous
 * return value as @crc (0 to start). vfmig_crc32c(0, "123456789", 9) is
 * 0xE3069283.
 */
u32 vfmig_crc32c(u32 crc, const void *buf, size_t len);

/* ---- Unaligned little-endian access for wire formats ------------------ */

static inline u16 vfmig_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static inline u32 vfmig_get_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

static inline u64 vfmig_get_le64(const u8 *p)
{
	return (u64)vfmig_get_le32(p) | ((u64)vfmig_get_le32(p + 4) << 32);
}

/* Byte stores mask explicitly: sparse flags a bare (u8) cast of a constant. */
static inline void vfmig_put_le16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static inline void vfmig_put_le32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static inline void vfmig_put_le64(u8 *p, u64 v)
{
	vfmig_put_le32(p, (u32)v);
	vfmig_put_le32(p + 4, (u32)(v >> 32));
}

#endif /* VFMIG_OSDEP_H */
