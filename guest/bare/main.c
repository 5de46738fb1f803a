// SPDX-License-Identifier: GPL-2.0-only
/*
 * build/vfmig-l2.elf: the portable guest AVF driver (guest/[a-z]*.c) as the
 * whole guest OS of a VM that QEMU live-migrates with a VF passed through.
 *
 * It finds the VF on the PCI bus, brings it up with vfmig_guest_init() and
 * vfmig_guest_poll() (polling, no interrupts), then sends numbered,
 * checksummed frames at a fixed rate to the wire's reflector (02:76:66:6d:
 * 69:67), which sends each one back with the MACs swapped, and checks every
 * frame that comes back. A migration freezes the VM and resumes it on
 * another host: the guest only sees the VF carry on, or reset (which the
 * driver recovers from), and frames that did not come back.
 *
 * Every frame that comes back is judged: a wrong length, magic, boot id or
 * checksum is "corrupt" (e.g. an RX buffer page the device wrote but the
 * migration did not resend: the destination's copy holds older bytes), a
 * sequence number seen before (or too old to tell) is "dup", one below the
 * highest seen from the same TX queue is "reorder". A number not back within lost_ms of guest
 * time is "lost"; the longest run of lost numbers and the longest silence
 * between two receptions measure the blackout as the guest saw it.
 *
 * Command line (-append): seconds=N (run time, guest clock; default 20),
 * rate=N (frames/s, default 2000), queues=N (1..2), ring=N (descriptors),
 * progress=N (seconds between progress lines, 0 = none), lost_ms=N,
 * maxlen=N (longest frame, 64..1518: building and checking a frame is
 * per byte, which counts under nested TCG),
 * poll_us=N (driver service interval), rx_batch_us=N (take received frames
 * off the rings at most this often, default 0 = every loop: frames then wait
 * in the ring as under interrupt moderation, and more of what the device
 * wrote before a switchover is read after it), pci=BB:DD.F (which device),
 * loglevel=N (0 errors .. 3 debug), fault=1 (take a page fault on purpose:
 * tests the exception path), selftest=1 (judge made-up frames, no VF:
 * tests the judgement a migration run relies on).
 *
 * Serial (COM1) output, one line each: "vfmig-l2: pci ..." per device,
 * "vfmig-l2: progress ..." every progress seconds, and at the end exactly
 * one "vfmig-l2: result ..." line; exit through isa-debug-exit (codes in
 * l2.h), else halt.
 */
#include <vfmig/guest.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>
#include "l2.h"

#define L2_MAX_FRAME	1518u
#define L2_RX_BUF	2048u
#define L2_WIN		16384u		/* sequence numbers tracked */
#define L2_HDR		34u		/* Ethernet header + test header */
#define L2_ETHERTYPE	0x88b5		/* IEEE local experimental */
#define L2_DRIVER_GPA	(8u << 20)	/* the driver's block */
#define L2_RAM_ALIAS	(1ull << 39)	/* the stub's second map of 0..4 GiB */
#define MS		1000000ull
#define SEC		1000000000ull

static const u8 reflector[6] = { 0x02, 0x76, 0x66, 0x6d, 0x69, 0x67 };

/* struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h) */
struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;	/* version >= 1 */
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_memmap_table_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

#define HVM_START_MAGIC		0x336ec578
#define HVM_MEMMAP_RAM		1

struct l2_opts {
	u32 seconds;
	u32 rate;
	u32 queues;
	u32 ring;
	u32 progress;
	u32 lost_ms;
	u32 poll_us;
	u32 rx_batch_us;
	u32 maxlen;
	u32 fault;
	u32 selftest;
	s32 pci_bus, pci_dev, pci_fn;
};

struct l2_vf {
	u8 bus, dev, fn;
	u16 vendor, device;
	u64 bar0;
};

