// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-test "bringup": the guest AVF driver brings a model VF up over the
 * mailbox (reset wait, admin queues, VERSION, GET_VF_RESOURCES, queue and
 * IRQ configuration, filters, ENABLE_QUEUES), its doorbells going through
 * the vfdev's BAR0 mediation, with every DMA write of the model landing in
 * guest RAM allocated through osdep.
 *
 * Judged by what the PF and guest memory show: PF host state, queue
 * contexts pointing at the driver's rings, QENA, tail registers and the RX
 * descriptors in guest RAM, VFGEN_RSTAT, mailbox counters on both ends
 * agreeing, every DMA write inside a region the driver gave the device for
 * that kind of write, and the guest RAM around the driver's block untouched.
 */
#include <vfmig/virtchnl.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>
#include "selftest.h"

#define ST_BU_QUEUES	2

struct st_bu {
	struct vfmig_guest_region reg[VFMIG_ST_MAX_REGIONS];
	u32 nreg;
	u64 dma_by_engine[VFMIG_ENG_NUM];
	u64 dma_outside;	/* writes outside the regions for their kind */
	struct vfmig_pf_vf_state st;
	struct vfmig_guest_stats gs;
	struct vfmig_model_vf_stats ms;
	struct vfmig_mediate_stats med;
	struct vfmig_hmc_txq txq;
	struct vfmig_hmc_rxq rxq;
};

static void st_bu_record(void *ctx, struct vfmig_st_vm *vm, u64 iova, u32 len,
			 enum vfmig_model_engine e)
{
	struct st_bu *b = ctx;

	if (e < VFMIG_ENG_NUM)
		b->dma_by_engine[e]++;
	if (!vfmig_st_dma_allowed(b->reg, b->nreg, e, iova, len))
		b->dma_outside++;
}

/* A byte pattern nobody else writes, for "untouched". */
static u8 st_sentinel(u64 i)
{
	return ((i * 131) ^ (i >> 12) ^ 0x5a) & 0xff;
}

/* Fill [@from, @to) with the pattern, or count the bytes that differ. */
static u64 st_sentinel_bad(u8 *ram, u64 from, u64 to, bool fill)
{
	u64 i, bad = 0;

	for (i = from; i < to; i++) {
		if (fill)
			ram[i] = st_sentinel(i);
		else if (ram[i] != st_sentinel(i))
			bad++;
	}
	return bad;
}

static const struct vfmig_guest_region *st_find(const struct st_bu *b,
						u32 kind, u16 q)
{
	u32 i;

	for (i = 0; i < b->nreg; i++)
		if (b->reg[i].kind == kind && b->reg[i].queue == q)
			return &b->reg[i];
	return NULL;
}

/* Queue @q of the running VF: contexts, QENA, tails, RX descriptors in RAM. */
static void st_bu_queue(struct vfmig_st *t, struct st_bu *b,
			struct vfmig_st_vm *vm, u16 q)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	const struct vfmig_guest_region *txr, *rxr, *rxb;
	u32 tail = ~0u, i, bad = 0;

	txr = st_find(b, VFMIG_GUEST_REG_TX_RING, q);
	rxr = st_find(b, VFMIG_GUEST_REG_RX_RING, q);
	rxb = st_find(b, VFMIG_GUEST_REG_RX_BUFS, q);
	if (!ST_CHECK(t, txr && rxr && rxb))
		return;
	/* the PF programmed the contexts with the driver's rings */
	ST_CHECK_EQ(t, o->txq_ctx_read(vm->h->pf, vm->vf, q, &b->txq), 0);
	ST_CHECK_EQ(t, b->txq.base * VFMIG_HMC_BASE_UNIT, txr->gpa);
	ST_CHECK_EQ(t, b->txq.qlen, vm->gcfg.ring_len);
	ST_CHECK_EQ(t, o->rxq_ctx_read(vm->h->pf, vm->vf, q, &b->rxq), 0);
	ST_CHECK_EQ(t, b->rxq.base * VFMIG_HMC_BASE_UNIT, rxr->gpa);
	ST_CHECK_EQ(t, b->rxq.qlen, vm->gcfg.ring_len);
	ST_CHECK_EQ(t, b->rxq.dbuff * 128u, vm->gcfg.rx_buf_size);

	/* nothing sent yet; RX buffers posted up to the tail */
	ST_CHECK_EQ(t, o->vf_reg_read(vm->h->pf, vm->vf, VFMIG_QTX_TAIL1(q), &tail), 0);
	ST_CHECK_EQ(t, tail, 0);
	ST_CHECK_EQ(t, o->vf_reg_read(vm->h->pf, vm->vf, VFMIG_QRX_TAIL1(q), &tail), 0);
	if (!ST_CHECK(t, tail > 0 && tail < vm->gcfg.ring_len))
		return;
	for (i = 0; i < tail; i++) {
		const u8 *d = vm->ram + rxr->gpa + (u64)i * VFMIG_RX_DESC_SIZE;

		/* read format: pkt_addr names slot i's buffer, not done */
		if (vfmig_get_le64(d) != rxb->gpa + (u64)i * vm->gcfg.rx_buf_size ||
		    (vfmig_get_le64(d + 8) & VFMIG_RX_STATUS_DD))
			bad++;
	}
	ST_CHECK_EQ(t, bad, 0);
}

