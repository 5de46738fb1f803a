// SPDX-License-Identifier: GPL-2.0-only
/*
 * X710 register, descriptor and virtchnl definitions against the hardware's
 * byte layout.
 *
 * Expected values are literals worked out from the upstream headers (iavf,
 * i40e), not recomputed with the helpers under test: descriptors are built
 * with the helpers and compared byte for byte, or built from raw bytes and
 * decoded with the helpers. virtchnl_vc_validate_vf_msg() is the installed
 * kernel's own, compiled here through the userspace shim.
 */
#include "harness.h"
#include <vfmig/virtchnl.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_adminq.h>
#include <vfmig/x710_txrx.h>

static void check_bytes(const void *p, const u8 *want, size_t n, int line)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] != want[i]) {
			vt_failures++;
			printf("#   line %d: byte %zu is 0x%02x, want 0x%02x\n",
			       line, i, b[i], want[i]);
		}
	}
}

#define CHECK_BYTES(p, ...) do {					\
	static const u8 __want[] = { __VA_ARGS__ };			\
	check_bytes((p), __want, sizeof(__want), __LINE__);		\
} while (0)

/* ---- admin queue ------------------------------------------------------- */

static void test_aq_desc_layout(void)
{
	struct vfmig_aq_desc d;

	CHECK_EQ(sizeof(d), 32);
	memset(&d, 0, sizeof(d));
	d.flags = cpu_to_le16(0x0102);
	d.opcode = cpu_to_le16(0x0304);
	d.datalen = cpu_to_le16(0x0506);
	d.retval = cpu_to_le16(0x0708);
	d.cookie_high = cpu_to_le32(0x090a0b0c);
	d.cookie_low = cpu_to_le32(0x0d0e0f10);
	d.param0 = cpu_to_le32(0x11121314);
	d.param1 = cpu_to_le32(0x15161718);
	d.addr_high = cpu_to_le32(0x191a1b1c);
	d.addr_low = cpu_to_le32(0x1d1e1f20);
	CHECK_BYTES(&d,
		    0x02, 0x01, 0x04, 0x03, 0x06, 0x05, 0x08, 0x07,
		    0x0c, 0x0b, 0x0a, 0x09, 0x10, 0x0f, 0x0e, 0x0d,
		    0x14, 0x13, 0x12, 0x11, 0x18, 0x17, 0x16, 0x15,
		    0x1c, 0x1b, 0x1a, 0x19, 0x20, 0x1f, 0x1e, 0x1d);
	CHECK_EQ(vfmig_aq_desc_addr(&d), 0x191a1b1c1d1e1f20ULL);
}

static void test_aq_values(void)
{
	CHECK_EQ(VFMIG_AQ_FLAG_DD, 0x1);
	CHECK_EQ(VFMIG_AQ_FLAG_CMP, 0x2);
	CHECK_EQ(VFMIG_AQ_FLAG_ERR, 0x4);
	CHECK_EQ(VFMIG_AQ_FLAG_VFE, 0x8);
	CHECK_EQ(VFMIG_AQ_FLAG_LB, 0x200);
	CHECK_EQ(VFMIG_AQ_FLAG_RD, 0x400);
	CHECK_EQ(VFMIG_AQ_FLAG_VFC, 0x800);
	CHECK_EQ(VFMIG_AQ_FLAG_BUF, 0x1000);
	CHECK_EQ(VFMIG_AQ_FLAG_SI, 0x2000);
	CHECK_EQ(VFMIG_AQ_FLAG_EI, 0x4000);
	CHECK_EQ(VFMIG_AQ_FLAG_FE, 0x8000);
	CHECK_EQ(VFMIG_AQC_OPC_SEND_MSG_TO_PF, 0x0801);
	CHECK_EQ(VFMIG_AQC_OPC_SEND_MSG_TO_VF, 0x0802);
	CHECK_EQ(VFMIG_AQ_RC_EPERM, 1);
	CHECK_EQ(VFMIG_AQ_RC_EINVAL, 14);
	CHECK_EQ(VFMIG_AQ_RC_EFBIG, 22);
	CHECK_EQ(VFMIG_AQ_MAX_BUF_SIZE, 4096);
	CHECK_EQ(VFMIG_AQ_LARGE_BUF, 512);
}

