// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_check: a real VFIO client for i40e_vfio_pci, run by the boot test
 * (tests/kernel/init.sh) inside a kernel booted under QEMU, against two edu
 * devices that vfmig_portable.ko's model backend turned into VF 0 of model
 * PF 0 (device A) and of model PF 1 (device B).
 *
 *   vfio_check [--expect precopy=0|1,datasize=0|1,dmalog=0|1] BDF_A BDF_B
 *
 * Everything goes through the real uAPI: a type1 container per device,
 * VFIO_GROUP_GET_DEVICE_FD, VFIO_IOMMU_MAP_DMA, region reads and writes of
 * BAR0, VFIO_DEVICE_FEATURE (MIGRATION, MIG_DEVICE_STATE, MIG_DATA_SIZE,
 * DMA_LOGGING_*), the migration data_fd, VFIO_MIG_GET_PRECOPY_INFO and
 * VFIO_DEVICE_RESET. include/uapi/linux/vfio.h of Linux 6.12 is the
 * reference; where the uAPI leaves a choice to the driver, the check says
 * which choice i40e_vfio_pci made (driver/mig.c).
 *
 * Then the project's guest AVF driver (guest/) runs on both VFs, BAR0
 * through the device fd and its RAM the mapped buffer: bring-up, traffic
 * over the model wire, and a live migration of A's guest to B (RAM rounds
 * with the device's dirty log where the kernel has one, the device stream,
 * the guest resumed on B), checked on the bytes in guest RAM and the
 * frames the migrated guest receives.
 *
 * --expect says what the kernel under test must offer (the host derives it
 * from the kernel, not from the driver, so a driver that stops offering a
 * feature fails): PRE_COPY, MIG_DATA_SIZE, device DMA logging.
 *
 * Output, one line each, in the boot test's protocol (init.sh forwards it):
 *   check ID ok|FAIL TEXT     one per check; boot-test.sh knows every ID
 *   detail TEXT               more about the failed check before it
 *   info KEY VALUE            numbers and facts
 * Exit status 0 when the client ran to its end (checks may have failed), 1
 * when it had to stop early (the host then fails every check not reported).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>
#include "vfio_ioctl.h"
#include <vfmig/guest.h>
#include <vfmig/x710_regs.h>
#include "../selftest/world_inline.h"

#define MEM_LEN		(4u << 20)	/* each device's "guest RAM" */
#define MEM_IOVA	0x0ull		/* mapped at IOVA 0: IOVA = offset */
#define STREAM_MAX	(1u << 20)	/* ample for an idle VF's stream */
#define EDU_BAR0_LEN	(1u << 20)	/* QEMU's edu: 1 MiB BAR0 */
#define PAGE		4096u

/* Registers the resume check carries from A to B (mailbox off: inert). */
#define MARK_ARQBAL	0x5a5a5000u	/* VF_ARQBAL1: a page not trapped */
#define MARK_ATQBAL	0xa5a5a000u	/* VF_ATQBAL1: in the ARQ tail page */

struct dev {
	const char *name;
	const char *bdf;
	int group_id;
	int container;
	int group;
	int fd;
	u8 *mem;
	u64 bar0;	/* file offset of the BAR0 region */
};

struct buf {
	u8 *p;
	size_t len;
};

static bool exp_precopy, exp_datasize, exp_dmalog;

/* ---- The report --------------------------------------------------------- */

#define MAX_DETAILS 12

static struct {
	const char *id;
	int fails;
	char why[400];
	char details[MAX_DETAILS][300];
	int nd;
	int more;
} ck;

static void begin(const char *id)
{
	memset(&ck, 0, sizeof(ck));
	ck.id = id;
}

