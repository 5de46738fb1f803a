// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the PF's internal switch (the VEB i40e builds when SR-IOV is
 * on) and the port's TX queue.
 *
 * A frame a VF sends:
 *   - unicast to a MAC another VF holds as a filter (its VLAN filters
 *     permitting) goes to that VF only and never reaches the wire;
 *   - unicast to anyone else goes out of the port, and a copy to every
 *     VF in unicast promiscuous mode;
 *   - broadcast and multicast go out of the port and to every other VF whose
 *     filters take them.
 * A frame from the wire goes the same way, without the port. The sending VF
 * never receives its own frame.
 *
 * The port's TX side is a bounded queue the embedder drains with
 * vfmig_model_port_tx_pull(); when it is full the frame is dropped and
 * counted. Frames to the PF's own MAC are not diverted to a PF netdev (there
 * is none in the model); they leave through the port like any other.
 */
#include <vfmig/model_internal.h>

/* ---- port TX queue ----------------------------------------------------------- */

int vfmig_mdl_fifo_init(struct vfmig_mdl_fifo *f, u32 size)
{
	memset(f, 0, sizeof(*f));
	f->buf = vfmig_alloc(size);
	if (!f->buf)
		return -ENOMEM;
	f->size = size;
	return 0;
}

void vfmig_mdl_fifo_free(struct vfmig_mdl_fifo *f)
{
	vfmig_free(f->buf);
	memset(f, 0, sizeof(*f));
}

static void fifo_put(struct vfmig_mdl_fifo *f, const u8 *src, u32 len)
{
	u32 first = min_t(u32, len, f->size - f->wr);

	memcpy(f->buf + f->wr, src, first);
	memcpy(f->buf, src + first, len - first);
	f->wr = (f->wr + len) % f->size;
	f->used += len;
}

static void fifo_get(struct vfmig_mdl_fifo *f, u8 *dst, u32 len)
{
	u32 first = min_t(u32, len, f->size - f->rd);

	if (dst) {
		memcpy(dst, f->buf + f->rd, first);
		memcpy(dst + first, f->buf, len - first);
	}
	f->rd = (f->rd + len) % f->size;
	f->used -= len;
}

static void fifo_peek(const struct vfmig_mdl_fifo *f, u8 *dst, u32 len)
{
	u32 first = min_t(u32, len, f->size - f->rd);

	memcpy(dst, f->buf + f->rd, first);
	memcpy(dst + first, f->buf, len - first);
}

int vfmig_mdl_fifo_push(struct vfmig_mdl_fifo *f, const u8 *data, u32 len)
{
	u8 hdr[4];

	if (f->frames >= VFMIG_MDL_PORT_TXQ_FRAMES ||
	    f->size - f->used < len + sizeof(hdr))
		return -ENOSPC;
	vfmig_put_le32(hdr, len);
	fifo_put(f, hdr, sizeof(hdr));
	fifo_put(f, data, len);
	f->frames++;
	return 0;
}

int vfmig_mdl_fifo_pull(struct vfmig_mdl_fifo *f, u8 *buf, u32 len)
{
	u8 hdr[4];
	u32 flen;

	if (!f->frames)
		return 0;
	fifo_peek(f, hdr, sizeof(hdr));
	flen = vfmig_get_le32(hdr);
	if (!buf || len < flen)
		return -ENOSPC;
	fifo_get(f, NULL, sizeof(hdr));
	fifo_get(f, buf, flen);
	f->frames--;
	return (int)flen;
}

/* ---- switching ------------------------------------------------------------- */

static void to_port(struct vfmig_model_pf *pf, const u8 *frame, u32 len)
{
	if (vfmig_mdl_fifo_push(&pf->port_txq, frame, len)) {
		pf->port_stats.tx_drops++;
		return;
	}
	pf->port_stats.tx_frames++;
	pf->port_stats.tx_bytes += len;
}

static void deliver(struct vfmig_mdl_vf *vf, const struct vfmig_mdl_frame *f)
{
	if (f->from_vf)
		vf->pf->port_stats.switched++;
	vfmig_mdl_rx_deliver(vf, f);
}

static void filtered(struct vfmig_mdl_vf *vf)
{
	if (vf->host.state & VFMIG_MDL_HOST_INIT)
		vf->stats.rx_filtered++;
}

/*
 * Offer @f to every VF but @src. Returns true when a unicast frame found its
 * owner (it then stays inside the PF), and counts deliveries in @copies.
 */
static bool offer(struct vfmig_model_pf *pf, struct vfmig_mdl_vf *src,
		  const struct vfmig_mdl_frame *f, u32 *copies)
{
	bool unicast = !(f->data[0] & 1), owned = false;
	struct vfmig_mdl_vf *vf;
	u16 i;

	*copies = 0;
	if (unicast) {
		for (i = 0; i < pf->cfg.num_vfs; i++) {
			vf = &pf->vf[i];
			if (vf == src || !vfmig_mdl_rx_accepts(vf, f) ||
			    vfmig_mdl_host_mac_find(&vf->host, f->data) < 0)
				continue;
			deliver(vf, f);
			(*copies)++;
			owned = true;
		}
		if (owned)
			return true;
	}
	/* flood: multicast, broadcast, unknown unicast to promiscuous VFs */
	for (i = 0; i < pf->cfg.num_vfs; i++) {
		vf = &pf->vf[i];
		if (vf == src)
			continue;
		if (!vfmig_mdl_rx_accepts(vf, f)) {
			filtered(vf);
			continue;
		}
		deliver(vf, f);
		(*copies)++;
	}
	return false;
}

void vfmig_mdl_switch_from_vf(struct vfmig_mdl_vf *src, const u8 *frame,
			      u32 len)
{
	struct vfmig_mdl_frame f = { .data = frame, .len = len, .from_vf = true };
	u32 copies;

	if (!offer(src->pf, src, &f, &copies))
		to_port(src->pf, frame, len);
}

void vfmig_mdl_switch_from_port(struct vfmig_model_pf *pf, const u8 *frame,
				u32 len)
{
	struct vfmig_mdl_frame f = { .data = frame, .len = len, .from_vf = false };
	u32 copies;

	offer(pf, NULL, &f, &copies);
	if (!copies)
		pf->port_stats.rx_unmatched++;
}
