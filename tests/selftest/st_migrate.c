// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-tests of device-state migration between two model VFs on two model
 * PFs, each VF with its struct vfmig_vfdev and each PF with its agent:
 *
 * "migrate": a running guest with traffic moves from host A to host B.
 *	RUNNING -> PRE_COPY (MATCH and CONFIG pre-applied on the destination)
 *	-> STOP_COPY on the source, RESUMING -> STOP -> RUNNING on the
 *	destination. Guest RAM moves like QEMU moves it: one full copy once
 *	the dirty log runs, then rounds that copy the pages the vfdev's DMA
 *	dirty log reports plus every page the guest CPU may write (there is no
 *	vCPU write tracking here, so those are always copied), the last round
 *	after the stop. Pages only the device writes (RX and ARQ buffers) thus
 *	reach the destination only if the log reported them. Judged by: no page
 *	the model DMA-wrote left unreported, destination RAM equal to source RAM
 *	byte for byte, the PF state of the destination VF equal to the
 *	source's, frames pending in the RX ring at the stop received intact on
 *	the destination, every frame sent exactly once across the move, and
 *	the guest's counters (kept in its RAM) continuing.
 * "cancel": the source goes to STOP_COPY and back to RUNNING: no frame
 *	lost or sent twice, reception works.
 * "bad_stream": a destination refuses a stream with a flipped bit and a
 *	truncated one at RESUMING -> STOP, goes to ERROR with its VF
 *	untouched, recovers by reset; the intact stream then restores.
 */
#include <vfmig/devstate.h>
#include <vfmig/x710_regs.h>
#include "selftest.h"

#define ST_MG_STREAM_CAP	(64u << 10)
#define ST_MG_SEQ		2048u
#define ST_MG_QUEUES		2
#define ST_MG_PENDING		16	/* frames left in the RX ring at the stop */

enum { ST_MG_OUT = 1, ST_MG_IN, ST_MG_NT };	/* guest -> wire, wire -> guest */

/* ---- guest RAM: the dirty log against the model's DMA record ------------------- */

/**
 * struct st_ram - RAM migration of one VM and its judge
 * @vm: the source VM (the only one whose DMA writes are recorded)
 * @unreported: per page: the device wrote it after its last report
 * @written: per page: the device wrote it while the log ran
 * @reported: per page: some report named it
 * @cpu: per page: the guest CPU may write it (copied in every round)
 * @bits: one report, a bit per page
 * @writes: DMA writes the model made into this VM
 * @copied: pages copied in rounds after the first
 * @dev_only_copied: of those, pages only the device writes
 */
struct st_ram {
	struct vfmig_st_vm *vm;
	u8 unreported[VFMIG_ST_PAGES];
	u8 written[VFMIG_ST_PAGES];
	u8 reported[VFMIG_ST_PAGES];
	u8 cpu[VFMIG_ST_PAGES];
	u64 bits[VFMIG_ST_PAGES / 64];
	u64 writes;
	u32 copied;
	u32 dev_only_copied;
};

static void st_ram_record(void *ctx, struct vfmig_st_vm *vm, u64 iova, u32 len,
			  enum vfmig_model_engine e)
{
	struct st_ram *r = ctx;
	u64 p;

	if (vm != r->vm || !len)
		return;
	r->writes++;
	for (p = iova >> 12; p <= (iova + len - 1) >> 12 && p < VFMIG_ST_PAGES; p++) {
		r->unreported[p] = 1;
		r->written[p] = 1;
	}
}

/*
 * Pages only the device writes (RX and ARQ buffers) are left to the dirty
 * log; every other page may be written by the guest CPU.
 */
static int st_ram_init(struct st_ram *r, struct vfmig_st_vm *vm,
		       struct vfmig_guest_region *reg)
{
	int n = vfmig_st_regions(vm, reg, VFMIG_ST_MAX_REGIONS), i;
	u64 p;

