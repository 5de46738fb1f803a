// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the software DMA dirty tracker (driver/core/dirty.c).
 *
 * The randomized tests replay thousands of operations against two reference
 * models written here from the specification, independently of the
 * tracker's data structures: a dense per-page model of a small span, and a
 * sparse model of a fixed pool of pages scattered over 2^48 bytes (which
 * drives the tracker's trees through many splits and merges). Every report
 * is compared page by page, and every out->set() call is checked for
 * staying inside its window, ascending order and coalescing.
 */
#include "harness.h"
#include <vfmig/dirty.h>
#include <vfmig/osdep_user_ctl.h>

#define KIB	(1ULL << 10)
#define MIB	(1ULL << 20)
#define GIB	(1ULL << 30)
#define PG	(4 * KIB)

/* ---- Recording out->set() ---------------------------------------------- */

#define REC_MAX_RUNS 64

struct rec {
	u64 win_first, win_last;	/* window bytes, inclusive */
	u32 shift;			/* tracker page shift */
	u64 calls;
	u64 pages;			/* pages named, by tracker page */
	bool have_prev;
	u64 prev_last;
	unsigned int bad_bounds, bad_order, not_coalesced, bad_len;
	/* First runs, for exact checks. */
	u64 run_iova[REC_MAX_RUNS], run_len[REC_MAX_RUNS];
	/* Dense capture of [base, base + npages pages), if got != NULL. */
	u64 base;
	u64 npages;
	u8 *got;
	u64 outside_span;
};

static void rec_reset(struct rec *r, u64 iova, u64 length, u32 shift)
{
	r->win_first = iova;
	r->win_last = length ? (iova + length - 1 < iova ? U64_MAX :
				iova + length - 1) : iova;
	r->shift = shift;
	r->calls = 0;
	r->pages = 0;
	r->have_prev = false;
	r->bad_bounds = r->bad_order = r->not_coalesced = r->bad_len = 0;
	r->outside_span = 0;
	if (r->got)
		memset(r->got, 0, r->npages);
}

static void rec_set(void *ctx, u64 iova, u64 length)
{
	struct rec *r = ctx;
	u64 last, p, pfirst, plast;

	if (!length || iova + length - 1 < iova) {
		r->bad_len++;
		return;
	}
	last = iova + length - 1;
	if (iova < r->win_first || last > r->win_last)
		r->bad_bounds++;
	pfirst = iova >> r->shift;
	plast = last >> r->shift;
	if (r->have_prev) {
		if (iova <= r->prev_last || pfirst <= r->prev_last >> r->shift)
			r->bad_order++;
		else if (pfirst == (r->prev_last >> r->shift) + 1)
			r->not_coalesced++;
	}
	r->have_prev = true;
	r->prev_last = last;
	if (r->calls < REC_MAX_RUNS) {
		r->run_iova[r->calls] = iova;
		r->run_len[r->calls] = length;
	}
	r->calls++;
	r->pages += plast - pfirst + 1;
	if (!r->got)
		return;
	for (p = pfirst; ; p++) {
		if (p >= (r->base >> r->shift) &&
		    p - (r->base >> r->shift) < r->npages)
			r->got[p - (r->base >> r->shift)] = 1;
		else
			r->outside_span++;
		if (p == plast)
			break;
	}
}

static int rec_read(struct vfmig_dirty *d, struct rec *r, u64 iova,
		    u64 length, u32 shift)
{
	struct vfmig_dirty_out out = { .set = rec_set, .ctx = r };

	rec_reset(r, iova, length, shift);
	return vfmig_dirty_read_and_clear(d, iova, length, &out);
}

#define CHECK_REC_CLEAN(r) do {						\
	CHECK_EQ((r)->bad_bounds, 0);					\
	CHECK_EQ((r)->bad_order, 0);					\
	CHECK_EQ((r)->not_coalesced, 0);				\
	CHECK_EQ((r)->bad_len, 0);					\
} while (0)

static struct vfmig_dirty_stats stats_of(struct vfmig_dirty *d)
{
	struct vfmig_dirty_stats st;

	vfmig_dirty_get_stats(d, &st);
	return st;
}

static u64 mem_of(struct vfmig_dirty *d)
{
	return stats_of(d).memory_bytes;
}

/* ---- Reference merge: vfio_combine_iova_ranges()'s algorithm, naively ---- */

struct ref_range {
	u64 start, last;	/* inclusive, like interval_tree_node */
};

static u32 ref_combine(const struct vfmig_dirty_range *in, u32 n, u32 req,
		       struct ref_range *r)
{
	u32 i, j, at = 0;
	u64 gap, min_gap;
	struct ref_range t;

	for (i = 0; i < n; i++) {
		r[i].start = in[i].iova;
		r[i].last = in[i].iova + in[i].length - 1;
	}
	/* Insertion sort by start: the interval tree's iteration order. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && r[j - 1].start > r[j].start; j--) {
			t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	if (n <= req)
		return n;
	if (req == 1) {
		r[0].last = r[n - 1].last;
		return 1;
	}
	while (n > req) {
		min_gap = U64_MAX;
		for (i = 1; i < n; i++) {
			gap = r[i].start - r[i - 1].last;
			if (gap < min_gap) {
				min_gap = gap;
				at = i;
			}
		}
		r[at - 1].last = r[at].last;
		for (i = at; i + 1 < n; i++)
			r[i] = r[i + 1];
		n--;
	}
	return n;
}

/* Starts @d on @in and checks the tracked ranges against ref_combine(). */
static void check_merge(u32 max, const struct vfmig_dirty_range *in, u32 n,
			const struct vfmig_dirty_range *want, u32 nwant)
{
	struct vfmig_dirty_range got[16];
	struct ref_range ref[64];
	struct vfmig_dirty *d = vfmig_dirty_new(max);
	u64 ps = PG;
	u32 i, nref, ngot;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, in, n, &ps), 0);
	CHECK_EQ(ps, PG);
	ngot = vfmig_dirty_get_ranges(d, got, 16);
	CHECK_EQ(ngot, nwant);
	nref = ref_combine(in, n, max, ref);
	CHECK_EQ(nref, nwant);
	for (i = 0; i < nwant && i < ngot; i++) {
		CHECK_EQ(got[i].iova, want[i].iova);
		CHECK_EQ(got[i].length, want[i].length);
		CHECK_EQ(ref[i].start, want[i].iova);
		CHECK_EQ(ref[i].last - ref[i].start + 1, want[i].length);
	}
	vfmig_dirty_free(d);
}

static void test_merge_exact(void)
{
	/* Unsorted on purpose: ranges may come in any order. */
	static const struct vfmig_dirty_range three[] = {
		{ 0x10000, 0x1000 }, { 0x1000, 0x1000 }, { 0x50000, 0x2000 },
	};
	static const struct vfmig_dirty_range one_span[] = {
		{ 0x1000, 0x51000 },
	};
	/* Gaps: A-B 4K, B-C 8K, C-D 4K (tie with A-B), D-E 0 (touching). */
	static const struct vfmig_dirty_range five[] = {
		{ 0x7000, 0x1000 },	/* D */
		{ 0x0000, 0x1000 },	/* A */
		{ 0x8000, 0x2000 },	/* E */
		{ 0x2000, 0x1000 },	/* B */
		{ 0x5000, 0x1000 },	/* C */
	};
	static const struct vfmig_dirty_range five_4[] = {
		{ 0x0000, 0x1000 }, { 0x2000, 0x1000 }, { 0x5000, 0x1000 },
		{ 0x7000, 0x3000 },
	};
	/* Ties at 4K: the lower pair (A-B) merges first. */
	static const struct vfmig_dirty_range five_3[] = {
		{ 0x0000, 0x3000 }, { 0x5000, 0x1000 }, { 0x7000, 0x3000 },
	};
	static const struct vfmig_dirty_range five_2[] = {
		{ 0x0000, 0x3000 }, { 0x5000, 0x5000 },
	};
	static const struct vfmig_dirty_range five_sorted[] = {
		{ 0x0000, 0x1000 }, { 0x2000, 0x1000 }, { 0x5000, 0x1000 },
		{ 0x7000, 0x1000 }, { 0x8000, 0x2000 },
	};
	/* Gaps 5, 3, 3, 3, 1 (pages): three merges take 1 and the two lower 3s. */
	static const struct vfmig_dirty_range six[] = {
		{ 0x00000, 0x1000 }, { 0x06000, 0x1000 }, { 0x0a000, 0x1000 },
		{ 0x0e000, 0x1000 }, { 0x12000, 0x1000 }, { 0x14000, 0x1000 },
	};
	static const struct vfmig_dirty_range six_3[] = {
		{ 0x00000, 0x1000 }, { 0x06000, 0x9000 }, { 0x12000, 0x3000 },
	};
	/* Far-apart ranges covering the 64-bit hole, as QEMU logs them. */
	static const struct vfmig_dirty_range hole[] = {
		{ 0xfffffffffff00000ULL, 0x80000 }, { 0, 0x80000000ULL },
		{ 0x100000000ULL, 0x0000ff0000000000ULL },
	};
	static const struct vfmig_dirty_range hole_1[] = {
		{ 0, 0xfffffffffff80000ULL },
	};

	check_merge(1, three, 3, one_span, 1);
	check_merge(4, five, 5, five_4, 4);
	check_merge(3, five, 5, five_3, 3);
	check_merge(2, five, 5, five_2, 2);
	check_merge(5, five, 5, five_sorted, 5);
	check_merge(8, five, 5, five_sorted, 5);
	check_merge(3, six, 6, six_3, 3);
	check_merge(1, hole, 3, hole_1, 1);
}

