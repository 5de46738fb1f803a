// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the PF object, its lock, virtual time and the poll loop, DMA
 * through the embedder's translation, and the public entry points that are
 * not a specific engine's.
 */
#include <vfmig/model_internal.h>

void vfmig_model_cfg_default(struct vfmig_model_cfg *cfg)
{
	static const u8 mac[6] = { 0x00, 0x1b, 0x21, 0x0a, 0x71, 0x00 };

	memset(cfg, 0, sizeof(*cfg));
	cfg->num_vfs = 4;
	cfg->queues_per_vf = 4;
	cfg->msix_per_vf = 5;
	cfg->vf_device_id = 0x154c;
	memcpy(cfg->port_mac, mac, sizeof(mac));
	cfg->qena_latency_ns = 10000;
	cfg->mbx_latency_ns = 20000;
	cfg->link_speed_mbps = 40000;
	cfg->fw_api_major = 1;
	cfg->fw_api_minor = 10;
	cfg->vf_reset_ns = 100000;
	cfg->vf_rebuild_ns = 100000;
	cfg->vf_trusted = false;
	cfg->vf_macs = true;
	cfg->max_ring_desc = VFMIG_HW_RING_MAX;
}

static int cfg_check(const struct vfmig_model_cfg *cfg)
{
	if (!cfg->num_vfs || cfg->num_vfs > VFMIG_PF_MAX_VFS) {
		vfmig_err("model: num_vfs %u not in 1..%u", cfg->num_vfs,
			  VFMIG_PF_MAX_VFS);
		return -EINVAL;
	}
	if (!cfg->queues_per_vf || cfg->queues_per_vf > VFMIG_VF_MAX_QP) {
		vfmig_err("model: queues_per_vf %u not in 1..%u",
			  cfg->queues_per_vf, VFMIG_VF_MAX_QP);
		return -EINVAL;
	}
	if (cfg->msix_per_vf < 2 || cfg->msix_per_vf > VFMIG_VF_MAX_MSIX) {
		vfmig_err("model: msix_per_vf %u not in 2..%u",
			  cfg->msix_per_vf, VFMIG_VF_MAX_MSIX);
		return -EINVAL;
	}
	if (cfg->vf_device_id != 0x154c && cfg->vf_device_id != 0x1889) {
		vfmig_err("model: vf_device_id 0x%04x is neither 0x154c nor 0x1889",
			  cfg->vf_device_id);
		return -EINVAL;
	}
	if (cfg->port_mac[0] & 1) {
		vfmig_err("model: port MAC is multicast");
		return -EINVAL;
	}
	if (cfg->max_ring_desc < 64 || cfg->max_ring_desc > VFMIG_HW_RING_MAX ||
	    cfg->max_ring_desc % VFMIG_VF_RING_MULTIPLE) {
		vfmig_err("model: max_ring_desc %u not a multiple of %u in 64..%u",
			  cfg->max_ring_desc, VFMIG_VF_RING_MULTIPLE,
			  VFMIG_HW_RING_MAX);
		return -EINVAL;
	}
	return 0;
}

static void vf_default_mac(const struct vfmig_model_cfg *cfg, u16 vf, u8 *mac)
{
	memcpy(mac, cfg->port_mac, VFMIG_ETH_ALEN);
	mac[0] |= 0x02;		/* locally administered */
	mac[4] = (u8)(mac[4] + ((vf + 1) >> 8));
	mac[5] = (u8)(mac[5] + vf + 1);
}

struct vfmig_model_pf *vfmig_model_pf_new(const struct vfmig_model_cfg *cfg)
{
	struct vfmig_model_pf *pf;
	u32 nq;
	u16 i;
	int ret;

	ret = cfg_check(cfg);
	if (ret)
		return ERR_PTR(ret);
	pf = vfmig_zalloc(sizeof(*pf));
	if (!pf)
		return ERR_PTR(-ENOMEM);
	pf->cfg = *cfg;
	pf->link_up = true;
	pf->link_speed = cfg->link_speed_mbps;
	nq = (u32)cfg->num_vfs * VFMIG_VF_MAX_QP;

