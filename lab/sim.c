// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-process lab: world loop, migrate/save/load flows, judges (sim.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <vfmig/osdep_user_ctl.h>
#include <vfmig/x710_regs.h>
#include "fabric.h"
#include "host.h"
#include "judge.h"
#include "sim.h"
#include "traffic.h"
#include "vm.h"

#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL
#define BOOT_MAX_NS	(2 * NS_PER_S)
#define RUN_MAX_NS	(120 * NS_PER_S)
#define DRAIN_NS	(10 * NS_PER_MS)
#define MAX_WINDOWS	8

static const u8 peer_mac[6] = { 0x02, 0xee, 0x00, 0x00, 0x00, 0x01 };
#define PEER_IP		0xc6120001u	/* 198.18.0.1 */
#define GUEST_IP	0xc6120002u	/* 198.18.0.2 */

/* The boot test's wire reflector (tests/kbuild/model_backend.c): "\x02vfmig". */
const u8 lab_reflector_mac[6] = { 0x02, 0x76, 0x66, 0x6d, 0x69, 0x67 };

void lab_opts_default(struct lab_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->queues = 4;
	o->ring = 512;
	o->seconds = 1.0;
	o->rate_pps = 20000;
	o->traffic = LAB_TRAFFIC_BIDIR;
	o->seed = 1;
	o->cancel_at = -1;
	o->bandwidth_bps = 10000000000ULL;
	o->downtime_limit_ms = 300;
	o->max_rounds = 30;
	o->device_precopy = true;
	o->dirty_rate = 4000;
	o->migrate_at = 0.25;
	o->step_ns = 10000;
	memcpy(o->reflector, lab_reflector_mac, 6);
}

const char *lab_traffic_name(enum lab_traffic t)
{
	switch (t) {
	case LAB_TRAFFIC_IDLE: return "idle";
	case LAB_TRAFFIC_RX: return "rx";
	case LAB_TRAFFIC_TX: return "tx";
	case LAB_TRAFFIC_BIDIR: return "bidir";
	}
	return "?";
}

struct window {
	u64 start, end;
};

struct sim {
	const struct lab_opts *o;
	u64 now;
	u64 step_ns;
	u64 steps;
	struct lab_host *hs[2];		/* [0] source, [1] destination */
	struct lab_hvf *svf, *dvf;
	struct lab_vf_view *dview0;	/* the destination VF as handed over */
	struct lab_ram *sram, *dram;
	struct lab_fabric fab;
	struct lab_peer peer;
	struct lab_vm vm;
	struct vfmig_guest_cfg gcfg;
	u8 guest_mac[6];
	struct lab_link fwd, ret;
	struct lab_mig_params mp;
	struct lab_mig_src ms;
	struct lab_mig_dst md;
	bool migrating;

	/* judges: device writes vs what was sent and reported; RAM */
	struct lab_judge jd;
	u64 npages;
	u64 mismatch, first_mismatch;

	/* what the guest app received (a probe on its receive path) */
	struct lab_counts rx_seen;
	u64 rx_ok, rx_corrupt, rx_dups;
	u64 rx_after;
	u64 t_resume;			/* vCPU resumed after the blackout */

	/* windows in which the peer's frames may be dropped */
	struct window win[MAX_WINDOWS];
	int nwin;
	bool win_open;
	bool await_learn;

	u8 buf[16384];
};

/* ---- world ------------------------------------------------------------------ */

static u64 sim_sync_now(struct sim *s)
{
	int i;

	for (i = 0; i < 2; i++) {
		u64 m = vfmig_model_now(s->hs[i]->pf);

		if (m > s->now)
			s->now = m;
	}
	s->fab.now = s->now;
	return s->now;
}

static void host_port_rx(void *ctx, const u8 *frame, u32 len)
{
	struct lab_host *h = ctx;

	vfmig_model_port_rx(h->pf, frame, len);
}

static void win_open(struct sim *s)
{
	if (s->win_open || s->nwin >= MAX_WINDOWS)
		return;
	s->win[s->nwin].start = s->now;
	s->win[s->nwin].end = U64_MAX;
	s->win_open = true;
}

static void win_close(struct sim *s, u64 end)
{
	if (!s->win_open)
		return;
	s->win[s->nwin++].end = end;
	s->win_open = false;
}

static void sim_step(struct sim *s)
{
	int i, n;

	s->now += s->step_ns;
	s->steps++;
	sim_sync_now(s);
	lab_peer_tick(&s->peer, s->now, 65536);
	for (i = 0; i < 2; i++)
		lab_host_poll(s->hs[i], s->now, 256);
	for (i = 0; i < 2; i++)
		while ((n = vfmig_model_port_tx_pull(s->hs[i]->pf, s->buf,
						     sizeof(s->buf))) > 0)
			lab_fabric_input(&s->fab, s->hs[i]->port, s->buf, (u32)n);
	lab_vm_run(&s->vm, s->now);
	if (s->migrating) {
		lab_mig_dst_step(&s->md, s->now);
		lab_mig_src_step(&s->ms, s->now);
		sim_sync_now(s);
	}
	if (s->await_learn) {
		u64 since = 0;

		if (lab_fabric_lookup(&s->fab, s->guest_mac, &since) == s->hs[1]->port) {
			win_close(s, since);
			s->await_learn = false;
		}
	}
}

