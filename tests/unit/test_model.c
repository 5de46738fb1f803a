// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the X710 model (model/), driven the way a VF driver drives the
 * hardware: raw BAR0 accesses, admin-queue descriptors and LAN descriptors
 * built by hand in a guest RAM array, frames on the PF's port. Every test
 * asserts what a driver or the wire would observe: bytes in guest memory,
 * register values, frames.
 *
 * The embedder here gives each VF its own guest RAM (calloc'd, identity
 * IOVA, bounds-checked DMA) and a recorder that checks every DMA write the
 * model reports against the regions the test posted to the device.
 */
#include "harness.h"
#include <vfmig/model.h>
#include <vfmig/pf_hw.h>
#include <vfmig/virtchnl.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_adminq.h>
#include <vfmig/x710_txrx.h>

/* ---- guest memory layout (per VF) --------------------------------------------- */

#define RAM_SIZE	(4u << 20)
#define ATQ_RING	0x001000ull
#define ARQ_RING	0x002000ull
#define ATQ_BUF(i)	(0x010000ull + (u64)(i) * 4096)
#define ARQ_BUF(i)	(0x030000ull + (u64)(i) * 4096)
#define AQ_LEN		32
#define TX_RING(q)	(0x050000ull + (u64)(q) * 0x4000)
#define RX_RING(q)	(0x090000ull + (u64)(q) * 0x8000)
#define HEAD_WB(q)	(0x110000ull + (u64)(q) * 64)
#define TX_BUF(q, i)	(0x120000ull + (u64)(q) * 0x40000 + (u64)(i) * 1024)
#define RX_BUF(q, i, sz) (0x220000ull + (u64)(q) * 0x70000 + (u64)(i) * (sz))
#define RX_BUF_END	0x400000ull

#define MAX_REGIONS	256

struct region {
	u64 start;
	u64 len;
};

struct vctx {
	struct tenv *e;
	u16 vf;
	u8 *ram;
	struct region allowed[MAX_REGIONS];
	int nallowed;
	u64 writes;
	u64 bad_writes;
	u64 eng[VFMIG_ENG_NUM];
	u32 irqs[VFMIG_VF_MAX_MSIX];
	/* driver-side ring state */
	u16 atq_ntu, arq_ntc;
	u16 tx_ntu[VFMIG_VF_MAX_QP], tx_len[VFMIG_VF_MAX_QP];
	u16 rx_tail[VFMIG_VF_MAX_QP], rx_ntc[VFMIG_VF_MAX_QP], rx_len[VFMIG_VF_MAX_QP];
	u32 rx_bufsz;
	u16 vsi_id;
	u16 num_qps;
	u8 mac[6];
	/* last EVENT seen by vc_call */
	struct virtchnl_pf_event last_event;
	int events;
};

struct tenv {
	struct vfmig_model_pf *pf;
	struct vfmig_model_cfg cfg;
	u64 now;
	struct vctx v[4];
	int nvf;
};

static const struct vfmig_pf_hw_ops *hw = &vfmig_model_pf_hw_ops;

/* ---- DMA callbacks --------------------------------------------------------------- */

static int t_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vctx *c = ctx;

	if (iova > RAM_SIZE || len > RAM_SIZE - iova)
		return -EFAULT;
	memcpy(buf, c->ram + iova, len);
	return 0;
}

static int t_dma_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vctx *c = ctx;

	if (iova > RAM_SIZE || len > RAM_SIZE - iova)
		return -EFAULT;
	memcpy(c->ram + iova, buf, len);
	return 0;
}

static void t_irq(void *ctx, u16 vector)
{
	struct vctx *c = ctx;

	if (vector < VFMIG_VF_MAX_MSIX)
		c->irqs[vector]++;
}

static void t_record(void *ctx, u64 iova, u32 len, enum vfmig_model_engine eng)
{
	struct vctx *c = ctx;
	int i;

	c->writes++;
	if (eng < VFMIG_ENG_NUM)
		c->eng[eng]++;
	for (i = 0; i < c->nallowed; i++)
		if (iova >= c->allowed[i].start &&
		    iova + len <= c->allowed[i].start + c->allowed[i].len)
			return;
	c->bad_writes++;
	printf("# info: DMA write outside posted memory: VF %u iova 0x%llx len %u engine %d\n",
	       c->vf, (unsigned long long)iova, len, eng);
}

static void allow(struct vctx *c, u64 start, u64 len)
{
	if (c->nallowed < MAX_REGIONS) {
		c->allowed[c->nallowed].start = start;
		c->allowed[c->nallowed].len = len;
		c->nallowed++;
	}
}

/* ---- environment ----------------------------------------------------------------- */

static struct tenv *t_new(const struct vfmig_model_cfg *cfg, int nvf)
{
	struct vfmig_model_vf_ops ops = {
		.dma_read = t_dma_read, .dma_write = t_dma_write,
		.irq = t_irq, .dma_record = t_record,
	};
	struct tenv *e = calloc(1, sizeof(*e));
	int i;

	if (!e)
		return NULL;
	if (cfg)
		e->cfg = *cfg;
	else
		vfmig_model_cfg_default(&e->cfg);
	e->pf = vfmig_model_pf_new(&e->cfg);
	if (IS_ERR(e->pf)) {
		free(e);
		return NULL;
	}
	e->nvf = nvf;
	for (i = 0; i < nvf; i++) {
		struct vctx *c = &e->v[i];

		c->e = e;
		c->vf = (u16)i;
		c->ram = calloc(1, RAM_SIZE);
		ops.ctx = c;
		vfmig_model_vf_attach(e->pf, (u16)i, &ops);
		vfmig_model_vf_get_mac(e->pf, (u16)i, c->mac);
	}
	return e;
}

/* Frees everything; fails the test if the model wrote outside posted memory. */
static void t_free(struct tenv *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < e->nvf; i++) {
		CHECK_EQ(e->v[i].bad_writes, 0);
		free(e->v[i].ram);
	}
	vfmig_model_pf_free(e->pf);
	free(e);
}

static u32 rd(struct vctx *c, u32 off)
{
	return vfmig_model_vf_read32(c->e->pf, c->vf, off);
}

static void wr(struct vctx *c, u32 off, u32 val)
{
	vfmig_model_vf_write32(c->e->pf, c->vf, off, val);
}

/* Advance virtual time by @dt and poll until the model is quiet. */
static void run(struct tenv *e, u64 dt)
{
	int i;

	e->now += dt;
	if (e->now < vfmig_model_now(e->pf))
		e->now = vfmig_model_now(e->pf);
	for (i = 0; i < 1000; i++)
		if (vfmig_model_poll(e->pf, e->now, 0) <= 0)
			break;
}

/* Run until nothing is scheduled within @horizon ns. */
static void settle(struct tenv *e, u64 horizon)
{
	u64 end = e->now + horizon, next;
	int i;

	run(e, 0);
	for (i = 0; i < 10000; i++) {
		next = vfmig_model_next_event_ns(e->pf);
		if (next == U64_MAX || next > end)
			break;
		run(e, next > e->now ? next - e->now : 0);
	}
}

static struct vfmig_model_vf_stats vstats(struct vctx *c)
{
	struct vfmig_model_vf_stats st;

	memset(&st, 0, sizeof(st));
	vfmig_model_vf_stats(c->e->pf, c->vf, &st);
	return st;
}

/* ---- admin queue, driver side ------------------------------------------------------ */

static struct vfmig_aq_desc *aq_desc(struct vctx *c, u64 ring, u16 i)
{
	return (struct vfmig_aq_desc *)(c->ram + ring + (u64)i * 32);
}

static void arq_post(struct vctx *c, u16 i)
{
	vfmig_aq_fill_arq_desc(aq_desc(c, ARQ_RING, i), ARQ_BUF(i), 4096);
}

/* Program both queues like iavf_init_adminq; @posted ARQ buffers offered. */
static void aq_init(struct vctx *c, u16 posted)
{
	u16 i;

	allow(c, ATQ_RING, AQ_LEN * 32);
	allow(c, ARQ_RING, AQ_LEN * 32);
	allow(c, ARQ_BUF(0), AQ_LEN * 4096ull);
	memset(c->ram + ATQ_RING, 0, AQ_LEN * 32);
	for (i = 0; i < AQ_LEN; i++)
		arq_post(c, i);
	c->atq_ntu = 0;
	c->arq_ntc = 0;
	wr(c, VFMIG_VF_ATQH1, 0);
	wr(c, VFMIG_VF_ATQT1, 0);
	wr(c, VFMIG_VF_ATQBAL1, (u32)ATQ_RING);
	wr(c, VFMIG_VF_ATQBAH1, 0);
	wr(c, VFMIG_VF_ATQLEN1, AQ_LEN | VFMIG_VF_AQLEN1_ENABLE);
	wr(c, VFMIG_VF_ARQH1, 0);
	wr(c, VFMIG_VF_ARQT1, 0);
	wr(c, VFMIG_VF_ARQBAL1, (u32)ARQ_RING);
	wr(c, VFMIG_VF_ARQBAH1, 0);
	wr(c, VFMIG_VF_ARQLEN1, AQ_LEN | VFMIG_VF_AQLEN1_ENABLE);
	wr(c, VFMIG_VF_ARQT1, posted);
}

static void aq_send(struct vctx *c, u32 op, const void *msg, u16 len)
{
	struct vfmig_aq_desc *d = aq_desc(c, ATQ_RING, c->atq_ntu);

	vfmig_aq_fill_msg_desc(d, VFMIG_AQC_OPC_SEND_MSG_TO_PF, op, 0, len);
	if (len) {
		memcpy(c->ram + ATQ_BUF(c->atq_ntu), msg, len);
		d->addr_high = 0;
		d->addr_low = cpu_to_le32((u32)ATQ_BUF(c->atq_ntu));
	}
	c->atq_ntu = (c->atq_ntu + 1) % AQ_LEN;
	wr(c, VFMIG_VF_ATQT1, c->atq_ntu);
}

/* Take the next ARQ message like iavf_clean_arq_element. 1 if one, else 0. */
static int aq_recv(struct vctx *c, u32 *op, s32 *retval, void *buf, u16 *len)
{
	struct vfmig_aq_desc *d = aq_desc(c, ARQ_RING, c->arq_ntc);
	u16 n;

	if ((rd(c, VFMIG_VF_ARQH1) & VFMIG_VF_AQ_HT_MASK) == c->arq_ntc)
		return 0;
	if (!(le16_to_cpu(d->flags) & VFMIG_AQ_FLAG_DD))
		return 0;
	*op = vfmig_aq_desc_v_opcode(d);
	*retval = vfmig_aq_desc_v_retval(d);
	n = le16_to_cpu(d->datalen);
	if (buf)
		memcpy(buf, c->ram + ARQ_BUF(c->arq_ntc), n);
	if (len)
		*len = n;
	arq_post(c, c->arq_ntc);
	wr(c, VFMIG_VF_ARQT1, c->arq_ntc);
	c->arq_ntc = (c->arq_ntc + 1) % AQ_LEN;
	return 1;
}

/*
 * Send a virtchnl request and wait (in virtual time) for the answer with the
 * same opcode; events on the way are remembered. Returns the status, or 1
 * when no answer came.
 */
static s32 vc_call(struct vctx *c, u32 op, const void *msg, u16 len,
		   void *out, u16 *out_len)
{
	u8 buf[4096];
	u32 rop;
	s32 rv;
	u16 n;
	int i;

	aq_send(c, op, msg, len);
	for (i = 0; i < 200; i++) {
		settle(c->e, 10000000);
		while (aq_recv(c, &rop, &rv, buf, &n)) {
			if (rop == VIRTCHNL_OP_EVENT) {
				memcpy(&c->last_event, buf,
				       min_t(u16, n, sizeof(c->last_event)));
				c->events++;
				continue;
			}
			if (rop != op)
				continue;
			if (out)
				memcpy(out, buf, n);
			if (out_len)
				*out_len = n;
			return rv;
		}
		run(c->e, 1000000);
	}
	return 1;
}

/* Drain ARQ messages (events) that arrived without a request. */
static void vc_drain(struct vctx *c)
{
	u8 buf[4096];
	u32 rop;
	s32 rv;
	u16 n;

	settle(c->e, 10000000);
	while (aq_recv(c, &rop, &rv, buf, &n)) {
		if (rop == VIRTCHNL_OP_EVENT) {
			memcpy(&c->last_event, buf,
			       min_t(u16, n, sizeof(c->last_event)));
			c->events++;
		}
	}
}

/* ---- bring-up ------------------------------------------------------------------------- */

struct bring {
	u16 nq;
	u16 ring_len;
	u32 bufsz;
	bool headwb;
	bool no_enable;
	u32 caps;
};

static s32 vc_version(struct vctx *c)
{
	struct virtchnl_version_info v = { 1, 1 }, r;

	return vc_call(c, VIRTCHNL_OP_VERSION, &v, sizeof(v), &r, NULL);
}

static s32 vc_get_res(struct vctx *c, u32 caps, u8 *res_out)
{
	u8 buf[4096];
	struct virtchnl_vf_resource *res = (void *)buf;
	s32 rv;

	rv = vc_call(c, VIRTCHNL_OP_GET_VF_RESOURCES, &caps, 4, buf, NULL);
	if (!rv) {
		c->vsi_id = res->vsi_res[0].vsi_id;
		c->num_qps = res->num_queue_pairs;
		memcpy(c->mac, res->vsi_res[0].default_mac_addr, 6);
	}
	if (res_out)
		memcpy(res_out, buf, 64);
	return rv;
}

