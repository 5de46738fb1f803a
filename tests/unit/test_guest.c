// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest AVF driver tests.
 *
 * Part 1 drives the driver against a scripted fake VF written here (BAR0 as
 * a register array, a PF that answers from a script): exact message
 * contents, checked with the kernel header's own
 * virtchnl_vc_validate_vf_msg(), TX descriptor layout, and every kind of
 * hostile or broken PF/device behaviour the model will never produce.
 *
 * Part 2 runs the driver against the X710 model through tests/vmfix.h:
 * bring-up, traffic VF-to-VF and through the port with payload checks,
 * filters, ring wrap, empty-ring drops, DMA faults, VF resets, DMA ground
 * truth, interrupts, link events and moving guest RAM (migration smoke).
 */
#include "harness.h"
#include "vmfix.h"
#include <vfmig/guest_internal.h>
#include <vfmig/virtchnl.h>

/* ========================================================================
 * Part 1: a scripted fake VF
 * ======================================================================== */

#define FK_RAM		(8u << 20)
#define FK_GPA		(1u << 20)
#define FK_LOG		64
#define FK_MSG_MAX	2048

struct fk_msg {
	u64 buf[FK_MSG_MAX / 8];	/* 8-byte aligned for the validator */
	u32 op;
	u32 len;
	int valid;			/* virtchnl_vc_validate_vf_msg() result */
};

struct fake {
	u32 reg[VFMIG_VF_BAR0_SIZE / 4];
	u8 *ram;
	struct vfmig_guest_env env;
	struct vfmig_guest_cfg cfg;
	struct fk_msg log[FK_LOG];
	u32 nlog;
	bool auto_reply;
	s32 status[64];			/* reply status per virtchnl op */
	u8 res[512];			/* GET_VF_RESOURCES reply */
	u32 res_len;
	u16 rx_head[16];		/* fake device RX heads */
	u16 tx_head[16];
	u32 resets_requested;
	u32 atq_err_op;			/* the mailbox refuses this op (FLAG_ERR) */
};

static u64 fk_rd64(struct fake *f, u64 gpa)
{
	return vfmig_get_le64(f->ram + gpa);
}

static int fk_arq_push(struct fake *f, u32 op, s32 status, const void *msg,
		       u32 len, u16 flags_extra, u16 aq_op)
{
	u32 alen = f->reg[VFMIG_VF_ARQLEN1 / 4];
	u64 base = ((u64)f->reg[VFMIG_VF_ARQBAH1 / 4] << 32) |
		   f->reg[VFMIG_VF_ARQBAL1 / 4];
	u32 n = alen & VFMIG_VF_AQLEN1_LEN_MASK;
	u32 h = f->reg[VFMIG_VF_ARQH1 / 4], t = f->reg[VFMIG_VF_ARQT1 / 4];
	struct vfmig_aq_desc d;
	u64 buf;

	if (!(alen & VFMIG_VF_AQLEN1_ENABLE) || !n || h == t)
		return -1;
	memcpy(&d, f->ram + base + h * 32, 32);
	buf = vfmig_aq_desc_addr(&d);
	if (len > le16_to_cpu(d.datalen) || buf + len > FK_RAM)
		return -1;
	if (len)
		memcpy(f->ram + buf, msg, len);
	d.flags = cpu_to_le16(VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP | flags_extra);
	d.opcode = cpu_to_le16(aq_op);
	d.datalen = cpu_to_le16((u16)len);
	d.retval = 0;
	d.cookie_high = cpu_to_le32(op);
	d.cookie_low = cpu_to_le32((u32)status);
	memcpy(f->ram + base + h * 32, &d, 32);
	f->reg[VFMIG_VF_ARQH1 / 4] = (h + 1) % n;
	return 0;
}

static int fk_reply(struct fake *f, u32 op, s32 status, const void *msg, u32 len)
{
	return fk_arq_push(f, op, status, msg, len, 0, VFMIG_AQC_OPC_SEND_MSG_TO_VF);
}

/* The PF side of a VF reset: queues gone, mailbox registers cleared. */
static void fk_vf_reset(struct fake *f, u32 rstat)
{
	f->reg[VFMIG_VF_ARQLEN1 / 4] = 0;
	f->reg[VFMIG_VF_ATQLEN1 / 4] = 0;
	f->reg[VFMIG_VF_ARQH1 / 4] = 0;
	f->reg[VFMIG_VF_ATQH1 / 4] = 0;
	f->reg[VFMIG_VFGEN_RSTAT / 4] = rstat;
}

static void fk_answer(struct fake *f, struct fk_msg *m)
{
	s32 st = m->op < 64 ? f->status[m->op] : 0;
	u8 ver[8];

	switch (m->op) {
	case VIRTCHNL_OP_VERSION:
		vfmig_put_le32(ver, 1);
		vfmig_put_le32(ver + 4, 1);
		fk_reply(f, m->op, st, ver, 8);
		break;
	case VIRTCHNL_OP_GET_VF_RESOURCES:
		fk_reply(f, m->op, st, f->res, f->res_len);
		break;
	case VIRTCHNL_OP_RESET_VF:
		f->resets_requested++;
		fk_vf_reset(f, VFMIG_VFR_INPROGRESS);
		break;
	default:
		fk_reply(f, m->op, st, NULL, 0);
		break;
	}
}

static void fk_atq(struct fake *f)
{
	u64 base = ((u64)f->reg[VFMIG_VF_ATQBAH1 / 4] << 32) |
		   f->reg[VFMIG_VF_ATQBAL1 / 4];
	u32 n = f->reg[VFMIG_VF_ATQLEN1 / 4] & VFMIG_VF_AQLEN1_LEN_MASK;
	u32 t = f->reg[VFMIG_VF_ATQT1 / 4];
	struct virtchnl_version_info ver = { 1, 1 };

	if (!(f->reg[VFMIG_VF_ATQLEN1 / 4] & VFMIG_VF_AQLEN1_ENABLE) || !n)
		return;
	while (f->reg[VFMIG_VF_ATQH1 / 4] != t) {
		u32 h = f->reg[VFMIG_VF_ATQH1 / 4];
		struct vfmig_aq_desc d;
		struct fk_msg *m = &f->log[f->nlog % FK_LOG];
		u16 fl;

		memcpy(&d, f->ram + base + h * 32, 32);
		fl = le16_to_cpu(d.flags);
		memset(m, 0, sizeof(*m));
		m->op = vfmig_aq_desc_v_opcode(&d);
		if (fl & VFMIG_AQ_FLAG_BUF) {
			m->len = le16_to_cpu(d.datalen);
			if (m->len <= FK_MSG_MAX)
				memcpy(m->buf, f->ram + vfmig_aq_desc_addr(&d), m->len);
		}
		m->valid = virtchnl_vc_validate_vf_msg(&ver, m->op, (u8 *)m->buf,
						       (u16)m->len);
		f->nlog++;
		d.flags = cpu_to_le16(fl | VFMIG_AQ_FLAG_DD | VFMIG_AQ_FLAG_CMP);
		if (f->atq_err_op && m->op == f->atq_err_op) {
			d.flags |= cpu_to_le16(VFMIG_AQ_FLAG_ERR);
			d.retval = cpu_to_le16(VFMIG_AQ_RC_EINVAL);
		}
		memcpy(f->ram + base + h * 32, &d, 32);
		f->reg[VFMIG_VF_ATQH1 / 4] = (h + 1) % n;
		if (f->auto_reply && !(f->atq_err_op && m->op == f->atq_err_op))
			fk_answer(f, m);
		if (!(f->reg[VFMIG_VF_ATQLEN1 / 4] & VFMIG_VF_AQLEN1_ENABLE))
			break;	/* the message reset the VF */
	}
}

static u32 fk_read(void *ctx, u32 off)
{
	struct fake *f = ctx;
	u32 v;

	if (off >= VFMIG_VF_BAR0_SIZE)
		return 0;
	v = f->reg[off / 4];
	if (off == VFMIG_VFINT_ICR01)
		f->reg[off / 4] = 0;
	return v;
}

static void fk_write(void *ctx, u32 off, u32 val)
{
	struct fake *f = ctx;

	if (off >= VFMIG_VF_BAR0_SIZE)
		return;
	f->reg[off / 4] = val;
	if (off == VFMIG_VF_ATQT1)
		fk_atq(f);
}

static void fk_res_default(struct fake *f, u16 nqp, u16 nvec)
{
	u8 *r = f->res, *v = r + 20;

	memset(f->res, 0, sizeof(f->res));
	vfmig_put_le16(r + 0, 1);		/* num_vsis */
	vfmig_put_le16(r + 2, nqp);		/* num_queue_pairs */
	vfmig_put_le16(r + 4, nvec);		/* max_vectors */
	vfmig_put_le16(r + 6, 1500);		/* max_mtu */
	vfmig_put_le32(r + 8, VIRTCHNL_VF_OFFLOAD_L2 | VIRTCHNL_VF_OFFLOAD_RSS_PF |
		       VIRTCHNL_VF_CAP_ADV_LINK_SPEED | VIRTCHNL_VF_OFFLOAD_VLAN);
	vfmig_put_le32(r + 12, 52);		/* rss_key_size */
	vfmig_put_le32(r + 16, 64);		/* rss_lut_size */
	vfmig_put_le16(v + 0, 7);		/* vsi_id */
	vfmig_put_le16(v + 2, nqp);
	vfmig_put_le32(v + 4, VIRTCHNL_VSI_SRIOV);
	memcpy(v + 10, "\x02\x00\x00\x00\x00\x07", 6);
	f->res_len = vfmig_vc_vf_resource_len(1);
}

static struct fake *fk_new(const struct vfmig_guest_cfg *cfg)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->ram = aligned_alloc(4096, FK_RAM);
	if (!f->ram) {
		free(f);
		return NULL;
	}
	memset(f->ram, 0, FK_RAM);
	f->env.ram = f->ram;
	f->env.ram_size = FK_RAM;
	f->env.bar0_read = fk_read;
	f->env.bar0_write = fk_write;
	f->env.ctx = f;
	f->env.now_ns = 1000000;
	f->auto_reply = true;
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	fk_res_default(f, 4, 5);
	if (cfg)
		f->cfg = *cfg;
	else
		vm_cfg_default(&f->cfg);
	return f;
}

