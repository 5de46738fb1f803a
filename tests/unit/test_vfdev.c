// SPDX-License-Identifier: GPL-2.0-only
/*
 * The migratable VF object (driver/core/vfdev.c): arcs, save and resume
 * streams, pre-copy accounting, held interrupts.
 *
 * Two model PFs ("hosts") each with a PF agent; VMs whose guest AVF driver
 * reaches its VF's trapped BAR0 pages through mediation. A migration moves
 * the guest RAM byte for byte at switchover and the device state through
 * the stream; the guest then runs on the destination VF.
 */
#include "harness.h"
#include <stdlib.h>
#include <vfmig/vfdev.h>
#include <vfmig/agent.h>
#include <vfmig/model.h>
#include <vfmig/guest.h>
#include <vfmig/stream.h>
#include <vfmig/x710_regs.h>
#include <vfmig/virtchnl.h>

/* ========================================================================
 * Fixture: tests/hostfix.h, VMs with a vfdev each
 * ======================================================================== */

#define T_STREAM_MAX	(1u << 20)
#include "hostfix.h"

/* ---- streams (tests/selftest/world.c) --------------------------------------- */

/* Read the save stream until "nothing more"; returns bytes read. */
static long save_drain(struct vfmig_vfdev *v, struct vfmig_st_sbuf *s, bool *eof)
{
	u64 seed = s->len * 7 + 1;

	return vfmig_st_save_drain(v, s, eof, &seed);
}

static struct vfmig_st_sbuf *sbuf_new(void)
{
	struct vfmig_st_sbuf *s = calloc(1, sizeof(*s));

	if (s && vfmig_st_sbuf_init(s, T_STREAM_MAX)) {
		free(s);
		return NULL;
	}
	return s;
}

static void sbuf_free(struct vfmig_st_sbuf *s)
{
	if (s)
		vfmig_st_sbuf_free(s);
	free(s);
}

/* A source: guest with @queues queue pairs on VF 0 of host 0, running. */
static struct vfmig_st_vm *src_vm(u16 queues, struct vfmig_st_host **hp)
{
	return running_vm_new(queues, hp);
}

/* ========================================================================
 * Tests
 * ======================================================================== */

/*
 * A running guest with traffic moves to another PF: pre-copy (MATCH and
 * CONFIG pre-applied on the destination), stop-copy, RAM moved at
 * switchover, resume. Contexts, filters and the register shadow arrive
 * intact; every frame is sent exactly once across the move; reception
 * works on the destination.
 */
