// SPDX-License-Identifier: GPL-2.0-only
/*
 * Throughput of the X710 model alone on one core: VF 0 sends 64-byte and
 * 1514-byte frames to VF 1 through the PF's internal switch (TX descriptor
 * fetch, buffer DMA, switch, RX filter and RSS, RX DMA and write-back), and
 * to the port (TX to the port queue, pulled by the embedder). The queues
 * are programmed through the PF operations (no virtchnl), rings are
 * recycled by a minimal driver loop, no interrupts. Prints frames/s; asserts
 * nothing about speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfmig/model.h>
#include <vfmig/pf_hw.h>
#include <vfmig/x710_regs.h>
#include <vfmig/x710_txrx.h>

#define RAM	(8u << 20)
#define RING	512
#define TXR	0x10000ull
#define RXR	0x20000ull
#define TXB(i)	(0x100000ull + (u64)(i) * 2048)
#define RXB(i)	(0x300000ull + (u64)(i) * 2048)

struct vm {
	u8 *ram;
	u16 tx_ntu, tx_clean, rx_tail, rx_ntc;
};

static int b_read(void *ctx, u64 iova, void *buf, u32 len)
{
	struct vm *m = ctx;

	if (iova > RAM || len > RAM - iova)
		return -EFAULT;
	memcpy(buf, m->ram + iova, len);
	return 0;
}

static int b_write(void *ctx, u64 iova, const void *buf, u32 len)
{
	struct vm *m = ctx;

	if (iova > RAM || len > RAM - iova)
		return -EFAULT;
	memcpy(m->ram + iova, buf, len);
	return 0;
}

static int setup_vf(struct vfmig_model_pf *pf, u16 vf, struct vm *m)
{
	const struct vfmig_pf_hw_ops *hw = &vfmig_model_pf_hw_ops;
	struct vfmig_model_vf_ops ops = {
		.dma_read = b_read, .dma_write = b_write, .ctx = m,
	};
	struct vfmig_hmc_txq tx = { .base = TXR / 128, .qlen = RING };
	struct vfmig_hmc_rxq rx = {
		.base = RXR / 128, .qlen = RING, .dbuff = 2048 >> 7, .dsize = 1,
		.crcstrip = 1, .l2tsel = 1, .prefena = 1, .rxmax = 9728,
	};
	u16 i;

	m->ram = calloc(1, RAM);
	if (!m->ram || vfmig_model_vf_attach(pf, vf, &ops) ||
	    hw->txq_ctx_write(pf, vf, 0, &tx) || hw->rxq_ctx_write(pf, vf, 0, &rx) ||
	    hw->queue_enable(pf, vf, 0, false, true, 1000) ||
	    hw->queue_enable(pf, vf, 0, true, true, 1000))
		return -1;
	for (i = 0; i < RING; i++)
		vfmig_put_le64(m->ram + RXR + (u64)i * 32, RXB(i));
	m->rx_tail = RING - 1;
	vfmig_model_vf_write32(pf, vf, VFMIG_QRX_TAIL1(0), m->rx_tail);
	return 0;
}

static void tx_burst(struct vfmig_model_pf *pf, struct vm *m, const u8 *f,
		     u32 len, u16 n)
{
	u16 i;

	for (i = 0; i < n; i++) {
		u64 d = TXR + (u64)m->tx_ntu * 16;

		memcpy(m->ram + TXB(m->tx_ntu), f, len);
		vfmig_put_le64(m->ram + d, TXB(m->tx_ntu));
		vfmig_put_le64(m->ram + d + 8, vfmig_tx_build_qw1(
			VFMIG_TX_DESC_CMD_EOP | VFMIG_TX_DESC_CMD_RS |
			VFMIG_TX_DESC_CMD_ICRC, 0, len, 0));
		m->tx_ntu = (m->tx_ntu + 1) % RING;
	}
	vfmig_model_vf_write32(pf, 0, VFMIG_QTX_TAIL1(0), m->tx_ntu);
}

/* Reap RX write-backs and give the buffers back, as a NAPI poll would. */
static u32 rx_reap(struct vfmig_model_pf *pf, u16 vf, struct vm *m)
{
	u32 n = 0;

	for (;;) {
		u8 *d = m->ram + RXR + (u64)m->rx_ntc * 32;

		if (!(vfmig_get_le64(d + 8) & VFMIG_RX_STATUS_DD))
			break;
		vfmig_put_le64(d, RXB(m->rx_ntc));
		vfmig_put_le64(d + 8, 0);
		m->rx_ntc = (m->rx_ntc + 1) % RING;
		n++;
	}
	if (n) {
		m->rx_tail = (m->rx_tail + n) % RING;
		vfmig_model_vf_write32(pf, vf, VFMIG_QRX_TAIL1(0), m->rx_tail);
	}
	return n;
}

static void run(const char *what, u32 len, bool to_port)
{
	struct vfmig_model_cfg cfg;
	struct vfmig_model_pf *pf;
	struct vm a = { 0 }, b = { 0 };
	u8 f[2048], out[2048], dst[6];
	u64 t0, t1, frames = 0, now = 0;
	u32 i;

	vfmig_model_cfg_default(&cfg);
	cfg.num_vfs = 2;
	pf = vfmig_model_pf_new(&cfg);
	if (IS_ERR(pf) || setup_vf(pf, 0, &a) || setup_vf(pf, 1, &b)) {
		printf("%s: setup failed\n", what);
		exit(1);
	}
	now = vfmig_model_now(pf);
	vfmig_model_vf_get_mac(pf, to_port ? 0 : 1, dst);
	if (to_port)
		dst[5] ^= 0x80;		/* nobody inside the PF */
	memset(f, 0x5a, sizeof(f));
	memcpy(f, dst, 6);
	vfmig_model_vf_get_mac(pf, 0, f + 6);
	t0 = vfmig_time_ns();
	for (i = 0; i < 20000; i++) {
		tx_burst(pf, &a, f, len, 32);
		now += 1000;
		vfmig_model_poll(pf, now, 64);
		if (to_port)
			while (vfmig_model_port_tx_pull(pf, out, sizeof(out)) > 0)
				frames++;
		else
			frames += rx_reap(pf, 1, &b);
	}
	t1 = vfmig_time_ns();
	printf("%-28s %8llu frames  %7.2f Mframes/s  %6.0f ns/frame\n", what,
	       (unsigned long long)frames, frames * 1e3 / (double)(t1 - t0),
	       (double)(t1 - t0) / (double)(frames ? frames : 1));
	vfmig_model_pf_free(pf);
	free(a.ram);
	free(b.ram);
}

int main(void)
{
	run("VF->VF 64 B (switch+RX)", 64, false);
	run("VF->VF 1514 B (switch+RX)", 1514, false);
	run("VF->port 64 B", 64, true);
	run("VF->port 1514 B", 1514, true);
	return 0;
}