static void test_aq_msg_desc(void)
{
	struct vfmig_aq_desc d;

	/* VERSION request: 8-byte body, no LB */
	vfmig_aq_fill_msg_desc(&d, VFMIG_AQC_OPC_SEND_MSG_TO_PF,
			       VIRTCHNL_OP_VERSION, 0, 8);
	CHECK_BYTES(&d,
		    0x00, 0x34, 0x01, 0x08, 0x08, 0x00, 0x00, 0x00,
		    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

	/* exactly 512 bytes: still no LB; 513: LB */
	vfmig_aq_fill_msg_desc(&d, VFMIG_AQC_OPC_SEND_MSG_TO_PF, 6, 0, 512);
	CHECK_EQ(le16_to_cpu(d.flags), 0x3400);
	vfmig_aq_fill_msg_desc(&d, VFMIG_AQC_OPC_SEND_MSG_TO_PF, 6, 0, 513);
	CHECK_EQ(le16_to_cpu(d.flags), 0x3600);

	/* PF -> VF reply without body carrying an error status */
	vfmig_aq_fill_msg_desc(&d, VFMIG_AQC_OPC_SEND_MSG_TO_VF,
			       VIRTCHNL_OP_CONFIG_VSI_QUEUES,
			       VIRTCHNL_STATUS_ERR_PARAM, 0);
	CHECK_BYTES(&d,
		    0x00, 0x20, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00,
		    0x06, 0x00, 0x00, 0x00, 0xfb, 0xff, 0xff, 0xff);
	CHECK_EQ(vfmig_aq_desc_v_opcode(&d), VIRTCHNL_OP_CONFIG_VSI_QUEUES);
	CHECK(vfmig_aq_desc_v_retval(&d) == -5);
}

static void test_aq_arq_desc(void)
{
	struct vfmig_aq_desc d;

	vfmig_aq_fill_arq_desc(&d, 0x0000123456789000ULL, 4096);
	CHECK_BYTES(&d,
		    0x00, 0x12, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0x34, 0x12, 0x00, 0x00, 0x00, 0x90, 0x78, 0x56);
	vfmig_aq_fill_arq_desc(&d, 0x1000, 256);
	CHECK_EQ(le16_to_cpu(d.flags), VFMIG_AQ_FLAG_BUF);
}

/* ---- TX ----------------------------------------------------------------- */

static void test_tx_data_desc(void)
{
	struct vfmig_tx_desc d;
	u64 qw1;

	CHECK_EQ(sizeof(d), 16);
	d.buffer_addr = cpu_to_le64(0x00000001deadb000ULL);
	d.cmd_type_offset_bsz = cpu_to_le64(vfmig_tx_build_qw1(
		VFMIG_TX_DESC_CMD_EOP | VFMIG_TX_DESC_CMD_RS, 0, 1514, 0));
	/* DTYPE 0, CMD 0x3 at bit 4, size 1514 at bit 34: 0x000017a800000030 */
	CHECK_EQ(le64_to_cpu(d.cmd_type_offset_bsz), 0x000017a800000030ULL);
	CHECK_BYTES(&d,
		    0x00, 0xb0, 0xad, 0xde, 0x01, 0x00, 0x00, 0x00,
		    0x30, 0x00, 0x00, 0x00, 0xa8, 0x17, 0x00, 0x00);

	/* with a VLAN tag to insert: L2TAG1 at bit 48 */
	qw1 = vfmig_tx_build_qw1(VFMIG_TX_DESC_CMD_EOP | VFMIG_TX_DESC_CMD_RS |
				 VFMIG_TX_DESC_CMD_IL2TAG1, 0, 60, 0x0064);
	CHECK_EQ(qw1, 0x006400f0000000b0ULL);
	CHECK_EQ(vfmig_tx_qw1_dtype(qw1), VFMIG_TX_DESC_DTYPE_DATA);
	CHECK_EQ(vfmig_tx_qw1_cmd(qw1), 0xb);
	CHECK_EQ(vfmig_tx_qw1_size(qw1), 60);
	CHECK_EQ(vfmig_tx_qw1_l2tag1(qw1), 0x64);
	CHECK_EQ(vfmig_tx_qw1_offset(qw1), 0);

	/* the device's DD write-back: DTYPE 0xF in the low nibble */
	CHECK_EQ(vfmig_tx_qw1_dtype(0x000017a80000003fULL),
		 VFMIG_TX_DESC_DTYPE_DESC_DONE);
	CHECK_EQ(vfmig_tx_qw1_size(VFMIG_TXD_QW1_TX_BUF_SZ_MASK), 0x3fff);
}

/* ---- RX ----------------------------------------------------------------- */

static void test_rx_desc_layout(void)
{
	CHECK_EQ(sizeof(union vfmig_rx_desc), 32);
	CHECK_EQ(sizeof(union vfmig_rx_desc16), 16);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_read, hdr_addr), 8);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, l2tag1), 2);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, rss), 4);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, status_error_len), 8);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, ext_status), 16);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, l2tag2_1), 20);
	CHECK_EQ(offsetof(struct vfmig_rx_desc_wb, flex_bytes_hi), 28);
	CHECK_EQ(offsetof(struct vfmig_rx_desc16_wb, status_error_len), 8);
}

