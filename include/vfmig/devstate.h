/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decoded device image of an X710 VF: what the device-state stream
 * carries (docs/stream-format.md), in CPU byte order.
 *
 * The source fills a struct vfmig_dev_image (the PF agent snapshots filters,
 * queue contexts and the register shadow) and hands it to the stream writer;
 * the destination gets one back from the stream parser, fully validated
 * against the limits below and against what the stream's MATCH record
 * announced, and applies it through the agent.
 *
 * Limits are absolute sanity bounds derived from X710 / i40e; MATCH announces
 * the limits of one particular VF, which must lie within them, and every
 * later count in the stream is bounded by what MATCH announced.
 */
#ifndef VFMIG_DEVSTATE_H
#define VFMIG_DEVSTATE_H

#include <vfmig/osdep.h>

/* ---- Absolute limits (a MATCH record announcing more is rejected) ------ */

/* I40E_MAX_VF_QUEUES (i40e_virtchnl_pf.h): queue pairs one VF can own. */
#define VFMIG_MAX_QUEUE_PAIRS		16
/* I40E_MAX_NUM_DESCRIPTORS_XL710 (i40e.h): the longest ring. */
#define VFMIG_MAX_RING_DESC		8160
/* I40E_MIN_NUM_DESCRIPTORS and I40E_REQ_DESCRIPTOR_MULTIPLE (i40e.h). */
#define VFMIG_MIN_RING_DESC		64
#define VFMIG_RING_DESC_MULTIPLE	32
/* MAC filters a (trusted) VF may hold; an untrusted VF gets 18. */
#define VFMIG_MAX_MAC_FILTERS		1024
/* VLAN filters: one per VLAN id, VLAN_N_VID. */
#define VFMIG_MAX_VLAN_FILTERS		4096
#define VFMIG_VLAN_ID_MASK		0x0fff
/* I40E_HKEY_ARRAY_SIZE (i40e_type.h): VFQF_HKEY0..12, 52 bytes. */
#define VFMIG_MAX_RSS_KEY_SIZE		52
/* I40E_HLUT_ARRAY_SIZE (i40e_type.h); a VF's VFQF_HLUT is 64 entries. */
#define VFMIG_MAX_RSS_LUT_SIZE		512
/* MSI-X vectors of one VF: vector 0 (mailbox, "other" causes) + 64. */
#define VFMIG_MAX_MSIX			65
/* Undelivered PF->VF mailbox messages carried in one stream. */
#define VFMIG_MAX_MBX_MSGS		64
/* I40E_MAX_AQ_BUF_SIZE / IAVF_MAX_AQ_BUF_SIZE: largest virtchnl message. */
#define VFMIG_MAX_MBX_MSG_LEN		4096
/* ITR index field of QINT_[RT]QCTL is 2 bits; 3 is VIRTCHNL_ITR_IDX_NO_ITR. */
#define VFMIG_MAX_ITR_IDX		3
#define VFMIG_NUM_ITR			3

/* Bounds i40e_config_vsi_rx_queue() enforces on VIRTCHNL_OP_CONFIG_RX_QUEUE. */
#define VFMIG_MAX_RX_DATA_BUF		(16 * 1024 - 128)
#define VFMIG_MAX_RX_HDR_BUF		(2 * 1024 - 64)
#define VFMIG_MIN_RX_PKT		64
#define VFMIG_MAX_RX_PKT		(16 * 1024 - 1)
/* Largest frame an X710 port accepts (I40E_MAX_RXBUFFER). */
#define VFMIG_MAX_FRAME			9728

#define VFMIG_ETH_ALEN			6

/* ---- MATCH: what the destination must be compatible with -------------- */

