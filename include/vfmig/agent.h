/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PF agent and the driver <-> agent message boundary.
 *
 * The agent runs next to the PF driver and does, for one VF at a time, what
 * only the PF can do during a migration (pf-agent/agent.c): quiesce the VF
 * (answer its pending mailbox requests, hold new ones, disable RX then TX
 * queues with a bounded QENA handshake), snapshot its configuration and
 * runtime state, pre-apply configuration and restore runtime state on the
 * destination, and resume. It reaches hardware only through
 * struct vfmig_pf_hw_ops.
 *
 * The driver core (driver/core/vfdev.c) never calls the agent directly: it
 * sends messages through a struct vfmig_agent_transport, one request and one
 * response per call. A message is a struct vfmig_agent_hdr followed by
 * hdr.len payload bytes. Both ends run every message they receive through
 * the one validator, vfmig_agent_msg_validate(), before they read a byte of
 * its payload (in the spirit of virtchnl_vc_validate_vf_msg()): opcode
 * known, VF in range, exact or bounded length per opcode, every count
 * consistent with the length and with its array. The agent then checks the
 * content against the PF's limits (vfmig_agent_restore() validates
 * everything before it touches the VF). docs/migration.md is normative.
 *
 * Messages are host-order, fixed-layout C structures of fixed-width
 * integers (no bool, no pointers, explicit reserved fields that must be 0),
 * like virtchnl: they never leave the host. What crosses hosts is the
 * device-state stream (stream.h).
 *
 * Today the transport is in-process (vfmig_agent_local_transport()); a
 * kernel transport only has to move the same bytes.
 */
#ifndef VFMIG_AGENT_H
#define VFMIG_AGENT_H

#include <vfmig/osdep.h>
#include <vfmig/devstate.h>
#include <vfmig/pf_hw.h>

/* Longest one-line reason an agent or driver call hands back, NUL included. */
#define VFMIG_AGENT_REASON_LEN		128

/* ---- Messages ------------------------------------------------------------ */

enum vfmig_agent_op {
	VFMIG_AGENT_OP_LIMITS = 1,	/* -> struct vfmig_pf_vf_limits */
	VFMIG_AGENT_OP_QUIESCE,		/* quiesce_req -> empty */
	VFMIG_AGENT_OP_SNAPSHOT_CONFIG,	/* empty -> struct vfmig_agent_config */
	VFMIG_AGENT_OP_SNAPSHOT_RUNTIME, /* snapshot_req -> runtime + messages */
	VFMIG_AGENT_OP_PRE_APPLY,	/* struct vfmig_agent_config -> empty */
	VFMIG_AGENT_OP_RESTORE,		/* restore + messages -> empty */
	VFMIG_AGENT_OP_RESUME,		/* resume_req -> empty */
	VFMIG_AGENT_OP_GEOMETRY,	/* empty -> struct vfmig_agent_geometry */
	VFMIG_AGENT_OP_RESET,		/* reset_req -> empty */
	VFMIG_AGENT_OP_NUM
};

/* hdr.flags */
#define VFMIG_AGENT_F_RESPONSE		BIT(0)

/**
 * struct vfmig_agent_hdr - the fixed header of every message
 * @opcode: enum vfmig_agent_op; a response carries its request's
 * @vf: VF number relative to the PF (< the PF's VF count)
 * @flags: VFMIG_AGENT_F_RESPONSE on responses, 0 on requests
 * @len: payload bytes that follow the header
 * @retval: responses: 0, or a negative errno, in which case the payload is
 *	a NUL-terminated one-line reason (1..VFMIG_AGENT_REASON_LEN bytes);
 *	requests: 0
 *
 * Buffers holding messages are 8-byte aligned (the validator checks).
 */
struct vfmig_agent_hdr {
	u32 opcode;
	u16 vf;
	u16 flags;
	u32 len;
	s32 retval;
};

#define VFMIG_AGENT_HDR_LEN		16
static_assert(sizeof(struct vfmig_agent_hdr) == VFMIG_AGENT_HDR_LEN);

/* QUIESCE request. */
struct vfmig_agent_quiesce_req {
	u32 timeout_us;		/* per queue, QENA handshake; 0 = default */
	u32 flags;		/* 0 */
};