static void test_rx_writeback_decode(void)
{
	/*
	 * A write-back for a 60-byte IPv4/TCP frame, VLAN 100 stripped, RSS
	 * hash 0xcafef00d: qword 1 = DD|EOF|L2TAG1P (0x7), PTYPE 26 at bit
	 * 30, PBUF length 60 at bit 38.
	 */
	static const u8 raw[32] = {
		0x00, 0x00, 0x64, 0x00, 0x0d, 0xf0, 0xfe, 0xca,
		0x07, 0x00, 0x00, 0x80, 0x06, 0x0f, 0x00, 0x00,
	};
	union vfmig_rx_desc d;
	u64 qw1;

	memcpy(&d, raw, sizeof(d));
	qw1 = le64_to_cpu(d.wb.status_error_len);
	CHECK_EQ(qw1, 0x00000f0680000007ULL);
	CHECK(qw1 & VFMIG_RX_STATUS_DD);
	CHECK(qw1 & VFMIG_RX_STATUS_EOF);
	CHECK(qw1 & VFMIG_RX_STATUS_L2TAG1P);
	CHECK(!(qw1 & VFMIG_RX_STATUS_CRCP));
	CHECK_EQ(vfmig_rx_qw1_status(qw1), 0x7);
	CHECK_EQ(vfmig_rx_qw1_error(qw1), 0);
	CHECK_EQ(vfmig_rx_qw1_ptype(qw1), VFMIG_RX_PTYPE_IPV4_TCP);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(qw1), 60);
	CHECK_EQ(vfmig_rx_qw1_hbuf_len(qw1), 0);
	CHECK(!(qw1 & VFMIG_RXD_QW1_LENGTH_SPH));
	CHECK_EQ(le16_to_cpu(d.wb.l2tag1), 100);
	CHECK_EQ(le32_to_cpu(d.wb.rss), 0xcafef00d);

	/* the model's encoder produces the same qword */
	CHECK_EQ(vfmig_rx_build_qw1(VFMIG_RX_STATUS_DD | VFMIG_RX_STATUS_EOF |
				    VFMIG_RX_STATUS_L2TAG1P, 0,
				    VFMIG_RX_PTYPE_IPV4_TCP, 60, 0, false),
		 0x00000f0680000007ULL);

	/* every field at its extreme, and an L4 checksum error */
	qw1 = vfmig_rx_build_qw1(VFMIG_RX_STATUS_DD, VFMIG_RX_ERROR_L4E, 0xff,
				 0x3fff, 0x7ff, true);
	CHECK_EQ(qw1, 0xffffffffc0800001ULL);
	CHECK_EQ(vfmig_rx_qw1_error(qw1), 0x10);
	CHECK_EQ(vfmig_rx_qw1_ptype(qw1), 0xff);
	CHECK_EQ(vfmig_rx_qw1_pbuf_len(qw1), 0x3fff);
	CHECK_EQ(vfmig_rx_qw1_hbuf_len(qw1), 0x7ff);
}