static void fk_del(struct fake *f)
{
	if (!f)
		return;
	free(f->ram);
	free(f);
}

static enum vfmig_guest_state fk_poll(struct fake *f, u32 n)
{
	enum vfmig_guest_state st = VFMIG_GUEST_FAILED;

	while (n--) {
		f->env.now_ns += 1000;
		st = vfmig_guest_poll(&f->env, FK_GPA);
	}
	return st;
}

static struct fk_msg *fk_find(struct fake *f, u32 op, u32 nth)
{
	u32 i;

	for (i = 0; i < f->nlog && i < FK_LOG; i++)
		if (f->log[i].op == op && nth-- == 0)
			return &f->log[i];
	return NULL;
}

static struct fake *fk_running(const struct vfmig_guest_cfg *cfg)
{
	struct fake *f = fk_new(cfg);

	if (!f)
		return NULL;
	if (vfmig_guest_init(&f->env, FK_GPA, &f->cfg) ||
	    fk_poll(f, 20) != VFMIG_GUEST_RUNNING) {
		fk_del(f);
		return NULL;
	}
	return f;
}

static struct vfmig_guest_stats fk_stats(struct fake *f)
{
	struct vfmig_guest_stats st;

	memset(&st, 0, sizeof(st));
	vfmig_guest_stats(&f->env, FK_GPA, &st);
	return st;
}

static int fk_region(struct fake *f, u32 kind, u16 q, struct vfmig_guest_region *out)
{
	struct vfmig_guest_region r[128];
	int n = vfmig_guest_regions(&f->env, FK_GPA, r, 128), i;

	for (i = 0; i < n && i < 128; i++)
		if (r[i].kind == kind && r[i].queue == q) {
			*out = r[i];
			return 0;
		}
	return -1;
}

/* The fake device writes a received frame into RX queue @q's next buffer. */
static int fk_rx(struct fake *f, u16 q, const u8 *data, u32 len, u64 qw1_extra,
		 bool eof, u32 claim_len)
{
	struct vfmig_guest_region ring;
	u16 h = f->rx_head[q];
	u64 d, buf, qw1;

	if (fk_region(f, VFMIG_GUEST_REG_RX_RING, q, &ring))
		return -1;
	if (h == (f->reg[VFMIG_QRX_TAIL1(q) / 4] & VFMIG_QTAIL1_TAIL_MASK))
		return -1;	/* nothing posted */
	d = ring.gpa + (u64)h * 32;
	buf = fk_rd64(f, d);
	if (buf + len > FK_RAM)
		return -1;
	memcpy(f->ram + buf, data, len);
	qw1 = VFMIG_RX_STATUS_DD | (eof ? VFMIG_RX_STATUS_EOF : 0) | qw1_extra |
	      ((u64)claim_len << VFMIG_RXD_QW1_LENGTH_PBUF_SHIFT);
	vfmig_put_le64(f->ram + d, 0);
	vfmig_put_le64(f->ram + d + 8, qw1);
	f->rx_head[q] = (u16)((h + 1) % f->cfg.ring_len);
	return 0;
}

static void test_init_validation(void)
{
	struct fake *f = fk_new(NULL);
	struct vfmig_guest_cfg c;
	struct vfmig_guest_stats st;

	REQUIRE(f);
	c = f->cfg;
	CHECK(vfmig_guest_mem_size(&c) > 0);
	CHECK(vfmig_guest_mem_size(&c) < FK_RAM - FK_GPA);
	c.num_queue_pairs = 0;
	CHECK_EQ(vfmig_guest_mem_size(&c), 0);
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	c.num_queue_pairs = 17;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	c.ring_len = 100;	/* not a multiple of 32 */
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	c.ring_len = 8192;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	c.rx_buf_size = 1000;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	c.max_tx_bufs = 9;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &c), -EINVAL);
	c = f->cfg;
	/* block misaligned, past the end of RAM, or wrapping */
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA + 8, &c), -EINVAL);
	CHECK_ERR(vfmig_guest_init(&f->env, FK_RAM - 4096, &c), -EINVAL);
	CHECK_ERR(vfmig_guest_init(&f->env, ~0ull & ~4095ull, &c), -EINVAL);
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, NULL), -EINVAL);
	/* nothing initialised there: every entry point refuses */
	CHECK_EQ(vfmig_guest_poll(&f->env, FK_GPA), VFMIG_GUEST_FAILED);
	CHECK_ERR(vfmig_guest_stats(&f->env, FK_GPA, &st), -EINVAL);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, f->ram, 64), -EINVAL);
	CHECK_ERR(vfmig_guest_recv(&f->env, FK_GPA, 0, f->ram, 64), -EINVAL);
	CHECK_EQ(f->nlog, 0);	/* and no register was touched to send */
	fk_del(f);
}

/* Bring-up against the fake: the exact message sequence and contents. */
static void test_fake_bringup_messages(void)
{
	struct vfmig_guest_cfg c;
	struct vfmig_guest_region reg;
	struct fake *f;
	struct fk_msg *m;
	const u32 want[] = {
		VIRTCHNL_OP_VERSION, VIRTCHNL_OP_GET_VF_RESOURCES,
		VIRTCHNL_OP_CONFIG_VSI_QUEUES, VIRTCHNL_OP_CONFIG_IRQ_MAP,
		VIRTCHNL_OP_ADD_ETH_ADDR, VIRTCHNL_OP_CONFIG_RSS_KEY,
		VIRTCHNL_OP_CONFIG_RSS_LUT, VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE,
		VIRTCHNL_OP_ENABLE_QUEUES,
	};
	u8 mac[6];
	u32 i, q;
	u8 *b;

	vm_cfg_default(&c);
	c.num_queue_pairs = 3;
	c.use_irq = true;
	c.promisc = true;
	c.tx_head_wb = true;
	f = fk_running(&c);
	REQUIRE(f);
	CHECK_EQ(f->nlog, ARRAY_SIZE(want));
	for (i = 0; i < f->nlog && i < ARRAY_SIZE(want); i++) {
		CHECK_EQ(f->log[i].op, want[i]);
		CHECK_EQ(f->log[i].valid, 0);	/* the kernel's validator agrees */
	}
	CHECK_EQ(vfmig_guest_num_queues(&f->env, FK_GPA), 3);
	CHECK_ERR(vfmig_guest_mac(&f->env, FK_GPA, mac), 0);
	CHECK(!memcmp(mac, "\x02\x00\x00\x00\x00\x07", 6));

	m = fk_find(f, VIRTCHNL_OP_GET_VF_RESOURCES, 0);
	REQUIRE(m);
	CHECK_EQ(m->len, 4);
	b = (u8 *)m->buf;
	CHECK(vfmig_get_le32(b) & VIRTCHNL_VF_OFFLOAD_L2);

	m = fk_find(f, VIRTCHNL_OP_CONFIG_VSI_QUEUES, 0);
	REQUIRE(m);
	b = (u8 *)m->buf;
	CHECK_EQ(m->len, vfmig_vc_vsi_queues_len(3));
	CHECK_EQ(vfmig_get_le16(b), 7);
	CHECK_EQ(vfmig_get_le16(b + 2), 3);
	for (q = 0; q < 3; q++) {
		u8 *qp = b + 8 + q * 64;

		REQUIRE(!fk_region(f, VFMIG_GUEST_REG_TX_RING, (u16)q, &reg));
		CHECK_EQ(vfmig_get_le16(qp + 2), q);
		CHECK_EQ(vfmig_get_le16(qp + 4), 128);
		CHECK_EQ(vfmig_get_le16(qp + 6), 1);	/* headwb_enabled */
		CHECK_EQ(vfmig_get_le64(qp + 8), reg.gpa);
		CHECK_EQ(vfmig_get_le64(qp + 16), reg.gpa + 128 * 16);
		CHECK(reg.gpa % 128 == 0);
		REQUIRE(!fk_region(f, VFMIG_GUEST_REG_RX_RING, (u16)q, &reg));
		CHECK_EQ(vfmig_get_le16(qp + 24 + 2), q);
		CHECK_EQ(vfmig_get_le32(qp + 24 + 4), 128);
		CHECK_EQ(vfmig_get_le32(qp + 24 + 12), 2048);	/* databuffer_size */
		CHECK_EQ(vfmig_get_le32(qp + 24 + 16), 1500 + 22);	/* max_pkt */
		CHECK_EQ(vfmig_get_le64(qp + 24 + 24), reg.gpa);
	}

	/* 4 queue vectors offered, 3 queues: one vector each, vector 0 last */
	m = fk_find(f, VIRTCHNL_OP_CONFIG_IRQ_MAP, 0);
	REQUIRE(m);
	b = (u8 *)m->buf;
	CHECK_EQ(vfmig_get_le16(b), 4);
	for (i = 0; i < 4; i++) {
		u8 *e = b + 2 + i * 12;
		u16 vec = i < 3 ? (u16)(i + 1) : 0;

		CHECK_EQ(vfmig_get_le16(e + 2), vec);
		CHECK_EQ(vfmig_get_le16(e + 4), vec ? BIT(vec - 1) : 0);
		CHECK_EQ(vfmig_get_le16(e + 6), vec ? BIT(vec - 1) : 0);
	}

	m = fk_find(f, VIRTCHNL_OP_ADD_ETH_ADDR, 0);
	REQUIRE(m);
	b = (u8 *)m->buf;
	CHECK_EQ(vfmig_get_le16(b + 2), 1);
	CHECK(!memcmp(b + 4, "\x02\x00\x00\x00\x00\x07", 6));
	CHECK_EQ(b[10], VIRTCHNL_ETHER_ADDR_PRIMARY);

	m = fk_find(f, VIRTCHNL_OP_CONFIG_RSS_LUT, 0);
	REQUIRE(m);
	b = (u8 *)m->buf;
	CHECK_EQ(vfmig_get_le16(b + 2), 64);
	for (i = 0; i < 64; i++)
		CHECK_EQ(b[4 + i], i % 3);

	m = fk_find(f, VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE, 0);
	REQUIRE(m);
	CHECK_EQ(vfmig_get_le16((u8 *)m->buf + 2),
		 FLAG_VF_UNICAST_PROMISC | FLAG_VF_MULTICAST_PROMISC);

	m = fk_find(f, VIRTCHNL_OP_ENABLE_QUEUES, 0);
	REQUIRE(m);
	CHECK_EQ(vfmig_get_le32((u8 *)m->buf + 4), 7);
	CHECK_EQ(vfmig_get_le32((u8 *)m->buf + 8), 7);

	/* RX buffers were posted before ENABLE: tail = ring_len - 1 */
	for (q = 0; q < 3; q++)
		CHECK_EQ(f->reg[VFMIG_QRX_TAIL1(q) / 4], 127);
	/* mailbox vector and the three queue vectors armed */
	CHECK(f->reg[VFMIG_VFINT_DYN_CTL01 / 4] & VFMIG_VFINT_DYN_CTL01_INTENA);
	CHECK_EQ(f->reg[VFMIG_VFINT_ICR0_ENA1 / 4], VFMIG_VFINT_ICR0_ENA1_ADMINQ);
	for (q = 0; q < 3; q++)
		CHECK(f->reg[VFMIG_VFINT_DYN_CTLN1(q) / 4] &
		      VFMIG_VFINT_DYN_CTLN1_INTENA);
	CHECK(!(f->reg[VFMIG_VFINT_DYN_CTLN1(3) / 4] & VFMIG_VFINT_DYN_CTLN1_INTENA));
	fk_del(f);
}

