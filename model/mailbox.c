// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the VF mailbox, an admin queue pair in VF memory.
 *
 * ATQ (VF -> PF): descriptors [ATQH, ATQT) are fetched in order. For a
 * SEND_MSG_TO_PF descriptor the device reads the indirect buffer (FLAG_BUF,
 * addr_high/low, datalen), writes the descriptor back with DD | CMP (plus
 * ERR and an AQ return code in retval when it cannot take it), advances
 * ATQH and hands the virtchnl message (cookie_high = opcode) to the PF
 * host, which answers after cfg.mbx_latency_ns.
 *
 * ARQ (PF -> VF): the VF posts descriptors [ARQH, ARQT) with FLAG_BUF, the
 * buffer address and its size in datalen. A message lands in the buffer at
 * ARQH; the descriptor is written back with DD | CMP, opcode
 * SEND_MSG_TO_VF, datalen = message length, cookie_high = virtchnl opcode,
 * cookie_low = virtchnl status; ARQH advances and the admin queue cause
 * (VFINT_ICR01.ADMINQ, vector 0) is raised. With no buffer posted the
 * message waits, in order, until the VF posts one.
 *
 * A queue runs only while its LEN register has ENABLE and a nonzero length.
 * A head or tail beyond the length sets the sticky VFE bit and stops the
 * queue's processing until software fixes it; a DMA fault sets CRIT and
 * clears ENABLE (the queue is dead until the VF re-initialises it).
 */
#include <vfmig/model_internal.h>

#define AQ_DESC_SIZE	((u32)sizeof(struct vfmig_aq_desc))

bool vfmig_mdl_mbx_enabled(const struct vfmig_mbx_queue_regs *q)
{
	return (q->len & VFMIG_VF_AQLEN1_ENABLE) &&
	       (q->len & VFMIG_VF_AQLEN1_LEN_MASK);
}

static u32 mbx_len(const struct vfmig_mbx_queue_regs *q)
{
	return q->len & VFMIG_VF_AQLEN1_LEN_MASK;
}

static u64 mbx_base(const struct vfmig_mbx_queue_regs *q)
{
	return ((u64)q->bah << 32) | q->bal;
}

/* Head and tail inside the ring, else the VF error bit and no processing. */
static bool mbx_sane(struct vfmig_mdl_vf *vf, struct vfmig_mbx_queue_regs *q)
{
	u32 len = mbx_len(q);

	if (q->head < len && q->tail < len)
		return true;
	if (!(q->len & VFMIG_VF_AQLEN1_VFE)) {
		q->len |= VFMIG_VF_AQLEN1_VFE;
		vf->stats.mbx_errors++;
	}
	return false;
}

static void mbx_dma_fault(struct vfmig_mbx_queue_regs *q)
{
	q->len |= VFMIG_VF_AQLEN1_CRIT;
	q->len &= ~VFMIG_VF_AQLEN1_ENABLE;
}

static u64 desc_addr(const struct vfmig_mbx_queue_regs *q, u32 idx)
{
	return mbx_base(q) + (u64)idx * AQ_DESC_SIZE;
}

/* ---- PF -> VF ------------------------------------------------------------ */

static void pend_pop(struct vfmig_mdl_vf *vf)
{
	struct vfmig_mdl_msg *m = &vf->pend[vf->pend_head];

	vfmig_free(m->data);
	memset(m, 0, sizeof(*m));
	vf->pend_head = (vf->pend_head + 1) % VFMIG_MDL_PENDING_MSGS;
	vf->pend_count--;
}

int vfmig_mdl_mbx_send(struct vfmig_mdl_vf *vf, u32 v_opcode, s32 v_retval,
		       const void *data, u16 len, u64 ready_ns)
{
	struct vfmig_mdl_msg *m;
	u8 *copy = NULL;

	if (len > VFMIG_AQ_MAX_BUF_SIZE || (len && !data))
		return -EINVAL;
	if (vf->pend_count >= VFMIG_MDL_PENDING_MSGS) {
		/*
		 * i40e_aq_send_msg_to_vf fails; the VF sees an ARQ overflow.
		 * Logged once per overflow episode (until the VF clears OVFL):
		 * a VF that never posts buffers must not flood the host's log.
		 */
		vf->stats.mbx_dropped++;
		if (!(vf->arq.len & VFMIG_VF_AQLEN1_OVFL))
			vfmig_warn("model: VF %u: %u PF->VF messages waiting for ARQ buffers, dropping %s",
				   vf->id, vf->pend_count,
				   vfmig_virtchnl_op_name(v_opcode));
		vf->arq.len |= VFMIG_VF_AQLEN1_OVFL;
		return -ENOSPC;
	}
	if (len) {
		copy = vfmig_alloc(len);
		if (!copy) {
			vf->stats.mbx_dropped++;
			return -ENOMEM;
		}
		memcpy(copy, data, len);
	}
	m = &vf->pend[(vf->pend_head + vf->pend_count) % VFMIG_MDL_PENDING_MSGS];
	m->v_opcode = v_opcode;
	m->v_retval = v_retval;
	m->len = len;
	m->data = copy;
	m->ready_ns = ready_ns;
	vf->pend_count++;
	return 0;
}

