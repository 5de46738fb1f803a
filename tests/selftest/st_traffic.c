// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-test "traffic": frames between two guests on two VFs of one model PF
 * (through the PF's internal switch) and between a guest and the wire (the
 * PF's port). Every frame is sequence-numbered and checksummed (CRC32C).
 *
 * Phase 1: guest A sends a burst to guest B while B does not receive; the
 * frames are then found, intact and each exactly once, in B's guest RAM: in
 * the RX buffers named by the descriptors the device wrote back with DD and
 * EOF. B's driver then receives the same frames.
 *
 * Phase 2: traffic both ways and with the wire for several ring wraps, both
 * guests receiving as they go: every frame arrives once, intact, and the
 * counters of both guests, both VFs and the port agree with what was sent.
 */
#include <vfmig/x710_txrx.h>
#include "selftest.h"

#define ST_TR_BURST	100	/* phase 1: fits B's posted RX buffers */
#define ST_TR_BULK	600	/* phase 2, per stream: several ring wraps */

enum {
	ST_S_BURST = 1,		/* A -> B, phase 1 */
	ST_S_AB,		/* A -> B */
	ST_S_BA,		/* B -> A */
	ST_S_AW,		/* A -> wire */
	ST_S_WB,		/* wire -> B */
	ST_S_NUM
};

struct st_tr {
	struct vfmig_guest_region reg[VFMIG_ST_MAX_REGIONS];
	struct vfmig_st_tally ram;	/* phase 1, found in B's RAM */
	struct vfmig_st_tally tl[ST_S_NUM];
	u32 sent[ST_S_NUM];
	struct vfmig_guest_stats ga, gb;
	struct vfmig_model_vf_stats ma, mb;
	struct vfmig_model_port_stats port;
};

/*
 * Find the frames the device wrote into @vm's RX rings: every descriptor
 * written back with DD and EOF names, by its slot, the buffer holding a
 * whole frame (test frames fit one 2 KiB buffer). Returns descriptors with
 * DD set.
 */
static u32 st_scan_rx_ram(struct vfmig_st_vm *vm, struct vfmig_guest_region *reg,
			  u32 nreg, struct vfmig_st_tally *tl)
{
	const struct vfmig_guest_region *ring, *bufs;
	u32 i, j, dd = 0;
	u16 q;

	for (q = 0; q < vm->gcfg.num_queue_pairs; q++) {
		ring = NULL;
		bufs = NULL;
		for (j = 0; j < nreg; j++) {
			if (reg[j].queue != q)
				continue;
			if (reg[j].kind == VFMIG_GUEST_REG_RX_RING)
				ring = &reg[j];
			if (reg[j].kind == VFMIG_GUEST_REG_RX_BUFS)
				bufs = &reg[j];
		}
		if (!ring || !bufs) {
			tl->bad++;
			continue;
		}
		for (i = 0; i < vm->gcfg.ring_len; i++) {
			const u8 *d = vm->ram + ring->gpa + (u64)i * VFMIG_RX_DESC_SIZE;
			u64 qw1 = vfmig_get_le64(d + 8);
			u32 len = vfmig_rx_qw1_pbuf_len(qw1);

			if (!(qw1 & VFMIG_RX_STATUS_DD))
				continue;
			dd++;
			if (!(qw1 & VFMIG_RX_STATUS_EOF) || len > vm->gcfg.rx_buf_size) {
				tl->bad++;
				continue;
			}
			vfmig_st_tally_add(tl, 1, vm->ram + bufs->gpa +
					   (u64)i * vm->gcfg.rx_buf_size, len);
		}
	}
	return dd;
}

/* Send frame sent[@s] of stream @s if the ring has room; true if sent. */
static bool st_tr_send(struct st_tr *x, struct vfmig_st_vm *vm, const u8 *dst,
		       u32 s)
{
	if (x->sent[s] >= ST_TR_BULK + ST_TR_BURST)
		return false;
	if (vfmig_st_xmit(vm, (u16)(x->sent[s] % vm->gcfg.num_queue_pairs), dst, s,
			  x->sent[s]))
		return false;
	x->sent[s]++;
	return true;
}

static void st_tr_burst(struct vfmig_st *t, struct st_tr *x,
			struct vfmig_st_world *w, struct vfmig_st_vm *a,
			struct vfmig_st_vm *b)
{
	u32 i, steps = 0, dd;
	int n;

	n = vfmig_st_regions(b, x->reg, VFMIG_ST_MAX_REGIONS);
	if (!ST_CHECK(t, n > 0 && n <= (int)VFMIG_ST_MAX_REGIONS))
		return;
	/* B's vCPU does not run: nothing is received or re-posted */
	b->vcpu = false;
	while (x->sent[ST_S_BURST] < ST_TR_BURST && steps++ < 20 * ST_TR_BURST) {
		st_tr_send(x, a, b->mac, ST_S_BURST);
		vfmig_st_step(w);
	}
	vfmig_st_run(w, 200);
	ST_CHECK_EQ(t, x->sent[ST_S_BURST], ST_TR_BURST);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(b->h->pf, b->vf, &x->mb), 0);
	ST_CHECK_EQ(t, x->mb.rx_packets, ST_TR_BURST);

	/* the bytes in B's guest RAM */
	dd = st_scan_rx_ram(b, x->reg, (u32)n, &x->ram);
	ST_CHECK_EQ(t, dd, ST_TR_BURST);
	ST_CHECK_EQ(t, x->ram.got, ST_TR_BURST);
	ST_CHECK_EQ(t, x->ram.bad, 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->ram, 0, ST_TR_BURST), 0);

	/* and B's driver hands them over, intact */
	b->vcpu = true;
	for (i = 0; i < 4; i++) {
		vfmig_st_step(w);
		vfmig_st_drain(b, x->tl, ST_S_NUM);
	}
	ST_CHECK_EQ(t, x->tl[ST_S_BURST].got, ST_TR_BURST);
	ST_CHECK_EQ(t, x->tl[ST_S_BURST].bad, 0);
	ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[ST_S_BURST], 0, ST_TR_BURST), 0);
	ST_CHECK_EQ(t, vfmig_model_port_stats(a->h->pf, &x->port), 0);
	ST_CHECK_EQ(t, x->port.switched, ST_TR_BURST);
	ST_CHECK_EQ(t, x->port.tx_frames, 0);
}

