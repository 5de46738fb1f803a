/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * i40e_vfio_pci: private declarations shared by the driver's files.
 *
 *   main.c      pci_driver: probe, remove, error handlers, module init
 *   vfio_dev.c  vfio_device_ops: open/close, region info, BAR0 mediation
 *   mig.c       vfio_migration_ops and the migration data files
 *   dirty.c     vfio_log_ops onto the core's software dirty tracker
 *   cmd.c       the backends (PF side) and the core's device callbacks
 *
 * The portable core (driver/core, include/vfmig) does the migration work;
 * these files map the kernel's interfaces onto it.
 *
 * Locking, outermost first:
 *   core_device.memory_lock -> state_mutex (here) -> migration file lock ->
 *   the core's state_mutex -> the core's mediate lock
 * A trapped BAR0 access takes memory_lock (read) before it enters the core
 * (the device must not be touched while vfio-pci-core resets it or memory
 * decode is off), and reset_done() runs with memory_lock held for write and
 * takes state_mutex; nothing under state_mutex ever waits for memory_lock.
 * None of these locks is held across copy_to_user()/copy_from_user(): user
 * copies happen before or after, under at most a file's io_lock, which no
 * other path takes. So there is no deferred-reset dance.
 */
#ifndef I40E_VFIO_PCI_H
#define I40E_VFIO_PCI_H

#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/vfio_pci_core.h>
#include <vfmig/vfdev.h>
#include "i40e_vfio_backend.h"

#define I40E_VFIO_DRV_NAME	"i40e_vfio_pci"

/* Bounce buffer of a migration file: one copy to or from userspace. */
#define I40E_VFIO_MIGF_BUF	(64 * 1024)

/**
 * struct i40e_vfio_migf - one migration data file (save or resume)
 * @filp: the anon inode file; the device holds a reference while it points
 *	here (ivdev->save_file / resume_file)
 * @ivdev: the device
 * @io_lock: serializes reads and writes of the file (held across the user
 *	copy; only file operations take it)
 * @lock: serializes each step into the core with disabling the file; never
 *	held across a user copy
 * @wq: poll() waiters: woken when the file is disabled and when an arc
 *	produces more data (PRE_COPY_P2P -> STOP_COPY)
 * @disabled: latched when the device leaves the file's states, is reset
 *	or closed; every later call returns -ENODEV
 * @pos: stream offset of the next read or write
 * @buf: bounce buffer, I40E_VFIO_MIGF_BUF bytes
 */
struct i40e_vfio_migf {
	struct file *filp;
	struct i40e_vfio_pci_device *ivdev;
	struct mutex io_lock;
	struct mutex lock;
	wait_queue_head_t wq;
	bool disabled;
	u64 pos;
	u8 *buf;
};

/**
 * struct i40e_vfio_pci_device - one VF bound to the driver
 * @core_device: vfio-pci core state (must be first: vfio_alloc_device)
 * @backend: the PF side serving the VF, or NULL (no migration)
 * @backend_priv: the backend's cookie for this VF
 * @vf: the VF's number on its PF
 * @mig: the portable migration object, or NULL (no migration)
 * @bar0: the VF's BAR0 (when the backend does not serve BAR0)
 * @state_mutex: see the locking rules above
 * @save_file: the open save file, or NULL
 * @resume_file: the open resume file, or NULL
 * @logging: DMA logging is running (vfio_log_ops)
 */
struct i40e_vfio_pci_device {
	struct vfio_pci_core_device core_device;
	struct i40e_vfio_backend *backend;
	void *backend_priv;
	u16 vf;
	struct vfmig_vfdev *mig;
	void __iomem *bar0;
	struct mutex state_mutex;
	struct i40e_vfio_migf *save_file;
	struct i40e_vfio_migf *resume_file;
	bool logging;
};

static inline struct i40e_vfio_pci_device *
i40e_vfio_from_vdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct i40e_vfio_pci_device,
			    core_device.vdev);
}

static inline struct pci_dev *i40e_vfio_pdev(struct i40e_vfio_pci_device *ivdev)
{
	return ivdev->core_device.pdev;
}

/* vfio_dev.c */
extern const struct vfio_device_ops i40e_vfio_pci_ops;
void i40e_vfio_reset_locked(struct i40e_vfio_pci_device *ivdev);

/* mig.c */
extern const struct vfio_migration_ops i40e_vfio_mig_ops;
void i40e_vfio_mig_files_disable_locked(struct i40e_vfio_pci_device *ivdev);

/* dirty.c */
extern const struct vfio_log_ops i40e_vfio_log_ops;
void i40e_vfio_dirty_init(void);
void i40e_vfio_dirty_exit(void);
bool i40e_vfio_dirty_available(void);
void i40e_vfio_dirty_stop_locked(struct i40e_vfio_pci_device *ivdev);

/* cmd.c */
int i40e_vfio_backend_claim(struct i40e_vfio_pci_device *ivdev);
void i40e_vfio_backend_release(struct i40e_vfio_pci_device *ivdev);
int i40e_vfio_mig_init(struct i40e_vfio_pci_device *ivdev);
void i40e_vfio_mig_uninit(struct i40e_vfio_pci_device *ivdev);
int i40e_vfio_bar0_map(struct i40e_vfio_pci_device *ivdev);
void i40e_vfio_bar0_unmap(struct i40e_vfio_pci_device *ivdev);
int i40e_vfio_hw_bar0_read(struct i40e_vfio_pci_device *ivdev, u32 off,
			   u32 *val);
int i40e_vfio_hw_bar0_write(struct i40e_vfio_pci_device *ivdev, u32 off,
			    u32 val);
void i40e_vfio_backend_open(struct i40e_vfio_pci_device *ivdev);
void i40e_vfio_backend_close(struct i40e_vfio_pci_device *ivdev);
void i40e_vfio_backend_reset(struct i40e_vfio_pci_device *ivdev);

#endif /* I40E_VFIO_PCI_H */
