// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest AVF driver: block layout, the bring-up state machine, reset
 * detection and recovery, interrupts and the embedder API.
 *
 * The state machine follows iavf (iavf_main.c): wait for VFGEN_RSTAT to say
 * the VF is out of reset, program the mailbox, VERSION, GET_VF_RESOURCES,
 * then configure queues, IRQ map, MAC filter, RSS, promiscuous mode and
 * enable the queues, one virtchnl request outstanding at a time. A reset is
 * noticed the way iavf's watchdog notices it (ARQLEN lost its ENABLE bit, or
 * VFGEN_RSTAT left VFACTIVE) and recovered from by starting over while the
 * counters stay. Nothing here waits: each call advances as far as the device
 * lets it and returns.
 */
#include <vfmig/guest_internal.h>
#include <vfmig/virtchnl.h>

static bool vg_cfg_valid(const struct vfmig_guest_cfg *cfg)
{
	if (cfg->num_queue_pairs < 1 || cfg->num_queue_pairs > VFMIG_VF_MAX_QP)
		return false;
	if (cfg->ring_len < VFMIG_VF_RING_MIN ||
	    cfg->ring_len > VFMIG_VF_RING_MAX ||
	    cfg->ring_len % VFMIG_VF_RING_MULTIPLE)
		return false;
	if (cfg->rx_buf_size < 1024 || cfg->rx_buf_size > VFMIG_RXQ_DBUFF_MAX ||
	    cfg->rx_buf_size % (1u << VFMIG_HMC_RXQ_DBUFF_SHIFT))
		return false;
	if (cfg->max_tx_bufs < 1 || cfg->max_tx_bufs > VFMIG_TX_MAX_BUFFER_TXD)
		return false;
	return true;
}

/* The block: state page, mailbox rings and buffers, then per queue pair. */
void vg_layout(const struct vfmig_guest_cfg *cfg, u64 gpa, struct vg_layout *lay)
{
	u64 off = gpa;
	u64 rl = cfg->ring_len;
	u16 q;

	memset(lay, 0, sizeof(*lay));
	lay->priv = off;
	off += ALIGN((u64)sizeof(struct vfmig_guest_priv), (u64)VG_PAGE);
	lay->atq_ring = off;
	off += VG_PAGE;
	lay->arq_ring = off;
	off += VG_PAGE;
	lay->atq_bufs = off;
	off += (u64)VG_AQ_LEN * VG_AQ_BUF;
	lay->arq_bufs = off;
	off += (u64)VG_AQ_LEN * VG_AQ_BUF;
	for (q = 0; q < cfg->num_queue_pairs; q++) {
		lay->tx_ring[q] = off;
		/* the head write-back word sits right after the descriptors */
		off += ALIGN(rl * VFMIG_TX_DESC_SIZE + 8, (u64)VG_PAGE);
		lay->tx_info[q] = off;
		off += ALIGN(rl * sizeof(struct vg_tx_info), (u64)VG_PAGE);
		lay->rx_ring[q] = off;
		off += ALIGN(rl * VFMIG_RX_DESC_SIZE, (u64)VG_PAGE);
		lay->tx_bufs[q] = off;
		off += rl * VG_TX_BUF;
		lay->rx_bufs[q] = off;
		off += ALIGN(rl * cfg->rx_buf_size, (u64)VG_PAGE);
	}
	lay->end = off;
}

u64 vfmig_guest_mem_size(const struct vfmig_guest_cfg *cfg)
{
	struct vg_layout lay;

	if (!cfg || !vg_cfg_valid(cfg))
		return 0;
	vg_layout(cfg, 0, &lay);
	return lay.end;
}

static bool vg_env_valid(const struct vfmig_guest_env *env)
{
	return env && env->ram && env->bar0_read && env->bar0_write &&
	       IS_ALIGNED((unsigned long)env->ram, 8);
}

/* The driver's block at @gpa, validated, or NULL. */
struct vfmig_guest_priv *vg_priv(const struct vfmig_guest_env *env, u64 gpa)
{
	struct vfmig_guest_priv *p;

