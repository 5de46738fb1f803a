// SPDX-License-Identifier: GPL-2.0-only
/*
 * The self-test world: model PFs with agents, VMs with guest RAM, a guest
 * AVF driver and (unless configured without) a vfdev each, stepped in
 * virtual time; what the PF sees of a VF; device-state streams; test frames
 * and tallies. The one test world: the self-tests use it in the kernel and
 * in userspace, the unit tests through tests/hostfix.h. Reaches the world
 * only through include/vfmig.
 */
#include <vfmig/x710_regs.h>
#include "selftest.h"

/* ---- the model VF's side: guest memory, interrupts ------------------------ */

static int st_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vfmig_st_vm *vm = ctx;

	return vfmig_st_ram_copy(vm->ram, vm->w->cfg.ram_size, iova, buf, NULL,
				 len, &vm->dma_refused);
}

static int st_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vfmig_st_vm *vm = ctx;

	return vfmig_st_ram_copy(vm->ram, vm->w->cfg.ram_size, iova, NULL, buf,
				 len, &vm->dma_refused);
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

/*
 * The guest's BAR0: with a vfdev, the trapped pages through mediation; the
 * rest (everything without one) straight to the device.
 */
static u32 st_bar0_read(void *ctx, u32 off)
{
	struct vfmig_st_vm *vm = ctx;
	u64 v = 0;

	if (vm->vdev && vfmig_vf_bar0_trapped(off)) {
		vfmig_vf_bar0_read(vm->vdev, off, &v, 4);
		return (u32)v;
	}
	return vfmig_model_vf_read32(vm->h->pf, vm->vf, off);
}

