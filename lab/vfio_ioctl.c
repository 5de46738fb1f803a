// SPDX-License-Identifier: GPL-2.0-only
/*
 * struct vfmig_vfio_dev over real VFIO ioctls, and the wrappers it is made
 * of (vfio_ioctl.h).
 *
 * The mapping is straight (vfio_dev.h names the uAPI of each operation);
 * what this file adds is the data_fd bookkeeping a VFIO user does: a
 * SET of MIG_DEVICE_STATE that starts a session returns its fd, which is
 * kept until the session ends (leaving the saving states, leaving
 * RESUMING, a reset) and then closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vfio_ioctl.h"

/* ---- low-level wrappers ------------------------------------------------------ */

int lab_vfio_xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

const char *lab_vfio_err(int neg)
{
	static char buf[8][48];
	static int slot;
	char *b = buf[slot++ % 8];

	if (!neg)
		return "success";
	snprintf(b, sizeof(buf[0]), "%s (%d)", strerror(-neg), -neg);
	return b;
}

int lab_vfio_group_of(const char *bdf)
{
	char path[128], link[256];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

int lab_vfio_open(const char *name, const char *bdf, struct lab_vfio_fds *f,
		  char *why, size_t len)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char path[64];
	int ret;

	f->container = f->group = f->fd = -1;
	f->group_id = lab_vfio_group_of(bdf);
	if (f->group_id < 0) {
		snprintf(why, len, "%s %s: no IOMMU group", name, bdf);
		return -ENODEV;
	}
	f->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (f->container < 0) {
		ret = -errno;
		snprintf(why, len, "open /dev/vfio/vfio: %s", strerror(errno));
		return ret;
	}
	ret = ioctl(f->container, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		snprintf(why, len, "VFIO_GET_API_VERSION %d, want %d", ret,
			 VFIO_API_VERSION);
		return -EPROTO;
	}
	ret = ioctl(f->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (ret != 1) {
		snprintf(why, len, "container has no VFIO_TYPE1v2_IOMMU (%d)", ret);
		return -EPROTO;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", f->group_id);
	f->group = open(path, O_RDWR | O_CLOEXEC);
	if (f->group < 0) {
		ret = -errno;
		snprintf(why, len, "open %s: %s", path, strerror(errno));
		return ret;
	}
	ret = lab_vfio_xioctl(f->group, VFIO_GROUP_GET_STATUS, &gs);
	if (ret || !(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, len,
			 "group %d not viable (%s, flags %#x): another device in it?",
			 f->group_id, lab_vfio_err(ret), gs.flags);
		return ret ? ret : -EBUSY;
	}
	ret = lab_vfio_xioctl(f->group, VFIO_GROUP_SET_CONTAINER, &f->container);
	if (ret) {
		snprintf(why, len, "VFIO_GROUP_SET_CONTAINER: %s", lab_vfio_err(ret));
		return ret;
	}
	ret = ioctl(f->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0 ? -errno : 0;
	if (ret) {
		snprintf(why, len, "VFIO_SET_IOMMU(TYPE1v2): %s", lab_vfio_err(ret));
		return ret;
	}
	f->fd = ioctl(f->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (f->fd < 0) {
		ret = -errno;
		snprintf(why, len, "VFIO_GROUP_GET_DEVICE_FD %s: %s", bdf,
			 strerror(errno));
		return ret;
	}
	return 0;
}

void lab_vfio_close(struct lab_vfio_fds *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->group >= 0)
		close(f->group);
	if (f->container >= 0)
		close(f->container);
	f->fd = f->group = f->container = -1;
}

int lab_vfio_map_dma(int container, void *vaddr, u64 iova, u64 size)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };

	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)vaddr;
	map.iova = iova;
	map.size = size;
	return lab_vfio_xioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

int lab_vfio_unmap_dma(int container, u64 iova, u64 size)
{
	struct vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um) };

	um.iova = iova;
	um.size = size;
	return lab_vfio_xioctl(container, VFIO_IOMMU_UNMAP_DMA, &um);
}

