// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel lab: vfmig-lab migrate --vfio SRC --to DST (issue 7).
 *
 * The same VM, guest AVF driver, traffic app and migration engine as the
 * in-process lab (sim.c), but the devices are real VFIO devices bound to
 * i40e_vfio_pci in the running kernel (struct vfmig_vfio_dev over ioctls,
 * vfio_ioctl.c), and time is real: CLOCK_MONOTONIC, one loop stepping the
 * vCPU and both halves of the engine, as QEMU's vCPU and migration threads
 * would run on two CPUs. Source and destination are two VMs: each device
 * has a container of its own with its own guest RAM mapped at IOVA 0.
 *
 * Made for the boot test (tests/kernel/init.sh), where the devices are
 * QEMU edu devices standing in for VFs of two model PFs whose ports are
 * joined by a wire with a reflector: a frame sent to the reflector's MAC
 * comes back out of the port it entered by. The guest sends its
 * sequence-numbered, checksummed frames there and checks what comes back;
 * interrupts are not delivered (the guest polls), BAR0 is region
 * pread/pwrite.
 *
 * What replaces the in-process lab's instruments:
 *   - device writes: there is no DMA recorder in the kernel. At the end of
 *     every round (and after the final sync) each page of the source's RAM
 *     is compared with its baseline: its content when it was last sent, or
 *     at the previous such point if later. A page that changed although
 *     the guest CPU did not write it (the CPU tracker's own view,
 *     lab_ram->observe) was written by the device after its last copy, and
 *     must be named by the device's report of that round or of the next
 *     one (a write that lands between a report and the comparison belongs
 *     to the next report), unless it is sent again first. Pages the CPU
 *     wrote too are re-sent anyway and cannot be told apart here (the
 *     in-process lab's recorder can).
 *   - frames: the guest queues frame N at a known time; it must come back
 *     once, intact. Only frames queued from shortly before the vCPU
 *     stopped (twice the longest round trip seen before the migration,
 *     plus 20 ms) until it ran again at the destination may be missing:
 *     they were on the wire when the source VF stopped receiving.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <vfmig/guest_internal.h>
#include <vfmig/osdep_user_ctl.h>
#include <vfmig/x710_regs.h>
#include "host.h"
#include "sim.h"
#include "traffic.h"
#include "vfio_ioctl.h"
#include "vm.h"

#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL
#define BOOT_MAX_NS	(10 * NS_PER_S)
#define READY_MAX_NS	(3 * NS_PER_S)
#define RUN_MAX_NS	(120 * NS_PER_S)
#define DRAIN_NS	(300 * NS_PER_MS)
#define GUARD_NS	(20 * NS_PER_MS)

#define GUEST_IP	0xc6120002u	/* 198.18.0.2 */
#define PEER_IP		0xc6120001u	/* 198.18.0.1, the reflector's */

struct klab {
	const struct lab_opts *o;
	u64 now;
	struct lab_ram *sram, *dram;
	struct vfmig_vfio_dev *sdev, *ddev;
	struct lab_hvf shvf, dhvf;	/* what the vCPU attaches to */
	struct lab_vm vm;
	struct vfmig_guest_cfg gcfg;
	u8 guest_mac[6];
	char cpu_tracking[240];
	struct lab_link fwd, ret;
	struct lab_mig_params mp;
	struct lab_mig_src ms;
	struct lab_mig_dst md;
	bool migrating;

	/* frames, by sequence number */
	struct lab_u64s queued_ns;
	struct lab_counts seen;
	u64 tx_stamped;			/* sequence numbers stamped so far */
	u64 rx_ok, rx_corrupt, rx_after;
	u64 rtt_max_ns;
	u64 t_stop, t_resume;

	/* device writes: see the top of the file */
	u64 npages;
	u8 *snap;			/* source RAM at the last judge point */
	u64 *cpu;			/* pages the CPU tracker handed out since */
	u64 *rep;			/* pages the device reported since */
	u64 *pending;			/* device-written, not yet reported */
	u64 *ever_true, *ever_rep;
	bool judging, judged;
	u64 missed, first_missed, missed_final;
	u64 mismatch, first_mismatch;
	u64 late, first_late;		/* source pages changed after the final sync */
	char why_missed[4][200];	/* what the first missed pages hold */
	/*
	 * Wall time of the instruments themselves (snapshots, comparisons):
	 * taken out of the durations reported, as the in-process lab's
	 * judges cost no virtual time.
	 */
	u64 instr_ns, instr_blackout_ns;
	u64 instr_final_ns;		/* in the stop-copy transfer: the last judge point, page copies */
};

/* ---- the guest ---------------------------------------------------------------- */

static void stamp_queued(struct klab *k)
{
	struct lab_app_state *a = (struct lab_app_state *)(k->vm.ram->cpu + LAB_APP_GPA);

	for (; k->tx_stamped < a->tx_seq; k->tx_stamped++)
		lab_u64s_set(&k->queued_ns, k->tx_stamped, k->now);
}

static void vcpu_run(struct klab *k)
{
	if (!k->vm.running)
		return;
	lab_vm_run(&k->vm, k->now);
	stamp_queued(k);
}

static void probe_rx(void *ctx, u64 seq, enum lab_frame_verdict v)
{
	struct klab *k = ctx;
	u64 q;

	if (v != LAB_FRAME_OK) {
		k->rx_corrupt++;
		return;
	}
	k->rx_ok++;
	lab_counts_inc(&k->seen, seq);
	q = lab_u64s_get(&k->queued_ns, seq);
	/* the round trip before the migration: how long frames are in flight */
	if (!k->migrating && q && k->now > q && k->now - q > k->rtt_max_ns)
		k->rtt_max_ns = k->now - q;
	if (k->t_resume && k->now > k->t_resume)
		k->rx_after++;
}

/* Model VFs come out of a reset by themselves: wait for VFR_VFACTIVE. */
static int wait_vf_ready(struct vfmig_vfio_dev *d, char *err, size_t len)
{
	u64 end = lab_wall_ns() + READY_MAX_NS;
	u32 v = 0;

	for (;;) {
		if (!d->ops->bar0_read(d, VFMIG_VFGEN_RSTAT, &v) &&
		    (v & VFMIG_VFGEN_RSTAT_VFR_STATE_MASK) == VFMIG_VFR_VFACTIVE)
			return 0;
		if (lab_wall_ns() > end)
			break;
		usleep(1000);
	}
	snprintf(err, len, "%s: VFGEN_RSTAT %#x, not VFR_VFACTIVE %llu ms after the reset",
		 d->name, v, (unsigned long long)(READY_MAX_NS / NS_PER_MS));
	return -ETIMEDOUT;
}

/* ---- the device-write judge ------------------------------------------------------ */

/*
 * What guest page @p holds, for a missed page's report: an RX buffer names
 * its queue, slots and their descriptors as they are now (the tracker
 * learns RX buffers from those).
 */
static void explain_page(struct klab *k, u64 p, char *buf, size_t len)
{
	u64 gpa = p << LAB_PAGE_SHIFT, bsz = k->gcfg.rx_buf_size;
	struct vg_layout lay;
	u16 q;

	vg_layout(&k->gcfg, LAB_DRV_GPA, &lay);
	for (q = 0; q < k->gcfg.num_queue_pairs && bsz; q++) {
		u64 first, slot, n = LAB_PAGE_SIZE / bsz, i;
		size_t l;

		if (gpa < lay.rx_bufs[q] || gpa >= lay.rx_bufs[q] + k->gcfg.ring_len * bsz)
			continue;
		first = (gpa - lay.rx_bufs[q]) / bsz;
		l = (size_t)snprintf(buf, len, "pfn %#llx: RX queue %u buffers of slots %llu..%llu; descriptors now:",
				     (unsigned long long)p, q, (unsigned long long)first,
				     (unsigned long long)(first + n - 1));
		for (i = 0; i < n && l < len; i++) {
			const u8 *d;

			slot = first + i;
			d = k->sram->dev + lay.rx_ring[q] + slot * VFMIG_RX_DESC_SIZE;
			l += (size_t)snprintf(buf + l, len - l, " [%llu] %#llx %#llx",
					      (unsigned long long)slot,
					      (unsigned long long)vfmig_get_le64(d),
					      (unsigned long long)vfmig_get_le64(d + 8));
		}
		return;
	}
	snprintf(buf, len, "pfn %#llx: not an RX buffer (driver block %#llx..%#llx)",
		 (unsigned long long)p, (unsigned long long)lay.priv,
		 (unsigned long long)lay.end);
}

static void judge_point(struct klab *k, bool final)
{
	u64 p, w0 = lab_wall_ns();

	if (!k->judging)
		return;
	for (p = 0; p < k->npages; p++) {
		u8 *cur = k->sram->dev + (p << LAB_PAGE_SHIFT);
		u8 *old = k->snap + (p << LAB_PAGE_SHIFT);
		bool changed = memcmp(cur, old, LAB_PAGE_SIZE) != 0;
		bool dev = changed && !lab_btest(k->cpu, p);
		bool rep = lab_btest(k->rep, p);
		bool miss = false;

		if (lab_btest(k->pending, p)) {
			k->pending[p >> 6] &= ~(1ULL << (p & 63));
			miss = !rep;
		}
		if (dev) {
			lab_bset(k->ever_true, p);
			if (!rep) {
				if (final)
					miss = true;
				else
					lab_bset(k->pending, p);
			}
		}
		if (miss) {
			if (!k->missed)
				k->first_missed = p;
			if (k->missed < ARRAY_SIZE(k->why_missed))
				explain_page(k, p, k->why_missed[k->missed],
					     sizeof(k->why_missed[0]));
			k->missed++;
			k->missed_final += final;
		}
		if (changed)
			memcpy(old, cur, LAB_PAGE_SIZE);
	}
	memset(k->cpu, 0, LAB_BM_WORDS(k->npages) * sizeof(u64));
	memset(k->rep, 0, LAB_BM_WORDS(k->npages) * sizeof(u64));
	if (final) {
		k->judging = false;
		k->judged = true;
		k->sram->observe = NULL;
	}
	w0 = lab_wall_ns() - w0;
	k->instr_ns += w0;
	if (final) {
		k->instr_blackout_ns += w0;
		k->instr_final_ns += w0;
	}
}

/* ---- engine hooks ------------------------------------------------------------------ */

static u64 hk_now(void *ctx)
{
	struct klab *k = ctx;

	k->now = lab_wall_ns();
	return k->now;
}

static void hk_vcpu_stop(void *ctx)
{
	struct klab *k = ctx;

	k->vm.running = false;
	k->t_stop = hk_now(k);
}

static void hk_vcpu_resume(void *ctx)
{
	struct klab *k = ctx;

	k->vm.running = true;
	k->t_resume = hk_now(k);
}

static void hk_log_started(void *ctx)
{
	struct klab *k = ctx;
	u64 words = LAB_BM_WORDS(k->npages) * sizeof(u64), w0 = lab_wall_ns();

	memcpy(k->snap, k->sram->dev, k->sram->size);
	memset(k->cpu, 0, words);
	memset(k->rep, 0, words);
	memset(k->pending, 0, words);
	k->sram->observe = k->cpu;
	k->judging = true;
	k->instr_ns += lab_wall_ns() - w0;
}

/*
 * Page @pfn left in a pages message: what the device wrote to it before is
 * in the copy, so the judge's baseline for it moves here. (The device may
 * write between the engine's copy and this one: such a write is then not
 * judged here, but the RAM comparison still sees it.)
 */
static void hk_page_sent(void *ctx, u64 pfn)
{
	struct klab *k = ctx;
	u64 w0 = lab_wall_ns();

	if (!k->judging || pfn >= k->npages)
		return;
	memcpy(k->snap + (pfn << LAB_PAGE_SHIFT), k->sram->dev + (pfn << LAB_PAGE_SHIFT),
	       LAB_PAGE_SIZE);
	k->pending[pfn >> 6] &= ~(1ULL << (pfn & 63));
	w0 = lab_wall_ns() - w0;
	k->instr_ns += w0;
	if (k->t_stop) {
		/* the stop-copy pages: inside the blackout and the transfer */
		k->instr_blackout_ns += w0;
		k->instr_final_ns += w0;
	}
}

static void hk_dev_report(void *ctx, const u64 *bm, u64 npages)
{
	struct klab *k = ctx;
	u64 i, words = LAB_BM_WORDS(min_t(u64, npages, k->npages));

	for (i = 0; i < words; i++) {
		k->rep[i] |= bm[i];
		k->ever_rep[i] |= bm[i];
	}
}

static void hk_round_end(void *ctx, const struct lab_mig_src *s)
{
	judge_point(ctx, false);
}

static void hk_src_stopped(void *ctx)
{
	judge_point(ctx, true);
}

static void hk_dest_loaded(void *ctx)
{
	struct klab *k = ctx;
	u64 w0 = lab_wall_ns();

	k->mismatch = lab_ram_compare(k->sram, k->dram, &k->first_mismatch);
	/*
	 * The source device was stopped before the final sync, the vCPU too:
	 * a page that changed since is a DMA by a device that did not stop
	 * (not a tracker miss: no report could have named it in time).
	 */
	if (k->judged) {
		u64 p;

		for (p = 0; p < k->npages; p++) {
			if (!memcmp(k->sram->dev + (p << LAB_PAGE_SHIFT),
				    k->snap + (p << LAB_PAGE_SHIFT), LAB_PAGE_SIZE))
				continue;
			if (!k->late)
				k->first_late = p;
			k->late++;
		}
	}
	w0 = lab_wall_ns() - w0;
	k->instr_ns += w0;
	k->instr_blackout_ns += w0;
}

static void hk_dest_running(void *ctx)
{
	struct klab *k = ctx;

	/* the vCPU runs on at the destination: its RAM, its VF */
	lab_vm_detach_irqs(&k->vm);
	lab_vm_attach(&k->vm, k->dram, &k->dhvf);
	k->vm.running = true;
	k->t_resume = hk_now(k);
}

/* ---- setup ---------------------------------------------------------------------- */

static void quiet_sink(void *ctx, enum vfmig_log_level level, const char *line)
{
	if (level <= VFMIG_LOG_ERR)
		fprintf(stderr, "vfmig-lab: %s\n", line);
}

static int setup(struct klab *k, struct lab_result *r)
{
	const struct lab_opts *o = k->o;
	struct lab_vfio_ioctl_cfg vc;
	char why[200];
	u64 need, ram;

	vfmig_log_set_sink(quiet_sink, NULL);
	lab_traffic_set_salt(o->seed);
	memset(&k->gcfg, 0, sizeof(k->gcfg));
	k->gcfg.num_queue_pairs = o->queues;
	k->gcfg.ring_len = o->ring;
	k->gcfg.rx_buf_size = 2048;
	k->gcfg.max_tx_bufs = 4;
	k->gcfg.use_irq = false;	/* the model backend delivers none */
	need = lab_vm_ram_needed(&k->gcfg);
	ram = o->ram_mib ? (u64)o->ram_mib * LAB_MIB : max_t(u64, need, 32 * LAB_MIB);

	k->sram = lab_ram_new(ram, "vfmig-klab-src");
	k->dram = lab_ram_new(ram, "vfmig-klab-dst");
	if (!k->sram || !k->dram) {
		snprintf(r->error, sizeof(r->error), "cannot create %llu MiB of guest RAM: %s",
			 (unsigned long long)(ram / LAB_MIB), strerror(errno));
		return -ENOMEM;
	}
	k->npages = k->sram->npages;
	/* guest CPU writes: userfaultfd WP_ASYNC + PAGEMAP_SCAN (6.7+), else mprotect */
	if (o->cpu_tracking != LAB_CPU_TRACK_MPROTECT &&
	    lab_ram_use_uffd(k->sram, why, sizeof(why))) {
		if (o->cpu_tracking == LAB_CPU_TRACK_UFFD) {
			snprintf(r->error, sizeof(r->error), "--cpu-tracking uffd: %s", why);
			return -EOPNOTSUPP;
		}
		snprintf(k->cpu_tracking, sizeof(k->cpu_tracking), "mprotect (uffd: %s)", why);
	} else {
		snprintf(k->cpu_tracking, sizeof(k->cpu_tracking), "%s",
			 lab_ram_tracker_name(k->sram));
	}
	k->snap = lab_zalloc(ram);
	k->cpu = lab_zalloc(LAB_BM_WORDS(k->npages) * sizeof(u64));
	k->rep = lab_zalloc(LAB_BM_WORDS(k->npages) * sizeof(u64));
	k->pending = lab_zalloc(LAB_BM_WORDS(k->npages) * sizeof(u64));
	k->ever_true = lab_zalloc(LAB_BM_WORDS(k->npages) * sizeof(u64));
	k->ever_rep = lab_zalloc(LAB_BM_WORDS(k->npages) * sizeof(u64));

	/* the device sees the RAM through its own view: the CPU tracker does not */
	memset(&vc, 0, sizeof(vc));
	vc.bdf = o->vfio_src;
	vc.ram = k->sram->dev;
	vc.ram_size = ram;
	vc.all_dirty_fallback = true;
	k->sdev = lab_vfio_ioctl_new(&vc, "source", r->error, sizeof(r->error));
	if (!k->sdev)
		return -ENODEV;
	vc.bdf = o->vfio_dst;
	vc.ram = k->dram->dev;
	k->ddev = lab_vfio_ioctl_new(&vc, "destination", r->error, sizeof(r->error));
	if (!k->ddev)
		return -ENODEV;
	if (wait_vf_ready(k->sdev, r->error, sizeof(r->error)) ||
	    wait_vf_ready(k->ddev, r->error, sizeof(r->error)))
		return -ETIMEDOUT;
	k->shvf.dev = k->sdev;
	k->shvf.ram = k->sram;
	k->shvf.open = true;
	k->dhvf.dev = k->ddev;
	k->dhvf.ram = k->dram;
	k->dhvf.open = true;
	k->dhvf.id = 1;
	k->vm.gcfg = k->gcfg;
	k->vm.probe = probe_rx;
	k->vm.probe_ctx = k;
	lab_vm_attach(&k->vm, k->sram, &k->shvf);
	return 0;
}

static void klab_free(struct klab *k)
{
	lab_mig_src_free(&k->ms);
	lab_link_flush(&k->fwd);
	lab_link_flush(&k->ret);
	if (k->sdev)
		k->sdev->ops->destroy(k->sdev);
	if (k->ddev)
		k->ddev->ops->destroy(k->ddev);
	lab_ram_free(k->sram);
	lab_ram_free(k->dram);
	free(k->snap);
	free(k->cpu);
	free(k->rep);
	free(k->pending);
	free(k->ever_true);
	free(k->ever_rep);
	lab_counts_free(&k->seen);
	lab_u64s_free(&k->queued_ns);
	vfmig_log_set_sink(NULL, NULL);
}

static int boot(struct klab *k, struct lab_result *r)
{
	const struct lab_opts *o = k->o;
	struct lab_app_cfg ac;
	enum vfmig_guest_state st;
	u64 end, blk;
	int nq;

	k->now = lab_wall_ns();
	end = k->now + BOOT_MAX_NS;
	if (lab_vm_boot(&k->vm, k->now)) {
		snprintf(r->error, sizeof(r->error), "guest driver refused its configuration");
		return -EINVAL;
	}
	while ((st = lab_vm_state(&k->vm)) != VFMIG_GUEST_RUNNING) {
		if (st == VFMIG_GUEST_FAILED || k->now > end) {
			struct vfmig_guest_stats gs;

			memset(&gs, 0, sizeof(gs));
			vfmig_guest_stats(&k->vm.env, LAB_DRV_GPA, &gs);
			snprintf(r->error, sizeof(r->error),
				 "guest driver did not come up on %s (state %d, last error %d, %llu mailbox messages sent, %llu received)",
				 o->vfio_src, st, gs.last_error,
				 (unsigned long long)gs.mbx_sent,
				 (unsigned long long)gs.mbx_received);
			return -EIO;
		}
		usleep(200);
		k->now = lab_wall_ns();
		lab_vm_run(&k->vm, k->now);
	}
	nq = vfmig_guest_num_queues(&k->vm.env, LAB_DRV_GPA);
	k->vm.nq = (u16)(nq > 0 ? nq : 1);
	vfmig_guest_mac(&k->vm.env, LAB_DRV_GPA, k->guest_mac);

	memset(&ac, 0, sizeof(ac));
	blk = vfmig_guest_mem_size(&k->gcfg);
	ac.tx_pps = o->traffic == LAB_TRAFFIC_IDLE ? 0 : o->rate_pps;
	ac.tx_start_ns = k->now + NS_PER_MS;
	ac.tx_stop_ns = U64_MAX;
	ac.dirty_pps = o->dirty_rate;
	ac.work_first_page = ALIGN(LAB_DRV_GPA + blk, LAB_MIB) >> LAB_PAGE_SHIFT;
	ac.work_pages = k->npages > ac.work_first_page ? k->npages - ac.work_first_page : 0;
	ac.seed = o->seed;
	memcpy(ac.mac, k->guest_mac, 6);
	memcpy(ac.peer_mac, o->reflector, 6);
	ac.ip = GUEST_IP;
	ac.peer_ip = PEER_IP;
	ac.rx_dir = LAB_DIR_TX;		/* its own frames, reflected */
	k->vm.env.now_ns = k->now;
	return lab_app_init(&k->vm.env, &ac) ? -EINVAL : 0;
}

/* Stop the app's traffic and dirtying; let what is in flight come back. */
static void stop_traffic(struct klab *k)
{
	struct lab_app_state *a = (struct lab_app_state *)(k->vm.ram->cpu + LAB_APP_GPA);
	u64 end;

	if (k->vm.ram->wp) {
		u64 *tmp = lab_zalloc(LAB_BM_WORDS(k->vm.ram->npages) * sizeof(u64));

		lab_ram_wp_stop(k->vm.ram, tmp);
		free(tmp);
	}
	k->now = lab_wall_ns();
	a->cfg.tx_stop_ns = k->now;
	a->cfg.dirty_pps = 0;
	end = k->now + DRAIN_NS;
	while (k->now < end) {
		usleep(200);
		k->now = lab_wall_ns();
		vcpu_run(k);
	}
}

/* ---- results and checks ---------------------------------------------------------- */

static void collect(struct klab *k, struct lab_result *r)
{
	const struct lab_opts *o = k->o;
	struct lab_mig_src *ms = &k->ms;
	struct lab_mig_dst *md = &k->md;
	struct lab_app_state app;
	u64 seq, bw_Bps = o->bandwidth_bps / 8, guard, win_lo, win_hi;

	lab_app_read(&k->vm.env, &app);
	r->queues_used = k->vm.nq;
	r->ram_bytes = k->sram->size;
	lab_result_engine(r, ms, md, k->sram);
	r->dirty_pages_reported_device = lab_bweight(k->ever_rep, k->npages);
	r->dirty_pages_true_device = lab_bweight(k->ever_true, k->npages);
	r->missed_device_pages = k->missed;
	r->missed_final = k->missed_final;
	r->late_device_pages = k->late;
	r->all_dirty = lab_vfio_ioctl_all_dirty(k->sdev);
	r->first_missed_pfn = k->missed ? k->first_missed : 0;
	r->ram_mismatch_pages = k->mismatch;
	r->first_mismatch_pfn = k->mismatch ? k->first_mismatch : 0;

	/* frames: each sent once must have come back once */
	guard = 2 * k->rtt_max_ns + GUARD_NS;
	win_lo = k->t_stop > guard ? k->t_stop - guard : 0;
	win_hi = k->t_resume;
	r->packets_tx = app.tx_seq;
	r->packets_rx = k->rx_ok;
	for (seq = 0; seq < app.tx_seq; seq++) {
		u8 c = lab_counts_get(&k->seen, seq);
		u64 q = lab_u64s_get(&k->queued_ns, seq);

		if (c > 1)
			r->rx_dups += c - 1u;
		if (c)
			continue;
		if (k->t_stop && q >= win_lo && q <= win_hi)
			r->packets_dropped_blackout++;
		else
			r->rx_lost++;
	}
	r->descriptors_lost = r->tx_lost + r->rx_lost;
	r->packets_duplicated = r->tx_dups + r->rx_dups;
	r->packets_corrupted = k->rx_corrupt;
	r->rx_after = k->rx_after;
	if (k->t_stop && k->t_resume > k->t_stop)
		r->blackout_ns = k->t_resume - k->t_stop;

	/* real time throughout: the phases are the arcs' wall time */
	r->quiesce_us = lab_ns_to_us(ms->quiesce.wall_ns);
	r->snapshot_us = lab_ns_to_us(ms->snapshot.wall_ns);
	r->restore_us = lab_ns_to_us(md->restore.wall_ns);
	r->resume_us = lab_ns_to_us(md->resume.wall_ns);
	if (ms->outcome == LAB_MIG_DONE) {
		/* the engine stamps the start before the last judge point ran */
		r->transfer_us = lab_ns_to_us(md->t_complete - ms->t_send_start - k->instr_final_ns);
		/*
		 * From the vCPU stop as the hook saw it: the engine's
		 * t_vcpu_stop is the step's time, before that round's sync,
		 * which in real time is not part of the blackout.
		 */
		r->downtime_ms = (double)(md->t_running - k->t_stop -
					  k->instr_blackout_ns) / 1e6;
		r->device_downtime_ms =
			(double)(ms->quiesce.wall_ns + ms->snapshot.wall_ns +
				 md->restore.wall_ns + md->resume.wall_ns +
				 (bw_Bps ? ms->dev_bytes_stopcopy * NS_PER_S / bw_Bps : 0)) / 1e6;
	}
	if (ms->t_end > ms->t_start + k->instr_ns)
		r->total_ms = (double)(ms->t_end - ms->t_start - k->instr_ns) / 1e6;
}

static void check(struct klab *k, struct lab_result *r)
{
	const struct lab_opts *o = k->o;
	struct lab_app_state app;
	enum vfmig_mig_state ss, ds;
	bool traffic = o->traffic != LAB_TRAFFIC_IDLE;
	u64 be;

	lab_app_read(&k->vm.env, &app);
	ss = vfmig_vfio_state(k->sdev);
	ds = vfmig_vfio_state(k->ddev);
	if (r->outcome == LAB_MIG_DONE) {
		if (k->vm.ram != k->dram || k->vm.hvf != &k->dhvf)
			lab_result_fail(r, "the vCPU does not run at the destination");
		if (ds != VFMIG_MIG_RUNNING)
			lab_result_fail(r, "destination device is %s, not RUNNING",
				   vfmig_fsm_state_name(ds));
		if (ss != VFMIG_MIG_STOP)
			lab_result_fail(r, "source device is %s, not STOP",
				   vfmig_fsm_state_name(ss));
		if (!k->judged)
			lab_result_fail(r, "the device writes were never judged (no final sync)");
		if (r->missed_device_pages)
			lab_result_fail(r, "%llu pages written by the device were not in its dirty report of that round or the next (first: pfn %#llx)",
				   (unsigned long long)r->missed_device_pages,
				   (unsigned long long)r->first_missed_pfn);
		if (r->ram_mismatch_pages)
			lab_result_fail(r, "%llu pages differ between source and destination RAM (first: pfn %#llx)",
				   (unsigned long long)r->ram_mismatch_pages,
				   (unsigned long long)r->first_mismatch_pfn);
		if (k->late)
			lab_result_fail(r, "the source device wrote %llu pages after it was stopped and its log read for the last time (first: pfn %#llx)",
				   (unsigned long long)k->late,
				   (unsigned long long)k->first_late);
	} else {
		lab_result_fail(r, "migration %s: %s", lab_mig_outcome_name(r->outcome),
			   k->ms.error[0] ? k->ms.error : k->md.error[0] ? k->md.error :
			   "it never started");
	}
	if (lab_vm_state(&k->vm) != VFMIG_GUEST_RUNNING)
		lab_result_fail(r, "guest driver is no longer RUNNING (state %d)",
			   lab_vm_state(&k->vm));
	if (r->descriptors_lost)
		lab_result_fail(r, "%llu frames the guest sent never came back (outside the blackout)",
			   (unsigned long long)r->descriptors_lost);
	if (r->packets_duplicated)
		lab_result_fail(r, "%llu frames came back more than once",
			   (unsigned long long)r->packets_duplicated);
	if (r->packets_corrupted)
		lab_result_fail(r, "%llu frames came back corrupted", (unsigned long long)r->packets_corrupted);
	if (app.rx_frames != k->rx_ok || app.rx_corrupt != k->rx_corrupt)
		lab_result_fail(r, "guest app counters in guest RAM (%llu received) disagree with what it received (%llu): its state did not survive",
			   (unsigned long long)app.rx_frames, (unsigned long long)k->rx_ok);
	if (traffic && !r->packets_tx)
		lab_result_fail(r, "the guest sent no frame");
	if (traffic && !r->packets_rx)
		lab_result_fail(r, "no frame came back from the reflector %02x:%02x:%02x:%02x:%02x:%02x",
			   o->reflector[0], o->reflector[1], o->reflector[2],
			   o->reflector[3], o->reflector[4], o->reflector[5]);
	if (traffic && k->t_resume && !r->rx_after)
		lab_result_fail(r, "no frame came back after the guest resumed");
	if (!o->quiet) {
		u32 i;

		for (i = 0; i < ARRAY_SIZE(k->why_missed) && i < k->missed; i++)
			printf("  missed %s\n", k->why_missed[i]);
	}
	be = lab_vfio_ioctl_bar0_errors(k->sdev) + lab_vfio_ioctl_bar0_errors(k->ddev);
	if (be) {
		char why[200];

		k->sdev->ops->reason(k->sdev, why, sizeof(why));
		lab_result_fail(r, "%llu BAR0 region accesses failed (source: %s)",
			   (unsigned long long)be, why[0] ? why : "none");
	}
}

static void report_setup(struct klab *k, u32 flags)
{
	const struct lab_opts *o = k->o;

	if (o->quiet)
		return;
	printf("vfmig-lab migrate --vfio: %s -> %s through i40e_vfio_pci (real VFIO ioctls, type1 containers, real time)\n",
	       o->vfio_src, o->vfio_dst);
	printf("  the kernel offers: PRE_COPY %s, device DMA logging %s\n",
	       flags & VFMIG_MIGRATION_PRE_COPY ? "yes" : "no (device state in stop-copy only)",
	       lab_vfio_ioctl_has_dmalog(k->sdev) ? "yes" :
	       "no: every page is reported dirty at every sync, as QEMU does without it");
	printf("  guest CPU write tracking: %s; traffic: frames to the reflector %02x:%02x:%02x:%02x:%02x:%02x and back\n",
	       k->cpu_tracking, o->reflector[0], o->reflector[1], o->reflector[2],
	       o->reflector[3], o->reflector[4], o->reflector[5]);
}

/* ---- migrate ---------------------------------------------------------------------- */

int lab_run_kernel_migrate(const struct lab_opts *o, struct lab_result *r)
{
	struct klab *k = lab_zalloc(sizeof(*k));
	struct lab_mig_hooks hooks;
	u64 t0, t_mig, t_end, tail, w0 = lab_wall_ns();
	bool post_done = false;
	u32 flags;

	memset(r, 0, sizeof(*r));
	k->o = o;
	if (setup(k, r) || boot(k, r)) {
		r->exit_code = LAB_EXIT_CHECK;
		goto out;
	}
	flags = k->sdev->ops->mig_flags(k->sdev);
	report_setup(k, flags);
	memset(&k->mp, 0, sizeof(k->mp));
	k->mp.bandwidth_bps = o->bandwidth_bps;
	k->mp.downtime_limit_ns = o->downtime_limit_ms * NS_PER_MS;
	k->mp.max_rounds = o->max_rounds;
	/* PRE_COPY only where the kernel has it (6.2+), as QEMU decides */
	k->mp.device_precopy = o->device_precopy &&
			       (flags & VFMIG_MIGRATION_PRE_COPY) &&
			       (k->ddev->ops->mig_flags(k->ddev) & VFMIG_MIGRATION_PRE_COPY);
	k->mp.cancel_at = -1;
	k->mp.drop_device_report = o->drop_device_report;
	k->mp.drop_cpu_dirty = o->drop_cpu_dirty;
	k->mp.skip_final_pages = o->skip_final_pages;
	k->mp.pages_per_msg = 16;
	k->mp.step_ns = NS_PER_MS;	/* pacing slack: about one loop turn */
	k->mp.seed = o->seed;
	lab_link_init(&k->fwd, o->bandwidth_bps, 20000);
	lab_link_init(&k->ret, o->bandwidth_bps, 20000);
	memset(&hooks, 0, sizeof(hooks));
	hooks.now = hk_now;
	hooks.vcpu_stop = hk_vcpu_stop;
	hooks.vcpu_resume = hk_vcpu_resume;
	hooks.log_started = hk_log_started;
	hooks.page_sent = hk_page_sent;
	hooks.dev_report = hk_dev_report;
	hooks.round_end = hk_round_end;
	hooks.src_stopped = hk_src_stopped;
	hooks.dest_loaded = hk_dest_loaded;
	hooks.dest_running = hk_dest_running;
	hooks.ctx = k;
	lab_mig_src_init(&k->ms, &k->mp, &hooks, k->sdev, k->sram, &k->fwd, &k->ret);
	lab_mig_dst_init(&k->md, &k->mp, &hooks, k->ddev, k->dram, &k->fwd, &k->ret);

	t0 = k->now;
	t_end = t0 + (u64)(o->seconds * 1e9);
	t_mig = t0 + (u64)(o->seconds * o->migrate_at * 1e9);
	tail = max_t(u64, (u64)(o->seconds * 0.25 * 1e9), 100 * NS_PER_MS);
	for (;;) {
		bool busy;

		k->now = lab_wall_ns();
		if (!k->migrating && k->now >= t_mig) {
			k->migrating = true;
			lab_mig_src_start(&k->ms, k->now);
		}
		if (k->migrating && k->ms.state == SRC_END && !post_done &&
		    (k->md.state == DST_END || k->ms.outcome != LAB_MIG_DONE)) {
			post_done = true;
			if (!k->t_resume)
				k->t_resume = k->now;
			if (t_end < k->now + tail)
				t_end = k->now + tail;
		}
		if (post_done && k->now >= t_end)
			break;
		if (k->now > t0 + RUN_MAX_NS) {
			snprintf(r->error, sizeof(r->error),
				 "migration did not finish within %llu s",
				 (unsigned long long)(RUN_MAX_NS / NS_PER_S));
			r->exit_code = LAB_EXIT_CHECK;
			goto out;
		}
		vcpu_run(k);
		if (k->migrating) {
			lab_mig_dst_step(&k->md, k->now);
			lab_mig_src_step(&k->ms, lab_wall_ns());
		}
		/*
		 * The model runs in kernel threads on the same CPUs: give them
		 * time, except while a migration is under way (as QEMU's
		 * migration thread, which only waits for its link; the kernel
		 * threads still get their share from the scheduler).
		 */
		busy = k->migrating && k->ms.state != SRC_END;
		if (!busy)
			usleep(100);
	}
	stop_traffic(k);
	collect(k, r);
	r->exit_code = LAB_EXIT_OK;
	check(k, r);
out:
	r->ok = r->exit_code == LAB_EXIT_OK;
	if (r->ok)
		r->error[0] = 0;
	r->wall_ns = lab_wall_ns() - w0;
	r->virt_ns = r->wall_ns;
	klab_free(k);
	free(k);
	return r->exit_code;
}
