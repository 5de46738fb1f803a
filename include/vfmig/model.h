/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register-level software model of an Intel X710 PF with SR-IOV VFs.
 *
 * The hardware we do not have. A VF driver written against the real AVF
 * interface (BAR0 registers at their real offsets, admin-queue mailbox,
 * virtchnl, LAN descriptors in guest memory) works against it unchanged, and
 * the PF agent drives it through struct vfmig_pf_hw_ops as it would drive an
 * i40e PF. Portable: the model never sleeps, spawns nothing and keeps no
 * global state; it advances only inside vfmig_model_poll(), at the virtual
 * time its embedder passes in.
 *
 * Locking: every entry point takes the PF's lock. Callbacks (DMA, IRQ,
 * recorder) are invoked with it held and must not call back into the model.
 * Frames leave the port through a queue the embedder drains with
 * vfmig_model_port_tx_pull(), so two models can be wired together without
 * lock-order problems.
 */
#ifndef VFMIG_MODEL_H
#define VFMIG_MODEL_H

#include <vfmig/osdep.h>
#include <vfmig/pf_hw.h>

struct vfmig_model_pf;

/* Which engine wrote guest memory (ground truth for the dirty tracker). */
enum vfmig_model_engine {
	VFMIG_ENG_TX_DESC_WB,	/* TX descriptor DD write-back */
	VFMIG_ENG_TX_HEAD_WB,	/* TX head write-back word */
	VFMIG_ENG_RX_DATA,	/* RX packet data into a posted buffer */
	VFMIG_ENG_RX_DESC_WB,	/* RX descriptor write-back */
	VFMIG_ENG_ARQ_DATA,	/* PF->VF message into an ARQ buffer */
	VFMIG_ENG_ARQ_DESC_WB,	/* ARQ descriptor write-back */
	VFMIG_ENG_ATQ_DESC_WB,	/* ATQ descriptor write-back */
	VFMIG_ENG_NUM
};

/**
 * struct vfmig_model_vf_ops - how one VF reaches the world; set by the
 * embedder with vfmig_model_vf_attach()
 * @dma_read: read guest memory at @iova through the VF's IOMMU mapping;
 *	0, or -EFAULT when any byte is not mapped (the model then records a
 *	DMA fault and stops the queue, like hardware)
 * @dma_write: ditto, write
 * @irq: MSI-X vector @vector of the VF fired (optional)
 * @dma_record: every DMA write the model made, after it succeeded
 *	(optional; the ground truth that judges the dirty tracker)
 * @ctx: passed to every callback
 */
struct vfmig_model_vf_ops {
	int (*dma_read)(void *ctx, u64 iova, void *buf, u32 len);
	int (*dma_write)(void *ctx, u64 iova, const void *buf, u32 len);
	void (*irq)(void *ctx, u16 vector);
	void (*dma_record)(void *ctx, u64 iova, u32 len,
			   enum vfmig_model_engine engine);
	void *ctx;
};

/**
 * struct vfmig_model_cfg - a PF; vfmig_model_cfg_default() fills defaults
 * @num_vfs: VFs (default 4, max VFMIG_PF_MAX_VFS)
 * @queues_per_vf: queue pairs per VF (default 4, max 16)
 * @msix_per_vf: MSI-X vectors per VF incl. vector 0 (default queues + 1)
 * @vf_device_id: 0x154c (X710 VF) or 0x1889 (AVF)
 * @port_mac: MAC of the PF's port
 * @qena_latency_ns: time a QENA request takes to be reflected in QENA_STAT
 * @mbx_latency_ns: time the PF host takes to answer a VF request
 * @link_speed_mbps: port link speed
 * @fw_api_major: admin queue API version reported
 * @fw_api_minor: ditto
 * @vf_reset_ns: hardware part of a VF reset: VFGEN_RSTAT stays
 *	VFR_INPROGRESS this long, then reads VFR_COMPLETED
 * @vf_rebuild_ns: PF host rebuilding the VF after the hardware reset:
 *	VFR_COMPLETED this long, then VFR_VFACTIVE
 * @vf_trusted: VFs start trusted (ndo_set_vf_trust on): promiscuous mode and
 *	filter limits of a trusted VF (i40e default: untrusted)
 * @vf_macs: give every VF an administratively set MAC (ndo_set_vf_mac):
 *	port_mac with the locally administered bit set and vf + 1 added to the
 *	last byte. Off: VFs get 00:00:00:00:00:00 and pick their own, as
 *	iavf does with a random one.
 * @max_ring_desc: longest ring a VF may configure (CONFIG_VSI_QUEUES
 *	ring_len, and the limit the vf_limits hw op reports): 64..8160, a
 *	multiple of 32 (default VFMIG_HW_RING_MAX = 8160; an X722 allows 4096)
 *
 * Defaults: 4 VFs, 4 queue pairs, 5 vectors, 0x154c, port 00:1b:21:0a:71:00,
 * 10 us QENA, 20 us mailbox, 40000 Mb/s link up, FW API 1.10, 100 us + 100 us
 * VF reset, untrusted VFs, administratively set MACs, 8160-descriptor rings.
 */
