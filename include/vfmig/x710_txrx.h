/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * X710 LAN descriptors and queue contexts as a VF uses them.
 *
 * Sources (all under drivers/net/ethernet/intel/):
 *   descriptor layouts, shifts, masks, DTYPE/CMD/status/error bits:
 *     iavf/iavf_type.h (same as i40e/i40e_type.h)
 *   packet types: the PTYPE table in iavf/iavf_common.c (i40e_common.c)
 *   TX/RX buffer limits: iavf/iavf_txrx.h, i40e/i40e_txrx.h
 *   ring limits: iavf/iavf.h (IAVF_*_TXD/RXD), i40e/i40e.h
 *     (I40E_MAX_NUM_DESCRIPTORS*), i40e/i40e_virtchnl_pf.c (what the PF
 *     accepts from a VF)
 *   queue contexts: i40e/i40e_lan_hmc.h (fields, units),
 *     i40e/i40e_lan_hmc.c (bit positions), i40e/i40e_virtchnl_pf.c (values
 *     the PF programs for a VF queue)
 *
 * Descriptors are little-endian in guest memory; the qword helpers below work
 * on CPU-order u64 values (after le64_to_cpu).
 */
#ifndef VFMIG_X710_TXRX_H
#define VFMIG_X710_TXRX_H

#include <vfmig/osdep.h>

/* ---- TX descriptors (16 bytes) --------------------------------------------- */

struct vfmig_tx_desc {
	__le64 buffer_addr;		/* DMA address of the data buffer */
	__le64 cmd_type_offset_bsz;	/* qword 1, fields below */
};

static_assert(sizeof(struct vfmig_tx_desc) == 16);
#define VFMIG_TX_DESC_SIZE		16

#define VFMIG_TXD_QW1_DTYPE_SHIFT	0
#define VFMIG_TXD_QW1_DTYPE_MASK	GENMASK_ULL(3, 0)
#define VFMIG_TXD_QW1_CMD_SHIFT		4
#define VFMIG_TXD_QW1_CMD_MASK		GENMASK_ULL(13, 4)
#define VFMIG_TXD_QW1_OFFSET_SHIFT	16
#define VFMIG_TXD_QW1_OFFSET_MASK	GENMASK_ULL(33, 16)
#define VFMIG_TXD_QW1_TX_BUF_SZ_SHIFT	34
#define VFMIG_TXD_QW1_TX_BUF_SZ_MASK	GENMASK_ULL(47, 34)	/* bytes, 14 bits */
#define VFMIG_TXD_QW1_L2TAG1_SHIFT	48
#define VFMIG_TXD_QW1_L2TAG1_MASK	GENMASK_ULL(63, 48)

/* DTYPE values */
#define VFMIG_TX_DESC_DTYPE_DATA	0x0
#define VFMIG_TX_DESC_DTYPE_CONTEXT	0x1	/* also NOP */
#define VFMIG_TX_DESC_DTYPE_FILTER_PROG	0x8
#define VFMIG_TX_DESC_DTYPE_DESC_DONE	0xF	/* written back by the device */

/* CMD field values (before VFMIG_TXD_QW1_CMD_SHIFT) */
#define VFMIG_TX_DESC_CMD_EOP		0x0001	/* last descriptor of a packet */
#define VFMIG_TX_DESC_CMD_RS		0x0002	/* report status (DD write-back) */
#define VFMIG_TX_DESC_CMD_ICRC		0x0004	/* insert CRC */
#define VFMIG_TX_DESC_CMD_IL2TAG1	0x0008	/* insert L2TAG1 (VLAN) */
#define VFMIG_TX_DESC_CMD_DUMMY		0x0010
#define VFMIG_TX_DESC_CMD_IIPT_NONIP	0x0000	/* 2 bits: inner IP type */
#define VFMIG_TX_DESC_CMD_IIPT_IPV6	0x0020
#define VFMIG_TX_DESC_CMD_IIPT_IPV4	0x0040
#define VFMIG_TX_DESC_CMD_IIPT_IPV4_CSUM 0x0060
#define VFMIG_TX_DESC_CMD_L4T_EOFT_UNK	0x0000	/* 2 bits: L4 type for csum */
#define VFMIG_TX_DESC_CMD_L4T_EOFT_TCP	0x0100
#define VFMIG_TX_DESC_CMD_L4T_EOFT_SCTP	0x0200
#define VFMIG_TX_DESC_CMD_L4T_EOFT_UDP	0x0300

