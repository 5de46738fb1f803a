// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR0 mediation and software DMA dirty tracking (driver/core/mediate.c).
 *
 * Soundness is measured against the model's ground truth: the model
 * reports every DMA write it makes; a page the device wrote that no
 * read_and_clear() reported at or after the write is a missed page, and
 * there must be none, under traffic, ring wrap, mailbox traffic, a log
 * started mid-traffic, a VF reset with new rings, and a stop/cancel cycle.
 * Then the hostile guest: tails far beyond or behind, garbage descriptors
 * and ring addresses, writes to disabled or unconfigured queues, bad
 * accesses; work stays bounded and nothing crashes.
 */
#include "harness.h"
#include <stdlib.h>
#include <vfmig/vfdev.h>
#include <vfmig/mediate.h>
#include <vfmig/agent.h>
#include <vfmig/model.h>
#include <vfmig/guest.h>
#include <vfmig/stream.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>
#include <vfmig/virtchnl.h>

/* ========================================================================
 * Fixture: tests/hostfix.h, plus the DMA ground truth
 * ======================================================================== */

#define T_RAM		(32u << 20)
#include "hostfix.h"

/* Ground truth: every page the device wrote since the last report. */
static u8 *truth_unreported;	/* per 4 KiB page of the VM being judged */
static u8 *truth_ever;
static struct vfmig_st_vm *truth_vm;
static u64 truth_writes;

/* The world's dma_record while judging. */
static void truth_record(void *ctx, struct vfmig_st_vm *vm, u64 iova, u32 len,
			 enum vfmig_model_engine e)
{
	u64 p;

	if (vm != truth_vm || !truth_unreported || !len)
		return;
	truth_writes++;
	for (p = iova >> 12; p <= (iova + len - 1) >> 12 && p < (T_RAM >> 12); p++) {
		truth_unreported[p] = 1;
		truth_ever[p] = 1;
	}
}

/* ---- ground truth against the tracker ---------------------------------- */

#define T_PAGES		(T_RAM >> 12)

struct judge {
	u64 bits[T_PAGES / 64];
	u64 reports;
	u64 reported_pages;	/* sum over reports */
	u64 reported_union;	/* distinct pages ever reported */
	u8 ever_reported[T_PAGES];
};

static void judge_start(struct vfmig_st_vm *vm, struct judge *j)
{
	static const struct vfmig_dirty_range all = { 0, T_RAM };
	u64 psz = 4096;

	memset(j, 0, sizeof(*j));
	free(truth_unreported);
	free(truth_ever);
	truth_unreported = calloc(T_PAGES, 1);
	truth_ever = calloc(T_PAGES, 1);
	truth_vm = vm;
	truth_writes = 0;
	W.w->dma_record = truth_record;
	CHECK_ERR(vfmig_vf_log_start(vm->vdev, &all, 1, &psz), 0);
}

/* One report: clear the truth of every page reported. */
static void judge_report(struct vfmig_st_vm *vm, struct judge *j)
{
	u32 p;

	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };

	memset(j->bits, 0, sizeof(j->bits));
	CHECK_ERR(vfmig_dirty_bitmap_init(&bm, j->bits, 0, 4096, T_PAGES), 0);
	CHECK_ERR(vfmig_vf_log_read_and_clear(vm->vdev, 0, T_RAM, &out), 0);
	j->reports++;
	for (p = 0; p < T_PAGES; p++) {
		if (!(j->bits[p / 64] & BIT_ULL(p % 64)))
			continue;
		truth_unreported[p] = 0;
		j->reported_pages++;
		if (!j->ever_reported[p])
			j->reported_union++;
		j->ever_reported[p] = 1;
	}
}

/* Pages written and not reported since: must be 0 after the final report. */
static u32 judge_missed(void)
{
	u32 p, n = 0;

	for (p = 0; p < T_PAGES; p++)
		n += truth_unreported[p];
	return n;
}

static u32 truth_pages(void)
{
	u32 p, n = 0;

	for (p = 0; p < T_PAGES; p++)
		n += truth_ever[p];
	return n;
}

