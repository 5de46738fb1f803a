/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostfix: a header-only test world of simulated hosts and VMs, stepped in
 * virtual time (test_agent.c, test_vfdev.c, test_mediate.c).
 *
 * A host is an X710 model PF with a PF agent on it and the agent's
 * in-process transport. A VM is a calloc'd guest RAM array (IOVA == guest
 * physical address, bounds checked) with one model VF attached, the guest
 * AVF driver's block at T_GPA inside that RAM and, unless the test opts
 * out, a vfdev (driver/core/vfdev.c) on the VF: the guest's accesses to the
 * trapped BAR0 pages go through mediation, the rest straight to the model,
 * and the vfdev decides which interrupts reach the guest.
 *
 * The world W is stepped by w_step(): the clock advances by 1 us (or to the
 * latest model clock), every PF is polled, vectors latched by the model's
 * irq callback are passed through the vfdev, and every VM whose vCPU runs
 * (vm->vcpu) gets its released interrupts and a guest poll. Interrupts
 * raised while the vCPU is stopped are held until it runs again.
 *
 * A test may define, before including this file:
 *   T_MAX_HOST, T_MAX_VM	world size (default 3 hosts, 4 VMs)
 *   T_RAM, T_GPA		guest RAM size, guest driver block address
 *   T_FRAME			largest test frame
 *   T_VFDEV			0: VMs have no vfdev, BAR0 and interrupts go
 *				straight between guest and model (default 1)
 *   T_VIEW_EXTRA_REGS		registers appended to view_regs[] (default none)
 *   T_VIEW_CMP_VIRTCHNL	0: view_equal() ignores the negotiated
 *				virtchnl major (default 1)
 * and may set W.dma_record (after w_reset(), which clears it) to see every
 * DMA write the model makes into any VM's RAM; vm->dma_writes counts them.
 *
 * Userspace only (calloc, printf). Everything is static inline so a test
 * that uses part of it builds without -Wunused-function.
 */
#ifndef VFMIG_TESTS_HOSTFIX_H
#define VFMIG_TESTS_HOSTFIX_H

#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include <vfmig/agent.h>
#include <vfmig/devstate.h>
#include <vfmig/guest.h>
#include <vfmig/model.h>
#include <vfmig/vfdev.h>
#include <vfmig/x710_regs.h>

#ifndef T_MAX_HOST
#define T_MAX_HOST	3
#endif
#ifndef T_MAX_VM
#define T_MAX_VM	4
#endif
#ifndef T_RAM
#define T_RAM		(8u << 20)
#endif
#ifndef T_GPA
#define T_GPA		(1u << 20)
#endif
#ifndef T_FRAME
#define T_FRAME		256
#endif
#ifndef T_VFDEV
#define T_VFDEV		1
#endif
#ifndef T_VIEW_EXTRA_REGS
#define T_VIEW_EXTRA_REGS
#endif
#ifndef T_VIEW_CMP_VIRTCHNL
#define T_VIEW_CMP_VIRTCHNL	1
#endif

struct host {
	struct vfmig_model_pf *pf;
	struct vfmig_agent *agent;
	struct vfmig_agent_transport tr;
	struct vfmig_model_cfg cfg;
};

struct vm {
	struct host *h;
	u16 vf;
	u8 *ram;
	struct vfmig_guest_cfg gcfg;
	struct vfmig_guest_env env;
	struct vfmig_vfdev *vdev;	/* NULL when T_VFDEV is 0 */
	bool vcpu;		/* the guest driver runs (is polled) */
	u32 irq_latched;	/* raised by the model */
	u32 irq_ready;		/* released by the vfdev (all, without one) */
	u64 irqs_delivered;
	u64 dma_writes;		/* DMA writes the model made into ram */
	u8 mac[6];
};