/* ---- judge ------------------------------------------------------------------ */

static void judge_dma(void *ctx, u64 iova, u32 len, enum vfmig_model_engine e)
{
	struct sim *s = ctx;

	lab_judge_dma(&s->jd, iova, len);
}

static u64 hk_now(void *ctx)
{
	return sim_sync_now(ctx);
}

static void hk_vcpu_stop(void *ctx)
{
	struct sim *s = ctx;

	s->vm.running = false;
	win_open(s);
}

static void hk_vcpu_resume(void *ctx)
{
	struct sim *s = ctx;

	s->vm.running = true;
	s->t_resume = s->now;
	win_close(s, s->now);
}

static void hk_log_started(void *ctx)
{
	struct sim *s = ctx;

	s->jd.recording = true;
}

static void hk_page_sent(void *ctx, u64 pfn)
{
	struct sim *s = ctx;

	lab_judge_sent(&s->jd, pfn);
}

static void hk_dev_report(void *ctx, const u64 *bm, u64 npages)
{
	struct sim *s = ctx;

	lab_judge_report(&s->jd, bm, npages);
}

static void hk_dest_loaded(void *ctx)
{
	struct sim *s = ctx;

	lab_judge_finish(&s->jd);
	s->mismatch = lab_ram_compare(s->sram, s->dram, &s->first_mismatch);
}

static void hk_dest_running(void *ctx)
{
	struct sim *s = ctx;

	lab_vm_detach_irqs(&s->vm);
	lab_vm_attach(&s->vm, s->dram, s->dvf);
	s->vm.running = true;
	s->t_resume = s->now;
	/* what virtio-net's ANNOUNCE would make a guest do: tell the wire */
	lab_app_request_announce(s->dram->cpu, 3, s->now);
	s->await_learn = true;
}

static void probe_rx(void *ctx, u64 seq, enum lab_frame_verdict v)
{
	struct sim *s = ctx;

	if (v != LAB_FRAME_OK) {
		s->rx_corrupt++;
		return;
	}
	s->rx_ok++;
	if (lab_counts_get(&s->rx_seen, seq))
		s->rx_dups++;
	lab_counts_inc(&s->rx_seen, seq);
	if (s->t_resume && s->now > s->t_resume)
		s->rx_after++;
}

/* ---- setup ------------------------------------------------------------------ */

static void quiet_sink(void *ctx, enum vfmig_log_level level, const char *line)
{
	(void)ctx;
	if (level <= VFMIG_LOG_ERR)
		fprintf(stderr, "vfmig-lab: %s\n", line);
}

static void gcfg_from(const struct lab_opts *o, struct vfmig_guest_cfg *g)
{
	memset(g, 0, sizeof(*g));
	g->num_queue_pairs = o->queues;
	g->ring_len = o->ring;
	g->rx_buf_size = 2048;
	g->max_tx_bufs = 4;
	g->use_irq = true;
}

u64 lab_ram_needed(const struct lab_opts *o)
{
	struct vfmig_guest_cfg g;

	gcfg_from(o, &g);
	return lab_vm_ram_needed(&g);
}

static u64 ram_bytes_for(const struct lab_opts *o, const struct vfmig_guest_cfg *g)
{
	u64 need = lab_vm_ram_needed(g);

	if (o->ram_mib)
		return (u64)o->ram_mib * LAB_MIB;
	return need > 32 * LAB_MIB ? need : 32 * LAB_MIB;
}

