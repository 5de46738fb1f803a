// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: struct vfmig_pf_hw_ops, what only a PF can do for its VFs
 * (include/vfmig/pf_hw.h), for the PF agent.
 *
 * The model advances only when called, so a PF operation that waits
 * (QENA_STAT to follow, a VF reset to finish, the mailbox to drain) runs the
 * whole model forward in virtual time, event by event, until it is done or
 * its timeout has elapsed (vfmig_mdl_run_until_locked): the rest of the
 * model keeps moving meanwhile, as it would while a real PF driver sleeps.
 */
#include <vfmig/model_internal.h>

/* How long mbx_hold lets the PF host finish what is already posted. */
#define MBX_HOLD_WAIT_NS	20000000ULL

static struct vfmig_mdl_vf *lock_vf(void *hw, u16 vf)
{
	struct vfmig_model_pf *pf = hw;
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (v)
		vfmig_mutex_lock(&pf->lock);
	return v;
}

static void unlock_vf(struct vfmig_mdl_vf *v)
{
	vfmig_mutex_unlock(&v->pf->lock);
}

static bool mac_is_zero(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}

/* -EINVAL for a queue the VF does not have, -EBUSY while the VF resets. */
static int queue_check(const struct vfmig_mdl_vf *v, u16 q)
{
	if (vfmig_mdl_in_reset(v))
		return -EBUSY;
	return q < v->host.num_qps ? 0 : -EINVAL;
}

static int model_vf_limits(void *hw, u16 vf, struct vfmig_pf_vf_limits *lim)
{
	struct vfmig_mdl_vf *v;
	bool trusted;

	if (!lim)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	trusted = vfmig_mdl_host_trusted(&v->host);
	memset(lim, 0, sizeof(*lim));
	lim->vendor_id = 0x8086;
	lim->device_id = v->pf->cfg.vf_device_id;
	lim->subsys_vendor_id = 0x8086;
	lim->subsys_device_id = 0x0000;
	lim->num_queue_pairs = v->host.num_qps;
	lim->max_ring_desc = v->pf->cfg.max_ring_desc;
	lim->max_mac_filters = trusted ? VFMIG_MAX_MAC_FILTERS :
					 VFMIG_MDL_UNTRUSTED_MAC_FILTERS;
	lim->max_vlan_filters = trusted ? VFMIG_MAX_VLAN_FILTERS :
					  VFMIG_MDL_UNTRUSTED_VLAN_FILTERS;
	lim->rss_key_size = VFMIG_MDL_RSS_KEY_SIZE;
	lim->rss_lut_size = VFMIG_MDL_RSS_LUT_SIZE;
	lim->num_msix = v->pf->cfg.msix_per_vf;
	lim->fw_api_major = v->pf->cfg.fw_api_major;
	lim->fw_api_minor = v->pf->cfg.fw_api_minor;
	unlock_vf(v);
	return 0;
}

/* ---- queue contexts --------------------------------------------------------- */

static int model_txq_ctx_read(void *hw, u16 vf, u16 q, struct vfmig_hmc_txq *ctx)
{
	struct vfmig_mdl_vf *v;
	int ret = -EINVAL;

	if (!ctx)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (!ret)
		*ctx = vfmig_mdl_txq(v, q)->ctx;
	unlock_vf(v);
	return ret;
}

static int model_rxq_ctx_read(void *hw, u16 vf, u16 q, struct vfmig_hmc_rxq *ctx)
{
	struct vfmig_mdl_vf *v;
	int ret = -EINVAL;

	if (!ctx)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (!ret)
		*ctx = vfmig_mdl_rxq(v, q)->ctx;
	unlock_vf(v);
	return ret;
}

/*
 * A context is written only to a disabled queue (REQ and STAT clear), as
 * the HMC requires; -EBUSY otherwise.
 */
