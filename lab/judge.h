/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device-page judge: was every page the device wrote by DMA after its
 * first copy left named by a device dirty report at or after that write?
 *
 * Everything it needs happens on the source: the model's DMA recorder (the
 * ground truth), the pages the engine sends, the tracker's reports. Events
 * are numbered in the order they happen; a page is missed when its last
 * device write comes after its first send and after the last report naming
 * it (a guest CPU write to the same page could have hidden the loss from a
 * RAM comparison; not from this judge). Used by the in-process lab and by
 * the source host of the netns lab.
 */
#ifndef VFMIG_LAB_JUDGE_H
#define VFMIG_LAB_JUDGE_H

#include "lab.h"

struct lab_judge {
	bool recording;		/* device writes are recorded (log start..stop) */
	u64 npages;
	u64 ev;			/* event counter */
	u64 *last_dma_ev, *first_send_ev, *last_rep_ev;
	u64 *ever_written, *ever_reported;
	u64 dma_writes;
	bool judged;
	u64 missed, first_missed;
};

void lab_judge_init(struct lab_judge *j, u64 npages);
void lab_judge_free(struct lab_judge *j);
/* The model wrote [iova, iova + len) (ignored unless recording). */
void lab_judge_dma(struct lab_judge *j, u64 iova, u32 len);
/* The engine sent page @pfn. */
void lab_judge_sent(struct lab_judge *j, u64 pfn);
/* A device dirty report named the pages set in @bm. */
void lab_judge_report(struct lab_judge *j, const u64 *bm, u64 npages);
/* Every page is sent: count the missed ones (missed, first_missed). */
void lab_judge_finish(struct lab_judge *j);
/* Distinct pages the device wrote / the tracker reported. */
u64 lab_judge_true_pages(const struct lab_judge *j);
u64 lab_judge_reported_pages(const struct lab_judge *j);

#endif /* VFMIG_LAB_JUDGE_H */
