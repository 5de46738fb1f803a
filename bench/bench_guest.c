// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_guest: packets per second through the guest AVF driver and the X710
 * model on one core (everything runs in this thread: driver xmit/recv/poll,
 * model poll, port wiring).
 *
 *   port:   VM A on PF 0 -> model TX -> PF 0 port -> PF 1 port -> model RX
 *           -> VM B on PF 1
 *   vf2vf:  VM A -> PF 0's internal switch -> VM B on the same PF
 *
 * Every received frame is checked (length, magic, sequence order per
 * stream); the payload CRC is checked on every 64th frame to keep the
 * checker out of the measurement. Prints a table and one JSON line.
 * Usage: bench_guest [frames-per-case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "harness.h"
#include "vmfix.h"

struct bench_case {
	const char *name;
	bool cross;		/* through the ports of two PFs */
	u32 len;
	u16 max_tx_bufs;
};

struct bench_res {
	double pps;
	double gbps;
	u64 frames;
	u64 bad;
	double ns_per_frame;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run_case(const struct bench_case *bc, u64 n, struct bench_res *res)
{
	struct vfmig_guest_cfg cfg;
	struct vmfix *fx = calloc(1, sizeof(*fx));
	struct vm *a, *b;
	u8 *f = malloc(VM_FRAME_MAX), *in = malloc(VM_FRAME_MAX);
	u8 maca[6], macb[6];
	u64 sent = 0, got = 0, bad = 0, guard = 0;
	double t0, t1;
	int r;

	if (!fx || !f || !in || fx_init(fx, bc->cross ? 2 : 1, NULL))
		return -1;
	vm_cfg_default(&cfg);
	cfg.ring_len = 512;
	cfg.max_tx_bufs = bc->max_tx_bufs;
	a = fx_add_vm(fx, 0, 0, 64, &cfg);
	b = fx_add_vm(fx, bc->cross ? 1 : 0, bc->cross ? 0 : 1, 64, &cfg);
	if (!a || !b || vm_start(a) || vm_start(b) ||
	    !fx_until_running(fx, 1000000))
		return -1;
	fx->port_mode = VM_PORT_CROSS;
	vm_mac(a, maca);
	vm_mac(b, macb);
	/* the frame template; only the sequence number and CRC change */
	vm_make_frame(f, bc->len, macb, maca, 1, 0);

	t0 = now_s();
	while (got < n && guard++ < 4 * n + 100000) {
		u32 burst = 0;

		while (sent < n && burst < 64) {
			vfmig_put_le32(f + 18, (u32)sent);
			if ((sent & 63) == 0)
				vfmig_put_le32(f + bc->len - 4,
					       vfmig_crc32c(0, f, bc->len - 4));
			r = vm_xmit(a, 0, f, bc->len);
			if (r)
				break;
			sent++;
			burst++;
		}
		fx_step(fx);
		while ((r = vm_recv(b, 0, in, VM_FRAME_MAX)) > 0) {
			u32 seq = vfmig_get_le32(in + 18);

			if ((u32)r != bc->len || memcmp(in + 14, "VFMG", 4) ||
			    seq != (u32)got ||
			    ((seq & 63) == 0 && !vm_check_frame(in, (u32)r, NULL, NULL)))
				bad++;
			got++;
		}
	}
	t1 = now_s();
	res->frames = got;
	res->bad = bad + (n - got);
	res->pps = (double)got / (t1 - t0);
	res->gbps = res->pps * bc->len * 8 / 1e9;
	res->ns_per_frame = (t1 - t0) * 1e9 / (double)(got ? got : 1);
	fx_free(fx);
	free(fx);
	free(f);
	free(in);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
		{ "vf2vf_64B", false, 64, 1 },
		{ "vf2vf_1514B", false, 1514, 1 },
		{ "vf2vf_1514B_4buf", false, 1514, 4 },
		{ "port_64B", true, 64, 1 },
		{ "port_1514B", true, 1514, 1 },
	};
	struct bench_res res[ARRAY_SIZE(cases)];
	u64 n = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
	size_t i;
	int fail = 0;

	printf("%-18s %10s %12s %9s %10s %6s\n", "case", "frames", "pps", "Gbit/s",
	       "ns/frame", "bad");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&res[i], 0, sizeof(res[i]));
		if (run_case(&cases[i], n, &res[i])) {
			printf("%-18s setup failed\n", cases[i].name);
			fail = 1;
			continue;
		}
		if (res[i].bad)
			fail = 1;
		printf("%-18s %10llu %12.0f %9.2f %10.0f %6llu\n", cases[i].name,
		       (unsigned long long)res[i].frames, res[i].pps, res[i].gbps,
		       res[i].ns_per_frame, (unsigned long long)res[i].bad);
	}
	printf("{\"bench\":\"guest\",\"frames_per_case\":%llu", (unsigned long long)n);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		printf(",\"%s_pps\":%.0f", cases[i].name, res[i].pps);
	printf(",\"ok\":%s}\n", fail ? "false" : "true");
	return fail;
}