static void st_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vfmig_st_vm *vm = ctx;

	if (vm->vdev && vfmig_vf_bar0_trapped(off)) {
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

void vfmig_st_world_cfg_default(struct vfmig_st_world_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->ram_size = VFMIG_ST_RAM;
	c->gpa = VFMIG_ST_GPA;
}

struct vfmig_st_world *vfmig_st_world_new(const struct vfmig_st_world_cfg *cfg)
{
	struct vfmig_st_world *w = vfmig_zalloc(sizeof(*w));

	if (!w)
		return NULL;
	if (cfg)
		w->cfg = *cfg;
	else
		vfmig_st_world_cfg_default(&w->cfg);
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

void vfmig_st_host_cfg_default(struct vfmig_st_world *w,
			       struct vfmig_model_cfg *c, u16 queues, u16 msix)
{
	vfmig_model_cfg_default(c);
	c->queues_per_vf = queues;
	c->msix_per_vf = msix;
	c->vf_device_id = 0x154c;
	c->port_mac[5] = (0x10 + w->nhost) & 0xff;
}

struct vfmig_st_host *vfmig_st_host_add(struct vfmig_st_world *w,
					const struct vfmig_model_cfg *c)
{
	struct vfmig_st_host *h;

	if (w->nhost >= VFMIG_ST_MAX_HOST)
		return NULL;
	h = &w->host[w->nhost];
	memset(h, 0, sizeof(*h));
	h->cfg = *c;
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

struct vfmig_st_host *vfmig_st_host_new(struct vfmig_st_world *w, u16 queues,
					u16 msix)
{
	struct vfmig_model_cfg c;

	vfmig_st_host_cfg_default(w, &c, queues, msix);
	return vfmig_st_host_add(w, &c);
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

/* Give @vm a vfdev on its VF: 0 or -errno. */
static int st_vm_vfdev(struct vfmig_st_vm *vm)
{
	struct vfmig_vfdev_cfg vc = { 0 };

	vc.vf = vm->vf;
	vc.ops = &st_vd_ops;
	vc.ctx = vm;
	vc.agent = vm->h->tr;
	vc.timeout_us = 1000;
	vm->vdev = vfmig_vfdev_new(&vc);
	if (IS_ERR(vm->vdev)) {
		vm->vdev = NULL;
		return -ENOMEM;
	}
	return 0;
}

struct vfmig_st_vm *vfmig_st_vm_new(struct vfmig_st_world *w,
				    struct vfmig_st_host *h, u16 vf,
				    const struct vfmig_guest_cfg *gcfg)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read = st_dma_read, .dma_write = st_dma_write,
		.irq = st_irq, .dma_record = st_record,
	};
	struct vfmig_st_vm *vm;

	if (w->nvm >= VFMIG_ST_MAX_VM)
		return NULL;
	vm = &w->vm[w->nvm];
	memset(vm, 0, sizeof(*vm));
	vm->w = w;
	vm->h = h;
	vm->vf = vf;
	vm->ram = vfmig_zalloc(w->cfg.ram_size);
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
	if (!w->cfg.no_vfdev && st_vm_vfdev(vm))
		return NULL;
	vm->env.ram = vm->ram;
	vm->env.ram_size = w->cfg.ram_size;
	vm->env.bar0_read = st_bar0_read;
	vm->env.bar0_write = st_bar0_write;
	vm->env.ctx = vm;
	vm->env.now_ns = w->now;
	if (gcfg) {
		vm->gcfg = *gcfg;
		vm->vcpu = true;
		if (vfmig_guest_init(&vm->env, w->cfg.gpa, &vm->gcfg))
			return NULL;
	}
	return vm;
}

/* Latched vectors through the vfdev (all of them without one), then the guest. */
static void st_vm_step(struct vfmig_st_world *w, struct vfmig_st_vm *vm)
{
	u32 pend = vm->irq_latched, deliver = 0;
	u16 v;

	vm->env.now_ns = w->now;
	vm->irq_latched = 0;
	for (v = 0; v < 32; v++)
		if ((pend & BIT(v)) && (!vm->vdev || vfmig_vfdev_irq(vm->vdev, v)))
			deliver |= BIT(v);
	vm->irq_ready |= deliver;
	if (!vm->vcpu)
		return;
	deliver = vm->irq_ready;
	vm->irq_ready = 0;
	for (v = 0; v < 32; v++) {
		if (!(deliver & BIT(v)))
			continue;
		vfmig_guest_irq(&vm->env, w->cfg.gpa, v);
		vm->irqs_delivered++;
	}
	vfmig_guest_poll(&vm->env, w->cfg.gpa);
}

void vfmig_st_step(struct vfmig_st_world *w)
{
	u32 i;

	w->now += 1000;
	for (i = 0; i < w->nhost; i++) {
		u64 mnow = vfmig_model_now(w->host[i].pf);

		if (mnow > w->now)
			w->now = mnow;
	}
	for (i = 0; i < w->nhost; i++)
		vfmig_model_poll(w->host[i].pf, w->now, 64);
	for (i = 0; i < w->nvm; i++)
		st_vm_step(w, &w->vm[i]);
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
		if (vfmig_guest_state(&vm->env, w->cfg.gpa) == VFMIG_GUEST_RUNNING) {
			vfmig_guest_mac(&vm->env, w->cfg.gpa, vm->mac);
			return true;
		}
	}
	return false;
}

struct vfmig_st_vm *vfmig_st_running_vm_new(struct vfmig_st_world *w,
					    u16 queues,
					    struct vfmig_st_host **hp)
{
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *h = vfmig_st_host_new(w, 4, 5);
	struct vfmig_st_vm *vm;

	if (!h)
		return NULL;
	vfmig_st_gcfg_default(&g, queues);
	vm = vfmig_st_vm_new(w, h, 0, &g);
	if (!vm || !vfmig_st_until_running(w, vm, 20000))
		return NULL;
	if (hp)
		*hp = h;
	return vm;
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
	return vfmig_guest_regions(&vm->env, vm->w->cfg.gpa, r, max);
}

/* ---- what the PF sees of a VF ------------------------------------------------ */

const u32 vfmig_st_view_regs[VFMIG_ST_VIEW_NREGS] = {
	VFMIG_VFINT_ICR01, VFMIG_VFINT_ICR0_ENA1, VFMIG_VFINT_DYN_CTL01,
	VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1(1), VFMIG_VFINT_ITR01(0),
	VFMIG_VFINT_ITRN1(0, 0), VFMIG_VFINT_ITRN1(1, 1), VFMIG_VF_ATQBAL1,
	VFMIG_VF_ATQBAH1, VFMIG_VF_ATQLEN1, VFMIG_VF_ATQH1, VFMIG_VF_ATQT1,
	VFMIG_VF_ARQBAL1, VFMIG_VF_ARQBAH1, VFMIG_VF_ARQLEN1, VFMIG_VF_ARQH1,
	VFMIG_VF_ARQT1, VFMIG_QTX_TAIL1(0), VFMIG_QTX_TAIL1(1), VFMIG_QTX_TAIL1(2),
	VFMIG_QRX_TAIL1(0), VFMIG_QRX_TAIL1(1), VFMIG_QRX_TAIL1(2),
};

int vfmig_st_view_take(struct vfmig_st_host *h, u16 vf,
		       struct vfmig_st_view *v)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vfmig_pf_vf_limits lim;
	int ret;
	u32 i;
	u16 q;

	memset(v, 0, sizeof(*v));
	ret = o->vf_limits(h->pf, vf, &lim);
	if (ret)
		return ret;
	ret = o->vf_state_get(h->pf, vf, &v->st);
	for (q = 0; q < lim.num_queue_pairs && q < VFMIG_MAX_QUEUE_PAIRS && !ret; q++) {
		ret = o->txq_ctx_read(h->pf, vf, q, &v->tx[q]);
		if (!ret)
			ret = o->rxq_ctx_read(h->pf, vf, q, &v->rx[q]);
	}
	for (i = 0; i < VFMIG_ST_VIEW_NREGS && !ret; i++)
		ret = o->vf_reg_read(h->pf, vf, vfmig_st_view_regs[i], &v->regs[i]);
	v->txon = vfmig_st_enabled_mask(h, vf, false);
	v->rxon = vfmig_st_enabled_mask(h, vf, true);
	return ret;
}

