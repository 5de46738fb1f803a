// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-probe accounting: the counting rules of dpdk-test/README.md.
 */
#include "account.h"

#include <stdlib.h>
#include <string.h>

const char *const foreign_names[F_NCLASS] = {
	[F_NOT_UDP] = "not_udp",
	[F_OTHER_PORT] = "other_port",
	[F_MALFORMED] = "malformed",
	[F_BAD_CSUM] = "bad_checksum",
	[F_OTHER_RUN] = "other_run",
	[F_WRONG_DIR] = "wrong_direction",
};

uint32_t probe_csum(const void *payload, uint32_t len)
{
	const uint8_t *p = payload;
	uint32_t h = 2166136261u;
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint8_t b = p[i];

		/* the csum field itself counts as zero */
		if (i >= offsetof(struct probe_hdr, csum) &&
		    i < offsetof(struct probe_hdr, csum) + 4)
			b = 0;
		h = (h ^ b) * 16777619u;
	}
	return h;
}

void probe_seal(void *payload, uint32_t len)
{
	struct probe_hdr *h = payload;
	uint8_t *p = payload;
	uint32_t i;

	for (i = PROBE_HDR_LEN; i < len; i++)
		p[i] = (uint8_t)(h->seq + i);
	h->len = len;
	h->csum = 0;
	h->csum = probe_csum(payload, len);
}

enum probe_verdict probe_check(const void *payload, uint32_t avail)
{
	struct probe_hdr h;

	if (avail < PROBE_HDR_LEN)
		return PV_BAD_MAGIC;
	memcpy(&h, payload, sizeof(h));
	if (h.magic != PROBE_MAGIC || h.version != PROBE_VERSION ||
	    h.len < PROBE_HDR_LEN || h.len > avail ||
	    (h.kind != PROBE_KIND_DATA && h.kind != PROBE_KIND_END) ||
	    h.dir > PROBE_DIR_REFL)
		return PV_BAD_MAGIC;
	if (probe_csum(payload, h.len) != h.csum)
		return PV_BAD_CSUM;
	return h.kind == PROBE_KIND_END ? PV_END : PV_DATA;
}

int acct_init(struct acct *a, uint64_t initial_bits)
{
	memset(a, 0, sizeof(*a));
	if (initial_bits < 4096)
		initial_bits = 4096;
	a->seen_bits = (initial_bits + 63) & ~(uint64_t)63;
	a->seen = calloc(a->seen_bits / 8, 1);
	a->transit_min = INT64_MAX;
	a->transit_max = INT64_MIN;
	return a->seen ? 0 : -1;
}

void acct_free(struct acct *a)
{
	free(a->seen);
	a->seen = NULL;
}

void acct_set_run(struct acct *a, uint32_t run_id)
{
	if (run_id) {
		a->run_id = run_id;
		a->run_locked = true;
	}
}

void acct_foreign(struct acct *a, enum foreign_class c)
{
	a->foreign[c]++;
}

uint64_t acct_foreign_total(const struct acct *a)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < F_NCLASS; i++)
		t += a->foreign[i];
	return t;
}

uint64_t acct_gap_min_ns(const struct acct *a)
{
	uint64_t two = a->rate_pps ? 2000000000ull / a->rate_pps : 0;

	return two > ACCT_GAP_MIN_NS ? two : ACCT_GAP_MIN_NS;
}

/* Keep @g; with a full list, push out the shortest if @g is longer. */
static void gap_keep(struct acct *a, const struct acct_gap *g)
{
	unsigned int i, shortest = 0;

	if (a->ngaps < ACCT_MAX_GAPS) {
		a->gaps[a->ngaps++] = *g;
		return;
	}
	a->gaps_dropped++;
	for (i = 1; i < a->ngaps; i++)
		if (a->gaps[i].to_ns - a->gaps[i].from_ns <
		    a->gaps[shortest].to_ns - a->gaps[shortest].from_ns)
			shortest = i;
	if (g->to_ns - g->from_ns <= a->gaps[shortest].to_ns - a->gaps[shortest].from_ns)
		return;
	/* keep arrival order: close the hole, append */
	memmove(&a->gaps[shortest], &a->gaps[shortest + 1],
		(a->ngaps - shortest - 1) * sizeof(a->gaps[0]));
	a->gaps[a->ngaps - 1] = *g;
}

const struct acct_gap *acct_gap_spanning(const struct acct *a, uint64_t from_ns,
					 uint64_t to_ns)
{
	const struct acct_gap *best = NULL;
	uint64_t best_ov = 0;
	unsigned int i;

	for (i = 0; i < a->ngaps; i++) {
		const struct acct_gap *g = &a->gaps[i];
		uint64_t lo = g->from_ns > from_ns ? g->from_ns : from_ns;
		uint64_t hi = g->to_ns < to_ns ? g->to_ns : to_ns;

		if (lo > hi)
			continue;
		if (!best || hi - lo > best_ov) {
			best = g;
			best_ov = hi - lo;
		}
	}
	return best;
}