/* SNAPSHOT_RUNTIME request flags. */
#define VFMIG_AGENT_SNAP_PEEK		BIT(0)	/* take no mailbox message */

struct vfmig_agent_snapshot_req {
	u32 flags;		/* VFMIG_AGENT_SNAP_* */
	u32 rsvd;		/* 0 */
};

/* RESUME request flags. */
#define VFMIG_AGENT_RESUME_QUEUES	BIT(0)	/* enable TX then RX queues */
#define VFMIG_AGENT_RESUME_MBX		BIT(1)	/* deliver staged messages, release the mailbox */
#define VFMIG_AGENT_RESUME_ALL		(VFMIG_AGENT_RESUME_QUEUES | \
					 VFMIG_AGENT_RESUME_MBX)

struct vfmig_agent_resume_req {
	u32 timeout_us;		/* per queue; 0 = default */
	u32 flags;		/* VFMIG_AGENT_RESUME_*, at least one */
};

/* RESET request flags. */
#define VFMIG_AGENT_RESET_KEEP_HOLD	BIT(0)	/* leave the mailbox held */

struct vfmig_agent_reset_req {
	u32 flags;		/* VFMIG_AGENT_RESET_* */
	u32 rsvd;		/* 0 */
};

/* vfmig_agent_config.flags */
#define VFMIG_AGENT_CFG_ACTIVE		BIT(0)	/* guest driver completed GET_VF_RESOURCES */
#define VFMIG_AGENT_CFG_FLAGS_ALL	VFMIG_AGENT_CFG_ACTIVE

/**
 * struct vfmig_agent_config - configuration of one VF (SNAPSHOT_CONFIG
 * response, PRE_APPLY request, first part of RESTORE)
 * @flags: VFMIG_AGENT_CFG_*
 * @virtchnl_major: virtchnl version the guest negotiated (0 = none)
 * @virtchnl_minor: ditto
 * @vf_caps: VIRTCHNL_VF_OFFLOAD_* the PF granted
 * @config: CONFIG records; config.present says which members hold one
 *
 * About 17 KiB: allocate it.
 */
struct vfmig_agent_config {
	u32 flags;
	u32 virtchnl_major;
	u32 virtchnl_minor;
	u32 vf_caps;
	struct vfmig_dev_config config;
};

/* One TX queue in SNAPSHOT_RUNTIME / RESTORE; flags are VFMIG_TXQ_F_*. */
struct vfmig_agent_txq {
	u64 ring_base;
	u64 head_wb_addr;
	u16 ring_len;
	u16 head;
	u16 tail;
	u16 flags;
};

/* One RX queue; flags are VFMIG_RXQ_F_*. */
struct vfmig_agent_rxq {
	u64 ring_base;
	u32 data_buf_size;
	u32 max_pkt_size;
	u16 ring_len;
	u16 head;
	u16 tail;
	u16 desc_size;
	u16 hdr_buf_size;
	u16 flags;
	u32 rsvd;		/* 0 */
};

/**
 * struct vfmig_agent_runtime - runtime state (SNAPSHOT_RUNTIME response,
 * second part of RESTORE), followed by @num_mbx_msgs messages of
 * struct vfmig_agent_mbx_msg + len bytes each, @mbx_bytes in all
 * @txq_present: BIT(q) of the TX queues with a state; other entries are 0
 * @rxq_present: ditto, RX
 * @present: VFMIG_RT_* of @irq, @mbx and @stats
 * @num_mbx_msgs: undelivered PF->VF messages (<= VFMIG_MAX_MBX_MSGS)
 * @mbx_bytes: bytes of the message area after this struct
 * @rsvd: 0
 * @txq: TX queues by id
 * @rxq: RX queues by id
 * @irq: interrupt register shadow (irq.num_vectors <= VFMIG_MAX_MSIX)
 * @mbx: mailbox register shadow
 * @stats: counters
 */
struct vfmig_agent_runtime {
	u32 txq_present;
	u32 rxq_present;
	u32 present;
	u32 num_mbx_msgs;
	u32 mbx_bytes;
	u32 rsvd;
	struct vfmig_agent_txq txq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_agent_rxq rxq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_irq_regs irq;
	struct vfmig_mbx_regs mbx;
	struct vfmig_eth_stats stats;
};

