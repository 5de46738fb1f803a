/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest RAM of a simulated VM: one memfd mapped twice.
 *
 *   cpu  the vCPU's view: what the guest driver's env->ram points at. Guest
 *        CPU writes are tracked soundly by write-protecting this view while
 *        a migration runs (mprotect(PROT_READ) at every sync; the SIGSEGV
 *        handler marks the page dirty and makes that page writable again, so
 *        each page faults at most once per round).
 *   dev  the device's view: the identity IOVA mapping the IOMMU would give
 *        the VF. The model's DMA and mediation's descriptor reads go here,
 *        so device writes are NOT seen by the CPU tracker, exactly as on
 *        real hardware: the device dirty tracker must cover them.
 *
 * Soundness fallback: if the kernel refuses to split the mapping further
 * (vm.max_map_count), the whole view is made writable and the next sync
 * reports every page dirty: more copying, never a missed write.
 *
 * Second tracker (lab_ram_use_uffd(), the netns lab's --cpu-tracking uffd):
 * userfaultfd write-protect on the vCPU view with UFFD_FEATURE_WP_ASYNC (the
 * kernel resolves a write fault itself, marking the page written) and
 * WP_UNPOPULATED (pages the view never mapped count as protected), and the
 * PAGEMAP_SCAN ioctl, which returns the written pages and protects them
 * again in one call (PM_SCAN_WP_MATCHING), as CRIU-style trackers do. Sound
 * for the same reason: a page is reported unless its PTE carries the
 * write-protect bit, and only a write-protect fault clears it. Writes by
 * the kernel into the view (read() into guest RAM) are tracked too, which
 * mprotect cannot do (they fail with EFAULT instead).
 *
 * Single-threaded use (the lab's simulation loop). Userspace only.
 */
#ifndef VFMIG_LAB_GUESTMEM_H
#define VFMIG_LAB_GUESTMEM_H

#include "lab.h"

enum lab_wp_kind {
	LAB_WP_MPROTECT,
	LAB_WP_UFFD,
};

struct lab_ram {
	int fd;
	enum lab_wp_kind kind;
	int uffd, pagemap;		/* LAB_WP_UFFD */
	void *scan_vec;
	u64 scans;			/* PAGEMAP_SCAN calls */
	u64 size;
	u64 npages;
	u8 *cpu;
	u8 *dev;
	/* CPU write tracking */
	volatile bool wp;		/* tracking on: cpu view write-protected */
	volatile bool overflow;		/* fell back to "everything dirty" */
	u64 *dirty;			/* written since the last start/sync */
	volatile u64 faults;		/* write faults taken */
	u64 syncs;
	u64 sync_wall_ns;		/* wall time spent re-protecting */
	u64 overflows;
	/*
	 * Optional (NULL: none): every page a sync or stop hands out is also
	 * set here, whatever the caller does with it. A judge's view of the
	 * CPU tracker (the kernel lab tells guest CPU writes from device
	 * writes with it); cleared only by its owner.
	 */
	u64 *observe;
};

/* @size: bytes, a multiple of 4 KiB. NULL with errno set on failure. */
struct lab_ram *lab_ram_new(u64 size, const char *name);
void lab_ram_free(struct lab_ram *r);

/*
 * Track the cpu view with userfaultfd WP_ASYNC + PAGEMAP_SCAN instead of
 * mprotect. 0, or -errno with a one-line reason (the kernel lacks it, or
 * the sandbox forbids userfaultfd).
 */
int lab_ram_use_uffd(struct lab_ram *r, char *err, size_t errlen);
const char *lab_ram_tracker_name(const struct lab_ram *r);

/* Start tracking: clear the dirty set and write-protect the cpu view. */
int lab_ram_wp_start(struct lab_ram *r);
/*
 * A sync: OR the pages written since the last start/sync into @out (a
 * bitmap of npages bits), clear, and write-protect again.
 */
int lab_ram_wp_sync(struct lab_ram *r, u64 *out);
/* Last sync: like lab_ram_wp_sync() but leaves the view writable. */
int lab_ram_wp_stop(struct lab_ram *r, u64 *out);

/* Pages whose bytes differ between two RAMs of the same size. */
u64 lab_ram_compare(const struct lab_ram *a, const struct lab_ram *b,
		    u64 *first_bad);

#endif /* VFMIG_LAB_GUESTMEM_H */
