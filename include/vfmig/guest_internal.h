/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the guest AVF driver (the files in guest/). Not for embedders: they use
 * <vfmig/guest.h>.
 *
 * Everything the driver remembers between calls is in struct vfmig_guest_priv,
 * laid out in guest RAM at the gpa the embedder chose, followed by the admin
 * queue rings and buffers and, per queue pair, the TX and RX rings and
 * buffers. The block holds guest physical addresses, ring indexes and
 * counters; never a host pointer. A host pointer into guest RAM is derived
 * from env->ram inside one call (vg_mem()) and dropped when it returns.
 *
 * Device-visible memory (descriptors, virtchnl message bodies) is read and
 * written little-endian; the state block itself is seen only by the driver
 * and uses CPU order (guest RAM moves between hosts of one architecture).
 */
#ifndef VFMIG_GUEST_INTERNAL_H
#define VFMIG_GUEST_INTERNAL_H

#include <vfmig/osdep.h>
#include <vfmig/guest.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_adminq.h>
#include <vfmig/x710_txrx.h>

/* "VFGD": a block laid out by vfmig_guest_init() */
#define VG_MAGIC		0x44474656u
/* Bumped whenever struct vfmig_guest_priv changes shape. */
#define VG_LAYOUT_VERSION	1

#define VG_PAGE			4096u
/* Mailbox: iavf's ring length and buffer size (IAVF_AQ_LEN, IAVF_MAX_AQ_BUF_SIZE). */
#define VG_AQ_LEN		VFMIG_AQ_VF_RING_LEN
#define VG_AQ_BUF		VFMIG_AQ_MAX_BUF_SIZE
/* Bytes of one TX slot buffer; a frame uses up to cfg.max_tx_bufs slots. */
#define VG_TX_BUF		2048u
/* Largest frame the driver sends or accepts (iavf's IAVF_MAX_RXBUFFER). */
#define VG_MAX_FRAME		VFMIG_MAX_RXBUFFER
/* Frames shorter than this are spread over one descriptor only. */
#define VG_TX_SPLIT_UNIT	256u
/* RX fragments one frame may span before the driver calls it garbage. */
#define VG_RX_MAX_FRAGS		16u

/* Virtual-time limits (env->now_ns). */
#define VG_RESET_DETECT_NS	100000000ull	/* 100 ms: "never saw reset" */
#define VG_RESET_DONE_NS	10000000000ull	/* 10 s: "reset never finished" */
#define VG_OP_TIMEOUT_NS	500000000ull	/* 500 ms for one PF reply */
#define VG_TX_HANG_NS		2000000000ull	/* 2 s without TX progress */
/* Recoveries in a row that do not reach RUNNING before the driver gives up. */
#define VG_MAX_RESET_TRIES	4u

/* flags */
#define VG_F_AWAIT_RESET	BIT(0)	/* wait for the reset to show before trusting RSTAT */
#define VG_F_AQ_UP		BIT(1)	/* ATQ/ARQ programmed by us */
#define VG_F_SEEN_ACTIVE	BIT(2)	/* RSTAT read VFACTIVE since the AQ came up */
#define VG_F_RECOVERING		BIT(3)	/* a reset interrupted a RUNNING driver */
#define VG_F_INITIAL		BIT(4)	/* first bring-up: RSTAT COMPLETED is enough */
#define VG_F_IRQ_ARMED		BIT(5)	/* queue vectors enabled */
#define VG_F_FAILED_SEEN	BIT(6)	/* FAILED: fail_rstat holds the last RSTAT seen */
#define VG_F_AQ_PROG		BIT(7)	/* the device's AQ registers hold our rings */
#define VG_F_NEED_RESET_VF	BIT(8)	/* mailbox lost, VF never left VFACTIVE */