	if (!vg_env_valid(env) || !IS_ALIGNED(gpa, VG_PAGE))
		return NULL;
	p = (struct vfmig_guest_priv *)vg_mem(env, gpa, sizeof(*p));
	if (!p)
		return NULL;
	if (p->magic != VG_MAGIC || p->layout_version != VG_LAYOUT_VERSION ||
	    p->gpa != gpa || !vg_cfg_valid(&p->cfg) ||
	    p->mem_size != vfmig_guest_mem_size(&p->cfg) ||
	    !vg_mem(env, gpa, p->mem_size) ||
	    p->num_qp > p->cfg.num_queue_pairs ||
	    p->state > VFMIG_GUEST_FAILED)
		return NULL;
	return p;
}

void vg_fail(struct vfmig_guest_priv *p, int err)
{
	vfmig_warn("vfmig guest: bring-up failed (%d) in state %u step %u\n",
		   err, p->state, p->step);
	p->state = VFMIG_GUEST_FAILED;
	p->stats.last_error = err;
	p->current_op = VIRTCHNL_OP_UNKNOWN;
	p->op_slot = -1;
}

/*
 * Leave service and wait for the VF to come out of reset. With
 * @await_start the reset has been asked for (RESET_VF, RESET_IMPENDING) but
 * may not have begun: first wait, briefly, for it to show.
 */
void vg_enter_reset(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p, bool await_start)
{
	if (p->state == VFMIG_GUEST_RUNNING)
		p->flags |= VG_F_RECOVERING;
	p->flags &= ~(VG_F_AQ_UP | VG_F_SEEN_ACTIVE | VG_F_IRQ_ARMED |
		      VG_F_INITIAL | VG_F_AWAIT_RESET | VG_F_FAILED_SEEN |
		      VG_F_NEED_RESET_VF);
	if (await_start)
		p->flags |= VG_F_AWAIT_RESET;
	p->state = VFMIG_GUEST_RESET_WAIT;
	p->step = VG_STEP_QUEUES;
	p->current_op = VIRTCHNL_OP_UNKNOWN;
	p->op_slot = -1;
	p->deadline_ns = env->now_ns +
			 (await_start ? VG_RESET_DETECT_NS : VG_RESET_DONE_NS);
	p->stats.link_up = 0;
	if (++p->reset_tries > VG_MAX_RESET_TRIES)
		vg_fail(p, -EIO);
}

/* Ask the PF to reset us (iavf_request_reset) and wait for it. */
void vg_request_reset(const struct vfmig_guest_env *env,
		      struct vfmig_guest_priv *p)
{
	if (p->flags & VG_F_AQ_UP)
		vg_vc_send_reset_vf(env, p);
	vg_enter_reset(env, p, true);
}

/*
 * iavf's watchdog test for a reset behind our back: the mailbox lost its
 * ENABLE bit (a VF reset clears the VF's admin queue registers) or
 * VFGEN_RSTAT left VFACTIVE. Error bits in ARQLEN are cleared and counted,
 * as iavf_adminq_task does.
 */
static bool vg_check_reset(const struct vfmig_guest_env *env,
			   struct vfmig_guest_priv *p)
{
	u32 rstat = vg_rd32(env, VFMIG_VFGEN_RSTAT);
	u32 arq = vg_rd32(env, VFMIG_VF_ARQLEN1);
	u32 errs = VFMIG_VF_AQLEN1_VFE | VFMIG_VF_AQLEN1_OVFL |
		   VFMIG_VF_AQLEN1_CRIT;
	bool reset = false;

