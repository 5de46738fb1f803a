/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal test harness for vfmig userspace tests.
 *
 * A test binary is a list of RUN(fn) calls in main() ending with
 * return vt_done(). Each test prints exactly one line, "ok <name>" or
 * "FAIL <name>", which tests/run.sh counts into the summary line
 * "N passed, M failed". A failed CHECK prints where and why, and the test
 * continues so one run shows every broken expectation.
 */
#ifndef VFMIG_TESTS_HARNESS_H
#define VFMIG_TESTS_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfmig/osdep.h>

static unsigned int vt_failures;	/* within the current test */
static unsigned int vt_passed, vt_failed;
static const char *vt_current;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		vt_failures++;						\
		printf("#   %s:%d: %s: CHECK(%s) failed\n",		\
		       __FILE__, __LINE__, vt_current, #cond);		\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a != __b) {						\
		vt_failures++;						\
		printf("#   %s:%d: %s: %s == %s failed: %llu (0x%llx) != %llu (0x%llx)\n", \
		       __FILE__, __LINE__, vt_current, #a, #b,		\
		       __a, __a, __b, __b);				\
	}								\
} while (0)

#define CHECK_ERR(expr, err) do {					\
	long long __r = (long long)(expr);				\
	if (__r != (long long)(err)) {					\
		vt_failures++;						\
		printf("#   %s:%d: %s: %s returned %lld (%s), want %lld (%s)\n", \
		       __FILE__, __LINE__, vt_current, #expr, __r,	\
		       __r < 0 ? strerror((int)-__r) : "ok",		\
		       (long long)(err),				\
		       (err) < 0 ? strerror(-(int)(err)) : "ok");	\
	}								\
} while (0)

/* Stop the current test when a precondition fails (avoids NULL derefs). */
#define REQUIRE(cond) do {						\
	if (!(cond)) {							\
		vt_failures++;						\
		printf("#   %s:%d: %s: REQUIRE(%s) failed\n",		\
		       __FILE__, __LINE__, vt_current, #cond);		\
		return;							\
	}								\
} while (0)

static inline void vt_run(const char *name, void (*fn)(void))
{
	unsigned long warns = vfmig_warn_count;

	vt_current = name;
	vt_failures = 0;
	fn();
	if (vfmig_warn_count != warns) {
		printf("#   %s: %lu unexpected WARN_ON(s)\n", name,
		       vfmig_warn_count - warns);
		vt_failures++;
	}
	if (vt_failures) {
		vt_failed++;
		printf("FAIL %s\n", name);
	} else {
		vt_passed++;
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

#define RUN(fn) vt_run(#fn, fn)

static inline int vt_done(void)
{
	printf("# %u passed, %u failed\n", vt_passed, vt_failed);
	return vt_failed ? 1 : 0;
}

/* Deterministic PRNG for randomized tests (xorshift64*), seeded per test. */
static inline u64 vt_rand(u64 *s)
{
	u64 x = *s ? *s : 0x9E3779B97F4A7C15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

#endif /* VFMIG_TESTS_HARNESS_H */
