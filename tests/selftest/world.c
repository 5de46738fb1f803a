// SPDX-License-Identifier: GPL-2.0-only
/*
 * The self-test world: model PFs with agents, VMs with guest RAM, a guest
 * AVF driver and a vfdev each, stepped in virtual time. A portable version
 * of tests/hostfix.h (same callbacks, same step), reaching the world only
 * through include/vfmig, so it runs in the kernel as well.
 */
#include <vfmig/x710_regs.h>
#include "selftest.h"

/* ---- the model VF's side: guest memory, interrupts ------------------------ */

static int st_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vfmig_st_vm *vm = ctx;

	if (iova > VFMIG_ST_RAM || len > VFMIG_ST_RAM - iova) {
		vm->dma_refused++;
		return -EFAULT;
	}
	memcpy(buf, vm->ram + iova, len);
	return 0;
}

static int st_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vfmig_st_vm *vm = ctx;

	if (iova > VFMIG_ST_RAM || len > VFMIG_ST_RAM - iova) {
		vm->dma_refused++;
		return -EFAULT;
	}
	memcpy(vm->ram + iova, buf, len);
	return 0;
}

static void st_irq(void *ctx, u16 vector)
{
	struct vfmig_st_vm *vm = ctx;

	if (vector < 32)
		vm->irq_latched |= BIT(vector);
}

static void st_record(void *ctx, u64 iova, u32 len, enum vfmig_model_engine e)
{
	struct vfmig_st_vm *vm = ctx;

	vm->dma_writes++;
	if (vm->w->dma_record)
		vm->w->dma_record(vm->w->dma_ctx, vm, iova, len, e);
}

/* The guest's BAR0: trapped pages through mediation, the rest to the device. */
static u32 st_bar0_read(void *ctx, u32 off)
{
	struct vfmig_st_vm *vm = ctx;
	u64 v = 0;

	if (vfmig_vf_bar0_trapped(off)) {
		vfmig_vf_bar0_read(vm->vdev, off, &v, 4);
		return (u32)v;
	}
	return vfmig_model_vf_read32(vm->h->pf, vm->vf, off);
}

static void st_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vfmig_st_vm *vm = ctx;

	if (vfmig_vf_bar0_trapped(off)) {
		vfmig_vf_bar0_write(vm->vdev, off, val, 4);
		return;
	}
	vfmig_model_vf_write32(vm->h->pf, vm->vf, off, val);
}

/* What the vfdev sees: guest memory, the device's registers, irq release. */
static int st_vd_bar0_read(void *ctx, u32 off, u32 *val)
{
	struct vfmig_st_vm *vm = ctx;

	*val = vfmig_model_vf_read32(vm->h->pf, vm->vf, off);
	return 0;
}

static int st_vd_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vfmig_st_vm *vm = ctx;

	vfmig_model_vf_write32(vm->h->pf, vm->vf, off, val);
	return 0;
}

static void st_vd_irq_deliver(void *ctx, u16 vector)
{
	struct vfmig_st_vm *vm = ctx;

	if (vector < 32)
		vm->irq_ready |= BIT(vector);
}

static const struct vfmig_vfdev_ops st_vd_ops = {
	.dma_read = st_dma_read,
	.bar0_read = st_vd_bar0_read,
	.bar0_write = st_vd_bar0_write,
	.irq_deliver = st_vd_irq_deliver,
};

/* ---- the world ------------------------------------------------------------- */

struct vfmig_st_world *vfmig_st_world_new(void)
{
	struct vfmig_st_world *w = vfmig_zalloc(sizeof(*w));

	if (!w)
		return NULL;
	w->frame = vfmig_zalloc(VFMIG_ST_BUF);
	w->rxbuf = vfmig_zalloc(VFMIG_ST_BUF);
	if (!w->frame || !w->rxbuf) {
		vfmig_st_world_free(w);
		return NULL;
	}
	w->now = 1000000;
	return w;
}