/* OFFSET field subfields (before VFMIG_TXD_QW1_OFFSET_SHIFT) */
#define VFMIG_TX_DESC_LENGTH_MACLEN_SHIFT	0	/* 7 bits, 2-byte words */
#define VFMIG_TX_DESC_LENGTH_IPLEN_SHIFT	7	/* 7 bits, 4-byte words */
#define VFMIG_TX_DESC_LENGTH_L4_FC_LEN_SHIFT	14	/* 4 bits, 4-byte words */

/*
 * Completion: when a descriptor with CMD_RS has been processed the device
 * writes qword 1 back with DTYPE = DESC_DONE (iavf tests only those four
 * bits, iavf_clean_tx_irq). Without RS nothing is written back.
 *
 * Head write-back: if the queue context has head_wb_ena, the device instead
 * writes the ring index it has reached (the head: the next descriptor it
 * will fetch) as a little-endian u32 to head_wb_addr. i40e puts that word
 * just after the last descriptor (i40e_get_head). virtchnl still carries
 * txq.headwb_enabled/dma_headwb_addr ("deprecated with AVF 1.0") and the PF
 * programs them into the context, so a guest can ask for it.
 */

/* Qword 1 of a data descriptor (CPU order); iavf's build_ctob. */
static inline u64 vfmig_tx_build_qw1(u32 cmd, u32 offset, u32 size, u16 l2tag1)
{
	return VFMIG_TX_DESC_DTYPE_DATA |
	       ((u64)cmd << VFMIG_TXD_QW1_CMD_SHIFT) |
	       ((u64)offset << VFMIG_TXD_QW1_OFFSET_SHIFT) |
	       ((u64)size << VFMIG_TXD_QW1_TX_BUF_SZ_SHIFT) |
	       ((u64)l2tag1 << VFMIG_TXD_QW1_L2TAG1_SHIFT);
}

static inline u32 vfmig_tx_qw1_dtype(u64 qw1)
{
	return (u32)((qw1 & VFMIG_TXD_QW1_DTYPE_MASK) >> VFMIG_TXD_QW1_DTYPE_SHIFT);
}

static inline u32 vfmig_tx_qw1_cmd(u64 qw1)
{
	return (u32)((qw1 & VFMIG_TXD_QW1_CMD_MASK) >> VFMIG_TXD_QW1_CMD_SHIFT);
}

static inline u32 vfmig_tx_qw1_offset(u64 qw1)
{
	return (u32)((qw1 & VFMIG_TXD_QW1_OFFSET_MASK) >> VFMIG_TXD_QW1_OFFSET_SHIFT);
}

static inline u32 vfmig_tx_qw1_size(u64 qw1)
{
	return (u32)((qw1 & VFMIG_TXD_QW1_TX_BUF_SZ_MASK) >>
		     VFMIG_TXD_QW1_TX_BUF_SZ_SHIFT);
}

static inline u16 vfmig_tx_qw1_l2tag1(u64 qw1)
{
	return (u16)((qw1 & VFMIG_TXD_QW1_L2TAG1_MASK) >> VFMIG_TXD_QW1_L2TAG1_SHIFT);
}

/* TX buffer limits (iavf_txrx.h) */
#define VFMIG_TX_MAX_DATA_PER_TXD	(16 * 1024 - 1)	/* TX_BUF_SZ limit */
#define VFMIG_TX_MAX_READ_REQ_SIZE	4096
#define VFMIG_TX_MIN_LEN		17	/* shortest frame the HW sends */
#define VFMIG_TX_MAX_BUFFER_TXD		8	/* data descriptors per non-TSO packet */

/* ---- RX descriptors (32 bytes; 16-byte format exists but not for VFs) ------ */

/*
 * A VF always gets 32-byte RX descriptors: the PF programs dsize = 1 for
 * every VF RX queue ("enable 32bytes desc always", i40e_config_vsi_rx_queue)
 * and virtchnl has no field to ask otherwise. The 16-byte layouts are here
 * for completeness (the PF's own queues may use them).
 */

/* Read format: what the driver posts. */
struct vfmig_rx_desc_read {
	__le64 pkt_addr;	/* packet (data) buffer */
	__le64 hdr_addr;	/* header buffer (split modes); bit 0 aliases DD */
	__le64 rsvd1;
	__le64 rsvd2;
};