/* The tracker's merge against the naive reference on random range sets. */
static void test_merge_random(void)
{
	struct vfmig_dirty_range in[40], got[40];
	struct ref_range ref[40];
	u64 seed = 0x5eed0001, pos, ps;
	u32 iter, i, n, max, nref, ngot;
	struct vfmig_dirty *d;

	for (iter = 0; iter < 2000; iter++) {
		n = 1 + vt_rand(&seed) % 40;
		max = 1 + vt_rand(&seed) % (n + 2);
		pos = (vt_rand(&seed) % 4) * PG;
		for (i = 0; i < n; i++) {
			in[i].iova = pos;
			in[i].length = (1 + vt_rand(&seed) % 3) * PG;
			/* Small gap alphabet: many ties and zero gaps. */
			pos += in[i].length + (vt_rand(&seed) % 4) * PG;
		}
		for (i = n - 1; i > 0; i--) {
			u32 j = vt_rand(&seed) % (i + 1);
			struct vfmig_dirty_range t = in[i];

			in[i] = in[j];
			in[j] = t;
		}
		d = vfmig_dirty_new(max);
		REQUIRE(!IS_ERR(d));
		ps = PG;
		CHECK_ERR(vfmig_dirty_start(d, in, n, &ps), 0);
		ngot = vfmig_dirty_get_ranges(d, got, 40);
		nref = ref_combine(in, n, max, ref);
		CHECK_EQ(ngot, nref);
		for (i = 0; i < nref && i < ngot; i++) {
			CHECK_EQ(got[i].iova, ref[i].start);
			CHECK_EQ(got[i].iova + got[i].length - 1, ref[i].last);
		}
		CHECK_EQ(stats_of(d).nr_ranges, nref);
		vfmig_dirty_free(d);
		if (vt_failures)
			return;
	}
}

/* ---- Errors ------------------------------------------------------------ */

static void test_start_errors(void)
{
	static const u64 bad_ps[] = {
		0, 1, 2 * KIB, PG + 1, 3 * PG, 4 * MIB, 1ULL << 63, U64_MAX,
	};
	struct vfmig_dirty_range r[3] = {
		{ 0x100000, 0x100000 }, { 0x300000, 0x1000 }, { 0x400000, 0x2000 },
	};
	/* Aligned to every page size: only the size itself is wrong. */
	struct vfmig_dirty_range big = { 0, 1ULL << 63 };
	struct vfmig_dirty_range *many;
	struct vfmig_dirty *d;
	u64 ps, empty;
	u32 i;

	CHECK(PTR_ERR(vfmig_dirty_new(0)) == -EINVAL);
	d = vfmig_dirty_new(4);
	REQUIRE(!IS_ERR(d));
	empty = mem_of(d);

	for (i = 0; i < ARRAY_SIZE(bad_ps); i++) {
		ps = bad_ps[i];
		CHECK_ERR(vfmig_dirty_start(d, &big, 1, &ps), -EINVAL);
		CHECK_EQ(ps, bad_ps[i]);
	}
	for (ps = 4 * KIB; ps <= 2 * MIB; ps *= 2) {
		CHECK_ERR(vfmig_dirty_start(d, &big, 1, &ps), 0);
		CHECK_EQ(stats_of(d).page_size, ps);
		vfmig_dirty_stop(d);
	}
	ps = 2 * MIB;
	CHECK_ERR(vfmig_dirty_start(d, r, 1, &ps), -EINVAL);	/* 1 MiB aligned only */
	ps = PG;
	CHECK_ERR(vfmig_dirty_start(d, r, 0, &ps), -EINVAL);

	/* Unaligned start, unaligned length (for 8 KiB pages), empty. */
	ps = 8 * KIB;
	r[1].iova = 0x301000;
	CHECK_ERR(vfmig_dirty_start(d, r, 2, &ps), -EINVAL);
	r[1].iova = 0x300000;
	CHECK_ERR(vfmig_dirty_start(d, r, 2, &ps), -EINVAL);	/* length 0x1000 */
	r[1].length = 0;
	ps = PG;
	CHECK_ERR(vfmig_dirty_start(d, r, 2, &ps), -EINVAL);
	r[1].length = 0x1000;

	/* Overlaps: partial, identical, contained; touching is fine. */
	r[2].iova = 0x1ff000;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), -EINVAL);
	r[2] = r[0];
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), -EINVAL);
	r[2].iova = 0x180000;
	r[2].length = 0x1000;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), -EINVAL);
	r[2].iova = 0x200000;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), 0);
	CHECK_EQ(stats_of(d).nr_ranges, 3);
	vfmig_dirty_stop(d);

	/* Ending at or past 2^64. */
	r[2].iova = 0xfffffffffffff000ULL;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), -EOVERFLOW);
	r[2].iova = 1ULL << 63;
	r[2].length = (1ULL << 63) + PG;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), -EOVERFLOW);
	r[2].iova = 0xffffffffffffe000ULL;
	r[2].length = PG;
	CHECK_ERR(vfmig_dirty_start(d, r, 3, &ps), 0);	/* last page left out */
	vfmig_dirty_stop(d);

	many = calloc(VFMIG_DIRTY_MAX_INPUT_RANGES + 1, sizeof(*many));
	REQUIRE(many);
	for (i = 0; i <= VFMIG_DIRTY_MAX_INPUT_RANGES; i++) {
		many[i].iova = (u64)i * 2 * PG;
		many[i].length = PG;
	}
	CHECK_ERR(vfmig_dirty_start(d, many, VFMIG_DIRTY_MAX_INPUT_RANGES + 1,
				    &ps), -E2BIG);
	CHECK_ERR(vfmig_dirty_start(d, many, VFMIG_DIRTY_MAX_INPUT_RANGES, &ps),
		  0);
	CHECK_EQ(stats_of(d).nr_ranges, 4);
	vfmig_dirty_stop(d);
	free(many);

	/* Failed starts leave nothing behind. */
	CHECK(!stats_of(d).logging);
	CHECK_EQ(mem_of(d), empty);
	vfmig_dirty_free(d);
}

static void test_double_start_busy(void)
{
	struct vfmig_dirty_range r = { 0x100000, 0x100000 };
	struct vfmig_dirty_range other = { 0x40000000, 0x200000 };
	struct vfmig_dirty_range got[2];
	struct vfmig_dirty *d = vfmig_dirty_new(2);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x100000, 1), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 0x180000, 1), 0);

	ps = 2 * MIB;
	CHECK_ERR(vfmig_dirty_start(d, &other, 1, &ps), -EBUSY);
	ps = 3;		/* even a bad request is refused as busy */
	CHECK_ERR(vfmig_dirty_start(d, &other, 1, &ps), -EBUSY);

	CHECK_EQ(stats_of(d).page_size, PG);
	CHECK_EQ(vfmig_dirty_get_ranges(d, got, 2), 1);
	CHECK_EQ(got[0].iova, r.iova);
	CHECK_EQ(got[0].length, r.length);
	CHECK_EQ(stats_of(d).pages_marked_now, 1);
	CHECK_EQ(stats_of(d).pages_held, 1);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 2);
	CHECK_EQ(rc.run_iova[0], 0x100000);
	CHECK_EQ(rc.run_len[0], PG);
	CHECK_EQ(rc.run_iova[1], 0x180000);
	CHECK_REC_CLEAN(&rc);
	vfmig_dirty_free(d);
}