/* ---- registers ---------------------------------------------------------- */

static void test_vf_regs(void)
{
	CHECK_EQ(VFMIG_QTX_TAIL1(0), 0x0000);
	CHECK_EQ(VFMIG_QTX_TAIL1(15), 0x003c);
	CHECK_EQ(VFMIG_QRX_TAIL1(3), 0x200c);
	CHECK_EQ(VFMIG_VFINT_DYN_CTL01, 0x5c00);
	CHECK_EQ(VFMIG_VFINT_DYN_CTLN1(15), 0x383c);
	CHECK_EQ(VFMIG_VFINT_ITRN1(2, 15), 0x28bc);
	CHECK_EQ(VFMIG_VFINT_ITR01(1), 0x4c04);
	CHECK_EQ(VFMIG_VFINT_ICR01, 0x4800);
	CHECK_EQ(VFMIG_VFINT_ICR0_ENA1, 0x5000);
	CHECK_EQ(VFMIG_VF_ATQBAL1, 0x7c00);
	CHECK_EQ(VFMIG_VF_ATQBAH1, 0x7800);
	CHECK_EQ(VFMIG_VF_ATQLEN1, 0x6800);
	CHECK_EQ(VFMIG_VF_ATQH1, 0x6400);
	CHECK_EQ(VFMIG_VF_ATQT1, 0x8400);
	CHECK_EQ(VFMIG_VF_ARQBAL1, 0x6c00);
	CHECK_EQ(VFMIG_VF_ARQBAH1, 0x6000);
	CHECK_EQ(VFMIG_VF_ARQLEN1, 0x8000);
	CHECK_EQ(VFMIG_VF_ARQH1, 0x7400);
	CHECK_EQ(VFMIG_VF_ARQT1, 0x7000);
	CHECK_EQ(VFMIG_VFGEN_RSTAT, 0x8800);
	CHECK_EQ(VFMIG_VFQF_HENA(1), 0xc404);
	CHECK_EQ(VFMIG_VFQF_HKEY(12), 0xcc30);
	CHECK_EQ(VFMIG_VFQF_HLUT(15), 0xd03c);
	CHECK_EQ(VFMIG_VF_RSS_KEY_BYTES, 52);
	CHECK_EQ(VFMIG_VF_RSS_LUT_ENTRIES, 64);

	CHECK_EQ(VFMIG_VF_AQLEN1_LEN_MASK, 0x3ff);
	CHECK_EQ(VFMIG_VF_AQLEN1_VFE | VFMIG_VF_AQLEN1_OVFL |
		 VFMIG_VF_AQLEN1_CRIT | VFMIG_VF_AQLEN1_ENABLE, 0xf0000000);
	CHECK_EQ(VFMIG_VFINT_DYN_CTL01_INTERVAL_MASK, 0x1ffe0);
	CHECK_EQ(VFMIG_VFINT_DYN_CTLN1_ITR_INDX_MASK, 0x18);
	CHECK_EQ(VFMIG_VFINT_DYN_CTLN1_SW_ITR_INDX_MASK, 0x06000000);
	CHECK_EQ(VFMIG_VFINT_ICR01_QUEUE(3), 0x10);
	CHECK_EQ(VFMIG_VFINT_ICR01_ADMINQ, 0x40000000);
	CHECK_EQ(VFMIG_VFR_INPROGRESS, VIRTCHNL_VFR_INPROGRESS);
	CHECK_EQ(VFMIG_VFR_COMPLETED, VIRTCHNL_VFR_COMPLETED);
	CHECK_EQ(VFMIG_VFR_VFACTIVE, VIRTCHNL_VFR_VFACTIVE);
}

