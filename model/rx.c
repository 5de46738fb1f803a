// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: VF receive filters, RSS queue selection and the RX engine.
 *
 * Filters (the VF VSI's MAC/VLAN filters as i40e programs them):
 *   - with a port VLAN the VSI only takes frames tagged with it, and strips
 *     the tag silently;
 *   - otherwise a tagged frame (VLAN id != 0) needs a VLAN filter for its id
 *     once the VF has any VLAN filter (before that i40e's MAC filters are
 *     "any VLAN");
 *   - broadcast needs the broadcast filter (i40e always installs it),
 *     multicast needs a MAC filter or multicast promiscuous mode, unicast
 *     needs a MAC filter or unicast promiscuous mode (trusted VFs only).
 *
 * RSS: the packet's PCTYPE (enum i40e_filter_pctype) is looked up in the VF's
 * VFQF_HENA; when enabled, the Toeplitz hash of the VF's VFQF_HKEY over
 * source and destination IP (and TCP/UDP/SCTP ports for those types) picks
 * VFQF_HLUT[hash & 63]; otherwise queue 0. The hash is reported in the
 * descriptor with FLTSTAT = RSS_HASH.
 *
 * Engine: the frame needs ceil(len / dbuff) descriptors between head and
 * tail, all of them, or it is dropped (rx_no_desc_drops); the data is DMA
 * written to each descriptor's pkt_addr, then each descriptor is written back
 * in the queue's format (32-byte when dsize = 1, 16-byte otherwise) with DD,
 * EOF on the last, the buffer's length, the PTYPE and, on the last, the
 * stripped VLAN (L2TAG1P) and RSS hash. The head advances and the queue's RX
 * cause is raised. A DMA fault stops the queue (QENA cleared).
 *
 * Not modelled: header split (split modes place everything in the data
 * buffer), CRC left in the buffer (crcstrip = 0 behaves as 1: frames carry
 * no CRC in the model), checksum offload (L3L4P is never set, so drivers
 * verify checksums themselves), flow director, FCoE, timestamps, tunnels.
 */
#include <vfmig/model_internal.h>

struct rx_info {
	bool tagged;
	u16 tci;
	u16 etype;		/* after the tag, if any */
	u8 ptype;
	int pctype;		/* -1: no hashable type */
	u8 hin[36];		/* hash input: addresses then ports */
	u32 hin_len;
	u8 cast;		/* UMBCAST: 0 unicast, 1 multicast, 2 broadcast */
};

static u16 be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static bool is_bcast(const u8 *a)
{
	return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}

static void parse_l4(const u8 *f, u32 len, u32 l4, u8 proto, bool frag,
		     struct rx_info *in, bool v6)
{
	static const u8 ptype4[] = { VFMIG_RX_PTYPE_IPV4_TCP,
				     VFMIG_RX_PTYPE_IPV4_UDP,
				     VFMIG_RX_PTYPE_IPV4_SCTP,
				     VFMIG_RX_PTYPE_IPV4_ICMP,
				     VFMIG_RX_PTYPE_IPV4,
				     VFMIG_RX_PTYPE_IPV4_FRAG };
	static const u8 ptype6[] = { VFMIG_RX_PTYPE_IPV6_TCP,
				     VFMIG_RX_PTYPE_IPV6_UDP,
				     VFMIG_RX_PTYPE_IPV6_SCTP,
				     VFMIG_RX_PTYPE_IPV6_ICMP,
				     VFMIG_RX_PTYPE_IPV6,
				     VFMIG_RX_PTYPE_IPV6_FRAG };
	static const int pct4[] = { VFMIG_PCTYPE_NONF_IPV4_TCP,
				    VFMIG_PCTYPE_NONF_IPV4_UDP,
				    VFMIG_PCTYPE_NONF_IPV4_SCTP,
				    VFMIG_PCTYPE_NONF_IPV4_OTHER,
				    VFMIG_PCTYPE_NONF_IPV4_OTHER,
				    VFMIG_PCTYPE_FRAG_IPV4 };
	static const int pct6[] = { VFMIG_PCTYPE_NONF_IPV6_TCP,
				    VFMIG_PCTYPE_NONF_IPV6_UDP,
				    VFMIG_PCTYPE_NONF_IPV6_SCTP,
				    VFMIG_PCTYPE_NONF_IPV6_OTHER,
				    VFMIG_PCTYPE_NONF_IPV6_OTHER,
				    VFMIG_PCTYPE_FRAG_IPV6 };
	int k;

	if (frag)
		k = 5;
	else if (proto == 6)
		k = 0;
	else if (proto == 17)
		k = 1;
	else if (proto == 132)
		k = 2;
	else if (proto == (v6 ? 58 : 1))
		k = 3;
	else
		k = 4;
	in->ptype = v6 ? ptype6[k] : ptype4[k];
	in->pctype = v6 ? pct6[k] : pct4[k];
	if (k <= 2 && l4 + 4 <= len) {
		memcpy(in->hin + in->hin_len, f + l4, 4);	/* sport, dport */
		in->hin_len += 4;
	}
}

static void parse(const u8 *f, u32 len, struct rx_info *in)
{
	u32 off = VFMIG_ETH_HLEN, ihl;

	memset(in, 0, sizeof(*in));
	in->pctype = VFMIG_PCTYPE_L2_PAYLOAD;
	in->ptype = VFMIG_RX_PTYPE_L2_PAY2;
	in->cast = is_bcast(f) ? 2 : (f[0] & 1);
	in->etype = be16(f + 12);
	if (in->etype == VFMIG_ETH_P_8021Q && len >= VFMIG_ETH_HLEN + VFMIG_VLAN_HLEN) {
		in->tagged = true;
		in->tci = be16(f + 14);
		in->etype = be16(f + 16);
		off += VFMIG_VLAN_HLEN;
	}
	if (in->etype == VFMIG_ETH_P_IP && off + 20 <= len && (f[off] >> 4) == 4) {
		ihl = (f[off] & 0xf) * 4u;
		if (ihl < 20 || off + ihl > len)
			return;
		memcpy(in->hin, f + off + 12, 8);
		in->hin_len = 8;
		parse_l4(f, len, off + ihl, f[off + 9],
			 (be16(f + off + 6) & 0x3fff) != 0, in, false);
	} else if (in->etype == VFMIG_ETH_P_IPV6 && off + 40 <= len &&
		   (f[off] >> 4) == 6) {
		memcpy(in->hin, f + off + 8, 32);
		in->hin_len = 32;
		parse_l4(f, len, off + 40, f[off + 6], f[off + 6] == 44, in, true);
	}
}

/*
 * The Toeplitz hash: for every set bit of the input, xor in the 32 key bits
 * starting at that bit's position (Microsoft RSS, as the X710 computes it).
 */
u32 vfmig_mdl_toeplitz(const u8 *key, u32 key_len, const u8 *in, u32 len)
{
	u32 hash = 0, window = 0, i, b, kbit;

	for (i = 0; i < 4; i++)
		window = (window << 8) | (i < key_len ? key[i] : 0);
	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			if (in[i] & (0x80 >> b))
				hash ^= window;
			kbit = 32 + i * 8 + b;
			window <<= 1;
			if (kbit / 8 < key_len)
				window |= (key[kbit / 8] >> (7 - kbit % 8)) & 1;
		}
	}
	return hash;
}