bool vfmig_st_config_equal(const struct vfmig_dev_config *a,
			   const struct vfmig_dev_config *b, bool ignore_vsi_id)
{
	struct vfmig_dev_image *ia = vfmig_dev_image_alloc();
	struct vfmig_dev_image *ib = vfmig_dev_image_alloc();
	bool eq = false;

	if (!IS_ERR_OR_NULL(ia) && !IS_ERR_OR_NULL(ib)) {
		ia->config = *a;
		ib->config = *b;
		if (ignore_vsi_id)
			ib->config.vsi.vsi_id = ia->config.vsi.vsi_id;
		eq = vfmig_dev_image_equal(ia, ib);
	}
	vfmig_dev_image_free(ia);
	vfmig_dev_image_free(ib);
	return eq;
}

/* TX contexts equal (the TX scheduler handle is the PF's own if @moved). */
static bool st_txq_equal(const struct vfmig_hmc_txq *a,
			 const struct vfmig_hmc_txq *b, bool moved)
{
	struct vfmig_hmc_txq ta = *a, tb = *b;

	if (moved) {
		ta.rdylist = 0;
		tb.rdylist = 0;
	}
	return !memcmp(&ta, &tb, sizeof(ta));
}

bool vfmig_st_view_equal(const struct vfmig_st_view *a,
			 const struct vfmig_st_view *b, u32 flags)
{
	bool moved = flags & VFMIG_ST_VIEW_MOVED;
	u16 q;

	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++)
		if (!st_txq_equal(&a->tx[q], &b->tx[q], moved))
			return false;
	return vfmig_st_config_equal(&a->st.config, &b->st.config, moved) &&
	       a->st.active == b->st.active && a->st.vf_caps == b->st.vf_caps &&
	       ((flags & VFMIG_ST_VIEW_ANY_VIRTCHNL) ||
		a->st.virtchnl_major == b->st.virtchnl_major) &&
	       !memcmp(&a->st.stats, &b->st.stats, sizeof(a->st.stats)) &&
	       !memcmp(a->rx, b->rx, sizeof(a->rx)) &&
	       a->txon == b->txon && a->rxon == b->rxon &&
	       !memcmp(a->regs, b->regs, sizeof(a->regs));
}

/* ---- device-state streams ------------------------------------------------------ */

int vfmig_st_sbuf_init(struct vfmig_st_sbuf *s, u32 cap)
{
	memset(s, 0, sizeof(*s));
	s->b = vfmig_zalloc(cap);
	if (!s->b)
		return -ENOMEM;
	s->cap = cap;
	return 0;
}

void vfmig_st_sbuf_free(struct vfmig_st_sbuf *s)
{
	vfmig_free(s->b);
	s->b = NULL;
}