static int sim_setup(struct sim *s, const struct lab_opts *o, bool with_dest)
{
	struct lab_host_cfg hc;
	u64 ram;
	int i;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->step_ns = o->step_ns;
	s->now = 1000000;
	vfmig_log_set_sink(quiet_sink, NULL);
	lab_traffic_set_salt(o->seed);
	gcfg_from(o, &s->gcfg);
	ram = ram_bytes_for(o, &s->gcfg);
	if (ram < lab_vm_ram_needed(&s->gcfg))
		lab_die(LAB_EXIT_USAGE,
			"--ram-mib %u is too small for %u queues x %u descriptors (needs %llu)",
			o->ram_mib, o->queues, o->ring,
			(unsigned long long)(lab_vm_ram_needed(&s->gcfg) / LAB_MIB));

	memset(&hc, 0, sizeof(hc));
	hc.name = "hostA";
	hc.queues_per_vf = o->queues;
	hc.mac_id = 0;
	hc.timeout_us = 10000;
	s->hs[0] = lab_host_new(&hc);
	hc.name = "hostB";
	hc.queues_per_vf = o->dest_max_queues ? o->dest_max_queues : o->queues;
	hc.mac_id = 1;
	s->hs[1] = lab_host_new(&hc);
	if (!s->hs[0] || !s->hs[1])
		return -ENOMEM;
	s->sram = lab_ram_new(ram, "vfmig-guest-src");
	s->dram = with_dest ? lab_ram_new(ram, "vfmig-guest-dst") : NULL;
	if (!s->sram || (with_dest && !s->dram))
		lab_die(LAB_EXIT_CHECK, "cannot create %llu MiB of guest RAM: %s",
			(unsigned long long)(ram / LAB_MIB), strerror(errno));
	s->npages = s->sram->npages;
	s->svf = lab_host_vf_open(s->hs[0], 0, s->sram);
	if (!s->svf)
		return -ENODEV;
	if (with_dest) {
		s->dvf = lab_host_vf_open(s->hs[1], 1, s->dram);
		if (!s->dvf)
			return -ENODEV;
		lab_host_wait_vf_ready(s->hs[1], 1, &s->now, NS_PER_S);
		s->dview0 = lab_vf_view_take(s->hs[1], 1);
	}
	s->svf->dma_rec = judge_dma;
	s->svf->dma_rec_ctx = s;
	for (i = 0; i < 2; i++)
		s->hs[i]->port = lab_fabric_add_port(&s->fab, s->hs[i]->name,
						     host_port_rx, s->hs[i]);
	s->fab.corrupt_every = o->corrupt_every;
	lab_peer_init(&s->peer, &s->fab, 0);
	s->peer.port = lab_fabric_add_port(&s->fab, "peer", lab_peer_rx, &s->peer);
	memcpy(s->peer.mac, peer_mac, 6);
	s->peer.ip = PEER_IP;
	s->peer.guest_ip = GUEST_IP;

	lab_judge_init(&s->jd, s->npages);

	s->vm.gcfg = s->gcfg;
	s->vm.probe = probe_rx;
	s->vm.probe_ctx = s;
	lab_vm_attach(&s->vm, s->sram, s->svf);
	return 0;
}

static void sim_free(struct sim *s)
{
	lab_mig_src_free(&s->ms);
	lab_link_flush(&s->fwd);
	lab_link_flush(&s->ret);
	lab_vf_view_free(s->dview0);
	lab_host_free(s->hs[0]);
	lab_host_free(s->hs[1]);
	lab_ram_free(s->sram);
	lab_ram_free(s->dram);
	lab_judge_free(&s->jd);
	lab_counts_free(&s->rx_seen);
	lab_counts_free(&s->peer.seen);
	lab_u64s_free(&s->peer.sent_ns);
	vfmig_log_set_sink(NULL, NULL);
}

/* Boot the guest and start its app and the peer; the traffic start time. */
static int sim_boot(struct sim *s, char *err, size_t errlen)
{
	const struct lab_opts *o = s->o;
	struct lab_app_cfg ac;
	u64 end = s->now + BOOT_MAX_NS, blk;
	enum vfmig_guest_state st;
	int nq;

	if (lab_vm_boot(&s->vm, s->now)) {
		snprintf(err, errlen, "guest driver refused its configuration");
		return -EINVAL;
	}
	while ((st = lab_vm_state(&s->vm)) != VFMIG_GUEST_RUNNING) {
		if (st == VFMIG_GUEST_FAILED || s->now > end) {
			struct vfmig_guest_stats gs;

			memset(&gs, 0, sizeof(gs));
			vfmig_guest_stats(&s->vm.env, LAB_DRV_GPA, &gs);
			snprintf(err, errlen,
				 "guest driver did not come up (state %d, last error %d)",
				 st, gs.last_error);
			return -EIO;
		}
		sim_step(s);
	}
	nq = vfmig_guest_num_queues(&s->vm.env, LAB_DRV_GPA);
	s->vm.nq = (u16)(nq > 0 ? nq : 1);
	vfmig_guest_mac(&s->vm.env, LAB_DRV_GPA, s->guest_mac);
	memcpy(s->peer.guest_mac, s->guest_mac, 6);

	memset(&ac, 0, sizeof(ac));
	blk = vfmig_guest_mem_size(&s->gcfg);
	ac.tx_pps = (o->traffic == LAB_TRAFFIC_TX || o->traffic == LAB_TRAFFIC_BIDIR) ?
		    o->rate_pps : 0;
	ac.tx_start_ns = s->now + NS_PER_MS;
	ac.tx_stop_ns = U64_MAX;
	ac.dirty_pps = o->dirty_rate;
	ac.work_first_page = ALIGN(LAB_DRV_GPA + blk, LAB_MIB) >> LAB_PAGE_SHIFT;
	ac.work_pages = s->npages > ac.work_first_page ? s->npages - ac.work_first_page : 0;
	ac.seed = o->seed;
	memcpy(ac.mac, s->guest_mac, 6);
	memcpy(ac.peer_mac, peer_mac, 6);
	ac.ip = GUEST_IP;
	ac.peer_ip = PEER_IP;
	s->vm.env.now_ns = s->now;
	lab_app_init(&s->vm.env, &ac);
	s->peer.rate_pps = (o->traffic == LAB_TRAFFIC_RX || o->traffic == LAB_TRAFFIC_BIDIR) ?
			   o->rate_pps : 0;
	{
		u64 rng = o->seed ^ 0x9eedULL;

		/* the peer's phase against the guest's depends on the seed */
		s->peer.start_ns = s->now + NS_PER_MS +
				   lab_rand_below(&rng, NS_PER_S / (o->rate_pps ? o->rate_pps : 1));
	}
	s->peer.stop_ns = U64_MAX;
	return 0;
}