/* Forget the @n newest waiting messages (undo of a partial queueing). */
void vfmig_mdl_mbx_drop_last(struct vfmig_mdl_vf *vf, u16 n)
{
	struct vfmig_mdl_msg *m;

	while (n-- && vf->pend_count) {
		m = &vf->pend[(vf->pend_head + vf->pend_count - 1) %
			      VFMIG_MDL_PENDING_MSGS];
		vfmig_free(m->data);
		memset(m, 0, sizeof(*m));
		vf->pend_count--;
	}
}

void vfmig_mdl_mbx_flush_pending(struct vfmig_mdl_vf *vf)
{
	while (vf->pend_count)
		pend_pop(vf);
	vf->pend_head = 0;
}

/*
 * Deliver the oldest waiting message into the buffer at ARQH. Returns 0 when
 * the descriptor was consumed (delivered or refused), -EFAULT on a DMA fault
 * (the message keeps waiting; the ARQ is dead).
 */
static int arq_deliver_one(struct vfmig_mdl_vf *vf)
{
	struct vfmig_mbx_queue_regs *q = &vf->arq;
	struct vfmig_mdl_msg *m = &vf->pend[vf->pend_head];
	struct vfmig_aq_desc d;
	u64 da = desc_addr(q, q->head);
	u16 flags, bufsz;

	if (vfmig_mdl_dma_read(vf, da, &d, AQ_DESC_SIZE))
		goto err_fault;
	flags = le16_to_cpu(d.flags);
	bufsz = le16_to_cpu(d.datalen);
	if (!(flags & VFMIG_AQ_FLAG_BUF) || m->len > bufsz ||
	    bufsz > VFMIG_AQ_MAX_BUF_SIZE) {
		/* no usable buffer: complete the descriptor with an error */
		d.flags = cpu_to_le16(flags | VFMIG_AQ_FLAG_DD |
				      VFMIG_AQ_FLAG_CMP | VFMIG_AQ_FLAG_ERR);
		d.opcode = cpu_to_le16(VFMIG_AQC_OPC_SEND_MSG_TO_VF);
		d.retval = cpu_to_le16(VFMIG_AQ_RC_ENOMEM);
		d.datalen = 0;
		d.cookie_high = cpu_to_le32(m->v_opcode);
		d.cookie_low = cpu_to_le32((u32)m->v_retval);
		if (vfmig_mdl_dma_write(vf, da, &d, AQ_DESC_SIZE,
					VFMIG_ENG_ARQ_DESC_WB))
			goto err_fault;
		vfmig_warn("model: VF %u: ARQ buffer of %u bytes cannot take %s (%u bytes)",
			   vf->id, bufsz, vfmig_virtchnl_op_name(m->v_opcode),
			   m->len);
		vf->stats.mbx_dropped++;
		pend_pop(vf);
		goto consumed;
	}
	if (m->len && vfmig_mdl_dma_write(vf, vfmig_aq_desc_addr(&d), m->data,
					  m->len, VFMIG_ENG_ARQ_DATA))
		goto err_fault;
	d.flags = cpu_to_le16((flags & (VFMIG_AQ_FLAG_BUF | VFMIG_AQ_FLAG_LB)) |
			      VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP);
	d.opcode = cpu_to_le16(VFMIG_AQC_OPC_SEND_MSG_TO_VF);
	d.datalen = cpu_to_le16(m->len);
	d.retval = 0;
	d.cookie_high = cpu_to_le32(m->v_opcode);
	d.cookie_low = cpu_to_le32((u32)m->v_retval);
	d.param0 = 0;
	d.param1 = 0;
	if (vfmig_mdl_dma_write(vf, da, &d, AQ_DESC_SIZE, VFMIG_ENG_ARQ_DESC_WB))
		goto err_fault;
	vf->stats.mbx_to_vf++;
	pend_pop(vf);
consumed:
	q->head = (q->head + 1) % mbx_len(q);
	vf->pf->work++;
	vfmig_mdl_irq_adminq(vf);
	return 0;

err_fault:
	mbx_dma_fault(q);
	return -EFAULT;
}

