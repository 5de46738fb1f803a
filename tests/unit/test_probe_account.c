// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DPDK probe's counting rules (dpdk-test/account.c, dpdk-test/README.md
 * "Counting rules") without DPDK: frame check, received / lost / reordered /
 * duplicated / foreign, the end of the run, the longest gap and loss run, the
 * per-100 ms loss histogram.
 */
#include "harness.h"
#include "../../dpdk-test/account.c"

#define RATE 100	/* 10 frames per 100 ms bin */

static struct probe_hdr hdr(uint32_t run, uint8_t kind, uint64_t seq)
{
	struct probe_hdr h;

	memset(&h, 0, sizeof(h));
	h.magic = PROBE_MAGIC;
	h.version = PROBE_VERSION;
	h.kind = kind;
	h.run_id = run;
	h.rate_pps = RATE;
	h.seq = seq;
	h.start_ns = 1000;
	h.tx_ns = 1000 + seq * 10000000ull;
	h.len = PROBE_HDR_LEN;
	return h;
}

/* seq arrives at t ms */
static void data(struct acct *a, uint64_t seq, uint64_t t)
{
	struct probe_hdr h = hdr(7, PROBE_KIND_DATA, seq);

	CHECK_EQ(acct_frame(a, &h, t * 1000000ull + 5000), 1);
}

static void end(struct acct *a, uint64_t total)
{
	struct probe_hdr h = hdr(7, PROBE_KIND_END, total);

	CHECK_EQ(acct_frame(a, &h, 0), 1);
}

static void test_frame_check(void)
{
	uint8_t p[128];
	struct probe_hdr h = hdr(7, PROBE_KIND_DATA, 42);

	memcpy(p, &h, sizeof(h));
	probe_seal(p, sizeof(p));
	CHECK_EQ(probe_check(p, sizeof(p)), PV_DATA);
	CHECK_EQ(probe_check(p, sizeof(p) - 1), PV_BAD_MAGIC);	/* len > what arrived */
	CHECK_EQ(probe_check(p, PROBE_HDR_LEN - 1), PV_BAD_MAGIC);
	p[100] ^= 1;						/* padding corrupted */
	CHECK_EQ(probe_check(p, sizeof(p)), PV_BAD_CSUM);
	p[100] ^= 1;
	p[17] ^= 1;						/* seq corrupted */
	CHECK_EQ(probe_check(p, sizeof(p)), PV_BAD_CSUM);
	p[17] ^= 1;
	p[0] ^= 1;						/* magic */
	CHECK_EQ(probe_check(p, sizeof(p)), PV_BAD_MAGIC);
	p[0] ^= 1;
	p[6] = PROBE_KIND_END;
	probe_seal(p, sizeof(p));
	CHECK_EQ(probe_check(p, sizeof(p)), PV_END);
	p[7] = 2;						/* no such direction */
	probe_seal(p, sizeof(p));
	CHECK_EQ(probe_check(p, sizeof(p)), PV_BAD_MAGIC);
}

static void test_in_order(void)
{
	struct acct a;
	struct acct_result r;
	uint64_t s;

	REQUIRE(acct_init(&a, 0) == 0);
	for (s = 0; s < 1000; s++)
		data(&a, s, s * 10);
	end(&a, 1000);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK_EQ(r.sent, 1000);
	CHECK(!strcmp(r.sent_from, "end-frame"));
	CHECK_EQ(r.received, 1000);
	CHECK_EQ(r.lost + a.reordered + a.duplicated + acct_foreign_total(&a), 0);
	CHECK_EQ(r.nbins, 100);
	CHECK_EQ(r.bin_frames, 10);
	CHECK_EQ(a.gap_ns, 10000000);
	acct_result_free(&r);
	acct_free(&a);
}

