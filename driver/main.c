// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: vfio-pci variant driver for Intel X710 VFs with live
 * migration (VFIO migration uAPI v2: STOP_COPY, RUNNING_P2P, PRE_COPY) and
 * device DMA dirty logging done in software.
 *
 * This file is the pci_driver. The id_table uses
 * PCI_DRIVER_OVERRIDE_DEVICE_VFIO, so the driver binds only through
 * driver_override and modules.alias carries the "vfio_pci:" lines that
 * libvirt uses to choose a variant driver automatically.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>
#include "i40e_vfio_pci.h"

static int i40e_vfio_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	struct i40e_vfio_pci_device *ivdev;
	int ret;

	ivdev = vfio_alloc_device(i40e_vfio_pci_device, core_device.vdev,
				  &pdev->dev, &i40e_vfio_pci_ops);
	if (IS_ERR(ivdev))
		return PTR_ERR(ivdev);

	dev_set_drvdata(&pdev->dev, &ivdev->core_device);
	ret = vfio_pci_core_register_device(&ivdev->core_device);
	if (ret)
		goto err_put_device;
	return 0;

err_put_device:
	vfio_put_device(&ivdev->core_device.vdev);
	return ret;
}

static void i40e_vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(core);
	vfio_put_device(&core->vdev);
}

/*
 * The VF was reset (FLR, VFIO_DEVICE_RESET, a bus reset): its rings and the
 * PF agent's view of it are gone. Often called with memory_lock held for
 * write, which comes before state_mutex in the lock order, so state_mutex
 * may simply be taken (i40e_vfio_pci.h).
 */
static void i40e_vfio_pci_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);
	struct i40e_vfio_pci_device *ivdev =
		container_of(core, struct i40e_vfio_pci_device, core_device);

	if (!ivdev->mig)
		return;

	i40e_vfio_backend_reset(ivdev);
	mutex_lock(&ivdev->state_mutex);
	i40e_vfio_reset_locked(ivdev);
	mutex_unlock(&ivdev->state_mutex);
}

static const struct pci_error_handlers i40e_vfio_pci_err_handlers = {
	.reset_done	= i40e_vfio_pci_reset_done,
	.error_detected	= vfio_pci_core_aer_err_detected,
};

static const struct pci_device_id i40e_vfio_pci_table[] = {
	/* Ethernet Virtual Function 700 Series (X710/XL710/XXV710) */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x154c) },
	/* Ethernet Adaptive Virtual Function */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x1889) },
	{}
};
MODULE_DEVICE_TABLE(pci, i40e_vfio_pci_table);

static struct pci_driver i40e_vfio_pci_driver = {
	.name			= I40E_VFIO_DRV_NAME,
	.id_table		= i40e_vfio_pci_table,
	.probe			= i40e_vfio_pci_probe,
	.remove			= i40e_vfio_pci_remove,
	.err_handler		= &i40e_vfio_pci_err_handlers,
	.driver_managed_dma	= true,
};

static int __init i40e_vfio_pci_init(void)
{
	int ret;

	i40e_vfio_dirty_init();
	ret = pci_register_driver(&i40e_vfio_pci_driver);
	if (ret)
		i40e_vfio_dirty_exit();
	return ret;
}

static void __exit i40e_vfio_pci_exit(void)
{
	pci_unregister_driver(&i40e_vfio_pci_driver);
	i40e_vfio_dirty_exit();
}

module_init(i40e_vfio_pci_init);
module_exit(i40e_vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO variant driver with live migration for Intel X710 VFs");
