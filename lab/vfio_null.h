/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A struct vfmig_vfio_dev with nothing behind it: no state, no DMA, every
 * arc allowed (STOP_COPY and P2P; no PRE_COPY, as QEMU migrates a VM that
 * has no VFIO device: no device data, no switchover-ack). The bench
 * migrates "the same VM with no VF attached" with it, so that the VF's cost
 * is the difference between two runs of one engine.
 */
#ifndef VFMIG_LAB_VFIO_NULL_H
#define VFMIG_LAB_VFIO_NULL_H

#include "vfio_dev.h"

struct vfmig_vfio_dev *lab_vfio_null_new(const char *name);

#endif /* VFMIG_LAB_VFIO_NULL_H */
