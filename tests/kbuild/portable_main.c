// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig_portable.ko: test-only module that links every portable source with
 * the kernel osdep (see Kbuild). Building it is the portability test; loading
 * it (in a QEMU-booted kernel) runs a known-answer check of the osdep and
 * then the portable self-test suite (tests/selftest/: model bring-up,
 * traffic, device-state migration between two model PFs) in kernel context.
 * Each test logs one line; the summary is exactly one line,
 * "vfmig_selftest: N passed, M failed", and any failure fails the load.
 * When they pass, the model backend (model_backend.c) offers model VFs
 * behind edu devices to i40e_vfio_pci; drop_dirty=1 (fault_dirty.c) is the
 * dirty log's negative control.
 */
#include <linux/module.h>
#include <vfmig/osdep.h>
#include "../selftest/selftest.h"
#include "fault_dirty.h"
#include "model_backend.h"

static bool selftest = true;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the self-tests before offering the model backend (default on)");

static int __init vfmig_portable_init(void)
{
	static const char vec[] = "123456789";
	struct vfmig_selftest_result res;
	u32 crc = vfmig_crc32c(0, vec, 9);
	int ret;

	if (crc != 0xE3069283) {
		pr_err("vfmig_portable: crc32c check value %08x, want e3069283\n", crc);
		return -EINVAL;
	}
	pr_info("vfmig_portable: osdep known-answer checks passed\n");

	if (selftest) {
		vfmig_selftest_run(&res);
		pr_info("vfmig_selftest: %u passed, %u failed\n", res.passed, res.failed);
		if (res.failed)
			return -EINVAL;
	}
	ret = vfmig_fault_dirty_init();
	if (ret)
		return ret;
	ret = vfmig_model_backend_init();
	if (ret)
		goto err_fault_dirty;
	return 0;

err_fault_dirty:
	vfmig_fault_dirty_exit();
	return ret;
}

static void __exit vfmig_portable_exit(void)
{
	vfmig_model_backend_exit();
	vfmig_fault_dirty_exit();
}

module_init(vfmig_portable_init);
module_exit(vfmig_portable_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfmig portable code, built in the kernel home (test only)");