/* Header of one message in the message area; @len bytes follow it. */
struct vfmig_agent_mbx_msg {
	u32 v_opcode;
	s32 v_retval;
	u32 len;		/* <= VFMIG_MAX_MBX_MSG_LEN */
	u32 rsvd;		/* 0 */
};

/**
 * struct vfmig_agent_restore - RESTORE request, followed by the runtime's
 * message area
 * @cfg_mask: BIT(VFMIG_CFG_*) of the records of @cfg to apply (a subset of
 *	cfg.config.present); records outside it keep what the VF has (what
 *	PRE_APPLY set). Version, caps and ACTIVE of @cfg always apply.
 * @flags: 0
 * @cfg: configuration
 * @rt: runtime state
 */
struct vfmig_agent_restore {
	u32 cfg_mask;
	u32 flags;
	struct vfmig_agent_config cfg;
	struct vfmig_agent_runtime rt;
};

/* vfmig_agent_geo_txq/rxq.flags */
#define VFMIG_AGENT_GEO_CONFIGURED	BIT(0)	/* context has a ring */
#define VFMIG_AGENT_GEO_ENABLED		BIT(1)	/* QENA_STAT */
#define VFMIG_AGENT_GEO_HEAD_WB		BIT(2)	/* TX: head write-back */
#define VFMIG_AGENT_GEO_SPLIT		BIT(3)	/* RX: header split */
#define VFMIG_AGENT_GEO_FLAGS_ALL	GENMASK(3, 0)

/* Where a queue's rings and buffers are, from its context (byte units). */
struct vfmig_agent_geo_txq {
	u64 ring_base;
	u64 head_wb_addr;
	u16 ring_len;
	u16 head;
	u16 flags;
	u16 rsvd;
};

struct vfmig_agent_geo_rxq {
	u64 ring_base;
	u32 data_buf_size;
	u32 hdr_buf_size;
	u16 ring_len;
	u16 head;
	u16 desc_size;
	u16 flags;
};

/**
 * struct vfmig_agent_geometry - GEOMETRY response: what mediation needs to
 * read posted descriptors
 * @num_queue_pairs: queues of the VF (<= VFMIG_MAX_QUEUE_PAIRS); entries
 *	beyond are 0
 * @rsvd: 0
 * @txq: TX queue contexts
 * @rxq: RX queue contexts
 * @mbx: the VF's mailbox registers (ATQ/ARQ base, length, head, tail)
 */
struct vfmig_agent_geometry {
	u32 num_queue_pairs;
	u32 rsvd;
	struct vfmig_agent_geo_txq txq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_agent_geo_rxq rxq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_mbx_regs mbx;
};

/* Largest message of any opcode, header included. */
#define VFMIG_AGENT_MSG_MAX						\
	(VFMIG_AGENT_HDR_LEN + sizeof(struct vfmig_agent_restore) +	\
	 VFMIG_MAX_MBX_MSGS * (sizeof(struct vfmig_agent_mbx_msg) +	\
			       VFMIG_MAX_MBX_MSG_LEN))

/* "LIMITS", ...; "UNKNOWN" for anything else. */
const char *vfmig_agent_op_name(u32 opcode);

/**
 * vfmig_agent_msg_validate - the one check every received message passes
 * @msg: the message (header and payload), 8-byte aligned
 * @size: bytes at @msg
 * @num_vfs: VFs of the PF; hdr.vf must be below
 * @response: @msg is a response (else a request)
 * @reason: one-line reason on failure (may be NULL)
 * @reason_len: bytes at @reason
 *
 * Checks, in this order: alignment and header size (-EBADMSG); hdr.len
 * against @size (-EBADMSG); flags (-EINVAL); opcode (-EOPNOTSUPP); vf
 * (-EINVAL); retval (-EINVAL); the payload length for the opcode
 * (-EMSGSIZE); reserved fields, flags and counts inside the payload, and
 * the message area against its counts (-EBADMSG). It does not judge values
 * against a PF's limits; the agent does that.
 *
 * Return: 0 when the message may be read.
 */
int vfmig_agent_msg_validate(const void *msg, size_t size, u32 num_vfs,
			     bool response, char *reason, size_t reason_len);

/* ---- Transport ----------------------------------------------------------- */