	r->vm = vm;
	memset(r->cpu, 1, sizeof(r->cpu));
	if (n <= 0 || n > (int)VFMIG_ST_MAX_REGIONS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		u64 first = DIV_ROUND_UP(reg[i].gpa, 4096), end = (reg[i].gpa + reg[i].len) >> 12;

		if (reg[i].kind != VFMIG_GUEST_REG_RX_BUFS &&
		    reg[i].kind != VFMIG_GUEST_REG_ARQ_BUFS)
			continue;
		for (p = first; p < end && p < VFMIG_ST_PAGES; p++)
			r->cpu[p] = 0;
	}
	return 0;
}

/* One round: read and clear the log, copy what it names and the CPU pages. */
static int st_ram_round(struct st_ram *r, struct vfmig_st_vm *dst, bool all)
{
	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };
	u32 p;
	int ret;

	memset(r->bits, 0, sizeof(r->bits));
	ret = vfmig_dirty_bitmap_init(&bm, r->bits, 0, 4096, VFMIG_ST_PAGES);
	if (!ret)
		ret = vfmig_vf_log_read_and_clear(r->vm->vdev, 0, VFMIG_ST_RAM, &out);
	if (ret)
		return ret;
	for (p = 0; p < VFMIG_ST_PAGES; p++) {
		bool dirty = r->bits[p / 64] & BIT_ULL(p % 64);

		if (dirty) {
			r->unreported[p] = 0;
			r->reported[p] = 1;
		}
		if (!all && !dirty && !r->cpu[p])
			continue;
		memcpy(dst->ram + (u64)p * 4096, r->vm->ram + (u64)p * 4096, 4096);
		if (!all) {
			r->copied++;
			r->dev_only_copied += !r->cpu[p];
		}
	}
	return 0;
}

static u32 st_ram_count(const u8 *pages)
{
	u32 p, n = 0;

	for (p = 0; p < VFMIG_ST_PAGES; p++)
		n += pages[p];
	return n;
}

/* ---- the migration test ---------------------------------------------------------- */

struct st_mig {
	struct vfmig_st_sbuf s;
	struct st_ram ram;
	struct vfmig_guest_region reg[VFMIG_ST_MAX_REGIONS];
	struct vfmig_st_tally tl[ST_MG_NT];	/* [0]: only what is bad */
	struct vfmig_st_view vsrc, vdst;
	struct vfmig_guest_stats gs;
	struct vfmig_model_vf_stats ms;
	u32 sent;
	u32 injected;
	u64 seed;
};

static struct st_mig *st_mig_new(void)
{
	struct st_mig *x = vfmig_zalloc(sizeof(*x));

	if (!x)
		return NULL;
	if (vfmig_st_sbuf_init(&x->s, ST_MG_STREAM_CAP) ||
	    vfmig_st_tally_init(&x->tl[ST_MG_OUT], ST_MG_OUT, ST_MG_SEQ) ||
	    vfmig_st_tally_init(&x->tl[ST_MG_IN], ST_MG_IN, ST_MG_SEQ)) {
		vfmig_st_tally_free(&x->tl[ST_MG_OUT]);
		vfmig_st_sbuf_free(&x->s);
		vfmig_free(x);
		return NULL;
	}
	x->seed = 42;
	return x;
}

static void st_mig_free(struct st_mig *x)
{
	if (!x)
		return;
	vfmig_st_tally_free(&x->tl[ST_MG_OUT]);
	vfmig_st_tally_free(&x->tl[ST_MG_IN]);
	vfmig_st_sbuf_free(&x->s);
	vfmig_free(x);
}

/*
 * @steps steps of traffic on @vm (its VF on @h): a frame to the wire each
 * step, one from the wire every @in_every steps (0: none), the guest
 * receiving (if @drain) and both hosts' ports collected.
 */
