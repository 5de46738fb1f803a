/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software DMA dirty tracking, portable.
 *
 * Neither the X710 VF nor the IOMMUs in front of it record the pages the
 * device writes, so the driver names them: on every trapped doorbell it reads
 * the newly posted descriptors and marks the pages they point at. This
 * tracker keeps those marks for the vfio_log_ops of the variant driver:
 *
 *   log_start(ranges, nnodes, &page_size)   vfmig_dirty_start()
 *   log_stop()                              vfmig_dirty_stop()
 *   log_read_and_clear(iova, length, bm)    vfmig_dirty_read_and_clear()
 *                                           with out->set = iova_bitmap_set
 *
 * Two kinds of dirtiness exist:
 *
 *   mark   an ordinary mark: reported by the next read_and_clear() whose
 *          window covers the page, which clears it.
 *   hold   a persistent, reference-counted mark for memory the device may
 *          write at any time later (posted RX buffers, rings of enabled
 *          queues): reported by every read_and_clear() until the last hold
 *          on the page is released. Releasing leaves an ordinary mark,
 *          because the device may have written the page after the last
 *          report.
 *
 * Memory grows with the pages marked or held, never with the span logged: a
 * log over 2^48 bytes costs a few hundred bytes until something is marked.
 * read_and_clear() costs time proportional to the marked and held entries in
 * its window, not to the window's length. See docs/dirty-tracking.md.
 *
 * Every tracker function takes its internal mutex; the out->set() callback
 * runs under it and must not call back into the tracker.
 */
#ifndef VFMIG_DIRTY_H
#define VFMIG_DIRTY_H

#include <vfmig/osdep.h>

/* Page sizes a log may use (struct vfio_device_feature_dma_logging_control). */
#define VFMIG_DIRTY_MIN_PAGE_SIZE	(4ULL << 10)
#define VFMIG_DIRTY_MAX_PAGE_SIZE	(2ULL << 20)

/*
 * Most ranges vfmig_dirty_start() accepts in one call (before merging). The
 * vfio core allows 256 (LOG_MAX_RANGES); the bound keeps the start-time
 * scratch allocation small whoever the caller is.
 */
#define VFMIG_DIRTY_MAX_INPUT_RANGES	65536U

struct vfmig_dirty;

/* One IOVA range to log: [iova, iova + length). */
struct vfmig_dirty_range {
	u64 iova;
	u64 length;
};

/*
 * Where a report goes. set() is called once per run of consecutive dirty
 * pages, in ascending IOVA order, never twice for the same page within one
 * read_and_clear() and never outside the window [iova, iova + length) asked
 * for; a run touching a window edge that is not page aligned is clipped to the
 * window and still names every page it touches (a partial page stands for the
 * whole page). The kernel glue passes iova_bitmap_set() and the iova_bitmap.
 */
struct vfmig_dirty_out {
	void (*set)(void *ctx, u64 iova, u64 length);
	void *ctx;
};

/*
 * A caller's plain bitmap: bit i stands for the page
 * [iova + i * page_size, iova + (i + 1) * page_size). Use
 * vfmig_dirty_bitmap_init() to fill it in and vfmig_dirty_bitmap_set() as
 * the out->set() callback (or vfmig_dirty_read_and_clear_bitmap()).
 */
struct vfmig_dirty_bitmap {
	u64 *bits;
	u64 iova;
	u64 nbits;
	u32 page_shift;
};

struct vfmig_dirty_stats {
	u64 marks;		/* vfmig_dirty_mark() calls while logging */
	u64 marks_not_logging;	/* mark() and hold() calls while not logging (ignored) */
	u64 marks_outside;	/* pages named by mark() or hold() outside every range (ignored) */
	u64 pages_marked_now;	/* pages carrying an ordinary mark */
	u64 pages_held;		/* pages with a hold count above zero */
	u64 reports;		/* successful read_and_clear() calls */
	u64 pages_reported;	/* pages named by those reports */
	u64 memory_bytes;	/* heap in use by the tracker, itself included */
	u64 page_size;		/* of the running log, 0 when not logging */
	u32 nr_ranges;		/* ranges tracked after merging, 0 when not logging */
	bool logging;
	bool lost;		/* a mark was lost to -ENOMEM: reports fail with -EIO */
};