/* Write-back format: what the device returns in the same slot. */
struct vfmig_rx_desc_wb {
	/* qword 0 */
	__le16 mirroring_status;	/* or FCoE context id */
	__le16 l2tag1;			/* stripped VLAN tag when L2TAG1P */
	__le32 rss;			/* RSS hash, or flow director id */
	/* qword 1 */
	__le64 status_error_len;
	/* qword 2 */
	__le16 ext_status;
	__le16 rsvd;
	__le16 l2tag2_1;
	__le16 l2tag2_2;
	/* qword 3 */
	__le32 flex_bytes_lo;		/* or PE status */
	__le32 flex_bytes_hi;		/* or flow director id */
};

union vfmig_rx_desc {
	struct vfmig_rx_desc_read read;
	struct vfmig_rx_desc_wb wb;
};

static_assert(sizeof(struct vfmig_rx_desc_read) == 32);
static_assert(sizeof(struct vfmig_rx_desc_wb) == 32);
static_assert(sizeof(union vfmig_rx_desc) == 32);
static_assert(offsetof(struct vfmig_rx_desc_wb, status_error_len) == 8);
#define VFMIG_RX_DESC_SIZE		32

struct vfmig_rx_desc16_read {
	__le64 pkt_addr;
	__le64 hdr_addr;
};

struct vfmig_rx_desc16_wb {
	__le16 mirroring_status;
	__le16 l2tag1;
	__le32 rss;
	__le64 status_error_len;
};

union vfmig_rx_desc16 {
	struct vfmig_rx_desc16_read read;
	struct vfmig_rx_desc16_wb wb;
};

static_assert(sizeof(union vfmig_rx_desc16) == 16);
#define VFMIG_RX_DESC16_SIZE		16

/* ---- write-back qword 1 (status_error_len) ---------------------------- */
#define VFMIG_RXD_QW1_STATUS_SHIFT	0
#define VFMIG_RXD_QW1_STATUS_MASK	GENMASK_ULL(18, 0)
/* Status bits (qword 1 bit positions) */
#define VFMIG_RX_STATUS_DD		BIT_ULL(0)	/* descriptor done */
#define VFMIG_RX_STATUS_EOF		BIT_ULL(1)	/* last buffer of the packet */
#define VFMIG_RX_STATUS_L2TAG1P		BIT_ULL(2)	/* l2tag1 valid */
#define VFMIG_RX_STATUS_L3L4P		BIT_ULL(3)	/* L3/L4 checksums checked */
#define VFMIG_RX_STATUS_CRCP		BIT_ULL(4)	/* CRC still in the buffer */
#define VFMIG_RX_STATUS_TSYNINDX_SHIFT	5		/* 2 bits */
#define VFMIG_RX_STATUS_TSYNINDX_MASK	GENMASK_ULL(6, 5)
#define VFMIG_RX_STATUS_TSYNVALID	BIT_ULL(7)
#define VFMIG_RX_STATUS_UMBCAST_SHIFT	9		/* 2 bits: uni/multi/broadcast */
#define VFMIG_RX_STATUS_UMBCAST_MASK	GENMASK_ULL(10, 9)
#define VFMIG_RX_STATUS_FLM		BIT_ULL(11)
#define VFMIG_RX_STATUS_FLTSTAT_SHIFT	12		/* 2 bits, values below */
#define VFMIG_RX_STATUS_FLTSTAT_MASK	GENMASK_ULL(13, 12)
#define VFMIG_RX_STATUS_LPBK		BIT_ULL(14)
#define VFMIG_RX_STATUS_IPV6EXADD	BIT_ULL(15)
#define VFMIG_RX_STATUS_INT_UDP_0	BIT_ULL(18)
/* FLTSTAT values: what qword 0's hi dword holds */
#define VFMIG_RX_FLTSTAT_NO_DATA	0
#define VFMIG_RX_FLTSTAT_RSV_FD_ID	1
#define VFMIG_RX_FLTSTAT_RSV		2
#define VFMIG_RX_FLTSTAT_RSS_HASH	3