static s32 vc_config_queues(struct vctx *c, const struct bring *b)
{
	u64 msgbuf[(4096) / 8];
	struct virtchnl_vsi_queue_config_info *qci = (void *)msgbuf;
	u16 q;

	memset(msgbuf, 0, sizeof(msgbuf));
	qci->vsi_id = c->vsi_id;
	qci->num_queue_pairs = b->nq;
	for (q = 0; q < b->nq; q++) {
		struct virtchnl_queue_pair_info *qp = &qci->qpair[q];

		qp->txq.vsi_id = c->vsi_id;
		qp->txq.queue_id = q;
		qp->txq.ring_len = b->ring_len;
		qp->txq.dma_ring_addr = TX_RING(q);
		qp->txq.headwb_enabled = b->headwb;
		qp->txq.dma_headwb_addr = b->headwb ? HEAD_WB(q) : 0;
		qp->rxq.vsi_id = c->vsi_id;
		qp->rxq.queue_id = q;
		qp->rxq.ring_len = b->ring_len;
		qp->rxq.databuffer_size = b->bufsz;
		qp->rxq.max_pkt_size = 9728;
		qp->rxq.dma_ring_addr = RX_RING(q);
		c->tx_len[q] = b->ring_len;
		c->rx_len[q] = b->ring_len;
		c->tx_ntu[q] = 0;
		c->rx_tail[q] = 0;
		c->rx_ntc[q] = 0;
		allow(c, TX_RING(q), (u64)b->ring_len * 16);
		allow(c, RX_RING(q), (u64)b->ring_len * 32);
		if (b->headwb)
			allow(c, HEAD_WB(q), 4);
	}
	c->rx_bufsz = b->bufsz;
	return vc_call(c, VIRTCHNL_OP_CONFIG_VSI_QUEUES, qci,
		       (u16)vfmig_vc_vsi_queues_len(b->nq), NULL, NULL);
}

/* Vector 1 + q serves queue pair q (as iavf maps them). */
static s32 vc_irq_map(struct vctx *c, u16 nq)
{
	u64 msgbuf[512];
	struct virtchnl_irq_map_info *im = (void *)msgbuf;
	u16 q;

	memset(msgbuf, 0, sizeof(msgbuf));
	im->num_vectors = nq + 1;
	im->vecmap[0].vsi_id = c->vsi_id;
	im->vecmap[0].vector_id = 0;
	for (q = 0; q < nq; q++) {
		struct virtchnl_vector_map *m = &im->vecmap[q + 1];

		m->vsi_id = c->vsi_id;
		m->vector_id = q + 1;
		m->rxq_map = BIT(q);
		m->txq_map = BIT(q);
		m->rxitr_idx = 0;
		m->txitr_idx = 1;
	}
	return vc_call(c, VIRTCHNL_OP_CONFIG_IRQ_MAP, im,
		       (u16)vfmig_vc_irq_map_len(nq + 1), NULL, NULL);
}

static s32 vc_queues(struct vctx *c, u32 op, u32 rxq, u32 txq)
{
	struct virtchnl_queue_select vqs = {
		.vsi_id = c->vsi_id, .rx_queues = rxq, .tx_queues = txq,
	};

	return vc_call(c, op, &vqs, sizeof(vqs), NULL, NULL);
}

static s32 vc_mac(struct vctx *c, u32 op, const u8 *mac)
{
	u64 msgbuf[4];
	struct virtchnl_ether_addr_list *al = (void *)msgbuf;

	memset(msgbuf, 0, sizeof(msgbuf));
	al->vsi_id = c->vsi_id;
	al->num_elements = 1;
	memcpy(al->list[0].addr, mac, 6);
	return vc_call(c, op, al, (u16)vfmig_vc_eth_addr_list_len(1), NULL, NULL);
}

static s32 vc_vlan(struct vctx *c, u32 op, u16 vid)
{
	u64 msgbuf[2];
	struct virtchnl_vlan_filter_list *vl = (void *)msgbuf;

	memset(msgbuf, 0, sizeof(msgbuf));
	vl->vsi_id = c->vsi_id;
	vl->num_elements = 1;
	vl->vlan_id[0] = vid;
	return vc_call(c, op, vl, (u16)vfmig_vc_vlan_list_len(1), NULL, NULL);
}

static s32 vc_promisc(struct vctx *c, u16 flags)
{
	struct virtchnl_promisc_info pi = { .vsi_id = c->vsi_id, .flags = flags };

	return vc_call(c, VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE, &pi, sizeof(pi),
		       NULL, NULL);
}

/* Whole bring-up; returns 0 or the first failing status. */
static s32 bringup(struct vctx *c, const struct bring *b)
{
	s32 rv;

	aq_init(c, AQ_LEN - 1);
	wr(c, VFMIG_VFINT_ICR0_ENA1, VFMIG_VFINT_ICR0_ENA1_ADMINQ);
	wr(c, VFMIG_VFINT_DYN_CTL01, VFMIG_VFINT_DYN_CTL01_INTENA |
	   VFMIG_VFINT_DYN_CTL01_ITR_INDX_MASK);
	rv = vc_version(c);
	if (!rv)
		rv = vc_get_res(c, b->caps ? b->caps : (VIRTCHNL_VF_OFFLOAD_L2 |
			VIRTCHNL_VF_OFFLOAD_RSS_PF | VIRTCHNL_VF_OFFLOAD_VLAN),
			NULL);
	if (!rv)
		rv = vc_config_queues(c, b);
	if (!rv)
		rv = vc_irq_map(c, b->nq);
	if (!rv && !b->no_enable)
		rv = vc_queues(c, VIRTCHNL_OP_ENABLE_QUEUES, (u32)BIT(b->nq) - 1,
			       (u32)BIT(b->nq) - 1);
	vc_drain(c);
	return rv;
}

static const struct bring bring_default = {
	.nq = 1, .ring_len = 64, .bufsz = 2048,
};

/* ---- TX / RX, driver side -------------------------------------------------------- */

static struct vfmig_tx_desc *txd(struct vctx *c, u16 q, u16 i)
{
	return (struct vfmig_tx_desc *)(c->ram + TX_RING(q) + (u64)i * 16);
}

/* Queue one frame on TX queue @q split into @nbufs buffers; RS on the last. */
static void tx_queue(struct vctx *c, u16 q, const u8 *frame, u32 len,
		     u32 nbufs, bool rs, bool kick)
{
	u32 off = 0, i, chunk;

	for (i = 0; i < nbufs; i++) {
		u16 idx = c->tx_ntu[q];
		u32 cmd = VFMIG_TX_DESC_CMD_ICRC;

		chunk = (i + 1 == nbufs) ? len - off : len / nbufs;
		memcpy(c->ram + TX_BUF(q, idx), frame + off, chunk);
		if (i + 1 == nbufs) {
			cmd |= VFMIG_TX_DESC_CMD_EOP;
			if (rs)
				cmd |= VFMIG_TX_DESC_CMD_RS;
		}
		txd(c, q, idx)->buffer_addr = cpu_to_le64(TX_BUF(q, idx));
		txd(c, q, idx)->cmd_type_offset_bsz =
			cpu_to_le64(vfmig_tx_build_qw1(cmd, 0, chunk, 0));
		c->tx_ntu[q] = (idx + 1) % c->tx_len[q];
		off += chunk;
	}
	if (kick)
		wr(c, VFMIG_QTX_TAIL1(q), c->tx_ntu[q]);
}

static union vfmig_rx_desc *rxd(struct vctx *c, u16 q, u16 i)
{
	return (union vfmig_rx_desc *)(c->ram + RX_RING(q) + (u64)i * 32);
}

/* Post @n RX buffers on queue @q (32-byte descriptors). */
static void rx_post(struct vctx *c, u16 q, u16 n)
{
	u16 i;

	for (i = 0; i < n; i++) {
		u16 idx = c->rx_tail[q];
		union vfmig_rx_desc *d = rxd(c, q, idx);

		memset(d, 0, sizeof(*d));
		d->read.pkt_addr = cpu_to_le64(RX_BUF(q, idx, c->rx_bufsz));
		allow(c, RX_BUF(q, idx, c->rx_bufsz), c->rx_bufsz);
		c->rx_tail[q] = (idx + 1) % c->rx_len[q];
	}
	wr(c, VFMIG_QRX_TAIL1(q), c->rx_tail[q]);
}

static u64 rx_qw1(struct vctx *c, u16 q, u16 i)
{
	return le64_to_cpu(rxd(c, q, i)->wb.status_error_len);
}

/* Receive the next complete frame on queue @q into @buf; length or 0. */
static u32 rx_take(struct vctx *c, u16 q, u8 *buf)
{
	u32 len = 0;
	u16 i = c->rx_ntc[q];
	int n;

	for (n = 0; n < 64; n++) {
		u64 qw1 = rx_qw1(c, q, i);
		u32 pl;

		if (!(qw1 & VFMIG_RX_STATUS_DD))
			return 0;
		pl = vfmig_rx_qw1_pbuf_len(qw1);
		memcpy(buf + len, c->ram + RX_BUF(q, i, c->rx_bufsz), pl);
		len += pl;
		i = (i + 1) % c->rx_len[q];
		if (qw1 & VFMIG_RX_STATUS_EOF) {
			c->rx_ntc[q] = i;
			return len;
		}
	}
	return 0;
}

/* ---- frames ------------------------------------------------------------------------- */

static const u8 peer_mac[6] = { 0x00, 0x1b, 0x21, 0x99, 0x00, 0x01 };
static const u8 bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static u32 make_frame(u8 *f, const u8 *dst, const u8 *src, u32 len, u32 seed)
{
	u32 i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x88;		/* local experimental ethertype */
	f[13] = 0xb5;
	for (i = 14; i < len; i++)
		f[i] = (u8)(seed * 31 + i * 7);
	return len;
}

/* IPv4/UDP (or TCP) frame; addresses and ports in host order. */
static u32 make_ip4(u8 *f, const u8 *dst, const u8 *src, u32 sip, u32 dip,
		    u16 sport, u16 dport, u8 proto, u32 paylen)
{
	u32 l4 = proto == 6 ? 20 : 8, len = 14 + 20 + l4 + paylen, i;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = (u8)((20 + l4 + paylen) >> 8);
	f[17] = (u8)(20 + l4 + paylen);
	f[22] = 64;
	f[23] = proto;
	for (i = 0; i < 4; i++) {
		f[26 + i] = (u8)(sip >> (24 - 8 * i));
		f[30 + i] = (u8)(dip >> (24 - 8 * i));
	}
	f[34] = (u8)(sport >> 8);
	f[35] = (u8)sport;
	f[36] = (u8)(dport >> 8);
	f[37] = (u8)dport;
	for (i = 34 + l4; i < len; i++)
		f[i] = (u8)i;
	return len;
}

static u32 add_vlan(u8 *f, u32 len, u16 tci)
{
	memmove(f + 16, f + 12, len - 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (u8)(tci >> 8);
	f[15] = (u8)tci;
	return len + 4;
}

/* Independent Toeplitz for checking the model (bit by bit over the key). */
static u32 ref_toeplitz(const u8 *key, u32 klen, const u8 *in, u32 len)
{
	u32 h = 0, i, b, k;

	for (i = 0; i < len * 8; i++) {
		u32 w = 0;

		if (!(in[i / 8] & (0x80 >> (i % 8))))
			continue;
		for (b = 0; b < 32; b++) {
			k = i + b;
			w = (w << 1) | ((k / 8 < klen) ? ((key[k / 8] >> (7 - k % 8)) & 1) : 0);
		}
		h ^= w;
	}
	return h;
}

/* ================================================================================== */
/* Tests                                                                                */
/* ================================================================================== */

static void test_initial_state(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_VFACTIVE);
	CHECK_EQ(rd(c, VFMIG_VF_ARQLEN1), 0);
	CHECK_EQ(rd(c, VFMIG_VF_ATQLEN1), 0);
	CHECK_EQ(rd(c, VFMIG_QTX_TAIL1(0)), 0);
	/* administratively set MAC: port MAC, locally administered, +1 */
	CHECK_EQ(c->mac[0], 0x02);
	CHECK_EQ(c->mac[5], 0x01);
	t_free(e);
}

static void test_vflr_rstat_sequence(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, 8);
	CHECK(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE);
	vfmig_model_vflr(e->pf, 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_INPROGRESS);
	/* iavf notices a reset by ARQLEN.ENABLE going away */
	CHECK_EQ(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE, 0);
	CHECK_EQ(rd(c, VFMIG_VF_ATQBAL1), 0);
	run(e, e->cfg.vf_reset_ns - 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_INPROGRESS);
	run(e, 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_COMPLETED);
	run(e, e->cfg.vf_rebuild_ns - 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_COMPLETED);
	run(e, 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT) & 3, VFMIG_VFR_VFACTIVE);
	CHECK_EQ(vstats(c).resets, 1);
	/* the rebuilt VF answers again */
	aq_init(c, AQ_LEN - 1);
	CHECK_EQ(vc_version(c), 0);
	t_free(e);
}

static void test_atq_version_raw(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_aq_desc *d;
	struct vctx *c;
	u16 flags;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, 4);
	wr(c, VFMIG_VFINT_ICR0_ENA1, VFMIG_VFINT_ICR0_ENA1_ADMINQ);
	wr(c, VFMIG_VFINT_DYN_CTL01, VFMIG_VFINT_DYN_CTL01_INTENA |
	   VFMIG_VFINT_DYN_CTL01_ITR_INDX_MASK);
	{
		struct virtchnl_version_info v = { 1, 1 };

		aq_send(c, VIRTCHNL_OP_VERSION, &v, sizeof(v));
	}
	run(e, 0);
	/* ATQ: taken and written back at once */
	d = aq_desc(c, ATQ_RING, 0);
	flags = le16_to_cpu(d->flags);
	CHECK((flags & (VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP)) ==
	      (VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP));
	CHECK_EQ(flags & VFMIG_AQ_FLAG_ERR, 0);
	CHECK_EQ(le16_to_cpu(d->retval), 0);
	CHECK_EQ(rd(c, VFMIG_VF_ATQH1), 1);
	/* the answer takes mbx_latency_ns */
	run(e, e->cfg.mbx_latency_ns - 1);
	d = aq_desc(c, ARQ_RING, 0);
	CHECK_EQ(le16_to_cpu(d->flags) & VFMIG_AQ_FLAG_DD, 0);
	CHECK_EQ(rd(c, VFMIG_VF_ARQH1), 0);
	CHECK_EQ(c->irqs[0], 0);
	run(e, 1);
	flags = le16_to_cpu(d->flags);
	CHECK((flags & (VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP)) ==
	      (VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP));
	CHECK_EQ(flags & VFMIG_AQ_FLAG_ERR, 0);
	CHECK_EQ(le16_to_cpu(d->opcode), VFMIG_AQC_OPC_SEND_MSG_TO_VF);
	CHECK_EQ(le16_to_cpu(d->datalen), 8);
	CHECK_EQ(le32_to_cpu(d->cookie_high), VIRTCHNL_OP_VERSION);
	CHECK_EQ(le32_to_cpu(d->cookie_low), 0);
	CHECK_EQ(vfmig_aq_desc_addr(d), ARQ_BUF(0));
	CHECK_EQ(vfmig_get_le32(c->ram + ARQ_BUF(0)), 1);
	CHECK_EQ(vfmig_get_le32(c->ram + ARQ_BUF(0) + 4), 1);
	CHECK_EQ(rd(c, VFMIG_VF_ARQH1), 1);
	/* admin queue cause on vector 0, auto-masked after firing */
	CHECK_EQ(c->irqs[0], 1);
	CHECK_EQ(rd(c, VFMIG_VFINT_DYN_CTL01) & VFMIG_VFINT_DYN_CTL01_INTENA, 0);
	CHECK(rd(c, VFMIG_VFINT_ICR01) & VFMIG_VFINT_ICR01_ADMINQ);
	CHECK_EQ(rd(c, VFMIG_VFINT_ICR01), 0);	/* read cleared it */
	CHECK_EQ(vstats(c).mbx_to_pf, 1);
	CHECK_EQ(vstats(c).mbx_to_vf, 1);
	CHECK(c->eng[VFMIG_ENG_ARQ_DATA] >= 1);
	CHECK(c->eng[VFMIG_ENG_ATQ_DESC_WB] >= 1);
	t_free(e);
}