/* ---- filters --------------------------------------------------------------- */

bool vfmig_mdl_rx_accepts(struct vfmig_mdl_vf *vf,
			  const struct vfmig_mdl_frame *f)
{
	const struct vfmig_mdl_host *h = &vf->host;
	const u8 *dst = f->data;
	bool tagged = false;
	u16 vid = 0;

	if (!(h->state & VFMIG_MDL_HOST_INIT) || vfmig_mdl_in_reset(vf))
		return false;
	if (f->len >= VFMIG_ETH_HLEN + VFMIG_VLAN_HLEN &&
	    be16(f->data + 12) == VFMIG_ETH_P_8021Q) {
		tagged = true;
		vid = be16(f->data + 14) & VFMIG_VLAN_ID_MASK;
	}
	if (h->port_vlan) {
		if (!tagged || vid != (h->port_vlan & VFMIG_VLAN_ID_MASK))
			return false;
	} else if (tagged && vid && h->num_vlans &&
		   !vfmig_mdl_host_vlan_has(h, vid)) {
		return false;
	}
	if (is_bcast(dst))
		return vfmig_mdl_host_mac_find(h, dst) >= 0;
	if (dst[0] & 1)
		return (h->promisc & VFMIG_PROMISC_MULTICAST) ||
		       vfmig_mdl_host_mac_find(h, dst) >= 0;
	return vfmig_mdl_host_mac_find(h, dst) >= 0 ||
	       (h->promisc & VFMIG_PROMISC_UNICAST);
}

