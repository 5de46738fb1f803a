// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig_fsm_next_state() against an independent oracle.
 *
 * The oracle knows only what the uAPI text (include/uapi/linux/vfio.h) says:
 * the list of single FSM arcs, which flags make which states exist, that an
 * unsupported P2P state "behaves as though the device was fully running"
 * (RUNNING_P2P is RUNNING, PRE_COPY_P2P is PRE_COPY), that STOP_COPY ->
 * PRE_COPY(_P2P) is not permitted, and the path rules: shortest path, and no
 * saving-group state as an interior step (unless the whole path stays in the
 * saving group, i.e. one data session, as PRE_COPY -> PRE_COPY_P2P ->
 * STOP_COPY does). From these it runs a breadth-first search; it shares no
 * table with the code under test.
 */
#include "harness.h"
#include <vfmig/fsm.h>
#include <vfmig/osdep_user_ctl.h>

#define NS VFMIG_MIG_NUM_STATES

/* The single arcs the uAPI defines, for a device with every optional state. */
static const int uapi_arcs[][2] = {
	{ VFMIG_MIG_RUNNING_P2P, VFMIG_MIG_STOP },
	{ VFMIG_MIG_STOP_COPY, VFMIG_MIG_STOP },
	{ VFMIG_MIG_RESUMING, VFMIG_MIG_STOP },
	{ VFMIG_MIG_PRE_COPY, VFMIG_MIG_RUNNING },
	{ VFMIG_MIG_RUNNING_P2P, VFMIG_MIG_RUNNING },
	{ VFMIG_MIG_PRE_COPY_P2P, VFMIG_MIG_RUNNING_P2P },
	{ VFMIG_MIG_RUNNING, VFMIG_MIG_RUNNING_P2P },
	{ VFMIG_MIG_STOP, VFMIG_MIG_RUNNING_P2P },
	{ VFMIG_MIG_RUNNING, VFMIG_MIG_PRE_COPY },
	{ VFMIG_MIG_RUNNING_P2P, VFMIG_MIG_PRE_COPY_P2P },
	{ VFMIG_MIG_STOP, VFMIG_MIG_STOP_COPY },
	{ VFMIG_MIG_PRE_COPY, VFMIG_MIG_PRE_COPY_P2P },
	{ VFMIG_MIG_PRE_COPY_P2P, VFMIG_MIG_PRE_COPY },
	{ VFMIG_MIG_PRE_COPY_P2P, VFMIG_MIG_STOP_COPY },
	{ VFMIG_MIG_STOP, VFMIG_MIG_RESUMING },
};

static bool is_saving(int s)
{
	return s == VFMIG_MIG_PRE_COPY || s == VFMIG_MIG_PRE_COPY_P2P ||
	       s == VFMIG_MIG_STOP_COPY;
}

/* Which states exist for @flags, in the words of the uAPI text. */
static bool oracle_exists(u32 flags, int s)
{
	bool sc = flags & VFMIG_MIGRATION_STOP_COPY;
	bool p2p = flags & VFMIG_MIGRATION_P2P;
	bool pre = flags & VFMIG_MIGRATION_PRE_COPY;

	switch (s) {
	case VFMIG_MIG_STOP: case VFMIG_MIG_RUNNING:
	case VFMIG_MIG_STOP_COPY: case VFMIG_MIG_RESUMING:
		return sc;
	case VFMIG_MIG_RUNNING_P2P:
		return sc && p2p;
	case VFMIG_MIG_PRE_COPY:
		return sc && pre;
	case VFMIG_MIG_PRE_COPY_P2P:
		return sc && p2p && pre;
	default:
		return false;	/* ERROR is never a state one asks for */
	}
}

/* The state @s stands for on a device with @flags (-1: none). */
static int oracle_alias(u32 flags, int s)
{
	if (oracle_exists(flags, s))
		return s;
	if (!(flags & VFMIG_MIGRATION_P2P) && s == VFMIG_MIG_RUNNING_P2P)
		return VFMIG_MIG_RUNNING;
	if (!(flags & VFMIG_MIGRATION_P2P) && s == VFMIG_MIG_PRE_COPY_P2P &&
	    oracle_exists(flags, VFMIG_MIG_PRE_COPY))
		return VFMIG_MIG_PRE_COPY;
	return -1;
}

/* Arc adjacency of the device's own states, with unsupported ones merged. */
static void oracle_graph(u32 flags, bool adj[NS][NS])
{
	unsigned int i;

	memset(adj, 0, sizeof(bool) * NS * NS);
	for (i = 0; i < ARRAY_SIZE(uapi_arcs); i++) {
		int a = oracle_alias(flags, uapi_arcs[i][0]);
		int b = oracle_alias(flags, uapi_arcs[i][1]);

		if (a >= 0 && b >= 0 && a != b)
			adj[a][b] = true;
	}
}

