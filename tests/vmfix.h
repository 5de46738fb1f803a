/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmfix: a header-only test embedder for the guest AVF driver on the X710
 * model. One "fabric" holds up to two model PFs (each with its port) and up
 * to four VMs. A VM is a calloc'd guest RAM array with one model VF attached
 * through an identity IOMMU mapping (IOVA == guest physical address, bounds
 * checked), a recorder of every DMA write the model makes, and the guest
 * driver's block at a guest physical address inside that RAM. BAR0 accesses
 * go straight to vfmig_model_vf_read32/write32. Time is virtual: the fabric
 * clock advances by step_ns per step.
 *
 * Interrupts: the model's irq callback runs under the PF lock and must not
 * call back into the model, so vectors are latched and delivered to
 * vfmig_guest_irq() after vfmig_model_poll() returns (as an IOAPIC/MSI
 * would, later).
 *
 * The port: frames the model sends out of a PF port are captured (for the
 * test to inspect), looped back into the same port, or crossed to the other
 * PF's port, depending on the fabric's port mode.
 *
 * Userspace only (calloc, printf): include after harness.h.
 */
#ifndef VFMIG_TESTS_VMFIX_H
#define VFMIG_TESTS_VMFIX_H

#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include <vfmig/guest.h>
#include <vfmig/model.h>
#include "selftest/world_inline.h"

#define VM_MAX_PF	2
#define VM_MAX_VM	4
#define VM_FRAME_MAX	10240
#define VM_CAP_MAX	8192

struct vm_dma_rec {
	u64 iova;
	u32 len;
	u32 engine;	/* enum vfmig_model_engine */
};

struct vm_frame {
	u32 len;
	u8 *data;
};

struct vmfix;

struct vm {
	struct vmfix *fx;
	int pfi;			/* index of its PF in the fabric */
	struct vfmig_model_pf *pf;
	u16 vf;
	u8 *ram;
	u64 ram_size;
	u64 gpa;			/* the driver's block */
	struct vfmig_guest_cfg cfg;
	struct vfmig_guest_env env;

	struct vm_dma_rec *rec;		/* every DMA write, in order */
	u32 nrec, rec_cap;
	u64 rec_lost;			/* records beyond rec_cap */
	u64 dma_oob;			/* DMA outside guest RAM (refused) */

	u32 irq_pending;		/* BIT(vector) latched by the model */
	u64 irqs_seen;
	bool irq_deliver;		/* hand latched vectors to the driver */
	bool poll_driver;		/* call vfmig_guest_poll() each step */
};

enum vm_port_mode {
	VM_PORT_CAPTURE,	/* frames leaving a port are kept in fx->cap */
	VM_PORT_LOOPBACK,	/* ... are fed back into the same port */
	VM_PORT_CROSS,		/* ... are fed into the other PF's port */
};

struct vmfix {
	u64 now;
	u64 step_ns;
	u32 budget;
	struct vfmig_model_pf *pf[VM_MAX_PF];
	int npf;
	struct vm vm[VM_MAX_VM];
	int nvm;
	enum vm_port_mode port_mode;
	struct vm_frame cap[VM_CAP_MAX];	/* captured port frames (FIFO) */
	u32 cap_head, cap_n;
	u64 cap_lost;
	u8 *scratch;
};

/* ---- model callbacks ------------------------------------------------------ */

static int vm_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vm *vm = ctx;

	return vfmig_st_ram_copy(vm->ram, vm->ram_size, iova, buf, NULL, len,
				 &vm->dma_oob);
}

static int vm_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vm *vm = ctx;

	return vfmig_st_ram_copy(vm->ram, vm->ram_size, iova, NULL, buf, len,
				 &vm->dma_oob);
}

static void vm_irq(void *ctx, u16 vector)
{
	struct vm *vm = ctx;

	if (vector < 32)
		vm->irq_pending |= 1u << vector;
	vm->irqs_seen++;
}

static void vm_dma_record(void *ctx, u64 iova, u32 len,
			  enum vfmig_model_engine engine)
{
	struct vm *vm = ctx;