static void judge_end(void)
{
	free(truth_unreported);
	free(truth_ever);
	truth_unreported = NULL;
	truth_ever = NULL;
	truth_vm = NULL;
	W.w->dma_record = NULL;
}

/* Traffic both ways for @steps steps with a report every @every steps. */
static void traffic(struct vfmig_st_vm *vm, struct judge *j, u32 steps,
		    u32 every, u32 *seq)
{
	u32 i;
	u16 nq = vm->gcfg.num_queue_pairs;

	for (i = 0; i < steps; i++) {
		if (!vm_xmit_seq(vm, (u16)(*seq % nq), *seq))
			(*seq)++;
		if (i % 2)
			port_rx_seq(vm->h, vm->mac, *seq + i);
		if (i % 97 == 0)
			vfmig_model_set_link(vm->h->pf, true, 40000);
		w_step();
		vm_drain(vm, NULL, 0);
		port_collect(vm->h, NULL, 0, &(u32){ 0 });
		if (every && i % every == every - 1)
			judge_report(vm, j);
	}
}

/* ========================================================================
 * Tests
 * ======================================================================== */

static void test_trap_table(void)
{
	struct vfmig_bar0_range a[16];
	u32 i, off;

	CHECK_EQ(ARRAY_SIZE(vfmig_bar0_trapped), 3);
	CHECK_EQ(vfmig_bar0_trapped[0].offset, VFMIG_VF_TX_TAIL_PAGE);
	CHECK_EQ(vfmig_bar0_trapped[1].offset, VFMIG_VF_RX_TAIL_PAGE);
	CHECK_EQ(vfmig_bar0_trapped[2].offset, VFMIG_VF_ARQ_TAIL_PAGE);
	/* every doorbell is trapped */
	for (i = 0; i < 16; i++) {
		CHECK(vfmig_vf_bar0_trapped(VFMIG_QTX_TAIL1(i)));
		CHECK(vfmig_vf_bar0_trapped(VFMIG_QRX_TAIL1(i)));
	}
	CHECK(vfmig_vf_bar0_trapped(VFMIG_VF_ARQT1));
	/* 4 KiB host pages: the complement, page aligned, in three pieces */
	CHECK_EQ(vfmig_bar0_mmap_areas(4096, a, 16), 3);
	CHECK_EQ(a[0].offset, 0x1000);
	CHECK_EQ(a[0].size, 0x1000);
	CHECK_EQ(a[1].offset, 0x3000);
	CHECK_EQ(a[1].size, 0x4000);
	CHECK_EQ(a[2].offset, 0x8000);
	CHECK_EQ(a[2].size, 0x8000);
	for (off = 0; off < VFMIG_VF_BAR0_SIZE; off += 4) {
		bool mapped = false;

		for (i = 0; i < 3; i++)
			mapped |= off >= a[i].offset && off < a[i].offset + a[i].size;
		CHECK_EQ(mapped, !vfmig_vf_bar0_trapped(off));
		if (mapped == vfmig_vf_bar0_trapped(off))
			break;
	}
	/* 16 KiB: only what no trapped page shares a host page with */
	CHECK_EQ(vfmig_bar0_mmap_areas(16384, a, 16), 1);
	CHECK_EQ(a[0].offset, 0x8000);
	CHECK_EQ(a[0].size, 0x8000);
	/* 64 KiB pages: the whole BAR is trapped */
	CHECK_EQ(vfmig_bar0_mmap_areas(65536, a, 16), 0);
	CHECK_ERR(vfmig_bar0_mmap_areas(3000, a, 16), -EINVAL);
	CHECK_ERR(vfmig_bar0_mmap_areas(4096, a, 2), -ENOSPC);
}