/* Stop the traffic (the app's limiter and the peer) and let it drain. */
static void sim_stop_traffic(struct sim *s)
{
	struct lab_app_state *a = (struct lab_app_state *)(s->vm.ram->cpu + LAB_APP_GPA);
	u64 end;

	/* a control message to the guest app: finish (writes guest RAM) */
	if (s->vm.ram->wp) {
		u64 *tmp = lab_zalloc(LAB_BM_WORDS(s->vm.ram->npages) * sizeof(u64));

		lab_ram_wp_stop(s->vm.ram, tmp);
		free(tmp);
	}
	a->cfg.tx_stop_ns = s->now;
	a->cfg.dirty_pps = 0;
	s->peer.stop_ns = s->now;
	end = s->now + DRAIN_NS;
	while (s->now < end)
		sim_step(s);
}

/* ---- checks ----------------------------------------------------------------- */

static bool in_window(const struct sim *s, u64 t)
{
	int i;

	for (i = 0; i < s->nwin; i++)
		if (t >= s->win[i].start && t <= s->win[i].end)
			return true;
	if (s->win_open && t >= s->win[s->nwin].start)
		return true;
	return false;
}

static void collect(struct sim *s, struct lab_result *r)
{
	const struct lab_opts *o = s->o;
	struct lab_app_state app;
	struct lab_mig_src *ms = &s->ms;
	struct lab_mig_dst *md = &s->md;
	u64 seq, bw_Bps = o->bandwidth_bps / 8, blackout_walls;
	u32 i;

	lab_app_read(&s->vm.env, &app);
	r->queues_used = s->vm.nq;
	r->ram_bytes = s->sram->size;
	lab_result_engine(r, ms, md, s->sram);
	r->dirty_pages_reported_device = lab_judge_reported_pages(&s->jd);
	r->dirty_pages_true_device = lab_judge_true_pages(&s->jd);
	r->missed_device_pages = s->jd.missed;
	r->ram_mismatch_pages = s->mismatch;
	r->first_missed_pfn = s->jd.missed ? s->jd.first_missed : 0;
	r->first_mismatch_pfn = s->mismatch ? s->first_mismatch : 0;
	r->dma_writes = s->jd.dma_writes;

	/* traffic, by sequence number */
	r->packets_tx = app.tx_seq;
	for (seq = 0; seq < app.tx_seq; seq++) {
		u8 c = lab_counts_get(&s->peer.seen, seq);

		if (!c)
			r->tx_lost++;
		else if (c > 1)
			r->tx_dups += c - 1u;
	}
	r->packets_rx = s->rx_ok;
	for (seq = 0; seq < s->peer.tx_seq; seq++) {
		u8 c = lab_counts_get(&s->rx_seen, seq);

		if (c > 1)
			r->rx_dups += c - 1u;
		if (c)
			continue;
		if (in_window(s, lab_u64s_get(&s->peer.sent_ns, seq)))
			r->packets_dropped_blackout++;
		else
			r->rx_lost++;
	}
	r->descriptors_lost = r->tx_lost + r->rx_lost;
	r->packets_duplicated = r->tx_dups + r->rx_dups;
	r->packets_corrupted = s->peer.rx_corrupt + s->rx_corrupt;
	r->rx_after = s->rx_after;
	r->tx_after = s->t_resume && s->peer.last_rx_ns > s->t_resume;
	for (i = 0; i < (u32)s->nwin; i++)
		r->blackout_ns += s->win[i].end - s->win[i].start;

	/* timings: host CPU time of the device work + virtual waits */
	r->quiesce_us = lab_ns_to_us(lab_phase_ns(&ms->quiesce));
	r->snapshot_us = lab_ns_to_us(lab_phase_ns(&ms->snapshot));
	r->restore_us = lab_ns_to_us(lab_phase_ns(&md->restore));
	r->resume_us = lab_ns_to_us(lab_phase_ns(&md->resume));
	blackout_walls = ms->quiesce.wall_ns + ms->snapshot.wall_ns +
			 ms->cpu_sync.wall_ns + md->restore.wall_ns + md->resume.wall_ns;
	if (ms->outcome == LAB_MIG_DONE) {
		r->transfer_us = lab_ns_to_us(md->t_complete - ms->t_send_start);
		r->downtime_ms = (double)(md->t_running - ms->t_vcpu_stop +
					  blackout_walls) / 1e6;
		r->device_downtime_ms =
			(double)(lab_phase_ns(&ms->quiesce) + lab_phase_ns(&ms->snapshot) +
				 lab_phase_ns(&md->restore) + lab_phase_ns(&md->resume) +
				 (bw_Bps ? ms->dev_bytes_stopcopy * NS_PER_S / bw_Bps : 0)) / 1e6;
	}
	if (ms->t_end > ms->t_start)
		r->total_ms = (double)(ms->t_end - ms->t_start + blackout_walls) / 1e6;
}

