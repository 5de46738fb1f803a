/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the kernels i40e_vfio_pci builds against, in one
 * place. Supported: 6.1 (Debian 12) to 6.12 (Debian 12 backports) and
 * later. Each switch tests the feature itself where the uAPI names it, the
 * version only where nothing else can tell.
 */
#ifndef I40E_VFIO_COMPAT_H
#define I40E_VFIO_COMPAT_H

#include <linux/version.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/*
 * PRE_COPY, PRE_COPY_P2P and VFIO_MIG_GET_PRECOPY_INFO arrived together
 * (6.2); MIG_DATA_SIZE with migration_get_data_size (6.3).
 */
#ifdef VFIO_MIGRATION_PRE_COPY
#define I40E_VFIO_HAS_PRE_COPY		1
#define I40E_VFIO_MIG_FLAGS		(VFIO_MIGRATION_STOP_COPY | \
					 VFIO_MIGRATION_P2P | \
					 VFIO_MIGRATION_PRE_COPY)
#else
#define I40E_VFIO_HAS_PRE_COPY		0
#define I40E_VFIO_MIG_FLAGS		(VFIO_MIGRATION_STOP_COPY | \
					 VFIO_MIGRATION_P2P)
#endif

#ifdef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
#define I40E_VFIO_HAS_DATA_SIZE		1
#else
#define I40E_VFIO_HAS_DATA_SIZE		0
#endif

/*
 * iova_bitmap_set() is what log_read_and_clear reports with. Until 6.7 it
 * is part of vfio.ko: linked directly. From 6.8 it is built only with
 * CONFIG_IOMMUFD_DRIVER (Debian's 6.12 leaves it off, and the header then
 * stubs it to do nothing); a kernel built without it can still run a
 * vfio.ko that has it (rebuilt with iova_bitmap compiled in), so there the
 * driver looks the symbol up when it loads (dirty.c). Offering log_ops
 * without it would let DMA_LOGGING_START succeed and every report come
 * back empty: a silent loss of dirty pages. So log_ops are offered only
 * when the running kernel can report.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0) || \
	IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
#define I40E_VFIO_LINKS_IOVA_BITMAP	1
#else
#define I40E_VFIO_LINKS_IOVA_BITMAP	0
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0) && \
	IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
/* The iova_bitmap symbols live in the IOMMUFD namespace there. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define I40E_VFIO_IMPORT_IOVA_BITMAP()	MODULE_IMPORT_NS("IOMMUFD")
#else
#define I40E_VFIO_IMPORT_IOVA_BITMAP()	MODULE_IMPORT_NS(IOMMUFD)
#endif
#else
#define I40E_VFIO_IMPORT_IOVA_BITMAP()
#endif

/*
 * vfio_device_ops entries for iommufd (6.2: bind, unbind, attach; 6.6:
 * detach). Without CONFIG_IOMMUFD the kernel defines them as NULL.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define I40E_VFIO_IOMMUFD_OPS						\
	.bind_iommufd	= vfio_iommufd_physical_bind,			\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,			\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,		\
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define I40E_VFIO_IOMMUFD_OPS						\
	.bind_iommufd	= vfio_iommufd_physical_bind,			\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,			\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
#else
#define I40E_VFIO_IOMMUFD_OPS
#endif

/*
 * Is the device used through iommufd rather than a type1 container?
 * vfio_dma_rw() cannot reach a physical device's IOMMU mappings then, so
 * mediation cannot read descriptors and software dirty tracking is
 * unavailable.
 */
static inline bool i40e_vfio_uses_iommufd(struct vfio_device *vdev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0) && IS_ENABLED(CONFIG_IOMMUFD)
	return vdev->iommufd_device;
#else
	return false;
#endif
}

#endif /* I40E_VFIO_COMPAT_H */
