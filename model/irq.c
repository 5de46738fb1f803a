// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: VF interrupts.
 *
 * A cause (a queue's write-back, an ARQ message, SWINT_TRIG) marks its
 * vector pending (the PBA bit). A pending vector fires when its DYN_CTL
 * INTENA is set and its throttle has expired; firing calls the embedder's
 * irq callback, clears the pending bit and clears INTENA (auto-mask: the
 * driver re-arms the vector by writing DYN_CTL with INTENA, as iavf does
 * after NAPI). A cause on a masked vector stays pending and fires when the
 * vector is re-enabled, unless the driver clears it with CLEARPBA.
 *
 * Queue causes reach a vector through the IRQ map the PF host programmed
 * (CONFIG_IRQ_MAP, i.e. VPINT_LNKLSTN / QINT_[RT]QCTL with CAUSE_ENA).
 *
 * ITR is modelled coarsely in virtual time: after a vector fires it stays
 * quiet for the interval of the ITR index of the cause that fired it
 * (VFINT_ITRN1/ITR01 in 2 us units; index 3 = no throttling). The real
 * hardware's ITR counts from the last interrupt with more subtle rules
 * (credit-based interrupt rate limiting, WB_ON_ITR); none of that is here.
 */
#include <vfmig/model_internal.h>

static u16 vf_msix(const struct vfmig_mdl_vf *vf)
{
	return vf->pf->cfg.msix_per_vf;
}

static void try_fire(struct vfmig_mdl_vf *vf, u16 v)
{
	struct vfmig_model_pf *pf = vf->pf;
	u32 idx;

	if (!(vf->pba & BIT(v)) || !(vf->dyn_ctl[v] & VFMIG_VFINT_DYN_CTLN1_INTENA))
		return;
	if (pf->now < vf->throttle_until[v])
		return;
	idx = vf->pend_itr[v];
	vf->pba &= ~BIT(v);
	vf->dyn_ctl[v] &= ~VFMIG_VFINT_DYN_CTLN1_INTENA;
	vf->throttle_until[v] = 0;
	if (idx < VFMIG_NR_ITR)
		vf->throttle_until[v] = pf->now +
			(u64)vf->itr[v][idx] * VFMIG_ITR_GRAN_US * 1000;
	vf->stats.irqs++;
	pf->work++;
	if (vf->attached && vf->ops.irq)
		vf->ops.irq(vf->ops.ctx, v);
}

void vfmig_mdl_irq_cause(struct vfmig_mdl_vf *vf, u16 vector, u32 itr_idx)
{
	if (vector >= vf_msix(vf))
		return;
	if (itr_idx > VFMIG_ITR_IDX_NONE)
		itr_idx = VFMIG_ITR_IDX_NONE;
	/* several causes pending: the most eager ITR wins */
	if (!(vf->pba & BIT(vector)) || itr_idx < vf->pend_itr[vector])
		vf->pend_itr[vector] = (u8)itr_idx;
	vf->pba |= BIT(vector);
	try_fire(vf, vector);
}

void vfmig_mdl_irq_queue_cause(struct vfmig_mdl_vf *vf, u16 q, bool rx)
{
	const struct vfmig_mdl_host *h = &vf->host;
	u16 v;

	for (v = 0; v < VFMIG_VF_MAX_MSIX; v++) {
		const struct vfmig_irq_map *m = &h->irq[v];

		if (!(h->irq_valid & BIT(v)))
			continue;
		if (rx && (m->rxq_map & BIT(q))) {
			vfmig_mdl_irq_cause(vf, v, m->rxitr_idx);
			return;
		}
		if (!rx && (m->txq_map & BIT(q))) {
			vfmig_mdl_irq_cause(vf, v, m->txitr_idx);
			return;
		}
	}
}

/* An ARQ message arrived: the admin queue cause of vector 0. */
void vfmig_mdl_irq_adminq(struct vfmig_mdl_vf *vf)
{
	u32 itr = (vf->stat_ctl0 & VFMIG_VFINT_STAT_CTL01_OTHER_ITR_INDX_MASK) >>
		  VFMIG_VFINT_STAT_CTL01_OTHER_ITR_INDX_SHIFT;

	vf->icr0 |= VFMIG_VFINT_ICR01_ADMINQ;
	if (!(vf->icr0_ena & VFMIG_VFINT_ICR0_ENA1_ADMINQ))
		return;
	vf->icr0 |= VFMIG_VFINT_ICR01_INTEVENT;
	vfmig_mdl_irq_cause(vf, 0, itr);
}

void vfmig_mdl_irq_dyn_ctl_write(struct vfmig_mdl_vf *vf, u16 v, u32 val,
				 bool side_effects)
{
	const u32 rw = VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK |
		       VFMIG_VFINT_DYN_CTLN1_INTERVAL_MASK |
		       VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_ENA |
		       VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_MASK |
		       VFMIG_VFINT_DYN_CTLN1_WB_ON_ITR;
	u32 cur = vf->dyn_ctl[v], idx;

	if (!side_effects) {
		/* register restore: state only, nothing fires now */
		vf->dyn_ctl[v] = val & (rw | VFMIG_VFINT_DYN_CTLN1_INTENA);
		return;
	}
	if (!(val & VFMIG_VFINT_DYN_CTLN1_INTENA_MSK))
		cur = (cur & ~VFMIG_VFINT_DYN_CTLN1_INTENA) |
		      (val & VFMIG_VFINT_DYN_CTLN1_INTENA);
	cur = (cur & VFMIG_VFINT_DYN_CTLN1_INTENA) | (val & rw);
	/* ITR_INDX names the ITR register INTERVAL is written to; 3 = none */
	idx = (val & VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK) >>
	      VFMIG_VFINT_DYN_CTLN1_ITR_INDX_SHIFT;
	if (idx < VFMIG_NR_ITR)
		vf->itr[v][idx] = (val & VFMIG_VFINT_DYN_CTLN1_INTERVAL_MASK) >>
				  VFMIG_VFINT_DYN_CTLN1_INTERVAL_SHIFT;
	vf->dyn_ctl[v] = cur;
	if (val & VFMIG_VFINT_DYN_CTLN1_CLEARPBA)
		vf->pba &= ~BIT(v);
	if (val & VFMIG_VFINT_DYN_CTLN1_SWINT_TRIG) {
		u32 sw = VFMIG_ITR_IDX_NONE;

		if (val & VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_ENA)
			sw = (val & VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_MASK) >>
			     VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_SHIFT;
		if (v == 0)
			vf->icr0 |= VFMIG_VFINT_ICR01_SWINT;
		vfmig_mdl_irq_cause(vf, v, sw);
		return;
	}
	if (v < vf_msix(vf))
		try_fire(vf, v);
}

void vfmig_mdl_irq_step(struct vfmig_mdl_vf *vf)
{
	u32 pending = vf->pba;
	u16 v;

	for (v = 0; pending && v < vf_msix(vf); v++)
		if (pending & BIT(v))
			try_fire(vf, v);
}

u64 vfmig_mdl_irq_next_event(const struct vfmig_mdl_vf *vf)
{
	u64 next = U64_MAX;
	u16 v;

	for (v = 0; v < vf_msix(vf); v++) {
		if (!(vf->pba & BIT(v)) ||
		    !(vf->dyn_ctl[v] & VFMIG_VFINT_DYN_CTLN1_INTENA))
			continue;
		if (vf->throttle_until[v] > vf->pf->now &&
		    vf->throttle_until[v] < next)
			next = vf->throttle_until[v];
	}
	return next;
}