static void test_pf_regs(void)
{
	CHECK_EQ(VFMIG_QTX_ENA(1535), 0x1017fc);
	CHECK_EQ(VFMIG_QRX_ENA(0), 0x120000);
	CHECK_EQ(VFMIG_QTX_HEAD(2), 0xe4008);
	CHECK_EQ(VFMIG_QTX_CTL(1), 0x104004);
	CHECK_EQ(VFMIG_QENA_REQ | VFMIG_QENA_FAST_QDIS | VFMIG_QENA_STAT, 0x7);
	CHECK_EQ(VFMIG_QTX_HEAD_HEAD_MASK, 0x1fff);
	CHECK_EQ(VFMIG_QTX_HEAD_RS_PENDING, 0x10000);
	CHECK_EQ(VFMIG_QTX_CTL_VFVM_INDX_MASK, 0xff80);
	CHECK_EQ(VFMIG_QTX_CTL_PF_INDX_MASK, 0x3c);
	CHECK_EQ(VFMIG_VPGEN_VFRTRIG(127), 0x919fc);
	CHECK_EQ(VFMIG_VPGEN_VFRSTAT(1), 0x91c04);
	CHECK_EQ(VFMIG_VFGEN_RSTAT1(2), 0x74408);
	CHECK_EQ(VFMIG_VPLAN_MAPENA(3), 0x7400c);
	CHECK_EQ(VFMIG_VPLAN_QTABLE(15, 127), 0x73dfc);
	CHECK_EQ(VFMIG_VPINT_LNKLST0(1), 0x2a804);
	CHECK_EQ(VFMIG_VPINT_LNKLSTN(vfmig_vpint_lnklstn_idx(2, 1, 17)), 0x25080);
	CHECK_EQ(VFMIG_QINT_RQCTL(1), 0x3a004);
	CHECK_EQ(VFMIG_QINT_TQCTL(1), 0x3c004);
	CHECK_EQ(VFMIG_QINT_CTL_NEXTQ_INDX_MASK, 0x07ff0000);
	CHECK_EQ(VFMIG_QINT_CTL_NEXTQ_TYPE_MASK, 0x18000000);
	CHECK_EQ(VFMIG_GLGEN_VFLRSTAT(3), 0x9260c);
}

static void test_trapped_pages(void)
{
	static const u32 pages[VFMIG_VF_NR_TRAPPED_PAGES] =
		VFMIG_VF_TRAPPED_PAGES_INIT;
	unsigned int i;

	CHECK_EQ(VFMIG_VF_BAR0_SIZE, 65536);
	CHECK_EQ(VFMIG_VF_TRAPPED_PAGES_MASK, 0x85);
	for (i = 0; i < VFMIG_VF_NR_TRAPPED_PAGES; i++)
		CHECK(vfmig_vf_bar0_trapped(pages[i]));
	/* every tail register is in a trapped page */
	for (i = 0; i < VFMIG_VF_MAX_QP; i++) {
		CHECK(vfmig_vf_bar0_trapped(VFMIG_QTX_TAIL1(i)));
		CHECK(vfmig_vf_bar0_trapped(VFMIG_QRX_TAIL1(i)));
	}
	CHECK(vfmig_vf_bar0_trapped(VFMIG_VF_ARQT1));
	CHECK(vfmig_vf_bar0_trapped(0x0fff));
	CHECK(!vfmig_vf_bar0_trapped(0x1000));
	CHECK(!vfmig_vf_bar0_trapped(VFMIG_VFINT_DYN_CTLN1(0)));
	CHECK(!vfmig_vf_bar0_trapped(VFMIG_VF_ATQT1));
	CHECK(!vfmig_vf_bar0_trapped(VFMIG_VFGEN_RSTAT));
	CHECK(!vfmig_vf_bar0_trapped(VFMIG_VF_BAR0_SIZE));
	CHECK(!vfmig_vf_bar0_trapped(~0ULL));
}