/* The run's counters (all in guest RAM, like everything: they migrate). */
struct l2_run {
	u64 sent, received, lost, dup, corrupt, reorder, late, tx_busy;
	u64 next_seq;		/* next sequence number to send */
	u64 judged;		/* every number below is received or lost */
	u64 max_seq[2];		/* per TX queue: highest received + 1 */
	u64 cur_run, max_run;	/* consecutive lost numbers */
	u64 last_rx_ns, max_gap_ns, max_gap_seq;
	u64 down_ns, down_since;	/* time not RUNNING after the first RUNNING */
	u32 boot_id;
	u8 mac[6];
};

static struct l2_opts opt = {
	.seconds = 20, .rate = 2000, .queues = 1, .ring = 256, .progress = 5,
	.lost_ms = 1000, .poll_us = 2000, .maxlen = L2_MAX_FRAME, .pci_bus = -1,
};
static struct l2_run run;
static struct vfmig_guest_env env;
static struct vfmig_guest_cfg cfg;
static u64 bar0;
static u64 sent_ns[L2_WIN];
static u64 rx_seen[L2_WIN / 64];
static u8 txf[L2_MAX_FRAME] __aligned(8);
static u8 rxf[VFMIG_MAX_RXBUFFER] __aligned(8);

static u32 bar0_read(void *ctx, u32 off)
{
	return mmio_read32(bar0 + off);
}

static void bar0_write(void *ctx, u32 off, u32 val)
{
	mmio_write32(bar0 + off, val);
}

/* ---- command line ------------------------------------------------------- */

static bool parse_u32(const char *s, const char *end, u32 *v)
{
	u64 x = 0;

	if (s == end)
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (u64)(*s - '0');
		if (x > U32_MAX)
			return false;
	}
	*v = (u32)x;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "BB:DD.F", hex */
static bool parse_bdf(const char *s, const char *end)
{
	int b0, b1, d0, d1, f;

	if (end - s != 7 || s[2] != ':' || s[5] != '.')
		return false;
	b0 = hexval(s[0]);
	b1 = hexval(s[1]);
	d0 = hexval(s[3]);
	d1 = hexval(s[4]);
	f = hexval(s[6]);
	if (b0 < 0 || b1 < 0 || d0 < 0 || d1 < 0 || f < 0 || f > 7 ||
	    d0 * 16 + d1 > 31)
		return false;
	opt.pci_bus = b0 * 16 + b1;
	opt.pci_dev = d0 * 16 + d1;
	opt.pci_fn = f;
	return true;
}

static void parse_cmdline(const char *c)
{
	static const struct {
		const char *key;
		u32 *val;
		u32 lo, hi;
	} keys[] = {
		{ "seconds", &opt.seconds, 1, 86400 },
		{ "rate", &opt.rate, 1, 1000000 },
		{ "queues", &opt.queues, 1, 2 },
		{ "ring", &opt.ring, VFMIG_VF_RING_MIN, 1024 },
		{ "progress", &opt.progress, 0, 86400 },
		{ "lost_ms", &opt.lost_ms, 10, 60000 },
		{ "poll_us", &opt.poll_us, 0, 1000000 },
		{ "rx_batch_us", &opt.rx_batch_us, 0, 1000000 },
		{ "maxlen", &opt.maxlen, 64, L2_MAX_FRAME },
		{ "fault", &opt.fault, 0, 1 },
		{ "selftest", &opt.selftest, 0, 1 },
	};

	while (*c) {
		const char *w = c, *eq = NULL, *e;
		bool ok = false;
		u32 v, i;

		while (*c && *c != ' ') {
			if (*c == '=' && !eq)
				eq = c;
			c++;
		}
		e = c;
		while (*c == ' ')
			c++;
		if (e == w)
			continue;
		if (eq) {
			for (i = 0; i < ARRAY_SIZE(keys); i++) {
				size_t kl = strlen(keys[i].key);

				if ((size_t)(eq - w) != kl || memcmp(w, keys[i].key, kl))
					continue;
				ok = parse_u32(eq + 1, e, &v) && v >= keys[i].lo &&
				     v <= keys[i].hi;
				if (ok)
					*keys[i].val = v;
				break;
			}
			if (eq - w == 3 && !memcmp(w, "pci", 3))
				ok = parse_bdf(eq + 1, e);
			if (eq - w == 8 && !memcmp(w, "loglevel", 8)) {
				ok = parse_u32(eq + 1, e, &v) && v <= 3;
				if (ok)
					l2_log_level = (int)v;
			}
		}
		if (!ok)
			l2_printf("vfmig-l2: ignoring bad or unknown option '%.*s'\n",
				  (int)(e - w), w);
	}
	if (opt.ring % VFMIG_VF_RING_MULTIPLE)
		opt.ring = ALIGN(opt.ring, (u32)VFMIG_VF_RING_MULTIPLE);
}

