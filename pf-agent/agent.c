// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PF agent: what only the PF can do for a VF being migrated.
 *
 * Quiesce, snapshot, pre-apply, restore, resume, for one VF at a time,
 * through struct vfmig_pf_hw_ops and nothing else. The agent keeps a little
 * state per VF so that every step can be undone or finished exactly:
 *
 *   mbx_held        the agent holds the VF's mailbox (quiesce, restore)
 *   queues_stopped  the queues in txq_off/rxq_off are off because of the
 *                   agent (quiesce disabled them, or restore programmed them
 *                   and they await resume); resume(QUEUES) enables exactly
 *                   those, TX first, with their contexts untouched
 *   staged          PF->VF messages taken out of the PF host by a snapshot
 *                   (source) or received in a restore (destination), given
 *                   to the PF host again by resume(MBX)
 *
 * Semantics are in include/vfmig/agent.h and docs/migration.md.
 */
#include <vfmig/osdep.h>
#include <vfmig/agent.h>
#include <vfmig/pf_hw.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>

#define REJECT(err, reason, reason_len, fmt, ...) ({			\
	char *__why = (reason);						\
	size_t __why_len = (reason_len);				\
									\
	if (__why && __why_len)						\
		snprintf(__why, __why_len, fmt, ##__VA_ARGS__);		\
	(err); })

struct vfmig_agent_vf {
	bool mbx_held;
	bool queues_stopped;
	u32 txq_off;
	u32 rxq_off;
	struct vfmig_dev_image *staged;
};

struct vfmig_agent {
	const struct vfmig_pf_hw_ops *ops;
	void *hw;
	u16 num_vfs;
	struct vfmig_mutex lock;	/* everything below, and hw calls */
	struct vfmig_agent_vf *vfs;
	struct vfmig_pf_vf_state *st;	/* scratch for vf_state_get/set */
	struct vfmig_dev_image *take;	/* scratch for mbx_pending_take */
};

struct vfmig_agent *vfmig_agent_new(const struct vfmig_pf_hw_ops *ops,
				    void *hw, u16 num_vfs)
{
	struct vfmig_agent *a;

	if (!ops || !num_vfs)
		return ERR_PTR(-EINVAL);
	a = vfmig_zalloc(sizeof(*a));
	if (!a)
		return ERR_PTR(-ENOMEM);
	a->ops = ops;
	a->hw = hw;
	a->num_vfs = num_vfs;
	vfmig_mutex_init(&a->lock);
	a->vfs = vfmig_zalloc(sizeof(*a->vfs) * num_vfs);
	if (!a->vfs)
		goto err_free_agent;
	a->st = vfmig_zalloc(sizeof(*a->st));
	if (!a->st)
		goto err_free_vfs;
	a->take = vfmig_dev_image_alloc();
	if (IS_ERR(a->take))
		goto err_free_st;
	return a;

err_free_st:
	vfmig_free(a->st);
err_free_vfs:
	vfmig_free(a->vfs);
err_free_agent:
	vfmig_mutex_destroy(&a->lock);
	vfmig_free(a);
	return ERR_PTR(-ENOMEM);
}

static int agent_reset_locked(struct vfmig_agent *a, u16 vf, u32 flags);

void vfmig_agent_free(struct vfmig_agent *a)
{
	u16 vf;

	if (IS_ERR_OR_NULL(a))
		return;
	vfmig_mutex_lock(&a->lock);
	for (vf = 0; vf < a->num_vfs; vf++)
		agent_reset_locked(a, vf, 0);
	vfmig_mutex_unlock(&a->lock);
	vfmig_dev_image_free(a->take);
	vfmig_free(a->st);
	vfmig_free(a->vfs);
	vfmig_mutex_destroy(&a->lock);
	vfmig_free(a);
}

static int agent_limits_locked(struct vfmig_agent *a, u16 vf,
			       struct vfmig_pf_vf_limits *lim,
			       char *reason, size_t rlen)
{
	int ret;

	lockdep_assert_held(&a->lock);
	if (vf >= a->num_vfs)
		return REJECT(-EINVAL, reason, rlen,
			      "VF %u out of range (the PF has %u)", vf, a->num_vfs);
	ret = a->ops->vf_limits(a->hw, vf, lim);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: the PF cannot report its limits (%d)", vf, ret);
	if (lim->num_queue_pairs > VFMIG_MAX_QUEUE_PAIRS ||
	    lim->num_msix > VFMIG_MAX_MSIX)
		return REJECT(-EIO, reason, rlen,
			      "VF %u: PF reports %u queue pairs / %u vectors, beyond %u / %u",
			      vf, lim->num_queue_pairs, lim->num_msix,
			      VFMIG_MAX_QUEUE_PAIRS, VFMIG_MAX_MSIX);
	return 0;
}

int vfmig_agent_limits(struct vfmig_agent *a, u16 vf,
		       struct vfmig_pf_vf_limits *lim)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_limits_locked(a, vf, lim, NULL, 0);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Quiesce ------------------------------------------------------------- */

/* Enable the queues in @mask again (undo); failures are only logged. */
static void agent_enable_mask_locked(struct vfmig_agent *a, u16 vf, u32 mask,
				     bool rx, u32 timeout_us)
{
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		if (!(mask & BIT(q)))
			continue;
		ret = a->ops->queue_enable(a->hw, vf, q, rx, true, timeout_us);
		if (ret)
			vfmig_err("vfmig agent: VF %u %s queue %u did not come back on (%d)\n",
				  vf, rx ? "RX" : "TX", q, ret);
	}
}

static int agent_quiesce_locked(struct vfmig_agent *a, u16 vf, u32 timeout_us,
				char *reason, size_t rlen)
{
	struct vfmig_agent_vf *v = &a->vfs[vf];
	u32 tx_on = 0, rx_on = 0, tx_done = 0, rx_done = 0;
	struct vfmig_pf_vf_limits lim;
	bool held_here = false;
	bool on;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	ret = agent_limits_locked(a, vf, &lim, reason, rlen);
	if (ret)
		return ret;
	if (v->mbx_held && v->queues_stopped)
		return 0;

	/*
	 * Mailbox first: the PF host finishes every request the VF already
	 * posted (an ENABLE_QUEUES in flight completes its QENA handshake), so
	 * no queue is half-way on when we look at them below.
	 */
	if (!v->mbx_held) {
		ret = a->ops->mbx_hold(a->hw, vf, true);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: the PF host could not hold the mailbox (%d)",
				      vf, ret);
		v->mbx_held = true;
		held_here = true;
	}
	if (v->queues_stopped)
		return 0;

	for (q = 0; q < lim.num_queue_pairs; q++) {
		ret = a->ops->queue_enabled(a->hw, vf, q, true, &on);
		if (ret)
			goto err_read;
		rx_on |= on ? BIT(q) : 0;
		ret = a->ops->queue_enabled(a->hw, vf, q, false, &on);
		if (ret)
			goto err_read;
		tx_on |= on ? BIT(q) : 0;
	}

	/* RX first: frames stop landing in guest buffers, then TX drains. */
	for (q = 0; q < lim.num_queue_pairs; q++) {
		if (!(rx_on & BIT(q)))
			continue;
		ret = a->ops->queue_enable(a->hw, vf, q, true, false, timeout_us);
		/* a timed-out request stays in place: undo it with the others */
		rx_done |= BIT(q);
		if (ret) {
			REJECT(ret, reason, rlen,
			       "VF %u: RX queue %u did not stop within %u us (%d); VF left running",
			       vf, q, timeout_us, ret);
			goto err_enable_rx;
		}
	}
	for (q = 0; q < lim.num_queue_pairs; q++) {
		if (!(tx_on & BIT(q)))
			continue;
		ret = a->ops->queue_enable(a->hw, vf, q, false, false, timeout_us);
		tx_done |= BIT(q);
		if (ret) {
			REJECT(ret, reason, rlen,
			       "VF %u: TX queue %u did not stop within %u us (%d); VF left running",
			       vf, q, timeout_us, ret);
			goto err_enable_tx;
		}
	}
	v->txq_off = tx_on;
	v->rxq_off = rx_on;
	v->queues_stopped = true;
	return 0;