static void st_mg_traffic(struct st_mig *x, struct vfmig_st_world *w,
			  struct vfmig_st_vm *vm, struct vfmig_st_host *h,
			  u32 steps, u32 in_every, bool drain)
{
	u32 i, k;

	for (i = 0; i < steps; i++) {
		if (x->sent < ST_MG_SEQ &&
		    !vfmig_st_xmit(vm, (u16)(x->sent % ST_MG_QUEUES),
				   vfmig_st_peer_mac, ST_MG_OUT, x->sent))
			x->sent++;
		if (in_every && !(i % in_every) && x->injected < ST_MG_SEQ &&
		    !vfmig_st_port_inject(w, h, vm->mac, ST_MG_IN, x->injected))
			x->injected++;
		vfmig_st_step(w);
		if (drain)
			vfmig_st_drain(vm, x->tl, ST_MG_NT);
		for (k = 0; k < w->nhost; k++)
			vfmig_st_port_collect(w, &w->host[k], x->tl, ST_MG_NT);
	}
}

/*
 * A guest running on VF 0 of a new host @*a, and an empty host @*b: false
 * (a failed check) to give up.
 */
static bool st_mg_hosts(struct vfmig_st *t, struct vfmig_st_world *w,
			struct st_mig *x, struct vfmig_st_vm **src,
			struct vfmig_st_host **a, struct vfmig_st_host **b)
{
	if (!ST_CHECK(t, w && x))
		return false;
	*src = vfmig_st_running_vm_new(w, ST_MG_QUEUES, a);
	if (!ST_CHECK(t, *src))
		return false;
	*b = vfmig_st_host_new(w, 4, 5);
	return ST_CHECK(t, *b);
}

/* Source side up to the end of the stop: returns false to give up. */
static bool st_mg_source_phase(struct vfmig_st *t, struct st_mig *x,
			       struct vfmig_st_world *w, struct vfmig_st_vm *src,
			       struct vfmig_st_host *a, struct vfmig_st_vm *dst)
{
	static const struct vfmig_dirty_range all = { 0, VFMIG_ST_RAM };
	u64 psz = 4096, init_b = 0, dirty_b = 0, size_b = 0, rx0;
	bool eof = false;
	u32 i;

	st_mg_traffic(x, w, src, a, 100, 2, true);

	/* log start, then the first full copy of guest RAM */
	if (!ST_CHECK_EQ(t, st_ram_init(&x->ram, src, x->reg), 0) ||
	    !ST_CHECK_EQ(t, vfmig_vf_log_start(src->vdev, &all, 1, &psz), 0))
		return false;
	ST_CHECK_EQ(t, psz, 4096);
	w->dma_record = st_ram_record;
	w->dma_ctx = &x->ram;
	ST_CHECK_EQ(t, st_ram_round(&x->ram, dst, true), 0);

