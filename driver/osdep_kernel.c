// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig osdep, kernel implementation (see include/vfmig/osdep.h).
 */
#include <linux/crc32c.h>
#include <linux/printk.h>
#include <vfmig/osdep.h>

struct vfmig_trace_hook vfmig_trace_hook;

void vfmig_set_trace_hook(vfmig_trace_fn fn, void *ctx)
{
	vfmig_trace_hook.ctx = ctx;
	WRITE_ONCE(vfmig_trace_hook.fn, fn);
}

void vfmig_log(enum vfmig_log_level level, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case VFMIG_LOG_ERR:
		pr_err("vfmig: %pV\n", &vaf);
		break;
	case VFMIG_LOG_WARN:
		pr_warn("vfmig: %pV\n", &vaf);
		break;
	case VFMIG_LOG_INFO:
		pr_info("vfmig: %pV\n", &vaf);
		break;
	default:
		pr_debug("vfmig: %pV\n", &vaf);
		break;
	}
	va_end(args);
}

u32 vfmig_crc32c(u32 crc, const void *buf, size_t len)
{
	/* The kernel's crc32c() is the raw register update: no inversions. */
	return ~crc32c(~crc, buf, len);
}
