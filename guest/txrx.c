// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest AVF driver: TX and RX rings (iavf_txrx.c).
 *
 * TX: a frame is copied into the fixed 2 KiB buffers of consecutive slots
 * and described by one data descriptor per buffer; the last carries EOP and
 * RS (iavf's IAVF_TXD_CMD), every one ICRC. The tail moves past the frame.
 * Completion is the DESC_DONE DTYPE the device writes back into the EOP
 * descriptor, or, with head write-back, the ring index the device writes
 * after the last descriptor.
 *
 * RX: slot i of a ring always owns buffer i; posting a slot writes its
 * buffer address into a fresh read-format descriptor. A frame is ready when
 * the descriptor at next_to_clean has DD, and complete at the fragment with
 * EOF. vfmig_guest_recv() copies it out and hands the buffers straight back
 * to the ring (recycling), moving the tail once per batch.
 *
 * The device is not trusted: lengths above the buffer size, fragments past
 * what was posted, frames longer than VG_RX_MAX_FRAGS and write-back indexes
 * outside the in-flight window are treated as errors, never followed.
 */
#include <vfmig/guest_internal.h>

/* Unposted RX slots that make vfmig_guest_recv() refill (one tail write). */
#define VG_RX_REFILL_BATCH	16u

static inline u64 vg_rd_le64(const struct vfmig_guest_env *env, u64 gpa)
{
	__le64 *w = vg_le64(env, gpa);

	return w ? le64_to_cpu(READ_ONCE(*w)) : 0;
}

static inline void vg_wr_le64(const struct vfmig_guest_env *env, u64 gpa, u64 v)
{
	__le64 *w = vg_le64(env, gpa);

	if (w)
		WRITE_ONCE(*w, cpu_to_le64(v));
}

static inline struct vg_tx_info *vg_tx_info(const struct vfmig_guest_env *env,
					    const struct vfmig_guest_priv *p,
					    u16 q, u16 slot)
{
	return (struct vg_tx_info *)vg_mem(env, p->txq[q].info +
					   (u64)slot * sizeof(struct vg_tx_info),
					   sizeof(struct vg_tx_info));
}

u16 vg_max_tx_frame(const struct vfmig_guest_priv *p)
{
	return (u16)min_t(u32, (u32)p->cfg.max_tx_bufs * VG_TX_BUF, VG_MAX_FRAME);
}

/* Fresh rings after a reset: everything the device wrote is forgotten. */
void vg_rings_reset(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p)
{
	u64 rl = p->cfg.ring_len;
	u8 *m;
	u16 q;

	for (q = 0; q < p->cfg.num_queue_pairs; q++) {
		m = vg_mem(env, p->txq[q].ring, rl * VFMIG_TX_DESC_SIZE + 8);
		if (m)
			memset(m, 0, rl * VFMIG_TX_DESC_SIZE + 8);
		m = vg_mem(env, p->txq[q].info, rl * sizeof(struct vg_tx_info));
		if (m)
			memset(m, 0, rl * sizeof(struct vg_tx_info));
		m = vg_mem(env, p->rxq[q].ring, rl * VFMIG_RX_DESC_SIZE);
		if (m)
			memset(m, 0, rl * VFMIG_RX_DESC_SIZE);
		p->txq[q].ntu = 0;
		p->txq[q].ntc = 0;
		p->txq[q].progress_ns = 0;
		p->rxq[q].ntu = 0;
		p->rxq[q].ntc = 0;
		p->rxq[q].tail = 0;
	}
}

/* Offer slot @slot's buffer to the device (iavf_alloc_rx_buffers). */
static void vg_rx_post(const struct vfmig_guest_env *env,
		       const struct vfmig_guest_priv *p, u16 q, u16 slot)
{
	u64 d = p->rxq[q].ring + (u64)slot * VFMIG_RX_DESC_SIZE;

	vg_wr_le64(env, d + offsetof(struct vfmig_rx_desc_read, hdr_addr), 0);
	vg_wr_le64(env, d + offsetof(struct vfmig_rx_desc_read, rsvd1), 0);
	vg_wr_le64(env, d + offsetof(struct vfmig_rx_desc_read, rsvd2), 0);
	vg_wr_le64(env, d + offsetof(struct vfmig_rx_desc_read, pkt_addr),
		   p->rxq[q].bufs + (u64)slot * p->cfg.rx_buf_size);
}

/* Post every free slot of RX queue @q and move the tail if anything moved. */
void vg_rx_refill(const struct vfmig_guest_env *env,
		  struct vfmig_guest_priv *p, u16 q)
{
	struct vg_rxq *r = &p->rxq[q];
	u16 rl = p->cfg.ring_len;
	u16 n;

	if (r->ntu >= rl || r->ntc >= rl)
		return;
	for (n = 0; n < rl && vg_ring_next(r->ntu, rl) != r->ntc; n++) {
		vg_rx_post(env, p, q, r->ntu);
		r->ntu = vg_ring_next(r->ntu, rl);
	}
	if (r->tail != r->ntu) {
		r->tail = r->ntu;
		vg_wr32(env, VFMIG_QRX_TAIL1(q), r->ntu);
	}
}

int vg_rx_post_all(const struct vfmig_guest_env *env,
		   struct vfmig_guest_priv *p)
{
	u16 q;

	for (q = 0; q < p->num_qp; q++) {
		p->rxq[q].ntu = 0;
		p->rxq[q].ntc = 0;
		p->rxq[q].tail = 0;
		vg_rx_refill(env, p, q);
	}
	return 0;
}

void vg_irq_arm_queues(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p)
{
	u16 v;

	if (!p->cfg.use_irq || !p->num_qvec)
		return;
	for (v = 0; v < p->num_qvec; v++)
		vg_wr32(env, VFMIG_VFINT_DYN_CTLN1(v),
			VFMIG_VFINT_DYN_CTLN1_INTENA |
			VFMIG_VFINT_DYN_CTLN1_CLEARPBA |
			(VFMIG_ITR_IDX_NONE << VFMIG_VFINT_DYN_CTLN1_ITR_INDX_SHIFT));
	p->flags |= VG_F_IRQ_ARMED;
}

/* Retire one completed frame starting at ntc. */
static void vg_tx_retire(struct vfmig_guest_priv *p, u16 q,
			 struct vg_tx_info *ti)
{
	p->stats.tx_packets++;
	p->stats.tx_bytes += ti->len;
	p->txq[q].ntc = vg_ring_next(ti->eop, p->cfg.ring_len);
	ti->nbufs = 0;
}

/*
 * iavf_clean_tx_irq: retire frames the device has finished. Returns the
 * number retired.
 */
u32 vg_tx_clean(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
		u16 q)
{
	struct vg_txq *t = &p->txq[q];
	u16 rl = p->cfg.ring_len;
	u16 inflight, head = 0;
	u32 done = 0, n;

	if (q >= p->num_qp || t->ntc >= rl || t->ntu >= rl || t->ntc == t->ntu)
		return 0;
	inflight = vg_ring_dist(t->ntc, t->ntu, rl);
	if (p->cfg.tx_head_wb) {
		__le32 *w = (__le32 *)vg_mem(env, t->ring + (u64)rl *
					     VFMIG_TX_DESC_SIZE, 4);
		u32 h = w ? le32_to_cpu(READ_ONCE(*w)) : 0;

		/* the head may only move inside what we posted */
		if (h >= rl || vg_ring_dist(t->ntc, (u16)h, rl) > inflight)
			return 0;
		head = (u16)h;
	}
	for (n = 0; n < rl && t->ntc != t->ntu; n++) {
		struct vg_tx_info *ti = vg_tx_info(env, p, q, t->ntc);
		u16 span;

		if (!ti || !ti->nbufs || ti->nbufs > VFMIG_TX_MAX_BUFFER_TXD ||
		    ti->eop >= rl)
			break;
		span = vg_ring_dist(t->ntc, ti->eop, rl);
		if (span >= vg_ring_dist(t->ntc, t->ntu, rl))
			break;
		if (p->cfg.tx_head_wb) {
			if (span >= vg_ring_dist(t->ntc, head, rl))
				break;
		} else {
			u64 qw1 = vg_rd_le64(env, t->ring + (u64)ti->eop *
					     VFMIG_TX_DESC_SIZE +
					     offsetof(struct vfmig_tx_desc,
						      cmd_type_offset_bsz));

			if (vfmig_tx_qw1_dtype(qw1) != VFMIG_TX_DESC_DTYPE_DESC_DONE)
				break;
		}
		vg_tx_retire(p, q, ti);
		done++;
	}
	if (done)
		t->progress_ns = env->now_ns;
	return done;
}

/*
 * TX work pending and no completion for VG_TX_HANG_NS: ask for a reset
 * (iavf's tx_timeout). Like the netdev watchdog, only with the link up: a
 * queue may legitimately sit still while there is no carrier.
 */
void vg_tx_check_hang(const struct vfmig_guest_env *env,
		      struct vfmig_guest_priv *p)
{
	u16 q;

	for (q = 0; q < p->num_qp; q++) {
		struct vg_txq *t = &p->txq[q];

		if (!p->stats.link_up)
			t->progress_ns = env->now_ns;
		if (t->ntc == t->ntu ||
		    env->now_ns - t->progress_ns < VG_TX_HANG_NS)
			continue;
		vfmig_warn("vfmig guest: TX queue %u hung (%u in flight); resetting\n",
			   q, vg_ring_dist(t->ntc, t->ntu, p->cfg.ring_len));
		p->stats.last_error = -ETIMEDOUT;
		vg_request_reset(env, p);
		return;
	}
}

/* How many descriptors a frame of @len uses: spread, but never past a buffer. */
static u16 vg_tx_nbufs(const struct vfmig_guest_priv *p, u32 len)
{
	u32 need = DIV_ROUND_UP(len, VG_TX_BUF);
	u32 want = DIV_ROUND_UP(len, VG_TX_SPLIT_UNIT);

	want = min_t(u32, want, p->cfg.max_tx_bufs);
	return (u16)max_t(u32, need, want);
}

int vfmig_guest_xmit(const struct vfmig_guest_env *env, u64 gpa, u16 q,
		     const void *frame, u32 len)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);
	const u8 *src = frame;
	struct vg_tx_info *ti;
	struct vg_txq *t;
	u16 rl, nbufs, i, slot, room;
	u32 chunk, off = 0;

	if (!p)
		return -EINVAL;
	if (p->state != VFMIG_GUEST_RUNNING)
		return -ENETDOWN;
	if (q >= p->num_qp || !frame || len < VFMIG_TX_MIN_LEN ||
	    len > vg_max_tx_frame(p))
		return -EINVAL;
	t = &p->txq[q];
	rl = p->cfg.ring_len;
	if (t->ntu >= rl || t->ntc >= rl)
		return -EINVAL;
	nbufs = vg_tx_nbufs(p, len);
	room = rl - 1 - vg_ring_dist(t->ntc, t->ntu, rl);
	if (room < nbufs) {
		vg_tx_clean(env, p, q);
		room = rl - 1 - vg_ring_dist(t->ntc, t->ntu, rl);
		if (room < nbufs) {
			p->stats.tx_busy++;
			return -EBUSY;
		}
	}
	ti = vg_tx_info(env, p, q, t->ntu);
	if (!ti)
		return -EINVAL;
	chunk = DIV_ROUND_UP(len, nbufs);
	for (i = 0; i < nbufs; i++) {
		u32 sz = i + 1 == nbufs ? len - off : chunk;
		u32 cmd = VFMIG_TX_DESC_CMD_ICRC;
		u64 buf, d;
		u8 *dst;

		slot = vg_ring_add(t->ntu, i, rl);
		buf = t->bufs + (u64)slot * VG_TX_BUF;
		d = t->ring + (u64)slot * VFMIG_TX_DESC_SIZE;
		dst = vg_mem(env, buf, sz);
		if (!dst)
			return -EINVAL;
		memcpy(dst, src + off, sz);
		off += sz;
		if (i + 1 == nbufs)
			cmd |= VFMIG_TX_DESC_CMD_EOP | VFMIG_TX_DESC_CMD_RS;
		vg_wr_le64(env, d + offsetof(struct vfmig_tx_desc, buffer_addr), buf);
		vg_wr_le64(env, d + offsetof(struct vfmig_tx_desc,
					     cmd_type_offset_bsz),
			   vfmig_tx_build_qw1(cmd, 0, sz, 0));
	}
	ti->eop = vg_ring_add(t->ntu, nbufs - 1u, rl);
	ti->nbufs = nbufs;
	ti->len = len;
	if (t->ntc == t->ntu)
		t->progress_ns = env->now_ns;	/* the hang clock starts now */
	t->ntu = vg_ring_add(t->ntu, nbufs, rl);
	vg_wr32(env, VFMIG_QTX_TAIL1(q), t->ntu);
	return 0;
}

