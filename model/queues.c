// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: LAN queue contexts and the QTX_ENA / QRX_ENA handshake.
 *
 * Software sets or clears QENA_REQ; QENA_STAT follows cfg.qena_latency_ns of
 * virtual time later. An engine works on a queue only while REQ and STAT are
 * both set: from the moment a disable is requested the queue starts no new
 * frame, and the model's engines move whole frames at a time (a frame being
 * sent or received is always finished within the poll that started it), so
 * when STAT clears no DMA of the queue is in flight or will follow. That is
 * the guarantee i40e_control_wait_[rt]x_q relies on. A fault knob makes a
 * disable never complete (STAT stays set, the PF's wait times out).
 *
 * The context's head is the queue's live head (QTX_HEAD): it survives a
 * disable, so a queue re-enabled without a new context resumes where it
 * stopped, and a context written with a saved head (migration) starts
 * there.
 */
#include <vfmig/model_internal.h>

static u32 *qena_reg(struct vfmig_mdl_vf *vf, u16 q, bool rx, u64 **deadline)
{
	struct vfmig_mdl_txq *tq;
	struct vfmig_mdl_rxq *rq;

	if (rx) {
		rq = vfmig_mdl_rxq(vf, q);
		*deadline = &rq->qena_deadline;
		return &rq->qena;
	}
	tq = vfmig_mdl_txq(vf, q);
	*deadline = &tq->qena_deadline;
	return &tq->qena;
}

static bool disable_stuck(const struct vfmig_mdl_vf *vf, u16 q, bool rx)
{
	return !!((rx ? vf->faults.rxq_disable_stuck :
		   vf->faults.txq_disable_stuck) & BIT(q));
}

void vfmig_mdl_qena_request(struct vfmig_mdl_vf *vf, u16 q, bool rx,
			    bool enable)
{
	u64 *deadline;
	u32 *qena;

	if (q >= VFMIG_VF_MAX_QP)
		return;
	qena = qena_reg(vf, q, rx, &deadline);
	if (enable == !!(*qena & VFMIG_QENA_REQ))
		return;		/* already requested; the handshake runs on */
	if (enable)
		*qena |= VFMIG_QENA_REQ;
	else
		*qena &= ~VFMIG_QENA_REQ;
	if (enable == !!(*qena & VFMIG_QENA_STAT))
		*deadline = 0;	/* a request withdrawn before it completed */
	else
		*deadline = vf->pf->now + vf->pf->cfg.qena_latency_ns;
}

bool vfmig_mdl_qena_stat(struct vfmig_mdl_vf *vf, u16 q, bool rx)
{
	u64 *deadline;

	if (q >= VFMIG_VF_MAX_QP)
		return false;
	return !!(*qena_reg(vf, q, rx, &deadline) & VFMIG_QENA_STAT);
}

static void qena_complete(struct vfmig_mdl_vf *vf, u16 q, bool rx)
{
	u64 *deadline;
	u32 *qena = qena_reg(vf, q, rx, &deadline);

	if (!*deadline || vf->pf->now < *deadline)
		return;
	if (*qena & VFMIG_QENA_REQ) {
		*qena |= VFMIG_QENA_STAT;
	} else {
		if (disable_stuck(vf, q, rx))
			return;
		*qena &= ~VFMIG_QENA_STAT;
	}
	*deadline = 0;
	vf->pf->work++;
}

void vfmig_mdl_qena_step(struct vfmig_mdl_vf *vf)
{
	u16 q;

	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		qena_complete(vf, q, false);
		qena_complete(vf, q, true);
	}
}

u64 vfmig_mdl_qena_next_event(struct vfmig_mdl_vf *vf)
{
	u64 next = U64_MAX, *deadline;
	u32 *qena;
	u16 q;
	int rx;

	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		for (rx = 0; rx < 2; rx++) {
			qena = qena_reg(vf, q, rx, &deadline);
			if (!*deadline || *deadline >= next)
				continue;
			if (!(*qena & VFMIG_QENA_REQ) && disable_stuck(vf, q, rx))
				continue;
			next = *deadline;
		}
	}
	return next;
}

/*
 * The queue stops at once, REQ and STAT cleared, as the hardware does on a
 * DMA error (the PF sees the queue disabled and must reconfigure it).
 */