/* May @s be an interior step of a path from @from to @to? */
static bool interior_ok(int from, int to, int s)
{
	return !is_saving(s) || (is_saving(from) && is_saving(to));
}

/*
 * BFS from @from to @to honouring the path rules. Returns the distance or -1
 * and, in @first, the set of first hops that start a shortest path.
 */
static int oracle_bfs(u32 flags, int from, int to, bool first[NS])
{
	bool adj[NS][NS];
	int dist[NS], fh[NS][NS];	/* fh[s][h]: s reachable via first hop h */
	int queue[NS], qh = 0, qt = 0, s, t, h;

	memset(first, 0, sizeof(bool) * NS);
	if (from == to)
		return 0;
	if (from == VFMIG_MIG_STOP_COPY &&
	    (to == VFMIG_MIG_PRE_COPY || to == VFMIG_MIG_PRE_COPY_P2P))
		return -1;	/* "These arcs are not permitted" */
	oracle_graph(flags, adj);
	for (s = 0; s < NS; s++)
		dist[s] = -1;
	memset(fh, 0, sizeof(fh));
	dist[from] = 0;
	queue[qt++] = from;
	while (qh < qt) {
		s = queue[qh++];
		if (s == to)
			continue;	/* the target is never interior */
		if (s != from && !interior_ok(from, to, s))
			continue;
		for (t = 0; t < NS; t++) {
			if (!adj[s][t])
				continue;
			if (dist[t] < 0) {
				dist[t] = dist[s] + 1;
				queue[qt++] = t;
			}
			if (dist[t] == dist[s] + 1) {
				for (h = 0; h < NS; h++)
					if (s == from ? h == t : fh[s][h])
						fh[t][h] = 1;
			}
		}
	}
	if (dist[to] < 0)
		return -1;
	for (h = 0; h < NS; h++)
		first[h] = fh[to][h];
	return dist[to];
}

static void drop_line(void *ctx, enum vfmig_log_level level, const char *line)
{
}

/* Every (flags, cur, target): one step agrees with the oracle. */
static void test_fsm_matches_oracle(void)
{
	u32 flags;
	int cur, target, checked = 0, refused = 0;

	/* Impossible current states WARN by design; keep the log readable. */
	vfmig_log_set_sink(drop_line, NULL);
	for (flags = 0; flags < 16; flags++) {
		for (cur = -1; cur <= NS; cur++) {
			for (target = -1; target <= NS; target++) {
				enum vfmig_mig_state next = 0x55;
				bool cur_ok = cur >= 0 && cur < NS && oracle_exists(flags, cur);
				bool tgt_ok = target >= 0 && target < NS && oracle_exists(flags, target);
				unsigned long warns = vfmig_warn_count;
				bool first[NS];
				int d, ret;

				ret = vfmig_fsm_next_state(flags, cur, target, &next);
				/* The kernel WARNs on an impossible current state. */
				CHECK_EQ(vfmig_warn_count - warns, cur_ok ? 0 : 1);
				vfmig_warn_count = warns;
				checked++;
				if (!cur_ok || !tgt_ok) {
					CHECK_ERR(ret, -EINVAL);
					CHECK_EQ(next, 0x55);	/* untouched */
					refused++;
					continue;
				}
				d = oracle_bfs(flags, cur, target, first);
				if (d < 0) {
					CHECK_ERR(ret, -EINVAL);
					CHECK_EQ(next, VFMIG_MIG_ERROR);
					refused++;
					continue;
				}
				CHECK_ERR(ret, 0);
				if (d == 0)
					CHECK_EQ(next, cur);
				else if (next < NS)
					CHECK(first[next]);
				else
					CHECK(0);
			}
		}
	}
	vfmig_log_set_sink(NULL, NULL);
	CHECK_EQ(checked, 16 * (NS + 2) * (NS + 2));
	CHECK(refused > 0);
}

/*
 * Walking with next_state until the target (as vfio core does) always
 * yields a shortest legal path: each step is a uAPI arc and the step count
 * equals the oracle's distance.
 */
