// SPDX-License-Identifier: GPL-2.0-only
/*
 * The portable self-tests (tests/selftest/) in userspace, under ASAN+UBSAN:
 * the same vfmig_selftest_run() that vfmig_portable.ko calls at load. The
 * suite runs once; each of its tests becomes one harness test, judged by the
 * suite's result and by its log line ("vfmig_selftest: ok NAME"), and a last
 * one checks the summary: counts, return value, one line per test, no
 * WARN_ON. (Leaks are ASAN's: run-tests.sh runs with detect_leaks=1.)
 */
#include "harness.h"
#include <vfmig/osdep_user_ctl.h>
#include "selftest/selftest.h"

#define MAX_LINES	64

static struct vfmig_selftest_result res;
static int run_ret;
static unsigned long run_warns;
static char lines[MAX_LINES][512];
static u32 nlines;
static u32 cur;

/* Suite lines are kept; other warnings and errors still reach stderr. */
static void sink(void *ctx, enum vfmig_log_level level, const char *line)
{
	if (!strncmp(line, "vfmig_selftest: ", 16)) {
		if (level == VFMIG_LOG_DBG) {
			printf("#   %s\n", line);	/* later failed checks */
			return;
		}
		if (nlines < MAX_LINES)
			snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
		return;
	}
	if (level <= VFMIG_LOG_WARN)
		fprintf(stderr, "vfmig: %s\n", line);
}

/* Lines of the suite that are exactly @want, or start with @prefix. */
static u32 count_lines(const char *want, const char *prefix)
{
	u32 i, n = 0;

	for (i = 0; i < nlines; i++)
		if ((want && !strcmp(lines[i], want)) ||
		    (prefix && !strncmp(lines[i], prefix, strlen(prefix))))
			n++;
	return n;
}

static void one_selftest(void)
{
	const char *name = vfmig_selftest_name(cur);
	char ok[128], fail[128];
	u32 i;

	REQUIRE(name);
	snprintf(ok, sizeof(ok), "vfmig_selftest: ok %s", name);
	snprintf(fail, sizeof(fail), "vfmig_selftest: FAIL %s: ", name);
	for (i = 0; i < nlines; i++)
		if (!strncmp(lines[i], fail, strlen(fail)))
			printf("#   %s\n", lines[i]);
	CHECK(!(res.failed_mask & BIT(cur)));
	CHECK_EQ(count_lines(ok, NULL), 1);
	CHECK_EQ(count_lines(NULL, fail), 0);
}

static void selftest_summary(void)
{
	u32 n = vfmig_selftest_count();

	CHECK(n >= 5);
	CHECK_EQ(res.passed + res.failed, n);
	CHECK_EQ(run_ret, res.failed ? -EINVAL : 0);
	CHECK_EQ(nlines, n);
	CHECK_EQ(count_lines(NULL, "vfmig_selftest: ok ") +
		 count_lines(NULL, "vfmig_selftest: FAIL "), n);
	CHECK_EQ(run_warns, 0);
	CHECK(!vfmig_selftest_name(n));
	printf("# self-test suite: %u tests in %llu ms\n", n,
	       (unsigned long long)(res.elapsed_ns / 1000000));
}

int main(void)
{
	unsigned long warns = vfmig_warn_count;

	vfmig_log_set_sink(sink, NULL);
	run_ret = vfmig_selftest_run(&res);
	run_warns = vfmig_warn_count - warns;
	vfmig_log_set_sink(NULL, NULL);
	for (cur = 0; cur < vfmig_selftest_count(); cur++)
		vt_run(vfmig_selftest_name(cur), one_selftest);
	RUN(selftest_summary);
	return vt_done();
}
