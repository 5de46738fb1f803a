// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device that is not there (vfio_null.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include "lab.h"
#include "vfio_null.h"

struct null_dev {
	struct vfmig_vfio_dev dev;
	enum vfmig_mig_state state;
};

static struct null_dev *to_null(struct vfmig_vfio_dev *d)
{
	return (struct null_dev *)d;
}

static u32 null_flags(struct vfmig_vfio_dev *d)
{
	return VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P;
}

static int null_get_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state *s)
{
	*s = to_null(d)->state;
	return 0;
}

static int null_set_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state t)
{
	enum vfmig_mig_state next;
	int ret;

	/* a single arc the uAPI allows, as a real device would insist */
	ret = vfmig_fsm_next_state(null_flags(d), to_null(d)->state, t, &next);
	if (ret || next != t)
		return ret ? ret : -EINVAL;
	to_null(d)->state = t;
	return 0;
}

static long null_save_read(struct vfmig_vfio_dev *d, void *buf, size_t len, bool *eof)
{
	if (eof)
		*eof = to_null(d)->state == VFMIG_MIG_STOP_COPY;
	return 0;
}

static long null_resume_write(struct vfmig_vfio_dev *d, const void *buf, size_t len)
{
	return to_null(d)->state == VFMIG_MIG_RESUMING ? (long)len : -EINVAL;
}

static int null_zero2(struct vfmig_vfio_dev *d, u64 *a, u64 *b)
{
	*a = *b = 0;
	return 0;
}

static int null_data_size(struct vfmig_vfio_dev *d, u64 *len)
{
	*len = 0;
	return 0;
}

static bool null_loaded(struct vfmig_vfio_dev *d)
{
	return true;
}

static int null_log_start(struct vfmig_vfio_dev *d, const struct vfmig_dirty_range *r,
			  u32 nr, u64 page_size)
{
	return 0;
}

static int null_log_stop(struct vfmig_vfio_dev *d)
{
	return 0;
}

static int null_log_report(struct vfmig_vfio_dev *d, u64 iova, u64 length,
			   u64 page_size, u64 *bitmap)
{
	return 0;	/* a device that does no DMA dirties nothing */
}

static int null_bar0_read(struct vfmig_vfio_dev *d, u32 off, u32 *val)
{
	*val = 0xffffffff;
	return -ENODEV;
}

static int null_bar0_write(struct vfmig_vfio_dev *d, u32 off, u32 val)
{
	return -ENODEV;
}

static void null_set_irq(struct vfmig_vfio_dev *d, vfmig_vfio_irq_fn fn, void *ctx)
{
}

static int null_reset(struct vfmig_vfio_dev *d)
{
	to_null(d)->state = VFMIG_MIG_RUNNING;
	return 0;
}

static void null_reason(struct vfmig_vfio_dev *d, char *buf, size_t len)
{
	if (len)
		snprintf(buf, len, "no device (a VM without a VF)");
}

static void null_destroy(struct vfmig_vfio_dev *d)
{
	free(d);
}

static const struct vfmig_vfio_dev_ops null_ops = {
	.mig_flags = null_flags,
	.get_state = null_get_state,
	.set_state = null_set_state,
	.save_read = null_save_read,
	.resume_write = null_resume_write,
	.precopy_info = null_zero2,
	.data_size = null_data_size,
	.init_data_loaded = null_loaded,
	.log_start = null_log_start,
	.log_stop = null_log_stop,
	.log_report = null_log_report,
	.bar0_read = null_bar0_read,
	.bar0_write = null_bar0_write,
	.set_irq_handler = null_set_irq,
	.reset = null_reset,
	.reason = null_reason,
	.destroy = null_destroy,
};

struct vfmig_vfio_dev *lab_vfio_null_new(const char *name)
{
	struct null_dev *nd = lab_zalloc(sizeof(*nd));

	nd->dev.ops = &null_ops;
	snprintf(nd->dev.name, sizeof(nd->dev.name), "%s", name);
	nd->state = VFMIG_MIG_RUNNING;
	return &nd->dev;
}
