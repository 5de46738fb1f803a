// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of the software DMA dirty tracker (driver/core/dirty.c).
 *
 * The log covers [0, 2^48) with 4 KiB pages, as QEMU's ranges over the
 * 64-bit hole do. Reports go, like the kernel glue's, into a bitmap chunk of
 * 64 GiB of IOVA at a time (what one iova_bitmap mapping of 512 pages of
 * bitmap covers). Prints a table and one JSON line.
 *
 *   marks_per_s             2 KiB RX buffers at random 2 KiB slots of a
 *                           16 GiB guest
 *   marks_sparse_per_s      single pages at random over 2^48 bytes
 *   read_and_clear_gib_iova_per_s
 *     sparse                100k random pages over 2^48, read all of 2^48
 *     dense                 16 GiB fully marked, read those 16 GiB
 *   bytes_per_marked_page   sparse: 1M random pages over 2^48;
 *                           dense: 1 GiB contiguous
 *   empty_2e48_range_bytes  memory_bytes of the started, empty log
 */
#include <stdio.h>
#include <stdlib.h>
#include <vfmig/dirty.h>
#include "harness.h"

#define PG		4096ULL
#define SPAN		(1ULL << 48)
#define CHUNK		(64ULL << 30)		/* IOVA per bitmap chunk */
#define CHUNK_BITS	(CHUNK / PG)
#define GUEST		(16ULL << 30)

static u64 bitmap[CHUNK_BITS / 64];

static u64 mem_of(struct vfmig_dirty *d)
{
	struct vfmig_dirty_stats st;

	vfmig_dirty_get_stats(d, &st);
	return st.memory_bytes;
}

static u64 pages_of(struct vfmig_dirty *d)
{
	struct vfmig_dirty_stats st;

	vfmig_dirty_get_stats(d, &st);
	return st.pages_marked_now;
}

static struct vfmig_dirty *new_log(void)
{
	struct vfmig_dirty_range r = { 0, SPAN };
	struct vfmig_dirty *d = vfmig_dirty_new(8);
	u64 ps = PG;

	if (IS_ERR(d) || vfmig_dirty_start(d, &r, 1, &ps)) {
		fprintf(stderr, "bench_dirty: cannot start a log\n");
		exit(1);
	}
	return d;
}

/* Reads and clears [iova, iova + len) chunk by chunk; returns nanoseconds. */
static u64 read_chunks(struct vfmig_dirty *d, u64 iova, u64 len)
{
	struct vfmig_dirty_bitmap bm;
	struct vfmig_dirty_out out = { .set = vfmig_dirty_bitmap_set, .ctx = &bm };
	u64 t0 = vfmig_time_ns(), off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		/* The bitmap is not cleared: a report only sets bits. */
		if (vfmig_dirty_bitmap_init(&bm, bitmap, iova + off, PG, n / PG) ||
		    vfmig_dirty_read_and_clear(d, iova + off, n, &out)) {
			fprintf(stderr, "bench_dirty: read_and_clear failed\n");
			exit(1);
		}
	}
	return vfmig_time_ns() - t0;
}

