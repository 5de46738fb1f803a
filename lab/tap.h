/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP devices of the netns lab, opened from a host process that lives in
 * another network namespace: the process enters the device's namespace
 * (setns on /run/netns/NAME, as `ip netns exec` does) only to open it, and
 * the file stays bound to the device. Single-threaded callers only.
 *
 * The guest's TAP is multi-queue: both hosts attach a queue, and the one
 * whose vCPU does not run keeps its queue detached (TUNSETQUEUE), so the
 * guest's stack always talks to the host the VM runs on.
 */
#ifndef VFMIG_LAB_TAP_H
#define VFMIG_LAB_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Attach to the existing TAP @name in network namespace @netns (NULL: this
 * one); non-blocking. The fd, or -1 with a one-line reason in @err.
 */
int lab_tap_open(const char *netns, const char *name, bool multi_queue,
		 char *err, size_t errlen);
/* Multi-queue: enable (attach) or disable (detach) this file's queue. */
int lab_tap_queue(int fd, bool attach, char *err, size_t errlen);
/* Set the device's MAC and bring it up (the guest's driver is ready). */
int lab_tap_set_mac_up(const char *netns, const char *name,
		       const uint8_t mac[6], char *err, size_t errlen);

#endif /* VFMIG_LAB_TAP_H */
