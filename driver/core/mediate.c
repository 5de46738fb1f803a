// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR0 mediation and DMA dirty tracking for one X710 VF.
 *
 * The device writes guest memory only where the guest told it to, and the
 * guest tells it by writing a tail register. Those registers live in three
 * BAR0 pages that are never mapped to userspace, so every such write passes
 * through vfmig_vf_bar0_write(). Before forwarding it, mediation reads the
 * descriptors the write hands to the device and tracks every page the
 * device may write because of them:
 *
 *   RX tail   the buffers of the newly posted slots (old tail .. new tail)
 *             are remembered per slot, pending; the RX ring itself (the
 *             descriptor write-back) is held
 *   TX tail   the TX ring (DD write-back) and the head write-back word: held
 *   ARQ tail  the ARQ buffers of the newly posted slots: held per slot until
 *             the slot is posted again; the ARQ and ATQ rings: held
 *
 * A pending RX slot's buffers are marked once, when the first of these
 * happens: a report's scan of the ring finds the slot done (DD), the guest
 * posts the slot again, or the device stops and the slot lies outside
 * [RX head, tail). So a posted buffer the device has not filled is not
 * reported in every round (a hold would be: rings x descriptors x 2 KiB
 * re-sent per round and in the downtime), and one it filled is reported
 * in the round after the write. Holds last until the device stops
 * (release_all) or the ring is reprogrammed.
 *
 * Ring geometry comes from the agent (queue contexts, mailbox registers),
 * cached per queue and read again when a mailbox exchange may have changed
 * it (every ARQ tail write), when a tail write finds the cache stale, at
 * log start and when the device resumes. docs/migration.md has the
 * soundness argument.
 */
#include <vfmig/osdep.h>
#include <vfmig/mediate.h>
#include <vfmig/vfdev.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>
#include <vfmig/x710_adminq.h>

/* Descriptor read buffer: 128 RX or ARQ descriptors per DMA read. */
#define MED_SCRATCH		4096
#define MED_AQ_DESC_SIZE	32

const struct vfmig_bar0_range vfmig_bar0_trapped[VFMIG_VF_NR_TRAPPED_PAGES] = {
	{ VFMIG_VF_TX_TAIL_PAGE, VFMIG_VF_TRAP_PAGE_SIZE },
	{ VFMIG_VF_RX_TAIL_PAGE, VFMIG_VF_TRAP_PAGE_SIZE },
	{ VFMIG_VF_ARQ_TAIL_PAGE, VFMIG_VF_TRAP_PAGE_SIZE },
};

static bool bar0_range_trapped(u64 start, u64 size)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(vfmig_bar0_trapped); i++) {
		u64 t = vfmig_bar0_trapped[i].offset;

		if (t < start + size && start < t + vfmig_bar0_trapped[i].size)
			return true;
	}
	return false;
}

int vfmig_bar0_mmap_areas(u64 host_page_size, struct vfmig_bar0_range *areas,
			  u32 max)
{
	u64 off, start = 0;
	bool open = false;
	u32 n = 0;

	if (!is_power_of_2(host_page_size) || host_page_size < VFMIG_VF_TRAP_PAGE_SIZE)
		return -EINVAL;
	if (host_page_size > VFMIG_VF_BAR0_SIZE)
		return 0;
	for (off = 0; off <= VFMIG_VF_BAR0_SIZE; off += host_page_size) {
		bool free = off < VFMIG_VF_BAR0_SIZE &&
			    !bar0_range_trapped(off, host_page_size);

		if (free && !open) {
			start = off;
			open = true;
		} else if (!free && open) {
			if (n >= max)
				return -ENOSPC;
			areas[n].offset = (u32)start;
			areas[n].size = (u32)(off - start);
			n++;
			open = false;
		}
	}
	return (int)n;
}

/* ---- Holds ------------------------------------------------------------------- */

static bool med_live(const struct vfmig_mediate *m, u32 epoch)
{
	return m->logging && epoch && epoch == m->epoch;
}

static void med_epoch_bump(struct vfmig_mediate *m)
{
	if (!++m->epoch)
		m->epoch = 1;
}

static void med_lost_locked(struct vfmig_vfdev *vdev, int err)
{
	lockdep_assert_held(&vdev->med.lock);
	if (!vdev->med.lost)
		vfmig_err("vfmig VF %u: DMA tracking lost (%d): reports fail until the log restarts\n",
			  vdev->vf, err);
	vdev->med.lost = true;
}