/* A version 1.0 PF: GET_VF_RESOURCES goes without a body; 2.x is refused. */
static void test_fake_version(void)
{
	struct fake *f = fk_new(NULL);
	struct fk_msg *m;
	u8 ver[8];

	REQUIRE(f);
	f->auto_reply = false;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &f->cfg), 0);
	fk_poll(f, 2);
	CHECK_EQ(vfmig_guest_state(&f->env, FK_GPA), VFMIG_GUEST_VERSION);
	vfmig_put_le32(ver, 1);
	vfmig_put_le32(ver + 4, 0);
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_VERSION, 0, ver, 8), 0);
	fk_poll(f, 2);
	m = fk_find(f, VIRTCHNL_OP_GET_VF_RESOURCES, 0);
	REQUIRE(m);
	CHECK_EQ(m->len, 0);
	fk_del(f);

	f = fk_new(NULL);
	REQUIRE(f);
	f->auto_reply = false;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &f->cfg), 0);
	fk_poll(f, 2);
	vfmig_put_le32(ver, 2);
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_VERSION, 0, ver, 8), 0);
	CHECK_EQ(fk_poll(f, 2), VFMIG_GUEST_FAILED);
	CHECK_EQ(fk_stats(f).last_error, -EPROTO);
	fk_del(f);
}

/* Hostile GET_VF_RESOURCES replies: refused cleanly, or clamped. */
static void test_fake_hostile_resources(void)
{
	static const struct {
		const char *what;
		int field;	/* byte offset to poke, -1 = length only */
		u32 val;
		int width;
		u32 len;	/* reply length, 0 = default */
		bool running;	/* still reaches RUNNING */
		u16 want_qp;
	} cases[] = {
		{ "no VSIs", 0, 0, 2, 0, false, 0 },
		{ "short reply", -1, 0, 0, 30, false, 0 },
		{ "zero queues", 2, 0, 2, 0, false, 0 },
		{ "VSI with zero queues", 22, 0, 2, 0, false, 0 },
		{ "not an SR-IOV VSI", 24, 3, 4, 0, false, 0 },
		{ "absurd queue count", 2, 0xffff, 2, 0, true, 2 },
		{ "absurd VSI queue count", 22, 0xffff, 2, 0, true, 2 },
		{ "num_vsis beyond the reply", 0, 200, 2, 0, true, 2 },
		{ "absurd RSS key", 12, 0x7fffffff, 4, 0, true, 2 },
		{ "no vectors", 4, 0, 2, 0, true, 2 },
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vfmig_guest_cfg c;
		struct fake *f;
		enum vfmig_guest_state st;

		vm_cfg_default(&c);
		c.num_queue_pairs = 2;
		c.use_irq = true;
		f = fk_new(&c);
		REQUIRE(f);
		if (cases[i].field >= 0) {
			if (cases[i].width == 2)
				vfmig_put_le16(f->res + cases[i].field, (u16)cases[i].val);
			else
				vfmig_put_le32(f->res + cases[i].field, cases[i].val);
		}
		if (cases[i].len)
			f->res_len = cases[i].len;
		CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &f->cfg), 0);
		st = fk_poll(f, 20);
		if (st != (cases[i].running ? VFMIG_GUEST_RUNNING : VFMIG_GUEST_FAILED))
			printf("#   case '%s': state %d\n", cases[i].what, st);
		if (cases[i].running) {
			CHECK_EQ(st, VFMIG_GUEST_RUNNING);
			CHECK_EQ(vfmig_guest_num_queues(&f->env, FK_GPA), cases[i].want_qp);
		} else {
			CHECK_EQ(st, VFMIG_GUEST_FAILED);
			CHECK_EQ(fk_stats(f).last_error, -EPROTO);
			CHECK(!fk_find(f, VIRTCHNL_OP_CONFIG_VSI_QUEUES, 0));
		}
		fk_del(f);
	}
}

/* Garbage on the ARQ is counted and dropped; the driver keeps working. */
static void test_fake_hostile_arq(void)
{
	struct fake *f = fk_running(NULL);
	struct vfmig_guest_stats st0, st1;
	u8 ev[16];

	REQUIRE(f);
	st0 = fk_stats(f);
	/* wrong admin opcode, missing DD, unexpected reply, short event,
	 * unknown event */
	CHECK_ERR(fk_arq_push(f, VIRTCHNL_OP_VERSION, 0, NULL, 0, 0, 0x0001), 0);
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_ENABLE_QUEUES, 0, NULL, 0), 0);
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_EVENT, 0, ev, 4), 0);
	memset(ev, 0, sizeof(ev));
	vfmig_put_le32(ev, 77);
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_EVENT, 0, ev, 16), 0);
	CHECK_EQ(fk_poll(f, 3), VFMIG_GUEST_RUNNING);
	st1 = fk_stats(f);
	CHECK_EQ(st1.mbx_errors - st0.mbx_errors, 4);

	/* an ARQ head register out of range is not followed */
	f->reg[VFMIG_VF_ARQH1 / 4] = 1000;
	CHECK_EQ(fk_poll(f, 1), VFMIG_GUEST_RUNNING);
	CHECK(fk_stats(f).mbx_errors > st1.mbx_errors);
	fk_del(f);
}

/* Link events: both formats; link_up follows. */
static void test_fake_link_event(void)
{
	struct fake *f = fk_running(NULL);
	u8 ev[16];

	REQUIRE(f);
	CHECK_EQ(fk_stats(f).link_up, 0);
	memset(ev, 0, sizeof(ev));
	vfmig_put_le32(ev, VIRTCHNL_EVENT_LINK_CHANGE);
	vfmig_put_le32(ev + 4, 40000);
	ev[8] = 1;
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_EVENT, 0, ev, 16), 0);
	fk_poll(f, 1);
	CHECK_EQ(fk_stats(f).link_up, 1);
	CHECK_EQ(fk_stats(f).link_events, 1);
	ev[8] = 0;
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_EVENT, 0, ev, 16), 0);
	fk_poll(f, 1);
	CHECK_EQ(fk_stats(f).link_up, 0);
	CHECK_EQ(fk_stats(f).link_events, 2);
	fk_del(f);
}

/* TX: descriptors, buffer split, EOP/RS only on the last, tail, completion. */
static void test_fake_tx_layout(void)
{
	struct vfmig_guest_cfg c;
	struct vfmig_guest_region ring, bufs;
	struct fake *f;
	u8 frame[1514], out[1514];
	u32 i, off = 0, n = 0;
	u16 slot;

	vm_cfg_default(&c);
	c.max_tx_bufs = 4;
	f = fk_running(&c);
	REQUIRE(f);
	REQUIRE(!fk_region(f, VFMIG_GUEST_REG_TX_RING, 0, &ring));
	REQUIRE(!fk_region(f, VFMIG_GUEST_REG_TX_BUFS, 0, &bufs));
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (u8)(i * 7 + 3);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), 0);
	CHECK_EQ(f->reg[VFMIG_QTX_TAIL1(0) / 4], 4);	/* 4 descriptors */
	for (slot = 0; slot < 4; slot++) {
		u64 addr = fk_rd64(f, ring.gpa + slot * 16);
		u64 qw1 = fk_rd64(f, ring.gpa + slot * 16 + 8);
		u32 sz = vfmig_tx_qw1_size(qw1), cmd = vfmig_tx_qw1_cmd(qw1);

		CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DATA);
		CHECK(cmd & VFMIG_TX_DESC_CMD_ICRC);
		CHECK_EQ(!!(cmd & VFMIG_TX_DESC_CMD_EOP), slot == 3);
		CHECK_EQ(!!(cmd & VFMIG_TX_DESC_CMD_RS), slot == 3);
		CHECK(addr >= bufs.gpa && addr + sz <= bufs.gpa + bufs.len);
		REQUIRE(off + sz <= sizeof(out));
		memcpy(out + off, f->ram + addr, sz);
		off += sz;
		n++;
	}
	CHECK_EQ(off, sizeof(frame));
	CHECK(!memcmp(out, frame, sizeof(frame)));
	/* not complete until the EOP descriptor says DESC_DONE */
	fk_poll(f, 2);
	CHECK_EQ(fk_stats(f).tx_packets, 0);
	vfmig_put_le64(f->ram + ring.gpa + 3 * 16 + 8, VFMIG_TX_DESC_DTYPE_DESC_DONE);
	fk_poll(f, 1);
	CHECK_EQ(fk_stats(f).tx_packets, 1);
	CHECK_EQ(fk_stats(f).tx_bytes, sizeof(frame));
	/* a short frame uses one descriptor; runts and giants are refused */
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, 60), 0);
	CHECK_EQ(f->reg[VFMIG_QTX_TAIL1(0) / 4], 5);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, 16), -EINVAL);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, 4 * 2048 + 1), -EINVAL);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 1, frame, 60), -EINVAL);
	fk_del(f);
}

