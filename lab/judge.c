// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-page judge (judge.h).
 */
#include <stdlib.h>
#include "judge.h"

void lab_judge_init(struct lab_judge *j, u64 npages)
{
	memset(j, 0, sizeof(*j));
	j->npages = npages;
	j->last_dma_ev = lab_zalloc(npages * sizeof(u64));
	j->first_send_ev = lab_zalloc(npages * sizeof(u64));
	j->last_rep_ev = lab_zalloc(npages * sizeof(u64));
	j->ever_written = lab_zalloc(LAB_BM_WORDS(npages) * sizeof(u64));
	j->ever_reported = lab_zalloc(LAB_BM_WORDS(npages) * sizeof(u64));
}

void lab_judge_free(struct lab_judge *j)
{
	free(j->last_dma_ev);
	free(j->first_send_ev);
	free(j->last_rep_ev);
	free(j->ever_written);
	free(j->ever_reported);
	memset(j, 0, sizeof(*j));
}

void lab_judge_dma(struct lab_judge *j, u64 iova, u32 len)
{
	u64 p, last;

	if (!j->recording || !len)
		return;
	j->dma_writes++;
	j->ev++;
	last = (iova + len - 1) >> LAB_PAGE_SHIFT;
	for (p = iova >> LAB_PAGE_SHIFT; p <= last && p < j->npages; p++) {
		j->last_dma_ev[p] = j->ev;
		lab_bset(j->ever_written, p);
	}
}

void lab_judge_sent(struct lab_judge *j, u64 pfn)
{
	if (pfn < j->npages && !j->first_send_ev[pfn])
		j->first_send_ev[pfn] = ++j->ev;
}

void lab_judge_report(struct lab_judge *j, const u64 *bm, u64 npages)
{
	u64 e = ++j->ev, p;

	if (npages > j->npages)
		npages = j->npages;
	for (p = lab_bnext(bm, npages, 0); p < npages; p = lab_bnext(bm, npages, p + 1)) {
		j->last_rep_ev[p] = e;
		lab_bset(j->ever_reported, p);
	}
}

void lab_judge_finish(struct lab_judge *j)
{
	u64 p;

	j->recording = false;
	j->judged = true;
	j->missed = 0;
	j->first_missed = U64_MAX;
	for (p = 0; p < j->npages; p++) {
		u64 w = j->last_dma_ev[p];

		if (!w || w < j->first_send_ev[p] || w < j->last_rep_ev[p])
			continue;
		if (j->first_missed == U64_MAX)
			j->first_missed = p;
		j->missed++;
	}
}

u64 lab_judge_true_pages(const struct lab_judge *j)
{
	return lab_bweight(j->ever_written, j->npages);
}

u64 lab_judge_reported_pages(const struct lab_judge *j)
{
	return lab_bweight(j->ever_reported, j->npages);
}
