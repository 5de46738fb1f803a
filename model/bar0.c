// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the VF's BAR0 register file and its decode.
 *
 * Accesses are 32-bit at 4-byte aligned offsets (VFMIG_VF_BAR0_SIZE bytes).
 * With @side_effects (the VF's own accesses) a write is a doorbell or a
 * command where the hardware treats it as one: DYN_CTL fires pending
 * interrupts, ICR01 clears on read, a tail beyond the ring is flagged. Without
 * (the PF's register shadow, pf_hw.h vf_reg_read/write) the value is stored or
 * returned and nothing else happens; the engines then act on the stored state
 * at the next poll, as hardware would after a register restore.
 */
#include <vfmig/model_internal.h>

/* Readable bits of DYN_CTL01/DYN_CTLN1: CLEARPBA and SWINT_TRIG are write-only. */
#define DYN_CTL_RW_MASK	(VFMIG_VFINT_DYN_CTLN1_INTENA |			\
			 VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK |		\
			 VFMIG_VFINT_DYN_CTLN1_INTERVAL_MASK |		\
			 VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_ENA |		\
			 VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_MASK |		\
			 VFMIG_VFINT_DYN_CTLN1_WB_ON_ITR)
/* Writable bits of the AQ length registers: length, error flags, enable. */
#define AQLEN_RW_MASK	(VFMIG_VF_AQLEN1_LEN_MASK | VFMIG_VF_AQLEN1_VFE |	\
			 VFMIG_VF_AQLEN1_OVFL | VFMIG_VF_AQLEN1_CRIT |		\
			 VFMIG_VF_AQLEN1_ENABLE)

void vfmig_mdl_bar0_reset(struct vfmig_mdl_vf *vf)
{
	memset(vf->qtx_tail, 0, sizeof(vf->qtx_tail));
	memset(vf->qrx_tail, 0, sizeof(vf->qrx_tail));
	memset(vf->dyn_ctl, 0, sizeof(vf->dyn_ctl));
	memset(vf->itr, 0, sizeof(vf->itr));
	vf->icr0 = 0;
	vf->icr0_ena = 0;
	vf->stat_ctl0 = 0;
	memset(&vf->atq, 0, sizeof(vf->atq));
	memset(&vf->arq, 0, sizeof(vf->arq));
	memset(vf->hkey, 0, sizeof(vf->hkey));
	memset(vf->hlut, 0, sizeof(vf->hlut));
	memset(vf->hena, 0, sizeof(vf->hena));
	vf->pba = 0;
	memset(vf->pend_itr, 0, sizeof(vf->pend_itr));
	memset(vf->throttle_until, 0, sizeof(vf->throttle_until));
}

/* ---- RSS registers as bytes ------------------------------------------------ */

u64 vfmig_mdl_rss_hena(const struct vfmig_mdl_vf *vf)
{
	return (u64)vf->hena[0] | ((u64)vf->hena[1] << 32);
}

void vfmig_mdl_rss_set_hena(struct vfmig_mdl_vf *vf, u64 hena)
{
	vf->hena[0] = (u32)hena;
	vf->hena[1] = (u32)(hena >> 32);
}

/* Byte n of the key is byte n % 4 of HKEY(n / 4) (x710_regs.h). */
u8 vfmig_mdl_rss_key_byte(const struct vfmig_mdl_vf *vf, u32 i)
{
	if (i >= VFMIG_MDL_RSS_KEY_SIZE)
		return 0;
	return (u8)(vf->hkey[i / 4] >> (8 * (i % 4)));
}

void vfmig_mdl_rss_set_key(struct vfmig_mdl_vf *vf, const u8 *key, u32 len)
{
	u32 i;

	memset(vf->hkey, 0, sizeof(vf->hkey));
	for (i = 0; i < len && i < VFMIG_MDL_RSS_KEY_SIZE; i++)
		vf->hkey[i / 4] |= (u32)key[i] << (8 * (i % 4));
}

u8 vfmig_mdl_rss_lut_entry(const struct vfmig_mdl_vf *vf, u32 i)
{
	if (i >= VFMIG_MDL_RSS_LUT_SIZE)
		return 0;
	return (u8)(vf->hlut[i / 4] >> (8 * (i % 4))) & VFMIG_VFQF_HLUT_ENTRY_MASK;
}

void vfmig_mdl_rss_set_lut(struct vfmig_mdl_vf *vf, const u8 *lut, u32 len)
{
	u32 i;

	memset(vf->hlut, 0, sizeof(vf->hlut));
	for (i = 0; i < len && i < VFMIG_MDL_RSS_LUT_SIZE; i++)
		vf->hlut[i / 4] |= (u32)(lut[i] & VFMIG_VFQF_HLUT_ENTRY_MASK) <<
				   (8 * (i % 4));
}

/* ---- decode helpers -------------------------------------------------------- */

/* Index of a per-queue register in [base, base + 4 * n), or -1. */
static int reg_index(u32 off, u32 base, u32 n)
{
	if (off < base || off >= base + 4 * n)
		return -1;
	return (int)((off - base) / 4);
}