	/* pre-copy: MATCH and CONFIG while the guest runs */
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_PRE_COPY), 0);
	ST_CHECK_EQ(t, vfmig_vfdev_precopy_info(src->vdev, &init_b, &dirty_b), 0);
	ST_CHECK(t, init_b > 0);
	ST_CHECK_EQ(t, dirty_b, 0);
	ST_CHECK_EQ(t, vfmig_st_save_drain(src->vdev, &x->s, &eof, &x->seed), (long)init_b);
	ST_CHECK(t, !eof);
	x->s.initial = x->s.len;
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
	ST_CHECK_EQ(t, vfmig_st_resume_feed(dst->vdev, x->s.b, x->s.len, &x->seed),
		    (long)x->s.len);
	ST_CHECK(t, vfmig_vfdev_precopy_config_applied(dst->vdev));

	/* RAM pre-copy rounds while traffic flows */
	for (i = 0; i < 4; i++) {
		st_mg_traffic(x, w, src, a, 50, 2, true);
		ST_CHECK_EQ(t, st_ram_round(&x->ram, dst, false), 0);
	}

	/* frames the device writes into RX buffers the guest does not take */
	ST_CHECK_EQ(t, vfmig_model_vf_stats(a->pf, src->vf, &x->ms), 0);
	rx0 = x->ms.rx_packets;
	for (i = 0; i < ST_MG_PENDING; i++)
		if (!vfmig_st_port_inject(w, a, src->mac, ST_MG_IN, x->injected))
			x->injected++;
	st_mg_traffic(x, w, src, a, 5, 0, false);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(a->pf, src->vf, &x->ms), 0);
	ST_CHECK_EQ(t, x->ms.rx_packets - rx0, ST_MG_PENDING);
	/* and frames posted for TX at the very last moment */
	for (i = 0; i < 6; i++)
		if (!vfmig_st_xmit(src, (u16)(i % ST_MG_QUEUES), vfmig_st_peer_mac,
				   ST_MG_OUT, x->sent))
			x->sent++;

	/* switchover: the vCPU stops, then the device; its state moves */
	src->vcpu = false;
	ST_CHECK_EQ(t, vfmig_vfdev_data_size(src->vdev, &size_b), 0);
	if (!ST_CHECK_EQ(t, vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP_COPY), 0))
		return false;
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(a, src->vf, false), 0);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(a, src->vf, true), 0);
	ST_CHECK_EQ(t, vfmig_st_save_drain(src->vdev, &x->s, &eof, &x->seed), (long)size_b);
	ST_CHECK(t, eof);

	/* the last RAM round, after the stop; then judge the log */
	ST_CHECK_EQ(t, st_ram_round(&x->ram, dst, false), 0);
	ST_CHECK_EQ(t, vfmig_vf_log_stop(src->vdev), 0);
	w->dma_record = NULL;
	ST_CHECK(t, x->ram.writes > 0);
	ST_CHECK(t, st_ram_count(x->ram.written) > 0);
	ST_CHECK(t, x->ram.dev_only_copied > 0);
	ST_CHECK_EQ(t, st_ram_count(x->ram.unreported), 0);
	ST_CHECK_EQ(t, src->dma_refused, 0);
	return true;
}

void vfmig_st_migrate(struct vfmig_st *t)
{
	struct vfmig_st_world *w = vfmig_st_world_new(NULL);
	struct st_mig *x = st_mig_new();
	struct vfmig_st_vm *src, *dst;
	struct vfmig_st_host *a, *b;
	u32 p, mism = 0, sent0, in0;

	if (!st_mg_hosts(t, w, x, &src, &a, &b))
		goto out;
	dst = vfmig_st_vm_new(w, b, 2, NULL);
	if (!ST_CHECK(t, dst))
		goto out;

	if (!st_mg_source_phase(t, x, w, src, a, dst))
		goto out;
	/* guest RAM arrived byte for byte */
	for (p = 0; p < VFMIG_ST_PAGES; p++)
		mism += !!memcmp(src->ram + (u64)p * 4096, dst->ram + (u64)p * 4096, 4096);
	ST_CHECK_EQ(t, mism, 0);

	/* destination: the rest of the stream, then STOP: state restored */
	dst->gcfg = src->gcfg;
	memcpy(dst->mac, src->mac, 6);
	ST_CHECK_EQ(t, vfmig_st_resume_feed(dst->vdev, x->s.b + x->s.initial,
					    x->s.len - x->s.initial, &x->seed),
		    (long)(x->s.len - x->s.initial));
	if (!ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP), 0))
		goto out;
	ST_CHECK_EQ(t, vfmig_st_view_take(a, src->vf, &x->vsrc), 0);
	ST_CHECK_EQ(t, vfmig_st_view_take(b, dst->vf, &x->vdst), 0);
	ST_CHECK(t, x->vsrc.tx[0].head != 0);
	ST_CHECK(t, vfmig_st_view_equal(&x->vsrc, &x->vdst, VFMIG_ST_VIEW_MOVED));

	if (!ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), 0))
		goto out;
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(b, dst->vf, false), BIT(ST_MG_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(b, dst->vf, true), BIT(ST_MG_QUEUES) - 1);
	dst->vcpu = true;

	/* the frames left in the RX ring at the stop: there, intact, once */
	vfmig_st_run(w, 3);
	vfmig_st_drain(dst, x->tl, ST_MG_NT);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_MG_IN], 0, x->injected), 0);
	ST_CHECK_EQ(t, x->tl[ST_MG_IN].got, x->injected);

	/* and traffic flows on the destination */
	sent0 = x->sent;
	in0 = x->injected;
	st_mg_traffic(x, w, dst, b, 300, 2, true);
	vfmig_st_run(w, 300);
	vfmig_st_drain(dst, x->tl, ST_MG_NT);
	for (p = 0; p < w->nhost; p++)
		vfmig_st_port_collect(w, &w->host[p], x->tl, ST_MG_NT);
	ST_CHECK(t, x->sent > sent0 + 200 && x->injected > in0 + 100);
	ST_CHECK_EQ(t, x->tl[0].bad + x->tl[ST_MG_OUT].bad + x->tl[ST_MG_IN].bad, 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_MG_OUT], 0, x->sent), 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_MG_IN], 0, x->injected), 0);

	/* the guest's own counters came along in its RAM and went on */
	ST_CHECK_EQ(t, vfmig_guest_state(&dst->env, VFMIG_ST_GPA), VFMIG_GUEST_RUNNING);
	vfmig_guest_stats(&dst->env, VFMIG_ST_GPA, &x->gs);
	ST_CHECK_EQ(t, x->gs.tx_packets, x->sent);
	ST_CHECK_EQ(t, x->gs.rx_packets, x->injected);
	ST_CHECK_EQ(t, x->gs.rx_errors, 0);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(b->pf, dst->vf, &x->ms), 0);
	ST_CHECK_EQ(t, x->ms.dma_faults + x->ms.rx_no_desc_drops + x->ms.tx_dropped, 0);
	ST_CHECK(t, x->ms.tx_packets >= x->sent - sent0);
	ST_CHECK_EQ(t, x->ms.rx_packets, x->injected - in0);
	ST_CHECK_EQ(t, dst->dma_refused, 0);
	/* the source is left stopped, and can be told so */
	ST_CHECK_EQ(t, vfmig_vfdev_get_state(src->vdev), VFMIG_MIG_STOP_COPY);
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP), 0);
out:
	if (w)
		w->dma_record = NULL;
	vfmig_st_world_free(w);
	st_mig_free(x);
}

