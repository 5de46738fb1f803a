/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest-side AVF driver: what iavf does inside the VM, portable.
 *
 * It talks to its VF only through BAR0 accesses and guest memory, as a real
 * VF driver does. All of its state lives in guest RAM (a block at a guest
 * physical address the embedder chooses): rings, buffers, bring-up progress,
 * counters. Nothing is kept in host memory between calls, and the block holds
 * no host pointers, only guest physical addresses, so copying guest RAM to
 * another host migrates the driver with it.
 *
 * The driver never waits: every call does what it can now and returns; the
 * embedder calls vfmig_guest_poll() again (as a vCPU would run the driver's
 * interrupt handler or NAPI poll) after the device has had time to act.
 * Guest physical addresses are the VF's IOVAs (identity-mapped IOMMU).
 */
#ifndef VFMIG_GUEST_H
#define VFMIG_GUEST_H

#include <vfmig/osdep.h>

/**
 * struct vfmig_guest_env - the VM around the driver, passed to every call
 * @ram: host view of guest RAM; guest physical address 0 is @ram[0]
 * @ram_size: bytes of guest RAM
 * @bar0_read: 32-bit read of the VF's BAR0 at @off
 * @bar0_write: 32-bit write of the VF's BAR0 at @off
 * @ctx: passed to the BAR0 callbacks
 * @now_ns: the guest's clock at this call (monotonic; drives timeouts)
 */
struct vfmig_guest_env {
	u8 *ram;
	u64 ram_size;
	u32 (*bar0_read)(void *ctx, u32 off);
	void (*bar0_write)(void *ctx, u32 off, u32 val);
	void *ctx;
	u64 now_ns;
};

/**
 * struct vfmig_guest_cfg - what the driver asks of its VF
 * @num_queue_pairs: queue pairs to configure (1..16; clamped to what the PF
 *	grants in GET_VF_RESOURCES)
 * @ring_len: descriptors per TX and RX ring (64..4096, multiple of 32)
 * @rx_buf_size: bytes per RX buffer (a multiple of 128, 1024..16256)
 * @max_tx_bufs: most TX descriptors (buffers) one frame may use (1..8)
 * @mac: MAC to add as the primary filter; all zero = the one the PF gives
 * @promisc: ask for unicast+multicast promiscuous mode
 * @use_irq: enable interrupts (IRQ map, DYN_CTL INTENA); else pure polling
 * @tx_head_wb: ask for TX head write-back (virtchnl txq.headwb_enabled, the
 *	word just after the TX ring, as i40e places it) instead of DD
 *	write-back on RS descriptors
 */
struct vfmig_guest_cfg {
	u16 num_queue_pairs;
	u16 ring_len;
	u32 rx_buf_size;
	u16 max_tx_bufs;
	u8 mac[6];
	bool promisc;
	bool use_irq;
	bool tx_head_wb;
};

/* Bring-up progress, as iavf's adapter->state / current_op walk it. */
enum vfmig_guest_state {
	VFMIG_GUEST_RESET_WAIT,		/* waiting for VFGEN_RSTAT ACTIVE/COMPLETED */
	VFMIG_GUEST_AQ_INIT,		/* programming ATQ/ARQ */
	VFMIG_GUEST_VERSION,		/* VIRTCHNL_OP_VERSION sent */
	VFMIG_GUEST_GET_RESOURCES,	/* GET_VF_RESOURCES sent */
	VFMIG_GUEST_CONFIGURING,	/* queues, IRQ map, filters, RSS, enable */
	VFMIG_GUEST_RUNNING,
	VFMIG_GUEST_FAILED,		/* gave up; see stats.last_error */
};

/* Counters, kept in guest RAM with the rest of the driver. */
struct vfmig_guest_stats {
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_busy;		/* xmit refused: ring full */
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_errors;		/* descriptors with an error bit */
	u64 mbx_sent;
	u64 mbx_received;
	u64 mbx_errors;		/* replies with a non-success status */
	u64 resets;		/* VF resets recovered from */
	u64 link_events;
	u64 irqs;
	s32 last_error;		/* negative errno of the last failure */
	u32 link_up;
};

/* Bytes of guest RAM the driver needs for @cfg (state, rings, buffers). */
u64 vfmig_guest_mem_size(const struct vfmig_guest_cfg *cfg);

/*
 * Lay the driver out in guest RAM at [@gpa, @gpa + vfmig_guest_mem_size())
 * and start bring-up. @gpa must be 4 KiB aligned and env->ram 8-byte
 * aligned. -EINVAL for a bad @cfg, a misaligned or out-of-RAM block.
 */
