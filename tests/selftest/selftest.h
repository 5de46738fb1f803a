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
 * The world (world.c): a portable version of tests/hostfix.h. A host is an
 * X710 model PF with a PF agent and its in-process transport. A VM is guest
 * RAM allocated through osdep (IOVA == guest physical address, bounds
 * checked) with one model VF attached, the guest AVF driver's block at
 * VFMIG_ST_GPA and a struct vfmig_vfdev on the VF: the guest's accesses to
 * the trapped BAR0 pages go through mediation, the rest straight to the
 * model, and the vfdev decides which interrupts reach the guest. The world
 * is stepped in virtual time by vfmig_st_step(); nothing sleeps or waits.
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

#define VFMIG_ST_MAX_HOST	2
#define VFMIG_ST_MAX_VM		4
/* Guest RAM per VM, and where the guest driver's block starts in it. */
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
 * @vcpu: the guest driver runs (gets interrupts and polls) in each step;
 *	interrupts raised while it is stopped are held until it runs again
 * @irq_latched: vectors the model raised since the last step
 * @irq_ready: vectors released by the vfdev, not yet given to the guest
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
 * struct vfmig_st_world - hosts, VMs and the virtual clock
 * @now: virtual time, ns
 * @dma_record: optional, sees every DMA write the model made into any VM's
 *	RAM (called under that PF's lock: it must not call into the model)
 * @dma_ctx: passed to @dma_record
 * @frame: scratch for building frames (VFMIG_ST_BUF bytes)
 * @rxbuf: scratch for receiving frames (VFMIG_ST_BUF bytes)
 */
struct vfmig_st_world {
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

/* A world with no host and no VM, the clock at 1 ms; NULL on -ENOMEM. */
struct vfmig_st_world *vfmig_st_world_new(void);
/* Frees every VM (vfdev, VF attachment, RAM) and host. NULL is ignored. */
void vfmig_st_world_free(struct vfmig_st_world *w);

/*
 * A model PF (device 0x154c, @queues queue pairs and @msix vectors per VF,
 * a port MAC distinct per host) with its PF agent; NULL on failure.
 */
struct vfmig_st_host *vfmig_st_host_new(struct vfmig_st_world *w, u16 queues,
					u16 msix);

/* @queues queue pairs, 128-descriptor rings, 2 KiB RX buffers, interrupts. */
void vfmig_st_gcfg_default(struct vfmig_guest_cfg *c, u16 queues);

/*
 * A VM on @h's VF @vf with VFMIG_ST_RAM of zeroed guest RAM and a vfdev;
 * the guest driver is started (vCPU running) when @gcfg is given. NULL on
 * failure.
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

/* BIT(q) of @h's VF @vf queues whose QENA_STAT is set. */
u32 vfmig_st_enabled_mask(struct vfmig_st_host *h, u16 vf, bool rx);

/* The guest driver's regions (vfmig_guest_regions()); count or -errno. */
int vfmig_st_regions(struct vfmig_st_vm *vm, struct vfmig_guest_region *r,
		     u32 max);

/* ---- Test frames ---------------------------------------------------------------- */

/*
 * A test frame: Ethernet header (ethertype 0x88B5, IEEE local experimental),
 * "VFMG", sequence number, stream id, frame length, a payload that is a
 * function of (seq, stream, offset), CRC32C of everything before it in the
 * last four bytes. Lengths VFMIG_ST_FRAME_MIN..VFMIG_ST_FRAME_MAX.
 */
void vfmig_st_frame_make(u8 *f, u32 len, const u8 *dst, const u8 *src,
			 u32 stream, u32 seq);
/* True if @f is an intact test frame of exactly @len bytes; its ids out. */
bool vfmig_st_frame_check(const u8 *f, u32 len, u32 *stream, u32 *seq);
/* The length the helpers below give frame @seq of @stream. */
u32 vfmig_st_frame_len(u32 stream, u32 seq);

/* The MAC of the wire-side peer that test frames from and to a port use. */
extern const u8 vfmig_st_peer_mac[6];

/* @vm's guest sends frame @seq of @stream to @dst on queue @q: 0 or -errno. */
int vfmig_st_xmit(struct vfmig_st_vm *vm, u16 q, const u8 *dst, u32 stream,
		  u32 seq);
/* Frame @seq of @stream from the peer arrives on @h's port for @dst. */
int vfmig_st_port_inject(struct vfmig_st_world *w, struct vfmig_st_host *h,
			 const u8 *dst, u32 stream, u32 seq);

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

/*
 * Receive everything ready on @vm's queues into the tallies @t[0..@nt)
 * (nothing while its vCPU is stopped); returns frames received.
 */
u32 vfmig_st_drain(struct vfmig_st_vm *vm, struct vfmig_st_tally *t, u32 nt);
/* Take every frame that left @h's port into @t[0..@nt); returns how many. */
u32 vfmig_st_port_collect(struct vfmig_st_world *w, struct vfmig_st_host *h,
			  struct vfmig_st_tally *t, u32 nt);

#endif /* VFMIG_SELFTEST_H */