	if (vm->nrec == vm->rec_cap) {
		u32 ncap = vm->rec_cap ? vm->rec_cap * 2 : 4096;
		struct vm_dma_rec *n;

		if (ncap > (1u << 22)) {
			vm->rec_lost++;
			return;
		}
		n = realloc(vm->rec, ncap * sizeof(*n));
		if (!n) {
			vm->rec_lost++;
			return;
		}
		vm->rec = n;
		vm->rec_cap = ncap;
	}
	vm->rec[vm->nrec].iova = iova;
	vm->rec[vm->nrec].len = len;
	vm->rec[vm->nrec].engine = engine;
	vm->nrec++;
}

static u32 vm_bar0_read(void *ctx, u32 off)
{
	struct vm *vm = ctx;

	return vfmig_model_vf_read32(vm->pf, vm->vf, off);
}

static void vm_bar0_write(void *ctx, u32 off, u32 val)
{
	struct vm *vm = ctx;

	vfmig_model_vf_write32(vm->pf, vm->vf, off, val);
}

/* ---- set-up --------------------------------------------------------------- */

static inline void vm_cfg_default(struct vfmig_guest_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->num_queue_pairs = 1;
	cfg->ring_len = 128;
	cfg->rx_buf_size = 2048;
	cfg->max_tx_bufs = 4;
}

/* A fabric of @npf PFs with the model's default configuration (+@mcfg). */
static inline int fx_init(struct vmfix *fx, int npf,
			  const struct vfmig_model_cfg *mcfg)
{
	struct vfmig_model_cfg c;
	int i;

	memset(fx, 0, sizeof(*fx));
	fx->step_ns = 1000;
	fx->budget = 64;
	fx->now = 1000000;
	fx->scratch = malloc(VM_FRAME_MAX);
	if (!fx->scratch)
		return -ENOMEM;
	for (i = 0; i < npf && i < VM_MAX_PF; i++) {
		if (mcfg) {
			c = *mcfg;
		} else {
			vfmig_model_cfg_default(&c);
		}
		/* distinct PFs, distinct VF MACs (the model derives them) */
		c.port_mac[3] = (u8)(c.port_mac[3] + 0x10 * i);
		fx->pf[i] = vfmig_model_pf_new(&c);
		if (IS_ERR_OR_NULL(fx->pf[i])) {
			fx->pf[i] = NULL;
			return -ENOMEM;
		}
		fx->npf++;
	}
	return 0;
}

static inline void vm_env_sync(struct vm *vm)
{
	vm->env.ram = vm->ram;
	vm->env.ram_size = vm->ram_size;
	vm->env.bar0_read = vm_bar0_read;
	vm->env.bar0_write = vm_bar0_write;
	vm->env.ctx = vm;
	vm->env.now_ns = vm->fx->now;
}

static inline int vm_attach(struct vm *vm)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read = vm_dma_read,
		.dma_write = vm_dma_write,
		.irq = vm_irq,
		.dma_record = vm_dma_record,
		.ctx = vm,
	};

	return vfmig_model_vf_attach(vm->pf, vm->vf, &ops);
}

/*
 * A VM on VF @vf of PF @pfi with @ram_mb MiB of RAM; the driver block at
 * 1 MiB (below it: memory the device must never touch). Does not start the
 * driver: vm_start() does.
 */
static inline struct vm *fx_add_vm(struct vmfix *fx, int pfi, u16 vf,
				   u32 ram_mb, const struct vfmig_guest_cfg *cfg)
{
	struct vm *vm;

	if (fx->nvm >= VM_MAX_VM || pfi >= fx->npf)
		return NULL;
	vm = &fx->vm[fx->nvm];
	memset(vm, 0, sizeof(*vm));
	vm->fx = fx;
	vm->pfi = pfi;
	vm->pf = fx->pf[pfi];
	vm->vf = vf;
	vm->ram_size = (u64)ram_mb << 20;
	vm->ram = aligned_alloc(4096, vm->ram_size);
	if (!vm->ram)
		return NULL;
	memset(vm->ram, 0, vm->ram_size);
	vm->gpa = 1 << 20;
	vm->cfg = *cfg;
	vm->irq_deliver = true;
	vm->poll_driver = true;
	vm_env_sync(vm);
	if (vm_attach(vm)) {
		free(vm->ram);
		return NULL;
	}
	fx->nvm++;
	return vm;
}

static inline int vm_start(struct vm *vm)
{
	vm_env_sync(vm);
	return vfmig_guest_init(&vm->env, vm->gpa, &vm->cfg);
}