/**
 * struct vfmig_match - identity and limits of the migrated VF
 * @major: stream format major version; must equal VFMIG_STREAM_MAJOR
 * @minor: stream format minor version; a newer minor only adds trailing
 *	fields and OPTIONAL records, which an older parser ignores
 * @vendor_id: PCI vendor id of the VF (0x8086)
 * @device_id: PCI device id of the VF (0x154c VF, 0x1889 AVF)
 * @subsys_vendor_id: PCI subsystem vendor id
 * @subsys_device_id: PCI subsystem device id
 * @num_queue_pairs: queue pairs the VF owns (1..VFMIG_MAX_QUEUE_PAIRS);
 *	bounds every queue id and queue bitmap in the stream
 * @max_ring_desc: longest ring the device supports; bounds every ring length
 * @max_mac_filters: MAC filters the VF may hold
 * @max_vlan_filters: VLAN filters the VF may hold
 * @rss_key_size: bytes of the VF's RSS key; bounds RSS_KEY
 * @rss_lut_size: entries of the VF's RSS LUT; bounds RSS_LUT
 * @num_msix: MSI-X vectors of the VF (1..VFMIG_MAX_MSIX); bounds IRQ_MAP
 *	and IRQ_REGS
 * @virtchnl_major: virtchnl version the guest driver negotiated
 * @virtchnl_minor: ditto, minor
 * @vf_caps: VIRTCHNL_VF_OFFLOAD_* flags the PF granted the guest driver
 * @fw_api_major: admin queue API version of the source PF firmware
 * @fw_api_minor: ditto, minor
 */
struct vfmig_match {
	u16 major;
	u16 minor;
	u16 vendor_id;
	u16 device_id;
	u16 subsys_vendor_id;
	u16 subsys_device_id;
	u16 num_queue_pairs;
	u16 max_ring_desc;
	u16 max_mac_filters;
	u16 max_vlan_filters;
	u16 rss_key_size;
	u16 rss_lut_size;
	u16 num_msix;
	u32 virtchnl_major;
	u32 virtchnl_minor;
	u32 vf_caps;
	u16 fw_api_major;
	u16 fw_api_minor;
};

/* ---- CONFIG: slow-changing state, sent during pre-copy ------------------ */

/* One bit per CONFIG record; dev_config.present and writer masks use them. */
enum vfmig_cfg_rec {
	VFMIG_CFG_VF_CONFIG,
	VFMIG_CFG_VSI,
	VFMIG_CFG_MAC_FILTERS,
	VFMIG_CFG_VLAN_FILTERS,
	VFMIG_CFG_PROMISC,
	VFMIG_CFG_RSS_KEY,
	VFMIG_CFG_RSS_LUT,
	VFMIG_CFG_RSS_HENA,
	VFMIG_CFG_IRQ_MAP,
	VFMIG_CFG_NUM
};

#define VFMIG_CFG_ALL		((u32)BIT(VFMIG_CFG_NUM) - 1)

/* vfmig_vf_config.flags */
#define VFMIG_VF_TRUSTED	BIT(0)	/* ndo_set_vf_trust */
#define VFMIG_VF_SPOOFCHK	BIT(1)	/* ndo_set_vf_spoofchk */
#define VFMIG_VF_VLAN_STRIP	BIT(2)	/* VIRTCHNL_OP_ENABLE_VLAN_STRIPPING */
#define VFMIG_VF_LINK_UP	BIT(3)	/* link state the VF was last told */
#define VFMIG_VF_LINK_FORCED	BIT(4)	/* ndo_set_vf_link_state != auto */
#define VFMIG_VF_FLAGS_ALL	(VFMIG_VF_TRUSTED | VFMIG_VF_SPOOFCHK | \
				 VFMIG_VF_VLAN_STRIP | VFMIG_VF_LINK_UP | \
				 VFMIG_VF_LINK_FORCED)

/**
 * struct vfmig_vf_config - per-VF settings of the PF host
 * @mac: the VF's primary MAC address (administratively set or guest chosen)
 * @port_vlan: port VLAN as a TCI: VLAN id in bits 0..11 (0 = no port VLAN),
 *	priority in bits 13..15; bit 12 is always 0
 * @flags: VFMIG_VF_*
 * @link_speed: link speed reported to the VF, in Mb/s (0 = unknown)
 * @max_frame: largest frame the VF may send/receive (0 = port default,
 *	else 64..VFMIG_MAX_FRAME)
 */
struct vfmig_vf_config {
	u8 mac[VFMIG_ETH_ALEN];
	u16 port_vlan;
	u32 flags;
	u32 link_speed;
	u16 max_frame;
};