#define VFMIG_RXD_QW1_ERROR_SHIFT	19
#define VFMIG_RXD_QW1_ERROR_MASK	GENMASK_ULL(26, 19)
/* Error bits, relative to the ERROR field */
#define VFMIG_RX_ERROR_RXE		BIT(0)	/* MAC error (e.g. CRC) */
#define VFMIG_RX_ERROR_RECIPE		BIT(1)
#define VFMIG_RX_ERROR_HBO		BIT(2)	/* header buffer overflow */
#define VFMIG_RX_ERROR_IPE		BIT(3)	/* IP checksum error */
#define VFMIG_RX_ERROR_L4E		BIT(4)	/* L4 checksum error */
#define VFMIG_RX_ERROR_EIPE		BIT(5)	/* outer IP checksum error */
#define VFMIG_RX_ERROR_OVERSIZE		BIT(6)
#define VFMIG_RX_ERROR_PPRS		BIT(7)

#define VFMIG_RXD_QW1_PTYPE_SHIFT	30
#define VFMIG_RXD_QW1_PTYPE_MASK	GENMASK_ULL(37, 30)
#define VFMIG_RXD_QW1_LENGTH_PBUF_SHIFT	38
#define VFMIG_RXD_QW1_LENGTH_PBUF_MASK	GENMASK_ULL(51, 38)	/* bytes in pkt buffer */
#define VFMIG_RXD_QW1_LENGTH_HBUF_SHIFT	52
#define VFMIG_RXD_QW1_LENGTH_HBUF_MASK	GENMASK_ULL(62, 52)	/* bytes in hdr buffer */
#define VFMIG_RXD_QW1_LENGTH_SPH	BIT_ULL(63)		/* header was split off */

/* Qword 1 of a write-back descriptor (CPU order); status in qword-1 bits. */
static inline u64 vfmig_rx_build_qw1(u64 status, u32 error, u8 ptype,
				     u32 pbuf_len, u32 hbuf_len, bool sph)
{
	return (status & VFMIG_RXD_QW1_STATUS_MASK) |
	       (((u64)error << VFMIG_RXD_QW1_ERROR_SHIFT) & VFMIG_RXD_QW1_ERROR_MASK) |
	       ((u64)ptype << VFMIG_RXD_QW1_PTYPE_SHIFT) |
	       (((u64)pbuf_len << VFMIG_RXD_QW1_LENGTH_PBUF_SHIFT) &
		VFMIG_RXD_QW1_LENGTH_PBUF_MASK) |
	       (((u64)hbuf_len << VFMIG_RXD_QW1_LENGTH_HBUF_SHIFT) &
		VFMIG_RXD_QW1_LENGTH_HBUF_MASK) |
	       (sph ? VFMIG_RXD_QW1_LENGTH_SPH : 0);
}

static inline u64 vfmig_rx_qw1_status(u64 qw1)
{
	return qw1 & VFMIG_RXD_QW1_STATUS_MASK;
}

static inline u32 vfmig_rx_qw1_error(u64 qw1)
{
	return (u32)((qw1 & VFMIG_RXD_QW1_ERROR_MASK) >> VFMIG_RXD_QW1_ERROR_SHIFT);
}

static inline u8 vfmig_rx_qw1_ptype(u64 qw1)
{
	return (u8)((qw1 & VFMIG_RXD_QW1_PTYPE_MASK) >> VFMIG_RXD_QW1_PTYPE_SHIFT);
}

static inline u32 vfmig_rx_qw1_pbuf_len(u64 qw1)
{
	return (u32)((qw1 & VFMIG_RXD_QW1_LENGTH_PBUF_MASK) >>
		     VFMIG_RXD_QW1_LENGTH_PBUF_SHIFT);
}

static inline u32 vfmig_rx_qw1_hbuf_len(u64 qw1)
{
	return (u32)((qw1 & VFMIG_RXD_QW1_LENGTH_HBUF_MASK) >>
		     VFMIG_RXD_QW1_LENGTH_HBUF_SHIFT);
}

/* ---- packet types (8-bit PTYPE; iavf_common.c iavf_ptype_lookup) ------- */
#define VFMIG_RX_PTYPE_L2_PAY2		1	/* MAC, payload layer 2 */
#define VFMIG_RX_PTYPE_L2_TIMESYNC	2	/* MAC, PTP (timesync) */
#define VFMIG_RX_PTYPE_IPV4_FRAG	22
#define VFMIG_RX_PTYPE_IPV4		23	/* IPv4, no known L4 */
#define VFMIG_RX_PTYPE_IPV4_UDP		24
#define VFMIG_RX_PTYPE_IPV4_TCP		26
#define VFMIG_RX_PTYPE_IPV4_SCTP	27
#define VFMIG_RX_PTYPE_IPV4_ICMP	28
#define VFMIG_RX_PTYPE_IPV6_FRAG	88
#define VFMIG_RX_PTYPE_IPV6		89
#define VFMIG_RX_PTYPE_IPV6_UDP		90
#define VFMIG_RX_PTYPE_IPV6_TCP		92
#define VFMIG_RX_PTYPE_IPV6_SCTP	93
#define VFMIG_RX_PTYPE_IPV6_ICMP	94