	pf->vf = vfmig_zalloc(sizeof(*pf->vf) * cfg->num_vfs);
	if (!pf->vf)
		goto err_free_pf;
	pf->txq = vfmig_zalloc(sizeof(*pf->txq) * nq);
	if (!pf->txq)
		goto err_free_vf;
	pf->rxq = vfmig_zalloc(sizeof(*pf->rxq) * nq);
	if (!pf->rxq)
		goto err_free_txq;
	pf->chain = vfmig_zalloc(sizeof(*pf->chain));
	if (!pf->chain)
		goto err_free_rxq;
	pf->txbuf = vfmig_alloc(VFMIG_MDL_FRAME_BUF);
	if (!pf->txbuf)
		goto err_free_chain;
	pf->rxbuf = vfmig_alloc(VFMIG_MDL_FRAME_BUF);
	if (!pf->rxbuf)
		goto err_free_txbuf;
	pf->msg = vfmig_zalloc(VFMIG_AQ_MAX_BUF_SIZE + 8);
	if (!pf->msg)
		goto err_free_rxbuf;
	pf->reply = vfmig_zalloc(VFMIG_AQ_MAX_BUF_SIZE);
	if (!pf->reply)
		goto err_free_msg;
	if (vfmig_mdl_fifo_init(&pf->port_txq, VFMIG_MDL_PORT_TXQ_BYTES))
		goto err_free_reply;
	vfmig_mutex_init(&pf->lock);

	vfmig_mutex_lock(&pf->lock);
	for (i = 0; i < cfg->num_vfs; i++) {
		struct vfmig_mdl_vf *vf = &pf->vf[i];

		vf->pf = pf;
		vf->id = i;
		if (cfg->vf_trusted)
			vf->host.flags |= VFMIG_VF_TRUSTED;
		vf->host.flags |= VFMIG_VF_SPOOFCHK;	/* i40e default */
		if (cfg->vf_macs) {
			vf_default_mac(cfg, i, vf->host.mac);
			vf->host.pf_set_mac = true;
		}
		vfmig_mdl_bar0_reset(vf);
		vfmig_mdl_queues_reset(vf);
		/* i40e_alloc_vfs -> i40e_reset_all_vfs: VFs start VFACTIVE */
		vfmig_mdl_host_vf_init(vf);
		vf->rstat = VFMIG_VFR_VFACTIVE;
		vf->vfrd = true;
	}
	vfmig_mutex_unlock(&pf->lock);
	return pf;

err_free_reply:
	vfmig_free(pf->reply);
err_free_msg:
	vfmig_free(pf->msg);
err_free_rxbuf:
	vfmig_free(pf->rxbuf);
err_free_txbuf:
	vfmig_free(pf->txbuf);
err_free_chain:
	vfmig_free(pf->chain);
err_free_rxq:
	vfmig_free(pf->rxq);
err_free_txq:
	vfmig_free(pf->txq);
err_free_vf:
	vfmig_free(pf->vf);
err_free_pf:
	vfmig_free(pf);
	return ERR_PTR(-ENOMEM);
}

void vfmig_model_pf_free(struct vfmig_model_pf *pf)
{
	u16 i;

	if (IS_ERR_OR_NULL(pf))
		return;
	vfmig_mutex_lock(&pf->lock);
	for (i = 0; i < pf->cfg.num_vfs; i++)
		vfmig_mdl_mbx_flush_pending(&pf->vf[i]);
	vfmig_mutex_unlock(&pf->lock);
	vfmig_mutex_destroy(&pf->lock);
	vfmig_mdl_fifo_free(&pf->port_txq);
	vfmig_free(pf->reply);
	vfmig_free(pf->msg);
	vfmig_free(pf->rxbuf);
	vfmig_free(pf->txbuf);
	vfmig_free(pf->chain);
	vfmig_free(pf->rxq);
	vfmig_free(pf->txq);
	vfmig_free(pf->vf);
	vfmig_free(pf);
}

/* ---- lookups --------------------------------------------------------------- */

struct vfmig_mdl_vf *vfmig_mdl_vf(struct vfmig_model_pf *pf, u16 vf)
{
	if (!pf || vf >= pf->cfg.num_vfs)
		return NULL;
	return &pf->vf[vf];
}

u32 vfmig_mdl_abs_queue(const struct vfmig_mdl_vf *vf, u16 q)
{
	return (u32)vf->id * VFMIG_VF_MAX_QP + q;
}

struct vfmig_mdl_txq *vfmig_mdl_txq(struct vfmig_mdl_vf *vf, u16 q)
{
	if (q >= VFMIG_VF_MAX_QP)
		return NULL;
	return &vf->pf->txq[vfmig_mdl_abs_queue(vf, q)];
}

