/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the X710 model (the model/ sources). Nothing outside model/ includes
 * this file: embedders use <vfmig/model.h>, the PF agent <vfmig/pf_hw.h>.
 *
 * Layout: one struct vfmig_model_pf owns everything (no global state). It
 * holds the VFs (struct vfmig_mdl_vf: the VF's BAR0 register file, interrupt
 * and reset engines, mailbox, and the simulated i40e PF host's per-VF state,
 * struct vfmig_mdl_host) and the PF-wide queue arrays (struct vfmig_mdl_txq/
 * rxq: HMC context plus QENA handshake), VFMIG_VF_MAX_QP absolute queues per
 * VF: VF v's queue q is absolute queue v * VFMIG_VF_MAX_QP + q, as i40e maps
 * a VF VSI onto a contiguous range of PF queues (VPLAN_QTABLE).
 *
 * Every function here runs with pf->lock held; the entry points that take
 * it are in model.h / pf_hw.h. Functions named _locked assert it.
 */
#ifndef VFMIG_MODEL_INTERNAL_H
#define VFMIG_MODEL_INTERNAL_H

#include <vfmig/osdep.h>
#include <vfmig/model.h>
#include <vfmig/pf_hw.h>
#include <vfmig/devstate.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_adminq.h>
#include <vfmig/x710_txrx.h>
#include <vfmig/virtchnl.h>

/* ---- constants of the simulated PF (upstream sources named) ------------ */

/*
 * I40E_VC_MAX_MAC_ADDR_PER_VF and I40E_VC_MAX_VLAN_PER_VF
 * (i40e_virtchnl_pf.c): an untrusted VF holds at most 16 multicast + 1
 * unicast + 1 broadcast MAC filters and 16 VLAN filters.
 */
#define VFMIG_MDL_UNTRUSTED_MAC_FILTERS		(16 + 1 + 1)
#define VFMIG_MDL_UNTRUSTED_VLAN_FILTERS	16
/* I40E_MAX_VF_PROMISC_FLAGS (i40e_virtchnl_pf.c) */
#define VFMIG_MDL_PROMISC_FLAGS_MAX		(FLAG_VF_UNICAST_PROMISC | \
						 FLAG_VF_MULTICAST_PROMISC)

/* enum i40e_filter_pctype (i40e_type.h): RSS hash-enable (HENA) bits. */
#define VFMIG_PCTYPE_NONF_IPV4_UDP	31
#define VFMIG_PCTYPE_NONF_IPV4_TCP	33
#define VFMIG_PCTYPE_NONF_IPV4_SCTP	34
#define VFMIG_PCTYPE_NONF_IPV4_OTHER	35
#define VFMIG_PCTYPE_FRAG_IPV4		36
#define VFMIG_PCTYPE_NONF_IPV6_UDP	41
#define VFMIG_PCTYPE_NONF_IPV6_TCP	43
#define VFMIG_PCTYPE_NONF_IPV6_SCTP	44
#define VFMIG_PCTYPE_NONF_IPV6_OTHER	45
#define VFMIG_PCTYPE_FRAG_IPV6		46
#define VFMIG_PCTYPE_L2_PAYLOAD		63
/*
 * I40E_DEFAULT_RSS_HENA (i40e_txrx.h): what an X710 (not X722) PF programs
 * into VFQF_HENA1 when it creates the VF's VSI and what GET_RSS_HENA_CAPS
 * answers (i40e_pf_get_default_rss_hena).
 */
#define VFMIG_MDL_DEFAULT_RSS_HENA					\
	(BIT_ULL(VFMIG_PCTYPE_NONF_IPV4_UDP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV4_SCTP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV4_TCP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV4_OTHER) |				\
	 BIT_ULL(VFMIG_PCTYPE_FRAG_IPV4) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV6_UDP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV6_TCP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV6_SCTP) |				\
	 BIT_ULL(VFMIG_PCTYPE_NONF_IPV6_OTHER) |				\
	 BIT_ULL(VFMIG_PCTYPE_FRAG_IPV6) |				\
	 BIT_ULL(VFMIG_PCTYPE_L2_PAYLOAD))

/* X710 VF RSS: 52-byte key (I40E_HKEY_ARRAY_SIZE), 64-entry LUT (I40E_VF_HLUT_ARRAY_SIZE). */
#define VFMIG_MDL_RSS_KEY_SIZE		VFMIG_VF_RSS_KEY_BYTES
#define VFMIG_MDL_RSS_LUT_SIZE		VFMIG_VF_RSS_LUT_ENTRIES