static void arq_step(struct vfmig_mdl_vf *vf, u32 budget)
{
	struct vfmig_mbx_queue_regs *q = &vf->arq;
	u32 n = 0;

	while (vf->pend_count && n++ < budget) {
		if (vf->mbx_hold || !vfmig_mdl_mbx_enabled(q) || !mbx_sane(vf, q))
			return;
		if (vf->pend[vf->pend_head].ready_ns > vf->pf->now)
			return;
		if (q->head == q->tail)
			return;		/* no buffer posted: the message waits */
		if (arq_deliver_one(vf))
			return;
	}
}

/* Deliver what can be delivered now (a message the PF sends synchronously). */
void vfmig_mdl_mbx_deliver(struct vfmig_mdl_vf *vf)
{
	arq_step(vf, VFMIG_MDL_PENDING_MSGS);
}

/* ---- VF -> PF ------------------------------------------------------------ */

/* Take the descriptor at ATQH. 0, or -EFAULT when the ATQ died. */
static int atq_take_one(struct vfmig_mdl_vf *vf)
{
	struct vfmig_model_pf *pf = vf->pf;
	struct vfmig_mbx_queue_regs *q = &vf->atq;
	struct vfmig_aq_desc d;
	u64 da = desc_addr(q, q->head);
	u16 flags, opcode, rc = VFMIG_AQ_RC_OK, len = 0;
	bool deliver = false;
	u32 v_opcode;

	if (vfmig_mdl_dma_read(vf, da, &d, AQ_DESC_SIZE))
		goto err_fault;
	flags = le16_to_cpu(d.flags);
	opcode = le16_to_cpu(d.opcode);
	v_opcode = vfmig_aq_desc_v_opcode(&d);

	switch (opcode) {
	case VFMIG_AQC_OPC_SEND_MSG_TO_PF:
		if (flags & VFMIG_AQ_FLAG_BUF) {
			len = le16_to_cpu(d.datalen);
			if (len > VFMIG_AQ_MAX_BUF_SIZE) {
				rc = VFMIG_AQ_RC_E2BIG;
				break;
			}
			if (vfmig_mdl_dma_read(vf, vfmig_aq_desc_addr(&d),
					       pf->msg, len))
				goto err_fault;
		}
		deliver = true;
		break;
	case VFMIG_AQC_OPC_QUEUE_SHUTDOWN:
		/* iavf unloading: nothing for the PF host to do */
		break;
	default:
		rc = VFMIG_AQ_RC_ESRCH;
		break;
	}

	d.flags = cpu_to_le16(flags | VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP |
			      (rc ? VFMIG_AQ_FLAG_ERR : 0));
	d.retval = cpu_to_le16(rc);
	if (vfmig_mdl_dma_write(vf, da, &d, AQ_DESC_SIZE, VFMIG_ENG_ATQ_DESC_WB))
		goto err_fault;
	q->head = (q->head + 1) % mbx_len(q);
	pf->work++;
	if (rc)
		vf->stats.mbx_errors++;
	if (deliver) {
		vf->stats.mbx_to_pf++;
		/* may reset the VF (RESET_VF), which clears this very queue */
		vfmig_mdl_host_process(vf, v_opcode, (u8 *)pf->msg, len);
	}
	return 0;

err_fault:
	mbx_dma_fault(q);
	return -EFAULT;
}

static bool atq_runs(struct vfmig_mdl_vf *vf)
{
	return !vf->mbx_hold && !vf->faults.mbx_stall &&
	       !vfmig_mdl_in_reset(vf) && !vfmig_mdl_host_busy(vf) &&
	       vfmig_mdl_mbx_enabled(&vf->atq) && mbx_sane(vf, &vf->atq);
}

void vfmig_mdl_mbx_step(struct vfmig_mdl_vf *vf, u32 budget)
{
	u32 n = 0;

	while (n++ < budget && atq_runs(vf) && vf->atq.head != vf->atq.tail)
		if (atq_take_one(vf))
			break;
	if (!vfmig_mdl_in_reset(vf))
		arq_step(vf, budget);
}

/*
 * Take every descriptor the VF has posted now, whatever the budget (the
 * agent's mbx_hold). The PF host's waits are not run here; the caller runs
 * virtual time until the host is idle.
 */
void vfmig_mdl_mbx_drain_atq(struct vfmig_mdl_vf *vf)
{
	u32 n = 0, len = mbx_len(&vf->atq);

	while (n++ <= len && atq_runs(vf) && vf->atq.head != vf->atq.tail)
		if (atq_take_one(vf))
			break;
}

u64 vfmig_mdl_mbx_next_event(const struct vfmig_mdl_vf *vf)
{
	const struct vfmig_mdl_msg *m;

	if (!vf->pend_count || vf->mbx_hold)
		return U64_MAX;
	m = &vf->pend[vf->pend_head];
	return m->ready_ns > vf->pf->now ? m->ready_ns : U64_MAX;
}
