/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The wire: a MAC-learning switch between the hosts' ports and the peer.
 *
 * Frames are delivered at once, in the order they are offered (the
 * simulation stays deterministic). Learning: a frame entering on port P
 * teaches "its source MAC lives behind P"; unicast to a learned MAC goes to
 * that port only, anything else floods to every other port. This is what
 * the fabric bridge of the netns lab (issue 6) does in the kernel; a guest
 * that moved announces itself (RARP) and the switch relearns at once.
 */
#ifndef VFMIG_LAB_FABRIC_H
#define VFMIG_LAB_FABRIC_H

#include "lab.h"

#define LAB_FABRIC_MAX_PORTS	8
#define LAB_FABRIC_MAX_MACS	256

typedef void (*lab_port_rx_fn)(void *ctx, const u8 *frame, u32 len);

struct lab_fabric_port {
	char name[16];
	lab_port_rx_fn rx;	/* frame leaving the switch through this port */
	void *ctx;
	u64 frames_in;
	u64 frames_out;
};

struct lab_fabric_mac {
	u8 mac[6];
	int port;
	u64 learned_ns;		/* when it (last) moved to @port */
	u32 moves;
};

struct lab_fabric {
	struct lab_fabric_port port[LAB_FABRIC_MAX_PORTS];
	int nports;
	struct lab_fabric_mac mac[LAB_FABRIC_MAX_MACS];
	int nmacs;
	u64 flooded;
	u64 now;		/* time of the current step, for learned_ns */
	u32 corrupt_every;	/* negative control: flip a bit in every Nth frame */
	u64 corrupted;
};

int lab_fabric_add_port(struct lab_fabric *f, const char *name,
			lab_port_rx_fn rx, void *ctx);
/* A frame entering the switch through @port. */
void lab_fabric_input(struct lab_fabric *f, int port, const u8 *frame, u32 len);
/* Where @mac was learned (-1: unknown); @since: when it got there. */
int lab_fabric_lookup(const struct lab_fabric *f, const u8 *mac, u64 *since);

#endif /* VFMIG_LAB_FABRIC_H */