/* Ethernet bits the switch and the RX parser look at. */
#define VFMIG_ETH_HLEN			14
#define VFMIG_VLAN_HLEN			4
#define VFMIG_ETH_P_8021Q		0x8100
#define VFMIG_ETH_P_IP			0x0800
#define VFMIG_ETH_P_IPV6		0x86DD
#define VFMIG_ETH_ZLEN			60	/* shortest frame on the wire, no CRC */

/* ---- model bounds (not silicon facts; see docs/model.md) --------------- */

/* Descriptors processed per queue per poll when the caller passes 0. */
#define VFMIG_MDL_DEFAULT_BUDGET	64
/*
 * Longest descriptor chain the TX engine looks at for one frame: 8 data
 * descriptors (VFMIG_TX_MAX_BUFFER_TXD) plus context/NOP descriptors. A
 * chain that has not reached EOP by then is malformed and is consumed as
 * such (hardware flags it as a malicious-driver event).
 */
#define VFMIG_MDL_TX_MAX_CHAIN		16
/* PF->VF messages a VF may have waiting for ARQ space. */
#define VFMIG_MDL_PENDING_MSGS		VFMIG_MAX_MBX_MSGS
/* Frames and bytes the port's TX queue holds before it drops. */
#define VFMIG_MDL_PORT_TXQ_FRAMES	1024
#define VFMIG_MDL_PORT_TXQ_BYTES	(1024 * 1024)
/* Scratch frame buffer: longest frame plus room for two inserted tags. */
#define VFMIG_MDL_FRAME_BUF		(VFMIG_MAX_FRAME + 2 * VFMIG_VLAN_HLEN)
/* First VSI id; VF v gets VFMIG_MDL_VSI_BASE + v (ids are firmware's on silicon). */
#define VFMIG_MDL_VSI_BASE		16

/* ---- queues -------------------------------------------------------------- */

/*
 * One absolute TX or RX queue: the HMC context (ctx.head is the live head,
 * as on silicon, where QTX_HEAD and the context head are the same state) and
 * the QENA register (REQ | STAT). A transition requested at t completes at
 * qena_deadline (t + cfg.qena_latency_ns); 0 = none pending.
 */
struct vfmig_mdl_txq {
	struct vfmig_hmc_txq ctx;
	u32 qena;
	u64 qena_deadline;
	u32 qtx_ctl;
	bool tail_bad;		/* last tail write was beyond the ring (counted once) */
};

struct vfmig_mdl_rxq {
	struct vfmig_hmc_rxq ctx;
	u32 qena;
	u64 qena_deadline;
	bool tail_bad;
};

/* ---- mailbox ------------------------------------------------------------ */

/* A PF->VF message waiting for delivery into the VF's ARQ. */
struct vfmig_mdl_msg {
	u32 v_opcode;
	s32 v_retval;
	u16 len;
	u64 ready_ns;		/* not delivered before (PF host latency) */
	u8 *data;		/* vfmig_alloc'd, NULL when len == 0 */
};

/* ---- the PF host's per-VF state (i40e's struct i40e_vf) ----------------- */

#define VFMIG_MDL_HOST_INIT	BIT(0)	/* I40E_VF_STATE_INIT: resources allocated */
#define VFMIG_MDL_HOST_ACTIVE	BIT(1)	/* I40E_VF_STATE_ACTIVE: GET_VF_RESOURCES done */

/*
 * An operation the PF host is blocked in (i40e_control_wait_[rt]x_q): it
 * answers when every queue's QENA_STAT followed, or with an error at the
 * deadline. The mailbox takes no new request meanwhile, as the PF's
 * single-threaded virtchnl handler would not.
 */
struct vfmig_mdl_wait {
	u32 v_opcode;		/* 0 = not waiting */
	u32 txq, rxq;		/* queues still to follow */
	bool enable;
	u64 deadline;
	u64 ready_ns;		/* earliest answer time (mbx latency) */
};