int main(void)
{
	u64 seed = 0x5eed, i, n, t, best, empty, mem;
	double marks_per_s, marks_sparse_per_s, sparse_gibs, dense_gibs;
	double bpp_sparse, bpp_dense, empty_read_us;
	struct vfmig_dirty *d;
	int rep;

	/* Empty 2^48 log: what it costs to have, and to read. */
	d = new_log();
	empty = mem_of(d);
	best = ~0ULL;
	for (rep = 0; rep < 5; rep++) {
		t = read_chunks(d, 0, SPAN);
		best = t < best ? t : best;
	}
	empty_read_us = best / 1e3;

	/* Marks: 2 KiB RX buffers at random slots of a 16 GiB guest. */
	n = 4000000;
	t = vfmig_time_ns();
	for (i = 0; i < n; i++)
		vfmig_dirty_mark(d, (vt_rand(&seed) % (GUEST / 2048)) * 2048, 2048);
	t = vfmig_time_ns() - t;
	marks_per_s = n / (t / 1e9);
	read_chunks(d, 0, SPAN);

	/* Marks: single pages at random over 2^48 (sparse, memory per page). */
	n = 1000000;
	t = vfmig_time_ns();
	for (i = 0; i < n; i++)
		vfmig_dirty_mark(d, (vt_rand(&seed) % (SPAN / PG)) * PG, 1);
	t = vfmig_time_ns() - t;
	marks_sparse_per_s = n / (t / 1e9);
	bpp_sparse = (double)(mem_of(d) - empty) / pages_of(d);
	read_chunks(d, 0, SPAN);

	/* Sparse read: 100k random pages, all of 2^48 in 4096 chunks. */
	best = ~0ULL;
	for (rep = 0; rep < 5; rep++) {
		for (i = 0; i < 100000; i++)
			vfmig_dirty_mark(d, (vt_rand(&seed) % (SPAN / PG)) * PG, 1);
		t = read_chunks(d, 0, SPAN);
		best = t < best ? t : best;
	}
	sparse_gibs = (SPAN >> 30) / (best / 1e9);

	/* Dense: 1 GiB contiguous for memory, 16 GiB for the read. */
	vfmig_dirty_mark(d, 1ULL << 40, 1ULL << 30);
	bpp_dense = (double)(mem_of(d) - empty) / pages_of(d);
	read_chunks(d, 0, SPAN);
	best = ~0ULL;
	for (rep = 0; rep < 5; rep++) {
		vfmig_dirty_mark(d, 1ULL << 40, GUEST);
		t = read_chunks(d, 1ULL << 40, GUEST);
		best = t < best ? t : best;
	}
	dense_gibs = (GUEST >> 30) / (best / 1e9);
	mem = mem_of(d);
	vfmig_dirty_free(d);

	printf("%-52s %14s\n", "software DMA dirty tracker, 4 KiB pages", "");
	printf("%-52s %14.0f\n", "marks/s (2 KiB buffers, 16 GiB guest)", marks_per_s);
	printf("%-52s %14.0f\n", "marks/s (single pages, random over 2^48)",
	       marks_sparse_per_s);
	printf("%-52s %14.0f\n", "read_and_clear GiB IOVA/s (100k pages in 2^48)",
	       sparse_gibs);
	printf("%-52s %14.1f\n", "read_and_clear GiB IOVA/s (16 GiB all dirty)",
	       dense_gibs);
	printf("%-52s %14.2f\n", "read_and_clear of the empty 2^48 log (us)",
	       empty_read_us);
	printf("%-52s %14.2f\n", "bytes per marked page (1M random in 2^48)",
	       bpp_sparse);
	printf("%-52s %14.3f\n", "bytes per marked page (1 GiB contiguous)",
	       bpp_dense);
	printf("%-52s %14llu\n", "bytes of the empty 2^48 log",
	       (unsigned long long)empty);
	printf("%-52s %14llu\n", "bytes after the last read (empty again)",
	       (unsigned long long)mem);
	printf("{\"bench\":\"dirty\",\"page_size\":4096,\"marks_per_s\":%.0f,"
	       "\"marks_sparse_per_s\":%.0f,"
	       "\"read_and_clear_gib_iova_per_s\":{\"sparse\":%.0f,\"dense\":%.1f},"
	       "\"empty_2e48_read_us\":%.2f,"
	       "\"bytes_per_marked_page\":{\"sparse\":%.2f,\"dense\":%.3f},"
	       "\"empty_2e48_range_bytes\":%llu}\n",
	       marks_per_s, marks_sparse_per_s, sparse_gibs, dense_gibs,
	       empty_read_us, bpp_sparse, bpp_dense,
	       (unsigned long long)empty);
	return 0;
}