static struct vfmig_mbx_queue_regs *mbx_reg(struct vfmig_mdl_vf *vf, u32 off,
					    u32 **reg)
{
	static const struct {
		u32 off;
		bool arq;
		u8 field;	/* 0 bal, 1 bah, 2 len, 3 head, 4 tail */
	} map[] = {
		{ VFMIG_VF_ATQBAL1, false, 0 }, { VFMIG_VF_ATQBAH1, false, 1 },
		{ VFMIG_VF_ATQLEN1, false, 2 }, { VFMIG_VF_ATQH1, false, 3 },
		{ VFMIG_VF_ATQT1, false, 4 },
		{ VFMIG_VF_ARQBAL1, true, 0 }, { VFMIG_VF_ARQBAH1, true, 1 },
		{ VFMIG_VF_ARQLEN1, true, 2 }, { VFMIG_VF_ARQH1, true, 3 },
		{ VFMIG_VF_ARQT1, true, 4 },
	};
	struct vfmig_mbx_queue_regs *q;
	u32 *fields[5];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		if (map[i].off != off)
			continue;
		q = map[i].arq ? &vf->arq : &vf->atq;
		fields[0] = &q->bal;
		fields[1] = &q->bah;
		fields[2] = &q->len;
		fields[3] = &q->head;
		fields[4] = &q->tail;
		*reg = fields[map[i].field];
		return q;
	}
	*reg = NULL;
	return NULL;
}

/* Vector index of DYN_CTL01 / DYN_CTLN1(v) / ITR01(i) / ITRN1(i, v), or -1. */
static int dyn_ctl_vector(u32 off)
{
	int v;

	if (off == VFMIG_VFINT_DYN_CTL01)
		return 0;
	v = reg_index(off, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VF_MAX_DYN_CTLN);
	return v < 0 ? -1 : v + 1;
}

static int itr_reg(u32 off, u32 *idx)
{
	int i;

	i = reg_index(off, VFMIG_VFINT_ITR01(0), VFMIG_NR_ITR);
	if (i >= 0) {
		*idx = (u32)i;
		return 0;
	}
	if (off >= VFMIG_VFINT_ITRN1(0, 0) &&
	    off < VFMIG_VFINT_ITRN1(VFMIG_NR_ITR, 0) && !(off & 3)) {
		u32 rel = off - VFMIG_VFINT_ITRN1(0, 0);
		u32 v = (rel % 64) / 4;

		if (v >= VFMIG_VF_MAX_DYN_CTLN)
			return -1;
		*idx = rel / 64;
		return (int)v + 1;
	}
	return -1;
}

/* ---- read ------------------------------------------------------------------- */

u32 vfmig_mdl_bar0_read(struct vfmig_mdl_vf *vf, u32 off, bool side_effects,
			bool *known)
{
	u32 *reg, idx, val;
	int i;

	*known = true;
	if ((off & 3) || off >= VFMIG_VF_BAR0_SIZE)
		goto unknown;

	i = reg_index(off, VFMIG_QTX_TAIL1(0), VFMIG_VF_MAX_QP);
	if (i >= 0)
		return vf->qtx_tail[i];
	i = reg_index(off, VFMIG_QRX_TAIL1(0), VFMIG_VF_MAX_QP);
	if (i >= 0)
		return vf->qrx_tail[i];
	i = dyn_ctl_vector(off);
	if (i >= 0)
		return vf->dyn_ctl[i];
	i = itr_reg(off, &idx);
	if (i >= 0)
		return vf->itr[i][idx];
	if (mbx_reg(vf, off, &reg))
		return *reg;
	i = reg_index(off, VFMIG_VFQF_HENA(0), VFMIG_VFQF_HENA_COUNT);
	if (i >= 0)
		return vf->hena[i];
	i = reg_index(off, VFMIG_VFQF_HKEY(0), VFMIG_VFQF_HKEY_COUNT);
	if (i >= 0)
		return vf->hkey[i];
	i = reg_index(off, VFMIG_VFQF_HLUT(0), VFMIG_VFQF_HLUT_COUNT);
	if (i >= 0)
		return vf->hlut[i];

	switch (off) {
	case VFMIG_VFINT_ICR01:
		val = vf->icr0;
		/* read-to-clear for the VF; the PF's shadow read leaves it */
		if (side_effects)
			vf->icr0 = 0;
		return val;
	case VFMIG_VFINT_ICR0_ENA1:
		return vf->icr0_ena;
	case VFMIG_VFINT_STAT_CTL01:
		return vf->stat_ctl0;
	case VFMIG_VFGEN_RSTAT:
		return vf->rstat;
	default:
		break;
	}
unknown:
	*known = false;
	return 0;
}

/* ---- write ------------------------------------------------------------------ */