struct vfmig_mdl_rxq *vfmig_mdl_rxq(struct vfmig_mdl_vf *vf, u16 q)
{
	if (q >= VFMIG_VF_MAX_QP)
		return NULL;
	return &vf->pf->rxq[vfmig_mdl_abs_queue(vf, q)];
}

/* ---- DMA ------------------------------------------------------------------- */

/*
 * Whether [iova, iova + len) may be touched: not wrapping, and outside the
 * test's fault window. The embedder's translation decides the rest.
 */
static bool dma_allowed(const struct vfmig_mdl_vf *vf, u64 iova, u32 len)
{
	const struct vfmig_model_faults *f = &vf->faults;
	u64 end;

	if (!len)
		return true;
	if (check_add_overflow(iova, (u64)len, &end))
		return false;
	if (f->dma_fault_len && iova < f->dma_fault_iova + f->dma_fault_len &&
	    f->dma_fault_iova < end)
		return false;
	return true;
}

int vfmig_mdl_dma_read(struct vfmig_mdl_vf *vf, u64 iova, void *buf, u32 len)
{
	if (!len)
		return 0;
	if (!vf->attached || !vf->ops.dma_read || !dma_allowed(vf, iova, len) ||
	    vf->ops.dma_read(vf->ops.ctx, iova, buf, len)) {
		vf->stats.dma_faults++;
		vfmig_trace("model_dma_fault", iova, len);
		return -EFAULT;
	}
	return 0;
}

int vfmig_mdl_dma_write(struct vfmig_mdl_vf *vf, u64 iova, const void *buf,
			u32 len, enum vfmig_model_engine engine)
{
	if (!len)
		return 0;
	if (!vf->attached || !vf->ops.dma_write || !dma_allowed(vf, iova, len) ||
	    vf->ops.dma_write(vf->ops.ctx, iova, buf, len)) {
		vf->stats.dma_faults++;
		vfmig_trace("model_dma_fault", iova, len);
		return -EFAULT;
	}
	if (vf->ops.dma_record)
		vf->ops.dma_record(vf->ops.ctx, iova, len, engine);
	return 0;
}

/* ---- attach / detach ------------------------------------------------------- */

int vfmig_model_vf_attach(struct vfmig_model_pf *pf, u16 vf,
			  const struct vfmig_model_vf_ops *ops)
{
	struct vfmig_mdl_vf *v;

	if (!ops || !ops->dma_read || !ops->dma_write)
		return -EINVAL;
	v = vfmig_mdl_vf(pf, vf);
	if (!v)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	v->ops = *ops;
	v->attached = true;
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

void vfmig_model_vf_detach(struct vfmig_model_pf *pf, u16 vf)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v)
		return;
	vfmig_mutex_lock(&pf->lock);
	memset(&v->ops, 0, sizeof(v->ops));
	v->attached = false;
	vfmig_mutex_unlock(&pf->lock);
}

/* ---- BAR0 ------------------------------------------------------------------ */

u32 vfmig_model_vf_read32(struct vfmig_model_pf *pf, u16 vf, u32 off)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);
	bool known;
	u32 val;

	if (!v)
		return 0;
	vfmig_mutex_lock(&pf->lock);
	val = vfmig_mdl_bar0_read(v, off, true, &known);
	if (!known)
		v->stats.bar0_unknown_reads++;
	vfmig_mutex_unlock(&pf->lock);
	return val;
}

void vfmig_model_vf_write32(struct vfmig_model_pf *pf, u16 vf, u32 off,
			    u32 val)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);
	bool known;

	if (!v)
		return;
	vfmig_mutex_lock(&pf->lock);
	vfmig_mdl_bar0_write(v, off, val, true, &known);
	if (!known)
		v->stats.bar0_unknown_writes++;
	vfmig_mutex_unlock(&pf->lock);
}

/* ---- time and the poll loop ------------------------------------------------ */

static void vf_poll(struct vfmig_mdl_vf *vf, u32 budget)
{
	struct vfmig_model_pf *pf = vf->pf;
	u16 q;

	if (vf->faults.reset_at_ns && pf->now >= vf->faults.reset_at_ns) {
		/* one shot: the knob fires once, like a real VFLR would */
		vf->faults.reset_at_ns = 0;
		vfmig_mdl_reset_start(vf, true);
		pf->work++;
	}
	vfmig_mdl_reset_step(vf);
	if (vfmig_mdl_in_reset(vf))
		return;
	vfmig_mdl_qena_step(vf);
	vfmig_mdl_host_step(vf);
	vfmig_mdl_mbx_step(vf, budget);
	for (q = 0; q < VFMIG_VF_MAX_QP; q++)
		vfmig_mdl_tx_step(vf, q, budget);
	vfmig_mdl_irq_step(vf);
}