/* Configuration steps after GET_VF_RESOURCES, in the order they run. */
enum vg_step {
	VG_STEP_QUEUES,
	VG_STEP_IRQ_MAP,
	VG_STEP_ADD_MAC,
	VG_STEP_RSS_KEY,
	VG_STEP_RSS_LUT,
	VG_STEP_PROMISC,
	VG_STEP_ENABLE,
	VG_STEP_DONE,
};

/* Per TX slot that starts a frame (driver-only, CPU order). */
struct vg_tx_info {
	u16 eop;	/* slot of the frame's last descriptor */
	u16 nbufs;	/* descriptors the frame uses; 0 = slot starts no frame */
	u32 len;	/* frame bytes */
};

struct vg_txq {
	u64 ring;	/* ring_len descriptors, then the head write-back word */
	u64 bufs;	/* ring_len * VG_TX_BUF */
	u64 info;	/* ring_len * struct vg_tx_info */
	u64 progress_ns;	/* last completion, or when the ring became busy */
	u16 ntu;	/* next slot to fill */
	u16 ntc;	/* next slot to complete */
	u32 pad;
};

struct vg_rxq {
	u64 ring;	/* ring_len 32-byte descriptors */
	u64 bufs;	/* ring_len * cfg.rx_buf_size; slot i always owns buffer i */
	u16 ntu;	/* next slot to post */
	u16 ntc;	/* next slot to receive */
	u16 tail;	/* last value written to QRX_TAIL */
	u16 pad;
};

struct vfmig_guest_priv {
	u32 magic;
	u32 layout_version;
	u64 gpa;		/* where this block lives (self check) */
	u64 mem_size;		/* vfmig_guest_mem_size(&cfg) */
	struct vfmig_guest_cfg cfg;

	u32 state;		/* enum vfmig_guest_state */
	u32 step;		/* enum vg_step while CONFIGURING */
	u32 flags;		/* VG_F_* */
	u32 current_op;		/* virtchnl op awaiting a reply, or UNKNOWN */
	u64 op_sent_ns;
	u64 deadline_ns;	/* RESET_WAIT: detect / done deadline */
	u32 reset_tries;	/* recoveries since the last RUNNING */
	s32 op_slot;		/* ATQ slot carrying current_op */
	u32 fail_rstat;		/* FAILED: VFGEN_RSTAT when last looked at */
	u32 pad1;

	/* admin queue */
	u64 atq_ring;
	u64 arq_ring;
	u64 atq_bufs;
	u64 arq_bufs;
	u16 atq_ntu;
	u16 atq_ntc;
	u16 arq_ntc;
	u16 pad0;

	/* what the PF granted */
	u32 vc_major;
	u32 vc_minor;
	u32 vf_caps;
	u32 rss_key_size;
	u32 rss_lut_size;
	u32 max_pkt;		/* rxq max_pkt_size we asked for */
	u16 vsi_id;
	u16 num_qp;		/* queue pairs in use */
	u16 max_vectors;
	u16 num_qvec;		/* queue vectors in use (0 = polling) */
	u16 max_mtu;
	u8 mac[6];

	struct vg_txq txq[VFMIG_VF_MAX_QP];
	struct vg_rxq rxq[VFMIG_VF_MAX_QP];
	struct vfmig_guest_stats stats;
};

/* The regions vfmig_guest_init() carves out of the block. */
struct vg_layout {
	u64 priv;
	u64 atq_ring;
	u64 arq_ring;
	u64 atq_bufs;
	u64 arq_bufs;
	u64 tx_ring[VFMIG_VF_MAX_QP];
	u64 tx_info[VFMIG_VF_MAX_QP];
	u64 tx_bufs[VFMIG_VF_MAX_QP];
	u64 rx_ring[VFMIG_VF_MAX_QP];
	u64 rx_bufs[VFMIG_VF_MAX_QP];
	u64 end;
};

/* ---- guest RAM access (bounds-checked) --------------------------------- */