err_read:
	REJECT(ret, reason, rlen, "VF %u: cannot read queue %u state (%d)",
	       vf, q, ret);
	goto err_release_mbx;
err_enable_tx:
	agent_enable_mask_locked(a, vf, tx_done, false, timeout_us);
err_enable_rx:
	agent_enable_mask_locked(a, vf, rx_done, true, timeout_us);
err_release_mbx:
	if (held_here) {
		a->ops->mbx_hold(a->hw, vf, false);
		v->mbx_held = false;
	}
	return ret;
}

int vfmig_agent_quiesce(struct vfmig_agent *a, u16 vf, u32 timeout_us,
			char *reason, size_t reason_len)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_quiesce_locked(a, vf, timeout_us ?: VFMIG_AGENT_DEFAULT_TIMEOUT_US,
				   reason, reason_len);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Snapshots ----------------------------------------------------------- */

static int agent_snapshot_config_locked(struct vfmig_agent *a, u16 vf,
					struct vfmig_agent_config *cfg,
					char *reason, size_t rlen)
{
	int ret;

	lockdep_assert_held(&a->lock);
	if (vf >= a->num_vfs)
		return REJECT(-EINVAL, reason, rlen, "VF %u out of range", vf);
	ret = a->ops->vf_state_get(a->hw, vf, a->st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot read the PF host's state (%d)", vf, ret);
	memset(cfg, 0, sizeof(*cfg));
	cfg->flags = a->st->active ? VFMIG_AGENT_CFG_ACTIVE : 0;
	cfg->virtchnl_major = a->st->virtchnl_major;
	cfg->virtchnl_minor = a->st->virtchnl_minor;
	cfg->vf_caps = a->st->vf_caps;
	cfg->config = a->st->config;
	cfg->config.present &= VFMIG_CFG_ALL;
	return 0;
}

int vfmig_agent_snapshot_config(struct vfmig_agent *a, u16 vf,
				struct vfmig_agent_config *cfg)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_snapshot_config_locked(a, vf, cfg, NULL, 0);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

static int agent_reg(struct vfmig_agent *a, u16 vf, u32 off, u32 *val)
{
	return a->ops->vf_reg_read(a->hw, vf, off, val);
}

/* Offsets of vector @v's DYN_CTL and ITR registers in the VF's BAR0. */
static u32 irq_dyn_ctl_off(u16 v)
{
	return v ? VFMIG_VFINT_DYN_CTLN1(v - 1) : VFMIG_VFINT_DYN_CTL01;
}

static u32 irq_itr_off(u16 v, u32 i)
{
	return v ? VFMIG_VFINT_ITRN1(i, v - 1) : VFMIG_VFINT_ITR01(i);
}

/* The queue contexts, tails and enable state of one VF into @rt. */
static int agent_snapshot_queues_locked(struct vfmig_agent *a, u16 vf,
					const struct vfmig_pf_vf_limits *lim,
					struct vfmig_dev_runtime *rt,
					char *reason, size_t rlen)
{
	struct vfmig_agent_vf *v = &a->vfs[vf];
	struct vfmig_hmc_txq tctx;
	struct vfmig_hmc_rxq rctx;
	u32 tail;
	u16 head;
	bool on;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	for (q = 0; q < lim->num_queue_pairs; q++) {
		struct vfmig_txq_state *t = &rt->txq[q];
		struct vfmig_rxq_state *r = &rt->rxq[q];

		ret = a->ops->txq_ctx_read(a->hw, vf, q, &tctx);
		if (ret)
			goto err_hw;
		if (tctx.qlen && tctx.base) {
			ret = a->ops->tx_head_read(a->hw, vf, q, &head);
			if (ret)
				goto err_hw;
			ret = agent_reg(a, vf, VFMIG_QTX_TAIL1(q), &tail);
			if (ret)
				goto err_hw;
			if (v->queues_stopped) {
				on = !!(v->txq_off & BIT(q));
			} else {
				ret = a->ops->queue_enabled(a->hw, vf, q, false, &on);
				if (ret)
					goto err_hw;
			}
			t->ring_base = tctx.base * VFMIG_HMC_BASE_UNIT;
			t->ring_len = tctx.qlen;
			t->head = head;
			t->tail = (u16)(tail & VFMIG_QTAIL1_TAIL_MASK);
			t->enabled = on;
			t->head_wb = !!tctx.head_wb_ena;
			t->head_wb_addr = tctx.head_wb_ena ? tctx.head_wb_addr : 0;
			/*
			 * The device ignores a tail beyond the ring until a sane
			 * one is written: nothing is posted, as with tail = head.
			 */
			if (t->tail >= t->ring_len)
				t->tail = t->head;
			if (t->head >= t->ring_len)
				return REJECT(-EIO, reason, rlen,
					      "VF %u TX queue %u: head %u beyond its %u-descriptor ring",
					      vf, q, t->head, t->ring_len);
			rt->txq_present |= BIT(q);
		}

		ret = a->ops->rxq_ctx_read(a->hw, vf, q, &rctx);
		if (ret)
			goto err_hw;
		if (rctx.qlen && rctx.base) {
			ret = agent_reg(a, vf, VFMIG_QRX_TAIL1(q), &tail);
			if (ret)
				goto err_hw;
			if (v->queues_stopped) {
				on = !!(v->rxq_off & BIT(q));
			} else {
				ret = a->ops->queue_enabled(a->hw, vf, q, true, &on);
				if (ret)
					goto err_hw;
			}
			r->ring_base = rctx.base * VFMIG_HMC_BASE_UNIT;
			r->ring_len = rctx.qlen;
			r->head = rctx.head;
			r->tail = (u16)(tail & VFMIG_QTAIL1_TAIL_MASK);
			r->desc_size = rctx.dsize ? VFMIG_RX_DESC_SIZE :
						    VFMIG_RX_DESC16_SIZE;
			r->hdr_buf_size = (u16)(rctx.hbuff << VFMIG_HMC_RXQ_HBUFF_SHIFT);
			r->data_buf_size = (u32)rctx.dbuff << VFMIG_HMC_RXQ_DBUFF_SHIFT;
			r->max_pkt_size = rctx.rxmax;
			r->enabled = on;
			r->crc_strip = !!rctx.crcstrip;
			if (r->tail >= r->ring_len)
				r->tail = r->head;
			if (r->head >= r->ring_len)
				return REJECT(-EIO, reason, rlen,
					      "VF %u RX queue %u: head %u beyond its %u-descriptor ring",
					      vf, q, r->head, r->ring_len);
			rt->rxq_present |= BIT(q);
		}
	}
	return 0;

err_hw:
	return REJECT(ret, reason, rlen,
		      "VF %u: cannot read queue %u state (%d)", vf, q, ret);
}

static int agent_snapshot_regs_locked(struct vfmig_agent *a, u16 vf,
				      const struct vfmig_pf_vf_limits *lim,
				      struct vfmig_dev_runtime *rt,
				      char *reason, size_t rlen)
{
	static const u32 atq[5] = { VFMIG_VF_ATQBAL1, VFMIG_VF_ATQBAH1,
				    VFMIG_VF_ATQLEN1, VFMIG_VF_ATQH1,
				    VFMIG_VF_ATQT1 };
	static const u32 arq[5] = { VFMIG_VF_ARQBAL1, VFMIG_VF_ARQBAH1,
				    VFMIG_VF_ARQLEN1, VFMIG_VF_ARQH1,
				    VFMIG_VF_ARQT1 };
	u32 *atqv[5] = { &rt->mbx.atq.bal, &rt->mbx.atq.bah, &rt->mbx.atq.len,
			 &rt->mbx.atq.head, &rt->mbx.atq.tail };
	u32 *arqv[5] = { &rt->mbx.arq.bal, &rt->mbx.arq.bah, &rt->mbx.arq.len,
			 &rt->mbx.arq.head, &rt->mbx.arq.tail };
	u16 nvec = min_t(u16, lim->num_msix, VFMIG_VF_MAX_MSIX);
	u32 i, off = 0;
	u16 v;
	int ret;

	lockdep_assert_held(&a->lock);
	off = VFMIG_VFINT_ICR01;
	ret = agent_reg(a, vf, off, &rt->irq.icr0);
	if (ret)
		goto err_hw;
	off = VFMIG_VFINT_ICR0_ENA1;
	ret = agent_reg(a, vf, off, &rt->irq.icr0_ena);
	if (ret)
		goto err_hw;
	rt->irq.num_vectors = nvec;
	for (v = 0; v < nvec; v++) {
		off = irq_dyn_ctl_off(v);
		ret = agent_reg(a, vf, off, &rt->irq.vec[v].dyn_ctl);
		if (ret)
			goto err_hw;
		for (i = 0; i < VFMIG_NUM_ITR; i++) {
			off = irq_itr_off(v, i);
			ret = agent_reg(a, vf, off, &rt->irq.vec[v].itr[i]);
			if (ret)
				goto err_hw;
		}
	}
	for (i = 0; i < ARRAY_SIZE(atq); i++) {
		off = atq[i];
		ret = agent_reg(a, vf, off, atqv[i]);
		if (ret)
			goto err_hw;
		off = arq[i];
		ret = agent_reg(a, vf, off, arqv[i]);
		if (ret)
			goto err_hw;
	}
	rt->present |= VFMIG_RT_IRQ_REGS | VFMIG_RT_MBX_REGS;
	return 0;

err_hw:
	return REJECT(ret, reason, rlen,
		      "VF %u: cannot read register %#x (%d)", vf, off, ret);
}

/* Append every mailbox message of @src to @dst. */
static int agent_copy_msgs(struct vfmig_dev_image *dst,
			   const struct vfmig_dev_image *src)
{
	const struct vfmig_dev_runtime *rt = &src->runtime;
	u32 i;
	int ret;

	for (i = 0; i < rt->num_mbx_msgs; i++) {
		ret = vfmig_dev_image_add_mbx_msg(dst, rt->mbx_msgs[i].v_opcode,
						  rt->mbx_msgs[i].v_retval,
						  rt->mbx_msgs[i].data,
						  rt->mbx_msgs[i].len);
		if (ret)
			return ret;
	}
	return 0;
}

/* Append every message of @from to @v->staged (allocated on first use). */
static int agent_stage_msgs_locked(struct vfmig_agent *a, struct vfmig_agent_vf *v,
				   const struct vfmig_dev_image *from)
{
	lockdep_assert_held(&a->lock);
	if (!from->runtime.num_mbx_msgs)
		return 0;
	if (!v->staged) {
		v->staged = vfmig_dev_image_alloc();
		if (IS_ERR(v->staged)) {
			v->staged = NULL;
			return -ENOMEM;
		}
	}
	return agent_copy_msgs(v->staged, from);
}

static int agent_snapshot_runtime_locked(struct vfmig_agent *a, u16 vf,
					 u32 flags, struct vfmig_dev_image *img,
					 char *reason, size_t rlen)
{
	struct vfmig_dev_runtime *rt = &img->runtime;
	struct vfmig_agent_vf *v;
	struct vfmig_pf_vf_limits lim;
	int ret;

	lockdep_assert_held(&a->lock);
	ret = agent_limits_locked(a, vf, &lim, reason, rlen);
	if (ret)
		return ret;
	v = &a->vfs[vf];
	vfmig_dev_image_clear_mbx_msgs(img);
	memset(rt, 0, sizeof(*rt));

	ret = agent_snapshot_queues_locked(a, vf, &lim, rt, reason, rlen);
	if (ret)
		return ret;
	ret = agent_snapshot_regs_locked(a, vf, &lim, rt, reason, rlen);
	if (ret)
		return ret;
	ret = a->ops->vf_state_get(a->hw, vf, a->st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot read the PF host's state (%d)", vf, ret);
	rt->stats = a->st->stats;
	rt->present |= VFMIG_RT_STATS;

	if (!(flags & VFMIG_AGENT_SNAP_PEEK)) {
		/*
		 * Messages the PF host produced but the ARQ has not taken move
		 * into the agent: from now on they are part of the device state
		 * (the stream carries them), and a cancel gives them back.
		 */
		vfmig_dev_image_clear_mbx_msgs(a->take);
		ret = a->ops->mbx_pending_take(a->hw, vf, a->take);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: cannot take the pending mailbox messages (%d)",
				      vf, ret);
		ret = agent_stage_msgs_locked(a, v, a->take);
		vfmig_dev_image_clear_mbx_msgs(a->take);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: cannot keep the pending mailbox messages (%d)",
				      vf, ret);
	}
	if (v->staged) {
		ret = agent_copy_msgs(img, v->staged);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: cannot copy the staged mailbox messages (%d)",
				      vf, ret);
	}
	return 0;
}