static inline u64 vg_rx_qw1(const struct vfmig_guest_env *env,
			    const struct vfmig_guest_priv *p, u16 q, u16 slot)
{
	return vg_rd_le64(env, p->rxq[q].ring + (u64)slot * VFMIG_RX_DESC_SIZE +
			  offsetof(struct vfmig_rx_desc_wb, status_error_len));
}

/*
 * Look at the frame starting at ntc: 0 = not (fully) written back yet,
 * 1 = good frame of *@total bytes in *@nfrags fragments, -EIO = a frame to
 * drop (error bit, or a write-back that breaks the rules) in *@nfrags slots.
 */
static int vg_rx_peek(const struct vfmig_guest_env *env,
		      const struct vfmig_guest_priv *p, u16 q, u32 *total,
		      u16 *nfrags)
{
	const struct vg_rxq *r = &p->rxq[q];
	u16 rl = p->cfg.ring_len;
	u16 posted = vg_ring_dist(r->ntc, r->ntu, rl);
	u16 slot = r->ntc, n;
	bool bad = false;

	*total = 0;
	for (n = 0; n < posted; n++) {
		u64 qw1 = vg_rx_qw1(env, p, q, slot);
		u32 plen = vfmig_rx_qw1_pbuf_len(qw1);
		u32 err = vfmig_rx_qw1_error(qw1);

		if (!(qw1 & VFMIG_RX_STATUS_DD))
			return 0;
		if (plen > p->cfg.rx_buf_size ||
		    (err & (VFMIG_RX_ERROR_RXE | VFMIG_RX_ERROR_OVERSIZE)))
			bad = true;
		*total += plen;
		if (qw1 & VFMIG_RX_STATUS_EOF) {
			*nfrags = n + 1;
			if (bad || !*total || *total > VG_MAX_FRAME)
				return -EIO;
			return 1;
		}
		if (n + 1u >= VG_RX_MAX_FRAGS) {
			/* no end in sight: drop what we have looked at */
			*nfrags = n + 1;
			return -EIO;
		}
		slot = vg_ring_next(slot, rl);
	}
	/* DD on every posted slot and no EOF: wait for more buffers */
	if (posted == rl - 1) {
		*nfrags = posted;
		return -EIO;
	}
	return 0;
}

