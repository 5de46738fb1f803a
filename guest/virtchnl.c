// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest AVF driver: virtchnl requests and the PF's replies and events
 * (iavf_virtchnl.c). One request is outstanding at a time (current_op); a
 * reply for anything else is counted and dropped.
 *
 * Messages are built byte by byte, little-endian, at the field offsets of the
 * installed <linux/avf/virtchnl.h> structs, and array-carrying messages are
 * sized with the vfmig_vc_*_len() helpers, so the wire format is the same
 * whichever kernel's header (flexible or one-element arrays) is compiled in.
 * Replies are parsed the same way, after their length has been checked.
 */
#include <vfmig/guest_internal.h>
#include <vfmig/virtchnl.h>

/* What we ask the PF for in GET_VF_RESOURCES (a subset of iavf's). */
#define VG_VF_CAPS	(VIRTCHNL_VF_OFFLOAD_L2 | VIRTCHNL_VF_OFFLOAD_RSS_PF | \
			 VIRTCHNL_VF_OFFLOAD_RSS_REG | \
			 VIRTCHNL_VF_CAP_ADV_LINK_SPEED)
/* Largest RSS key/LUT the driver accepts from a PF (well above i40e's 52/64). */
#define VG_RSS_KEY_MAX	256u
#define VG_RSS_LUT_MAX	2048u
/* L2 overhead on top of the MTU in max_pkt_size: ETH_HLEN + VLAN + FCS. */
#define VG_L2_OVERHEAD	(14u + 4u + 4u)

#define VC_OFF(type, field)	offsetof(struct type, field)

static int vg_vc_post(const struct vfmig_guest_env *env,
		      struct vfmig_guest_priv *p, u32 op, u32 len)
{
	int slot = vg_aq_post(env, p, op, len);

	if (slot < 0)
		return slot;
	p->current_op = op;
	p->op_slot = slot;
	p->op_sent_ns = env->now_ns;
	return 0;
}

int vg_vc_send_version(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p)
{
	u32 len = sizeof(struct virtchnl_version_info);
	u8 *m = vg_aq_msg_buf(env, p, len);

	if (!m)
		return -EBUSY;
	vfmig_put_le32(m + VC_OFF(virtchnl_version_info, major),
		       VIRTCHNL_VERSION_MAJOR);
	vfmig_put_le32(m + VC_OFF(virtchnl_version_info, minor),
		       VIRTCHNL_VERSION_MINOR);
	return vg_vc_post(env, p, VIRTCHNL_OP_VERSION, len);
}

int vg_vc_send_get_resources(const struct vfmig_guest_env *env,
			     struct vfmig_guest_priv *p)
{
	/* a 1.0 PF takes no body; 1.1 takes our capability bitmap */
	u32 len = p->vc_minor >= 1 ? 4 : 0;
	u8 *m = vg_aq_msg_buf(env, p, len);

	if (!m)
		return -EBUSY;
	if (len)
		vfmig_put_le32(m, VG_VF_CAPS);
	return vg_vc_post(env, p, VIRTCHNL_OP_GET_VF_RESOURCES, len);
}

/* RESET_VF has no reply (virtchnl.h): the VF polls VFGEN_RSTAT instead. */
int vg_vc_send_reset_vf(const struct vfmig_guest_env *env,
			struct vfmig_guest_priv *p)
{
	int slot;

	if (!vg_aq_msg_buf(env, p, 0))
		return -EBUSY;
	slot = vg_aq_post(env, p, VIRTCHNL_OP_RESET_VF, 0);
	return slot < 0 ? slot : 0;
}