static void test_fsm_walks_are_shortest(void)
{
	u32 flags;
	int cur, target;

	for (flags = 0; flags < 8; flags++) {
		bool adj[NS][NS];

		oracle_graph(flags, adj);
		for (cur = 1; cur < NS; cur++) {
			for (target = 1; target < NS; target++) {
				bool first[NS];
				int d, steps = 0, s = cur;

				if (!oracle_exists(flags, cur) || !oracle_exists(flags, target))
					continue;
				d = oracle_bfs(flags, cur, target, first);
				if (d < 0)
					continue;
				while (s != target && steps <= NS) {
					enum vfmig_mig_state next;

					if (vfmig_fsm_next_state(flags, s, target, &next)) {
						CHECK(0);
						break;
					}
					CHECK(adj[s][next]);
					if ((int)next != target)
						CHECK(interior_ok(cur, target, next));
					s = next;
					steps++;
				}
				CHECK_EQ(s, target);
				CHECK_EQ(steps, d);
			}
		}
	}
}

/* Known paths from the uAPI discussion, spelled out. */
static void test_fsm_known_paths(void)
{
	const u32 all = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P |
			VFMIG_MIGRATION_PRE_COPY;
	enum vfmig_mig_state n;

	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_RUNNING, VFMIG_MIG_STOP_COPY, &n), 0);
	CHECK_EQ(n, VFMIG_MIG_RUNNING_P2P);
	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_PRE_COPY, VFMIG_MIG_STOP_COPY, &n), 0);
	CHECK_EQ(n, VFMIG_MIG_PRE_COPY_P2P);
	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_PRE_COPY, VFMIG_MIG_STOP, &n), 0);
	CHECK_EQ(n, VFMIG_MIG_RUNNING);
	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_STOP_COPY, VFMIG_MIG_PRE_COPY, &n), -EINVAL);
	CHECK_EQ(n, VFMIG_MIG_ERROR);
	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_STOP_COPY, VFMIG_MIG_PRE_COPY_P2P, &n), -EINVAL);
	/* Without P2P the stop arc is direct. */
	CHECK_ERR(vfmig_fsm_next_state(VFMIG_MIGRATION_STOP_COPY, VFMIG_MIG_RUNNING,
				       VFMIG_MIG_STOP, &n), 0);
	CHECK_EQ(n, VFMIG_MIG_STOP);
	/* Without PRE_COPY, PRE_COPY is not a valid target. */
	CHECK_ERR(vfmig_fsm_next_state(VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P,
				       VFMIG_MIG_RUNNING, VFMIG_MIG_PRE_COPY, &n), -EINVAL);
	/* PRE_COPY without P2P: PRE_COPY -> STOP_COPY is a single arc. */
	CHECK_ERR(vfmig_fsm_next_state(VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_PRE_COPY,
				       VFMIG_MIG_PRE_COPY, VFMIG_MIG_STOP_COPY, &n), 0);
	CHECK_EQ(n, VFMIG_MIG_STOP_COPY);
	/* ERROR is never a target. */
	CHECK_ERR(vfmig_fsm_next_state(all, VFMIG_MIG_RUNNING, VFMIG_MIG_ERROR, &n), -EINVAL);
}

static void test_fsm_names(void)
{
	CHECK(!strcmp(vfmig_fsm_state_name(VFMIG_MIG_PRE_COPY_P2P), "PRE_COPY_P2P"));
	CHECK(!strcmp(vfmig_fsm_state_name(VFMIG_MIG_ERROR), "ERROR"));
	CHECK(!strcmp(vfmig_fsm_state_name(99), "INVALID"));
}

/* The osdep's CRC and LE helpers are the stream's foundation. */
static void test_osdep_known_answers(void)
{
	u8 b[8];

	CHECK_EQ(vfmig_crc32c(0, "123456789", 9), 0xE3069283);
	CHECK_EQ(vfmig_crc32c(vfmig_crc32c(0, "1234", 4), "56789", 5), 0xE3069283);
	CHECK_EQ(vfmig_crc32c(0, "", 0), 0);
	vfmig_put_le64(b, 0x0102030405060708ULL);
	CHECK_EQ(b[0], 8);
	CHECK_EQ(b[7], 1);
	CHECK_EQ(vfmig_get_le64(b), 0x0102030405060708ULL);
	CHECK_EQ(vfmig_get_le16(b + 2), 0x0506);
	CHECK(IS_ERR(ERR_PTR(-EINVAL)));
	CHECK_EQ(PTR_ERR(ERR_PTR(-ENOMEM)), -ENOMEM);
	CHECK(!IS_ERR_OR_NULL(b));
}

int main(void)
{
	RUN(test_fsm_matches_oracle);
	RUN(test_fsm_walks_are_shortest);
	RUN(test_fsm_known_paths);
	RUN(test_fsm_names);
	RUN(test_osdep_known_answers);
	return vt_done();
}