void vfmig_st_world_free(struct vfmig_st_world *w)
{
	u32 i;

	if (!w)
		return;
	for (i = 0; i < w->nvm; i++) {
		vfmig_vfdev_free(w->vm[i].vdev);
		vfmig_model_vf_detach(w->vm[i].h->pf, w->vm[i].vf);
		vfmig_free(w->vm[i].ram);
	}
	for (i = 0; i < w->nhost; i++) {
		vfmig_agent_free(w->host[i].agent);
		vfmig_model_pf_free(w->host[i].pf);
	}
	vfmig_free(w->frame);
	vfmig_free(w->rxbuf);
	vfmig_free(w);
}

struct vfmig_st_host *vfmig_st_host_new(struct vfmig_st_world *w, u16 queues,
					u16 msix)
{
	struct vfmig_st_host *h;

	if (w->nhost >= VFMIG_ST_MAX_HOST)
		return NULL;
	h = &w->host[w->nhost];
	memset(h, 0, sizeof(*h));
	vfmig_model_cfg_default(&h->cfg);
	h->cfg.queues_per_vf = queues;
	h->cfg.msix_per_vf = msix;
	h->cfg.vf_device_id = 0x154c;
	h->cfg.port_mac[5] = (0x10 + w->nhost) & 0xff;
	h->pf = vfmig_model_pf_new(&h->cfg);
	if (IS_ERR_OR_NULL(h->pf))
		return NULL;
	h->agent = vfmig_agent_new(&vfmig_model_pf_hw_ops, h->pf, h->cfg.num_vfs);
	if (IS_ERR_OR_NULL(h->agent)) {
		vfmig_model_pf_free(h->pf);
		return NULL;
	}
	vfmig_agent_local_transport(h->agent, &h->tr);
	w->nhost++;
	return h;
}

void vfmig_st_gcfg_default(struct vfmig_guest_cfg *c, u16 queues)
{
	memset(c, 0, sizeof(*c));
	c->num_queue_pairs = queues;
	c->ring_len = 128;
	c->rx_buf_size = 2048;
	c->max_tx_bufs = 4;
	c->use_irq = true;
}

struct vfmig_st_vm *vfmig_st_vm_new(struct vfmig_st_world *w,
				    struct vfmig_st_host *h, u16 vf,
				    const struct vfmig_guest_cfg *gcfg)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read = st_dma_read, .dma_write = st_dma_write,
		.irq = st_irq, .dma_record = st_record,
	};
	struct vfmig_vfdev_cfg vc = { 0 };
	struct vfmig_st_vm *vm;

	if (w->nvm >= VFMIG_ST_MAX_VM)
		return NULL;
	vm = &w->vm[w->nvm];
	memset(vm, 0, sizeof(*vm));
	vm->w = w;
	vm->h = h;
	vm->vf = vf;
	vm->ram = vfmig_zalloc(VFMIG_ST_RAM);
	if (!vm->ram)
		return NULL;
	ops.ctx = vm;
	if (vfmig_model_vf_attach(h->pf, vf, &ops)) {
		vfmig_free(vm->ram);
		vm->ram = NULL;
		return NULL;
	}
	/* from here on vfmig_st_world_free() undoes what was done */
	w->nvm++;
	vc.vf = vf;
	vc.ops = &st_vd_ops;
	vc.ctx = vm;
	vc.agent = h->tr;
	vc.timeout_us = 1000;
	vm->vdev = vfmig_vfdev_new(&vc);
	if (IS_ERR(vm->vdev)) {
		vm->vdev = NULL;
		return NULL;
	}
	vm->env.ram = vm->ram;
	vm->env.ram_size = VFMIG_ST_RAM;
	vm->env.bar0_read = st_bar0_read;
	vm->env.bar0_write = st_bar0_write;
	vm->env.ctx = vm;
	vm->env.now_ns = w->now;
	if (gcfg) {
		vm->gcfg = *gcfg;
		vm->vcpu = true;
		if (vfmig_guest_init(&vm->env, VFMIG_ST_GPA, &vm->gcfg))
			return NULL;
	}
	return vm;
}

