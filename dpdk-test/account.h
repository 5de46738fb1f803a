/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig-probe: the probe frame format and the receiver's accounting. No DPDK
 * in here: the rules (dpdk-test/README.md, "Counting rules") are plain C.
 */
#ifndef VFMIG_PROBE_ACCOUNT_H
#define VFMIG_PROBE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_MAGIC	0x504d4656u	/* "VFMP" little-endian */
#define PROBE_VERSION	1
#define PROBE_KIND_DATA	0
#define PROBE_KIND_END	1
#define PROBE_DIR_FWD	0	/* as the generator sent it */
#define PROBE_DIR_REFL	1	/* echoed by a reflector */

/* UDP payload, little-endian, followed by padding up to len bytes. */
struct probe_hdr {
	uint32_t magic;
	uint16_t version;
	uint8_t kind;
	uint8_t dir;
	uint32_t run_id;
	uint32_t rate_pps;
	uint64_t seq;		/* DATA: sequence; END: frames sent (0..seq-1) */
	uint64_t tx_ns;		/* CLOCK_REALTIME when the frame was built */
	uint64_t start_ns;	/* CLOCK_REALTIME at which seq 0 was due */
	uint32_t len;		/* payload bytes including this header */
	uint32_t csum;		/* FNV-1a 32 over len bytes with csum = 0 */
} __attribute__((packed));

#define PROBE_HDR_LEN	((uint32_t)sizeof(struct probe_hdr))

uint32_t probe_csum(const void *payload, uint32_t len);
/* Fill padding and checksum of a payload whose header fields are set. */
void probe_seal(void *payload, uint32_t len);

enum probe_verdict {
	PV_DATA,		/* one of ours, DATA */
	PV_END,			/* one of ours, END */
	PV_BAD_MAGIC,		/* too short, wrong magic, version or len */
	PV_BAD_CSUM,		/* magic fine, checksum or padding wrong */
};
enum probe_verdict probe_check(const void *payload, uint32_t avail);

/* Foreign classes (never counted as ours). */
enum foreign_class {
	F_NOT_UDP,	/* not Ethernet/IPv4/UDP, bad IP header or checksum */
	F_OTHER_PORT,	/* UDP to another destination port */
	F_MALFORMED,	/* our port, but no probe header / bad length */
	F_BAD_CSUM,	/* probe header, checksum or padding wrong */
	F_OTHER_RUN,	/* a valid probe frame of another run id */
	F_WRONG_DIR,	/* a valid probe frame in the other direction */
	F_NCLASS
};
extern const char *const foreign_names[F_NCLASS];

/*
 * Arrival gaps of at least acct_gap_min_ns() - ACCT_GAP_MIN_NS or two frame
 * intervals, whichever is longer - are all kept (the longest
 * ACCT_MAX_GAPS if there are more), so that a report can pick the one
 * spanning a given instant - the switchover - rather than only the longest,
 * which may be a pre-copy stall.
 */
#define ACCT_MAX_GAPS		64
#define ACCT_GAP_MIN_NS		1000000ull

struct acct_gap {
	uint64_t from_ns, to_ns;	/* arrivals on either side */
	uint64_t from_seq, to_seq;
};

struct acct {
	/* run identity: fixed by --run-id or by the first valid frame */
	bool run_locked;
	uint32_t run_id;
	uint32_t rate_pps;
	uint64_t start_ns;

	uint8_t *seen;		/* bitmap of sequence numbers received */
	uint64_t seen_bits;	/* capacity of the bitmap */
	bool any;
	uint64_t max_seq;	/* highest sequence received */

	uint64_t arrivals;	/* DATA frames of ours, every copy */
	uint64_t unique;	/* distinct sequence numbers */
	uint64_t duplicated;	/* arrivals of a sequence already seen */
	uint64_t reordered;	/* first arrivals below max_seq */
	uint64_t out_of_range;	/* seq >= END's count (impossible: kept apart) */
	uint64_t end_frames;
	bool total_known;
	uint64_t total_sent;

	/* arrival gaps between consecutive frames of ours */
	uint64_t first_rx_ns, last_rx_ns, last_rx_seq;
	uint64_t gap_ns, gap_from_ns, gap_to_ns, gap_from_seq, gap_to_seq;
	struct acct_gap gaps[ACCT_MAX_GAPS];	/* in arrival order */
	unsigned int ngaps;
	uint64_t gaps_dropped;	/* shorter ones pushed out of a full list */

	/* one-way transit (rx realtime - tx realtime), same-host meaningful */
	int64_t transit_min, transit_max;
	double transit_sum;

	uint64_t foreign[F_NCLASS];
};

int acct_init(struct acct *a, uint64_t initial_bits);
void acct_free(struct acct *a);
/* Lock onto run_id (0: lock onto the first valid frame). */
void acct_set_run(struct acct *a, uint32_t run_id);
/*
 * One valid probe payload (probe_check gave PV_DATA or PV_END) of the wanted
 * direction arrived at rx_ns. Returns false if it was not ours (other run:
 * counted foreign), -1 on allocation failure.
 */
int acct_frame(struct acct *a, const struct probe_hdr *h, uint64_t rx_ns);
void acct_foreign(struct acct *a, enum foreign_class c);
uint64_t acct_foreign_total(const struct acct *a);
/*
 * The kept gap that overlaps [from_ns, to_ns] the most (a point: from == to),
 * or NULL when none does.
 */
uint64_t acct_gap_min_ns(const struct acct *a);
const struct acct_gap *acct_gap_spanning(const struct acct *a, uint64_t from_ns,
					 uint64_t to_ns);

struct acct_result {
	uint64_t sent;		/* END's count, else --expect, else max_seq+1 */
	const char *sent_from;	/* "end-frame", "expect", "highest-seq", "none" */
	uint64_t received, lost, tail_lost, head_lost;
	uint64_t loss_run, loss_run_first;	/* longest run of lost seqs */
	uint64_t bin_frames;	/* frames per 100 ms bin: rate/10 */
	uint64_t nbins;
	uint64_t *bin_lost;	/* malloc'd, nbins entries */
};
/* expect: sent count known by other means (0: unknown). */
int acct_finish(const struct acct *a, uint64_t expect, struct acct_result *r);
void acct_result_free(struct acct_result *r);

#endif
