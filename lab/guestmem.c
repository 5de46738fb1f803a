// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM: memfd mapped as a vCPU view and a device view, and sound
 * tracking of guest CPU writes with mprotect + SIGSEGV (see guestmem.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guestmem.h"
#include "uffd_uapi.h"

#define SCAN_VEC			4096

#define MAX_TRACKED	8

static struct lab_ram *tracked[MAX_TRACKED];
static bool handler_installed;

/*
 * Async-signal-safe: bit set, mprotect(). A fault outside every tracked view
 * restores the default action and returns, so the access faults again and
 * the process dies with the usual SIGSEGV.
 */
static void segv_handler(int sig, siginfo_t *si, void *uctx)
{
	u8 *a = si->si_addr;
	struct sigaction dfl;
	int i;

	(void)sig;
	(void)uctx;
	for (i = 0; i < MAX_TRACKED; i++) {
		struct lab_ram *r = tracked[i];
		u64 pg;

		if (!r || !r->wp || a < r->cpu || a >= r->cpu + r->size)
			continue;
		pg = (u64)(a - r->cpu) >> LAB_PAGE_SHIFT;
		r->dirty[pg >> 6] |= 1ULL << (pg & 63);
		r->faults++;
		if (mprotect(r->cpu + (pg << LAB_PAGE_SHIFT), LAB_PAGE_SIZE,
			     PROT_READ | PROT_WRITE)) {
			/* cannot split the mapping further: track nothing
			 * more this round, report everything at the sync */
			r->overflow = true;
			if (mprotect(r->cpu, r->size, PROT_READ | PROT_WRITE))
				abort();
		}
		return;
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &dfl, NULL);
}

static int install_handler(void)
{
	struct sigaction sa;

	if (handler_installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL))
		return -errno;
	handler_installed = true;
	return 0;
}

struct lab_ram *lab_ram_new(u64 size, const char *name)
{
	struct lab_ram *r;
	int i, slot = -1;

	if (!size || size % LAB_PAGE_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < MAX_TRACKED; i++)
		if (!tracked[i]) {
			slot = i;
			break;
		}
	if (slot < 0 || install_handler()) {
		errno = ENOSPC;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->size = size;
	r->npages = size >> LAB_PAGE_SHIFT;
	r->kind = LAB_WP_MPROTECT;
	r->uffd = r->pagemap = -1;
	r->dirty = calloc(LAB_BM_WORDS(r->npages), sizeof(u64));
	r->fd = memfd_create(name, MFD_CLOEXEC);
	if (!r->dirty || r->fd < 0)
		goto err_free;
	if (ftruncate(r->fd, (off_t)size))
		goto err_close;
	r->cpu = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->cpu == MAP_FAILED)
		goto err_close;
	r->dev = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->dev == MAP_FAILED)
		goto err_unmap_cpu;
	tracked[slot] = r;
	return r;

err_unmap_cpu:
	munmap(r->cpu, size);
err_close:
	close(r->fd);
err_free:
	free(r->dirty);
	free(r);
	return NULL;
}

void lab_ram_free(struct lab_ram *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < MAX_TRACKED; i++)
		if (tracked[i] == r)
			tracked[i] = NULL;
	munmap(r->cpu, r->size);
	munmap(r->dev, r->size);
	close(r->fd);
	if (r->uffd >= 0)
		close(r->uffd);
	if (r->pagemap >= 0)
		close(r->pagemap);
	free(r->scan_vec);
	free(r->dirty);
	free(r);
}

static int uffd_scan(struct lab_ram *r, u64 *out);

int lab_ram_use_uffd(struct lab_ram *r, char *err, size_t errlen)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	int ret;

	r->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (r->uffd < 0) {
		ret = -errno;
		snprintf(err, errlen, "userfaultfd: %s", strerror(errno));
		return ret;
	}
	api.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
		       UFFD_FEATURE_WP_UNPOPULATED;
	if (ioctl(r->uffd, UFFDIO_API, &api)) {
		ret = -errno;
		snprintf(err, errlen, "userfaultfd: write-protect WP_ASYNC on shared memory not offered by this kernel: %s",
			 strerror(errno));
		goto err_close;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (u64)(uintptr_t)r->cpu;
	reg.range.len = r->size;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(r->uffd, UFFDIO_REGISTER, &reg)) {
		ret = -errno;
		snprintf(err, errlen, "userfaultfd: register: %s", strerror(errno));
		goto err_close;
	}
	r->pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	r->scan_vec = calloc(SCAN_VEC, sizeof(struct lab_page_region));
	if (r->pagemap < 0 || !r->scan_vec) {
		ret = -ENOMEM;
		snprintf(err, errlen, "/proc/self/pagemap: %s", strerror(errno));
		goto err_close;
	}
	r->kind = LAB_WP_UFFD;
	/* PAGEMAP_SCAN came with Linux 6.7: try it now, not mid-migration */
	ret = uffd_scan(r, NULL);
	if (ret) {
		snprintf(err, errlen, "PAGEMAP_SCAN: %s (Linux 6.7 or later needed)",
			 strerror(-ret));
		r->kind = LAB_WP_MPROTECT;
		goto err_close;
	}
	return 0;