static inline void fx_free(struct vmfix *fx)
{
	int i;
	u32 k;

	for (i = 0; i < fx->nvm; i++) {
		vfmig_model_vf_detach(fx->vm[i].pf, fx->vm[i].vf);
		free(fx->vm[i].ram);
		free(fx->vm[i].rec);
	}
	for (i = 0; i < fx->npf; i++)
		vfmig_model_pf_free(fx->pf[i]);
	for (k = 0; k < VM_CAP_MAX; k++)
		free(fx->cap[k].data);
	free(fx->scratch);
	memset(fx, 0, sizeof(*fx));
}

/* ---- running -------------------------------------------------------------- */

static inline void fx_capture(struct vmfix *fx, const u8 *f, u32 len)
{
	struct vm_frame *fr;

	if (fx->cap_n == VM_CAP_MAX) {
		fx->cap_lost++;
		return;
	}
	fr = &fx->cap[(fx->cap_head + fx->cap_n) % VM_CAP_MAX];
	if (!fr->data)
		fr->data = malloc(VM_FRAME_MAX);
	if (!fr->data) {
		fx->cap_lost++;
		return;
	}
	memcpy(fr->data, f, len);
	fr->len = len;
	fx->cap_n++;
}

/* Take the oldest captured frame: its length (0 if none) and bytes. */
static inline u32 fx_cap_pop(struct vmfix *fx, u8 *buf, u32 len)
{
	struct vm_frame *fr;
	u32 n;

	if (!fx->cap_n)
		return 0;
	fr = &fx->cap[fx->cap_head];
	n = fr->len < len ? fr->len : len;
	memcpy(buf, fr->data, n);
	fx->cap_head = (fx->cap_head + 1) % VM_CAP_MAX;
	fx->cap_n--;
	return fr->len;
}

/* Move frames off every port; returns how many moved. */
static inline int fx_ports(struct vmfix *fx)
{
	int i, n, moved = 0;

	for (i = 0; i < fx->npf; i++) {
		while ((n = vfmig_model_port_tx_pull(fx->pf[i], fx->scratch,
						     VM_FRAME_MAX)) > 0) {
			moved++;
			switch (fx->port_mode) {
			case VM_PORT_CAPTURE:
				fx_capture(fx, fx->scratch, (u32)n);
				break;
			case VM_PORT_LOOPBACK:
				vfmig_model_port_rx(fx->pf[i], fx->scratch, (u32)n);
				break;
			case VM_PORT_CROSS:
				if (fx->npf > 1)
					vfmig_model_port_rx(fx->pf[i ^ 1],
							    fx->scratch, (u32)n);
				break;
			}
		}
	}
	return moved;
}

static inline void vm_deliver_irqs(struct vm *vm)
{
	u32 pend = vm->irq_pending;
	u16 v;

	vm->irq_pending = 0;
	if (!vm->irq_deliver)
		return;
	for (v = 0; pend; v++, pend >>= 1)
		if (pend & 1)
			vfmig_guest_irq(&vm->env, vm->gpa, v);
}

/*
 * One step of the world: the clock advances, every model runs, ports move,
 * interrupts are delivered and every driver polls. Returns the model work
 * done plus frames moved (0 = the models were idle).
 */
static inline int fx_step(struct vmfix *fx)
{
	int i, work = 0;

	fx->now += fx->step_ns;
	for (i = 0; i < fx->npf; i++) {
		int w = vfmig_model_poll(fx->pf[i], fx->now, fx->budget);

		if (w > 0)
			work += w;
	}
	work += fx_ports(fx);
	for (i = 0; i < fx->nvm; i++) {
		struct vm *vm = &fx->vm[i];

		if (!vm->ram)
			continue;
		vm_env_sync(vm);
		vm_deliver_irqs(vm);
		if (vm->poll_driver)
			vfmig_guest_poll(&vm->env, vm->gpa);
	}
	return work;
}

static inline void fx_run(struct vmfix *fx, u32 steps)
{
	while (steps--)
		fx_step(fx);
}

/*
 * Step until the models are idle for @idle consecutive steps and nothing
 * they scheduled is due within a millisecond, or @max steps. True if quiet.
 */
