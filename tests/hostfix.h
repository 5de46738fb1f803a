/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostfix: the unit tests' short names for the test world of
 * tests/selftest/world.c (test_agent.c, test_vfdev.c, test_mediate.c); the
 * world itself, its callbacks, step loop, views, streams and frames, live
 * there once, for these tests and the portable self-tests alike. Link with
 * tests/selftest/ (the Makefile does).
 *
 * A host (struct vfmig_st_host) is an X710 model PF with a PF agent and the
 * agent's in-process transport. A VM (struct vfmig_st_vm) is guest RAM with
 * one model VF attached, the guest AVF driver's block at T_GPA and, unless
 * the test opts out, a vfdev on the VF (BAR0 mediation, held interrupts).
 * w_step() steps the world: the clock advances by 1 us (or to the latest
 * model clock), every PF is polled, latched vectors pass through the vfdev,
 * and every VM whose vCPU runs (vm->vcpu) gets its released interrupts and a
 * guest poll.
 *
 * There is one world at a time, W.w; w_reset() frees it and the next
 * host_new() makes a fresh one (clock at 1 ms, no DMA record hook). A test
 * may set W.w->dma_record (after its VMs exist) to see every DMA write the
 * model makes into any VM's RAM; vm->dma_writes counts them.
 *
 * A test may define, before including this file:
 *   T_RAM, T_GPA	guest RAM size, guest driver block address
 *			(default 8 MiB, 1 MiB)
 *   T_VFDEV		0: VMs have no vfdev, BAR0 and interrupts go straight
 *			between guest and model (default 1)
 *
 * Userspace only (calloc, abort). Everything is static inline so a test
 * that uses part of it builds without -Wunused-function.
 */
#ifndef VFMIG_TESTS_HOSTFIX_H
#define VFMIG_TESTS_HOSTFIX_H

#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "selftest/selftest.h"

#ifndef T_RAM
#define T_RAM		(8u << 20)
#endif
#ifndef T_GPA
#define T_GPA		(1u << 20)
#endif
#ifndef T_VFDEV
#define T_VFDEV		1
#endif

/* The length of test frame @seq (64 .. 191 bytes). */
#define T_FRAME_LEN(seq)	(64 + (seq) % 128)

static struct {
	struct vfmig_st_world *w;	/* NULL until the first host_new() */
	/* optional: the next host_new()'s cfg.max_ring_desc (0: the default) */
	u16 next_max_ring_desc;
} W;

/* The world, made with the T_ knobs when there is none. */
static inline struct vfmig_st_world *w_world(void)
{
	struct vfmig_st_world_cfg c = {
		.ram_size = T_RAM, .gpa = T_GPA, .no_vfdev = !T_VFDEV,
	};

	if (!W.w)
		W.w = vfmig_st_world_new(&c);
	if (!W.w) {
		printf("# hostfix: no memory for a world\n");
		abort();
	}
	return W.w;
}

/* Free every VM and host; the next world starts afresh. */
static inline void w_reset(void)
{
	vfmig_st_world_free(W.w);
	memset(&W, 0, sizeof(W));
}

/* A model PF whose VFs have @queues queue pairs and @msix vectors, its agent. */
static inline struct vfmig_st_host *host_new(u16 queues, u16 msix, u16 device_id)
{
	struct vfmig_model_cfg c;

	vfmig_st_host_cfg_default(w_world(), &c, queues, msix);
	c.vf_device_id = device_id;
	if (W.next_max_ring_desc)
		c.max_ring_desc = W.next_max_ring_desc;
	W.next_max_ring_desc = 0;
	return vfmig_st_host_add(W.w, &c);
}

static inline void gcfg_default(struct vfmig_guest_cfg *c, u16 queues)
{
	vfmig_st_gcfg_default(c, queues);
}

/*
 * A VM on @h's VF @vf, with its vfdev unless T_VFDEV is 0; the guest driver
 * is started when @gcfg is given.
 */