static void test_stop_idempotent(void)
{
	struct vfmig_dirty_range r = { 0x100000, 0x100000 };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG, empty;

	REQUIRE(!IS_ERR(d));
	vfmig_log_set_level(VFMIG_LOG_ERR);	/* the bad release warns */
	empty = mem_of(d);
	CHECK_ERR(vfmig_dirty_stop(d), 0);
	CHECK_ERR(vfmig_dirty_stop(d), 0);
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x100000, 0x100000), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 0x100000, 0x10000), 0);
	CHECK(mem_of(d) > empty);
	CHECK_ERR(vfmig_dirty_stop(d), 0);
	CHECK_EQ(mem_of(d), empty);
	CHECK_EQ(stats_of(d).pages_marked_now, 0);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK_ERR(vfmig_dirty_stop(d), 0);

	/* Not logging: reads fail, marks and holds are counted and ignored. */
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), -EINVAL);
	CHECK_EQ(rc.calls, 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x100000, PG), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 0x100000, PG), 0);
	CHECK_ERR(vfmig_dirty_release(d, 0x100000, PG), 0);
	CHECK_ERR(vfmig_dirty_release_all(d), 0);
	CHECK_EQ(stats_of(d).marks_not_logging, 2);
	CHECK_EQ(mem_of(d), empty);

	/* A new log starts clean: old marks and holds are gone. */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 0);
	CHECK_ERR(vfmig_dirty_release(d, 0x100000, PG), -EINVAL);
	vfmig_log_set_level(VFMIG_LOG_WARN);
	vfmig_dirty_free(d);
}

static void test_read_args(void)
{
	struct vfmig_dirty_range r = { 0x100000, 0x100000 };
	struct vfmig_dirty_out no_set = { .set = NULL };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	u64 ps = PG, bits[2] = { 0 };

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x100000, 1), 0);
	CHECK_ERR(vfmig_dirty_read_and_clear(d, 0, U64_MAX, NULL), -EINVAL);
	CHECK_ERR(vfmig_dirty_read_and_clear(d, 0, U64_MAX, &no_set), -EINVAL);
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x100000, 3 * PG, 64,
						    bits), -EINVAL);
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x100000, 1ULL << 62, 64,
						    bits), -EOVERFLOW);
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x100000, PG, 0, bits),
		  0);
	CHECK_EQ(bits[0], 0);
	/* The failed calls cleared nothing. */
	CHECK_EQ(stats_of(d).pages_marked_now, 1);
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x100000, PG, 128, bits),
		  0);
	CHECK_EQ(bits[0], 1);
	CHECK_EQ(bits[1], 0);
	vfmig_dirty_free(d);
}

/* ---- Marks, windows, reports ------------------------------------------- */

static void test_marks_outside_counted(void)
{
	struct vfmig_dirty_range r = { 1 * MIB, 1 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0, PG), 0);		/* 1 out */
	CHECK_EQ(stats_of(d).marks_outside, 1);
	CHECK_ERR(vfmig_dirty_mark(d, 1 * MIB - PG, 2 * PG), 0);	/* 1 out, 1 in */
	CHECK_EQ(stats_of(d).marks_outside, 2);
	CHECK_ERR(vfmig_dirty_mark(d, 2 * MIB - 1, 2), 0);	/* 1 in, 1 out */
	CHECK_EQ(stats_of(d).marks_outside, 3);
	CHECK_EQ(stats_of(d).pages_marked_now, 2);
	/* Past 2^64: stops there; one page, outside. */
	CHECK_ERR(vfmig_dirty_mark(d, U64_MAX - 10, 100), 0);
	CHECK_EQ(stats_of(d).marks_outside, 4);
	/* Everything: all 2^52 pages, 256 of them logged. */
	CHECK_ERR(vfmig_dirty_mark(d, 0, U64_MAX), 0);
	CHECK_EQ(stats_of(d).marks_outside, 4 + (1ULL << 52) - 256);
	CHECK_EQ(stats_of(d).pages_marked_now, 256);
	CHECK_ERR(vfmig_dirty_mark(d, 12345, 0), 0);		/* nothing */
	CHECK_EQ(stats_of(d).marks_outside, 4 + (1ULL << 52) - 256);
	CHECK_EQ(stats_of(d).marks, 6);

	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], 1 * MIB);
	CHECK_EQ(rc.run_len[0], 1 * MIB);
	CHECK_REC_CLEAN(&rc);
	CHECK_EQ(stats_of(d).pages_marked_now, 0);
	vfmig_dirty_free(d);
}

static void test_unaligned_window(void)
{
	struct vfmig_dirty_range r = { 0, 1 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0, 5 * PG), 0);		/* pages 0..4 */
	CHECK_ERR(vfmig_dirty_mark(d, 7 * PG + 5, 1), 0);	/* page 7 */

	/* Touches pages 1..3 partially at both ends. */
	CHECK_ERR(rec_read(d, &rc, PG + 100, 2 * PG, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], PG + 100);
	CHECK_EQ(rc.run_len[0], 2 * PG);
	CHECK_EQ(rc.pages, 3);
	CHECK_REC_CLEAN(&rc);
	CHECK_EQ(stats_of(d).pages_marked_now, 3);	/* 0, 4, 7 */

	/* A one-byte window names its whole page. */
	CHECK_ERR(rec_read(d, &rc, 7 * PG + 4095, 1, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], 7 * PG + 4095);
	CHECK_EQ(rc.run_len[0], 1);
	CHECK_EQ(stats_of(d).pages_marked_now, 2);

	CHECK_ERR(rec_read(d, &rc, 0, 1 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 2);
	CHECK_EQ(rc.run_iova[0], 0);
	CHECK_EQ(rc.run_len[0], PG);
	CHECK_EQ(rc.run_iova[1], 4 * PG);
	CHECK_EQ(rc.run_len[1], PG);
	CHECK_REC_CLEAN(&rc);
	vfmig_dirty_free(d);
}

/* Runs coalesce across 64-page words and across marks and holds. */
static void test_coalescing(void)
{
	struct vfmig_dirty_range r = { 0, 64 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 60 * PG, 200 * PG), 0);	/* 60..259 */
	CHECK_ERR(vfmig_dirty_hold(d, 260 * PG, 3 * PG), 0);	/* 260..262 */
	CHECK_ERR(vfmig_dirty_hold(d, 59 * PG, 1), 0);		/* 59 */
	CHECK_ERR(vfmig_dirty_mark(d, 263 * PG, PG), 0);	/* 263 */
	CHECK_ERR(vfmig_dirty_mark(d, 300 * PG, PG), 0);	/* 300 */
	CHECK_ERR(vfmig_dirty_hold(d, 320 * PG, 64 * PG), 0);	/* 320..383 */
	CHECK_ERR(vfmig_dirty_mark(d, 384 * PG, 64 * PG), 0);	/* 384..447 */
	CHECK_ERR(rec_read(d, &rc, 0, 64 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 3);
	CHECK_EQ(rc.run_iova[0], 59 * PG);
	CHECK_EQ(rc.run_len[0], 205 * PG);
	CHECK_EQ(rc.run_iova[1], 300 * PG);
	CHECK_EQ(rc.run_len[1], PG);
	CHECK_EQ(rc.run_iova[2], 320 * PG);
	CHECK_EQ(rc.run_len[2], 128 * PG);
	CHECK_REC_CLEAN(&rc);
	/* Second report: holds only. */
	CHECK_ERR(rec_read(d, &rc, 0, 64 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 3);
	CHECK_EQ(rc.pages, 1 + 3 + 64);
	vfmig_dirty_free(d);
}

/* The window bounds what is reported and what is cleared, to the page. */
static void test_window_bounds(void)
{
	struct vfmig_dirty_range r = { 0x10000000, 256 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = 8 * KIB;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, r.iova, r.length), 0);
	CHECK_ERR(vfmig_dirty_hold(d, r.iova, r.length), 0);
	CHECK_ERR(rec_read(d, &rc, r.iova + 8 * KIB * 1000, 8 * KIB * 3, 13), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.pages, 3);
	CHECK_REC_CLEAN(&rc);
	CHECK_EQ(stats_of(d).pages_marked_now, 32768 - 3);
	CHECK_EQ(stats_of(d).pages_held, 32768);
	CHECK_ERR(vfmig_dirty_release_all(d), 0);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK_EQ(stats_of(d).pages_marked_now, 32768);
	/* Windows beside the range see nothing. */
	CHECK_ERR(rec_read(d, &rc, 0, r.iova, 13), 0);
	CHECK_EQ(rc.calls, 0);
	CHECK_ERR(rec_read(d, &rc, r.iova + r.length, U64_MAX, 13), 0);
	CHECK_EQ(rc.calls, 0);
	CHECK_ERR(rec_read(d, &rc, r.iova - 1, 2, 13), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], r.iova);
	CHECK_EQ(rc.run_len[0], 1);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 13), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], r.iova + 8 * KIB);
	CHECK_EQ(rc.pages, 32768 - 1);
	CHECK_REC_CLEAN(&rc);
	CHECK_EQ(stats_of(d).pages_marked_now, 0);
	vfmig_dirty_free(d);
}