	if (rstat == U32_MAX || arq == U32_MAX) {
		reset = true;	/* the device does not answer: treat as reset */
	} else {
		rstat &= VFMIG_VFGEN_RSTAT_VFR_STATE_MASK;
		if (rstat == VFMIG_VFR_VFACTIVE)
			p->flags |= VG_F_SEEN_ACTIVE;
		if (!(arq & VFMIG_VF_AQLEN1_ENABLE))
			p->flags &= ~VG_F_AQ_PROG;	/* the reset took it */
		if (!(arq & VFMIG_VF_AQLEN1_ENABLE) ||
		    rstat == VFMIG_VFR_INPROGRESS ||
		    ((p->flags & VG_F_SEEN_ACTIVE) &&
		     rstat != VFMIG_VFR_VFACTIVE))
			reset = true;
	}
	if (reset) {
		vfmig_info("vfmig guest: VF reset detected (RSTAT %#x ARQLEN %#x)\n",
			   rstat, arq);
		vg_enter_reset(env, p, false);
		/*
		 * The mailbox went away but RSTAT says VFACTIVE: either a reset
		 * came and went unseen, or the mailbox died on its own (a DMA
		 * fault sets CRIT and clears ENABLE). The PF may still hold our
		 * old queues and filters, so do what iavf's reset task does:
		 * bring the mailbox back, ask for RESET_VF, start from clean.
		 */
		if (rstat == VFMIG_VFR_VFACTIVE)
			p->flags |= VG_F_NEED_RESET_VF;
		return true;
	}
	if (arq & errs) {
		p->stats.mbx_errors++;
		vfmig_warn("vfmig guest: ARQ error bits %#x cleared\n", arq & errs);
		vg_wr32(env, VFMIG_VF_ARQLEN1, arq & ~errs);
	}
	return false;
}

/* RESET_WAIT: has the reset shown, and is it over? */
static void vg_reset_wait(const struct vfmig_guest_env *env,
			  struct vfmig_guest_priv *p)
{
	u32 rstat = vg_rd32(env, VFMIG_VFGEN_RSTAT);
	bool done;

	if (p->flags & VG_F_AWAIT_RESET) {
		u32 arq = vg_rd32(env, VFMIG_VF_ARQLEN1);
		bool seen = rstat == U32_MAX ||
			    (rstat & VFMIG_VFGEN_RSTAT_VFR_STATE_MASK) !=
			    VFMIG_VFR_VFACTIVE ||
			    !(arq & VFMIG_VF_AQLEN1_ENABLE);

		if (!(arq & VFMIG_VF_AQLEN1_ENABLE))
			p->flags &= ~VG_F_AQ_PROG;
		if (!seen && env->now_ns < p->deadline_ns)
			return;
		/* seen, or "never saw reset": act like it happened (iavf) */
		p->flags &= ~VG_F_AWAIT_RESET;
		p->deadline_ns = env->now_ns + VG_RESET_DONE_NS;
		if (seen)
			return;	/* look at RSTAT again on the next call */
	}
	rstat &= VFMIG_VFGEN_RSTAT_VFR_STATE_MASK;
	/*
	 * A first bring-up takes COMPLETED as done (iavf_check_reset_complete);
	 * after a reset iavf waits for VFACTIVE, which the PF writes once it
	 * has rebuilt the VF.
	 */
	done = rstat == VFMIG_VFR_VFACTIVE ||
	       ((p->flags & VG_F_INITIAL) && rstat == VFMIG_VFR_COMPLETED);
	if (done) {
		p->state = VFMIG_GUEST_AQ_INIT;
		return;
	}
	if (env->now_ns >= p->deadline_ns)
		vg_fail(p, -ETIMEDOUT);
}

static void vg_misc_irq_enable(const struct vfmig_guest_env *env,
			       struct vfmig_guest_priv *p)
{
	if (!p->cfg.use_irq)
		return;
	vg_wr32(env, VFMIG_VFINT_ICR0_ENA1, VFMIG_VFINT_ICR0_ENA1_ADMINQ);
	vg_wr32(env, VFMIG_VFINT_DYN_CTL01,
		VFMIG_VFINT_DYN_CTL01_INTENA | VFMIG_VFINT_DYN_CTL01_CLEARPBA |
		(VFMIG_ITR_IDX_NONE << VFMIG_VFINT_DYN_CTL01_ITR_INDX_SHIFT));
}

static void vg_aq_bringup(const struct vfmig_guest_env *env,
			  struct vfmig_guest_priv *p)
{
	int err;

