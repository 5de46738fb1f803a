/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtchnl protocol (PF <-> VF messages) for vfmig, in both homes.
 *
 * The protocol itself is the installed kernel's <linux/avf/virtchnl.h>,
 * unchanged: in Kbuild the kernel's own copy, in userspace a copy of the same
 * file from the KDIR tree (build/shim, made by the Makefile) with
 * include/vfmig/shim standing in for the kernel headers it includes.
 *
 * Include this file rather than <linux/avf/virtchnl.h> directly: older
 * versions of that header (6.1's, for one) include nothing and rely on their
 * includer for u8..u64, bool, BIT() and ETH_ALEN.
 *
 * Portability between kernel versions: newer headers (6.12's, for one)
 * declare the messages that end in an array with flexible arrays, older ones
 * (6.1's) with one-element arrays, so sizeof() of such a struct differs
 * between kernels while the wire format does not (the "legacy" length still
 * counts one array element). Never compute a message length
 * with sizeof() of struct virtchnl_vf_resource, _vsi_queue_config_info,
 * _irq_map_info, _ether_addr_list, _vlan_filter_list, _rss_key or _rss_lut;
 * use the vfmig_vc_*_len() helpers below, which give the length
 * virtchnl_vc_validate_vf_msg() accepts under either version.
 *
 * virtchnl_vc_validate_vf_msg() reads the message through struct pointers:
 * pass it a buffer aligned to 8 bytes.
 */
#ifndef VFMIG_VIRTCHNL_H
#define VFMIG_VIRTCHNL_H

#include <vfmig/osdep.h>
#include <uapi/linux/if_ether.h>	/* ETH_ALEN, for older virtchnl.h */
#include <linux/avf/virtchnl.h>
#include <vfmig/x710_regs.h>

/* The reset states in VFGEN_RSTAT are virtchnl's. */
static_assert(VFMIG_VFR_INPROGRESS == VIRTCHNL_VFR_INPROGRESS);
static_assert(VFMIG_VFR_COMPLETED == VIRTCHNL_VFR_COMPLETED);
static_assert(VFMIG_VFR_VFACTIVE == VIRTCHNL_VFR_VFACTIVE);

/* ---- wire lengths of the array-carrying messages ----------------------- */
/* Fixed part plus one array element (the legacy sizeof), and element size */
#define VFMIG_VC_VF_RESOURCE_BASE	36
#define VFMIG_VC_VSI_RESOURCE_SIZE	16
#define VFMIG_VC_VSI_QUEUES_BASE	72
#define VFMIG_VC_QUEUE_PAIR_SIZE	64
#define VFMIG_VC_IRQ_MAP_BASE		14
#define VFMIG_VC_VECTOR_MAP_SIZE	12
#define VFMIG_VC_ETH_ADDR_LIST_BASE	12
#define VFMIG_VC_ETH_ADDR_SIZE		8
#define VFMIG_VC_VLAN_LIST_BASE		6
#define VFMIG_VC_VLAN_ID_SIZE		2
#define VFMIG_VC_RSS_KEY_BASE		6
#define VFMIG_VC_RSS_LUT_BASE		6

static_assert(sizeof(struct virtchnl_vsi_resource) == VFMIG_VC_VSI_RESOURCE_SIZE);
static_assert(offsetof(struct virtchnl_vf_resource, vsi_res) +
	      VFMIG_VC_VSI_RESOURCE_SIZE == VFMIG_VC_VF_RESOURCE_BASE);
static_assert(sizeof(struct virtchnl_queue_pair_info) == VFMIG_VC_QUEUE_PAIR_SIZE);
static_assert(offsetof(struct virtchnl_vsi_queue_config_info, qpair) +
	      VFMIG_VC_QUEUE_PAIR_SIZE == VFMIG_VC_VSI_QUEUES_BASE);
static_assert(sizeof(struct virtchnl_vector_map) == VFMIG_VC_VECTOR_MAP_SIZE);
static_assert(offsetof(struct virtchnl_irq_map_info, vecmap) +
	      VFMIG_VC_VECTOR_MAP_SIZE == VFMIG_VC_IRQ_MAP_BASE);
static_assert(sizeof(struct virtchnl_ether_addr) == VFMIG_VC_ETH_ADDR_SIZE);
static_assert(offsetof(struct virtchnl_ether_addr_list, list) +
	      VFMIG_VC_ETH_ADDR_SIZE == VFMIG_VC_ETH_ADDR_LIST_BASE);
static_assert(offsetof(struct virtchnl_vlan_filter_list, vlan_id) +
	      VFMIG_VC_VLAN_ID_SIZE == VFMIG_VC_VLAN_LIST_BASE);
static_assert(offsetof(struct virtchnl_rss_key, key) == 4);
static_assert(offsetof(struct virtchnl_rss_lut, lut) == 4);

/* GET_VF_RESOURCES reply with num_vsis VSIs */
static inline u32 vfmig_vc_vf_resource_len(u32 num_vsis)
{
	return VFMIG_VC_VF_RESOURCE_BASE + VFMIG_VC_VSI_RESOURCE_SIZE * num_vsis;
}

/* CONFIG_VSI_QUEUES with num_queue_pairs pairs (>= 1) */
static inline u32 vfmig_vc_vsi_queues_len(u32 num_queue_pairs)
{
	return VFMIG_VC_VSI_QUEUES_BASE + VFMIG_VC_QUEUE_PAIR_SIZE * num_queue_pairs;
}

/* CONFIG_IRQ_MAP with num_vectors vector maps (>= 1) */
static inline u32 vfmig_vc_irq_map_len(u32 num_vectors)
{
	return VFMIG_VC_IRQ_MAP_BASE + VFMIG_VC_VECTOR_MAP_SIZE * num_vectors;
}

/* ADD_ETH_ADDR/DEL_ETH_ADDR with num_elements addresses (>= 1) */
static inline u32 vfmig_vc_eth_addr_list_len(u32 num_elements)
{
	return VFMIG_VC_ETH_ADDR_LIST_BASE + VFMIG_VC_ETH_ADDR_SIZE * num_elements;
}

/* ADD_VLAN/DEL_VLAN with num_elements VLAN ids (>= 1) */
static inline u32 vfmig_vc_vlan_list_len(u32 num_elements)
{
	return VFMIG_VC_VLAN_LIST_BASE + VFMIG_VC_VLAN_ID_SIZE * num_elements;
}

/* CONFIG_RSS_KEY with key_len key bytes (>= 1) */
static inline u32 vfmig_vc_rss_key_len(u32 key_len)
{
	return VFMIG_VC_RSS_KEY_BASE + key_len - 1;
}

/* CONFIG_RSS_LUT with lut_entries entries (>= 1) */
static inline u32 vfmig_vc_rss_lut_len(u32 lut_entries)
{
	return VFMIG_VC_RSS_LUT_BASE + lut_entries - 1;
}

/* ---- names for logs ------------------------------------------------------ */

/* Name of a virtchnl opcode, "UNKNOWN_OP" for anything else. */
static inline const char *vfmig_virtchnl_op_name(u32 op)
{
	switch (op) {
	case VIRTCHNL_OP_UNKNOWN: return "UNKNOWN";
	case VIRTCHNL_OP_VERSION: return "VERSION";
	case VIRTCHNL_OP_RESET_VF: return "RESET_VF";
	case VIRTCHNL_OP_GET_VF_RESOURCES: return "GET_VF_RESOURCES";
	case VIRTCHNL_OP_CONFIG_TX_QUEUE: return "CONFIG_TX_QUEUE";
	case VIRTCHNL_OP_CONFIG_RX_QUEUE: return "CONFIG_RX_QUEUE";
	case VIRTCHNL_OP_CONFIG_VSI_QUEUES: return "CONFIG_VSI_QUEUES";
	case VIRTCHNL_OP_CONFIG_IRQ_MAP: return "CONFIG_IRQ_MAP";
	case VIRTCHNL_OP_ENABLE_QUEUES: return "ENABLE_QUEUES";
	case VIRTCHNL_OP_DISABLE_QUEUES: return "DISABLE_QUEUES";
	case VIRTCHNL_OP_ADD_ETH_ADDR: return "ADD_ETH_ADDR";
	case VIRTCHNL_OP_DEL_ETH_ADDR: return "DEL_ETH_ADDR";
	case VIRTCHNL_OP_ADD_VLAN: return "ADD_VLAN";
	case VIRTCHNL_OP_DEL_VLAN: return "DEL_VLAN";
	case VIRTCHNL_OP_CONFIG_PROMISCUOUS_MODE: return "CONFIG_PROMISCUOUS_MODE";
	case VIRTCHNL_OP_GET_STATS: return "GET_STATS";
	case VIRTCHNL_OP_RSVD: return "RSVD";
	case VIRTCHNL_OP_EVENT: return "EVENT";
	case 18: return "CONFIG_RSS_HFUNC";		/* not named in older headers */
	case VIRTCHNL_OP_IWARP: return "RDMA";
	case VIRTCHNL_OP_CONFIG_IWARP_IRQ_MAP: return "CONFIG_RDMA_IRQ_MAP";
	case VIRTCHNL_OP_RELEASE_IWARP_IRQ_MAP: return "RELEASE_RDMA_IRQ_MAP";
	case VIRTCHNL_OP_CONFIG_RSS_KEY: return "CONFIG_RSS_KEY";
	case VIRTCHNL_OP_CONFIG_RSS_LUT: return "CONFIG_RSS_LUT";
	case VIRTCHNL_OP_GET_RSS_HENA_CAPS: return "GET_RSS_HENA_CAPS";
	case VIRTCHNL_OP_SET_RSS_HENA: return "SET_RSS_HENA";
	case VIRTCHNL_OP_ENABLE_VLAN_STRIPPING: return "ENABLE_VLAN_STRIPPING";
	case VIRTCHNL_OP_DISABLE_VLAN_STRIPPING: return "DISABLE_VLAN_STRIPPING";
	case VIRTCHNL_OP_REQUEST_QUEUES: return "REQUEST_QUEUES";
	case VIRTCHNL_OP_ENABLE_CHANNELS: return "ENABLE_CHANNELS";
	case VIRTCHNL_OP_DISABLE_CHANNELS: return "DISABLE_CHANNELS";
	case VIRTCHNL_OP_ADD_CLOUD_FILTER: return "ADD_CLOUD_FILTER";
	case VIRTCHNL_OP_DEL_CLOUD_FILTER: return "DEL_CLOUD_FILTER";
	case 44: return "GET_SUPPORTED_RXDIDS";		/* not named in older headers */
	case VIRTCHNL_OP_ADD_RSS_CFG: return "ADD_RSS_CFG";
	case VIRTCHNL_OP_DEL_RSS_CFG: return "DEL_RSS_CFG";
	case VIRTCHNL_OP_ADD_FDIR_FILTER: return "ADD_FDIR_FILTER";
	case VIRTCHNL_OP_DEL_FDIR_FILTER: return "DEL_FDIR_FILTER";
	case VIRTCHNL_OP_GET_OFFLOAD_VLAN_V2_CAPS: return "GET_OFFLOAD_VLAN_V2_CAPS";
	case VIRTCHNL_OP_ADD_VLAN_V2: return "ADD_VLAN_V2";
	case VIRTCHNL_OP_DEL_VLAN_V2: return "DEL_VLAN_V2";
	case VIRTCHNL_OP_ENABLE_VLAN_STRIPPING_V2: return "ENABLE_VLAN_STRIPPING_V2";
	case VIRTCHNL_OP_DISABLE_VLAN_STRIPPING_V2: return "DISABLE_VLAN_STRIPPING_V2";
	case VIRTCHNL_OP_ENABLE_VLAN_INSERTION_V2: return "ENABLE_VLAN_INSERTION_V2";
	case VIRTCHNL_OP_DISABLE_VLAN_INSERTION_V2: return "DISABLE_VLAN_INSERTION_V2";
	default: return "UNKNOWN_OP";
	}
}

/* Name of a virtchnl status (the retval in cookie_low), "UNKNOWN_STATUS" else. */
static inline const char *vfmig_virtchnl_status_name(s32 status)
{
	switch (status) {
	case VIRTCHNL_STATUS_SUCCESS: return "SUCCESS";
	case VIRTCHNL_STATUS_ERR_PARAM: return "ERR_PARAM";
	case VIRTCHNL_STATUS_ERR_NO_MEMORY: return "ERR_NO_MEMORY";
	case VIRTCHNL_STATUS_ERR_OPCODE_MISMATCH: return "ERR_OPCODE_MISMATCH";
	case VIRTCHNL_STATUS_ERR_CQP_COMPL_ERROR: return "ERR_CQP_COMPL_ERROR";
	case VIRTCHNL_STATUS_ERR_INVALID_VF_ID: return "ERR_INVALID_VF_ID";
	case VIRTCHNL_STATUS_ERR_ADMIN_QUEUE_ERROR: return "ERR_ADMIN_QUEUE_ERROR";
	case VIRTCHNL_STATUS_ERR_NOT_SUPPORTED: return "ERR_NOT_SUPPORTED";
	default: return "UNKNOWN_STATUS";
	}
}

/* Name of a VIRTCHNL_OP_EVENT event code, "UNKNOWN_EVENT" else. */
static inline const char *vfmig_virtchnl_event_name(s32 event)
{
	switch (event) {
	case VIRTCHNL_EVENT_LINK_CHANGE: return "LINK_CHANGE";
	case VIRTCHNL_EVENT_RESET_IMPENDING: return "RESET_IMPENDING";
	case VIRTCHNL_EVENT_PF_DRIVER_CLOSE: return "PF_DRIVER_CLOSE";
	default: return "UNKNOWN_EVENT";
	}
}

#endif /* VFMIG_VIRTCHNL_H */