/**
 * struct vfmig_vsi_config - the VF's LAN VSI
 * @vsi_id: VSI id the guest driver uses in virtchnl messages (the
 *	destination maps it onto its own VSI)
 * @num_queue_pairs: queue pairs configured on the VSI
 *	(1..match.num_queue_pairs)
 */
struct vfmig_vsi_config {
	u16 vsi_id;
	u16 num_queue_pairs;
};

/* VIRTCHNL_ETHER_ADDR_* (<linux/avf/virtchnl.h>) */
#define VFMIG_MAC_TYPE_LEGACY	0
#define VFMIG_MAC_TYPE_PRIMARY	1
#define VFMIG_MAC_TYPE_EXTRA	2
#define VFMIG_MAC_TYPE_MAX	VFMIG_MAC_TYPE_EXTRA

struct vfmig_mac_filter {
	u8 addr[VFMIG_ETH_ALEN];
	u8 type;		/* VFMIG_MAC_TYPE_* */
};

/* FLAG_VF_UNICAST_PROMISC / FLAG_VF_MULTICAST_PROMISC (virtchnl.h) */
#define VFMIG_PROMISC_UNICAST	BIT(0)
#define VFMIG_PROMISC_MULTICAST	BIT(1)
#define VFMIG_PROMISC_ALL	(VFMIG_PROMISC_UNICAST | VFMIG_PROMISC_MULTICAST)

/**
 * struct vfmig_irq_map - one entry of VIRTCHNL_OP_CONFIG_IRQ_MAP
 * @vector_id: MSI-X vector (< match.num_msix); each vector at most once
 * @rxq_map: RX queues (bit n = queue n) raising this vector
 * @txq_map: TX queues raising this vector
 * @rxitr_idx: ITR index (0..2, 3 = no ITR) for the RX causes
 * @txitr_idx: ditto, TX
 *
 * A queue is linked to at most one vector (hardware keeps one linked list
 * per vector), so the rxq_maps of all entries are disjoint, as are the
 * txq_maps.
 */
struct vfmig_irq_map {
	u16 vector_id;
	u16 rxq_map;
	u16 txq_map;
	u16 rxitr_idx;
	u16 txitr_idx;
};

/**
 * struct vfmig_dev_config - CONFIG records
 * @present: BIT(VFMIG_CFG_*) of the members that hold a record; a member
 *	whose bit is clear is all zero and was not in the stream
 * @vf: VF_CONFIG
 * @vsi: VSI
 * @num_mac_filters: MAC_FILTERS count (<= match.max_mac_filters)
 * @mac_filters: MAC_FILTERS entries
 * @num_vlan_filters: VLAN_FILTERS count (<= match.max_vlan_filters)
 * @vlan_filters: VLAN ids (0..4095)
 * @promisc: PROMISC, VFMIG_PROMISC_*
 * @rss_key_len: RSS_KEY length (1..match.rss_key_size)
 * @rss_key: RSS_KEY bytes
 * @rss_lut_len: RSS_LUT entries (1..match.rss_lut_size)
 * @rss_lut: RSS_LUT entries, each a queue index < match.num_queue_pairs
 * @rss_hena: RSS_HENA, hash-enabled packet types (I40E_VFQF_HENA)
 * @num_irq_maps: IRQ_MAP count (<= match.num_msix)
 * @irq_maps: IRQ_MAP entries
 */
struct vfmig_dev_config {
	u32 present;
	struct vfmig_vf_config vf;
	struct vfmig_vsi_config vsi;
	u16 num_mac_filters;
	struct vfmig_mac_filter mac_filters[VFMIG_MAX_MAC_FILTERS];
	u16 num_vlan_filters;
	u16 vlan_filters[VFMIG_MAX_VLAN_FILTERS];
	u32 promisc;
	u16 rss_key_len;
	u8 rss_key[VFMIG_MAX_RSS_KEY_SIZE];
	u16 rss_lut_len;
	u8 rss_lut[VFMIG_MAX_RSS_LUT_SIZE];
	u64 rss_hena;
	u16 num_irq_maps;
	struct vfmig_irq_map irq_maps[VFMIG_MAX_MSIX];
};

/* ---- RUNTIME: state captured at stop-copy ------------------------------ */

