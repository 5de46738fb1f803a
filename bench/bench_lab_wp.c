// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_lab_wp: what tracking guest CPU writes costs, for the lab's vCPU
 * view of guest RAM (a memfd mapping, lab/guestmem.c).
 *
 *   mprotect   what the lab does: mprotect(PROT_READ) the view at every sync,
 *              the SIGSEGV handler marks the page and makes it writable
 *              again (one fault per page per round).
 *   uffd-async userfaultfd write-protect with UFFD_FEATURE_WP_ASYNC: the
 *              kernel resolves the fault itself; PAGEMAP_SCAN with
 *              PM_SCAN_WP_MATCHING collects the written pages and protects
 *              them again in one ioctl (the CRIU-style interface). Skipped
 *              with a note when the kernel or the sandbox refuses it.
 *
 * Prints, per RAM size, the cost of one sync (re-arm) and of one first write
 * to a page. No assertions: bench/ prints numbers.
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
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#define PG 4096UL

#include "../lab/uffd_uapi.h"

static uint8_t *view;
static size_t view_len;
static uint64_t *dirty;
static volatile uint64_t faults;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uint8_t *a = si->si_addr;
	size_t pg;

	(void)sig;
	(void)uc;
	if (a < view || a >= view + view_len)
		abort();
	pg = (size_t)(a - view) / PG;
	dirty[pg / 64] |= 1ULL << (pg % 64);
	faults++;
	mprotect(view + pg * PG, PG, PROT_READ | PROT_WRITE);
}

static uint8_t *map_memfd(size_t len, const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	uint8_t *p;

	if (fd < 0 || ftruncate(fd, (off_t)len))
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 1, len);	/* populated, like a running guest's RAM */
	return p;
}

static void touch(uint8_t *p, size_t npages, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		p[((*seed >> 20) % npages) * PG + 8]++;
	}
}

static void bench_mprotect(size_t mib, size_t writes)
{
	struct sigaction sa;
	size_t npages = mib * (1 << 20) / PG;
	uint64_t t0, t_sync, t_touch, seed = 1;
	int round;

	view_len = npages * PG;
	view = map_memfd(view_len, "bench-wp");
	dirty = calloc(npages / 64 + 1, 8);
	if (!view || !dirty) {
		printf("  mprotect   %4zu MiB: cannot map\n", mib);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	t_sync = t_touch = 0;
	for (round = 0; round < 5; round++) {
		t0 = now_ns();
		mprotect(view, view_len, PROT_READ);
		t_sync += now_ns() - t0;
		faults = 0;
		t0 = now_ns();
		touch(view, npages, writes, &seed);
		t_touch += now_ns() - t0;
	}
	printf("  mprotect   %4zu MiB: sync (re-protect) %8.1f us, first write to a page %5.2f us (%llu faults/round)\n",
	       mib, t_sync / 5 / 1e3, (double)t_touch / 5 / (double)faults / 1e3,
	       (unsigned long long)faults);
	mprotect(view, view_len, PROT_READ | PROT_WRITE);
	signal(SIGSEGV, SIG_DFL);
	munmap(view, view_len);
	free(dirty);
}

static void bench_uffd_async(size_t mib, size_t writes)
{
	size_t npages = mib * (1 << 20) / PG, nreg = 65536;
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct lab_pm_scan_arg arg;
	struct lab_page_region *vec;
	uint64_t t0, t_sync = 0, t_touch = 0, seed = 1, found = 0, k;
	uint8_t *p;
	int uffd, round, pm = -1;
	long n;

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (uffd < 0) {
		printf("  uffd-async %4zu MiB: userfaultfd() refused: %s\n", mib, strerror(errno));
		return;
	}
	api.features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_HUGETLBFS_SHMEM |
		       UFFD_FEATURE_WP_UNPOPULATED;
	if (ioctl(uffd, UFFDIO_API, &api)) {
		printf("  uffd-async %4zu MiB: WP_ASYNC on shmem not offered: %s\n", mib,
		       strerror(errno));
		close(uffd);
		return;
	}
	p = map_memfd(npages * PG, "bench-uffd");
	vec = calloc(nreg, sizeof(*vec));
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uint64_t)(uintptr_t)p;
	reg.range.len = npages * PG;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (!p || !vec || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		printf("  uffd-async %4zu MiB: register failed: %s\n", mib, strerror(errno));
		goto out;
	}
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	for (round = 0; round < 6; round++) {
		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.flags = LAB_PM_SCAN_WP_MATCHING | LAB_PM_SCAN_CHECK_WPASYNC;
		arg.start = reg.range.start;
		arg.end = reg.range.start + reg.range.len;
		arg.vec = (uint64_t)(uintptr_t)vec;
		arg.vec_len = nreg;
		arg.category_mask = LAB_PAGE_IS_WRITTEN;
		arg.return_mask = LAB_PAGE_IS_WRITTEN;
		t0 = now_ns();
		/* the first scan write-protects everything; later ones collect and re-arm */
		n = ioctl(pm, LAB_PAGEMAP_SCAN, &arg);
		if (n < 0) {
			printf("  uffd-async %4zu MiB: PAGEMAP_SCAN failed: %s\n", mib, strerror(errno));
			goto out;
		}
		if (round) {
			t_sync += now_ns() - t0;
			for (k = 0; k < (uint64_t)n; k++)
				found += (vec[k].end - vec[k].start) / PG;
		}
		t0 = now_ns();
		touch(p, npages, writes, &seed);
		if (round < 5)
			t_touch += now_ns() - t0;
	}
	/* the scans of rounds 1..5 found the pages written in rounds 0..4 */
	printf("  uffd-async %4zu MiB: sync (scan + re-protect) %8.1f us, first write to a page %5.2f us (%llu pages found/round)\n",
	       mib, t_sync / 5 / 1e3, (double)t_touch / (double)(found ? found : 1) / 1e3,
	       (unsigned long long)(found / 5));
out:
	if (pm >= 0)
		close(pm);
	if (p)
		munmap(p, npages * PG);
	free(vec);
	close(uffd);
}

int main(void)
{
	static const size_t sizes[] = { 32, 265, 512 };
	size_t i;

	printf("guest CPU write tracking, 2048 random first writes per round:\n");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		bench_mprotect(sizes[i], 2048);
		bench_uffd_async(sizes[i], 2048);
	}
	return 0;
}