static int model_txq_ctx_write(void *hw, u16 vf, u16 q,
			       const struct vfmig_hmc_txq *ctx)
{
	struct vfmig_mdl_txq *tq;
	struct vfmig_mdl_vf *v;
	int ret;

	if (!ctx || vfmig_mdl_txq_ctx_check(ctx))
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (ret)
		goto out;
	tq = vfmig_mdl_txq(v, q);
	ret = -EBUSY;
	if (tq->qena & (VFMIG_QENA_REQ | VFMIG_QENA_STAT))
		goto out;
	tq->ctx = *ctx;
	tq->tail_bad = false;
	ret = 0;
out:
	unlock_vf(v);
	return ret;
}

static int model_rxq_ctx_write(void *hw, u16 vf, u16 q,
			       const struct vfmig_hmc_rxq *ctx)
{
	struct vfmig_mdl_rxq *rq;
	struct vfmig_mdl_vf *v;
	int ret;

	if (!ctx || vfmig_mdl_rxq_ctx_check(ctx))
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (ret)
		goto out;
	rq = vfmig_mdl_rxq(v, q);
	ret = -EBUSY;
	if (rq->qena & (VFMIG_QENA_REQ | VFMIG_QENA_STAT))
		goto out;
	rq->ctx = *ctx;
	rq->tail_bad = false;
	ret = 0;
out:
	unlock_vf(v);
	return ret;
}

/* ---- QENA ----------------------------------------------------------------- */

struct qena_arg {
	u16 q;
	bool rx;
	bool enable;
};

static bool qena_followed(struct vfmig_mdl_vf *v, void *arg)
{
	const struct qena_arg *a = arg;

	return vfmig_mdl_qena_stat(v, a->q, a->rx) == a->enable;
}

static int model_queue_enable(void *hw, u16 vf, u16 q, bool rx, bool enable,
			      u32 timeout_us)
{
	struct qena_arg a = { .q = q, .rx = rx, .enable = enable };
	struct vfmig_mdl_vf *v = lock_vf(hw, vf);
	int ret;

	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (ret)
		goto out;
	vfmig_mdl_qena_request(v, q, rx, enable);
	ret = 0;
	if (!vfmig_mdl_run_until_locked(v->pf, v->pf->now + (u64)timeout_us * 1000,
					qena_followed, v, &a)) {
		vfmig_warn("model: VF %u %s queue %u: QENA_STAT did not follow %s within %u us",
			   vf, rx ? "RX" : "TX", q,
			   enable ? "an enable" : "a disable", timeout_us);
		ret = -ETIMEDOUT;
	}
out:
	unlock_vf(v);
	return ret;
}

static int model_queue_enabled(void *hw, u16 vf, u16 q, bool rx, bool *enabled)
{
	struct vfmig_mdl_vf *v;
	int ret = -EINVAL;

	if (!enabled)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (!ret)
		*enabled = vfmig_mdl_qena_stat(v, q, rx);
	unlock_vf(v);
	return ret;
}

static int model_tx_head_read(void *hw, u16 vf, u16 q, u16 *head)
{
	struct vfmig_mdl_vf *v;
	int ret = -EINVAL;

	if (!head)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = queue_check(v, q);
	if (!ret)
		*head = vfmig_mdl_txq(v, q)->ctx.head & VFMIG_QTX_HEAD_HEAD_MASK;
	unlock_vf(v);
	return ret;
}

/* ---- VF reset ---------------------------------------------------------------- */

static bool reset_done(struct vfmig_mdl_vf *v, void *arg)
{
	return !vfmig_mdl_in_reset(v);
}

static int model_vf_reset(void *hw, u16 vf)
{
	struct vfmig_mdl_vf *v = lock_vf(hw, vf);
	struct vfmig_model_pf *pf;
	bool done;

	if (!v)
		return -EINVAL;
	pf = v->pf;
	vfmig_mdl_reset_start(v, false);
	done = vfmig_mdl_run_until_locked(pf, pf->now + pf->cfg.vf_reset_ns +
					  pf->cfg.vf_rebuild_ns,
					  reset_done, v, NULL);
	unlock_vf(v);
	return done ? 0 : -ETIMEDOUT;
}

/* ---- PF host state ----------------------------------------------------------- */

