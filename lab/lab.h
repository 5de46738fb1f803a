/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig-lab: shared helpers of the userspace lab (lab/ only).
 *
 * The lab is a deterministic discrete-event simulation: everything that
 * decides behaviour (traffic, page choices, write sizes) draws from seeded
 * generators here, never from the wall clock; the wall clock is only read
 * to report how long host CPU work took.
 */
#ifndef VFMIG_LAB_LAB_H
#define VFMIG_LAB_LAB_H

#include <vfmig/osdep.h>
#include <stdlib.h>

#define LAB_PAGE_SHIFT	12
#define LAB_PAGE_SIZE	(1ULL << LAB_PAGE_SHIFT)
#define LAB_MIB		(1ULL << 20)

/* Exit codes of every subcommand (issue 4). */
#define LAB_EXIT_OK		0	/* migrated (or saved/loaded), every check passed */
#define LAB_EXIT_REFUSED	1	/* refused or cancelled cleanly, checks passed */
#define LAB_EXIT_USAGE		2	/* usage error; load: stream rejected */
#define LAB_EXIT_CHECK		3	/* a check failed */

/* splitmix64: small, fast, good enough, and the same on every machine. */
static inline u64 lab_rand(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u64 lab_rand_below(u64 *s, u64 n)
{
	return n ? lab_rand(s) % n : 0;
}

/* Bitmaps of pages. */
#define LAB_BM_WORDS(nbits)	(((nbits) + 63) / 64)

static inline void lab_bset(u64 *bm, u64 i)
{
	bm[i >> 6] |= 1ULL << (i & 63);
}

static inline bool lab_btest(const u64 *bm, u64 i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

u64 lab_bweight(const u64 *bm, u64 nbits);
/* Next set bit at or after @from, or @nbits. */
u64 lab_bnext(const u64 *bm, u64 nbits, u64 from);

/* Monotonic wall clock (CLOCK_MONOTONIC), ns. */
u64 lab_wall_ns(void);

/* calloc that exits with a one-line error (code 3) when memory runs out. */
void *lab_zalloc(size_t n);
void *lab_realloc(void *p, size_t n);

/* "vfmig-lab: <message>" on stderr and exit(@code). */
void lab_die(int code, const char *fmt, ...) __printf(2, 3) __attribute__((noreturn));

/* A growable array of u8 counters indexed by sequence number. */
struct lab_counts {
	u8 *c;
	u64 n;		/* valid entries */
	u64 cap;
};

void lab_counts_inc(struct lab_counts *a, u64 i);
static inline u8 lab_counts_get(const struct lab_counts *a, u64 i)
{
	return i < a->n ? a->c[i] : 0;
}
void lab_counts_free(struct lab_counts *a);

/* A growable array of u64 indexed by sequence number. */
struct lab_u64s {
	u64 *v;
	u64 n;
	u64 cap;
};

void lab_u64s_set(struct lab_u64s *a, u64 i, u64 val);
static inline u64 lab_u64s_get(const struct lab_u64s *a, u64 i)
{
	return i < a->n ? a->v[i] : 0;
}
void lab_u64s_free(struct lab_u64s *a);

#endif /* VFMIG_LAB_LAB_H */