/* ---- PCI ---------------------------------------------------------------- */

static bool is_vf(u16 vendor, u16 device)
{
	/* the model-backed lab's edu stand-in, X710 VF, AVF */
	return (vendor == 0x1234 && device == 0x11e8) ||
	       (vendor == 0x8086 && (device == 0x154c || device == 0x1889));
}

static void pci_scan_bus(u8 bus, struct l2_vf *vf, int *found, int depth)
{
	u8 dev, fn;

	for (dev = 0; dev < 32; dev++) {
		for (fn = 0; fn < 8; fn++) {
			u32 id = l2_pci_read32(bus, dev, fn, 0x00);
			u32 cls = l2_pci_read32(bus, dev, fn, 0x08);
			u32 hdr = l2_pci_read32(bus, dev, fn, 0x0c) >> 16 & 0xff;
			u16 vendor = id & 0xffff, device = id >> 16;
			u32 b0 = 0;
			bool want;

			if (vendor == 0xffff) {
				if (fn == 0)
					break;	/* no device: no functions */
				continue;
			}
			if ((hdr & 0x7f) == 0)
				b0 = l2_pci_read32(bus, dev, fn, 0x10);
			l2_printf("vfmig-l2: pci %02x:%02x.%u %04x:%04x class %06x bar0 %#x\n",
				  bus, dev, fn, vendor, device, cls >> 8, b0);
			want = opt.pci_bus >= 0 ?
			       (bus == opt.pci_bus && dev == opt.pci_dev &&
				fn == opt.pci_fn) :
			       is_vf(vendor, device);
			if (want && (hdr & 0x7f) == 0 && !*found) {
				vf->bus = bus;
				vf->dev = dev;
				vf->fn = fn;
				vf->vendor = vendor;
				vf->device = device;
				*found = 1;
			}
			/* a PCI-PCI bridge: its secondary bus */
			if ((hdr & 0x7f) == 1 && depth < 8) {
				u8 sec = l2_pci_read32(bus, dev, fn, 0x18) >> 8 & 0xff;

				if (sec > bus)
					pci_scan_bus(sec, vf, found, depth + 1);
			}
			if (fn == 0 && !(hdr & 0x80))
				break;	/* single-function device */
		}
	}
}

/* Memory decoding and bus mastering on, INTx off (polling); BAR0's address. */
static int vf_enable(struct l2_vf *vf)
{
	u32 lo = l2_pci_read32(vf->bus, vf->dev, vf->fn, 0x10);
	u32 cmd = l2_pci_read32(vf->bus, vf->dev, vf->fn, 0x04) & 0xffff;
	u64 addr;

	if (lo & 1) {
		l2_printf("vfmig-l2: BAR0 is an I/O BAR (%#x)\n", lo);
		return -EINVAL;
	}
	addr = lo & ~0xfu;
	if (((lo >> 1) & 3) == 2)
		addr |= (u64)l2_pci_read32(vf->bus, vf->dev, vf->fn, 0x14) << 32;
	if (!addr) {
		l2_printf("vfmig-l2: BAR0 unassigned\n");
		return -EINVAL;
	}
	if (l2_map_mmio(addr, 1u << 20)) {
		l2_printf("vfmig-l2: cannot map BAR0 at %#llx\n", addr);
		return -ERANGE;
	}
	cmd |= BIT(1) | BIT(2) | BIT(10);
	l2_pci_write16(vf->bus, vf->dev, vf->fn, 0x04, (u16)cmd);
	vf->bar0 = addr;
	return 0;
}

