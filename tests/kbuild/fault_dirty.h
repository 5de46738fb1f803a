/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfmig_portable.ko's negative control for the device dirty log (test only):
 * drop_dirty=1 empties i40e_vfio_pci's dirty reports (fault_dirty.c).
 */
#ifndef VFMIG_TESTS_FAULT_DIRTY_H
#define VFMIG_TESTS_FAULT_DIRTY_H

int vfmig_fault_dirty_init(void);
void vfmig_fault_dirty_exit(void);

#endif /* VFMIG_TESTS_FAULT_DIRTY_H */