/* The last loggable page of the IOVA space, windows that run past 2^64. */
static void test_top_of_iova_space(void)
{
	struct vfmig_dirty_range r = { 0xffffffffff000000ULL, 0xfff000 };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0xfffffffffffff000ULL, 1), 0);
	CHECK_EQ(stats_of(d).marks_outside, 1);
	CHECK_ERR(vfmig_dirty_mark(d, 0xffffffffffffd800ULL, U64_MAX), 0);
	CHECK_EQ(stats_of(d).marks_outside, 2);
	CHECK_EQ(stats_of(d).pages_marked_now, 2);
	CHECK_ERR(vfmig_dirty_hold(d, 0xffffffffff000000ULL, 1), 0);
	CHECK_ERR(rec_read(d, &rc, 0xfffffffffff00000ULL, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], 0xffffffffffffd000ULL);
	CHECK_EQ(rc.run_len[0], 2 * PG);
	CHECK_REC_CLEAN(&rc);
	CHECK_ERR(rec_read(d, &rc, 0xffffffffff000000ULL, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], 0xffffffffff000000ULL);
	CHECK_EQ(rc.run_len[0], PG);
	vfmig_dirty_free(d);
}

/* ---- Holds ------------------------------------------------------------- */

static void test_holds_every_report(void)
{
	struct vfmig_dirty_range r = { 0, 16 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG, i;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	/* Two 2 KiB RX buffers sharing page 5, a third on page 6. */
	CHECK_ERR(vfmig_dirty_hold(d, 5 * PG, 2048), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 5 * PG + 2048, 2048), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 6 * PG + 1024, 2048), 0);
	CHECK_EQ(stats_of(d).pages_held, 2);
	CHECK_EQ(stats_of(d).pages_marked_now, 0);
	for (i = 0; i < 5; i++) {
		CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
		CHECK_EQ(rc.calls, 1);
		CHECK_EQ(rc.run_iova[0], 5 * PG);
		CHECK_EQ(rc.run_len[0], 2 * PG);
	}
	/* One of the two buffers on page 5 completes: still held. */
	CHECK_ERR(vfmig_dirty_release(d, 5 * PG, 2048), 0);
	CHECK_EQ(stats_of(d).pages_held, 2);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.pages, 2);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.pages, 2);
	/* The second completes: reported once more, then no longer. */
	CHECK_ERR(vfmig_dirty_release(d, 5 * PG + 2048, 2048), 0);
	CHECK_EQ(stats_of(d).pages_held, 1);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.pages, 2);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_iova[0], 6 * PG);
	CHECK_EQ(rc.run_len[0], PG);
	vfmig_dirty_free(d);
}

static void test_release_errors(void)
{
	struct vfmig_dirty_range r = { 0, 16 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct vfmig_dirty_stats before;
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	vfmig_log_set_level(VFMIG_LOG_ERR);	/* the refusals below warn */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 10 * PG, 3 * PG), 0);	/* 10..12 */
	CHECK_ERR(vfmig_dirty_mark(d, 20 * PG, PG), 0);
	before = stats_of(d);

	/* Below zero: a page never held, a range reaching past the hold. */
	CHECK_ERR(vfmig_dirty_release(d, 9 * PG, PG), -EINVAL);
	CHECK_ERR(vfmig_dirty_release(d, 10 * PG, 4 * PG), -EINVAL);
	CHECK_ERR(vfmig_dirty_release(d, 0, U64_MAX), -EINVAL);
	CHECK_ERR(vfmig_dirty_release(d, 20 * PG, 1), -EINVAL);
	CHECK_EQ(stats_of(d).pages_held, before.pages_held);
	CHECK_EQ(stats_of(d).pages_marked_now, before.pages_marked_now);
	CHECK_EQ(stats_of(d).memory_bytes, before.memory_bytes);

	/* Outside every range: nothing to release, not an error. */
	CHECK_ERR(vfmig_dirty_release(d, 32 * MIB, PG), 0);
	CHECK_ERR(vfmig_dirty_release(d, 0, 0), 0);

	/* Partial release of the middle page, then of the rest. */
	CHECK_ERR(vfmig_dirty_release(d, 11 * PG + 7, 1), 0);
	CHECK_EQ(stats_of(d).pages_held, 2);
	CHECK_ERR(vfmig_dirty_release(d, 11 * PG, PG), -EINVAL);
	CHECK_ERR(vfmig_dirty_release(d, 10 * PG, PG), 0);
	CHECK_ERR(vfmig_dirty_release(d, 12 * PG, PG), 0);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK_ERR(vfmig_dirty_release(d, 12 * PG, PG), -EINVAL);

	/* Released pages and the untouched mark are reported once. */
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 2);
	CHECK_EQ(rc.run_iova[0], 10 * PG);
	CHECK_EQ(rc.run_len[0], 3 * PG);
	CHECK_EQ(rc.run_iova[1], 20 * PG);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 0);
	vfmig_log_set_level(VFMIG_LOG_WARN);
	vfmig_dirty_free(d);
}

/* release() never clears a mark, even on a page it releases. */
static void test_release_keeps_marks(void)
{
	struct vfmig_dirty_range r = { 0, 16 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct rec rc = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0, 64 * PG), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 3 * PG, PG), 0);
	CHECK_ERR(vfmig_dirty_release(d, 3 * PG, PG), 0);
	CHECK_EQ(stats_of(d).pages_marked_now, 64);
	CHECK_ERR(rec_read(d, &rc, 0, 16 * MIB, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.run_len[0], 64 * PG);
	vfmig_dirty_free(d);
}

static void test_release_all(void)
{
	struct vfmig_dirty_range r[2] = { { 0, 1 * MIB }, { 1 * GIB, 1 * MIB } };
	struct vfmig_dirty *d = vfmig_dirty_new(2);
	struct rec rc = { 0 };
	u64 ps = PG, empty;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, r, 2, &ps), 0);
	empty = mem_of(d);
	CHECK_ERR(vfmig_dirty_hold(d, 0, 200 * PG), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 0, PG), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 1 * GIB + 128 * PG, 1), 0);
	CHECK_EQ(stats_of(d).pages_held, 201);
	CHECK_ERR(vfmig_dirty_release_all(d), 0);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK_EQ(stats_of(d).pages_marked_now, 201);
	vfmig_log_set_level(VFMIG_LOG_ERR);
	CHECK_ERR(vfmig_dirty_release(d, 0, PG), -EINVAL);
	vfmig_log_set_level(VFMIG_LOG_WARN);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 2);
	CHECK_EQ(rc.run_iova[0], 0);
	CHECK_EQ(rc.run_len[0], 200 * PG);
	CHECK_EQ(rc.run_iova[1], 1 * GIB + 128 * PG);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 0);
	CHECK_EQ(mem_of(d), empty);
	vfmig_dirty_free(d);
}

/* ---- The bitmap helper ------------------------------------------------- */