static struct {
	u64 now;
	struct host host[T_MAX_HOST];
	int nhost;
	struct vm vm[T_MAX_VM];
	int nvm;
	/* optional: every DMA write the model made, after it succeeded */
	void (*dma_record)(struct vm *vm, u64 iova, u32 len,
			   enum vfmig_model_engine e);
	/* optional: the next host_new()'s cfg.max_ring_desc (0: the default) */
	u16 next_max_ring_desc;
} W;

/* ---- the model VF's side: guest memory, interrupts ---------------------- */

static inline int t_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vm *vm = ctx;

	if (iova > T_RAM || len > T_RAM - iova)
		return -EFAULT;
	memcpy(buf, vm->ram + iova, len);
	return 0;
}

static inline int t_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vm *vm = ctx;

	if (iova > T_RAM || len > T_RAM - iova)
		return -EFAULT;
	memcpy(vm->ram + iova, buf, len);
	return 0;
}

static inline void t_irq(void *ctx, u16 vector)
{
	struct vm *vm = ctx;

	if (vector < 32)
		vm->irq_latched |= 1u << vector;
}

static inline void t_record(void *ctx, u64 iova, u32 len, enum vfmig_model_engine e)
{
	struct vm *vm = ctx;

	vm->dma_writes++;
	if (W.dma_record)
		W.dma_record(vm, iova, len, e);
}

/* The guest's BAR0: trapped pages through mediation, the rest to the device. */
static inline u32 t_bar0_read(void *ctx, u32 off)
{
	struct vm *vm = ctx;
	u64 v = 0;

	if (vm->vdev && vfmig_vf_bar0_trapped(off)) {
		vfmig_vf_bar0_read(vm->vdev, off, &v, 4);
		return (u32)v;
	}
	return vfmig_model_vf_read32(vm->h->pf, vm->vf, off);
}

static inline void t_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vm *vm = ctx;

	if (vm->vdev && vfmig_vf_bar0_trapped(off)) {
		vfmig_vf_bar0_write(vm->vdev, off, val, 4);
		return;
	}
	vfmig_model_vf_write32(vm->h->pf, vm->vf, off, val);
}

/* What the vfdev sees: guest memory, the device's registers, irq release. */
static inline int vd_bar0_read(void *ctx, u32 off, u32 *val)
{
	struct vm *vm = ctx;

	*val = vfmig_model_vf_read32(vm->h->pf, vm->vf, off);
	return 0;
}

static inline int vd_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vm *vm = ctx;

	vfmig_model_vf_write32(vm->h->pf, vm->vf, off, val);
	return 0;
}

static inline void vd_irq_deliver(void *ctx, u16 vector)
{
	struct vm *vm = ctx;

	if (vector < 32)
		vm->irq_ready |= 1u << vector;
}

static const struct vfmig_vfdev_ops vd_ops = {
	.dma_read = t_dma_read,
	.bar0_read = vd_bar0_read,
	.bar0_write = vd_bar0_write,
	.irq_deliver = vd_irq_deliver,
};

/* ---- the world ------------------------------------------------------------ */

/* Free every VM and host; the clock restarts at 1 ms, W.dma_record is NULL. */
static inline void w_reset(void)
{
	int i;

	for (i = 0; i < W.nvm; i++) {
		vfmig_vfdev_free(W.vm[i].vdev);
		vfmig_model_vf_detach(W.vm[i].h->pf, W.vm[i].vf);
		free(W.vm[i].ram);
	}
	for (i = 0; i < W.nhost; i++) {
		vfmig_agent_free(W.host[i].agent);
		vfmig_model_pf_free(W.host[i].pf);
	}
	memset(&W, 0, sizeof(W));
	W.now = 1000000;
}

