/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's netdev in the netns lab: what the network stack of a VM sees
 * of its iavf interface. The stack itself is the kernel of the `vm` network
 * namespace (iperf3 -c runs there); its interface is a TAP. This code runs
 * on the vCPU after the guest AVF driver, as the driver's netdev half:
 * frames the stack sends (read from the TAP) are queued on the VF with
 * vfmig_guest_xmit(), one TX queue per flow as iavf's queue selection
 * does; frames the VF received (vfmig_guest_recv()) are handed to the
 * stack (written to the TAP).
 *
 * Its state is in guest RAM at LAB_APP_GPA (the in-process lab's app is
 * not there in this lab): counters, the frame the ring had no room for
 * (kept in guest RAM so it migrates and goes out at the destination), and
 * the announce schedule. After a migration the destination posts an
 * announce request, as QEMU's announce does (and virtio's GUEST_ANNOUNCE
 * makes a guest do): the netdev sends a RARP (QEMU's self-announce frame)
 * and a gratuitous ARP for its address, 5 rounds at QEMU's default
 * timing (50 ms, then 100 ms more each time, at most 550 ms apart), so the
 * fabric's bridge relearns the guest's MAC behind the destination port.
 *
 * The TAP file is host state, outside guest RAM: each host has its own
 * queue of the same multi-queue TAP.
 */
#ifndef VFMIG_LAB_NETDEV_H
#define VFMIG_LAB_NETDEV_H

#include "vm.h"

#define LAB_ND_MAGIC		0x30646e67696d6676ULL	/* "vfmignd0" */
#define LAB_ND_FRAME_GPA	(LAB_APP_GPA + 0x1000)	/* pending frame */
#define LAB_ND_FRAME_MAX	9728u			/* the driver's largest */

struct lab_netdev_state {
	u64 magic;
	u8 mac[6];
	u16 pending_q;
	u32 ip;			/* IPv4 address, for the gratuitous ARP */
	u32 pending_len;	/* frame at LAB_ND_FRAME_GPA waiting for room */
	u64 tx_frames;		/* frames from the stack queued on the VF */
	u64 tx_bytes;
	u64 tx_busy;		/* ring full: frame kept for later */
	u64 tx_errors;		/* frames the driver refused */
	u64 rx_frames;		/* frames from the VF handed to the stack */
	u64 rx_bytes;
	u64 rx_drops;		/* the stack did not take them */
	u64 announce_left;
	u64 announce_next_ns;
	u64 announces;		/* rounds sent */
};

/* Host side: this host's queue of the guest's TAP. */
struct lab_netdev_io {
	int tap_fd;
	bool attached;		/* the queue is enabled */
	u32 budget;		/* frames per direction per vCPU slice */
	u64 work;		/* frames moved (for the caller's idle test) */
	u64 tap_read_errors, tap_write_errors;
	u8 buf[16384];
};

/* Lay out the state in guest RAM (the driver is up: @mac is its MAC). */
int lab_netdev_init(const struct vfmig_guest_env *env, const u8 mac[6], u32 ip);
/* vm->app_run: one slice (ctx: struct lab_netdev_io). */
void lab_netdev_run(struct lab_vm *vm, u64 now, void *ctx);
void lab_netdev_read(const struct vfmig_guest_env *env, struct lab_netdev_state *st);
/* Post an announce request (QEMU's announce after a migration). */
void lab_netdev_request_announce(u8 *ram_cpu, u32 rounds, u64 now);

#endif /* VFMIG_LAB_NETDEV_H */