int vfmig_guest_recv(const struct vfmig_guest_env *env, u64 gpa, u16 q,
		     void *buf, u32 len)
{
	struct vfmig_guest_priv *p = vg_priv(env, gpa);
	u8 *dst = buf;
	struct vg_rxq *r;
	u16 rl, nfrags, i, tries;
	u32 total, off;
	int ret = 0;

	if (!p)
		return -EINVAL;
	if (q >= VFMIG_VF_MAX_QP || !buf)
		return -EINVAL;
	if (p->state != VFMIG_GUEST_RUNNING)
		return 0;
	if (q >= p->num_qp)
		return -EINVAL;
	r = &p->rxq[q];
	rl = p->cfg.ring_len;
	if (r->ntu >= rl || r->ntc >= rl)
		return -EINVAL;

	/* bounded: each pass consumes at least one slot */
	for (tries = 0; tries < rl; tries++) {
		int st = vg_rx_peek(env, p, q, &total, &nfrags);

		if (st == 0)
			break;
		if (st > 0 && total > len) {
			ret = -ENOSPC;	/* the frame stays queued */
			break;
		}
		off = 0;
		for (i = 0; i < nfrags; i++) {
			u16 slot = r->ntc;
			u32 plen;
			u8 *src;

			if (st > 0) {
				plen = vfmig_rx_qw1_pbuf_len(vg_rx_qw1(env, p, q,
								       slot));
				src = vg_mem(env, r->bufs + (u64)slot *
					     p->cfg.rx_buf_size, plen);
				if (src)
					memcpy(dst + off, src, plen);
				off += plen;
			}
			r->ntc = vg_ring_next(slot, rl);
		}
		if (st < 0) {
			p->stats.rx_errors++;
			continue;
		}
		p->stats.rx_packets++;
		p->stats.rx_bytes += total;
		ret = (int)total;
		break;
	}
	if (vg_ring_dist(r->ntu, r->ntc, rl) > VG_RX_REFILL_BATCH)
		vg_rx_refill(env, p, q);
	return ret;
}