struct vfmig_mdl_host {
	u32 state;			/* VFMIG_MDL_HOST_* */
	struct virtchnl_version_info ver;
	bool ver_set;
	u32 driver_caps;		/* what the VF asked in GET_VF_RESOURCES */
	u32 vf_caps;			/* what the PF granted */
	u16 vsi_id;
	u16 num_qps;			/* queue pairs of the VSI */
	u16 num_qps_cfg;		/* configured by CONFIG_VSI_QUEUES */
	u16 num_req_queues;		/* REQUEST_QUEUES, survives reset */
	/* administrative settings: survive VF reset */
	u8 mac[VFMIG_ETH_ALEN];		/* default LAN address */
	bool pf_set_mac;
	u32 flags;			/* VFMIG_VF_* */
	u16 port_vlan;			/* TCI, 0 = none */
	u16 max_frame;
	u32 link_speed;			/* last reported to the VF, Mb/s */
	/* filters */
	u16 num_macs;
	struct vfmig_mac_filter macs[VFMIG_MAX_MAC_FILTERS];
	u16 num_vlans;
	u8 vlans[VFMIG_MAX_VLAN_FILTERS / 8];	/* bitmap by VLAN id */
	u32 promisc;			/* VFMIG_PROMISC_* */
	/* IRQ map: irq[v] valid when BIT(v) in irq_valid */
	u32 irq_valid;
	struct vfmig_irq_map irq[VFMIG_VF_MAX_MSIX];
	bool queues_enabled;
	struct vfmig_eth_stats eth;	/* the VSI's counters */
	struct vfmig_mdl_wait wait;
};

/* ---- one VF ----------------------------------------------------------------- */

enum vfmig_mdl_reset_phase {
	VFMIG_MDL_RESET_NONE = 0,	/* VF usable (RSTAT VFACTIVE) */
	VFMIG_MDL_RESET_HW,		/* INPROGRESS: hardware resetting the VF */
	VFMIG_MDL_RESET_PF,		/* COMPLETED: PF host rebuilding resources */
};

struct vfmig_mdl_vf {
	struct vfmig_model_pf *pf;
	u16 id;
	bool attached;
	struct vfmig_model_vf_ops ops;
	struct vfmig_model_faults faults;
	struct vfmig_model_vf_stats stats;

	/* VF BAR0 register file */
	u32 rstat;
	u16 qtx_tail[VFMIG_VF_MAX_QP];
	u16 qrx_tail[VFMIG_VF_MAX_QP];
	u32 dyn_ctl[VFMIG_VF_MAX_MSIX];		/* [0] DYN_CTL01, [1 + v] DYN_CTLN1(v) */
	u32 itr[VFMIG_VF_MAX_MSIX][VFMIG_NR_ITR]; /* [0] ITR01(i), [1 + v] ITRN1(i, v) */
	u32 icr0;
	u32 icr0_ena;
	u32 stat_ctl0;
	struct vfmig_mbx_queue_regs atq;
	struct vfmig_mbx_queue_regs arq;
	u32 hena[VFMIG_VFQF_HENA_COUNT];
	u32 hkey[VFMIG_VFQF_HKEY_COUNT];
	u32 hlut[VFMIG_VFQF_HLUT_COUNT];

	/* interrupt engine: pending vectors (PBA) and coarse ITR throttling */
	u32 pba;
	u8 pend_itr[VFMIG_VF_MAX_MSIX];
	u64 throttle_until[VFMIG_VF_MAX_MSIX];

	/* reset engine */
	enum vfmig_mdl_reset_phase reset_phase;
	u64 reset_deadline;
	bool vfrd;				/* VPGEN_VFRSTAT.VFRD */

	/* mailbox */
	bool mbx_hold;
	u16 pend_head;
	u16 pend_count;
	struct vfmig_mdl_msg pend[VFMIG_MDL_PENDING_MSGS];

	struct vfmig_mdl_host host;
};

/* ---- the PF ---------------------------------------------------------------- */

/* One TX descriptor chain being fetched (tx.c). */
struct vfmig_mdl_tx_chain {
	struct vfmig_tx_desc d[VFMIG_MDL_TX_MAX_CHAIN];
	u64 qw1[VFMIG_MDL_TX_MAX_CHAIN];	/* CPU order */
	u32 n;					/* descriptors in the chain */
	bool eop;
};

/* Frames queued on the port, in a byte ring of {le32 len, bytes}. */
struct vfmig_mdl_fifo {
	u8 *buf;
	u32 size;
	u32 rd, wr;		/* byte offsets */
	u32 used;		/* bytes */
	u32 frames;
};