static bool med_hold_locked(struct vfmig_vfdev *vdev, u64 iova, u64 len)
{
	int ret;

	lockdep_assert_held(&vdev->med.lock);

	if (!len)
		return true;
	ret = vfmig_dirty_hold(vdev->dirty, iova, len);
	if (ret) {
		med_lost_locked(vdev, ret);
		return false;
	}
	vdev->med.stats.holds++;
	return true;
}

static void med_release_locked(struct vfmig_vfdev *vdev, u64 iova, u64 len)
{
	int ret;

	lockdep_assert_held(&vdev->med.lock);

	if (!len)
		return;
	ret = vfmig_dirty_release(vdev->dirty, iova, len);
	/* -EINVAL: a release without its hold, a bookkeeping bug here */
	if (WARN_ON_ONCE(ret == -EINVAL))
		return;
	if (ret)
		med_lost_locked(vdev, ret);
	vdev->med.stats.releases++;
}

/* ---- TX queues: ring and head write-back ------------------------------------ */

static void med_txq_drop_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_txq *t = &m->txq[q];

	lockdep_assert_held(&vdev->med.lock);

	if (med_live(m, t->ring_epoch)) {
		med_release_locked(vdev, t->held_base, t->held_len);
		if (t->held_wb)
			med_release_locked(vdev, t->held_wb, sizeof(__le32));
	}
	t->ring_epoch = 0;
}

static void med_txq_hold_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_txq *t = &m->txq[q];
	u64 base = t->geo.ring_base;
	u64 len = (u64)t->geo.ring_len * VFMIG_TX_DESC_SIZE;
	u64 wb = t->geo.flags & VFMIG_AGENT_GEO_HEAD_WB ? t->geo.head_wb_addr : 0;

	lockdep_assert_held(&vdev->med.lock);

	if (!m->logging || !m->running || med_live(m, t->ring_epoch) ||
	    !(t->geo.flags & VFMIG_AGENT_GEO_CONFIGURED))
		return;
	if (!med_hold_locked(vdev, base, len))
		return;
	if (wb && !med_hold_locked(vdev, wb, sizeof(__le32))) {
		med_release_locked(vdev, base, len);
		return;
	}
	t->held_base = base;
	t->held_len = (u32)len;
	t->held_wb = wb;
	t->ring_epoch = m->epoch;
}

static bool txq_geo_same(const struct vfmig_agent_geo_txq *a,
			 const struct vfmig_agent_geo_txq *b)
{
	const u16 f = VFMIG_AGENT_GEO_CONFIGURED | VFMIG_AGENT_GEO_HEAD_WB;

	return a->ring_base == b->ring_base && a->ring_len == b->ring_len &&
	       a->head_wb_addr == b->head_wb_addr && !((a->flags ^ b->flags) & f);
}

static void med_txq_update_locked(struct vfmig_vfdev *vdev, u16 q,
				  const struct vfmig_agent_geo_txq *g)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_txq *t = &m->txq[q];

	lockdep_assert_held(&vdev->med.lock);

	/* a reprogrammed ring was disabled first: its old pages are done */
	if (!txq_geo_same(&t->geo, g))
		med_txq_drop_locked(vdev, q);
	t->geo = *g;
	t->gen = m->gen;
	med_txq_hold_locked(vdev, q);
}

/* ---- Posted slots ---------------------------------------------------------------- */

static int med_slots_alloc_locked(struct vfmig_vfdev *vdev, struct vfmig_med_slot **slots,
				  u16 *nslots, u16 len)
{
	lockdep_assert_held(&vdev->med.lock);
	if (*slots && *nslots == len)
		return 0;
	vfmig_free(*slots);
	*nslots = 0;
	*slots = vfmig_zalloc(sizeof(**slots) * len);
	if (!*slots) {
		med_lost_locked(vdev, -ENOMEM);
		return -ENOMEM;
	}
	*nslots = len;
	return 0;
}

/*
 * Read up to @n descriptors of @dsize bytes from slot @from of a @len-slot
 * ring at @base (as many as fit in the scratch buffer and before the wrap):
 * the descriptors in m->scratch, their number in *@chunk; NULL when the
 * read failed (the device could not fetch them either).
 */
static const u8 *med_descs_read_locked(struct vfmig_vfdev *vdev, u64 base,
				       u32 dsize, u16 len, u16 from, u32 n,
				       u32 *chunk)
{
	struct vfmig_mediate *m = &vdev->med;

	lockdep_assert_held(&vdev->med.lock);

	*chunk = min_t(u32, n, len - from);
	*chunk = min_t(u32, *chunk, MED_SCRATCH / dsize);
	if (vdev->ops->dma_read(vdev->ctx, base + (u64)from * dsize, m->scratch,
				*chunk * dsize)) {
		m->stats.dma_errors++;
		return NULL;
	}
	m->stats.desc_reads += *chunk;
	return m->scratch;
}