/* ---- cancel ------------------------------------------------------------------- */

void vfmig_st_cancel(struct vfmig_st *t)
{
	struct vfmig_st_world *w = vfmig_st_world_new(NULL);
	struct st_mig *x = st_mig_new();
	struct vfmig_st_host *a;
	struct vfmig_st_vm *vm;
	bool eof = false;
	u32 in0;

	if (!ST_CHECK(t, w && x))
		goto out;
	vm = vfmig_st_running_vm_new(w, ST_MG_QUEUES, &a);
	if (!ST_CHECK(t, vm))
		goto out;
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_PRE_COPY), 0);
	st_mg_traffic(x, w, vm, a, 200, 4, true);
	/* the vCPU stops, the device goes all the way to STOP_COPY */
	vm->vcpu = false;
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP_COPY), 0);
	ST_CHECK(t, vfmig_st_save_drain(vm->vdev, &x->s, &eof, &x->seed) > 0);
	ST_CHECK(t, eof);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(a, vm->vf, false), 0);
	st_mg_traffic(x, w, vm, a, 50, 0, false);
	/* cancel: the source runs on from the same heads */
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(a, vm->vf, false), BIT(ST_MG_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(a, vm->vf, true), BIT(ST_MG_QUEUES) - 1);
	vm->vcpu = true;
	in0 = x->injected;
	st_mg_traffic(x, w, vm, a, 200, 4, true);
	vfmig_st_run(w, 300);
	vfmig_st_drain(vm, x->tl, ST_MG_NT);
	vfmig_st_port_collect(w, a, x->tl, ST_MG_NT);
	ST_CHECK(t, x->sent > 400);
	ST_CHECK(t, x->injected > in0);
	ST_CHECK_EQ(t, x->tl[0].bad + x->tl[ST_MG_OUT].bad + x->tl[ST_MG_IN].bad, 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_MG_OUT], 0, x->sent), 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_MG_IN], 0, x->injected), 0);
	vfmig_guest_stats(&vm->env, VFMIG_ST_GPA, &x->gs);
	ST_CHECK_EQ(t, x->gs.tx_packets, x->sent);
	ST_CHECK_EQ(t, x->gs.rx_packets, x->injected);