void vfmig_mdl_queue_stop(struct vfmig_mdl_vf *vf, u16 q, bool rx)
{
	u64 *deadline;
	u32 *qena = qena_reg(vf, q, rx, &deadline);

	*qena = 0;
	*deadline = 0;
}

void vfmig_mdl_queues_reset(struct vfmig_mdl_vf *vf)
{
	u16 q;

	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		memset(vfmig_mdl_txq(vf, q), 0, sizeof(struct vfmig_mdl_txq));
		memset(vfmig_mdl_rxq(vf, q), 0, sizeof(struct vfmig_mdl_rxq));
	}
}

bool vfmig_mdl_txq_running(const struct vfmig_mdl_txq *tq)
{
	return (tq->qena & (VFMIG_QENA_REQ | VFMIG_QENA_STAT)) ==
	       (VFMIG_QENA_REQ | VFMIG_QENA_STAT);
}

bool vfmig_mdl_rxq_running(const struct vfmig_mdl_rxq *rq)
{
	return (rq->qena & (VFMIG_QENA_REQ | VFMIG_QENA_STAT)) ==
	       (VFMIG_QENA_REQ | VFMIG_QENA_STAT);
}

/* ---- context validation (what fits the packed HMC fields) --------------- */

#define FITS(v, width)	((u64)(v) < BIT_ULL(width))

int vfmig_mdl_txq_ctx_check(const struct vfmig_hmc_txq *c)
{
	if (!FITS(c->base, VFMIG_HMC_BASE_WIDTH) ||
	    !FITS(c->qlen, VFMIG_HMC_QLEN_WIDTH) ||
	    !FITS(c->head, VFMIG_HMC_HEAD_WIDTH) ||
	    !FITS(c->thead_wb, VFMIG_HMC_HEAD_WIDTH) ||
	    !FITS(c->rdylist, 10) ||
	    c->new_context > 1 || c->fc_ena > 1 || c->timesync_ena > 1 ||
	    c->fd_ena > 1 || c->alt_vlan_ena > 1 || c->head_wb_ena > 1 ||
	    c->tphrdesc_ena > 1 || c->tphrpacket_ena > 1 ||
	    c->tphwdesc_ena > 1 || c->rdylist_act > 1) {
		vfmig_err("model: TX queue context field out of range");
		return -EINVAL;
	}
	if (c->qlen && c->head >= c->qlen) {
		vfmig_err("model: TX queue context head %u beyond ring of %u",
			  c->head, c->qlen);
		return -EINVAL;
	}
	if (c->head_wb_ena && !IS_ALIGNED(c->head_wb_addr, 4)) {
		vfmig_err("model: TX head write-back address 0x%llx not 4-byte aligned",
			  (unsigned long long)c->head_wb_addr);
		return -EINVAL;
	}
	return 0;
}

int vfmig_mdl_rxq_ctx_check(const struct vfmig_hmc_rxq *c)
{
	if (!FITS(c->base, VFMIG_HMC_BASE_WIDTH) ||
	    !FITS(c->qlen, VFMIG_HMC_QLEN_WIDTH) ||
	    !FITS(c->head, VFMIG_HMC_HEAD_WIDTH) ||
	    !FITS(c->cpuid, 8) ||
	    !FITS(c->dbuff, VFMIG_HMC_RXQ_DBUFF_WIDTH) ||
	    !FITS(c->hbuff, VFMIG_HMC_RXQ_HBUFF_WIDTH) ||
	    c->dtype > VFMIG_RX_DTYPE_SPLIT_ALWAYS || c->dsize > 1 ||
	    c->crcstrip > 1 || c->fc_ena > 1 || c->l2tsel > 1 ||
	    !FITS(c->hsplit_0, 4) || !FITS(c->hsplit_1, 2) || c->showiv > 1 ||
	    !FITS(c->rxmax, VFMIG_HMC_RXQ_RXMAX_WIDTH) ||
	    c->tphrdesc_ena > 1 || c->tphwdesc_ena > 1 || c->tphdata_ena > 1 ||
	    c->tphhead_ena > 1 || !FITS(c->lrxqthresh, 3) || c->prefena > 1) {
		vfmig_err("model: RX queue context field out of range");
		return -EINVAL;
	}
	if (c->qlen && c->head >= c->qlen) {
		vfmig_err("model: RX queue context head %u beyond ring of %u",
			  c->head, c->qlen);
		return -EINVAL;
	}
	return 0;
}