/* ---- RX buffer sizes (iavf_txrx.h: multiples of 128) ------------------- */
#define VFMIG_RXBUFFER_256		256
#define VFMIG_RXBUFFER_1536		1536
#define VFMIG_RXBUFFER_2048		2048
#define VFMIG_RXBUFFER_3072		3072
#define VFMIG_MAX_RXBUFFER		9728	/* largest for one descriptor */

/* ---- Ring lengths a VF may use --------------------------------------------- */

/* What iavf offers (iavf.h): 64..4096 descriptors in steps of 32. */
#define VFMIG_VF_RING_MIN		64
#define VFMIG_VF_RING_MAX		4096
#define VFMIG_VF_RING_MULTIPLE		32
/*
 * What the hardware takes: qlen is 13 bits and the XL710 maximum is 8160
 * (I40E_MAX_NUM_DESCRIPTORS_XL710, i40e.h; 4096 on X722). A PF with the
 * ring_len validation (i40e_virtchnl_pf.c, since 2024) accepts a TX
 * ring_len that is a multiple of 8 and an RX ring_len that is a multiple of
 * 32, each at most 8160; it does not reject 0. Older PFs check nothing.
 */
#define VFMIG_HW_RING_MAX		8160
#define VFMIG_PF_TX_RING_MULTIPLE	8
#define VFMIG_PF_RX_RING_MULTIPLE	32

/* ---- Queue contexts (HMC), as the PF programs them for a VF queue ---------- */

/*
 * CPU-order views of the hardware LAN queue contexts (struct
 * i40e_hmc_obj_txq/rxq). "@n:w" gives the field's bit position and width in
 * the packed context (i40e_hmc_txq_ce_info/i40e_hmc_rxq_ce_info); the model
 * may keep these structs as its context store. 1-bit fields hold 0 or 1.
 *
 * A VF TX queue as the PF sets it (i40e_config_vsi_tx_queue): everything 0
 * except base = dma_ring_addr / 128, qlen = ring_len, rdylist = the VSI's
 * qs_handle[0], head_wb_ena/head_wb_addr from the virtchnl txq_info. The
 * ring address is divided without an alignment check, so a misaligned ring
 * silently loses its low 7 bits.
 */
struct vfmig_hmc_txq {
	u16 head;		/* @0:13   next descriptor to fetch (index) */
	u8 new_context;		/* @30:1   set for a freshly written context */
	u64 base;		/* @32:57  ring address in 128-byte units */
	u8 fc_ena;		/* @89:1   FCoE */
	u8 timesync_ena;	/* @90:1 */
	u8 fd_ena;		/* @91:1   flow director programming */
	u8 alt_vlan_ena;	/* @92:1 */
	u8 cpuid;		/* @96:8   TPH CPU id */
	u16 thead_wb;		/* @128:13 head value written back (index) */
	u8 head_wb_ena;		/* @160:1  write head to head_wb_addr, not DD */
	u16 qlen;		/* @161:13 ring length in descriptors */
	u8 tphrdesc_ena;	/* @174:1  TPH hints: descriptor reads */
	u8 tphrpacket_ena;	/* @175:1  packet reads */
	u8 tphwdesc_ena;	/* @176:1  descriptor write-back */
	u64 head_wb_addr;	/* @192:64 byte address of the head write-back */
	u32 crc;		/* @896:32 */
	u16 rdylist;		/* @980:10 TX scheduler queue set handle */
	u8 rdylist_act;		/* @990:1 */
};

/*
 * A VF RX queue as the PF sets it (i40e_config_vsi_rx_queue): base =
 * dma_ring_addr / 128, qlen = ring_len, dbuff = databuffer_size >> 7
 * (rejected above 16K - 128), rxmax = max_pkt_size (rejected unless
 * 64 <= max_pkt_size < 16K; +4 with a port VLAN), dsize = 1, crcstrip = 1,
 * l2tsel = 1, prefena = 1, lrxqthresh = 1; with splithdr_enabled also
 * hsplit_0 = L2|IP|TCP_UDP|SCTP, hbuff = hdr_size >> 6 (rejected above
 * 2K - 64), dtype = HEADER_SPLIT. Sizes are truncated to their units, not
 * checked for alignment.
 */
