// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the PF host, i.e. the VF side of the i40e PF driver
 * (i40e_virtchnl_pf.c) as the hardware would run it: every virtchnl request
 * a VF puts on its mailbox is checked with the kernel's
 * virtchnl_vc_validate_vf_msg(), then handled as i40e does it, programming
 * the model's "hardware" (queue contexts, QENA, RSS registers, filters, IRQ
 * linkage) and answering on the VF's ARQ.
 *
 * Status codes. i40e answers with its own status (I40E_ERR_PARAM == -5 ==
 * VIRTCHNL_STATUS_ERR_PARAM) in older kernels and with negative errnos
 * (-EINVAL, -EOPNOTSUPP) since its i40e_status removal; the model answers with
 * the virtchnl codes those correspond to, which is what the virtchnl
 * specification and the ice PF use:
 *   malformed message (validator), bad VSI/queue/vector, request while not
 *   ACTIVE, out-of-range value, filter limit      -> VIRTCHNL_STATUS_ERR_PARAM
 *   opcode valid but not handled by an X710 PF     -> ..._ERR_NOT_SUPPORTED
 *   QENA handshake timed out (i40e's I40E_ERR_TIMEOUT)
 *                                                   -> ..._ERR_ADMIN_QUEUE_ERROR
 *   no room for more MAC filters (trusted VF)       -> ..._ERR_NO_MEMORY
 * i40e's deliberate quirks are kept: an untrusted VF asking for promiscuous
 * mode, or for a 17th VLAN, is told SUCCESS and nothing changes; RESET_VF and
 * a granted REQUEST_QUEUES get no answer (the VF is reset instead).
 *
 * Differences from i40e, on purpose: a request is validated completely
 * before anything is programmed (i40e configures queue by queue and may stop
 * half way); ENABLE/DISABLE_QUEUES refuse queue bits beyond the VF's VSI;
 * a second GET_VF_RESOURCES is answered again (kernels since 2024 refuse it).
 */
#include <vfmig/model_internal.h>

/* How long the PF host waits for QENA_STAT (i40e: 200 x 10-20 us per queue). */
#define HOST_QENA_WAIT_NS	4000000ULL

#define ST_OK		VIRTCHNL_STATUS_SUCCESS
#define ST_PARAM	VIRTCHNL_STATUS_ERR_PARAM
#define ST_NOMEM	VIRTCHNL_STATUS_ERR_NO_MEMORY
#define ST_AQ		VIRTCHNL_STATUS_ERR_ADMIN_QUEUE_ERROR
#define ST_NOTSUPP	VIRTCHNL_STATUS_ERR_NOT_SUPPORTED

static const u8 bcast[VFMIG_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- filter helpers ----------------------------------------------------- */

int vfmig_mdl_host_mac_find(const struct vfmig_mdl_host *h, const u8 *addr)
{
	u16 i;

	for (i = 0; i < h->num_macs; i++)
		if (!memcmp(h->macs[i].addr, addr, VFMIG_ETH_ALEN))
			return i;
	return -1;
}

static int mac_add(struct vfmig_mdl_host *h, const u8 *addr, u8 type)
{
	if (vfmig_mdl_host_mac_find(h, addr) >= 0)
		return 0;
	if (h->num_macs >= VFMIG_MAX_MAC_FILTERS)
		return -ENOSPC;
	memcpy(h->macs[h->num_macs].addr, addr, VFMIG_ETH_ALEN);
	h->macs[h->num_macs].type = type;
	h->num_macs++;
	return 0;
}

static void mac_del(struct vfmig_mdl_host *h, int i)
{
	h->num_macs--;
	memmove(&h->macs[i], &h->macs[i + 1],
		(h->num_macs - i) * sizeof(h->macs[0]));
}

bool vfmig_mdl_host_vlan_has(const struct vfmig_mdl_host *h, u16 vid)
{
	return vid < VFMIG_MAX_VLAN_FILTERS && (h->vlans[vid / 8] & BIT(vid % 8));
}

void vfmig_mdl_host_vlan_set(struct vfmig_mdl_host *h, u16 vid, bool on)
{
	if (vid >= VFMIG_MAX_VLAN_FILTERS || vfmig_mdl_host_vlan_has(h, vid) == on)
		return;
	if (on) {
		h->vlans[vid / 8] |= (u8)BIT(vid % 8);
		h->num_vlans++;
	} else {
		h->vlans[vid / 8] &= (u8)~BIT(vid % 8);
		h->num_vlans--;
	}
}

bool vfmig_mdl_host_trusted(const struct vfmig_mdl_host *h)
{
	return !!(h->flags & VFMIG_VF_TRUSTED);
}

static bool mac_zero(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

/* ---- VF resources (i40e_alloc_vf_res / i40e_free_vf_res) ---------------- */

/* Settings of the host administrator survive a VF reset; the rest does not. */
void vfmig_mdl_host_vf_free(struct vfmig_mdl_vf *vf)
{
	struct vfmig_mdl_host *h = &vf->host;
	u32 flags = h->flags & (VFMIG_VF_TRUSTED | VFMIG_VF_SPOOFCHK |
				VFMIG_VF_LINK_FORCED | VFMIG_VF_LINK_UP);
	u16 port_vlan = h->port_vlan, max_frame = h->max_frame;
	u16 req = h->num_req_queues;
	bool pf_set_mac = h->pf_set_mac;
	u8 mac[VFMIG_ETH_ALEN];

	memcpy(mac, h->mac, VFMIG_ETH_ALEN);
	if (!(flags & VFMIG_VF_LINK_FORCED))
		flags &= ~VFMIG_VF_LINK_UP;
	memset(h, 0, sizeof(*h));
	memcpy(h->mac, mac, VFMIG_ETH_ALEN);
	h->pf_set_mac = pf_set_mac;
	h->flags = flags;
	h->port_vlan = port_vlan;
	h->max_frame = max_frame;
	h->num_req_queues = req;
}

void vfmig_mdl_host_vf_init(struct vfmig_mdl_vf *vf)
{
	struct vfmig_mdl_host *h = &vf->host;
	u16 qps = vf->pf->cfg.queues_per_vf;

	if (h->num_req_queues && h->num_req_queues <= VFMIG_VF_MAX_QP)
		qps = h->num_req_queues;
	h->num_qps = qps;
	h->vsi_id = VFMIG_MDL_VSI_BASE + vf->id;
	h->num_macs = 0;
	if (!mac_zero(h->mac) && !(h->mac[0] & 1))
		mac_add(h, h->mac, VIRTCHNL_ETHER_ADDR_LEGACY);
	mac_add(h, bcast, VIRTCHNL_ETHER_ADDR_LEGACY);
	vfmig_mdl_rss_set_hena(vf, VFMIG_MDL_DEFAULT_RSS_HENA);
	h->state = VFMIG_MDL_HOST_INIT;
}

/* ---- sending ---------------------------------------------------------------- */

static void reply(struct vfmig_mdl_vf *vf, u32 op, s32 status,
		  const void *data, u16 len)
{
	if (status)
		vfmig_info("model: VF %u: %s answered %s", vf->id,
			   vfmig_virtchnl_op_name(op),
			   vfmig_virtchnl_status_name(status));
	vfmig_mdl_mbx_send(vf, op, status, data, len,
			   vf->pf->now + vf->pf->cfg.mbx_latency_ns);
}

static u32 speed_enum(u32 mbps)
{
	switch (mbps) {
	case 100: return VIRTCHNL_LINK_SPEED_100MB;
	case 1000: return VIRTCHNL_LINK_SPEED_1GB;
	case 2500: return VIRTCHNL_LINK_SPEED_2_5GB;
	case 5000: return VIRTCHNL_LINK_SPEED_5GB;
	case 10000: return VIRTCHNL_LINK_SPEED_10GB;
	case 20000: return VIRTCHNL_LINK_SPEED_20GB;
	case 25000: return VIRTCHNL_LINK_SPEED_25GB;
	case 40000: return VIRTCHNL_LINK_SPEED_40GB;
	default: return VIRTCHNL_LINK_SPEED_UNKNOWN;
	}
}

/*
 * i40e_vc_notify_vf_link_state: link is reported down while the VF's queues
 * are not enabled; a forced link state overrides the port's.
 */
void vfmig_mdl_host_notify_link(struct vfmig_mdl_vf *vf)
{
	struct vfmig_model_pf *pf = vf->pf;
	struct vfmig_mdl_host *h = &vf->host;
	struct virtchnl_pf_event pfe;
	bool up;
	u32 speed;

	if (!(h->state & VFMIG_MDL_HOST_ACTIVE))
		return;
	if (!h->queues_enabled)
		up = false;
	else if (h->flags & VFMIG_VF_LINK_FORCED)
		up = !!(h->flags & VFMIG_VF_LINK_UP);
	else
		up = pf->link_up;
	speed = up ? pf->link_speed : 0;
	memset(&pfe, 0, sizeof(pfe));
	pfe.event = VIRTCHNL_EVENT_LINK_CHANGE;
	pfe.severity = PF_EVENT_SEVERITY_INFO;
	/* i40e_set_vf_link_state: the format follows what the VF asked for */
	if (h->driver_caps & VIRTCHNL_VF_CAP_ADV_LINK_SPEED) {
		pfe.event_data.link_event_adv.link_speed = speed;
		pfe.event_data.link_event_adv.link_status = up;
	} else {
		pfe.event_data.link_event.link_speed = speed_enum(speed);
		pfe.event_data.link_event.link_status = up;
	}
	if (!(h->flags & VFMIG_VF_LINK_FORCED)) {
		if (up)
			h->flags |= VFMIG_VF_LINK_UP;
		else
			h->flags &= ~VFMIG_VF_LINK_UP;
	}
	h->link_speed = speed;
	vfmig_mdl_mbx_send(vf, VIRTCHNL_OP_EVENT, ST_OK, &pfe, sizeof(pfe),
			   pf->now + pf->cfg.mbx_latency_ns);
}

/* i40e_vc_notify_vf_reset: sent right before the PF resets the VF. */
void vfmig_mdl_host_notify_reset(struct vfmig_mdl_vf *vf)
{
	struct virtchnl_pf_event pfe;

	if (!(vf->host.state & (VFMIG_MDL_HOST_INIT | VFMIG_MDL_HOST_ACTIVE)))
		return;
	memset(&pfe, 0, sizeof(pfe));
	pfe.event = VIRTCHNL_EVENT_RESET_IMPENDING;
	pfe.severity = PF_EVENT_SEVERITY_CERTAIN_DOOM;
	/* the PF sends it synchronously: it lands before the reset hits */
	if (!vfmig_mdl_mbx_send(vf, VIRTCHNL_OP_EVENT, ST_OK, &pfe, sizeof(pfe),
				vf->pf->now))
		vfmig_mdl_mbx_deliver(vf);
}

/* ---- request handlers ----------------------------------------------------- */

static bool active(const struct vfmig_mdl_vf *vf)
{
	return (vf->host.state & (VFMIG_MDL_HOST_INIT | VFMIG_MDL_HOST_ACTIVE)) ==
	       (VFMIG_MDL_HOST_INIT | VFMIG_MDL_HOST_ACTIVE);
}

static bool vsi_ok(const struct vfmig_mdl_vf *vf, u16 vsi_id)
{
	return vsi_id == vf->host.vsi_id;
}

static void op_version(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_version_info *in = (const void *)msg;
	struct virtchnl_version_info out = {
		.major = VIRTCHNL_VERSION_MAJOR,
		.minor = VIRTCHNL_VERSION_MINOR,
	};

	vf->host.ver = *in;
	vf->host.ver_set = true;
	/* VFs running the 1.0 API expect to get 1.0 back (i40e) */
	if (VF_IS_V10(&vf->host.ver))
		out.minor = VIRTCHNL_VERSION_MINOR_NO_VF_CAPS;
	reply(vf, VIRTCHNL_OP_VERSION, ST_OK, &out, sizeof(out));
}

static u32 grant_caps(const struct vfmig_mdl_host *h, u32 asked)
{
	u32 caps = VIRTCHNL_VF_OFFLOAD_L2;

	if (!h->port_vlan)
		caps |= VIRTCHNL_VF_OFFLOAD_VLAN;
	/* RSS through the PF if asked; an X710 is not RSS_AQ capable */
	if (asked & VIRTCHNL_VF_OFFLOAD_RSS_PF)
		caps |= VIRTCHNL_VF_OFFLOAD_RSS_PF;
	else
		caps |= VIRTCHNL_VF_OFFLOAD_RSS_REG;
	caps |= asked & (VIRTCHNL_VF_OFFLOAD_ENCAP |
			 VIRTCHNL_VF_OFFLOAD_RX_POLLING |
			 VIRTCHNL_VF_OFFLOAD_REQ_QUEUES);
	/* granted whether asked or not (i40e), see vfmig_mdl_host_notify_link */
	caps |= VIRTCHNL_VF_CAP_ADV_LINK_SPEED;
	return caps;
}

static void op_get_vf_resources(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	struct vfmig_mdl_host *h = &vf->host;
	struct virtchnl_vf_resource *res = (void *)vf->pf->reply;
	u16 len = (u16)vfmig_vc_vf_resource_len(1);

	if (!(h->state & VFMIG_MDL_HOST_INIT)) {
		reply(vf, VIRTCHNL_OP_GET_VF_RESOURCES, ST_PARAM, NULL, 0);
		return;
	}
	if (VF_IS_V11(&h->ver))
		h->driver_caps = vfmig_get_le32(msg);
	else
		h->driver_caps = VIRTCHNL_VF_OFFLOAD_L2 |
				 VIRTCHNL_VF_OFFLOAD_RSS_REG |
				 VIRTCHNL_VF_OFFLOAD_VLAN;
	h->vf_caps = grant_caps(h, h->driver_caps);

	memset(res, 0, len);
	res->num_vsis = 1;
	res->num_queue_pairs = h->num_qps;
	res->max_vectors = vf->pf->cfg.msix_per_vf;
	res->max_mtu = VFMIG_MAX_FRAME - (h->port_vlan ? VFMIG_VLAN_HLEN : 0);
	res->vf_cap_flags = h->vf_caps;
	res->rss_key_size = VFMIG_MDL_RSS_KEY_SIZE;
	res->rss_lut_size = VFMIG_MDL_RSS_LUT_SIZE;
	res->vsi_res[0].vsi_id = h->vsi_id;
	res->vsi_res[0].num_queue_pairs = h->num_qps;
	res->vsi_res[0].vsi_type = VIRTCHNL_VSI_SRIOV;
	res->vsi_res[0].qset_handle = vf->id;
	memcpy(res->vsi_res[0].default_mac_addr, h->mac, VFMIG_ETH_ALEN);
	h->state |= VFMIG_MDL_HOST_ACTIVE;
	reply(vf, VIRTCHNL_OP_GET_VF_RESOURCES, ST_OK, res, len);
	vfmig_mdl_host_notify_link(vf);
}

static bool txq_info_ok(const struct virtchnl_txq_info *t, u16 max_ring)
{
	return t->ring_len % VFMIG_PF_TX_RING_MULTIPLE == 0 &&
	       t->ring_len <= max_ring;
}

static bool rxq_info_ok(const struct virtchnl_rxq_info *r, u16 max_ring)
{
	if (r->ring_len % VFMIG_PF_RX_RING_MULTIPLE || r->ring_len > max_ring)
		return false;
	if (r->splithdr_enabled && r->hdr_size > VFMIG_RXQ_HBUFF_MAX)
		return false;
	if (r->databuffer_size > VFMIG_RXQ_DBUFF_MAX)
		return false;
	return r->max_pkt_size >= VFMIG_RXQ_RXMAX_MIN &&
	       r->max_pkt_size < VFMIG_RXQ_RXMAX_LIMIT;
}

static void program_txq(struct vfmig_mdl_vf *vf, u16 q,
			const struct virtchnl_txq_info *t)
{
	struct vfmig_mdl_txq *tq = vfmig_mdl_txq(vf, q);
	struct vfmig_hmc_txq *c = &tq->ctx;

	/* i40e_config_vsi_tx_queue: clear the context, set what matters */
	memset(c, 0, sizeof(*c));
	c->base = t->dma_ring_addr / VFMIG_HMC_BASE_UNIT;
	c->qlen = t->ring_len;
	c->rdylist = vf->id;			/* the VSI's qs_handle[0] */
	c->rdylist_act = 0;
	c->head_wb_ena = t->headwb_enabled & 1;
	c->head_wb_addr = t->dma_headwb_addr;
	tq->qtx_ctl = (VFMIG_QTX_CTL_VF_QUEUE << VFMIG_QTX_CTL_PFVF_Q_SHIFT) |
		      (((u32)vf->id << VFMIG_QTX_CTL_VFVM_INDX_SHIFT) &
		       VFMIG_QTX_CTL_VFVM_INDX_MASK);
	tq->tail_bad = false;
}

static void program_rxq(struct vfmig_mdl_vf *vf, u16 q,
			const struct virtchnl_rxq_info *r)
{
	struct vfmig_mdl_rxq *rq = vfmig_mdl_rxq(vf, q);
	struct vfmig_hmc_rxq *c = &rq->ctx;

	/* i40e_config_vsi_rx_queue */
	memset(c, 0, sizeof(*c));
	c->base = r->dma_ring_addr / VFMIG_HMC_BASE_UNIT;
	c->qlen = (u16)r->ring_len;
	if (r->splithdr_enabled) {
		c->hsplit_0 = VFMIG_RX_SPLIT_L2 | VFMIG_RX_SPLIT_IP |
			      VFMIG_RX_SPLIT_TCP_UDP | VFMIG_RX_SPLIT_SCTP;
		c->hbuff = r->hdr_size >> VFMIG_HMC_RXQ_HBUFF_SHIFT;
		c->dtype = VFMIG_RX_DTYPE_HEADER_SPLIT;
	}
	c->dbuff = (u16)(r->databuffer_size >> VFMIG_HMC_RXQ_DBUFF_SHIFT);
	c->rxmax = r->max_pkt_size;
	if (vf->host.port_vlan)
		c->rxmax += VFMIG_VLAN_HLEN;
	c->dsize = 1;			/* 32-byte descriptors, always */
	c->lrxqthresh = 1;
	c->crcstrip = 1;
	c->prefena = 1;
	c->l2tsel = 1;
	rq->tail_bad = false;
}

static void op_config_vsi_queues(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_vsi_queue_config_info *qci = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	const struct virtchnl_queue_pair_info *qp;
	u16 max_ring = vf->pf->cfg.max_ring_desc;
	u16 i;

	if (!active(vf) || !vsi_ok(vf, qci->vsi_id) ||
	    qci->num_queue_pairs > h->num_qps)
		goto err_param;
	for (i = 0; i < qci->num_queue_pairs; i++) {
		qp = &qci->qpair[i];
		if (qp->txq.queue_id >= h->num_qps ||
		    qp->txq.vsi_id != qci->vsi_id ||
		    qp->rxq.vsi_id != qci->vsi_id ||
		    qp->rxq.queue_id != qp->txq.queue_id ||
		    !txq_info_ok(&qp->txq, max_ring) ||
		    !rxq_info_ok(&qp->rxq, max_ring))
			goto err_param;
	}
	for (i = 0; i < qci->num_queue_pairs; i++) {
		qp = &qci->qpair[i];
		program_rxq(vf, qp->rxq.queue_id, &qp->rxq);
		program_txq(vf, qp->txq.queue_id, &qp->txq);
	}
	h->num_qps_cfg = qci->num_queue_pairs;
	reply(vf, VIRTCHNL_OP_CONFIG_VSI_QUEUES, ST_OK, NULL, 0);
	return;

err_param:
	reply(vf, VIRTCHNL_OP_CONFIG_VSI_QUEUES, ST_PARAM, NULL, 0);
}

/* Link @map's queues to its vector, unlinking them from any other vector. */
static void irq_map_apply(struct vfmig_mdl_host *h,
			  const struct vfmig_irq_map *map)
{
	u16 v;

	for (v = 0; v < VFMIG_VF_MAX_MSIX; v++) {
		if (v == map->vector_id)
			continue;
		h->irq[v].rxq_map &= ~map->rxq_map;
		h->irq[v].txq_map &= ~map->txq_map;
	}
	h->irq[map->vector_id] = *map;
	h->irq_valid |= BIT(map->vector_id);
}

static void op_config_irq_map(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_irq_map_info *im = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	u16 msix = vf->pf->cfg.msix_per_vf, i;
	u32 qmask = (u32)BIT(h->num_qps) - 1;
	struct vfmig_irq_map map;

	if (!active(vf) || im->num_vectors > msix)
		goto err_param;
	for (i = 0; i < im->num_vectors; i++) {
		const struct virtchnl_vector_map *vm = &im->vecmap[i];

		if (vm->vector_id >= msix || !vsi_ok(vf, vm->vsi_id) ||
		    (vm->rxq_map & ~qmask) || (vm->txq_map & ~qmask))
			goto err_param;
	}
	for (i = 0; i < im->num_vectors; i++) {
		const struct virtchnl_vector_map *vm = &im->vecmap[i];

		map.vector_id = vm->vector_id;
		map.rxq_map = vm->rxq_map;
		map.txq_map = vm->txq_map;
		/* the QINT_[RT]QCTL ITR_INDX field is two bits wide */
		map.rxitr_idx = vm->rxitr_idx & VFMIG_MAX_ITR_IDX;
		map.txitr_idx = vm->txitr_idx & VFMIG_MAX_ITR_IDX;
		irq_map_apply(h, &map);
	}
	reply(vf, VIRTCHNL_OP_CONFIG_IRQ_MAP, ST_OK, NULL, 0);
	return;

err_param:
	reply(vf, VIRTCHNL_OP_CONFIG_IRQ_MAP, ST_PARAM, NULL, 0);
}

static bool vqs_ok(const struct vfmig_mdl_vf *vf,
		   const struct virtchnl_queue_select *vqs)
{
	u32 qmask = (u32)BIT(vf->host.num_qps) - 1;

	/* i40e_vc_validate_vqs_bitmaps, and the queues must be the VF's */
	if (!vqs->rx_queues && !vqs->tx_queues)
		return false;
	return !(vqs->rx_queues & ~qmask) && !(vqs->tx_queues & ~qmask);
}

static void op_queues(struct vfmig_mdl_vf *vf, u32 op, const u8 *msg)
{
	const struct virtchnl_queue_select *vqs = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	bool enable = op == VIRTCHNL_OP_ENABLE_QUEUES;
	u16 q;

	if (!enable)
		h->queues_enabled = false;	/* i40e marks it at once */
	if (!active(vf) || !vsi_ok(vf, vqs->vsi_id) || !vqs_ok(vf, vqs)) {
		reply(vf, op, ST_PARAM, NULL, 0);
		return;
	}
	/* enable RX before TX, disable TX before RX, as i40e does */
	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		if (enable && (vqs->rx_queues & BIT(q)))
			vfmig_mdl_qena_request(vf, q, true, true);
		if (!enable && (vqs->tx_queues & BIT(q)))
			vfmig_mdl_qena_request(vf, q, false, false);
	}
	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		if (enable && (vqs->tx_queues & BIT(q)))
			vfmig_mdl_qena_request(vf, q, false, true);
		if (!enable && (vqs->rx_queues & BIT(q)))
			vfmig_mdl_qena_request(vf, q, true, false);
	}
	h->wait.v_opcode = op;
	h->wait.txq = vqs->tx_queues;
	h->wait.rxq = vqs->rx_queues;
	h->wait.enable = enable;
	h->wait.deadline = vf->pf->now + HOST_QENA_WAIT_NS;
	h->wait.ready_ns = vf->pf->now + vf->pf->cfg.mbx_latency_ns;
}

static bool queues_followed(struct vfmig_mdl_vf *vf)
{
	const struct vfmig_mdl_wait *w = &vf->host.wait;
	u16 q;

	for (q = 0; q < VFMIG_VF_MAX_QP; q++) {
		if ((w->txq & BIT(q)) &&
		    vfmig_mdl_qena_stat(vf, q, false) != w->enable)
			return false;
		if ((w->rxq & BIT(q)) &&
		    vfmig_mdl_qena_stat(vf, q, true) != w->enable)
			return false;
	}
	return true;
}

bool vfmig_mdl_host_busy(const struct vfmig_mdl_vf *vf)
{
	return vf->host.wait.v_opcode != 0;
}

/* The PF host's pending wait, if any: answer once the queues followed. */
void vfmig_mdl_host_step(struct vfmig_mdl_vf *vf)
{
	struct vfmig_mdl_host *h = &vf->host;
	struct vfmig_mdl_wait w = h->wait;
	u64 ready;
	s32 st;

	if (!w.v_opcode)
		return;
	if (queues_followed(vf))
		st = ST_OK;
	else if (vf->pf->now >= w.deadline)
		st = ST_AQ;
	else
		return;
	memset(&h->wait, 0, sizeof(h->wait));
	ready = max_t(u64, w.ready_ns, vf->pf->now);
	if (st)
		vfmig_warn("model: VF %u: %s: queues did not follow within %llu ns",
			   vf->id, vfmig_virtchnl_op_name(w.v_opcode),
			   (unsigned long long)HOST_QENA_WAIT_NS);
	vfmig_mdl_mbx_send(vf, w.v_opcode, st, NULL, 0, ready);
	vf->pf->work++;
	if (w.enable && !st) {
		h->queues_enabled = true;
		vfmig_mdl_host_notify_link(vf);
	}
}

static bool mac_valid_for_filter(const u8 *a)
{
	return !mac_zero(a) && memcmp(a, bcast, VFMIG_ETH_ALEN);
}

static void op_add_eth_addr(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_ether_addr_list *al = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	bool trusted = vfmig_mdl_host_trusted(h);
	u32 add = 0, limit;
	u16 i, j;
	s32 st = ST_PARAM;

	if (!active(vf) || !vsi_ok(vf, al->vsi_id))
		goto out;
	/* i40e_check_vf_permission */
	for (i = 0; i < al->num_elements; i++) {
		const u8 *a = al->list[i].addr;

		if (!mac_valid_for_filter(a))
			goto out;
		if (!trusted && !(a[0] & 1) && h->pf_set_mac &&
		    memcmp(a, h->mac, VFMIG_ETH_ALEN)) {
			vfmig_info("model: VF %u may not override its administratively set MAC",
				   vf->id);
			goto out;
		}
		if (vfmig_mdl_host_mac_find(h, a) >= 0)
			continue;
		for (j = 0; j < i; j++)
			if (!memcmp(al->list[j].addr, a, VFMIG_ETH_ALEN))
				break;
		if (j == i)
			add++;
	}
	limit = trusted ? VFMIG_MAX_MAC_FILTERS : VFMIG_MDL_UNTRUSTED_MAC_FILTERS;
	if (h->num_macs + add > limit) {
		vfmig_info("model: VF %u: %u MAC filters would exceed %u",
			   vf->id, h->num_macs + add, limit);
		st = trusted ? ST_NOMEM : ST_PARAM;
		goto out;
	}
	for (i = 0; i < al->num_elements; i++)
		mac_add(h, al->list[i].addr,
			al->list[i].type & VIRTCHNL_ETHER_ADDR_TYPE_MASK);
	st = ST_OK;
out:
	reply(vf, VIRTCHNL_OP_ADD_ETH_ADDR, st, NULL, 0);
}

static void op_del_eth_addr(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_ether_addr_list *al = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	s32 st = ST_PARAM;
	u16 i;
	int k;

	if (!active(vf) || !vsi_ok(vf, al->vsi_id))
		goto out;
	for (i = 0; i < al->num_elements; i++)
		if (!mac_valid_for_filter(al->list[i].addr) ||
		    vfmig_mdl_host_mac_find(h, al->list[i].addr) < 0)
			goto out;
	for (i = 0; i < al->num_elements; i++) {
		k = vfmig_mdl_host_mac_find(h, al->list[i].addr);
		if (k >= 0)
			mac_del(h, k);
	}
	st = ST_OK;
out:
	reply(vf, VIRTCHNL_OP_DEL_ETH_ADDR, st, NULL, 0);
}

static void op_vlan(struct vfmig_mdl_vf *vf, u32 op, const u8 *msg)
{
	const struct virtchnl_vlan_filter_list *vfl = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	bool add = op == VIRTCHNL_OP_ADD_VLAN;
	s32 st = ST_PARAM;
	u16 i;

	if (add && !vfmig_mdl_host_trusted(h) &&
	    h->num_vlans >= VFMIG_MDL_UNTRUSTED_VLAN_FILTERS) {
		/* i40e: logged, answered with success, nothing added */
		vfmig_info("model: VF %u is not trusted: no more than %u VLANs",
			   vf->id, VFMIG_MDL_UNTRUSTED_VLAN_FILTERS);
		st = ST_OK;
		goto out;
	}
	if (!active(vf) || !vsi_ok(vf, vfl->vsi_id))
		goto out;
	for (i = 0; i < vfl->num_elements; i++)
		if (vfl->vlan_id[i] > VFMIG_VLAN_ID_MASK)
			goto out;
	if (h->port_vlan) {
		/* with a port VLAN only "delete VLAN 0" is accepted */
		if (!add && vfl->num_elements == 1 && !vfl->vlan_id[0])
			st = ST_OK;
		goto out;
	}
	if (add)
		h->flags |= VFMIG_VF_VLAN_STRIP;	/* i40e_vlan_stripping_enable */
	for (i = 0; i < vfl->num_elements; i++)
		vfmig_mdl_host_vlan_set(h, vfl->vlan_id[i], add);
	st = ST_OK;
out:
	reply(vf, op, st, NULL, 0);
}

static void op_promisc(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_promisc_info *pi = (const void *)msg;
	struct vfmig_mdl_host *h = &vf->host;
	s32 st = ST_PARAM;

	if (!active(vf))
		goto out;
	if (!vfmig_mdl_host_trusted(h)) {
		/* i40e lies to an unprivileged VF on purpose: not an error */
		vfmig_info("model: unprivileged VF %u asked for promiscuous mode",
			   vf->id);
		st = ST_OK;
		goto out;
	}
	if (pi->flags > VFMIG_MDL_PROMISC_FLAGS_MAX || !vsi_ok(vf, pi->vsi_id))
		goto out;
	h->promisc = 0;
	if (pi->flags & FLAG_VF_UNICAST_PROMISC)
		h->promisc |= VFMIG_PROMISC_UNICAST;
	if (pi->flags & FLAG_VF_MULTICAST_PROMISC)
		h->promisc |= VFMIG_PROMISC_MULTICAST;
	st = ST_OK;
out:
	reply(vf, VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE, st, NULL, 0);
}

static void op_get_stats(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_queue_select *vqs = (const void *)msg;
	const struct vfmig_eth_stats *e = &vf->host.eth;
	const u64 v[] = { e->rx_bytes, e->rx_unicast, e->rx_multicast,
			  e->rx_broadcast, e->rx_discards, e->rx_unknown_protocol,
			  e->tx_bytes, e->tx_unicast, e->tx_multicast,
			  e->tx_broadcast, e->tx_discards, e->tx_errors };
	u8 *out = vf->pf->reply;
	s32 st = ST_OK;
	u32 i;

	/* struct i40e_eth_stats: twelve u64, in this order */
	memset(out, 0, sizeof(v));
	if (!active(vf) || !vsi_ok(vf, vqs->vsi_id))
		st = ST_PARAM;
	else
		for (i = 0; i < ARRAY_SIZE(v); i++)
			vfmig_put_le64(out + 8 * i, v[i]);
	/* i40e sends the (zeroed) stats even with an error */
	reply(vf, VIRTCHNL_OP_GET_STATS, st, out, sizeof(v));
}

static void op_rss_key(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_rss_key *k = (const void *)msg;
	s32 st = ST_PARAM;

	if (active(vf) && vsi_ok(vf, k->vsi_id) &&
	    k->key_len == VFMIG_MDL_RSS_KEY_SIZE) {
		vfmig_mdl_rss_set_key(vf, k->key, k->key_len);
		st = ST_OK;
	}
	reply(vf, VIRTCHNL_OP_CONFIG_RSS_KEY, st, NULL, 0);
}

static void op_rss_lut(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_rss_lut *l = (const void *)msg;
	s32 st = ST_PARAM;
	u16 i;

	if (!active(vf) || !vsi_ok(vf, l->vsi_id) ||
	    l->lut_entries != VFMIG_MDL_RSS_LUT_SIZE)
		goto out;
	for (i = 0; i < l->lut_entries; i++)
		if (l->lut[i] >= vf->host.num_qps)
			goto out;
	vfmig_mdl_rss_set_lut(vf, l->lut, l->lut_entries);
	st = ST_OK;
out:
	reply(vf, VIRTCHNL_OP_CONFIG_RSS_LUT, st, NULL, 0);
}

static void op_get_hena(struct vfmig_mdl_vf *vf)
{
	struct virtchnl_rss_hena hena = { .hena = VFMIG_MDL_DEFAULT_RSS_HENA };

	if (!active(vf)) {
		reply(vf, VIRTCHNL_OP_GET_RSS_HENA_CAPS, ST_PARAM, NULL, 0);
		return;
	}
	reply(vf, VIRTCHNL_OP_GET_RSS_HENA_CAPS, ST_OK, &hena, sizeof(hena));
}

static void op_set_hena(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	s32 st = ST_PARAM;

	if (active(vf)) {
		vfmig_mdl_rss_set_hena(vf, vfmig_get_le64(msg));
		st = ST_OK;
	}
	reply(vf, VIRTCHNL_OP_SET_RSS_HENA, st, NULL, 0);
}

static void op_vlan_strip(struct vfmig_mdl_vf *vf, u32 op)
{
	s32 st = ST_PARAM;

	if (active(vf)) {
		if (op == VIRTCHNL_OP_ENABLE_VLAN_STRIPPING)
			vf->host.flags |= VFMIG_VF_VLAN_STRIP;
		else
			vf->host.flags &= ~VFMIG_VF_VLAN_STRIP;
		st = ST_OK;
	}
	reply(vf, op, st, NULL, 0);
}

static void op_request_queues(struct vfmig_mdl_vf *vf, const u8 *msg)
{
	const struct virtchnl_vf_res_request *rq = (const void *)msg;
	struct virtchnl_vf_res_request out;

	if (!active(vf))
		return;		/* i40e returns without answering */
	if (rq->num_queue_pairs > VFMIG_VF_MAX_QP || !rq->num_queue_pairs) {
		/* not granted: tell the VF what it could have */
		out.num_queue_pairs = rq->num_queue_pairs ? VFMIG_VF_MAX_QP :
							    vf->host.num_qps;
		reply(vf, VIRTCHNL_OP_REQUEST_QUEUES, ST_OK, &out, sizeof(out));
		return;
	}
	/* granted: the VF is reset and comes back with the new count */
	vf->host.num_req_queues = rq->num_queue_pairs;
	vfmig_mdl_host_notify_reset(vf);
	vfmig_mdl_reset_start(vf, false);
}

void vfmig_mdl_host_process(struct vfmig_mdl_vf *vf, u32 v_opcode, u8 *msg,
			    u16 len)
{
	struct vfmig_mdl_host *h = &vf->host;
	int ret;

	if (!(h->state & VFMIG_MDL_HOST_INIT))
		return;		/* no VSI: the message goes nowhere */
	ret = virtchnl_vc_validate_vf_msg(&h->ver, v_opcode, msg, len);
	if (ret) {
		vfmig_info("model: VF %u: invalid %s (opcode %u, %u bytes)",
			   vf->id, vfmig_virtchnl_op_name(v_opcode), v_opcode,
			   len);
		reply(vf, v_opcode, ST_PARAM, NULL, 0);
		return;
	}
	switch (v_opcode) {
	case VIRTCHNL_OP_VERSION:
		op_version(vf, msg);
		break;
	case VIRTCHNL_OP_RESET_VF:
		/* i40e_vc_reset_vf: whatever state the VF is in, no answer */
		vfmig_mdl_reset_start(vf, false);
		break;
	case VIRTCHNL_OP_GET_VF_RESOURCES:
		op_get_vf_resources(vf, msg);
		break;
	case VIRTCHNL_OP_CONFIG_VSI_QUEUES:
		op_config_vsi_queues(vf, msg);
		break;
	case VIRTCHNL_OP_CONFIG_IRQ_MAP:
		op_config_irq_map(vf, msg);
		break;
	case VIRTCHNL_OP_ENABLE_QUEUES:
	case VIRTCHNL_OP_DISABLE_QUEUES:
		op_queues(vf, v_opcode, msg);
		break;
	case VIRTCHNL_OP_ADD_ETH_ADDR:
		op_add_eth_addr(vf, msg);
		break;
	case VIRTCHNL_OP_DEL_ETH_ADDR:
		op_del_eth_addr(vf, msg);
		break;
	case VIRTCHNL_OP_ADD_VLAN:
	case VIRTCHNL_OP_DEL_VLAN:
		op_vlan(vf, v_opcode, msg);
		break;
	case VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE:
		op_promisc(vf, msg);
		break;
	case VIRTCHNL_OP_GET_STATS:
		op_get_stats(vf, msg);
		break;
	case VIRTCHNL_OP_CONFIG_RSS_KEY:
		op_rss_key(vf, msg);
		break;
	case VIRTCHNL_OP_CONFIG_RSS_LUT:
		op_rss_lut(vf, msg);
		break;
	case VIRTCHNL_OP_GET_RSS_HENA_CAPS:
		op_get_hena(vf);
		break;
	case VIRTCHNL_OP_SET_RSS_HENA:
		op_set_hena(vf, msg);
		break;
	case VIRTCHNL_OP_ENABLE_VLAN_STRIPPING:
	case VIRTCHNL_OP_DISABLE_VLAN_STRIPPING:
		op_vlan_strip(vf, v_opcode);
		break;
	case VIRTCHNL_OP_REQUEST_QUEUES:
		op_request_queues(vf, msg);
		break;
	case VIRTCHNL_OP_IWARP:
	case VIRTCHNL_OP_CONFIG_IWARP_IRQ_MAP:
	case VIRTCHNL_OP_RELEASE_IWARP_IRQ_MAP:
	case VIRTCHNL_OP_ENABLE_CHANNELS:
	case VIRTCHNL_OP_DISABLE_CHANNELS:
	case VIRTCHNL_OP_ADD_CLOUD_FILTER:
	case VIRTCHNL_OP_DEL_CLOUD_FILTER:
		/* RDMA client / ADq never granted: i40e says ERR_PARAM */
		reply(vf, v_opcode, ST_PARAM, NULL, 0);
		break;
	default:
		vfmig_info("model: VF %u: unsupported %s (opcode %u)", vf->id,
			   vfmig_virtchnl_op_name(v_opcode), v_opcode);
		reply(vf, v_opcode, ST_NOTSUPP, NULL, 0);
		break;
	}
}