static void test_loss_head_tail_histogram(void)
{
	struct acct a;
	struct acct_result r;
	uint64_t s;

	REQUIRE(acct_init(&a, 0) == 0);
	for (s = 2; s < 95; s++)		/* head 0,1 and tail 95..99 lost */
		if (s < 20 || s >= 33)		/* and a run of 13: 20..32 */
			data(&a, s, s);
	end(&a, 100);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK_EQ(r.sent, 100);
	CHECK_EQ(r.received, 100 - 2 - 5 - 13);
	CHECK_EQ(r.lost, 20);
	CHECK_EQ(r.head_lost, 2);
	CHECK_EQ(r.tail_lost, 5);
	CHECK_EQ(r.loss_run, 13);
	CHECK_EQ(r.loss_run_first, 20);
	CHECK_EQ(r.nbins, 10);
	CHECK_EQ(r.bin_lost[0], 2);
	CHECK_EQ(r.bin_lost[2], 10);
	CHECK_EQ(r.bin_lost[3], 3);
	CHECK_EQ(r.bin_lost[9], 5);
	/* the gap: 19 at 19 ms -> 33 at 33 ms */
	CHECK_EQ(a.gap_ns, 14000000);
	CHECK_EQ(a.gap_from_seq, 19);
	CHECK_EQ(a.gap_to_seq, 33);
	CHECK_EQ(a.gap_to_ns - a.gap_from_ns, a.gap_ns);
	acct_result_free(&r);
	acct_free(&a);
}

/*
 * Every gap of two frame intervals (20 ms at RATE) or more is kept, in
 * arrival order; the one spanning an instant is found even when a longer one
 * (a pre-copy stall) exists; a full list keeps the longest.
 */
static void test_gap_list(void)
{
	struct acct a;
	const struct acct_gap *g;
	uint64_t s, t = 0;

	REQUIRE(acct_init(&a, 0) == 0);
	for (s = 0; s < 300; s++) {
		t += 10;
		if (s == 50)
			t += 90;	/* a 100 ms stall before seq 50 */
		if (s == 200)
			t += 30;	/* the 40 ms switchover before seq 200 */
		if (s == 250)
			t += 10;	/* exactly two intervals: kept */
		data(&a, s, t);
	}
	CHECK_EQ(acct_gap_min_ns(&a), 20000000);
	CHECK_EQ(a.ngaps, 3);
	CHECK_EQ(a.gaps_dropped, 0);
	CHECK_EQ(a.gaps[0].to_seq, 50);
	CHECK_EQ(a.gaps[1].from_seq, 199);
	CHECK_EQ(a.gaps[1].to_ns - a.gaps[1].from_ns, 40000000);
	CHECK_EQ(a.gap_to_seq, 50);		/* the longest is the stall */
	/* an instant inside the switchover gap, and an interval around it */
	g = acct_gap_spanning(&a, a.gaps[1].from_ns + 1, a.gaps[1].from_ns + 1);
	CHECK(g == &a.gaps[1]);
	g = acct_gap_spanning(&a, a.gaps[1].from_ns - 5000000, a.gaps[1].to_ns + 5000000);
	CHECK(g == &a.gaps[1]);
	CHECK(acct_gap_spanning(&a, 1, 2) == NULL);
	acct_free(&a);

	/* full: 70 gaps of growing length; the 64 longest stay, in order */
	REQUIRE(acct_init(&a, 0) == 0);
	for (s = 0, t = 0; s < 71; s++) {
		t += s ? 20 + s : 0;
		data(&a, s, t);
	}
	CHECK_EQ(a.ngaps, ACCT_MAX_GAPS);
	CHECK_EQ(a.gaps_dropped, 70 - ACCT_MAX_GAPS);
	CHECK_EQ(a.gaps[0].to_seq, 71 - ACCT_MAX_GAPS);
	CHECK_EQ(a.gaps[ACCT_MAX_GAPS - 1].to_seq, 70);
	for (s = 1; s < ACCT_MAX_GAPS; s++)
		CHECK(a.gaps[s].from_ns > a.gaps[s - 1].from_ns);
	acct_free(&a);
}