static void test_atq_bad_opcode(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_aq_desc *d;
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, 4);
	d = aq_desc(c, ATQ_RING, 0);
	memset(d, 0, sizeof(*d));
	d->opcode = cpu_to_le16(0x0005);
	wr(c, VFMIG_VF_ATQT1, 1);
	run(e, 0);
	CHECK(le16_to_cpu(d->flags) & VFMIG_AQ_FLAG_DD);
	CHECK(le16_to_cpu(d->flags) & VFMIG_AQ_FLAG_ERR);
	CHECK_EQ(le16_to_cpu(d->retval), VFMIG_AQ_RC_ESRCH);
	CHECK_EQ(vstats(c).mbx_to_pf, 0);
	/* oversized indirect buffer: E2BIG, nothing reaches the PF */
	d = aq_desc(c, ATQ_RING, 1);
	vfmig_aq_fill_msg_desc(d, VFMIG_AQC_OPC_SEND_MSG_TO_PF,
			       VIRTCHNL_OP_VERSION, 0, 8);
	d->datalen = cpu_to_le16(8000);
	wr(c, VFMIG_VF_ATQT1, 2);
	run(e, 0);
	CHECK(le16_to_cpu(d->flags) & VFMIG_AQ_FLAG_ERR);
	CHECK_EQ(le16_to_cpu(d->retval), VFMIG_AQ_RC_E2BIG);
	CHECK_EQ(vstats(c).mbx_to_pf, 0);
	t_free(e);
}

static void test_arq_full_waits(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_version_info v = { 1, 1 };
	struct vctx *c;
	u8 buf[64];
	u32 op;
	s32 rv;
	u16 len;
	int i;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, 0);		/* no ARQ buffer offered */
	aq_send(c, VIRTCHNL_OP_VERSION, &v, sizeof(v));
	v.minor = 0;
	aq_send(c, VIRTCHNL_OP_VERSION, &v, sizeof(v));
	settle(e, 100000000);
	CHECK_EQ(vstats(c).mbx_pending, 2);
	CHECK_EQ(rd(c, VFMIG_VF_ARQH1), 0);
	CHECK_EQ(le16_to_cpu(aq_desc(c, ARQ_RING, 0)->flags) & VFMIG_AQ_FLAG_DD, 0);
	/* one buffer: the oldest message lands, the other keeps waiting */
	wr(c, VFMIG_VF_ARQT1, 1);
	run(e, 0);
	CHECK_EQ(vstats(c).mbx_pending, 1);
	REQUIRE(aq_recv(c, &op, &rv, buf, &len));
	CHECK_EQ(op, VIRTCHNL_OP_VERSION);
	CHECK_EQ(len, 8);
	CHECK_EQ(vfmig_get_le32(buf + 4), 1);
	/* aq_recv reposted buffer 0 and moved ARQT to 0: ring is empty again */
	CHECK_EQ(vstats(c).mbx_pending, 1);
	wr(c, VFMIG_VF_ARQT1, 5);
	run(e, 0);
	for (i = 0; i < 2 && !aq_recv(c, &op, &rv, buf, &len); i++)
		run(e, 0);
	CHECK_EQ(op, VIRTCHNL_OP_VERSION);
	CHECK_EQ(rv, 0);
	CHECK_EQ(len, 8);
	CHECK_EQ(vfmig_get_le32(buf + 4), 0);	/* the 1.0 answer, in order */
	CHECK_EQ(vstats(c).mbx_pending, 0);
	CHECK_EQ(vstats(c).mbx_dropped, 0);
	t_free(e);
}

static void test_arq_overflow_bounded(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	int i;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, 0);
	for (i = 0; i < 70; i++) {
		aq_send(c, VIRTCHNL_OP_GET_RSS_HENA_CAPS, NULL, 0);
		run(e, 0);
	}
	settle(e, 100000000);
	CHECK_EQ(vstats(c).mbx_pending, 64);
	CHECK_EQ(vstats(c).mbx_dropped, 6);
	CHECK(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_OVFL);
	/* software clears the sticky bit by writing it as 0 */
	wr(c, VFMIG_VF_ARQLEN1, AQ_LEN | VFMIG_VF_AQLEN1_ENABLE);
	CHECK_EQ(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_OVFL, 0);
	t_free(e);
}

static void test_bringup_programs_contexts(void)
{
	struct bring b = { .nq = 2, .ring_len = 128, .bufsz = 2048 };
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_vf_resource *res;
	struct vfmig_hmc_txq tx;
	struct vfmig_hmc_rxq rx;
	struct vctx *c;
	u8 resbuf[64];
	bool en;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, AQ_LEN - 1);
	CHECK_EQ(vc_version(c), 0);
	CHECK_EQ(vc_get_res(c, VIRTCHNL_VF_OFFLOAD_L2 | VIRTCHNL_VF_OFFLOAD_RSS_PF |
			    VIRTCHNL_VF_OFFLOAD_VLAN | VIRTCHNL_VF_CAP_ADV_LINK_SPEED |
			    VIRTCHNL_VF_OFFLOAD_WB_ON_ITR, resbuf), 0);
	res = (void *)resbuf;
	CHECK_EQ(res->num_vsis, 1);
	CHECK_EQ(res->num_queue_pairs, 4);
	CHECK_EQ(res->max_vectors, 5);
	CHECK_EQ(res->rss_key_size, 52);
	CHECK_EQ(res->rss_lut_size, 64);
	CHECK_EQ(res->vsi_res[0].vsi_type, VIRTCHNL_VSI_SRIOV);
	CHECK(res->vf_cap_flags & VIRTCHNL_VF_OFFLOAD_RSS_PF);
	CHECK(res->vf_cap_flags & VIRTCHNL_VF_OFFLOAD_VLAN);
	CHECK(res->vf_cap_flags & VIRTCHNL_VF_CAP_ADV_LINK_SPEED);
	/* X710 has no WB_ON_ITR for VFs (an X722 feature in i40e) */
	CHECK_EQ(res->vf_cap_flags & VIRTCHNL_VF_OFFLOAD_WB_ON_ITR, 0);
	CHECK_EQ(res->vsi_res[0].default_mac_addr[0], 0x02);
	CHECK_EQ(vc_config_queues(c, &b), 0);
	CHECK_EQ(vc_irq_map(c, 2), 0);

	CHECK_EQ(hw->txq_ctx_read(e->pf, 0, 1, &tx), 0);
	CHECK_EQ(tx.base, TX_RING(1) / 128);
	CHECK_EQ(tx.qlen, 128);
	CHECK_EQ(tx.head, 0);
	CHECK_EQ(tx.head_wb_ena, 0);
	CHECK_EQ(hw->rxq_ctx_read(e->pf, 0, 1, &rx), 0);
	CHECK_EQ(rx.base, RX_RING(1) / 128);
	CHECK_EQ(rx.qlen, 128);
	CHECK_EQ(rx.dbuff, 2048 >> 7);
	CHECK_EQ(rx.rxmax, 9728);
	CHECK_EQ(rx.dsize, 1);
	CHECK_EQ(rx.crcstrip, 1);
	CHECK_EQ(rx.l2tsel, 1);
	CHECK_EQ(rx.prefena, 1);
	CHECK_EQ(rx.dtype, 0);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 1, false, &en), 0);
	CHECK(!en);

	CHECK_EQ(vc_queues(c, VIRTCHNL_OP_ENABLE_QUEUES, 3, 3), 0);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 1, false, &en), 0);
	CHECK(en);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 1, true, &en), 0);
	CHECK(en);
	/* i40e reports the link once the queues are enabled */
	vc_drain(c);
	CHECK(c->events >= 2);
	CHECK_EQ(c->last_event.event, VIRTCHNL_EVENT_LINK_CHANGE);
	CHECK_EQ(c->last_event.event_data.link_event_adv.link_status, 1);
	CHECK_EQ(c->last_event.event_data.link_event_adv.link_speed, 40000);
	/* out-of-range queue for the agent */
	CHECK_ERR(hw->txq_ctx_read(e->pf, 0, 4, &tx), -EINVAL);
	CHECK_ERR(hw->txq_ctx_read(e->pf, 9, 0, &tx), -EINVAL);
	t_free(e);
}

static void test_bad_requests_status(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_queue_select vqs;
	struct virtchnl_txq_info txi;
	u64 buf[16];
	struct vctx *c;
	u32 ver = 1;

	REQUIRE(e);
	c = &e->v[0];
	aq_init(c, AQ_LEN - 1);
	/* GET_VF_RESOURCES before VERSION: 4 bytes do not validate (v1.0) */
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_GET_VF_RESOURCES, &ver, 4, NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	/* VERSION of the wrong length */
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_VERSION, &ver, 4, NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	/* an opcode virtchnl does not know */
	CHECK_EQ(vc_call(c, 9999, NULL, 0, NULL, NULL), VIRTCHNL_STATUS_ERR_PARAM);
	CHECK_EQ(vc_version(c), 0);
	/* ENABLE_QUEUES before GET_VF_RESOURCES: VF not ACTIVE */
	memset(&vqs, 0, sizeof(vqs));
	vqs.rx_queues = 1;
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_ENABLE_QUEUES, &vqs, sizeof(vqs), NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	CHECK_EQ(vc_get_res(c, VIRTCHNL_VF_OFFLOAD_L2, NULL), 0);
	/* valid message, but i40e does not handle it */
	memset(&txi, 0, sizeof(txi));
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_TX_QUEUE, &txi, sizeof(txi), NULL, NULL),
		 VIRTCHNL_STATUS_ERR_NOT_SUPPORTED);
	/* wrong VSI */
	vqs.vsi_id = c->vsi_id + 1;
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_ENABLE_QUEUES, &vqs, sizeof(vqs), NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	/* queue beyond the VSI */
	vqs.vsi_id = c->vsi_id;
	vqs.rx_queues = BIT(5);
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_ENABLE_QUEUES, &vqs, sizeof(vqs), NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	/* CONFIG_VSI_QUEUES with a bad ring length (not a multiple of 32 for RX) */
	{
		struct bring b = { .nq = 1, .ring_len = 72, .bufsz = 2048 };

		CHECK_EQ(vc_config_queues(c, &b), VIRTCHNL_STATUS_ERR_PARAM);
	}
	/* RSS key of the wrong size, LUT naming a queue the VF does not have */
	{
		struct virtchnl_rss_key *k = (void *)buf;
		struct virtchnl_rss_lut *l = (void *)buf;

		memset(buf, 0, sizeof(buf));
		k->vsi_id = c->vsi_id;
		k->key_len = 40;
		CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_RSS_KEY, k,
				 (u16)vfmig_vc_rss_key_len(40), NULL, NULL),
			 VIRTCHNL_STATUS_ERR_PARAM);
		memset(buf, 0, sizeof(buf));
		l->vsi_id = c->vsi_id;
		l->lut_entries = 64;
		l->lut[7] = 4;
		CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_RSS_LUT, l,
				 (u16)vfmig_vc_rss_lut_len(64), NULL, NULL),
			 VIRTCHNL_STATUS_ERR_PARAM);
	}
	/* untrusted VF with an administratively set MAC: no other unicast */
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, peer_mac),
		 VIRTCHNL_STATUS_ERR_PARAM);
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, bcast_mac),
		 VIRTCHNL_STATUS_ERR_PARAM);
	/* its own MAC again is fine (iavf does that) */
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, c->mac), 0);
	/* deleting a filter it does not have */
	{
		const u8 mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x09 };

		CHECK_EQ(vc_mac(c, VIRTCHNL_OP_DEL_ETH_ADDR, mc),
			 VIRTCHNL_STATUS_ERR_PARAM);
	}
	/* a VLAN id out of range */
	CHECK_EQ(vc_vlan(c, VIRTCHNL_OP_ADD_VLAN, 4096), VIRTCHNL_STATUS_ERR_PARAM);
	/* the answers carried the failing opcode and nothing else broke */
	CHECK_EQ(vc_version(c), 0);
	t_free(e);
}

/*
 * A PF configured for shorter rings (max_ring_desc 512, as an X722 allows
 * 4096) rejects CONFIG_VSI_QUEUES with a longer ring like any other bad ring
 * length, reports the limit to the agent, and accepts rings up to it.
 */
static void test_max_ring_desc(void)
{
	struct vfmig_pf_vf_limits lim;
	struct vfmig_model_cfg cfg;
	struct tenv *e;
	struct vctx *c;

	vfmig_model_cfg_default(&cfg);
	CHECK_EQ(cfg.max_ring_desc, VFMIG_HW_RING_MAX);
	cfg.max_ring_desc = 48;
	CHECK_ERR(PTR_ERR(vfmig_model_pf_new(&cfg)), -EINVAL);
	cfg.max_ring_desc = 520;
	CHECK_ERR(PTR_ERR(vfmig_model_pf_new(&cfg)), -EINVAL);
	cfg.max_ring_desc = VFMIG_HW_RING_MAX + 32;
	CHECK_ERR(PTR_ERR(vfmig_model_pf_new(&cfg)), -EINVAL);
	cfg.max_ring_desc = 512;
	e = t_new(&cfg, 1);
	REQUIRE(e);
	CHECK_ERR(hw->vf_limits(e->pf, 0, &lim), 0);
	CHECK_EQ(lim.max_ring_desc, 512);
	c = &e->v[0];
	aq_init(c, AQ_LEN - 1);
	CHECK_EQ(vc_version(c), 0);
	CHECK_EQ(vc_get_res(c, VIRTCHNL_VF_OFFLOAD_L2, NULL), 0);
	{
		struct bring b = { .nq = 1, .ring_len = 544, .bufsz = 2048 };

		CHECK_EQ(vc_config_queues(c, &b), VIRTCHNL_STATUS_ERR_PARAM);
		b.ring_len = 512;
		CHECK_EQ(vc_config_queues(c, &b), 0);
	}
	t_free(e);
}