static void test_migrate_running_vf(void)
{
	u32 *seen = calloc(8192, sizeof(u32)), *rseen = calloc(8192, sizeof(u32));
	struct vfmig_st_sbuf *s = sbuf_new();
	struct vfmig_st_view *vsrc, *vdst;
	struct vfmig_pf_vf_state *st_dst = calloc(1, sizeof(*st_dst));
	struct vfmig_pf_vf_state *st_src = calloc(1, sizeof(*st_src));
	u64 seed = 42, init_b, dirty_b, size_b;
	u32 sent = 0, injected = 0, got = 0, bad = 0, i;
	struct vfmig_st_vm *src, *dst;
	struct vfmig_st_host *a, *b;
	bool eof = false;
	char reason[VFMIG_AGENT_REASON_LEN];
	u16 q;

	REQUIRE(seen && rseen && s && st_dst && st_src);
	w_reset();
	src = src_vm(3, &a);
	REQUIRE(src);
	b = host_new(4, 5, 0x154c);
	REQUIRE(b);
	dst = vm_new(b, 2, NULL);
	REQUIRE(dst);

	for (i = 0; i < 300; i++) {
		if (!vm_xmit_seq(src, (u16)(sent % 3), sent))
			sent++;
		if (i % 2 && !port_rx_seq(a, src->mac, injected))
			injected++;
		w_step();
		got += vm_drain(src, rseen, 8192);
	}

	/* pre-copy: the source keeps running */
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_PRE_COPY), 0);
	CHECK_ERR(vfmig_vfdev_precopy_info(src->vdev, &init_b, &dirty_b), 0);
	CHECK(init_b > VFMIG_REC_HDR_LEN + VFMIG_MATCH_LEN);
	CHECK_EQ(dirty_b, 0);
	CHECK_EQ(save_drain(src->vdev, s, &eof), (long)init_b);
	CHECK(!eof);
	s->initial = s->len;
	CHECK_ERR(vfmig_vfdev_precopy_info(src->vdev, &init_b, &dirty_b), 0);
	CHECK_EQ(init_b, 0);
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
	CHECK(!vfmig_vfdev_precopy_config_applied(dst->vdev));
	CHECK_EQ(vfmig_st_resume_feed(dst->vdev, s->b, s->len, &seed), (long)s->len);
	CHECK(vfmig_vfdev_precopy_config_applied(dst->vdev));
	/* switchover-ack: the destination's filters are the source's already */
	CHECK_ERR(vfmig_model_pf_hw_ops.vf_state_get(a->pf, 0, st_src), 0);
	CHECK_ERR(vfmig_model_pf_hw_ops.vf_state_get(b->pf, 2, st_dst), 0);
	CHECK(vfmig_st_config_equal(&st_src->config, &st_dst->config, true));
	CHECK_EQ(st_dst->vf_caps, st_src->vf_caps);
	for (i = 0; i < 200; i++) {
		if (!vm_xmit_seq(src, (u16)(sent % 3), sent))
			sent++;
		if (i % 2 && !port_rx_seq(a, src->mac, injected))
			injected++;
		w_step();
		got += vm_drain(src, rseen, 8192);
	}

	/* switchover: vCPU stops, the device stops, its state moves */
	src->vcpu = false;
	CHECK_ERR(vfmig_vfdev_data_size(src->vdev, &size_b), 0);
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP_COPY), 0);
	CHECK_EQ(enabled_mask(a, 0, false), 0);
	CHECK_EQ(enabled_mask(a, 0, true), 0);
	CHECK_EQ(save_drain(src->vdev, s, &eof), (long)size_b);
	CHECK(eof);
	memcpy(dst->ram, src->ram, T_RAM);
	memcpy(dst->mac, src->mac, 6);
	dst->gcfg = src->gcfg;
	CHECK_EQ(vfmig_st_resume_feed(dst->vdev, s->b + s->initial, s->len - s->initial, &seed),
		 (long)(s->len - s->initial));
	vfmig_vfdev_reason(dst->vdev, reason, sizeof(reason));
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP), 0);
	vsrc = view_take(a, 0);
	vdst = view_take(b, 2);
	REQUIRE(vsrc && vdst);
	for (q = 0; q < 4; q++) {
		vsrc->tx[q].rdylist = vdst->tx[q].rdylist = 0;
		CHECK(!memcmp(&vsrc->tx[q], &vdst->tx[q], sizeof(vsrc->tx[q])));
		CHECK(!memcmp(&vsrc->rx[q], &vdst->rx[q], sizeof(vsrc->rx[q])));
	}
	for (i = 0; i < ARRAY_SIZE(vfmig_st_view_regs); i++)
		CHECK_EQ(vsrc->regs[i], vdst->regs[i]);
	CHECK(vfmig_st_config_equal(&vsrc->st.config, &vdst->st.config, true));
	CHECK(!memcmp(&vsrc->st.stats, &vdst->st.stats, sizeof(vsrc->st.stats)));
	CHECK(vsrc->tx[0].head != 0);
	free(vsrc);
	free(vdst);

	CHECK_EQ(dst->irq_ready, 0);
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), 0);
	CHECK_EQ(enabled_mask(b, 2, false), 7);
	CHECK_EQ(enabled_mask(b, 2, true), 7);
	/* what the source held while stopping is replayed: vector 0 and the map */
	CHECK(dst->irq_ready & BIT(0));
	CHECK(dst->irq_ready & BIT(1));
	dst->vcpu = true;
	for (i = 0; i < 400; i++) {
		if (!vm_xmit_seq(dst, (u16)(sent % 3), sent))
			sent++;
		if (i % 2 && !port_rx_seq(b, dst->mac, injected))
			injected++;
		w_step();
		got += vm_drain(dst, rseen, 8192);
	}
	w_run(500);
	got += vm_drain(dst, rseen, 8192);
	port_collect(a, seen, 8192, &bad);
	port_collect(b, seen, 8192, &bad);
	CHECK_EQ(bad, 0);
	CHECK(sent > 700);
	for (i = 0; i < sent; i++)
		if (seen[i] != 1) {
			CHECK_EQ(seen[i], 1);
			break;
		}
	/* frames that reached the source while it ran, or the destination
	 * once it ran, each arrive once; none twice */
	for (i = 0; i < injected; i++)
		CHECK(rseen[i] <= 1);
	CHECK(got > injected / 2);
	CHECK_EQ(vfmig_guest_state(&dst->env, T_GPA), VFMIG_GUEST_RUNNING);
	/* the source is left stopped */
	CHECK_EQ(vfmig_vfdev_get_state(src->vdev), VFMIG_MIG_STOP_COPY);
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP), 0);
	free(seen);
	free(rseen);
	free(st_src);
	free(st_dst);
	sbuf_free(s);
	w_reset();
}

static const enum vfmig_mig_state all_states[] = {
	VFMIG_MIG_RUNNING, VFMIG_MIG_RUNNING_P2P, VFMIG_MIG_STOP,
	VFMIG_MIG_STOP_COPY, VFMIG_MIG_PRE_COPY, VFMIG_MIG_PRE_COPY_P2P,
	VFMIG_MIG_RESUMING,
};

/* Does the device run (queues on) in @s? RUNNING_P2P depends on the path. */
static int runs_in(enum vfmig_mig_state s)
{
	switch (s) {
	case VFMIG_MIG_RUNNING:
	case VFMIG_MIG_PRE_COPY:
		return 1;
	case VFMIG_MIG_RUNNING_P2P:
	case VFMIG_MIG_PRE_COPY_P2P:
		return -1;	/* on when reached from STOP, off from RUNNING */
	default:
		return 0;
	}
}

/*
 * From every state to every state through set_state: the target is reached
 * (or refused with -EINVAL when no path exists, state unchanged), the
 * queues are on exactly in the running states, and a device brought back
 * to RUNNING moves traffic again.
 */