struct vfmig_model_cfg {
	u16 num_vfs;
	u16 queues_per_vf;
	u16 msix_per_vf;
	u16 vf_device_id;
	u8 port_mac[6];
	u32 qena_latency_ns;
	u32 mbx_latency_ns;
	u32 link_speed_mbps;
	u16 fw_api_major;
	u16 fw_api_minor;
	u32 vf_reset_ns;
	u32 vf_rebuild_ns;
	bool vf_trusted;
	bool vf_macs;
	u16 max_ring_desc;
};

void vfmig_model_cfg_default(struct vfmig_model_cfg *cfg);

/* A new PF with its VFs in reset-complete state; ERR_PTR on failure. */
struct vfmig_model_pf *vfmig_model_pf_new(const struct vfmig_model_cfg *cfg);
void vfmig_model_pf_free(struct vfmig_model_pf *pf);

/* Connect or disconnect a VF's DMA/IRQ/recorder (a detached VF's DMA faults). */
int vfmig_model_vf_attach(struct vfmig_model_pf *pf, u16 vf,
			  const struct vfmig_model_vf_ops *ops);
void vfmig_model_vf_detach(struct vfmig_model_pf *pf, u16 vf);

/*
 * The VF's BAR0 as its driver sees it: 32-bit accesses at 4-byte aligned
 * offsets below VFMIG_VF_BAR0_SIZE. Reads of offsets the model lacks return 0
 * and are counted (stats.bar0_unknown_reads); writes there are ignored and
 * counted.
 */
u32 vfmig_model_vf_read32(struct vfmig_model_pf *pf, u16 vf, u32 off);
void vfmig_model_vf_write32(struct vfmig_model_pf *pf, u16 vf, u32 off,
			    u32 val);

/*
 * Advance to @now_ns (monotonic virtual time chosen by the embedder):
 * mailbox and PF host, QENA handshakes, TX and RX engines, interrupts.
 * Processes at most @budget descriptors per queue (0: a default of 64).
 * Returns the amount of work done (0 = idle), so embedders can poll until
 * quiet. A @now_ns earlier than the model's time (hw ops that wait advance
 * it) is taken as the model's time.
 */
int vfmig_model_poll(struct vfmig_model_pf *pf, u64 now_ns, u32 budget);

/*
 * The model's virtual time, and the earliest virtual time at which something
 * already scheduled happens (a mailbox answer, a QENA transition, a reset
 * phase, a throttled interrupt); U64_MAX when nothing is scheduled. An
 * embedder with nothing else to do may jump straight there.
 */
u64 vfmig_model_now(struct vfmig_model_pf *pf);
u64 vfmig_model_next_event_ns(struct vfmig_model_pf *pf);

/* A frame arriving on the PF's port from the wire (no CRC). */
int vfmig_model_port_rx(struct vfmig_model_pf *pf, const u8 *frame, u32 len);
/*
 * The next frame leaving the PF's port: copies it to @buf and returns its
 * length, 0 when none is queued, -ENOSPC when @len is too small.
 */
int vfmig_model_port_tx_pull(struct vfmig_model_pf *pf, u8 *buf, u32 len);

/* Function-level reset of a VF (VFLR), as PCIe would deliver it. */
void vfmig_model_vflr(struct vfmig_model_pf *pf, u16 vf);
/* Port link change; the PF host sends VIRTCHNL_EVENT_LINK_CHANGE to VFs. */
void vfmig_model_set_link(struct vfmig_model_pf *pf, bool up, u32 speed_mbps);