static void test_tx_single_frame_dd(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u16 head;
	u64 qw1;
	int n;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	make_frame(f, peer_mac, c->mac, 200, 1);
	tx_queue(c, 0, f, 200, 1, true, true);
	run(e, 0);
	n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out));
	CHECK_EQ(n, 200);
	CHECK(n == 200 && !memcmp(out, f, 200));
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	qw1 = le64_to_cpu(txd(c, 0, 0)->cmd_type_offset_bsz);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DESC_DONE);
	CHECK_EQ(hw->tx_head_read(e->pf, 0, 0, &head), 0);
	CHECK_EQ(head, 1);
	CHECK_EQ(vstats(c).tx_packets, 1);
	CHECK_EQ(vstats(c).tx_bytes, 200);
	CHECK_EQ(c->irqs[1], 0);	/* vector not armed */
	/* without RS nothing is written back, the head still moves */
	tx_queue(c, 0, f, 100, 1, false, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 100);
	qw1 = le64_to_cpu(txd(c, 0, 1)->cmd_type_offset_bsz);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DATA);
	CHECK_EQ(hw->tx_head_read(e->pf, 0, 0, &head), 0);
	CHECK_EQ(head, 2);
	/* a short frame is padded to 60 bytes by the MAC */
	tx_queue(c, 0, f, 42, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 60);
	CHECK(!memcmp(out, f, 42));
	CHECK_EQ(out[59], 0);
	t_free(e);
}

static void test_tx_head_writeback(void)
{
	struct bring b = bring_default;
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u64 qw1;

	REQUIRE(e);
	c = &e->v[0];
	b.headwb = true;
	REQUIRE(bringup(c, &b) == 0);
	vfmig_put_le32(c->ram + HEAD_WB(0), 0xdeadbeef);
	make_frame(f, peer_mac, c->mac, 128, 2);
	tx_queue(c, 0, f, 128, 1, false, false);
	tx_queue(c, 0, f, 128, 2, false, false);
	tx_queue(c, 0, f, 128, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_get_le32(c->ram + HEAD_WB(0)), 4);
	/* descriptors are not written back in this mode */
	qw1 = le64_to_cpu(txd(c, 0, 3)->cmd_type_offset_bsz);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DATA);
	CHECK_EQ(c->eng[VFMIG_ENG_TX_DESC_WB], 0);
	CHECK_EQ(c->eng[VFMIG_ENG_TX_HEAD_WB], 1);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 128);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 128);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 128);
	t_free(e);
}

static void test_tx_multi_buffer(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[1600], out[2048];
	u64 qw1;
	int n;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	make_frame(f, peer_mac, c->mac, 1514, 3);
	tx_queue(c, 0, f, 1514, 3, true, true);
	run(e, 0);
	n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out));
	CHECK_EQ(n, 1514);
	CHECK(n == 1514 && !memcmp(out, f, 1514));
	/* only the EOP descriptor had RS */
	qw1 = le64_to_cpu(txd(c, 0, 2)->cmd_type_offset_bsz);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DESC_DONE);
	qw1 = le64_to_cpu(txd(c, 0, 0)->cmd_type_offset_bsz);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DATA);
	/* a frame whose EOP is not posted yet waits, then goes whole */
	tx_queue(c, 0, f, 1000, 2, true, false);
	wr(c, VFMIG_QTX_TAIL1(0), 4);	/* only the first half */
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	wr(c, VFMIG_QTX_TAIL1(0), c->tx_ntu[0]);
	run(e, 0);
	n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out));
	CHECK_EQ(n, 1000);
	CHECK(n == 1000 && !memcmp(out, f, 1000));
	t_free(e);
}

static void test_tx_ring_wrap(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u32 i, j, got = 0, bad = 0;
	u16 head;
	int n;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	for (i = 0; i < 20; i++) {
		for (j = 0; j < 10; j++) {
			make_frame(f, peer_mac, c->mac, 100, i * 10 + j);
			f[14] = (u8)(i * 10 + j);
			tx_queue(c, 0, f, 100, 1 + (j % 2), true, false);
		}
		wr(c, VFMIG_QTX_TAIL1(0), c->tx_ntu[0]);
		run(e, 0);
		while ((n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out))) > 0) {
			if (n != 100 || out[14] != (u8)got)
				bad++;
			got++;
		}
	}
	CHECK_EQ(got, 200);
	CHECK_EQ(bad, 0);
	CHECK_EQ(hw->tx_head_read(e->pf, 0, 0, &head), 0);
	CHECK_EQ(head, 300 % 64);
	CHECK_EQ(head, c->tx_ntu[0]);
	t_free(e);
}

static void test_tx_garbage_bounded(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u64 seed = 7;
	u16 i, head;
	int n, work;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	/* a tail beyond the ring: flagged, ignored */
	wr(c, VFMIG_QTX_TAIL1(0), 5000);
	work = vfmig_model_poll(e->pf, e->now, 0);
	CHECK(work >= 0);
	CHECK_EQ(vstats(c).bad_tail_writes, 1);
	CHECK_EQ(hw->tx_head_read(e->pf, 0, 0, &head), 0);
	CHECK_EQ(head, 0);
	/* garbage: device-owned and unknown DTYPEs, zero sizes, EOP only at 62 */
	for (i = 0; i < 63; i++) {
		u64 r = vt_rand(&seed);

		txd(c, 0, i)->buffer_addr = cpu_to_le64(r);
		if (i == 62)
			txd(c, 0, i)->cmd_type_offset_bsz = cpu_to_le64(
				vfmig_tx_build_qw1(VFMIG_TX_DESC_CMD_EOP |
						   VFMIG_TX_DESC_CMD_RS, 0, 0, 0));
		else if (i % 3 == 0)
			txd(c, 0, i)->cmd_type_offset_bsz =
				cpu_to_le64(VFMIG_TX_DESC_DTYPE_DESC_DONE);
		else if (i % 3 == 1)
			txd(c, 0, i)->cmd_type_offset_bsz = cpu_to_le64(0x5 |
				(r & ~(VFMIG_TXD_QW1_DTYPE_MASK |
				       ((u64)VFMIG_TX_DESC_CMD_EOP << VFMIG_TXD_QW1_CMD_SHIFT))));
		else
			txd(c, 0, i)->cmd_type_offset_bsz = cpu_to_le64(
				vfmig_tx_build_qw1(VFMIG_TX_DESC_CMD_RS, 0, 0, 0));
	}
	wr(c, VFMIG_QTX_TAIL1(0), 63);
	settle(e, 1000000);
	CHECK(vstats(c).tx_malformed > 0);
	CHECK_EQ(vstats(c).tx_packets, 0);
	CHECK_EQ(hw->tx_head_read(e->pf, 0, 0, &head), 0);
	CHECK_EQ(head, 63);
	/* the queue still works afterwards */
	c->tx_ntu[0] = 63;
	make_frame(f, peer_mac, c->mac, 80, 9);
	tx_queue(c, 0, f, 80, 1, true, true);
	run(e, 0);
	while ((n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out))) > 0 && n != 80)
		;
	CHECK_EQ(n, 80);
	CHECK(!memcmp(out, f, 80));
	t_free(e);
}

static void test_rx_basic(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[512];
	u64 qw1;
	u32 len;
	u16 before;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 32);
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	len = make_ip4(f, c->mac, peer_mac, 0xc6120001, 0xc6120002, 1000, 2000,
		       17, 158);
	before = (u16)len;
	CHECK_EQ(vfmig_model_port_rx(e->pf, f, len), 0);
	qw1 = rx_qw1(c, 0, 0);
	CHECK(qw1 & VFMIG_RX_STATUS_DD);
	CHECK(qw1 & VFMIG_RX_STATUS_EOF);
	CHECK_EQ(qw1 & VFMIG_RX_STATUS_L2TAG1P, 0);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(qw1), before);
	CHECK_EQ(vfmig_rx_qw1_ptype(qw1), VFMIG_RX_PTYPE_IPV4_UDP);
	CHECK_EQ(vfmig_rx_qw1_error(qw1), 0);
	CHECK(!memcmp(c->ram + RX_BUF(0, 0, 2048), f, len));
	/* the next descriptor is untouched */
	CHECK_EQ(rx_qw1(c, 0, 1) & VFMIG_RX_STATUS_DD, 0);
	CHECK_EQ(vstats(c).rx_packets, 1);
	CHECK_EQ(c->irqs[1], 1);
	t_free(e);
}

static void test_rx_no_desc_drop(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256];

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	make_frame(f, c->mac, peer_mac, 100, 4);
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK_EQ(vstats(c).rx_no_desc_drops, 1);
	CHECK_EQ(vstats(c).rx_packets, 0);
	/* one posted descriptor is consumed, the next frame drops again */
	rx_post(c, 0, 1);
	vfmig_model_port_rx(e->pf, f, 100);
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK_EQ(vstats(c).rx_packets, 1);
	CHECK_EQ(vstats(c).rx_no_desc_drops, 2);
	CHECK_EQ(c->eng[VFMIG_ENG_RX_DATA], 1);
	t_free(e);
}

static void test_rx_multi_desc(void)
{
	struct bring b = bring_default;
	struct tenv *e = t_new(NULL, 1);
	static u8 f[10000], got[10000];
	struct vctx *c;
	u32 len;

	REQUIRE(e);
	c = &e->v[0];
	b.bufsz = 1024;
	REQUIRE(bringup(c, &b) == 0);
	rx_post(c, 0, 16);
	make_frame(f, c->mac, peer_mac, 2500, 5);
	vfmig_model_port_rx(e->pf, f, 2500);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(rx_qw1(c, 0, 0)), 1024);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(rx_qw1(c, 0, 1)), 1024);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(rx_qw1(c, 0, 2)), 452);
	CHECK_EQ(rx_qw1(c, 0, 0) & VFMIG_RX_STATUS_EOF, 0);
	CHECK_EQ(rx_qw1(c, 0, 1) & VFMIG_RX_STATUS_EOF, 0);
	CHECK(rx_qw1(c, 0, 2) & VFMIG_RX_STATUS_EOF);
	CHECK(rx_qw1(c, 0, 0) & VFMIG_RX_STATUS_DD);
	len = rx_take(c, 0, got);
	CHECK_EQ(len, 2500);
	CHECK(len == 2500 && !memcmp(got, f, 2500));
	/* too few descriptors for the whole frame: dropped, nothing written */
	wr(c, VFMIG_QRX_TAIL1(0), 17 % 64);	/* ring now holds 16 - 3 + 1 */
	c->rx_tail[0] = 17;
	{
		struct vfmig_model_vf_stats s0 = vstats(c);

		make_frame(f, c->mac, peer_mac, 9000, 6);
		vfmig_model_port_rx(e->pf, f, 9000);	/* needs 9 buffers, 14 there */
		CHECK_EQ(vstats(c).rx_packets, s0.rx_packets + 1);
		vfmig_model_port_rx(e->pf, f, 9000);	/* 5 left: dropped */
		CHECK_EQ(vstats(c).rx_no_desc_drops, s0.rx_no_desc_drops + 1);
	}
	t_free(e);
}

static void test_rx_16byte_desc(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_hmc_rxq rx;
	struct vctx *c;
	u8 f[256];
	u8 *ring;
	u64 qw1;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, false, 1000), 0);
	CHECK_EQ(hw->rxq_ctx_read(e->pf, 0, 0, &rx), 0);
	rx.dsize = 0;
	/* the context of an enabled queue cannot be written */
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, true, 1000), 0);
	CHECK_ERR(hw->rxq_ctx_write(e->pf, 0, 0, &rx), -EBUSY);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, false, 1000), 0);
	CHECK_EQ(hw->rxq_ctx_write(e->pf, 0, 0, &rx), 0);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, true, 1000), 0);
	e->now = vfmig_model_now(e->pf);
	ring = c->ram + RX_RING(0);
	memset(ring, 0xaa, 64);
	vfmig_put_le64(ring, RX_BUF(0, 0, 2048));
	vfmig_put_le64(ring + 8, 0);
	vfmig_put_le64(ring + 16, RX_BUF(0, 1, 2048));
	vfmig_put_le64(ring + 24, 0);
	allow(c, RX_BUF(0, 0, 2048), 4096);
	wr(c, VFMIG_QRX_TAIL1(0), 2);
	make_frame(f, c->mac, peer_mac, 150, 7);
	vfmig_model_port_rx(e->pf, f, 150);
	qw1 = vfmig_get_le64(ring + 8);
	CHECK(qw1 & VFMIG_RX_STATUS_DD);
	CHECK(qw1 & VFMIG_RX_STATUS_EOF);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(qw1), 150);
	/* the second 16-byte descriptor is intact */
	CHECK_EQ(vfmig_get_le64(ring + 16), RX_BUF(0, 1, 2048));
	CHECK_EQ(ring[32], 0xaa);
	CHECK(!memcmp(c->ram + RX_BUF(0, 0, 2048), f, 150));
	t_free(e);
}

/* Does a frame reach VF @c (RX queue 0, one fresh descriptor)? */
static bool delivered(struct tenv *e, struct vctx *c, const u8 *f, u32 len)
{
	u64 before = vstats(c).rx_packets;

	vfmig_model_port_rx(e->pf, f, len);
	return vstats(c).rx_packets == before + 1;
}