static void test_every_arc_sequence(void)
{
	struct vfmig_st_sbuf *stream = sbuf_new();
	u32 from, to, i, combos = 0;
	u64 seed = 7;
	bool eof;

	REQUIRE(stream);
	/* one valid stream of a 2-queue VF, for the RESUMING cases */
	{
		struct vfmig_st_vm *s;

		w_reset();
		s = src_vm(2, NULL);
		REQUIRE(s);
		s->vcpu = false;
		CHECK_ERR(vfmig_vfdev_set_state(s->vdev, VFMIG_MIG_STOP_COPY), 0);
		CHECK(save_drain(s->vdev, stream, &eof) > 0 && eof);
	}
	for (from = 0; from < ARRAY_SIZE(all_states); from++) {
		for (to = 0; to < ARRAY_SIZE(all_states); to++) {
			enum vfmig_mig_state f = all_states[from], t = all_states[to];
			struct vfmig_st_sbuf *junk = sbuf_new();
			u32 seen[600] = { 0 }, bad = 0, sent = 0;
			struct vfmig_st_host *h;
			struct vfmig_st_vm *vm;
			int ret, run;

			REQUIRE(junk);
			w_reset();
			vm = src_vm(2, &h);
			REQUIRE(vm);
			ret = vfmig_vfdev_set_state(vm->vdev, f);
			CHECK_ERR(ret, 0);
			if (f == VFMIG_MIG_RESUMING)
				CHECK_EQ(vfmig_st_resume_feed(vm->vdev, stream->b, stream->len,
							      &seed), (long)stream->len);
			if (f == VFMIG_MIG_PRE_COPY || f == VFMIG_MIG_PRE_COPY_P2P ||
			    f == VFMIG_MIG_STOP_COPY)
				save_drain(vm->vdev, junk, &eof);
			ret = vfmig_vfdev_set_state(vm->vdev, t);
			if (f == VFMIG_MIG_STOP_COPY &&
			    (t == VFMIG_MIG_PRE_COPY || t == VFMIG_MIG_PRE_COPY_P2P)) {
				CHECK_ERR(ret, -EINVAL);
				CHECK_EQ(vfmig_vfdev_get_state(vm->vdev), f);
				sbuf_free(junk);
				continue;
			}
			CHECK_ERR(ret, 0);
			if (ret)
				printf("#   %s -> %s failed\n", vfmig_fsm_state_name(f),
				       vfmig_fsm_state_name(t));
			CHECK_EQ(vfmig_vfdev_get_state(vm->vdev), t);
			run = runs_in(t);
			if (run >= 0 && (enabled_mask(h, 0, false) != (run ? 3u : 0u) ||
					 enabled_mask(h, 0, true) != (run ? 3u : 0u))) {
				printf("#   %s -> %s: queues %s\n", vfmig_fsm_state_name(f),
				       vfmig_fsm_state_name(t), run ? "off" : "on");
				CHECK(0);
			}
			combos++;
			if (t == VFMIG_MIG_RESUMING && f != VFMIG_MIG_RESUMING)
				CHECK_EQ(vfmig_st_resume_feed(vm->vdev, stream->b, stream->len,
							      &seed), (long)stream->len);
			/* and back to RUNNING */
			CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
			CHECK_EQ(enabled_mask(h, 0, false), 3);
			CHECK_EQ(enabled_mask(h, 0, true), 3);
			/* a VF that took another VF's state has not this guest's rings */
			if (f == VFMIG_MIG_RESUMING || t == VFMIG_MIG_RESUMING) {
				sbuf_free(junk);
				continue;
			}
			/* the guest's frames flow again, each exactly once */
			w_run(50);
			/* flush what the guest had queued before the test frames */
			port_collect(h, seen, 0, &bad);
			bad = 0;
			for (i = 0; i < 40; i++) {
				if (!vm_xmit_seq(vm, (u16)(i % 2), sent))
					sent++;
				w_step();
			}
			w_run(200);
			port_collect(h, seen, 600, &bad);
			for (i = 0; i < sent; i++)
				CHECK_EQ(seen[i], 1);
			CHECK(sent >= 30);
			sbuf_free(junk);
		}
	}
	CHECK_EQ(combos, 47);
	sbuf_free(stream);
	w_reset();
}

/*
 * Cancel from every state a source can cancel from: the guest keeps
 * posting where its vCPU runs; afterwards every frame it posted leaves
 * exactly once and reception works.
 */
static void test_cancel_everywhere(void)
{
	static const enum vfmig_mig_state cancel_from[] = {
		VFMIG_MIG_PRE_COPY, VFMIG_MIG_PRE_COPY_P2P, VFMIG_MIG_RUNNING_P2P,
		VFMIG_MIG_STOP, VFMIG_MIG_STOP_COPY,
	};
	u32 c, i;

	for (c = 0; c < ARRAY_SIZE(cancel_from); c++) {
		enum vfmig_mig_state st = cancel_from[c];
		u32 *seen = calloc(4096, sizeof(u32));
		struct vfmig_st_sbuf *s = sbuf_new();
		u32 sent = 0, bad = 0, got = 0, injected = 0;
		struct vfmig_st_host *h;
		struct vfmig_st_vm *vm;
		bool eof;

		REQUIRE(seen && s);
		w_reset();
		vm = src_vm(2, &h);
		REQUIRE(vm);
		CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_PRE_COPY), 0);
		for (i = 0; i < 200; i++) {
			if (!vm_xmit_seq(vm, (u16)(sent % 2), sent))
				sent++;
			if (!(i % 4) && !port_rx_seq(h, vm->mac, 1000 + injected))
				injected++;
			w_step();
			got += vm_drain(vm, NULL, 0);
		}
		/* stopping states stop the vCPU first, as QEMU does */
		vm->vcpu = st == VFMIG_MIG_PRE_COPY;
		CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, st), 0);
		save_drain(vm->vdev, s, &eof);
		for (i = 0; i < 60; i++) {
			if (!vm_xmit_seq(vm, (u16)(sent % 2), sent))
				sent++;
			w_step();
		}
		CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
		vm->vcpu = true;
		for (i = 0; i < 200; i++) {
			if (!vm_xmit_seq(vm, (u16)(sent % 2), sent))
				sent++;
			w_step();
			got += vm_drain(vm, NULL, 0);
		}
		w_run(300);
		got += vm_drain(vm, NULL, 0);
		/* frames that arrived while it ran were all received */
		CHECK_EQ(got, injected);
		port_collect(h, seen, 4096, &bad);
		CHECK_EQ(bad, 0);
		for (i = 0; i < sent; i++)
			if (seen[i] != 1) {
				printf("#   cancel from %s: frame %u seen %u times\n",
				       vfmig_fsm_state_name(st), i, seen[i]);
				CHECK_EQ(seen[i], 1);
				break;
			}
		CHECK(sent > 400);
		for (i = 0; i < 10; i++)
			port_rx_seq(h, vm->mac, 3000 + i);
		w_run(200);
		CHECK_EQ(vm_drain(vm, NULL, 0), 10);
		free(seen);
		sbuf_free(s);
	}
	w_reset();
}