err_close:
	close(r->uffd);
	r->uffd = -1;
	if (r->pagemap >= 0)
		close(r->pagemap);
	r->pagemap = -1;
	free(r->scan_vec);
	r->scan_vec = NULL;
	return ret;
}

const char *lab_ram_tracker_name(const struct lab_ram *r)
{
	return r->kind == LAB_WP_UFFD ? "uffd-wp-async" : "mprotect";
}

/*
 * PAGEMAP_SCAN over the cpu view: OR the written pages into @out (NULL:
 * drop them) and write-protect them again. Loops until the whole range is
 * walked (the result vector may fill up first).
 */
static int uffd_scan(struct lab_ram *r, u64 *out)
{
	struct lab_page_region *vec = r->scan_vec;
	u64 start = (u64)(uintptr_t)r->cpu, end = start + r->size, t0 = lab_wall_ns();
	struct lab_pm_scan_arg arg;
	long n, k;

	while (start < end) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.flags = LAB_PM_SCAN_WP_MATCHING | LAB_PM_SCAN_CHECK_WPASYNC;
		arg.start = start;
		arg.end = end;
		arg.vec = (u64)(uintptr_t)vec;
		arg.vec_len = SCAN_VEC;
		arg.category_mask = LAB_PAGE_IS_WRITTEN;
		arg.return_mask = LAB_PAGE_IS_WRITTEN;
		n = ioctl(r->pagemap, LAB_PAGEMAP_SCAN, &arg);
		r->scans++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (k = 0; out && k < n; k++) {
			u64 p = (vec[k].start - (u64)(uintptr_t)r->cpu) >> LAB_PAGE_SHIFT;
			u64 e = (vec[k].end - (u64)(uintptr_t)r->cpu) >> LAB_PAGE_SHIFT;

			for (; p < e && p < r->npages; p++) {
				lab_bset(out, p);
				if (r->observe)
					lab_bset(r->observe, p);
			}
		}
		if (arg.walk_end <= start)
			return -EIO;
		start = arg.walk_end;
	}
	r->sync_wall_ns += lab_wall_ns() - t0;
	r->syncs++;
	return 0;
}

static int protect(struct lab_ram *r, bool ro)
{
	u64 t0 = lab_wall_ns();
	int ret;

	ret = mprotect(r->cpu, r->size, ro ? PROT_READ : PROT_READ | PROT_WRITE);
	r->sync_wall_ns += lab_wall_ns() - t0;
	return ret ? -errno : 0;
}

int lab_ram_wp_start(struct lab_ram *r)
{
	if (r->kind == LAB_WP_UFFD) {
		r->wp = true;
		return uffd_scan(r, NULL);	/* protect everything written so far */
	}
	memset(r->dirty, 0, LAB_BM_WORDS(r->npages) * sizeof(u64));
	r->overflow = false;
	r->wp = true;
	return protect(r, true);
}

static void collect(struct lab_ram *r, u64 *out)
{
	u64 i, words = LAB_BM_WORDS(r->npages);

	if (r->overflow) {
		r->overflows++;
		for (i = 0; i < r->npages; i++) {
			lab_bset(out, i);
			if (r->observe)
				lab_bset(r->observe, i);
		}
	} else {
		for (i = 0; i < words; i++) {
			out[i] |= r->dirty[i];
			if (r->observe)
				r->observe[i] |= r->dirty[i];
		}
	}
	memset(r->dirty, 0, words * sizeof(u64));
	r->overflow = false;
	r->syncs++;
}

int lab_ram_wp_sync(struct lab_ram *r, u64 *out)
{
	/*
	 * Protect first, then collect: a write between the two faults and is
	 * both in this collection and (re-marked) in the next; never lost.
	 * Single-threaded, so nothing writes in between anyway.
	 */
	int ret;

	if (r->kind == LAB_WP_UFFD)
		return uffd_scan(r, out);
	ret = protect(r, true);

	collect(r, out);
	return ret;
}

int lab_ram_wp_stop(struct lab_ram *r, u64 *out)
{
	int ret;

	if (r->kind == LAB_WP_UFFD) {
		/*
		 * The last scan only: the pages stay write-protected (this is
		 * the downtime; unprotecting 64 MiB costs ~0.2 ms). A write
		 * after a cancel costs an in-kernel async fault, once per page.
		 */
		ret = uffd_scan(r, out);
		r->wp = false;
		return ret;
	}
	collect(r, out);
	r->wp = false;
	ret = protect(r, false);
	return ret;
}

u64 lab_ram_compare(const struct lab_ram *a, const struct lab_ram *b,
		    u64 *first_bad)
{
	u64 p, n = 0;

	if (first_bad)
		*first_bad = U64_MAX;
	for (p = 0; p < a->npages && p < b->npages; p++) {
		if (!memcmp(a->dev + (p << LAB_PAGE_SHIFT),
			    b->dev + (p << LAB_PAGE_SHIFT), LAB_PAGE_SIZE))
			continue;
		if (first_bad && *first_bad == U64_MAX)
			*first_bad = p;
		n++;
	}
	return n;
}