/* ---- frames ------------------------------------------------------------- */

/* 64..maxlen bytes (no FCS), a function of the number alone */
static u32 frame_len(u64 seq)
{
	return 64 + (u32)(seq * 37 % (opt.maxlen - 64 + 1));
}

static u8 payload(u64 seq, u32 i)
{
	return (u8)(seq * 7 + i * 31 + (i >> 8));
}

/*
 * dst, src, 0x88b5, "VFL2", seq (le32), length (le32), boot id (le32),
 * queue (le32), payload, then CRC32C of bytes 14..len-4: the reflector
 * swaps the MACs, so they stay out of the checksum.
 */
static u32 frame_make(u64 seq, u16 q)
{
	u32 len = frame_len(seq), i;

	memcpy(txf, reflector, 6);
	memcpy(txf + 6, run.mac, 6);
	txf[12] = L2_ETHERTYPE >> 8;
	txf[13] = L2_ETHERTYPE & 0xff;
	memcpy(txf + 14, "VFL2", 4);
	vfmig_put_le32(txf + 18, (u32)seq);
	vfmig_put_le32(txf + 22, len);
	vfmig_put_le32(txf + 26, run.boot_id);
	vfmig_put_le32(txf + 30, q);
	for (i = L2_HDR; i < len - 4; i++)
		txf[i] = payload(seq, i);
	vfmig_put_le32(txf + len - 4, vfmig_crc32c(0, txf + 14, len - 18));
	return len;
}

static void count_corrupt(const u8 *f, int len, const char *why)
{
	if (++run.corrupt <= 5)
		l2_printf("vfmig-l2: corrupt frame (%s): len %d head %02x%02x%02x%02x%02x%02x %02x%02x%02x%02x%02x%02x %02x%02x %02x%02x%02x%02x %02x%02x%02x%02x\n",
			  why, len, f[0], f[1], f[2], f[3], f[4], f[5], f[6],
			  f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14],
			  f[15], f[16], f[17], f[18], f[19], f[20], f[21]);
}

static bool seen(u64 seq)
{
	return rx_seen[seq % L2_WIN / 64] & BIT_ULL(seq % 64);
}

static void frame_check(const u8 *f, int len, u64 now)
{
	u32 seq32, flen, txq;
	u64 seq;

	if (len < (int)(L2_HDR + 4) || len > (int)L2_MAX_FRAME) {
		count_corrupt(f, len, "length");
		return;
	}
	flen = vfmig_get_le32(f + 22);
	if (memcmp(f + 14, "VFL2", 4) || f[12] != (L2_ETHERTYPE >> 8) ||
	    f[13] != (L2_ETHERTYPE & 0xff) || flen != (u32)len) {
		count_corrupt(f, len, "header");
		return;
	}
	if (vfmig_crc32c(0, f + 14, len - 18) != vfmig_get_le32(f + len - 4)) {
		count_corrupt(f, len, "checksum");
		return;
	}
	if (vfmig_get_le32(f + 26) != run.boot_id) {
		count_corrupt(f, len, "boot id");
		return;
	}
	if (memcmp(f, run.mac, 6) || memcmp(f + 6, reflector, 6)) {
		count_corrupt(f, len, "addresses");
		return;
	}
	/* 32 bits on the wire; the run's numbers are below 2^32 */
	seq32 = vfmig_get_le32(f + 18);
	seq = seq32;
	if (seq >= run.next_seq || frame_len(seq) != (u32)len ||
	    vfmig_get_le32(f + 30) >= ARRAY_SIZE(run.max_seq)) {
		count_corrupt(f, len, "never sent");
		return;
	}
	if (run.next_seq - seq > L2_WIN || seen(seq)) {
		run.dup++;	/* too old to tell counts as a duplicate */
		return;
	}
	rx_seen[seq % L2_WIN / 64] |= BIT_ULL(seq % 64);
	if (seq < run.judged) {
		run.late++;	/* was counted lost: it was not */
		run.lost--;
	}
	/*
	 * Per TX queue: a TX ring, the wire, the reflector and an RX ring are
	 * each first in, first out, but nothing orders one TX queue's frames
	 * against another's (the device serves its queues in turns). Only an
	 * older number after a newer one of the same TX queue is out of order.
	 */
	txq = vfmig_get_le32(f + 30);
	if (seq + 1 < run.max_seq[txq])
		run.reorder++;
	else
		run.max_seq[txq] = seq + 1;
	run.received++;
	if (run.last_rx_ns && now - run.last_rx_ns > run.max_gap_ns) {
		run.max_gap_ns = now - run.last_rx_ns;
		run.max_gap_seq = seq;
	}
	run.last_rx_ns = now;
}