/*
 * An incompatible destination refuses the stream as soon as MATCH arrives,
 * during pre-copy, with a reason; the source still runs and cancels cleanly.
 */
static void test_incompatible_destination(void)
{
	int c;

	for (c = 0; c < 5; c++) {
		char reason[VFMIG_AGENT_REASON_LEN] = "";
		struct vfmig_st_sbuf *s = sbuf_new();
		u32 seen[200] = { 0 }, bad = 0, i;
		struct vfmig_st_host *a, *b;
		struct vfmig_st_vm *src, *dst;
		u64 seed = 3;
		bool eof;
		long r;
		int want = 0;
		const char *what = "";

		REQUIRE(s);
		w_reset();
		src = src_vm(2, &a);
		REQUIRE(src);
		switch (c) {
		case 0:	/* fewer queue pairs */
			b = host_new(2, 5, 0x154c);
			want = -ERANGE;
			what = "needs 4 queue pairs, this VF has 2";
			break;
		case 1:	/* another device */
			b = host_new(4, 5, 0x1889);
			want = -ENODEV;
			what = "8086:1889";
			break;
		case 2:	/* fewer MSI-X vectors */
			b = host_new(4, 3, 0x154c);
			want = -ERANGE;
			what = "needs 5 MSI-X vectors, this VF has 3";
			break;
		default: /* another major version (3), garbage magic (4) */
			b = host_new(4, 5, 0x154c);
			want = c == 3 ? -EPROTONOSUPPORT : -EPROTO;
			what = "";
			break;
		}
		REQUIRE(b);
		dst = vm_new(b, 0, NULL);
		REQUIRE(dst);
		CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_PRE_COPY), 0);
		CHECK(save_drain(src->vdev, s, &eof) > 0);
		if (c == 3)
			s->b[VFMIG_REC_HDR_LEN + 4] = 2;	/* MATCH.major */
		if (c == 4)
			s->b[VFMIG_REC_HDR_LEN] ^= 0xff;	/* MATCH.magic */
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
		r = vfmig_st_resume_feed(dst->vdev, s->b, s->len, &seed);
		CHECK_ERR(r, want);
		vfmig_vfdev_reason(dst->vdev, reason, sizeof(reason));
		CHECK(reason[0] != 0);
		CHECK(strstr(reason, what) != NULL);
		if (!strstr(reason, what))
			printf("#   case %d: reason \"%s\"\n", c, reason);
		CHECK(!vfmig_vfdev_precopy_config_applied(dst->vdev));
		/* latched: later writes fail the same way */
		CHECK_ERR(vfmig_vfdev_resume_write(dst->vdev, s->b, 1), want);
		/* nothing of the source's configuration reached the destination */
		CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RESUMING);
		CHECK(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP) < 0);
		CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_ERROR);
		vfmig_vfdev_reset(dst->vdev);
		CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RUNNING);

		/* the source was never disturbed and cancels cleanly */
		CHECK_EQ(vfmig_vfdev_get_state(src->vdev), VFMIG_MIG_PRE_COPY);
		CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_RUNNING), 0);
		w_run(50);
		port_collect(a, seen, 0, &bad);
		bad = 0;
		for (i = 0; i < 50; i++) {
			CHECK_ERR(vm_xmit_seq(src, (u16)(i % 2), i), 0);
			w_step();
		}
		w_run(200);
		port_collect(a, seen, 200, &bad);
		for (i = 0; i < 50; i++)
			CHECK_EQ(seen[i], 1);
		sbuf_free(s);
	}
	w_reset();
}

/*
 * A destination whose VFs allow only shorter rings (model cfg max_ring_desc
 * 512) refuses, during pre-copy, the stream of a source whose guest runs
 * 1024-descriptor rings; the source still runs and cancels cleanly.
 */