static inline struct vfmig_st_vm *vm_new(struct vfmig_st_host *h, u16 vf,
					 const struct vfmig_guest_cfg *gcfg)
{
	return vfmig_st_vm_new(w_world(), h, vf, gcfg);
}

static inline void w_step(void)
{
	vfmig_st_step(w_world());
}

static inline void w_run(u32 steps)
{
	vfmig_st_run(w_world(), steps);
}

static inline bool vm_until_running(struct vfmig_st_vm *vm, u32 max)
{
	return vfmig_st_until_running(vm->w, vm, max);
}

/*
 * A new host (4 queue pairs and 5 vectors per VF, device 0x154c) with a
 * guest of @queues queue pairs running on its VF 0; the host in @*hp.
 */
static inline struct vfmig_st_vm *running_vm_new(u16 queues,
						 struct vfmig_st_host **hp)
{
	return vfmig_st_running_vm_new(w_world(), queues, hp);
}

/* ---- traffic: test frames of stream 0, T_FRAME_LEN(seq) bytes -------------- */

static inline int vm_xmit_seq(struct vfmig_st_vm *vm, u16 q, u32 seq)
{
	return vfmig_st_xmit_len(vm, q, vfmig_st_peer_mac, 0, seq, T_FRAME_LEN(seq));
}

static inline int port_rx_seq(struct vfmig_st_host *h, const u8 *dst, u32 seq)
{
	return vfmig_st_port_inject_len(w_world(), h, dst, 0, seq, T_FRAME_LEN(seq));
}

/* Counts of intact test frames by sequence number. */
struct t_seen {
	u32 *seen;	/* may be NULL */
	u32 nseen;
	u32 *bad;	/* NULL: frames not counted in @seen are just left out */
	u32 n;		/* intact frames (counted in @seen when @bad is set) */
};

static inline void t_seen_frame(void *ctx, const u8 *f, int len)
{
	struct t_seen *s = ctx;
	u32 stream, seq;
	bool ok = len > 0 && vfmig_st_frame_check(f, (u32)len, &stream, &seq);

	if (s->bad && (!ok || seq >= s->nseen)) {
		if (len > 0)
			(*s->bad)++;
		return;
	}
	if (!ok)
		return;
	s->n++;
	if (s->seen && seq < s->nseen)
		s->seen[seq]++;
}

/* Frames that left @h's port, by sequence number: counts in @seen[]. */
static inline u32 port_collect(struct vfmig_st_host *h, u32 *seen, u32 nseen,
			       u32 *bad)
{
	struct t_seen s = { seen, nseen, bad, 0 };

	vfmig_st_port_each(w_world(), h, t_seen_frame, &s);
	return s.n;
}

/* Receive everything ready on @vm's queues; count the intact test frames. */
static inline u32 vm_drain(struct vfmig_st_vm *vm, u32 *seen, u32 nseen)
{
	struct t_seen s = { seen, nseen, NULL, 0 };

	vfmig_st_drain_each(vm, t_seen_frame, &s);
	return s.n;
}

/* ---- what the PF sees of a VF ----------------------------------------------- */

static inline u32 enabled_mask(struct vfmig_st_host *h, u16 vf, bool rx)
{
	return vfmig_st_enabled_mask(h, vf, rx);
}

/* A calloc'd view of @h's VF @vf (free() it), NULL on failure. */
static inline struct vfmig_st_view *view_take(struct vfmig_st_host *h, u16 vf)
{
	struct vfmig_st_view *v = calloc(1, sizeof(*v));

	if (v && vfmig_st_view_take(h, vf, v)) {
		free(v);
		return NULL;
	}
	return v;
}

/* Nothing the PF sees of the VF differs. */
static inline bool view_equal(const struct vfmig_st_view *a,
			      const struct vfmig_st_view *b)
{
	return vfmig_st_view_equal(a, b, 0);
}

#endif /* VFMIG_TESTS_HOSTFIX_H */
