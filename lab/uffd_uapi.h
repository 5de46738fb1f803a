/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userfaultfd write-protect and PAGEMAP_SCAN uAPI (Linux 6.7) that
 * Debian 12's userspace headers (6.1) lack, for the guest-CPU dirty tracker
 * (lab/guestmem.c) and its benchmark (bench/bench_lab_wp.c). Values and
 * layouts are those of include/uapi/linux/userfaultfd.h and fs.h; each
 * definition gives way to the installed header's.
 */
#ifndef VFMIG_LAB_UFFD_UAPI_H
#define VFMIG_LAB_UFFD_UAPI_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/userfaultfd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY		1
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif

/* struct page_region and struct pm_scan_arg of <linux/fs.h> */
struct lab_page_region {
	uint64_t start, end, categories;
};

struct lab_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define LAB_PAGEMAP_SCAN		_IOWR('f', 16, struct lab_pm_scan_arg)
#define LAB_PM_SCAN_WP_MATCHING		(1 << 0)
#define LAB_PM_SCAN_CHECK_WPASYNC	(1 << 1)
#define LAB_PAGE_IS_WRITTEN		(1 << 1)

#endif /* VFMIG_LAB_UFFD_UAPI_H */