/* A model PF whose VFs have @queues queue pairs and @msix vectors, its agent. */
static inline struct host *host_new(u16 queues, u16 msix, u16 device_id)
{
	struct host *h;

	if (W.nhost >= T_MAX_HOST)
		return NULL;
	h = &W.host[W.nhost];
	vfmig_model_cfg_default(&h->cfg);
	h->cfg.queues_per_vf = queues;
	h->cfg.msix_per_vf = msix;
	h->cfg.vf_device_id = device_id;
	h->cfg.port_mac[5] = (u8)(0x10 + W.nhost);
	if (W.next_max_ring_desc)
		h->cfg.max_ring_desc = W.next_max_ring_desc;
	W.next_max_ring_desc = 0;
	h->pf = vfmig_model_pf_new(&h->cfg);
	if (IS_ERR_OR_NULL(h->pf))
		return NULL;
	h->agent = vfmig_agent_new(&vfmig_model_pf_hw_ops, h->pf, h->cfg.num_vfs);
	if (IS_ERR(h->agent)) {
		vfmig_model_pf_free(h->pf);
		return NULL;
	}
	vfmig_agent_local_transport(h->agent, &h->tr);
	W.nhost++;
	return h;
}

static inline void gcfg_default(struct vfmig_guest_cfg *c, u16 queues)
{
	memset(c, 0, sizeof(*c));
	c->num_queue_pairs = queues;
	c->ring_len = 128;
	c->rx_buf_size = 2048;
	c->max_tx_bufs = 4;
	c->use_irq = true;
}

/*
 * A VM on @h's VF @vf, with its vfdev unless T_VFDEV is 0; the guest driver
 * is started when @gcfg is given.
 */
static inline struct vm *vm_new(struct host *h, u16 vf,
				const struct vfmig_guest_cfg *gcfg)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read = t_dma_read, .dma_write = t_dma_write, .irq = t_irq,
		.dma_record = t_record,
	};
	struct vm *vm;

	if (W.nvm >= T_MAX_VM)
		return NULL;
	vm = &W.vm[W.nvm];
	memset(vm, 0, sizeof(*vm));
	vm->h = h;
	vm->vf = vf;
	vm->ram = calloc(1, T_RAM);
	if (!vm->ram)
		return NULL;
	ops.ctx = vm;
	if (vfmig_model_vf_attach(h->pf, vf, &ops)) {
		free(vm->ram);
		return NULL;
	}
	W.nvm++;
	if (T_VFDEV) {
		struct vfmig_vfdev_cfg vc = { 0 };

		vc.vf = vf;
		vc.ops = &vd_ops;
		vc.ctx = vm;
		vc.agent = h->tr;
		vc.timeout_us = 1000;
		vm->vdev = vfmig_vfdev_new(&vc);
		if (IS_ERR(vm->vdev)) {
			vm->vdev = NULL;
			return NULL;
		}
	}
	vm->env.ram = vm->ram;
	vm->env.ram_size = T_RAM;
	vm->env.bar0_read = t_bar0_read;
	vm->env.bar0_write = t_bar0_write;
	vm->env.ctx = vm;
	vm->env.now_ns = W.now;
	if (gcfg) {
		vm->gcfg = *gcfg;
		vm->vcpu = true;
		if (vfmig_guest_init(&vm->env, T_GPA, &vm->gcfg))
			return NULL;
	}
	return vm;
}

static inline void w_step(void)
{
	int i;
	u16 v;

	W.now += 1000;
	for (i = 0; i < W.nhost; i++) {
		u64 mnow = vfmig_model_now(W.host[i].pf);

		if (mnow > W.now)
			W.now = mnow;
	}
	for (i = 0; i < W.nhost; i++)
		vfmig_model_poll(W.host[i].pf, W.now, 64);
	for (i = 0; i < W.nvm; i++) {
		struct vm *vm = &W.vm[i];
		u32 pend = vm->irq_latched, deliver = 0;

		vm->env.now_ns = W.now;
		vm->irq_latched = 0;
		for (v = 0; v < 32; v++)
			if (pend & BIT(v) && (!vm->vdev || vfmig_vfdev_irq(vm->vdev, v)))
				deliver |= BIT(v);
		vm->irq_ready |= deliver;
		if (!vm->vcpu)
			continue;
		deliver = vm->irq_ready;
		vm->irq_ready = 0;
		for (v = 0; v < 32; v++)
			if (deliver & BIT(v)) {
				vfmig_guest_irq(&vm->env, T_GPA, v);
				vm->irqs_delivered++;
			}
		vfmig_guest_poll(&vm->env, T_GPA);
	}
}