/**
 * vfmig_dirty_new - create a tracker
 * @max_ranges: most ranges the tracker keeps; more are merged at start
 *
 * Return: the tracker, or ERR_PTR(-EINVAL) for @max_ranges 0,
 * ERR_PTR(-ENOMEM).
 */
struct vfmig_dirty *vfmig_dirty_new(u32 max_ranges);

/* Stops logging if needed and frees @d. NULL and error pointers are ignored. */
void vfmig_dirty_free(struct vfmig_dirty *d);

/**
 * vfmig_dirty_start - start logging
 * @d: tracker
 * @ranges: IOVA ranges to log, in any order
 * @nr: number of @ranges, 1..VFMIG_DIRTY_MAX_INPUT_RANGES
 * @page_size: in: the page size asked for; out: the one used (unchanged)
 *
 * Every range must be non-empty, aligned to *@page_size, must not overlap
 * another and must end below 2^64. When @nr exceeds the tracker's
 * max_ranges, ranges are merged exactly as vfio_combine_iova_ranges() does:
 * to one range from the lowest start to the highest end when max_ranges is
 * 1, otherwise by repeatedly merging the adjacent pair with the smallest gap
 * (the lowest such pair on ties). Pages in the gaps merged over are tracked.
 *
 * Return: 0; -EBUSY when already logging (the running log is untouched);
 * -EINVAL for a page size that is not a power of two in 4 KiB..2 MiB, @nr 0,
 * an empty, unaligned or overlapping range; -E2BIG for too many ranges;
 * -EOVERFLOW for a range that ends at or beyond 2^64; -ENOMEM.
 */
int vfmig_dirty_start(struct vfmig_dirty *d,
		      const struct vfmig_dirty_range *ranges, u32 nr,
		      u64 *page_size);

/*
 * Ends logging and frees every mark and hold. Idempotent: 0 when not
 * logging. Always returns 0.
 */
int vfmig_dirty_stop(struct vfmig_dirty *d);

/**
 * vfmig_dirty_mark - mark the pages [iova, iova + len) touches
 * @d: tracker
 * @iova: first byte, any alignment
 * @len: bytes; 0 marks nothing; a length running past 2^64 stops there
 *
 * Pages outside every logged range are ignored and counted in marks_outside:
 * the addresses come from guest descriptors. While not logging the call is
 * ignored and counted in marks_not_logging.
 *
 * Return: 0, or -ENOMEM; the log is then lost (every later report fails with
 * -EIO until the next stop), so that the migration fails instead of missing
 * a page.
 */
int vfmig_dirty_mark(struct vfmig_dirty *d, u64 iova, u64 len);

/**
 * vfmig_dirty_hold - add a persistent mark to the pages [iova, iova + len) touches
 * @d: tracker
 * @iova: first byte, any alignment
 * @len: bytes, as for vfmig_dirty_mark()
 *
 * Each page in a logged range gets one more hold; a page with holds is
 * reported by every read_and_clear(). Pages outside every range are ignored
 * (counted in marks_outside); while not logging the call is ignored (counted
 * in marks_not_logging). Holds end with the log: vfmig_dirty_stop() drops
 * them, and a hold from an earlier log cannot be released in a later one.
 *
 * Return: 0, or -ENOMEM: no hold was added and the log is lost (see
 * vfmig_dirty_mark()).
 */
int vfmig_dirty_hold(struct vfmig_dirty *d, u64 iova, u64 len);

