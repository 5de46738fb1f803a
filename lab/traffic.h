/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traffic: sequence-numbered, checksummed frames between the guest and a
 * peer on the wire, and the two ends that make and judge them.
 *
 * A frame is Ethernet + IPv4 + UDP (addresses in 198.18.0.0/15, the
 * benchmarking range; the UDP source port varies with the flow so RSS
 * spreads frames over the guest's queues) + a payload: magic "VFMG",
 * direction, flow, sequence number, frame length, fill bytes that are a
 * function of (sequence, direction, offset), and a CRC32C of everything
 * before it. Any bit flipped, any byte lost or a frame cut short is seen.
 *
 * The guest end ("app") is guest code: its state lives in guest RAM (so it
 * migrates with the VM) and it touches RAM only through the vCPU view. The
 * peer is outside the VM and keeps its books in host memory.
 */
#ifndef VFMIG_LAB_TRAFFIC_H
#define VFMIG_LAB_TRAFFIC_H

#include <vfmig/guest.h>
#include "lab.h"
#include "fabric.h"

#define LAB_DIR_TX		'T'	/* guest -> peer */
#define LAB_DIR_RX		'R'	/* peer -> guest */
#define LAB_FRAME_MIN		66
#define LAB_FRAME_MAX		1514
#define LAB_FRAME_BUF		2048
#define LAB_NFLOWS		64

enum lab_frame_verdict {
	LAB_FRAME_OK,
	LAB_FRAME_OTHER,	/* not a test frame (announce, stray) */
	LAB_FRAME_CORRUPT,	/* a test frame that does not check out */
};

/* Frame lengths depend on the run's seed (both ends use the same). */
void lab_traffic_set_salt(u64 salt);
/* Length of frame @seq in direction @dir (deterministic). */
u32 lab_frame_len(u64 seq, u8 dir);
void lab_frame_build(u8 *f, u32 len, const u8 *dst, const u8 *src, u32 sip,
		     u32 dip, u8 dir, u64 seq);
enum lab_frame_verdict lab_frame_check(const u8 *f, u32 len, u8 dir, u64 *seq);
/* A RARP request announcing @mac (what QEMU's announce sends). */
u32 lab_frame_rarp(u8 *f, const u8 *mac);

/* ---- the guest application ------------------------------------------------ */

/* Guest physical layout of the app (below the driver block at 1 MiB). */
#define LAB_APP_GPA		0x10000ULL
#define LAB_APP_FRAME_GPA	(LAB_APP_GPA + 0x1000)
#define LAB_APP_MAGIC		0x70706167696d6676ULL	/* "vfmigapp" */

struct lab_app_cfg {
	u64 tx_pps;		/* 0: no TX traffic */
	u64 tx_start_ns;
	u64 tx_stop_ns;
	u64 dirty_pps;		/* guest CPU page writes per second */
	u64 work_first_page;	/* pages the workload dirties */
	u64 work_pages;
	u64 seed;
	u8 mac[6];
	u8 peer_mac[6];
	u32 ip;
	u32 peer_ip;
	/*
	 * Direction of the test frames it expects to receive: 0 (or
	 * LAB_DIR_RX) the peer's; LAB_DIR_TX its own, back from a reflector
	 * on the wire (the kernel lab).
	 */
	u8 rx_dir;
};

/*
 * Everything the app keeps, in guest RAM at LAB_APP_GPA. Host code reads it
 * (lab_app_read) only to report; it never writes it except to post an
 * announce request after a migration (as virtio-net's ANNOUNCE status
 * would, lab_app_request_announce).
 */
struct lab_app_state {
	u64 magic;
	struct lab_app_cfg cfg;
	u64 tx_seq;		/* next sequence number to queue */
	u64 tx_next_ns;		/* rate limiter */
	u64 tx_busy;		/* xmit refused (ring full), retried later */
	u64 rx_frames;		/* intact test frames received */
	u64 rx_corrupt;
	u64 rx_other;
	u64 rx_seq_sum;		/* sum of received sequence numbers */
	u64 rng;
	u64 dirty_next_ns;
	u64 dirty_writes;
	u64 announce_left;
	u64 announce_next_ns;
	u64 announces;
};

/* What the lab sees of the app's receive path (a probe, not guest state). */
typedef void (*lab_app_rx_probe)(void *ctx, u64 seq, enum lab_frame_verdict v);

int lab_app_init(const struct vfmig_guest_env *env, const struct lab_app_cfg *cfg);
/*
 * One run of the app on its vCPU: receive everything ready on every queue,
 * queue the TX frames that are due, send pending announces, dirty memory.
 */
void lab_app_run(const struct vfmig_guest_env *env, u64 drv_gpa, u16 nq,
		 lab_app_rx_probe probe, void *probe_ctx);
void lab_app_read(const struct vfmig_guest_env *env, struct lab_app_state *st);
void lab_app_request_announce(u8 *ram_cpu, u32 count, u64 now);

/* ---- the peer ------------------------------------------------------------- */

struct lab_peer {
	u8 mac[6];
	u8 guest_mac[6];
	u32 ip;
	u32 guest_ip;
	int port;
	struct lab_fabric *fab;
	/* sending (RX direction, peer -> guest) */
	u64 rate_pps;
	u64 start_ns;
	u64 stop_ns;
	u64 tx_seq;			/* frames sent so far */
	struct lab_u64s sent_ns;	/* when each was sent */
	/* receiving (TX direction, guest -> peer) */
	struct lab_counts seen;		/* per guest TX sequence number */
	u64 rx_frames;
	u64 rx_corrupt;
	u64 rx_other;
	u64 rx_dups;
	u64 last_rx_ns;
	u8 buf[LAB_FRAME_BUF];
};

void lab_peer_init(struct lab_peer *p, struct lab_fabric *fab, int port);
/* Send every frame due by @now (at most @max_burst). */
void lab_peer_tick(struct lab_peer *p, u64 now, u32 max_burst);
/* fabric port rx callback (ctx: the peer) */
void lab_peer_rx(void *ctx, const u8 *frame, u32 len);

#endif /* VFMIG_LAB_TRAFFIC_H */