int vfmig_agent_snapshot_runtime(struct vfmig_agent *a, u16 vf, u32 flags,
				 struct vfmig_dev_image *img,
				 char *reason, size_t reason_len)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_snapshot_runtime_locked(a, vf, flags, img, reason, reason_len);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Configuration checks ---------------------------------------------- */

/* Copy the records of @src named by @mask into @dst. */
static void config_merge(struct vfmig_dev_config *dst,
			 const struct vfmig_dev_config *src, u32 mask)
{
	if (mask & BIT(VFMIG_CFG_VF_CONFIG))
		dst->vf = src->vf;
	if (mask & BIT(VFMIG_CFG_VSI))
		dst->vsi = src->vsi;
	if (mask & BIT(VFMIG_CFG_MAC_FILTERS)) {
		dst->num_mac_filters = src->num_mac_filters;
		memcpy(dst->mac_filters, src->mac_filters,
		       sizeof(src->mac_filters[0]) * src->num_mac_filters);
	}
	if (mask & BIT(VFMIG_CFG_VLAN_FILTERS)) {
		dst->num_vlan_filters = src->num_vlan_filters;
		memcpy(dst->vlan_filters, src->vlan_filters,
		       sizeof(src->vlan_filters[0]) * src->num_vlan_filters);
	}
	if (mask & BIT(VFMIG_CFG_PROMISC))
		dst->promisc = src->promisc;
	if (mask & BIT(VFMIG_CFG_RSS_KEY)) {
		dst->rss_key_len = src->rss_key_len;
		memcpy(dst->rss_key, src->rss_key, src->rss_key_len);
	}
	if (mask & BIT(VFMIG_CFG_RSS_LUT)) {
		dst->rss_lut_len = src->rss_lut_len;
		memcpy(dst->rss_lut, src->rss_lut, src->rss_lut_len);
	}
	if (mask & BIT(VFMIG_CFG_RSS_HENA))
		dst->rss_hena = src->rss_hena;
	if (mask & BIT(VFMIG_CFG_IRQ_MAP)) {
		dst->num_irq_maps = src->num_irq_maps;
		memcpy(dst->irq_maps, src->irq_maps,
		       sizeof(src->irq_maps[0]) * src->num_irq_maps);
	}
	dst->present |= mask;
}

/* Queue pairs the configuration gives the VF (its VSI, else the PF's). */
static u16 config_qps(const struct vfmig_dev_config *cfg,
		      const struct vfmig_pf_vf_limits *lim)
{
	if (cfg->present & BIT(VFMIG_CFG_VSI))
		return cfg->vsi.num_queue_pairs;
	return lim->num_queue_pairs;
}

