/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "core" implementation of struct vfmig_vfio_dev: the userspace driver
 * core (struct vfmig_vfdev with its BAR0 mediation and DMA dirty tracker)
 * over the X710 model's VF, reached through the PF agent.
 */
#ifndef VFMIG_LAB_VFIO_CORE_H
#define VFMIG_LAB_VFIO_CORE_H

#include <vfmig/agent.h>
#include <vfmig/model.h>
#include <vfmig/vfdev.h>
#include "vfio_dev.h"

struct lab_vfio_core_cfg {
	struct vfmig_model_pf *pf;
	u16 vf;
	struct vfmig_agent_transport agent;
	u32 timeout_us;		/* QENA wait per queue (0: core default) */
	/* guest memory at @iova, for mediation's descriptor reads */
	int (*dma_read)(void *ctx, u64 iova, void *buf, u32 len);
	void *dma_ctx;
};

/* A device in state RUNNING, or NULL with a message on stderr. */
struct vfmig_vfio_dev *lab_vfio_core_new(const struct lab_vfio_core_cfg *cfg,
					 const char *name);
/*
 * The model raised MSI-X @vector: deliver it now through the irq handler, or
 * let the VF object hold it until the device runs again.
 */
void lab_vfio_core_irq(struct vfmig_vfio_dev *d, u16 vector);
/* The VF object underneath (stats, tests). */
struct vfmig_vfdev *lab_vfio_core_vfdev(struct vfmig_vfio_dev *d);

#endif /* VFMIG_LAB_VFIO_CORE_H */
