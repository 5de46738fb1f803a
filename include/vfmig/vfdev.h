/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migratable X710 VF: one object per VF, portable.
 *
 * struct vfmig_vfdev implements the VFIO migration uAPI v2 arcs of
 * DESIGN.md for one VF by calling the PF agent through its transport
 * (agent.h), produces the device-state stream on the source and consumes it
 * on the destination (stream.h), and owns the VF's BAR0 mediation and DMA
 * dirty tracker (mediate.h). The kernel glue (driver/) maps
 * vfio_migration_ops, the migration data files, and vfio_log_ops onto it;
 * the lab calls it directly. docs/migration.md is the normative
 * description of every arc.
 *
 * Locking: state_mutex serializes the arcs, the save/resume data calls and
 * the queries. No call holds it across a user copy: the save side copies
 * produced bytes into a caller's (kernel) buffer, the resume side takes
 * bytes from one, and the glue does copy_to_user()/copy_from_user() outside.
 * The migration arcs take the mediate lock inside state_mutex; interrupts
 * use their own leaf lock (irq_lock), so the device may raise them from any
 * context that may take a mutex.
 */
#ifndef VFMIG_VFDEV_H
#define VFMIG_VFDEV_H

#include <vfmig/osdep.h>
#include <vfmig/fsm.h>
#include <vfmig/agent.h>
#include <vfmig/stream.h>
#include <vfmig/dirty.h>
#include <vfmig/mediate.h>

/* Longest reason vfmig_vfdev_reason() gives, NUL included. */
#define VFMIG_VFDEV_REASON_LEN	256

/* What the device supports: STOP_COPY, P2P and PRE_COPY. */
#define VFMIG_VFDEV_MIG_FLAGS	(VFMIG_MIGRATION_STOP_COPY | \
				 VFMIG_MIGRATION_P2P | \
				 VFMIG_MIGRATION_PRE_COPY)

/**
 * struct vfmig_vfdev_ops - how the VF object reaches the world
 * @dma_read: read guest memory at IOVA @iova (descriptors posted by the
 *	guest); 0 or -EFAULT. The kernel glue uses vfio_dma_rw().
 * @bar0_read: 32-bit read of the VF's BAR0 at @off (the real register)
 * @bar0_write: 32-bit write of the VF's BAR0 at @off
 * @irq_deliver: deliver an interrupt that was held while the device was
 *	not RUNNING (optional)
 */
struct vfmig_vfdev_ops {
	int (*dma_read)(void *ctx, u64 iova, void *buf, u32 len);
	int (*bar0_read)(void *ctx, u32 off, u32 *val);
	int (*bar0_write)(void *ctx, u32 off, u32 val);
	void (*irq_deliver)(void *ctx, u16 vector);
};

/**
 * struct vfmig_vfdev_cfg - what vfmig_vfdev_new() needs
 * @vf: the VF's number on its PF
 * @ops: callbacks (copied by pointer; must outlive the object)
 * @ctx: passed to @ops
 * @agent: the transport to the PF agent
 * @timeout_us: per-queue QENA wait for quiesce and resume (0: default)
 * @dirty_max_ranges: ranges the dirty tracker keeps (0: 256, vfio's limit)
 */
struct vfmig_vfdev_cfg {
	u16 vf;
	const struct vfmig_vfdev_ops *ops;
	void *ctx;
	struct vfmig_agent_transport agent;
	u32 timeout_us;
	u32 dirty_max_ranges;
};

/* The save stream of a source (private to vfdev.c). */
struct vfmig_vfdev_save {
	bool open;
	bool done;
	struct vfmig_stream_writer w;
	size_t initial_len;
	u64 read_pos;
	struct vfmig_agent_config *cfg;
	struct vfmig_match match;
};

/*
 * The resume stream of a destination (private to vfdev.c). @undo_needed:
 * something of the stream reached the PF host (pre-apply or restore), so
 * closing the stream without success must put vdev->undo back. @err: the
 * write that refused the stream, repeated by every later write and by
 * RESUMING -> STOP, with @err_reason.
 */
struct vfmig_vfdev_resume {
	struct vfmig_stream_parser *p;
	struct vfmig_pf_vf_limits lim;
	u32 applied;
	bool match_ok;
	bool undo_needed;
	int err;
	char err_reason[VFMIG_VFDEV_REASON_LEN];	/* why @err was latched */
};

/* Every field is private: use the functions below. */
struct vfmig_vfdev {
	struct vfmig_mutex state_mutex;
	enum vfmig_mig_state state;
	u16 vf;
	const struct vfmig_vfdev_ops *ops;
	void *ctx;
	struct vfmig_agent_transport agent;
	u32 timeout_us;
	bool quiesced;
	struct vfmig_dev_image *frozen;
	struct vfmig_vfdev_save save;
	struct vfmig_vfdev_resume resume;
	struct vfmig_agent_config *cfg;
	struct vfmig_agent_config *undo;
	char reason[VFMIG_VFDEV_REASON_LEN];

	struct vfmig_mutex irq_lock;
	bool irq_held;
	u32 irq_pending[DIV_ROUND_UP(VFMIG_MAX_MSIX, 32)];

	struct vfmig_dirty *dirty;
	struct vfmig_mediate med;
};

/* A VF object in state RUNNING, or ERR_PTR(-EINVAL / -ENOMEM). */
struct vfmig_vfdev *vfmig_vfdev_new(const struct vfmig_vfdev_cfg *cfg);
/* Frees the object (streams, tracker); the agent's holds are released. */
void vfmig_vfdev_free(struct vfmig_vfdev *vdev);

