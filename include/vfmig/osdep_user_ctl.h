/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace-only controls of the userspace osdep: where log lines go and how
 * verbose they are. For lab/, tests/ and bench/; portable code never
 * includes this.
 */
#ifndef VFMIG_OSDEP_USER_CTL_H
#define VFMIG_OSDEP_USER_CTL_H

#include <vfmig/osdep.h>

typedef void (*vfmig_log_sink_fn)(void *ctx, enum vfmig_log_level level,
				  const char *line);

/* Lines above @level are dropped (default VFMIG_LOG_WARN). */
void vfmig_log_set_level(enum vfmig_log_level level);
/* Send every line (all levels) to @fn instead of stderr; NULL restores. */
void vfmig_log_set_sink(vfmig_log_sink_fn fn, void *ctx);

#endif /* VFMIG_OSDEP_USER_CTL_H */