static void test_bad_accesses(void)
{
	struct vfmig_mediate_stats st0, st1;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	u64 v = 0;

	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	vm = vm_new(h, 0, NULL);
	REQUIRE(vm);
	vfmig_vf_mediate_stats(vm->vdev, &st0);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), 5, 2), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), 5, 8), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0) + 1, 5, 4), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_VF_ATQT1, 5, 4), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, 0x10000, 5, 4), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, ~0ULL - 3, 5, 4), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_read(vm->vdev, VFMIG_QRX_TAIL1(0), &v, 1), -EINVAL);
	CHECK_ERR(vfmig_vf_bar0_read(vm->vdev, 0x5000, &v, 4), -EINVAL);
	/* none reached the device */
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 0, VFMIG_QRX_TAIL1(0)), 0);
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 0, VFMIG_VF_ATQT1), 0);
	vfmig_vf_mediate_stats(vm->vdev, &st1);
	CHECK_EQ(st1.bad_accesses, st0.bad_accesses + 8);
	CHECK_EQ(st1.writes, st0.writes);
	/* a valid access does, and reads back */
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_VFINT_ITRN1(0, 1), 0x12, 4), 0);
	CHECK_ERR(vfmig_vf_bar0_read(vm->vdev, VFMIG_VFINT_ITRN1(0, 1), &v, 4), 0);
	CHECK_EQ(v, 0x12);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QTX_TAIL1(3), 0x41, 4), 0);
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 0, VFMIG_QTX_TAIL1(3)), 0x41);
	/* a stopped device takes no write */
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QTX_TAIL1(3), 0x42, 4), 0);
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 0, VFMIG_QTX_TAIL1(3)), 0x41);
	vfmig_vf_mediate_stats(vm->vdev, &st1);
	CHECK_EQ(st1.writes_dropped, st0.writes_dropped + 1);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QTX_TAIL1(3), 0x43, 4), 0);
	CHECK_EQ(vfmig_model_vf_read32(h->pf, 0, VFMIG_QTX_TAIL1(3)), 0x43);
	w_reset();
}

/*
 * The main soundness run: a guest with @queues queue pairs and @ring-entry
 * rings moves traffic both ways with mailbox events while the log runs;
 * reports come every @every steps; the device stops; the final report must
 * leave no page the device wrote unreported.
 */
static void soundness_run(u16 queues, u16 ring, bool head_wb, u32 every,
			  bool early_log)
{
	struct vfmig_guest_cfg g;
	struct judge *j;
	u32 seq = 0, missed, truth;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	w_reset();
	h = host_new(queues, (u16)(queues + 1), 0x154c);
	REQUIRE(h);
	gcfg_default(&g, queues);
	g.ring_len = ring;
	g.tx_head_wb = head_wb;
	vm = vm_new(h, 0, &g);
	j = calloc(1, sizeof(*j));
	REQUIRE(vm && j);
	if (early_log) {
		/* the log runs before the guest even configured its VF */
		judge_start(vm, j);
		REQUIRE(vm_until_running(vm, 20000));
	} else {
		REQUIRE(vm_until_running(vm, 20000));
		/* traffic runs before the log starts: buffers already posted */
		traffic(vm, j, 300, 0, &seq);
		judge_start(vm, j);
	}
	traffic(vm, j, 3000, every, &seq);
	/* stop as a migration does: vCPU, then the device */
	vm->vcpu = false;
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK_EQ(enabled_mask(h, 0, false) | enabled_mask(h, 0, true), 0);
	judge_report(vm, j);
	missed = judge_missed();
	truth = truth_pages();
	CHECK_EQ(missed, 0);
	CHECK(truth_writes > 1000);
	CHECK(truth > 10);
	/* not everything: the tracker names what the device was given */
	CHECK(j->reported_union < T_PAGES / 2);
	printf("# info: %u qp x %u, head_wb %d: %llu DMA writes on %u pages, %llu reported (%llu distinct) in %llu reports, missed %u\n",
	       queues, ring, head_wb, (unsigned long long)truth_writes, truth,
	       (unsigned long long)j->reported_pages,
	       (unsigned long long)j->reported_union,
	       (unsigned long long)j->reports, missed);
	judge_end();
	free(j);
	w_reset();
}

static void test_soundness_1x64(void)
{
	soundness_run(1, 64, false, 7, false);
}

static void test_soundness_log_before_bringup(void)
{
	soundness_run(4, 256, false, 5, true);
	soundness_run(2, 64, true, 1, true);
}

static void test_soundness_4x512_headwb(void)
{
	soundness_run(4, 512, true, 50, false);
}

static void test_soundness_16x128(void)
{
	soundness_run(16, 128, false, 13, false);
}