void vfmig_st_step(struct vfmig_st_world *w)
{
	u32 i;
	u16 v;

	w->now += 1000;
	for (i = 0; i < w->nhost; i++) {
		u64 mnow = vfmig_model_now(w->host[i].pf);

		if (mnow > w->now)
			w->now = mnow;
	}
	for (i = 0; i < w->nhost; i++)
		vfmig_model_poll(w->host[i].pf, w->now, 64);
	for (i = 0; i < w->nvm; i++) {
		struct vfmig_st_vm *vm = &w->vm[i];
		u32 pend = vm->irq_latched, deliver = 0;

		vm->env.now_ns = w->now;
		vm->irq_latched = 0;
		for (v = 0; v < 32; v++)
			if ((pend & BIT(v)) && vfmig_vfdev_irq(vm->vdev, v))
				deliver |= BIT(v);
		vm->irq_ready |= deliver;
		if (!vm->vcpu)
			continue;
		deliver = vm->irq_ready;
		vm->irq_ready = 0;
		for (v = 0; v < 32; v++) {
			if (!(deliver & BIT(v)))
				continue;
			vfmig_guest_irq(&vm->env, VFMIG_ST_GPA, v);
			vm->irqs_delivered++;
		}
		vfmig_guest_poll(&vm->env, VFMIG_ST_GPA);
	}
}

void vfmig_st_run(struct vfmig_st_world *w, u32 steps)
{
	while (steps--)
		vfmig_st_step(w);
}

bool vfmig_st_until_running(struct vfmig_st_world *w, struct vfmig_st_vm *vm,
			    u32 max_steps)
{
	while (max_steps--) {
		vfmig_st_step(w);
		if (vfmig_guest_state(&vm->env, VFMIG_ST_GPA) == VFMIG_GUEST_RUNNING) {
			vfmig_guest_mac(&vm->env, VFMIG_ST_GPA, vm->mac);
			return true;
		}
	}
	return false;
}

u32 vfmig_st_enabled_mask(struct vfmig_st_host *h, u16 vf, bool rx)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vfmig_pf_vf_limits lim;
	u32 m = 0;
	bool on;
	u16 q;

	if (o->vf_limits(h->pf, vf, &lim))
		return 0;
	for (q = 0; q < lim.num_queue_pairs && q < 32; q++)
		if (!o->queue_enabled(h->pf, vf, q, rx, &on) && on)
			m |= BIT(q);
	return m;
}

int vfmig_st_regions(struct vfmig_st_vm *vm, struct vfmig_guest_region *r,
		     u32 max)
{
	return vfmig_guest_regions(&vm->env, VFMIG_ST_GPA, r, max);
}

/* ---- test frames ------------------------------------------------------------- */

const u8 vfmig_st_peer_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };

#define ST_ETH_HLEN	14
#define ST_HDR_LEN	(ST_ETH_HLEN + 16)

static u8 st_payload(u32 stream, u32 seq, u32 i)
{
	return (seq * 7 + stream * 13 + i * 31 + (i >> 8)) & 0xff;
}

void vfmig_st_frame_make(u8 *f, u32 len, const u8 *dst, const u8 *src,
			 u32 stream, u32 seq)
{
	u32 i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, "VFMG", 4);
	vfmig_put_le32(f + 18, seq);
	vfmig_put_le32(f + 22, stream);
	vfmig_put_le32(f + 26, len);
	for (i = ST_HDR_LEN; i < len - 4; i++)
		f[i] = st_payload(stream, seq, i);
	vfmig_put_le32(f + len - 4, vfmig_crc32c(0, f, len - 4));
}

bool vfmig_st_frame_check(const u8 *f, u32 len, u32 *stream, u32 *seq)
{
	if (len < VFMIG_ST_FRAME_MIN || len > VFMIG_ST_FRAME_MAX ||
	    memcmp(f + 14, "VFMG", 4) || vfmig_get_le32(f + 26) != len ||
	    vfmig_crc32c(0, f, len - 4) != vfmig_get_le32(f + len - 4))
		return false;
	*stream = vfmig_get_le32(f + 22);
	*seq = vfmig_get_le32(f + 18);
	return true;
}

