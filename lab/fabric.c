// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wire: a MAC-learning switch (fabric.h).
 */
#include "fabric.h"

int lab_fabric_add_port(struct lab_fabric *f, const char *name,
			lab_port_rx_fn rx, void *ctx)
{
	struct lab_fabric_port *p;

	if (f->nports >= LAB_FABRIC_MAX_PORTS)
		return -ENOSPC;
	p = &f->port[f->nports];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->rx = rx;
	p->ctx = ctx;
	return f->nports++;
}

static struct lab_fabric_mac *find(const struct lab_fabric *f, const u8 *mac)
{
	int i;

	for (i = 0; i < f->nmacs; i++)
		if (!memcmp(f->mac[i].mac, mac, 6))
			return (struct lab_fabric_mac *)&f->mac[i];
	return NULL;
}

static void learn(struct lab_fabric *f, int port, const u8 *src)
{
	struct lab_fabric_mac *m;

	if (src[0] & 1)		/* multicast source: never learned */
		return;
	m = find(f, src);
	if (!m) {
		if (f->nmacs >= LAB_FABRIC_MAX_MACS)
			return;
		m = &f->mac[f->nmacs++];
		memcpy(m->mac, src, 6);
		m->port = port;
		m->learned_ns = f->now;
		return;
	}
	if (m->port != port) {
		m->port = port;
		m->learned_ns = f->now;
		m->moves++;
	}
}

static void out(struct lab_fabric *f, int port, const u8 *frame, u32 len)
{
	struct lab_fabric_port *p = &f->port[port];

	p->frames_out++;
	if (p->rx)
		p->rx(p->ctx, frame, len);
}

void lab_fabric_input(struct lab_fabric *f, int port, const u8 *frame, u32 len)
{
	const struct lab_fabric_mac *m;
	u8 bad[2048];
	int i;

	if (port < 0 || port >= f->nports || len < 14)
		return;
	f->port[port].frames_in++;
	if (f->corrupt_every && len > 64 && len <= sizeof(bad) &&
	    f->port[port].frames_in % f->corrupt_every == 0) {
		memcpy(bad, frame, len);
		bad[len / 2] ^= 0x20;
		frame = bad;
		f->corrupted++;
	}
	learn(f, port, frame + 6);
	m = (frame[0] & 1) ? NULL : find(f, frame);
	if (m) {
		if (m->port != port)
			out(f, m->port, frame, len);
		return;
	}
	f->flooded++;
	for (i = 0; i < f->nports; i++)
		if (i != port)
			out(f, i, frame, len);
}

int lab_fabric_lookup(const struct lab_fabric *f, const u8 *mac, u64 *since)
{
	const struct lab_fabric_mac *m = find(f, mac);

	if (!m)
		return -1;
	if (since)
		*since = m->learned_ns;
	return m->port;
}