struct vfmig_model_pf {
	struct vfmig_mutex lock;
	struct vfmig_model_cfg cfg;
	u64 now;
	bool link_up;
	u32 link_speed;
	struct vfmig_mdl_vf *vf;		/* cfg.num_vfs */
	struct vfmig_mdl_txq *txq;		/* cfg.num_vfs * VFMIG_VF_MAX_QP */
	struct vfmig_mdl_rxq *rxq;
	struct vfmig_mdl_fifo port_txq;
	struct vfmig_model_port_stats port_stats;
	struct vfmig_mdl_tx_chain *chain;	/* TX descriptor fetch */
	u8 *txbuf;				/* TX frame assembly */
	u8 *rxbuf;				/* RX staging (tag stripping) */
	u64 *msg;				/* VF->PF message, 8-byte aligned */
	u8 *reply;				/* PF->VF message under construction */
	u32 work;				/* work units of the current poll */
};

/* ---- pf.c --------------------------------------------------------------- */

struct vfmig_mdl_vf *vfmig_mdl_vf(struct vfmig_model_pf *pf, u16 vf);
struct vfmig_mdl_txq *vfmig_mdl_txq(struct vfmig_mdl_vf *vf, u16 q);
struct vfmig_mdl_rxq *vfmig_mdl_rxq(struct vfmig_mdl_vf *vf, u16 q);
u32 vfmig_mdl_abs_queue(const struct vfmig_mdl_vf *vf, u16 q);
int vfmig_mdl_dma_read(struct vfmig_mdl_vf *vf, u64 iova, void *buf, u32 len);
int vfmig_mdl_dma_write(struct vfmig_mdl_vf *vf, u64 iova, const void *buf,
			u32 len, enum vfmig_model_engine engine);
int vfmig_mdl_poll_locked(struct vfmig_model_pf *pf, u64 now_ns, u32 budget);
/* Advance virtual time step by step until @done(vf) or @deadline. */
bool vfmig_mdl_run_until_locked(struct vfmig_model_pf *pf, u64 deadline,
				bool (*done)(struct vfmig_mdl_vf *vf, void *arg),
				struct vfmig_mdl_vf *vf, void *arg);
u64 vfmig_mdl_next_event_locked(struct vfmig_model_pf *pf);

/* ---- bar0.c ------------------------------------------------------------- */

u32 vfmig_mdl_bar0_read(struct vfmig_mdl_vf *vf, u32 off, bool side_effects,
			bool *known);
void vfmig_mdl_bar0_write(struct vfmig_mdl_vf *vf, u32 off, u32 val,
			  bool side_effects, bool *known);
void vfmig_mdl_bar0_reset(struct vfmig_mdl_vf *vf);
u64 vfmig_mdl_rss_hena(const struct vfmig_mdl_vf *vf);
void vfmig_mdl_rss_set_hena(struct vfmig_mdl_vf *vf, u64 hena);
u8 vfmig_mdl_rss_key_byte(const struct vfmig_mdl_vf *vf, u32 i);
void vfmig_mdl_rss_set_key(struct vfmig_mdl_vf *vf, const u8 *key, u32 len);
u8 vfmig_mdl_rss_lut_entry(const struct vfmig_mdl_vf *vf, u32 i);
void vfmig_mdl_rss_set_lut(struct vfmig_mdl_vf *vf, const u8 *lut, u32 len);

/* ---- irq.c -------------------------------------------------------------- */

void vfmig_mdl_irq_cause(struct vfmig_mdl_vf *vf, u16 vector, u32 itr_idx);
void vfmig_mdl_irq_queue_cause(struct vfmig_mdl_vf *vf, u16 q, bool rx);
void vfmig_mdl_irq_adminq(struct vfmig_mdl_vf *vf);
void vfmig_mdl_irq_dyn_ctl_write(struct vfmig_mdl_vf *vf, u16 vector, u32 val,
				 bool side_effects);
void vfmig_mdl_irq_step(struct vfmig_mdl_vf *vf);
u64 vfmig_mdl_irq_next_event(const struct vfmig_mdl_vf *vf);

/* ---- mailbox.c ---------------------------------------------------------- */

bool vfmig_mdl_mbx_enabled(const struct vfmig_mbx_queue_regs *q);
int vfmig_mdl_mbx_send(struct vfmig_mdl_vf *vf, u32 v_opcode, s32 v_retval,
		       const void *data, u16 len, u64 ready_ns);