int vfmig_mdl_poll_locked(struct vfmig_model_pf *pf, u64 now_ns, u32 budget)
{
	u16 i;

	lockdep_assert_held(&pf->lock);
	if (now_ns > pf->now)
		pf->now = now_ns;
	if (!budget)
		budget = VFMIG_MDL_DEFAULT_BUDGET;
	pf->work = 0;
	for (i = 0; i < pf->cfg.num_vfs; i++)
		vf_poll(&pf->vf[i], budget);
	return (int)min_t(u32, pf->work, S32_MAX);
}

int vfmig_model_poll(struct vfmig_model_pf *pf, u64 now_ns, u32 budget)
{
	int ret;

	vfmig_mutex_lock(&pf->lock);
	ret = vfmig_mdl_poll_locked(pf, now_ns, budget);
	vfmig_mutex_unlock(&pf->lock);
	return ret;
}

u64 vfmig_mdl_next_event_locked(struct vfmig_model_pf *pf)
{
	u64 next = U64_MAX, t;
	u16 i;

	lockdep_assert_held(&pf->lock);
	for (i = 0; i < pf->cfg.num_vfs; i++) {
		struct vfmig_mdl_vf *vf = &pf->vf[i];

		if (vf->faults.reset_at_ns && vf->faults.reset_at_ns < next)
			next = vf->faults.reset_at_ns;
		if (vf->reset_phase != VFMIG_MDL_RESET_NONE) {
			if (vf->reset_deadline < next)
				next = vf->reset_deadline;
			continue;
		}
		t = vfmig_mdl_qena_next_event(vf);
		if (t < next)
			next = t;
		t = vfmig_mdl_mbx_next_event(vf);
		if (t < next)
			next = t;
		t = vfmig_mdl_irq_next_event(vf);
		if (t < next)
			next = t;
		if (vf->host.wait.v_opcode && vf->host.wait.deadline < next)
			next = vf->host.wait.deadline;
	}
	return next;
}

u64 vfmig_model_now(struct vfmig_model_pf *pf)
{
	u64 now;

	vfmig_mutex_lock(&pf->lock);
	now = pf->now;
	vfmig_mutex_unlock(&pf->lock);
	return now;
}

u64 vfmig_model_next_event_ns(struct vfmig_model_pf *pf)
{
	u64 t;

	vfmig_mutex_lock(&pf->lock);
	t = vfmig_mdl_next_event_locked(pf);
	vfmig_mutex_unlock(&pf->lock);
	return t;
}

/*
 * What a PF driver's bounded wait is in a model that only moves when called:
 * run the whole model forward, event by event, until @done or @deadline.
 * Every step is a full poll, so other VFs and engines keep going as they
 * would while a real PF driver sleeps. Returns whether @done was reached.
 */
bool vfmig_mdl_run_until_locked(struct vfmig_model_pf *pf, u64 deadline,
				bool (*done)(struct vfmig_mdl_vf *vf, void *arg),
				struct vfmig_mdl_vf *vf, void *arg)
{
	u32 guard = 0;
	u64 next;

	lockdep_assert_held(&pf->lock);
	vfmig_mdl_poll_locked(pf, pf->now, 0);
	while (!done(vf, arg)) {
		if (pf->now >= deadline)
			return false;
		next = vfmig_mdl_next_event_locked(pf);
		/* nothing scheduled, or work pending now: step at least 1 us */
		if (next <= pf->now)
			next = pf->now + 1000;
		if (next > deadline)
			next = deadline;
		vfmig_mdl_poll_locked(pf, next, 0);
		/* bounded even if a hostile guest keeps the model busy */
		if (++guard > 100000)
			return done(vf, arg);
	}
	return true;
}

/* ---- port ------------------------------------------------------------------ */