/**
 * vfmig_dirty_release - drop one hold from the pages [iova, iova + len) touches
 * @d: tracker
 * @iova: first byte, any alignment
 * @len: bytes, as for vfmig_dirty_mark()
 *
 * Every released page also gets an ordinary mark, so it is reported at least
 * once more: the device may have written it after the last report. Ordinary
 * marks are never cleared here. Pages outside every range are ignored.
 *
 * Return: 0 (also while not logging: there are no holds); -EINVAL when a page
 * in a logged range has no hold (a caller bug: nothing is changed); -ENOMEM:
 * nothing is released and the log is lost.
 */
int vfmig_dirty_release(struct vfmig_dirty *d, u64 iova, u64 len);

/*
 * Drops every hold (the device is stopped), leaving an ordinary mark on each
 * page that was held. Returns 0, or -ENOMEM when a mark could not be
 * recorded: the holds are dropped anyway and the log is lost.
 */
int vfmig_dirty_release_all(struct vfmig_dirty *d);

/**
 * vfmig_dirty_read_and_clear - report and clear the dirty pages of a window
 * @d: tracker
 * @iova: window start, any alignment
 * @length: window length; a window running past 2^64 stops there
 * @out: receives the runs of dirty pages (see struct vfmig_dirty_out)
 *
 * Reports every page the window touches that is marked or held, clears the
 * ordinary marks of exactly those pages and keeps every hold. Only ever adds
 * to what @out holds. Costs time proportional to the marked and held entries
 * in the window.
 *
 * Return: 0; -EINVAL when not logging or @out has no set(); -EIO when the log
 * was lost to -ENOMEM (nothing is reported or cleared).
 */
int vfmig_dirty_read_and_clear(struct vfmig_dirty *d, u64 iova, u64 length,
			       const struct vfmig_dirty_out *out);

/**
 * vfmig_dirty_bitmap_init - describe a caller's bitmap
 * @bm: filled in
 * @bits: DIV_ROUND_UP(@nbits, 64) words, zeroed by the caller
 * @iova: IOVA of bit 0
 * @page_size: IOVA bytes per bit, a power of two
 * @nbits: number of bits
 *
 * Return: 0, -EINVAL for a bad @page_size, -EOVERFLOW when the bitmap would
 * describe IOVA at or beyond 2^64.
 */
int vfmig_dirty_bitmap_init(struct vfmig_dirty_bitmap *bm, u64 *bits,
			    u64 iova, u64 page_size, u64 nbits);

/*
 * out->set() for a struct vfmig_dirty_bitmap passed as ctx: sets the bit of
 * every page [iova, iova + length) touches; parts outside the bitmap are
 * ignored.
 */
void vfmig_dirty_bitmap_set(void *ctx, u64 iova, u64 length);

/*
 * read_and_clear() of the window a bitmap describes, into that bitmap (only
 * setting bits). Errors as vfmig_dirty_bitmap_init() and
 * vfmig_dirty_read_and_clear().
 */
int vfmig_dirty_read_and_clear_bitmap(struct vfmig_dirty *d, u64 iova,
				      u64 page_size, u64 nbits, u64 *bits);

void vfmig_dirty_get_stats(struct vfmig_dirty *d,
			   struct vfmig_dirty_stats *stats);

/*
 * Caps the memory the marks and holds may use (memory_bytes less the
 * tracker's fixed part and its ranges); 0, the default, is no cap. Going
 * past the cap is an allocation failure: the call returns -ENOMEM and the
 * log is lost. The kernel glue uses it to bound what a guest can make the
 * host allocate; a cap below the current use only stops further growth.
 */
void vfmig_dirty_set_mem_limit(struct vfmig_dirty *d, u64 bytes);

/*
 * Copies up to @max of the ranges being logged (after merging), ascending,
 * into @ranges. Returns how many the log has (0 when not logging).
 */
u32 vfmig_dirty_get_ranges(struct vfmig_dirty *d,
			   struct vfmig_dirty_range *ranges, u32 max);

#endif /* VFMIG_DIRTY_H */