	vg_aq_shutdown(env, p);
	/*
	 * Queues may still be live when a reset is still to be asked for:
	 * leave their rings alone until the reset has stopped them.
	 */
	if (!(p->flags & VG_F_NEED_RESET_VF)) {
		vg_rings_reset(env, p);
		p->num_qp = 0;
		p->num_qvec = 0;
	}
	err = vg_aq_init(env, p);
	if (err) {
		vg_fail(p, err);
		return;
	}
	p->flags |= VG_F_AQ_UP;
	if (p->flags & VG_F_NEED_RESET_VF) {
		p->flags &= ~VG_F_NEED_RESET_VF;
		p->reset_tries--;	/* one recovery, in two resets */
		vg_request_reset(env, p);
		return;
	}
	vg_misc_irq_enable(env, p);
	err = vg_vc_send_version(env, p);
	if (err) {
		vg_fail(p, err);
		return;
	}
	p->state = VFMIG_GUEST_VERSION;
}

/*
 * FAILED is final until the VF is reset from outside (a VFLR by the host):
 * the mailbox we programmed loses its ENABLE bit, or VFGEN_RSTAT changes
 * while we watch (a reset that was stuck finishes, or a new one starts).
 * Then bring-up starts over.
 */
static void vg_failed_watch(const struct vfmig_guest_env *env,
			    struct vfmig_guest_priv *p)
{
	u32 rstat = vg_rd32(env, VFMIG_VFGEN_RSTAT);
	bool revive = false;

	if (rstat == U32_MAX)
		return;
	rstat &= VFMIG_VFGEN_RSTAT_VFR_STATE_MASK;
	if ((p->flags & VG_F_FAILED_SEEN) && rstat != p->fail_rstat)
		revive = true;
	p->fail_rstat = rstat;
	p->flags |= VG_F_FAILED_SEEN;
	if ((p->flags & VG_F_AQ_PROG) &&
	    !(vg_rd32(env, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE))
		revive = true;
	if (revive) {
		vfmig_info("vfmig guest: VF reset while failed; starting over\n");
		p->flags &= ~VG_F_AQ_PROG;
		p->reset_tries = 0;
		vg_enter_reset(env, p, false);
	}
}

static void vg_service(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p)
{
	u16 q;

	switch (p->state) {
	case VFMIG_GUEST_RESET_WAIT:
		vg_reset_wait(env, p);
		if (p->state != VFMIG_GUEST_AQ_INIT)
			return;
		fallthrough;
	case VFMIG_GUEST_AQ_INIT:
		vg_aq_bringup(env, p);
		return;
	case VFMIG_GUEST_VERSION:
	case VFMIG_GUEST_GET_RESOURCES:
	case VFMIG_GUEST_CONFIGURING:
	case VFMIG_GUEST_RUNNING:
		break;
	default:
		vg_failed_watch(env, p);
		return;
	}

	if (vg_check_reset(env, p))
		return;
	vg_aq_clean_atq(env, p);
	vg_aq_clean_arq(env, p, VG_AQ_LEN);
	if (p->state == VFMIG_GUEST_CONFIGURING &&
	    p->current_op == VIRTCHNL_OP_UNKNOWN)
		vg_vc_send_step(env, p);	/* a step the ATQ had no room for */
	vg_vc_check_timeout(env, p);
	if (p->state != VFMIG_GUEST_RUNNING)
		return;
	for (q = 0; q < p->num_qp; q++) {
		vg_tx_clean(env, p, q);
		vg_rx_refill(env, p, q);
	}
	vg_tx_check_hang(env, p);
}

int vfmig_guest_init(const struct vfmig_guest_env *env, u64 gpa,
		     const struct vfmig_guest_cfg *cfg)
{
	struct vfmig_guest_priv *p;
	struct vg_layout lay;
	u64 size;
	u8 *mem;
	u16 q;

	if (!vg_env_valid(env) || !cfg || !vg_cfg_valid(cfg) ||
	    !IS_ALIGNED(gpa, VG_PAGE))
		return -EINVAL;
	size = vfmig_guest_mem_size(cfg);
	if (!vg_mem(env, gpa, size))
		return -EINVAL;
	vg_layout(cfg, gpa, &lay);

	/*
	 * Only the state page now: the mailbox and queue rings are cleared
	 * once the device has been told to stop using them (vg_aq_bringup()),
	 * since a driver that ran here before may have left them live.
	 */
	mem = vg_mem(env, gpa, lay.atq_ring - gpa);
	memset(mem, 0, lay.atq_ring - gpa);

	p = (struct vfmig_guest_priv *)mem;
	p->magic = VG_MAGIC;
	p->layout_version = VG_LAYOUT_VERSION;
	p->gpa = gpa;
	p->mem_size = size;
	p->cfg = *cfg;
	p->atq_ring = lay.atq_ring;
	p->arq_ring = lay.arq_ring;
	p->atq_bufs = lay.atq_bufs;
	p->arq_bufs = lay.arq_bufs;
	for (q = 0; q < cfg->num_queue_pairs; q++) {
		p->txq[q].ring = lay.tx_ring[q];
		p->txq[q].info = lay.tx_info[q];
		p->txq[q].bufs = lay.tx_bufs[q];
		p->rxq[q].ring = lay.rx_ring[q];
		p->rxq[q].bufs = lay.rx_bufs[q];
	}
	p->current_op = VIRTCHNL_OP_UNKNOWN;
	p->op_slot = -1;
	p->state = VFMIG_GUEST_RESET_WAIT;
	p->flags = VG_F_INITIAL;
	p->deadline_ns = env->now_ns + VG_RESET_DONE_NS;
	/*
	 * A live mailbox means an earlier driver left the VF configured
	 * (queues, filters): start with a VF reset, as iavf's reset task does.
	 */
	if (vg_rd32(env, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE)
		p->flags |= VG_F_NEED_RESET_VF;

	vg_service(env, p);
	return 0;
}

enum vfmig_guest_state vfmig_guest_poll(const struct vfmig_guest_env *env,
					u64 gpa)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	if (!p)
		return VFMIG_GUEST_FAILED;
	vg_service(env, p);
	return (enum vfmig_guest_state)p->state;
}

enum vfmig_guest_state vfmig_guest_state(const struct vfmig_guest_env *env,
					 u64 gpa)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	return p ? (enum vfmig_guest_state)p->state : VFMIG_GUEST_FAILED;
}

