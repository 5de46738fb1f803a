// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 model: the TX engine of one VF queue.
 *
 * From the context's head to the VF's tail, descriptor chains are fetched
 * up to the data descriptor with EOP; the data buffers are read by DMA and
 * concatenated into one frame, which goes to the internal switch (another
 * VF, or out of the port). Completion: every descriptor with CMD_RS gets
 * qword 1 written back with DTYPE = DESC_DONE, or, when the context enables
 * head write-back, the head (the next descriptor to fetch) is written as a
 * little-endian u32 to head_wb_addr instead. The head advances past the
 * chain and the queue's TX cause is raised when anything was reported.
 *
 * Hostile rings cost bounded work: a chain is at most VFMIG_MDL_TX_MAX_CHAIN
 * descriptors and at most VFMIG_TX_MAX_BUFFER_TXD data buffers (a longer one
 * is consumed as malformed, like the hardware's malicious-driver detection
 * would flag it); a data descriptor of size 0, an unknown or
 * device-owned DTYPE, or a frame over VFMIG_MAX_FRAME bytes makes the chain
 * malformed: it is skipped and counted, never sent. A chain without EOP
 * that is still shorter than the window waits for the driver to post the
 * rest. A DMA fault stops the queue (QENA cleared) and is counted.
 *
 * Not modelled: TSO and checksum offloads (context descriptors are skipped,
 * the frame goes out as the buffers hold it), the TX scheduler and rate
 * limits, flow director programming descriptors (malformed for a VF).
 * Frames shorter than 60 bytes are padded with zeros, as the MAC does.
 */
#include <vfmig/model_internal.h>

static u64 ring_addr(const struct vfmig_hmc_txq *c, u32 idx)
{
	return c->base * VFMIG_HMC_BASE_UNIT + (u64)idx * VFMIG_TX_DESC_SIZE;
}

static void stop_queue(struct vfmig_mdl_vf *vf, u16 q)
{
	vfmig_mdl_queue_stop(vf, q, false);
	vfmig_warn("model: VF %u TX queue %u stopped on a DMA fault", vf->id, q);
}

/* Fetch descriptors from head until EOP or the window ends. */
static int fetch_chain(struct vfmig_mdl_vf *vf, struct vfmig_mdl_txq *tq,
		       u32 avail, struct vfmig_mdl_tx_chain *ch)
{
	const struct vfmig_hmc_txq *c = &tq->ctx;
	u32 limit = min_t(u32, avail, VFMIG_MDL_TX_MAX_CHAIN);
	u32 i, idx;

	ch->n = 0;
	ch->eop = false;
	for (i = 0; i < limit; i++) {
		idx = (c->head + i) % c->qlen;
		if (vfmig_mdl_dma_read(vf, ring_addr(c, idx), &ch->d[i],
				       VFMIG_TX_DESC_SIZE))
			return -EFAULT;
		ch->qw1[i] = le64_to_cpu(ch->d[i].cmd_type_offset_bsz);
		ch->n = i + 1;
		if (vfmig_tx_qw1_dtype(ch->qw1[i]) == VFMIG_TX_DESC_DTYPE_DATA &&
		    (vfmig_tx_qw1_cmd(ch->qw1[i]) & VFMIG_TX_DESC_CMD_EOP)) {
			ch->eop = true;
			break;
		}
	}
	return 0;
}

/*
 * Assemble the chain's buffers into pf->txbuf. Returns the frame length, 0
 * for a malformed chain (counted), -EFAULT on a DMA fault.
 */
static int assemble(struct vfmig_mdl_vf *vf, const struct vfmig_mdl_tx_chain *ch,
		    u16 *vlan_tag, bool *vlan)
{
	u8 *buf = vf->pf->txbuf;
	u32 i, len = 0, ndata = 0, size, dtype;

	*vlan = false;
	for (i = 0; i < ch->n; i++) {
		dtype = vfmig_tx_qw1_dtype(ch->qw1[i]);
		if (dtype == VFMIG_TX_DESC_DTYPE_CONTEXT)
			continue;	/* TSO/L2TAG2 context: not modelled */
		if (dtype != VFMIG_TX_DESC_DTYPE_DATA)
			goto malformed;
		size = vfmig_tx_qw1_size(ch->qw1[i]);
		if (!size || ++ndata > VFMIG_TX_MAX_BUFFER_TXD)
			goto malformed;
		if (len + size > VFMIG_MAX_FRAME) {
			vf->stats.tx_dropped++;
			vf->host.eth.tx_errors++;
			return 0;
		}
		if (vfmig_mdl_dma_read(vf, le64_to_cpu(ch->d[i].buffer_addr),
				       buf + len, size))
			return -EFAULT;
		if (!*vlan && (vfmig_tx_qw1_cmd(ch->qw1[i]) &
			       VFMIG_TX_DESC_CMD_IL2TAG1)) {
			*vlan = true;
			*vlan_tag = vfmig_tx_qw1_l2tag1(ch->qw1[i]);
		}
		len += size;
	}
	if (!ch->eop)
		goto malformed;
	if (len < VFMIG_TX_MIN_LEN) {
		vf->stats.tx_dropped++;
		vf->host.eth.tx_errors++;
		return 0;
	}
	return (int)len;

malformed:
	vf->stats.tx_malformed++;
	vf->host.eth.tx_errors++;
	return 0;
}