/* Array bounds first: @src may come from a PF-side caller unchecked. */
static int config_check_counts(const struct vfmig_dev_config *src, u32 mask,
			       char *reason, size_t rlen)
{
	if (mask & ~VFMIG_CFG_ALL || mask & ~src->present)
		return REJECT(-EINVAL, reason, rlen,
			      "config records %#x named but not all present (%#x)",
			      mask, src->present);
	if (src->num_mac_filters > ARRAY_SIZE(src->mac_filters) ||
	    src->num_vlan_filters > ARRAY_SIZE(src->vlan_filters) ||
	    src->rss_key_len > ARRAY_SIZE(src->rss_key) ||
	    src->rss_lut_len > ARRAY_SIZE(src->rss_lut) ||
	    src->num_irq_maps > ARRAY_SIZE(src->irq_maps))
		return REJECT(-EINVAL, reason, rlen,
			      "config counts exceed their arrays");
	return 0;
}

static int check_irq_maps(const struct vfmig_dev_config *cfg,
			  const struct vfmig_pf_vf_limits *lim, u16 qps,
			  char *reason, size_t rlen)
{
	u32 qmask = (u32)BIT(qps) - 1;
	u32 vecs[DIV_ROUND_UP(VFMIG_MAX_MSIX, 32)] = { 0 };
	u32 rx = 0, tx = 0;
	u16 i;

	if (cfg->num_irq_maps > lim->num_msix)
		return REJECT(-ERANGE, reason, rlen,
			      "IRQ map has %u entries, this VF has %u vectors",
			      cfg->num_irq_maps, lim->num_msix);
	for (i = 0; i < cfg->num_irq_maps; i++) {
		const struct vfmig_irq_map *m = &cfg->irq_maps[i];

		if (m->vector_id >= lim->num_msix)
			return REJECT(-ERANGE, reason, rlen,
				      "IRQ map entry %u: vector %u, this VF has %u",
				      i, m->vector_id, lim->num_msix);
		if (vecs[m->vector_id / 32] & BIT(m->vector_id % 32))
			return REJECT(-EINVAL, reason, rlen,
				      "IRQ map entry %u: vector %u mapped twice",
				      i, m->vector_id);
		vecs[m->vector_id / 32] |= BIT(m->vector_id % 32);
		if ((m->rxq_map | m->txq_map) & ~qmask)
			return REJECT(-ERANGE, reason, rlen,
				      "IRQ map entry %u: queues %#x/%#x beyond the %u configured queue pairs",
				      i, m->rxq_map, m->txq_map, qps);
		if ((rx & m->rxq_map) || (tx & m->txq_map))
			return REJECT(-EINVAL, reason, rlen,
				      "IRQ map entry %u: a queue is mapped to two vectors", i);
		rx |= m->rxq_map;
		tx |= m->txq_map;
		if (m->rxitr_idx > VFMIG_MAX_ITR_IDX ||
		    m->txitr_idx > VFMIG_MAX_ITR_IDX)
			return REJECT(-EINVAL, reason, rlen,
				      "IRQ map entry %u: ITR index %u/%u above %u",
				      i, m->rxitr_idx, m->txitr_idx,
				      VFMIG_MAX_ITR_IDX);
	}
	return 0;
}

/*
 * Check the records @mask of the merged configuration @cfg against this
 * PF's limits. The LUT and IRQ map depend on the VSI's queue count, so a
 * new VSI re-checks them too.
 */