/* ---- RX queues ----------------------------------------------------------------- */

/*
 * A pending slot's buffers may have been written: mark them (once). On
 * failure the log is lost, so that the migration fails instead of missing a
 * page.
 */
static void med_rx_slot_mark_locked(struct vfmig_vfdev *vdev,
				    struct vfmig_med_rxq *r,
				    struct vfmig_med_slot *s)
{
	int ret;

	lockdep_assert_held(&vdev->med.lock);

	if (!med_live(&vdev->med, s->epoch) || s->done)
		return;
	ret = vfmig_dirty_mark(vdev->dirty, s->pkt, r->held_dlen);
	if (!ret && s->hdr && r->held_hlen)
		ret = vfmig_dirty_mark(vdev->dirty, s->hdr, r->held_hlen);
	if (ret)
		med_lost_locked(vdev, ret);
	s->done = true;
}

/*
 * Slot @s now offers @pkt and @hdr. A tail write posts it again, which the
 * guest does only after the device completed it: what it offered before is
 * marked (unless already marked). A full scan (@done known) treats every
 * slot the same way, even one that still offers the same buffers: a guest
 * posts each slot's own buffer again, so "unchanged" cannot tell a slot the
 * device never filled from one it filled and the guest posted again - and
 * the tail write that triggers a full scan (tail unknown, e.g. after a
 * reset) may be the very write that posted it. A slot the scan finds done
 * (DD: write-back format, the buffer address is gone) was completed before
 * this look and is recorded as done.
 */
static void med_rx_slot_post_locked(struct vfmig_vfdev *vdev,
				    struct vfmig_med_rxq *r,
				    struct vfmig_med_slot *s, u64 pkt, u64 hdr,
				    bool done)
{
	lockdep_assert_held(&vdev->med.lock);

	med_rx_slot_mark_locked(vdev, r, s);
	s->pkt = pkt;
	s->hdr = hdr;
	s->epoch = vdev->med.epoch;
	s->done = done;
}

static void med_rxq_drop_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u16 i;

	lockdep_assert_held(&vdev->med.lock);

	if (med_live(m, r->ring_epoch))
		med_release_locked(vdev, r->held_base, r->held_len);
	r->ring_epoch = 0;
	for (i = 0; i < r->nslots; i++) {
		med_rx_slot_mark_locked(vdev, r, &r->slots[i]);
		r->slots[i].epoch = 0;
	}
	r->scan_epoch = 0;
	r->tail_valid = false;
}

static void med_rxq_hold_ring_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u64 len = (u64)r->geo.ring_len * r->geo.desc_size;

	lockdep_assert_held(&vdev->med.lock);

	if (med_live(m, r->ring_epoch) || !med_hold_locked(vdev, r->geo.ring_base, len))
		return;
	r->held_base = r->geo.ring_base;
	r->held_len = (u32)len;
	r->ring_epoch = m->epoch;
}

/*
 * Read the descriptors of slots [@from, @from + @n) (mod ring) and post
 * them. @full: the whole ring at a resync, where completed slots (DD) are
 * recognised as such.
 */
static void med_rxq_scan_locked(struct vfmig_vfdev *vdev, u16 q, u16 from, u32 n,
				bool full)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u32 dsize = r->geo.desc_size;
	u16 len = r->geo.ring_len;
	bool split = r->geo.flags & VFMIG_AGENT_GEO_SPLIT;
	const u8 *descs;
	u32 chunk, i;

	lockdep_assert_held(&vdev->med.lock);

	if (!r->slots || r->nslots != len || !dsize || from >= len)
		return;
	while (n) {
		/* unreadable: the device cannot fetch them either; slots stay */
		descs = med_descs_read_locked(vdev, r->geo.ring_base, dsize, len,
					      from, n, &chunk);
		for (i = 0; descs && i < chunk; i++) {
			const u8 *d = descs + i * dsize;
			u64 qw1 = vfmig_get_le64(d + 8);
			u64 hdr = split ? qw1 & ~1ULL : 0;

			med_rx_slot_post_locked(vdev, r, &r->slots[from + i],
						vfmig_get_le64(d), hdr,
						full && (qw1 & VFMIG_RX_STATUS_DD));
		}
		from = (u16)((from + chunk) % len);
		n -= chunk;
	}
}