int lab_vfio_feature(int fd, u32 flags, void *data, size_t len)
{
	u64 buf[(sizeof(struct vfio_device_feature) + 64) / sizeof(u64)];
	struct vfio_device_feature *f = (void *)buf;
	int ret;

	if (len > 64)
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	if (len)
		memcpy(f->data, data, len);
	ret = lab_vfio_xioctl(fd, VFIO_DEVICE_FEATURE, f);
	if (len && !(flags & VFIO_DEVICE_FEATURE_PROBE))
		memcpy(data, f->data, len);
	return ret;
}

int lab_vfio_probe(int fd, u32 feat, u32 how)
{
	return lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_PROBE | how | feat, NULL, 0);
}

int lab_vfio_mig_flags(int fd, u64 *flags)
{
	struct vfio_device_feature_migration mf = { 0 };
	int ret;

	ret = lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIGRATION, &mf, sizeof(mf));
	*flags = ret ? 0 : mf.flags;
	return ret;
}

int lab_vfio_mig_get(int fd, u32 *state)
{
	struct vfio_device_feature_mig_state ms = { .data_fd = -1 };
	int ret;

	ret = lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &ms, sizeof(ms));
	*state = ret ? UINT_MAX : ms.device_state;
	return ret;
}

int lab_vfio_mig_set(int fd, u32 state, int *data_fd)
{
	struct vfio_device_feature_mig_state ms = {
		.device_state = state,
		.data_fd = -2,
	};
	int ret;

	ret = lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &ms, sizeof(ms));
	if (data_fd)
		*data_fd = ret ? -1 : ms.data_fd;
	else if (!ret && ms.data_fd >= 0)
		close(ms.data_fd);
	return ret;
}

int lab_vfio_data_size(int fd, u64 *len)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	int ret;

	ret = lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &ds, sizeof(ds));
	*len = ds.stop_copy_length;
	return ret;
}

int lab_vfio_precopy_info(int data_fd, u64 *initial, u64 *dirty)
{
	struct vfio_precopy_info pi = { .argsz = sizeof(pi) };
	int ret;

	ret = lab_vfio_xioctl(data_fd, VFIO_MIG_GET_PRECOPY_INFO, &pi);
	*initial = pi.initial_bytes;
	*dirty = pi.dirty_bytes;
	return ret;
}

int lab_vfio_reset(int fd)
{
	return lab_vfio_xioctl(fd, VFIO_DEVICE_RESET, NULL);
}

int lab_vfio_region_read32(int fd, u64 region, u32 off, u32 *val)
{
	ssize_t n = pread(fd, val, 4, (off_t)(region + off));

	return n == 4 ? 0 : n < 0 ? -errno : -EIO;
}

int lab_vfio_region_write32(int fd, u64 region, u32 off, u32 val)
{
	ssize_t n = pwrite(fd, &val, 4, (off_t)(region + off));

	return n == 4 ? 0 : n < 0 ? -errno : -EIO;
}

int lab_vfio_region_info(int fd, u32 index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return lab_vfio_xioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri);
}

int lab_vfio_log_start(int fd, const struct vfio_device_feature_dma_logging_range *ranges,
		       u32 nr, u64 *page_size)
{
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = *page_size,
		.num_ranges = nr,
		.ranges = (uintptr_t)ranges,
	};
	int ret;

	ret = lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &c, sizeof(c));
	*page_size = c.page_size;
	return ret;
}

int lab_vfio_log_stop(int fd)
{
	return lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_SET |
				VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0);
}

int lab_vfio_log_report(int fd, u64 iova, u64 len, u64 page_size, u64 *bitmap)
{
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = iova,
		.length = len,
		.page_size = page_size,
		.bitmap = (uintptr_t)bitmap,
	};

	return lab_vfio_feature(fd, VFIO_DEVICE_FEATURE_GET |
				VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep, sizeof(rep));
}

