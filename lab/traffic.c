// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traffic: test frames, the guest application and the peer (traffic.h).
 */
#include "traffic.h"

#define OFF_IP		14
#define OFF_UDP		34
#define OFF_PAY		42
#define PAY_HDR		20	/* magic 4, dir 1, flow 1, rsvd 2, seq 8, len 4 */
#define UDP_DPORT	5201

static u64 mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static u64 frame_salt;

void lab_traffic_set_salt(u64 salt)
{
	frame_salt = mix64(salt);
}

u32 lab_frame_len(u64 seq, u8 dir)
{
	return LAB_FRAME_MIN +
	       (u32)(mix64((seq * 2 + (dir == LAB_DIR_RX)) ^ frame_salt) %
		     (LAB_FRAME_MAX - LAB_FRAME_MIN + 1));
}

static void put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void put_be32(u8 *p, u32 v)
{
	put_be16(p, (u16)(v >> 16));
	put_be16(p + 2, (u16)v);
}

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u16 ip_csum(const u8 *h, u32 len)
{
	u32 s = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		s += get_be16(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u16)~s;
}

static u8 fill(u64 seq, u8 dir, u32 i)
{
	return (u8)(seq * 31 + i * 7 + dir + (i >> 8));
}

void lab_frame_build(u8 *f, u32 len, const u8 *dst, const u8 *src, u32 sip,
		     u32 dip, u8 dir, u64 seq)
{
	u8 flow = (u8)(seq % LAB_NFLOWS);
	u32 i, crc;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put_be16(f + 12, 0x0800);
	/* IPv4 */
	memset(f + OFF_IP, 0, 20);
	f[OFF_IP] = 0x45;
	put_be16(f + OFF_IP + 2, (u16)(len - OFF_IP));
	put_be16(f + OFF_IP + 4, (u16)seq);
	put_be16(f + OFF_IP + 6, 0x4000);	/* DF */
	f[OFF_IP + 8] = 64;
	f[OFF_IP + 9] = 17;
	put_be32(f + OFF_IP + 12, sip);
	put_be32(f + OFF_IP + 16, dip);
	put_be16(f + OFF_IP + 10, ip_csum(f + OFF_IP, 20));
	/* UDP, no checksum (the payload has its own) */
	put_be16(f + OFF_UDP, (u16)(40000 + flow));
	put_be16(f + OFF_UDP + 2, UDP_DPORT);
	put_be16(f + OFF_UDP + 4, (u16)(len - OFF_UDP));
	put_be16(f + OFF_UDP + 6, 0);
	/* payload */
	memcpy(f + OFF_PAY, "VFMG", 4);
	f[OFF_PAY + 4] = dir;
	f[OFF_PAY + 5] = flow;
	f[OFF_PAY + 6] = 0;
	f[OFF_PAY + 7] = 0;
	vfmig_put_le64(f + OFF_PAY + 8, seq);
	vfmig_put_le32(f + OFF_PAY + 16, len);
	for (i = OFF_PAY + PAY_HDR; i < len - 4; i++)
		f[i] = fill(seq, dir, i);
	crc = vfmig_crc32c(0, f, len - 4);
	vfmig_put_le32(f + len - 4, crc);
}

enum lab_frame_verdict lab_frame_check(const u8 *f, u32 len, u8 dir, u64 *seq)
{
	if (len < OFF_PAY + 4 || get_be16(f + 12) != 0x0800 ||
	    f[OFF_IP + 9] != 17 || get_be16(f + OFF_UDP + 2) != UDP_DPORT ||
	    memcmp(f + OFF_PAY, "VFMG", 4))
		return LAB_FRAME_OTHER;
	if (len < LAB_FRAME_MIN || f[OFF_PAY + 4] != dir ||
	    vfmig_get_le32(f + OFF_PAY + 16) != len ||
	    vfmig_crc32c(0, f, len - 4) != vfmig_get_le32(f + len - 4))
		return LAB_FRAME_CORRUPT;
	*seq = vfmig_get_le64(f + OFF_PAY + 8);
	if (lab_frame_len(*seq, dir) != len)
		return LAB_FRAME_CORRUPT;
	return LAB_FRAME_OK;
}

