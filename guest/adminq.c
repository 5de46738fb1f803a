// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest AVF driver: the mailbox (admin send queue ATQ, admin receive queue
 * ARQ), programmed and cleaned the way iavf_adminq.c does it.
 *
 * ATQ: descriptor at next_to_use, buffer in the slot's own 4 KiB page, tail
 * moved past it; the device is done with everything before VF_ATQH1 (iavf
 * trusts the head register over the DD bit, "for better timing
 * reliability"). ARQ: every descriptor offers its 4 KiB buffer (BUF, LB),
 * the tail starts at len - 1 and, after a message is consumed, is set to the
 * slot just recycled. Everything the device hands back is checked: head
 * indexes, flags, opcodes and lengths.
 */
#include <vfmig/guest_internal.h>
#include <vfmig/virtchnl.h>

#define VG_AQ_DESC_SIZE	sizeof(struct vfmig_aq_desc)

void vg_aq_shutdown(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p)
{
	vg_wr32(env, VFMIG_VF_ATQH1, 0);
	vg_wr32(env, VFMIG_VF_ATQT1, 0);
	vg_wr32(env, VFMIG_VF_ATQLEN1, 0);
	vg_wr32(env, VFMIG_VF_ATQBAL1, 0);
	vg_wr32(env, VFMIG_VF_ATQBAH1, 0);
	vg_wr32(env, VFMIG_VF_ARQH1, 0);
	vg_wr32(env, VFMIG_VF_ARQT1, 0);
	vg_wr32(env, VFMIG_VF_ARQLEN1, 0);
	vg_wr32(env, VFMIG_VF_ARQBAL1, 0);
	vg_wr32(env, VFMIG_VF_ARQBAH1, 0);
	p->flags &= ~(VG_F_AQ_UP | VG_F_AQ_PROG);
}

static void vg_arq_post(u8 *ring, u64 bufs, u16 slot)
{
	struct vfmig_aq_desc d;

	vfmig_aq_fill_arq_desc(&d, bufs + (u64)slot * VG_AQ_BUF, VG_AQ_BUF);
	memcpy(ring + slot * VG_AQ_DESC_SIZE, &d, sizeof(d));
}

int vg_aq_init(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p)
{
	u8 *atq = vg_mem(env, p->atq_ring, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	u8 *arq = vg_mem(env, p->arq_ring, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	u16 i;

	if (!atq || !arq || !vg_mem(env, p->atq_bufs, (u64)VG_AQ_LEN * VG_AQ_BUF) ||
	    !vg_mem(env, p->arq_bufs, (u64)VG_AQ_LEN * VG_AQ_BUF))
		return -EINVAL;
	memset(atq, 0, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	memset(arq, 0, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	for (i = 0; i < VG_AQ_LEN; i++)
		vg_arq_post(arq, p->arq_bufs, i);
	p->atq_ntu = 0;
	p->atq_ntc = 0;
	p->arq_ntc = 0;
	p->current_op = VIRTCHNL_OP_UNKNOWN;
	p->op_slot = -1;

	/* iavf_config_asq_regs */
	p->flags |= VG_F_AQ_PROG;
	vg_wr32(env, VFMIG_VF_ATQH1, 0);
	vg_wr32(env, VFMIG_VF_ATQT1, 0);
	vg_wr32(env, VFMIG_VF_ATQLEN1, VG_AQ_LEN | VFMIG_VF_AQLEN1_ENABLE);
	vg_wr32(env, VFMIG_VF_ATQBAL1, (u32)p->atq_ring);
	vg_wr32(env, VFMIG_VF_ATQBAH1, (u32)(p->atq_ring >> 32));
	if (vg_rd32(env, VFMIG_VF_ATQBAL1) != (u32)p->atq_ring) {
		vfmig_warn("vfmig guest: ATQBAL did not take %#x\n",
			   (u32)p->atq_ring);
		return -EIO;
	}

	/* iavf_config_arq_regs */
	vg_wr32(env, VFMIG_VF_ARQH1, 0);
	vg_wr32(env, VFMIG_VF_ARQT1, 0);
	vg_wr32(env, VFMIG_VF_ARQLEN1, VG_AQ_LEN | VFMIG_VF_AQLEN1_ENABLE);
	vg_wr32(env, VFMIG_VF_ARQBAL1, (u32)p->arq_ring);
	vg_wr32(env, VFMIG_VF_ARQBAH1, (u32)(p->arq_ring >> 32));
	vg_wr32(env, VFMIG_VF_ARQT1, VG_AQ_LEN - 1);
	if (vg_rd32(env, VFMIG_VF_ARQBAL1) != (u32)p->arq_ring) {
		vfmig_warn("vfmig guest: ARQBAL did not take %#x\n",
			   (u32)p->arq_ring);
		return -EIO;
	}
	return 0;
}

/*
 * The buffer for the next ATQ message, zeroed for @len bytes; NULL when the
 * ATQ has no free slot (the device has not consumed earlier messages yet).
 * Buffers are 4 KiB aligned, so the PF may read them through struct
 * pointers.
 */
u8 *vg_aq_msg_buf(const struct vfmig_guest_env *env,
		  struct vfmig_guest_priv *p, u32 len)
{
	u8 *buf;

	if (len > VG_AQ_BUF || p->atq_ntu >= VG_AQ_LEN)
		return NULL;
	vg_aq_clean_atq(env, p);
	if (vg_ring_next(p->atq_ntu, VG_AQ_LEN) == p->atq_ntc)
		return NULL;
	buf = vg_mem(env, p->atq_bufs + (u64)p->atq_ntu * VG_AQ_BUF, VG_AQ_BUF);
	if (buf)
		memset(buf, 0, len);
	return buf;
}

/*
 * Post the message built in vg_aq_msg_buf()'s buffer (@len bytes, 0 for
 * none) as virtchnl opcode @v_op. Returns the ATQ slot used.
 */
int vg_aq_post(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
	       u32 v_op, u32 len)
{
	u8 *ring = vg_mem(env, p->atq_ring, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	struct vfmig_aq_desc d;
	u16 slot = p->atq_ntu;
	u64 buf = p->atq_bufs + (u64)slot * VG_AQ_BUF;

	if (!ring || slot >= VG_AQ_LEN || len > VG_AQ_BUF)
		return -EINVAL;
	if (vg_ring_next(slot, VG_AQ_LEN) == p->atq_ntc)
		return -EBUSY;
	vfmig_aq_fill_msg_desc(&d, VFMIG_AQC_OPC_SEND_MSG_TO_PF, v_op, 0,
			       (u16)len);
	if (len) {
		d.addr_high = cpu_to_le32((u32)(buf >> 32));
		d.addr_low = cpu_to_le32((u32)buf);
	}
	memcpy(ring + slot * VG_AQ_DESC_SIZE, &d, sizeof(d));
	p->atq_ntu = vg_ring_next(slot, VG_AQ_LEN);
	vg_wr32(env, VFMIG_VF_ATQT1, p->atq_ntu);
	p->stats.mbx_sent++;
	return slot;
}

/* iavf_clean_asq: reclaim what the device has consumed (up to VF_ATQH1). */
void vg_aq_clean_atq(const struct vfmig_guest_env *env,
		     struct vfmig_guest_priv *p)
{
	u8 *ring = vg_mem(env, p->atq_ring, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	u32 head;
	u16 n;

	if (!ring || !(p->flags & VG_F_AQ_UP))
		return;
	head = vg_rd32(env, VFMIG_VF_ATQH1);
	if (head == U32_MAX)
		return;
	head &= VFMIG_VF_AQ_HT_MASK;
	if (head >= VG_AQ_LEN ||
	    vg_ring_dist(p->atq_ntc, (u16)head, VG_AQ_LEN) >
	    vg_ring_dist(p->atq_ntc, p->atq_ntu, VG_AQ_LEN)) {
		/* the device claims to have consumed what we never posted */
		p->stats.mbx_errors++;
		return;
	}
	for (n = 0; n < VG_AQ_LEN && p->atq_ntc != head; n++) {
		u8 *d = ring + p->atq_ntc * VG_AQ_DESC_SIZE;
		u16 flags = vfmig_get_le16(d + offsetof(struct vfmig_aq_desc, flags));
		u16 retval = vfmig_get_le16(d + offsetof(struct vfmig_aq_desc, retval));
		bool mine = p->op_slot == (s32)p->atq_ntc;

		memset(d, 0, VG_AQ_DESC_SIZE);
		p->atq_ntc = vg_ring_next(p->atq_ntc, VG_AQ_LEN);
		if (mine)
			p->op_slot = -1;
		if (!(flags & VFMIG_AQ_FLAG_ERR) && !retval)
			continue;
		/* the mailbox refused the message: the reply will never come */
		p->stats.mbx_errors++;
		vfmig_warn("vfmig guest: ATQ write-back error flags %#x retval %u\n",
			   flags, retval);
		if (mine && p->current_op != VIRTCHNL_OP_UNKNOWN)
			vg_vc_handle(env, p, p->current_op,
				     VIRTCHNL_STATUS_ERR_ADMIN_QUEUE_ERROR,
				     NULL, 0);
		if (!(p->flags & VG_F_AQ_UP))
			return;
	}
}

/*
 * iavf_clean_arq_element, up to @budget messages: each valid one goes to
 * vg_vc_handle(), then its descriptor is offered again and the tail set to
 * it. Returns the number of messages taken.
 */
int vg_aq_clean_arq(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p, u32 budget)
{
	u8 *ring = vg_mem(env, p->arq_ring, VG_AQ_LEN * VG_AQ_DESC_SIZE);
	int taken = 0;
	u32 n;

	if (!ring)
		return 0;
	for (n = 0; n < budget && (p->flags & VG_F_AQ_UP); n++) {
		struct vfmig_aq_desc d;
		u16 slot = p->arq_ntc;
		u32 head = vg_rd32(env, VFMIG_VF_ARQH1);
		u16 flags, aq_op, datalen;
		const u8 *msg;

		if (head == U32_MAX)
			break;
		head &= VFMIG_VF_AQ_HT_MASK;
		if (head >= VG_AQ_LEN) {
			p->stats.mbx_errors++;
			break;
		}
		if (head == slot)
			break;
		memcpy(&d, ring + slot * VG_AQ_DESC_SIZE, sizeof(d));
		flags = le16_to_cpu(d.flags);
		aq_op = le16_to_cpu(d.opcode);
		datalen = le16_to_cpu(d.datalen);
		msg = vg_mem(env, p->arq_bufs + (u64)slot * VG_AQ_BUF, VG_AQ_BUF);
		if (!(flags & VFMIG_AQ_FLAG_DD) ||
		    aq_op != VFMIG_AQC_OPC_SEND_MSG_TO_VF ||
		    datalen > VG_AQ_BUF || !msg) {
			p->stats.mbx_errors++;
			vfmig_warn("vfmig guest: bad ARQ element flags %#x opcode %#x len %u\n",
				   flags, aq_op, datalen);
		} else {
			p->stats.mbx_received++;
			taken++;
			vg_vc_handle(env, p, vfmig_aq_desc_v_opcode(&d),
				     vfmig_aq_desc_v_retval(&d), msg, datalen);
		}
		/* a reset seen while handling: the ring is not ours any more */
		if (!(p->flags & VG_F_AQ_UP) || p->arq_ntc != slot)
			break;
		vg_arq_post(ring, p->arq_bufs, slot);
		vg_wr32(env, VFMIG_VF_ARQT1, slot);
		p->arq_ntc = vg_ring_next(slot, VG_AQ_LEN);
	}
	return taken;
}