/* A full TX ring says -EBUSY; a hostile head write-back is ignored. */
static void test_fake_tx_full_and_headwb(void)
{
	struct vfmig_guest_cfg c;
	struct vfmig_guest_region ring;
	struct fake *f;
	u8 frame[64] = { 0 };
	u32 i, sent = 0;
	int err = 0;

	vm_cfg_default(&c);
	c.ring_len = 64;
	c.tx_head_wb = true;
	f = fk_running(&c);
	REQUIRE(f);
	REQUIRE(!fk_region(f, VFMIG_GUEST_REG_TX_RING, 0, &ring));
	CHECK_EQ(ring.len, 64 * 16 + 4);
	for (i = 0; i < 100 && !err; i++) {
		err = vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame));
		if (!err)
			sent++;
	}
	CHECK_EQ(sent, 63);
	CHECK_EQ(err, -EBUSY);
	CHECK_EQ(fk_stats(f).tx_busy, 1);
	/* head beyond the ring, then beyond what was posted: ignored */
	vfmig_put_le32(f->ram + ring.gpa + 64 * 16, 5000);
	fk_poll(f, 1);
	CHECK_EQ(fk_stats(f).tx_packets, 0);
	vfmig_put_le32(f->ram + ring.gpa + 64 * 16, 10);
	fk_poll(f, 1);
	CHECK_EQ(fk_stats(f).tx_packets, 10);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), 0);
	fk_del(f);
}

/* RX: good frames, multi-buffer frames, hostile write-backs. */
static void test_fake_rx(void)
{
	struct vfmig_guest_cfg c;
	struct fake *f;
	u8 frame[3000], out[4096];
	u32 i;

	vm_cfg_default(&c);
	c.ring_len = 64;
	f = fk_running(&c);
	REQUIRE(f);
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (u8)(i ^ 0x5a);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 0);

	/* one good frame */
	CHECK_ERR(fk_rx(f, 0, frame, 100, 0, true, 100), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, 50), -ENOSPC);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 100);
	CHECK(!memcmp(out, frame, 100));

	/* a frame over two buffers; incomplete until the EOF fragment lands */
	CHECK_ERR(fk_rx(f, 0, frame, 2048, 0, false, 2048), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 0);
	CHECK_ERR(fk_rx(f, 0, frame + 2048, 952, 0, true, 952), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 3000);
	CHECK(!memcmp(out, frame, 3000));

	/* length beyond the buffer, MAC error, zero length: dropped */
	CHECK_ERR(fk_rx(f, 0, frame, 100, 0, true, 9000), 0);
	CHECK_ERR(fk_rx(f, 0, frame, 100,
			(u64)VFMIG_RX_ERROR_RXE << VFMIG_RXD_QW1_ERROR_SHIFT, true, 100), 0);
	CHECK_ERR(fk_rx(f, 0, frame, 0, 0, true, 0), 0);
	CHECK_ERR(fk_rx(f, 0, frame, 77, 0, true, 77), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 77);
	CHECK_EQ(fk_stats(f).rx_errors, 3);

	/* a "frame" of endless fragments is cut off after VG_RX_MAX_FRAGS */
	for (i = 0; i < VG_RX_MAX_FRAGS; i++)
		CHECK_ERR(fk_rx(f, 0, frame, 64, 0, false, 64), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 0);
	CHECK_EQ(fk_stats(f).rx_errors, 4);
	CHECK_ERR(fk_rx(f, 0, frame, 61, 0, true, 61), 0);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 61);
	CHECK_EQ(fk_stats(f).rx_packets, 4);

	/* recycling: the ring keeps going far past its length */
	for (i = 0; i < 500; i++) {
		int n;

		fk_poll(f, 1);
		if (fk_rx(f, 0, frame + (i % 100), 60 + i % 200, 0, true,
			  60 + i % 200)) {
			CHECK(0);
			break;
		}
		n = vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out));
		CHECK_EQ(n, 60 + i % 200);
		if (n > 0)
			CHECK(!memcmp(out, frame + (i % 100), (size_t)n));
	}
	CHECK_EQ(fk_stats(f).rx_packets, 4 + 500);
	fk_del(f);
}

/* A reset behind our back (mailbox registers cleared) and recovery. */
static void test_fake_reset_recovery(void)
{
	struct fake *f = fk_running(NULL);
	u8 frame[64] = { 1 };

	REQUIRE(f);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), 0);
	fk_vf_reset(f, VFMIG_VFR_INPROGRESS);
	CHECK_EQ(fk_poll(f, 1), VFMIG_GUEST_RESET_WAIT);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), -ENETDOWN);
	CHECK_EQ(fk_poll(f, 10), VFMIG_GUEST_RESET_WAIT);
	/* COMPLETED is not enough after a reset: wait for VFACTIVE */
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_COMPLETED;
	CHECK_EQ(fk_poll(f, 10), VFMIG_GUEST_RESET_WAIT);
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	CHECK_EQ(fk_poll(f, 20), VFMIG_GUEST_RUNNING);
	CHECK_EQ(fk_stats(f).resets, 1);
	CHECK(fk_find(f, VIRTCHNL_OP_VERSION, 1));	/* bring-up ran again */
	CHECK(fk_find(f, VIRTCHNL_OP_ENABLE_QUEUES, 1));
	/* the queue restarted from slot 0 */
	CHECK_EQ(f->reg[VFMIG_QTX_TAIL1(0) / 4], 0);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), 0);
	CHECK_EQ(f->reg[VFMIG_QTX_TAIL1(0) / 4], 1);

	/* driver-requested reset: RESET_VF on the mailbox, then the same */
	CHECK_ERR(vfmig_guest_request_reset(&f->env, FK_GPA), 0);
	CHECK_EQ(f->resets_requested, 1);
	CHECK_EQ(fk_poll(f, 2), VFMIG_GUEST_RESET_WAIT);
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	CHECK_EQ(fk_poll(f, 20), VFMIG_GUEST_RUNNING);
	CHECK_EQ(fk_stats(f).resets, 2);

	/*
	 * The mailbox dies (ENABLE cleared) while RSTAT stays VFACTIVE: the
	 * driver brings the mailbox back and asks for RESET_VF before
	 * anything else, so no stale PF state survives (iavf's reset task).
	 */
	f->nlog = 0;
	f->reg[VFMIG_VF_ARQLEN1 / 4] &= ~VFMIG_VF_AQLEN1_ENABLE;
	CHECK_EQ(fk_poll(f, 1), VFMIG_GUEST_RESET_WAIT);
	fk_poll(f, 2);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].op, VIRTCHNL_OP_RESET_VF);
	CHECK_EQ(f->resets_requested, 2);
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	CHECK_EQ(fk_poll(f, 20), VFMIG_GUEST_RUNNING);
	CHECK_EQ(f->log[1].op, VIRTCHNL_OP_VERSION);
	CHECK_EQ(fk_stats(f).resets, 3);
	fk_del(f);
}

/* A PF that never answers: timeout, reset, give up, revive on a VFLR. */
static void test_fake_silent_pf(void)
{
	struct fake *f = fk_new(NULL);
	u32 i;

	REQUIRE(f);
	f->auto_reply = false;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &f->cfg), 0);
	CHECK_EQ(fk_poll(f, 5), VFMIG_GUEST_VERSION);
	for (i = 0; i < 200 && vfmig_guest_state(&f->env, FK_GPA) !=
	     VFMIG_GUEST_FAILED; i++) {
		f->env.now_ns += 100000000;	/* 100 ms a step */
		vfmig_guest_poll(&f->env, FK_GPA);
	}
	CHECK_EQ(vfmig_guest_state(&f->env, FK_GPA), VFMIG_GUEST_FAILED);
	CHECK_EQ(fk_stats(f).last_error, -EIO);
	CHECK(fk_find(f, VIRTCHNL_OP_RESET_VF, 0));
	/* a host VFLR later brings it back */
	f->auto_reply = true;
	fk_vf_reset(f, VFMIG_VFR_INPROGRESS);
	fk_poll(f, 2);
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	CHECK_EQ(fk_poll(f, 30), VFMIG_GUEST_RUNNING);
	fk_del(f);
}

/* The mailbox refuses a message (ATQ write-back with ERR): reset, retry. */
static void test_fake_atq_error(void)
{
	struct fake *f = fk_new(NULL);
	u64 err0;

	REQUIRE(f);
	f->atq_err_op = VIRTCHNL_OP_CONFIG_VSI_QUEUES;
	CHECK_ERR(vfmig_guest_init(&f->env, FK_GPA, &f->cfg), 0);
	fk_poll(f, 5);
	/* no reply will ever come: the driver must not wait for one */
	CHECK(fk_stats(f).mbx_errors >= 1);
	CHECK_EQ(f->resets_requested, 1);
	CHECK_EQ(vfmig_guest_state(&f->env, FK_GPA), VFMIG_GUEST_RESET_WAIT);
	f->atq_err_op = 0;
	f->reg[VFMIG_VFGEN_RSTAT / 4] = VFMIG_VFR_VFACTIVE;
	CHECK_EQ(fk_poll(f, 20), VFMIG_GUEST_RUNNING);

	/* an ATQ head past anything posted is not believed */
	err0 = fk_stats(f).mbx_errors;
	f->reg[VFMIG_VF_ATQH1 / 4] = (f->reg[VFMIG_VF_ATQT1 / 4] + 5) % 32;
	CHECK_EQ(vfmig_guest_request_reset(&f->env, FK_GPA), 0);
	CHECK(fk_stats(f).mbx_errors > err0);
	fk_del(f);
}