static int config_check(const struct vfmig_dev_config *cfg, u32 mask,
			const struct vfmig_pf_vf_limits *lim,
			char *reason, size_t rlen)
{
	u16 qps = config_qps(cfg, lim);
	u32 i;

	if (mask & BIT(VFMIG_CFG_VSI))
		mask |= cfg->present & (BIT(VFMIG_CFG_RSS_LUT) | BIT(VFMIG_CFG_IRQ_MAP));

	if (mask & BIT(VFMIG_CFG_VF_CONFIG)) {
		const struct vfmig_vf_config *v = &cfg->vf;

		if (v->flags & ~VFMIG_VF_FLAGS_ALL || v->port_vlan & BIT(12) ||
		    v->mac[0] & 1 ||
		    (v->max_frame &&
		     (v->max_frame < VFMIG_MIN_RX_PKT || v->max_frame > VFMIG_MAX_FRAME)))
			return REJECT(-EINVAL, reason, rlen,
				      "VF config: flags %#x, port VLAN %#x, multicast MAC or max frame %u invalid",
				      v->flags, v->port_vlan, v->max_frame);
	}
	if (mask & BIT(VFMIG_CFG_VSI) &&
	    (!cfg->vsi.num_queue_pairs || cfg->vsi.num_queue_pairs > lim->num_queue_pairs))
		return REJECT(-ERANGE, reason, rlen,
			      "VSI has %u queue pairs, this VF has %u",
			      cfg->vsi.num_queue_pairs, lim->num_queue_pairs);
	if (mask & BIT(VFMIG_CFG_MAC_FILTERS)) {
		if (cfg->num_mac_filters > lim->max_mac_filters)
			return REJECT(-ERANGE, reason, rlen,
				      "%u MAC filters, this VF may hold %u",
				      cfg->num_mac_filters, lim->max_mac_filters);
		for (i = 0; i < cfg->num_mac_filters; i++) {
			const u8 *m = cfg->mac_filters[i].addr;

			/* i40e_check_vf_permission(): never the zero address */
			if (cfg->mac_filters[i].type > VFMIG_MAC_TYPE_MAX ||
			    !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
				return REJECT(-EINVAL, reason, rlen,
					      "MAC filter %u: type %u or zero address",
					      i, cfg->mac_filters[i].type);
		}
	}
	if (mask & BIT(VFMIG_CFG_VLAN_FILTERS)) {
		if (cfg->num_vlan_filters > lim->max_vlan_filters)
			return REJECT(-ERANGE, reason, rlen,
				      "%u VLAN filters, this VF may hold %u",
				      cfg->num_vlan_filters, lim->max_vlan_filters);
		for (i = 0; i < cfg->num_vlan_filters; i++)
			if (cfg->vlan_filters[i] > VFMIG_VLAN_ID_MASK)
				return REJECT(-EINVAL, reason, rlen,
					      "VLAN filter %u: id %u", i,
					      cfg->vlan_filters[i]);
	}
	if (mask & BIT(VFMIG_CFG_PROMISC) && cfg->promisc & ~VFMIG_PROMISC_ALL)
		return REJECT(-EINVAL, reason, rlen,
			      "promiscuous flags %#x", cfg->promisc);
	if (mask & BIT(VFMIG_CFG_RSS_KEY) &&
	    (!cfg->rss_key_len || cfg->rss_key_len > lim->rss_key_size))
		return REJECT(-ERANGE, reason, rlen,
			      "RSS key of %u bytes, this VF's is %u",
			      cfg->rss_key_len, lim->rss_key_size);
	if (mask & BIT(VFMIG_CFG_RSS_LUT)) {
		if (!cfg->rss_lut_len || cfg->rss_lut_len > lim->rss_lut_size)
			return REJECT(-ERANGE, reason, rlen,
				      "RSS LUT of %u entries, this VF's has %u",
				      cfg->rss_lut_len, lim->rss_lut_size);
		for (i = 0; i < cfg->rss_lut_len; i++)
			if (cfg->rss_lut[i] >= qps)
				return REJECT(-ERANGE, reason, rlen,
					      "RSS LUT entry %u: queue %u, %u queue pairs configured",
					      i, cfg->rss_lut[i], qps);
	}
	if (mask & BIT(VFMIG_CFG_IRQ_MAP))
		return check_irq_maps(cfg, lim, qps, reason, rlen);
	return 0;
}

/* ---- Pre-apply ----------------------------------------------------------- */

static int agent_pre_apply_locked(struct vfmig_agent *a, u16 vf,
				  const struct vfmig_agent_config *cfg,
				  char *reason, size_t rlen)
{
	struct vfmig_pf_vf_state *st = a->st;
	struct vfmig_pf_vf_limits lim;
	u32 mask = cfg->config.present;
	int ret;

	lockdep_assert_held(&a->lock);
	ret = agent_limits_locked(a, vf, &lim, reason, rlen);
	if (ret)
		return ret;
	ret = config_check_counts(&cfg->config, mask, reason, rlen);
	if (ret)
		return ret;
	if (cfg->flags & ~VFMIG_AGENT_CFG_FLAGS_ALL)
		return REJECT(-EINVAL, reason, rlen, "config flags %#x", cfg->flags);
	ret = a->ops->vf_state_get(a->hw, vf, st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot read the PF host's state (%d)", vf, ret);
	config_merge(&st->config, &cfg->config, mask);
	ret = config_check(&st->config, mask, &lim, reason, rlen);
	if (ret)
		return ret;
	st->active = !!(cfg->flags & VFMIG_AGENT_CFG_ACTIVE);
	st->virtchnl_major = cfg->virtchnl_major;
	st->virtchnl_minor = cfg->virtchnl_minor;
	st->vf_caps = cfg->vf_caps;
	ret = a->ops->vf_state_set(a->hw, vf, st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: the PF host refused the configuration (%d)",
			      vf, ret);
	return 0;
}

int vfmig_agent_pre_apply(struct vfmig_agent *a, u16 vf,
			  const struct vfmig_agent_config *cfg,
			  char *reason, size_t reason_len)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_pre_apply_locked(a, vf, cfg, reason, reason_len);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Restore ------------------------------------------------------------- */

static int check_ring(const char *what, u16 q, u64 base, u16 len, u16 head,
		      u16 tail, const struct vfmig_pf_vf_limits *lim,
		      char *reason, size_t rlen)
{
	u16 max = min_t(u16, lim->max_ring_desc, VFMIG_HW_RING_MAX);

	if (!base || !IS_ALIGNED(base, VFMIG_HMC_BASE_UNIT) ||
	    base / VFMIG_HMC_BASE_UNIT > GENMASK_ULL(VFMIG_HMC_BASE_WIDTH - 1, 0))
		return REJECT(-EINVAL, reason, rlen,
			      "%s queue %u: ring base %#llx is not a nonzero, 128-byte aligned address",
			      what, q, (unsigned long long)base);
	if (!len || len > max)
		return REJECT(-ERANGE, reason, rlen,
			      "%s queue %u: ring of %u descriptors, this VF allows 1..%u",
			      what, q, len, max);
	if (head >= len || tail >= len)
		return REJECT(-EINVAL, reason, rlen,
			      "%s queue %u: head %u / tail %u beyond the %u-descriptor ring",
			      what, q, head, tail, len);
	return 0;
}

static int runtime_check(const struct vfmig_dev_runtime *rt, u16 qps,
			 const struct vfmig_pf_vf_limits *lim,
			 char *reason, size_t rlen)
{
	u32 qmask = (u32)BIT(qps) - 1;
	u16 nvec = min_t(u16, lim->num_msix, VFMIG_VF_MAX_MSIX);
	u16 q;
	u32 i;
	int ret;

	if (rt->txq_present & ~qmask || rt->rxq_present & ~qmask)
		return REJECT(-ERANGE, reason, rlen,
			      "queues %#x/%#x present, %u queue pairs configured",
			      rt->txq_present, rt->rxq_present, qps);
	for (q = 0; q < qps; q++) {
		const struct vfmig_txq_state *t = &rt->txq[q];
		const struct vfmig_rxq_state *r = &rt->rxq[q];

		if (rt->txq_present & BIT(q)) {
			ret = check_ring("TX", q, t->ring_base, t->ring_len, t->head,
					 t->tail, lim, reason, rlen);
			if (ret)
				return ret;
			if (t->head_wb ? !t->head_wb_addr || !IS_ALIGNED(t->head_wb_addr, 4) :
			    t->head_wb_addr)
				return REJECT(-EINVAL, reason, rlen,
					      "TX queue %u: head write-back %s with address %#llx",
					      q, t->head_wb ? "on" : "off",
					      (unsigned long long)t->head_wb_addr);
		}
		if (!(rt->rxq_present & BIT(q)))
			continue;
		ret = check_ring("RX", q, r->ring_base, r->ring_len, r->head,
				 r->tail, lim, reason, rlen);
		if (ret)
			return ret;
		if ((r->desc_size != VFMIG_RX_DESC_SIZE &&
		     r->desc_size != VFMIG_RX_DESC16_SIZE) ||
		    r->data_buf_size > VFMIG_RXQ_DBUFF_MAX ||
		    !IS_ALIGNED(r->data_buf_size, 1u << VFMIG_HMC_RXQ_DBUFF_SHIFT) ||
		    r->hdr_buf_size > VFMIG_RXQ_HBUFF_MAX ||
		    !IS_ALIGNED(r->hdr_buf_size, 1u << VFMIG_HMC_RXQ_HBUFF_SHIFT) ||
		    r->max_pkt_size < VFMIG_RXQ_RXMAX_MIN ||
		    r->max_pkt_size >= VFMIG_RXQ_RXMAX_LIMIT)
			return REJECT(-EINVAL, reason, rlen,
				      "RX queue %u: descriptor %u B, buffers %u/%u B or max packet %u B not programmable",
				      q, r->desc_size, r->data_buf_size,
				      r->hdr_buf_size, r->max_pkt_size);
	}
	if (rt->present & ~VFMIG_RT_ALL)
		return REJECT(-EINVAL, reason, rlen,
			      "runtime present bits %#x", rt->present);
	if (rt->present & VFMIG_RT_IRQ_REGS && rt->irq.num_vectors > nvec)
		return REJECT(-ERANGE, reason, rlen,
			      "interrupt state of %u vectors, this VF has %u",
			      rt->irq.num_vectors, nvec);
	if (rt->num_mbx_msgs > VFMIG_MAX_MBX_MSGS)
		return REJECT(-ERANGE, reason, rlen, "%u mailbox messages, max %u",
			      rt->num_mbx_msgs, VFMIG_MAX_MBX_MSGS);
	for (i = 0; i < rt->num_mbx_msgs; i++)
		if (rt->mbx_msgs[i].len > VFMIG_MAX_MBX_MSG_LEN ||
		    (rt->mbx_msgs[i].len && !rt->mbx_msgs[i].data))
			return REJECT(-EINVAL, reason, rlen,
				      "mailbox message %u of %u bytes is malformed",
				      i, rt->mbx_msgs[i].len);
	return 0;
}

/*
 * The TX context for a saved queue, as i40e_config_vsi_tx_queue() writes a
 * VF queue (everything else 0), with the saved head. The scheduler queue
 * set (rdylist) is the PF's: kept from the destination's context.
 */
static void txq_ctx_from_state(struct vfmig_hmc_txq *ctx,
			       const struct vfmig_txq_state *t)
{
	u16 rdylist = ctx->rdylist;

	memset(ctx, 0, sizeof(*ctx));
	ctx->rdylist = rdylist;
	ctx->base = t->ring_base / VFMIG_HMC_BASE_UNIT;
	ctx->qlen = t->ring_len;
	ctx->head = t->head;
	ctx->head_wb_ena = t->head_wb ? 1 : 0;
	ctx->head_wb_addr = t->head_wb ? t->head_wb_addr : 0;
}

/* The RX context as i40e_config_vsi_rx_queue() programs a VF queue. */
static void rxq_ctx_from_state(struct vfmig_hmc_rxq *ctx,
			       const struct vfmig_rxq_state *r)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->base = r->ring_base / VFMIG_HMC_BASE_UNIT;
	ctx->qlen = r->ring_len;
	ctx->head = r->head;
	ctx->dbuff = (u16)(r->data_buf_size >> VFMIG_HMC_RXQ_DBUFF_SHIFT);
	ctx->hbuff = (u16)(r->hdr_buf_size >> VFMIG_HMC_RXQ_HBUFF_SHIFT);
	ctx->dtype = r->hdr_buf_size ? VFMIG_RX_DTYPE_HEADER_SPLIT :
				       VFMIG_RX_DTYPE_NO_SPLIT;
	ctx->hsplit_0 = r->hdr_buf_size ? (VFMIG_RX_SPLIT_L2 | VFMIG_RX_SPLIT_IP |
					   VFMIG_RX_SPLIT_TCP_UDP |
					   VFMIG_RX_SPLIT_SCTP) : 0;
	ctx->dsize = r->desc_size == VFMIG_RX_DESC_SIZE ? 1 : 0;
	ctx->crcstrip = r->crc_strip ? 1 : 0;
	ctx->rxmax = r->max_pkt_size;
	ctx->l2tsel = 1;
	ctx->prefena = 1;
	ctx->lrxqthresh = 1;
}

static int agent_write_queues_locked(struct vfmig_agent *a, u16 vf,
				     const struct vfmig_pf_vf_limits *lim,
				     const struct vfmig_dev_runtime *rt,
				     char *reason, size_t rlen)
{
	static const struct vfmig_hmc_txq tzero;
	static const struct vfmig_hmc_rxq rzero;
	struct vfmig_hmc_txq tctx;
	struct vfmig_hmc_rxq rctx;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	for (q = 0; q < lim->num_queue_pairs; q++) {
		ret = a->ops->txq_ctx_read(a->hw, vf, q, &tctx);
		if (ret)
			goto err_hw;
		if (rt->txq_present & BIT(q)) {
			txq_ctx_from_state(&tctx, &rt->txq[q]);
			ret = a->ops->txq_ctx_write(a->hw, vf, q, &tctx);
			if (!ret)
				ret = a->ops->vf_reg_write(a->hw, vf, VFMIG_QTX_TAIL1(q),
							   rt->txq[q].tail);
		} else if (memcmp(&tctx, &tzero, sizeof(tctx))) {
			ret = a->ops->txq_ctx_write(a->hw, vf, q, &tzero);
		}
		if (ret)
			goto err_hw;

		ret = a->ops->rxq_ctx_read(a->hw, vf, q, &rctx);
		if (ret)
			goto err_hw;
		if (rt->rxq_present & BIT(q)) {
			rxq_ctx_from_state(&rctx, &rt->rxq[q]);
			ret = a->ops->rxq_ctx_write(a->hw, vf, q, &rctx);
			if (!ret)
				ret = a->ops->vf_reg_write(a->hw, vf, VFMIG_QRX_TAIL1(q),
							   rt->rxq[q].tail);
		} else if (memcmp(&rctx, &rzero, sizeof(rctx))) {
			ret = a->ops->rxq_ctx_write(a->hw, vf, q, &rzero);
		}
		if (ret)
			goto err_hw;
	}
	return 0;

err_hw:
	return REJECT(ret, reason, rlen,
		      "VF %u: programming queue %u failed (%d); VF partially restored",
		      vf, q, ret);
}

static int agent_write_regs_locked(struct vfmig_agent *a, u16 vf,
				   const struct vfmig_dev_runtime *rt,
				   char *reason, size_t rlen)
{
	const struct vfmig_mbx_regs *m = &rt->mbx;
	const u32 mbx[10][2] = {
		{ VFMIG_VF_ATQBAL1, m->atq.bal }, { VFMIG_VF_ATQBAH1, m->atq.bah },
		{ VFMIG_VF_ATQLEN1, m->atq.len }, { VFMIG_VF_ATQH1, m->atq.head },
		{ VFMIG_VF_ATQT1, m->atq.tail },
		{ VFMIG_VF_ARQBAL1, m->arq.bal }, { VFMIG_VF_ARQBAH1, m->arq.bah },
		{ VFMIG_VF_ARQLEN1, m->arq.len }, { VFMIG_VF_ARQH1, m->arq.head },
		{ VFMIG_VF_ARQT1, m->arq.tail },
	};
	u32 off = 0, i;
	u16 v;
	int ret = 0;

	lockdep_assert_held(&a->lock);
	if (rt->present & VFMIG_RT_IRQ_REGS) {
		for (v = 0; v < rt->irq.num_vectors; v++) {
			off = irq_dyn_ctl_off(v);
			ret = a->ops->vf_reg_write(a->hw, vf, off, rt->irq.vec[v].dyn_ctl);
			if (ret)
				goto err_hw;
			for (i = 0; i < VFMIG_NUM_ITR; i++) {
				off = irq_itr_off(v, i);
				ret = a->ops->vf_reg_write(a->hw, vf, off,
							   rt->irq.vec[v].itr[i]);
				if (ret)
					goto err_hw;
			}
		}
		off = VFMIG_VFINT_ICR0_ENA1;
		ret = a->ops->vf_reg_write(a->hw, vf, off, rt->irq.icr0_ena);
		if (ret)
			goto err_hw;
		off = VFMIG_VFINT_ICR01;
		ret = a->ops->vf_reg_write(a->hw, vf, off, rt->irq.icr0);
		if (ret)
			goto err_hw;
	}
	if (rt->present & VFMIG_RT_MBX_REGS) {
		for (i = 0; i < ARRAY_SIZE(mbx); i++) {
			off = mbx[i][0];
			ret = a->ops->vf_reg_write(a->hw, vf, off, mbx[i][1]);
			if (ret)
				goto err_hw;
		}
	}
	return 0;

err_hw:
	return REJECT(ret, reason, rlen,
		      "VF %u: writing register %#x failed (%d); VF partially restored",
		      vf, off, ret);
}

static u32 runtime_enabled(const struct vfmig_dev_runtime *rt, bool rx)
{
	u32 mask = 0;
	u16 q;

	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		if (rx && rt->rxq_present & BIT(q) && rt->rxq[q].enabled)
			mask |= BIT(q);
		if (!rx && rt->txq_present & BIT(q) && rt->txq[q].enabled)
			mask |= BIT(q);
	}
	return mask;
}