/* Hold the ring and every slot's buffers (bounded: one ring of reads). */
static void med_rxq_resync_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];

	lockdep_assert_held(&vdev->med.lock);

	if (!m->logging || !m->running ||
	    !(r->geo.flags & VFMIG_AGENT_GEO_CONFIGURED))
		return;
	if (med_slots_alloc_locked(vdev, &r->slots, &r->nslots, r->geo.ring_len))
		return;
	med_rxq_hold_ring_locked(vdev, q);
	med_rxq_scan_locked(vdev, q, 0, r->geo.ring_len, true);
	r->scan_epoch = m->epoch;
	m->stats.full_scans++;
}

/* Is the slot cache of RX queue @q complete for this log epoch? */
static bool med_rxq_tracked(const struct vfmig_mediate *m,
			    const struct vfmig_med_rxq *r)
{
	return (r->geo.flags & VFMIG_AGENT_GEO_CONFIGURED) && r->slots &&
	       r->nslots == r->geo.ring_len && r->scan_epoch == m->epoch;
}

/*
 * Mark the pending slots the device completed: their descriptor shows DD
 * (the device writes a buffer, then its descriptor). A slot the guest
 * already rewrote for its next posting shows no DD, and is marked when
 * that posting reaches a tail write, or at the stop.
 */
static void med_rxq_harvest_locked(struct vfmig_vfdev *vdev, u16 q)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u32 dsize = r->geo.desc_size;
	u16 len = r->geo.ring_len, from = 0;
	const u8 *descs;
	u32 chunk, i;

	lockdep_assert_held(&vdev->med.lock);

	if (!med_rxq_tracked(m, r) || !dsize)
		return;
	while (from < len) {
		/* unreadable: the slots stay pending, marked at the latest at the stop */
		descs = med_descs_read_locked(vdev, r->geo.ring_base, dsize, len,
					      from, len - from, &chunk);
		for (i = 0; descs && i < chunk; i++) {
			struct vfmig_med_slot *s = &r->slots[from + i];
			u64 qw1 = vfmig_get_le64(descs + i * dsize + 8);

			if (!med_live(m, s->epoch) || s->done ||
			    !(qw1 & VFMIG_RX_STATUS_DD))
				continue;
			med_rx_slot_mark_locked(vdev, r, s);
			m->stats.rx_completions++;
		}
		from += chunk;
	}
}

/*
 * The device stopped: it completed no slot in [head, tail) (it fills
 * buffers at its head, in order, and never passes the tail), so those stay
 * unmarked; every other pending slot may have been completed and is
 * marked. Without a head read after the stop, or a tail known since the
 * last full scan, every pending slot is marked. (A write cut short by the
 * disable leaves data under a descriptor not done, which no guest reads
 * and the destination device overwrites.)
 */
static void med_rxq_stop_locked(struct vfmig_vfdev *vdev, u16 q, bool head_ok)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u16 len = r->geo.ring_len, i;
	bool skip = head_ok && med_rxq_tracked(m, r) && r->tail_valid &&
		    r->tail < len && r->geo.head < len;

	lockdep_assert_held(&vdev->med.lock);

	if (!r->slots)
		return;
	for (i = 0; i < r->nslots; i++) {
		struct vfmig_med_slot *s = &r->slots[i];

		/* (i - head) mod len < (tail - head) mod len: i in [head, tail) */
		if (skip && (u16)((i + len - r->geo.head) % len) <
			    (u16)((r->tail + len - r->geo.head) % len)) {
			if (med_live(m, s->epoch) && !s->done)
				m->stats.rx_unreached++;
			continue;
		}
		med_rx_slot_mark_locked(vdev, r, s);
	}
}

static bool rxq_geo_same(const struct vfmig_agent_geo_rxq *a,
			 const struct vfmig_agent_geo_rxq *b)
{
	const u16 f = VFMIG_AGENT_GEO_CONFIGURED | VFMIG_AGENT_GEO_SPLIT;

	return a->ring_base == b->ring_base && a->ring_len == b->ring_len &&
	       a->desc_size == b->desc_size &&
	       a->data_buf_size == b->data_buf_size &&
	       a->hdr_buf_size == b->hdr_buf_size && !((a->flags ^ b->flags) & f);
}

static void med_rxq_update_locked(struct vfmig_vfdev *vdev, u16 q,
				  const struct vfmig_agent_geo_rxq *g)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];

	lockdep_assert_held(&vdev->med.lock);

	if (!rxq_geo_same(&r->geo, g)) {
		med_rxq_drop_locked(vdev, q);
		r->held_dlen = g->data_buf_size;
		r->held_hlen = g->flags & VFMIG_AGENT_GEO_SPLIT ? g->hdr_buf_size : 0;
	}
	r->geo = *g;
	r->gen = m->gen;
	if (r->scan_epoch != m->epoch)
		med_rxq_resync_locked(vdev, q);
}