/**
 * vfmig_vfdev_set_state - move the device to @target
 * @vdev: the VF
 * @target: any state but ERROR
 *
 * Walks single arcs with vfmig_fsm_next_state() under state_mutex, as the
 * vfio core's set_state does. On failure the device stays in the state
 * reached by the last arc that succeeded, or goes to ERROR when the failed
 * arc could not leave a valid state (see docs/migration.md); the reason is
 * available from vfmig_vfdev_reason().
 *
 * Return: 0, or the failed arc's negative errno (-EINVAL for a target that
 * cannot be reached).
 */
int vfmig_vfdev_set_state(struct vfmig_vfdev *vdev, enum vfmig_mig_state target);
enum vfmig_mig_state vfmig_vfdev_get_state(struct vfmig_vfdev *vdev);

/* Copy the one-line reason of the last failure ("" if none) into @buf. */
void vfmig_vfdev_reason(struct vfmig_vfdev *vdev, char *buf, size_t len);

/*
 * VFIO_DEVICE_RESET / FLR: the VF was reset. Drops any stream, forgets the
 * agent's state for the VF, ends every hold, drops held interrupts; the
 * device is RUNNING again (the way out of ERROR).
 */
void vfmig_vfdev_reset(struct vfmig_vfdev *vdev);

/* ---- Save side ------------------------------------------------------------ */

/**
 * vfmig_vfdev_save_read - copy produced stream bytes
 * @vdev: the VF, in PRE_COPY, PRE_COPY_P2P or STOP_COPY
 * @pos: stream offset to read from
 * @buf: destination (a kernel buffer: state_mutex is held while copying)
 * @len: bytes wanted
 * @eof: out (may be NULL): the stream is complete and @pos + return value
 *	is its end
 *
 * Return: bytes copied; 0 when nothing is produced beyond @pos: "no more
 * for now" in PRE_COPY* (the kernel glue returns -ENOMSG to read() then, as
 * the uAPI asks), the end of the stream in STOP_COPY (*@eof true);
 * -ENODEV when no save stream is open.
 */
long vfmig_vfdev_save_read(struct vfmig_vfdev *vdev, u64 pos, void *buf,
			   size_t len, bool *eof);

/**
 * vfmig_vfdev_save_pending - what a read at @pos would find, without reading
 * @vdev: the VF
 * @pos: stream offset
 * @eof: out: the stream is complete and @pos is its end
 *
 * For poll(): readable when this returns > 0 or sets *@eof. In PRE_COPY*
 * a 0 with *@eof false is the temporary end of the pre-copy data.
 * Return: bytes produced beyond @pos; -ENODEV when no save stream is open.
 */
long vfmig_vfdev_save_pending(struct vfmig_vfdev *vdev, u64 pos, bool *eof);

/**
 * vfmig_vfdev_precopy_info - VFIO_MIG_GET_PRECOPY_INFO
 * @initial_bytes: bytes of the initial data (MATCH and the pre-copy CONFIG
 *	records) not yet read
 * @dirty_bytes: bytes of CONFIG records that changed since they were
 *	produced; the format sends them again in the stop-copy section, so
 *	this does not decrease before STOP_COPY
 *
 * Return: 0, -EINVAL outside PRE_COPY and PRE_COPY_P2P, or the agent's error.
 */
int vfmig_vfdev_precopy_info(struct vfmig_vfdev *vdev, u64 *initial_bytes,
			     u64 *dirty_bytes);

/**
 * vfmig_vfdev_data_size - VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
 * @stop_copy_length: out, the exact number of bytes a read of the save
 *	stream would still yield if the device went to STOP_COPY now: unread
 *	produced bytes plus, computed with the stream's size functions from
 *	the current configuration and runtime state, the records still to
 *	come (MATCH and CONFIG when no pre-copy ran; STOPCOPY, changed CONFIG,
 *	RUNTIME, END). Exact unless the state changes before the stop (while
 *	the device runs, PF->VF messages not yet produced cannot be counted).
 *	The uAPI allows the query in every state: in RESUMING and ERROR it is
 *	the stream the VF's present state would make.
 *
 * Return: 0, or the agent's error.
 */
int vfmig_vfdev_data_size(struct vfmig_vfdev *vdev, u64 *stop_copy_length);

/* ---- Resume side ---------------------------------------------------------- */

/**
 * vfmig_vfdev_resume_write - feed the next bytes of the stream
 * @vdev: the VF, in RESUMING
 * @buf: the bytes (a kernel buffer)
 * @len: any number of them
 *
 * MATCH is checked against this VF as soon as it is complete; an
 * incompatible stream is refused here, during pre-copy, with a reason.
 * CONFIG records that arrive before STOPCOPY are pre-applied through the
 * agent (filters, RSS, VSI, IRQ map) so stop-copy carries runtime state
 * only. After an error every later write returns the same error.
 *
 * Return: @len, or a negative errno (-ENODEV outside RESUMING).
 */
long vfmig_vfdev_resume_write(struct vfmig_vfdev *vdev, const void *buf,
			      size_t len);

/*
 * Switchover-ack: the stream's MATCH was accepted and every CONFIG record
 * received so far in the pre-copy section is applied to the VF. An engine
 * that has written all of the source's initial bytes may switch over.
 */
bool vfmig_vfdev_precopy_config_applied(struct vfmig_vfdev *vdev);

/* ---- Interrupts ------------------------------------------------------------- */

/*
 * The device raised MSI-X vector @vector. Return true: deliver it now;
 * false: the device is not RUNNING, the interrupt is held and delivered
 * through ops->irq_deliver on the arc to RUNNING.
 */
bool vfmig_vfdev_irq(struct vfmig_vfdev *vdev, u16 vector);

#endif /* VFMIG_VFDEV_H */