static void check(struct sim *s, struct lab_result *r)
{
	const struct lab_opts *o = s->o;
	struct lab_app_state app;
	enum vfmig_mig_state ss, ds;
	bool rx = o->traffic == LAB_TRAFFIC_RX || o->traffic == LAB_TRAFFIC_BIDIR;
	bool tx = o->traffic == LAB_TRAFFIC_TX || o->traffic == LAB_TRAFFIC_BIDIR;

	lab_app_read(&s->vm.env, &app);
	ss = vfmig_vfio_state(s->svf->dev);
	ds = vfmig_vfio_state(s->dvf->dev);
	if (r->outcome == LAB_MIG_DONE) {
		if (s->vm.ram != s->dram || s->vm.hvf != s->dvf)
			lab_result_fail(r, "the vCPU does not run at the destination");
		if (ds != VFMIG_MIG_RUNNING)
			lab_result_fail(r, "destination device is %s, not RUNNING",
				   vfmig_fsm_state_name(ds));
		if (ss != VFMIG_MIG_STOP)
			lab_result_fail(r, "source device is %s, not STOP",
				   vfmig_fsm_state_name(ss));
		if (!s->jd.judged)
			lab_result_fail(r, "the destination never loaded the state");
		if (r->missed_device_pages)
			lab_result_fail(r, "%llu pages written by the device were never reported after the write (first: pfn %#llx)",
				   (unsigned long long)r->missed_device_pages,
				   (unsigned long long)r->first_missed_pfn);
		if (r->ram_mismatch_pages)
			lab_result_fail(r, "%llu pages differ between source and destination RAM (first: pfn %#llx)",
				   (unsigned long long)r->ram_mismatch_pages,
				   (unsigned long long)r->first_mismatch_pfn);
	} else if (r->outcome == LAB_MIG_CANCELLED || r->outcome == LAB_MIG_REFUSED) {
		if (s->vm.ram != s->sram || s->vm.hvf != s->svf || !s->vm.running)
			lab_result_fail(r, "the vCPU does not run at the source after the %s",
				   lab_mig_outcome_name(r->outcome));
		if (ss != VFMIG_MIG_RUNNING)
			lab_result_fail(r, "source device is %s after the %s, not RUNNING",
				   vfmig_fsm_state_name(ss), lab_mig_outcome_name(r->outcome));
		if (ds != VFMIG_MIG_RUNNING) {
			lab_result_fail(r, "destination device is %s after the %s, not reset",
				   vfmig_fsm_state_name(ds), lab_mig_outcome_name(r->outcome));
		} else {
			struct lab_vf_view *now_view;
			char why[160];

			/* released as the management layer does: as new again */
			lab_host_vf_release(s->hs[1], 1, s->dview0, &s->now);
			now_view = lab_vf_view_take(s->hs[1], 1);
			if (!lab_vf_view_equal(s->dview0, now_view, why, sizeof(why)))
				lab_result_fail(r, "destination VF not as new after the %s and its release: %s",
					   lab_mig_outcome_name(r->outcome), why);
			lab_vf_view_free(now_view);
		}
	} else {
		lab_result_fail(r, "migration %s: %s", lab_mig_outcome_name(r->outcome),
			   s->ms.error[0] ? s->ms.error : s->md.error);
	}
	if (lab_vm_state(&s->vm) != VFMIG_GUEST_RUNNING)
		lab_result_fail(r, "guest driver is no longer RUNNING (state %d)",
			   lab_vm_state(&s->vm));
	if (r->descriptors_lost) {
		struct vfmig_model_vf_stats a, b;
		u64 full;

		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		vfmig_model_vf_stats(s->hs[0]->pf, s->svf->id, &a);
		vfmig_model_vf_stats(s->hs[1]->pf, s->dvf->id, &b);
		full = a.rx_no_desc_drops + b.rx_no_desc_drops;
		lab_result_fail(r, "%llu frames lost (%llu queued by the guest never reached the wire, %llu sent by the peer outside the blackout never reached the guest)%s",
			   (unsigned long long)r->descriptors_lost,
			   (unsigned long long)r->tx_lost, (unsigned long long)r->rx_lost,
			   full ? "; the guest's RX rings ran full: lower --rate or raise --ring" : "");
	}
	if (r->packets_duplicated)
		lab_result_fail(r, "%llu frames duplicated (%llu TX, %llu RX)",
			   (unsigned long long)r->packets_duplicated,
			   (unsigned long long)r->tx_dups, (unsigned long long)r->rx_dups);
	if (r->packets_corrupted)
		lab_result_fail(r, "%llu frames corrupted", (unsigned long long)r->packets_corrupted);
	if (app.rx_frames != s->rx_ok || app.rx_corrupt != s->rx_corrupt)
		lab_result_fail(r, "guest app counters in guest RAM (%llu received) disagree with what it received (%llu): its state did not survive",
			   (unsigned long long)app.rx_frames, (unsigned long long)s->rx_ok);
	if (rx && !r->packets_rx)
		lab_result_fail(r, "no frame reached the guest");
	if (tx && !r->packets_tx)
		lab_result_fail(r, "the guest sent no frame");
	if (s->t_resume && rx && !r->rx_after)
		lab_result_fail(r, "no frame reached the guest after it resumed");
	if (s->t_resume && tx && !r->tx_after)
		lab_result_fail(r, "no guest frame reached the peer after it resumed");
	if (s->svf->dma_oob || (s->dvf && s->dvf->dma_oob))
		lab_result_fail(r, "the device DMAed outside guest RAM");
}