static void tail_write(struct vfmig_mdl_vf *vf, u16 q, bool rx, u32 val,
		       bool side_effects)
{
	u16 tail = (u16)(val & VFMIG_QTAIL1_TAIL_MASK);
	u16 qlen;
	bool *bad;

	if (rx) {
		struct vfmig_mdl_rxq *rq = vfmig_mdl_rxq(vf, q);

		vf->qrx_tail[q] = tail;
		qlen = rq->ctx.qlen;
		bad = &rq->tail_bad;
	} else {
		struct vfmig_mdl_txq *tq = vfmig_mdl_txq(vf, q);

		vf->qtx_tail[q] = tail;
		qlen = tq->ctx.qlen;
		bad = &tq->tail_bad;
	}
	/*
	 * A tail past the ring is a malicious-driver event on silicon. The
	 * model counts it and the engine ignores the queue until a sane tail
	 * is written: never a walk beyond the ring.
	 */
	*bad = qlen && tail >= qlen;
	if (*bad && side_effects)
		vf->stats.bad_tail_writes++;
}

static void mbx_write(struct vfmig_mdl_vf *vf, struct vfmig_mbx_queue_regs *q,
		      u32 *reg, u32 val, bool side_effects)
{
	if (reg == &q->len) {
		if (side_effects) {
			/*
			 * VFE/OVFL/CRIT are sticky status: software clears
			 * them by writing 0 (iavf writes the value back with
			 * the bits cleared), it cannot set them.
			 */
			u32 sticky = q->len & (VFMIG_VF_AQLEN1_VFE |
					       VFMIG_VF_AQLEN1_OVFL |
					       VFMIG_VF_AQLEN1_CRIT);

			val = (val & (VFMIG_VF_AQLEN1_LEN_MASK |
				      VFMIG_VF_AQLEN1_ENABLE)) | (sticky & val);
		}
		*reg = val & AQLEN_RW_MASK;
		return;
	}
	if (reg == &q->head || reg == &q->tail) {
		*reg = val & VFMIG_VF_AQ_HT_MASK;
		return;
	}
	*reg = val;	/* BAL/BAH: full 32 bits, read back as written */
}

void vfmig_mdl_bar0_write(struct vfmig_mdl_vf *vf, u32 off, u32 val,
			  bool side_effects, bool *known)
{
	struct vfmig_mbx_queue_regs *mq;
	u32 *reg, idx;
	int i;

	*known = true;
	if ((off & 3) || off >= VFMIG_VF_BAR0_SIZE)
		goto unknown;

	i = reg_index(off, VFMIG_QTX_TAIL1(0), VFMIG_VF_MAX_QP);
	if (i >= 0) {
		tail_write(vf, (u16)i, false, val, side_effects);
		return;
	}
	i = reg_index(off, VFMIG_QRX_TAIL1(0), VFMIG_VF_MAX_QP);
	if (i >= 0) {
		tail_write(vf, (u16)i, true, val, side_effects);
		return;
	}
	i = dyn_ctl_vector(off);
	if (i >= 0) {
		vfmig_mdl_irq_dyn_ctl_write(vf, (u16)i, val, side_effects);
		return;
	}
	i = itr_reg(off, &idx);
	if (i >= 0) {
		vf->itr[i][idx] = val & VFMIG_VFINT_ITR_INTERVAL_MASK;
		return;
	}
	mq = mbx_reg(vf, off, &reg);
	if (mq) {
		mbx_write(vf, mq, reg, val, side_effects);
		return;
	}
	i = reg_index(off, VFMIG_VFQF_HENA(0), VFMIG_VFQF_HENA_COUNT);
	if (i >= 0) {
		vf->hena[i] = val;
		return;
	}
	i = reg_index(off, VFMIG_VFQF_HKEY(0), VFMIG_VFQF_HKEY_COUNT);
	if (i >= 0) {
		vf->hkey[i] = val;
		return;
	}
	i = reg_index(off, VFMIG_VFQF_HLUT(0), VFMIG_VFQF_HLUT_COUNT);
	if (i >= 0) {
		/* four 4-bit entries, one per byte */
		vf->hlut[i] = val & 0x0F0F0F0F;
		return;
	}

	switch (off) {
	case VFMIG_VFINT_ICR01:
		/* read-only (clear on read) for the VF; the PF restores it */
		if (!side_effects)
			vf->icr0 = val;
		return;
	case VFMIG_VFINT_ICR0_ENA1:
		vf->icr0_ena = val & (VFMIG_VFINT_ICR0_ENA1_LINK_STAT_CHANGE |
				      VFMIG_VFINT_ICR0_ENA1_ADMINQ |
				      VFMIG_VFINT_ICR0_ENA1_RSVD);
		return;
	case VFMIG_VFINT_STAT_CTL01:
		vf->stat_ctl0 = val & VFMIG_VFINT_STAT_CTL01_OTHER_ITR_INDX_MASK;
		return;
	case VFMIG_VFGEN_RSTAT:
		/* the VF cannot change its reset state; the PF's window can */
		if (!side_effects)
			vf->rstat = val & VFMIG_VFGEN_RSTAT_VFR_STATE_MASK;
		return;
	default:
		break;
	}
unknown:
	*known = false;
}