static int model_vf_state_get(void *hw, u16 vf, struct vfmig_pf_vf_state *st)
{
	struct vfmig_dev_config *c;
	struct vfmig_mdl_host *h;
	struct vfmig_mdl_vf *v;
	u32 i;
	u16 q;

	if (!st)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	h = &v->host;
	c = &st->config;
	memset(st, 0, sizeof(*st));
	st->active = !!(h->state & VFMIG_MDL_HOST_ACTIVE);
	st->virtchnl_major = h->ver.major;
	st->virtchnl_minor = h->ver.minor;
	st->vf_caps = h->vf_caps;
	c->present = VFMIG_CFG_ALL;
	memcpy(c->vf.mac, h->mac, VFMIG_ETH_ALEN);
	c->vf.port_vlan = h->port_vlan;
	c->vf.flags = h->flags & VFMIG_VF_FLAGS_ALL;
	c->vf.link_speed = h->link_speed;
	c->vf.max_frame = h->max_frame;
	c->vsi.vsi_id = h->vsi_id;
	c->vsi.num_queue_pairs = h->num_qps_cfg ? h->num_qps_cfg : h->num_qps;
	c->num_mac_filters = h->num_macs;
	memcpy(c->mac_filters, h->macs, h->num_macs * sizeof(h->macs[0]));
	for (i = 0; i < VFMIG_MAX_VLAN_FILTERS; i++)
		if (vfmig_mdl_host_vlan_has(h, (u16)i))
			c->vlan_filters[c->num_vlan_filters++] = (u16)i;
	c->promisc = h->promisc;
	c->rss_key_len = VFMIG_MDL_RSS_KEY_SIZE;
	for (i = 0; i < VFMIG_MDL_RSS_KEY_SIZE; i++)
		c->rss_key[i] = vfmig_mdl_rss_key_byte(v, i);
	c->rss_lut_len = VFMIG_MDL_RSS_LUT_SIZE;
	for (i = 0; i < VFMIG_MDL_RSS_LUT_SIZE; i++)
		c->rss_lut[i] = vfmig_mdl_rss_lut_entry(v, i);
	c->rss_hena = vfmig_mdl_rss_hena(v);
	for (i = 0; i < VFMIG_VF_MAX_MSIX; i++)
		if (h->irq_valid & BIT(i))
			c->irq_maps[c->num_irq_maps++] = h->irq[i];
	st->stats = h->eth;
	for (q = 0; q < h->num_qps; q++) {
		if (vfmig_mdl_qena_stat(v, q, false))
			st->txq_enabled |= BIT(q);
		if (vfmig_mdl_qena_stat(v, q, true))
			st->rxq_enabled |= BIT(q);
	}
	unlock_vf(v);
	return 0;
}

