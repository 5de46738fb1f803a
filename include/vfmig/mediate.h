/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BAR0 mediation and the DMA dirty-tracking hooks of one VF, portable.
 *
 * The VF's BAR0 pages that hold the doorbells (TX tails 0x0000, RX tails
 * 0x2000, ARQ tail 0x7000) are never mapped to userspace: every access to
 * them comes through vfmig_vf_bar0_read()/vfmig_vf_bar0_write(). A tail
 * write tells the driver which descriptors the guest just handed to the
 * device; mediation reads them (through the dma_read callback) and holds
 * the pages the device may now write in the dirty tracker, before the write
 * reaches the device. docs/migration.md ("What is tracked") says what is
 * held, when it is released, and why that is sound.
 *
 * Locking: struct vfmig_mediate.lock serializes BAR0 writes with the
 * tracking hooks the migration arcs call (which hold state_mutex first):
 * state_mutex -> mediate lock -> agent -> tracker. Callbacks (dma_read,
 * bar0_read/write, the agent transport) run under the mediate lock and must
 * not call back into mediation.
 */
#ifndef VFMIG_MEDIATE_H
#define VFMIG_MEDIATE_H

#include <vfmig/osdep.h>
#include <vfmig/agent.h>
#include <vfmig/dirty.h>
#include <vfmig/x710_regs.h>

struct vfmig_vfdev;

/* ---- Which BAR0 ranges are trapped --------------------------------------- */

/* A range of BAR0: [offset, offset + size). */
struct vfmig_bar0_range {
	u32 offset;
	u32 size;
};

/*
 * The trapped pages, ascending: the kernel glue leaves exactly these out of
 * the region's sparse-mmap capability (vfmig_bar0_mmap_areas() computes the
 * complement) and routes accesses to them to vfmig_vf_bar0_read/write().
 */
extern const struct vfmig_bar0_range vfmig_bar0_trapped[VFMIG_VF_NR_TRAPPED_PAGES];

/*
 * The parts of BAR0 userspace may mmap on a host with @host_page_size pages:
 * BAR0 less the trapped pages, each area aligned to @host_page_size. When a
 * host page is larger than a trap page nothing can be mapped around the
 * traps and the answer is 0 areas (the whole BAR is trapped).
 * Return: areas written (<= @max), or -EINVAL (page size not a power of two
 * of at least 4 KiB), -ENOSPC (more than @max areas).
 */
int vfmig_bar0_mmap_areas(u64 host_page_size, struct vfmig_bar0_range *areas,
			  u32 max);

/* ---- Mediation state (embedded in struct vfmig_vfdev) --------------------- */

/*
 * One posted RX buffer (data and header) or ARQ buffer (data only). ARQ
 * slots hold their buffer; RX slots are pending until the device is seen
 * to have completed them (@done), see mediate.c.
 */
struct vfmig_med_slot {
	u64 pkt;
	u64 hdr;		/* RX header buffer; ARQ: buffer length */
	u32 epoch;		/* valid when == med->epoch while logging */
	bool done;		/* RX: completion seen and the buffers marked */
};

struct vfmig_med_txq {
	struct vfmig_agent_geo_txq geo;	/* cached context */
	u32 gen;			/* med->gen when @geo was read */
	u32 ring_epoch;			/* ring + head WB held in that epoch */
	u64 held_base;
	u64 held_wb;
	u32 held_len;
};

struct vfmig_med_rxq {
	struct vfmig_agent_geo_rxq geo;
	u32 gen;
	u32 ring_epoch;
	u32 scan_epoch;			/* every slot scanned in that epoch */
	u64 held_base;
	u32 held_len;
	u32 held_dlen;			/* buffer lengths the slot holds use */
	u32 held_hlen;
	u16 nslots;
	u16 tail;
	bool tail_valid;
	struct vfmig_med_slot *slots;	/* @nslots, while logging */
};

/* The mailbox queues: ARQ (device writes buffers and descriptors), ATQ (DD). */
struct vfmig_med_aq {
	u64 arq_base;
	u64 atq_base;
	u16 arq_len;
	u16 atq_len;
	u32 gen;
	u32 arq_ring_epoch;
	u32 atq_ring_epoch;
	u32 scan_epoch;
	u64 held_arq_base;
	u64 held_atq_base;
	u32 held_arq_len;
	u32 held_atq_len;
	u16 nslots;
	u16 tail;
	bool tail_valid;
	struct vfmig_med_slot *slots;
};

struct vfmig_mediate_stats {
	u64 reads;		/* trapped reads forwarded */
	u64 writes;		/* trapped writes forwarded */
	u64 writes_dropped;	/* while the device is stopped */
	u64 bad_accesses;	/* size, alignment or offset refused */
	u64 tail_writes;	/* TX, RX and ARQ tail writes */
	u64 bad_tails;		/* tail at or beyond the ring (device ignores) */
	u64 desc_reads;		/* descriptors read from guest memory */
	u64 dma_errors;		/* descriptor reads that failed */
	u64 geometry_queries;	/* GEOMETRY calls to the agent */
	u64 geometry_errors;
	u64 holds;		/* hold calls that succeeded */
	u64 releases;
	u64 full_scans;		/* whole-ring rescans */
	u64 rx_completions;	/* RX slots seen done by a report's ring scan */
	u64 rx_unreached;	/* RX slots the stopped device never reached */
};

