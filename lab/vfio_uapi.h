/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of the VFIO migration uAPI that Debian 12's userspace
 * <linux/vfio.h> (Linux 6.1) does not have yet, for the VFIO client
 * wrappers (lab/vfio_ioctl.c) and their users (vfmig-lab migrate --vfio,
 * tests/kernel/vfio_check.c). One copy in the tree. Values
 * and layouts are those of include/uapi/linux/vfio.h in Linux 6.12 (the
 * normative text; see the comments there). Each block is guarded, so a
 * newer <linux/vfio.h> wins.
 */
#ifndef VFMIG_LAB_VFIO_UAPI_H
#define VFMIG_LAB_VFIO_UAPI_H

#include <linux/types.h>
#include <linux/vfio.h>

/*
 * Linux 6.2: PRE_COPY. The migration flag, the two states (values of enum
 * vfio_device_mig_state, which came with the flag) and the pre-copy size
 * query on the save data_fd.
 */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
#endif

#ifndef VFIO_MIG_GET_PRECOPY_INFO
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

/* Linux 6.3: how many bytes a STOP_COPY would still produce. */
#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};

#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	9
#endif

/* Every state value of 6.12's enum; the first one that is not a state. */
#define VFIO_CHECK_STATE_NR		8

#endif /* VFMIG_LAB_VFIO_UAPI_H */