/* ---- Mailbox queues ------------------------------------------------------------ */

static void med_aq_drop_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;
	u16 i;

	lockdep_assert_held(&vdev->med.lock);

	if (med_live(m, a->arq_ring_epoch))
		med_release_locked(vdev, a->held_arq_base, a->held_arq_len);
	if (med_live(m, a->atq_ring_epoch))
		med_release_locked(vdev, a->held_atq_base, a->held_atq_len);
	a->arq_ring_epoch = 0;
	a->atq_ring_epoch = 0;
	for (i = 0; i < a->nslots; i++) {
		struct vfmig_med_slot *s = &a->slots[i];

		if (med_live(m, s->epoch))
			med_release_locked(vdev, s->pkt, (u32)s->hdr);
		s->epoch = 0;
	}
	a->scan_epoch = 0;
	a->tail_valid = false;
}

static void med_aq_hold_rings_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;
	u64 len;

	lockdep_assert_held(&vdev->med.lock);

	if (a->arq_len && !med_live(m, a->arq_ring_epoch)) {
		len = (u64)a->arq_len * MED_AQ_DESC_SIZE;
		if (med_hold_locked(vdev, a->arq_base, len)) {
			a->held_arq_base = a->arq_base;
			a->held_arq_len = (u32)len;
			a->arq_ring_epoch = m->epoch;
		}
	}
	if (a->atq_len && !med_live(m, a->atq_ring_epoch)) {
		len = (u64)a->atq_len * MED_AQ_DESC_SIZE;
		if (med_hold_locked(vdev, a->atq_base, len)) {
			a->held_atq_base = a->atq_base;
			a->held_atq_len = (u32)len;
			a->atq_ring_epoch = m->epoch;
		}
	}
}

/*
 * ARQ slot @s now offers @addr (@len bytes): hold it, then end the hold of
 * what the slot offered before (the guest posts a slot again only after
 * the device completed it; the release leaves a final mark). The buffer
 * length is kept in slot.hdr.
 */
static void med_aq_slot_post_locked(struct vfmig_vfdev *vdev,
				    struct vfmig_med_slot *s, u64 addr, u32 len)
{
	struct vfmig_mediate *m = &vdev->med;
	bool ok;

	lockdep_assert_held(&vdev->med.lock);

	ok = med_hold_locked(vdev, addr, len);
	if (med_live(m, s->epoch))
		med_release_locked(vdev, s->pkt, (u32)s->hdr);
	s->pkt = addr;
	s->hdr = len;
	s->epoch = ok ? m->epoch : 0;
}

/*
 * ARQ slots [@from, @from + @n): a descriptor with FLAG_BUF offers a
 * buffer of datalen bytes, of which the device writes at most one message.
 */
static void med_aq_scan_locked(struct vfmig_vfdev *vdev, u16 from, u32 n)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;
	u16 len = a->arq_len;
	struct vfmig_aq_desc d;
	const u8 *descs;
	u32 chunk, i, blen;
	u64 addr;

	lockdep_assert_held(&vdev->med.lock);

	if (!a->slots || a->nslots != len || from >= len)
		return;
	while (n) {
		descs = med_descs_read_locked(vdev, a->arq_base, MED_AQ_DESC_SIZE,
					      len, from, n, &chunk);
		for (i = 0; descs && i < chunk; i++) {
			struct vfmig_med_slot *s = &a->slots[from + i];

			memcpy(&d, descs + i * MED_AQ_DESC_SIZE, sizeof(d));
			addr = 0;
			blen = 0;
			if (le16_to_cpu(d.flags) & VFMIG_AQ_FLAG_BUF) {
				addr = vfmig_aq_desc_addr(&d);
				blen = min_t(u32, le16_to_cpu(d.datalen),
					     VFMIG_AQ_MAX_BUF_SIZE);
			}
			med_aq_slot_post_locked(vdev, s, addr, blen);
		}
		from = (u16)((from + chunk) % len);
		n -= chunk;
	}
}

static void med_aq_resync_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;

	lockdep_assert_held(&vdev->med.lock);

	if (!m->logging || !m->running)
		return;
	med_aq_hold_rings_locked(vdev);
	if (a->arq_len) {
		if (med_slots_alloc_locked(vdev, &a->slots, &a->nslots, a->arq_len))
			return;
		med_aq_scan_locked(vdev, 0, a->arq_len);
		m->stats.full_scans++;
	}
	a->scan_epoch = m->epoch;
}