struct vfmig_mediate {
	struct vfmig_mutex lock;
	bool running;		/* the device may DMA; writes are forwarded */
	bool logging;		/* a dirty log is running */
	bool lost;		/* tracking failed: reports fail until log stop */
	u32 gen;		/* bumped to invalidate cached geometry */
	u32 epoch;		/* bumped when every hold ends */
	struct vfmig_med_txq txq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_med_rxq rxq[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_med_aq aq;
	struct vfmig_agent_geometry *geo;	/* scratch */
	u8 *scratch;				/* descriptor reads */
	struct vfmig_mediate_stats stats;
};

/* ---- Trapped BAR0 accesses ------------------------------------------------ */

/**
 * vfmig_vf_bar0_read - a guest read of a trapped BAR0 register
 * @vdev: the VF
 * @offset: BAR0 offset, in a trapped page, 4-byte aligned
 * @value: out, the register value
 * @size: access size; only 4 (the X710 BAR0 is 32-bit registers)
 *
 * Return: 0; -EINVAL (with a debug line) for an access outside the trapped
 * pages, misaligned or of another size; the device read's error.
 */
int vfmig_vf_bar0_read(struct vfmig_vfdev *vdev, u64 offset, u64 *value,
		       u32 size);

/**
 * vfmig_vf_bar0_write - a guest write to a trapped BAR0 register
 * @vdev: the VF
 * @offset: BAR0 offset, in a trapped page, 4-byte aligned
 * @value: the value (the low 32 bits are written)
 * @size: 4
 *
 * Tail writes are tracked first (descriptors read, pages held), then the
 * write reaches the device, whatever its value: a tail beyond the ring or
 * a write to a disabled queue is the device's business, as on hardware.
 * While the device is stopped (STOP, STOP_COPY, RESUMING) the write is
 * dropped: a stopped device must not change state. A hostile value costs at
 * most one ring of descriptor reads and one agent query.
 *
 * Return: 0; -EINVAL for an invalid access (not forwarded); the device
 * write's error.
 */
int vfmig_vf_bar0_write(struct vfmig_vfdev *vdev, u64 offset, u64 value,
			u32 size);

/* ---- Dirty logging (vfio_log_ops) ------------------------------------------ */

/*
 * log_start: start the tracker (see vfmig_dirty_start()), then hold what a
 * running device may write now: the rings of every configured queue, the
 * buffers of every RX and ARQ slot, the mailbox rings.
 */
int vfmig_vf_log_start(struct vfmig_vfdev *vdev,
		       const struct vfmig_dirty_range *ranges, u32 nr,
		       u64 *page_size);
/* log_stop: stops the tracker (every hold ends with it). */
int vfmig_vf_log_stop(struct vfmig_vfdev *vdev);
/*
 * log_read_and_clear: first marks the buffers of the RX slots the running
 * device completed since the last look (a scan of each RX ring for DD),
 * then vfmig_dirty_read_and_clear() on the VF's tracker; -EIO when
 * mediation could not track (memory), so the migration fails rather than
 * miss a page.
 */
int vfmig_vf_log_read_and_clear(struct vfmig_vfdev *vdev, u64 iova,
				u64 length, const struct vfmig_dirty_out *out);

/* Copy of the counters. */
void vfmig_vf_mediate_stats(struct vfmig_vfdev *vdev,
			    struct vfmig_mediate_stats *st);

/* ---- Hooks for the device object (driver/core/vfdev.c) --------------------- */

int vfmig_mediate_init(struct vfmig_mediate *med);
void vfmig_mediate_destroy(struct vfmig_mediate *med);

/*
 * The device stopped DMA (quiesced and frozen): look at the queues one last
 * time, mark the buffers of every RX slot the device may have completed
 * (all slots outside [RX head, tail)), end every hold (release_all leaves a
 * final mark on each) and drop trapped writes from now on. Takes the
 * mediate lock.
 */
void vfmig_mediate_device_stopped(struct vfmig_vfdev *vdev);
/* The device runs again: forward writes, and hold everything anew. */
void vfmig_mediate_device_running(struct vfmig_vfdev *vdev);
/* Queue contexts may have changed (restore, reset): read them again. */
void vfmig_mediate_invalidate(struct vfmig_vfdev *vdev);
/* The VF was reset: its rings are gone; every hold ends, tails forgotten. */
void vfmig_mediate_reset(struct vfmig_vfdev *vdev);

#endif /* VFMIG_MEDIATE_H */