/* ---- migrate ---------------------------------------------------------------- */

int lab_run_migrate(const struct lab_opts *o, struct lab_result *r)
{
	struct lab_mig_hooks hooks;
	struct sim *s = lab_zalloc(sizeof(*s));
	u64 t0, t_mig, t_end, tail, w0 = lab_wall_ns(), v0;
	bool post_done = false;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = sim_setup(s, o, true);
	if (ret)
		lab_die(LAB_EXIT_CHECK, "lab setup failed: %s", strerror(-ret));
	v0 = s->now;
	if (sim_boot(s, r->error, sizeof(r->error))) {
		r->exit_code = LAB_EXIT_CHECK;
		goto out;
	}
	memset(&s->mp, 0, sizeof(s->mp));
	s->mp.bandwidth_bps = o->bandwidth_bps;
	s->mp.downtime_limit_ns = o->downtime_limit_ms * NS_PER_MS;
	s->mp.max_rounds = o->max_rounds;
	s->mp.device_precopy = o->device_precopy;
	s->mp.cancel_at = o->cancel_at;
	s->mp.drop_device_report = o->drop_device_report;
	s->mp.drop_cpu_dirty = o->drop_cpu_dirty;
	s->mp.skip_final_pages = o->skip_final_pages;
	s->mp.pages_per_msg = 16;
	s->mp.step_ns = s->step_ns;
	s->mp.seed = o->seed;
	s->mp.cancel_hold_ns = 2 * NS_PER_MS;
	lab_link_init(&s->fwd, o->bandwidth_bps, 20000);
	lab_link_init(&s->ret, o->bandwidth_bps, 20000);
	memset(&hooks, 0, sizeof(hooks));
	hooks.now = hk_now;
	hooks.vcpu_stop = hk_vcpu_stop;
	hooks.vcpu_resume = hk_vcpu_resume;
	hooks.log_started = hk_log_started;
	hooks.page_sent = hk_page_sent;
	hooks.dev_report = hk_dev_report;
	hooks.dest_loaded = hk_dest_loaded;
	hooks.dest_running = hk_dest_running;
	hooks.ctx = s;
	lab_mig_src_init(&s->ms, &s->mp, &hooks, s->svf->dev, s->sram, &s->fwd, &s->ret);
	lab_mig_dst_init(&s->md, &s->mp, &hooks, s->dvf->dev, s->dram, &s->fwd, &s->ret);

	t0 = s->now + NS_PER_MS;
	t_end = t0 + (u64)(o->seconds * 1e9);
	t_mig = t0 + (u64)(o->seconds * o->migrate_at * 1e9);
	{
		u64 rng = o->seed ^ 0x316ULL;

		/* where in the traffic the migration starts depends on the seed */
		t_mig += lab_rand_below(&rng, (u64)(o->seconds * 0.05 * 1e9) + 1);
	}
	tail = (u64)(o->seconds * 0.25 * 1e9);
	if (tail < 20 * NS_PER_MS)
		tail = 20 * NS_PER_MS;
	for (;;) {
		if (!s->migrating && s->now >= t_mig) {
			s->migrating = true;
			lab_mig_src_start(&s->ms, s->now);
		}
		if (s->migrating && s->ms.state == SRC_END && !post_done) {
			/* the source half is done; let the destination catch up */
			if (s->md.state == DST_END || s->ms.outcome != LAB_MIG_DONE) {
				post_done = true;
				s->jd.recording = false;
				/* the source ran on: traffic must continue from here */
				if (!s->t_resume)
					s->t_resume = s->now;
				if (t_end < s->now + tail)
					t_end = s->now + tail;
			}
		}
		if (post_done && s->now >= t_end)
			break;
		if (s->now > t0 + RUN_MAX_NS) {
			snprintf(r->error, sizeof(r->error),
				 "migration did not finish within %llu s of virtual time",
				 (unsigned long long)(RUN_MAX_NS / NS_PER_S));
			r->exit_code = LAB_EXIT_CHECK;
			goto out;
		}
		sim_step(s);
	}
	/* traffic keeps flowing until the end, then drains */
	sim_stop_traffic(s);
	collect(s, r);
	if (r->outcome == LAB_MIG_DONE) {
		r->exit_code = LAB_EXIT_OK;
	} else if (r->outcome == LAB_MIG_CANCELLED || r->outcome == LAB_MIG_REFUSED) {
		r->exit_code = LAB_EXIT_REFUSED;
		snprintf(r->error, sizeof(r->error), "%s", s->ms.error);
	}
	check(s, r);
	if (r->outcome == LAB_MIG_FAILED && r->exit_code != LAB_EXIT_CHECK)
		lab_result_fail(r, "migration failed: %s", s->ms.error);
out:
	r->ok = r->exit_code == LAB_EXIT_OK;
	if (r->ok)
		r->error[0] = 0;
	r->steps = s->steps;
	r->virt_ns = s->now - v0;
	r->wall_ns = lab_wall_ns() - w0;
	sim_free(s);
	free(s);
	return r->exit_code;
}