void vfmig_mdl_mbx_step(struct vfmig_mdl_vf *vf, u32 budget);
void vfmig_mdl_mbx_deliver(struct vfmig_mdl_vf *vf);
void vfmig_mdl_mbx_drain_atq(struct vfmig_mdl_vf *vf);
void vfmig_mdl_mbx_flush_pending(struct vfmig_mdl_vf *vf);
void vfmig_mdl_mbx_drop_last(struct vfmig_mdl_vf *vf, u16 n);
u64 vfmig_mdl_mbx_next_event(const struct vfmig_mdl_vf *vf);

/* ---- pfhost.c ----------------------------------------------------------- */

void vfmig_mdl_host_process(struct vfmig_mdl_vf *vf, u32 v_opcode, u8 *msg,
			    u16 len);
void vfmig_mdl_host_step(struct vfmig_mdl_vf *vf);
bool vfmig_mdl_host_busy(const struct vfmig_mdl_vf *vf);
void vfmig_mdl_host_vf_init(struct vfmig_mdl_vf *vf);
void vfmig_mdl_host_vf_free(struct vfmig_mdl_vf *vf);
void vfmig_mdl_host_notify_link(struct vfmig_mdl_vf *vf);
void vfmig_mdl_host_notify_reset(struct vfmig_mdl_vf *vf);
int vfmig_mdl_host_mac_find(const struct vfmig_mdl_host *h, const u8 *addr);
bool vfmig_mdl_host_vlan_has(const struct vfmig_mdl_host *h, u16 vid);
void vfmig_mdl_host_vlan_set(struct vfmig_mdl_host *h, u16 vid, bool on);
bool vfmig_mdl_host_trusted(const struct vfmig_mdl_host *h);

/* ---- queues.c ----------------------------------------------------------- */

void vfmig_mdl_qena_request(struct vfmig_mdl_vf *vf, u16 q, bool rx,
			    bool enable);
bool vfmig_mdl_qena_stat(struct vfmig_mdl_vf *vf, u16 q, bool rx);
void vfmig_mdl_qena_step(struct vfmig_mdl_vf *vf);
void vfmig_mdl_queue_stop(struct vfmig_mdl_vf *vf, u16 q, bool rx);
void vfmig_mdl_queues_reset(struct vfmig_mdl_vf *vf);
bool vfmig_mdl_txq_running(const struct vfmig_mdl_txq *tq);
bool vfmig_mdl_rxq_running(const struct vfmig_mdl_rxq *rq);
int vfmig_mdl_txq_ctx_check(const struct vfmig_hmc_txq *ctx);
int vfmig_mdl_rxq_ctx_check(const struct vfmig_hmc_rxq *ctx);
u64 vfmig_mdl_qena_next_event(struct vfmig_mdl_vf *vf);

/* ---- tx.c --------------------------------------------------------------- */

void vfmig_mdl_tx_step(struct vfmig_mdl_vf *vf, u16 q, u32 budget);

/* ---- rx.c --------------------------------------------------------------- */

/* A frame on its way to @vf (from the port or another VF). */
struct vfmig_mdl_frame {
	const u8 *data;
	u32 len;
	bool from_vf;		/* switched internally (VEB) */
};

bool vfmig_mdl_rx_accepts(struct vfmig_mdl_vf *vf,
			  const struct vfmig_mdl_frame *f);
void vfmig_mdl_rx_deliver(struct vfmig_mdl_vf *vf,
			  const struct vfmig_mdl_frame *f);
u32 vfmig_mdl_toeplitz(const u8 *key, u32 key_len, const u8 *in, u32 len);

/* ---- switch.c ----------------------------------------------------------- */

void vfmig_mdl_switch_from_vf(struct vfmig_mdl_vf *src, const u8 *frame,
			      u32 len);
void vfmig_mdl_switch_from_port(struct vfmig_model_pf *pf, const u8 *frame,
				u32 len);
int vfmig_mdl_fifo_init(struct vfmig_mdl_fifo *f, u32 size);
void vfmig_mdl_fifo_free(struct vfmig_mdl_fifo *f);
int vfmig_mdl_fifo_push(struct vfmig_mdl_fifo *f, const u8 *data, u32 len);
int vfmig_mdl_fifo_pull(struct vfmig_mdl_fifo *f, u8 *buf, u32 len);

/* ---- reset.c ------------------------------------------------------------ */

void vfmig_mdl_reset_start(struct vfmig_mdl_vf *vf, bool flr);
void vfmig_mdl_reset_step(struct vfmig_mdl_vf *vf);
bool vfmig_mdl_in_reset(const struct vfmig_mdl_vf *vf);

#endif /* VFMIG_MODEL_INTERNAL_H */
