/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct vfmig_vfio_dev: the migration engine's only way to a device.
 *
 * One interface, two implementations:
 *   - "core" (lab/vfio_core.c): direct calls into the userspace driver core
 *     (struct vfmig_vfdev, BAR0 mediation, the DMA dirty tracker) on top of
 *     the X710 model and the PF agent. What the lab uses today.
 *   - "vfio" (issue 7): the same operations as VFIO ioctls on /dev/vfio for
 *     the kernel-hosted i40e_vfio_pci driver. Each operation below names
 *     the uAPI it stands for, and no operation needs anything a VFIO user
 *     cannot get, so that implementation is a straight mapping.
 *
 * Every operation returns 0 / a byte count, or a negative errno; after a
 * failure reason() gives a one-line explanation a human can act on.
 */
#ifndef VFMIG_LAB_VFIO_DEV_H
#define VFMIG_LAB_VFIO_DEV_H

#include <vfmig/osdep.h>
#include <vfmig/fsm.h>
#include <vfmig/dirty.h>

struct vfmig_vfio_dev;

/* An MSI-X vector fired (VFIO_DEVICE_SET_IRQS eventfd). */
typedef void (*vfmig_vfio_irq_fn)(void *ctx, u16 vector);

struct vfmig_vfio_dev_ops {
	/* VFIO_DEVICE_FEATURE_MIGRATION: VFMIG_MIGRATION_* supported. */
	u32 (*mig_flags)(struct vfmig_vfio_dev *d);
	/* VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, GET. */
	int (*get_state)(struct vfmig_vfio_dev *d, enum vfmig_mig_state *state);
	/*
	 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, SET. Any target is allowed
	 * (the kernel walks the arcs); the lab engine walks single arcs with
	 * vfmig_fsm_next_state() to time and cancel each one. Entering
	 * PRE_COPY/STOP_COPY from a non-saving state opens a new save data
	 * stream, entering RESUMING a new resume stream (the data_fd).
	 */
	int (*set_state)(struct vfmig_vfio_dev *d, enum vfmig_mig_state target);
	/*
	 * read() on the save data_fd: bytes read (> 0); 0 with *eof false is
	 * "no more for now" (read() fails with ENOMSG in PRE_COPY*); 0 with
	 * *eof true is the end of the stream (STOP_COPY).
	 */
	long (*save_read)(struct vfmig_vfio_dev *d, void *buf, size_t len,
			  bool *eof);
	/* write() on the resume data_fd. */
	long (*resume_write)(struct vfmig_vfio_dev *d, const void *buf,
			     size_t len);
	/* VFIO_MIG_GET_PRECOPY_INFO on the save data_fd. */
	int (*precopy_info)(struct vfmig_vfio_dev *d, u64 *initial_bytes,
			    u64 *dirty_bytes);
	/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE. */
	int (*data_size)(struct vfmig_vfio_dev *d, u64 *stop_copy_length);
	/*
	 * Destination: the initial (pre-copy) data written so far is loaded,
	 * so the source may switch over (QEMU's switchover-ack). VFIO has no
	 * query for it: the ioctl implementation answers "every resume write
	 * succeeded"; the core one asks the VF object whether MATCH is
	 * accepted and CONFIG pre-applied.
	 */
	bool (*init_data_loaded)(struct vfmig_vfio_dev *d);
	/* VFIO_DEVICE_FEATURE_DMA_LOGGING_START / _STOP / _REPORT. */
	int (*log_start)(struct vfmig_vfio_dev *d,
			 const struct vfmig_dirty_range *ranges, u32 nr,
			 u64 page_size);
	int (*log_stop)(struct vfmig_vfio_dev *d);
	/* Sets bit i of @bitmap for page iova + i * page_size; clears the log. */
	int (*log_report)(struct vfmig_vfio_dev *d, u64 iova, u64 length,
			  u64 page_size, u64 *bitmap);
	/*
	 * BAR0 (VFIO_PCI_BAR0_REGION_INDEX): pread/pwrite of 4 bytes, or the
	 * mmapped sparse areas for the pages that are not trapped.
	 */
	int (*bar0_read)(struct vfmig_vfio_dev *d, u32 off, u32 *val);
	int (*bar0_write)(struct vfmig_vfio_dev *d, u32 off, u32 val);
	/* VFIO_DEVICE_SET_IRQS (MSI-X eventfds). */
	void (*set_irq_handler)(struct vfmig_vfio_dev *d, vfmig_vfio_irq_fn fn,
				void *ctx);
	/* VFIO_DEVICE_RESET (FLR). The device is RUNNING afterwards. */
	int (*reset)(struct vfmig_vfio_dev *d);
	/* The last failure, one line ("" if none). */
	void (*reason)(struct vfmig_vfio_dev *d, char *buf, size_t len);
	void (*destroy)(struct vfmig_vfio_dev *d);
};

struct vfmig_vfio_dev {
	const struct vfmig_vfio_dev_ops *ops;
	char name[32];		/* "hostA/vf0", for messages */
};

static inline enum vfmig_mig_state vfmig_vfio_state(struct vfmig_vfio_dev *d)
{
	enum vfmig_mig_state s = VFMIG_MIG_ERROR;

	if (d->ops->get_state(d, &s))
		return VFMIG_MIG_ERROR;
	return s;
}

/*
 * Walk from the current state to @target one arc at a time with
 * vfmig_fsm_next_state(), as the vfio core does. Stops at the first failed
 * arc. @arcs (may be NULL) counts the arcs taken.
 */
int vfmig_vfio_walk(struct vfmig_vfio_dev *d, enum vfmig_mig_state target,
		    u32 *arcs);

#endif /* VFMIG_LAB_VFIO_DEV_H */