out:
	vfmig_st_world_free(w);
	st_mig_free(x);
}

/* ---- a bad stream ----------------------------------------------------------------- */

/*
 * Feed @len bytes of @x's stream, with byte @flip (if below @len) changed,
 * to a fresh destination on @h's VF @vf and end RESUMING: the arc's error.
 */
static int st_bad_resume(struct vfmig_st *t, struct st_mig *x,
			 struct vfmig_st_world *w, struct vfmig_st_host *h, u16 vf,
			 u32 len, u32 flip)
{
	struct vfmig_st_vm *dst = vfmig_st_vm_new(w, h, vf, NULL);
	int ret;

	if (!ST_CHECK(t, dst))
		return -ENOMEM;
	ST_CHECK_EQ(t, vfmig_st_view_take(h, vf, &x->vsrc), 0);
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
	/* the pre-copy part first, like a migration; then the rest */
	ST_CHECK_EQ(t, vfmig_st_resume_feed(dst->vdev, x->s.b, x->s.initial, &x->seed),
		    (long)x->s.initial);
	ST_CHECK(t, vfmig_vfdev_precopy_config_applied(dst->vdev));
	if (flip < len)
		x->s.b[flip] ^= 0x10;
	vfmig_st_resume_feed(dst->vdev, x->s.b + x->s.initial, len - x->s.initial, &x->seed);
	if (flip < len)
		x->s.b[flip] ^= 0x10;
	ret = vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP);
	if (ret) {
		/* refused: ERROR, and the VF exactly as before RESUMING */
		ST_CHECK_EQ(t, vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_ERROR);
		ST_CHECK_EQ(t, vfmig_st_view_take(h, vf, &x->vdst), 0);
		ST_CHECK(t, vfmig_st_view_equal(&x->vsrc, &x->vdst, 0));
		ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), -EINVAL);
		vfmig_vfdev_reset(dst->vdev);
		ST_CHECK_EQ(t, vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RUNNING);
		return ret;
	}
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), 0);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(h, vf, false), BIT(ST_MG_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(h, vf, true), BIT(ST_MG_QUEUES) - 1);
	return 0;
}

void vfmig_st_bad_stream(struct vfmig_st *t)
{
	struct vfmig_st_world *w = vfmig_st_world_new(NULL);
	struct st_mig *x = st_mig_new();
	struct vfmig_st_host *a, *b;
	struct vfmig_st_vm *src;
	bool eof = false;

	if (!st_mg_hosts(t, w, x, &src, &a, &b))
		goto out;
	st_mg_traffic(x, w, src, a, 100, 2, true);
	src->vcpu = false;
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_PRE_COPY), 0);
	ST_CHECK(t, vfmig_st_save_drain(src->vdev, &x->s, &eof, &x->seed) > 0);
	x->s.initial = x->s.len;
	ST_CHECK_EQ(t, vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP_COPY), 0);
	ST_CHECK(t, vfmig_st_save_drain(src->vdev, &x->s, &eof, &x->seed) > 0);
	if (!ST_CHECK(t, eof && x->s.len > x->s.initial + 64))
		goto out;

	/* a bit of the last runtime record: END's CRC32C catches it */
	ST_CHECK_EQ(t, st_bad_resume(t, x, w, b, 1, x->s.len, x->s.len - 30), -EBADMSG);
	/* the end missing */
	ST_CHECK_EQ(t, st_bad_resume(t, x, w, b, 2, x->s.len - 7, ~0u), -ENODATA);
	/* the intact stream restores */
	ST_CHECK_EQ(t, st_bad_resume(t, x, w, b, 3, x->s.len, ~0u), 0);
out:
	vfmig_st_world_free(w);
	st_mig_free(x);
}