static int agent_restore_locked(struct vfmig_agent *a, u16 vf, u32 cfg_mask,
				const struct vfmig_agent_config *cfg,
				const struct vfmig_dev_image *img,
				char *reason, size_t rlen)
{
	const struct vfmig_dev_runtime *rt = &img->runtime;
	struct vfmig_pf_vf_state *st = a->st;
	struct vfmig_agent_vf *v;
	struct vfmig_pf_vf_limits lim;
	bool on;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	ret = agent_limits_locked(a, vf, &lim, reason, rlen);
	if (ret)
		return ret;
	v = &a->vfs[vf];

	/* 1. Validate everything: nothing below touches the VF until done. */
	ret = config_check_counts(&cfg->config, cfg_mask, reason, rlen);
	if (ret)
		return ret;
	if (cfg->flags & ~VFMIG_AGENT_CFG_FLAGS_ALL)
		return REJECT(-EINVAL, reason, rlen, "config flags %#x", cfg->flags);
	ret = a->ops->vf_state_get(a->hw, vf, st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot read the PF host's state (%d)", vf, ret);
	config_merge(&st->config, &cfg->config, cfg_mask);
	ret = config_check(&st->config, cfg_mask, &lim, reason, rlen);
	if (ret)
		return ret;
	ret = runtime_check(rt, config_qps(&st->config, &lim), &lim, reason, rlen);
	if (ret)
		return ret;
	for (q = 0; q < lim.num_queue_pairs; q++) {
		ret = a->ops->queue_enabled(a->hw, vf, q, false, &on);
		if (!ret && !on)
			ret = a->ops->queue_enabled(a->hw, vf, q, true, &on);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: cannot read queue %u state (%d)", vf, q, ret);
		if (on)
			return REJECT(-EBUSY, reason, rlen,
				      "VF %u: queue %u is enabled; restore needs a stopped VF",
				      vf, q);
	}

	/*
	 * 2. Apply: the PF host state first (it checks it all before taking
	 * any), then the mailbox is held before its registers are restored, so
	 * the PF host does not act on the restored ATQ while the VF is stopped;
	 * the messages are staged, not queued, for the same reason.
	 */
	st->active = !!(cfg->flags & VFMIG_AGENT_CFG_ACTIVE);
	st->virtchnl_major = cfg->virtchnl_major;
	st->virtchnl_minor = cfg->virtchnl_minor;
	st->vf_caps = cfg->vf_caps;
	if (rt->present & VFMIG_RT_STATS)
		st->stats = rt->stats;
	st->txq_enabled = runtime_enabled(rt, false);
	st->rxq_enabled = runtime_enabled(rt, true);
	ret = a->ops->vf_state_set(a->hw, vf, st);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: the PF host refused the configuration (%d)",
			      vf, ret);
	if (!v->mbx_held) {
		ret = a->ops->mbx_hold(a->hw, vf, true);
		if (ret)
			return REJECT(ret, reason, rlen,
				      "VF %u: the PF host could not hold the mailbox (%d); configuration applied",
				      vf, ret);
		v->mbx_held = true;
	}
	ret = agent_write_queues_locked(a, vf, &lim, rt, reason, rlen);
	if (ret)
		return ret;
	ret = agent_write_regs_locked(a, vf, rt, reason, rlen);
	if (ret)
		return ret;
	vfmig_dev_image_free(v->staged);
	v->staged = NULL;
	ret = agent_stage_msgs_locked(a, v, img);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot keep the mailbox messages (%d)", vf, ret);
	v->txq_off = st->txq_enabled;
	v->rxq_off = st->rxq_enabled;
	v->queues_stopped = true;
	return 0;
}

