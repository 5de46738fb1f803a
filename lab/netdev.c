// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's TAP-backed netdev (netdev.h).
 */
#include <errno.h>
#include <unistd.h>
#include "netdev.h"

#define NS_PER_MS	1000000ULL

static struct lab_netdev_state *nd(const struct vfmig_guest_env *env)
{
	return (struct lab_netdev_state *)(env->ram + LAB_APP_GPA);
}

int lab_netdev_init(const struct vfmig_guest_env *env, const u8 mac[6], u32 ip)
{
	struct lab_netdev_state *s = nd(env);

	if (env->ram_size < LAB_ND_FRAME_GPA + LAB_ND_FRAME_MAX ||
	    LAB_ND_FRAME_GPA + LAB_ND_FRAME_MAX > LAB_DRV_GPA)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->magic = LAB_ND_MAGIC;
	memcpy(s->mac, mac, 6);
	s->ip = ip;
	return 0;
}

void lab_netdev_read(const struct vfmig_guest_env *env, struct lab_netdev_state *st)
{
	memcpy(st, nd(env), sizeof(*st));
}

void lab_netdev_request_announce(u8 *ram_cpu, u32 rounds, u64 now)
{
	struct lab_netdev_state *s = (struct lab_netdev_state *)(ram_cpu + LAB_APP_GPA);

	s->announce_left = rounds;
	s->announce_next_ns = now;
	s->announces = 0;
}

/* iavf picks a TX queue per flow (skb hash): keep a TCP flow in order. */
static u16 pick_queue(const u8 *f, u32 len, u16 nq)
{
	u32 h = 0, ihl, i;

	if (nq <= 1 || len < 34 || f[12] != 0x08 || f[13] != 0x00)
		return 0;
	for (i = 26; i < 34; i++)		/* IPv4 source and destination */
		h = h * 31 + f[i];
	ihl = (u32)(f[14] & 0xf) * 4;
	if ((f[23] == 6 || f[23] == 17) && len >= 14 + ihl + 4)
		for (i = 14 + ihl; i < 14 + ihl + 4; i++)	/* ports */
			h = h * 31 + f[i];
	h ^= h >> 16;
	return (u16)(h % nq);
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static u32 build_garp(u8 *f, const u8 *mac, u32 ip)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[15] = 1;			/* Ethernet */
	f[16] = 0x08;			/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = 1;			/* request: sender = target = us */
	memcpy(f + 22, mac, 6);
	put_be32(f + 28, ip);
	put_be32(f + 38, ip);
	return 60;
}

static void announce(const struct vfmig_guest_env *env, u64 gpa)
{
	struct lab_netdev_state *s = nd(env);
	u8 f[60];
	u64 delay;

	if (!s->announce_left || env->now_ns < s->announce_next_ns)
		return;
	lab_frame_rarp(f, s->mac);
	if (vfmig_guest_xmit(env, gpa, 0, f, 60))
		return;		/* ring full: next slice */
	if (s->ip) {
		build_garp(f, s->mac, s->ip);
		vfmig_guest_xmit(env, gpa, 0, f, 60);
	}
	s->announces++;
	s->announce_left--;
	/* QEMU's announce defaults: initial 50 ms, step 100 ms, max 550 ms */
	delay = 50 + 100 * (s->announces - 1);
	s->announce_next_ns = env->now_ns + (delay > 550 ? 550 : delay) * NS_PER_MS;
}

void lab_netdev_run(struct lab_vm *vm, u64 now, void *ctx)
{
	const struct vfmig_guest_env *env = &vm->env;
	struct lab_netdev_io *io = ctx;
	struct lab_netdev_state *s = nd(env);
	u8 *pend = env->ram + LAB_ND_FRAME_GPA;
	u32 n;
	int len, ret;
	u16 q;

	if (s->magic != LAB_ND_MAGIC || !vm->nq)
		return;
	/* VF -> stack */
	for (q = 0; q < vm->nq; q++) {
		for (n = 0; n < io->budget; n++) {
			len = vfmig_guest_recv(env, LAB_DRV_GPA, q, io->buf, sizeof(io->buf));
			if (len <= 0)
				break;
			io->work++;
			s->rx_frames++;
			s->rx_bytes += (u64)len;
			if (write(io->tap_fd, io->buf, (size_t)len) != len) {
				s->rx_drops++;
				io->tap_write_errors++;
			}
		}
	}
	announce(env, LAB_DRV_GPA);
	/* stack -> VF: the frame kept from last time first */
	if (s->pending_len) {
		ret = vfmig_guest_xmit(env, LAB_DRV_GPA, s->pending_q % vm->nq, pend,
				       s->pending_len);
		if (ret == -EBUSY)
			return;
		if (ret) {
			s->tx_errors++;
		} else {
			s->tx_frames++;
			s->tx_bytes += s->pending_len;
		}
		s->pending_len = 0;
		io->work++;
	}
	if (!io->attached)
		return;
	for (n = 0; n < io->budget; n++) {
		ssize_t r = read(io->tap_fd, io->buf, sizeof(io->buf));

		if (r <= 0) {
			if (r < 0 && errno != EAGAIN && errno != EINTR)
				io->tap_read_errors++;
			break;
		}
		io->work++;
		if (r > LAB_ND_FRAME_MAX) {
			s->tx_errors++;
			continue;
		}
		q = pick_queue(io->buf, (u32)r, vm->nq);
		ret = vfmig_guest_xmit(env, LAB_DRV_GPA, q, io->buf, (u32)r);
		if (ret == -EBUSY) {
			/* the stack handed it over: keep it (in guest RAM) */
			s->tx_busy++;
			memcpy(pend, io->buf, (size_t)r);
			s->pending_len = (u32)r;
			s->pending_q = q;
			break;
		}
		if (ret) {
			s->tx_errors++;
			continue;
		}
		s->tx_frames++;
		s->tx_bytes += (u64)r;
	}
	(void)now;
}
