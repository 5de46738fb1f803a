/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The model backend of vfmig_portable.ko (test only): X710 model PFs behind
 * QEMU's edu devices, offered to i40e_vfio_pci as a PF-side backend.
 */
#ifndef VFMIG_TESTS_MODEL_BACKEND_H
#define VFMIG_TESTS_MODEL_BACKEND_H

int vfmig_model_backend_init(void);
void vfmig_model_backend_exit(void);

#endif /* VFMIG_TESTS_MODEL_BACKEND_H */