struct vfmig_hmc_rxq {
	u16 head;		/* @0:13   next descriptor to fill (index) */
	u16 cpuid;		/* @13:8   TPH CPU id */
	u64 base;		/* @32:57  ring address in 128-byte units */
	u16 qlen;		/* @89:13  ring length in descriptors */
	u16 dbuff;		/* @102:7  data buffer size in 128-byte units */
	u16 hbuff;		/* @109:5  header buffer size in 64-byte units */
	u8 dtype;		/* @114:2  VFMIG_RX_DTYPE_* */
	u8 dsize;		/* @116:1  0 = 16-byte, 1 = 32-byte descriptors */
	u8 crcstrip;		/* @117:1  strip the Ethernet CRC */
	u8 fc_ena;		/* @118:1  FCoE */
	u8 l2tsel;		/* @119:1  which tag goes to l2tag1 */
	u8 hsplit_0;		/* @120:4  VFMIG_RX_SPLIT_* */
	u8 hsplit_1;		/* @124:2 */
	u8 showiv;		/* @127:1  show inner VLAN */
	u32 rxmax;		/* @174:14 largest frame accepted, bytes */
	u8 tphrdesc_ena;	/* @193:1 */
	u8 tphwdesc_ena;	/* @194:1 */
	u8 tphdata_ena;		/* @195:1 */
	u8 tphhead_ena;		/* @196:1 */
	u16 lrxqthresh;		/* @198:3  low-descriptors threshold */
	u8 prefena;		/* @201:1  descriptor prefetch, normally 1 */
};

/* Packed context sizes (I40E_HMC_OBJ_SIZE_TXQ/RXQ) */
#define VFMIG_HMC_TXQ_CTX_SIZE		128
#define VFMIG_HMC_RXQ_CTX_SIZE		32
/* Units and widths for validating a context */
#define VFMIG_HMC_BASE_UNIT		128	/* ring base, bytes per unit */
#define VFMIG_HMC_BASE_WIDTH		57
#define VFMIG_HMC_QLEN_WIDTH		13
#define VFMIG_HMC_HEAD_WIDTH		13
#define VFMIG_HMC_RXQ_DBUFF_SHIFT	7	/* I40E_RXQ_CTX_DBUFF_SHIFT: 128 B */
#define VFMIG_HMC_RXQ_DBUFF_WIDTH	7
#define VFMIG_HMC_RXQ_HBUFF_SHIFT	6	/* I40E_RXQ_CTX_HBUFF_SHIFT: 64 B */
#define VFMIG_HMC_RXQ_HBUFF_WIDTH	5
#define VFMIG_HMC_RXQ_RXMAX_WIDTH	14
/*
 * Limits the PF enforces on a VF's virtchnl_rxq_info. It enforces no lower
 * bound on databuffer_size; the hardware's minimum data buffer size is not
 * given in the upstream sources and is not reproduced here.
 */
#define VFMIG_RXQ_DBUFF_MAX		(16 * 1024 - 128)	/* databuffer_size */
#define VFMIG_RXQ_HBUFF_MAX		(2 * 1024 - 64)		/* hdr_size */
#define VFMIG_RXQ_RXMAX_MIN		64			/* max_pkt_size >= */
#define VFMIG_RXQ_RXMAX_LIMIT		(16 * 1024)		/* max_pkt_size < */

/* dtype values (I40E_RX_DTYPE_*, i40e_txrx.h / iavf_txrx.h) */
#define VFMIG_RX_DTYPE_NO_SPLIT		0
#define VFMIG_RX_DTYPE_HEADER_SPLIT	1
#define VFMIG_RX_DTYPE_SPLIT_ALWAYS	2
/* hsplit_0 bits (I40E_RX_SPLIT_*) */
#define VFMIG_RX_SPLIT_L2		0x1
#define VFMIG_RX_SPLIT_IP		0x2
#define VFMIG_RX_SPLIT_TCP_UDP		0x4
#define VFMIG_RX_SPLIT_SCTP		0x8

#endif /* VFMIG_X710_TXRX_H */