static void vg_build_queues(const struct vfmig_guest_priv *p, u8 *m)
{
	u32 tx = VC_OFF(virtchnl_queue_pair_info, txq);
	u32 rx = VC_OFF(virtchnl_queue_pair_info, rxq);
	u16 q;

	vfmig_put_le16(m + VC_OFF(virtchnl_vsi_queue_config_info, vsi_id),
		       p->vsi_id);
	vfmig_put_le16(m + VC_OFF(virtchnl_vsi_queue_config_info,
				  num_queue_pairs), p->num_qp);
	for (q = 0; q < p->num_qp; q++) {
		u8 *qp = m + VC_OFF(virtchnl_vsi_queue_config_info, qpair) +
			 (u32)q * VFMIG_VC_QUEUE_PAIR_SIZE;

		vfmig_put_le16(qp + tx + VC_OFF(virtchnl_txq_info, vsi_id),
			       p->vsi_id);
		vfmig_put_le16(qp + tx + VC_OFF(virtchnl_txq_info, queue_id), q);
		vfmig_put_le16(qp + tx + VC_OFF(virtchnl_txq_info, ring_len),
			       p->cfg.ring_len);
		vfmig_put_le64(qp + tx + VC_OFF(virtchnl_txq_info, dma_ring_addr),
			       p->txq[q].ring);
		if (p->cfg.tx_head_wb) {
			vfmig_put_le16(qp + tx + VC_OFF(virtchnl_txq_info,
							headwb_enabled), 1);
			vfmig_put_le64(qp + tx + VC_OFF(virtchnl_txq_info,
							dma_headwb_addr),
				       p->txq[q].ring + (u64)p->cfg.ring_len *
				       VFMIG_TX_DESC_SIZE);
		}
		vfmig_put_le16(qp + rx + VC_OFF(virtchnl_rxq_info, vsi_id),
			       p->vsi_id);
		vfmig_put_le16(qp + rx + VC_OFF(virtchnl_rxq_info, queue_id), q);
		vfmig_put_le32(qp + rx + VC_OFF(virtchnl_rxq_info, ring_len),
			       p->cfg.ring_len);
		vfmig_put_le32(qp + rx + VC_OFF(virtchnl_rxq_info,
						databuffer_size),
			       p->cfg.rx_buf_size);
		vfmig_put_le32(qp + rx + VC_OFF(virtchnl_rxq_info, max_pkt_size),
			       p->max_pkt);
		vfmig_put_le64(qp + rx + VC_OFF(virtchnl_rxq_info, dma_ring_addr),
			       p->rxq[q].ring);
	}
}

static void vg_build_irq_map(const struct vfmig_guest_priv *p, u8 *m)
{
	u16 nv = p->num_qvec;
	u16 v, q;

	vfmig_put_le16(m + VC_OFF(virtchnl_irq_map_info, num_vectors), nv + 1);
	/* queue vectors first, the mailbox vector 0 last (iavf_map_queues) */
	for (v = 0; v <= nv; v++) {
		u8 *e = m + VC_OFF(virtchnl_irq_map_info, vecmap) +
			(u32)v * VFMIG_VC_VECTOR_MAP_SIZE;
		u16 vector = v < nv ? v + 1 : 0;
		u16 map = 0;

		if (vector)
			for (q = 0; q < p->num_qp; q++)
				if (q % nv == vector - 1u)
					map |= BIT(q);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, vsi_id), p->vsi_id);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, vector_id), vector);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, rxq_map), map);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, txq_map), map);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, rxitr_idx),
			       VFMIG_ITR_IDX0);
		vfmig_put_le16(e + VC_OFF(virtchnl_vector_map, txitr_idx),
			       VFMIG_ITR_IDX1);
	}
}

/* A fixed, non-trivial key: the same hash on every host after migration. */
static u8 vg_rss_key_byte(u32 i)
{
	return (u8)(0x6d + i * 0x5a + (i >> 3) * 0x11);
}

/* RSS through VFQF_HKEY/HLUT when the PF offers only RSS_REG (i40evf's way). */
static void vg_rss_regs(const struct vfmig_guest_env *env,
			const struct vfmig_guest_priv *p)
{
	u32 i, j, v;

	for (i = 0; i < VFMIG_VFQF_HKEY_COUNT; i++) {
		v = 0;
		for (j = 0; j < 4; j++)
			v |= (u32)vg_rss_key_byte(i * 4 + j) << (8 * j);
		vg_wr32(env, VFMIG_VFQF_HKEY(i), v);
	}
	for (i = 0; i < VFMIG_VFQF_HLUT_COUNT; i++) {
		v = 0;
		for (j = 0; j < 4; j++)
			v |= ((i * 4 + j) % p->num_qp & VFMIG_VFQF_HLUT_ENTRY_MASK) <<
			     (8 * j);
		vg_wr32(env, VFMIG_VFQF_HLUT(i), v);
	}
}

static bool vg_step_applies(const struct vfmig_guest_priv *p, u32 step)
{
	switch (step) {
	case VG_STEP_IRQ_MAP:
		return p->cfg.use_irq && p->num_qvec;
	case VG_STEP_RSS_KEY:
		return p->vf_caps & (VIRTCHNL_VF_OFFLOAD_RSS_PF |
				     VIRTCHNL_VF_OFFLOAD_RSS_REG);
	case VG_STEP_RSS_LUT:
		return p->vf_caps & VIRTCHNL_VF_OFFLOAD_RSS_PF;
	case VG_STEP_PROMISC:
		return p->cfg.promisc;
	default:
		return true;
	}
}

