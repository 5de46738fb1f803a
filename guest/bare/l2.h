/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * build/vfmig-l2.elf internals: the x86 machine under the freestanding
 * home (port I/O, the console on COM1, the TSC clock, PCI configuration
 * mechanism #1, isa-debug-exit). Only guest/bare/ includes this; the
 * portable driver sees the machine through <vfmig/osdep.h> and
 * struct vfmig_guest_env alone.
 */
#ifndef VFMIG_L2_H
#define VFMIG_L2_H

#include <vfmig/osdep.h>

/* isa-debug-exit: QEMU exits with status (code << 1) | 1. */
#define L2_EXIT_PASS		0x10	/* status 33: run done, no corrupt/dup frame */
#define L2_EXIT_FAIL		0x11	/* status 35: run done, frames were wrong */
#define L2_EXIT_NO_VF		0x12	/* status 37: PCI scan found no VF */
#define L2_EXIT_VF_DOWN		0x13	/* status 39: the VF never reached RUNNING */
#define L2_EXIT_BOOT		0x14	/* status 41: boot problem (start info, BAR) */
#define L2_EXIT_EXCEPTION	0x15	/* status 43: a CPU exception */
#define L2_DEBUG_EXIT_PORT	0xf4

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* One 32-bit MMIO access, never split or merged by the compiler. */
static inline u32 mmio_read32(u64 addr)
{
	u32 v;

	asm volatile("movl %1, %0" : "=r"(v)
		     : "m"(*(volatile u32 *)(unsigned long)addr) : "memory");
	return v;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	asm volatile("movl %1, %0"
		     : "=m"(*(volatile u32 *)(unsigned long)addr) : "r"(v)
		     : "memory");
}

/* start.S: exception entry points, the page directory pointer table */
extern const u64 l2_exc_stubs[32];
extern u64 l2_pdpt[512];

/* hw.c */
void l2_con_init(void);
void l2_con_write(const char *s, size_t n);
__printf(1, 2) void l2_printf(const char *fmt, ...);
__printf(1, 0) void l2_vprintf(const char *fmt, va_list ap);
void l2_idt_init(void);
bool l2_has_debug_exit(void);
void __attribute__((noreturn)) l2_exit(u8 code);
u64 l2_time_init(void);
u64 l2_now_ns(void);
u32 l2_pci_read32(u8 bus, u8 dev, u8 fn, u8 off);
void l2_pci_write16(u8 bus, u8 dev, u8 fn, u8 off, u16 v);
int l2_map_mmio(u64 addr, u64 len);
void l2_exception(u64 vec, u64 err, u64 rip, u64 cr2);
void l2_main(u32 start_info);

/* osdep_bare.c: the lowest level the portable code logs at (VFMIG_LOG_*) */
extern int l2_log_level;

#endif /* VFMIG_L2_H */
