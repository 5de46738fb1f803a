/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration engine, following QEMU (migration/ram.c, hw/vfio/
 * migration.c): a source half and a destination half that talk only
 * through two struct lab_link (the migration stream and its return path),
 * reach their devices only through struct vfmig_vfio_dev, and reach the VM
 * only through hooks. Both are stepped by the caller's simulation loop;
 * nothing here knows there is one process (issue 6 puts the halves in two).
 *
 * Source:
 *   setup      device DMA logging over guest RAM, guest CPU write tracking,
 *              RUNNING -> PRE_COPY, the initial device data (MATCH, CONFIG)
 *              sent first
 *   iterate    round 0 sends every page; each later round sends the pages
 *              the guest CPU dirtied plus those the device tracker
 *              reported, paced at the link's bandwidth while the guest
 *              runs; after each round the dirty state is synced and the
 *              device asked for pre-copy data and its stop-copy size
 *   converge   when remaining bytes <= bandwidth x downtime-limit (or after
 *              max rounds) and the destination acked the switchover
 *   stop       vCPU stop; arcs walked with vfmig_fsm_next_state(): to the
 *              P2P state (quiesce), to STOP_COPY (snapshot); stop-copy data
 *              read; final sync (CPU + device report); log stop; the rest of
 *              the pages, the device data, COMPLETE
 *   finish     on RESUMED: STOP_COPY -> STOP (the stream is released)
 * Destination:
 *   SETUP      device to RESUMING
 *   data       pages into RAM; device data into resume_write() in random
 *              sizes; after the initial data, the switchover-ack once the
 *              device says it is loaded (MATCH checked, CONFIG pre-applied)
 *   COMPLETE   RESUMING -> STOP (validate, restore), STOP -> RUNNING_P2P ->
 *              RUNNING, the vCPU runs here, RESUMED
 * Cancel (--cancel-at, a refusal, a failed destination): the source walks
 * back to RUNNING with the same helper, stops logging, resumes its vCPU;
 * the destination resets its device.
 */
#ifndef VFMIG_LAB_MIG_H
#define VFMIG_LAB_MIG_H

#include "guestmem.h"
#include "link.h"
#include "vfio_dev.h"

enum lab_mig_msg_type {
	LAB_MIG_SETUP = 1,	/* arg: RAM bytes */
	LAB_MIG_PAGES,		/* data: n x { le64 pfn, 4096 bytes } */
	LAB_MIG_DEV,		/* arg: 0 pre-copy, 1 stop-copy; data: stream bytes */
	LAB_MIG_COMPLETE,	/* everything was sent */
	LAB_MIG_CANCEL,		/* data (optional): why */
	LAB_MIG_ACK,		/* return path: switchover-ack */
	LAB_MIG_ERROR,		/* return path: data is a one-line reason; arg 1: the
				 * destination cancelled on request, 2: the link broke */
	LAB_MIG_RESUMED,	/* return path: the VM runs at the destination */
};

enum lab_mig_outcome {
	LAB_MIG_IDLE,
	LAB_MIG_ACTIVE,
	LAB_MIG_DONE,		/* the VM runs at the destination */
	LAB_MIG_CANCELLED,	/* --cancel-at: the source runs on */
	LAB_MIG_REFUSED,	/* the destination refused: the source runs on */
	LAB_MIG_FAILED,		/* something broke */
};

const char *lab_mig_outcome_name(enum lab_mig_outcome o);

struct lab_mig_params {
	u64 bandwidth_bps;		/* bits per second of virtual time */
	u64 downtime_limit_ns;
	u32 max_rounds;
	bool device_precopy;		/* use PRE_COPY (else RUNNING_P2P/STOP path) */
	int cancel_at;			/* enum vfmig_mig_state, -1: never */
	bool drop_device_report;	/* negative control: ignore the tracker */
	bool drop_cpu_dirty;		/* negative control: ignore guest CPU writes */
	bool skip_final_pages;		/* negative control: no stop-copy RAM */
	u32 pages_per_msg;
	u64 step_ns;			/* the caller's step: pacing slack */
	u64 seed;			/* destination write sizes */
	u64 cancel_hold_ns;		/* --cancel-at: stay in the state this long */
};

/* The lab's time: host CPU work (wall) plus what it waited in virtual time. */
struct lab_phase {
	u64 wall_ns;
	u64 virt_ns;
};

static inline u64 lab_phase_ns(const struct lab_phase *p)
{
	return p->wall_ns + p->virt_ns;
}

struct lab_mig_src;