static void test_destination_ring_limit(void)
{
	char reason[VFMIG_AGENT_REASON_LEN] = "";
	struct vfmig_st_sbuf *s = sbuf_new();
	u32 seen[200] = { 0 }, bad = 0, i;
	struct vfmig_guest_cfg g;
	struct vfmig_st_host *a, *b;
	struct vfmig_st_vm *src, *dst;
	u64 seed = 5;
	bool eof;
	long r;

	REQUIRE(s);
	w_reset();
	a = host_new(4, 5, 0x154c);
	REQUIRE(a);
	gcfg_default(&g, 2);
	g.ring_len = 1024;
	g.rx_buf_size = 1024;	/* two 1024-descriptor pairs fit in T_RAM */
	src = vm_new(a, 0, &g);
	REQUIRE(src);
	REQUIRE(vm_until_running(src, 20000));
	W.next_max_ring_desc = 512;
	b = host_new(4, 5, 0x154c);
	REQUIRE(b);
	CHECK_EQ(b->cfg.max_ring_desc, 512);
	dst = vm_new(b, 0, NULL);
	REQUIRE(dst);
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_PRE_COPY), 0);
	CHECK(save_drain(src->vdev, s, &eof) > 0);
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
	r = vfmig_st_resume_feed(dst->vdev, s->b, s->len, &seed);
	CHECK_ERR(r, -ERANGE);
	vfmig_vfdev_reason(dst->vdev, reason, sizeof(reason));
	CHECK(strstr(reason, "-descriptor rings, this VF allows 512") != NULL);
	if (!strstr(reason, "this VF allows 512"))
		printf("#   reason \"%s\"\n", reason);
	CHECK(!vfmig_vfdev_precopy_config_applied(dst->vdev));
	/* latched: later writes fail the same way */
	CHECK_ERR(vfmig_vfdev_resume_write(dst->vdev, s->b, 1), -ERANGE);
	/* nothing of the source's configuration reached the destination */
	CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RESUMING);
	CHECK(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP) < 0);
	CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_ERROR);
	vfmig_vfdev_reset(dst->vdev);
	CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RUNNING);

	/* the source was never disturbed and cancels cleanly */
	CHECK_EQ(vfmig_vfdev_get_state(src->vdev), VFMIG_MIG_PRE_COPY);
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_RUNNING), 0);
	w_run(50);
	port_collect(a, seen, 0, &bad);
	bad = 0;
	for (i = 0; i < 50; i++) {
		CHECK_ERR(vm_xmit_seq(src, (u16)(i % 2), i), 0);
		w_step();
	}
	w_run(200);
	port_collect(a, seen, 200, &bad);
	for (i = 0; i < 50; i++)
		CHECK_EQ(seen[i], 1);
	sbuf_free(s);
	w_reset();
}

/* Re-encode @img as a stream (pre-copy config, then runtime). */
static size_t reencode(const struct vfmig_dev_image *img, u8 *out)
{
	struct vfmig_stream_writer w;
	size_t n;

	vfmig_stream_writer_init(&w);
	vfmig_stream_put_match(&w, &img->match);
	vfmig_stream_put_config(&w, &img->config, img->config_precopy);
	vfmig_stream_put_stopcopy(&w);
	vfmig_stream_put_runtime(&w, &img->runtime);
	vfmig_stream_put_end(&w);
	n = vfmig_stream_writer_error(&w) ? 0 : vfmig_stream_writer_len(&w);
	if (n)
		memcpy(out, vfmig_stream_writer_data(&w), n);
	vfmig_stream_writer_release(&w);
	return n;
}

/*
 * A corrupted stream fails RESUMING -> STOP: the device goes to ERROR and
 * the destination VF is exactly as it was before the arc.
 */