static void test_bitmap_helper(void)
{
	struct vfmig_dirty_range r = { 0x200000, 0x200000 };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct vfmig_dirty_bitmap bm;
	u64 ps = 8 * KIB, bits[4];

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);

	/* Report pages of 4 KiB for a log of 8 KiB pages: two bits per page. */
	CHECK_ERR(vfmig_dirty_mark(d, 0x200000, 1), 0);		/* page 0 */
	CHECK_ERR(vfmig_dirty_mark(d, 0x200000 + 63 * 8 * KIB, 1), 0);
	memset(bits, 0, sizeof(bits));
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x200000, 4 * KIB, 256,
						    bits), 0);
	CHECK_EQ(bits[0], 3);
	CHECK_EQ(bits[1], 3ULL << 62);
	CHECK_EQ(bits[2], 0);

	/* Coarser report pages: 8 log pages per bit. */
	CHECK_ERR(vfmig_dirty_mark(d, 0x200000 + 9 * 8 * KIB, 1), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x200000 + 200 * 8 * KIB, 20 * 8 * KIB),
		  0);
	memset(bits, 0, sizeof(bits));
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0x200000, 64 * KIB, 32,
						    bits), 0);
	CHECK_EQ(bits[0], BIT_ULL(1) | (0x7ULL << 25));

	/* Only ever sets bits; parts of a run past the bitmap are dropped. */
	CHECK_EQ(vfmig_dirty_bitmap_init(&bm, bits, 0x1000, 0x1000, 200), 0);
	bits[0] = BIT_ULL(40);
	bits[1] = bits[2] = bits[3] = 0;
	vfmig_dirty_bitmap_set(&bm, 0, 0x3000);		/* bits 0, 1 */
	vfmig_dirty_bitmap_set(&bm, 0x1000 + 70 * 0x1000 - 1, 2);	/* 69, 70 */
	vfmig_dirty_bitmap_set(&bm, 0x1000 + 190 * 0x1000, 0x100000);	/* 190..199 */
	vfmig_dirty_bitmap_set(&bm, 0x1000 + 200 * 0x1000, 1);	/* past the end */
	vfmig_dirty_bitmap_set(&bm, 0x500, 0x100);			/* before */
	CHECK_EQ(bits[0], BIT_ULL(40) | 3);
	CHECK_EQ(bits[1], (3ULL << 5));
	CHECK_EQ(bits[2], 3ULL << 62);
	CHECK_EQ(bits[3], 0xff);
	CHECK_EQ(vfmig_dirty_bitmap_init(&bm, bits, 0, 3, 1), -EINVAL);
	CHECK_EQ(vfmig_dirty_bitmap_init(&bm, bits, 1ULL << 63, 1ULL << 62, 2),
		 0);
	CHECK_EQ(vfmig_dirty_bitmap_init(&bm, bits, 1ULL << 63, 1ULL << 62, 3),
		 -EOVERFLOW);
	vfmig_dirty_free(d);
}

/* ---- Memory ------------------------------------------------------------ */

static void test_memory_2e48(void)
{
	struct vfmig_dirty_range r = { 0, 1ULL << 48 };
	struct vfmig_dirty *d = vfmig_dirty_new(8);
	u64 ps = PG, empty, m1, m10, i, page, seed = 48;
	struct rec rc = { 0 };

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	empty = mem_of(d);
	CHECK(empty < 8 * KIB);
	/* Reading the empty log touches nothing and allocates nothing. */
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 0);
	CHECK_EQ(mem_of(d), empty);

	for (i = 0; i < 1000; i++) {
		page = vt_rand(&seed) & ((1ULL << 36) - 1);
		CHECK_ERR(vfmig_dirty_mark(d, page << 12, 1), 0);
	}
	m1 = mem_of(d) - empty;
	for (; i < 10000; i++) {
		page = vt_rand(&seed) & ((1ULL << 36) - 1);
		CHECK_ERR(vfmig_dirty_mark(d, page << 12, 1), 0);
	}
	m10 = mem_of(d) - empty;
	/* Sparse pages: tens of bytes each, growing linearly. */
	CHECK(m10 / 10000 >= 16 && m10 / 10000 <= 64);
	CHECK(m10 > 7 * m1 && m10 < 13 * m1);
	CHECK_EQ(stats_of(d).pages_marked_now, 10000);

	/* A 2^48-byte read reports exactly those pages and frees everything. */
	CHECK_ERR(rec_read(d, &rc, 0, 1ULL << 48, 12), 0);
	CHECK_EQ(rc.pages, 10000);
	CHECK_REC_CLEAN(&rc);
	CHECK_EQ(mem_of(d), empty);

	/* Dense: 1 GiB of contiguous pages costs well under a byte per page. */
	CHECK_ERR(vfmig_dirty_mark(d, 1ULL << 40, 1 * GIB), 0);
	m1 = mem_of(d) - empty;
	CHECK(m1 < (1 * GIB / PG) / 2);
	CHECK(m1 > (1 * GIB / PG) / 64 * 8);
	CHECK_ERR(rec_read(d, &rc, 0, 1ULL << 48, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.pages, 1 * GIB / PG);
	CHECK_EQ(mem_of(d), empty);
	vfmig_dirty_free(d);
}

/* Size of one tree node, measured: the memory a first mark costs. */
static u64 node_bytes(void)
{
	struct vfmig_dirty_range r = { 0, 1 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	u64 ps = PG, before, size;

	if (IS_ERR(d))
		return 0;
	vfmig_dirty_start(d, &r, 1, &ps);
	before = mem_of(d);
	vfmig_dirty_mark(d, 0, 1);
	size = mem_of(d) - before;
	vfmig_dirty_free(d);
	return size;
}

struct log_count {
	unsigned int errors, warnings;
};

static void log_count_sink(void *ctx, enum vfmig_log_level level,
			   const char *line)
{
	struct log_count *lc = ctx;

	if (level == VFMIG_LOG_ERR)
		lc->errors++;
	else if (level == VFMIG_LOG_WARN)
		lc->warnings++;
}

/* Every -ENOMEM path: nothing half done, the log is lost, stop recovers. */
static void test_enomem_lost(void)
{
	struct vfmig_dirty_range r = { 0, 64 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	u64 ps = PG, node = node_bytes(), i, bits[1] = { 0 };
	struct log_count lc = { 0 };
	struct rec rc = { 0 };
	int ret = 0;

	REQUIRE(!IS_ERR(d));
	REQUIRE(node >= 64);
	vfmig_log_set_sink(log_count_sink, &lc);

	/* hold: a leaf holds the first pages, the split needs two more nodes. */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	vfmig_dirty_set_mem_limit(d, 2 * node);
	CHECK_ERR(vfmig_dirty_hold(d, 0, 200 * PG), -ENOMEM);
	CHECK_EQ(stats_of(d).pages_held, 0);		/* rolled back */
	CHECK(stats_of(d).lost);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), -EIO);
	CHECK_EQ(rc.calls, 0);
	CHECK_ERR(vfmig_dirty_read_and_clear_bitmap(d, 0, PG, 64, bits), -EIO);
	CHECK_ERR(vfmig_dirty_release(d, 0, PG), -EINVAL);
	CHECK_EQ(lc.errors, 1);		/* the loss is said once */
	CHECK_EQ(lc.warnings, 1);	/* and the bad release */
	vfmig_dirty_stop(d);
	CHECK(!stats_of(d).lost);

	/* mark: one leaf of 64-page words, then no room for a split. */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	vfmig_dirty_set_mem_limit(d, node);
	for (i = 0; i < 100 && !ret; i++)
		ret = vfmig_dirty_mark(d, i * 64 * PG, 1);
	CHECK_ERR(ret, -ENOMEM);
	CHECK(i > 1 && i < 100);
	CHECK(stats_of(d).lost);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), -EIO);
	vfmig_dirty_stop(d);

	/* release: the mark it leaves needs a node; nothing is released. */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_hold(d, 5 * PG, 1), 0);
	vfmig_dirty_set_mem_limit(d, node);
	CHECK_ERR(vfmig_dirty_release(d, 5 * PG, 1), -ENOMEM);
	CHECK_EQ(stats_of(d).pages_held, 1);
	CHECK(stats_of(d).lost);
	vfmig_dirty_stop(d);

	/* release_all: the holds go anyway, the log is lost. */
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	vfmig_dirty_set_mem_limit(d, 0);
	CHECK_ERR(vfmig_dirty_hold(d, 5 * PG, 1), 0);
	vfmig_dirty_set_mem_limit(d, node);
	CHECK_ERR(vfmig_dirty_release_all(d), -ENOMEM);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK(stats_of(d).lost);
	vfmig_dirty_stop(d);

	/* After stop, a fresh log within the cap works. */
	vfmig_dirty_set_mem_limit(d, 4 * node);
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0, 100 * PG), 0);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.pages, 100);
	CHECK_EQ(lc.errors, 4);
	vfmig_log_set_sink(NULL, NULL);
	vfmig_dirty_free(d);
}