/*
 * Vector 0 carries the mailbox (ICR0 ADMINQ); vectors 1..num_qvec carry the
 * queue pairs mapped to them by CONFIG_IRQ_MAP. The hardware masks a vector
 * when it fires; re-arm it once the work is done, as iavf's NAPI poll does.
 */
void vfmig_guest_irq(const struct vfmig_guest_env *env, u64 gpa, u16 vector)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);
	u32 rearm;
	u16 q;

	if (!p)
		return;
	p->stats.irqs++;
	if (vector == 0) {
		(void)vg_rd32(env, VFMIG_VFINT_ICR01);	/* read clears the causes */
		vg_service(env, p);
		if (p->cfg.use_irq && (p->flags & VG_F_AQ_UP))
			vg_wr32(env, VFMIG_VFINT_DYN_CTL01,
				VFMIG_VFINT_DYN_CTL01_INTENA |
				VFMIG_VFINT_DYN_CTL01_CLEARPBA |
				(VFMIG_ITR_IDX_NONE <<
				 VFMIG_VFINT_DYN_CTL01_ITR_INDX_SHIFT));
		return;
	}
	if (p->state != VFMIG_GUEST_RUNNING || !(p->flags & VG_F_IRQ_ARMED) ||
	    vector > p->num_qvec)
		return;
	for (q = 0; q < p->num_qp; q++)
		if (q % p->num_qvec == vector - 1u) {
			vg_tx_clean(env, p, q);
			vg_rx_refill(env, p, q);
		}
	rearm = VFMIG_VFINT_DYN_CTLN1_INTENA | VFMIG_VFINT_DYN_CTLN1_CLEARPBA |
		(VFMIG_ITR_IDX_NONE << VFMIG_VFINT_DYN_CTLN1_ITR_INDX_SHIFT);
	vg_wr32(env, VFMIG_VFINT_DYN_CTLN1(vector - 1u), rearm);
}

