// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM: memfd mapped as a vCPU view and a device view, and sound
 * tracking of guest CPU writes with mprotect + SIGSEGV (see guestmem.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "guestmem.h"

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
	free(r->dirty);
	free(r);
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
		for (i = 0; i < r->npages; i++)
			lab_bset(out, i);
	} else {
		for (i = 0; i < words; i++)
			out[i] |= r->dirty[i];
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
	int ret = protect(r, true);

	collect(r, out);
	return ret;
}

int lab_ram_wp_stop(struct lab_ram *r, u64 *out)
{
	int ret;

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