int vfmig_model_port_rx(struct vfmig_model_pf *pf, const u8 *frame, u32 len)
{
	if (!frame && len)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	pf->port_stats.rx_frames++;
	pf->port_stats.rx_bytes += len;
	if (len < VFMIG_ETH_HLEN || len > VFMIG_MAX_FRAME + VFMIG_VLAN_HLEN) {
		pf->port_stats.rx_errors++;
		vfmig_mutex_unlock(&pf->lock);
		return -EINVAL;
	}
	vfmig_mdl_switch_from_port(pf, frame, len);
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_port_tx_pull(struct vfmig_model_pf *pf, u8 *buf, u32 len)
{
	int ret;

	vfmig_mutex_lock(&pf->lock);
	ret = vfmig_mdl_fifo_pull(&pf->port_txq, buf, len);
	vfmig_mutex_unlock(&pf->lock);
	return ret;
}

int vfmig_model_port_stats(struct vfmig_model_pf *pf,
			   struct vfmig_model_port_stats *st)
{
	if (!pf || !st)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	*st = pf->port_stats;
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

/* ---- resets, link, admin knobs -------------------------------------------- */

void vfmig_model_vflr(struct vfmig_model_pf *pf, u16 vf)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v)
		return;
	vfmig_mutex_lock(&pf->lock);
	vfmig_mdl_reset_start(v, true);
	vfmig_mutex_unlock(&pf->lock);
}

void vfmig_model_set_link(struct vfmig_model_pf *pf, bool up, u32 speed_mbps)
{
	u16 i;

	vfmig_mutex_lock(&pf->lock);
	pf->link_up = up;
	pf->link_speed = speed_mbps;
	for (i = 0; i < pf->cfg.num_vfs; i++)
		vfmig_mdl_host_notify_link(&pf->vf[i]);
	vfmig_mutex_unlock(&pf->lock);
}

int vfmig_model_vf_set_mac(struct vfmig_model_pf *pf, u16 vf, const u8 mac[6])
{
	static const u8 zero[VFMIG_ETH_ALEN];
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v || !mac || (mac[0] & 1))
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	memcpy(v->host.mac, mac, VFMIG_ETH_ALEN);
	v->host.pf_set_mac = memcmp(mac, zero, VFMIG_ETH_ALEN) != 0;
	/* i40e_ndo_set_vf_mac -> i40e_vc_disable_vf: warn, then reset */
	vfmig_mdl_host_notify_reset(v);
	vfmig_mdl_reset_start(v, false);
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_vf_get_mac(struct vfmig_model_pf *pf, u16 vf, u8 mac[6])
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v || !mac)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	memcpy(mac, v->host.mac, VFMIG_ETH_ALEN);
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_vf_set_trust(struct vfmig_model_pf *pf, u16 vf, bool trusted)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	if (trusted != vfmig_mdl_host_trusted(&v->host)) {
		if (trusted)
			v->host.flags |= VFMIG_VF_TRUSTED;
		else
			v->host.flags &= ~VFMIG_VF_TRUSTED;
		/* i40e_ndo_set_vf_trust: the VF is reset to pick it up */
		vfmig_mdl_host_notify_reset(v);
		vfmig_mdl_reset_start(v, false);
	}
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_vf_set_spoofchk(struct vfmig_model_pf *pf, u16 vf, bool on)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	if (on)
		v->host.flags |= VFMIG_VF_SPOOFCHK;
	else
		v->host.flags &= ~VFMIG_VF_SPOOFCHK;
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_vf_set_port_vlan(struct vfmig_model_pf *pf, u16 vf, u16 tci)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v || (tci & BIT(12)))
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	if (v->host.port_vlan != tci) {
		v->host.port_vlan = tci;
		vfmig_mdl_host_notify_reset(v);
		vfmig_mdl_reset_start(v, false);
	}
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

/* ---- stats and faults ------------------------------------------------------ */

int vfmig_model_vf_stats(struct vfmig_model_pf *pf, u16 vf,
			 struct vfmig_model_vf_stats *st)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);

	if (!v || !st)
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	*st = v->stats;
	st->mbx_pending = v->pend_count;
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}

int vfmig_model_vf_set_faults(struct vfmig_model_pf *pf, u16 vf,
			      const struct vfmig_model_faults *faults)
{
	struct vfmig_mdl_vf *v = vfmig_mdl_vf(pf, vf);
	u64 end;

	if (!v || !faults)
		return -EINVAL;
	if (faults->dma_fault_len &&
	    check_add_overflow(faults->dma_fault_iova, faults->dma_fault_len,
			       &end))
		return -EINVAL;
	vfmig_mutex_lock(&pf->lock);
	v->faults = *faults;
	vfmig_mutex_unlock(&pf->lock);
	return 0;
}