static u32 insert_tag(u8 *buf, u32 len, u16 tci)
{
	memmove(buf + 2 * VFMIG_ETH_ALEN + VFMIG_VLAN_HLEN,
		buf + 2 * VFMIG_ETH_ALEN, len - 2 * VFMIG_ETH_ALEN);
	buf[12] = VFMIG_ETH_P_8021Q >> 8;
	buf[13] = VFMIG_ETH_P_8021Q & 0xff;
	buf[14] = (u8)(tci >> 8);
	buf[15] = (u8)tci;
	return len + VFMIG_VLAN_HLEN;
}

/* Spoof check: the source MAC must be one of the VF's unicast addresses. */
static bool spoofed(struct vfmig_mdl_vf *vf, const u8 *frame)
{
	const struct vfmig_mdl_host *h = &vf->host;

	if (!(h->flags & VFMIG_VF_SPOOFCHK))
		return false;
	if (frame[6] & 1)
		return true;
	return vfmig_mdl_host_mac_find(h, frame + 6) < 0;
}

static void send_frame(struct vfmig_mdl_vf *vf, u32 len, bool vlan, u16 tag)
{
	struct vfmig_mdl_host *h = &vf->host;
	u8 *buf = vf->pf->txbuf;

	if (spoofed(vf, buf)) {
		vf->stats.tx_dropped++;
		h->eth.tx_discards++;
		return;
	}
	if (h->port_vlan)
		len = insert_tag(buf, len, h->port_vlan);	/* PVID insert */
	else if (vlan)
		len = insert_tag(buf, len, tag);
	if (len < VFMIG_ETH_ZLEN) {
		memset(buf + len, 0, VFMIG_ETH_ZLEN - len);
		len = VFMIG_ETH_ZLEN;
	}
	vf->stats.tx_packets++;
	vf->stats.tx_bytes += len;
	h->eth.tx_bytes += len;
	if (!(buf[0] & 1))
		h->eth.tx_unicast++;
	else if (!memcmp(buf, "\xff\xff\xff\xff\xff\xff", VFMIG_ETH_ALEN))
		h->eth.tx_broadcast++;
	else
		h->eth.tx_multicast++;
	vfmig_mdl_switch_from_vf(vf, buf, len);
}

/* Report completion of the chain's RS descriptors. 0 or -EFAULT. */
static int complete_chain(struct vfmig_mdl_vf *vf, u16 q,
			  struct vfmig_mdl_txq *tq, const struct vfmig_mdl_tx_chain *ch,
			  u32 first, bool *reported)
{
	const struct vfmig_hmc_txq *c = &tq->ctx;
	u32 i, idx, last_rs = 0;
	__le64 done = cpu_to_le64(VFMIG_TX_DESC_DTYPE_DESC_DONE);
	__le32 head;
	bool rs = false;

	for (i = 0; i < ch->n; i++) {
		if (vfmig_tx_qw1_dtype(ch->qw1[i]) != VFMIG_TX_DESC_DTYPE_DATA ||
		    !(vfmig_tx_qw1_cmd(ch->qw1[i]) & VFMIG_TX_DESC_CMD_RS))
			continue;
		rs = true;
		last_rs = i;
		if (c->head_wb_ena)
			continue;
		idx = (first + i) % c->qlen;
		if (vfmig_mdl_dma_write(vf, ring_addr(c, idx) + 8, &done,
					sizeof(done), VFMIG_ENG_TX_DESC_WB))
			return -EFAULT;
	}
	if (rs && c->head_wb_ena) {
		head = cpu_to_le32((first + last_rs + 1) % c->qlen);
		if (vfmig_mdl_dma_write(vf, c->head_wb_addr, &head, sizeof(head),
					VFMIG_ENG_TX_HEAD_WB))
			return -EFAULT;
	}
	*reported = rs;
	return 0;
}

void vfmig_mdl_tx_step(struct vfmig_mdl_vf *vf, u16 q, u32 budget)
{
	struct vfmig_mdl_txq *tq = vfmig_mdl_txq(vf, q);
	struct vfmig_hmc_txq *c = &tq->ctx;
	struct vfmig_mdl_tx_chain *ch;
	bool reported, any = false, vlan;
	u32 used = 0, avail, first;
	u16 tail = vf->qtx_tail[q], tag = 0;
	int len;

	if (!vfmig_mdl_txq_running(tq) || !c->qlen || tq->tail_bad ||
	    tail >= c->qlen || c->head >= c->qlen || c->head == tail)
		return;
	ch = vf->pf->chain;
	while (used < budget && c->head != tail && vfmig_mdl_txq_running(tq)) {
		avail = (tail + c->qlen - c->head) % c->qlen;
		if (fetch_chain(vf, tq, avail, ch))
			goto err_fault;
		if (!ch->eop && ch->n < VFMIG_MDL_TX_MAX_CHAIN)
			break;		/* the driver has not posted EOP yet */
		len = assemble(vf, ch, &tag, &vlan);
		if (len < 0)
			goto err_fault;
		if (len > 0)
			send_frame(vf, (u32)len, vlan, tag);
		first = c->head;
		c->head = (c->head + ch->n) % c->qlen;
		used += ch->n;
		vf->pf->work += ch->n;
		if (complete_chain(vf, q, tq, ch, first, &reported))
			goto err_fault;
		any |= reported;
	}
	goto out;

err_fault:
	vf->stats.tx_dropped++;
	stop_queue(vf, q);
out:
	if (any)
		vfmig_mdl_irq_queue_cause(vf, q, false);
}
