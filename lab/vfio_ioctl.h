/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "vfio" implementation of struct vfmig_vfio_dev (vfio_dev.h): real
 * VFIO ioctls on /dev/vfio for a device bound to a kernel-hosted driver
 * (i40e_vfio_pci), type1 container mode. Plus the low-level wrappers it is
 * made of, which tests/kernel/vfio_check.c shares: each is one uAPI call
 * and returns 0 (or a count) or -errno, nothing else.
 *
 * The uAPI is include/uapi/linux/vfio.h of Linux 6.12 (vfio_uapi.h supplies
 * what Debian 12's 6.1 headers lack). Userspace only.
 */
#ifndef VFMIG_LAB_VFIO_IOCTL_H
#define VFMIG_LAB_VFIO_IOCTL_H

#include <vfmig/osdep.h>
#include "vfio_uapi.h"
#include "vfio_dev.h"

/* ---- low-level wrappers: 0 or -errno -------------------------------------- */

int lab_vfio_xioctl(int fd, unsigned long req, void *arg);
/* "strerror (errno)" of a negative errno, "success" for 0 (rotating buffers). */
const char *lab_vfio_err(int neg);

/* The device's container, group and device fds, and its IOMMU group. */
struct lab_vfio_fds {
	int group_id;
	int container;
	int group;
	int fd;
};

/*
 * Open @bdf the type1 way: a new container (API version, TYPE1v2), the
 * device's group (viable: alone in it), the group set to the container,
 * TYPE1v2 set, the device fd. On failure -errno, a one-line reason in @why
 * naming the step (@name, e.g. "A", prefixes the device-level ones), and
 * the fds opened so far still in @f (lab_vfio_close() closes them).
 */
int lab_vfio_open(const char *name, const char *bdf, struct lab_vfio_fds *f,
		  char *why, size_t len);
void lab_vfio_close(struct lab_vfio_fds *f);
/* /sys/bus/pci/devices/BDF/iommu_group's number, or -1. */
int lab_vfio_group_of(const char *bdf);
/* VFIO_IOMMU_MAP_DMA (read and write) of [vaddr, +size) at @iova. */
int lab_vfio_map_dma(int container, void *vaddr, u64 iova, u64 size);
int lab_vfio_unmap_dma(int container, u64 iova, u64 size);

/* VFIO_DEVICE_FEATURE with @len (<= 64) bytes of data, copied back after. */
int lab_vfio_feature(int fd, u32 flags, void *data, size_t len);
/* VFIO_DEVICE_FEATURE_PROBE of @feat for @how (GET or SET). */
int lab_vfio_probe(int fd, u32 feat, u32 how);
/* VFIO_DEVICE_FEATURE_MIGRATION: the VFIO_MIGRATION_* flags. */
int lab_vfio_mig_flags(int fd, u64 *flags);
/* GET MIG_DEVICE_STATE; *@state is UINT_MAX on failure. */
int lab_vfio_mig_get(int fd, u32 *state);
/*
 * SET MIG_DEVICE_STATE. *@data_fd gets the new session's fd or -1; without
 * @data_fd a returned fd is closed.
 */
int lab_vfio_mig_set(int fd, u32 state, int *data_fd);
/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE. */
int lab_vfio_data_size(int fd, u64 *len);
/* VFIO_MIG_GET_PRECOPY_INFO on a save data_fd. */
int lab_vfio_precopy_info(int data_fd, u64 *initial, u64 *dirty);
/* VFIO_DEVICE_RESET. */
int lab_vfio_reset(int fd);
/* 4-byte region access at @region + @off (BAR0: VFIO_PCI_BAR0_REGION_INDEX). */
int lab_vfio_region_read32(int fd, u64 region, u32 off, u32 *val);
int lab_vfio_region_write32(int fd, u64 region, u32 off, u32 val);
/* File offset of region @index (VFIO_DEVICE_GET_REGION_INFO). */
int lab_vfio_region_info(int fd, u32 index, struct vfio_region_info *ri);
/* DMA_LOGGING_START of @nr ranges; *@page_size in: wanted, out: granted. */
int lab_vfio_log_start(int fd, const struct vfio_device_feature_dma_logging_range *ranges,
		       u32 nr, u64 *page_size);
int lab_vfio_log_stop(int fd);
/* DMA_LOGGING_REPORT: sets bit i of @bitmap for page iova + i * page_size. */
int lab_vfio_log_report(int fd, u64 iova, u64 len, u64 page_size, u64 *bitmap);

/* ---- struct vfmig_vfio_dev over the ioctls ---------------------------------- */

struct lab_vfio_ioctl_cfg {
	const char *bdf;		/* 0000:01:00.0 */
	/* guest RAM as the device sees it, mapped at IOVA 0 in a container of its own */
	void *ram;
	u64 ram_size;
	/*
	 * The kernel offers no device DMA logging (DMA_LOGGING_START: ENOTTY):
	 * accept log_start() anyway and report every page dirty, as QEMU does
	 * without device dirty tracking. Otherwise log_start() fails.
	 */
	bool all_dirty_fallback;
};

/*
 * The device, reset (VFIO_DEVICE_RESET: a previous user's state is gone)
 * and RUNNING, or NULL with a one-line reason in @err.
 */
struct vfmig_vfio_dev *lab_vfio_ioctl_new(const struct lab_vfio_ioctl_cfg *cfg,
					  const char *name, char *err,
					  size_t errlen);
/* Device DMA logging fell back to "every page dirty" (no log in the kernel). */
bool lab_vfio_ioctl_all_dirty(struct vfmig_vfio_dev *d);
/* Whether the kernel offers device DMA logging (the PROBE at open). */
bool lab_vfio_ioctl_has_dmalog(struct vfmig_vfio_dev *d);
/* BAR0 accesses that failed (a guest sees ~0 for a failed read). */
u64 lab_vfio_ioctl_bar0_errors(struct vfmig_vfio_dev *d);

#endif /* VFMIG_LAB_VFIO_IOCTL_H */