/*
 * Holds survive cancel: stop the device (release_all), cancel back to
 * RUNNING with the log still on, run again, stop again; nothing missed.
 * Then a VF reset requested by the guest moves its rings while logging.
 */
static void test_soundness_cancel_and_reset(void)
{
	struct vfmig_guest_cfg g;
	struct judge *j = calloc(1, sizeof(*j));
	struct vfmig_guest_stats gs;
	u32 seq = 0;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	int round;

	REQUIRE(j);
	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	gcfg_default(&g, 2);
	vm = vm_new(h, 0, &g);
	REQUIRE(vm && vm_until_running(vm, 20000));
	judge_start(vm, j);
	for (round = 0; round < 3; round++) {
		traffic(vm, j, 400, 11, &seq);
		vm->vcpu = false;
		CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, round == 1 ?
						VFMIG_MIG_PRE_COPY_P2P : VFMIG_MIG_STOP), 0);
		judge_report(vm, j);
		CHECK_EQ(judge_missed(), 0);
		CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
		vm->vcpu = true;
	}
	/* the guest resets its VF: new mailbox and queue setup while logging */
	CHECK_ERR(vfmig_guest_request_reset(&vm->env, T_GPA), 0);
	CHECK(vm_until_running(vm, 50000));
	vfmig_guest_stats(&vm->env, T_GPA, &gs);
	CHECK(gs.resets >= 1);
	traffic(vm, j, 800, 17, &seq);
	vm->vcpu = false;
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	judge_report(vm, j);
	CHECK_EQ(judge_missed(), 0);
	/* and the log stops and restarts without a hold left behind */
	CHECK_ERR(vfmig_vf_log_stop(vm->vdev), 0);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	vm->vcpu = true;
	judge_start(vm, j);
	traffic(vm, j, 400, 9, &seq);
	vm->vcpu = false;
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	judge_report(vm, j);
	CHECK_EQ(judge_missed(), 0);
	judge_end();
	free(j);
	w_reset();
}

/* Program an RX queue of VF @vf by hand: ring at @base, @len entries. */
static void hand_rxq(struct vfmig_st_host *h, u16 vf, u16 q, u64 base, u16 len, bool on)
{
	struct vfmig_hmc_rxq rx = { 0 };

	rx.base = base / 128;
	rx.qlen = len;
	rx.dbuff = 2048 >> 7;
	rx.dsize = 1;
	rx.crcstrip = 1;
	rx.rxmax = 1518;
	CHECK_ERR(vfmig_model_pf_hw_ops.rxq_ctx_write(h->pf, vf, q, &rx), 0);
	if (on)
		CHECK_ERR(vfmig_model_pf_hw_ops.queue_enable(h->pf, vf, q, true, true, 1000), 0);
}

/*
 * A hostile guest: garbage descriptors, tails jumping backwards by a ring,
 * beyond the ring, on disabled and unconfigured queues, rings outside
 * guest memory. Each write costs at most one ring of descriptor reads and
 * one agent query, and still reaches the device.
 */
