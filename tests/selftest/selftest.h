/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig portable self-tests: the model, the guest AVF driver, the PF agent
 * and the driver core exercised together, in the kernel (vfmig_portable.ko
 * runs them at module load) and in userspace (tests/unit/test_selftest.c
 * runs them under ASAN+UBSAN). Portable C: the only window on the world is
 * include/vfmig (osdep allocation, logging, crc32c); no libc, no kernel
 * header.
 *
 * Two parts:
 *
 * The world (world.c, world_inline.h): simulated hosts and VMs, also the
 * test world of the unit tests (tests/hostfix.h is a thin userspace layer
 * over it). A host is an X710 model PF with a PF agent and its in-process
 * transport. A VM is guest RAM allocated through osdep (IOVA == guest
 * physical address, bounds checked) with one model VF attached, the guest
 * AVF driver's block in it and, unless the world is configured without,
 * a struct vfmig_vfdev on the VF: the guest's accesses to the trapped BAR0
 * pages go through mediation, the rest straight to the model, and the vfdev
 * decides which interrupts reach the guest. The world is stepped in virtual
 * time by vfmig_st_step(); nothing sleeps or waits. Around it: what the PF
 * sees of a VF (views), device-state streams in memory, test frames and
 * their tallies.
 *
 * The suite (selftest.c, st_*.c): a table of tests. Each asserts observable
 * behaviour (bytes in guest memory, registers, counters, frames) with
 * ST_CHECK*(), frees everything it allocated, and is reported in one log
 * line: "vfmig_selftest: ok NAME" or "vfmig_selftest: FAIL NAME: REASON".
 */
#ifndef VFMIG_SELFTEST_H
#define VFMIG_SELFTEST_H

#include <vfmig/osdep.h>
#include <vfmig/agent.h>
#include <vfmig/guest.h>
#include <vfmig/model.h>
#include <vfmig/vfdev.h>
#include <vfmig/devstate.h>
#include <vfmig/pf_hw.h>
#include "world_inline.h"

/* ---- The suite --------------------------------------------------------------- */

/**
 * struct vfmig_selftest_result - what vfmig_selftest_run() found
 * @passed: tests that passed
 * @failed: tests that failed
 * @failed_mask: BIT(i) for every test i (vfmig_selftest_name(i)) that failed
 * @elapsed_ns: wall time of the whole run (vfmig_time_ns())
 */
struct vfmig_selftest_result {
	u32 passed;
	u32 failed;
	u32 failed_mask;
	u64 elapsed_ns;
};

/* Number of tests in the suite, and the name of test @i (NULL if none). */
u32 vfmig_selftest_count(void);
const char *vfmig_selftest_name(u32 i);

/**
 * vfmig_selftest_run - run every test of the suite once
 * @res: out, the counts
 *
 * Logs one line per test through the osdep log: "vfmig_selftest: ok NAME"
 * (info) or "vfmig_selftest: FAIL NAME: REASON" (error), REASON being the
 * first failed check. Needs process context (allocations may sleep).
 *
 * Return: 0 when every test passed, -EINVAL when any failed.
 */
int vfmig_selftest_run(struct vfmig_selftest_result *res);

/* ---- Checks ------------------------------------------------------------------- */

#define VFMIG_ST_REASON_LEN	192

/* One running test: the first failed check's reason and a count of the rest. */
struct vfmig_st {
	const char *name;
	u32 failed_checks;
	char reason[VFMIG_ST_REASON_LEN];
};

/*
 * Record a check: returns @ok, and on failure keeps the first reason (the
 * later ones go to the debug log). Use through the macros; a test bails out
 * with "if (!ST_CHECK(t, p)) goto out;" where going on makes no sense.
 */
bool vfmig_st_check(struct vfmig_st *t, bool ok, const char *file, int line,
		    const char *what);
bool vfmig_st_check_eq(struct vfmig_st *t, u64 a, u64 b, const char *file,
		       int line, const char *ea, const char *eb);