static void test_rx_filters(void)
{
	const u8 mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const u8 other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256];
	u64 qw1, base;
	u32 len;
	u16 idx;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 63);
	make_frame(f, c->mac, peer_mac, 100, 1);
	CHECK(delivered(e, c, f, 100));
	make_frame(f, other, peer_mac, 100, 1);
	CHECK(!delivered(e, c, f, 100));
	CHECK_EQ(vstats(c).rx_filtered, 1);
	make_frame(f, bcast_mac, peer_mac, 100, 1);
	CHECK(delivered(e, c, f, 100));
	make_frame(f, mc, peer_mac, 100, 1);
	CHECK(!delivered(e, c, f, 100));
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, mc), 0);
	CHECK(delivered(e, c, f, 100));
	/* multicast frames are flagged as such */
	qw1 = rx_qw1(c, 0, (u16)(vstats(c).rx_packets - 1));
	CHECK_EQ((qw1 & VFMIG_RX_STATUS_UMBCAST_MASK) >> VFMIG_RX_STATUS_UMBCAST_SHIFT, 1);
	/* untrusted: promiscuous "succeeds" and changes nothing (i40e) */
	CHECK_EQ(vc_promisc(c, FLAG_VF_UNICAST_PROMISC | FLAG_VF_MULTICAST_PROMISC), 0);
	make_frame(f, other, peer_mac, 100, 1);
	CHECK(!delivered(e, c, f, 100));
	/* trusted (the VF is reset for it, as i40e does): it works */
	CHECK_EQ(vfmig_model_vf_set_trust(e->pf, 0, true), 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_INPROGRESS);
	settle(e, 10000000);
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 63);
	base = vstats(c).rx_packets;
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, mc), 0);
	CHECK_EQ(vc_promisc(c, FLAG_VF_UNICAST_PROMISC | FLAG_VF_MULTICAST_PROMISC), 0);
	CHECK(delivered(e, c, f, 100));
	{
		const u8 mc2[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x05 };

		make_frame(f, mc2, peer_mac, 100, 1);
		CHECK(delivered(e, c, f, 100));
	}
	CHECK_EQ(vc_promisc(c, 0), 0);
	make_frame(f, other, peer_mac, 100, 1);
	CHECK(!delivered(e, c, f, 100));
	/* VLAN: any tag passes until the VF has a VLAN filter */
	len = add_vlan(f, make_frame(f, c->mac, peer_mac, 100, 2), 100);
	CHECK(delivered(e, c, f, len));
	CHECK_EQ(vc_vlan(c, VIRTCHNL_OP_ADD_VLAN, 200), 0);
	CHECK(!delivered(e, c, f, len));
	len = add_vlan(f, make_frame(f, c->mac, peer_mac, 100, 3), 0x2000 | 200);
	CHECK(delivered(e, c, f, len));
	/* ADD_VLAN turned stripping on: tag gone, reported in l2tag1 */
	idx = (u16)((vstats(c).rx_packets - base - 1) % 64);
	qw1 = rx_qw1(c, 0, idx);
	CHECK(qw1 & VFMIG_RX_STATUS_L2TAG1P);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(qw1), 100);
	CHECK_EQ(le16_to_cpu(rxd(c, 0, idx)->wb.l2tag1), 0x2000 | 200);
	CHECK(!memcmp(c->ram + RX_BUF(0, idx, 2048) + 12, "\x88\xb5", 2));
	CHECK_EQ(vc_vlan(c, VIRTCHNL_OP_DEL_VLAN, 200), 0);
	t_free(e);
}

static void test_vf_to_vf_switch(void)
{
	struct vfmig_model_cfg cfg;
	struct tenv *e;
	struct vctx *a, *b;
	u8 f[512], out[2048], got[2048];
	u32 len;

	vfmig_model_cfg_default(&cfg);
	cfg.num_vfs = 2;
	e = t_new(&cfg, 2);
	REQUIRE(e);
	a = &e->v[0];
	b = &e->v[1];
	REQUIRE(bringup(a, &bring_default) == 0);
	REQUIRE(bringup(b, &bring_default) == 0);
	rx_post(a, 0, 32);
	rx_post(b, 0, 32);
	/* unicast to the other VF stays inside the PF */
	make_frame(f, b->mac, a->mac, 300, 11);
	tx_queue(a, 0, f, 300, 2, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	len = rx_take(b, 0, got);
	CHECK_EQ(len, 300);
	CHECK(len == 300 && !memcmp(got, f, 300));
	CHECK_EQ(vstats(a).rx_packets, 0);
	/* broadcast: the other VF and the wire, not the sender */
	make_frame(f, bcast_mac, a->mac, 120, 12);
	tx_queue(a, 0, f, 120, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 120);
	CHECK(!memcmp(out, f, 120));
	CHECK_EQ(rx_take(b, 0, got), 120);
	CHECK_EQ(vstats(a).rx_packets, 0);
	/* unknown unicast: the wire only */
	make_frame(f, peer_mac, a->mac, 90, 13);
	tx_queue(a, 0, f, 90, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 90);
	CHECK_EQ(rx_take(b, 0, got), 0);
	/* spoof check: a frame with somebody else's source MAC is dropped */
	make_frame(f, peer_mac, b->mac, 90, 14);
	tx_queue(a, 0, f, 90, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	CHECK_EQ(vstats(a).tx_dropped, 1);
	{
		struct vfmig_model_port_stats ps;

		CHECK_EQ(vfmig_model_port_stats(e->pf, &ps), 0);
		CHECK_EQ(ps.switched, 2);
		CHECK_EQ(ps.tx_frames, 2);
	}
	t_free(e);
}

static void test_rss_spreads(void)
{
	/* Microsoft's RSS verification key, zero-padded to 52 bytes */
	static const u8 mskey[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
		0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
		0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
		0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	struct bring b = { .nq = 4, .ring_len = 64, .bufsz = 2048 };
	struct tenv *e = t_new(NULL, 1);
	u64 buf[16];
	u8 key[52] = { 0 }, f[256], in[12];
	u32 per_q[4] = { 0 }, i, len, hash, bad = 0;
	struct vctx *c;
	u16 q, used = 0;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &b) == 0);
	memcpy(key, mskey, sizeof(mskey));
	{
		struct virtchnl_rss_key *k = (void *)buf;
		struct virtchnl_rss_lut *l = (void *)buf;

		memset(buf, 0, sizeof(buf));
		k->vsi_id = c->vsi_id;
		k->key_len = 52;
		memcpy(k->key, key, 52);
		CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_RSS_KEY, k,
				 (u16)vfmig_vc_rss_key_len(52), NULL, NULL), 0);
		memset(buf, 0, sizeof(buf));
		l->vsi_id = c->vsi_id;
		l->lut_entries = 64;
		for (i = 0; i < 64; i++)
			l->lut[i] = (u8)(i % 4);
		CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_RSS_LUT, l,
				 (u16)vfmig_vc_rss_lut_len(64), NULL, NULL), 0);
	}
	for (q = 0; q < 4; q++)
		rx_post(c, q, 63);
	/* known answer: 66.9.149.187:2794 -> 161.142.100.80:1766 TCP = 0x51ccc178 */
	len = make_ip4(f, c->mac, peer_mac, 0x420995bb, 0xa18e6450, 2794, 1766, 6, 10);
	vfmig_model_port_rx(e->pf, f, len);
	q = 0x51ccc178 % 64 % 4;
	CHECK(rx_qw1(c, q, 0) & VFMIG_RX_STATUS_DD);
	CHECK_EQ(le32_to_cpu(rxd(c, q, 0)->wb.rss), 0x51ccc178);
	CHECK_EQ((rx_qw1(c, q, 0) & VFMIG_RX_STATUS_FLTSTAT_MASK) >>
		 VFMIG_RX_STATUS_FLTSTAT_SHIFT, VFMIG_RX_FLTSTAT_RSS_HASH);
	CHECK_EQ(vfmig_rx_qw1_ptype(rx_qw1(c, q, 0)), VFMIG_RX_PTYPE_IPV4_TCP);
	c->rx_ntc[q] = 1;
	per_q[q]++;
	/* many UDP flows: each lands on LUT[hash & 63] */
	for (i = 0; i < 100; i++) {
		u16 sport = (u16)(10000 + i * 7);
		u8 got[2048];
		u16 qq;

		len = make_ip4(f, c->mac, peer_mac, 0xc6120001, 0xc6130002, sport,
			       4791, 17, 32);
		memcpy(in, f + 26, 8);
		in[8] = (u8)(sport >> 8);
		in[9] = (u8)sport;
		in[10] = 4791 >> 8;
		in[11] = 4791 & 0xff;
		hash = ref_toeplitz(key, 52, in, 12);
		qq = (u16)((hash & 63) % 4);
		vfmig_model_port_rx(e->pf, f, len);
		if (rx_take(c, qq, got) != len ||
		    le32_to_cpu(rxd(c, qq, (u16)((c->rx_ntc[qq] + 63) % 64))->wb.rss) != hash)
			bad++;
		per_q[qq]++;
	}
	CHECK_EQ(bad, 0);
	for (q = 0; q < 4; q++)
		used += per_q[q] > 0;
	CHECK(used >= 3);
	/* with HENA cleared, everything goes to queue 0 unhashed */
	{
		struct virtchnl_rss_hena h = { .hena = 0 };
		u64 before = 0;

		CHECK_EQ(vc_call(c, VIRTCHNL_OP_SET_RSS_HENA, &h, sizeof(h), NULL, NULL), 0);
		before = vstats(c).rx_packets;
		len = make_ip4(f, c->mac, peer_mac, 1, 2, 3, 4, 17, 10);
		vfmig_model_port_rx(e->pf, f, len);
		CHECK_EQ(vstats(c).rx_packets, before + 1);
		CHECK(rx_qw1(c, 0, c->rx_ntc[0]) & VFMIG_RX_STATUS_DD);
		CHECK_EQ(rx_qw1(c, 0, c->rx_ntc[0]) & VFMIG_RX_STATUS_FLTSTAT_MASK, 0);
	}
	t_free(e);
}

static void test_qena_latency(void)
{
	struct bring b = bring_default;
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_queue_select vqs;
	struct vctx *c;
	bool en;
	u64 t0;

	REQUIRE(e);
	c = &e->v[0];
	b.no_enable = true;
	REQUIRE(bringup(c, &b) == 0);
	memset(&vqs, 0, sizeof(vqs));
	vqs.vsi_id = c->vsi_id;
	vqs.rx_queues = 1;
	vqs.tx_queues = 1;
	aq_send(c, VIRTCHNL_OP_ENABLE_QUEUES, &vqs, sizeof(vqs));
	run(e, 0);
	t0 = e->now;
	run(e, e->cfg.qena_latency_ns - 1);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(!en);
	run(e, 1);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(en);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, true, &en), 0);
	CHECK(en);
	CHECK_EQ(e->now - t0, e->cfg.qena_latency_ns);
	vc_drain(c);
	/* the PF's own bounded wait advances virtual time by the latency */
	t0 = vfmig_model_now(e->pf);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, false, 1000), 0);
	CHECK_EQ(vfmig_model_now(e->pf) - t0, e->cfg.qena_latency_ns);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(!en);
	/* a timeout shorter than the latency fails, the request stays */
	CHECK_ERR(hw->queue_enable(e->pf, 0, 0, false, true, 5), -ETIMEDOUT);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, true, 1000), 0);
	t_free(e);
}

static void test_qena_stuck_timeout(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_model_faults fl;
	struct vctx *c;
	u8 f[256], out[2048];
	bool en;
	u64 t0;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	memset(&fl, 0, sizeof(fl));
	fl.txq_disable_stuck = BIT(0);
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	t0 = vfmig_model_now(e->pf);
	CHECK_ERR(hw->queue_enable(e->pf, 0, 0, false, false, 200), -ETIMEDOUT);
	CHECK(vfmig_model_now(e->pf) - t0 >= 200000);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(en);
	/* REQ is clear: the queue starts nothing new */
	e->now = vfmig_model_now(e->pf);
	make_frame(f, peer_mac, c->mac, 100, 1);
	tx_queue(c, 0, f, 100, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	/* a DISABLE_QUEUES through virtchnl times out in the PF host */
	memset(&fl, 0, sizeof(fl));
	fl.rxq_disable_stuck = BIT(0);
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	CHECK_EQ(vc_queues(c, VIRTCHNL_OP_DISABLE_QUEUES, 1, 1),
		 VIRTCHNL_STATUS_ERR_ADMIN_QUEUE_ERROR);
	/* the TX disable went through once the TX fault was gone */
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(!en);
	memset(&fl, 0, sizeof(fl));
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, false, 200), 0);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, true, &en), 0);
	CHECK(!en);
	t_free(e);
}

static void test_dma_fault_tx(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_model_faults fl;
	struct vctx *c;
	u8 f[256], out[2048];
	bool en;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	memset(&fl, 0, sizeof(fl));
	fl.dma_fault_iova = TX_BUF(0, 0);
	fl.dma_fault_len = 1024;
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	make_frame(f, peer_mac, c->mac, 100, 1);
	tx_queue(c, 0, f, 100, 1, true, true);
	tx_queue(c, 0, f, 100, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	CHECK_EQ(vstats(c).dma_faults, 1);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(!en);
	/* the stopped queue issues no more DMA */
	run(e, 1000000);
	CHECK_EQ(vstats(c).dma_faults, 1);
	CHECK_EQ(c->eng[VFMIG_ENG_TX_DESC_WB], 0);
	/* a descriptor fetch outside guest memory faults the same way */
	memset(&fl, 0, sizeof(fl));
	vfmig_model_vf_set_faults(e->pf, 0, &fl);
	{
		struct vfmig_hmc_txq tx;

		CHECK_EQ(hw->txq_ctx_read(e->pf, 0, 0, &tx), 0);
		tx.base = (RAM_SIZE + 4096) / 128;
		tx.head = 0;
		wr(c, VFMIG_QTX_TAIL1(0), 0);
		CHECK_EQ(hw->txq_ctx_write(e->pf, 0, 0, &tx), 0);
		CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, true, 1000), 0);
		e->now = vfmig_model_now(e->pf);
		wr(c, VFMIG_QTX_TAIL1(0), 1);
		run(e, 0);
		CHECK_EQ(vstats(c).dma_faults, 2);
		CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
		CHECK(!en);
	}
	t_free(e);
}