__attribute__((format(printf, 1, 2)))
static void failf(const char *fmt, ...)
{
	va_list ap;
	char *dst;
	size_t len;

	if (!ck.fails) {
		dst = ck.why;
		len = sizeof(ck.why);
	} else if (ck.nd < MAX_DETAILS) {
		dst = ck.details[ck.nd++];
		len = sizeof(ck.details[0]);
	} else {
		ck.fails++;
		ck.more++;
		return;
	}
	ck.fails++;
	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

/* Record a failure unless @cond holds; returns @cond. */
#define expect(cond, ...) ((cond) ? true : (failf(__VA_ARGS__), false))

__attribute__((format(printf, 1, 2)))
static bool end(const char *fmt, ...)
{
	char okmsg[400];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(okmsg, sizeof(okmsg), fmt, ap);
	va_end(ap);
	if (!ck.fails) {
		printf("check %s ok %s\n", ck.id, okmsg);
		return true;
	}
	printf("check %s FAIL %s\n", ck.id, ck.why);
	for (i = 0; i < ck.nd; i++)
		printf("detail %s\n", ck.details[i]);
	if (ck.more)
		printf("detail ... and %d more failures\n", ck.more);
	return false;
}

__attribute__((format(printf, 2, 3)))
static void info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("info %s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *err_name(int neg)
{
	return lab_vfio_err(neg);
}

static const char *state_name(u32 s)
{
	static const char *const names[] = {
		[VFIO_DEVICE_STATE_ERROR] = "ERROR",
		[VFIO_DEVICE_STATE_STOP] = "STOP",
		[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
		[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
		[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
		[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
		[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
		[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
	};
	static char other[8][24];
	static int slot;
	char *b;

	if (s < sizeof(names) / sizeof(names[0]))
		return names[s];
	b = other[slot++ % 8];
	snprintf(b, sizeof(other[0]), "state %u", s);
	return b;
}

/* ---- uAPI wrappers: lab/vfio_ioctl.c's, on this client's devices ------------ */

static int mig_get(struct dev *d, u32 *state)
{
	return lab_vfio_mig_get(d->fd, state);
}

static u32 mig_state(struct dev *d)
{
	u32 s;

	mig_get(d, &s);
	return s;
}

static int mig_set(struct dev *d, u32 state, int *data_fd)
{
	return lab_vfio_mig_set(d->fd, state, data_fd);
}

static int data_size(struct dev *d, u64 *len)
{
	return lab_vfio_data_size(d->fd, len);
}

static int dev_reset(struct dev *d)
{
	return lab_vfio_reset(d->fd);
}

/* Back to RUNNING, by a reset if SET cannot (ERROR, or a bad RESUMING). */
static int to_running(struct dev *d)
{
	if (mig_set(d, VFIO_DEVICE_STATE_RUNNING, NULL))
		dev_reset(d);
	return mig_state(d) == VFIO_DEVICE_STATE_RUNNING ? 0 : -EIO;
}

static int bar0_read(struct dev *d, u32 off, u32 *val)
{
	return lab_vfio_region_read32(d->fd, d->bar0, off, val);
}

static int bar0_write(struct dev *d, u32 off, u32 val)
{
	return lab_vfio_region_write32(d->fd, d->bar0, off, val);
}

/* Result of an access of @len bytes: 0, or -errno (a short one is -EIO). */
static int bar0_access(struct dev *d, u32 off, size_t len, bool write)
{
	u8 tmp[8] = { 0 };
	ssize_t n;

	n = write ? pwrite(d->fd, tmp, len, d->bar0 + off) :
		    pread(d->fd, tmp, len, d->bar0 + off);
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

/* ---- Streams -------------------------------------------------------------- */

/*
 * read() @fd in @chunk-byte pieces into @b (appending) until it returns 0
 * (end of stream: returns 0) or fails (returns -errno; -ENOMSG is the end
 * of a pre-copy iteration).
 */
static int read_stream(int fd, struct buf *b, size_t chunk)
{
	for (;;) {
		ssize_t n;

		if (b->len + chunk > STREAM_MAX)
			return -EFBIG;
		n = read(fd, b->p + b->len, chunk);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		b->len += (size_t)n;
	}
}

static int buf_alloc(struct buf *b)
{
	b->len = 0;
	b->p = malloc(STREAM_MAX);
	return b->p ? 0 : -ENOMEM;
}

/* A STOP_COPY stream of @d (from RUNNING, back to RUNNING). */
static int save_stream(struct dev *d, struct buf *b)
{
	int fd, ret;

	b->len = 0;
	ret = mig_set(d, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (ret)
		return ret;
	if (fd < 0)
		return -EBADF;
	ret = read_stream(fd, b, 4096);
	close(fd);
	if (!ret)
		ret = mig_set(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	return ret;
}

/*
 * Resume @len bytes of @p into @d (from RUNNING): RESUMING, write in
 * @chunk-byte pieces, then RESUMING -> STOP. *@werr: the first failed
 * write (0 if none); return: the STOP arc's result, or a setup error in
 * *@setup.
 */
static int resume_stream(struct dev *d, const u8 *p, size_t len, size_t chunk,
			 int *werr, int *setup)
{
	size_t off = 0;
	int fd, ret;

	*werr = 0;
	*setup = mig_set(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (*setup)
		return *setup;
	if (fd < 0) {
		*setup = -EBADF;
		return *setup;
	}
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t w = write(fd, p + off, n);

		if (w < 0) {
			*werr = -errno;
			break;
		}
		if ((size_t)w != n) {
			*werr = -EIO;
			break;
		}
		off += n;
	}
	ret = mig_set(d, VFIO_DEVICE_STATE_STOP, NULL);
	close(fd);
	return ret;
}

/* ---- Setup ------------------------------------------------------------------ */

static bool setup_dev(struct dev *d)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct lab_vfio_fds f;
	char why[300];
	int ret;

	ret = lab_vfio_open(d->name, d->bdf, &f, why, sizeof(why));
	d->group_id = f.group_id;
	d->container = f.container;
	d->group = f.group;
	d->fd = f.fd;
	if (!expect(!ret, "%s", why))
		return false;
	ret = lab_vfio_xioctl(d->fd, VFIO_DEVICE_GET_INFO, &di);
	if (!expect(!ret, "VFIO_DEVICE_GET_INFO: %s", err_name(ret)))
		return false;
	expect(di.flags & VFIO_DEVICE_FLAGS_PCI, "%s: not a PCI device (flags %#x)",
	       d->name, di.flags);
	expect(di.flags & VFIO_DEVICE_FLAGS_RESET,
	       "%s: VFIO_DEVICE_FLAGS_RESET missing (flags %#x): no VFIO_DEVICE_RESET",
	       d->name, di.flags);
	expect(di.num_regions > VFIO_PCI_BAR0_REGION_INDEX, "%s: %u regions",
	       d->name, di.num_regions);
	return true;
}

static bool map_dev(struct dev *d)
{
	int ret;

	d->mem = mmap(NULL, MEM_LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!expect(d->mem != MAP_FAILED, "mmap %u bytes: %s", MEM_LEN,
		    strerror(errno))) {
		d->mem = NULL;
		return false;
	}
	memset(d->mem, 0, MEM_LEN);
	ret = lab_vfio_map_dma(d->container, d->mem, MEM_IOVA, MEM_LEN);
	return expect(!ret, "%s: VFIO_IOMMU_MAP_DMA %u bytes at IOVA %#llx: %s",
		      d->name, MEM_LEN, MEM_IOVA, err_name(ret));
}

/* ---- Checks: BAR0 ----------------------------------------------------------- */

static void check_bar0(struct dev *devs, int n)
{
	int i, ret;

	begin("bar0_region");
	for (i = 0; i < n; i++) {
		struct dev *d = &devs[i];
		struct vfio_region_info ri = {
			.argsz = sizeof(ri),
			.index = VFIO_PCI_BAR0_REGION_INDEX,
		};
		u32 want = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

		ret = lab_vfio_xioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri);
		if (!expect(!ret, "%s: GET_REGION_INFO(BAR0): %s", d->name,
			    err_name(ret)))
			continue;
		d->bar0 = ri.offset;
		expect(ri.flags == want,
		       "%s: BAR0 flags %#x, want READ|WRITE (%#x): no MMAP, no sparse-mmap caps (the model backend serves every register)",
		       d->name, ri.flags, want);
		expect(ri.size == EDU_BAR0_LEN, "%s: BAR0 size %llu, want %u",
		       d->name, (unsigned long long)ri.size, EDU_BAR0_LEN);
	}
	end("BAR0 of both: READ|WRITE, no MMAP, %u bytes", EDU_BAR0_LEN);

	begin("bar0_mmap_refused");
	for (i = 0; i < n; i++) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       devs[i].fd, (off_t)devs[i].bar0);
		int err = p == MAP_FAILED ? errno : 0;

		if (p != MAP_FAILED)
			munmap(p, PAGE);
		expect(p == MAP_FAILED,
		       "%s: mmap of BAR0 succeeded: a user could bypass the doorbell traps",
		       devs[i].name);
		expect(p != MAP_FAILED || err == EINVAL,
		       "%s: mmap of BAR0 failed with %s, want EINVAL", devs[i].name,
		       strerror(err));
	}
	end("mmap of BAR0 fails with EINVAL on both");

	begin("bar0_read");
	for (i = 0; i < n; i++) {
		u32 v = ~0u;

		ret = bar0_read(&devs[i], VFMIG_VFGEN_RSTAT, &v);
		if (!expect(!ret, "%s: read VFGEN_RSTAT: %s", devs[i].name,
			    err_name(ret)))
			continue;
		info("vfgen_rstat", "%s %#x", devs[i].name, v);
		expect((v & VFMIG_VFGEN_RSTAT_VFR_STATE_MASK) == VFMIG_VFR_VFACTIVE,
		       "%s: VFGEN_RSTAT %#x, want VFR_VFACTIVE (%u): the model PF made its VF active at creation",
		       devs[i].name, v, VFMIG_VFR_VFACTIVE);
	}
	end("VFGEN_RSTAT (0x%x) reads VFR_VFACTIVE (%u) through the device fd on both",
	    VFMIG_VFGEN_RSTAT, VFMIG_VFR_VFACTIVE);

	/* A's mailbox bases, carried to B by the migration checks below. */
	begin("bar0_write");
	{
		static const struct { u32 off; u32 val; const char *name; } regs[] = {
			{ VFMIG_VF_ARQBAL1, MARK_ARQBAL, "VF_ARQBAL1" },
			{ VFMIG_VF_ATQBAL1, MARK_ATQBAL, "VF_ATQBAL1" },
		};
		unsigned int r;

		for (r = 0; r < 2; r++) {
			u32 v = 0;

			ret = bar0_write(&devs[0], regs[r].off, regs[r].val);
			if (!expect(!ret, "A: write %s: %s", regs[r].name, err_name(ret)))
				continue;
			ret = bar0_read(&devs[0], regs[r].off, &v);
			expect(!ret && v == regs[r].val, "A: %s reads %#x (%s), wrote %#x",
			       regs[r].name, v, err_name(ret), regs[r].val);
		}
	}
	end("A: VF_ARQBAL1 (untrapped page) and VF_ATQBAL1 (trapped page) read back what was written");

	begin("bar0_bad_access");
	{
		static const struct { u32 off; u32 len; bool write; } bad[] = {
			{ VFMIG_QTX_TAIL1(0), 2, false },
			{ VFMIG_QRX_TAIL1(0), 2, true },
			{ VFMIG_VF_ARQT1, 1, false },
			{ VFMIG_QRX_TAIL1(0) + 2, 4, false },
			{ VFMIG_QTX_TAIL1(1) + 1, 4, true },
			{ VFMIG_VF_ARQT1 + 2, 4, true },
			{ VFMIG_QTX_TAIL1(0), 6, false },
		};
		unsigned int k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			ret = bar0_access(&devs[0], bad[k].off, bad[k].len, bad[k].write);
			expect(ret == -EINVAL, "A: %u-byte %s at BAR0 %#x: %s, want EINVAL",
			       bad[k].len, bad[k].write ? "write" : "read", bad[k].off,
			       err_name(ret));
		}
		ret = bar0_access(&devs[0], VFMIG_VF_BAR0_SIZE, 4, false);
		info("bar0_read_beyond_registers", "offset %#x: %s", VFMIG_VF_BAR0_SIZE,
		     err_name(ret));
	}
	end("2-byte, 1-byte, 6-byte and misaligned accesses on the trapped pages fail with EINVAL");
}

/* ---- Checks: the migration uAPI ---------------------------------------------- */

static bool supported_state(u32 s)
{
	switch (s) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return true;
	case VFIO_DEVICE_STATE_PRE_COPY:
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return exp_precopy;
	default:
		return false;
	}
}

static bool saving(u32 s)
{
	return s == VFIO_DEVICE_STATE_PRE_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY_P2P ||
	       s == VFIO_DEVICE_STATE_STOP_COPY;
}

static void check_features(struct dev *devs, int n)
{
	u64 want = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
		   (exp_precopy ? VFIO_MIGRATION_PRE_COPY : 0);
	int i, ret;

	begin("mig_features");
	for (i = 0; i < n; i++) {
		struct vfio_device_feature_migration mf = { 0 };
		struct dev *d = &devs[i];
		u32 s;
		u64 len;

		ret = lab_vfio_feature(d->fd, VFIO_DEVICE_FEATURE_GET |
			      VFIO_DEVICE_FEATURE_MIGRATION, &mf, sizeof(mf));
		if (expect(!ret, "%s: GET MIGRATION: %s", d->name, err_name(ret)))
			expect(mf.flags == want, "%s: migration flags %#llx, want %#llx",
			       d->name, (unsigned long long)mf.flags,
			       (unsigned long long)want);
		ret = mig_get(d, &s);
		expect(!ret && s == VFIO_DEVICE_STATE_RUNNING,
		       "%s: a freshly opened device is in %s (%s), want RUNNING",
		       d->name, state_name(s), err_name(ret));
		ret = data_size(d, &len);
		if (exp_datasize)
			expect(!ret, "%s: GET MIG_DATA_SIZE: %s", d->name, err_name(ret));
		else
			expect(ret == -ENOTTY,
			       "%s: GET MIG_DATA_SIZE on a kernel without it: %s, want ENOTTY",
			       d->name, err_name(ret));
	}
	end("migration flags %#llx%s; devices start RUNNING; MIG_DATA_SIZE %s",
	    (unsigned long long)want,
	    exp_precopy ? " (STOP_COPY|P2P|PRE_COPY)" : " (STOP_COPY|P2P)",
	    exp_datasize ? "answers" : "unknown to this kernel (ENOTTY)");
}

/*
 * Put @d in @cur from RUNNING. A save or resume session's fd in *@fd; in
 * RESUMING, @good (a valid stream for @d) is written, so leaving RESUMING
 * can succeed.
 */
static int reach(struct dev *d, u32 cur, const struct buf *good, int *fd)
{
	int ret;

	*fd = -1;
	ret = mig_set(d, cur, fd);
	if (ret)
		return ret;
	if (cur == VFIO_DEVICE_STATE_RESUMING) {
		ssize_t w = write(*fd, good->p, good->len);

		if (w != (ssize_t)good->len)
			return w < 0 ? -errno : -EIO;
	}
	return mig_state(d) == cur ? 0 : -EPROTO;
}

/*
 * Does the session behind @fd still answer? 0 or bytes for a live save
 * session (or -ENOMSG at the end of a pre-copy iteration), -ENODEV for an
 * ended one. A resume session is probed with a 1-byte write.
 */
static int fd_probe(int fd, bool resume)
{
	u8 tmp = 0;
	ssize_t n = resume ? write(fd, &tmp, 1) : read(fd, &tmp, 1);

	return n < 0 ? -errno : (int)n;
}

static void check_arcs(struct dev *d, const struct buf *good)
{
	int pairs = 0, done = 0, fds = 0;
	u32 cur, tgt, s;

	begin("mig_arcs");
	for (cur = 1; cur < VFIO_CHECK_STATE_NR; cur++) {
		if (!supported_state(cur))
			continue;
		for (tgt = 1; tgt < VFIO_CHECK_STATE_NR; tgt++) {
			int old = -1, nfd = -1, ret;
			bool want_fd, ended;

			if (!supported_state(tgt) ||
			    (cur == VFIO_DEVICE_STATE_STOP_COPY &&
			     (tgt == VFIO_DEVICE_STATE_PRE_COPY ||
			      tgt == VFIO_DEVICE_STATE_PRE_COPY_P2P)))
				continue;
			pairs++;
			if (!expect(!to_running(d), "%s -> %s: cannot get back to RUNNING first",
				    state_name(cur), state_name(tgt)))
				continue;
			ret = reach(d, cur, good, &old);
			if (!expect(!ret, "%s -> %s: cannot reach %s from RUNNING: %s (state %s)",
				    state_name(cur), state_name(tgt), state_name(cur),
				    err_name(ret), state_name(mig_state(d))))
				goto next;
			ret = mig_set(d, tgt, &nfd);
			s = mig_state(d);
			if (!expect(!ret && s == tgt, "%s -> %s: SET returned %s, state now %s",
				    state_name(cur), state_name(tgt), err_name(ret),
				    state_name(s)))
				goto next;
			want_fd = (saving(tgt) && !saving(cur)) ||
				  (tgt == VFIO_DEVICE_STATE_RESUMING &&
				   cur != VFIO_DEVICE_STATE_RESUMING);
			expect(want_fd == (nfd >= 0), "%s -> %s: data_fd %d, want %s",
			       state_name(cur), state_name(tgt), nfd,
			       want_fd ? "a new session's fd" : "-1 (no new session)");
			fds += nfd >= 0;
			if (old >= 0 && !(cur == VFIO_DEVICE_STATE_RESUMING &&
					  tgt == VFIO_DEVICE_STATE_RESUMING)) {
				ended = cur == VFIO_DEVICE_STATE_RESUMING ||
					!saving(tgt);
				ret = fd_probe(old, cur == VFIO_DEVICE_STATE_RESUMING);
				if (ended)
					expect(ret == -ENODEV,
					       "%s -> %s: the ended session's fd answers %s, want ENODEV",
					       state_name(cur), state_name(tgt), err_name(ret));
				else
					expect(ret >= 0 || ret == -ENOMSG,
					       "%s -> %s: the session goes on, but its fd answers %s",
					       state_name(cur), state_name(tgt), err_name(ret));
			}
			done++;
			/* a valid stream, so the way back leaves RESUMING cleanly */
			if (nfd >= 0 && tgt == VFIO_DEVICE_STATE_RESUMING)
				expect(write(nfd, good->p, good->len) == (ssize_t)good->len,
				       "%s -> %s: writing a stream to the new data_fd: %s",
				       state_name(cur), state_name(tgt), strerror(errno));
next:
			if (old >= 0)
				close(old);
			if (nfd >= 0)
				close(nfd);
		}
	}
	expect(!to_running(d), "cannot get back to RUNNING at the end");
	info("mig_arcs_pairs", "%d of %d reached their target, %d new data_fds", done,
	     pairs, fds);
	end("all %d allowed (current, target) pairs end in the target (GET after SET), a data_fd exactly when a session starts, ended sessions' fds give ENODEV",
	    pairs);

	begin("mig_arcs_forbidden");
	pairs = 0;
	for (cur = 1; cur < VFIO_CHECK_STATE_NR; cur++) {
		if (!supported_state(cur))
			continue;
		for (tgt = 0; tgt <= VFIO_CHECK_STATE_NR; tgt++) {
			int old = -1, nfd = -1, ret;

			if (supported_state(tgt) &&
			    !(cur == VFIO_DEVICE_STATE_STOP_COPY &&
			      (tgt == VFIO_DEVICE_STATE_PRE_COPY ||
			       tgt == VFIO_DEVICE_STATE_PRE_COPY_P2P)))
				continue;
			pairs++;
			if (!expect(!to_running(d), "%s -> %s: cannot get back to RUNNING first",
				    state_name(cur), state_name(tgt)))
				continue;
			ret = reach(d, cur, good, &old);
			if (expect(!ret, "%s: cannot reach it from RUNNING: %s",
				   state_name(cur), err_name(ret))) {
				ret = mig_set(d, tgt, &nfd);
				s = mig_state(d);
				expect(ret == -EINVAL && s == cur,
				       "%s -> %s (not allowed): SET returned %s, state now %s; want EINVAL, still %s",
				       state_name(cur), state_name(tgt), err_name(ret),
				       state_name(s), state_name(cur));
				if (old >= 0 && cur != VFIO_DEVICE_STATE_RESUMING) {
					ret = fd_probe(old, false);
					expect(ret >= 0 || ret == -ENOMSG,
					       "%s -> %s refused, but the session's fd now answers %s",
					       state_name(cur), state_name(tgt), err_name(ret));
				}
			}
			if (old >= 0)
				close(old);
			if (nfd >= 0)
				close(nfd);
		}
	}
	expect(!to_running(d), "cannot get back to RUNNING at the end");
	end("all %d forbidden (current, target) pairs (ERROR, unsupported or unknown targets%s) fail with EINVAL and leave the state and its session alone",
	    pairs, exp_precopy ? ", STOP_COPY -> PRE_COPY*" : ", PRE_COPY* without PRE_COPY");
}

static void check_save_resume(struct dev *a, struct dev *b, struct buf *good)
{
	static const u32 mark_b = 0x11111000u;
	int fd = -1, rfd = -1, nfd, ret, werr, setup, lseek_err;
	u8 tmp[16];
	size_t off;
	ssize_t n;
	u32 v, s;
	struct buf bad;

	/* A: RUNNING -> STOP_COPY, the whole stream. */
	begin("save_stop_copy");
	good->len = 0;
	expect(!to_running(a), "A: not RUNNING");
	ret = mig_set(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	s = mig_state(a);
	if (expect(!ret && fd >= 0 && s == VFIO_DEVICE_STATE_STOP_COPY,
		   "A: RUNNING -> STOP_COPY: %s, data_fd %d, state %s", err_name(ret), fd,
		   state_name(s))) {
		ret = read_stream(fd, good, 4096);
		expect(!ret, "A: reading the save stream: %s after %zu bytes", err_name(ret),
		       good->len);
		expect(good->len > 0, "A: the save stream is empty");
		n = read(fd, tmp, sizeof(tmp));
		expect(n == 0, "A: a read at the end of the STOP_COPY stream gives %zd (%s), want 0 again",
		       n, n < 0 ? strerror(errno) : "data");
	}
	info("save_stream_bytes", "%zu", good->len);
	end("RUNNING -> STOP_COPY gives a data_fd; read to EOF: %zu bytes, then EOF stays", good->len);

	begin("save_fd_espipe");
	if (expect(fd >= 0, "no save fd")) {
		errno = 0;
		expect(lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek: %s, want ESPIPE",
		       strerror(errno));
		errno = 0;
		expect(pread(fd, tmp, 1, 0) < 0 && errno == ESPIPE, "pread: %s, want ESPIPE",
		       strerror(errno));
		errno = 0;
		expect(pwrite(fd, tmp, 1, 0) < 0 && errno == ESPIPE, "pwrite: %s, want ESPIPE",
		       strerror(errno));
	}
	end("lseek, pread and pwrite on the save data_fd give ESPIPE");

	begin("save_fd_enodev");
	ret = mig_set(a, VFIO_DEVICE_STATE_STOP, &nfd);
	expect(!ret && nfd < 0 && mig_state(a) == VFIO_DEVICE_STATE_STOP,
	       "A: STOP_COPY -> STOP: %s, data_fd %d", err_name(ret), nfd);
	if (fd >= 0) {
		errno = 0;
		n = read(fd, tmp, sizeof(tmp));
		expect(n < 0 && errno == ENODEV, "read after STOP_COPY -> STOP: %zd (%s), want ENODEV",
		       n, strerror(errno));
		close(fd);
	}
	ret = mig_set(a, VFIO_DEVICE_STATE_RUNNING, NULL);
	expect(!ret && mig_state(a) == VFIO_DEVICE_STATE_RUNNING, "A: STOP -> RUNNING: %s",
	       err_name(ret));
	end("after STOP_COPY -> STOP a read of the old data_fd gives ENODEV; A runs again");

	/* B: STOP -> RESUMING with A's stream, -> STOP -> RUNNING. */
	begin("resume_restores");
	expect(!to_running(b), "B: not RUNNING");
	bar0_write(b, VFMIG_VF_ARQBAL1, mark_b);
	ret = mig_set(b, VFIO_DEVICE_STATE_STOP, NULL);
	expect(!ret, "B: RUNNING -> STOP: %s", err_name(ret));
	ret = mig_set(b, VFIO_DEVICE_STATE_RESUMING, &rfd);
	s = mig_state(b);
	if (expect(!ret && rfd >= 0 && s == VFIO_DEVICE_STATE_RESUMING,
		   "B: STOP -> RESUMING: %s, data_fd %d, state %s", err_name(ret), rfd,
		   state_name(s))) {
		/* before any data: these must not reach the stream */
		errno = 0;
		lseek_err = lseek(rfd, 0, SEEK_SET) < 0 ? errno : 0;
		n = pwrite(rfd, good->p, 1, 0);
		werr = n < 0 ? errno : 0;
		for (off = 0; off < good->len; off += (size_t)n) {
			size_t len = good->len - off < 1000 ? good->len - off : 1000;

			n = write(rfd, good->p + off, len);
			if (!expect(n == (ssize_t)len, "B: write %zu bytes at %zu: %zd (%s)",
				    len, off, n, n < 0 ? strerror(errno) : "short"))
				break;
		}
		ret = mig_set(b, VFIO_DEVICE_STATE_STOP, &nfd);
		s = mig_state(b);
		expect(!ret && s == VFIO_DEVICE_STATE_STOP && nfd < 0,
		       "B: RESUMING -> STOP with A's stream: %s, state %s", err_name(ret),
		       state_name(s));
		ret = mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
		s = mig_state(b);
		expect(!ret && s == VFIO_DEVICE_STATE_RUNNING, "B: STOP -> RUNNING: %s, state %s",
		       err_name(ret), state_name(s));
		v = 0;
		ret = bar0_read(b, VFMIG_VF_ARQBAL1, &v);
		expect(!ret && v == MARK_ARQBAL,
		       "B: VF_ARQBAL1 %#x after the restore, A had %#x (B had %#x)", v,
		       MARK_ARQBAL, mark_b);
		v = 0;
		ret = bar0_read(b, VFMIG_VF_ATQBAL1, &v);
		expect(!ret && v == MARK_ATQBAL, "B: VF_ATQBAL1 %#x after the restore, A had %#x",
		       v, MARK_ATQBAL);
		end("B: STOP -> RESUMING, %zu bytes in 1000-byte writes, -> STOP -> RUNNING; A's mailbox registers are B's now",
		    good->len);

		begin("resume_fd_espipe");
		expect(lseek_err == ESPIPE, "lseek: %s, want ESPIPE", strerror(lseek_err));
		expect(werr == ESPIPE, "pwrite: %s, want ESPIPE", strerror(werr));
		end("lseek and pwrite on the resume data_fd give ESPIPE");

		begin("resume_fd_enodev");
		errno = 0;
		n = write(rfd, good->p, 1);
		expect(n < 0 && errno == ENODEV, "write after RESUMING -> STOP: %zd (%s), want ENODEV",
		       n, strerror(errno));
		end("after RESUMING -> STOP a write to the old data_fd gives ENODEV");
		close(rfd);
	} else {
		end("-");
	}

	/* Bad streams: the arc fails, ERROR, and only a reset leaves it. */
	if (buf_alloc(&bad))
		return;
	{
		static const char *const ids[] = { "resume_corrupt", "resume_truncated" };
		const char *what[3] = { "a byte flipped in the middle", "cut in half",
					"the last byte missing" };
		int recovered = 0, k;

		for (k = 0; k < 3; k++) {
			if (k < 2)
				begin(ids[k]);
			memcpy(bad.p, good->p, good->len);
			bad.len = good->len;
			if (k == 0)
				bad.p[bad.len / 2] ^= 0xff;
			else if (k == 1)
				bad.len /= 2;
			else
				bad.len -= 1;
			expect(!to_running(b), "B: not RUNNING");
			bar0_write(b, VFMIG_VF_ARQBAL1, mark_b);
			ret = resume_stream(b, bad.p, bad.len, 1000, &werr, &setup);
			s = mig_state(b);
			if (!expect(!setup, "B: cannot start RESUMING: %s", err_name(setup)))
				continue;
			info("bad_stream", "%s: writes %s, RESUMING -> STOP %s", what[k],
			     err_name(werr), err_name(ret));
			expect(ret < 0, "B: RESUMING -> STOP accepted a stream with %s", what[k]);
			expect(s == VFIO_DEVICE_STATE_ERROR, "B: state %s after a refused stream (%s), want ERROR",
			       state_name(s), what[k]);
			v = 0;
			bar0_read(b, VFMIG_VF_ARQBAL1, &v);
			expect(v == mark_b, "B: VF_ARQBAL1 %#x after a refused stream, was %#x: the device was touched",
			       v, mark_b);
			ret = mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
			expect(ret == -EINVAL && mig_state(b) == VFIO_DEVICE_STATE_ERROR,
			       "B: ERROR -> RUNNING: %s, state %s; want EINVAL, still ERROR",
			       err_name(ret), state_name(mig_state(b)));
			ret = mig_set(b, VFIO_DEVICE_STATE_ERROR, NULL);
			expect(ret == -EINVAL && mig_state(b) == VFIO_DEVICE_STATE_ERROR,
			       "B: ERROR -> ERROR: %s; want EINVAL (ERROR is never a target)",
			       err_name(ret));
			ret = dev_reset(b);
			s = mig_state(b);
			if (k == 0) {
				/* a real VF's FLR clears its mailbox registers */
				v = 0;
				bar0_read(b, VFMIG_VF_ARQBAL1, &v);
				info("after_reset_arqbal", "%#x (%s)", v,
				     v ? "kept: the model VF is not reset by VFIO_DEVICE_RESET" :
					 "cleared");
			}
			if (expect(!ret && s == VFIO_DEVICE_STATE_RUNNING,
				   "B: VFIO_DEVICE_RESET from ERROR: %s, state %s", err_name(ret),
				   state_name(s))) {
				ret = mig_set(b, VFIO_DEVICE_STATE_STOP, NULL);
				ret = ret ?: mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
				recovered += expect(!ret, "B: RUNNING -> STOP -> RUNNING after the reset: %s",
						    err_name(ret));
			}
			if (k == 0)
				end("a stream with %s fails RESUMING -> STOP, the device reads ERROR, the registers are untouched, SET cannot leave ERROR, VFIO_DEVICE_RESET brings RUNNING back",
				    what[k]);
			else if (k == 2)
				end("streams %s and with %s fail RESUMING -> STOP into ERROR, registers untouched; VFIO_DEVICE_RESET recovers",
				    what[1], what[2]);
		}
		info("reset_recoveries", "%d of 3", recovered);
	}
	free(bad.p);
}

/* ---- PRE_COPY and MIG_DATA_SIZE (6.2+, 6.3+) --------------------------------- */

static void check_precopy(struct dev *a, struct dev *b)
{
	u64 i0 = 0, d0 = 0, i1, d1, total = 0, ds_run = 0, ds_pre = 0, ds_sc = 0,
	    ds_eof = ~0ull, ds_stop = 0, prev;
	struct vfio_precopy_info small = { .argsz = 8 };
	int fd = -1, fd2 = -1, nfd, ret, werr, setup, rd_err = 0, iters = 0;
	struct buf init, rest, full;
	u8 tmp[100];
	ssize_t n;
	u32 v, s;

	if (buf_alloc(&init) || buf_alloc(&rest) || buf_alloc(&full))
		return;

	/* MIG_DATA_SIZE in RUNNING, then the stream it predicts. */
	expect(!to_running(a), "A: not RUNNING");
	ret = data_size(a, &ds_run);
	if (ret)
		ds_run = ~0ull;

	begin("precopy_info");
	ret = mig_set(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	s = mig_state(a);
	if (!expect(!ret && fd >= 0 && s == VFIO_DEVICE_STATE_PRE_COPY,
		    "A: RUNNING -> PRE_COPY: %s, data_fd %d, state %s", err_name(ret), fd,
		    state_name(s))) {
		end("-");
		goto out;
	}
	ret = lab_vfio_precopy_info(fd, &i0, &d0);
	expect(!ret && i0 > 0 && d0 == 0,
	       "PRECOPY_INFO at the start: %s, initial_bytes %llu, dirty_bytes %llu; want > 0 and 0 (idle VF)",
	       err_name(ret), (unsigned long long)i0, (unsigned long long)d0);
	ret = lab_vfio_xioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &small);
	expect(ret == -EINVAL, "PRECOPY_INFO with argsz 8: %s, want EINVAL", err_name(ret));
	prev = i0;
	for (;;) {
		n = read(fd, init.p + init.len, sizeof(tmp));
		if (n <= 0) {
			rd_err = n < 0 ? -errno : 0;
			break;
		}
		init.len += (size_t)n;
		total += (u64)n;
		if (++iters > 10000 || init.len + sizeof(tmp) > STREAM_MAX) {
			failf("PRE_COPY stream does not end: %zu bytes", init.len);
			break;
		}
		ret = lab_vfio_precopy_info(fd, &i1, &d1);
		if (!expect(!ret, "PRECOPY_INFO after %llu bytes: %s",
			    (unsigned long long)total, err_name(ret)))
			break;
		expect(i1 < prev && i1 + total == i0,
		       "initial_bytes %llu after reading %llu of %llu (was %llu): does not count down",
		       (unsigned long long)i1, (unsigned long long)total,
		       (unsigned long long)i0, (unsigned long long)prev);
		prev = i1;
	}
	info("precopy_initial_bytes", "%llu, read in %d reads of <= %zu bytes",
	     (unsigned long long)i0, iters, sizeof(tmp));
	end("RUNNING -> PRE_COPY gives a data_fd; initial_bytes %llu > 0 counts down by every byte read; argsz too small: EINVAL",
	    (unsigned long long)i0);

	begin("precopy_enomsg");
	expect(rd_err == -ENOMSG, "read after the initial data: %s, want ENOMSG",
	       err_name(rd_err));
	expect(total == i0, "read %llu bytes before the end of the iteration, initial_bytes said %llu",
	       (unsigned long long)total, (unsigned long long)i0);
	ret = lab_vfio_precopy_info(fd, &i1, &d1);
	expect(!ret && i1 == 0 && d1 == 0, "PRECOPY_INFO when drained: %s, %llu/%llu, want 0/0",
	       err_name(ret), (unsigned long long)i1, (unsigned long long)d1);
	errno = 0;
	n = read(fd, tmp, sizeof(tmp));
	expect(n < 0 && errno == ENOMSG, "a second read when drained: %zd (%s), want ENOMSG", n,
	       strerror(errno));
	{
		/* uAPI: at the temporary end a user waits for more with poll */
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		ret = poll(&pfd, 1, 0);
		expect(ret == 0 && !pfd.revents,
		       "poll on the drained PRE_COPY fd: %d, revents %#x, want 0 (nothing to read yet)",
		       ret, pfd.revents);
	}
	if (exp_datasize) {
		ret = data_size(a, &ds_pre);
		expect(!ret, "MIG_DATA_SIZE in PRE_COPY: %s", err_name(ret));
	}
	end("drained (initial_bytes and dirty_bytes 0): read gives ENOMSG, again; poll waits");

	/* The same session goes on into STOP_COPY. */
	begin("precopy_stop_copy");
	ret = mig_set(a, VFIO_DEVICE_STATE_STOP_COPY, &nfd);
	s = mig_state(a);
	expect(!ret && s == VFIO_DEVICE_STATE_STOP_COPY && nfd < 0,
	       "A: PRE_COPY -> STOP_COPY: %s, state %s, data_fd %d (want -1: same session)",
	       err_name(ret), state_name(s), nfd);
	if (nfd >= 0)
		close(nfd);
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		ret = poll(&pfd, 1, 1000);
		expect(ret == 1 && (pfd.revents & POLLIN),
		       "poll on the fd once in STOP_COPY: %d, revents %#x, want POLLIN (the rest is there)",
		       ret, pfd.revents);
	}
	ret = lab_vfio_precopy_info(fd, &i1, &d1);
	expect(ret == -EINVAL, "PRECOPY_INFO in STOP_COPY: %s, want EINVAL (uAPI: only in PRE_COPY states)",
	       err_name(ret));
	if (exp_datasize) {
		ret = data_size(a, &ds_sc);
		expect(!ret, "MIG_DATA_SIZE in STOP_COPY: %s", err_name(ret));
	}
	ret = read_stream(fd, &rest, 4096);
	expect(!ret && rest.len > 0, "reading the stop-copy part: %s, %zu bytes", err_name(ret),
	       rest.len);
	if (exp_datasize) {
		ret = data_size(a, &ds_eof);
		expect(!ret, "MIG_DATA_SIZE at the end of STOP_COPY: %s", err_name(ret));
	}
	ret = mig_set(a, VFIO_DEVICE_STATE_STOP, NULL);
	expect(!ret, "A: STOP_COPY -> STOP: %s", err_name(ret));
	errno = 0;
	n = read(fd, tmp, sizeof(tmp));
	expect(n < 0 && errno == ENODEV, "read after STOP_COPY -> STOP: %zd (%s), want ENODEV", n,
	       strerror(errno));
	ret = lab_vfio_precopy_info(fd, &i1, &d1);
	info("precopy_info_after_session", "%s", err_name(ret));
	expect(ret == -EINVAL,
	       "PRECOPY_INFO on an ended session: %s, want EINVAL (uAPI: not in PRE_COPY*)",
	       err_name(ret));
	close(fd);
	fd = -1;
	if (exp_datasize) {
		ret = data_size(a, &ds_stop);
		expect(!ret, "MIG_DATA_SIZE in STOP: %s", err_name(ret));
	}
	ret = mig_set(a, VFIO_DEVICE_STATE_RUNNING, NULL);
	expect(!ret, "A: STOP -> RUNNING: %s", err_name(ret));
	/* initial + stop-copy data is one stream: it restores on B */
	memcpy(full.p, init.p, init.len);
	memcpy(full.p + init.len, rest.p, rest.len);
	full.len = init.len + rest.len;
	expect(!to_running(b), "B: not RUNNING");
	bar0_write(b, VFMIG_VF_ARQBAL1, 0);
	ret = resume_stream(b, full.p, full.len, 333, &werr, &setup);
	expect(!setup && !werr && !ret, "B: resume of the pre-copy + stop-copy stream: setup %s, writes %s, RESUMING -> STOP %s",
	       err_name(setup), err_name(werr), err_name(ret));
	ret = mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
	v = 0;
	bar0_read(b, VFMIG_VF_ARQBAL1, &v);
	expect(!ret && v == MARK_ARQBAL, "B: -> RUNNING %s, VF_ARQBAL1 %#x, want A's %#x",
	       err_name(ret), v, MARK_ARQBAL);
	info("precopy_stream_bytes", "%zu initial + %zu stop-copy", init.len, rest.len);
	end("PRE_COPY -> STOP_COPY keeps the session (no new fd), PRECOPY_INFO then EINVAL; the rest reads to EOF; the joined stream (%zu bytes) restores on B",
	    full.len);

	/* Cancel: PRE_COPY -> RUNNING ends the session; a new one starts over. */
	begin("precopy_cancel");
	ret = mig_set(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
	if (expect(!ret && fd >= 0, "A: RUNNING -> PRE_COPY: %s", err_name(ret))) {
		n = read(fd, tmp, 16);
		expect(n == 16, "read 16 bytes: %zd", n);
		ret = mig_set(a, VFIO_DEVICE_STATE_RUNNING, &nfd);
		expect(!ret && nfd < 0 && mig_state(a) == VFIO_DEVICE_STATE_RUNNING,
		       "A: PRE_COPY -> RUNNING: %s, data_fd %d", err_name(ret), nfd);
		ret = lab_vfio_precopy_info(fd, &i1, &d1);
		expect(ret == -EINVAL,
		       "PRECOPY_INFO on the session PRE_COPY -> RUNNING ended: %s, want EINVAL (uAPI: not in PRE_COPY*)",
		       err_name(ret));
		errno = 0;
		n = read(fd, tmp, 16);
		expect(n < 0 && errno == ENODEV, "read on the ended session: %zd (%s), want ENODEV", n,
		       strerror(errno));
		close(fd);
		fd = -1;
		ret = mig_set(a, VFIO_DEVICE_STATE_PRE_COPY, &fd2);
		if (expect(!ret && fd2 >= 0, "A: PRE_COPY again: %s", err_name(ret))) {
			ret = lab_vfio_precopy_info(fd2, &i1, &d1);
			expect(!ret && i1 == i0, "a new session's initial_bytes %llu (%s), first one had %llu",
			       (unsigned long long)i1, err_name(ret), (unsigned long long)i0);
			close(fd2);
		}
		ret = mig_set(a, VFIO_DEVICE_STATE_RUNNING, NULL);
		expect(!ret, "A: PRE_COPY -> RUNNING: %s", err_name(ret));
	}
	end("PRE_COPY -> RUNNING ends the session (PRECOPY_INFO gives EINVAL, read ENODEV), a new PRE_COPY starts over");

	if (!exp_datasize)
		goto out;
	/* MIG_DATA_SIZE against the streams it predicted. */
	begin("mig_data_size");
	ret = save_stream(a, &full);
	expect(!ret, "A: a STOP_COPY stream: %s", err_name(ret));
	info("mig_data_size", "RUNNING %llu (stream then %zu), PRE_COPY drained %llu (rest %zu), STOP_COPY %llu, at EOF %llu, STOP %llu",
	     (unsigned long long)ds_run, full.len, (unsigned long long)ds_pre, rest.len,
	     (unsigned long long)ds_sc, (unsigned long long)ds_eof,
	     (unsigned long long)ds_stop);
	expect(ds_run == full.len, "RUNNING: MIG_DATA_SIZE %llu, a STOP_COPY stream then had %zu bytes",
	       (unsigned long long)ds_run, full.len);
	expect(ds_pre == rest.len, "PRE_COPY, initial data read: MIG_DATA_SIZE %llu, STOP_COPY then gave %zu more",
	       (unsigned long long)ds_pre, rest.len);
	expect(ds_sc == rest.len, "STOP_COPY before reading: MIG_DATA_SIZE %llu, want the %zu bytes that came",
	       (unsigned long long)ds_sc, rest.len);
	expect(ds_eof == 0, "STOP_COPY at EOF: MIG_DATA_SIZE %llu, want 0", (unsigned long long)ds_eof);
	expect(ds_stop == full.len, "STOP: MIG_DATA_SIZE %llu, want a whole stream (%zu)",
	       (unsigned long long)ds_stop, full.len);
	{
		u64 len;
		int st;

		/* uAPI: "can be called on each device state" */
		expect(!to_running(b), "B: not RUNNING");
		ret = mig_set(b, VFIO_DEVICE_STATE_RESUMING, &fd);
		st = data_size(b, &len);
		expect(!st && len > 0, "MIG_DATA_SIZE in RESUMING: %s (%llu), want a size",
		       err_name(st), (unsigned long long)len);
		if (fd >= 0) {
			expect(write(fd, full.p, full.len) == (ssize_t)full.len,
			       "B: writing A's stream: %s", strerror(errno));
			close(fd);
			fd = -1;
		}
		ret = mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
		expect(!ret, "B: RESUMING -> RUNNING with A's stream: %s", err_name(ret));
	}
	end("MIG_DATA_SIZE is exact for an idle VF: RUNNING and STOP %zu = the stream, PRE_COPY drained and STOP_COPY %zu = what was left, 0 at EOF",
	    full.len, rest.len);
out:
	if (fd >= 0)
		close(fd);
	free(init.p);
	free(rest.p);
	free(full.p);
}

/* ---- Device DMA logging ----------------------------------------------------------- */

static int log_start(struct dev *d, u64 iova, u64 len, u64 *page_size)
{
	struct vfio_device_feature_dma_logging_range r = { .iova = iova, .length = len };

	return lab_vfio_log_start(d->fd, &r, 1, page_size);
}

static int log_stop(struct dev *d)
{
	return lab_vfio_log_stop(d->fd);
}

static int log_report(struct dev *d, u64 iova, u64 len, u64 page_size, u64 *bitmap)
{
	return lab_vfio_log_report(d->fd, iova, len, page_size, bitmap);
}

static void check_dma_log(struct dev *a)
{
	enum { NBITS = MEM_LEN / PAGE, NWORDS = NBITS / 64 };
	u64 bitmap[NWORDS], ps = PAGE;
	int ret, i, extra = 0, lost = 0;

	if (!exp_dmalog) {
		begin("dma_log_unsupported");
		ret = lab_vfio_probe(a->fd, VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			    VFIO_DEVICE_FEATURE_SET);
		expect(ret == -ENOTTY, "PROBE of DMA_LOGGING_START: %s, want ENOTTY (no log_ops: this kernel cannot report)",
		       err_name(ret));
		ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
		expect(ret == -ENOTTY, "DMA_LOGGING_START: %s, want ENOTTY", err_name(ret));
		ret = log_report(a, MEM_IOVA, MEM_LEN, PAGE, bitmap);
		expect(ret == -ENOTTY, "DMA_LOGGING_REPORT: %s, want ENOTTY", err_name(ret));
		end("device DMA logging is not offered: the DMA_LOGGING_START probe, START and REPORT answer ENOTTY up front");
		return;
	}

	begin("dma_log_start");
	ret = lab_vfio_probe(a->fd, VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_SET);
	expect(!ret, "PROBE of DMA_LOGGING_START: %s", err_name(ret));
	ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
	expect(!ret, "DMA_LOGGING_START of [%#llx, +%u): %s", MEM_IOVA, MEM_LEN, err_name(ret));
	expect(ps && !(ps & (ps - 1)), "page size %llu is not a power of 2",
	       (unsigned long long)ps);
	info("dma_log_page_size", "%llu", (unsigned long long)ps);
	end("probe and DMA_LOGGING_START of the mapped range succeed (page size %llu)",
	    (unsigned long long)ps);

	begin("dma_log_busy");
	{
		u64 ps2 = PAGE;

		ret = log_start(a, MEM_IOVA, MEM_LEN, &ps2);
		expect(ret == -EBUSY, "a second DMA_LOGGING_START: %s, want EBUSY", err_name(ret));
	}
	end("a second DMA_LOGGING_START gives EBUSY");

	begin("dma_log_report");
	/* a pattern the report may only add to */
	for (i = 0; i < NWORDS; i++)
		bitmap[i] = 0x9249249249249249ull;
	ret = log_report(a, MEM_IOVA, MEM_LEN, PAGE, bitmap);
	expect(!ret, "DMA_LOGGING_REPORT: %s", err_name(ret));
	for (i = 0; i < NWORDS; i++) {
		lost += __builtin_popcountll(~bitmap[i] & 0x9249249249249249ull);
		extra += __builtin_popcountll(bitmap[i] & ~0x9249249249249249ull);
	}
	expect(!lost, "the report cleared %d bits the caller had set (uAPI: only sets bits)", lost);
	info("dma_log_reported_pages", "%d (the VF is idle: no DMA is expected)", extra);
	for (i = 0; i < NWORDS; i++)
		bitmap[i] = 0;
	ret = log_report(a, MEM_IOVA, MEM_LEN, PAGE, bitmap);
	expect(!ret, "a second DMA_LOGGING_REPORT: %s", err_name(ret));
	end("DMA_LOGGING_REPORT of the range returns, only setting bits (%d pages reported: idle VF)",
	    extra);

	begin("dma_log_stop");
	ret = log_stop(a);
	expect(!ret, "DMA_LOGGING_STOP: %s", err_name(ret));
	ret = log_report(a, MEM_IOVA, MEM_LEN, PAGE, bitmap);
	expect(ret < 0, "DMA_LOGGING_REPORT after STOP succeeded (uAPI: an error when logging is off)");
	ps = PAGE;
	ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
	expect(!ret, "DMA_LOGGING_START after STOP: %s", err_name(ret));
	ret = log_stop(a);
	expect(!ret, "the second DMA_LOGGING_STOP: %s", err_name(ret));
	end("DMA_LOGGING_STOP succeeds; REPORT then fails; logging starts and stops again");
}

/* ---- A guest on the VF: bring-up, traffic, a live migration A -> B ---------------- */

/*
 * The project's guest AVF driver (guest/) runs here as the VM would run it:
 * its BAR0 is the device fd's BAR0 region (pread/pwrite), its guest RAM is
 * the buffer mapped for DMA (guest physical address = IOVA = offset), and
 * this process is its vCPU: the driver runs only when called (interrupts are
 * not delivered; it polls). The model PFs' wire joins A's port and B's.
 */
#define GUEST_GPA	0x10000ull	/* the driver's block; below it RAM stays 0 */
#define GUEST_RING	64
#define GUEST_FRAMES	32		/* per direction, A <-> B */
#define GUEST_INFLIGHT	40		/* B -> A while A's vCPU is stopped */
#define STREAM_AB	1
#define STREAM_BA	2
#define STREAM_INFL	3
#define STREAM_AFTER_A	4
#define STREAM_AFTER_B	5
#define NPAGES		(MEM_LEN / PAGE)

static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct vm {
	const char *name;
	struct dev *d;
	struct vfmig_guest_env env;
	struct vfmig_guest_cfg cfg;
	u8 mac[6];
	u8 frame[2048];
	u32 got[6];		/* frames received per stream */
	u32 bad;		/* frames received that are not intact test frames */
	u64 seen[6][2];		/* sequence numbers seen per stream, 0..127 */
	u32 dup;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static u32 vm_bar0_read(void *ctx, u32 off)
{
	u32 v = ~0u;

	bar0_read(ctx, off, &v);
	return v;
}

static void vm_bar0_write(void *ctx, u32 off, u32 val)
{
	bar0_write(ctx, off, val);
}

static void vm_setup(struct vm *v, const char *name, struct dev *d)
{
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->d = d;
	v->env.ram = d->mem;
	v->env.ram_size = MEM_LEN;
	v->env.bar0_read = vm_bar0_read;
	v->env.bar0_write = vm_bar0_write;
	v->env.ctx = d;
	v->cfg.num_queue_pairs = 1;
	v->cfg.ring_len = GUEST_RING;
	v->cfg.rx_buf_size = 2048;
	v->cfg.max_tx_bufs = 2;
	v->env.now_ns = now_ns();	/* vfmig_guest_init() starts its timers */
}

static enum vfmig_guest_state vm_poll(struct vm *v)
{
	v->env.now_ns = now_ns();
	return vfmig_guest_poll(&v->env, GUEST_GPA);
}

/* Run the vCPUs of @a and @b (either may be NULL) until both are RUNNING. */
static int vms_bring_up(struct vm *a, struct vm *b, int ms)
{
	u64 end = now_ns() + (u64)ms * 1000000ull;
	enum vfmig_guest_state sa = VFMIG_GUEST_RUNNING, sb = VFMIG_GUEST_RUNNING;

	while (now_ns() < end) {
		if (a)
			sa = vm_poll(a);
		if (b)
			sb = vm_poll(b);
		if (sa == VFMIG_GUEST_FAILED || sb == VFMIG_GUEST_FAILED)
			return -EIO;
		if (sa == VFMIG_GUEST_RUNNING && sb == VFMIG_GUEST_RUNNING)
			return 0;
		usleep(200);
	}
	return -ETIMEDOUT;
}

/* Take every frame @v's driver has; tally the test frames by stream. */
static void vm_drain(struct vm *v)
{
	u32 stream, seq;
	int n;

	v->env.now_ns = now_ns();
	while ((n = vfmig_guest_recv(&v->env, GUEST_GPA, 0, v->frame,
				     sizeof(v->frame))) > 0) {
		if (!vfmig_st_frame_valid(v->frame, (u32)n, &stream, &seq) ||
		    stream >= 6 || seq >= 128) {
			v->bad++;
			continue;
		}
		if (v->seen[stream][seq / 64] & (1ull << (seq % 64))) {
			v->dup++;
			continue;
		}
		v->seen[stream][seq / 64] |= 1ull << (seq % 64);
		v->got[stream]++;
	}
}

static u32 frame_len(u32 seq)
{
	return 60 + (seq * 37) % 1400;
}

static int vm_xmit(struct vm *v, const u8 *dst, u32 stream, u32 seq)
{
	u32 len = frame_len(seq);

	vfmig_st_frame_make(v->frame, len, dst, v->mac, stream, seq);
	v->env.now_ns = now_ns();
	return vfmig_guest_xmit(&v->env, GUEST_GPA, 0, v->frame, len);
}

/*
 * @a sends @n frames of @sa to @da while @b sends @n of @sb to @db (either
 * side may be NULL), both vCPUs running, until every frame arrived or
 * @ms passed.
 */
static void vms_exchange(struct vm *a, const u8 *da, u32 sa, struct vm *b,
			 const u8 *db, u32 sb, u32 n, int ms)
{
	u64 end = now_ns() + (u64)ms * 1000000ull;
	u32 ia = a ? 0 : n, ib = b ? 0 : n;

	while (now_ns() < end) {
		if (ia < n && !vm_xmit(a, da, sa, ia))
			ia++;
		if (ib < n && !vm_xmit(b, db, sb, ib))
			ib++;
		if (a) {
			vm_poll(a);
			vm_drain(a);
		}
		if (b) {
			vm_poll(b);
			vm_drain(b);
		}
		if (ia == n && ib == n && (!b || b->got[sa] >= n) && (!a || a->got[sb] >= n))
			break;
		usleep(200);
	}
}

static const char *gstate(enum vfmig_guest_state s)
{
	static const char *const n[] = { "RESET_WAIT", "AQ_INIT", "VERSION",
		"GET_RESOURCES", "CONFIGURING", "RUNNING", "FAILED" };

	return (unsigned int)s < 7 ? n[s] : "?";
}

static void check_guest(struct dev *a, struct dev *b)
{
	static struct vm va, vb, vn;	/* A's guest, B's guest, A's new guest */
	u8 *shadow = NULL, *dst = NULL;
	u64 bitmap[NPAGES / 64], ps = PAGE;
	struct vfmig_guest_stats st;
	int ret, werr, fd = -1, changed = 0, reported = 0, missed = 0,
	    mismatch = 0, copied = 0;
	struct buf stream = { 0 };
	const u8 *to_a, *to_b;
	bool same_mac;
	u32 p, s;
	u64 t_stop, t_run;

	begin("guest_bringup");
	expect(!to_running(a) && !to_running(b), "A and B not RUNNING");
	memset(a->mem, 0, MEM_LEN);
	memset(b->mem, 0, MEM_LEN);
	vm_setup(&va, "A", a);
	vm_setup(&vb, "B", b);
	ret = vfmig_guest_init(&va.env, GUEST_GPA, &va.cfg);
	expect(!ret, "A: vfmig_guest_init: %s", err_name(ret));
	ret = vfmig_guest_init(&vb.env, GUEST_GPA, &vb.cfg);
	expect(!ret, "B: vfmig_guest_init: %s", err_name(ret));
	ret = vms_bring_up(&va, &vb, 5000);
	if (!expect(!ret, "bring-up: %s; A %s, B %s", err_name(ret),
		    gstate(vfmig_guest_state(&va.env, GUEST_GPA)),
		    gstate(vfmig_guest_state(&vb.env, GUEST_GPA)))) {
		vfmig_guest_stats(&va.env, GUEST_GPA, &st);
		failf("A: last error %d, %llu mailbox messages sent, %llu received", st.last_error,
		      (unsigned long long)st.mbx_sent, (unsigned long long)st.mbx_received);
		vfmig_guest_stats(&vb.env, GUEST_GPA, &st);
		failf("B: last error %d, %llu mailbox messages sent, %llu received", st.last_error,
		      (unsigned long long)st.mbx_sent, (unsigned long long)st.mbx_received);
		end("-");
		return;
	}
	vfmig_guest_mac(&va.env, GUEST_GPA, va.mac);
	vfmig_guest_mac(&vb.env, GUEST_GPA, vb.mac);
	/*
	 * The resumes above carried A's configuration, its MAC included, to B
	 * (as a migration does): unicast to the peer only when the MACs differ.
	 */
	same_mac = !memcmp(va.mac, vb.mac, 6);
	to_a = same_mac ? bcast : va.mac;
	to_b = same_mac ? bcast : vb.mac;
	info("guest_macs", "A %02x:%02x:%02x:%02x:%02x:%02x, B %02x:%02x:%02x:%02x:%02x:%02x%s",
	     va.mac[0], va.mac[1], va.mac[2], va.mac[3], va.mac[4], va.mac[5],
	     vb.mac[0], vb.mac[1], vb.mac[2], vb.mac[3], vb.mac[4], vb.mac[5],
	     same_mac ? " (the same: B took A's in the resumes above; frames go to broadcast)" : "");
	end("the guest AVF driver brings both VFs up over BAR0 region accesses and DMA into the mapped RAM (mailbox, virtchnl, queues)");

	begin("guest_traffic");
	vms_exchange(&va, to_b, STREAM_AB, &vb, to_a, STREAM_BA, GUEST_FRAMES, 3000);
	expect(vb.got[STREAM_AB] == GUEST_FRAMES, "B received %u of A's %u frames", vb.got[STREAM_AB],
	       GUEST_FRAMES);
	expect(va.got[STREAM_BA] == GUEST_FRAMES, "A received %u of B's %u frames", va.got[STREAM_BA],
	       GUEST_FRAMES);
	expect(!va.bad && !vb.bad && !va.dup && !vb.dup, "bad frames A %u B %u, duplicates A %u B %u",
	       va.bad, vb.bad, va.dup, vb.dup);
	end("%u %s frames each way between the VFs over the model wire, intact and once each",
	    GUEST_FRAMES, same_mac ? "broadcast" : "unicast");

	/*
	 * Live migration of A's guest to B. B's guest was the traffic peer; it
	 * sends a last burst to A while A's vCPU is stopped (only A's device
	 * writes A's RAM then), then B becomes the destination.
	 */
	shadow = malloc(MEM_LEN);
	dst = malloc(MEM_LEN);
	if (buf_alloc(&stream) || !shadow || !dst)
		goto out;
	begin(exp_dmalog ? "guest_dirty_log" : "guest_migrate");
	if (exp_dmalog) {
		ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
		expect(!ret, "A: DMA_LOGGING_START: %s", err_name(ret));
	}
	if (exp_precopy) {
		ret = mig_set(a, VFIO_DEVICE_STATE_PRE_COPY, &fd);
		expect(!ret && fd >= 0, "A: RUNNING -> PRE_COPY: %s", err_name(ret));
		if (fd >= 0 && read_stream(fd, &stream, 4096) != -ENOMSG)
			failf("A: the pre-copy data does not end in ENOMSG");
	}
	/* RAM round 1: everything; A's vCPU stops here */
	memcpy(dst, a->mem, MEM_LEN);
	memcpy(shadow, a->mem, MEM_LEN);
	vms_exchange(NULL, NULL, 0, &vb, to_a, STREAM_INFL, GUEST_INFLIGHT, 2000);
	vfmig_guest_stats(&vb.env, GUEST_GPA, &st);
	info("guest_inflight_sent", "%llu frames B -> A while A's vCPU is stopped (B tx_packets %llu)",
	     (unsigned long long)GUEST_INFLIGHT, (unsigned long long)st.tx_packets);
	usleep(50000);	/* the wire and A's RX engine run in the model's kthreads */
	/* B: the destination from now on: its device stops, its RAM will be A's */
	ret = mig_set(b, VFIO_DEVICE_STATE_STOP, NULL);
	expect(!ret, "B: RUNNING -> STOP: %s", err_name(ret));
	/* A: stop and copy */
	t_stop = now_ns();
	if (fd < 0) {
		ret = mig_set(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
		expect(!ret && fd >= 0, "A: -> STOP_COPY: %s", err_name(ret));
	} else {
		ret = mig_set(a, VFIO_DEVICE_STATE_STOP_COPY, NULL);
		expect(!ret, "A: PRE_COPY -> STOP_COPY: %s", err_name(ret));
	}
	if (fd >= 0) {
		ret = read_stream(fd, &stream, 4096);
		expect(!ret, "A: reading the stream: %s", err_name(ret));
	}
	if (exp_dmalog) {
		memset(bitmap, 0, sizeof(bitmap));
		ret = log_report(a, MEM_IOVA, MEM_LEN, PAGE, bitmap);
		expect(!ret, "A: DMA_LOGGING_REPORT: %s", err_name(ret));
		log_stop(a);
	} else {
		/* no device dirty log on this kernel: the final round copies everything */
		memset(bitmap, 0xff, sizeof(bitmap));
	}
	for (p = 0; p < NPAGES; p++) {
		bool dirty = bitmap[p / 64] & (1ull << (p % 64));
		bool chg = memcmp(a->mem + (u64)p * PAGE, shadow + (u64)p * PAGE, PAGE);

		changed += chg;
		reported += dirty;
		if (chg && !dirty) {
			if (!missed)
				failf("A: page %#x (IOVA %#llx) was written by the device but not reported",
				      p, (unsigned long long)p * PAGE);
			missed++;
		}
		if (dirty) {
			memcpy(dst + (u64)p * PAGE, a->mem + (u64)p * PAGE, PAGE);
			copied++;
		}
	}
	for (p = 0; p < NPAGES; p++)
		mismatch += !!memcmp(dst + (u64)p * PAGE, a->mem + (u64)p * PAGE, PAGE);
	info("guest_dirty", "%d pages written by A's device after RAM round 1, %d %s, %d missed; %d copied in the final round, %d differ after it",
	     changed, reported, exp_dmalog ? "reported dirty" : "taken as dirty (no device log here)",
	     missed, copied, mismatch);
	if (exp_dmalog) {
		expect(changed > 0, "A's device wrote no page of guest RAM while B sent %u frames",
		       GUEST_INFLIGHT);
		expect(!missed, "%d pages written by the device were not reported", missed);
		expect(!mismatch, "%d pages of the destination RAM differ from the source's", mismatch);
		end("with A's vCPU stopped, the pages A's device wrote (%d: RX buffers and descriptors of %u frames) were all reported by DMA_LOGGING_REPORT (%d reported)",
		    changed, GUEST_INFLIGHT, reported);
		begin("guest_migrate");
	}
	/* B: load RAM and device state, run */
	memcpy(b->mem, dst, MEM_LEN);
	ret = mig_set(b, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (expect(!ret && fd >= 0, "B: STOP -> RESUMING: %s", err_name(ret))) {
		ssize_t w = write(fd, stream.p, stream.len);

		werr = w == (ssize_t)stream.len ? 0 : -errno;
		close(fd);
		fd = -1;
		expect(!werr, "B: writing %zu stream bytes: %s", stream.len, err_name(werr));
	}
	ret = mig_set(b, VFIO_DEVICE_STATE_RUNNING, NULL);
	t_run = now_ns();
	s = mig_state(b);
	expect(!ret && s == VFIO_DEVICE_STATE_RUNNING, "B: RESUMING -> RUNNING: %s, state %s",
	       err_name(ret), state_name(s));
	info("guest_migration", "device stream %zu bytes, stop-copy to destination RUNNING %.1f ms",
	     stream.len, (double)(t_run - t_stop) / 1e6);
	/* the guest now runs on B: same RAM image, B's BAR0 */
	va.d = b;
	va.env.ram = b->mem;
	va.env.ctx = b;
	{
		u64 end = now_ns() + 2000000000ull;

		while (now_ns() < end && va.got[STREAM_INFL] < GUEST_INFLIGHT) {
			vm_poll(&va);
			vm_drain(&va);
			usleep(200);
		}
	}
	expect(vfmig_guest_state(&va.env, GUEST_GPA) == VFMIG_GUEST_RUNNING,
	       "the migrated guest is %s, not RUNNING", gstate(vfmig_guest_state(&va.env, GUEST_GPA)));
	expect(va.got[STREAM_INFL] == GUEST_INFLIGHT,
	       "the migrated guest received %u of the %u frames that reached A while it was stopped",
	       va.got[STREAM_INFL], GUEST_INFLIGHT);
	expect(!va.bad && !va.dup, "the migrated guest: %u bad frames, %u duplicates", va.bad, va.dup);
	end("A's guest live-migrated to B (RAM %s, device stream %zu bytes): on B it receives the %u frames A's device took in while stopped, intact, once each",
	    exp_dmalog ? "round 1 + the dirty pages reported" : "copied in full at the stop", stream.len,
	    GUEST_INFLIGHT);

	/* A new guest on the old source (reset) as the peer of the migrated one. */
	begin("guest_after_migration");
	ret = dev_reset(a);
	expect(!ret && mig_state(a) == VFIO_DEVICE_STATE_RUNNING, "A: VFIO_DEVICE_RESET: %s", err_name(ret));
	memset(a->mem, 0, MEM_LEN);
	vm_setup(&vn, "A2", a);
	ret = vfmig_guest_init(&vn.env, GUEST_GPA, &vn.cfg);
	ret = ret ?: vms_bring_up(&vn, &va, 5000);
	if (expect(!ret, "a new guest on A: %s (%s)", err_name(ret),
		   gstate(vfmig_guest_state(&vn.env, GUEST_GPA)))) {
		vfmig_guest_mac(&vn.env, GUEST_GPA, vn.mac);
		vms_exchange(&vn, bcast, STREAM_AFTER_A, &va, bcast, STREAM_AFTER_B, GUEST_FRAMES, 3000);
		expect(va.got[STREAM_AFTER_A] == GUEST_FRAMES,
		       "the migrated guest received %u of the new peer's %u broadcast frames",
		       va.got[STREAM_AFTER_A], GUEST_FRAMES);
		expect(vn.got[STREAM_AFTER_B] == GUEST_FRAMES,
		       "the new peer received %u of the migrated guest's %u broadcast frames",
		       vn.got[STREAM_AFTER_B], GUEST_FRAMES);
		expect(!va.bad && !vn.bad && !va.dup && !vn.dup, "bad frames %u/%u, duplicates %u/%u",
		       va.bad, vn.bad, va.dup, vn.dup);
		vfmig_guest_stats(&va.env, GUEST_GPA, &st);
		info("guest_migrated_stats", "tx %llu rx %llu rx_errors %llu resets %llu",
		     (unsigned long long)st.tx_packets, (unsigned long long)st.rx_packets,
		     (unsigned long long)st.rx_errors, (unsigned long long)st.resets);
	}
	end("the migrated guest on B and a new guest on the reset source exchange %u broadcast frames each way",
	    GUEST_FRAMES);
out:
	if (fd >= 0)
		close(fd);
	to_running(a);
	to_running(b);
	free(stream.p);
	free(shadow);
	free(dst);
}

/* ---- Closing the device mid-session ------------------------------------------------ */

static void check_close_mid_session(struct dev *a, struct dev *b, const struct buf *good)
{
	int fd = -1, rfd = -1, ret;
	u64 ps;
	u8 tmp[16];
	ssize_t n;
	u32 s;

	begin("close_mid_save");
	expect(!to_running(a), "A: not RUNNING");
	expect(!to_running(b), "B: not RUNNING");
	ret = mig_set(a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	expect(!ret && fd >= 0, "A: RUNNING -> STOP_COPY: %s", err_name(ret));
	ret = mig_set(b, VFIO_DEVICE_STATE_RESUMING, &rfd);
	expect(!ret && rfd >= 0, "B: RUNNING -> RESUMING: %s", err_name(ret));
	if (exp_dmalog) {
		/* a log left running by the user that goes */
		ps = PAGE;
		ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
		expect(!ret, "A: DMA_LOGGING_START: %s", err_name(ret));
	}
	if (rfd >= 0)
		expect(write(rfd, good->p, good->len / 2) == (ssize_t)(good->len / 2),
		       "B: half a stream: %s", strerror(errno));
	close(a->fd);
	close(b->fd);
	a->fd = b->fd = -1;
	if (fd >= 0) {
		errno = 0;
		n = read(fd, tmp, sizeof(tmp));
		expect(n < 0 && errno == ENODEV, "A: read of the save fd after the device fd closed: %zd (%s), want ENODEV",
		       n, strerror(errno));
		close(fd);
	}
	if (rfd >= 0) {
		errno = 0;
		n = write(rfd, good->p, 1);
		expect(n < 0 && errno == ENODEV, "B: write to the resume fd after the device fd closed: %zd (%s), want ENODEV",
		       n, strerror(errno));
		close(rfd);
	}
	/* the next user starts from RUNNING, nothing held */
	a->fd = ioctl(a->group, VFIO_GROUP_GET_DEVICE_FD, a->bdf);
	b->fd = ioctl(b->group, VFIO_GROUP_GET_DEVICE_FD, b->bdf);
	if (expect(a->fd >= 0 && b->fd >= 0, "reopening the devices: %s", strerror(errno))) {
		s = mig_state(a);
		expect(s == VFIO_DEVICE_STATE_RUNNING, "A reopened: state %s, want RUNNING",
		       state_name(s));
		s = mig_state(b);
		expect(s == VFIO_DEVICE_STATE_RUNNING, "B reopened: state %s, want RUNNING",
		       state_name(s));
		ret = mig_set(a, VFIO_DEVICE_STATE_STOP, NULL);
		ret = ret ?: mig_set(a, VFIO_DEVICE_STATE_RUNNING, NULL);
		expect(!ret, "A reopened: RUNNING -> STOP -> RUNNING: %s", err_name(ret));
		if (exp_dmalog) {
			ps = PAGE;
			ret = log_start(a, MEM_IOVA, MEM_LEN, &ps);
			expect(!ret, "A reopened: DMA_LOGGING_START: %s (the closed user's log must have ended)",
			       err_name(ret));
			log_stop(a);
		}
	}
	end("closing the device fds mid-save, mid-resume%s: the save fd's read and the resume fd's write give ENODEV; reopened devices are RUNNING%s",
	    exp_dmalog ? " and with DMA logging on" : "",
	    exp_dmalog ? ", logging can start again" : "");
}

/* ---- main ----------------------------------------------------------------------------- */

static int parse_expect(const char *s)
{
	char key[32];
	int val, used;

	while (*s) {
		if (sscanf(s, "%31[a-z_]=%d%n", key, &val, &used) != 2)
			return -1;
		if (!strcmp(key, "precopy"))
			exp_precopy = val;
		else if (!strcmp(key, "datasize"))
			exp_datasize = val;
		else if (!strcmp(key, "dmalog"))
			exp_dmalog = val;
		else
			return -1;
		s += used;
		if (*s == ',')
			s++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dev devs[2] = { { .name = "A" }, { .name = "B" } };
	struct buf good;
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "--expect")) {
		if (parse_expect(argv[2])) {
			fprintf(stderr, "vfio_check: bad --expect '%s'\n", argv[2]);
			return 2;
		}
		i = 3;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: vfio_check [--expect precopy=0|1,datasize=0|1,dmalog=0|1] BDF_A BDF_B\n");
		return 2;
	}
	devs[0].bdf = argv[i];
	devs[1].bdf = argv[i + 1];
	info("vfio_check_expect", "precopy=%d datasize=%d dmalog=%d", exp_precopy, exp_datasize,
	     exp_dmalog);

	begin("vfio_setup");
	for (i = 0; i < 2; i++)
		if (!setup_dev(&devs[i]))
			break;
	if (!end("A %s (group %d) and B %s (group %d): type1v2 container each, device fds, RESET supported",
		 devs[0].bdf, devs[0].group_id, devs[1].bdf, devs[1].group_id))
		return 1;

	begin("map_dma");
	for (i = 0; i < 2; i++)
		if (!map_dev(&devs[i]))
			break;
	if (!end("%u MiB of anonymous memory mapped at IOVA %#llx in each container",
		 MEM_LEN >> 20, MEM_IOVA))
		return 1;

	check_bar0(devs, 2);
	check_features(devs, 2);
	if (buf_alloc(&good))
		return 1;
	check_save_resume(&devs[0], &devs[1], &good);
	if (!good.len) {
		printf("detail vfio_check: no save stream, the remaining checks cannot run\n");
		return 1;
	}
	check_arcs(&devs[0], &good);
	if (exp_precopy)
		check_precopy(&devs[0], &devs[1]);
	check_dma_log(&devs[0]);
	check_guest(&devs[0], &devs[1]);
	check_close_mid_session(&devs[0], &devs[1], &good);
	free(good.p);
	return 0;
}