/* A TX queue that never completes: a hang only while the link is up. */
static void test_fake_tx_hang_link(void)
{
	struct fake *f = fk_running(NULL);
	u8 frame[64] = { 0 }, ev[16];
	u32 i;

	REQUIRE(f);
	CHECK_EQ(fk_stats(f).link_up, 0);
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, sizeof(frame)), 0);
	for (i = 0; i < 50; i++) {
		f->env.now_ns += 100000000;
		vfmig_guest_poll(&f->env, FK_GPA);
	}
	CHECK_EQ(vfmig_guest_state(&f->env, FK_GPA), VFMIG_GUEST_RUNNING);
	CHECK_EQ(f->resets_requested, 0);
	memset(ev, 0, sizeof(ev));
	vfmig_put_le32(ev, VIRTCHNL_EVENT_LINK_CHANGE);
	ev[8] = 1;
	CHECK_ERR(fk_reply(f, VIRTCHNL_OP_EVENT, 0, ev, 16), 0);
	for (i = 0; i < 30 && !f->resets_requested; i++) {
		f->env.now_ns += 100000000;
		vfmig_guest_poll(&f->env, FK_GPA);
	}
	CHECK_EQ(f->resets_requested, 1);
	CHECK(i >= 19 && i <= 22);	/* after VG_TX_HANG_NS, not before */
	CHECK_EQ(fk_stats(f).last_error, -ETIMEDOUT);
	fk_del(f);
}

/* DD written into the one slot the driver has not posted is not a frame. */
static void test_fake_rx_unposted(void)
{
	struct vfmig_guest_cfg c;
	struct vfmig_guest_region ring;
	struct fake *f;
	u8 out[256];
	u16 unposted;

	vm_cfg_default(&c);
	c.ring_len = 64;
	f = fk_running(&c);
	REQUIRE(f);
	REQUIRE(!fk_region(f, VFMIG_GUEST_REG_RX_RING, 0, &ring));
	unposted = (u16)f->reg[VFMIG_QRX_TAIL1(0) / 4];	/* 63 */
	CHECK_EQ(unposted, 63);
	vfmig_put_le64(f->ram + ring.gpa + unposted * 32 + 8,
		       VFMIG_RX_STATUS_DD | VFMIG_RX_STATUS_EOF |
		       (100ull << VFMIG_RXD_QW1_LENGTH_PBUF_SHIFT));
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 0);
	CHECK_EQ(fk_stats(f).rx_packets, 0);
	CHECK_EQ(fk_stats(f).rx_errors, 0);
	fk_del(f);
}

/* Guest RAM copied elsewhere: the driver carries on from the copy. */
static void test_fake_ram_move(void)
{
	struct fake *f = fk_running(NULL);
	u8 frame[200], out[256];
	u8 *copy;
	u32 i;

	REQUIRE(f);
	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (u8)i;
	CHECK_ERR(fk_rx(f, 0, frame, 200, 0, true, 200), 0);
	copy = aligned_alloc(4096, FK_RAM);
	REQUIRE(copy);
	memcpy(copy, f->ram, FK_RAM);
	memset(f->ram, 0xA5, FK_RAM);
	free(f->ram);
	f->ram = copy;
	f->env.ram = copy;
	CHECK_EQ(fk_poll(f, 2), VFMIG_GUEST_RUNNING);
	CHECK_EQ(vfmig_guest_recv(&f->env, FK_GPA, 0, out, sizeof(out)), 200);
	CHECK(!memcmp(out, frame, 200));
	CHECK_ERR(vfmig_guest_xmit(&f->env, FK_GPA, 0, frame, 100), 0);
	fk_del(f);
}

/* ========================================================================
 * Part 2: against the X710 model
 * ======================================================================== */

static struct vmfix *fx_new(int npf)
{
	struct vmfix *fx = calloc(1, sizeof(*fx));

	if (fx && fx_init(fx, npf, NULL)) {
		fx_free(fx);
		free(fx);
		return NULL;
	}
	return fx;
}

static void fx_del(struct vmfix *fx)
{
	if (!fx)
		return;
	fx_free(fx);
	free(fx);
}

#define BRINGUP_STEPS	200000

/* A fabric with @nvm VMs on VFs 0.. of PF 0, all RUNNING. */
static struct vmfix *fx_running(int nvm, const struct vfmig_guest_cfg *cfg)
{
	struct vmfix *fx = fx_new(1);
	int i;

	if (!fx)
		return NULL;
	for (i = 0; i < nvm; i++) {
		struct vm *vm = fx_add_vm(fx, 0, (u16)i, 16, cfg);

		if (!vm || vm_start(vm)) {
			fx_del(fx);
			return NULL;
		}
	}
	if (!fx_until_running(fx, BRINGUP_STEPS)) {
		for (i = 0; i < fx->nvm; i++)
			printf("#   vm%d state %d last_error %d\n", i,
			       vm_state(&fx->vm[i]), vm_stats(&fx->vm[i]).last_error);
		fx_del(fx);
		return NULL;
	}
	return fx;
}

/*
 * Send @n test frames of stream @stream from @a to MAC @dst (round-robin
 * over @a's queues, lengths cycling from @minlen up to @maxlen) while
 * receiving on @b; checks every frame @b gets. Returns frames received
 * intact; *@bad counts corrupt or out-of-order ones.
 */
static u32 traffic(struct vmfix *fx, struct vm *a, struct vm *b, const u8 *dst,
		   u32 stream, u32 n, u32 minlen, u32 maxlen, u32 *bad)
{
	u8 *f = malloc(VM_FRAME_MAX), *in = malloc(VM_FRAME_MAX);
	u8 src[6];
	u32 sent = 0, got = 0, steps = 0, nq;
	u32 next_seq[16] = { 0 };
	int r;

	*bad = 0;
	if (!f || !in) {
		free(f);
		free(in);
		(*bad)++;
		return 0;
	}
	vm_mac(a, src);
	vm_env_sync(a);
	nq = (u32)vfmig_guest_num_queues(&a->env, a->gpa);
	if (!nq)
		nq = 1;
	while ((sent < n || got < sent) && steps < 50 * n + 20000) {
		/* a burst, as many as the ring takes */
		while (sent < n) {
			u32 len = minlen + (sent * 97) % (maxlen - minlen + 1);

			vm_make_frame(f, len, dst, src, stream, sent);
			r = vm_xmit(a, (u16)(sent % nq), f, len);
			if (r == -EBUSY)
				break;
			if (r) {
				(*bad)++;
				break;
			}
			sent++;
			if (sent % 32 == 0)
				break;
		}
		fx_step(fx);
		steps++;
		if (!b)
			continue;
		while ((r = vm_recv_any(b, in, VM_FRAME_MAX)) > 0) {
			u32 st, seq;

			if (!vm_check_frame(in, (u32)r, &st, &seq) || st != stream) {
				(*bad)++;
				continue;
			}
			got++;
			(void)next_seq;
		}
		if (sent == n && got < sent && steps > 50 * n + 10000)
			break;
	}
	free(f);
	free(in);
	return b ? got : sent;
}

static void test_model_bringup(void)
{
	struct vfmig_guest_cfg cfg;
	struct vfmig_model_vf_stats ms;
	struct vmfix *fx;
	struct vm *vm;
	u8 mac[6], mmac[6];

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 16;	/* more than the PF grants */
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	vm = &fx->vm[0];
	CHECK_EQ(vm_state(vm), VFMIG_GUEST_RUNNING);
	vm_env_sync(vm);
	/* the model's default is 4 queue pairs per VF */
	CHECK_EQ(vfmig_guest_num_queues(&vm->env, vm->gpa), 4);
	vm_mac(vm, mac);
	CHECK_ERR(vfmig_model_vf_get_mac(vm->pf, vm->vf, mmac), 0);
	if (mmac[0] | mmac[1] | mmac[2] | mmac[3] | mmac[4] | mmac[5])
		CHECK(!memcmp(mac, mmac, 6));
	CHECK(!(mac[0] & 1));
	ms = vm_mstats(vm);
	CHECK(ms.mbx_to_pf >= 6);	/* VERSION .. ENABLE_QUEUES */
	CHECK_EQ(ms.mbx_to_pf, vm_stats(vm).mbx_sent);
	CHECK_EQ(ms.mbx_to_vf, vm_stats(vm).mbx_received);
	CHECK_EQ(vm_stats(vm).mbx_errors, 0);
	CHECK_EQ(ms.bar0_unknown_reads, 0);
	CHECK_EQ(ms.bar0_unknown_writes, 0);
	CHECK_EQ(ms.dma_faults, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(vm).link_up, 1);
	fx_del(fx);
}

/* Two VFs of one PF: switched inside the PF, every byte checked. */
static void test_model_vf_to_vf(void)
{
	struct vfmig_guest_cfg cfg;
	struct vfmig_model_port_stats ps;
	struct vmfix *fx;
	u8 mac1[6];
	u32 got, bad;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 2;
	cfg.max_tx_bufs = 8;
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	vm_mac(&fx->vm[1], mac1);
	got = traffic(fx, &fx->vm[0], &fx->vm[1], mac1, 1, 2000, 60, 1514, &bad);
	CHECK_EQ(got, 2000);
	CHECK_EQ(bad, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(&fx->vm[0]).tx_packets, 2000);
	CHECK_EQ(vm_stats(&fx->vm[1]).rx_packets, 2000);
	CHECK_EQ(vm_mstats(&fx->vm[1]).rx_packets, 2000);
	CHECK_EQ(vfmig_model_port_stats(fx->pf[0], &ps), 0);
	CHECK_EQ(ps.switched, 2000);
	CHECK_EQ(fx->cap_n, 0);		/* nothing leaked to the wire */
	/* and back, with jumbo frames over several RX buffers */
	vm_mac(&fx->vm[0], mac1);
	got = traffic(fx, &fx->vm[1], &fx->vm[0], mac1, 2, 300, 60, 8000, &bad);
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vm_stats(&fx->vm[0]).rx_errors, 0);
	fx_del(fx);
}