/* ---- engine ---------------------------------------------------------------- */

static u16 rss_queue(struct vfmig_mdl_vf *vf, const struct rx_info *in,
		     bool *hashed, u32 *hash)
{
	u8 key[VFMIG_MDL_RSS_KEY_SIZE];
	u32 i;

	*hashed = false;
	*hash = 0;
	if (in->pctype < 0 || !(vfmig_mdl_rss_hena(vf) & BIT_ULL(in->pctype)))
		return 0;
	for (i = 0; i < VFMIG_MDL_RSS_KEY_SIZE; i++)
		key[i] = vfmig_mdl_rss_key_byte(vf, i);
	*hash = vfmig_mdl_toeplitz(key, sizeof(key), in->hin, in->hin_len);
	*hashed = true;
	return vfmig_mdl_rss_lut_entry(vf, *hash & (VFMIG_MDL_RSS_LUT_SIZE - 1));
}

static void rx_drop(struct vfmig_mdl_vf *vf, u64 *counter)
{
	(*counter)++;
	vf->host.eth.rx_discards++;
}

static int write_back(struct vfmig_mdl_vf *vf, const struct vfmig_hmc_rxq *c,
		      u64 daddr, u64 qw1, u16 l2tag1, u32 rss)
{
	union vfmig_rx_desc d;

	memset(&d, 0, sizeof(d));
	d.wb.l2tag1 = cpu_to_le16(l2tag1);
	d.wb.rss = cpu_to_le32(rss);
	d.wb.status_error_len = cpu_to_le64(qw1);
	return vfmig_mdl_dma_write(vf, daddr, &d,
				   c->dsize ? VFMIG_RX_DESC_SIZE :
					      VFMIG_RX_DESC16_SIZE,
				   VFMIG_ENG_RX_DESC_WB);
}