static void test_reorder_and_duplicates(void)
{
	static const uint64_t order[] = { 0, 1, 3, 2, 4, 9, 5, 6, 7, 8, 8, 10, 10, 10, 3 };
	struct acct a;
	struct acct_result r;
	unsigned int i;

	REQUIRE(acct_init(&a, 0) == 0);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		data(&a, order[i], i);
	end(&a, 11);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK_EQ(r.received, 11);
	CHECK_EQ(r.lost, 0);
	/* late: 2 (after 3); 5, 6, 7, 8 (after 9); an overtaker is not late */
	CHECK_EQ(a.reordered, 5);
	/* extra copies: 8 once, 10 twice, 3 once (late, but a duplicate) */
	CHECK_EQ(a.duplicated, 4);
	CHECK_EQ(a.arrivals, ARRAY_SIZE(order));
	acct_result_free(&r);
	acct_free(&a);
}

static void test_foreign_never_ours(void)
{
	struct acct a;
	struct acct_result r;
	struct probe_hdr h;

	REQUIRE(acct_init(&a, 0) == 0);
	data(&a, 0, 0);			/* locks onto run 7 */
	h = hdr(8, PROBE_KIND_DATA, 1);
	CHECK_EQ(acct_frame(&a, &h, 1), 0);
	h = hdr(8, PROBE_KIND_END, 1000);
	CHECK_EQ(acct_frame(&a, &h, 1), 0);
	acct_foreign(&a, F_BAD_CSUM);
	data(&a, 1, 2);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK_EQ(a.foreign[F_OTHER_RUN], 2);
	CHECK_EQ(acct_foreign_total(&a), 3);
	CHECK_EQ(r.sent, 2);		/* no END of ours: the highest seq + 1 */
	CHECK(!strcmp(r.sent_from, "highest-seq"));
	CHECK_EQ(r.received, 2);
	acct_result_free(&r);
	acct_free(&a);

	/* a fixed run id refuses even the first frame of another run */
	REQUIRE(acct_init(&a, 0) == 0);
	acct_set_run(&a, 9);
	h = hdr(7, PROBE_KIND_DATA, 0);
	CHECK_EQ(acct_frame(&a, &h, 1), 0);
	CHECK_EQ(a.unique, 0);
	acct_free(&a);
}

static void test_end_of_run(void)
{
	struct acct a;
	struct acct_result r;

	/* no END: --expect says how many were sent, so the tail counts */
	REQUIRE(acct_init(&a, 0) == 0);
	data(&a, 0, 0);
	data(&a, 1, 1);
	REQUIRE(acct_finish(&a, 10, &r) == 0);
	CHECK(!strcmp(r.sent_from, "expect"));
	CHECK_EQ(r.lost, 8);
	CHECK_EQ(r.tail_lost, 8);
	acct_result_free(&r);
	/* END overrides --expect; a seq at or beyond END's count is kept apart */
	end(&a, 3);
	data(&a, 5, 2);
	REQUIRE(acct_finish(&a, 10, &r) == 0);
	CHECK(!strcmp(r.sent_from, "end-frame"));
	CHECK_EQ(r.sent, 3);
	CHECK_EQ(r.lost, 1);
	CHECK_EQ(a.out_of_range, 1);
	acct_result_free(&r);
	acct_free(&a);

	/* nothing at all */
	REQUIRE(acct_init(&a, 0) == 0);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK(!strcmp(r.sent_from, "none"));
	CHECK_EQ(r.sent + r.lost + r.received, 0);
	acct_result_free(&r);
	acct_free(&a);
}

static void test_bitmap_grows(void)
{
	struct acct a;
	struct acct_result r;

	REQUIRE(acct_init(&a, 0) == 0);
	data(&a, 0, 0);
	data(&a, 3000000, 1);
	end(&a, 3000001);
	REQUIRE(acct_finish(&a, 0, &r) == 0);
	CHECK_EQ(r.received, 2);
	CHECK_EQ(r.lost, 2999999);
	CHECK_EQ(r.loss_run, 2999999);
	acct_result_free(&r);
	acct_free(&a);
}

int main(void)
{
	RUN(test_frame_check);
	RUN(test_in_order);
	RUN(test_loss_head_tail_histogram);
	RUN(test_gap_list);
	RUN(test_reorder_and_duplicates);
	RUN(test_foreign_never_ours);
	RUN(test_end_of_run);
	RUN(test_bitmap_grows);
	return vt_done();
}