static void test_dma_fault_rx_and_arq(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_model_faults fl;
	struct vctx *c;
	u8 f[256];
	bool en;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 8);
	memset(&fl, 0, sizeof(fl));
	fl.dma_fault_iova = RX_BUF(0, 0, 2048) + 100;
	fl.dma_fault_len = 1;
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	make_frame(f, c->mac, peer_mac, 200, 1);
	vfmig_model_port_rx(e->pf, f, 200);
	CHECK_EQ(vstats(c).dma_faults, 1);
	CHECK_EQ(vstats(c).rx_packets, 0);
	CHECK_EQ(rx_qw1(c, 0, 0) & VFMIG_RX_STATUS_DD, 0);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, true, &en), 0);
	CHECK(!en);
	vfmig_model_port_rx(e->pf, f, 200);
	CHECK_EQ(vstats(c).rx_disabled_drops, 1);
	/* ARQ ring unreachable: CRIT, disabled, the answer keeps waiting */
	fl.dma_fault_iova = ARQ_RING;
	fl.dma_fault_len = AQ_LEN * 32;
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	aq_send(c, VIRTCHNL_OP_GET_RSS_HENA_CAPS, NULL, 0);
	settle(e, 10000000);
	CHECK(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_CRIT);
	CHECK_EQ(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE, 0);
	CHECK_EQ(vstats(c).mbx_pending, 1);
	t_free(e);
}

static void test_irq_masking_and_itr(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256];

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 63);
	make_frame(f, c->mac, peer_mac, 100, 1);
	/* masked: the cause stays pending */
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), 0);
	vfmig_model_port_rx(e->pf, f, 100);
	run(e, 0);
	CHECK_EQ(c->irqs[1], 0);
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	CHECK_EQ(c->irqs[1], 1);
	CHECK_EQ(rd(c, VFMIG_VFINT_DYN_CTLN1(0)) & VFMIG_VFINT_DYN_CTLN1_INTENA, 0);
	/* CLEARPBA discards a pending cause */
	vfmig_model_port_rx(e->pf, f, 100);
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_CLEARPBA | VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	run(e, 0);
	CHECK_EQ(c->irqs[1], 1);
	/* ITR0 = 50 x 2 us: after firing the vector stays quiet 100 us */
	wr(c, VFMIG_VFINT_ITRN1(0, 0), 50);
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK_EQ(c->irqs[1], 2);
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	run(e, 10000);
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK_EQ(c->irqs[1], 2);
	run(e, 89999);
	CHECK_EQ(c->irqs[1], 2);
	run(e, 1);
	CHECK_EQ(c->irqs[1], 3);
	/* a software interrupt, held back by the throttle of the last one */
	wr(c, VFMIG_VFINT_DYN_CTLN1(0), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_SWINT_TRIG | VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	CHECK_EQ(c->irqs[1], 3);
	run(e, 100000);
	CHECK_EQ(c->irqs[1], 4);
	CHECK_EQ(vstats(c).irqs, c->irqs[0] + c->irqs[1]);
	t_free(e);
}

static void test_mbx_hold_and_pending(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct tenv *d = t_new(NULL, 1);
	struct vfmig_dev_image *img;
	struct virtchnl_queue_select vqs;
	struct virtchnl_version_info v = { 1, 1 };
	struct vctx *c, *dc;
	u8 buf[256];
	u32 op;
	s32 rv;
	u16 len, i;

	REQUIRE(e && d);
	img = calloc(1, sizeof(*img));
	REQUIRE(img);
	c = &e->v[0];
	dc = &d->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	memset(&vqs, 0, sizeof(vqs));
	vqs.vsi_id = c->vsi_id;
	/* posted before the hold: answered; the answer is held back */
	aq_send(c, VIRTCHNL_OP_GET_STATS, &vqs, sizeof(vqs));
	CHECK_EQ(hw->mbx_hold(e->pf, 0, true), 0);
	CHECK_EQ(rd(c, VFMIG_VF_ATQH1), c->atq_ntu);
	/* posted after: stays on the ATQ */
	aq_send(c, VIRTCHNL_OP_VERSION, &v, sizeof(v));
	settle(e, 100000000);
	CHECK_EQ(rd(c, VFMIG_VF_ATQH1), (c->atq_ntu + AQ_LEN - 1) % AQ_LEN);
	CHECK_EQ(aq_recv(c, &op, &rv, buf, &len), 0);
	CHECK_EQ(vstats(c).mbx_pending, 1);
	CHECK_EQ(hw->mbx_pending_take(e->pf, 0, img), 0);
	CHECK_EQ(img->runtime.num_mbx_msgs, 1);
	CHECK_EQ(img->runtime.mbx_msgs[0].v_opcode, VIRTCHNL_OP_GET_STATS);
	CHECK_EQ(img->runtime.mbx_msgs[0].len, 96);
	CHECK_EQ(vstats(c).mbx_pending, 0);
	/* the destination delivers it into its VF's ARQ */
	aq_init(dc, AQ_LEN - 1);
	CHECK_EQ(hw->mbx_pending_put(d->pf, 0, img), 0);
	run(d, 0);
	CHECK_EQ(aq_recv(dc, &op, &rv, buf, &len), 1);
	CHECK_EQ(op, VIRTCHNL_OP_GET_STATS);
	CHECK_EQ(len, 96);
	CHECK(!memcmp(buf, img->runtime.mbx_msgs[0].data, 96));
	/* releasing the source's hold serves the waiting VERSION */
	CHECK_EQ(hw->mbx_hold(e->pf, 0, false), 0);
	settle(e, 10000000);
	CHECK_EQ(aq_recv(c, &op, &rv, buf, &len), 1);
	CHECK_EQ(op, VIRTCHNL_OP_VERSION);
	/* too many for the image: nothing moves */
	img->runtime.num_mbx_msgs = VFMIG_MAX_MBX_MSGS;
	CHECK_EQ(hw->mbx_hold(e->pf, 0, true), 0);
	vfmig_model_set_link(e->pf, false, 0);
	CHECK_EQ(vstats(c).mbx_pending, 1);
	CHECK_ERR(hw->mbx_pending_take(e->pf, 0, img), -ERANGE);
	CHECK_EQ(vstats(c).mbx_pending, 1);
	img->runtime.num_mbx_msgs = 1;
	for (i = 0; i < img->runtime.num_mbx_msgs; i++)
		free(img->runtime.mbx_msgs[i].data);
	free(img);
	t_free(e);
	t_free(d);
}

static void test_vf_state_roundtrip(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct tenv *d = t_new(NULL, 1);
	struct vfmig_pf_vf_state *s1 = calloc(1, sizeof(*s1));
	struct vfmig_pf_vf_state *s2 = calloc(1, sizeof(*s2));
	const u8 mc[6] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
	struct bring b = { .nq = 2, .ring_len = 64, .bufsz = 2048 };
	struct vctx *c;
	u8 f[256];
	u32 len;

	REQUIRE(e && d && s1 && s2);
	c = &e->v[0];
	REQUIRE(bringup(c, &b) == 0);
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, mc), 0);
	CHECK_EQ(vc_vlan(c, VIRTCHNL_OP_ADD_VLAN, 77), 0);
	CHECK_EQ(hw->vf_state_get(e->pf, 0, s1), 0);
	CHECK(s1->active);
	CHECK_EQ(s1->virtchnl_major, 1);
	CHECK_EQ(s1->virtchnl_minor, 1);
	CHECK_EQ(s1->config.num_mac_filters, 3);	/* MAC, broadcast, mc */
	CHECK_EQ(s1->config.num_vlan_filters, 1);
	CHECK_EQ(s1->config.vlan_filters[0], 77);
	CHECK_EQ(s1->config.num_irq_maps, 3);
	CHECK_EQ(s1->config.vsi.num_queue_pairs, 2);
	CHECK_EQ(s1->txq_enabled, 3);
	CHECK(s1->config.vf.flags & VFMIG_VF_VLAN_STRIP);
	/* apply on another PF, read back equal */
	CHECK_EQ(hw->vf_state_set(d->pf, 0, s1), 0);
	CHECK_EQ(hw->vf_state_get(d->pf, 0, s2), 0);
	CHECK(!memcmp(&s1->config.vf, &s2->config.vf, sizeof(s1->config.vf)));
	CHECK(!memcmp(&s1->config.vsi, &s2->config.vsi, sizeof(s1->config.vsi)));
	CHECK_EQ(s2->config.num_mac_filters, 3);
	CHECK(!memcmp(s1->config.mac_filters, s2->config.mac_filters,
		      3 * sizeof(s1->config.mac_filters[0])));
	CHECK_EQ(s2->config.num_vlan_filters, 1);
	CHECK_EQ(s2->config.vlan_filters[0], 77);
	CHECK(!memcmp(s1->config.rss_key, s2->config.rss_key, 52));
	CHECK(!memcmp(s1->config.rss_lut, s2->config.rss_lut, 64));
	CHECK_EQ(s1->config.rss_hena, s2->config.rss_hena);
	CHECK_EQ(s2->config.num_irq_maps, 3);
	CHECK(!memcmp(s1->config.irq_maps, s2->config.irq_maps,
		      3 * sizeof(s1->config.irq_maps[0])));
	CHECK_EQ(s1->vf_caps, s2->vf_caps);
	CHECK(s2->active);
	/* the destination's filters behave like the source's */
	{
		struct vctx *dc = &d->v[0];
		struct vfmig_hmc_rxq rx;

		CHECK_EQ(hw->rxq_ctx_read(e->pf, 0, 0, &rx), 0);
		rx.head = 0;
		CHECK_EQ(hw->rxq_ctx_write(d->pf, 0, 0, &rx), 0);
		CHECK_EQ(hw->queue_enable(d->pf, 0, 0, true, true, 1000), 0);
		d->now = vfmig_model_now(d->pf);
		memcpy(dc->mac, c->mac, 6);
		dc->rx_bufsz = 2048;
		dc->rx_len[0] = 64;
		allow(dc, RX_RING(0), 64 * 32);
		rx_post(dc, 0, 8);
		len = add_vlan(f, make_frame(f, c->mac, peer_mac, 100, 1), 77);
		CHECK(delivered(d, dc, f, len));
		len = add_vlan(f, make_frame(f, c->mac, peer_mac, 100, 1), 78);
		CHECK(!delivered(d, dc, f, len));
	}
	/* invalid state is refused whole */
	s1->config.rss_lut[3] = 9;
	s1->config.num_vlan_filters = 0;
	CHECK_ERR(hw->vf_state_set(d->pf, 0, s1), -EINVAL);
	CHECK_EQ(hw->vf_state_get(d->pf, 0, s2), 0);
	CHECK_EQ(s2->config.num_vlan_filters, 1);
	free(s1);
	free(s2);
	t_free(e);
	t_free(d);
}

static void test_reg_shadow(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_version_info v = { 1, 1 };
	struct vctx *c;
	u32 val;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	/* ICR01 read through the shadow does not clear it */
	CHECK_EQ(hw->vf_reg_write(e->pf, 0, VFMIG_VFINT_ICR01,
				  VFMIG_VFINT_ICR01_ADMINQ), 0);
	CHECK_EQ(hw->vf_reg_read(e->pf, 0, VFMIG_VFINT_ICR01, &val), 0);
	CHECK_EQ(val, VFMIG_VFINT_ICR01_ADMINQ);
	CHECK_EQ(hw->vf_reg_read(e->pf, 0, VFMIG_VFINT_ICR01, &val), 0);
	CHECK_EQ(val, VFMIG_VFINT_ICR01_ADMINQ);
	/* a write to ATQT through the shadow moves the tail, the held mailbox waits */
	CHECK_EQ(hw->mbx_hold(e->pf, 0, true), 0);
	{
		struct vfmig_aq_desc *dd = aq_desc(c, ATQ_RING, c->atq_ntu);

		vfmig_aq_fill_msg_desc(dd, VFMIG_AQC_OPC_SEND_MSG_TO_PF,
				       VIRTCHNL_OP_VERSION, 0, 8);
		memcpy(c->ram + ATQ_BUF(c->atq_ntu), &v, 8);
		dd->addr_low = cpu_to_le32((u32)ATQ_BUF(c->atq_ntu));
		c->atq_ntu = (c->atq_ntu + 1) % AQ_LEN;
	}
	CHECK_EQ(hw->vf_reg_write(e->pf, 0, VFMIG_VF_ATQT1, c->atq_ntu), 0);
	settle(e, 1000000);
	CHECK_EQ(rd(c, VFMIG_VF_ATQT1), c->atq_ntu);
	CHECK_EQ(rd(c, VFMIG_VF_ATQH1), (c->atq_ntu + AQ_LEN - 1) % AQ_LEN);
	CHECK_EQ(hw->mbx_hold(e->pf, 0, false), 0);
	run(e, 0);
	CHECK_EQ(rd(c, VFMIG_VF_ATQH1), c->atq_ntu);
	/* DYN_CTL restored with INTENA does not fire by itself */
	CHECK_EQ(hw->vf_reg_write(e->pf, 0, VFMIG_VFINT_DYN_CTLN1(0),
				  VFMIG_VFINT_DYN_CTLN1_INTENA |
				  VFMIG_VFINT_DYN_CTLN1_SWINT_TRIG), 0);
	CHECK_EQ(c->irqs[1], 0);
	CHECK_EQ(hw->vf_reg_read(e->pf, 0, VFMIG_VFINT_DYN_CTLN1(0), &val), 0);
	CHECK_EQ(val, VFMIG_VFINT_DYN_CTLN1_INTENA);
	/* the reset state can be set by the PF, not by the VF */
	wr(c, VFMIG_VFGEN_RSTAT, 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	CHECK_EQ(hw->vf_reg_write(e->pf, 0, VFMIG_VFGEN_RSTAT, VFMIG_VFR_COMPLETED), 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_COMPLETED);
	/* unknown offsets are refused */
	CHECK_ERR(hw->vf_reg_read(e->pf, 0, 0x9004, &val), -EINVAL);
	CHECK_ERR(hw->vf_reg_write(e->pf, 0, 0x9004, 1), -EINVAL);
	t_free(e);
}

static void test_reset_vf_clears_state(void)
{
	struct tenv *e = t_new(NULL, 1);
	const u8 mc[6] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
	struct vfmig_pf_vf_state *st = calloc(1, sizeof(*st));
	struct vfmig_hmc_txq tx;
	struct vctx *c;
	bool en;

	REQUIRE(e && st);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	CHECK_EQ(vc_mac(c, VIRTCHNL_OP_ADD_ETH_ADDR, mc), 0);
	aq_send(c, VIRTCHNL_OP_RESET_VF, NULL, 0);
	run(e, 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_INPROGRESS);
	CHECK_EQ(rd(c, VFMIG_VF_ARQLEN1), 0);
	/* the VF has no VSI while it resets */
	CHECK_ERR(hw->queue_enabled(e->pf, 0, 0, false, &en), -EBUSY);
	settle(e, 10000000);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	CHECK_EQ(hw->queue_enabled(e->pf, 0, 0, false, &en), 0);
	CHECK(!en);
	CHECK_EQ(hw->txq_ctx_read(e->pf, 0, 0, &tx), 0);
	CHECK_EQ(tx.qlen, 0);
	CHECK_EQ(hw->vf_state_get(e->pf, 0, st), 0);
	CHECK(!st->active);
	CHECK_EQ(st->config.num_mac_filters, 2);	/* admin MAC + broadcast */
	CHECK(!memcmp(st->config.mac_filters[0].addr, c->mac, 6));
	CHECK_EQ(st->config.num_irq_maps, 0);
	CHECK_EQ(st->virtchnl_major, 0);
	/* RESET_VF resets a VF that has not (yet) done GET_VF_RESOURCES too */
	aq_init(c, AQ_LEN - 1);
	aq_send(c, VIRTCHNL_OP_RESET_VF, NULL, 0);
	run(e, 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_INPROGRESS);
	CHECK_EQ(vstats(c).resets, 2);
	settle(e, 10000000);
	/* and the agent's own reset completes before it returns */
	CHECK_EQ(hw->vf_reset(e->pf, 0), 0);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	CHECK_EQ(vstats(c).resets, 3);
	free(st);
	t_free(e);
}

static void test_request_queues(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_vf_res_request rq = { .num_queue_pairs = 20 }, out;
	struct vctx *c;
	u16 len;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_REQUEST_QUEUES, &rq, sizeof(rq), &out, &len), 0);
	CHECK_EQ(len, 2);
	CHECK_EQ(out.num_queue_pairs, 16);
	rq.num_queue_pairs = 8;
	aq_send(c, VIRTCHNL_OP_REQUEST_QUEUES, &rq, sizeof(rq));
	settle(e, 10000000);
	CHECK_EQ(vstats(c).resets, 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	aq_init(c, AQ_LEN - 1);
	CHECK_EQ(vc_version(c), 0);
	CHECK_EQ(vc_get_res(c, VIRTCHNL_VF_OFFLOAD_L2, NULL), 0);
	CHECK_EQ(c->num_qps, 8);
	t_free(e);
}

