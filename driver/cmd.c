// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: the PF-side backends and the core's device callbacks.
 *
 * A PF-side module registers a struct i40e_vfio_backend
 * (i40e_vfio_backend.h); probe asks each backend in turn whether it serves
 * the VF. The migration object of the portable core (struct vfmig_vfdev)
 * then reaches the PF agent through the backend's transport, the guest's
 * memory through vfio_dma_rw() and the VF's registers through BAR0 (or the
 * backend, when it serves BAR0 itself).
 */
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include "i40e_vfio_pci.h"

static LIST_HEAD(i40e_vfio_backends);
static DEFINE_MUTEX(i40e_vfio_backends_lock);

/**
 * i40e_vfio_pci_register_backend - offer migration for the VFs @b claims
 * @b: the backend; must stay valid until unregistered
 *
 * VFs probed from now on are offered to @b. Return: 0, or -EINVAL for an
 * incomplete backend.
 */
int i40e_vfio_pci_register_backend(struct i40e_vfio_backend *b)
{
	if (!b || !b->owner || !b->name || !b->claim ||
	    !b->bar0_read != !b->bar0_write)
		return -EINVAL;

	mutex_lock(&i40e_vfio_backends_lock);
	list_add_tail(&b->node, &i40e_vfio_backends);
	mutex_unlock(&i40e_vfio_backends_lock);
	pr_info(I40E_VFIO_DRV_NAME ": backend %s registered\n", b->name);
	return 0;
}
EXPORT_SYMBOL_GPL(i40e_vfio_pci_register_backend);

/* Stops new claims; VFs already claimed keep the backend (its module is pinned). */
void i40e_vfio_pci_unregister_backend(struct i40e_vfio_backend *b)
{
	mutex_lock(&i40e_vfio_backends_lock);
	list_del_init(&b->node);
	mutex_unlock(&i40e_vfio_backends_lock);
	pr_info(I40E_VFIO_DRV_NAME ": backend %s unregistered\n", b->name);
}
EXPORT_SYMBOL_GPL(i40e_vfio_pci_unregister_backend);

/*
 * Find the backend that serves the VF. Return 0 with ivdev->backend set
 * (its module pinned) and @agent filled in; -ENODEV when no backend claims
 * the VF; another errno when one claimed it but refused.
 */
static int i40e_vfio_backend_find(struct i40e_vfio_pci_device *ivdev,
				  struct vfmig_agent_transport *agent)
{
	struct pci_dev *pdev = i40e_vfio_pdev(ivdev);
	struct i40e_vfio_backend *b;
	int ret = -ENODEV;

	mutex_lock(&i40e_vfio_backends_lock);
	list_for_each_entry(b, &i40e_vfio_backends, node) {
		if (!try_module_get(b->owner))
			continue;
		ret = b->claim(b, pdev, &ivdev->vf, agent, &ivdev->backend_priv);
		if (!ret) {
			ivdev->backend = b;
			break;
		}
		module_put(b->owner);
		if (ret != -ENODEV) {
			pci_warn(pdev, "backend %s refused the VF: %d\n",
				 b->name, ret);
			break;
		}
	}
	mutex_unlock(&i40e_vfio_backends_lock);
	return ret;
}

void i40e_vfio_backend_release(struct i40e_vfio_pci_device *ivdev)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (!b)
		return;
	if (b->unclaim)
		b->unclaim(b, ivdev->backend_priv);
	ivdev->backend = NULL;
	module_put(b->owner);
}

void i40e_vfio_backend_open(struct i40e_vfio_pci_device *ivdev)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (b && b->open)
		b->open(b, ivdev->backend_priv, &ivdev->core_device.vdev);
}

void i40e_vfio_backend_close(struct i40e_vfio_pci_device *ivdev)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (b && b->close)
		b->close(b, ivdev->backend_priv);
}

void i40e_vfio_backend_reset(struct i40e_vfio_pci_device *ivdev)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (b && b->reset)
		b->reset(b, ivdev->backend_priv);
}

/* ---- The core's device callbacks (struct vfmig_vfdev_ops) ---------------- */

static int i40e_vfio_dma_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct i40e_vfio_pci_device *ivdev = ctx;

	/*
	 * Descriptors the guest posted, read through the user's IOMMU
	 * mappings (type1 container). Fails when the device is not open.
	 */
	if (vfio_dma_rw(&ivdev->core_device.vdev, iova, buf, len, false))
		return -EFAULT;
	return 0;
}

