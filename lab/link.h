/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The migration link: a one-way message queue with a bandwidth and a
 * latency in virtual time, one per direction (source -> destination
 * stream, destination -> source return path, as QEMU's return path).
 *
 * A message occupies the link for (len + header) / bandwidth; it arrives
 * when its last byte has crossed plus the latency. The sender asks
 * lab_link_free_by() before queueing more, which is how the engine is
 * paced at --bandwidth.
 *
 * The netns lab (issue 6) puts the two halves of the engine in two
 * processes: there a link is one TCP connection (both directions: the
 * stream and its return path are the same struct) on a tc-shaped veth.
 * Messages are framed with a 24-byte header; the same pacing applies (the
 * bandwidth is then QEMU's max-bandwidth), plus the socket's own
 * backpressure, and lab_link_rate() is the bandwidth measured since it was
 * last asked (the engine asks at the end of each round: QEMU's
 * per-iteration estimate, transferred bytes / time spent). A connection that
 * breaks yields one message of the caller's "broken" type carrying the
 * reason, so the engine cancels as it would on a refusal.
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

	/* TCP (the netns lab); fd < 0 for the virtual link */
	int fd;
	u32 broken_type;	/* type of the message that reports a break */
	bool broken;		/* the connection failed or was closed */
	bool broken_told;	/* the break message was handed out */
	char why[160];		/* why it broke */
	u8 *tx, *rx;
	size_t txlen, txoff, txcap, rxlen, rxoff, rxcap;
	u64 bytes_in;		/* bytes received */
	u64 est_Bps;		/* last measured bandwidth (0: none yet) */
	u64 sent;		/* bytes handed to the kernel */
	u64 meas_t0, meas_sent0;	/* the current measurement window */
	/*
	 * TCP: bytes the engine may queue per step of the host's loop (0: no
	 * limit), so that one thread shares its time between the vCPU and the
	 * migration as two threads on two CPUs would (lab_link_step()).
	 */
	u64 step_cap, step_left;
};

#define LAB_LINK_TX_HIGH	(256u << 10)	/* more pending: not free */
#define LAB_LINK_MAX_MSG	(64u << 20)	/* the RAM hashes of a 16 GiB guest: 32 MiB */

void lab_link_init(struct lab_link *l, u64 bits_per_sec, u64 latency_ns);
/*
 * A link over connected TCP socket @fd (made non-blocking; the link owns
 * it), paced at @bits_per_sec; a break is reported as one message of type
 * @broken_type with arg 2 and the reason as data.
 */
void lab_link_init_tcp(struct lab_link *l, int fd, u64 bits_per_sec,
		       u32 broken_type);
/* TCP: write what is pending, read what has arrived. Bytes moved. */
u64 lab_link_pump(struct lab_link *l, u64 now);
/* TCP: bytes queued but not yet handed to the kernel. */
size_t lab_link_tx_pending(const struct lab_link *l);
/*
 * The bandwidth the engine should plan with, bytes per second: the virtual
 * link's; for TCP what went out since the last call (at most the pacing
 * rate), and a new window starts.
 */
u64 lab_link_rate(struct lab_link *l, u64 now);
/* A new step of the caller's loop: the per-step budget is full again. */
void lab_link_step(struct lab_link *l);
/* Close the TCP connection (the virtual link: flush). */
void lab_link_close(struct lab_link *l);
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