/* Through the port: what leaves is what was sent; what arrives is received. */
static void test_model_port(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *vm;
	u8 f[2048], in[2048], mac[6];
	const u8 peer[6] = { 0x02, 0x99, 0, 0, 0, 1 };
	u32 i, got = 0, bad;
	int n;

	vm_cfg_default(&cfg);
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	vm = &fx->vm[0];
	vm_mac(vm, mac);
	/* out: VF -> port */
	CHECK_EQ(traffic(fx, vm, NULL, peer, 3, 500, 60, 1514, &bad), 500);
	CHECK_EQ(bad, 0);
	fx_quiesce(fx, 10000);
	for (i = 0; i < 500; i++) {
		u32 st, seq;

		n = (int)fx_cap_pop(fx, in, sizeof(in));
		if (n <= 0)
			break;
		if (vm_check_frame(in, (u32)n, &st, &seq) && st == 3 && seq == i &&
		    !memcmp(in, peer, 6) && !memcmp(in + 6, mac, 6))
			got++;
	}
	CHECK_EQ(got, 500);
	CHECK_EQ(fx->cap_n, 0);
	/* in: port -> VF */
	got = 0;
	for (i = 0; i < 300; i++) {
		u32 len = 60 + (i * 37) % 1400;

		vm_make_frame(f, len, mac, peer, 4, i);
		CHECK_ERR(vfmig_model_port_rx(fx->pf[0], f, len), 0);
		fx_step(fx);
		while ((n = vm_recv_any(vm, in, sizeof(in))) > 0) {
			u32 st, seq;

			if (vm_check_frame(in, (u32)n, &st, &seq) && st == 4)
				got++;
		}
	}
	fx_quiesce(fx, 10000);
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0)
		if (vm_check_frame(in, (u32)n, NULL, NULL))
			got++;
	CHECK_EQ(got, 300);
	CHECK_EQ(vm_stats(vm).rx_bytes, vm_mstats(vm).rx_bytes);
	fx_del(fx);
}

/* Loopback through the port: the model's port feeds itself. */
static void test_model_port_loopback(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	u8 mac[6];
	u32 got, bad;

	vm_cfg_default(&cfg);
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	fx->port_mode = VM_PORT_LOOPBACK;
	vm_mac(&fx->vm[0], mac);
	/* to ourselves: leaves the port (a VF's own MAC is not switched back
	 * internally) and comes back in */
	got = traffic(fx, &fx->vm[0], &fx->vm[0], mac, 5, 400, 60, 1514, &bad);
	CHECK_EQ(bad, 0);
	CHECK_EQ(got, 400);
	fx_del(fx);
}

/* Filters: another MAC is dropped unless promiscuous; broadcast passes. */
static void test_model_filters(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *vm;
	u8 f[256], in[256], mac[6];
	const u8 other[6] = { 0x02, 0x42, 0, 0, 0, 9 };
	const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const u8 peer[6] = { 0x02, 0x77, 0, 0, 0, 3 };
	struct vfmig_model_port_stats ps;
	u32 i, got_other = 0, got_b = 0;
	u64 unmatched0;
	int n;

	vm_cfg_default(&cfg);
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	vm = &fx->vm[0];
	vm_mac(vm, mac);
	CHECK_ERR(vfmig_model_port_stats(fx->pf[0], &ps), 0);
	unmatched0 = ps.rx_unmatched;
	for (i = 0; i < 10; i++) {
		vm_make_frame(f, 128, other, peer, 6, i);
		vfmig_model_port_rx(fx->pf[0], f, 128);
		vm_make_frame(f, 128, bcast, peer, 7, i);
		vfmig_model_port_rx(fx->pf[0], f, 128);
	}
	fx_quiesce(fx, 10000);
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0) {
		u32 st;

		if (!vm_check_frame(in, (u32)n, &st, NULL))
			continue;
		got_other += st == 6;
		got_b += st == 7;
	}
	CHECK_EQ(got_other, 0);
	CHECK_EQ(got_b, 10);
	CHECK_ERR(vfmig_model_port_stats(fx->pf[0], &ps), 0);
	CHECK_EQ(ps.rx_unmatched - unmatched0, 10);
	CHECK_EQ(vm_stats(vm).rx_packets, 10);
	fx_del(fx);

	/*
	 * Promiscuous: an untrusted VF is told SUCCESS and nothing changes
	 * (i40e); trusting it resets the VF (RESET_IMPENDING, then the reset),
	 * and the driver's new bring-up asks again, now with effect.
	 */
	vm_cfg_default(&cfg);
	cfg.promisc = true;
	fx = fx_new(1);
	REQUIRE(fx);
	vm = fx_add_vm(fx, 0, 0, 16, &cfg);
	REQUIRE(vm);
	CHECK_ERR(vm_start(vm), 0);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	for (i = 0; i < 10; i++) {
		vm_make_frame(f, 128, other, peer, 6, i);
		vfmig_model_port_rx(fx->pf[0], f, 128);
	}
	fx_quiesce(fx, 10000);
	got_other = 0;
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0)
		got_other++;
	CHECK_EQ(got_other, 0);
	CHECK_ERR(vfmig_model_vf_set_trust(fx->pf[0], 0, true), 0);
	fx_step(fx);
	fx_step(fx);
	CHECK(vm_state(vm) != VFMIG_GUEST_RUNNING);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(vm).resets, 1);
	for (i = 0; i < 10; i++) {
		vm_make_frame(f, 128, other, peer, 6, i);
		vfmig_model_port_rx(fx->pf[0], f, 128);
	}
	fx_quiesce(fx, 10000);
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0)
		if (vm_check_frame(in, (u32)n, NULL, NULL))
			got_other++;
	CHECK_EQ(got_other, 10);
	CHECK_EQ(vm_stats(vm).mbx_errors, 0);
	fx_del(fx);
}

/* More than 3x the ring length through both directions, both completions. */
static void test_model_ring_wrap(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 mac[6];
	u32 got, bad;

	vm_cfg_default(&cfg);
	cfg.ring_len = 64;
	cfg.max_tx_bufs = 3;
	fx = fx_new(1);
	REQUIRE(fx);
	a = fx_add_vm(fx, 0, 0, 16, &cfg);
	cfg.tx_head_wb = true;
	b = fx_add_vm(fx, 0, 1, 16, &cfg);
	REQUIRE(a && b);
	CHECK_ERR(vm_start(a), 0);
	CHECK_ERR(vm_start(b), 0);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	vm_mac(b, mac);
	got = traffic(fx, a, b, mac, 8, 64 * 7, 60, 1514, &bad);
	CHECK_EQ(got, 64 * 7);
	CHECK_EQ(bad, 0);
	vm_mac(a, mac);
	got = traffic(fx, b, a, mac, 9, 64 * 7, 60, 1514, &bad);
	CHECK_EQ(got, 64 * 7);
	CHECK_EQ(bad, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(a).tx_packets, 64 * 7);
	CHECK_EQ(vm_stats(b).tx_packets, 64 * 7);	/* via head write-back */
	fx_del(fx);
}

/* The guest stops taking frames: the model drops and counts; then resumes. */
static void test_model_rx_no_desc(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *vm;
	u8 f[256], in[256], mac[6];
	const u8 peer[6] = { 0x02, 0x99, 0, 0, 0, 2 };
	u32 i, got = 0;
	int n;

	vm_cfg_default(&cfg);
	cfg.ring_len = 64;
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	vm = &fx->vm[0];
	vm_mac(vm, mac);
	for (i = 0; i < 100; i++) {
		vm_make_frame(f, 100, mac, peer, 10, i);
		vfmig_model_port_rx(fx->pf[0], f, 100);
		fx_step(fx);
	}
	fx_quiesce(fx, 10000);
	/* 63 descriptors were posted: the rest had nowhere to go */
	CHECK_EQ(vm_mstats(vm).rx_no_desc_drops, 100 - 63);
	CHECK_EQ(vm_mstats(vm).rx_packets, 63);
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0) {
		u32 seq;

		if (vm_check_frame(in, (u32)n, NULL, &seq) && seq == got)
			got++;
	}
	CHECK_EQ(got, 63);
	/* the ring is refilled and traffic flows again */
	fx_step(fx);
	for (i = 0; i < 40; i++) {
		vm_make_frame(f, 100, mac, peer, 10, 1000 + i);
		vfmig_model_port_rx(fx->pf[0], f, 100);
	}
	fx_quiesce(fx, 10000);
	got = 0;
	while ((n = vm_recv_any(vm, in, sizeof(in))) > 0)
		if (vm_check_frame(in, (u32)n, NULL, NULL))
			got++;
	CHECK_EQ(got, 40);
	CHECK_EQ(vm_mstats(vm).rx_no_desc_drops, 100 - 63);
	fx_del(fx);
}

static int region_of(struct vm *vm, u32 kind, u16 q, struct vfmig_guest_region *out)
{
	struct vfmig_guest_region r[128];
	int n, i;

	vm_env_sync(vm);
	n = vfmig_guest_regions(&vm->env, vm->gpa, r, 128);
	for (i = 0; i < n && i < 128; i++)
		if (r[i].kind == kind && r[i].queue == q) {
			*out = r[i];
			return 0;
		}
	return -1;
}

/* Drain every frame @vm has; count intact and corrupt ones of @stream. */
static void drain(struct vm *vm, u32 stream, u32 *good, u32 *bad)
{
	u8 *in = malloc(VM_FRAME_MAX);
	int n;

	if (!in)
		return;
	while ((n = vm_recv_any(vm, in, VM_FRAME_MAX)) > 0) {
		u32 st;

		if (vm_check_frame(in, (u32)n, &st, NULL) && st == stream)
			(*good)++;
		else
			(*bad)++;
	}
	free(in);
}