/* ---- struct vfmig_vfio_dev ------------------------------------------------------ */

struct ioctl_dev {
	struct vfmig_vfio_dev dev;
	struct lab_vfio_fds f;
	u64 bar0;		/* file offset of the BAR0 region */
	u64 ram_size;
	bool mapped;
	u32 flags;		/* VFMIG_MIGRATION_* (= VFIO_MIGRATION_*) */
	int save_fd;		/* the save session's data_fd, or -1 */
	int resume_fd;		/* the resume session's data_fd, or -1 */
	bool has_dmalog;	/* the PROBE of DMA_LOGGING_START succeeded */
	bool all_dirty_fallback;
	bool all_dirty;		/* logging "on" without a device log */
	bool logging;
	u64 bar0_errors;
	char reason[256];
};

static struct ioctl_dev *to_ioctl(struct vfmig_vfio_dev *d)
{
	return (struct ioctl_dev *)d;
}

static int fail(struct ioctl_dev *x, int ret, const char *fmt, ...) __printf(3, 4);
static int fail(struct ioctl_dev *x, int ret, const char *fmt, ...)
{
	va_list ap;
	size_t l;

	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	l = strlen(x->reason);
	snprintf(x->reason + l, sizeof(x->reason) - l, ": %s", lab_vfio_err(ret));
	return ret;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Own table: vfio_check links this file without the driver core. */
static const char *st_name(u32 s)
{
	static const char *const n[] = {
		"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
		"RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P",
	};

	return s < ARRAY_SIZE(n) ? n[s] : "(unknown)";
}

static u32 io_mig_flags(struct vfmig_vfio_dev *d)
{
	return to_ioctl(d)->flags;
}

static int io_get_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state *s)
{
	struct ioctl_dev *x = to_ioctl(d);
	u32 v;
	int ret = lab_vfio_mig_get(x->f.fd, &v);

	if (ret)
		return fail(x, ret, "GET MIG_DEVICE_STATE");
	*s = (enum vfmig_mig_state)v;
	return 0;
}

static bool saving(u32 s)
{
	return s == VFMIG_MIG_PRE_COPY || s == VFMIG_MIG_PRE_COPY_P2P ||
	       s == VFMIG_MIG_STOP_COPY;
}

static int io_set_state(struct vfmig_vfio_dev *d, enum vfmig_mig_state t)
{
	struct ioctl_dev *x = to_ioctl(d);
	u32 old = UINT_MAX;
	int nfd = -1, ret;

	x->reason[0] = 0;
	lab_vfio_mig_get(x->f.fd, &old);
	ret = lab_vfio_mig_set(x->f.fd, t, &nfd);
	if (ret)
		return fail(x, ret, "SET MIG_DEVICE_STATE %s -> %s", st_name(old),
			    st_name(t));
	/* the session that ended: its fd answers ENODEV from now on */
	if (!saving(t))
		close_fd(&x->save_fd);
	if (t != VFMIG_MIG_RESUMING)
		close_fd(&x->resume_fd);
	if (nfd >= 0) {
		if (saving(t)) {
			close_fd(&x->save_fd);
			x->save_fd = nfd;
		} else if (t == VFMIG_MIG_RESUMING) {
			close_fd(&x->resume_fd);
			x->resume_fd = nfd;
		} else {
			close(nfd);	/* the uAPI gives none here */
		}
	}
	if ((saving(t) && x->save_fd < 0) ||
	    (t == VFMIG_MIG_RESUMING && x->resume_fd < 0))
		return fail(x, -EBADF, "SET MIG_DEVICE_STATE %s -> %s gave no data_fd",
			    st_name(old), st_name(t));
	return 0;
}

