// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: vfio-pci variant driver for Intel X710 VFs with live
 * migration.
 *
 * Foundation stage: this module carries the portable migration core
 * (driver/core: state machine, device-state stream, software DMA dirty
 * tracker) built with the kernel osdep. The pci_driver and the vfio_device,
 * vfio_migration_ops and vfio_log_ops surfaces come in driver/{vfio_dev,mig,
 * dirty,cmd}.c; until then loading it binds nothing.
 */
#include <linux/module.h>
#include <vfmig/osdep.h>
#include <vfmig/fsm.h>

static int __init i40e_vfio_pci_init(void)
{
	enum vfmig_mig_state next;

	/* A cheap sanity check that the core linked in is the one we expect. */
	if (vfmig_fsm_next_state(VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P,
				 VFMIG_MIG_RUNNING, VFMIG_MIG_STOP, &next) ||
	    next != VFMIG_MIG_RUNNING_P2P)
		return -EINVAL;
	pr_info("i40e_vfio_pci: migration core loaded; no devices are bound yet\n");
	return 0;
}

static void __exit i40e_vfio_pci_exit(void)
{
}

module_init(i40e_vfio_pci_init);
module_exit(i40e_vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO variant driver with live migration for Intel X710 VFs");
MODULE_SOFTDEP("pre: libcrc32c");
