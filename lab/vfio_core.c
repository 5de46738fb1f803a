// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct vfmig_vfio_dev on the userspace driver core (see vfio_core.h).
 *
 * What the kernel glue (driver/) does around struct vfmig_vfdev, done in
 * process: the save/resume data_fd positions, the dirty-log report into a
 * plain bitmap, the split of BAR0 into trapped pages (through mediation)
 * and the rest (straight to the device, as the sparse mmap would), FLR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vfmig/mediate.h>
#include <vfmig/x710_regs.h>
#include "vfio_core.h"

struct core_dev {
	struct vfmig_vfio_dev dev;
	struct vfmig_vfdev *vdev;
	struct vfmig_model_pf *pf;
	u16 vf;
	int (*dma_read)(void *ctx, u64 iova, void *buf, u32 len);
	void *dma_ctx;
	u64 save_pos;		/* read position of the save data_fd */
	vfmig_vfio_irq_fn irq_fn;
	void *irq_ctx;
	char reason[VFMIG_VFDEV_REASON_LEN];
};

static struct core_dev *to_core(struct vfmig_vfio_dev *d)
{
	return (struct core_dev *)d;
}

/* ---- what the VF object sees ------------------------------------------- */

static int cd_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct core_dev *cd = ctx;

	return cd->dma_read(cd->dma_ctx, iova, buf, len);
}

static int cd_bar0_read(void *ctx, u32 off, u32 *val)
{
	struct core_dev *cd = ctx;

	*val = vfmig_model_vf_read32(cd->pf, cd->vf, off);
	return 0;
}

static int cd_bar0_write(void *ctx, u32 off, u32 val)
{
	struct core_dev *cd = ctx;

	vfmig_model_vf_write32(cd->pf, cd->vf, off, val);
	return 0;
}

static void cd_irq_deliver(void *ctx, u16 vector)
{
	struct core_dev *cd = ctx;

	if (cd->irq_fn)
		cd->irq_fn(cd->irq_ctx, vector);
}

static const struct vfmig_vfdev_ops cd_vfdev_ops = {
	.dma_read = cd_dma_read,
	.bar0_read = cd_bar0_read,
	.bar0_write = cd_bar0_write,
	.irq_deliver = cd_irq_deliver,
};

/* ---- struct vfmig_vfio_dev_ops ------------------------------------------ */

static u32 core_mig_flags(struct vfmig_vfio_dev *d)
{
	return VFMIG_VFDEV_MIG_FLAGS;
}

static int core_get_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state *s)
{
	*s = vfmig_vfdev_get_state(to_core(d)->vdev);
	return 0;
}

static bool saving(enum vfmig_mig_state s)
{
	return s == VFMIG_MIG_PRE_COPY || s == VFMIG_MIG_PRE_COPY_P2P ||
	       s == VFMIG_MIG_STOP_COPY;
}

static int core_set_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state t)
{
	struct core_dev *cd = to_core(d);
	enum vfmig_mig_state old = vfmig_vfdev_get_state(cd->vdev);
	int ret;

	cd->reason[0] = 0;
	ret = vfmig_vfdev_set_state(cd->vdev, t);
	/* a new save stream (data_fd) starts at offset 0 */
	if (!saving(old) && saving(vfmig_vfdev_get_state(cd->vdev)))
		cd->save_pos = 0;
	if (ret)
		vfmig_vfdev_reason(cd->vdev, cd->reason, sizeof(cd->reason));
	return ret;
}

static long core_save_read(struct vfmig_vfio_dev *d, void *buf, size_t len,
			   bool *eof)
{
	struct core_dev *cd = to_core(d);
	bool e = false;
	long n;

	n = vfmig_vfdev_save_read(cd->vdev, cd->save_pos, buf, len, &e);
	if (n > 0)
		cd->save_pos += (u64)n;
	if (eof)
		*eof = n == 0 && e;
	if (n < 0)
		snprintf(cd->reason, sizeof(cd->reason),
			 "save read at offset %llu failed (%ld)",
			 (unsigned long long)cd->save_pos, n);
	return n;
}

static long core_resume_write(struct vfmig_vfio_dev *d, const void *buf,
			      size_t len)
{
	struct core_dev *cd = to_core(d);
	long n = vfmig_vfdev_resume_write(cd->vdev, buf, len);

	if (n < 0)
		vfmig_vfdev_reason(cd->vdev, cd->reason, sizeof(cd->reason));
	return n;
}

static int core_precopy_info(struct vfmig_vfio_dev *d, u64 *init, u64 *dirty)
{
	return vfmig_vfdev_precopy_info(to_core(d)->vdev, init, dirty);
}

static int core_data_size(struct vfmig_vfio_dev *d, u64 *len)
{
	return vfmig_vfdev_data_size(to_core(d)->vdev, len);
}

static bool core_init_data_loaded(struct vfmig_vfio_dev *d)
{
	return vfmig_vfdev_precopy_config_applied(to_core(d)->vdev);
}

static int core_log_start(struct vfmig_vfio_dev *d,
			  const struct vfmig_dirty_range *ranges, u32 nr,
			  u64 page_size)
{
	struct core_dev *cd = to_core(d);
	u64 psz = page_size;
	int ret = vfmig_vf_log_start(cd->vdev, ranges, nr, &psz);

	if (!ret && psz != page_size) {
		vfmig_vf_log_stop(cd->vdev);
		ret = -EINVAL;
	}
	if (ret)
		snprintf(cd->reason, sizeof(cd->reason),
			 "DMA logging start failed (%d)", ret);
	return ret;
}

static int core_log_stop(struct vfmig_vfio_dev *d)
{
	return vfmig_vf_log_stop(to_core(d)->vdev);
}