u32 vfmig_st_rand(u64 *seed)
{
	u64 x = *seed ? *seed : 0x9E3779B97F4A7C15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return (u32)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

long vfmig_st_save_drain(struct vfmig_vfdev *v, struct vfmig_st_sbuf *s,
			 bool *eof, u64 *seed)
{
	long n, total = 0;

	*eof = false;
	for (;;) {
		u32 want = 1 + vfmig_st_rand(seed) % 3000;

		if (want > s->cap - s->len)
			return -ENOSPC;
		n = vfmig_vfdev_save_read(v, s->len, s->b + s->len, want, eof);
		if (n <= 0)
			return n < 0 ? n : total;
		s->len += (u32)n;
		total += n;
	}
}

long vfmig_st_resume_feed(struct vfmig_vfdev *v, const u8 *b, u32 len,
			  u64 *seed)
{
	u32 off = 0, n;
	long r;

	while (off < len) {
		n = 1 + vfmig_st_rand(seed) % (vfmig_st_rand(seed) % 4 ? 5000 : 16);
		if (n > len - off)
			n = len - off;
		r = vfmig_vfdev_resume_write(v, b + off, n);
		if (r < 0)
			return r;
		if (r != (long)n)
			return -EIO;
		off += n;
	}
	return (long)len;
}

/* ---- test frames ------------------------------------------------------------- */

const u8 vfmig_st_peer_mac[6] = { 0x02, 0xee, 0, 0, 0, 1 };

bool vfmig_st_frame_check(const u8 *f, u32 len, u32 *stream, u32 *seq)
{
	return len >= VFMIG_ST_FRAME_MIN && len <= VFMIG_ST_FRAME_MAX &&
	       vfmig_st_frame_valid(f, len, stream, seq);
}

u32 vfmig_st_frame_len(u32 stream, u32 seq)
{
	/* every length class: minimum, one TX buffer, split over several */
	return VFMIG_ST_FRAME_MIN +
	       (seq * 181 + stream * 53) % (VFMIG_ST_FRAME_MAX - VFMIG_ST_FRAME_MIN + 1);
}

int vfmig_st_xmit_len(struct vfmig_st_vm *vm, u16 q, const u8 *dst,
		      u32 stream, u32 seq, u32 len)
{
	vfmig_st_frame_make(vm->w->frame, len, dst, vm->mac, stream, seq);
	vm->env.now_ns = vm->w->now;
	return vfmig_guest_xmit(&vm->env, vm->w->cfg.gpa, q, vm->w->frame, len);
}

int vfmig_st_xmit(struct vfmig_st_vm *vm, u16 q, const u8 *dst, u32 stream,
		  u32 seq)
{
	return vfmig_st_xmit_len(vm, q, dst, stream, seq,
				 vfmig_st_frame_len(stream, seq));
}

int vfmig_st_port_inject_len(struct vfmig_st_world *w, struct vfmig_st_host *h,
			     const u8 *dst, u32 stream, u32 seq, u32 len)
{
	vfmig_st_frame_make(w->frame, len, dst, vfmig_st_peer_mac, stream, seq);
	return vfmig_model_port_rx(h->pf, w->frame, len);
}

int vfmig_st_port_inject(struct vfmig_st_world *w, struct vfmig_st_host *h,
			 const u8 *dst, u32 stream, u32 seq)
{
	return vfmig_st_port_inject_len(w, h, dst, stream, seq,
					vfmig_st_frame_len(stream, seq));
}

u32 vfmig_st_drain_each(struct vfmig_st_vm *vm,
			void (*fn)(void *ctx, const u8 *f, int len), void *ctx)
{
	u32 n = 0;
	u16 q;
	int len;

	if (!vm->vcpu)
		return 0;
	for (q = 0; q < vm->gcfg.num_queue_pairs; q++) {
		while ((len = vfmig_guest_recv(&vm->env, vm->w->cfg.gpa, q,
					       vm->w->rxbuf, VFMIG_ST_BUF)) != 0) {
			if (len < 0) {
				fn(ctx, NULL, len);
				break;
			}
			fn(ctx, vm->w->rxbuf, len);
			n++;
		}
	}
	return n;
}

u32 vfmig_st_port_each(struct vfmig_st_world *w, struct vfmig_st_host *h,
		       void (*fn)(void *ctx, const u8 *f, int len), void *ctx)
{
	u32 n = 0;
	int len;

	while ((len = vfmig_model_port_tx_pull(h->pf, w->rxbuf, VFMIG_ST_BUF)) != 0) {
		if (len < 0) {
			fn(ctx, NULL, len);
			break;
		}
		fn(ctx, w->rxbuf, len);
		n++;
	}
	return n;
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

struct st_tallies {
	struct vfmig_st_tally *t;
	u32 nt;
};

/* A frame into the tallies; a receive error is bad. */
static void st_tally_frame(void *ctx, const u8 *f, int len)
{
	struct st_tallies *ts = ctx;

	if (!ts->nt)
		return;
	if (len < 0)
		ts->t[0].bad++;
	else
		vfmig_st_tally_add(ts->t, ts->nt, f, (u32)len);
}

u32 vfmig_st_drain(struct vfmig_st_vm *vm, struct vfmig_st_tally *t, u32 nt)
{
	struct st_tallies ts = { t, nt };

	return vfmig_st_drain_each(vm, st_tally_frame, &ts);
}

u32 vfmig_st_port_collect(struct vfmig_st_world *w, struct vfmig_st_host *h,
			  struct vfmig_st_tally *t, u32 nt)
{
	struct st_tallies ts = { t, nt };

	return vfmig_st_port_each(w, h, st_tally_frame, &ts);
}