int vfmig_agent_restore(struct vfmig_agent *a, u16 vf, u32 cfg_mask,
			const struct vfmig_agent_config *cfg,
			const struct vfmig_dev_image *img,
			char *reason, size_t reason_len)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_restore_locked(a, vf, cfg_mask, cfg, img, reason, reason_len);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Resume ---------------------------------------------------------------- */

static int agent_resume_locked(struct vfmig_agent *a, u16 vf, u32 flags,
			       u32 timeout_us, char *reason, size_t rlen)
{
	struct vfmig_agent_vf *v;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	if (vf >= a->num_vfs)
		return REJECT(-EINVAL, reason, rlen, "VF %u out of range", vf);
	v = &a->vfs[vf];

	if (flags & VFMIG_AGENT_RESUME_QUEUES && v->queues_stopped) {
		/* TX first: the guest's pending frames go out before new ones land. */
		for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
			if (!(v->txq_off & BIT(q)))
				continue;
			ret = a->ops->queue_enable(a->hw, vf, q, false, true, timeout_us);
			if (ret)
				return REJECT(ret, reason, rlen,
					      "VF %u: TX queue %u did not start within %u us (%d)",
					      vf, q, timeout_us, ret);
			v->txq_off &= ~BIT(q);
		}
		for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
			if (!(v->rxq_off & BIT(q)))
				continue;
			ret = a->ops->queue_enable(a->hw, vf, q, true, true, timeout_us);
			if (ret)
				return REJECT(ret, reason, rlen,
					      "VF %u: RX queue %u did not start within %u us (%d)",
					      vf, q, timeout_us, ret);
			v->rxq_off &= ~BIT(q);
		}
		v->queues_stopped = false;
	}

	if (flags & VFMIG_AGENT_RESUME_MBX) {
		if (v->staged && v->staged->runtime.num_mbx_msgs) {
			ret = a->ops->mbx_pending_put(a->hw, vf, v->staged);
			if (ret)
				return REJECT(ret, reason, rlen,
					      "VF %u: the PF host did not take back %u mailbox messages (%d)",
					      vf, v->staged->runtime.num_mbx_msgs, ret);
		}
		vfmig_dev_image_free(v->staged);
		v->staged = NULL;
		if (v->mbx_held) {
			ret = a->ops->mbx_hold(a->hw, vf, false);
			if (ret)
				return REJECT(ret, reason, rlen,
					      "VF %u: the PF host could not release the mailbox (%d)",
					      vf, ret);
			v->mbx_held = false;
		}
	}
	return 0;
}

int vfmig_agent_resume(struct vfmig_agent *a, u16 vf, u32 flags,
		       u32 timeout_us, char *reason, size_t reason_len)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_resume_locked(a, vf, flags,
				  timeout_us ?: VFMIG_AGENT_DEFAULT_TIMEOUT_US,
				  reason, reason_len);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Geometry, reset ------------------------------------------------------ */

static int agent_geometry_locked(struct vfmig_agent *a, u16 vf,
				 struct vfmig_agent_geometry *geo,
				 char *reason, size_t rlen)
{
	struct vfmig_mbx_regs *m = &geo->mbx;
	struct vfmig_pf_vf_limits lim;
	struct vfmig_hmc_txq tctx;
	struct vfmig_hmc_rxq rctx;
	bool on;
	u16 q;
	int ret;

	lockdep_assert_held(&a->lock);
	ret = agent_limits_locked(a, vf, &lim, reason, rlen);
	if (ret)
		return ret;
	memset(geo, 0, sizeof(*geo));
	geo->num_queue_pairs = lim.num_queue_pairs;
	for (q = 0; q < lim.num_queue_pairs; q++) {
		struct vfmig_agent_geo_txq *t = &geo->txq[q];
		struct vfmig_agent_geo_rxq *r = &geo->rxq[q];

		ret = a->ops->txq_ctx_read(a->hw, vf, q, &tctx);
		if (!ret)
			ret = a->ops->queue_enabled(a->hw, vf, q, false, &on);
		if (ret)
			goto err_hw;
		if (tctx.qlen && tctx.base) {
			t->ring_base = tctx.base * VFMIG_HMC_BASE_UNIT;
			t->ring_len = tctx.qlen;
			t->head = tctx.head;
			t->flags = VFMIG_AGENT_GEO_CONFIGURED;
			if (tctx.head_wb_ena) {
				t->flags |= VFMIG_AGENT_GEO_HEAD_WB;
				t->head_wb_addr = tctx.head_wb_addr;
			}
		}
		t->flags |= on ? VFMIG_AGENT_GEO_ENABLED : 0;

		ret = a->ops->rxq_ctx_read(a->hw, vf, q, &rctx);
		if (!ret)
			ret = a->ops->queue_enabled(a->hw, vf, q, true, &on);
		if (ret)
			goto err_hw;
		if (rctx.qlen && rctx.base) {
			r->ring_base = rctx.base * VFMIG_HMC_BASE_UNIT;
			r->ring_len = rctx.qlen;
			r->head = rctx.head;
			r->desc_size = rctx.dsize ? VFMIG_RX_DESC_SIZE :
						    VFMIG_RX_DESC16_SIZE;
			r->data_buf_size = (u32)rctx.dbuff << VFMIG_HMC_RXQ_DBUFF_SHIFT;
			r->flags = VFMIG_AGENT_GEO_CONFIGURED;
			if (rctx.dtype != VFMIG_RX_DTYPE_NO_SPLIT) {
				r->hdr_buf_size = (u32)rctx.hbuff << VFMIG_HMC_RXQ_HBUFF_SHIFT;
				r->flags |= VFMIG_AGENT_GEO_SPLIT;
			}
		}
		r->flags |= on ? VFMIG_AGENT_GEO_ENABLED : 0;
	}
	ret = agent_reg(a, vf, VFMIG_VF_ATQBAL1, &m->atq.bal);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ATQBAH1, &m->atq.bah);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ATQLEN1, &m->atq.len);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ATQH1, &m->atq.head);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ATQT1, &m->atq.tail);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ARQBAL1, &m->arq.bal);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ARQBAH1, &m->arq.bah);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ARQLEN1, &m->arq.len);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ARQH1, &m->arq.head);
	ret = ret ?: agent_reg(a, vf, VFMIG_VF_ARQT1, &m->arq.tail);
	if (ret)
		return REJECT(ret, reason, rlen,
			      "VF %u: cannot read the mailbox registers (%d)", vf, ret);
	return 0;