/* ---- save ------------------------------------------------------------------- */

static int save_read_all(struct vfmig_vfio_dev *d, u8 **buf, u64 *len, u64 *cap,
			 bool *eof)
{
	long n;

	for (;;) {
		if (*cap - *len < 65536) {
			*cap = *cap ? *cap * 2 : 1 << 20;
			*buf = lab_realloc(*buf, *cap);
		}
		n = d->ops->save_read(d, *buf + *len, 65536, eof);
		if (n < 0)
			return (int)n;
		if (!n)
			return 0;
		*len += (u64)n;
	}
}

static u32 count_records(const u8 *b, u64 len)
{
	u64 off = 0;
	u32 n = 0;

	while (off + 16 <= len) {
		u64 l = vfmig_get_le64(b + off + 8);

		if (l > len - off - 16)
			break;
		off += 16 + l;
		n++;
	}
	return n;
}

int lab_run_save(const struct lab_opts *o)
{
	struct sim *s = lab_zalloc(sizeof(*s));
	struct vfmig_vfio_dev *d;
	u64 len = 0, cap = 0, pre, t_snap, end;
	u8 *buf = NULL;
	char err[256], why[200];
	bool eof = false;
	FILE *f;
	int ret;

	if (sim_setup(s, o, false))
		lab_die(LAB_EXIT_CHECK, "lab setup failed");
	/* the destination host exists but is idle; give it a RAM-less VF-free life */
	if (sim_boot(s, err, sizeof(err)))
		lab_die(LAB_EXIT_CHECK, "save: %s", err);
	d = s->svf->dev;
	t_snap = s->now + (u64)(o->seconds * o->migrate_at * 1e9);
	while (s->now < t_snap)
		sim_step(s);
	ret = vfmig_vfio_walk(d, VFMIG_MIG_PRE_COPY, NULL);
	if (!ret)
		ret = save_read_all(d, &buf, &len, &cap, &eof);
	if (ret) {
		d->ops->reason(d, why, sizeof(why));
		lab_die(LAB_EXIT_CHECK, "save: pre-copy failed: %s", why);
	}
	pre = len;
	/* traffic keeps running during pre-copy */
	end = s->now + 5 * NS_PER_MS;
	while (s->now < end)
		sim_step(s);
	s->vm.running = false;
	ret = vfmig_vfio_walk(d, VFMIG_MIG_STOP_COPY, NULL);
	if (!ret)
		ret = save_read_all(d, &buf, &len, &cap, &eof);
	if (!ret && !eof)
		ret = -EIO;
	if (ret) {
		d->ops->reason(d, why, sizeof(why));
		lab_die(LAB_EXIT_CHECK, "save: stop-copy failed: %s", why);
	}
	f = fopen(o->path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		lab_die(LAB_EXIT_CHECK, "save: cannot write %s: %s", o->path,
			strerror(errno));
	if (!o->quiet)
		printf("vfmig-lab save: %u queues x %u descriptors, %s traffic: wrote %llu bytes (%llu pre-copy + %llu stop-copy, %u records) to %s\n",
		       s->vm.nq, o->ring, lab_traffic_name(o->traffic),
		       (unsigned long long)len, (unsigned long long)pre,
		       (unsigned long long)(len - pre), count_records(buf, len), o->path);
	free(buf);
	vfmig_vfio_walk(d, VFMIG_MIG_STOP, NULL);
	sim_free(s);
	free(s);
	return LAB_EXIT_OK;
}

/* ---- load ------------------------------------------------------------------- */

int lab_run_load(const struct lab_opts *o)
{
	struct lab_host_cfg hc;
	struct lab_host *h;
	struct lab_hvf *v;
	struct lab_ram *ram;
	struct lab_vf_view *v0, *va = NULL, *vb = NULL;
	struct vfmig_vfio_dev *d;
	char why[256], diff[200];
	u64 now = 1000000, rng = o->seed ^ 0x10ad, off = 0, len;
	u8 *buf;
	long n;
	FILE *f;
	int ret = 0, code;
	bool at_arc = false;

	vfmig_log_set_sink(quiet_sink, NULL);
	f = fopen(o->path, "rb");
	if (!f)
		lab_die(LAB_EXIT_USAGE, "load: cannot open %s: %s", o->path, strerror(errno));
	buf = lab_zalloc(64 << 20);
	len = fread(buf, 1, 64 << 20, f);
	if (!feof(f)) {
		fclose(f);
		lab_die(LAB_EXIT_USAGE, "load: %s: stream rejected: larger than 64 MiB", o->path);
	}
	fclose(f);

	memset(&hc, 0, sizeof(hc));
	hc.name = "dest";
	hc.queues_per_vf = o->queues;
	hc.mac_id = 1;
	hc.timeout_us = 10000;
	h = lab_host_new(&hc);
	ram = lab_ram_new(4 * LAB_MIB, "vfmig-load");
	if (!h || !ram)
		lab_die(LAB_EXIT_CHECK, "load: setup failed");
	v = lab_host_vf_open(h, 0, ram);
	if (!v || !lab_host_wait_vf_ready(h, 0, &now, NS_PER_S))
		lab_die(LAB_EXIT_CHECK, "load: destination VF did not come up");
	d = v->dev;
	v0 = lab_vf_view_take(h, 0);
	ret = vfmig_vfio_walk(d, VFMIG_MIG_RESUMING, NULL);
	if (ret) {
		d->ops->reason(d, why, sizeof(why));
		lab_die(LAB_EXIT_CHECK, "load: destination VF cannot enter RESUMING: %s", why);
	}
	while (off < len) {
		u64 r1 = lab_rand(&rng), k;

		k = 1 + (r1 >> 8) % ((r1 & 3) ? 8192 : 16);
		if (k > len - off)
			k = len - off;
		n = d->ops->resume_write(d, buf + off, k);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		off += (u64)n;
	}
	if (!ret) {
		at_arc = true;
		va = lab_vf_view_take(h, 0);
		ret = d->ops->set_state(d, VFMIG_MIG_STOP);
		vb = lab_vf_view_take(h, 0);
	}
	if (!ret) {
		if (!o->quiet)
			printf("vfmig-lab load: %s: accepted (%llu bytes); the VF holds the restored state (STOP)\n",
			       o->path, (unsigned long long)len);
		code = LAB_EXIT_OK;
	} else {
		d->ops->reason(d, why, sizeof(why));
		if (!why[0])
			snprintf(why, sizeof(why), "%s", strerror(-ret));
		code = LAB_EXIT_USAGE;
		/*
		 * A refused arc leaves nothing of the stream behind: the VF is
		 * as it was before RESUMING (the pre-apply is taken back).
		 */
		if (at_arc && !lab_vf_view_equal(v0, vb, diff, sizeof(diff))) {
			fprintf(stderr, "vfmig-lab: load: after the failed RESUMING -> STOP the VF is not as before RESUMING: %s\n",
				diff);
			code = LAB_EXIT_CHECK;
		}
	}
	/*
	 * Release the VF as the management layer does (reset, administrator's
	 * settings back). After a rejection it must then be exactly as new.
	 */
	lab_host_vf_release(h, 0, v0, &now);
	lab_vf_view_free(va);
	va = lab_vf_view_take(h, 0);
	if (code != LAB_EXIT_OK &&
	    (vfmig_vfio_state(d) != VFMIG_MIG_RUNNING ||
	     !lab_vf_view_equal(v0, va, diff, sizeof(diff)))) {
		fprintf(stderr, "vfmig-lab: load: the VF is not as new after the rejection and its release: %s\n",
			diff);
		code = LAB_EXIT_CHECK;
	}
	if (code == LAB_EXIT_USAGE)
		fprintf(stderr, "vfmig-lab: load: %s: stream rejected: %s\n", o->path, why);
	lab_vf_view_free(v0);
	lab_vf_view_free(va);
	lab_vf_view_free(vb);
	lab_host_free(h);
	lab_ram_free(ram);
	free(buf);
	vfmig_log_set_sink(NULL, NULL);
	return code;
}
