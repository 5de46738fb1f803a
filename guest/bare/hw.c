// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC under build/vfmig-l2.elf: COM1, the TSC clock, PCI configuration
 * mechanism #1, MMIO mappings for BARs above 4 GiB, exceptions, and
 * isa-debug-exit. Polling only: interrupts stay off for the whole run, as
 * the guest driver runs with use_irq = false.
 */
#include "l2.h"

#define COM1		0x3f8
#define PIT_HZ		1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PORT_B		0x61
#define PCI_ADDR	0xcf8
#define PCI_DATA	0xcfc

/* ---- console: COM1, 115200 8N1, polled ----------------------------------- */

static bool con_present;

void l2_con_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
	/* no UART there (a VM without -serial): every read is 0xff */
	con_present = inb(COM1 + 5) != 0xff;
}

static void con_putc(char c)
{
	u32 spin = 0;

	/* bounded: a stuck UART must not hang the run */
	while (!(inb(COM1 + 5) & 0x20) && ++spin < 100000)
		;
	outb(COM1, (u8)c);
}

void l2_con_write(const char *s, size_t n)
{
	if (!con_present)
		return;
	while (n--)
		con_putc(*s++);
}

void l2_vprintf(const char *fmt, va_list ap)
{
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	l2_con_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void l2_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l2_vprintf(fmt, ap);
	va_end(ap);
}

/* ---- exit ------------------------------------------------------------------ */

/*
 * isa-debug-exit reads as 0; a port nobody decodes reads as all ones.
 * Looked at again on every exit: after a migration the destination's
 * command line decides, not the source's.
 */
bool l2_has_debug_exit(void)
{
	return inb(L2_DEBUG_EXIT_PORT) != 0xff;
}

void l2_exit(u8 code)
{
	bool dbg = l2_has_debug_exit();

	/* said first: QEMU stops taking serial output once the port is hit */
	l2_printf("vfmig-l2: exit code %#x (%s)\n", code,
		  dbg ? "isa-debug-exit" : "no isa-debug-exit at 0xf4: halting");
	if (dbg)
		outb(L2_DEBUG_EXIT_PORT, code);
	for (;;)
		asm volatile("cli; hlt");
}

/* ---- exceptions ------------------------------------------------------------- */

struct idt_entry {
	u16 off0;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off1;
	u32 off2;
	u32 rsvd;
} __packed;

static struct idt_entry l2_idt[32] __aligned(16);

void l2_idt_init(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed desc;
	int i;

	for (i = 0; i < 32; i++) {
		u64 a = l2_exc_stubs[i];

		l2_idt[i].off0 = a & 0xffff;
		l2_idt[i].sel = 0x08;
		l2_idt[i].ist = 0;
		l2_idt[i].type = 0x8e;	/* present, 64-bit interrupt gate */
		l2_idt[i].off1 = (a >> 16) & 0xffff;
		l2_idt[i].off2 = a >> 32;
		l2_idt[i].rsvd = 0;
	}
	desc.limit = sizeof(l2_idt) - 1;
	desc.base = (unsigned long)l2_idt;
	asm volatile("lidt %0" : : "m"(desc));
}

void l2_exception(u64 vec, u64 err, u64 rip, u64 cr2)
{
	l2_printf("vfmig-l2: exception %llu error %#llx at rip %#llx cr2 %#llx\n",
		  vec, err, rip, cr2);
	l2_printf("vfmig-l2: result state=CRASHED\n");
	l2_exit(L2_EXIT_EXCEPTION);
}

/* ---- time: TSC calibrated against PIT channel 2 ------------------------------ */

static u64 tsc0, tsc_mult;	/* ns = (tsc - tsc0) * tsc_mult >> 32 */

/*
 * Count TSC ticks over 50 ms of PIT channel 2 in mode 0 (OUT2 rises at
 * terminal count, visible in port 0x61 bit 5), as Linux's
 * pit_calibrate_tsc() does. Under QEMU both clocks stop while the VM is
 * stopped (and across a migration's blackout), so guest time has no gap
 * where the VM did not run. Returns the TSC rate in Hz.
 */
u64 l2_time_init(void)
{
	const u32 latch = PIT_HZ / 20;
	u64 t0, t1, hz;
	u32 spin = 0;

	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_CMD, 0xb0);		/* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20) && ++spin < (1u << 26))
		;
	t1 = rdtsc();
	hz = (t1 - t0) * 20;
	if (spin >= (1u << 26) || hz < 1000000) {
		l2_printf("vfmig-l2: PIT calibration failed (%llu Hz); assuming 1 GHz\n",
			  hz);
		hz = 1000000000ull;
	}
	tsc_mult = (1000000000ull << 32) / hz;
	tsc0 = rdtsc();
	return hz;
}

u64 l2_now_ns(void)
{
	unsigned __int128 d = rdtsc() - tsc0;

	return (u64)((d * tsc_mult) >> 32);
}

/* ---- PCI configuration mechanism #1 ------------------------------------------ */

static u32 pci_addr(u8 bus, u8 dev, u8 fn, u8 off)
{
	return 0x80000000u | ((u32)bus << 16) | ((u32)(dev & 31) << 11) |
	       ((u32)(fn & 7) << 8) | (off & 0xfc);
}

u32 l2_pci_read32(u8 bus, u8 dev, u8 fn, u8 off)
{
	outl(PCI_ADDR, pci_addr(bus, dev, fn, off));
	return inl(PCI_DATA);
}

void l2_pci_write16(u8 bus, u8 dev, u8 fn, u8 off, u16 v)
{
	outl(PCI_ADDR, pci_addr(bus, dev, fn, off));
	outw(PCI_DATA + (off & 2), v);
}

/* ---- MMIO above 4 GiB -------------------------------------------------------- */

/*
 * The stub maps 0..4 GiB. A 64-bit BAR that firmware put higher gets its
 * 1 GiB slot mapped here, uncached, from a small pool of page directories.
 */
static u64 l2_spare_pd[2][512] __aligned(4096);
static unsigned int l2_spare_used;

int l2_map_mmio(u64 addr, u64 len)
{
	u64 first = addr >> 30, last = (addr + len - 1) >> 30, g;
	unsigned int j;

	if (!len || addr + len < addr || last >= 512)
		return -ERANGE;
	for (g = first; g <= last; g++) {
		u64 *pd;

		if (g < 4 || l2_pdpt[g])
			continue;
		if (l2_spare_used >= ARRAY_SIZE(l2_spare_pd))
			return -ENOMEM;
		pd = l2_spare_pd[l2_spare_used++];
		for (j = 0; j < 512; j++)
			pd[j] = (g << 30) | ((u64)j << 21) | 0x9b; /* P RW PWT PCD PS */
		l2_pdpt[g] = (unsigned long)pd | 0x3;
	}
	/* reload CR3: drop any stale translation */
	asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
	return 0;
}
