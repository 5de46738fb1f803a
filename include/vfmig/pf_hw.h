/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct vfmig_pf_hw_ops: what only an X710 PF can do for one of its VFs.
 *
 * The PF agent (pf-agent/) reaches hardware through these operations and
 * nothing else. In tests and the lab the model (model/) implements them; in
 * production the i40e PF driver would (its VF code already does each of
 * them: i40e_clear_lan_tx/rx_queue_context, i40e_control_wait_tx/rx_q,
 * i40e_reset_vf, the per-VF state in struct i40e_vf).
 *
 * Queue numbers are the VF's own (0..num_queue_pairs-1); the implementation
 * maps them to absolute PF queues. Every operation returns 0 or a negative
 * errno and validates its arguments (-EINVAL for a VF or queue out of range,
 * -EBUSY for a queue operation while the VF is being reset: it has no VSI
 * then). None of them sleeps without bound: waits take a timeout and report
 * -ETIMEDOUT.
 */
#ifndef VFMIG_PF_HW_H
#define VFMIG_PF_HW_H

#include <vfmig/osdep.h>
#include <vfmig/devstate.h>
#include <vfmig/x710_txrx.h>

/**
 * struct vfmig_pf_vf_limits - what one VF of this PF can use; feeds MATCH
 * and the destination's compatibility check.
 */
struct vfmig_pf_vf_limits {
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
	u16 fw_api_major;
	u16 fw_api_minor;
};

/**
 * struct vfmig_pf_vf_state - the PF host's software state for one VF
 * @active: the guest driver completed GET_VF_RESOURCES (VF is in use)
 * @virtchnl_major: version negotiated with VIRTCHNL_OP_VERSION
 * @virtchnl_minor: ditto
 * @vf_caps: VIRTCHNL_VF_OFFLOAD_* granted in GET_VF_RESOURCES
 * @config: VF config, VSI, MAC/VLAN filters, promisc, RSS key/LUT/HENA and
 *	IRQ map, with every present bit set for what the PF holds
 * @stats: the VF's VSI counters (what GET_STATS would answer)
 * @txq_enabled: BIT(q) for enabled TX queues (as the PF host believes)
 * @rxq_enabled: BIT(q) for enabled RX queues
 *
 * About 20 KiB: allocate it.
 */
struct vfmig_pf_vf_state {
	bool active;
	u32 virtchnl_major;
	u32 virtchnl_minor;
	u32 vf_caps;
	struct vfmig_dev_config config;
	struct vfmig_eth_stats stats;
	u32 txq_enabled;
	u32 rxq_enabled;
};

struct vfmig_pf_hw_ops {
	int (*vf_limits)(void *hw, u16 vf, struct vfmig_pf_vf_limits *lim);

	/* Queue contexts, as the PF programs them through the HMC. */
	int (*txq_ctx_read)(void *hw, u16 vf, u16 q, struct vfmig_hmc_txq *ctx);
	int (*txq_ctx_write)(void *hw, u16 vf, u16 q,
			     const struct vfmig_hmc_txq *ctx);
	int (*rxq_ctx_read)(void *hw, u16 vf, u16 q, struct vfmig_hmc_rxq *ctx);
	int (*rxq_ctx_write)(void *hw, u16 vf, u16 q,
			     const struct vfmig_hmc_rxq *ctx);

	/*
	 * QTX_ENA / QRX_ENA: set or clear QENA_REQ, then wait up to
	 * @timeout_us for QENA_STAT to follow. A disable completes only after
	 * the queue's in-flight DMA has finished: when it returns 0 the queue
	 * issues no more DMA. -ETIMEDOUT leaves the request in place.
	 */
	int (*queue_enable)(void *hw, u16 vf, u16 q, bool rx, bool enable,
			    u32 timeout_us);
	/* QENA_STAT of a queue. */
	int (*queue_enabled)(void *hw, u16 vf, u16 q, bool rx, bool *enabled);
	/* QTX_HEAD: the next TX descriptor the device will fetch. */
	int (*tx_head_read)(void *hw, u16 vf, u16 q, u16 *head);

	/* VF reset as VPGEN_VFRTRIG.VFSWR does it; completes before return. */
	int (*vf_reset)(void *hw, u16 vf);

	/*
	 * The PF host's per-VF software state (what i40e keeps in i40e_vf),
	 * every record: st->config.present is VFMIG_CFG_ALL.
	 */
	int (*vf_state_get)(void *hw, u16 vf, struct vfmig_pf_vf_state *st);
	/*
	 * Make the PF host's state for @vf equal @st (filters, RSS, IRQ map,
	 * VSI, negotiated version and caps, stats baseline), programming the
	 * hardware accordingly; queue contexts and enables are not touched.
	 */
	int (*vf_state_set)(void *hw, u16 vf, const struct vfmig_pf_vf_state *st);

	/*
	 * Mailbox quiesce. hold=true: the PF host answers every VF->PF request
	 * already posted, then stops taking new ones (they stay in the VF's ATQ
	 * untouched) and stops delivering into the VF's ARQ (that is DMA into
	 * the VM): answers and events wait as pending messages. -ETIMEDOUT when
	 * the posted requests cannot be answered (PF host stalled). hold=false:
	 * service resumes, pending messages are delivered.
	 */
	int (*mbx_hold)(void *hw, u16 vf, bool hold);
	/*
	 * PF->VF messages the PF host has produced but the VF's ARQ has not
	 * taken yet (ARQ full or disabled, mailbox held, answer not due yet).
	 * take: append them to @img's runtime.mbx_msgs (oldest first; @img
	 * takes the buffers over, freed with vfmig_free) and forget them,
	 * -ERANGE and nothing moved when they do not fit; put: queue @img's
	 * messages for delivery after any already waiting, all or nothing.
	 */
	int (*mbx_pending_take)(void *hw, u16 vf, struct vfmig_dev_image *img);
	int (*mbx_pending_put)(void *hw, u16 vf, const struct vfmig_dev_image *img);

	/*
	 * The VF's BAR0 registers seen from the PF (interrupt and mailbox
	 * register shadow, tails, VFGEN_RSTAT, RSS registers). Writes here have
	 * no side effect on the queues or the mailbox engines: they set state,
	 * they do not trigger (no interrupt fires, no doorbell rings; the
	 * engines act on the state at their next run). Reads have none either
	 * (VFINT_ICR01 is not cleared). -EINVAL for an offset that is not a
	 * register.
	 */
	int (*vf_reg_read)(void *hw, u16 vf, u32 off, u32 *val);
	int (*vf_reg_write)(void *hw, u16 vf, u32 off, u32 val);
};

#endif /* VFMIG_PF_HW_H */