static void test_hostile_tails(void)
{
	struct vfmig_mediate_stats s0, s1;
	static const struct vfmig_dirty_range all = { 0, T_RAM };
	u64 psz = 4096, seed = 99, v;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	u32 i, k;

	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	vm = vm_new(h, 1, NULL);
	REQUIRE(vm);
	/* queue 0: ring of 64 full of garbage, enabled; queue 1: 512, off */
	for (i = 0; i < 64 * 32; i++)
		vm->ram[0x200000 + i] = (u8)vt_rand(&seed);
	for (i = 0; i < 512 * 32; i++)
		vm->ram[0x300000 + i] = (u8)vt_rand(&seed);
	hand_rxq(h, 1, 0, 0x200000, 64, true);
	hand_rxq(h, 1, 1, 0x300000, 512, false);
	/* queue 2: a ring outside guest memory */
	hand_rxq(h, 1, 2, 0x7f0000000000ULL, 256, false);
	CHECK_ERR(vfmig_vf_log_start(vm->vdev, &all, 1, &psz), 0);

	for (k = 0; k < 2000; k++) {
		u64 r = vt_rand(&seed);
		u16 q = (u16)(r % 5);	/* 3, 4: unconfigured */
		u32 val;
		u32 max_reads = q == 0 ? 64 : q == 1 ? 512 : q == 2 ? 256 : 0;

		switch ((r >> 8) % 4) {
		case 0:		/* one behind the old tail: ring - 1 posted */
			val = (vfmig_model_vf_read32(h->pf, 1, VFMIG_QRX_TAIL1(q)) +
			       (q == 1 ? 511 : q == 0 ? 63 : 255)) %
			      (q == 1 ? 512 : q == 0 ? 64 : 256);
			break;
		case 1:		/* beyond the ring, up to the register's width */
			val = (u32)(r >> 16) & 0x1fff;
			break;
		case 2:		/* all bits */
			val = 0xffffffff;
			break;
		default:
			val = (u32)(r >> 16) % 64;
			break;
		}
		vfmig_vf_mediate_stats(vm->vdev, &s0);
		CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(q), val, 4), 0);
		vfmig_vf_mediate_stats(vm->vdev, &s1);
		/* bounded: at most one ring of descriptors and one query per write */
		CHECK(s1.desc_reads - s0.desc_reads <= max_reads);
		CHECK(s1.geometry_queries - s0.geometry_queries <= 1);
		/* the device got it, whatever it was */
		CHECK_EQ(vfmig_model_vf_read32(h->pf, 1, VFMIG_QRX_TAIL1(q)),
			 val & VFMIG_QTAIL1_TAIL_MASK);
		if (s1.desc_reads - s0.desc_reads > max_reads)
			break;
		/* and TX tails, ARQ tails */
		CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QTX_TAIL1(q), val, 4), 0);
		if (k % 50 == 0)
			CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_VF_ARQT1, val, 4), 0);
		if (k % 100 == 0)
			w_step();
	}
	vfmig_vf_mediate_stats(vm->vdev, &s1);
	CHECK(s1.dma_errors > 0);	/* the ring outside memory */
	CHECK(s1.bad_tails > 0);
	CHECK(s1.desc_reads > 0);
	CHECK_ERR(vfmig_vf_bar0_read(vm->vdev, VFMIG_QRX_TAIL1(1), &v, 4), 0);
	/* reports still work, the device stops cleanly, no WARN on the way */
	{
		u64 bits[T_PAGES / 64] = { 0 };
		struct vfmig_dirty_bitmap bm;
		struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };

		CHECK_ERR(vfmig_dirty_bitmap_init(&bm, bits, 0, 4096, T_PAGES), 0);
		CHECK_ERR(vfmig_vf_log_read_and_clear(vm->vdev, 0, T_RAM, &out), 0);
	}
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	w_run(100);
	CHECK_ERR(vfmig_vf_log_stop(vm->vdev), 0);
	w_reset();
}

/* Is the page holding @addr in the report? */
static bool rep(const u64 *bits, u64 addr)
{
	return bits[addr / 4096 / 64] & BIT_ULL((addr / 4096) % 64);
}

/* One report through the product's path (it looks at the RX rings first). */
static void report_bits(struct vfmig_st_vm *vm, u64 *bits)
{
	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };

	memset(bits, 0, (T_PAGES / 64) * sizeof(u64));
	CHECK_ERR(vfmig_dirty_bitmap_init(&bm, bits, 0, 4096, T_PAGES), 0);
	CHECK_ERR(vfmig_vf_log_read_and_clear(vm->vdev, 0, T_RAM, &out), 0);
}

/*
 * A posted RX buffer is reported once, when the device may have filled it:
 * a report finds its slot done (DD), the guest posts the slot again, or the
 * device stops with the slot outside [head, tail). A posted buffer the
 * device never reached is never reported; the RX ring (write-back) is held
 * and reported in every round.
 */