/* Everything in @st checked before anything is applied. */
static int state_check(const struct vfmig_mdl_vf *v,
		       const struct vfmig_pf_vf_state *st)
{
	const struct vfmig_dev_config *c = &st->config;
	u16 msix = v->pf->cfg.msix_per_vf, qps = v->host.num_qps, i;
	u32 flags = v->host.flags, seen_vec = 0, rxq = 0, txq = 0, qmask;

	if (c->present & ~VFMIG_CFG_ALL)
		goto bad;
	if (st->active && st->virtchnl_major != VIRTCHNL_VERSION_MAJOR)
		goto bad;
	if (c->present & BIT(VFMIG_CFG_VF_CONFIG)) {
		if ((c->vf.mac[0] & 1) || (c->vf.port_vlan & BIT(12)) ||
		    (c->vf.flags & ~VFMIG_VF_FLAGS_ALL) ||
		    (c->vf.max_frame && (c->vf.max_frame < 64 ||
					 c->vf.max_frame > VFMIG_MAX_FRAME)))
			goto bad;
		flags = c->vf.flags;
	}
	if (c->present & BIT(VFMIG_CFG_VSI)) {
		if (!c->vsi.num_queue_pairs ||
		    c->vsi.num_queue_pairs > VFMIG_VF_MAX_QP)
			goto bad;
		if (c->vsi.num_queue_pairs > qps)
			qps = c->vsi.num_queue_pairs;
	}
	qmask = (u32)BIT(qps) - 1;
	if (c->present & BIT(VFMIG_CFG_MAC_FILTERS)) {
		u16 limit = (flags & VFMIG_VF_TRUSTED) ?
			    VFMIG_MAX_MAC_FILTERS : VFMIG_MDL_UNTRUSTED_MAC_FILTERS;

		if (c->num_mac_filters > limit)
			goto bad;
		for (i = 0; i < c->num_mac_filters; i++)
			if (c->mac_filters[i].type > VFMIG_MAC_TYPE_MAX ||
			    mac_is_zero(c->mac_filters[i].addr))
				goto bad;
	}
	if (c->present & BIT(VFMIG_CFG_VLAN_FILTERS)) {
		if (c->num_vlan_filters > VFMIG_MAX_VLAN_FILTERS)
			goto bad;
		for (i = 0; i < c->num_vlan_filters; i++)
			if (c->vlan_filters[i] > VFMIG_VLAN_ID_MASK)
				goto bad;
	}
	if ((c->present & BIT(VFMIG_CFG_PROMISC)) &&
	    (c->promisc & ~VFMIG_PROMISC_ALL))
		goto bad;
	if ((c->present & BIT(VFMIG_CFG_RSS_KEY)) &&
	    c->rss_key_len > VFMIG_MDL_RSS_KEY_SIZE)
		goto bad;
	if (c->present & BIT(VFMIG_CFG_RSS_LUT)) {
		if (c->rss_lut_len > VFMIG_MDL_RSS_LUT_SIZE)
			goto bad;
		for (i = 0; i < c->rss_lut_len; i++)
			if (c->rss_lut[i] >= qps)
				goto bad;
	}
	if (c->present & BIT(VFMIG_CFG_IRQ_MAP)) {
		if (c->num_irq_maps > msix)
			goto bad;
		for (i = 0; i < c->num_irq_maps; i++) {
			const struct vfmig_irq_map *m = &c->irq_maps[i];

			if (m->vector_id >= msix || (seen_vec & BIT(m->vector_id)) ||
			    (m->rxq_map & ~qmask) || (m->txq_map & ~qmask) ||
			    (m->rxq_map & rxq) || (m->txq_map & txq) ||
			    m->rxitr_idx > VFMIG_MAX_ITR_IDX ||
			    m->txitr_idx > VFMIG_MAX_ITR_IDX)
				goto bad;
			seen_vec |= BIT(m->vector_id);
			rxq |= m->rxq_map;
			txq |= m->txq_map;
		}
	}
	if ((st->txq_enabled | st->rxq_enabled) & ~qmask)
		goto bad;
	return 0;
bad:
	vfmig_err("model: VF %u: PF host state to apply is out of range", v->id);
	return -EINVAL;
}