/* BAR0 of the device itself; the caller holds memory_lock (see vfio_dev.c). */
static int i40e_vfio_bar0_access(struct i40e_vfio_pci_device *ivdev, u32 off,
				 u32 *val, bool write)
{
	lockdep_assert_held(&ivdev->core_device.memory_lock);
	if (!ivdev->bar0 || off > VFMIG_VF_BAR0_SIZE - sizeof(u32) ||
	    (off & 3))
		return -EINVAL;
	if (write)
		iowrite32(*val, ivdev->bar0 + off);
	else
		*val = ioread32(ivdev->bar0 + off);
	return 0;
}

/* A BAR0 register of the VF, from the backend when it serves BAR0. */
int i40e_vfio_hw_bar0_read(struct i40e_vfio_pci_device *ivdev, u32 off,
			   u32 *val)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (b->bar0_read)
		return b->bar0_read(b, ivdev->backend_priv, off, val);
	return i40e_vfio_bar0_access(ivdev, off, val, false);
}

int i40e_vfio_hw_bar0_write(struct i40e_vfio_pci_device *ivdev, u32 off,
			    u32 val)
{
	struct i40e_vfio_backend *b = ivdev->backend;

	if (b->bar0_write)
		return b->bar0_write(b, ivdev->backend_priv, off, val);
	return i40e_vfio_bar0_access(ivdev, off, &val, true);
}

static int i40e_vfio_bar0_read(void *ctx, u32 off, u32 *val)
{
	return i40e_vfio_hw_bar0_read(ctx, off, val);
}

static int i40e_vfio_bar0_write(void *ctx, u32 off, u32 val)
{
	return i40e_vfio_hw_bar0_write(ctx, off, val);
}

static const struct vfmig_vfdev_ops i40e_vfio_vfdev_ops = {
	.dma_read	= i40e_vfio_dma_read,
	.bar0_read	= i40e_vfio_bar0_read,
	.bar0_write	= i40e_vfio_bar0_write,
};

int i40e_vfio_bar0_map(struct i40e_vfio_pci_device *ivdev)
{
	struct pci_dev *pdev = i40e_vfio_pdev(ivdev);

	if (!ivdev->mig || ivdev->backend->bar0_read)
		return 0;
	if (pci_resource_len(pdev, 0) < VFMIG_VF_BAR0_SIZE ||
	    !(pci_resource_flags(pdev, 0) & IORESOURCE_MEM)) {
		pci_warn(pdev, "BAR0 is not a %u KiB memory BAR\n",
			 VFMIG_VF_BAR0_SIZE / 1024);
		return -ENODEV;
	}
	ivdev->bar0 = pci_iomap(pdev, 0, VFMIG_VF_BAR0_SIZE);
	return ivdev->bar0 ? 0 : -ENOMEM;
}

void i40e_vfio_bar0_unmap(struct i40e_vfio_pci_device *ivdev)
{
	if (ivdev->bar0)
		pci_iounmap(i40e_vfio_pdev(ivdev), ivdev->bar0);
	ivdev->bar0 = NULL;
}

/**
 * i40e_vfio_mig_init - make the VF migratable if a backend serves it
 * @ivdev: the device, during vfio_device init
 *
 * Return: 0 with ivdev->mig set (migratable) or left NULL (plain
 * passthrough, with the reason in the log); a negative errno only for
 * failures that must fail the probe (memory).
 */
int i40e_vfio_mig_init(struct i40e_vfio_pci_device *ivdev)
{
	struct pci_dev *pdev = i40e_vfio_pdev(ivdev);
	struct vfmig_vfdev_cfg cfg = {};
	struct vfmig_vfdev *mig;
	int ret;

	ret = i40e_vfio_backend_find(ivdev, &cfg.agent);
	if (ret == -ENODEV) {
		pci_info(pdev, "no PF agent serves this VF (is the PF side loaded?); migration disabled\n");
		return 0;
	}
	if (ret) {
		pci_info(pdev, "migration disabled\n");
		return 0;
	}

	cfg.vf = ivdev->vf;
	cfg.ops = &i40e_vfio_vfdev_ops;
	cfg.ctx = ivdev;
	mig = vfmig_vfdev_new(&cfg);
	if (IS_ERR(mig)) {
		ret = PTR_ERR(mig);
		goto err_release_backend;
	}
	ivdev->mig = mig;
	pci_info(pdev, "VF %u served by %s: migration enabled%s\n", ivdev->vf,
		 ivdev->backend->name, i40e_vfio_dirty_available() ? "" :
		 "; no device dirty logging: this kernel's vfio.ko cannot report it (no iova_bitmap: CONFIG_IOMMUFD_DRIVER off)");
	return 0;

err_release_backend:
	i40e_vfio_backend_release(ivdev);
	return ret;
}

void i40e_vfio_mig_uninit(struct i40e_vfio_pci_device *ivdev)
{
	if (ivdev->mig)
		vfmig_vfdev_free(ivdev->mig);
	ivdev->mig = NULL;
	i40e_vfio_backend_release(ivdev);
}