/* Numbers not back within lost_ms are lost (@all: every one sent so far). */
static void judge(u64 now, bool all)
{
	while (run.judged < run.next_seq) {
		u64 s = run.judged;

		if (seen(s)) {
			run.cur_run = 0;
		} else if (all || run.next_seq - s >= L2_WIN ||
			   now - sent_ns[s % L2_WIN] >= opt.lost_ms * MS) {
			run.lost++;
			if (++run.cur_run > run.max_run)
				run.max_run = run.cur_run;
		} else {
			break;
		}
		run.judged++;
	}
}

/* ---- self-test of the judgement (selftest=1) --------------------------- */

/* Record frame @seq as sent now, as the run loop does. */
static void st_send(u64 seq, u64 now)
{
	frame_make(seq, (u16)(seq % 2));
	sent_ns[seq % L2_WIN] = now;
	rx_seen[seq % L2_WIN / 64] &= ~BIT_ULL(seq % 64);
	run.next_seq = seq + 1;
	run.sent++;
}

/* Frame @seq as the reflector returns it, into rxf; its length. */
static int st_reflect(u64 seq)
{
	u32 len = frame_make(seq, (u16)(seq % 2));

	memcpy(rxf, txf, len);
	memcpy(rxf, run.mac, 6);
	memcpy(rxf + 6, reflector, 6);
	return (int)len;
}

static bool st_expect(const char *what, u64 got, u64 want)
{
	if (got == want)
		return true;
	l2_printf("vfmig-l2: selftest FAIL: %s = %llu, want %llu\n", what, got,
		  want);
	return false;
}

/*
 * Made-up frames through frame_check() and judge(), each with a known
 * verdict: what a migration that loses, replays or half-copies RX buffers
 * would hand the guest. Returns true when every counter is as expected.
 */
static bool l2_selftest(void)
{
	static const u8 mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	u64 now = l2_now_ns(), seq;
	bool ok = true;
	int len;

	memcpy(run.mac, mac, 6);
	for (seq = 0; seq < 10; seq++)
		st_send(seq, now);
	frame_check(rxf, st_reflect(0), now);		/* received */
	frame_check(rxf, st_reflect(0), now);		/* dup */
	frame_check(rxf, st_reflect(6), now);		/* received */
	frame_check(rxf, st_reflect(4), now);		/* received, reorder */
	len = st_reflect(3);
	rxf[len / 2] ^= 0x40;				/* a flipped payload bit */
	frame_check(rxf, len, now);			/* corrupt: checksum */
	memset(rxf, 0, 128);				/* a page never resent */
	frame_check(rxf, 128, now);			/* corrupt: header */
	frame_check(rxf, st_reflect(50), now);		/* corrupt: never sent */
	frame_check(rxf, 20, now);			/* corrupt: length */
	len = st_reflect(8);
	memcpy(rxf, reflector, 6);			/* not for us */
	frame_check(rxf, len, now);			/* corrupt: addresses */
	judge(now + 2 * SEC, false);	/* 1-3, 5, 7-9 lost: runs of 3, 1, 3 */
	frame_check(rxf, st_reflect(1), now + 2 * SEC);	/* late */
	ok &= st_expect("received", run.received, 4);
	ok &= st_expect("dup", run.dup, 1);
	ok &= st_expect("reorder", run.reorder, 1);
	ok &= st_expect("corrupt", run.corrupt, 5);
	ok &= st_expect("late", run.late, 1);
	ok &= st_expect("lost", run.lost, 6);
	ok &= st_expect("max_lost_run", run.max_run, 3);
	return ok;
}