static void test_rx_buffers_reported_when_filled(void)
{
	static const struct vfmig_dirty_range all = { 0, T_RAM };
	u64 *bits = calloc(T_PAGES / 64, sizeof(u64));
	struct vfmig_mediate_stats st;
	u64 psz = 4096;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	int r, i;

	REQUIRE(bits);
	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	vm = vm_new(h, 1, NULL);
	REQUIRE(vm);
	/* 64-entry ring at 2 MiB: slot i -> buffer at 4 MiB + i * 8 KiB */
	for (i = 0; i < 64; i++)
		vfmig_put_le64(vm->ram + 0x200000 + i * 32, 0x400000 + (u64)i * 8192);
	hand_rxq(h, 1, 0, 0x200000, 64, false);	/* disabled: head stays 0 */
	CHECK_ERR(vfmig_vf_log_start(vm->vdev, &all, 1, &psz), 0);
	for (r = 0; r < 2; r++) {
		report_bits(vm, bits);
		CHECK(!rep(bits, 0x400000) && !rep(bits, 0x408000) && !rep(bits, 0x47e000));
		CHECK(rep(bits, 0x200000));		/* the ring */
	}
	/*
	 * The first tail write since the log began, with the tail unknown
	 * before it: it may have posted any slot again, each with its own
	 * buffer, after the device filled it - every pending buffer once.
	 */
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), 0, 4), 0);
	for (r = 0; r < 3; r++) {
		report_bits(vm, bits);
		CHECK_EQ(rep(bits, 0x400000), r == 0);
		CHECK_EQ(rep(bits, 0x408000), r == 0);
		CHECK_EQ(rep(bits, 0x47e000), r == 0);
		CHECK(rep(bits, 0x200000));		/* the ring */
	}
	/* slots 0..3 posted with new buffers: the old ones once, as filled */
	for (i = 0; i < 4; i++)
		vfmig_put_le64(vm->ram + 0x200000 + i * 32, 0x500000 + (u64)i * 8192);
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), 4, 4), 0);
	for (r = 0; r < 3; r++) {
		report_bits(vm, bits);
		CHECK_EQ(rep(bits, 0x400000), r == 0);
		CHECK_EQ(rep(bits, 0x406000), r == 0);
		CHECK(!rep(bits, 0x500000) && !rep(bits, 0x506000));
		CHECK(!rep(bits, 0x408000));
	}
	/* the "device" completes slot 1 (DD): its buffer once, then no more */
	vfmig_put_le64(vm->ram + 0x200000 + 1 * 32 + 8, VFMIG_RX_STATUS_DD);
	for (r = 0; r < 2; r++) {
		report_bits(vm, bits);
		CHECK_EQ(rep(bits, 0x502000), r == 0);
		CHECK(!rep(bits, 0x500000) && !rep(bits, 0x504000));
	}
	/*
	 * The device stops at head 0 with tail 4: slots 0, 2, 3 never
	 * reached, not reported; slots 4..63 may have been completed since
	 * the log began and are reported once, the ring too; then nothing.
	 */
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	for (r = 0; r < 2; r++) {
		report_bits(vm, bits);
		CHECK(!rep(bits, 0x500000) && !rep(bits, 0x504000) && !rep(bits, 0x506000));
		CHECK(!rep(bits, 0x502000));
		CHECK_EQ(rep(bits, 0x408000), r == 0);
		CHECK_EQ(rep(bits, 0x47e000), r == 0);
		CHECK_EQ(rep(bits, 0x200000), r == 0);
	}
	vfmig_vf_mediate_stats(vm->vdev, &st);
	CHECK_EQ(st.rx_completions, 1);
	CHECK_EQ(st.rx_unreached, 3);
	/* tail writes while stopped are dropped and track nothing */
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), 10, 4), 0);
	report_bits(vm, bits);
	CHECK(!rep(bits, 0x408000) && !rep(bits, 0x200000));
	/* running again (cancel): the ring is held again, buffers pending */
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	report_bits(vm, bits);
	CHECK(rep(bits, 0x200000) && !rep(bits, 0x500000) && !rep(bits, 0x408000));
	free(bits);
	w_reset();
}

/*
 * A driver written here, on VF 1: every RX slot is posted again with a new
 * buffer from a pool (as drivers that flip or reallocate pages do), so the
 * pages the device may write move all the time and holds must follow the
 * tail writes. With mediation: nothing missed. Writing the tails past
 * mediation (@bypass): the judge sees the misses, so it can fail.
 */