#define ST_CHECK(t, cond)						\
	vfmig_st_check((t), !!(cond), __FILE__, __LINE__, #cond)
#define ST_CHECK_EQ(t, a, b)						\
	vfmig_st_check_eq((t), (u64)(a), (u64)(b), __FILE__, __LINE__,	\
			  #a, #b)

/* The tests (st_bringup.c, st_traffic.c, st_migrate.c). */
void vfmig_st_bringup(struct vfmig_st *t);
void vfmig_st_traffic(struct vfmig_st *t);
void vfmig_st_migrate(struct vfmig_st *t);
void vfmig_st_cancel(struct vfmig_st *t);
void vfmig_st_bad_stream(struct vfmig_st *t);

/* ---- The world (world.c) ------------------------------------------------------ */

#define VFMIG_ST_MAX_HOST	3
#define VFMIG_ST_MAX_VM		4
/* Default guest RAM per VM, and where the guest driver's block starts in it. */
#define VFMIG_ST_RAM		(4u * 1024 * 1024)
#define VFMIG_ST_GPA		(1024u * 1024)
#define VFMIG_ST_PAGES		(VFMIG_ST_RAM >> 12)
/* Scratch frame buffers: the largest test frame fits. */
#define VFMIG_ST_BUF		2048u
#define VFMIG_ST_FRAME_MAX	1514u
#define VFMIG_ST_FRAME_MIN	64u
#define VFMIG_ST_MAX_REGIONS	32u

struct vfmig_st_world;

struct vfmig_st_host {
	struct vfmig_model_pf *pf;
	struct vfmig_agent *agent;
	struct vfmig_agent_transport tr;
	struct vfmig_model_cfg cfg;
};

/**
 * struct vfmig_st_vm - a VM: guest RAM, one model VF, its vfdev
 * @vdev: the VF's vfdev; NULL in a world configured with no_vfdev
 * @vcpu: the guest driver runs (gets interrupts and polls) in each step;
 *	interrupts raised while it is stopped are held until it runs again
 * @irq_latched: vectors the model raised since the last step
 * @irq_ready: vectors released by the vfdev (all of them without one), not
 *	yet given to the guest
 * @dma_writes: DMA writes the model made into @ram
 * @dma_refused: DMA reads or writes outside @ram (refused with -EFAULT)
 * @mac: the guest's MAC once it runs
 */
struct vfmig_st_vm {
	struct vfmig_st_world *w;
	struct vfmig_st_host *h;
	u16 vf;
	u8 *ram;
	struct vfmig_guest_cfg gcfg;
	struct vfmig_guest_env env;
	struct vfmig_vfdev *vdev;
	bool vcpu;
	u32 irq_latched;
	u32 irq_ready;
	u64 irqs_delivered;
	u64 dma_writes;
	u64 dma_refused;
	u8 mac[6];
};

/**
 * struct vfmig_st_world_cfg - what the VMs of a world look like
 * @ram_size: guest RAM per VM in bytes (VFMIG_ST_RAM by default)
 * @gpa: guest physical address of each guest driver's block (VFMIG_ST_GPA)
 * @no_vfdev: VMs get no struct vfmig_vfdev: the guest's BAR0 accesses and
 *	the model's interrupts go straight between guest and model (false)
 */
struct vfmig_st_world_cfg {
	u64 ram_size;
	u64 gpa;
	bool no_vfdev;
};

/**
 * struct vfmig_st_world - hosts, VMs and the virtual clock
 * @cfg: what its VMs look like (fixed at vfmig_st_world_new())
 * @now: virtual time, ns
 * @dma_record: optional, sees every DMA write the model made into any VM's
 *	RAM (called under that PF's lock: it must not call into the model)
 * @dma_ctx: passed to @dma_record
 * @frame: scratch for building frames (VFMIG_ST_BUF bytes)
 * @rxbuf: scratch for receiving frames (VFMIG_ST_BUF bytes)
 */
struct vfmig_st_world {
	struct vfmig_st_world_cfg cfg;
	u64 now;
	struct vfmig_st_host host[VFMIG_ST_MAX_HOST];
	u32 nhost;
	struct vfmig_st_vm vm[VFMIG_ST_MAX_VM];
	u32 nvm;
	void (*dma_record)(void *ctx, struct vfmig_st_vm *vm, u64 iova, u32 len,
			   enum vfmig_model_engine e);
	void *dma_ctx;
	u8 *frame;
	u8 *rxbuf;
};

/* VFMIG_ST_RAM of guest RAM, the driver's block at VFMIG_ST_GPA, vfdevs. */
void vfmig_st_world_cfg_default(struct vfmig_st_world_cfg *c);
/*
 * A world with no host and no VM, the clock at 1 ms, its VMs made as @cfg
 * says (NULL: the default); NULL on -ENOMEM.
 */
struct vfmig_st_world *vfmig_st_world_new(const struct vfmig_st_world_cfg *cfg);
/* Frees every VM (vfdev, VF attachment, RAM) and host. NULL is ignored. */
void vfmig_st_world_free(struct vfmig_st_world *w);

/*
 * The model configuration of the next host of @w: the model's default with
 * @queues queue pairs and @msix vectors per VF, device 0x154c and a port MAC
 * distinct per host.
 */
void vfmig_st_host_cfg_default(struct vfmig_st_world *w,
			       struct vfmig_model_cfg *c, u16 queues, u16 msix);
/* A model PF configured by @c, with its PF agent; NULL on failure. */
struct vfmig_st_host *vfmig_st_host_add(struct vfmig_st_world *w,
					const struct vfmig_model_cfg *c);
/* A host with vfmig_st_host_cfg_default()'s configuration. */
struct vfmig_st_host *vfmig_st_host_new(struct vfmig_st_world *w, u16 queues,
					u16 msix);

/* @queues queue pairs, 128-descriptor rings, 2 KiB RX buffers, interrupts. */
void vfmig_st_gcfg_default(struct vfmig_guest_cfg *c, u16 queues);

/*
 * A VM on @h's VF @vf with zeroed guest RAM and, unless the world has
 * none, a vfdev; the guest driver is started (vCPU running) when @gcfg is
 * given. NULL on failure.
 */
struct vfmig_st_vm *vfmig_st_vm_new(struct vfmig_st_world *w,
				    struct vfmig_st_host *h, u16 vf,
				    const struct vfmig_guest_cfg *gcfg);

/*
 * One step: the clock advances 1 us (or to the latest model clock), every
 * PF is polled, latched vectors pass through the vfdevs, and every VM whose
 * vCPU runs gets its released interrupts and one guest poll.
 */
void vfmig_st_step(struct vfmig_st_world *w);
void vfmig_st_run(struct vfmig_st_world *w, u32 steps);
/* Step until @vm's guest driver is RUNNING (its MAC then in vm->mac). */
bool vfmig_st_until_running(struct vfmig_st_world *w, struct vfmig_st_vm *vm,
			    u32 max_steps);
/*
 * A new host (4 queue pairs and 5 vectors per VF) with a guest of @queues
 * queue pairs running on its VF 0; the host in @*hp (if @hp). NULL on
 * failure.
 */
struct vfmig_st_vm *vfmig_st_running_vm_new(struct vfmig_st_world *w,
					    u16 queues,
					    struct vfmig_st_host **hp);

/* BIT(q) of @h's VF @vf queues whose QENA_STAT is set. */
u32 vfmig_st_enabled_mask(struct vfmig_st_host *h, u16 vf, bool rx);

/* The guest driver's regions (vfmig_guest_regions()); count or -errno. */
int vfmig_st_regions(struct vfmig_st_vm *vm, struct vfmig_guest_region *r,
		     u32 max);

/* ---- What the PF sees of a VF ---------------------------------------------------- */

/* Registers a view holds: interrupt, mailbox and tail registers. */
#define VFMIG_ST_VIEW_NREGS	24
extern const u32 vfmig_st_view_regs[VFMIG_ST_VIEW_NREGS];

/**
 * struct vfmig_st_view - everything the PF can see of a VF
 * @st: the PF host's state of the VF
 * @tx: TX queue contexts, for the VF's queue pairs (the rest zero)
 * @rx: RX queue contexts, likewise
 * @txon: BIT(q) of the TX queues enabled
 * @rxon: BIT(q) of the RX queues enabled
 * @regs: the values of vfmig_st_view_regs[]
 */
struct vfmig_st_view {
	struct vfmig_pf_vf_state st;
	struct vfmig_hmc_txq tx[VFMIG_MAX_QUEUE_PAIRS];
	struct vfmig_hmc_rxq rx[VFMIG_MAX_QUEUE_PAIRS];
	u32 txon;
	u32 rxon;
	u32 regs[VFMIG_ST_VIEW_NREGS];
};

/* Take the view of @h's VF @vf into @v: 0 or the first error. */
int vfmig_st_view_take(struct vfmig_st_host *h, u16 vf,
		       struct vfmig_st_view *v);

/* vfmig_st_view_equal() flags */
#define VFMIG_ST_VIEW_MOVED	BIT(0)	/* another PF: its VSI id, TX rdylist */
#define VFMIG_ST_VIEW_ANY_VIRTCHNL BIT(1) /* the virtchnl major may differ */

/* Everything @a shows equals @b, but for what @flags allows. */
bool vfmig_st_view_equal(const struct vfmig_st_view *a,
			 const struct vfmig_st_view *b, u32 flags);
/* The same CONFIG records (the VSI id ignored if @ignore_vsi_id). */
bool vfmig_st_config_equal(const struct vfmig_dev_config *a,
			   const struct vfmig_dev_config *b, bool ignore_vsi_id);

/* ---- Device-state streams -------------------------------------------------------- */

/**
 * struct vfmig_st_sbuf - a device-state stream kept in memory
 * @b: the bytes
 * @len: bytes in @b
 * @cap: room in @b
 * @initial: bytes read during pre-copy
 */
struct vfmig_st_sbuf {
	u8 *b;
	u32 len;
	u32 cap;
	u32 initial;
};

int vfmig_st_sbuf_init(struct vfmig_st_sbuf *s, u32 cap);
void vfmig_st_sbuf_free(struct vfmig_st_sbuf *s);

/* Deterministic PRNG (xorshift64*): the next number of @seed's sequence. */
u32 vfmig_st_rand(u64 *seed);

/*
 * Read @v's save stream into @s in random sizes (1 byte .. 3000) until
 * "nothing more": bytes read, or -errno (-ENOSPC when @s is full).
 */
long vfmig_st_save_drain(struct vfmig_vfdev *v, struct vfmig_st_sbuf *s,
			 bool *eof, u64 *seed);
/* Write @len bytes to @v's resume stream in random sizes: @len, or -errno. */
long vfmig_st_resume_feed(struct vfmig_vfdev *v, const u8 *b, u32 len,
			  u64 *seed);

/* ---- Test frames (the format: world_inline.h) ------------------------------------ */

/* True if @f is an intact test frame of exactly @len bytes; its ids out. */
bool vfmig_st_frame_check(const u8 *f, u32 len, u32 *stream, u32 *seq);
/* The length the helpers below give frame @seq of @stream. */
u32 vfmig_st_frame_len(u32 stream, u32 seq);

/* The MAC of the wire-side peer that test frames from and to a port use. */
extern const u8 vfmig_st_peer_mac[6];

/* @vm's guest sends frame @seq of @stream to @dst on queue @q: 0 or -errno. */
int vfmig_st_xmit(struct vfmig_st_vm *vm, u16 q, const u8 *dst, u32 stream,
		  u32 seq);
/* The same with a length of @len bytes. */
int vfmig_st_xmit_len(struct vfmig_st_vm *vm, u16 q, const u8 *dst,
		      u32 stream, u32 seq, u32 len);
/* Frame @seq of @stream from the peer arrives on @h's port for @dst. */
int vfmig_st_port_inject(struct vfmig_st_world *w, struct vfmig_st_host *h,
			 const u8 *dst, u32 stream, u32 seq);
/* The same with a length of @len bytes. */
int vfmig_st_port_inject_len(struct vfmig_st_world *w, struct vfmig_st_host *h,
			     const u8 *dst, u32 stream, u32 seq, u32 len);

/*
 * Receive everything ready on @vm's queues (nothing while its vCPU is
 * stopped), handing each frame to @fn (@len < 0: a receive error, the rest
 * of that queue left); returns frames received.
 */
u32 vfmig_st_drain_each(struct vfmig_st_vm *vm,
			void (*fn)(void *ctx, const u8 *f, int len), void *ctx);
/*
 * Take every frame that left @h's port, handing each to @fn (@len < 0: one
 * longer than any test frame, left queued); returns frames taken.
 */
u32 vfmig_st_port_each(struct vfmig_st_world *w, struct vfmig_st_host *h,
		       void (*fn)(void *ctx, const u8 *f, int len), void *ctx);

/**
 * struct vfmig_st_tally - which frames of one stream arrived, how often
 * @count: per sequence number, saturating at 255
 * @n: sequence numbers tracked
 * @stream: the stream counted
 * @got: intact frames of @stream below @n
 * @bad: frames of @stream with a sequence number out of range; for the
 *	first tally of an array also every frame that is not intact or of no
 *	stream in the array, and receive errors
 */
struct vfmig_st_tally {
	u8 *count;
	u32 n;
	u32 stream;
	u32 got;
	u32 bad;
};

int vfmig_st_tally_init(struct vfmig_st_tally *t, u32 stream, u32 n);
void vfmig_st_tally_free(struct vfmig_st_tally *t);
/* Count frame @f in the tally of its stream among @t[0..@nt). */
void vfmig_st_tally_add(struct vfmig_st_tally *t, u32 nt, const u8 *f,
			u32 len);
/* Sequence numbers in [@from, @to) not seen exactly once. */
u32 vfmig_st_tally_not_once(const struct vfmig_st_tally *t, u32 from, u32 to);

/* vfmig_st_drain_each() into the tallies @t[0..@nt). */
u32 vfmig_st_drain(struct vfmig_st_vm *vm, struct vfmig_st_tally *t, u32 nt);
/* vfmig_st_port_each() into the tallies @t[0..@nt). */
u32 vfmig_st_port_collect(struct vfmig_st_world *w, struct vfmig_st_host *h,
			  struct vfmig_st_tally *t, u32 nt);

#endif /* VFMIG_SELFTEST_H */
