// SPDX-License-Identifier: GPL-2.0-only
/*
 * i40e_vfio_pci: the vfio_device surface.
 *
 * Everything is vfio-pci-core's except BAR0 of a migratable VF: the pages
 * that hold the doorbells (TX and RX tails, ARQ tail) are left out of the
 * region's sparse mmap, so every doorbell write comes here and goes through
 * the core's mediation (driver/core/mediate.c), which holds the pages the
 * device may write in the dirty tracker before the write reaches the
 * device. Nothing may bypass that: mmap of a trapped page and ioeventfds on
 * one are refused.
 */
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include "compat.h"
#include "i40e_vfio_pci.h"

/* Sparse mmap areas of BAR0: the complement of the trapped pages. */
#define I40E_VFIO_MAX_MMAP_AREAS	(VFMIG_VF_NR_TRAPPED_PAGES + 2)

/*
 * The VF was reset, or a user comes or goes: every migration file ends and
 * the core forgets the VF's migration state (RUNNING, nothing held).
 */
void i40e_vfio_reset_locked(struct i40e_vfio_pci_device *ivdev)
{
	lockdep_assert_held(&ivdev->state_mutex);
	i40e_vfio_mig_files_disable_locked(ivdev);
	vfmig_vfdev_reset(ivdev->mig);
}

static int i40e_vfio_init_dev(struct vfio_device *vdev)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	int ret;

	ret = vfio_pci_core_init_dev(vdev);
	if (ret)
		return ret;

	mutex_init(&ivdev->state_mutex);
	ret = i40e_vfio_mig_init(ivdev);
	if (ret)
		goto err_release_core;
	if (ivdev->mig) {
		vdev->migration_flags = I40E_VFIO_MIG_FLAGS;
		vdev->mig_ops = &i40e_vfio_mig_ops;
		if (i40e_vfio_dirty_available())
			vdev->log_ops = &i40e_vfio_log_ops;
	}
	return 0;

err_release_core:
	mutex_destroy(&ivdev->state_mutex);
	vfio_pci_core_release_dev(vdev);
	return ret;
}

static void i40e_vfio_release_dev(struct vfio_device *vdev)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);

	i40e_vfio_mig_uninit(ivdev);
	mutex_destroy(&ivdev->state_mutex);
	vfio_pci_core_release_dev(vdev);
}

static int i40e_vfio_open_device(struct vfio_device *vdev)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	struct vfio_pci_core_device *core = &ivdev->core_device;
	int ret;

	ret = vfio_pci_core_enable(core);
	if (ret)
		return ret;

	if (ivdev->mig) {
		ret = i40e_vfio_bar0_map(ivdev);
		if (ret)
			goto err_disable;
		/* A new user starts from a RUNNING device with nothing held. */
		mutex_lock(&ivdev->state_mutex);
		i40e_vfio_reset_locked(ivdev);
		mutex_unlock(&ivdev->state_mutex);
		i40e_vfio_backend_open(ivdev);
	}
	vfio_pci_core_finish_enable(core);
	return 0;

err_disable:
	vfio_pci_core_disable(core);
	return ret;
}

static void i40e_vfio_close_device(struct vfio_device *vdev)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);

	if (ivdev->mig) {
		/*
		 * The user is gone: end its files and its log, and give the
		 * VF back to the PF running, with no mailbox hold left.
		 */
		mutex_lock(&ivdev->state_mutex);
		i40e_vfio_dirty_stop_locked(ivdev);
		i40e_vfio_reset_locked(ivdev);
		mutex_unlock(&ivdev->state_mutex);
		i40e_vfio_backend_close(ivdev);
		i40e_vfio_bar0_unmap(ivdev);
	}
	vfio_pci_core_close_device(vdev);
}

/* Does BAR0 [off, off + len) touch a trapped page? */
static bool i40e_vfio_bar0_range_trapped(u64 off, u64 len)
{
	u32 i;

	for (i = 0; i < VFMIG_VF_NR_TRAPPED_PAGES; i++) {
		const struct vfmig_bar0_range *t = &vfmig_bar0_trapped[i];

		if (off < (u64)t->offset + t->size && t->offset < off + len)
			return true;
	}
	return false;
}

/* Must this BAR0 access come through the driver rather than vfio-pci-core? */
static bool i40e_vfio_bar0_mediated(struct i40e_vfio_pci_device *ivdev,
				    u64 off, u64 len)
{
	if (!ivdev->mig)
		return false;
	return ivdev->backend->bar0_read ||
	       i40e_vfio_bar0_range_trapped(off, len);
}

