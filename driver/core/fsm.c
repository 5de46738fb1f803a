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

/* Short names keep the table below readable. */
#define STP	VFMIG_MIG_STOP
#define RUN	VFMIG_MIG_RUNNING
#define SCP	VFMIG_MIG_STOP_COPY
#define RES	VFMIG_MIG_RESUMING
#define RP2	VFMIG_MIG_RUNNING_P2P
#define PRE	VFMIG_MIG_PRE_COPY
#define PP2	VFMIG_MIG_PRE_COPY_P2P
#define ERR	VFMIG_MIG_ERROR

/*
 * next_hop[cur][target]: the first arc of the prescribed path when every
 * optional state is supported. ERROR marks requests no path satisfies.
 * Columns: ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY,
 * PRE_COPY_P2P.
 */
static const u8 next_hop[VFMIG_MIG_NUM_STATES][VFMIG_MIG_NUM_STATES] = {
	/* target:  ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P */
	[ERR] = { ERR, ERR, ERR, ERR, ERR, ERR, ERR, ERR },
	[STP] = { ERR, STP, RP2, SCP, RES, RP2, RP2, RP2 },
	[RUN] = { ERR, RP2, RUN, RP2, RP2, RP2, PRE, RP2 },
	[SCP] = { ERR, STP, STP, SCP, STP, STP, ERR, ERR },
	[RES] = { ERR, STP, STP, STP, RES, STP, STP, STP },
	[RP2] = { ERR, STP, RUN, STP, STP, RP2, RUN, PP2 },
	[PRE] = { ERR, RUN, RUN, PP2, RUN, RUN, PRE, PP2 },
	[PP2] = { ERR, RP2, RP2, SCP, RP2, RP2, PRE, PP2 },
};

/* The VFMIG_MIGRATION_* flags a device needs for each state to exist. */
static const u32 state_needs[VFMIG_MIG_NUM_STATES] = {
	[ERR]     = ~0U,	/* never a valid request or current state */
	[STP]    = VFMIG_MIGRATION_STOP_COPY,
	[RUN]     = VFMIG_MIGRATION_STOP_COPY,
	[SCP]   = VFMIG_MIGRATION_STOP_COPY,
	[RES]  = VFMIG_MIGRATION_STOP_COPY,
	[RP2] = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P,
	[PRE]     = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_PRE_COPY,
	[PP2] = VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P |
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
	while (step != ERR && !vfmig_fsm_state_supported(mig_flags, step))
		step = next_hop[step][target];
	*next = step;
	return step == ERR ? -EINVAL : 0;
}

const char *vfmig_fsm_state_name(enum vfmig_mig_state state)
{
	static const char *const names[VFMIG_MIG_NUM_STATES] = {
		[ERR] = "ERROR",
		[STP] = "STOP",
		[RUN] = "RUNNING",
		[SCP] = "STOP_COPY",
		[RES] = "RESUMING",
		[RP2] = "RUNNING_P2P",
		[PRE] = "PRE_COPY",
		[PP2] = "PRE_COPY_P2P",
	};

	if ((u32)state >= VFMIG_MIG_NUM_STATES)
		return "INVALID";
	return names[state];
}