static const char *state_name(enum vfmig_guest_state s)
{
	static const char *const n[] = { "RESET_WAIT", "AQ_INIT", "VERSION",
		"GET_RESOURCES", "CONFIGURING", "RUNNING", "FAILED" };

	return (unsigned int)s < ARRAY_SIZE(n) ? n[s] : "?";
}

static void report(const char *what, u64 now, enum vfmig_guest_state st)
{
	struct vfmig_guest_stats gs = { 0 };

	vfmig_guest_stats(&env, L2_DRIVER_GPA, &gs);
	l2_printf("vfmig-l2: %s t_ms=%llu sent=%llu received=%llu lost=%llu dup=%llu corrupt=%llu reorder=%llu late=%llu max_gap_ms=%llu max_gap_seq=%llu max_lost_run=%llu tx_busy=%llu txdone=%llu resets=%llu rx_errors=%llu down_ms=%llu state=%s\n",
		  what, now / MS, run.sent, run.received, run.lost, run.dup,
		  run.corrupt, run.reorder, run.late, run.max_gap_ns / MS,
		  run.max_gap_seq, run.max_run, run.tx_busy, gs.tx_packets,
		  gs.resets, gs.rx_errors, run.down_ns / MS, state_name(st));
}

/* ---- the run ------------------------------------------------------------ */

static u64 ram_top(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *m;
	u32 i;

	if (si->version >= 1 && si->memmap_paddr && si->memmap_entries) {
		m = (const void *)(unsigned long)si->memmap_paddr;
		for (i = 0; i < si->memmap_entries && i < 128; i++)
			if (m[i].type == HVM_MEMMAP_RAM && m[i].addr <= (1u << 20) &&
			    m[i].addr + m[i].size > (1u << 20))
				return m[i].addr + m[i].size;
	}
	/* CMOS: 64 KiB blocks above 16 MiB */
	outb(0x70, 0x35);
	i = inb(0x71) << 8;
	outb(0x70, 0x34);
	i |= inb(0x71);
	return i ? (16ull << 20) + ((u64)i << 16) : 0;
}

static enum vfmig_guest_state poll_driver(u64 now)
{
	env.now_ns = now;
	return vfmig_guest_poll(&env, L2_DRIVER_GPA);
}

/* Check every frame queue Q has received, up to a ring's worth. */
static void rx_drain(u16 q, u64 now)
{
	int i;

	for (i = 0; i < (int)opt.ring; i++) {
		int len = vfmig_guest_recv(&env, L2_DRIVER_GPA, q, rxf, sizeof(rxf));

		if (len <= 0)
			break;
		frame_check(rxf, len, now);
	}
}