/*
 * One 32-bit mediated register. Under memory_lock (read), like
 * vfio-pci-core's own BAR accesses: the device is not touched while it is
 * being reset or while memory decode is off.
 */
static int i40e_vfio_bar0_rw_one(struct i40e_vfio_pci_device *ivdev, u32 off,
				 u32 *val, bool write)
{
	struct vfio_pci_core_device *core = &ivdev->core_device;
	struct pci_dev *pdev = core->pdev;
	u64 v = *val;
	int ret;
	u16 cmd;

	down_read(&core->memory_lock);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!pdev->no_command_memory && !(cmd & PCI_COMMAND_MEMORY))
		ret = -EIO;
	else if (vfmig_vf_bar0_trapped(off) && write)
		ret = vfmig_vf_bar0_write(ivdev->mig, off, v, 4);
	else if (vfmig_vf_bar0_trapped(off))
		ret = vfmig_vf_bar0_read(ivdev->mig, off, &v, 4);
	else if (write)
		ret = i40e_vfio_hw_bar0_write(ivdev, off, *val);
	else
		ret = i40e_vfio_hw_bar0_read(ivdev, off, val);
	up_read(&core->memory_lock);

	if (vfmig_vf_bar0_trapped(off) && !write)
		*val = v;
	return ret;
}

/*
 * A read or write of mediated BAR0 registers through the device fd: 32-bit
 * registers, so 4-byte aligned units only (QEMU forwards the guest's
 * 32-bit accesses one by one). User copies happen outside every lock.
 */
static ssize_t i40e_vfio_bar0_rw(struct i40e_vfio_pci_device *ivdev,
				 char __user *buf, size_t count, u64 off,
				 loff_t *ppos, bool write)
{
	size_t done = 0;
	int ret = 0;

	if (off >= VFMIG_VF_BAR0_SIZE || ((off | count) & 3) || !count)
		return -EINVAL;
	count = min_t(u64, count, VFMIG_VF_BAR0_SIZE - off);

	while (done < count) {
		u32 val = 0;

		if (write && get_user(val, (u32 __user *)(buf + done))) {
			ret = -EFAULT;
			break;
		}
		ret = i40e_vfio_bar0_rw_one(ivdev, off + done, &val, write);
		if (ret)
			break;
		if (!write && put_user(val, (u32 __user *)(buf + done))) {
			ret = -EFAULT;
			break;
		}
		done += 4;
	}

	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t i40e_vfio_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_BAR0_REGION_INDEX &&
	    i40e_vfio_bar0_mediated(ivdev, off, count))
		return i40e_vfio_bar0_rw(ivdev, buf, count, off, ppos, false);
	return vfio_pci_core_read(vdev, buf, count, ppos);
}

static ssize_t i40e_vfio_write(struct vfio_device *vdev,
			       const char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_BAR0_REGION_INDEX &&
	    i40e_vfio_bar0_mediated(ivdev, off, count))
		return i40e_vfio_bar0_rw(ivdev, (char __user *)buf, count, off,
					 ppos, true);
	return vfio_pci_core_write(vdev, buf, count, ppos);
}

/*
 * The BAR0 areas userspace may mmap: the complement of the trapped pages
 * in host pages, plus whatever lies beyond the registers in a larger BAR.
 */
static int i40e_vfio_bar0_areas(struct i40e_vfio_pci_device *ivdev,
				struct vfmig_bar0_range *areas, u32 max)
{
	u64 len = pci_resource_len(i40e_vfio_pdev(ivdev),
				   VFIO_PCI_BAR0_REGION_INDEX);
	int n;

	if (ivdev->backend->no_bar0_mmap)
		return 0;
	n = vfmig_bar0_mmap_areas(PAGE_SIZE, areas, max);
	if (n < 0 || len <= VFMIG_VF_BAR0_SIZE ||
	    !IS_ALIGNED(VFMIG_VF_BAR0_SIZE, PAGE_SIZE))
		return n;
	if (n && areas[n - 1].offset + areas[n - 1].size == VFMIG_VF_BAR0_SIZE) {
		areas[n - 1].size = len - areas[n - 1].offset;
	} else if ((u32)n < max) {
		areas[n].offset = VFMIG_VF_BAR0_SIZE;
		areas[n].size = len - VFMIG_VF_BAR0_SIZE;
		n++;
	}
	return n;
}