/*
 * Host administrator's knobs (ip link set <pf> vf N ...), as i40e's ndo ops:
 * mac: administratively set MAC (all zero clears it); the VF is reset so
 *	its driver picks it up, as i40e_ndo_set_vf_mac does.
 * trust: trusted VFs may use promiscuous mode and more filters; a change
 *	resets the VF, as i40e_ndo_set_vf_trust does.
 * spoofchk: TX frames whose source MAC is not one of the VF's unicast
 *	filters are dropped.
 * port_vlan: TCI of a port VLAN (0 = none) inserted on TX and stripped on
 *	RX; the VF is reset, as i40e does when VLAN filters exist.
 * 0 or -EINVAL (bad VF, multicast MAC, bad TCI).
 */
int vfmig_model_vf_set_mac(struct vfmig_model_pf *pf, u16 vf, const u8 mac[6]);
int vfmig_model_vf_set_trust(struct vfmig_model_pf *pf, u16 vf, bool trusted);
int vfmig_model_vf_set_spoofchk(struct vfmig_model_pf *pf, u16 vf, bool on);
int vfmig_model_vf_set_port_vlan(struct vfmig_model_pf *pf, u16 vf, u16 tci);
/* The VF's default LAN MAC as the PF host holds it (may be all zero). */
int vfmig_model_vf_get_mac(struct vfmig_model_pf *pf, u16 vf, u8 mac[6]);

/* Counters of one VF, for tests and the lab. */
struct vfmig_model_vf_stats {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_no_desc_drops;	/* frame for the VF, no descriptor posted */
	u64 rx_filtered;	/* frame not accepted by the VF's filters */
	u64 rx_disabled_drops;	/* frame for the VF while its queue is off */
	u64 dma_faults;
	u64 mbx_to_pf;		/* VF->PF messages taken from the ATQ */
	u64 mbx_to_vf;		/* PF->VF messages delivered into the ARQ */
	u64 mbx_pending;	/* PF->VF messages waiting for ARQ space */
	u64 bar0_unknown_reads;
	u64 bar0_unknown_writes;
	u64 irqs;
	u64 resets;
	u64 tx_malformed;	/* garbage TX descriptors/chains skipped */
	u64 tx_dropped;		/* TX frames dropped: size, spoof check, DMA */
	u64 rx_oversize;	/* frame longer than the queue's rxmax */
	u64 bad_tail_writes;	/* tail written beyond the ring (ignored) */
	u64 mbx_dropped;	/* PF->VF messages lost (no room) */
	u64 mbx_errors;		/* ATQ descriptors completed with FLAG_ERR */
};

int vfmig_model_vf_stats(struct vfmig_model_pf *pf, u16 vf,
			 struct vfmig_model_vf_stats *st);

/* Counters of the PF's port and internal switch. */
struct vfmig_model_port_stats {
	u64 tx_frames;		/* frames queued for vfmig_model_port_tx_pull() */
	u64 tx_bytes;
	u64 tx_drops;		/* port TX queue full */
	u64 rx_frames;		/* frames given to vfmig_model_port_rx() */
	u64 rx_bytes;
	u64 rx_unmatched;	/* no VF accepted the frame */
	u64 rx_errors;		/* runt or oversize frame */
	u64 switched;		/* VF-to-VF frame copies inside the PF */
};

int vfmig_model_port_stats(struct vfmig_model_pf *pf,
			   struct vfmig_model_port_stats *st);

/*
 * Fault knobs for tests. A zeroed struct means no fault. A DMA fault stops
 * the TX/RX queue that hit it (QENA_REQ and QENA_STAT cleared) or kills the
 * mailbox queue (AQLEN.CRIT set, ENABLE cleared); it is counted in
 * stats.dma_faults. mbx_stall: the PF host takes nothing from the VF's ATQ.
 * reset_at_ns fires once (the model then clears it).
 */
struct vfmig_model_faults {
	u32 txq_disable_stuck;	/* BIT(q): TX disable never completes */
	u32 rxq_disable_stuck;	/* BIT(q): RX disable never completes */
	bool mbx_stall;		/* the PF host stops answering the VF */
	u64 dma_fault_iova;	/* DMA touching [iova, iova+len) faults */
	u64 dma_fault_len;
	u64 reset_at_ns;	/* VF reset (VFLR) at this virtual time, 0 = never */
};

int vfmig_model_vf_set_faults(struct vfmig_model_pf *pf, u16 vf,
			      const struct vfmig_model_faults *faults);

/* The PF operations of this model (hw argument: the struct vfmig_model_pf). */
extern const struct vfmig_pf_hw_ops vfmig_model_pf_hw_ops;

#endif /* VFMIG_MODEL_H */