/* A DMA fault over a posted RX buffer: recorded, no corrupt frame, recovery. */
static void test_model_dma_fault(void)
{
	struct vfmig_guest_cfg cfg;
	struct vfmig_guest_region bufs;
	struct vfmig_model_faults flt;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 f[512], mac[6], srcmac[6];
	u32 i, good = 0, bad = 0, got;

	vm_cfg_default(&cfg);
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(b, mac);
	vm_mac(a, srcmac);
	REQUIRE(!region_of(b, VFMIG_GUEST_REG_RX_BUFS, 0, &bufs));
	/* slot 0's buffer is where the next frame goes */
	memset(&flt, 0, sizeof(flt));
	flt.dma_fault_iova = bufs.gpa;
	flt.dma_fault_len = cfg.rx_buf_size;
	CHECK_ERR(vfmig_model_vf_set_faults(b->pf, b->vf, &flt), 0);
	for (i = 0; i < 20; i++) {
		vm_make_frame(f, 300, mac, srcmac, 11, i);
		CHECK_ERR(vm_xmit(a, 0, f, 300), 0);
		fx_step(fx);
	}
	fx_quiesce(fx, 20000);
	drain(b, 11, &good, &bad);
	CHECK(vm_mstats(b).dma_faults >= 1);
	CHECK_EQ(bad, 0);		/* nothing half-written reached the guest */
	CHECK_EQ(vm_stats(b).rx_errors, 0);
	for (i = 0; i < b->nrec; i++)
		CHECK(!(b->rec[i].engine == VFMIG_ENG_RX_DATA &&
			b->rec[i].iova < bufs.gpa + cfg.rx_buf_size &&
			b->rec[i].iova + b->rec[i].len > bufs.gpa));
	/* the host clears the fault and resets the VF: back in service */
	memset(&flt, 0, sizeof(flt));
	CHECK_ERR(vfmig_model_vf_set_faults(b->pf, b->vf, &flt), 0);
	vfmig_model_vflr(b->pf, b->vf);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(b).resets, 1);
	got = traffic(fx, a, b, mac, 12, 200, 60, 1514, &bad);
	CHECK_EQ(got, 200);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vm_check_dma(b), 0);
	fx_del(fx);
}

/* VFLR in the middle of traffic, on the receiver and on the sender. */
static void test_model_vflr_mid_traffic(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 f[1600], macb[6], maca[6];
	u32 i, good = 0, bad = 0, sent = 0, got;
	u64 rx_before, tx_before, r0;
	int r;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 2;
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(a, maca);
	vm_mac(b, macb);
	for (i = 0; i < 400; i++) {
		vm_make_frame(f, 64 + i % 1400, macb, maca, 13, i);
		r = vm_xmit(a, (u16)(i % 2), f, 64 + i % 1400);
		sent += r == 0;
		if (i == 150)
			vfmig_model_vflr(b->pf, b->vf);
		fx_step(fx);
		drain(b, 13, &good, &bad);
	}
	CHECK_EQ(bad, 0);
	CHECK(good < sent);		/* some were lost in the reset */
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(b).resets, 1);
	CHECK_EQ(vm_stats(a).resets, 0);
	rx_before = vm_stats(b).rx_packets;
	CHECK_EQ(rx_before, good);
	got = traffic(fx, a, b, macb, 14, 300, 60, 1514, &bad);
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vm_stats(b).rx_packets, rx_before + 300);	/* counters kept */

	/* now the sender is reset while it transmits */
	tx_before = vm_stats(a).tx_packets;
	good = 0;
	for (i = 0, sent = 0; i < 300; i++) {
		vm_make_frame(f, 200, macb, maca, 15, i);
		r = vm_xmit(a, 0, f, 200);
		CHECK(r == 0 || r == -ENETDOWN || r == -EBUSY);
		sent += r == 0;
		if (i == 100)
			vfmig_model_vflr(a->pf, a->vf);
		fx_step(fx);
		drain(b, 15, &good, &bad);
	}
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(a).resets, 1);
	CHECK(vm_stats(a).tx_packets >= tx_before);
	got = traffic(fx, a, b, macb, 16, 300, 60, 1514, &bad);
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vm_check_dma(a), 0);
	CHECK_EQ(vm_check_dma(b), 0);

	/*
	 * A reset the driver never sees happening: it is over (VFACTIVE
	 * again) before the driver next looks. The cleared mailbox gives it
	 * away.
	 */
	b->poll_driver = false;
	b->irq_deliver = false;
	vfmig_model_vflr(b->pf, b->vf);
	fx_run(fx, 2000);
	CHECK_EQ(vfmig_model_vf_read32(b->pf, b->vf, VFMIG_VFGEN_RSTAT) &
		 VFMIG_VFGEN_RSTAT_VFR_STATE_MASK, VFMIG_VFR_VFACTIVE);
	CHECK_EQ(vm_state(b), VFMIG_GUEST_RUNNING);	/* not noticed yet */
	b->poll_driver = true;
	b->irq_deliver = true;
	r0 = vm_mstats(b).resets;
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(b).resets, 2);
	CHECK_EQ(vm_mstats(b).resets, r0 + 1);	/* plus our RESET_VF */
	got = traffic(fx, a, b, macb, 29, 100, 60, 1514, &bad);
	CHECK_EQ(got, 100);
	CHECK_EQ(bad, 0);
	fx_del(fx);
}

/* Ground truth: every DMA write lands where the guest let the device write. */
static void test_model_dma_ground_truth(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 mac[6];
	u32 bad, i, e, seen[VFMIG_ENG_NUM] = { 0 };
	u64 j;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 2;
	cfg.ring_len = 64;
	fx = fx_new(1);
	REQUIRE(fx);
	a = fx_add_vm(fx, 0, 0, 16, &cfg);
	cfg.tx_head_wb = true;
	cfg.use_irq = true;
	b = fx_add_vm(fx, 0, 1, 16, &cfg);
	REQUIRE(a && b);
	CHECK_ERR(vm_start(a), 0);
	CHECK_ERR(vm_start(b), 0);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	vm_mac(b, mac);
	CHECK_EQ(traffic(fx, a, b, mac, 17, 500, 60, 3000, &bad), 500);
	vm_mac(a, mac);
	CHECK_EQ(traffic(fx, b, a, mac, 18, 500, 60, 3000, &bad), 500);
	vfmig_model_vflr(b->pf, b->vf);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(traffic(fx, b, a, mac, 19, 200, 60, 1514, &bad), 200);
	fx_quiesce(fx, 10000);
	for (i = 0; i < 2; i++) {
		struct vm *vm = &fx->vm[i];

		CHECK(vm->nrec > 1000);
		CHECK_EQ(vm->rec_lost, 0);
		CHECK_EQ(vm->dma_oob, 0);
		CHECK_EQ(vm_check_dma(vm), 0);
		for (j = 0; j < vm->nrec; j++)
			if (vm->rec[j].engine < VFMIG_ENG_NUM)
				seen[vm->rec[j].engine]++;
		/* the memory below the block was never written */
		for (j = 0; j < vm->gpa; j++)
			if (vm->ram[j]) {
				CHECK(!"stray write below the driver block");
				break;
			}
	}
	for (e = 0; e < VFMIG_ENG_NUM; e++)
		if (e != VFMIG_ENG_ATQ_DESC_WB && !seen[e]) {
			printf("#   engine %u never wrote\n", e);
			CHECK(0);
		}
	fx_del(fx);
}

/* Guest RAM moved to another buffer mid-traffic: the driver goes on. */
static void test_model_migrate_ram(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 maca[6], macb[6];
	u64 rx0, tx0;
	u32 bad, got;
	u8 *copy;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 2;
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(a, maca);
	vm_mac(b, macb);
	CHECK_EQ(traffic(fx, a, b, macb, 20, 300, 60, 1514, &bad), 300);
	CHECK_EQ(traffic(fx, b, a, maca, 21, 300, 60, 1514, &bad), 300);
	fx_quiesce(fx, 10000);
	rx0 = vm_stats(b).rx_packets;
	tx0 = vm_stats(b).tx_packets;
	copy = aligned_alloc(4096, b->ram_size);
	REQUIRE(copy);
	memcpy(copy, b->ram, b->ram_size);
	memset(b->ram, 0x6b, b->ram_size);	/* poison, then free: ASAN */
	free(b->ram);
	b->ram = copy;		/* DMA and the driver see only the copy now */
	got = traffic(fx, a, b, macb, 22, 300, 60, 1514, &bad);
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	got = traffic(fx, b, a, maca, 23, 300, 60, 1514, &bad);
	CHECK_EQ(got, 300);
	CHECK_EQ(bad, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(b).rx_packets, rx0 + 300);
	CHECK_EQ(vm_stats(b).tx_packets, tx0 + 300);
	CHECK_EQ(vm_state(b), VFMIG_GUEST_RUNNING);
	fx_del(fx);
}

/* Interrupt mode: the driver runs from vfmig_guest_irq() alone. */
static void test_model_irq(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 maca[6], macb[6];
	u64 irqs0;
	u32 bad, got;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 2;
	cfg.use_irq = true;
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(a, maca);
	vm_mac(b, macb);
	b->poll_driver = false;
	irqs0 = vm_stats(b).irqs;
	got = traffic(fx, a, b, macb, 24, 500, 60, 1514, &bad);
	CHECK_EQ(got, 500);
	CHECK_EQ(bad, 0);
	got = traffic(fx, b, a, maca, 25, 500, 60, 1514, &bad);
	CHECK_EQ(got, 500);
	fx_quiesce(fx, 10000);
	/* TX completions retired from the interrupt handler alone */
	CHECK_EQ(vm_stats(b).tx_packets, 500);
	CHECK(vm_stats(b).irqs > irqs0 + 10);	/* vectors were re-armed */
	CHECK(vm_mstats(b).irqs >= vm_stats(b).irqs - irqs0);
	/* a mailbox event arrives by vector 0 */
	vfmig_model_set_link(fx->pf[0], false, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(b).link_up, 0);
	vfmig_model_set_link(fx->pf[0], true, 40000);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(b).link_up, 1);
	fx_del(fx);
}