/**
 * struct vfmig_agent_transport - how the driver reaches the agent
 * @call: deliver the request @req (@req_len bytes) and write the response
 *	into @resp (@resp_cap bytes); return the response length, or a
 *	negative errno when no response could be produced at all (the
 *	transport failed). Both buffers are 8-byte aligned.
 * @ctx: passed to @call
 */
struct vfmig_agent_transport {
	int (*call)(void *ctx, const void *req, size_t req_len, void *resp,
		    size_t resp_cap);
	void *ctx;
};

/* ---- Driver side: one call per opcode ------------------------------------ */

/*
 * Each builds the request, calls the transport, validates the response with
 * vfmig_agent_msg_validate() (and that it answers this opcode and VF) and
 * decodes it. Return: 0, the agent's negative errno (its reason copied to
 * @reason), or a transport / validation error with its own reason.
 */
int vfmig_agent_call_limits(const struct vfmig_agent_transport *t, u16 vf,
			    struct vfmig_pf_vf_limits *lim,
			    char *reason, size_t reason_len);
int vfmig_agent_call_quiesce(const struct vfmig_agent_transport *t, u16 vf,
			     u32 timeout_us, char *reason, size_t reason_len);
int vfmig_agent_call_snapshot_config(const struct vfmig_agent_transport *t,
				     u16 vf, struct vfmig_agent_config *cfg,
				     char *reason, size_t reason_len);
/* Fills img->runtime (messages allocated in @img; old ones are dropped). */
int vfmig_agent_call_snapshot_runtime(const struct vfmig_agent_transport *t,
				      u16 vf, u32 flags,
				      struct vfmig_dev_image *img,
				      char *reason, size_t reason_len);
int vfmig_agent_call_pre_apply(const struct vfmig_agent_transport *t, u16 vf,
			       const struct vfmig_agent_config *cfg,
			       char *reason, size_t reason_len);
int vfmig_agent_call_restore(const struct vfmig_agent_transport *t, u16 vf,
			     u32 cfg_mask,
			     const struct vfmig_agent_config *cfg,
			     const struct vfmig_dev_runtime *rt,
			     char *reason, size_t reason_len);
int vfmig_agent_call_resume(const struct vfmig_agent_transport *t, u16 vf,
			    u32 flags, u32 timeout_us,
			    char *reason, size_t reason_len);
int vfmig_agent_call_geometry(const struct vfmig_agent_transport *t, u16 vf,
			      struct vfmig_agent_geometry *geo,
			      char *reason, size_t reason_len);
int vfmig_agent_call_reset(const struct vfmig_agent_transport *t, u16 vf,
			   u32 flags, char *reason, size_t reason_len);

/* ---- Codecs shared by both sides ----------------------------------------- */

/* Bytes of the wire form of @rt (struct + message area); 0 if not encodable. */
size_t vfmig_agent_runtime_wire_size(const struct vfmig_dev_runtime *rt);
/*
 * Encode @rt into @buf (struct vfmig_agent_runtime then the message area).
 * Return: bytes written, -EINVAL for counts beyond their arrays, -ENOSPC
 * when @cap is too small.
 */
long vfmig_agent_runtime_encode(const struct vfmig_dev_runtime *rt, void *buf,
				size_t cap);
/*
 * Decode a validated wire runtime (@len bytes) into img->runtime, replacing
 * what was there. Return: 0, -ENOMEM, or -EBADMSG if @buf was not
 * validated.
 */
int vfmig_agent_runtime_decode(const void *buf, size_t len,
			       struct vfmig_dev_image *img);

/* ---- The agent (PF side) ------------------------------------------------- */

struct vfmig_agent;

/* Default per-queue QENA wait (i40e allows ~10 x 250 us per queue). */
#define VFMIG_AGENT_DEFAULT_TIMEOUT_US	10000

/*
 * An agent for the VFs 0..@num_vfs-1 of the PF @hw reached through @ops,
 * or ERR_PTR(-EINVAL / -ENOMEM).
 */
struct vfmig_agent *vfmig_agent_new(const struct vfmig_pf_hw_ops *ops,
				    void *hw, u16 num_vfs);
/* Releases every hold the agent still has on a VF, then frees @a. */
void vfmig_agent_free(struct vfmig_agent *a);