/* Host view of [gpa, gpa + len) in guest RAM, or NULL if any byte is outside. */
static inline u8 *vg_mem(const struct vfmig_guest_env *env, u64 gpa, u64 len)
{
	if (!env->ram || gpa > env->ram_size || len > env->ram_size - gpa)
		return NULL;
	return env->ram + gpa;
}

/* An aligned little-endian 64-bit word the device may write concurrently. */
static inline __le64 *vg_le64(const struct vfmig_guest_env *env, u64 gpa)
{
	if (!IS_ALIGNED(gpa, 8))
		return NULL;
	return (__le64 *)vg_mem(env, gpa, 8);
}

static inline u32 vg_rd32(const struct vfmig_guest_env *env, u32 off)
{
	return env->bar0_read(env->ctx, off);
}

static inline void vg_wr32(const struct vfmig_guest_env *env, u32 off, u32 val)
{
	env->bar0_write(env->ctx, off, val);
}

static inline u16 vg_ring_next(u16 i, u16 len)
{
	return (u16)(i + 1 == len ? 0 : i + 1);
}

static inline u16 vg_ring_add(u16 i, u32 n, u16 len)
{
	return (u16)(((u32)i + n) % len);
}

/* Descriptors from @from up to (not including) @to on a ring of @len. */
static inline u16 vg_ring_dist(u16 from, u16 to, u16 len)
{
	return (u16)(to >= from ? (u32)to - from : (u32)to + len - from);
}

/* ---- main.c -------------------------------------------------------------- */
void vg_layout(const struct vfmig_guest_cfg *cfg, u64 gpa, struct vg_layout *lay);
struct vfmig_guest_priv *vg_priv(const struct vfmig_guest_env *env, u64 gpa);
void vg_fail(struct vfmig_guest_priv *p, int err);
void vg_enter_reset(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p, bool await_start);
void vg_request_reset(const struct vfmig_guest_env *env,
		      struct vfmig_guest_priv *p);

/* ---- adminq.c ------------------------------------------------------------ */
void vg_aq_shutdown(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p);
int vg_aq_init(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p);
u8 *vg_aq_msg_buf(const struct vfmig_guest_env *env,
		  struct vfmig_guest_priv *p, u32 len);
int vg_aq_post(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
	       u32 v_op, u32 len);
void vg_aq_clean_atq(const struct vfmig_guest_env *env,
		     struct vfmig_guest_priv *p);
int vg_aq_clean_arq(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p, u32 budget);

/* ---- virtchnl.c ---------------------------------------------------------- */
int vg_vc_send_version(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p);
int vg_vc_send_get_resources(const struct vfmig_guest_env *env,
			     struct vfmig_guest_priv *p);
int vg_vc_send_step(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p);
int vg_vc_send_reset_vf(const struct vfmig_guest_env *env,
			struct vfmig_guest_priv *p);
void vg_vc_handle(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
		  u32 v_op, s32 v_retval, const u8 *msg, u32 len);
void vg_vc_check_timeout(const struct vfmig_guest_env *env,
			 struct vfmig_guest_priv *p);

/* ---- txrx.c -------------------------------------------------------------- */
void vg_rings_reset(const struct vfmig_guest_env *env,
		    struct vfmig_guest_priv *p);
int vg_rx_post_all(const struct vfmig_guest_env *env,
		   struct vfmig_guest_priv *p);
void vg_rx_refill(const struct vfmig_guest_env *env,
		  struct vfmig_guest_priv *p, u16 q);
u32 vg_tx_clean(const struct vfmig_guest_env *env, struct vfmig_guest_priv *p,
		u16 q);
void vg_tx_check_hang(const struct vfmig_guest_env *env,
		      struct vfmig_guest_priv *p);
void vg_irq_arm_queues(const struct vfmig_guest_env *env,
		       struct vfmig_guest_priv *p);
u16 vg_max_tx_frame(const struct vfmig_guest_priv *p);

#endif /* VFMIG_GUEST_INTERNAL_H */