void vfmig_st_traffic(struct vfmig_st *t)
{
	struct vfmig_st_world *w = vfmig_st_world_new(NULL);
	struct st_tr *x = vfmig_zalloc(sizeof(*x));
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *a, *b;
	u32 i, s, injected = 0, steps = 0;
	int ok = 0;

	if (!ST_CHECK(t, w && x))
		goto out;
	/* x->tl[s] counts stream s; x->tl[0] (no stream) only what is bad */
	ok = !vfmig_st_tally_init(&x->ram, ST_S_BURST, ST_TR_BURST);
	for (s = 1; s < ST_S_NUM; s++)
		ok &= !vfmig_st_tally_init(&x->tl[s], s, ST_TR_BULK + ST_TR_BURST);
	if (!ST_CHECK(t, ok))
		goto out;
	h = vfmig_st_host_new(w, 4, 5);
	if (!ST_CHECK(t, h))
		goto out;
	vfmig_st_gcfg_default(&g, 2);
	a = vfmig_st_vm_new(w, h, 0, &g);
	b = vfmig_st_vm_new(w, h, 3, &g);
	if (!ST_CHECK(t, a && b))
		goto out;
	if (!ST_CHECK(t, vfmig_st_until_running(w, a, 20000) &&
		      vfmig_st_until_running(w, b, 20000)))
		goto out;
	ST_CHECK(t, memcmp(a->mac, b->mac, 6));
	vfmig_st_run(w, 50);

	st_tr_burst(t, x, w, a, b);

	/* phase 2: everyone sends and receives as they go */
	while (steps++ < 8 * ST_TR_BULK &&
	       (x->sent[ST_S_AB] < ST_TR_BULK || x->sent[ST_S_BA] < ST_TR_BULK ||
		x->sent[ST_S_AW] < ST_TR_BULK || injected < ST_TR_BULK)) {
		if (x->sent[ST_S_AB] < ST_TR_BULK)
			st_tr_send(x, a, b->mac, ST_S_AB);
		if (x->sent[ST_S_BA] < ST_TR_BULK)
			st_tr_send(x, b, a->mac, ST_S_BA);
		if (x->sent[ST_S_AW] < ST_TR_BULK)
			st_tr_send(x, a, vfmig_st_peer_mac, ST_S_AW);
		if (injected < ST_TR_BULK &&
		    !vfmig_st_port_inject(w, h, b->mac, ST_S_WB, injected))
			injected++;
		vfmig_st_step(w);
		vfmig_st_drain(a, x->tl, ST_S_NUM);
		vfmig_st_drain(b, x->tl, ST_S_NUM);
		vfmig_st_port_collect(w, h, x->tl, ST_S_NUM);
	}
	for (i = 0; i < 300; i++) {
		vfmig_st_step(w);
		vfmig_st_drain(a, x->tl, ST_S_NUM);
		vfmig_st_drain(b, x->tl, ST_S_NUM);
		vfmig_st_port_collect(w, h, x->tl, ST_S_NUM);
	}
	ST_CHECK_EQ(t, x->sent[ST_S_AB], ST_TR_BULK);
	ST_CHECK_EQ(t, x->sent[ST_S_BA], ST_TR_BULK);
	ST_CHECK_EQ(t, x->sent[ST_S_AW], ST_TR_BULK);
	ST_CHECK_EQ(t, injected, ST_TR_BULK);
	/* every frame of every stream arrived once, intact, where it was sent */
	ST_CHECK_EQ(t, x->tl[0].bad, 0);
	ST_CHECK_EQ(t, x->tl[ST_S_BURST].got, ST_TR_BURST);
	for (s = ST_S_AB; s < ST_S_NUM; s++) {
		ST_CHECK_EQ(t, x->tl[s].bad, 0);
		ST_CHECK_EQ(t, x->tl[s].got, ST_TR_BULK);
		ST_CHECK_EQ(t, vfmig_st_tally_not_once(&x->tl[s], 0, ST_TR_BULK), 0);
	}

	/* counters on both ends agree with what was sent and received */
	vfmig_guest_stats(&a->env, VFMIG_ST_GPA, &x->ga);
	vfmig_guest_stats(&b->env, VFMIG_ST_GPA, &x->gb);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(h->pf, a->vf, &x->ma), 0);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(h->pf, b->vf, &x->mb), 0);
	ST_CHECK_EQ(t, vfmig_model_port_stats(h->pf, &x->port), 0);
	ST_CHECK_EQ(t, x->ga.tx_packets, ST_TR_BURST + 2 * ST_TR_BULK);
	ST_CHECK_EQ(t, x->ma.tx_packets, ST_TR_BURST + 2 * ST_TR_BULK);
	ST_CHECK_EQ(t, x->ga.rx_packets, ST_TR_BULK);
	ST_CHECK_EQ(t, x->ma.rx_packets, ST_TR_BULK);
	ST_CHECK_EQ(t, x->gb.tx_packets, ST_TR_BULK);
	ST_CHECK_EQ(t, x->mb.tx_packets, ST_TR_BULK);
	ST_CHECK_EQ(t, x->gb.rx_packets, ST_TR_BURST + 2 * ST_TR_BULK);
	ST_CHECK_EQ(t, x->mb.rx_packets, ST_TR_BURST + 2 * ST_TR_BULK);
	ST_CHECK_EQ(t, x->ga.rx_errors + x->gb.rx_errors, 0);
	ST_CHECK_EQ(t, x->ma.rx_no_desc_drops + x->mb.rx_no_desc_drops, 0);
	ST_CHECK_EQ(t, x->ma.tx_dropped + x->mb.tx_dropped, 0);
	ST_CHECK_EQ(t, x->port.switched, ST_TR_BURST + 2 * ST_TR_BULK);
	ST_CHECK_EQ(t, x->port.tx_frames, ST_TR_BULK);
	ST_CHECK_EQ(t, x->port.rx_frames, ST_TR_BULK);
	ST_CHECK_EQ(t, x->port.rx_unmatched + x->port.tx_drops, 0);
	ST_CHECK_EQ(t, a->dma_refused + b->dma_refused, 0);
out:
	if (x) {
		vfmig_st_tally_free(&x->ram);
		for (s = 1; s < ST_S_NUM; s++)
			vfmig_st_tally_free(&x->tl[s]);
	}
	vfmig_st_world_free(w);
	vfmig_free(x);
}