static void vg_running(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p)
{
	p->state = VFMIG_GUEST_RUNNING;
	p->reset_tries = 0;
	if (p->flags & VG_F_RECOVERING) {
		p->flags &= ~VG_F_RECOVERING;
		p->stats.resets++;
	}
	vg_irq_arm_queues(env, p);
	vfmig_info("vfmig guest: running, %u queue pairs, %u queue vectors\n",
		   p->num_qp, p->num_qvec);
}

/*
 * Send the current configuration step, skipping those that do not apply;
 * after the last one the driver is RUNNING. -EBUSY leaves the step for the
 * next poll.
 */
int vg_vc_send_step(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p)
{
	u32 len = 0, op = 0;
	u16 q;
	u8 *m;

	while (p->step < VG_STEP_DONE && !vg_step_applies(p, p->step))
		p->step++;
	if (p->step == VG_STEP_RSS_KEY &&
	    !(p->vf_caps & VIRTCHNL_VF_OFFLOAD_RSS_PF)) {
		vg_rss_regs(env, p);
		p->step = VG_STEP_RSS_LUT + 1;
		while (p->step < VG_STEP_DONE && !vg_step_applies(p, p->step))
			p->step++;
	}

	switch (p->step) {
	case VG_STEP_QUEUES:
		op = VIRTCHNL_OP_CONFIG_VSI_QUEUES;
		len = vfmig_vc_vsi_queues_len(p->num_qp);
		break;
	case VG_STEP_IRQ_MAP:
		op = VIRTCHNL_OP_CONFIG_IRQ_MAP;
		len = vfmig_vc_irq_map_len(p->num_qvec + 1u);
		break;
	case VG_STEP_ADD_MAC:
		op = VIRTCHNL_OP_ADD_ETH_ADDR;
		len = vfmig_vc_eth_addr_list_len(1);
		break;
	case VG_STEP_RSS_KEY:
		op = VIRTCHNL_OP_CONFIG_RSS_KEY;
		len = vfmig_vc_rss_key_len(p->rss_key_size);
		break;
	case VG_STEP_RSS_LUT:
		op = VIRTCHNL_OP_CONFIG_RSS_LUT;
		len = vfmig_vc_rss_lut_len(p->rss_lut_size);
		break;
	case VG_STEP_PROMISC:
		op = VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE;
		len = sizeof(struct virtchnl_promisc_info);
		break;
	case VG_STEP_ENABLE:
		op = VIRTCHNL_OP_ENABLE_QUEUES;
		len = sizeof(struct virtchnl_queue_select);
		break;
	default:
		vg_running(env, p);
		return 0;
	}

	m = vg_aq_msg_buf(env, p, len);
	if (!m)
		return -EBUSY;

	switch (p->step) {
	case VG_STEP_QUEUES:
		/*
		 * The queues are off after a reset; start both tails at 0 so
		 * no stale doorbell from before the reset names descriptors.
		 */
		for (q = 0; q < p->num_qp; q++) {
			vg_wr32(env, VFMIG_QTX_TAIL1(q), 0);
			vg_wr32(env, VFMIG_QRX_TAIL1(q), 0);
		}
		vg_build_queues(p, m);
		break;
	case VG_STEP_IRQ_MAP:
		vg_build_irq_map(p, m);
		break;
	case VG_STEP_ADD_MAC:
		vfmig_put_le16(m + VC_OFF(virtchnl_ether_addr_list, vsi_id),
			       p->vsi_id);
		vfmig_put_le16(m + VC_OFF(virtchnl_ether_addr_list, num_elements),
			       1);
		memcpy(m + VC_OFF(virtchnl_ether_addr_list, list) +
		       VC_OFF(virtchnl_ether_addr, addr), p->mac, 6);
		m[VC_OFF(virtchnl_ether_addr_list, list) +
		  VC_OFF(virtchnl_ether_addr, type)] = VIRTCHNL_ETHER_ADDR_PRIMARY;
		break;
	case VG_STEP_RSS_KEY:
		vfmig_put_le16(m + VC_OFF(virtchnl_rss_key, vsi_id), p->vsi_id);
		vfmig_put_le16(m + VC_OFF(virtchnl_rss_key, key_len),
			       (u16)p->rss_key_size);
		for (q = 0; q < p->rss_key_size; q++)
			m[VC_OFF(virtchnl_rss_key, key) + q] = vg_rss_key_byte(q);
		break;
	case VG_STEP_RSS_LUT:
		vfmig_put_le16(m + VC_OFF(virtchnl_rss_lut, vsi_id), p->vsi_id);
		vfmig_put_le16(m + VC_OFF(virtchnl_rss_lut, lut_entries),
			       (u16)p->rss_lut_size);
		for (q = 0; q < p->rss_lut_size; q++)
			m[VC_OFF(virtchnl_rss_lut, lut) + q] = (u8)(q % p->num_qp);
		break;
	case VG_STEP_PROMISC:
		vfmig_put_le16(m + VC_OFF(virtchnl_promisc_info, vsi_id),
			       p->vsi_id);
		vfmig_put_le16(m + VC_OFF(virtchnl_promisc_info, flags),
			       FLAG_VF_UNICAST_PROMISC |
			       FLAG_VF_MULTICAST_PROMISC);
		break;
	case VG_STEP_ENABLE:
		/* buffers are posted before the queues go live (iavf_configure) */
		vg_rx_post_all(env, p);
		vfmig_put_le16(m + VC_OFF(virtchnl_queue_select, vsi_id),
			       p->vsi_id);
		vfmig_put_le32(m + VC_OFF(virtchnl_queue_select, rx_queues),
			       (u32)BIT(p->num_qp) - 1);
		vfmig_put_le32(m + VC_OFF(virtchnl_queue_select, tx_queues),
			       (u32)BIT(p->num_qp) - 1);
		break;
	}
	return vg_vc_post(env, p, op, len);
}

