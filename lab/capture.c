// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-lab capture: the peer side's view of the VM's traffic (libpcap).
 *
 * Runs in the fabric namespace on the bridge ports of the hosts (normally
 * portA and portB): every frame the VM sends crosses exactly one of them.
 * Headers only (snaplen 128). At SIGTERM/SIGINT it writes a JSON summary:
 *
 *   - per interface: frames and bytes from and to the guest, first and
 *     last frame from the guest (a frame from the guest on the destination's
 *     port is traffic after the switchover);
 *   - the blackout: the longest gap between two frames sent by the guest's
 *     MAC (anything: TCP, ARP, the RARP of the announce) while its main
 *     flow ran, and the longest gap within that flow alone (the stall TCP
 *     saw: the blackout plus its own recovery);
 *   - per TCP flow of the measured service (--port): segments, payload,
 *     first and last payload, retransmissions (a segment that ends at or
 *     before the highest sequence already seen in its direction; a copy of
 *     the previous segment on another port within 2 ms is a bridge flood,
 *     not a retransmission);
 *   - payload bytes per --bin-ms bin in each direction (the wire's
 *     throughput, for the plot).
 *
 * Times are CLOCK_REALTIME ns (the kernel's capture timestamps).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"
#include "json.h"
#include "lab.h"

#ifndef LAB_NO_PCAP
#include <pcap/pcap.h>
#endif

#define MAX_IFACES	4
#define MAX_FLOWS	64
#define MAX_TS		(64u << 20)
#define FLOOD_NS	2000000ULL

static const char *sub = "capture";

static const char capture_help[] =
"usage: vfmig-lab capture --iface NAME [--iface NAME...] --json FILE [options]\n"
"\n"
"Capture frame headers (libpcap) on the given interfaces of this network\n"
"namespace until SIGTERM or SIGINT, then write what the VM's traffic looked\n"
"like from the peer's side: frames per port, the blackout (longest gap in\n"
"the frames the guest sent), TCP retransmissions, throughput per bin.\n"
"Started by scripts/demo.sh in the fabric namespace.\n"
"\n"
"  --iface NAME[:in|:out]  an interface to capture on, frames it receives\n"
"                     (in), sends (out) or both (up to 4; the demo: the\n"
"                     hosts' ports on the bridge, in, and the bridge, out)\n"
"  --guest-ip A.B.C.D the VM's address (default 198.18.0.2)\n"
"  --port N           the measured service's TCP port (default 5201, iperf3)\n"
"  --bin-ms N         throughput bin (default 100)\n"
"  --json FILE        the summary\n"
"  --ready FILE       written once every interface captures\n"
"\n"
"exit: 0 written; 2 usage error; 3 capture failed.\n";

struct flow {
	u32 sip, dip;
	u16 sport, dport;
	bool from_guest;
	u64 segs, payload_segs, payload_bytes;
	u64 syn_ns, first_ns, last_ns, first_payload_ns, last_payload_ns;
	bool have_max;
	u32 max_end;
	u64 retrans;
	u32 last_seq, last_len;
	u64 last_seg_ns;
	int last_iface;
	/* the longest gap between two frames of this flow */
	u64 gap_ns, gap_start_ns;
};

struct iface {
	const char *name;
	char dev[32];
	int dir;		/* 0 both, 1 in, 2 out */
#ifndef LAB_NO_PCAP
	pcap_t *p;
#endif
	u64 from_guest, from_guest_bytes, to_guest, to_guest_bytes, other;
	u64 first_from_guest_ns, last_from_guest_ns;
	u64 ps_recv, ps_drop, ps_ifdrop;
};

struct cap {
	struct iface ifs[MAX_IFACES];
	int nifs;
	u32 guest_ip;
	u16 port;
	u64 bin_ns;
	const char *json, *ready;
	bool have_mac;
	u8 guest_mac[6];
	struct flow flows[MAX_FLOWS];
	int nflows;
	u64 flows_dropped;
	u64 *ts;		/* every frame the guest's MAC sent */
	u64 nts, capts;
	u64 ts_lost;
	u64 t0;			/* first frame seen */
	u64 *bins[2];		/* payload bytes: [0] guest->peer, [1] peer->guest */
	u64 nbins, capbins;
	u64 frames;
};

static volatile sig_atomic_t cap_stop;

static void cap_signal(int sig)
{
	(void)sig;
	cap_stop = 1;
}

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static struct flow *flow_get(struct cap *c, u32 sip, u16 sport, u32 dip, u16 dport)
{
	struct flow *f;
	int i;

	for (i = 0; i < c->nflows; i++) {
		f = &c->flows[i];
		if (f->sip == sip && f->dip == dip && f->sport == sport && f->dport == dport)
			return f;
	}
	if (c->nflows >= MAX_FLOWS) {
		c->flows_dropped++;
		return NULL;
	}
	f = &c->flows[c->nflows++];
	memset(f, 0, sizeof(*f));
	f->sip = sip;
	f->dip = dip;
	f->sport = sport;
	f->dport = dport;
	f->from_guest = sip == c->guest_ip;
	f->last_iface = -1;
	return f;
}

static void bin_add(struct cap *c, u64 ts, int dir, u64 bytes)
{
	u64 b;

	if (ts < c->t0)
		return;
	b = (ts - c->t0) / c->bin_ns;
	if (b >= 1000000)
		return;
	if (b >= c->capbins) {
		u64 ncap = c->capbins ? c->capbins : 1024;
		int d;

		while (ncap <= b)
			ncap *= 2;
		for (d = 0; d < 2; d++) {
			c->bins[d] = lab_realloc(c->bins[d], ncap * sizeof(u64));
			memset(c->bins[d] + c->capbins, 0, (ncap - c->capbins) * sizeof(u64));
		}
		c->capbins = ncap;
	}
	if (b >= c->nbins)
		c->nbins = b + 1;
	c->bins[dir][b] += bytes;
}

static void tcp_seg(struct cap *c, int ifi, u64 ts, u32 sip, u32 dip,
		    const u8 *t, u32 tcplen_avail, u32 seglen)
{
	u16 sport = be16(t), dport = be16(t + 2);
	u32 seq = be32(t + 4), off = (u32)(t[12] >> 4) * 4, payload, end;
	u8 flags = t[13];
	struct flow *f;

	if (sport != c->port && dport != c->port)
		return;
	if (off < 20 || seglen < off)
		return;
	(void)tcplen_avail;
	f = flow_get(c, sip, sport, dip, dport);
	if (!f)
		return;
	payload = seglen - off;
	if (f->segs && ts > f->last_ns && ts - f->last_ns > f->gap_ns) {
		f->gap_ns = ts - f->last_ns;
		f->gap_start_ns = f->last_ns;
	}
	f->segs++;
	if (!f->first_ns)
		f->first_ns = ts;
	f->last_ns = ts;
	if ((flags & 0x02) && !f->syn_ns)	/* SYN */
		f->syn_ns = ts;
	if (!payload)
		return;
	/* a bridge flood puts the same segment on two ports: count it once */
	if (f->last_len == payload && f->last_seq == seq && f->last_iface != ifi &&
	    ts - f->last_seg_ns < FLOOD_NS)
		return;
	f->payload_segs++;
	f->payload_bytes += payload;
	if (!f->first_payload_ns)
		f->first_payload_ns = ts;
	f->last_payload_ns = ts;
	end = seq + payload;
	if (f->have_max && (s32)(end - f->max_end) <= 0)
		f->retrans++;
	else {
		f->max_end = end;
		f->have_max = true;
	}
	f->last_seq = seq;
	f->last_len = payload;
	f->last_seg_ns = ts;
	f->last_iface = ifi;
	bin_add(c, ts, f->from_guest ? 0 : 1, payload);
}

static void frame(struct cap *c, int ifi, u64 ts, const u8 *p, u32 caplen, u32 len)
{
	struct iface *ifc = &c->ifs[ifi];
	u32 off = 14, ihl, tot, sip, dip;
	u16 et;
	bool from_guest, to_guest;

	c->frames++;
	if (!c->t0)
		c->t0 = ts;
	if (caplen < 14)
		return;
	et = be16(p + 12);
	if (et == 0x8100 && caplen >= 18) {
		et = be16(p + 16);
		off = 18;
	}
	if (!c->have_mac && et == 0x0800 && caplen >= off + 20 && be32(p + off + 12) == c->guest_ip) {
		memcpy(c->guest_mac, p + 6, 6);
		c->have_mac = true;
	}
	from_guest = c->have_mac && !memcmp(p + 6, c->guest_mac, 6);
	to_guest = c->have_mac && !memcmp(p, c->guest_mac, 6);
	if (from_guest) {
		ifc->from_guest++;
		ifc->from_guest_bytes += len;
		if (!ifc->first_from_guest_ns)
			ifc->first_from_guest_ns = ts;
		ifc->last_from_guest_ns = ts;
		if (c->nts < MAX_TS) {
			if (c->nts == c->capts) {
				c->capts = c->capts ? c->capts * 2 : 65536;
				c->ts = lab_realloc(c->ts, c->capts * sizeof(u64));
			}
			c->ts[c->nts++] = ts;
		} else {
			c->ts_lost++;
		}
	} else if (to_guest) {
		ifc->to_guest++;
		ifc->to_guest_bytes += len;
	} else {
		ifc->other++;
	}
	if (et != 0x0800 || caplen < off + 20)
		return;
	ihl = (u32)(p[off] & 0xf) * 4;
	tot = be16(p + off + 2);
	sip = be32(p + off + 12);
	dip = be32(p + off + 16);
	if (sip != c->guest_ip && dip != c->guest_ip)
		return;
	if (p[off + 9] != 6 || ihl < 20 || tot < ihl + 20 || caplen < off + ihl + 20)
		return;
	tcp_seg(c, ifi, ts, sip, dip, p + off + ihl, caplen - off - ihl, tot - ihl);
}

/* The flow that carried the most payload (iperf3's data connection). */
static const struct flow *main_flow(const struct cap *c)
{
	const struct flow *best = NULL;
	int i;

	for (i = 0; i < c->nflows; i++)
		if (!best || c->flows[i].payload_bytes > best->payload_bytes)
			best = &c->flows[i];
	return best;
}

static const struct flow *reverse_of(const struct cap *c, const struct flow *f)
{
	int i;

	for (i = 0; f && i < c->nflows; i++)
		if (c->flows[i].sip == f->dip && c->flows[i].dip == f->sip &&
		    c->flows[i].sport == f->dport && c->flows[i].dport == f->sport)
			return &c->flows[i];
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void ipstr(char *b, size_t n, u32 ip)
{
	snprintf(b, n, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static int write_summary(struct cap *c)
{
	const struct flow *mf = main_flow(c), *gf = NULL;
	u64 lo = 0, hi = 0, gap = 0, gap_start = 0, i, r_g2p = 0, r_p2g = 0;
	FILE *f = fopen(c->json, "w");
	char a[20], b[20];
	int k;

	if (!f) {
		fprintf(stderr, "vfmig-lab capture: cannot write %s: %s\n", c->json, strerror(errno));
		return LAB_EXIT_CHECK;
	}
	/* the guest's side of the main flow: its data, or its ACKs (-R) */
	if (mf)
		gf = mf->from_guest ? mf : reverse_of(c, mf);
	if (mf) {
		lo = mf->first_payload_ns;
		hi = mf->last_payload_ns;
	}
	/* frames from two interfaces arrive in two orders: sort once */
	qsort(c->ts, c->nts, sizeof(u64), cmp_u64);
	for (i = 1; i < c->nts; i++) {
		if (c->ts[i] < lo || c->ts[i - 1] > hi)
			continue;
		if (c->ts[i] - c->ts[i - 1] > gap) {
			gap = c->ts[i] - c->ts[i - 1];
			gap_start = c->ts[i - 1];
		}
	}
	for (k = 0; k < c->nflows; k++) {
		if (c->flows[k].from_guest)
			r_g2p += c->flows[k].retrans;
		else
			r_p2g += c->flows[k].retrans;
	}
	fprintf(f, "{\n  \"frames\": %llu,\n  \"guest_mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\",\n",
		(unsigned long long)c->frames, c->guest_mac[0], c->guest_mac[1],
		c->guest_mac[2], c->guest_mac[3], c->guest_mac[4], c->guest_mac[5]);
	fprintf(f, "  \"guest_frames\": %llu,\n  \"guest_frames_not_timed\": %llu,\n",
		(unsigned long long)c->nts, (unsigned long long)c->ts_lost);
	fprintf(f, "  \"blackout_ns\": %llu,\n  \"blackout_start_ns\": %llu,\n",
		(unsigned long long)gap, (unsigned long long)gap_start);
	fprintf(f, "  \"flow_gap_ns\": %llu,\n  \"flow_gap_start_ns\": %llu,\n",
		(unsigned long long)(gf ? gf->gap_ns : 0),
		(unsigned long long)(gf ? gf->gap_start_ns : 0));
	fprintf(f, "  \"retransmits_guest_to_peer\": %llu,\n  \"retransmits_peer_to_guest\": %llu,\n",
		(unsigned long long)r_g2p, (unsigned long long)r_p2g);
	fprintf(f, "  \"flows_not_tracked\": %llu,\n", (unsigned long long)c->flows_dropped);
	fprintf(f, "  \"main_flow\": %d,\n", mf ? (int)(mf - c->flows) : -1);
	fprintf(f, "  \"ifaces\": [");
	for (k = 0; k < c->nifs; k++) {
		const struct iface *x = &c->ifs[k];

		fprintf(f, "%s\n    {\"name\": ", k ? "," : "");
		lab_json_put_str(f, x->name);
		fprintf(f, ", \"from_guest\": %llu, \"from_guest_bytes\": %llu, \"to_guest\": %llu, \"to_guest_bytes\": %llu, \"other\": %llu, \"first_from_guest_ns\": %llu, \"last_from_guest_ns\": %llu, \"pcap_received\": %llu, \"pcap_dropped\": %llu, \"if_dropped\": %llu}",
			(unsigned long long)x->from_guest, (unsigned long long)x->from_guest_bytes,
			(unsigned long long)x->to_guest, (unsigned long long)x->to_guest_bytes,
			(unsigned long long)x->other,
			(unsigned long long)x->first_from_guest_ns,
			(unsigned long long)x->last_from_guest_ns,
			(unsigned long long)x->ps_recv, (unsigned long long)x->ps_drop,
			(unsigned long long)x->ps_ifdrop);
	}
	fprintf(f, "\n  ],\n  \"flows\": [");
	for (k = 0; k < c->nflows; k++) {
		const struct flow *x = &c->flows[k];

		ipstr(a, sizeof(a), x->sip);
		ipstr(b, sizeof(b), x->dip);
		fprintf(f, "%s\n    {\"src\": \"%s:%u\", \"dst\": \"%s:%u\", \"from_guest\": %s, \"segments\": %llu, \"payload_segments\": %llu, \"payload_bytes\": %llu, \"retransmits\": %llu, \"syn_ns\": %llu, \"first_payload_ns\": %llu, \"last_payload_ns\": %llu, \"gap_ns\": %llu, \"gap_start_ns\": %llu}",
			k ? "," : "", a, x->sport, b, x->dport, x->from_guest ? "true" : "false",
			(unsigned long long)x->segs, (unsigned long long)x->payload_segs,
			(unsigned long long)x->payload_bytes, (unsigned long long)x->retrans,
			(unsigned long long)x->syn_ns, (unsigned long long)x->first_payload_ns,
			(unsigned long long)x->last_payload_ns, (unsigned long long)x->gap_ns,
			(unsigned long long)x->gap_start_ns);
	}
	fprintf(f, "\n  ],\n  \"bin_ns\": %llu,\n  \"bins_start_ns\": %llu,\n  \"bins_guest_to_peer\": [",
		(unsigned long long)c->bin_ns, (unsigned long long)c->t0);
	for (i = 0; i < c->nbins; i++)
		fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)c->bins[0][i]);
	fprintf(f, "],\n  \"bins_peer_to_guest\": [");
	for (i = 0; i < c->nbins; i++)
		fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)c->bins[1][i]);
	fprintf(f, "]\n}\n");
	if (fclose(f)) {
		fprintf(stderr, "vfmig-lab capture: cannot write %s: %s\n", c->json, strerror(errno));
		return LAB_EXIT_CHECK;
	}
	return LAB_EXIT_OK;
}