/* Base and length of an enabled mailbox queue; length 0 when it is off. */
static void aq_geometry(const struct vfmig_mbx_queue_regs *r, u64 *base, u16 *len)
{
	*base = ((u64)r->bah << 32) | r->bal;
	*len = (u16)(r->len & VFMIG_VF_AQLEN1_LEN_MASK);
	if (!(r->len & VFMIG_VF_AQLEN1_ENABLE) || !*base)
		*len = 0;
}

static void med_aq_update_locked(struct vfmig_vfdev *vdev,
				 const struct vfmig_mbx_regs *mbx)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;
	u64 arq_base, atq_base;
	u16 arq_len, atq_len;

	lockdep_assert_held(&vdev->med.lock);

	aq_geometry(&mbx->arq, &arq_base, &arq_len);
	aq_geometry(&mbx->atq, &atq_base, &atq_len);
	if (arq_base != a->arq_base || arq_len != a->arq_len ||
	    atq_base != a->atq_base || atq_len != a->atq_len) {
		med_aq_drop_locked(vdev);
		a->arq_base = arq_base;
		a->arq_len = arq_len;
		a->atq_base = atq_base;
		a->atq_len = atq_len;
	}
	a->gen = m->gen;
	if (a->scan_epoch != m->epoch)
		med_aq_resync_locked(vdev);
	else
		med_aq_hold_rings_locked(vdev);
}

/* ---- Geometry --------------------------------------------------------------------- */

/* One GEOMETRY query; every queue whose rings moved is dropped and held anew. */
static int med_refresh_locked(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	u16 q;
	int ret;

	lockdep_assert_held(&vdev->med.lock);
	m->stats.geometry_queries++;
	ret = vfmig_agent_call_geometry(&vdev->agent, vdev->vf, m->geo, NULL, 0);
	if (ret) {
		/* keep the old geometry and its holds: stale is safer than none */
		m->stats.geometry_errors++;
		return ret;
	}
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		med_txq_update_locked(vdev, q, &m->geo->txq[q]);
		med_rxq_update_locked(vdev, q, &m->geo->rxq[q]);
	}
	med_aq_update_locked(vdev, &m->geo->mbx);
	return 0;
}

/* ---- Tail writes ------------------------------------------------------------------ */

static void med_tx_tail_locked(struct vfmig_vfdev *vdev, u16 q, u32 val)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_txq *t = &m->txq[q];
	u32 tail = val & VFMIG_QTAIL1_TAIL_MASK;

	lockdep_assert_held(&vdev->med.lock);

	m->stats.tail_writes++;
	if (!m->logging)
		return;
	if (t->gen != m->gen)
		med_refresh_locked(vdev);
	if (!(t->geo.flags & VFMIG_AGENT_GEO_CONFIGURED))
		return;
	if (tail >= t->geo.ring_len)
		m->stats.bad_tails++;
	med_txq_hold_locked(vdev, q);
}

static void med_rx_tail_locked(struct vfmig_vfdev *vdev, u16 q, u32 val)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_rxq *r = &m->rxq[q];
	u16 tail = (u16)(val & VFMIG_QTAIL1_TAIL_MASK);
	u16 len;

	lockdep_assert_held(&vdev->med.lock);

	m->stats.tail_writes++;
	if (m->logging && r->gen != m->gen)
		med_refresh_locked(vdev);
	len = r->geo.ring_len;
	if (!m->logging || !(r->geo.flags & VFMIG_AGENT_GEO_CONFIGURED)) {
		/* remembered; a later resync reads the whole ring anyway */
		r->tail = tail;
		r->tail_valid = true;
		return;
	}
	if (tail >= len) {
		m->stats.bad_tails++;	/* ignored by the device */
		return;
	}
	if (r->scan_epoch != m->epoch || !r->tail_valid || r->tail >= len)
		med_rxq_resync_locked(vdev, q);
	else
		med_rxq_scan_locked(vdev, q, r->tail, (u32)(tail + len - r->tail) % len,
				    false);
	r->tail = tail;
	r->tail_valid = true;
}