static void vg_handle_version(const struct vfmig_guest_env *env,
			      struct vfmig_guest_priv *p, s32 v_retval,
			      const u8 *msg, u32 len)
{
	u32 major, minor;

	if (v_retval || len < sizeof(struct virtchnl_version_info)) {
		vfmig_warn("vfmig guest: VERSION reply status %d len %u\n",
			   v_retval, len);
		vg_fail(p, -EPROTO);
		return;
	}
	major = vfmig_get_le32(msg + VC_OFF(virtchnl_version_info, major));
	minor = vfmig_get_le32(msg + VC_OFF(virtchnl_version_info, minor));
	if (major != VIRTCHNL_VERSION_MAJOR) {
		vfmig_warn("vfmig guest: PF speaks virtchnl %u.%u, we need %u.x\n",
			   major, minor, VIRTCHNL_VERSION_MAJOR);
		vg_fail(p, -EPROTO);
		return;
	}
	p->vc_major = major;
	p->vc_minor = min_t(u32, minor, VIRTCHNL_VERSION_MINOR);
	if (vg_vc_send_get_resources(env, p)) {
		vg_fail(p, -EBUSY);
		return;
	}
	p->state = VFMIG_GUEST_GET_RESOURCES;
}

static bool vg_mac_usable(const u8 *mac)
{
	return !(mac[0] & 1) &&
	       (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/*
 * GET_VF_RESOURCES: a struct virtchnl_vf_resource and num_vsis VSIs. Use the
 * first SR-IOV VSI; clamp every count to what the driver and the hardware
 * can do; refuse a reply that does not hold what it claims.
 */
static void vg_handle_resources(const struct vfmig_guest_env *env,
				struct vfmig_guest_priv *p, s32 v_retval,
				const u8 *msg, u32 len)
{
	u32 fixed = VC_OFF(virtchnl_vf_resource, vsi_res);
	u16 num_vsis, res_qp, i, vsi_qp = 0;
	const u8 *vsi = NULL;
	u32 key, lut;

	if (v_retval || len < vfmig_vc_vf_resource_len(1)) {
		vfmig_warn("vfmig guest: GET_VF_RESOURCES status %d len %u\n",
			   v_retval, len);
		vg_fail(p, -EPROTO);
		return;
	}
	num_vsis = vfmig_get_le16(msg + VC_OFF(virtchnl_vf_resource, num_vsis));
	num_vsis = min_t(u32, num_vsis, (len - fixed) / VFMIG_VC_VSI_RESOURCE_SIZE);
	for (i = 0; i < num_vsis; i++) {
		const u8 *v = msg + fixed + (u32)i * VFMIG_VC_VSI_RESOURCE_SIZE;

		if ((s32)vfmig_get_le32(v + VC_OFF(virtchnl_vsi_resource,
						   vsi_type)) ==
		    VIRTCHNL_VSI_SRIOV) {
			vsi = v;
			break;
		}
	}
	if (!vsi) {
		vfmig_warn("vfmig guest: no SR-IOV VSI among %u\n", num_vsis);
		vg_fail(p, -EPROTO);
		return;
	}
	vsi_qp = vfmig_get_le16(vsi + VC_OFF(virtchnl_vsi_resource,
					     num_queue_pairs));
	res_qp = vfmig_get_le16(msg + VC_OFF(virtchnl_vf_resource,
					     num_queue_pairs));
	if (!vsi_qp || !res_qp) {
		vfmig_warn("vfmig guest: PF grants no queues (%u/%u)\n",
			   vsi_qp, res_qp);
		vg_fail(p, -EPROTO);
		return;
	}
	p->vsi_id = vfmig_get_le16(vsi + VC_OFF(virtchnl_vsi_resource, vsi_id));
	p->num_qp = min_t(u16, vsi_qp, res_qp);
	p->num_qp = min_t(u16, p->num_qp, p->cfg.num_queue_pairs);
	p->max_vectors = vfmig_get_le16(msg + VC_OFF(virtchnl_vf_resource,
						     max_vectors));
	p->max_mtu = vfmig_get_le16(msg + VC_OFF(virtchnl_vf_resource, max_mtu));
	/* only what we asked for counts, whatever else the PF sets */
	p->vf_caps = vfmig_get_le32(msg + VC_OFF(virtchnl_vf_resource,
						 vf_cap_flags)) & VG_VF_CAPS;
	key = vfmig_get_le32(msg + VC_OFF(virtchnl_vf_resource, rss_key_size));
	lut = vfmig_get_le32(msg + VC_OFF(virtchnl_vf_resource, rss_lut_size));
	if ((p->vf_caps & VIRTCHNL_VF_OFFLOAD_RSS_PF) &&
	    (!key || key > VG_RSS_KEY_MAX || !lut || lut > VG_RSS_LUT_MAX)) {
		vfmig_warn("vfmig guest: RSS key %u / LUT %u unusable; no RSS\n",
			   key, lut);
		p->vf_caps &= ~VIRTCHNL_VF_OFFLOAD_RSS_PF;
	}
	p->rss_key_size = key;
	p->rss_lut_size = lut;

	/* vector 0 is the mailbox's; queues share the rest round-robin */
	p->num_qvec = 0;
	if (p->cfg.use_irq && p->max_vectors >= 2)
		p->num_qvec = min_t(u16, p->max_vectors - 1, p->num_qp);
	p->num_qvec = min_t(u16, p->num_qvec, VFMIG_VF_MAX_DYN_CTLN);

	p->max_pkt = VG_MAX_FRAME;
	if (p->max_mtu && p->max_mtu + VG_L2_OVERHEAD < p->max_pkt)
		p->max_pkt = max_t(u32, p->max_mtu + VG_L2_OVERHEAD,
				   VFMIG_RXQ_RXMAX_MIN);

	if (vg_mac_usable(p->cfg.mac)) {
		memcpy(p->mac, p->cfg.mac, 6);
	} else if (vg_mac_usable(vsi + VC_OFF(virtchnl_vsi_resource,
					      default_mac_addr))) {
		memcpy(p->mac, vsi + VC_OFF(virtchnl_vsi_resource,
					    default_mac_addr), 6);
	} else {
		/* no randomness here: a locally administered MAC from the VSI */
		p->mac[0] = 0x02;
		p->mac[1] = 0x56;
		p->mac[2] = 0x46;
		p->mac[3] = 0x4d;
		p->mac[4] = (u8)(p->vsi_id >> 8);
		p->mac[5] = (u8)p->vsi_id;
	}

	p->state = VFMIG_GUEST_CONFIGURING;
	p->step = VG_STEP_QUEUES;
	vg_vc_send_step(env, p);
}

static void vg_handle_step(const struct vfmig_guest_env *env,
			   struct vfmig_guest_priv *p, u32 op, s32 v_retval)
{
	if (v_retval) {
		vfmig_warn("vfmig guest: PF refused %s: %s (%d)\n",
			   vfmig_virtchnl_op_name(op),
			   vfmig_virtchnl_status_name(v_retval), v_retval);
		switch (p->step) {
		case VG_STEP_QUEUES:
		case VG_STEP_IRQ_MAP:
		case VG_STEP_ENABLE:
			/* without these there is no data path: start over */
			p->stats.last_error = -EIO;
			vg_request_reset(env, p);
			return;
		default:
			/* filters, RSS, promisc: degrade and go on (iavf logs) */
			p->stats.last_error = -EIO;
			break;
		}
	}
	p->step++;
	vg_vc_send_step(env, p);
}

static void vg_handle_event(const struct vfmig_guest_env *env,
			    struct vfmig_guest_priv *p, const u8 *msg, u32 len)
{
	u32 st_off;
	s32 event;

	if (len < sizeof(struct virtchnl_pf_event)) {
		p->stats.mbx_errors++;
		vfmig_warn("vfmig guest: short EVENT (%u bytes)\n", len);
		return;
	}
	event = (s32)vfmig_get_le32(msg + VC_OFF(virtchnl_pf_event, event));
	switch (event) {
	case VIRTCHNL_EVENT_LINK_CHANGE:
		if (p->vf_caps & VIRTCHNL_VF_CAP_ADV_LINK_SPEED)
			st_off = VC_OFF(virtchnl_pf_event,
					event_data.link_event_adv.link_status);
		else
			st_off = VC_OFF(virtchnl_pf_event,
					event_data.link_event.link_status);
		p->stats.link_up = msg[st_off] ? 1 : 0;
		p->stats.link_events++;
		break;
	case VIRTCHNL_EVENT_RESET_IMPENDING:
		/* the PF is about to reset us: stop and wait for it (iavf) */
		vfmig_info("vfmig guest: PF announced a reset\n");
		vg_enter_reset(env, p, true);
		break;
	case VIRTCHNL_EVENT_PF_DRIVER_CLOSE:
		p->stats.link_up = 0;
		p->stats.link_events++;
		break;
	default:
		p->stats.mbx_errors++;
		vfmig_warn("vfmig guest: unknown PF event %d\n", event);
		break;
	}
}

/*
 * One PF->VF message. @msg is NULL (and @len 0) for a request the mailbox
 * itself failed.
 */
void vg_vc_handle(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
		  u32 v_op, s32 v_retval, const u8 *msg, u32 len)
{
	u32 op;

	if (v_op == VIRTCHNL_OP_EVENT) {
		if (msg)
			vg_handle_event(env, p, msg, len);
		return;
	}
	if (p->current_op == VIRTCHNL_OP_UNKNOWN || v_op != p->current_op) {
		p->stats.mbx_errors++;
		vfmig_warn("vfmig guest: unexpected reply %s (waiting for %s)\n",
			   vfmig_virtchnl_op_name(v_op),
			   vfmig_virtchnl_op_name(p->current_op));
		return;
	}
	op = p->current_op;
	p->current_op = VIRTCHNL_OP_UNKNOWN;
	p->op_slot = -1;
	if (v_retval)
		p->stats.mbx_errors++;
	if (!msg) {
		/* the mailbox itself failed: no reply will come; start over */
		p->stats.last_error = -EIO;
		vg_request_reset(env, p);
		return;
	}

	switch (p->state) {
	case VFMIG_GUEST_VERSION:
		vg_handle_version(env, p, v_retval, msg, len);
		break;
	case VFMIG_GUEST_GET_RESOURCES:
		vg_handle_resources(env, p, v_retval, msg, len);
		break;
	case VFMIG_GUEST_CONFIGURING:
		vg_handle_step(env, p, op, v_retval);
		break;
	default:
		break;
	}
}

/* No reply in time: the PF or the mailbox is stuck; reset (iavf's watchdog). */
void vg_vc_check_timeout(const struct vfmig_guest_env *env,
			 struct vfmig_guest_priv *p)
{
	u32 atq;

	if (p->current_op == VIRTCHNL_OP_UNKNOWN ||
	    env->now_ns - p->op_sent_ns < VG_OP_TIMEOUT_NS)
		return;
	atq = vg_rd32(env, VFMIG_VF_ATQLEN1);
	vfmig_warn("vfmig guest: no reply to %s after %llu ns (ATQLEN %#x)\n",
		   vfmig_virtchnl_op_name(p->current_op),
		   (unsigned long long)(env->now_ns - p->op_sent_ns), atq);
	p->stats.mbx_errors++;
	p->stats.last_error = -ETIMEDOUT;
	vg_request_reset(env, p);
}
