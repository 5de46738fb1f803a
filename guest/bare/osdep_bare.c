// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig osdep, freestanding implementation (see include/vfmig/osdep_bare.h):
 * the few C library functions portable code and the compiler use, a small
 * vsnprintf, CRC32C, logging to the console, time from the TSC.
 */
#include <vfmig/osdep.h>
#include "l2.h"

struct vfmig_trace_hook vfmig_trace_hook;
unsigned long vfmig_warn_count;
int l2_log_level = VFMIG_LOG_INFO;

void vfmig_set_trace_hook(vfmig_trace_fn fn, void *ctx)
{
	vfmig_trace_hook.ctx = ctx;
	WRITE_ONCE(vfmig_trace_hook.fn, fn);
}

/* ---- string.h --------------------------------------------------------- */

/*
 * Byte loops on purpose: -ffreestanding keeps the compiler from turning
 * them back into calls to themselves, and nothing here is hot enough for
 * more (frames are at most a few KiB).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d == s || !n)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

void *memset(void *p, int c, size_t n)
{
	u8 *d = p;

	while (n--)
		*d++ = (u8)c;
	return p;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (u8)*a - (u8)*b;
}

/* ---- vsnprintf: the conversions vfmig's messages use -------------------- */

struct l2_out {
	char *buf;
	size_t size;
	size_t len;	/* would-be length, as C99 counts it */
};

static void out_c(struct l2_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct l2_out *o, u64 v, bool neg, unsigned int base,
		    bool upper, int width, bool zero, bool left, bool alt)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad, pfx = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		pfx = 1;
	if (alt && base == 16)
		pfx = 2;
	pad = width - n - pfx;
	if (!left && !zero)
		for (; pad > 0; pad--)
			out_c(o, ' ');
	if (neg)
		out_c(o, '-');
	if (alt && base == 16) {
		out_c(o, '0');
		out_c(o, upper ? 'X' : 'x');
	}
	if (!left && zero)
		for (; pad > 0; pad--)
			out_c(o, '0');
	while (n)
		out_c(o, tmp[--n]);
	for (; left && pad > 0; pad--)
		out_c(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct l2_out o = { .buf = buf, .size = size };

	for (; *fmt; fmt++) {
		bool zero = false, left = false, alt = false, neg = false;
		int width = 0, lng = 0, prec = -1;
		const char *s;
		u64 v;

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else if (*fmt == '#')
				alt = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {	/* precision: honoured by %s only */
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 2;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2) {
				s64 x = va_arg(ap, long long);

				neg = x < 0;
				v = neg ? -(u64)x : (u64)x;
			} else if (lng == 1) {
				long x = va_arg(ap, long);

				neg = x < 0;
				v = neg ? -(u64)x : (u64)x;
			} else {
				int x = va_arg(ap, int);

				neg = x < 0;
				v = neg ? -(u64)(s64)x : (u64)x;
			}
			out_num(&o, v, neg, 10, false, width, zero, left, false);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			out_num(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				width, zero, left, alt && v);
			break;
		case 'p':
			v = (unsigned long)va_arg(ap, void *);
			out_num(&o, v, false, 16, false, width, zero, left, true);
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (v = 0; s[v] && (prec < 0 || v < (u64)prec); v++)
				;
			width -= (int)v;
			for (; !left && width > 0; width--)
				out_c(&o, ' ');
			while (v--)
				out_c(&o, *s++);
			for (; left && width > 0; width--)
				out_c(&o, ' ');
			break;
		case '%':
			out_c(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:	/* unknown: show it rather than guess */
			out_c(&o, '%');
			out_c(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- logging ------------------------------------------------------------ */

void vfmig_log(enum vfmig_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[256];
	va_list ap;
	size_t n;

	if ((int)level > l2_log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* the portable code's messages end in \n (printk style) or not */
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	l2_printf("vfmig: %s: %s\n", names[level & 3], line);
}

void vfmig_warn_report(const char *file, int line, const char *cond)
{
	vfmig_warn_count++;
	vfmig_log(VFMIG_LOG_ERR, "WARNING at %s:%d: %s", file, line, cond);
}

/* ---- CRC-32C, bytewise over a table built on first use ------------------ */

static u32 crc32c_table[256];
static bool crc32c_ready;

u32 vfmig_crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 c = ~crc, i, j;

	if (unlikely(!crc32c_ready)) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (j = 0; j < 8; j++)
				c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
			crc32c_table[i] = c;
		}
		crc32c_ready = true;
		c = ~crc;
	}
	while (len--)
		c = (c >> 8) ^ crc32c_table[(c ^ *p++) & 0xff];
	return ~c;
}

u64 vfmig_time_ns(void)
{
	return l2_now_ns();
}