static u32 moving_buffers_run(bool bypass, u32 *truth_out)
{
	static const u8 mac[6] = { 0x02, 0xaa, 0, 0, 0, 7 };
	const struct vfmig_pf_hw_ops *o = &vfmig_model_pf_hw_ops;
	struct vfmig_pf_vf_state *st = calloc(1, sizeof(*st));
	struct judge *j = calloc(1, sizeof(*j));
	const u64 ring = 0x200000, pool = 0x800000;
	const u16 len = 64;
	u32 next_buf = 0, ntu, ntc = 0, i, k, missed = ~0u;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	if (!st || !j)
		goto out;
	w_reset();
	h = host_new(4, 5, 0x154c);
	vm = h ? vm_new(h, 1, NULL) : NULL;
	if (!vm)
		goto out;
	/* the PF host: an active VF with one MAC filter and one queue pair */
	o->vf_state_get(h->pf, 1, st);
	st->active = true;
	st->virtchnl_major = 1;
	st->virtchnl_minor = 1;
	st->config.present = VFMIG_CFG_ALL;
	st->config.vsi.num_queue_pairs = 1;
	st->config.num_mac_filters = 1;
	memcpy(st->config.mac_filters[0].addr, mac, 6);
	st->config.mac_filters[0].type = VFMIG_MAC_TYPE_PRIMARY;
	memset(st->config.rss_lut, 0, sizeof(st->config.rss_lut));
	CHECK_ERR(o->vf_state_set(h->pf, 1, st), 0);
	hand_rxq(h, 1, 0, ring, len, true);
	for (i = 0; i < (u32)len - 1; i++) {
		vfmig_put_le64(vm->ram + ring + i * 32, pool + (u64)(next_buf++ % 1024) * 2048);
		vfmig_put_le64(vm->ram + ring + i * 32 + 8, 0);
	}
	ntu = len - 1;
	CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0), ntu, 4), 0);
	judge_start(vm, j);
	for (k = 0; k < 4000; k++) {
		u32 posted = 0;

		if (k % 3 != 2)
			port_rx_seq(h, mac, k);
		w_step();
		/* consume what completed; post the slot behind it with a new buffer */
		for (;;) {
			u64 qw1 = vfmig_get_le64(vm->ram + ring + ntc * 32 + 8);

			if (!(qw1 & VFMIG_RX_STATUS_DD))
				break;
			ntc = (ntc + 1) % len;
			vfmig_put_le64(vm->ram + ring + ntu * 32,
				       pool + (u64)(next_buf++ % 1024) * 2048);
			vfmig_put_le64(vm->ram + ring + ntu * 32 + 8, 0);
			ntu = (ntu + 1) % len;
			posted++;
		}
		if (posted && (k % 4 == 0 || posted > 8)) {
			if (bypass)
				vfmig_model_vf_write32(h->pf, 1, VFMIG_QRX_TAIL1(0), ntu);
			else
				CHECK_ERR(vfmig_vf_bar0_write(vm->vdev, VFMIG_QRX_TAIL1(0),
							      ntu, 4), 0);
		}
		if (k % 25 == 24)
			judge_report(vm, j);
	}
	CHECK(next_buf > 1500);		/* buffers did move, the pool wrapped */
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	judge_report(vm, j);
	missed = judge_missed();
	*truth_out = truth_pages();
	judge_end();
out:
	free(st);
	free(j);
	w_reset();
	return missed;
}

static void test_soundness_moving_buffers(void)
{
	u32 truth = 0, missed;

	missed = moving_buffers_run(false, &truth);
	CHECK_EQ(missed, 0);
	CHECK(truth > 400);
	missed = moving_buffers_run(true, &truth);
	CHECK(missed > 100 && missed != ~0u);
}

int main(void)
{
	w_reset();
	RUN(test_trap_table);
	RUN(test_bad_accesses);
	RUN(test_soundness_1x64);
	RUN(test_soundness_4x512_headwb);
	RUN(test_soundness_16x128);
	RUN(test_soundness_log_before_bringup);
	RUN(test_soundness_cancel_and_reset);
	RUN(test_soundness_moving_buffers);
	RUN(test_rx_buffers_reported_when_filled);
	RUN(test_hostile_tails);
	w_reset();
	return vt_done();
}
