/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO migration state machine, portable.
 *
 * The states and flags carry the values of enum vfio_device_mig_state and
 * VFIO_MIGRATION_* in <linux/vfio.h>, so they cross the uAPI unchanged.
 */
#ifndef VFMIG_FSM_H
#define VFMIG_FSM_H

#include <vfmig/osdep.h>

enum vfmig_mig_state {
	VFMIG_MIG_ERROR = 0,
	VFMIG_MIG_STOP = 1,
	VFMIG_MIG_RUNNING = 2,
	VFMIG_MIG_STOP_COPY = 3,
	VFMIG_MIG_RESUMING = 4,
	VFMIG_MIG_RUNNING_P2P = 5,
	VFMIG_MIG_PRE_COPY = 6,
	VFMIG_MIG_PRE_COPY_P2P = 7,
	VFMIG_MIG_NUM_STATES
};

#define VFMIG_MIGRATION_STOP_COPY	1
#define VFMIG_MIGRATION_P2P		2
#define VFMIG_MIGRATION_PRE_COPY	4

/**
 * vfmig_fsm_next_state - the next single arc toward @target
 * @mig_flags: VFMIG_MIGRATION_* the device supports
 * @cur: the device's current state
 * @target: the state the user asked for
 * @next: out, the state the driver must move to next
 *
 * Behaves exactly like the kernel's vfio_mig_get_next_state(): the same next
 * step for every (flags, cur, target), states the flags do not support are
 * stepped over, and the same cases fail. Callers loop until *next == target.
 *
 * Return: 0, or -EINVAL when @cur or @target is ERROR, out of range or not
 * supported by @mig_flags, or when no path exists (STOP_COPY to a PRE_COPY
 * state); *next is then ERROR when the failure came from the table.
 */
int vfmig_fsm_next_state(u32 mig_flags, enum vfmig_mig_state cur,
			 enum vfmig_mig_state target, enum vfmig_mig_state *next);

/* Whether @mig_flags support @state (ERROR is never supported). */
bool vfmig_fsm_state_supported(u32 mig_flags, enum vfmig_mig_state state);

/* "RUNNING_P2P" etc.; "INVALID" for values outside the enum. */
const char *vfmig_fsm_state_name(enum vfmig_mig_state state);

#endif /* VFMIG_FSM_H */