/*
 * Ascending inserts pack nodes full; 962 pages make 32 leaves, the last one
 * alone under a second inner node. Emptying it frees that leaf, its parent
 * and the root: memory is counted to the node.
 */
static void test_tree_shrinks(void)
{
	struct vfmig_dirty_range r = { 0, 64 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	u64 ps = PG, node = node_bytes(), empty;
	struct rec rc = { 0 };

	REQUIRE(!IS_ERR(d));
	REQUIRE(node >= 64);
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	empty = mem_of(d);
	CHECK_ERR(vfmig_dirty_hold(d, 0, 962 * PG), 0);
	CHECK_EQ(mem_of(d), empty + 35 * node);
	CHECK_ERR(vfmig_dirty_release(d, 961 * PG, PG), 0);
	CHECK_EQ(stats_of(d).pages_held, 961);
	/* The release left a mark: one marks leaf. */
	CHECK_EQ(mem_of(d), empty + 32 * node + node);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.calls, 1);
	CHECK_EQ(rc.pages, 962);
	CHECK_EQ(mem_of(d), empty + 32 * node);
	CHECK_ERR(vfmig_dirty_release(d, 0, 961 * PG), 0);
	CHECK_ERR(rec_read(d, &rc, 0, U64_MAX, 12), 0);
	CHECK_EQ(rc.pages, 961);
	CHECK_EQ(mem_of(d), empty);
	vfmig_dirty_free(d);
}

/* ---- Randomized, against a dense model ---------------------------------- */

#define DM_PAGES	4096
#define DM_MAX_IN	12
#define DM_MAX_HELD	64

struct dense_model {
	u64 base;			/* span: DM_PAGES pages from base */
	u32 shift;
	bool logging;
	u32 max_ranges;
	u8 in_range[DM_PAGES];
	u8 mark[DM_PAGES];
	u32 hold[DM_PAGES];
	u64 outside, not_logging;
	u64 started_mem;		/* tracker memory right after start */
	/* Holds taken, so that most releases are valid. */
	u64 held_iova[DM_MAX_HELD], held_len[DM_MAX_HELD];
	u32 nr_held;
};

static u64 dm_span_bytes(const struct dense_model *m)
{
	return (u64)DM_PAGES << m->shift;
}

/* Pages of the span [iova, iova + len) touches: *a..*b; false if none. */
static bool dm_clip(const struct dense_model *m, u64 iova, u64 len, u64 *a,
		    u64 *b, u64 *total)
{
	u64 last, first_p, last_p, base_p = m->base >> m->shift;

	*total = 0;
	if (!len)
		return false;
	last = iova + len - 1 < iova ? U64_MAX : iova + len - 1;
	first_p = iova >> m->shift;
	last_p = last >> m->shift;
	*total = last_p - first_p + 1;
	if (last_p < base_p || first_p >= base_p + DM_PAGES)
		return false;
	*a = (first_p > base_p ? first_p : base_p) - base_p;
	*b = (last_p < base_p + DM_PAGES - 1 ? last_p : base_p + DM_PAGES - 1) -
	     base_p;
	return true;
}

static void dm_mark(struct dense_model *m, u64 iova, u64 len)
{
	u64 a, b, p, total, inside = 0;

	if (!m->logging) {
		m->not_logging++;
		return;
	}
	if (dm_clip(m, iova, len, &a, &b, &total))
		for (p = a; p <= b; p++)
			if (m->in_range[p]) {
				m->mark[p] = 1;
				inside++;
			}
	m->outside += total - inside;
}

static void dm_hold(struct dense_model *m, u64 iova, u64 len)
{
	u64 a, b, p, total, inside = 0;

	if (!m->logging) {
		m->not_logging++;
		return;
	}
	if (dm_clip(m, iova, len, &a, &b, &total))
		for (p = a; p <= b; p++)
			if (m->in_range[p]) {
				m->hold[p]++;
				inside++;
			}
	m->outside += total - inside;
}

static int dm_release(struct dense_model *m, u64 iova, u64 len)
{
	u64 a, b, p, total;

	if (!m->logging || !dm_clip(m, iova, len, &a, &b, &total))
		return 0;
	for (p = a; p <= b; p++)
		if (m->in_range[p] && !m->hold[p])
			return -EINVAL;
	for (p = a; p <= b; p++)
		if (m->in_range[p]) {
			m->hold[p]--;
			m->mark[p] = 1;
		}
	return 0;
}

static void dm_release_all(struct dense_model *m)
{
	u32 p;

	for (p = 0; p < DM_PAGES; p++)
		if (m->hold[p]) {
			m->hold[p] = 0;
			m->mark[p] = 1;
		}
	m->nr_held = 0;
}

static void dm_stop(struct dense_model *m)
{
	memset(m->in_range, 0, sizeof(m->in_range));
	memset(m->mark, 0, sizeof(m->mark));
	memset(m->hold, 0, sizeof(m->hold));
	m->nr_held = 0;
	m->logging = false;
}

/* Checks one report against the model and applies it to the model. */
static void dm_check_read(struct dense_model *m, struct vfmig_dirty *d,
			  struct rec *rc, u64 iova, u64 len)
{
	u64 a, b, p, total, want_pages = 0;
	int ret;

	ret = rec_read(d, rc, iova, len, m->shift);
	if (!m->logging) {
		CHECK_ERR(ret, -EINVAL);
		return;
	}
	CHECK_ERR(ret, 0);
	CHECK_REC_CLEAN(rc);
	CHECK_EQ(rc->outside_span, 0);
	if (!dm_clip(m, iova, len, &a, &b, &total)) {
		a = 1;
		b = 0;
	}
	for (p = 0; p < DM_PAGES; p++) {
		bool in_win = p >= a && p <= b;
		bool want = in_win && (m->mark[p] || m->hold[p]);

		if (rc->got[p] != want) {
			CHECK_EQ(rc->got[p], want);
			printf("#   page %llu (window %llu..%llu) mark %u hold %u\n",
			       (unsigned long long)p, (unsigned long long)a,
			       (unsigned long long)b, m->mark[p], m->hold[p]);
			break;
		}
		want_pages += want;
		if (in_win)
			m->mark[p] = 0;
	}
	CHECK_EQ(rc->pages, want_pages);
}

static void dm_check_stats(struct dense_model *m, struct vfmig_dirty *d)
{
	struct vfmig_dirty_stats st = stats_of(d);
	u64 marked = 0, held = 0;
	u32 p;

	for (p = 0; p < DM_PAGES; p++) {
		marked += m->mark[p];
		held += !!m->hold[p];
	}
	CHECK_EQ(st.logging, m->logging);
	CHECK_EQ(st.pages_marked_now, marked);
	CHECK_EQ(st.pages_held, held);
	CHECK_EQ(st.marks_outside, m->outside);
	CHECK_EQ(st.marks_not_logging, m->not_logging);
}

/* Random non-overlapping ranges inside the span, in random order. */
static u32 dm_gen_ranges(struct dense_model *m, u64 *seed,
			 struct vfmig_dirty_range *r)
{
	u32 n = 1 + vt_rand(seed) % DM_MAX_IN, i, j, out = 0;
	u64 cuts[2 * DM_MAX_IN], t;
	struct vfmig_dirty_range tr;