/* Put one accepted frame (tags already handled) into queue @q. */
static void rx_queue(struct vfmig_mdl_vf *vf, u16 q, const u8 *data, u32 len,
		     const struct rx_info *in, bool hashed, u32 hash,
		     bool stripped, u16 tci)
{
	struct vfmig_mdl_rxq *rq = vfmig_mdl_rxq(vf, q);
	struct vfmig_hmc_rxq *c = &rq->ctx;
	struct vfmig_mdl_host *h = &vf->host;
	u32 bufsz, need, avail, i, off = 0, chunk, dsz, idx;
	u16 tail = vf->qrx_tail[q];
	struct vfmig_rx_desc16_read rd;
	u64 status, daddr;
	bool last;

	if (!vfmig_mdl_rxq_running(rq) || !c->qlen || rq->tail_bad ||
	    tail >= c->qlen || c->head >= c->qlen) {
		rx_drop(vf, &vf->stats.rx_disabled_drops);
		return;
	}
	bufsz = (u32)c->dbuff << VFMIG_HMC_RXQ_DBUFF_SHIFT;
	if (len > c->rxmax || !bufsz) {
		rx_drop(vf, &vf->stats.rx_oversize);
		return;
	}
	need = DIV_ROUND_UP(len, bufsz);
	avail = (tail + c->qlen - c->head) % c->qlen;
	if (avail < need) {
		rx_drop(vf, &vf->stats.rx_no_desc_drops);
		return;
	}
	dsz = c->dsize ? VFMIG_RX_DESC_SIZE : VFMIG_RX_DESC16_SIZE;
	for (i = 0; i < need; i++) {
		idx = (c->head + i) % c->qlen;
		daddr = c->base * VFMIG_HMC_BASE_UNIT + (u64)idx * dsz;
		last = i + 1 == need;
		chunk = min_t(u32, bufsz, len - off);
		if (vfmig_mdl_dma_read(vf, daddr, &rd, sizeof(rd)) ||
		    vfmig_mdl_dma_write(vf, le64_to_cpu(rd.pkt_addr), data + off,
					chunk, VFMIG_ENG_RX_DATA))
			goto err_fault;
		status = VFMIG_RX_STATUS_DD;
		if (last) {
			status |= VFMIG_RX_STATUS_EOF |
				  ((u64)in->cast << VFMIG_RX_STATUS_UMBCAST_SHIFT);
			if (stripped)
				status |= VFMIG_RX_STATUS_L2TAG1P;
			if (hashed)
				status |= (u64)VFMIG_RX_FLTSTAT_RSS_HASH <<
					  VFMIG_RX_STATUS_FLTSTAT_SHIFT;
		}
		if (write_back(vf, c, daddr,
			       vfmig_rx_build_qw1(status, 0, in->ptype, chunk, 0,
						  false),
			       last && stripped ? tci : 0,
			       last && hashed ? hash : 0))
			goto err_fault;
		off += chunk;
	}
	c->head = (c->head + need) % c->qlen;
	vf->stats.rx_packets++;
	vf->stats.rx_bytes += len;
	h->eth.rx_bytes += len;
	if (in->cast == 2)
		h->eth.rx_broadcast++;
	else if (in->cast == 1)
		h->eth.rx_multicast++;
	else
		h->eth.rx_unicast++;
	vf->pf->work += need;
	vfmig_mdl_irq_queue_cause(vf, q, true);
	return;

err_fault:
	vf->host.eth.rx_discards++;
	vfmig_mdl_queue_stop(vf, q, true);
	vfmig_warn("model: VF %u RX queue %u stopped on a DMA fault", vf->id, q);
}

void vfmig_mdl_rx_deliver(struct vfmig_mdl_vf *vf,
			  const struct vfmig_mdl_frame *f)
{
	const struct vfmig_mdl_host *h = &vf->host;
	const u8 *data = f->data;
	u32 len = f->len, hash;
	struct rx_info in;
	bool strip, hashed;
	u16 tci = 0, q;

	parse(data, len, &in);
	/* port VLAN: always stripped, never shown; else per VLAN stripping */
	strip = in.tagged && (h->port_vlan || (h->flags & VFMIG_VF_VLAN_STRIP));
	if (strip) {
		u8 *buf = vf->pf->rxbuf;

		tci = in.tci;
		memcpy(buf, data, 2 * VFMIG_ETH_ALEN);
		memcpy(buf + 2 * VFMIG_ETH_ALEN,
		       data + 2 * VFMIG_ETH_ALEN + VFMIG_VLAN_HLEN,
		       len - 2 * VFMIG_ETH_ALEN - VFMIG_VLAN_HLEN);
		data = buf;
		len -= VFMIG_VLAN_HLEN;
		parse(data, len, &in);
	}
	q = rss_queue(vf, &in, &hashed, &hash);
	rx_queue(vf, q, data, len, &in, hashed, hash,
		 strip && !h->port_vlan, tci);
}
