// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-lab: small helpers (bitmaps, growable arrays, errors, clock).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "lab.h"

u64 lab_bweight(const u64 *bm, u64 nbits)
{
	u64 i, n = 0, words = nbits / 64;

	for (i = 0; i < words; i++)
		n += hweight64(bm[i]);
	if (nbits % 64)
		n += hweight64(bm[words] & ((1ULL << (nbits % 64)) - 1));
	return n;
}

u64 lab_bnext(const u64 *bm, u64 nbits, u64 from)
{
	u64 w, i;

	if (from >= nbits)
		return nbits;
	i = from >> 6;
	w = bm[i] & (~0ULL << (from & 63));
	for (;;) {
		if (w) {
			u64 b = (i << 6) + __ffs64(w);

			return b < nbits ? b : nbits;
		}
		if (++i >= LAB_BM_WORDS(nbits))
			return nbits;
		w = bm[i];
	}
}

u64 lab_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void lab_die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vfmig-lab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void *lab_zalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		lab_die(LAB_EXIT_CHECK, "out of memory (%zu bytes)", n);
	return p;
}

void *lab_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		lab_die(LAB_EXIT_CHECK, "out of memory (%zu bytes)", n);
	return q;
}

static u64 grow_cap(u64 cap, u64 need)
{
	if (!cap)
		cap = 4096;
	while (cap < need)
		cap *= 2;
	return cap;
}

void lab_counts_inc(struct lab_counts *a, u64 i)
{
	if (i >= a->cap) {
		u64 ncap = grow_cap(a->cap, i + 1);

		a->c = lab_realloc(a->c, ncap);
		memset(a->c + a->cap, 0, ncap - a->cap);
		a->cap = ncap;
	}
	if (i >= a->n)
		a->n = i + 1;
	if (a->c[i] < 255)
		a->c[i]++;
}

void lab_counts_free(struct lab_counts *a)
{
	free(a->c);
	memset(a, 0, sizeof(*a));
}

void lab_u64s_set(struct lab_u64s *a, u64 i, u64 val)
{
	if (i >= a->cap) {
		u64 ncap = grow_cap(a->cap, i + 1);

		a->v = lab_realloc(a->v, ncap * sizeof(u64));
		memset(a->v + a->cap, 0, (ncap - a->cap) * sizeof(u64));
		a->cap = ncap;
	}
	if (i >= a->n)
		a->n = i + 1;
	a->v[i] = val;
}

void lab_u64s_free(struct lab_u64s *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}