	for (i = 0; i < 2 * n; i++)
		cuts[i] = vt_rand(seed) % (DM_PAGES + 1);
	for (i = 1; i < 2 * n; i++)
		for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			t = cuts[j];
			cuts[j] = cuts[j - 1];
			cuts[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (cuts[2 * i] == cuts[2 * i + 1])
			continue;
		r[out].iova = m->base + (cuts[2 * i] << m->shift);
		r[out].length = (cuts[2 * i + 1] - cuts[2 * i]) << m->shift;
		out++;
	}
	if (!out) {
		r[0].iova = m->base;
		r[0].length = 1ULL << m->shift;
		out = 1;
	}
	for (i = out - 1; i > 0; i--) {
		j = vt_rand(seed) % (i + 1);
		tr = r[i];
		r[i] = r[j];
		r[j] = tr;
	}
	return out;
}

static void dm_start(struct dense_model *m, struct vfmig_dirty *d, u64 *seed)
{
	struct vfmig_dirty_range r[DM_MAX_IN + 1];
	struct ref_range ref[DM_MAX_IN + 1];
	u32 n = dm_gen_ranges(m, seed, r), nref, i;
	u64 ps = 1ULL << m->shift, p;
	u32 bad = vt_rand(seed) % 16;

	if (m->logging) {
		CHECK_ERR(vfmig_dirty_start(d, r, n, &ps), -EBUSY);
		return;
	}
	if (bad == 0 && n > 1) {
		/* Overlap one range with another. */
		r[n] = r[0];
		r[n].length += 1ULL << m->shift;
		CHECK_ERR(vfmig_dirty_start(d, r, n + 1, &ps), -EINVAL);
		return;
	}
	if (bad == 1 && m->shift > 12) {
		r[0].iova += 4 * KIB;
		CHECK_ERR(vfmig_dirty_start(d, r, n, &ps), -EINVAL);
		return;
	}
	CHECK_ERR(vfmig_dirty_start(d, r, n, &ps), 0);
	CHECK_EQ(ps, 1ULL << m->shift);
	m->started_mem = mem_of(d);
	nref = ref_combine(r, n, m->max_ranges, ref);
	for (i = 0; i < nref; i++)
		for (p = (ref[i].start - m->base) >> m->shift;
		     p <= (ref[i].last - m->base) >> m->shift; p++)
			m->in_range[p] = 1;
	m->logging = true;
}

/* A random byte span: small around the span, large, huge or overflowing. */
static void dm_gen_span(struct dense_model *m, u64 *seed, u64 *iova, u64 *len)
{
	u64 span = dm_span_bytes(m), pg = 1ULL << m->shift;

	switch (vt_rand(seed) % 10) {
	case 0:
		*iova = vt_rand(seed);
		*len = vt_rand(seed) >> (vt_rand(seed) % 64);
		break;
	case 1:
		*iova = m->base + vt_rand(seed) % span;
		*len = U64_MAX - vt_rand(seed) % 3;
		break;
	case 2:
		*iova = m->base + vt_rand(seed) % span;
		*len = vt_rand(seed) % (span / 2);
		break;
	default:
		*iova = m->base - 4 * pg + vt_rand(seed) % (span + 8 * pg);
		*len = vt_rand(seed) % (4 * pg);
		break;
	}
}

static void dm_gen_window(struct dense_model *m, u64 *seed, u64 *iova,
			  u64 *len)
{
	u64 span = dm_span_bytes(m), pg = 1ULL << m->shift;

	switch (vt_rand(seed) % 8) {
	case 0:
		*iova = 0;
		*len = U64_MAX;
		break;
	case 1:
		*iova = m->base + vt_rand(seed) % span;
		*len = U64_MAX;			/* runs past 2^64 */
		break;
	case 2:					/* page aligned */
		*iova = m->base + (vt_rand(seed) % DM_PAGES) * pg;
		*len = (1 + vt_rand(seed) % 256) * pg;
		break;
	default:
		*iova = m->base - pg + vt_rand(seed) % (span + 2 * pg);
		*len = vt_rand(seed) % (span / 4);
		break;
	}
}

static void dm_run(u64 seed)
{
	static const u32 shifts[] = { 12, 12, 13, 16, 21 };
	struct dense_model *m = calloc(1, sizeof(*m));
	struct rec rc = { 0 };
	struct vfmig_dirty *d;
	u64 iova, len, empty;
	u32 op, k, ops = 6000;
	int want;

	REQUIRE(m);
	rc.got = calloc(1, DM_PAGES);
	REQUIRE(rc.got);
	rc.npages = DM_PAGES;
	m->shift = shifts[vt_rand(&seed) % ARRAY_SIZE(shifts)];
	switch (vt_rand(&seed) % 3) {
	case 0:
		m->base = 0;
		break;
	case 1:
		m->base = (vt_rand(&seed) & ((1ULL << 47) - 1)) >> m->shift
			  << m->shift;
		break;
	default:	/* as high as a range may go: the last page is left out */
		m->base = 0 - ((u64)(DM_PAGES + 1) << m->shift);
		break;
	}
	rc.base = m->base;
	m->max_ranges = 1 + vt_rand(&seed) % 6;
	d = vfmig_dirty_new(m->max_ranges);
	REQUIRE(!IS_ERR(d));
	empty = mem_of(d);

	for (op = 0; op < ops && !vt_failures; op++) {
		switch (vt_rand(&seed) % 100) {
		case 0 ... 1:
			dm_start(m, d, &seed);
			break;
		case 2:
			CHECK_ERR(vfmig_dirty_stop(d), 0);
			dm_stop(m);
			CHECK_EQ(mem_of(d), empty);
			break;
		case 3:	/* a new tracker with another range limit */
			vfmig_dirty_free(d);
			dm_stop(m);
			m->max_ranges = 1 + vt_rand(&seed) % 6;
			m->outside = 0;
			m->not_logging = 0;
			d = vfmig_dirty_new(m->max_ranges);
			REQUIRE(!IS_ERR(d));
			break;
		case 4 ... 33:
			dm_gen_span(m, &seed, &iova, &len);
			CHECK_ERR(vfmig_dirty_mark(d, iova, len), 0);
			dm_mark(m, iova, len);
			break;
		case 34 ... 48:
			iova = m->base + vt_rand(&seed) % dm_span_bytes(m);
			len = vt_rand(&seed) % (3ULL << m->shift);
			if (vt_rand(&seed) % 20 == 0)
				len *= 64;
			CHECK_ERR(vfmig_dirty_hold(d, iova, len), 0);
			dm_hold(m, iova, len);
			if (m->logging && m->nr_held < DM_MAX_HELD) {
				m->held_iova[m->nr_held] = iova;
				m->held_len[m->nr_held++] = len;
			}
			break;
		case 49 ... 60:
			if (m->nr_held && vt_rand(&seed) % 4) {
				k = vt_rand(&seed) % m->nr_held;
				iova = m->held_iova[k];
				len = m->held_len[k];
				m->held_iova[k] = m->held_iova[--m->nr_held];
				m->held_len[k] = m->held_len[m->nr_held];
			} else {
				dm_gen_span(m, &seed, &iova, &len);
			}
			want = dm_release(m, iova, len);
			CHECK_ERR(vfmig_dirty_release(d, iova, len), want);
			break;
		case 61:
			CHECK_ERR(vfmig_dirty_release_all(d), 0);
			dm_release_all(m);
			break;
		default:
			dm_gen_window(m, &seed, &iova, &len);
			dm_check_read(m, d, &rc, iova, len);
			break;
		}
		dm_check_stats(m, d);
	}
	if (vt_failures)
		printf("#   seed 0x%llx failed at op %u\n",
		       (unsigned long long)seed, op);
	/* A full read leaves only the holds' nodes. */
	if (m->logging) {
		dm_check_read(m, d, &rc, 0, U64_MAX);
		CHECK_ERR(vfmig_dirty_release_all(d), 0);
		dm_release_all(m);
		dm_check_read(m, d, &rc, 0, U64_MAX);
		CHECK_EQ(mem_of(d), m->started_mem);
	}
	vfmig_dirty_free(d);
	free(rc.got);
	free(m);
}

static void test_random_dense_model(void)
{
	static const u64 seeds[] = {
		1, 2, 3, 0xdeadbeef, 0x1234567890abcdefULL, 42, 7, 99,
	};
	u32 i;

	vfmig_log_set_level(VFMIG_LOG_ERR);	/* invalid releases warn */
	for (i = 0; i < ARRAY_SIZE(seeds) && !vt_failures; i++)
		dm_run(seeds[i]);
	vfmig_log_set_level(VFMIG_LOG_WARN);
}