/**
 * struct vfmig_txq_state - one TX queue, as the stopped device left it
 * @ring_base: IOVA of the descriptor ring (128-byte aligned, nonzero)
 * @head_wb_addr: IOVA of the head write-back word (4-byte aligned) when
 *	@head_wb, else 0
 * @ring_len: descriptors in the ring (1..match.max_ring_desc)
 * @head: QTX_HEAD, next descriptor the device would fetch (< @ring_len)
 * @tail: QTX_TAIL as the guest last wrote it (< @ring_len)
 * @enabled: the queue was enabled (QTX_ENA) when the VF was quiesced
 * @head_wb: head write-back is enabled in the queue context
 */
struct vfmig_txq_state {
	u64 ring_base;
	u64 head_wb_addr;
	u16 ring_len;
	u16 head;
	u16 tail;
	bool enabled;
	bool head_wb;
};

/**
 * struct vfmig_rxq_state - one RX queue, as the stopped device left it
 * @ring_base: IOVA of the descriptor ring (128-byte aligned, nonzero)
 * @ring_len: descriptors in the ring (1..match.max_ring_desc)
 * @head: next descriptor the device would fill (< @ring_len)
 * @tail: QRX_TAIL as the guest last wrote it (< @ring_len)
 * @desc_size: descriptor size in bytes, 16 or 32
 * @hdr_buf_size: header buffer size (0 = no header split, else
 *	<= VFMIG_MAX_RX_HDR_BUF)
 * @data_buf_size: data buffer size (<= VFMIG_MAX_RX_DATA_BUF)
 * @max_pkt_size: largest packet the queue accepts (64..VFMIG_MAX_RX_PKT)
 * @enabled: the queue was enabled (QRX_ENA) when the VF was quiesced
 * @crc_strip: the device strips the Ethernet CRC
 */
struct vfmig_rxq_state {
	u64 ring_base;
	u16 ring_len;
	u16 head;
	u16 tail;
	u16 desc_size;
	u16 hdr_buf_size;
	u32 data_buf_size;
	u32 max_pkt_size;
	bool enabled;
	bool crc_strip;
};

/*
 * Interrupt register shadow: VFINT_DYN_CTL01 / VFINT_ITR01(0..2) for vector
 * 0 and VFINT_DYN_CTLN1 / VFINT_ITRN1 for the others, plus VFINT_ICR01 and
 * VFINT_ICR0_ENA1. Raw register values: the guest can write any of them
 * itself, so the parser does not interpret them.
 */
struct vfmig_irq_vector_regs {
	u32 dyn_ctl;
	u32 itr[VFMIG_NUM_ITR];
};

struct vfmig_irq_regs {
	u32 icr0;
	u32 icr0_ena;
	u16 num_vectors;	/* <= match.num_msix */
	struct vfmig_irq_vector_regs vec[VFMIG_MAX_MSIX];
};

/* VF_ATQBAL/BAH/LEN/H/T or VF_ARQ*: raw values, as the guest wrote them. */
struct vfmig_mbx_queue_regs {
	u32 bal;
	u32 bah;
	u32 len;
	u32 head;
	u32 tail;
};

struct vfmig_mbx_regs {
	struct vfmig_mbx_queue_regs atq;	/* VF -> PF */
	struct vfmig_mbx_queue_regs arq;	/* PF -> VF */
};

/**
 * struct vfmig_mbx_msg - a PF->VF virtchnl message not yet in the guest's ARQ
 * @v_opcode: enum virtchnl_ops
 * @v_retval: enum virtchnl_status_code
 * @len: bytes at @data (<= VFMIG_MAX_MBX_MSG_LEN)
 * @data: message buffer, owned by the image (NULL when @len is 0)
 */
struct vfmig_mbx_msg {
	u32 v_opcode;
	s32 v_retval;
	u16 len;
	u8 *data;
};

/* struct iavf_eth_stats / i40e_eth_stats, the VIRTCHNL_OP_GET_STATS reply */
struct vfmig_eth_stats {
	u64 rx_bytes;
	u64 rx_unicast;
	u64 rx_multicast;
	u64 rx_broadcast;
	u64 rx_discards;
	u64 rx_unknown_protocol;
	u64 tx_bytes;
	u64 tx_unicast;
	u64 tx_multicast;
	u64 tx_broadcast;
	u64 tx_discards;
	u64 tx_errors;
};

