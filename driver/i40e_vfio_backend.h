/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * i40e_vfio_pci backends: how the PF side offers migration for its VFs.
 *
 * Only the PF can quiesce a VF's queues, snapshot and restore its state
 * (pf-agent/). A module that runs next to the PF driver registers a backend
 * here; when i40e_vfio_pci probes a VF it asks every registered backend
 * whether it serves that VF (@claim), and if one does the VF is migratable
 * through that backend's agent transport. A VF no backend claims is still
 * bound and works as plain vfio-pci passthrough, without migration; probe
 * says so in the kernel log.
 *
 * The backend is consulted at probe only: a VF bound before its PF side
 * registered must be rebound to become migratable (unbind/bind, as for any
 * driver_override change).
 *
 * A backend may also serve the VF's BAR0 registers itself (@bar0_read,
 * @bar0_write); the product leaves them NULL and the driver reaches the
 * device's BAR0. A test backend that stands a register-level model behind
 * another PCI function uses them (and sets @no_bar0_mmap so that every BAR0
 * access comes through the driver).
 *
 * Lifetime: @owner is pinned from a successful claim until the VF is
 * released, so the backend's callbacks stay valid while a VF uses it.
 * i40e_vfio_pci_unregister_backend() only stops new claims.
 */
#ifndef I40E_VFIO_BACKEND_H
#define I40E_VFIO_BACKEND_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <vfmig/agent.h>

struct vfio_device;

/**
 * struct i40e_vfio_backend - a PF side that offers migration for VFs
 * @owner: THIS_MODULE of the registering module
 * @name: short name for log messages
 * @claim: does this backend serve @pdev? On yes fill @vf (the VF's number
 *	on its PF), @agent (the transport to the PF agent; @agent->ctx is
 *	the backend's) and @priv (passed back to every callback below for
 *	this VF) and return 0; -ENODEV otherwise, or another negative errno
 *	to refuse migration for a VF it knows but cannot serve now.
 * @unclaim: optional: the VF is going away; undo what @claim did
 * @open: optional: userspace opened the VF (@vdev is valid, its IOMMU
 *	context may now be used with vfio_dma_rw())
 * @close: optional: the last user closed the VF
 * @reset: optional: the PCI core reset the VF (FLR, VFIO_DEVICE_RESET, a
 *	bus reset); a backend that stands in for the device resets it here
 *	(on hardware the FLR itself did)
 * @bar0_read: optional: 32-bit read of BAR0 at @off
 * @bar0_write: optional: 32-bit write of BAR0 at @off
 * @no_bar0_mmap: no part of BAR0 may be mmapped by userspace
 * @node: private to i40e_vfio_pci
 */
struct i40e_vfio_backend {
	struct module *owner;
	const char *name;
	int (*claim)(struct i40e_vfio_backend *b, struct pci_dev *pdev,
		     u16 *vf, struct vfmig_agent_transport *agent, void **priv);
	void (*unclaim)(struct i40e_vfio_backend *b, void *priv);
	void (*open)(struct i40e_vfio_backend *b, void *priv,
		     struct vfio_device *vdev);
	void (*close)(struct i40e_vfio_backend *b, void *priv);
	void (*reset)(struct i40e_vfio_backend *b, void *priv);
	int (*bar0_read)(struct i40e_vfio_backend *b, void *priv, u32 off,
			 u32 *val);
	int (*bar0_write)(struct i40e_vfio_backend *b, void *priv, u32 off,
			  u32 val);
	bool no_bar0_mmap;
	struct list_head node;
};

int i40e_vfio_pci_register_backend(struct i40e_vfio_backend *b);
void i40e_vfio_pci_unregister_backend(struct i40e_vfio_backend *b);

#endif /* I40E_VFIO_BACKEND_H */
