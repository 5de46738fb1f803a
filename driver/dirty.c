// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: vfio_log_ops onto the core's software dirty tracker.
 *
 * Neither the X710 nor the host IOMMU logs the pages the VF writes. The
 * core (driver/core/dirty.c, mediate.c) holds every page the device may
 * write - posted RX and ARQ buffers, descriptor rings, head write-backs -
 * from the doorbell write that hands it to the device until the device is
 * stopped, and reports them here. docs/dirty-tracking.md is normative.
 *
 * The descriptors are read with vfio_dma_rw(), which reaches the user's
 * IOMMU mappings only in type1 container mode: with iommufd the tracker is
 * unavailable and log_start says so instead of pretending.
 */
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/slab.h>
#include <linux/vfio.h>
#include "compat.h"
#include "i40e_vfio_pci.h"

I40E_VFIO_IMPORT_IOVA_BITMAP();

typedef void (*i40e_vfio_bitmap_set_t)(struct iova_bitmap *bitmap,
				       unsigned long iova, size_t length);

/* iova_bitmap_set(), or NULL: this kernel cannot report device dirty pages. */
static i40e_vfio_bitmap_set_t i40e_vfio_bitmap_set;

/*
 * Find iova_bitmap_set() for the module's lifetime: linked where the build
 * kernel has it, looked up in the running kernel otherwise (see compat.h).
 */
void i40e_vfio_dirty_init(void)
{
#if I40E_VFIO_LINKS_IOVA_BITMAP
	i40e_vfio_bitmap_set = iova_bitmap_set;
#else
	i40e_vfio_bitmap_set = __symbol_get("iova_bitmap_set");
	if (i40e_vfio_bitmap_set)
		pr_info(I40E_VFIO_DRV_NAME ": this vfio.ko has iova_bitmap although the kernel was built without CONFIG_IOMMUFD_DRIVER: device dirty logging offered\n");
#endif
}

void i40e_vfio_dirty_exit(void)
{
#if !I40E_VFIO_LINKS_IOVA_BITMAP
	if (i40e_vfio_bitmap_set)
		__symbol_put("iova_bitmap_set");
#endif
	i40e_vfio_bitmap_set = NULL;
}

bool i40e_vfio_dirty_available(void)
{
	return i40e_vfio_bitmap_set;
}

static int i40e_vfio_log_start(struct vfio_device *vdev,
			       struct rb_root_cached *ranges, u32 nnodes,
			       u64 *page_size)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	struct interval_tree_node *node;
	struct vfmig_dirty_range *arr;
	u32 n = 0;
	int ret;

	if (i40e_vfio_uses_iommufd(vdev)) {
		pci_warn(i40e_vfio_pdev(ivdev),
			 "software DMA dirty tracking needs a type1 container; unavailable with iommufd\n");
		return -EOPNOTSUPP;
	}

	arr = kvcalloc(nnodes ?: 1, sizeof(*arr), GFP_KERNEL);
	if (!arr)
		return -ENOMEM;
	for (node = interval_tree_iter_first(ranges, 0, ULONG_MAX);
	     node && n < nnodes;
	     node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		arr[n].iova = node->start;
		arr[n].length = node->last - node->start + 1;
		n++;
	}

	mutex_lock(&ivdev->state_mutex);
	ret = vfmig_vf_log_start(ivdev->mig, arr, n, page_size);
	if (!ret)
		ivdev->logging = true;
	mutex_unlock(&ivdev->state_mutex);
	pci_dbg(i40e_vfio_pdev(ivdev), "log start: %u ranges, page size %llu: %d\n",
		n, *page_size, ret);
	kvfree(arr);
	return ret;
}

void i40e_vfio_dirty_stop_locked(struct i40e_vfio_pci_device *ivdev)
{
	lockdep_assert_held(&ivdev->state_mutex);
	if (!ivdev->logging)
		return;
	vfmig_vf_log_stop(ivdev->mig);
	ivdev->logging = false;
	pci_dbg(i40e_vfio_pdev(ivdev), "log stop\n");
}

static int i40e_vfio_log_stop(struct vfio_device *vdev)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);

	mutex_lock(&ivdev->state_mutex);
	i40e_vfio_dirty_stop_locked(ivdev);
	mutex_unlock(&ivdev->state_mutex);
	return 0;
}

struct i40e_vfio_dirty_ctx {
	struct iova_bitmap *bitmap;
	u64 bytes;		/* marked by this report, for the debug line */
};

static void i40e_vfio_dirty_set(void *ctx, u64 iova, u64 length)
{
	struct i40e_vfio_dirty_ctx *c = ctx;

	i40e_vfio_bitmap_set(c->bitmap, iova, length);
	c->bytes += length;
}

static int i40e_vfio_log_read_and_clear(struct vfio_device *vdev,
					unsigned long iova,
					unsigned long length,
					struct iova_bitmap *dirty)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	struct i40e_vfio_dirty_ctx ctx = { .bitmap = dirty };
	const struct vfmig_dirty_out out = {
		.set = i40e_vfio_dirty_set,
		.ctx = &ctx,
	};
	int ret;

	mutex_lock(&ivdev->state_mutex);
	ret = vfmig_vf_log_read_and_clear(ivdev->mig, iova, length, &out);
	mutex_unlock(&ivdev->state_mutex);
	pci_dbg(i40e_vfio_pdev(ivdev), "log report iova %#lx length %#lx: %llu bytes dirty, %d\n",
		iova, length, ctx.bytes, ret);
	return ret;
}

const struct vfio_log_ops i40e_vfio_log_ops = {
	.log_start		= i40e_vfio_log_start,
	.log_stop		= i40e_vfio_log_stop,
	.log_read_and_clear	= i40e_vfio_log_read_and_clear,
};