#ifndef LAB_NO_PCAP
struct pkt_ctx {
	struct cap *c;
	int ifi;
};

static void on_packet(u8 *user, const struct pcap_pkthdr *h, const u8 *bytes)
{
	struct pkt_ctx *pc = (struct pkt_ctx *)user;
	/* ts: seconds + nanoseconds (PCAP_TSTAMP_PRECISION_NANO) */
	u64 ts = (u64)h->ts.tv_sec * 1000000000ULL + (u64)h->ts.tv_usec;

	frame(pc->c, pc->ifi, ts, bytes, h->caplen, h->len);
}

static int open_iface(struct iface *x, char *err)
{
	pcap_t *p = pcap_create(x->dev, err);

	if (!p)
		return -1;
	if (pcap_set_snaplen(p, 128) || pcap_set_promisc(p, 1) ||
	    pcap_set_timeout(p, 50) || pcap_set_buffer_size(p, 64 << 20) ||
	    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO)) {
		snprintf(err, PCAP_ERRBUF_SIZE, "cannot configure the capture");
		pcap_close(p);
		return -1;
	}
	if (pcap_activate(p) < 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	if (pcap_setnonblock(p, 1, err)) {
		pcap_close(p);
		return -1;
	}
	if (x->dir && pcap_setdirection(p, x->dir == 1 ? PCAP_D_IN : PCAP_D_OUT)) {
		snprintf(err, PCAP_ERRBUF_SIZE, "cannot select a direction: %s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	x->p = p;
	return 0;
}

static int run(struct cap *c)
{
	struct pollfd pfd[MAX_IFACES];
	char err[PCAP_ERRBUF_SIZE];
	int k, code;

	for (k = 0; k < c->nifs; k++) {
		if (open_iface(&c->ifs[k], err)) {
			fprintf(stderr, "vfmig-lab capture: %s: %s\n", c->ifs[k].name, err);
			return LAB_EXIT_CHECK;
		}
		pfd[k].fd = pcap_get_selectable_fd(c->ifs[k].p);
		pfd[k].events = POLLIN;
	}
	if (c->ready) {
		FILE *f = fopen(c->ready, "w");

		if (f)
			fclose(f);
	}
	for (;;) {
		bool last = cap_stop;

		for (k = 0; k < c->nifs; k++) {
			struct pkt_ctx pc = { c, k };

			while (pcap_dispatch(c->ifs[k].p, 4096, on_packet, (u8 *)&pc) > 0)
				;
		}
		if (last)
			break;
		poll(pfd, (nfds_t)c->nifs, 50);
	}
	for (k = 0; k < c->nifs; k++) {
		struct pcap_stat st;

		if (!pcap_stats(c->ifs[k].p, &st)) {
			c->ifs[k].ps_recv = st.ps_recv;
			c->ifs[k].ps_drop = st.ps_drop;
			c->ifs[k].ps_ifdrop = st.ps_ifdrop;
		}
		pcap_close(c->ifs[k].p);
	}
	code = write_summary(c);
	return code;
}
#else
/*
 * Without libpcap nothing feeds frame() or needs write_summary(); they
 * still compile (and are referenced here, so -Werror's unused-function
 * does not stop the LAB_NO_PCAP build the boot test links statically).
 */
static int run(struct cap *c)
{
	(void)c;
	(void)frame;
	(void)write_summary;
	fprintf(stderr, "vfmig-lab capture: built without libpcap (install libpcap-dev and rebuild: scripts/install-deps.sh)\n");
	return LAB_EXIT_CHECK;
}
#endif

int lab_capture_main(int argc, char **argv)
{
	struct cap *c = lab_zalloc(sizeof(*c));
	struct sigaction sa;
	int i, code;

	c->guest_ip = 0xc6120002u;
	c->port = 5201;
	c->bin_ns = 100000000ULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(capture_help, stdout);
			return LAB_EXIT_OK;
		}
		if (!v)
			lab_usage_error(sub, "%s needs a value", a);
		i++;
		if (!strcmp(a, "--iface")) {
			struct iface *x;
			const char *colon = strchr(v, ':');
			size_t l = colon ? (size_t)(colon - v) : strlen(v);

			if (c->nifs >= MAX_IFACES)
				lab_usage_error(sub, "at most %d interfaces", MAX_IFACES);
			x = &c->ifs[c->nifs++];
			x->name = v;
			if (!l || l >= sizeof(x->dev))
				lab_usage_error(sub, "--iface %s: bad interface name", v);
			memcpy(x->dev, v, l);
			if (!colon)
				x->dir = 0;
			else if (!strcmp(colon, ":in"))
				x->dir = 1;
			else if (!strcmp(colon, ":out"))
				x->dir = 2;
			else
				lab_usage_error(sub, "--iface %s: the direction is :in or :out", v);
		} else if (!strcmp(a, "--guest-ip")) {
			struct in_addr ia;

			if (inet_pton(AF_INET, v, &ia) != 1)
				lab_usage_error(sub, "--guest-ip %s is not an IPv4 address", v);
			c->guest_ip = ntohl(ia.s_addr);
		} else if (!strcmp(a, "--port")) {
			c->port = (u16)lab_parse_u64(sub, a, v, 1, 65535);
		} else if (!strcmp(a, "--bin-ms")) {
			c->bin_ns = lab_parse_u64(sub, a, v, 1, 10000) * 1000000ULL;
		} else if (!strcmp(a, "--json")) {
			c->json = v;
		} else if (!strcmp(a, "--ready")) {
			c->ready = v;
		} else {
			lab_usage_error(sub, "unknown option %s", a);
		}
	}
	if (!c->nifs)
		lab_usage_error(sub, "at least one --iface is needed");
	if (!c->json)
		lab_usage_error(sub, "--json FILE is required");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cap_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	code = run(c);
	free(c->ts);
	free(c->bins[0]);
	free(c->bins[1]);
	free(c);
	return code;
}