static inline void w_run(u32 steps)
{
	while (steps--)
		w_step();
}

static inline bool vm_until_running(struct vm *vm, u32 max)
{
	while (max--) {
		w_step();
		if (vfmig_guest_state(&vm->env, T_GPA) == VFMIG_GUEST_RUNNING) {
			vfmig_guest_mac(&vm->env, T_GPA, vm->mac);
			return true;
		}
	}
	return false;
}

/*
 * A new host (4 queue pairs and 5 vectors per VF, device 0x154c) with a
 * guest of @queues queue pairs running on its VF 0; the host in @*hp.
 */
static inline struct vm *running_vm_new(u16 queues, struct host **hp)
{
	struct vfmig_guest_cfg g;
	struct host *h;
	struct vm *vm;

	h = host_new(4, 5, 0x154c);
	if (!h)
		return NULL;
	gcfg_default(&g, queues);
	vm = vm_new(h, 0, &g);
	if (!vm || !vm_until_running(vm, 20000))
		return NULL;
	if (hp)
		*hp = h;
	return vm;
}

/* ---- traffic -------------------------------------------------------------- */

/* A test frame: Ethernet header, "VFMG", sequence number, pattern. */
static inline void mk_frame(u8 *f, u32 len, const u8 *dst, const u8 *src, u32 seq)
{
	u32 i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, "VFMG", 4);
	vfmig_put_le32(f + 18, seq);
	for (i = 22; i < len; i++)
		f[i] = (u8)(seq * 7 + i);
}

static inline bool chk_frame(const u8 *f, int len, u32 *seq)
{
	int i;

	if (len < 22 || memcmp(f + 14, "VFMG", 4))
		return false;
	*seq = vfmig_get_le32(f + 18);
	for (i = 22; i < len; i++)
		if (f[i] != (u8)(*seq * 7 + i))
			return false;
	return true;
}

static const u8 peer_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };

static inline int vm_xmit_seq(struct vm *vm, u16 q, u32 seq)
{
	u8 f[T_FRAME];

	mk_frame(f, 64 + seq % 128, peer_mac, vm->mac, seq);
	vm->env.now_ns = W.now;
	return vfmig_guest_xmit(&vm->env, T_GPA, q, f, 64 + seq % 128);
}

static inline int port_rx_seq(struct host *h, const u8 *dst, u32 seq)
{
	u8 f[T_FRAME];

	mk_frame(f, 64 + seq % 128, dst, peer_mac, seq);
	return vfmig_model_port_rx(h->pf, f, 64 + seq % 128);
}

/* Frames that left @h's port, by sequence number: counts in @seen[]. */
static inline u32 port_collect(struct host *h, u32 *seen, u32 nseen, u32 *bad)
{
	u8 f[10240];
	u32 n = 0, seq;
	int len;

	while ((len = vfmig_model_port_tx_pull(h->pf, f, sizeof(f))) > 0) {
		if (!chk_frame(f, len, &seq) || seq >= nseen) {
			(*bad)++;
			continue;
		}
		seen[seq]++;
		n++;
	}
	return n;
}

/* Receive everything ready on @vm's queues; count the intact test frames. */
static inline u32 vm_drain(struct vm *vm, u32 *seen, u32 nseen)
{
	u8 buf[T_FRAME * 8];
	u32 n = 0, seq;
	u16 q;
	int len;

	if (!vm->vcpu)
		return 0;
	for (q = 0; q < vm->gcfg.num_queue_pairs; q++)
		while ((len = vfmig_guest_recv(&vm->env, T_GPA, q, buf, sizeof(buf))) > 0)
			if (chk_frame(buf, len, &seq)) {
				n++;
				if (seen && seq < nseen)
					seen[seq]++;
			}
	return n;
}

/* ---- what the PF sees of a VF ----------------------------------------------- */