struct lab_mig_hooks {
	/* the caller's virtual time, after arcs that ran the model */
	u64 (*now)(void *ctx);
	void (*vcpu_stop)(void *ctx);
	void (*vcpu_resume)(void *ctx);		/* source, after a cancel */
	void (*log_started)(void *ctx);
	void (*page_sent)(void *ctx, u64 pfn);
	void (*dev_report)(void *ctx, const u64 *bitmap, u64 npages);
	void (*src_stopped)(void *ctx);		/* final sync done: no more DMA */
	void (*dest_loaded)(void *ctx);		/* all data in, device not restored */
	void (*dest_running)(void *ctx);	/* the vCPU runs at the destination */
	/* optional: a pre-copy round ended (progress display) */
	void (*round_end)(void *ctx, const struct lab_mig_src *s);
	/* optional: the destination stored page @pfn (its new bytes at @data) */
	void (*page_received)(void *ctx, u64 pfn, const u8 *data);
	void *ctx;
};

/* Per pre-copy round, for reports and the bench. */
struct lab_mig_round {
	u64 pages_sent;
	u64 cpu_dirty;		/* pages the guest CPU wrote (at the sync ending it) */
	u64 dev_dirty;		/* pages the device tracker reported */
	u64 end_ns;
};

#define LAB_MIG_MAX_ROUNDS	256

enum lab_src_state {
	SRC_IDLE, SRC_PRECOPY, SRC_SENDING, SRC_WAIT_DEST, SRC_CANCEL_HOLD, SRC_END,
};

struct lab_mig_src {
	struct lab_mig_params p;
	struct lab_mig_hooks h;
	struct vfmig_vfio_dev *dev;
	struct lab_ram *ram;
	struct lab_link *out;		/* to the destination */
	struct lab_link *in;		/* return path */
	enum lab_src_state state;
	enum lab_mig_outcome outcome;
	char error[256];

	u64 npages;
	u64 *set;			/* pages to send in this round */
	u64 *scratch;
	u64 cursor;
	u32 rounds;			/* completed rounds */
	bool acked;
	bool logging;
	bool wp;
	bool vcpu_stopped;
	u64 cancel_deadline;		/* SRC_CANCEL_HOLD: cancel at this time */
	u8 *stop_data;			/* stop-copy device data */
	u64 stop_len;

	/* figures */
	u64 ram_bytes;
	u64 pages_sent;
	u64 dev_bytes_precopy;
	u64 dev_bytes_stopcopy;
	u64 dev_reports;
	u64 dev_pages_reported;		/* sum over reports */
	u64 last_remaining;
	u64 last_threshold;		/* bandwidth x downtime-limit, bytes */
	u64 last_rate_Bps;		/* the bandwidth it planned with */
	struct lab_mig_round round[LAB_MIG_MAX_ROUNDS];
	u64 t_start, t_vcpu_stop, t_send_start, t_end;
	struct lab_phase quiesce, snapshot;
	struct lab_phase cpu_sync;	/* final guest CPU dirty sync (not the VF's) */
	u32 arcs;
};

enum lab_dst_state {
	DST_IDLE, DST_RESUMING, DST_END,
};

struct lab_mig_dst {
	struct lab_mig_params p;
	struct lab_mig_hooks h;
	struct vfmig_vfio_dev *dev;
	struct lab_ram *ram;
	struct lab_link *in;
	struct lab_link *out;		/* return path */
	enum lab_dst_state state;
	enum lab_mig_outcome outcome;
	char error[256];
	u64 rng;
	bool acked;
	u64 pages;
	u64 dev_bytes;
	u64 writes;
	u64 t_complete, t_running;
	struct lab_phase restore, resume;
};

void lab_mig_src_init(struct lab_mig_src *s, const struct lab_mig_params *p,
		      const struct lab_mig_hooks *h, struct vfmig_vfio_dev *dev,
		      struct lab_ram *ram, struct lab_link *out,
		      struct lab_link *in);
void lab_mig_src_free(struct lab_mig_src *s);
/* Begin at @now (setup); the outcome is ACTIVE or already final. */
void lab_mig_src_start(struct lab_mig_src *s, u64 now);
void lab_mig_src_step(struct lab_mig_src *s, u64 now);

void lab_mig_dst_init(struct lab_mig_dst *d, const struct lab_mig_params *p,
		      const struct lab_mig_hooks *h, struct vfmig_vfio_dev *dev,
		      struct lab_ram *ram, struct lab_link *in,
		      struct lab_link *out);
void lab_mig_dst_step(struct lab_mig_dst *d, u64 now);

#endif /* VFMIG_LAB_MIG_H */
