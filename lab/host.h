/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated host: an X710 PF (the model) with its VFs, the PF agent next
 * to it, and for each VF handed to a VM a struct vfmig_vfio_dev (driver
 * core + mediation + tracker), an IOMMU mapping of the VM's RAM (identity
 * IOVA onto the RAM's device view) and the DMA ground-truth recorder.
 */
#ifndef VFMIG_LAB_HOST_H
#define VFMIG_LAB_HOST_H

#include <vfmig/agent.h>
#include <vfmig/model.h>
#include "guestmem.h"
#include "vfio_dev.h"

#define LAB_HOST_MAX_VFS	8

struct lab_host;

/* Every DMA write the model made for a VF (after it succeeded). */
typedef void (*lab_dma_rec_fn)(void *ctx, u64 iova, u32 len,
			       enum vfmig_model_engine engine);

struct lab_hvf {
	struct lab_host *h;
	u16 id;
	bool open;
	struct lab_ram *ram;		/* IOMMU mapping; NULL: DMA faults */
	struct vfmig_vfio_dev *dev;
	u32 irq_latched;		/* raised by the model, not yet dispatched */
	u64 dma_oob;			/* DMA outside the mapping (refused) */
	lab_dma_rec_fn dma_rec;
	void *dma_rec_ctx;
};

struct lab_host_cfg {
	const char *name;
	u16 num_vfs;		/* 0: 4 */
	u16 queues_per_vf;
	u16 msix_per_vf;	/* 0: queues + 1 */
	u16 vf_device_id;	/* 0: 0x154c */
	u8 mac_id;		/* distinguishes the hosts' port and VF MACs */
	u32 timeout_us;		/* QENA wait per queue for the VF objects */
};

struct lab_host {
	char name[16];
	struct vfmig_model_cfg mcfg;
	struct vfmig_model_pf *pf;
	struct vfmig_agent *agent;
	struct vfmig_agent_transport tr;
	u32 timeout_us;
	u16 num_vfs;
	struct lab_hvf vf[LAB_HOST_MAX_VFS];
	int port;		/* its fabric port, -1 until connected */
};

/* NULL with a message on stderr on failure. */
struct lab_host *lab_host_new(const struct lab_host_cfg *cfg);
void lab_host_free(struct lab_host *h);

/* Give VF @vf to a VM: create its vfio device; map @ram for its DMA. */
struct lab_hvf *lab_host_vf_open(struct lab_host *h, u16 vf,
				 struct lab_ram *ram);

/*
 * Advance the model to @now and hand the interrupts it raised to the VF
 * objects (which deliver or hold them). Returns the model's work count.
 */
int lab_host_poll(struct lab_host *h, u64 now, u32 budget);

/* Interrupts raised during arcs (hw waits run the model) are dispatched here. */
void lab_host_dispatch_irqs(struct lab_host *h);

/*
 * Everything the PF can see of one VF, to prove a rejected stream left it
 * untouched. lab_vf_view_equal() explains the first difference in @why.
 */
struct lab_vf_view;
struct lab_vf_view *lab_vf_view_take(struct lab_host *h, u16 vf);
bool lab_vf_view_equal(const struct lab_vf_view *a, const struct lab_vf_view *b,
		       char *why, size_t len);
void lab_vf_view_free(struct lab_vf_view *v);

/*
 * Give a VF back to the host after a failed or cancelled incoming
 * migration, as the management layer does when it releases a hostdev
 * (libvirt's virHostdevRestoreNetConfig): reset it and put back the
 * administrator's settings it had in @before (MAC, trust, spoof check,
 * port VLAN), which a VF reset keeps by design and a pre-applied CONFIG
 * changed. Runs the model until the VF is ready again.
 */
void lab_host_vf_release(struct lab_host *h, u16 vf,
			 const struct lab_vf_view *before, u64 *now);

/* Run the model alone until VF @vf is out of reset (VFACTIVE) or @max_ns. */
bool lab_host_wait_vf_ready(struct lab_host *h, u16 vf, u64 *now, u64 max_ns);

#endif /* VFMIG_LAB_HOST_H */
