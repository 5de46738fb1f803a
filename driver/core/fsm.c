// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO migration state machine: which single arc to take next.
 *
 * The vfio core (in the kernel) and the lab's migration engine (in userspace)
 * both turn a user's SET_STATE request into a walk of single arcs; the driver
 * only ever implements single arcs. The walk must be the one the uAPI
 * prescribes (include/uapi/linux/vfio.h): the shortest path, never passing
 * through a saving state (PRE_COPY, PRE_COPY_P2P, STOP_COPY) as an interior
 * step unless the whole walk stays inside one saving session, never from
 * STOP_COPY back to a PRE_COPY state, and with optional states the device
 * does not support stepped over.
 */
#include <vfmig/fsm.h>

#define S_STOP		VFMIG_MIG_STOP
#define S_RUN		VFMIG_MIG_RUNNING
#define S_SCOPY		VFMIG_MIG_STOP_COPY
#define S_RESUME	VFMIG_MIG_RESUMING
#define S_RUN_P2P	VFMIG_MIG_RUNNING_P2P
#define S_PRE		VFMIG_MIG_PRE_COPY
#define S_PRE_P2P	VFMIG_MIG_PRE_COPY_P2P
#define S_ERR		VFMIG_MIG_ERROR

/*
 * next_hop[cur][target]: the first arc of the prescribed path when every
 * optional state is supported. ERROR marks requests no path satisfies.
 * Columns: ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY,
 * PRE_COPY_P2P.
 */
static const u8 next_hop[VFMIG_MIG_NUM_STATES][VFMIG_MIG_NUM_STATES] = {
	[S_ERR]     = { S_ERR, S_ERR,     S_ERR,     S_ERR,     S_ERR,     S_ERR,     S_ERR,     S_ERR },
	[S_STOP]    = { S_ERR, S_STOP,    S_RUN_P2P, S_SCOPY,   S_RESUME,  S_RUN_P2P, S_RUN_P2P, S_RUN_P2P },
	[S_RUN]     = { S_ERR, S_RUN_P2P, S_RUN,     S_RUN_P2P, S_RUN_P2P, S_RUN_P2P, S_PRE,     S_RUN_P2P },
	[S_SCOPY]   = { S_ERR, S_STOP,    S_STOP,    S_SCOPY,   S_STOP,    S_STOP,    S_ERR,     S_ERR },
	[S_RESUME]  = { S_ERR, S_STOP,    S_STOP,    S_STOP,    S_RESUME,  S_STOP,    S_STOP,    S_STOP },
	[S_RUN_P2P] = { S_ERR, S_STOP,    S_RUN,     S_STOP,    S_STOP,    S_RUN_P2P, S_RUN,     S_PRE_P2P },
	[S_PRE]     = { S_ERR, S_RUN,     S_RUN,     S_PRE_P2P, S_RUN,     S_RUN,     S_PRE,     S_PRE_P2P },
	[S_PRE_P2P] = { S_ERR, S_RUN_P2P, S_RUN_P2P, S_SCOPY,   S_RUN_P2P, S_RUN_P2P, S_PRE,     S_PRE_P2P },
};

/* The VFMIG_MIGRATION_* flags a device needs for each state to exist. */
static const u32 state_needs[VFMIG_MIG_NUM_STATES] = {
	[S_ERR]     = ~0U,	/* never a valid request or current state */
	[S_STOP]    = VFMIG_MIGRATION_STOP_COPY,
	[S_RUN]     = VFMIG_MIGRATION_STOP_COPY,
	[S_SCOPY]   = VFMIG_MIGRATION_STOP_COPY,
	[S_RESUME]  = VFMIG_MIGRATION_STOP_COPY,
	[S_RUN_P2P] = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P,
	[S_PRE]     = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_PRE_COPY,
	[S_PRE_P2P] = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P |
		      VFMIG_MIGRATION_PRE_COPY,
};

bool vfmig_fsm_state_supported(u32 mig_flags, enum vfmig_mig_state state)
{
	if ((u32)state >= VFMIG_MIG_NUM_STATES)
		return false;
	return (state_needs[state] & mig_flags) == state_needs[state];
}

int vfmig_fsm_next_state(u32 mig_flags, enum vfmig_mig_state cur,
			 enum vfmig_mig_state target, enum vfmig_mig_state *next)
{
	enum vfmig_mig_state step;

	/*
	 * A current state the device cannot be in is a driver bug (the kernel
	 * WARNs); a target it cannot reach is the user's mistake. Both fail
	 * with -EINVAL before *next is touched, as in the kernel.
	 */
	if (WARN_ON(!vfmig_fsm_state_supported(mig_flags, cur)))
		return -EINVAL;
	if (!vfmig_fsm_state_supported(mig_flags, target))
		return -EINVAL;

	/*
	 * Unsupported optional states behave as their supported neighbours:
	 * follow the table from them toward the same target until a state the
	 * device has is reached. A forbidden request (ERROR in the table) ends
	 * the walk at once: without that test the loop never terminates, since
	 * ERROR is supported by no flags and leads only to itself (the kernel
	 * had exactly this soft lockup for STOP_COPY -> PRE_COPY until 2026).
	 */
	step = next_hop[cur][target];
	while (step != S_ERR && !vfmig_fsm_state_supported(mig_flags, step))
		step = next_hop[step][target];
	*next = step;
	return step == S_ERR ? -EINVAL : 0;
}

const char *vfmig_fsm_state_name(enum vfmig_mig_state state)
{
	static const char *const names[VFMIG_MIG_NUM_STATES] = {
		[S_ERR] = "ERROR",
		[S_STOP] = "STOP",
		[S_RUN] = "RUNNING",
		[S_SCOPY] = "STOP_COPY",
		[S_RESUME] = "RESUMING",
		[S_RUN_P2P] = "RUNNING_P2P",
		[S_PRE] = "PRE_COPY",
		[S_PRE_P2P] = "PRE_COPY_P2P",
	};

	if ((u32)state >= VFMIG_MIG_NUM_STATES)
		return "INVALID";
	return names[state];
}