static int core_log_report(struct vfmig_vfio_dev *d, u64 iova, u64 length,
			   u64 page_size, u64 *bitmap)
{
	struct core_dev *cd = to_core(d);
	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };
	int ret;

	ret = vfmig_dirty_bitmap_init(&bm, bitmap, iova, page_size,
				      length / page_size);
	if (!ret)
		ret = vfmig_vf_log_read_and_clear(cd->vdev, iova, length, &out);
	if (ret)
		snprintf(cd->reason, sizeof(cd->reason),
			 "DMA logging report failed (%d)", ret);
	return ret;
}

static int core_bar0_read(struct vfmig_vfio_dev *d, u32 off, u32 *val)
{
	struct core_dev *cd = to_core(d);
	u64 v = 0;
	int ret;

	if (!vfmig_vf_bar0_trapped(off)) {
		*val = vfmig_model_vf_read32(cd->pf, cd->vf, off);
		return 0;
	}
	ret = vfmig_vf_bar0_read(cd->vdev, off, &v, 4);
	*val = (u32)v;
	return ret;
}

static int core_bar0_write(struct vfmig_vfio_dev *d, u32 off, u32 val)
{
	struct core_dev *cd = to_core(d);

	if (!vfmig_vf_bar0_trapped(off)) {
		vfmig_model_vf_write32(cd->pf, cd->vf, off, val);
		return 0;
	}
	return vfmig_vf_bar0_write(cd->vdev, off, val, 4);
}

static void core_set_irq_handler(struct vfmig_vfio_dev *d, vfmig_vfio_irq_fn fn,
				 void *ctx)
{
	struct core_dev *cd = to_core(d);

	cd->irq_fn = fn;
	cd->irq_ctx = ctx;
}

static int core_reset(struct vfmig_vfio_dev *d)
{
	struct core_dev *cd = to_core(d);

	/* the FLR the glue does, then what the VF object must forget */
	vfmig_model_vflr(cd->pf, cd->vf);
	vfmig_vfdev_reset(cd->vdev);
	cd->save_pos = 0;
	cd->reason[0] = 0;
	return 0;
}

static void core_reason(struct vfmig_vfio_dev *d, char *buf, size_t len)
{
	struct core_dev *cd = to_core(d);

	if (!len)
		return;
	if (cd->reason[0])
		snprintf(buf, len, "%s", cd->reason);
	else
		vfmig_vfdev_reason(cd->vdev, buf, len);
}

static void core_destroy(struct vfmig_vfio_dev *d)
{
	struct core_dev *cd = to_core(d);

	if (!cd)
		return;
	vfmig_vfdev_free(cd->vdev);
	free(cd);
}

static const struct vfmig_vfio_dev_ops core_ops = {
	.mig_flags = core_mig_flags,
	.get_state = core_get_state,
	.set_state = core_set_state,
	.save_read = core_save_read,
	.resume_write = core_resume_write,
	.precopy_info = core_precopy_info,
	.data_size = core_data_size,
	.init_data_loaded = core_init_data_loaded,
	.log_start = core_log_start,
	.log_stop = core_log_stop,
	.log_report = core_log_report,
	.bar0_read = core_bar0_read,
	.bar0_write = core_bar0_write,
	.set_irq_handler = core_set_irq_handler,
	.reset = core_reset,
	.reason = core_reason,
	.destroy = core_destroy,
};

struct vfmig_vfio_dev *lab_vfio_core_new(const struct lab_vfio_core_cfg *cfg,
					 const char *name)
{
	struct vfmig_vfdev_cfg vc;
	struct core_dev *cd;

	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return NULL;
	cd->dev.ops = &core_ops;
	snprintf(cd->dev.name, sizeof(cd->dev.name), "%s", name);
	cd->pf = cfg->pf;
	cd->vf = cfg->vf;
	cd->dma_read = cfg->dma_read;
	cd->dma_ctx = cfg->dma_ctx;
	memset(&vc, 0, sizeof(vc));
	vc.vf = cfg->vf;
	vc.ops = &cd_vfdev_ops;
	vc.ctx = cd;
	vc.agent = cfg->agent;
	vc.timeout_us = cfg->timeout_us;
	cd->vdev = vfmig_vfdev_new(&vc);
	if (IS_ERR_OR_NULL(cd->vdev)) {
		fprintf(stderr, "vfmig-lab: %s: VF object: error %ld\n", name,
			PTR_ERR(cd->vdev));
		free(cd);
		return NULL;
	}
	return &cd->dev;
}

void lab_vfio_core_irq(struct vfmig_vfio_dev *d, u16 vector)
{
	struct core_dev *cd = to_core(d);

	if (vfmig_vfdev_irq(cd->vdev, vector) && cd->irq_fn)
		cd->irq_fn(cd->irq_ctx, vector);
}

struct vfmig_vfdev *lab_vfio_core_vfdev(struct vfmig_vfio_dev *d)
{
	return to_core(d)->vdev;
}

/* ---- generic --------------------------------------------------------------- */

int vfmig_vfio_walk(struct vfmig_vfio_dev *d, enum vfmig_mig_state target,
		    u32 *arcs)
{
	enum vfmig_mig_state cur, next;
	int ret, guard = 0;

	for (;;) {
		cur = vfmig_vfio_state(d);
		if (cur == target)
			return 0;
		ret = vfmig_fsm_next_state(d->ops->mig_flags(d), cur, target, &next);
		if (ret)
			return ret;
		ret = d->ops->set_state(d, next);
		if (ret)
			return ret;
		if (arcs)
			(*arcs)++;
		if (++guard > 8)
			return -ELOOP;
	}
}