static int i40e_vfio_bar0_info(struct i40e_vfio_pci_device *ivdev,
			       struct vfio_region_info __user *arg)
{
	struct vfmig_bar0_range areas[I40E_VFIO_MAX_MMAP_AREAS];
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_sparse_mmap_area *dst;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	size_t size;
	int n, i, ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	n = i40e_vfio_bar0_areas(ivdev, areas, ARRAY_SIZE(areas));
	if (n < 0)
		return n;

	info.offset = VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR0_REGION_INDEX);
	info.size = pci_resource_len(i40e_vfio_pdev(ivdev),
				     VFIO_PCI_BAR0_REGION_INDEX);
	info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info.cap_offset = 0;

	if (n) {
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		size = struct_size(sparse, areas, n);
		sparse = kzalloc(size, GFP_KERNEL);
		if (!sparse)
			return -ENOMEM;
		sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		sparse->header.version = 1;
		sparse->nr_areas = n;
		for (i = 0; i < n; i++) {
			dst = &sparse->areas[i];
			dst->offset = areas[i].offset;
			dst->size = areas[i].size;
		}
		ret = vfio_info_add_capability(&caps, &sparse->header, size);
		kfree(sparse);
		if (ret)
			return ret;
	}

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				kfree(caps.buf);
				return -EFAULT;
			}
			info.cap_offset = sizeof(info);
		}
		kfree(caps.buf);
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long i40e_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	void __user *uarg = (void __user *)arg;

	if (!ivdev->mig)
		return vfio_pci_core_ioctl(vdev, cmd, arg);

	if (cmd == VFIO_DEVICE_GET_REGION_INFO) {
		struct vfio_region_info info;

		if (copy_from_user(&info, uarg,
				   offsetofend(struct vfio_region_info, index)))
			return -EFAULT;
		if (info.index == VFIO_PCI_BAR0_REGION_INDEX)
			return i40e_vfio_bar0_info(ivdev, uarg);
	} else if (cmd == VFIO_DEVICE_IOEVENTFD) {
		struct vfio_device_ioeventfd ev;
		u64 off;

		if (copy_from_user(&ev, uarg,
				   offsetofend(struct vfio_device_ioeventfd, fd)))
			return -EFAULT;
		off = ev.offset & VFIO_PCI_OFFSET_MASK;
		/* A kernel-side write would bypass the doorbell tracking. */
		if (VFIO_PCI_OFFSET_TO_INDEX(ev.offset) ==
		    VFIO_PCI_BAR0_REGION_INDEX &&
		    i40e_vfio_bar0_mediated(ivdev, off, 8)) {
			pci_dbg(i40e_vfio_pdev(ivdev),
				"ioeventfd on mediated BAR0 offset %#llx refused\n",
				off);
			return -EINVAL;
		}
	}
	return vfio_pci_core_ioctl(vdev, cmd, arg);
}

static int i40e_vfio_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct i40e_vfio_pci_device *ivdev = i40e_vfio_from_vdev(vdev);
	struct vfmig_bar0_range areas[I40E_VFIO_MAX_MMAP_AREAS];
	u64 start, len;
	int n, i;

	if (!ivdev->mig ||
	    vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT) !=
	    VFIO_PCI_BAR0_REGION_INDEX)
		return vfio_pci_core_mmap(vdev, vma);

	start = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	len = vma->vm_end - vma->vm_start;
	n = i40e_vfio_bar0_areas(ivdev, areas, ARRAY_SIZE(areas));
	for (i = 0; i < n; i++) {
		if (start >= areas[i].offset &&
		    start + len <= (u64)areas[i].offset + areas[i].size)
			return vfio_pci_core_mmap(vdev, vma);
	}
	return -EINVAL;
}

const struct vfio_device_ops i40e_vfio_pci_ops = {
	.name		= "i40e-vfio-pci",
	.init		= i40e_vfio_init_dev,
	.release	= i40e_vfio_release_dev,
	.open_device	= i40e_vfio_open_device,
	.close_device	= i40e_vfio_close_device,
	.ioctl		= i40e_vfio_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= i40e_vfio_read,
	.write		= i40e_vfio_write,
	.mmap		= i40e_vfio_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	I40E_VFIO_IOMMUFD_OPS
};