/* ---- Randomized, sparse over 2^48 bytes: many tree nodes ----------------- */

#define SM_POOL 30000

struct sparse_model {
	u64 page[SM_POOL];		/* sorted, distinct */
	u8 mark[SM_POOL];
	u32 hold[SM_POOL];
};

static u32 sm_find(const struct sparse_model *m, u64 page)
{
	u32 lo = 0, hi = SM_POOL;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (m->page[mid] < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Each page of a report must be a pool page the model has dirty. */
struct sm_rec {
	struct sparse_model *m;
	u64 win_first, win_last;
	u64 pages, bad;
};

static void sm_set(void *ctx, u64 iova, u64 length)
{
	struct sm_rec *r = ctx;
	u64 p, last = iova + length - 1;
	u32 i;

	if (iova < r->win_first || last > r->win_last)
		r->bad++;
	for (p = iova >> 12; p <= last >> 12; p++) {
		i = sm_find(r->m, p);
		if (i == SM_POOL || r->m->page[i] != p ||
		    !(r->m->mark[i] || r->m->hold[i]))
			r->bad++;
		r->pages++;
	}
}

static void sm_run(u64 seed)
{
	struct vfmig_dirty_range range = { 0, 1ULL << 48 };
	struct sparse_model *m = calloc(1, sizeof(*m));
	struct vfmig_dirty_out out = { .set = sm_set };
	u64 ps = PG, t, want, first, last, empty;
	struct sm_rec r = { 0 };
	struct vfmig_dirty *d;
	u32 i, j, op, lo, hi;
	bool dup;
	int err;

	REQUIRE(m);
	r.m = m;
	out.ctx = &r;
	/* Single pages and clusters scattered over 2^35 pages. */
	for (i = 0; i < SM_POOL; ) {
		t = vt_rand(&seed) & ((1ULL << 35) - 1);
		j = vt_rand(&seed) % 8 ? 1 : vt_rand(&seed) % 100;
		for (; j-- && i < SM_POOL; t++)
			m->page[i++] = t;
	}
	for (j = SM_POOL / 2; j > 0; j /= 2)
		for (i = j; i < SM_POOL; i++)
			for (lo = i; lo >= j && m->page[lo - j] > m->page[lo];
			     lo -= j) {
				t = m->page[lo];
				m->page[lo] = m->page[lo - j];
				m->page[lo - j] = t;
			}
	do {			/* drop duplicates by nudging */
		dup = false;
		for (i = 1; i < SM_POOL; i++)
			if (m->page[i] <= m->page[i - 1]) {
				m->page[i] = m->page[i - 1] + 1;
				dup = true;
			}
	} while (dup);

	d = vfmig_dirty_new(4);
	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &range, 1, &ps), 0);
	empty = mem_of(d);

	for (op = 0; op < 60000 && !vt_failures; op++) {
		i = vt_rand(&seed) % SM_POOL;
		switch (vt_rand(&seed) % 16) {
		case 0 ... 8:
			CHECK_ERR(vfmig_dirty_mark(d, m->page[i] << 12,
						   1 + vt_rand(&seed) % PG), 0);
			m->mark[i] = 1;
			break;
		case 9 ... 10:
			CHECK_ERR(vfmig_dirty_hold(d, m->page[i] << 12, 1), 0);
			m->hold[i]++;
			break;
		case 11 ... 12:
			err = m->hold[i] ? 0 : -EINVAL;
			CHECK_ERR(vfmig_dirty_release(d, m->page[i] << 12, 1),
				  err);
			if (m->hold[i]) {
				m->hold[i]--;
				m->mark[i] = 1;
			}
			break;
		default:
			/* A window from one pool page to another, page aligned. */
			j = i + vt_rand(&seed) % (vt_rand(&seed) % 4 ?
						  200 : SM_POOL);
			if (j >= SM_POOL)
				j = SM_POOL - 1;
			first = m->page[i] << 12;
			last = (m->page[j] << 12) + PG - 1;
			r.win_first = first;
			r.win_last = last;
			r.pages = 0;
			r.bad = 0;
			CHECK_ERR(vfmig_dirty_read_and_clear(d, first,
							     last - first + 1,
							     &out), 0);
			CHECK_EQ(r.bad, 0);
			want = 0;
			lo = sm_find(m, first >> 12);
			hi = sm_find(m, (last >> 12) + 1);
			for (t = lo; t < hi; t++) {
				want += m->mark[t] || m->hold[t];
				m->mark[t] = 0;
			}
			CHECK_EQ(r.pages, want);
			break;
		}
	}
	want = 0;
	for (i = 0; i < SM_POOL; i++)
		want += m->mark[i];
	CHECK_EQ(stats_of(d).pages_marked_now, want);
	want = 0;
	for (i = 0; i < SM_POOL; i++)
		want += !!m->hold[i];
	CHECK_EQ(stats_of(d).pages_held, want);

	/* Release every hold one by one, read all: the trees empty out. */
	for (i = 0; i < SM_POOL; i++)
		while (m->hold[i]) {
			CHECK_ERR(vfmig_dirty_release(d, m->page[i] << 12, PG), 0);
			m->hold[i]--;
		}
	r.win_first = 0;
	r.win_last = U64_MAX;
	CHECK_ERR(vfmig_dirty_read_and_clear(d, 0, U64_MAX, &out), 0);
	CHECK_EQ(stats_of(d).pages_marked_now, 0);
	CHECK_EQ(stats_of(d).pages_held, 0);
	CHECK_EQ(mem_of(d), empty);
	vfmig_dirty_free(d);
	free(m);
}

static void test_random_sparse_model(void)
{
	static const u64 seeds[] = { 11, 0xfeedfacecafeULL, 12345 };
	u32 i;

	vfmig_log_set_level(VFMIG_LOG_ERR);
	for (i = 0; i < ARRAY_SIZE(seeds) && !vt_failures; i++)
		sm_run(seeds[i]);
	vfmig_log_set_level(VFMIG_LOG_WARN);
}

/* ---- Trace ------------------------------------------------------------- */

struct trace_rec {
	unsigned int marks;
	u64 a, b;
};

static void trace_fn(void *ctx, const char *event, u64 a, u64 b)
{
	struct trace_rec *t = ctx;

	if (strcmp(event, "dirty.mark"))
		return;
	t->marks++;
	t->a = a;
	t->b = b;
}

static void test_trace_mark(void)
{
	struct vfmig_dirty_range r = { 0, 1 * MIB };
	struct vfmig_dirty *d = vfmig_dirty_new(1);
	struct trace_rec t = { 0 };
	u64 ps = PG;

	REQUIRE(!IS_ERR(d));
	CHECK_ERR(vfmig_dirty_start(d, &r, 1, &ps), 0);
	vfmig_set_trace_hook(trace_fn, &t);
	CHECK_ERR(vfmig_dirty_mark(d, 0x1234, 0x800), 0);
	CHECK_ERR(vfmig_dirty_mark(d, 0x5000, 0x10), 0);
	vfmig_set_trace_hook(NULL, NULL);
	CHECK_ERR(vfmig_dirty_mark(d, 0x6000, 0x10), 0);
	CHECK_EQ(t.marks, 2);
	CHECK_EQ(t.a, 0x5000);
	CHECK_EQ(t.b, 0x10);
	vfmig_dirty_free(d);
}

int main(void)
{
	RUN(test_merge_exact);
	RUN(test_merge_random);
	RUN(test_start_errors);
	RUN(test_double_start_busy);
	RUN(test_stop_idempotent);
	RUN(test_read_args);
	RUN(test_marks_outside_counted);
	RUN(test_unaligned_window);
	RUN(test_coalescing);
	RUN(test_window_bounds);
	RUN(test_top_of_iova_space);
	RUN(test_holds_every_report);
	RUN(test_release_errors);
	RUN(test_release_keeps_marks);
	RUN(test_release_all);
	RUN(test_bitmap_helper);
	RUN(test_memory_2e48);
	RUN(test_enomem_lost);
	RUN(test_tree_shrinks);
	RUN(test_random_dense_model);
	RUN(test_random_sparse_model);
	RUN(test_trace_mark);
	return vt_done();
}