static void test_limits(void)
{
	struct vfmig_hmc_rxq rxq = { 0 };

	CHECK_EQ(VFMIG_VF_MAX_QP, 16);
	CHECK_EQ(VFMIG_PF_MAX_VFS, 128);
	CHECK_EQ(VFMIG_VF_MAX_MSIX, 17);
	CHECK_EQ(VFMIG_VF_RING_MAX, 4096);
	CHECK_EQ(VFMIG_HW_RING_MAX, 8160);
	CHECK_EQ(VFMIG_HW_RING_MAX % VFMIG_VF_RING_MULTIPLE, 0);
	CHECK(VFMIG_HW_RING_MAX < (1 << VFMIG_HMC_QLEN_WIDTH));
	/* what the PF programs for a 2 KiB buffer and a 1522-byte max frame */
	rxq.dbuff = VFMIG_RXBUFFER_2048 >> VFMIG_HMC_RXQ_DBUFF_SHIFT;
	rxq.rxmax = 1522;
	CHECK_EQ(rxq.dbuff, 16);
	CHECK(rxq.dbuff < (1 << VFMIG_HMC_RXQ_DBUFF_WIDTH));
	CHECK_EQ(VFMIG_RXQ_DBUFF_MAX >> VFMIG_HMC_RXQ_DBUFF_SHIFT,
		 (1 << VFMIG_HMC_RXQ_DBUFF_WIDTH) - 1);
	CHECK_EQ(VFMIG_RXQ_HBUFF_MAX >> VFMIG_HMC_RXQ_HBUFF_SHIFT,
		 (1 << VFMIG_HMC_RXQ_HBUFF_WIDTH) - 1);
	CHECK(VFMIG_RXQ_RXMAX_LIMIT - 1 < (1 << VFMIG_HMC_RXQ_RXMAX_WIDTH));
}

/* ---- virtchnl ------------------------------------------------------------ */

static int validate(u32 major, u32 minor, u32 op, void *msg, u32 len)
{
	struct virtchnl_version_info ver = { .major = major, .minor = minor };

	return virtchnl_vc_validate_vf_msg(&ver, op, msg, (u16)len);
}

