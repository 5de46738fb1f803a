// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig osdep, userspace implementation (see include/vfmig/osdep.h).
 * Linked into build/libvfmig.a together with all portable code.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <vfmig/osdep.h>
#include <vfmig/osdep_user_ctl.h>

struct vfmig_trace_hook vfmig_trace_hook;
unsigned long vfmig_warn_count;

static enum vfmig_log_level log_threshold = VFMIG_LOG_WARN;
static vfmig_log_sink_fn log_sink;
static void *log_sink_ctx;

void vfmig_set_trace_hook(vfmig_trace_fn fn, void *ctx)
{
	vfmig_trace_hook.ctx = ctx;
	WRITE_ONCE(vfmig_trace_hook.fn, fn);
}

void vfmig_log_set_level(enum vfmig_log_level level)
{
	log_threshold = level;
}

void vfmig_log_set_sink(vfmig_log_sink_fn fn, void *ctx)
{
	log_sink = fn;
	log_sink_ctx = ctx;
}

void vfmig_log(enum vfmig_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[512];
	va_list ap;

	if (level > log_threshold && !log_sink)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_sink) {
		log_sink(log_sink_ctx, level, line);
		return;
	}
	fprintf(stderr, "vfmig: %s: %s\n", names[level], line);
}

void vfmig_warn_report(const char *file, int line, const char *cond)
{
	vfmig_warn_count++;
	vfmig_log(VFMIG_LOG_ERR, "WARNING at %s:%d: %s", file, line, cond);
}

void *vfmig_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *vfmig_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void vfmig_free(const void *p)
{
	free((void *)p);
}

void vfmig_mutex_init(struct vfmig_mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
	m->held = false;
}

void vfmig_mutex_destroy(struct vfmig_mutex *m)
{
	WARN_ON(m->held);
	pthread_mutex_destroy(&m->m);
}

void vfmig_mutex_lock(struct vfmig_mutex *m)
{
	pthread_mutex_lock(&m->m);
	m->owner = pthread_self();
	m->held = true;
}

void vfmig_mutex_unlock(struct vfmig_mutex *m)
{
	WARN_ON(!vfmig_mutex_held(m));
	m->held = false;
	pthread_mutex_unlock(&m->m);
}

bool vfmig_mutex_held(struct vfmig_mutex *m)
{
	return m->held && pthread_equal(m->owner, pthread_self());
}

u64 vfmig_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* CRC-32C, slicing-by-8 over a table built once. */
static u32 crc32c_table[8][256];
static pthread_once_t crc32c_once = PTHREAD_ONCE_INIT;

static void crc32c_init_table(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
		crc32c_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc32c_table[j][i] = (crc32c_table[j - 1][i] >> 8) ^
					     crc32c_table[0][crc32c_table[j - 1][i] & 0xff];
}

u32 vfmig_crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 c = ~crc;

	pthread_once(&crc32c_once, crc32c_init_table);
	while (len >= 8) {
		u32 lo = c ^ vfmig_get_le32(p);
		u32 hi = vfmig_get_le32(p + 4);

		c = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][(lo >> 8) & 0xff] ^
		    crc32c_table[5][(lo >> 16) & 0xff] ^ crc32c_table[4][lo >> 24] ^
		    crc32c_table[3][hi & 0xff] ^ crc32c_table[2][(hi >> 8) & 0xff] ^
		    crc32c_table[1][(hi >> 16) & 0xff] ^ crc32c_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		c = (c >> 8) ^ crc32c_table[0][(c ^ *p++) & 0xff];
	return ~c;
}