static void med_arq_tail_locked(struct vfmig_vfdev *vdev, u32 val)
{
	struct vfmig_mediate *m = &vdev->med;
	struct vfmig_med_aq *a = &m->aq;
	u16 tail = (u16)(val & VFMIG_VF_AQ_HT_MASK);
	u16 len;

	lockdep_assert_held(&vdev->med.lock);

	m->stats.tail_writes++;
	/*
	 * A mailbox exchange just completed on the guest's side: the PF host
	 * may have (re)configured queues. Look now, while logging, so new
	 * rings are held before the device can be told to use them.
	 */
	m->gen++;
	if (m->logging)
		med_refresh_locked(vdev);
	len = a->arq_len;
	if (!m->logging || !len) {
		a->tail = tail;
		a->tail_valid = true;
		return;
	}
	if (tail >= len) {
		m->stats.bad_tails++;
		return;
	}
	if (a->scan_epoch != m->epoch || !a->tail_valid || a->tail >= len) {
		med_aq_resync_locked(vdev);
	} else {
		med_aq_hold_rings_locked(vdev);
		med_aq_scan_locked(vdev, a->tail, (u32)(tail + len - a->tail) % len);
	}
	a->tail = tail;
	a->tail_valid = true;
}

/* ---- Trapped accesses -------------------------------------------------------------- */

static int med_check_access(struct vfmig_vfdev *vdev, u64 offset, u32 size,
			    const char *op)
{
	const char *why = NULL;

	if (size != sizeof(u32))
		why = "only 32-bit accesses reach X710 registers";
	else if (offset & (sizeof(u32) - 1))
		why = "misaligned";
	else if (!vfmig_vf_bar0_trapped(offset))
		why = "not in a trapped page";
	if (!why)
		return 0;
	vfmig_mutex_lock(&vdev->med.lock);
	vdev->med.stats.bad_accesses++;
	vfmig_mutex_unlock(&vdev->med.lock);
	vfmig_dbg("vfmig VF %u: %u-byte %s at BAR0 %#llx refused: %s\n",
		  vdev->vf, size, op, (unsigned long long)offset, why);
	return -EINVAL;
}

int vfmig_vf_bar0_read(struct vfmig_vfdev *vdev, u64 offset, u64 *value,
		       u32 size)
{
	u32 val = 0;
	int ret;

	ret = med_check_access(vdev, offset, size, "read");
	if (ret)
		return ret;
	vfmig_mutex_lock(&vdev->med.lock);
	ret = vdev->ops->bar0_read(vdev->ctx, (u32)offset, &val);
	vdev->med.stats.reads++;
	vfmig_mutex_unlock(&vdev->med.lock);
	*value = val;
	return ret;
}

int vfmig_vf_bar0_write(struct vfmig_vfdev *vdev, u64 offset, u64 value,
			u32 size)
{
	struct vfmig_mediate *m = &vdev->med;
	u32 off = (u32)offset;
	u32 val = (u32)value;
	int ret;

	ret = med_check_access(vdev, offset, size, "write");
	if (ret)
		return ret;
	vfmig_mutex_lock(&m->lock);
	if (!m->running) {
		m->stats.writes_dropped++;
		vfmig_mutex_unlock(&m->lock);
		return 0;
	}
	/* track first: the device may act on the write as soon as it lands */
	if (off < VFMIG_QTX_TAIL1(VFMIG_MAX_QUEUE_PAIRS))
		med_tx_tail_locked(vdev, (u16)((off - VFMIG_QTX_TAIL1(0)) / 4), val);
	else if (off >= VFMIG_QRX_TAIL1(0) &&
		 off < VFMIG_QRX_TAIL1(VFMIG_MAX_QUEUE_PAIRS))
		med_rx_tail_locked(vdev, (u16)((off - VFMIG_QRX_TAIL1(0)) / 4), val);
	else if (off == VFMIG_VF_ARQT1)
		med_arq_tail_locked(vdev, val);
	else if (off == VFMIG_VF_ATQBAL1 || off == VFMIG_VF_ATQBAH1)
		m->gen++;	/* the ATQ moves; its length follows untrapped */
	ret = vdev->ops->bar0_write(vdev->ctx, off, val);
	m->stats.writes++;
	vfmig_mutex_unlock(&m->lock);
	return ret;
}

/* ---- Dirty logging -------------------------------------------------------------------- */

static void med_free_slots(struct vfmig_mediate *m)
{
	u16 q;

	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
		vfmig_free(m->rxq[q].slots);
		m->rxq[q].slots = NULL;
		m->rxq[q].nslots = 0;
		m->rxq[q].scan_epoch = 0;
	}
	vfmig_free(m->aq.slots);
	m->aq.slots = NULL;
	m->aq.nslots = 0;
	m->aq.scan_epoch = 0;
}