/* Link events from the PF update link_up. */
static void test_model_link(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *vm;
	u64 ev0;
	u32 i;

	vm_cfg_default(&cfg);
	fx = fx_running(1, &cfg);
	REQUIRE(fx);
	vm = &fx->vm[0];
	fx_quiesce(fx, 10000);
	ev0 = vm_stats(vm).link_events;
	vfmig_model_set_link(fx->pf[0], false, 0);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(vm).link_up, 0);
	CHECK_EQ(vm_stats(vm).link_events, ev0 + 1);
	vfmig_model_set_link(fx->pf[0], true, 10000);
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(vm).link_up, 1);
	CHECK_EQ(vm_stats(vm).link_events, ev0 + 2);
	/* many more events than the ARQ has slots: buffers are recycled */
	for (i = 0; i < 100; i++) {
		vfmig_model_set_link(fx->pf[0], i & 1, 10000);
		fx_run(fx, 50);
	}
	fx_quiesce(fx, 10000);
	CHECK_EQ(vm_stats(vm).link_events, ev0 + 102);
	CHECK_EQ(vm_stats(vm).link_up, 1);
	CHECK_EQ(vm_mstats(vm).mbx_pending, 0);
	CHECK_EQ(vm_mstats(vm).mbx_dropped, 0);
	fx_del(fx);
}

/* The driver asks for a reset itself (RESET_VF) and comes back. */
static void test_model_request_reset(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 mac[6];
	u32 bad;
	u64 r0;

	vm_cfg_default(&cfg);
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	r0 = vm_mstats(a).resets;
	vm_env_sync(a);
	CHECK_ERR(vfmig_guest_request_reset(&a->env, a->gpa), 0);
	CHECK(vm_state(a) != VFMIG_GUEST_RUNNING);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(vm_stats(a).resets, 1);
	CHECK_EQ(vm_mstats(a).resets, r0 + 1);
	vm_mac(b, mac);
	CHECK_EQ(traffic(fx, a, b, mac, 26, 200, 60, 1514, &bad), 200);
	CHECK_EQ(bad, 0);
	fx_del(fx);
}

/* TX stops (DMA fault on the TX buffers): hang detected, reset, recovered. */
static void test_model_tx_hang(void)
{
	struct vfmig_guest_cfg cfg;
	struct vfmig_guest_region bufs;
	struct vfmig_model_faults flt;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 f[256], mac[6], srcmac[6];
	u32 i, bad;

	vm_cfg_default(&cfg);
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(b, mac);
	vm_mac(a, srcmac);
	REQUIRE(!region_of(a, VFMIG_GUEST_REG_TX_BUFS, 0, &bufs));
	memset(&flt, 0, sizeof(flt));
	flt.dma_fault_iova = bufs.gpa;
	flt.dma_fault_len = bufs.len;
	CHECK_ERR(vfmig_model_vf_set_faults(a->pf, a->vf, &flt), 0);
	for (i = 0; i < 5; i++) {
		vm_make_frame(f, 100, mac, srcmac, 27, i);
		CHECK_ERR(vm_xmit(a, 0, f, 100), 0);
	}
	fx_run(fx, 100);
	CHECK(vm_mstats(a).dma_faults >= 1);
	CHECK_EQ(vm_stats(a).tx_packets, 0);
	memset(&flt, 0, sizeof(flt));
	CHECK_ERR(vfmig_model_vf_set_faults(a->pf, a->vf, &flt), 0);
	/* let virtual time pass: 1 ms a step */
	fx->step_ns = 1000000;
	for (i = 0; i < 5000 && vm_stats(a).resets == 0; i++)
		fx_step(fx);
	fx->step_ns = 1000;
	CHECK_EQ(vm_stats(a).resets, 1);
	CHECK_EQ(vm_stats(a).last_error, -ETIMEDOUT);
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	CHECK_EQ(traffic(fx, a, b, mac, 28, 100, 60, 1514, &bad), 100);
	CHECK_EQ(bad, 0);
	fx_del(fx);
}

/* A stalled PF mailbox: bounded retries, FAILED, then revived by a VFLR. */
static void test_model_mbx_stall(void)
{
	struct vfmig_guest_cfg cfg;
	struct vfmig_model_faults flt;
	struct vmfix *fx = fx_new(1);
	struct vm *vm;
	u32 i;

	REQUIRE(fx);
	vm_cfg_default(&cfg);
	vm = fx_add_vm(fx, 0, 0, 16, &cfg);
	REQUIRE(vm);
	memset(&flt, 0, sizeof(flt));
	flt.mbx_stall = true;
	CHECK_ERR(vfmig_model_vf_set_faults(vm->pf, vm->vf, &flt), 0);
	CHECK_ERR(vm_start(vm), 0);
	fx->step_ns = 1000000;
	for (i = 0; i < 20000 && vm_state(vm) != VFMIG_GUEST_FAILED; i++)
		fx_step(fx);
	CHECK_EQ(vm_state(vm), VFMIG_GUEST_FAILED);
	CHECK_EQ(vm_stats(vm).last_error, -EIO);
	fx->step_ns = 1000;
	memset(&flt, 0, sizeof(flt));
	CHECK_ERR(vfmig_model_vf_set_faults(vm->pf, vm->vf, &flt), 0);
	vfmig_model_vflr(vm->pf, vm->vf);
	CHECK(fx_until_running(fx, BRINGUP_STEPS));
	fx_del(fx);
}

/* An IPv4/UDP frame from @sport to port 9 with a checked payload. */
static u32 make_udp(u8 *f, const u8 *dst, const u8 *src, u16 sport, u32 seq)
{
	u32 len = 14 + 20 + 8 + 64, i, sum = 0;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
	f[16] = 0;
	f[17] = 20 + 8 + 64;
	f[22] = 64;		/* TTL */
	f[23] = 17;		/* UDP */
	memcpy(f + 26, "\xc6\x12\x00\x01", 4);	/* 198.18.0.1 */
	memcpy(f + 30, "\xc6\x12\x00\x02", 4);	/* 198.18.0.2 */
	for (i = 14; i < 34; i += 2)
		sum += (u32)(f[i] << 8 | f[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[24] = (u8)(~sum >> 8);
	f[25] = (u8)~sum;
	f[34] = (u8)(sport >> 8);
	f[35] = (u8)sport;
	f[37] = 9;
	f[39] = 8 + 64;
	vfmig_put_le32(f + 42, seq);
	for (i = 46; i < len; i++)
		f[i] = (u8)(seq + i);
	return len;
}

/* RSS: the key and LUT the driver programs spread flows over its queues. */
static void test_model_rss(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 f[256], in[256], maca[6], macb[6];
	u32 i, per_q[4] = { 0 }, used = 0, total = 0, bad = 0;
	int n, q;

	vm_cfg_default(&cfg);
	cfg.num_queue_pairs = 4;
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(a, maca);
	vm_mac(b, macb);
	for (i = 0; i < 256; i++) {
		u32 len = make_udp(f, macb, maca, (u16)(1024 + i * 7), i);

		CHECK_ERR(vm_xmit(a, 0, f, len), 0);
		if (i % 16 == 15)
			fx_run(fx, 20);
		for (q = 0; q < 4; q++)
			while ((n = vm_recv(b, (u16)q, in, sizeof(in))) > 0) {
				per_q[q]++;
				bad += n != 14 + 20 + 8 + 64 ||
				       in[46] != (u8)(vfmig_get_le32(in + 42) + 46);
			}
	}
	fx_quiesce(fx, 10000);
	for (q = 0; q < 4; q++) {
		while ((n = vm_recv(b, (u16)q, in, sizeof(in))) > 0)
			per_q[q]++;
		total += per_q[q];
		used += per_q[q] > 0;
	}
	printf("# RSS spread: %u %u %u %u\n", per_q[0], per_q[1], per_q[2], per_q[3]);
	CHECK_EQ(total, 256);
	CHECK_EQ(bad, 0);
	CHECK(used >= 3);	/* 256 flows over 4 queues */
	fx_del(fx);
}

/* A second vfmig_guest_init() on a VF that is in service. */
static void test_model_reinit(void)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx;
	struct vm *a, *b;
	u8 mac[6];
	u32 bad;
	u64 r0;

	vm_cfg_default(&cfg);
	fx = fx_running(2, &cfg);
	REQUIRE(fx);
	a = &fx->vm[0];
	b = &fx->vm[1];
	vm_mac(b, mac);
	CHECK_EQ(traffic(fx, a, b, mac, 30, 100, 60, 1514, &bad), 100);
	r0 = vm_mstats(b).resets;
	CHECK_ERR(vm_start(b), 0);	/* e.g. the guest reloaded its driver */
	REQUIRE(fx_until_running(fx, BRINGUP_STEPS));
	/* the VF was in use: the new instance started with a VF reset */
	CHECK_EQ(vm_mstats(b).resets, r0 + 1);
	CHECK_EQ(traffic(fx, a, b, mac, 31, 100, 60, 1514, &bad), 100);
	CHECK_EQ(bad, 0);
	CHECK_EQ(vm_check_dma(b), 0);
	fx_del(fx);
}

int main(void)
{
	RUN(test_init_validation);
	RUN(test_fake_bringup_messages);
	RUN(test_fake_version);
	RUN(test_fake_hostile_resources);
	RUN(test_fake_hostile_arq);
	RUN(test_fake_link_event);
	RUN(test_fake_tx_layout);
	RUN(test_fake_tx_full_and_headwb);
	RUN(test_fake_rx);
	RUN(test_fake_reset_recovery);
	RUN(test_fake_silent_pf);
	RUN(test_fake_ram_move);
	RUN(test_fake_atq_error);
	RUN(test_fake_rx_unposted);
	RUN(test_fake_tx_hang_link);

	RUN(test_model_bringup);
	RUN(test_model_vf_to_vf);
	RUN(test_model_port);
	RUN(test_model_port_loopback);
	RUN(test_model_filters);
	RUN(test_model_ring_wrap);
	RUN(test_model_rx_no_desc);
	RUN(test_model_dma_fault);
	RUN(test_model_vflr_mid_traffic);
	RUN(test_model_dma_ground_truth);
	RUN(test_model_migrate_ram);
	RUN(test_model_irq);
	RUN(test_model_link);
	RUN(test_model_request_reset);
	RUN(test_model_tx_hang);
	RUN(test_model_mbx_stall);
	RUN(test_model_rss);
	RUN(test_model_reinit);
	return vt_done();
}