void vfmig_st_bringup(struct vfmig_st *t)
{
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vfmig_st_world *w = vfmig_st_world_new(NULL);
	struct st_bu *b = vfmig_zalloc(sizeof(*b));
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	u64 block_end;
	u8 mac[6];
	u16 q;
	int n;

	if (!ST_CHECK(t, w && b))
		goto out;
	h = vfmig_st_host_new(w, 4, 5);
	if (!ST_CHECK(t, h))
		goto out;
	/* VF 1: not the first VF, so per-VF offsets matter */
	vm = vfmig_st_vm_new(w, h, 1, NULL);
	if (!ST_CHECK(t, vm))
		goto out;
	vfmig_st_gcfg_default(&vm->gcfg, ST_BU_QUEUES);
	block_end = VFMIG_ST_GPA + vfmig_guest_mem_size(&vm->gcfg);
	if (!ST_CHECK(t, block_end <= VFMIG_ST_RAM))
		goto out;
	/* guest RAM around the driver's block: nobody may touch it */
	st_sentinel_bad(vm->ram, 0, VFMIG_ST_GPA, true);
	st_sentinel_bad(vm->ram, block_end, VFMIG_ST_RAM, true);

	vm->vcpu = true;
	if (!ST_CHECK_EQ(t, vfmig_guest_init(&vm->env, VFMIG_ST_GPA, &vm->gcfg), 0))
		goto out;
	n = vfmig_st_regions(vm, b->reg, VFMIG_ST_MAX_REGIONS);
	if (!ST_CHECK(t, n > 0 && n <= (int)VFMIG_ST_MAX_REGIONS))
		goto out;
	b->nreg = (u32)n;
	w->dma_record = st_bu_record;
	w->dma_ctx = b;
	/* the VF is just out of reset: not up before the PF host answered */
	ST_CHECK(t, vfmig_guest_state(&vm->env, VFMIG_ST_GPA) != VFMIG_GUEST_RUNNING);
	if (!ST_CHECK(t, vfmig_st_until_running(w, vm, 20000)))
		goto out;
	vfmig_st_run(w, 50);

	/* the PF host's view: active, virtchnl 1.x, both queue pairs on */
	if (!ST_CHECK_EQ(t, o->vf_state_get(h->pf, vm->vf, &b->st), 0))
		goto out;
	ST_CHECK(t, b->st.active);
	ST_CHECK_EQ(t, b->st.virtchnl_major, VIRTCHNL_VERSION_MAJOR);
	ST_CHECK_EQ(t, b->st.txq_enabled, BIT(ST_BU_QUEUES) - 1);
	ST_CHECK_EQ(t, b->st.rxq_enabled, BIT(ST_BU_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(h, vm->vf, false), BIT(ST_BU_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_st_enabled_mask(h, vm->vf, true), BIT(ST_BU_QUEUES) - 1);
	ST_CHECK_EQ(t, vfmig_model_vf_read32(h->pf, vm->vf, VFMIG_VFGEN_RSTAT) &
		    VFMIG_VFGEN_RSTAT_VFR_STATE_MASK, VFMIG_VFR_VFACTIVE);
	ST_CHECK_EQ(t, vfmig_guest_num_queues(&vm->env, VFMIG_ST_GPA), ST_BU_QUEUES);
	/* the MAC the guest uses is the one the PF gave this VF */
	ST_CHECK_EQ(t, vfmig_model_vf_get_mac(h->pf, vm->vf, mac), 0);
	ST_CHECK(t, !memcmp(mac, vm->mac, 6));
	ST_CHECK(t, mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
	for (q = 0; q < ST_BU_QUEUES; q++)
		st_bu_queue(t, b, vm, q);

	/* the mailbox: every request taken and answered, both ends agree */
	vfmig_guest_stats(&vm->env, VFMIG_ST_GPA, &b->gs);
	ST_CHECK_EQ(t, vfmig_model_vf_stats(h->pf, vm->vf, &b->ms), 0);
	ST_CHECK(t, b->gs.mbx_sent >= 6);
	ST_CHECK_EQ(t, b->gs.mbx_errors, 0);
	ST_CHECK_EQ(t, b->ms.mbx_to_pf, b->gs.mbx_sent);
	ST_CHECK_EQ(t, b->ms.mbx_to_vf, b->gs.mbx_received);
	ST_CHECK(t, b->gs.mbx_received >= b->gs.mbx_sent);
	ST_CHECK_EQ(t, b->ms.mbx_errors, 0);
	ST_CHECK_EQ(t, b->ms.dma_faults, 0);
	ST_CHECK_EQ(t, b->ms.bar0_unknown_reads + b->ms.bar0_unknown_writes, 0);
	/* the doorbells went through mediation */
	vfmig_vf_mediate_stats(vm->vdev, &b->med);
	ST_CHECK(t, b->med.tail_writes >= ST_BU_QUEUES + 1);
	ST_CHECK_EQ(t, b->med.bad_accesses, 0);

	/* DMA: the messages reached guest RAM, in the right places only */
	ST_CHECK_EQ(t, b->dma_by_engine[VFMIG_ENG_ARQ_DESC_WB], b->ms.mbx_to_vf);
	ST_CHECK(t, b->dma_by_engine[VFMIG_ENG_ARQ_DATA] > 0);
	ST_CHECK_EQ(t, b->dma_by_engine[VFMIG_ENG_ATQ_DESC_WB], b->ms.mbx_to_pf);
	ST_CHECK_EQ(t, b->dma_by_engine[VFMIG_ENG_RX_DATA], 0);
	ST_CHECK_EQ(t, b->dma_outside, 0);
	ST_CHECK_EQ(t, vm->dma_refused, 0);
	ST_CHECK_EQ(t, st_sentinel_bad(vm->ram, 0, VFMIG_ST_GPA, false), 0);
	ST_CHECK_EQ(t, st_sentinel_bad(vm->ram, block_end, VFMIG_ST_RAM, false), 0);
out:
	if (w)
		w->dma_record = NULL;
	vfmig_st_world_free(w);
	vfmig_free(b);
}