static inline bool fx_quiesce(struct vmfix *fx, u32 max)
{
	u32 quiet = 0;

	while (max--) {
		if (fx_step(fx) == 0)
			quiet++;
		else
			quiet = 0;
		if (quiet >= 4) {
			int i;
			bool pending = false;

			for (i = 0; i < fx->npf; i++) {
				u64 nx = vfmig_model_next_event_ns(fx->pf[i]);

				if (nx != U64_MAX && nx <= fx->now + 1000000)
					pending = true;
			}
			if (!pending)
				return true;
			quiet = 0;
		}
	}
	return false;
}

/* Step until every started VM is RUNNING (true) or @max steps pass. */
static inline bool fx_until_running(struct vmfix *fx, u32 max)
{
	int i;

	while (max--) {
		bool all = true;

		fx_step(fx);
		for (i = 0; i < fx->nvm; i++)
			if (vfmig_guest_state(&fx->vm[i].env, fx->vm[i].gpa) !=
			    VFMIG_GUEST_RUNNING)
				all = false;
		if (all)
			return true;
	}
	return false;
}

static inline enum vfmig_guest_state vm_state(struct vm *vm)
{
	vm_env_sync(vm);
	return vfmig_guest_state(&vm->env, vm->gpa);
}

static inline struct vfmig_guest_stats vm_stats(struct vm *vm)
{
	struct vfmig_guest_stats st;

	memset(&st, 0, sizeof(st));
	vm_env_sync(vm);
	vfmig_guest_stats(&vm->env, vm->gpa, &st);
	return st;
}

static inline struct vfmig_model_vf_stats vm_mstats(struct vm *vm)
{
	struct vfmig_model_vf_stats st;

	memset(&st, 0, sizeof(st));
	vfmig_model_vf_stats(vm->pf, vm->vf, &st);
	return st;
}

static inline void vm_mac(struct vm *vm, u8 mac[6])
{
	vm_env_sync(vm);
	memset(mac, 0, 6);
	vfmig_guest_mac(&vm->env, vm->gpa, mac);
}

static inline int vm_xmit(struct vm *vm, u16 q, const void *f, u32 len)
{
	vm_env_sync(vm);
	return vfmig_guest_xmit(&vm->env, vm->gpa, q, f, len);
}

static inline int vm_recv(struct vm *vm, u16 q, void *buf, u32 len)
{
	vm_env_sync(vm);
	return vfmig_guest_recv(&vm->env, vm->gpa, q, buf, len);
}

/* Receive from any queue of @vm (queue order); 0 when nothing is ready. */
static inline int vm_recv_any(struct vm *vm, void *buf, u32 len)
{
	int q, n, nq;

	vm_env_sync(vm);
	nq = vfmig_guest_num_queues(&vm->env, vm->gpa);
	for (q = 0; q < nq; q++) {
		n = vfmig_guest_recv(&vm->env, vm->gpa, (u16)q, buf, len);
		if (n)
			return n;
	}
	return 0;
}

/* ---- test frames (the format: tests/selftest/world_inline.h) --------------- */

static inline void vm_make_frame(u8 *f, u32 len, const u8 *dst, const u8 *src,
				 u32 stream, u32 seq)
{
	vfmig_st_frame_make(f, len, dst, src, stream, seq);
}

/* True if @f is an intact test frame; its stream and sequence number out. */
static inline bool vm_check_frame(const u8 *f, u32 len, u32 *stream, u32 *seq)
{
	return vfmig_st_frame_valid(f, len, stream, seq);
}

/* ---- DMA ground truth ----------------------------------------------------- */

/*
 * Does every recorded DMA write of @vm land inside a region the driver gave
 * the device for exactly that kind of write? Returns the number of
 * violations (printing the first few).
 */
static inline u32 vm_check_dma(struct vm *vm)
{
	struct vfmig_guest_region reg[128];
	u32 i, bad = 0;
	int n;

	vm_env_sync(vm);
	n = vfmig_guest_regions(&vm->env, vm->gpa, reg, 128);
	if (n <= 0 || n > 128)
		return 1;
	for (i = 0; i < vm->nrec; i++) {
		const struct vm_dma_rec *r = &vm->rec[i];
		bool ok = vfmig_st_dma_allowed(reg, (u32)n, r->engine, r->iova, r->len);

		if (!ok && bad++ < 5)
			printf("#   DMA write %#llx+%u by engine %u outside the regions for it\n",
			       (unsigned long long)r->iova, r->len, r->engine);
	}
	return bad;
}

#endif /* VFMIG_TESTS_VMFIX_H */