int vfmig_vf_log_start(struct vfmig_vfdev *vdev,
		       const struct vfmig_dirty_range *ranges, u32 nr,
		       u64 *page_size)
{
	struct vfmig_mediate *m = &vdev->med;
	int ret;

	vfmig_mutex_lock(&m->lock);
	ret = vfmig_dirty_start(vdev->dirty, ranges, nr, page_size);
	if (ret)
		goto out_unlock;
	m->logging = true;
	m->lost = false;
	med_epoch_bump(m);
	m->gen++;
	/* what a running device may write from now on: everything it was given */
	if (m->running)
		med_refresh_locked(vdev);
out_unlock:
	vfmig_mutex_unlock(&m->lock);
	return ret;
}

int vfmig_vf_log_stop(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	int ret;

	vfmig_mutex_lock(&m->lock);
	ret = vfmig_dirty_stop(vdev->dirty);
	m->logging = false;
	med_epoch_bump(m);
	med_free_slots(m);
	vfmig_mutex_unlock(&m->lock);
	return ret;
}

int vfmig_vf_log_read_and_clear(struct vfmig_vfdev *vdev, u64 iova,
				u64 length, const struct vfmig_dirty_out *out)
{
	struct vfmig_mediate *m = &vdev->med;
	u16 q;

	vfmig_mutex_lock(&m->lock);
	if (m->logging && m->running && !m->lost)
		for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++)
			med_rxq_harvest_locked(vdev, q);
	vfmig_mutex_unlock(&m->lock);
	if (READ_ONCE(m->lost))
		return -EIO;
	return vfmig_dirty_read_and_clear(vdev->dirty, iova, length, out);
}

void vfmig_vf_mediate_stats(struct vfmig_vfdev *vdev,
			    struct vfmig_mediate_stats *st)
{
	vfmig_mutex_lock(&vdev->med.lock);
	*st = vdev->med.stats;
	vfmig_mutex_unlock(&vdev->med.lock);
}

/* ---- Hooks for the arcs ------------------------------------------------------------ */

int vfmig_mediate_init(struct vfmig_mediate *med)
{
	memset(med, 0, sizeof(*med));
	med->geo = vfmig_zalloc(sizeof(*med->geo));
	if (!med->geo)
		return -ENOMEM;
	med->scratch = vfmig_alloc(MED_SCRATCH);
	if (!med->scratch) {
		vfmig_free(med->geo);
		return -ENOMEM;
	}
	vfmig_mutex_init(&med->lock);
	med->running = true;
	med->gen = 1;
	med->epoch = 1;
	return 0;
}

void vfmig_mediate_destroy(struct vfmig_mediate *med)
{
	med_free_slots(med);
	vfmig_free(med->scratch);
	vfmig_free(med->geo);
	vfmig_mutex_destroy(&med->lock);
}

void vfmig_mediate_device_stopped(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	u16 q;

	vfmig_mutex_lock(&m->lock);
	if (m->logging && m->running) {
		/*
		 * A last look: rings the cache missed are held, so marked
		 * below; the heads read now are where the device stopped.
		 */
		bool head_ok;

		m->gen++;
		head_ok = !med_refresh_locked(vdev);
		for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++) {
			med_rxq_harvest_locked(vdev, q);
			med_rxq_stop_locked(vdev, q, head_ok);
		}
	}
	if (m->logging) {
		vfmig_dirty_release_all(vdev->dirty);
		med_epoch_bump(m);
	}
	m->running = false;
	vfmig_mutex_unlock(&m->lock);
}

void vfmig_mediate_device_running(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;

	vfmig_mutex_lock(&m->lock);
	m->running = true;
	m->gen++;
	if (m->logging)
		med_refresh_locked(vdev);
	vfmig_mutex_unlock(&m->lock);
}

void vfmig_mediate_invalidate(struct vfmig_vfdev *vdev)
{
	vfmig_mutex_lock(&vdev->med.lock);
	vdev->med.gen++;
	vfmig_mutex_unlock(&vdev->med.lock);
}

void vfmig_mediate_reset(struct vfmig_vfdev *vdev)
{
	struct vfmig_mediate *m = &vdev->med;
	u16 q;

	vfmig_mutex_lock(&m->lock);
	if (m->logging) {
		/* what the device did before the reset is still to be sent */
		for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++)
			med_rxq_stop_locked(vdev, q, false);
		vfmig_dirty_release_all(vdev->dirty);
		med_epoch_bump(m);
	}
	for (q = 0; q < VFMIG_MAX_QUEUE_PAIRS; q++)
		m->rxq[q].tail_valid = false;
	m->aq.tail_valid = false;
	m->gen++;
	m->running = true;
	vfmig_mutex_unlock(&m->lock);
}