static void test_corrupt_stream(void)
{
	struct vfmig_st_sbuf *good = sbuf_new(), *bad = sbuf_new();
	struct vfmig_stream_parser *p;
	struct vfmig_dev_image *img = vfmig_dev_image_alloc();
	int c;
	u64 seed = 11;
	bool eof;

	REQUIRE(good && bad);
	w_reset();
	{
		struct vfmig_st_vm *s = src_vm(2, NULL);

		REQUIRE(s);
		w_run(100);
		s->vcpu = false;
		CHECK_ERR(vfmig_vfdev_set_state(s->vdev, VFMIG_MIG_PRE_COPY), 0);
		CHECK(save_drain(s->vdev, good, &eof) > 0);
		good->initial = good->len;
		CHECK_ERR(vfmig_vfdev_set_state(s->vdev, VFMIG_MIG_STOP_COPY), 0);
		CHECK(save_drain(s->vdev, good, &eof) > 0 && eof);
	}
	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(vfmig_stream_parser_write(p, good->b, good->len), 0);
	CHECK_ERR(vfmig_stream_parser_finish(p), 0);
	*img = *vfmig_stream_parser_image(p);
	img->runtime.num_mbx_msgs = 0;

	for (c = 0; c < 6; c++) {
		struct vfmig_st_host *h = NULL;
		struct vfmig_st_view *before, *mid, *after;
		struct vfmig_st_vm *dst;
		int ret, want;

		memcpy(bad->b, good->b, good->len);
		bad->len = good->len;
		want = -EBADMSG;
		switch (c) {
		case 0:	/* a bit of the last runtime record's CRC-covered bytes */
			bad->b[good->len - 30] ^= 0x10;
			break;
		case 1:	/* truncated */
			bad->len -= 7;
			want = -ENODATA;
			break;
		case 2:	/* truncated inside the runtime records */
			bad->len = good->initial + 40;
			want = -ENODATA;
			break;
		case 3:	/* valid CRC, queue beyond the 2 configured pairs */
			img->runtime.txq_present |= BIT(3);
			img->runtime.txq[3] = img->runtime.txq[0];
			bad->len = reencode(img, bad->b);
			img->runtime.txq_present &= ~BIT(3);
			want = -ERANGE;
			break;
		case 4:	/* valid CRC, a buffer size the queue context cannot hold */
			img->runtime.rxq[1].data_buf_size = 2000;
			bad->len = reencode(img, bad->b);
			img->runtime.rxq[1].data_buf_size = 2048;
			want = -EINVAL;
			break;
		default: /* data after END */
			bad->b[bad->len++] = 0;
			want = -ENOSPC;
			break;
		}
		REQUIRE(bad->len);
		w_reset();
		h = host_new(4, 5, 0x154c);
		REQUIRE(h);
		dst = vm_new(h, 1, NULL);
		REQUIRE(dst);
		before = view_take(h, 1);
		REQUIRE(before);
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
		/* pre-copy part first, like a migration; then the rest */
		CHECK_EQ(vfmig_st_resume_feed(dst->vdev, bad->b, good->initial, &seed),
			 (long)good->initial);
		/* the source's configuration reached the PF host (pre-apply)... */
		mid = view_take(h, 1);
		CHECK(mid && mid->st.active && !before->st.active);
		vfmig_st_resume_feed(dst->vdev, bad->b + good->initial,
				     bad->len - good->initial, &seed);
		ret = vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_STOP);
		CHECK_ERR(ret, want);
		CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_ERROR);
		/* the arc says why: the parser's reason, not a bare errno */
		{
			char why[VFMIG_VFDEV_REASON_LEN];

			vfmig_vfdev_reason(dst->vdev, why, sizeof(why));
			CHECK(why[0] && !strstr(why, "failed ("));
			if (c == 0)
				CHECK(strstr(why, "CRC") != NULL);
		}
		/* ...and the failed resume took it back: nothing half-applied */
		after = view_take(h, 1);
		CHECK(after && vfmig_st_view_equal(before, after, VFMIG_ST_VIEW_ANY_VIRTCHNL));
		free(mid);
		/* no way out of ERROR but a reset */
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), -EINVAL);
		vfmig_vfdev_reset(dst->vdev);
		CHECK_EQ(vfmig_vfdev_get_state(dst->vdev), VFMIG_MIG_RUNNING);
		free(before);
		free(after);
	}
	/* a reset in the middle of a resume also takes the pre-apply back */
	{
		struct vfmig_st_view *before, *after;
		struct vfmig_st_host *h;
		struct vfmig_st_vm *dst;

		w_reset();
		h = host_new(4, 5, 0x154c);
		REQUIRE(h);
		dst = vm_new(h, 1, NULL);
		REQUIRE(dst);
		before = view_take(h, 1);
		REQUIRE(before);
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
		CHECK_EQ(vfmig_st_resume_feed(dst->vdev, good->b, good->initial, &seed),
			 (long)good->initial);
		CHECK(vfmig_vfdev_precopy_config_applied(dst->vdev));
		vfmig_vfdev_reset(dst->vdev);
		after = view_take(h, 1);
		CHECK(after && vfmig_st_view_equal(before, after, VFMIG_ST_VIEW_ANY_VIRTCHNL));
		free(before);
		free(after);
	}
	/* the good stream still restores */
	{
		struct vfmig_st_host *h;
		struct vfmig_st_vm *dst;

		w_reset();
		h = host_new(4, 5, 0x154c);
		REQUIRE(h);
		dst = vm_new(h, 1, NULL);
		REQUIRE(dst);
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
		{
			u64 len = 0;

			/* the uAPI allows the size query in every state */
			CHECK_ERR(vfmig_vfdev_data_size(dst->vdev, &len), 0);
			CHECK(len > 0);
		}
		CHECK_EQ(vfmig_st_resume_feed(dst->vdev, good->b, good->len, &seed),
			 (long)good->len);
		CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), 0);
		CHECK_EQ(enabled_mask(h, 1, false), 3);
	}
	vfmig_stream_parser_free(p);
	img->runtime.num_mbx_msgs = 0;
	vfmig_dev_image_free(img);
	sbuf_free(good);
	sbuf_free(bad);
	w_reset();
}

/*
 * Pre-copy info and the stop-copy size estimate are exact: initial_bytes
 * counts down with reads, dirty_bytes is the size of the CONFIG records
 * that changed, and the estimate equals the bytes STOP_COPY produces.
 */