static long io_save_read(struct vfmig_vfio_dev *d, void *buf, size_t len,
			 bool *eof)
{
	struct ioctl_dev *x = to_ioctl(d);
	ssize_t n;

	if (eof)
		*eof = false;
	if (x->save_fd < 0)
		return fail(x, -EBADF, "read of the save data_fd: no save session");
	do {
		n = read(x->save_fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* PRE_COPY*: the data there is now has been read */
		if (errno == ENOMSG)
			return 0;
		return fail(x, -errno, "read of the save data_fd");
	}
	if (!n && eof)
		*eof = true;
	return n;
}

static long io_resume_write(struct vfmig_vfio_dev *d, const void *buf,
			    size_t len)
{
	struct ioctl_dev *x = to_ioctl(d);
	ssize_t n;

	if (x->resume_fd < 0)
		return fail(x, -EBADF, "write to the resume data_fd: no resume session");
	do {
		n = write(x->resume_fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(x, -errno, "write of %zu bytes to the resume data_fd", len);
	return n;
}

static int io_precopy_info(struct vfmig_vfio_dev *d, u64 *init, u64 *dirty)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret;

	if (x->save_fd < 0)
		return fail(x, -EBADF, "VFIO_MIG_GET_PRECOPY_INFO: no save session");
	ret = lab_vfio_precopy_info(x->save_fd, init, dirty);
	return ret ? fail(x, ret, "VFIO_MIG_GET_PRECOPY_INFO") : 0;
}

static int io_data_size(struct vfmig_vfio_dev *d, u64 *len)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret = lab_vfio_data_size(x->f.fd, len);

	/*
	 * Before 6.3 the kernel has no MIG_DATA_SIZE (ENOTTY): QEMU then
	 * plans with 0 bytes of device data, and so does the engine.
	 */
	if (ret == -ENOTTY) {
		*len = 0;
		return 0;
	}
	return ret ? fail(x, ret, "GET MIG_DATA_SIZE") : 0;
}

static bool io_init_data_loaded(struct vfmig_vfio_dev *d)
{
	/* VFIO has no query: every resume write so far succeeded (vfio_dev.h) */
	return to_ioctl(d)->resume_fd >= 0;
}

static int io_log_start(struct vfmig_vfio_dev *d,
			const struct vfmig_dirty_range *ranges, u32 nr,
			u64 page_size)
{
	struct vfio_device_feature_dma_logging_range *r;
	struct ioctl_dev *x = to_ioctl(d);
	u64 ps = page_size;
	u32 i;
	int ret;

	x->reason[0] = 0;
	if (!x->has_dmalog) {
		if (!x->all_dirty_fallback)
			return fail(x, -ENOTTY,
				    "DMA_LOGGING_START: this kernel offers no device DMA logging");
		x->all_dirty = true;
		x->logging = true;
		return 0;
	}
	r = calloc(nr ? nr : 1, sizeof(*r));
	if (!r)
		return fail(x, -ENOMEM, "DMA_LOGGING_START");
	for (i = 0; i < nr; i++) {
		r[i].iova = ranges[i].iova;
		r[i].length = ranges[i].length;
	}
	ret = lab_vfio_log_start(x->f.fd, r, nr, &ps);
	free(r);
	if (ret)
		return fail(x, ret, "DMA_LOGGING_START of %u range(s), page size %llu", nr,
			    (unsigned long long)page_size);
	if (ps != page_size) {
		lab_vfio_log_stop(x->f.fd);
		return fail(x, -EINVAL, "DMA_LOGGING_START granted page size %llu, not %llu",
			    (unsigned long long)ps, (unsigned long long)page_size);
	}
	x->logging = true;
	return 0;
}

static int io_log_stop(struct vfmig_vfio_dev *d)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret = 0;

	if (x->logging && !x->all_dirty)
		ret = lab_vfio_log_stop(x->f.fd);
	x->logging = false;
	x->all_dirty = false;
	return ret ? fail(x, ret, "DMA_LOGGING_STOP") : 0;
}