err_hw:
	return REJECT(ret, reason, rlen,
		      "VF %u: cannot read queue %u context (%d)", vf, q, ret);
}

int vfmig_agent_geometry(struct vfmig_agent *a, u16 vf,
			 struct vfmig_agent_geometry *geo)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_geometry_locked(a, vf, geo, NULL, 0);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

static int agent_reset_locked(struct vfmig_agent *a, u16 vf, u32 flags)
{
	struct vfmig_agent_vf *v;
	int ret = 0;

	lockdep_assert_held(&a->lock);
	if (vf >= a->num_vfs)
		return -EINVAL;
	v = &a->vfs[vf];
	vfmig_dev_image_free(v->staged);
	v->staged = NULL;
	v->queues_stopped = false;
	v->txq_off = 0;
	v->rxq_off = 0;
	if (v->mbx_held && !(flags & VFMIG_AGENT_RESET_KEEP_HOLD)) {
		ret = a->ops->mbx_hold(a->hw, vf, false);
		v->mbx_held = false;
	}
	return ret;
}

int vfmig_agent_reset(struct vfmig_agent *a, u16 vf, u32 flags)
{
	int ret;

	vfmig_mutex_lock(&a->lock);
	ret = agent_reset_locked(a, vf, flags);
	vfmig_mutex_unlock(&a->lock);
	return ret;
}

/* ---- Message handler -------------------------------------------------- */

/* Fill in the response header; an error carries @reason as its payload. */
static int agent_respond(const struct vfmig_agent_hdr *req, void *resp,
			 u32 len, int retval, const char *reason)
{
	struct vfmig_agent_hdr *h = resp;
	char *p = (char *)resp + VFMIG_AGENT_HDR_LEN;
	int n;

	h->opcode = req->opcode;
	h->vf = req->vf;
	h->flags = VFMIG_AGENT_F_RESPONSE;
	h->retval = retval;
	if (retval) {
		n = snprintf(p, VFMIG_AGENT_REASON_LEN, "%s",
			     reason && reason[0] ? reason : "agent request failed");
		len = (u32)min_t(int, n, VFMIG_AGENT_REASON_LEN - 1) + 1;
	}
	h->len = len;
	return VFMIG_AGENT_HDR_LEN + len;
}

int vfmig_agent_handle(struct vfmig_agent *a, const void *req, size_t req_len,
		       void *resp, size_t resp_cap)
{
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_dev_image *img = NULL;
	u8 *out = (u8 *)resp + VFMIG_AGENT_HDR_LEN;
	size_t room;
	struct vfmig_agent_hdr h = { 0 };
	const u8 *in;
	u32 len = 0;
	long n;
	int ret;

	if (!resp || ((unsigned long)resp & 7) ||
	    resp_cap < VFMIG_AGENT_HDR_LEN + VFMIG_AGENT_REASON_LEN)
		return -ENOSPC;
	room = resp_cap - VFMIG_AGENT_HDR_LEN;
	if (req && req_len >= VFMIG_AGENT_HDR_LEN)
		memcpy(&h, req, sizeof(h));
	ret = vfmig_agent_msg_validate(req, req_len, a->num_vfs, false,
				       reason, sizeof(reason));
	if (ret)
		return agent_respond(&h, resp, 0, ret, reason);
	in = (const u8 *)req + VFMIG_AGENT_HDR_LEN;

	switch (h.opcode) {
	case VFMIG_AGENT_OP_LIMITS:
		len = sizeof(struct vfmig_pf_vf_limits);
		vfmig_mutex_lock(&a->lock);
		ret = agent_limits_locked(a, h.vf, (void *)out, reason, sizeof(reason));
		vfmig_mutex_unlock(&a->lock);
		break;
	case VFMIG_AGENT_OP_QUIESCE: {
		const struct vfmig_agent_quiesce_req *q = (const void *)in;

		ret = vfmig_agent_quiesce(a, h.vf, q->timeout_us, reason, sizeof(reason));
		break;
	}
	case VFMIG_AGENT_OP_SNAPSHOT_CONFIG:
		len = sizeof(struct vfmig_agent_config);
		if (room < len) {
			ret = -ENOSPC;
			break;
		}
		vfmig_mutex_lock(&a->lock);
		ret = agent_snapshot_config_locked(a, h.vf, (void *)out,
						   reason, sizeof(reason));
		vfmig_mutex_unlock(&a->lock);
		break;
	case VFMIG_AGENT_OP_SNAPSHOT_RUNTIME: {
		const struct vfmig_agent_snapshot_req *s = (const void *)in;

		img = vfmig_dev_image_alloc();
		if (IS_ERR(img)) {
			ret = PTR_ERR(img);
			img = NULL;
			break;
		}
		ret = vfmig_agent_snapshot_runtime(a, h.vf, s->flags, img,
						   reason, sizeof(reason));
		if (ret)
			break;
		n = vfmig_agent_runtime_encode(&img->runtime, out, room);
		if (n < 0)
			ret = (int)n;
		else
			len = (u32)n;
		break;
	}
	case VFMIG_AGENT_OP_PRE_APPLY:
		ret = vfmig_agent_pre_apply(a, h.vf, (const void *)in,
					    reason, sizeof(reason));
		break;
	case VFMIG_AGENT_OP_RESTORE: {
		const struct vfmig_agent_restore *r = (const void *)in;

		img = vfmig_dev_image_alloc();
		if (IS_ERR(img)) {
			ret = PTR_ERR(img);
			img = NULL;
			break;
		}
		ret = vfmig_agent_runtime_decode(&r->rt, h.len -
						 offsetof(struct vfmig_agent_restore, rt),
						 img);
		if (ret)
			break;
		ret = vfmig_agent_restore(a, h.vf, r->cfg_mask, &r->cfg, img,
					  reason, sizeof(reason));
		break;
	}
	case VFMIG_AGENT_OP_RESUME: {
		const struct vfmig_agent_resume_req *r = (const void *)in;

		ret = vfmig_agent_resume(a, h.vf, r->flags, r->timeout_us,
					 reason, sizeof(reason));
		break;
	}
	case VFMIG_AGENT_OP_GEOMETRY:
		len = sizeof(struct vfmig_agent_geometry);
		if (room < len) {
			ret = -ENOSPC;
			break;
		}
		vfmig_mutex_lock(&a->lock);
		ret = agent_geometry_locked(a, h.vf, (void *)out, reason, sizeof(reason));
		vfmig_mutex_unlock(&a->lock);
		break;
	case VFMIG_AGENT_OP_RESET: {
		const struct vfmig_agent_reset_req *r = (const void *)in;

		ret = vfmig_agent_reset(a, h.vf, r->flags);
		break;
	}
	default:
		ret = -EOPNOTSUPP;	/* the validator let an opcode through */
		break;
	}
	vfmig_dev_image_free(img);
	if (ret == -ENOSPC && !reason[0])
		snprintf(reason, sizeof(reason),
			 "%s: response buffer of %zu bytes too small",
			 vfmig_agent_op_name(h.opcode), resp_cap);
	if (ret)
		return agent_respond(&h, resp, 0, ret, reason);
	return agent_respond(&h, resp, len, 0, NULL);
}

static int agent_local_call(void *ctx, const void *req, size_t req_len,
			    void *resp, size_t resp_cap)
{
	return vfmig_agent_handle(ctx, req, req_len, resp, resp_cap);
}

void vfmig_agent_local_transport(struct vfmig_agent *a,
				 struct vfmig_agent_transport *t)
{
	t->call = agent_local_call;
	t->ctx = a;
}