u32 vfmig_st_frame_len(u32 stream, u32 seq)
{
	/* every length class: minimum, one TX buffer, split over several */
	return VFMIG_ST_FRAME_MIN +
	       (seq * 181 + stream * 53) % (VFMIG_ST_FRAME_MAX - VFMIG_ST_FRAME_MIN + 1);
}

int vfmig_st_xmit(struct vfmig_st_vm *vm, u16 q, const u8 *dst, u32 stream,
		  u32 seq)
{
	u32 len = vfmig_st_frame_len(stream, seq);

	vfmig_st_frame_make(vm->w->frame, len, dst, vm->mac, stream, seq);
	vm->env.now_ns = vm->w->now;
	return vfmig_guest_xmit(&vm->env, VFMIG_ST_GPA, q, vm->w->frame, len);
}

int vfmig_st_port_inject(struct vfmig_st_world *w, struct vfmig_st_host *h,
			 const u8 *dst, u32 stream, u32 seq)
{
	u32 len = vfmig_st_frame_len(stream, seq);

	vfmig_st_frame_make(w->frame, len, dst, vfmig_st_peer_mac, stream, seq);
	return vfmig_model_port_rx(h->pf, w->frame, len);
}

/* ---- tallies ------------------------------------------------------------------ */

int vfmig_st_tally_init(struct vfmig_st_tally *t, u32 stream, u32 n)
{
	memset(t, 0, sizeof(*t));
	t->count = vfmig_zalloc(n);
	if (!t->count)
		return -ENOMEM;
	t->n = n;
	t->stream = stream;
	return 0;
}

void vfmig_st_tally_free(struct vfmig_st_tally *t)
{
	vfmig_free(t->count);
	t->count = NULL;
}

void vfmig_st_tally_add(struct vfmig_st_tally *t, u32 nt, const u8 *f,
			u32 len)
{
	u32 stream, seq, i;

	if (!nt)
		return;
	if (!vfmig_st_frame_check(f, len, &stream, &seq)) {
		t[0].bad++;
		return;
	}
	for (i = 0; i < nt; i++) {
		if (t[i].stream != stream || !t[i].count)
			continue;
		if (seq >= t[i].n) {
			t[i].bad++;
			return;
		}
		if (t[i].count[seq] < 255)
			t[i].count[seq]++;
		t[i].got++;
		return;
	}
	t[0].bad++;
}

u32 vfmig_st_tally_not_once(const struct vfmig_st_tally *t, u32 from, u32 to)
{
	u32 i, n = 0;

	for (i = from; i < to; i++)
		if (i >= t->n || t->count[i] != 1)
			n++;
	return n;
}

u32 vfmig_st_drain(struct vfmig_st_vm *vm, struct vfmig_st_tally *t, u32 nt)
{
	u32 n = 0;
	u16 q;
	int len;

	if (!vm->vcpu)
		return 0;
	for (q = 0; q < vm->gcfg.num_queue_pairs; q++) {
		while ((len = vfmig_guest_recv(&vm->env, VFMIG_ST_GPA, q,
					       vm->w->rxbuf, VFMIG_ST_BUF)) != 0) {
			if (len < 0) {
				t[0].bad++;
				break;
			}
			vfmig_st_tally_add(t, nt, vm->w->rxbuf, (u32)len);
			n++;
		}
	}
	return n;
}

u32 vfmig_st_port_collect(struct vfmig_st_world *w, struct vfmig_st_host *h,
			  struct vfmig_st_tally *t, u32 nt)
{
	u32 n = 0;
	int len;

	while ((len = vfmig_model_port_tx_pull(h->pf, w->rxbuf, VFMIG_ST_BUF)) != 0) {
		if (len < 0) {
			/* longer than any test frame (it stays queued) */
			t[0].bad++;
			break;
		}
		vfmig_st_tally_add(t, nt, w->rxbuf, (u32)len);
		n++;
	}
	return n;
}
