// SPDX-License-Identifier: GPL-2.0-only
/*
 * Negative control for the device dirty log (test only, part of
 * vfmig_portable.ko, never of the product): with drop_dirty=1 every page
 * i40e_vfio_pci would mark in a DMA_LOGGING_REPORT bitmap is dropped, as if
 * the software tracker had missed all of them. A migration of a guest
 * whose VF receives frames must then fail end to end (RX buffers that
 * arrive stale on the destination); tests/qemu's --fault drop-dirty
 * proves its l2_traffic check can see that.
 *
 * The product has no switch for this on purpose. A kprobe on the driver's
 * bitmap callback (i40e_vfio_dirty_set, reached through a function pointer
 * and so never inlined) sends each call to an empty function with the same
 * signature instead, as livepatch redirects a function: at the callback's
 * ftrace site the caller's return address is on top of the stack, so the
 * empty function returns straight to the caller. The driver's own count of
 * reported bytes, in its "log report" debug line, stays 0.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include "fault_dirty.h"

static bool drop_dirty;
module_param(drop_dirty, bool, 0444);
MODULE_PARM_DESC(drop_dirty, "test only: drop every page of i40e_vfio_pci's dirty reports (default off)");

static atomic64_t vfd_dropped;

static noinline void vfd_set_nothing(void *ctx, u64 iova, u64 length)
{
	atomic64_add(length, &vfd_dropped);
}

static int vfd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	instruction_pointer_set(regs, (unsigned long)vfd_set_nothing);
	return 1;	/* regs->ip was changed: do not single-step the original */
}

/* A post handler makes kprobes ask ftrace for IPMODIFY; it never runs. */
static void vfd_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
}

static struct kprobe vfd_kprobe = {
	.symbol_name	= "i40e_vfio_dirty_set",
	.pre_handler	= vfd_pre,
	.post_handler	= vfd_post,
};

int vfmig_fault_dirty_init(void)
{
	int ret;

	if (!drop_dirty)
		return 0;
	ret = register_kprobe(&vfd_kprobe);
	if (ret) {
		pr_err("vfmig_portable: drop_dirty: cannot probe %s (is i40e_vfio_pci loaded?): %d\n",
		       vfd_kprobe.symbol_name, ret);
		return ret;
	}
	pr_warn("vfmig_portable: drop_dirty: i40e_vfio_pci's dirty reports are now empty (negative control)\n");
	return 0;
}

void vfmig_fault_dirty_exit(void)
{
	if (!drop_dirty)
		return;
	unregister_kprobe(&vfd_kprobe);
	pr_info("vfmig_portable: drop_dirty: %lld bytes of dirty pages were dropped\n",
		(long long)atomic64_read(&vfd_dropped));
}
