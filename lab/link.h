/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration link: a one-way message queue with a bandwidth and a
 * latency in virtual time, one per direction (source -> destination
 * stream, destination -> source return path, as QEMU's return path).
 *
 * A message occupies the link for (len + header) / bandwidth; it arrives
 * when its last byte has crossed plus the latency. The sender asks
 * lab_link_free_by() before queueing more, which is how the engine is
 * paced at --bandwidth. In the netns lab (issue 6) the same messages go
 * over TCP on a tc-shaped veth; only this file changes.
 */
#ifndef VFMIG_LAB_LINK_H
#define VFMIG_LAB_LINK_H

#include "lab.h"

#define LAB_MSG_HDR	24	/* wire bytes of a message header */

struct lab_msg {
	struct lab_msg *next;
	u32 type;
	u32 len;
	u64 arg;
	u64 arrive_ns;
	u8 data[];
};

struct lab_link {
	u64 bytes_per_sec;
	u64 latency_ns;
	u64 busy_until_ns;	/* when the last queued byte has left */
	struct lab_msg *head, *tail;
	u64 bytes;		/* payload + header bytes sent */
	u64 msgs;
};

void lab_link_init(struct lab_link *l, u64 bits_per_sec, u64 latency_ns);
/* Queue a message at @now; returns its arrival time. */
u64 lab_link_send(struct lab_link *l, u64 now, u32 type, u64 arg,
		  const void *data, u32 len);
/* Start a message whose payload the caller fills (len bytes at ->data). */
struct lab_msg *lab_link_alloc(u32 type, u64 arg, u32 len);
u64 lab_link_queue(struct lab_link *l, u64 now, struct lab_msg *m);
/* The next message that has arrived by @now (caller frees), or NULL. */
struct lab_msg *lab_link_recv(struct lab_link *l, u64 now);
/* Whether the link can take more at @now (it is idle by @now + @slack). */
bool lab_link_free_by(const struct lab_link *l, u64 now, u64 slack);
/* Wire time of @bytes at the link's bandwidth. */
u64 lab_link_time_ns(const struct lab_link *l, u64 bytes);
void lab_link_flush(struct lab_link *l);

#endif /* VFMIG_LAB_LINK_H */