/* dev_runtime.present */
#define VFMIG_RT_IRQ_REGS	BIT(0)
#define VFMIG_RT_MBX_REGS	BIT(1)
#define VFMIG_RT_STATS		BIT(2)
#define VFMIG_RT_ALL		(VFMIG_RT_IRQ_REGS | VFMIG_RT_MBX_REGS | \
				 VFMIG_RT_STATS)

/**
 * struct vfmig_dev_runtime - RUNTIME records
 * @txq_present: BIT(queue id) of every queue with a TXQ record
 * @rxq_present: BIT(queue id) of every queue with an RXQ record
 * @txq: TXQ records by queue id
 * @rxq: RXQ records by queue id
 * @present: VFMIG_RT_* of the single-instance records that were sent
 * @irq: IRQ_REGS
 * @mbx: MBX_REGS
 * @num_mbx_msgs: MBX_MSG records, in stream order (oldest first)
 * @mbx_msgs: the messages; see vfmig_dev_image_add_mbx_msg()
 * @stats: STATS, the VF's counters at stop-copy
 */
struct vfmig_dev_runtime {
	u32 txq_present;
	u32 rxq_present;
	struct vfmig_txq_state txq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_rxq_state rxq[VFMIG_MAX_QUEUE_PAIRS];
	u32 present;
	struct vfmig_irq_regs irq;
	struct vfmig_mbx_regs mbx;
	u16 num_mbx_msgs;
	struct vfmig_mbx_msg mbx_msgs[VFMIG_MAX_MBX_MSGS];
	struct vfmig_eth_stats stats;
};

/**
 * struct vfmig_dev_image - everything a stream carries
 * @match: the MATCH record
 * @config: CONFIG records; one sent after STOPCOPY replaces the pre-copy one
 * @runtime: RUNTIME records (stop-copy section only)
 * @config_precopy: BIT(VFMIG_CFG_*) of CONFIG records seen before STOPCOPY
 * @config_stopcopy: BIT(VFMIG_CFG_*) of CONFIG records seen after STOPCOPY:
 *	what a destination that pre-applied the pre-copy configuration must
 *	apply again
 *
 * About 20 KiB: allocate it, never put it on the stack.
 */
struct vfmig_dev_image {
	struct vfmig_match match;
	struct vfmig_dev_config config;
	struct vfmig_dev_runtime runtime;
	u32 config_precopy;
	u32 config_stopcopy;
};

/* A zeroed image, or ERR_PTR(-ENOMEM). */
struct vfmig_dev_image *vfmig_dev_image_alloc(void);

/* Frees @img and its mailbox messages; NULL and ERR_PTR are ignored. */
void vfmig_dev_image_free(struct vfmig_dev_image *img);

/*
 * Append an undelivered PF->VF message to @img (copies @data).
 * Return: 0; -ERANGE when VFMIG_MAX_MBX_MSGS are held already; -EMSGSIZE
 * when @len > VFMIG_MAX_MBX_MSG_LEN; -EINVAL when @data is NULL but @len is
 * not 0; -ENOMEM.
 */
int vfmig_dev_image_add_mbx_msg(struct vfmig_dev_image *img, u32 v_opcode,
				s32 v_retval, const void *data, size_t len);

/* Drop every mailbox message of @img. */
void vfmig_dev_image_clear_mbx_msgs(struct vfmig_dev_image *img);

/*
 * Whether CONFIG record @rec (VFMIG_CFG_*) holds the same values in @a and
 * @b (entries past a count are not compared). The writer uses it to find
 * what changed since pre-copy; image comparison uses it per record.
 */
bool vfmig_dev_config_rec_equal(const struct vfmig_dev_config *a,
				const struct vfmig_dev_config *b, u32 rec);

/*
 * Whether two images hold the same state: every field of every present
 * record, the present masks, and the section masks. Bytes of absent records
 * and array entries past a count are not compared.
 */
bool vfmig_dev_image_equal(const struct vfmig_dev_image *a,
			   const struct vfmig_dev_image *b);

#endif /* VFMIG_DEVSTATE_H */