/*
 * Handle one request: validate it, run it, write the response. Returns the
 * response length (an error response for any failure, with its reason), or
 * -ENOSPC when @resp_cap cannot hold even an error response.
 */
int vfmig_agent_handle(struct vfmig_agent *a, const void *req, size_t req_len,
		       void *resp, size_t resp_cap);

/* The in-process transport: @t->call is vfmig_agent_handle() on @a. */
void vfmig_agent_local_transport(struct vfmig_agent *a,
				 struct vfmig_agent_transport *t);

/*
 * The operations themselves, for the message handler and for PF-side
 * callers. Every one returns 0 or a negative errno and, on failure, writes
 * a one-line reason into @reason (NULL allowed). All serialize on the
 * agent's lock.
 */
int vfmig_agent_limits(struct vfmig_agent *a, u16 vf,
		       struct vfmig_pf_vf_limits *lim);

/*
 * Quiesce: the PF host answers every mailbox request the VF already posted
 * and takes no new one; RX then TX queues are disabled, each waiting up to
 * @timeout_us for QENA_STAT. After it returns 0 the VF issues no DMA.
 * -ETIMEDOUT (or any error): every queue disabled so far is enabled again
 * and the mailbox released, the VF runs as before. Idempotent.
 */
int vfmig_agent_quiesce(struct vfmig_agent *a, u16 vf, u32 timeout_us,
			char *reason, size_t reason_len);

int vfmig_agent_snapshot_config(struct vfmig_agent *a, u16 vf,
				struct vfmig_agent_config *cfg);

/*
 * Runtime state into img->runtime: per configured queue the ring, the live
 * heads (TX from QTX_HEAD, RX from the context), the tails, enabled state;
 * the interrupt and mailbox register shadow; the stats; and the PF->VF
 * messages the PF host has not delivered. Unless @flags has
 * VFMIG_AGENT_SNAP_PEEK those are taken from the PF host and staged in the
 * agent (returned by every later snapshot, given back by resume(MBX)).
 * Call it on a quiesced VF for a consistent result.
 */
int vfmig_agent_snapshot_runtime(struct vfmig_agent *a, u16 vf, u32 flags,
				 struct vfmig_dev_image *img,
				 char *reason, size_t reason_len);

/*
 * Destination, during pre-copy: make the VF's filters, RSS, VSI, IRQ map,
 * version and caps those of @cfg (records in cfg->config.present; the others
 * keep their value), after checking them against this PF's limits. Queue
 * contexts are not touched.
 */
int vfmig_agent_pre_apply(struct vfmig_agent *a, u16 vf,
			  const struct vfmig_agent_config *cfg,
			  char *reason, size_t reason_len);

/*
 * Destination, at RESUMING -> STOP: validate the records of @cfg in
 * @cfg_mask and all of img->runtime against this PF's limits and the
 * resulting configuration; only if everything is valid, apply the
 * configuration, hold the mailbox, program the queue contexts with the saved
 * heads (queues stay disabled), the tails, the register shadow, and stage
 * the messages (delivered by resume(MBX)). On a validation error nothing is
 * touched.
 */
int vfmig_agent_restore(struct vfmig_agent *a, u16 vf, u32 cfg_mask,
			const struct vfmig_agent_config *cfg,
			const struct vfmig_dev_image *img,
			char *reason, size_t reason_len);

/*
 * QUEUES: enable, TX then RX, the queues quiesce disabled (source, cancel:
 * the contexts are untouched, so they resume from the same heads) or that
 * restore found enabled at the source (destination). MBX: give the staged
 * messages back to the PF host, then release the mailbox. Idempotent.
 */
int vfmig_agent_resume(struct vfmig_agent *a, u16 vf, u32 flags,
		       u32 timeout_us, char *reason, size_t reason_len);

int vfmig_agent_geometry(struct vfmig_agent *a, u16 vf,
			 struct vfmig_agent_geometry *geo);

/*
 * Forget the agent's state for @vf (the VF was reset, or its state is about
 * to be overwritten): staged messages are dropped, the quiesce bookkeeping
 * cleared, and the mailbox released unless VFMIG_AGENT_RESET_KEEP_HOLD.
 */
int vfmig_agent_reset(struct vfmig_agent *a, u16 vf, u32 flags);

#endif /* VFMIG_AGENT_H */