int vfmig_guest_init(const struct vfmig_guest_env *env, u64 gpa,
		     const struct vfmig_guest_cfg *cfg);

/*
 * Run the driver once: bring-up steps, mailbox replies and events, TX
 * completions, RX refill, reset detection and recovery. Returns the state.
 */
enum vfmig_guest_state vfmig_guest_poll(const struct vfmig_guest_env *env,
					u64 gpa);

enum vfmig_guest_state vfmig_guest_state(const struct vfmig_guest_env *env,
					 u64 gpa);

/*
 * Queue one frame (no CRC) on TX queue @q; it may be split across up to
 * cfg.max_tx_bufs descriptors. 0, -EBUSY when the ring is full, -ENETDOWN
 * when not RUNNING, -EINVAL for a bad queue or length.
 */
int vfmig_guest_xmit(const struct vfmig_guest_env *env, u64 gpa, u16 q,
		     const void *frame, u32 len);

/*
 * Take the next received frame from RX queue @q into @buf. Returns its
 * length, 0 when none is ready (or the driver is not RUNNING), -ENOSPC when
 * @len is too small (the frame stays queued), -EINVAL for a bad queue. The
 * frame's buffers go straight back to the ring. Frames the device marked
 * bad, or wrote back in a way that breaks the rules, are dropped and
 * counted in rx_errors.
 */
int vfmig_guest_recv(const struct vfmig_guest_env *env, u64 gpa, u16 q,
		     void *buf, u32 len);

/*
 * An interrupt on MSI-X vector @vector reached the guest: vector 0 runs the
 * mailbox (and everything vfmig_guest_poll() does), a queue vector retires
 * TX completions and refills RX for its queues; then the vector is re-armed
 * (the hardware masks it when it fires). Bring-up timers still need
 * vfmig_guest_poll() now and then.
 */
void vfmig_guest_irq(const struct vfmig_guest_env *env, u64 gpa, u16 vector);

/* Copy of the counters; the MAC in use; queue pairs actually configured. */
int vfmig_guest_stats(const struct vfmig_guest_env *env, u64 gpa,
		      struct vfmig_guest_stats *st);
int vfmig_guest_mac(const struct vfmig_guest_env *env, u64 gpa, u8 mac[6]);
int vfmig_guest_num_queues(const struct vfmig_guest_env *env, u64 gpa);

/*
 * Ask the PF for a VF reset (VIRTCHNL_OP_RESET_VF), as iavf does on a TX hang
 * or a configuration change, and reinitialise from scratch once the reset is
 * done (counters are kept). -ENETDOWN when the mailbox is not up.
 */
int vfmig_guest_request_reset(const struct vfmig_guest_env *env, u64 gpa);

/* What a region of the driver's block holds. */
enum vfmig_guest_region_kind {
	VFMIG_GUEST_REG_STATE,		/* driver state: never device-visible */
	VFMIG_GUEST_REG_ATQ_RING,	/* device writes back descriptors */
	VFMIG_GUEST_REG_ATQ_BUFS,	/* device reads */
	VFMIG_GUEST_REG_ARQ_RING,	/* device writes back descriptors */
	VFMIG_GUEST_REG_ARQ_BUFS,	/* device writes PF->VF messages */
	VFMIG_GUEST_REG_TX_RING,	/* device reads; writes DD or head WB */
	VFMIG_GUEST_REG_TX_INFO,	/* driver bookkeeping: never device-visible */
	VFMIG_GUEST_REG_TX_BUFS,	/* device reads */
	VFMIG_GUEST_REG_RX_RING,	/* device reads; writes back descriptors */
	VFMIG_GUEST_REG_RX_BUFS,	/* device writes frames */
};

/**
 * struct vfmig_guest_region - one range of the driver's block
 * @gpa: start (guest physical = IOVA)
 * @len: bytes
 * @kind: enum vfmig_guest_region_kind
 * @queue: queue pair for per-queue kinds, else 0
 * @device_writes: the device may DMA-write into it
 */
struct vfmig_guest_region {
	u64 gpa;
	u64 len;
	u32 kind;
	u16 queue;
	bool device_writes;
};

/*
 * The regions of the block, for embedders that judge DMA (the lab, the
 * dirty-tracker tests). Fills up to @max entries and returns how many the
 * block has (which may be more than @max), or -EINVAL.
 */
int vfmig_guest_regions(const struct vfmig_guest_env *env, u64 gpa,
			struct vfmig_guest_region *r, u32 max);

#endif /* VFMIG_GUEST_H */
