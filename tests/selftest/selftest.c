// SPDX-License-Identifier: GPL-2.0-only
/*
 * The self-test runner: the table of tests, the checks, one log line per
 * test. Portable: the kernel's vfmig_portable.ko and the userspace
 * tests/unit/test_selftest.c call vfmig_selftest_run().
 */
#include "selftest.h"

struct st_case {
	const char *name;
	void (*fn)(struct vfmig_st *t);
};

static const struct st_case st_cases[] = {
	{ "bringup", vfmig_st_bringup },
	{ "traffic", vfmig_st_traffic },
	{ "migrate", vfmig_st_migrate },
	{ "cancel", vfmig_st_cancel },
	{ "bad_stream", vfmig_st_bad_stream },
};

static_assert(ARRAY_SIZE(st_cases) <= 32);

u32 vfmig_selftest_count(void)
{
	return ARRAY_SIZE(st_cases);
}

const char *vfmig_selftest_name(u32 i)
{
	return i < ARRAY_SIZE(st_cases) ? st_cases[i].name : NULL;
}

/* __FILE__ may be a long staging path: keep the last two components. */
static const char *st_short_file(const char *file)
{
	const char *last = file, *prev = file, *p;

	for (p = file; *p; p++) {
		if (*p == '/') {
			prev = last;
			last = p + 1;
		}
	}
	return prev;
}

static void st_fail(struct vfmig_st *t, const char *file, int line,
		    const char *what, const char *detail)
{
	if (!t->failed_checks++)
		snprintf(t->reason, sizeof(t->reason), "%s:%d: %s%s",
			 st_short_file(file), line, what, detail);
	else
		vfmig_dbg("vfmig_selftest: %s: also %s:%d: %s%s", t->name,
			  st_short_file(file), line, what, detail);
}

bool vfmig_st_check(struct vfmig_st *t, bool ok, const char *file, int line,
		    const char *what)
{
	if (!ok)
		st_fail(t, file, line, what, "");
	return ok;
}

bool vfmig_st_check_eq(struct vfmig_st *t, u64 a, u64 b, const char *file,
		       int line, const char *ea, const char *eb)
{
	char what[VFMIG_ST_REASON_LEN];
	char detail[64];

	if (a == b)
		return true;
	snprintf(what, sizeof(what), "%s == %s", ea, eb);
	snprintf(detail, sizeof(detail), " (%llu != %llu)",
		 (unsigned long long)a, (unsigned long long)b);
	st_fail(t, file, line, what, detail);
	return false;
}

int vfmig_selftest_run(struct vfmig_selftest_result *res)
{
	struct vfmig_st *t;
	u64 start = vfmig_time_ns();
	u32 i;

	memset(res, 0, sizeof(*res));
	t = vfmig_zalloc(sizeof(*t));
	if (!t) {
		vfmig_err("vfmig_selftest: FAIL setup: out of memory");
		res->failed = ARRAY_SIZE(st_cases);
		res->failed_mask = (u32)(BIT(ARRAY_SIZE(st_cases)) - 1);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(st_cases); i++) {
		memset(t, 0, sizeof(*t));
		t->name = st_cases[i].name;
		st_cases[i].fn(t);
		if (t->failed_checks) {
			res->failed++;
			res->failed_mask |= BIT(i);
			if (t->failed_checks > 1)
				vfmig_err("vfmig_selftest: FAIL %s: %s (and %u more failed checks)",
					  t->name, t->reason, t->failed_checks - 1);
			else
				vfmig_err("vfmig_selftest: FAIL %s: %s", t->name,
					  t->reason);
		} else {
			res->passed++;
			vfmig_info("vfmig_selftest: ok %s", t->name);
		}
	}
	vfmig_free(t);
	res->elapsed_ns = vfmig_time_ns() - start;
	return res->failed ? -EINVAL : 0;
}