static void test_precopy_info_and_size(void)
{
	struct vfmig_st_sbuf *s = sbuf_new();
	u64 init_b, dirty_b, size0, size1, size2;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;
	bool eof, spoof;
	long n;
	u8 tmp[16];

	REQUIRE(s);
	/* without pre-copy: RUNNING's estimate is the whole stream */
	w_reset();
	vm = src_vm(3, &h);
	REQUIRE(vm);
	w_run(200);
	vm->vcpu = false;
	w_run(200);
	CHECK_ERR(vfmig_vfdev_data_size(vm->vdev, &size0), 0);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &init_b, &dirty_b), -EINVAL);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK_ERR(vfmig_vfdev_data_size(vm->vdev, &size1), 0);
	CHECK_EQ(size1, size0);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP_COPY), 0);
	CHECK_EQ(save_drain(vm->vdev, s, &eof), (long)size0);
	CHECK(eof);
	CHECK_ERR(vfmig_vfdev_data_size(vm->vdev, &size1), 0);
	CHECK_EQ(size1, 0);

	/* with pre-copy */
	s->len = 0;
	w_reset();
	vm = src_vm(3, &h);
	REQUIRE(vm);
	w_run(200);
	vm->vcpu = false;
	w_run(200);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_PRE_COPY), 0);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &init_b, &dirty_b), 0);
	CHECK(init_b > 0);
	CHECK_EQ(dirty_b, 0);
	n = vfmig_vfdev_save_read(vm->vdev, 0, tmp, 10, &eof);
	CHECK_EQ(n, 10);
	CHECK(!eof);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &size0, &dirty_b), 0);
	CHECK_EQ(size0, init_b - 10);
	s->len = 10;
	memcpy(s->b, tmp, 10);
	CHECK_EQ(save_drain(vm->vdev, s, &eof), (long)init_b - 10);
	CHECK(!eof);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &size0, &dirty_b), 0);
	CHECK_EQ(size0, 0);
	/* past the produced data: "no more for now" */
	CHECK_EQ(vfmig_vfdev_save_read(vm->vdev, s->len, tmp, 16, &eof), 0);
	CHECK(!eof);
	/* poll's view: nothing pending, not the end; 10 bytes back, 10 */
	eof = true;
	CHECK_EQ(vfmig_vfdev_save_pending(vm->vdev, s->len, &eof), 0);
	CHECK(!eof);
	CHECK_EQ(vfmig_vfdev_save_pending(vm->vdev, s->len - 10, &eof), 10);
	CHECK_ERR(vfmig_vfdev_data_size(vm->vdev, &size1), 0);

	/* the host administrator changes the VF during pre-copy */
	{
		struct vfmig_pf_vf_state *st = calloc(1, sizeof(*st));

		REQUIRE(st);
		CHECK_ERR(vfmig_model_pf_hw_ops.vf_state_get(h->pf, 0, st), 0);
		spoof = !(st->config.vf.flags & VFMIG_VF_SPOOFCHK);
		free(st);
	}
	CHECK_ERR(vfmig_model_vf_set_spoofchk(h->pf, 0, spoof), 0);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &init_b, &dirty_b), 0);
	CHECK_EQ(init_b, 0);
	CHECK_EQ(dirty_b, VFMIG_REC_HDR_LEN + VFMIG_VF_CONFIG_LEN);
	CHECK_ERR(vfmig_vfdev_data_size(vm->vdev, &size2), 0);
	CHECK_EQ(size2, size1 + dirty_b);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP_COPY), 0);
	CHECK_ERR(vfmig_vfdev_precopy_info(vm->vdev, &init_b, &dirty_b), -EINVAL);
	CHECK_EQ(vfmig_vfdev_save_pending(vm->vdev, s->len, &eof), (long)size2);
	CHECK_EQ(save_drain(vm->vdev, s, &eof), (long)size2);
	CHECK(eof);
	eof = false;
	CHECK_EQ(vfmig_vfdev_save_pending(vm->vdev, s->len, &eof), 0);
	CHECK(eof);
	/* after END: end of stream, and reads of old positions still work */
	CHECK_EQ(vfmig_vfdev_save_read(vm->vdev, s->len, tmp, 16, &eof), 0);
	CHECK(eof);
	CHECK_EQ(vfmig_vfdev_save_read(vm->vdev, 0, tmp, 4, &eof), 4);
	CHECK(!memcmp(tmp, s->b, 4));
	/* and the stream carries the changed VF_CONFIG in its stop-copy part */
	{
		struct vfmig_stream_parser *p = vfmig_stream_parser_new(NULL, NULL);
		const struct vfmig_dev_image *img;

		REQUIRE(!IS_ERR(p));
		CHECK_ERR(vfmig_stream_parser_write(p, s->b, s->len), 0);
		CHECK_ERR(vfmig_stream_parser_finish(p), 0);
		img = vfmig_stream_parser_image(p);
		CHECK_EQ(img->config_stopcopy, BIT(VFMIG_CFG_VF_CONFIG));
		CHECK_EQ(!!(img->config.vf.flags & VFMIG_VF_SPOOFCHK), spoof);
		CHECK_EQ(img->config_precopy, VFMIG_CFG_ALL);
		vfmig_stream_parser_free(p);
	}
	/* no save stream outside the saving states */
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK_ERR(vfmig_vfdev_save_read(vm->vdev, 0, tmp, 4, &eof), -ENODEV);
	CHECK_ERR(vfmig_vfdev_resume_write(vm->vdev, tmp, 4), -ENODEV);
	sbuf_free(s);
	w_reset();
}