/* The bitmap grows by doubling, up to 2^32 sequence numbers (512 MiB). */
static int grow(struct acct *a, uint64_t seq)
{
	uint64_t bits = a->seen_bits;
	uint8_t *n;

	while (bits <= seq) {
		if (bits >= ((uint64_t)1 << 32))
			return -1;
		bits *= 2;
	}
	n = realloc(a->seen, bits / 8);
	if (!n)
		return -1;
	memset(n + a->seen_bits / 8, 0, (bits - a->seen_bits) / 8);
	a->seen = n;
	a->seen_bits = bits;
	return 0;
}

int acct_frame(struct acct *a, const struct probe_hdr *h, uint64_t rx_ns)
{
	uint64_t seq = h->seq;
	int64_t transit;

	if (!a->run_locked) {
		a->run_id = h->run_id;
		a->run_locked = true;
	}
	if (h->run_id != a->run_id) {
		a->foreign[F_OTHER_RUN]++;
		return 0;
	}
	a->rate_pps = h->rate_pps;
	a->start_ns = h->start_ns;
	if (h->kind == PROBE_KIND_END) {
		a->end_frames++;
		a->total_known = true;
		a->total_sent = seq;
		return 1;
	}
	if (a->total_known && seq >= a->total_sent) {
		a->out_of_range++;
		return 1;
	}
	if (seq >= a->seen_bits && grow(a, seq))
		return -1;

	/* arrival gap: between consecutive DATA frames of ours, any copy */
	if (a->arrivals == 0) {
		a->first_rx_ns = rx_ns;
	} else if (rx_ns >= a->last_rx_ns) {
		struct acct_gap g = { a->last_rx_ns, rx_ns, a->last_rx_seq, seq };

		if (rx_ns - a->last_rx_ns > a->gap_ns) {
			a->gap_ns = rx_ns - a->last_rx_ns;
			a->gap_from_ns = g.from_ns;
			a->gap_to_ns = g.to_ns;
			a->gap_from_seq = g.from_seq;
			a->gap_to_seq = g.to_seq;
		}
		if (rx_ns - a->last_rx_ns >= acct_gap_min_ns(a))
			gap_keep(a, &g);
	}
	a->last_rx_ns = rx_ns;
	a->last_rx_seq = seq;
	a->arrivals++;

	transit = (int64_t)(rx_ns - h->tx_ns);
	if (transit < a->transit_min)
		a->transit_min = transit;
	if (transit > a->transit_max)
		a->transit_max = transit;
	a->transit_sum += (double)transit;

	if (a->seen[seq / 8] & (1u << (seq % 8))) {
		a->duplicated++;
		return 1;
	}
	a->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	a->unique++;
	if (a->any && seq < a->max_seq)
		a->reordered++;
	if (!a->any || seq > a->max_seq)
		a->max_seq = seq;
	a->any = true;
	return 1;
}

static bool seen(const struct acct *a, uint64_t seq)
{
	return seq < a->seen_bits && (a->seen[seq / 8] & (1u << (seq % 8)));
}

int acct_finish(const struct acct *a, uint64_t expect, struct acct_result *r)
{
	uint64_t s, run = 0, run_first = 0;

	memset(r, 0, sizeof(*r));
	if (a->total_known) {
		r->sent = a->total_sent;
		r->sent_from = "end-frame";
	} else if (expect) {
		r->sent = expect;
		r->sent_from = "expect";
	} else if (a->any) {
		r->sent = a->max_seq + 1;
		r->sent_from = "highest-seq";
	} else {
		r->sent_from = "none";
	}
	r->bin_frames = a->rate_pps >= 10 ? a->rate_pps / 10 : 1;
	r->nbins = (r->sent + r->bin_frames - 1) / r->bin_frames;
	r->bin_lost = calloc(r->nbins ? r->nbins : 1, sizeof(uint64_t));
	if (!r->bin_lost)
		return -1;
	for (s = 0; s < r->sent; s++) {
		if (seen(a, s)) {
			r->received++;
			run = 0;
			continue;
		}
		r->lost++;
		r->bin_lost[s / r->bin_frames]++;
		if (run++ == 0)
			run_first = s;
		if (run > r->loss_run) {
			r->loss_run = run;
			r->loss_run_first = run_first;
		}
	}
	/* head: lost before the first received sequence; tail: after the last */
	if (a->any) {
		for (s = 0; s < r->sent && !seen(a, s); s++)
			r->head_lost++;
		r->tail_lost = r->sent > a->max_seq + 1 ? r->sent - a->max_seq - 1 : 0;
	} else {
		r->tail_lost = r->sent;
	}
	return 0;
}

void acct_result_free(struct acct_result *r)
{
	free(r->bin_lost);
	r->bin_lost = NULL;
}