static inline u32 enabled_mask(struct host *h, u16 vf, bool rx)
{
	struct vfmig_pf_vf_limits lim;
	u32 m = 0;
	bool on;
	u16 q;

	vfmig_model_pf_hw_ops.vf_limits(h->pf, vf, &lim);
	for (q = 0; q < lim.num_queue_pairs; q++)
		if (!vfmig_model_pf_hw_ops.queue_enabled(h->pf, vf, q, rx, &on) && on)
			m |= BIT(q);
	return m;
}

/* Everything the PF can see of a VF, for "nothing was touched". */
struct vf_view {
	struct vfmig_pf_vf_state st;
	struct vfmig_hmc_txq tx[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_hmc_rxq rx[VFMIG_MAX_QUEUE_PAIRS];
	u32 txon, rxon;
	u32 regs[64];
};

static const u32 view_regs[] = {
	VFMIG_VFINT_ICR01, VFMIG_VFINT_ICR0_ENA1, VFMIG_VFINT_DYN_CTL01,
	VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1(1), VFMIG_VFINT_ITR01(0),
	VFMIG_VFINT_ITRN1(0, 0), VFMIG_VFINT_ITRN1(1, 1), VFMIG_VF_ATQBAL1,
	VFMIG_VF_ATQBAH1, VFMIG_VF_ATQLEN1, VFMIG_VF_ATQH1, VFMIG_VF_ATQT1,
	VFMIG_VF_ARQBAL1, VFMIG_VF_ARQBAH1, VFMIG_VF_ARQLEN1, VFMIG_VF_ARQH1,
	VFMIG_VF_ARQT1, VFMIG_QTX_TAIL1(0), VFMIG_QTX_TAIL1(1), VFMIG_QRX_TAIL1(0),
	VFMIG_QRX_TAIL1(1), T_VIEW_EXTRA_REGS
};

/* A calloc'd view of @h's VF @vf (free() it), NULL on failure. */
static inline struct vf_view *view_take(struct host *h, u16 vf)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vf_view *v = calloc(1, sizeof(*v));
	struct vfmig_pf_vf_limits lim;
	u16 q;
	u32 i;

	if (!v || o->vf_limits(h->pf, vf, &lim) || o->vf_state_get(h->pf, vf, &v->st)) {
		free(v);
		return NULL;
	}
	for (q = 0; q < lim.num_queue_pairs; q++) {
		o->txq_ctx_read(h->pf, vf, q, &v->tx[q]);
		o->rxq_ctx_read(h->pf, vf, q, &v->rx[q]);
	}
	v->txon = enabled_mask(h, vf, false);
	v->rxon = enabled_mask(h, vf, true);
	for (i = 0; i < ARRAY_SIZE(view_regs); i++)
		o->vf_reg_read(h->pf, vf, view_regs[i], &v->regs[i]);
	return v;
}

static inline bool view_equal(const struct vf_view *a, const struct vf_view *b)
{
	struct vfmig_dev_image *ia = vfmig_dev_image_alloc();
	struct vfmig_dev_image *ib = vfmig_dev_image_alloc();
	bool eq;

	ia->config = a->st.config;
	ib->config = b->st.config;
	eq = vfmig_dev_image_equal(ia, ib) &&
	     a->st.active == b->st.active && a->st.vf_caps == b->st.vf_caps &&
	     (!T_VIEW_CMP_VIRTCHNL ||
	      a->st.virtchnl_major == b->st.virtchnl_major) &&
	     !memcmp(&a->st.stats, &b->st.stats, sizeof(a->st.stats)) &&
	     !memcmp(a->tx, b->tx, sizeof(a->tx)) &&
	     !memcmp(a->rx, b->rx, sizeof(a->rx)) &&
	     a->txon == b->txon && a->rxon == b->rxon &&
	     !memcmp(a->regs, b->regs, sizeof(a->regs));
	vfmig_dev_image_free(ia);
	vfmig_dev_image_free(ib);
	return eq;
}

#endif /* VFMIG_TESTS_HOSTFIX_H */