/* Interrupts raised while not RUNNING are held and delivered once, on RUNNING. */
static void test_irq_held(void)
{
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	w_reset();
	h = host_new(4, 5, 0x154c);
	REQUIRE(h);
	vm = vm_new(h, 0, NULL);
	REQUIRE(vm);
	CHECK(vfmig_vfdev_irq(vm->vdev, 1));
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING_P2P), 0);
	CHECK(!vfmig_vfdev_irq(vm->vdev, 1));
	CHECK(!vfmig_vfdev_irq(vm->vdev, 3));
	CHECK(!vfmig_vfdev_irq(vm->vdev, 3));
	CHECK(!vfmig_vfdev_irq(vm->vdev, 64));
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP), 0);
	CHECK(!vfmig_vfdev_irq(vm->vdev, 0));
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING_P2P), 0);
	CHECK_EQ(vm->irq_ready, 0);
	CHECK(!vfmig_vfdev_irq(vm->vdev, 2));
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING), 0);
	CHECK_EQ(vm->irq_ready, BIT(0) | BIT(1) | BIT(2) | BIT(3));
	CHECK(vfmig_vfdev_irq(vm->vdev, 1));
	/* a reset drops what was held */
	vm->irq_ready = 0;
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_RUNNING_P2P), 0);
	CHECK(!vfmig_vfdev_irq(vm->vdev, 4));
	vfmig_vfdev_reset(vm->vdev);
	CHECK(vfmig_vfdev_irq(vm->vdev, 4));
	CHECK_EQ(vm->irq_ready, 0);
	w_reset();
}

/*
 * PF->VF messages the PF host had not delivered when the source stopped
 * travel in the stream and reach the guest on the destination.
 */
static void test_pending_messages_migrate(void)
{
	struct vfmig_st_sbuf *s = sbuf_new();
	struct vfmig_guest_stats g0, g1;
	struct vfmig_st_vm *src, *dst;
	struct vfmig_st_host *a, *b;
	u64 seed = 5;
	bool eof;
	struct vfmig_stream_parser *p;

	REQUIRE(s);
	w_reset();
	src = src_vm(1, &a);
	REQUIRE(src);
	b = host_new(4, 5, 0x154c);
	REQUIRE(b);
	dst = vm_new(b, 0, NULL);
	REQUIRE(dst);
	w_run(500);
	vfmig_guest_stats(&src->env, T_GPA, &g0);
	src->vcpu = false;
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_RUNNING_P2P), 0);
	vfmig_model_set_link(a->pf, false, 0);
	vfmig_model_set_link(a->pf, true, 25000);
	w_run(20);
	CHECK_ERR(vfmig_vfdev_set_state(src->vdev, VFMIG_MIG_STOP_COPY), 0);
	CHECK(save_drain(src->vdev, s, &eof) > 0 && eof);
	p = vfmig_stream_parser_new(NULL, NULL);
	REQUIRE(!IS_ERR(p));
	CHECK_ERR(vfmig_stream_parser_write(p, s->b, s->len), 0);
	CHECK(vfmig_stream_parser_image(p)->runtime.num_mbx_msgs >= 2);
	vfmig_stream_parser_free(p);

	memcpy(dst->ram, src->ram, T_RAM);
	dst->gcfg = src->gcfg;
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RESUMING), 0);
	CHECK_EQ(vfmig_st_resume_feed(dst->vdev, s->b, s->len, &seed), (long)s->len);
	CHECK_ERR(vfmig_vfdev_set_state(dst->vdev, VFMIG_MIG_RUNNING), 0);
	dst->vcpu = true;
	w_run(500);
	vfmig_guest_stats(&dst->env, T_GPA, &g1);
	CHECK_EQ(g1.link_events, g0.link_events + 2);
	CHECK_EQ(g1.link_up, 1);
	CHECK_EQ(vfmig_guest_state(&dst->env, T_GPA), VFMIG_GUEST_RUNNING);
	sbuf_free(s);
	w_reset();
}

/* A quiesce that times out fails RUNNING -> RUNNING_P2P; the VF keeps running. */
static void test_quiesce_failure_keeps_running(void)
{
	struct vfmig_model_faults f = { 0 };
	char reason[VFMIG_AGENT_REASON_LEN];
	u32 seen[100] = { 0 }, bad = 0, i;
	struct vfmig_st_host *h;
	struct vfmig_st_vm *vm;

	w_reset();
	vm = src_vm(2, &h);
	REQUIRE(vm);
	f.txq_disable_stuck = BIT(1);
	CHECK_ERR(vfmig_model_vf_set_faults(h->pf, 0, &f), 0);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_PRE_COPY), 0);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP_COPY), -ETIMEDOUT);
	vfmig_vfdev_reason(vm->vdev, reason, sizeof(reason));
	CHECK(strstr(reason, "TX queue 1") != NULL);
	CHECK_EQ(vfmig_vfdev_get_state(vm->vdev), VFMIG_MIG_PRE_COPY);
	memset(&f, 0, sizeof(f));
	vfmig_model_vf_set_faults(h->pf, 0, &f);
	w_run(50);
	port_collect(h, seen, 0, &bad);
	bad = 0;
	for (i = 0; i < 40; i++) {
		CHECK_ERR(vm_xmit_seq(vm, (u16)(i % 2), i), 0);
		w_step();
	}
	w_run(200);
	port_collect(h, seen, 100, &bad);
	for (i = 0; i < 40; i++)
		CHECK_EQ(seen[i], 1);
	CHECK_ERR(vfmig_vfdev_set_state(vm->vdev, VFMIG_MIG_STOP_COPY), 0);
	w_reset();
}

int main(void)
{
	w_reset();
	RUN(test_migrate_running_vf);
	RUN(test_every_arc_sequence);
	RUN(test_cancel_everywhere);
	RUN(test_incompatible_destination);
	RUN(test_destination_ring_limit);
	RUN(test_corrupt_stream);
	RUN(test_precopy_info_and_size);
	RUN(test_irq_held);
	RUN(test_pending_messages_migrate);
	RUN(test_quiesce_failure_keeps_running);
	w_reset();
	return vt_done();
}