static void state_apply(struct vfmig_mdl_vf *v, const struct vfmig_pf_vf_state *st)
{
	const struct vfmig_dev_config *c = &st->config;
	struct vfmig_mdl_host *h = &v->host;
	u16 i;

	h->ver.major = st->virtchnl_major;
	h->ver.minor = st->virtchnl_minor;
	h->ver_set = st->virtchnl_major != 0;
	h->vf_caps = st->vf_caps;
	h->driver_caps = st->vf_caps;
	h->state = VFMIG_MDL_HOST_INIT | (st->active ? VFMIG_MDL_HOST_ACTIVE : 0);
	if (c->present & BIT(VFMIG_CFG_VF_CONFIG)) {
		memcpy(h->mac, c->vf.mac, VFMIG_ETH_ALEN);
		h->pf_set_mac = !mac_is_zero(c->vf.mac);
		h->port_vlan = c->vf.port_vlan;
		h->flags = c->vf.flags;
		h->link_speed = c->vf.link_speed;
		h->max_frame = c->vf.max_frame;
	}
	if (c->present & BIT(VFMIG_CFG_VSI)) {
		h->vsi_id = c->vsi.vsi_id;
		if (c->vsi.num_queue_pairs > h->num_qps) {
			h->num_qps = c->vsi.num_queue_pairs;
			h->num_req_queues = h->num_qps;
		}
		h->num_qps_cfg = c->vsi.num_queue_pairs;
	}
	if (c->present & BIT(VFMIG_CFG_MAC_FILTERS)) {
		h->num_macs = c->num_mac_filters;
		memcpy(h->macs, c->mac_filters,
		       c->num_mac_filters * sizeof(h->macs[0]));
	}
	if (c->present & BIT(VFMIG_CFG_VLAN_FILTERS)) {
		memset(h->vlans, 0, sizeof(h->vlans));
		h->num_vlans = 0;
		for (i = 0; i < c->num_vlan_filters; i++)
			vfmig_mdl_host_vlan_set(h, c->vlan_filters[i], true);
	}
	if (c->present & BIT(VFMIG_CFG_PROMISC))
		h->promisc = c->promisc;
	if (c->present & BIT(VFMIG_CFG_RSS_KEY))
		vfmig_mdl_rss_set_key(v, c->rss_key, c->rss_key_len);
	if (c->present & BIT(VFMIG_CFG_RSS_LUT))
		vfmig_mdl_rss_set_lut(v, c->rss_lut, c->rss_lut_len);
	if (c->present & BIT(VFMIG_CFG_RSS_HENA))
		vfmig_mdl_rss_set_hena(v, c->rss_hena);
	if (c->present & BIT(VFMIG_CFG_IRQ_MAP)) {
		memset(h->irq, 0, sizeof(h->irq));
		h->irq_valid = 0;
		for (i = 0; i < c->num_irq_maps; i++) {
			h->irq[c->irq_maps[i].vector_id] = c->irq_maps[i];
			h->irq_valid |= BIT(c->irq_maps[i].vector_id);
		}
	}
	h->eth = st->stats;
	h->queues_enabled = (st->txq_enabled | st->rxq_enabled) != 0;
}

static int model_vf_state_set(void *hw, u16 vf, const struct vfmig_pf_vf_state *st)
{
	struct vfmig_mdl_vf *v;
	int ret;

	if (!st)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	ret = -EBUSY;
	if (vfmig_mdl_in_reset(v) || vfmig_mdl_host_busy(v))
		goto out;
	ret = state_check(v, st);
	if (!ret)
		state_apply(v, st);
out:
	unlock_vf(v);
	return ret;
}

/* ---- mailbox quiesce ---------------------------------------------------------- */

static bool atq_drained(struct vfmig_mdl_vf *v, void *arg)
{
	const struct vfmig_mbx_queue_regs *q = &v->atq;

	if (vfmig_mdl_host_busy(v))
		return false;
	return vfmig_mdl_in_reset(v) || !vfmig_mdl_mbx_enabled(q) ||
	       q->head == q->tail ||
	       (q->len & (VFMIG_VF_AQLEN1_VFE | VFMIG_VF_AQLEN1_CRIT));
}

static int model_mbx_hold(void *hw, u16 vf, bool hold)
{
	struct vfmig_mdl_vf *v = lock_vf(hw, vf);
	int ret = 0;

	if (!v)
		return -EINVAL;
	if (!hold) {
		v->mbx_hold = false;
		goto out;
	}
	if (v->mbx_hold)
		goto out;
	if (v->faults.mbx_stall && !atq_drained(v, NULL)) {
		ret = -ETIMEDOUT;
		goto out;
	}
	/* answer everything posted so far, then stop taking requests */
	vfmig_mdl_mbx_drain_atq(v);
	if (!vfmig_mdl_run_until_locked(v->pf, v->pf->now + MBX_HOLD_WAIT_NS,
					atq_drained, v, NULL)) {
		ret = -ETIMEDOUT;
		goto out;
	}
	v->mbx_hold = true;
out:
	unlock_vf(v);
	return ret;
}