u32 lab_frame_rarp(u8 *f, const u8 *mac)
{
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	put_be16(f + 12, 0x8035);
	put_be16(f + 14, 1);		/* Ethernet */
	put_be16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put_be16(f + 20, 3);		/* reverse request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 32, mac, 6);
	return 60;
}

/* ---- the guest application ------------------------------------------------ */

static struct lab_app_state *app(const struct vfmig_guest_env *env)
{
	return (struct lab_app_state *)(env->ram + LAB_APP_GPA);
}

int lab_app_init(const struct vfmig_guest_env *env, const struct lab_app_cfg *cfg)
{
	struct lab_app_state *a = app(env);

	if (env->ram_size < LAB_APP_FRAME_GPA + LAB_FRAME_BUF)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->magic = LAB_APP_MAGIC;
	a->cfg = *cfg;
	a->rng = cfg->seed ^ 0x5bd1e995ULL;
	a->tx_next_ns = cfg->tx_start_ns;
	a->dirty_next_ns = cfg->tx_start_ns;
	a->announce_left = 1;		/* a guest announces itself at boot */
	a->announce_next_ns = env->now_ns;
	return 0;
}

void lab_app_read(const struct vfmig_guest_env *env, struct lab_app_state *st)
{
	memcpy(st, app(env), sizeof(*st));
}

void lab_app_request_announce(u8 *ram_cpu, u32 count, u64 now)
{
	struct lab_app_state *a = (struct lab_app_state *)(ram_cpu + LAB_APP_GPA);

	a->announce_left = count;
	a->announce_next_ns = now;
}

static void app_rx(const struct vfmig_guest_env *env, u64 drv_gpa, u16 nq,
		   lab_app_rx_probe probe, void *pctx)
{
	struct lab_app_state *a = app(env);
	u8 buf[LAB_FRAME_BUF + 64];
	u8 dir = a->cfg.rx_dir ? a->cfg.rx_dir : LAB_DIR_RX;
	u64 seq = 0;
	u16 q;
	int n;

	for (q = 0; q < nq; q++) {
		while ((n = vfmig_guest_recv(env, drv_gpa, q, buf, sizeof(buf))) > 0) {
			enum lab_frame_verdict v;

			/*
			 * A reflector sent it back with the MACs swapped: swap
			 * them back, so the checksum covers every byte as sent
			 * (a reflector that did anything else shows as corrupt).
			 */
			if (dir == LAB_DIR_TX && n >= 12) {
				u8 t[6];

				memcpy(t, buf, 6);
				memcpy(buf, buf + 6, 6);
				memcpy(buf + 6, t, 6);
			}
			v = lab_frame_check(buf, (u32)n, dir, &seq);
			switch (v) {
			case LAB_FRAME_OK:
				a->rx_frames++;
				a->rx_seq_sum += seq;
				break;
			case LAB_FRAME_CORRUPT:
				a->rx_corrupt++;
				break;
			default:
				a->rx_other++;
				break;
			}
			if (probe && v != LAB_FRAME_OTHER)
				probe(pctx, seq, v);
		}
	}
}

static void app_tx(const struct vfmig_guest_env *env, u64 drv_gpa, u16 nq)
{
	struct lab_app_state *a = app(env);
	const struct lab_app_cfg *c = &a->cfg;
	u8 *f = env->ram + LAB_APP_FRAME_GPA;
	u64 period, now = env->now_ns;
	u32 burst = 0, len;

	if (!c->tx_pps || now < c->tx_start_ns)
		return;
	period = 1000000000ULL / c->tx_pps;
	if (!period)
		period = 1;
	/* a rate limiter that does not bank more than 1 ms of credit */
	if (a->tx_next_ns + 1000000 < now)
		a->tx_next_ns = now - 1000000;
	while (a->tx_next_ns <= now && a->tx_next_ns < c->tx_stop_ns &&
	       burst < 256) {
		len = lab_frame_len(a->tx_seq, LAB_DIR_TX);
		lab_frame_build(f, len, c->peer_mac, c->mac, c->ip, c->peer_ip,
				LAB_DIR_TX, a->tx_seq);
		if (vfmig_guest_xmit(env, drv_gpa, (u16)(a->tx_seq % nq), f, len)) {
			a->tx_busy++;
			return;
		}
		a->tx_seq++;
		a->tx_next_ns += period;
		burst++;
	}
}

static void app_announce(const struct vfmig_guest_env *env, u64 drv_gpa)
{
	struct lab_app_state *a = app(env);
	u8 *f = env->ram + LAB_APP_FRAME_GPA;
	u32 len;

	if (!a->announce_left || env->now_ns < a->announce_next_ns)
		return;
	len = lab_frame_rarp(f, a->cfg.mac);
	if (vfmig_guest_xmit(env, drv_gpa, 0, f, len))
		return;
	a->announces++;
	a->announce_left--;
	/* QEMU's announce: 50 ms apart, growing; shortened for the lab */
	a->announce_next_ns = env->now_ns + 1000000ULL * (a->announces % 8 + 1);
}

static void app_dirty(const struct vfmig_guest_env *env)
{
	struct lab_app_state *a = app(env);
	const struct lab_app_cfg *c = &a->cfg;
	u64 period, now = env->now_ns, pg, off;
	u32 burst = 0;

	if (!c->dirty_pps || !c->work_pages || now < c->tx_start_ns)
		return;
	period = 1000000000ULL / c->dirty_pps;
	if (!period)
		period = 1;
	if (a->dirty_next_ns + 1000000 < now)
		a->dirty_next_ns = now - 1000000;
	while (a->dirty_next_ns <= now && a->dirty_next_ns < c->tx_stop_ns &&
	       burst < 1024) {
		u64 r = lab_rand(&a->rng);

		/* half the writes hit a hot set of 64 pages, half anywhere */
		if (r & 1)
			pg = (r >> 1) % min_t(u64, 64, c->work_pages);
		else
			pg = (r >> 1) % c->work_pages;
		pg += c->work_first_page;
		off = ((r >> 40) % (LAB_PAGE_SIZE / 8)) * 8;
		a->dirty_writes++;
		memcpy(env->ram + (pg << LAB_PAGE_SHIFT) + off, &a->dirty_writes, 8);
		a->dirty_next_ns += period;
		burst++;
	}
}

void lab_app_run(const struct vfmig_guest_env *env, u64 drv_gpa, u16 nq,
		 lab_app_rx_probe probe, void *probe_ctx)
{
	if (app(env)->magic != LAB_APP_MAGIC || !nq)
		return;
	app_rx(env, drv_gpa, nq, probe, probe_ctx);
	app_announce(env, drv_gpa);
	app_tx(env, drv_gpa, nq);
	app_dirty(env);
}

/* ---- the peer ------------------------------------------------------------- */

void lab_peer_init(struct lab_peer *p, struct lab_fabric *fab, int port)
{
	memset(p, 0, sizeof(*p));
	p->fab = fab;
	p->port = port;
}

void lab_peer_tick(struct lab_peer *p, u64 now, u32 max_burst)
{
	u64 period;
	u32 n = 0, len;

	if (!p->rate_pps || now < p->start_ns)
		return;
	period = 1000000000ULL / p->rate_pps;
	if (!period)
		period = 1;
	while (n < max_burst) {
		u64 due = p->start_ns + p->tx_seq * period;

		if (due > now || due >= p->stop_ns)
			break;
		len = lab_frame_len(p->tx_seq, LAB_DIR_RX);
		lab_frame_build(p->buf, len, p->guest_mac, p->mac, p->ip,
				p->guest_ip, LAB_DIR_RX, p->tx_seq);
		lab_u64s_set(&p->sent_ns, p->tx_seq, now);
		p->tx_seq++;
		n++;
		lab_fabric_input(p->fab, p->port, p->buf, len);
	}
}

void lab_peer_rx(void *ctx, const u8 *frame, u32 len)
{
	struct lab_peer *p = ctx;
	u64 seq = 0;

	switch (lab_frame_check(frame, len, LAB_DIR_TX, &seq)) {
	case LAB_FRAME_OK:
		p->rx_frames++;
		if (lab_counts_get(&p->seen, seq))
			p->rx_dups++;
		lab_counts_inc(&p->seen, seq);
		p->last_rx_ns = p->fab->now;
		break;
	case LAB_FRAME_CORRUPT:
		p->rx_corrupt++;
		break;
	default:
		p->rx_other++;
		break;
	}
}