static int io_log_report(struct vfmig_vfio_dev *d, u64 iova, u64 length,
			 u64 page_size, u64 *bitmap)
{
	struct ioctl_dev *x = to_ioctl(d);
	u64 n, i;
	int ret;

	if (!page_size || length % page_size)
		return fail(x, -EINVAL, "DMA_LOGGING_REPORT of %llu bytes in pages of %llu",
			    (unsigned long long)length, (unsigned long long)page_size);
	if (x->all_dirty) {
		/* no device log: every page of the range may have been written */
		n = length / page_size;
		for (i = 0; i < n; i++)
			bitmap[i / 64] |= 1ULL << (i % 64);
		return 0;
	}
	ret = lab_vfio_log_report(x->f.fd, iova, length, page_size, bitmap);
	return ret ? fail(x, ret, "DMA_LOGGING_REPORT of [%#llx, +%llu)",
			  (unsigned long long)iova, (unsigned long long)length) : 0;
}

static int io_bar0_read(struct vfmig_vfio_dev *d, u32 off, u32 *val)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret = lab_vfio_region_read32(x->f.fd, x->bar0, off, val);

	if (ret) {
		x->bar0_errors++;
		return fail(x, ret, "BAR0 read at %#x", off);
	}
	return 0;
}

static int io_bar0_write(struct vfmig_vfio_dev *d, u32 off, u32 val)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret = lab_vfio_region_write32(x->f.fd, x->bar0, off, val);

	if (ret) {
		x->bar0_errors++;
		return fail(x, ret, "BAR0 write of %#x at %#x", val, off);
	}
	return 0;
}

static void io_set_irq_handler(struct vfmig_vfio_dev *d, vfmig_vfio_irq_fn fn,
			       void *ctx)
{
	/*
	 * The model backend counts interrupts but does not signal VFIO's
	 * eventfds: the guest polls (use_irq false), nothing to route.
	 */
}

static int io_reset(struct vfmig_vfio_dev *d)
{
	struct ioctl_dev *x = to_ioctl(d);
	int ret;

	x->reason[0] = 0;
	close_fd(&x->save_fd);
	close_fd(&x->resume_fd);
	ret = lab_vfio_reset(x->f.fd);
	return ret ? fail(x, ret, "VFIO_DEVICE_RESET") : 0;
}

static void io_reason(struct vfmig_vfio_dev *d, char *buf, size_t len)
{
	if (len)
		snprintf(buf, len, "%s", to_ioctl(d)->reason);
}

static void io_destroy(struct vfmig_vfio_dev *d)
{
	struct ioctl_dev *x = to_ioctl(d);

	if (!x)
		return;
	if (x->logging && !x->all_dirty)
		lab_vfio_log_stop(x->f.fd);
	close_fd(&x->save_fd);
	close_fd(&x->resume_fd);
	if (x->mapped)
		lab_vfio_unmap_dma(x->f.container, 0, x->ram_size);
	lab_vfio_close(&x->f);
	free(x);
}

static const struct vfmig_vfio_dev_ops ioctl_ops = {
	.mig_flags = io_mig_flags,
	.get_state = io_get_state,
	.set_state = io_set_state,
	.save_read = io_save_read,
	.resume_write = io_resume_write,
	.precopy_info = io_precopy_info,
	.data_size = io_data_size,
	.init_data_loaded = io_init_data_loaded,
	.log_start = io_log_start,
	.log_stop = io_log_stop,
	.log_report = io_log_report,
	.bar0_read = io_bar0_read,
	.bar0_write = io_bar0_write,
	.set_irq_handler = io_set_irq_handler,
	.reset = io_reset,
	.reason = io_reason,
	.destroy = io_destroy,
};