static void test_link_event(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	c->events = 0;
	vfmig_model_set_link(e->pf, false, 0);
	vc_drain(c);
	CHECK_EQ(c->events, 1);
	CHECK_EQ(c->last_event.event, VIRTCHNL_EVENT_LINK_CHANGE);
	CHECK_EQ(c->last_event.event_data.link_event.link_status, 0);
	vfmig_model_set_link(e->pf, true, 10000);
	vc_drain(c);
	CHECK_EQ(c->events, 2);
	CHECK_EQ(c->last_event.event_data.link_event.link_status, 1);
	CHECK_EQ(c->last_event.event_data.link_event.link_speed,
		 VIRTCHNL_LINK_SPEED_10GB);
	/* a VF that asks for ADV_LINK_SPEED gets Mb/s */
	REQUIRE(vc_get_res(c, VIRTCHNL_VF_OFFLOAD_L2 | VIRTCHNL_VF_CAP_ADV_LINK_SPEED,
			   NULL) == 0);
	vfmig_model_set_link(e->pf, true, 25000);
	vc_drain(c);
	CHECK_EQ(c->last_event.event_data.link_event_adv.link_speed, 25000);
	t_free(e);
}

static void test_bar0_unknown(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	CHECK_EQ(rd(c, 0x9000), 0);
	CHECK_EQ(rd(c, 0x0002), 0);		/* unaligned */
	CHECK_EQ(rd(c, 0x20000), 0);		/* beyond BAR0 */
	wr(c, 0xfff0, 0x12345678);
	CHECK_EQ(rd(c, 0xfff0), 0);
	CHECK_EQ(vstats(c).bar0_unknown_reads, 4);
	CHECK_EQ(vstats(c).bar0_unknown_writes, 1);
	/* known registers read back */
	wr(c, VFMIG_VFQF_HKEY(3), 0xa5a5a5a5);
	CHECK_EQ(rd(c, VFMIG_VFQF_HKEY(3)), 0xa5a5a5a5);
	wr(c, VFMIG_VFINT_ITRN1(2, 15), 0x7ff);
	CHECK_EQ(rd(c, VFMIG_VFINT_ITRN1(2, 15)), 0x7ff);
	CHECK_EQ(vstats(c).bar0_unknown_reads, 4);
	t_free(e);
}

static void test_reset_fault_knob(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_model_faults fl;
	struct vctx *c;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	memset(&fl, 0, sizeof(fl));
	fl.reset_at_ns = e->now + 50000;
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	run(e, 49999);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	run(e, 1);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_INPROGRESS);
	settle(e, 10000000);
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_VFACTIVE);
	CHECK_EQ(vstats(c).resets, 1);
	/* a stalled PF host answers nothing */
	fl.reset_at_ns = 0;
	fl.mbx_stall = true;
	CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
	aq_init(c, AQ_LEN - 1);
	{
		u64 taken = vstats(c).mbx_to_pf;

		CHECK_EQ(vc_version(c), 1);
		CHECK_ERR(hw->mbx_hold(e->pf, 0, true), -ETIMEDOUT);
		CHECK_EQ(vstats(c).mbx_to_pf, taken);
		fl.mbx_stall = false;
		CHECK_EQ(vfmig_model_vf_set_faults(e->pf, 0, &fl), 0);
		settle(e, 10000000);
		CHECK_EQ(vstats(c).mbx_to_pf, taken + 1);
	}
	t_free(e);
}

static void test_fuzz_registers_bounded(void)
{
	struct tenv *e = t_new(NULL, 2);
	u64 seed = 12345;
	int i, work;

	REQUIRE(e);
	REQUIRE(bringup(&e->v[0], &bring_default) == 0);
	for (i = 0; i < 20000; i++) {
		u64 r = vt_rand(&seed);
		struct vctx *c = &e->v[r & 1];
		u32 off = (u32)(vt_rand(&seed) % VFMIG_VF_BAR0_SIZE) & ~3u;
		u32 val = (u32)vt_rand(&seed);

		/* mostly the registers that matter, sometimes anything */
		switch ((r >> 8) % 8) {
		case 0: off = VFMIG_QTX_TAIL1((r >> 16) % 16); break;
		case 1: off = VFMIG_QRX_TAIL1((r >> 16) % 16); break;
		case 2: off = VFMIG_VF_ATQT1; val %= 40; break;
		case 3: off = VFMIG_VF_ARQT1; val %= 40; break;
		case 4: {
			u64 a = vt_rand(&seed) % (RAM_SIZE - 64);

			/* scribble on guest memory: rings, buffers */
			vfmig_put_le64(c->ram + (a & ~7ull), vt_rand(&seed));
			continue;
		}
		default: break;
		}
		if (off == VFMIG_VFGEN_RSTAT)
			continue;
		wr(c, off, val);
		(void)rd(c, (u32)(vt_rand(&seed) % VFMIG_VF_BAR0_SIZE) & ~3u);
		if (!(i % 16)) {
			u8 f[128];

			make_frame(f, (r & 4) ? e->v[0].mac : bcast_mac, peer_mac, 128, i);
			vfmig_model_port_rx(e->pf, f, 128);
		}
		e->now += 1000;
		work = vfmig_model_poll(e->pf, e->now, 0);
		CHECK(work >= 0 && work < 100000);
		if (!(i % 64)) {
			u8 out[16384];

			while (vfmig_model_port_tx_pull(e->pf, out, sizeof(out)) > 0)
				;
		}
	}
	/* random scribbles can point the device anywhere; only bounds matter */
	e->v[0].bad_writes = 0;
	e->v[1].bad_writes = 0;
	t_free(e);
}


static void test_tx_vlan_insert_and_port_vlan(void)
{
	struct vfmig_model_cfg cfg;
	struct tenv *e;
	struct vctx *a, *b;
	u8 f[512], out[2048], got[2048];
	u32 len;
	int n;

	vfmig_model_cfg_default(&cfg);
	cfg.num_vfs = 2;
	e = t_new(&cfg, 2);
	REQUIRE(e);
	a = &e->v[0];
	b = &e->v[1];
	REQUIRE(bringup(a, &bring_default) == 0);
	/* IL2TAG1: the device inserts the descriptor's tag after the MACs */
	make_frame(f, peer_mac, a->mac, 100, 1);
	memcpy(a->ram + TX_BUF(0, 0), f, 100);
	txd(a, 0, 0)->buffer_addr = cpu_to_le64(TX_BUF(0, 0));
	txd(a, 0, 0)->cmd_type_offset_bsz = cpu_to_le64(vfmig_tx_build_qw1(
		VFMIG_TX_DESC_CMD_EOP | VFMIG_TX_DESC_CMD_RS |
		VFMIG_TX_DESC_CMD_IL2TAG1, 0, 100, 0x6064));
	a->tx_ntu[0] = 1;
	wr(a, VFMIG_QTX_TAIL1(0), 1);
	run(e, 0);
	n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out));
	CHECK_EQ(n, 104);
	CHECK(!memcmp(out, f, 12));
	CHECK_EQ(out[12], 0x81);
	CHECK_EQ(out[13], 0x00);
	CHECK_EQ(out[14], 0x60);
	CHECK_EQ(out[15], 0x64);
	CHECK(!memcmp(out + 16, f + 12, 88));
	/* port VLAN 42 on VF 1: the VF is reset, its frames leave tagged */
	CHECK_EQ(vfmig_model_vf_set_port_vlan(e->pf, 1, 42), 0);
	settle(e, 10000000);
	REQUIRE(bringup(b, &bring_default) == 0);
	rx_post(b, 0, 32);
	make_frame(f, peer_mac, b->mac, 100, 2);
	tx_queue(b, 0, f, 100, 1, true, true);
	run(e, 0);
	n = vfmig_model_port_tx_pull(e->pf, out, sizeof(out));
	CHECK_EQ(n, 104);
	CHECK_EQ(out[14] << 8 | out[15], 42);
	/* from the wire: only frames tagged 42 reach it, the tag stripped silently */
	make_frame(f, b->mac, peer_mac, 100, 3);
	CHECK(!delivered(e, b, f, 100));
	len = add_vlan(f, 100, 42);
	CHECK(delivered(e, b, f, len));
	CHECK_EQ(rx_take(b, 0, got), 100);
	CHECK_EQ(rx_qw1(b, 0, 0) & VFMIG_RX_STATUS_L2TAG1P, 0);
	CHECK(!memcmp(got + 12, "\x88\xb5", 2));
	/* the VF may not add VLANs under a port VLAN */
	CHECK_EQ(vc_vlan(b, VIRTCHNL_OP_ADD_VLAN, 5), VIRTCHNL_STATUS_ERR_PARAM);
	t_free(e);
}

static void test_irq_map_routing(void)
{
	struct bring b = { .nq = 2, .ring_len = 64, .bufsz = 2048 };
	struct tenv *e = t_new(NULL, 1);
	u64 buf[16];
	struct virtchnl_irq_map_info *im = (void *)buf;
	struct vctx *c;
	u8 f[256];
	u32 i;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &b) == 0);
	/* LUT: everything to queue 1 */
	{
		struct virtchnl_rss_lut *l = (void *)buf;

		memset(buf, 0, sizeof(buf));
		l->vsi_id = c->vsi_id;
		l->lut_entries = 64;
		for (i = 0; i < 64; i++)
			l->lut[i] = 1;
		CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_RSS_LUT, l,
				 (u16)vfmig_vc_rss_lut_len(64), NULL, NULL), 0);
	}
	rx_post(c, 1, 16);
	for (i = 1; i < 3; i++)
		wr(c, VFMIG_VFINT_DYN_CTLN1(i - 1), VFMIG_VFINT_DYN_CTLN1_INTENA |
		   VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	make_ip4(f, c->mac, peer_mac, 1, 2, 3, 4, 17, 10);
	vfmig_model_port_rx(e->pf, f, 60);
	CHECK_EQ(c->irqs[1], 0);
	CHECK_EQ(c->irqs[2], 1);
	/* remap RX queue 1 to vector 1: the map moves the queue */
	memset(buf, 0, sizeof(buf));
	im->num_vectors = 1;
	im->vecmap[0].vsi_id = c->vsi_id;
	im->vecmap[0].vector_id = 1;
	im->vecmap[0].rxq_map = BIT(1);
	im->vecmap[0].rxitr_idx = VFMIG_ITR_IDX_NONE;
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_IRQ_MAP, im,
			 (u16)vfmig_vc_irq_map_len(1), NULL, NULL), 0);
	wr(c, VFMIG_VFINT_DYN_CTLN1(1), VFMIG_VFINT_DYN_CTLN1_INTENA |
	   VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK);
	vfmig_model_port_rx(e->pf, f, 60);
	CHECK_EQ(c->irqs[1], 1);
	CHECK_EQ(c->irqs[2], 1);
	/* a vector the VF does not have is refused */
	im->vecmap[0].vector_id = 5;
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_CONFIG_IRQ_MAP, im,
			 (u16)vfmig_vc_irq_map_len(1), NULL, NULL),
		 VIRTCHNL_STATUS_ERR_PARAM);
	t_free(e);
}

static void test_get_stats(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct virtchnl_queue_select vqs;
	struct vctx *c;
	u8 f[256], out[128];
	u16 len = 0;
	int i;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 16);
	for (i = 0; i < 3; i++) {
		make_frame(f, c->mac, peer_mac, 100, i);
		vfmig_model_port_rx(e->pf, f, 100);
	}
	make_frame(f, bcast_mac, peer_mac, 80, 9);
	vfmig_model_port_rx(e->pf, f, 80);
	make_frame(f, peer_mac, c->mac, 200, 1);
	tx_queue(c, 0, f, 200, 1, true, true);
	run(e, 0);
	memset(&vqs, 0, sizeof(vqs));
	vqs.vsi_id = c->vsi_id;
	CHECK_EQ(vc_call(c, VIRTCHNL_OP_GET_STATS, &vqs, sizeof(vqs), out, &len), 0);
	CHECK_EQ(len, 96);
	CHECK_EQ(vfmig_get_le64(out + 0), 380);		/* rx_bytes */
	CHECK_EQ(vfmig_get_le64(out + 8), 3);		/* rx_unicast */
	CHECK_EQ(vfmig_get_le64(out + 24), 1);		/* rx_broadcast */
	CHECK_EQ(vfmig_get_le64(out + 48), 200);	/* tx_bytes */
	CHECK_EQ(vfmig_get_le64(out + 56), 1);		/* tx_unicast */
	t_free(e);
}