void l2_main(u32 start_info)
{
	const struct hvm_start_info *si = (const void *)(unsigned long)start_info;
	enum vfmig_guest_state st, prev;
	u64 hz, now, top, size, next_tx, next_poll, next_rx, next_progress,
	    end_tx, interval, t_run;
	struct l2_vf vf = { 0 };
	int found = 0, n, err;
	bool sending = true;
	u16 q;

	l2_con_init();
	l2_idt_init();
	l2_printf("\nvfmig-l2: boot (guest AVF driver, freestanding)\n");
	if (!si || si->magic != HVM_START_MAGIC) {
		l2_printf("vfmig-l2: no PVH start info (%#x); boot with -kernel on machine pc\n",
			  si ? si->magic : 0);
		l2_exit(L2_EXIT_BOOT);
	}
	if (si->cmdline_paddr) {
		const char *c = (const char *)(unsigned long)si->cmdline_paddr;

		l2_printf("vfmig-l2: cmdline '%s'\n", c);
		parse_cmdline(c);
	}
	hz = l2_time_init();
	run.boot_id = (u32)(rdtsc() ^ (rdtsc() >> 32)) | 1;
	top = ram_top(si);
	l2_printf("vfmig-l2: tsc %llu kHz, ram %llu MiB, debug-exit %s, seconds=%u rate=%u queues=%u ring=%u maxlen=%u rx_batch_us=%u\n",
		  hz / 1000, top >> 20, l2_has_debug_exit() ? "yes" : "no",
		  opt.seconds, opt.rate, opt.queues, opt.ring, opt.maxlen,
		  opt.rx_batch_us);

	if (opt.fault) {
		/* the test of the exception path: read where nothing is mapped */
		l2_printf("vfmig-l2: fault=1: reading unmapped %#llx\n", 1ull << 40);
		(void)READ_ONCE(*(volatile u32 *)(unsigned long)(1ull << 40));
	}

	if (opt.selftest) {
		bool ok = l2_selftest();

		l2_printf("vfmig-l2: selftest %s: received=%llu dup=%llu reorder=%llu corrupt=%llu late=%llu lost=%llu max_lost_run=%llu\n",
			  ok ? "ok" : "FAIL", run.received, run.dup, run.reorder,
			  run.corrupt, run.late, run.lost, run.max_run);
		l2_exit(ok ? L2_EXIT_PASS : L2_EXIT_FAIL);
	}

	pci_scan_bus(0, &vf, &found, 0);
	if (!found) {
		l2_printf("vfmig-l2: no VF (1234:11e8, 8086:154c, 8086:1889) on the PCI bus\n");
		l2_printf("vfmig-l2: result sent=0 received=0 state=NO_VF\n");
		l2_exit(L2_EXIT_NO_VF);
	}
	if (vf_enable(&vf))
		l2_exit(L2_EXIT_BOOT);
	bar0 = vf.bar0;
	l2_printf("vfmig-l2: VF %02x:%02x.%u %04x:%04x BAR0 %#llx reads %#x\n",
		  vf.bus, vf.dev, vf.fn, vf.vendor, vf.device, bar0,
		  mmio_read32(bar0));

	cfg.num_queue_pairs = (u16)opt.queues;
	cfg.ring_len = (u16)opt.ring;
	cfg.rx_buf_size = L2_RX_BUF;
	cfg.max_tx_bufs = 1;
	cfg.use_irq = false;
	size = vfmig_guest_mem_size(&cfg);
	env.ram = (u8 *)(unsigned long)L2_RAM_ALIAS;
	env.ram_size = top;
	env.bar0_read = bar0_read;
	env.bar0_write = bar0_write;
	env.now_ns = l2_now_ns();
	if (!size || L2_DRIVER_GPA + size > top) {
		l2_printf("vfmig-l2: the driver needs %llu bytes at %#x; RAM ends at %#llx\n",
			  size, L2_DRIVER_GPA, top);
		l2_exit(L2_EXIT_BOOT);
	}
	err = vfmig_guest_init(&env, L2_DRIVER_GPA, &cfg);
	if (err) {
		l2_printf("vfmig-l2: vfmig_guest_init: %d\n", err);
		l2_exit(L2_EXIT_BOOT);
	}

	/* bring-up: the driver gives up by itself (10 s per reset wait) */
	prev = VFMIG_GUEST_RESET_WAIT;
	for (;;) {
		now = l2_now_ns();
		st = poll_driver(now);
		if (st != prev) {
			l2_printf("vfmig-l2: driver %s at %llu ms\n", state_name(st),
				  now / MS);
			prev = st;
		}
		if (st == VFMIG_GUEST_RUNNING)
			break;
		if (st == VFMIG_GUEST_FAILED || now > 60 * SEC) {
			struct vfmig_guest_stats gs = { 0 };

			vfmig_guest_stats(&env, L2_DRIVER_GPA, &gs);
			l2_printf("vfmig-l2: VF did not come up (state %s, error %d)\n",
				  state_name(st), gs.last_error);
			l2_printf("vfmig-l2: result sent=0 received=0 state=%s\n",
				  state_name(st));
			l2_exit(L2_EXIT_VF_DOWN);
		}
	}
	vfmig_guest_mac(&env, L2_DRIVER_GPA, run.mac);
	n = vfmig_guest_num_queues(&env, L2_DRIVER_GPA);
	if (n < 1)
		n = 1;
	l2_printf("vfmig-l2: running: mac %02x:%02x:%02x:%02x:%02x:%02x, %d queue pairs; sending to the reflector\n",
		  run.mac[0], run.mac[1], run.mac[2], run.mac[3], run.mac[4],
		  run.mac[5], n);

	interval = SEC / opt.rate;
	t_run = l2_now_ns();
	next_tx = t_run;
	next_poll = t_run;
	next_rx = t_run;
	next_progress = t_run + (u64)opt.progress * SEC;
	end_tx = t_run + (u64)opt.seconds * SEC;
	for (;;) {
		now = l2_now_ns();
		if (now >= next_poll || st != VFMIG_GUEST_RUNNING) {
			st = poll_driver(now);
			next_poll = now + (u64)opt.poll_us * 1000;
			if (st != prev) {
				l2_printf("vfmig-l2: driver %s at %llu ms\n",
					  state_name(st), now / MS);
				if (st != VFMIG_GUEST_RUNNING && prev == VFMIG_GUEST_RUNNING)
					run.down_since = now;
				if (st == VFMIG_GUEST_RUNNING) {
					run.down_ns += now - run.down_since;
					/* a reset may bring another MAC, fewer queues */
					vfmig_guest_mac(&env, L2_DRIVER_GPA, run.mac);
					n = vfmig_guest_num_queues(&env, L2_DRIVER_GPA);
					if (n < 1)
						n = 1;
				}
				prev = st;
			}
		}
		env.now_ns = now;
		if (sending && now >= end_tx) {
			sending = false;
			l2_printf("vfmig-l2: sending done at %llu ms; draining\n",
				  now / MS);
		}
		/* send what is due; never a burst to catch up after a stall */
		while (sending && st == VFMIG_GUEST_RUNNING && next_tx <= now &&
		       run.next_seq < U32_MAX) {
			u64 seq = run.next_seq;
			u16 tq = (u16)(seq % (u64)n);
			u32 len = frame_make(seq, tq);

			err = vfmig_guest_xmit(&env, L2_DRIVER_GPA, tq, txf, len);
			if (err) {
				if (err == -EBUSY)
					run.tx_busy++;
				break;
			}
			sent_ns[seq % L2_WIN] = now;
			rx_seen[seq % L2_WIN / 64] &= ~BIT_ULL(seq % 64);
			run.next_seq++;
			run.sent++;
			next_tx += interval;
		}
		if (now > next_tx + 100 * MS)
			next_tx = now;
		if (now >= next_rx) {
			for (q = 0; q < n; q++)
				rx_drain(q, now);
			next_rx = now + (u64)opt.rx_batch_us * 1000;
		}
		judge(now, false);
		if (opt.progress && now >= next_progress) {
			report("progress", now - t_run, st);
			next_progress += (u64)opt.progress * SEC;
		}
		if (!sending && (run.judged == run.next_seq ||
				 now >= end_tx + (u64)opt.lost_ms * MS + SEC))
			break;
	}
	/* retire the last TX completions, so txdone can equal sent */
	now = l2_now_ns();
	st = poll_driver(now);
	judge(now, true);
	if (st != VFMIG_GUEST_RUNNING)
		run.down_ns += now - run.down_since;
	report("result", now - t_run, st);
	l2_exit(!run.corrupt && !run.dup && run.received &&
		st == VFMIG_GUEST_RUNNING ? L2_EXIT_PASS : L2_EXIT_FAIL);
}