struct vfmig_vfio_dev *lab_vfio_ioctl_new(const struct lab_vfio_ioctl_cfg *cfg,
					  const char *name, char *err,
					  size_t errlen)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri;
	struct ioctl_dev *x;
	char why[200];
	u64 flags = 0;
	u32 s;
	int ret;

	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	x->dev.ops = &ioctl_ops;
	snprintf(x->dev.name, sizeof(x->dev.name), "%s", name);
	x->save_fd = x->resume_fd = -1;
	x->ram_size = cfg->ram_size;
	x->all_dirty_fallback = cfg->all_dirty_fallback;
	ret = lab_vfio_open(name, cfg->bdf, &x->f, why, sizeof(why));
	if (ret) {
		if (!strncmp(why, name, strlen(name)))
			snprintf(err, errlen, "%s", why);
		else
			snprintf(err, errlen, "%s %s: %s", name, cfg->bdf, why);
		goto err_close;
	}
	ret = lab_vfio_xioctl(x->f.fd, VFIO_DEVICE_GET_INFO, &di);
	if (ret || !(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_BAR0_REGION_INDEX) {
		snprintf(err, errlen, "%s (%s): VFIO_DEVICE_GET_INFO: %s, flags %#x, %u regions: not a PCI device with a BAR0",
			 name, cfg->bdf, lab_vfio_err(ret), di.flags, di.num_regions);
		goto err_close;
	}
	ret = lab_vfio_region_info(x->f.fd, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (ret || !(ri.flags & VFIO_REGION_INFO_FLAG_READ) ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_WRITE)) {
		snprintf(err, errlen, "%s (%s): BAR0 region: %s, flags %#x: not readable and writable",
			 name, cfg->bdf, lab_vfio_err(ret), ri.flags);
		goto err_close;
	}
	x->bar0 = ri.offset;
	ret = lab_vfio_mig_flags(x->f.fd, &flags);
	if (ret || !(flags & VFIO_MIGRATION_STOP_COPY)) {
		snprintf(err, errlen, "%s (%s): VFIO_DEVICE_FEATURE_MIGRATION: %s, flags %#llx: the device is not migratable (is its driver i40e_vfio_pci with a PF backend?)",
			 name, cfg->bdf, lab_vfio_err(ret), (unsigned long long)flags);
		goto err_close;
	}
	x->flags = (u32)flags & (VFMIG_MIGRATION_STOP_COPY | VFMIG_MIGRATION_P2P |
				 VFMIG_MIGRATION_PRE_COPY);
	x->has_dmalog = !lab_vfio_probe(x->f.fd, VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
					VFIO_DEVICE_FEATURE_SET);
	ret = lab_vfio_map_dma(x->f.container, cfg->ram, 0, cfg->ram_size);
	if (ret) {
		snprintf(err, errlen, "%s (%s): VFIO_IOMMU_MAP_DMA of %llu bytes at IOVA 0: %s",
			 name, cfg->bdf, (unsigned long long)cfg->ram_size, lab_vfio_err(ret));
		goto err_close;
	}
	x->mapped = true;
	/* whatever a previous user left (queues, mailbox, a session) goes */
	ret = lab_vfio_reset(x->f.fd);
	lab_vfio_mig_get(x->f.fd, &s);
	if (ret || s != VFMIG_MIG_RUNNING) {
		snprintf(err, errlen, "%s (%s): VFIO_DEVICE_RESET: %s, state %s, want RUNNING",
			 name, cfg->bdf, lab_vfio_err(ret), st_name(s));
		goto err_close;
	}
	return &x->dev;

err_close:
	io_destroy(&x->dev);
	return NULL;
}

bool lab_vfio_ioctl_all_dirty(struct vfmig_vfio_dev *d)
{
	struct ioctl_dev *x = to_ioctl(d);

	return x->all_dirty || (!x->has_dmalog && x->all_dirty_fallback);
}

bool lab_vfio_ioctl_has_dmalog(struct vfmig_vfio_dev *d)
{
	return to_ioctl(d)->has_dmalog;
}

u64 lab_vfio_ioctl_bar0_errors(struct vfmig_vfio_dev *d)
{
	return to_ioctl(d)->bar0_errors;
}