int vfmig_guest_stats(const struct vfmig_guest_env *env, u64 gpa,
		      struct vfmig_guest_stats *st)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	if (!p || !st)
		return -EINVAL;
	*st = p->stats;
	return 0;
}

int vfmig_guest_mac(const struct vfmig_guest_env *env, u64 gpa, u8 mac[6])
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	if (!p || !mac)
		return -EINVAL;
	if (p->state < VFMIG_GUEST_CONFIGURING && !p->num_qp &&
	    !(p->mac[0] | p->mac[1] | p->mac[2] | p->mac[3] | p->mac[4] |
	      p->mac[5]))
		return -EAGAIN;
	memcpy(mac, p->mac, 6);
	return 0;
}

int vfmig_guest_num_queues(const struct vfmig_guest_env *env, u64 gpa)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	if (!p)
		return -EINVAL;
	return p->num_qp;
}

int vfmig_guest_request_reset(const struct vfmig_guest_env *env, u64 gpa)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);

	if (!p)
		return -EINVAL;
	if (!(p->flags & VG_F_AQ_UP))
		return -ENETDOWN;
	vg_request_reset(env, p);
	return 0;
}

static void vg_region(struct vfmig_guest_region *r, u32 max, u32 *n, u64 gpa,
		      u64 len, u32 kind, u16 queue, bool dev_writes)
{
	if (*n < max) {
		r[*n].gpa = gpa;
		r[*n].len = len;
		r[*n].kind = kind;
		r[*n].queue = queue;
		r[*n].device_writes = dev_writes;
	}
	(*n)++;
}

int vfmig_guest_regions(const struct vfmig_guest_env *env, u64 gpa,
			struct vfmig_guest_region *r, u32 max)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);
	struct vg_layout lay;
	u64 rl;
	u32 n = 0;
	u16 q;

	if (!p || (max && !r))
		return -EINVAL;
	rl = p->cfg.ring_len;
	vg_layout(&p->cfg, gpa, &lay);
	vg_region(r, max, &n, lay.priv, sizeof(*p), VFMIG_GUEST_REG_STATE, 0,
		  false);
	vg_region(r, max, &n, lay.atq_ring, VG_AQ_LEN * sizeof(struct vfmig_aq_desc),
		  VFMIG_GUEST_REG_ATQ_RING, 0, true);
	vg_region(r, max, &n, lay.atq_bufs, (u64)VG_AQ_LEN * VG_AQ_BUF,
		  VFMIG_GUEST_REG_ATQ_BUFS, 0, false);
	vg_region(r, max, &n, lay.arq_ring, VG_AQ_LEN * sizeof(struct vfmig_aq_desc),
		  VFMIG_GUEST_REG_ARQ_RING, 0, true);
	vg_region(r, max, &n, lay.arq_bufs, (u64)VG_AQ_LEN * VG_AQ_BUF,
		  VFMIG_GUEST_REG_ARQ_BUFS, 0, true);
	for (q = 0; q < p->cfg.num_queue_pairs; q++) {
		vg_region(r, max, &n, lay.tx_ring[q],
			  rl * VFMIG_TX_DESC_SIZE + (p->cfg.tx_head_wb ? 4 : 0),
			  VFMIG_GUEST_REG_TX_RING, q, true);
		vg_region(r, max, &n, lay.tx_info[q],
			  rl * sizeof(struct vg_tx_info),
			  VFMIG_GUEST_REG_TX_INFO, q, false);
		vg_region(r, max, &n, lay.tx_bufs[q], rl * VG_TX_BUF,
			  VFMIG_GUEST_REG_TX_BUFS, q, false);
		vg_region(r, max, &n, lay.rx_ring[q], rl * VFMIG_RX_DESC_SIZE,
			  VFMIG_GUEST_REG_RX_RING, q, true);
		vg_region(r, max, &n, lay.rx_bufs[q], rl * p->cfg.rx_buf_size,
			  VFMIG_GUEST_REG_RX_BUFS, q, true);
	}
	return (int)n;
}