static int model_mbx_pending_take(void *hw, u16 vf, struct vfmig_dev_image *img)
{
	struct vfmig_dev_runtime *rt;
	struct vfmig_mdl_vf *v;
	struct vfmig_mdl_msg *m;
	int ret = 0;

	if (!img)
		return -EINVAL;
	rt = &img->runtime;
	if (rt->num_mbx_msgs > VFMIG_MAX_MBX_MSGS)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	if (v->pend_count > VFMIG_MAX_MBX_MSGS - rt->num_mbx_msgs) {
		ret = -ERANGE;
		goto out;
	}
	/* the image takes the buffers over: both sides use vfmig_alloc/free */
	while (v->pend_count) {
		struct vfmig_mbx_msg *dst = &rt->mbx_msgs[rt->num_mbx_msgs++];

		m = &v->pend[v->pend_head];
		dst->v_opcode = m->v_opcode;
		dst->v_retval = m->v_retval;
		dst->len = m->len;
		dst->data = m->data;
		memset(m, 0, sizeof(*m));
		v->pend_head = (v->pend_head + 1) % VFMIG_MDL_PENDING_MSGS;
		v->pend_count--;
	}
	v->pend_head = 0;
out:
	unlock_vf(v);
	return ret;
}

static int model_mbx_pending_put(void *hw, u16 vf,
				 const struct vfmig_dev_image *img)
{
	const struct vfmig_dev_runtime *rt;
	struct vfmig_mdl_vf *v;
	u16 i, added = 0;
	int ret = 0;

	if (!img)
		return -EINVAL;
	rt = &img->runtime;
	if (rt->num_mbx_msgs > VFMIG_MAX_MBX_MSGS)
		return -EINVAL;
	for (i = 0; i < rt->num_mbx_msgs; i++)
		if (rt->mbx_msgs[i].len > VFMIG_MAX_MBX_MSG_LEN ||
		    (rt->mbx_msgs[i].len && !rt->mbx_msgs[i].data))
			return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	if (rt->num_mbx_msgs > VFMIG_MDL_PENDING_MSGS - v->pend_count) {
		ret = -ERANGE;
		goto out;
	}
	for (i = 0; i < rt->num_mbx_msgs; i++) {
		const struct vfmig_mbx_msg *m = &rt->mbx_msgs[i];

		ret = vfmig_mdl_mbx_send(v, m->v_opcode, m->v_retval, m->data,
					 m->len, v->pf->now);
		if (ret)
			goto err_unqueue;
		added++;
	}
	goto out;

err_unqueue:
	vfmig_mdl_mbx_drop_last(v, added);
out:
	unlock_vf(v);
	return ret;
}

/* ---- register shadow ----------------------------------------------------------- */

static int model_vf_reg_read(void *hw, u16 vf, u32 off, u32 *val)
{
	struct vfmig_mdl_vf *v;
	bool known;

	if (!val)
		return -EINVAL;
	v = lock_vf(hw, vf);
	if (!v)
		return -EINVAL;
	*val = vfmig_mdl_bar0_read(v, off, false, &known);
	unlock_vf(v);
	return known ? 0 : -EINVAL;
}

static int model_vf_reg_write(void *hw, u16 vf, u32 off, u32 val)
{
	struct vfmig_mdl_vf *v = lock_vf(hw, vf);
	bool known;

	if (!v)
		return -EINVAL;
	vfmig_mdl_bar0_write(v, off, val, false, &known);
	unlock_vf(v);
	return known ? 0 : -EINVAL;
}

const struct vfmig_pf_hw_ops vfmig_model_pf_hw_ops = {
	.vf_limits = model_vf_limits,
	.txq_ctx_read = model_txq_ctx_read,
	.txq_ctx_write = model_txq_ctx_write,
	.rxq_ctx_read = model_rxq_ctx_read,
	.rxq_ctx_write = model_rxq_ctx_write,
	.queue_enable = model_queue_enable,
	.queue_enabled = model_queue_enabled,
	.tx_head_read = model_tx_head_read,
	.vf_reset = model_vf_reset,
	.vf_state_get = model_vf_state_get,
	.vf_state_set = model_vf_state_set,
	.mbx_hold = model_mbx_hold,
	.mbx_pending_take = model_mbx_pending_take,
	.mbx_pending_put = model_mbx_pending_put,
	.vf_reg_read = model_vf_reg_read,
	.vf_reg_write = model_vf_reg_write,
};