static void test_virtchnl_validate(void)
{
	u64 buf[128];	/* 8-byte aligned, as validate's struct casts need */
	struct virtchnl_version_info *vi = (void *)buf;
	struct virtchnl_vsi_queue_config_info *vqc = (void *)buf;
	struct virtchnl_irq_map_info *vimi = (void *)buf;
	struct virtchnl_ether_addr_list *veal = (void *)buf;
	struct virtchnl_rss_key *vrk = (void *)buf;

	/* VERSION: exactly one virtchnl_version_info */
	memset(buf, 0, sizeof(buf));
	vi->major = VIRTCHNL_VERSION_MAJOR;
	vi->minor = VIRTCHNL_VERSION_MINOR;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_VERSION, buf, 8), 0);
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_VERSION, buf, 7),
		 VIRTCHNL_STATUS_ERR_OPCODE_MISMATCH);

	/* GET_VF_RESOURCES: a 4-byte caps word from a 1.1 VF, nothing from 1.0 */
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_GET_VF_RESOURCES, buf, 4), 0);
	CHECK_EQ(validate(1, 0, VIRTCHNL_OP_GET_VF_RESOURCES, buf, 0), 0);

	/* CONFIG_VSI_QUEUES */
	memset(buf, 0, sizeof(buf));
	vqc->vsi_id = 1;
	vqc->num_queue_pairs = 1;
	CHECK_EQ(vfmig_vc_vsi_queues_len(1), 136);
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_VSI_QUEUES, buf,
			  vfmig_vc_vsi_queues_len(1)), 0);
	/* short: the fixed header only */
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_VSI_QUEUES, buf, 8),
		 VIRTCHNL_STATUS_ERR_OPCODE_MISMATCH);
	/* short: claims two pairs, carries one */
	vqc->num_queue_pairs = 2;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_VSI_QUEUES, buf,
			  vfmig_vc_vsi_queues_len(1)),
		 VIRTCHNL_STATUS_ERR_OPCODE_MISMATCH);
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_VSI_QUEUES, buf,
			  vfmig_vc_vsi_queues_len(2)), 0);
	/* no pairs at all */
	vqc->num_queue_pairs = 0;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_VSI_QUEUES, buf,
			  VFMIG_VC_VSI_QUEUES_BASE),
		 VIRTCHNL_STATUS_ERR_OPCODE_MISMATCH);

	/* the other array-carrying messages at the helper lengths */
	memset(buf, 0, sizeof(buf));
	vimi->num_vectors = 3;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_IRQ_MAP, buf,
			  vfmig_vc_irq_map_len(3)), 0);
	memset(buf, 0, sizeof(buf));
	veal->num_elements = 2;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_ADD_ETH_ADDR, buf,
			  vfmig_vc_eth_addr_list_len(2)), 0);
	memset(buf, 0, sizeof(buf));
	vrk->key_len = VFMIG_VF_RSS_KEY_BYTES;
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_CONFIG_RSS_KEY, buf,
			  vfmig_vc_rss_key_len(VFMIG_VF_RSS_KEY_BYTES)), 0);
	CHECK_EQ(vfmig_vc_rss_key_len(52), 57);

	/* EVENT only ever comes from the PF; unknown opcodes are rejected */
	CHECK_EQ(validate(1, 1, VIRTCHNL_OP_EVENT, buf, 16),
		 VIRTCHNL_STATUS_ERR_PARAM);
	CHECK_EQ(validate(1, 1, 9999, buf, 0), VIRTCHNL_STATUS_ERR_PARAM);
}

static void test_virtchnl_names(void)
{
	CHECK(!strcmp(vfmig_virtchnl_op_name(VIRTCHNL_OP_CONFIG_VSI_QUEUES),
		      "CONFIG_VSI_QUEUES"));
	CHECK(!strcmp(vfmig_virtchnl_op_name(VIRTCHNL_OP_GET_VF_RESOURCES),
		      "GET_VF_RESOURCES"));
	CHECK(!strcmp(vfmig_virtchnl_op_name(9999), "UNKNOWN_OP"));
	CHECK(!strcmp(vfmig_virtchnl_status_name(-38), "ERR_OPCODE_MISMATCH"));
	CHECK(!strcmp(vfmig_virtchnl_event_name(VIRTCHNL_EVENT_RESET_IMPENDING),
		      "RESET_IMPENDING"));
}

int main(void)
{
	RUN(test_aq_desc_layout);
	RUN(test_aq_values);
	RUN(test_aq_msg_desc);
	RUN(test_aq_arq_desc);
	RUN(test_tx_data_desc);
	RUN(test_rx_desc_layout);
	RUN(test_rx_writeback_decode);
	RUN(test_vf_regs);
	RUN(test_pf_regs);
	RUN(test_trapped_pages);
	RUN(test_limits);
	RUN(test_virtchnl_validate);
	RUN(test_virtchnl_names);
	return vt_done();
}