static void test_disable_means_no_dma(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u64 writes;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	rx_post(c, 0, 16);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, false, 1000), 0);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, true, false, 1000), 0);
	e->now = vfmig_model_now(e->pf);
	writes = c->writes;
	make_frame(f, peer_mac, c->mac, 100, 1);
	tx_queue(c, 0, f, 100, 1, true, true);
	make_frame(f, c->mac, peer_mac, 100, 2);
	vfmig_model_port_rx(e->pf, f, 100);
	settle(e, 10000000);
	CHECK_EQ(c->writes, writes);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 0);
	CHECK_EQ(vstats(c).rx_disabled_drops, 1);
	/* re-enabled without a new context: resumes at the same head */
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, true, 1000), 0);
	e->now = vfmig_model_now(e->pf);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, out, sizeof(out)), 100);
	t_free(e);
}

static void test_mbx_pending_put_all_or_nothing(void)
{
	struct tenv *e = t_new(NULL, 1);
	struct vfmig_dev_image *img = calloc(1, sizeof(*img));
	u8 payload[16] = { 1, 2, 3 };
	struct vctx *c;
	u16 i;

	REQUIRE(e && img);
	c = &e->v[0];
	aq_init(c, 0);
	img->runtime.num_mbx_msgs = 40;
	for (i = 0; i < 40; i++) {
		img->runtime.mbx_msgs[i].v_opcode = VIRTCHNL_OP_EVENT;
		img->runtime.mbx_msgs[i].len = sizeof(payload);
		img->runtime.mbx_msgs[i].data = payload;
	}
	CHECK_EQ(hw->mbx_pending_put(e->pf, 0, img), 0);
	CHECK_EQ(vstats(c).mbx_pending, 40);
	CHECK_ERR(hw->mbx_pending_put(e->pf, 0, img), -ERANGE);
	CHECK_EQ(vstats(c).mbx_pending, 40);
	img->runtime.mbx_msgs[3].data = NULL;
	img->runtime.num_mbx_msgs = 4;
	CHECK_ERR(hw->mbx_pending_put(e->pf, 0, img), -EINVAL);
	CHECK_EQ(vstats(c).mbx_pending, 40);
	/* delivered in order once buffers appear */
	wr(c, VFMIG_VF_ARQT1, 31);
	run(e, 0);
	CHECK_EQ(vstats(c).mbx_pending, 9);
	CHECK(!memcmp(c->ram + ARQ_BUF(0), payload, sizeof(payload)));
	free(img);
	t_free(e);
}

static void test_port_queue_bounded(void)
{
	struct bring b = { .nq = 1, .ring_len = 512, .bufsz = 2048 };
	struct vfmig_model_port_stats ps;
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], out[2048];
	u32 i, pulled = 0;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &b) == 0);
	/* 1100 frames nobody pulls: the port queue keeps 1024, drops the rest */
	for (i = 0; i < 1100; i++) {
		make_frame(f, peer_mac, c->mac, 64, i);
		tx_queue(c, 0, f, 64, 1, true, !(i % 100) || i == 1099);
		if (!(i % 100))
			run(e, 0);
	}
	run(e, 0);
	CHECK_EQ(vfmig_model_port_stats(e->pf, &ps), 0);
	CHECK_EQ(ps.tx_frames, 1024);
	CHECK_EQ(ps.tx_drops, 76);
	CHECK_EQ(vstats(c).tx_packets, 1100);
	/* a buffer too small leaves the frame queued */
	CHECK_ERR(vfmig_model_port_tx_pull(e->pf, out, 10), -ENOSPC);
	while (vfmig_model_port_tx_pull(e->pf, out, sizeof(out)) == 64)
		pulled++;
	CHECK_EQ(pulled, 1024);
	/* runts and giants from the wire are refused */
	CHECK_ERR(vfmig_model_port_rx(e->pf, f, 10), -EINVAL);
	t_free(e);
}

/* Ground truth for the dirty tracker: every engine reports, nothing strays. */
static void test_dma_record_engines(void)
{
	struct bring b = bring_default;
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256];
	int i;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &b) == 0);
	rx_post(c, 0, 8);
	make_frame(f, c->mac, peer_mac, 100, 1);
	vfmig_model_port_rx(e->pf, f, 100);
	make_frame(f, peer_mac, c->mac, 100, 1);
	tx_queue(c, 0, f, 100, 1, true, true);
	run(e, 0);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, false, 1000), 0);
	{
		struct vfmig_hmc_txq tx;

		CHECK_EQ(hw->txq_ctx_read(e->pf, 0, 0, &tx), 0);
		tx.head_wb_ena = 1;
		tx.head_wb_addr = HEAD_WB(0);
		CHECK_EQ(hw->txq_ctx_write(e->pf, 0, 0, &tx), 0);
	}
	allow(c, HEAD_WB(0), 4);
	CHECK_EQ(hw->queue_enable(e->pf, 0, 0, false, true, 1000), 0);
	e->now = vfmig_model_now(e->pf);
	tx_queue(c, 0, f, 100, 1, true, true);
	run(e, 0);
	for (i = 0; i < VFMIG_ENG_NUM; i++)
		CHECK(c->eng[i] > 0);
	CHECK(c->writes > 10);
	CHECK_EQ(c->bad_writes, 0);
	/* and a write the test did not post is caught by this very check */
	c->nallowed = 0;
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK(c->bad_writes == 0);	/* frame not for us: no write at all */
	make_frame(f, c->mac, peer_mac, 100, 2);
	vfmig_model_port_rx(e->pf, f, 100);
	CHECK(c->bad_writes > 0);
	c->bad_writes = 0;
	t_free(e);
}


/* Shape a random body into a length the validator accepts for @op. */
static u16 plausible(u32 op, u8 *body, u64 r, u16 vsi)
{
	u16 n = (u16)(1 + (r >> 20) % 3);

	if (r & 0x100)
		vfmig_put_le16(body, vsi);
	switch (op) {
	case VIRTCHNL_OP_VERSION: return 8;
	case VIRTCHNL_OP_GET_VF_RESOURCES: return 4;
	case VIRTCHNL_OP_CONFIG_VSI_QUEUES:
		vfmig_put_le16(body + 2, n);
		return (u16)vfmig_vc_vsi_queues_len(n);
	case VIRTCHNL_OP_CONFIG_IRQ_MAP:
		vfmig_put_le16(body, n);
		return (u16)vfmig_vc_irq_map_len(n);
	case VIRTCHNL_OP_ENABLE_QUEUES:
	case VIRTCHNL_OP_DISABLE_QUEUES:
	case VIRTCHNL_OP_GET_STATS:
		return 12;
	case VIRTCHNL_OP_ADD_ETH_ADDR:
	case VIRTCHNL_OP_DEL_ETH_ADDR:
		vfmig_put_le16(body + 2, n);
		return (u16)vfmig_vc_eth_addr_list_len(n);
	case VIRTCHNL_OP_ADD_VLAN:
	case VIRTCHNL_OP_DEL_VLAN:
		vfmig_put_le16(body + 2, n);
		return (u16)vfmig_vc_vlan_list_len(n);
	case VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE: return 4;
	case VIRTCHNL_OP_CONFIG_RSS_KEY:
		n = (r & 0x200) ? 52 : n;
		vfmig_put_le16(body + 2, n);
		return (u16)vfmig_vc_rss_key_len(n);
	case VIRTCHNL_OP_CONFIG_RSS_LUT:
		n = (r & 0x200) ? 64 : n;
		vfmig_put_le16(body + 2, n);
		return (u16)vfmig_vc_rss_lut_len(n);
	case VIRTCHNL_OP_SET_RSS_HENA: return 8;
	case VIRTCHNL_OP_REQUEST_QUEUES: return 2;
	default: return 0;
	}
}

/* Hostile virtchnl: random opcodes, lengths and bodies; every request is answered or reset. */
static void test_fuzz_virtchnl(void)
{
	struct tenv *e = t_new(NULL, 1);
	u8 body[4096], buf[4096];
	u64 seed = 99, answered = 0, ok = 0;
	struct vctx *c;
	u32 op;
	s32 rv;
	u16 len;
	int i, j;

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	for (i = 0; i < 3000; i++) {
		u64 r = vt_rand(&seed);
		u32 opcode = (u32)(r % 72);
		u16 blen;

		if (rd(c, VFMIG_VFGEN_RSTAT) != VFMIG_VFR_VFACTIVE ||
		    !(rd(c, VFMIG_VF_ARQLEN1) & VFMIG_VF_AQLEN1_ENABLE)) {
			settle(e, 10000000);
			aq_init(c, AQ_LEN - 1);
			if (r & 1) {
				vc_version(c);
				vc_get_res(c, (u32)vt_rand(&seed), NULL);
			}
		}
		/* mostly plausible lengths, sometimes anything */
		switch ((r >> 8) % 4) {
		case 0: blen = (u16)((r >> 16) % 16); break;
		case 1: blen = (u16)((r >> 16) % 200); break;
		case 2: blen = (u16)vfmig_vc_vsi_queues_len((u32)((r >> 16) % 4) + 1); break;
		default: blen = (u16)((r >> 16) % 4097); break;
		}
		for (j = 0; j < blen; j += 8)
			vfmig_put_le64(body + j, vt_rand(&seed));
		/* half the time a length the validator accepts */
		if (r & 2)
			blen = plausible(opcode, body, r, c->vsi_id);
		/* never ask for a reset storm: it only slows the run down */
		if (opcode == VIRTCHNL_OP_RESET_VF && (r & 0xf0))
			opcode = VIRTCHNL_OP_GET_STATS;
		aq_send(c, opcode, body, blen);
		settle(e, 10000000);
		while (aq_recv(c, &op, &rv, buf, &len)) {
			answered++;
			ok += !rv;
		}
	}
	printf("# %llu answers, %llu successes, %llu resets\n",
	       (unsigned long long)answered, (unsigned long long)ok,
	       (unsigned long long)vstats(c).resets);
	CHECK(answered > 1000);
	CHECK(ok > 100);
	CHECK_EQ(vstats(c).mbx_dropped, 0);
	t_free(e);
}

static void test_admin_mac(void)
{
	const u8 newmac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
	const u8 mcmac[6] = { 0x01, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
	struct tenv *e = t_new(NULL, 1);
	struct vctx *c;
	u8 f[256], got[6];

	REQUIRE(e);
	c = &e->v[0];
	REQUIRE(bringup(c, &bring_default) == 0);
	CHECK_ERR(vfmig_model_vf_set_mac(e->pf, 0, mcmac), -EINVAL);
	CHECK_ERR(vfmig_model_vf_set_mac(e->pf, 7, newmac), -EINVAL);
	CHECK_EQ(vfmig_model_vf_set_mac(e->pf, 0, newmac), 0);
	/* i40e resets the VF so its driver picks the new MAC up */
	CHECK_EQ(rd(c, VFMIG_VFGEN_RSTAT), VFMIG_VFR_INPROGRESS);
	CHECK_EQ(vfmig_model_vf_get_mac(e->pf, 0, got), 0);
	CHECK(!memcmp(got, newmac, 6));
	settle(e, 10000000);
	REQUIRE(bringup(c, &bring_default) == 0);
	CHECK(!memcmp(c->mac, newmac, 6));
	rx_post(c, 0, 8);
	make_frame(f, newmac, peer_mac, 100, 1);
	CHECK(delivered(e, c, f, 100));
	/* with spoof check off the VF may send with any source MAC */
	CHECK_EQ(vfmig_model_vf_set_spoofchk(e->pf, 0, false), 0);
	make_frame(f, peer_mac, peer_mac, 100, 1);
	tx_queue(c, 0, f, 100, 1, true, true);
	run(e, 0);
	CHECK_EQ(vfmig_model_port_tx_pull(e->pf, f, sizeof(f)), 100);
	t_free(e);
}

int main(void)
{
	RUN(test_initial_state);
	RUN(test_vflr_rstat_sequence);
	RUN(test_atq_version_raw);
	RUN(test_atq_bad_opcode);
	RUN(test_arq_full_waits);
	RUN(test_arq_overflow_bounded);
	RUN(test_bringup_programs_contexts);
	RUN(test_bad_requests_status);
	RUN(test_max_ring_desc);
	RUN(test_tx_single_frame_dd);
	RUN(test_tx_head_writeback);
	RUN(test_tx_multi_buffer);
	RUN(test_tx_ring_wrap);
	RUN(test_tx_garbage_bounded);
	RUN(test_rx_basic);
	RUN(test_rx_no_desc_drop);
	RUN(test_rx_multi_desc);
	RUN(test_rx_16byte_desc);
	RUN(test_rx_filters);
	RUN(test_vf_to_vf_switch);
	RUN(test_rss_spreads);
	RUN(test_qena_latency);
	RUN(test_qena_stuck_timeout);
	RUN(test_dma_fault_tx);
	RUN(test_dma_fault_rx_and_arq);
	RUN(test_irq_masking_and_itr);
	RUN(test_mbx_hold_and_pending);
	RUN(test_vf_state_roundtrip);
	RUN(test_reg_shadow);
	RUN(test_reset_vf_clears_state);
	RUN(test_request_queues);
	RUN(test_link_event);
	RUN(test_bar0_unknown);
	RUN(test_reset_fault_knob);
	RUN(test_tx_vlan_insert_and_port_vlan);
	RUN(test_irq_map_routing);
	RUN(test_get_stats);
	RUN(test_disable_means_no_dma);
	RUN(test_mbx_pending_put_all_or_nothing);
	RUN(test_admin_mac);
	RUN(test_port_queue_bounded);
	RUN(test_dma_record_engines);
	RUN(test_fuzz_registers_bounded);
	RUN(test_fuzz_virtchnl);
	return vt_done();
}
