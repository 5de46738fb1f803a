// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-probe: a DPDK continuity probe (issue 8, dpdk-test/README.md).
 *
 *   vfmig-probe [EAL options] -- MODE [options]
 *
 * MODE tx sends sequence-numbered, timestamped UDP frames at a fixed rate;
 * reflect echoes them with MAC, IP and UDP addresses swapped; rx receives and
 * accounts; txrx is tx and rx (of the reflected frames) on one port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "account.h"

#define BURST		32
#define RING		1024
#define NB_MBUF		4095
#define HDRS_LEN	((uint32_t)(sizeof(struct rte_ether_hdr) + \
			 sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr)))

enum mode { M_TX, M_RX, M_REFLECT, M_TXRX };
static const char *const mode_names[] = { "tx", "rx", "reflect", "txrx" };

struct opts {
	enum mode mode;
	uint16_t port;
	uint32_t rate;
	uint64_t count;
	double seconds;
	bool seconds_set;
	uint32_t size;
	uint32_t run_id;
	struct rte_ether_addr dst_mac, src_mac;
	bool src_mac_set;
	uint32_t src_ip, dst_ip;	/* network order */
	uint16_t sport, dport;
	const char *json;
	uint64_t expect;
	uint32_t linger_ms;
	uint32_t end_copies;
	bool reflected;
	bool quiet;
};

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: vfmig-probe [EAL options] -- MODE [options]\n"
"\n"
"MODE\n"
"  tx        send sequence-numbered, timestamped UDP frames at --rate\n"
"  rx        receive and account (loss, reordering, duplicates, blackout)\n"
"  reflect   echo probe frames with MAC, IP and UDP addresses swapped\n"
"  txrx      tx and rx of the reflected frames on the same port\n"
"\n"
"options\n"
"  --port N          DPDK port id (default 0)\n"
"  --rate PPS        frames per second, a multiple of 10 (default 10000)\n"
"  --count N         tx: frames to send (default rate x --seconds)\n"
"  --seconds S       tx: send for S seconds (default 5 without --count);\n"
"                    rx, reflect: stop after S seconds (default: rx stops\n"
"                    --linger-ms after the END frame, reflect never)\n"
"  --size BYTES      frame size without FCS, %u..1514 (default 128)\n"
"  --run-id ID       tx: run id (default random); rx: accept only this run\n"
"                    (default: the run of the first valid frame)\n"
"  --dst-mac MAC     tx (default ff:ff:ff:ff:ff:ff)\n"
"  --src-mac MAC     tx (default the port's address)\n"
"  --src-ip A --dst-ip A   tx (default 198.18.0.1 -> 198.18.0.2)\n"
"  --sport P --dport P     tx; rx, reflect: the port to accept (default\n"
"                    --dport 9, --sport 9)\n"
"  --expect N        rx: frames sent, if no END frame arrives\n"
"  --linger-ms MS    rx, txrx: keep receiving this long after the end of\n"
"                    the stream (default 200)\n"
"  --end-copies N    tx: END frames sent, 2 ms apart (default 5)\n"
"  --reflected       rx: account reflected frames (txrx always does)\n"
"  --json FILE       write the result as JSON\n"
"  --quiet           no human summary\n"
"  -h, --help        this text\n"
"\n"
"Lab example (no hugepages, no PCI, one lcore):\n"
"  vfmig-probe --no-huge --no-pci -m 256 -l 0 --in-memory \\\n"
"      --vdev net_af_packet0,iface=veth0 -- rx --json out.json\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage.\n",
	HDRS_LEN + PROBE_HDR_LEN);
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "vfmig-probe: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (--help for usage)\n");
	return 2;
}

static bool parse_u64(const char *s, uint64_t *v, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long x;

	errno = 0;
	if (!s || !*s || *s == '-')
		return false;
	x = strtoull(s, &end, 0);
	if (errno || *end || x < min || x > max)
		return false;
	*v = x;
	return true;
}

enum {
	O_PORT = 256, O_RATE, O_COUNT, O_SECONDS, O_SIZE, O_RUN, O_DMAC, O_SMAC,
	O_SIP, O_DIP, O_SPORT, O_DPORT, O_JSON, O_EXPECT, O_LINGER, O_ENDS,
	O_REFL, O_QUIET,
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "port", 1, NULL, O_PORT }, { "rate", 1, NULL, O_RATE },
		{ "count", 1, NULL, O_COUNT }, { "seconds", 1, NULL, O_SECONDS },
		{ "size", 1, NULL, O_SIZE }, { "run-id", 1, NULL, O_RUN },
		{ "dst-mac", 1, NULL, O_DMAC }, { "src-mac", 1, NULL, O_SMAC },
		{ "src-ip", 1, NULL, O_SIP }, { "dst-ip", 1, NULL, O_DIP },
		{ "sport", 1, NULL, O_SPORT }, { "dport", 1, NULL, O_DPORT },
		{ "json", 1, NULL, O_JSON }, { "expect", 1, NULL, O_EXPECT },
		{ "linger-ms", 1, NULL, O_LINGER }, { "end-copies", 1, NULL, O_ENDS },
		{ "reflected", 0, NULL, O_REFL }, { "quiet", 0, NULL, O_QUIET },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;
	int c, i;

	memset(o, 0, sizeof(*o));
	o->rate = 10000;
	o->size = 128;
	o->linger_ms = 200;
	o->end_copies = 5;
	o->sport = 9;
	o->dport = 9;
	memset(&o->dst_mac, 0xff, sizeof(o->dst_mac));
	inet_pton(AF_INET, "198.18.0.1", &o->src_ip);
	inet_pton(AF_INET, "198.18.0.2", &o->dst_ip);

	if (argc < 1)
		return bad("%s", "a MODE is needed");
	if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
		usage(stdout);
		return -1;
	}
	for (i = 0; i < 4; i++)
		if (!strcmp(argv[0], mode_names[i]))
			break;
	if (i == 4)
		return bad("unknown mode '%s'", argv[0]);
	o->mode = (enum mode)i;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return -1;
		case O_PORT:
			if (!parse_u64(optarg, &v, 0, RTE_MAX_ETHPORTS - 1))
				return bad("bad --port '%s'", optarg);
			o->port = (uint16_t)v;
			break;
		case O_RATE:
			if (!parse_u64(optarg, &v, 10, 100000000) || v % 10)
				return bad("bad --rate '%s' (10..1e8, a multiple of 10)", optarg);
			o->rate = (uint32_t)v;
			break;
		case O_COUNT:
			if (!parse_u64(optarg, &v, 1, (uint64_t)1 << 32))
				return bad("bad --count '%s'", optarg);
			o->count = v;
			break;
		case O_SECONDS:
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno || *end || !(o->seconds > 0) || o->seconds > 1e6)
				return bad("bad --seconds '%s'", optarg);
			o->seconds_set = true;
			break;
		case O_SIZE:
			if (!parse_u64(optarg, &v, HDRS_LEN + PROBE_HDR_LEN, 1514))
				return bad("bad --size '%s'", optarg);
			o->size = (uint32_t)v;
			break;
		case O_RUN:
			if (!parse_u64(optarg, &v, 1, UINT32_MAX))
				return bad("bad --run-id '%s' (1..2^32-1)", optarg);
			o->run_id = (uint32_t)v;
			break;
		case O_DMAC:
		case O_SMAC:
			if (rte_ether_unformat_addr(optarg, c == O_DMAC ? &o->dst_mac : &o->src_mac))
				return bad("bad MAC address '%s'", optarg);
			if (c == O_SMAC)
				o->src_mac_set = true;
			break;
		case O_SIP:
		case O_DIP:
			if (inet_pton(AF_INET, optarg, c == O_SIP ? &o->src_ip : &o->dst_ip) != 1)
				return bad("bad IPv4 address '%s'", optarg);
			break;
		case O_SPORT:
		case O_DPORT:
			if (!parse_u64(optarg, &v, 1, 65535))
				return bad("bad UDP port '%s'", optarg);
			if (c == O_SPORT)
				o->sport = (uint16_t)v;
			else
				o->dport = (uint16_t)v;
			break;
		case O_JSON:
			o->json = optarg;
			break;
		case O_EXPECT:
			if (!parse_u64(optarg, &v, 1, (uint64_t)1 << 32))
				return bad("bad --expect '%s'", optarg);
			o->expect = v;
			break;
		case O_LINGER:
			if (!parse_u64(optarg, &v, 0, 600000))
				return bad("bad --linger-ms '%s'", optarg);
			o->linger_ms = (uint32_t)v;
			break;
		case O_ENDS:
			if (!parse_u64(optarg, &v, 0, 1000))
				return bad("bad --end-copies '%s'", optarg);
			o->end_copies = (uint32_t)v;
			break;
		case O_REFL:
			o->reflected = true;
			break;
		case O_QUIET:
			o->quiet = true;
			break;
		default:
			return bad("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if ((o->mode == M_TX || o->mode == M_TXRX) && !o->count) {
		double n = (o->seconds_set ? o->seconds : 5.0) * o->rate;

		if (n < 1 || n > (double)((uint64_t)1 << 32))
			return bad("%s", "--rate x --seconds must be 1..2^32 frames");
		o->count = (uint64_t)n;
	}
	if (o->mode == M_TXRX)
		o->reflected = true;
	return 0;
}

/* ---- port ---------------------------------------------------------------- */

static struct rte_mempool *g_pool;

static int port_up(const struct opts *o)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nrx = RING, ntx = RING;
	int rc;

	if (!rte_eth_dev_is_valid_port(o->port)) {
		fprintf(stderr, "vfmig-probe: no DPDK port %u (%u available; give one with "
			"--vdev net_af_packet0,iface=IF or a PCI device)\n",
			o->port, rte_eth_dev_count_avail());
		return -1;
	}
	g_pool = rte_pktmbuf_pool_create("probe_pool", NB_MBUF, 256, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (!g_pool) {
		fprintf(stderr, "vfmig-probe: mbuf pool: %s (give EAL more memory: -m)\n",
			rte_strerror(rte_errno));
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(o->port, &info);
	if (rc == 0)
		rc = rte_eth_dev_configure(o->port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(o->port, &nrx, &ntx);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(o->port, 0, nrx, rte_eth_dev_socket_id(o->port),
					    NULL, g_pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(o->port, 0, ntx, rte_eth_dev_socket_id(o->port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(o->port);
	if (rc) {
		fprintf(stderr, "vfmig-probe: port %u (%s): setup failed: %s\n", o->port,
			info.driver_name ? info.driver_name : "?", rte_strerror(-rc));
		return -1;
	}
	rte_eth_promiscuous_enable(o->port);	/* best effort */
	return 0;
}

/* ---- frames -------------------------------------------------------------- */

struct txstate {
	const struct opts *o;
	struct rte_ether_addr src_mac;
	uint64_t start_ns;	/* realtime at which seq 0 is due */
};

static struct rte_mbuf *build(const struct txstate *t, uint8_t kind, uint64_t seq)
{
	const struct opts *o = t->o;
	struct rte_mbuf *m = rte_pktmbuf_alloc(g_pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct probe_hdr *h;
	uint32_t plen = o->size - HDRS_LEN;
	char *p;

	if (!m)
		return NULL;
	p = rte_pktmbuf_append(m, (uint16_t)o->size);
	if (!p) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eth = (struct rte_ether_hdr *)p;
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	udp = (struct rte_udp_hdr *)(ip + 1);
	h = (struct probe_hdr *)(udp + 1);
	rte_ether_addr_copy(&o->dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(&t->src_mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(o->size - sizeof(*eth)));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = o->src_ip;
	ip->dst_addr = o->dst_ip;
	ip->packet_id = rte_cpu_to_be_16((uint16_t)seq);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(o->sport);
	udp->dst_port = rte_cpu_to_be_16(o->dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(plen + sizeof(*udp)));
	udp->dgram_cksum = 0;
	memset(h, 0, sizeof(*h));
	h->magic = PROBE_MAGIC;
	h->version = PROBE_VERSION;
	h->kind = kind;
	h->dir = PROBE_DIR_FWD;
	h->run_id = o->run_id;
	h->rate_pps = o->rate;
	h->seq = seq;
	h->start_ns = t->start_ns;
	h->tx_ns = now_ns(CLOCK_REALTIME);
	probe_seal(h, plen);
	return m;
}

/*
 * Classify a received frame. Returns the probe header (in the mbuf) of a
 * valid probe frame to our port, or NULL with *fc set.
 */
static struct probe_hdr *classify(struct rte_mbuf *m, uint16_t dport,
				  enum probe_verdict *pv, enum foreign_class *fc)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_ipv4_hdr ipc;
	uint32_t iplen, udplen;

	*fc = F_NOT_UDP;
	if (m->nb_segs != 1 || len < HDRS_LEN ||
	    eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != IPPROTO_UDP ||
	    (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
						    RTE_IPV4_HDR_OFFSET_MASK)))
		return NULL;
	memcpy(&ipc, ip, sizeof(ipc));
	ipc.hdr_checksum = 0;
	if (rte_ipv4_cksum(&ipc) != ip->hdr_checksum)
		return NULL;
	iplen = rte_be_to_cpu_16(ip->total_length);
	udplen = rte_be_to_cpu_16(udp->dgram_len);
	if (iplen < sizeof(*ip) + sizeof(*udp) || iplen > len - sizeof(*eth) ||
	    udplen != iplen - sizeof(*ip))
		return NULL;
	*fc = F_OTHER_PORT;
	if (udp->dst_port != rte_cpu_to_be_16(dport))
		return NULL;
	*pv = probe_check(udp + 1, udplen - (uint32_t)sizeof(*udp));
	if (*pv == PV_BAD_MAGIC) {
		*fc = F_MALFORMED;
		return NULL;
	}
	if (*pv == PV_BAD_CSUM) {
		*fc = F_BAD_CSUM;
		return NULL;
	}
	return (struct probe_hdr *)(udp + 1);
}

static void reflect(struct rte_mbuf *m, struct probe_hdr *h)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_ether_addr ta;
	rte_be32_t a;
	rte_be16_t pt;

	rte_ether_addr_copy(&eth->dst_addr, &ta);
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&ta, &eth->src_addr);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;		/* the IP checksum is unchanged by a swap */
	pt = udp->src_port;
	udp->src_port = udp->dst_port;
	udp->dst_port = pt;
	udp->dgram_cksum = 0;
	h->dir = PROBE_DIR_REFL;
	h->csum = 0;
	h->csum = probe_csum(h, h->len);
}

/* ---- output -------------------------------------------------------------- */

struct counters {
	uint64_t tx_frames;	/* DATA frames handed to the NIC */
	uint64_t tx_end;	/* END frames handed to the NIC */
	uint64_t tx_retry;	/* bursts the NIC did not take in full */
	uint64_t rx_frames;	/* every frame received */
	uint64_t reflected, reflect_fail;
	uint64_t start_rt, end_rt;
	uint64_t tx_done_rt;	/* when the last DATA frame was handed over */
	bool interrupted;
	struct rte_eth_stats st;	/* the port's own counters at the end */
};

static void fmt_time(uint64_t ns, char *buf, size_t n)
{
	time_t s = (time_t)(ns / 1000000000u);
	struct tm tm;
	char b[32];

	gmtime_r(&s, &tm);
	strftime(b, sizeof(b), "%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%09" PRIu64 "Z", b, ns % 1000000000u);
}

static int write_json(const struct opts *o, const struct counters *c, const struct acct *a,
		      const struct acct_result *r)
{
	FILE *f = fopen(o->json, "w");
	uint64_t i;
	int k;

	if (!f) {
		fprintf(stderr, "vfmig-probe: %s: %s\n", o->json, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"mode\": \"%s\",\n  \"port\": %u,\n", mode_names[o->mode], o->port);
	fprintf(f, "  \"run_id\": %u,\n  \"rate_pps\": %u,\n  \"frame_size\": %u,\n",
		a ? a->run_id : o->run_id, a && a->rate_pps ? a->rate_pps : o->rate, o->size);
	fprintf(f, "  \"start_ns\": %" PRIu64 ",\n  \"end_ns\": %" PRIu64 ",\n"
		"  \"tx_done_ns\": %" PRIu64 ",\n  \"interrupted\": %s,\n", c->start_rt, c->end_rt,
		c->tx_done_rt, c->interrupted ? "true" : "false");
	fprintf(f, "  \"tx_frames\": %" PRIu64 ",\n  \"tx_end_frames\": %" PRIu64 ",\n"
		"  \"tx_partial_bursts\": %" PRIu64 ",\n  \"rx_frames\": %" PRIu64 ",\n"
		"  \"reflected\": %" PRIu64 ",\n  \"reflect_tx_failed\": %" PRIu64,
		c->tx_frames, c->tx_end, c->tx_retry, c->rx_frames, c->reflected,
		c->reflect_fail);
	fprintf(f, ",\n  \"port_stats\": { \"ipackets\": %" PRIu64 ", \"opackets\": %" PRIu64
		", \"imissed\": %" PRIu64 ", \"ierrors\": %" PRIu64 ", \"oerrors\": %" PRIu64
		", \"rx_nombuf\": %" PRIu64 " }", c->st.ipackets, c->st.opackets, c->st.imissed,
		c->st.ierrors, c->st.oerrors, c->st.rx_nombuf);
	if (a) {
		fprintf(f, ",\n  \"foreign\": %" PRIu64 ",\n  \"foreign_by_class\": {",
			acct_foreign_total(a));
		for (k = 0; k < F_NCLASS; k++)
			fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : " ", foreign_names[k],
				a->foreign[k]);
		fprintf(f, " }");
	}
	if (a && r) {
		fprintf(f, ",\n  \"sent\": %" PRIu64 ",\n  \"sent_from\": \"%s\",\n"
			"  \"received\": %" PRIu64 ",\n  \"lost\": %" PRIu64 ",\n"
			"  \"head_lost\": %" PRIu64 ",\n  \"tail_lost\": %" PRIu64 ",\n"
			"  \"reordered\": %" PRIu64 ",\n  \"duplicated\": %" PRIu64 ",\n"
			"  \"arrivals\": %" PRIu64 ",\n  \"out_of_range\": %" PRIu64 ",\n"
			"  \"end_frames\": %" PRIu64 ",\n",
			r->sent, r->sent_from, r->received, r->lost, r->head_lost, r->tail_lost,
			a->reordered, a->duplicated, a->arrivals, a->out_of_range, a->end_frames);
		fprintf(f, "  \"longest_gap_ns\": %" PRIu64 ",\n  \"longest_gap_ms\": %.6f,\n"
			"  \"gap_from_ns\": %" PRIu64 ",\n  \"gap_to_ns\": %" PRIu64 ",\n"
			"  \"gap_from_seq\": %" PRIu64 ",\n  \"gap_to_seq\": %" PRIu64 ",\n",
			a->gap_ns, a->gap_ns / 1e6, a->gap_from_ns, a->gap_to_ns,
			a->gap_from_seq, a->gap_to_seq);
		fprintf(f, "  \"first_rx_ns\": %" PRIu64 ",\n  \"last_rx_ns\": %" PRIu64 ",\n",
			a->first_rx_ns, a->last_rx_ns);
		fprintf(f, "  \"gaps_min_ms\": %.3f,\n  \"gaps_dropped\": %" PRIu64 ",\n"
			"  \"gaps\": [", acct_gap_min_ns(a) / 1e6, a->gaps_dropped);
		for (k = 0; k < (int)a->ngaps; k++)
			fprintf(f, "%s\n    { \"from_ns\": %" PRIu64 ", \"to_ns\": %" PRIu64
				", \"ms\": %.6f, \"from_seq\": %" PRIu64 ", \"to_seq\": %" PRIu64 " }",
				k ? "," : "", a->gaps[k].from_ns, a->gaps[k].to_ns,
				(a->gaps[k].to_ns - a->gaps[k].from_ns) / 1e6,
				a->gaps[k].from_seq, a->gaps[k].to_seq);
		fprintf(f, "%s],\n", a->ngaps ? "\n  " : "");
		fprintf(f, "  \"longest_loss_run\": %" PRIu64 ",\n"
			"  \"longest_loss_run_first_seq\": %" PRIu64 ",\n"
			"  \"longest_loss_run_ms\": %.6f,\n",
			r->loss_run, r->loss_run_first,
			a->rate_pps ? r->loss_run * 1e3 / a->rate_pps : 0.0);
		if (a->arrivals)
			fprintf(f, "  \"transit_ns\": { \"min\": %" PRId64 ", \"avg\": %.0f, "
				"\"max\": %" PRId64 " },\n", a->transit_min,
				a->transit_sum / (double)a->arrivals, a->transit_max);
		fprintf(f, "  \"histogram_start_ns\": %" PRIu64 ",\n"
			"  \"histogram_bin_ms\": 100,\n  \"histogram_bin_frames\": %" PRIu64 ",\n"
			"  \"loss_histogram\": [", a->start_ns, r->bin_frames);
		for (i = 0; i < r->nbins; i++)
			fprintf(f, "%s%" PRIu64, i ? ", " : "", r->bin_lost[i]);
		fprintf(f, "]");
	}
	fprintf(f, "\n}\n");
	if (fclose(f)) {
		fprintf(stderr, "vfmig-probe: %s: %s\n", o->json, strerror(errno));
		return -1;
	}
	return 0;
}

static void summary(const struct opts *o, const struct counters *c, const struct acct *a,
		    const struct acct_result *r)
{
	char t1[48], t2[48];
	double secs = (double)(c->tx_done_rt - c->start_rt) / 1e9;

	printf("vfmig-probe %s:%s", mode_names[o->mode], c->interrupted ? " (interrupted)" : "");
	if (o->mode == M_TX || o->mode == M_TXRX)
		printf(" sent %" PRIu64 " frames + %" PRIu64 " END in %.3f s (%.0f pps)",
		       c->tx_frames, c->tx_end, secs, secs > 0 ? c->tx_frames / secs : 0.0);
	if (o->mode == M_REFLECT)
		printf(" reflected %" PRIu64 " of %" PRIu64 " frames, foreign %" PRIu64,
		       c->reflected, c->rx_frames, acct_foreign_total(a));
	printf("\n");
	if (!r)
		return;
	printf("  run %u: sent %" PRIu64 " (%s), received %" PRIu64 ", lost %" PRIu64
	       " (%.3f%%), reordered %" PRIu64 ", duplicated %" PRIu64 ", foreign %" PRIu64 "\n",
	       a->run_id, r->sent, r->sent_from, r->received, r->lost,
	       r->sent ? 100.0 * r->lost / r->sent : 0.0, a->reordered, a->duplicated,
	       acct_foreign_total(a));
	fmt_time(a->gap_from_ns, t1, sizeof(t1));
	fmt_time(a->gap_to_ns, t2, sizeof(t2));
	printf("  longest gap %.3f ms (seq %" PRIu64 " at %s -> seq %" PRIu64 " at %s); "
	       "longest loss run %" PRIu64 " frames; tail lost %" PRIu64 "\n",
	       a->gap_ns / 1e6, a->gap_from_seq, t1, a->gap_to_seq, t2, r->loss_run,
	       r->tail_lost);
}

/* ---- main loop ----------------------------------------------------------- */

static int run(const struct opts *o, struct counters *c, struct acct *a)
{
	bool do_tx = o->mode == M_TX || o->mode == M_TXRX;
	bool do_rx = o->mode != M_TX;
	uint8_t want_dir = o->reflected ? PROBE_DIR_REFL : PROBE_DIR_FWD;
	uint64_t seq = 0, t0, now, deadline = UINT64_MAX, end_at = UINT64_MAX;
	uint64_t next_end = 0, period_div = o->rate;
	uint32_t ends_left = do_tx ? o->end_copies : 0;
	bool tx_done = !do_tx;
	struct txstate t;
	struct rte_mbuf *pk[BURST], *out[BURST];
	uint16_t n, k, nout, sent;
	int rc;

	t.o = o;
	if (o->src_mac_set)
		rte_ether_addr_copy(&o->src_mac, &t.src_mac);
	else if (rte_eth_macaddr_get(o->port, &t.src_mac))
		memset(&t.src_mac, 0, sizeof(t.src_mac));
	t0 = now_ns(CLOCK_MONOTONIC);
	c->start_rt = now_ns(CLOCK_REALTIME);
	t.start_ns = c->start_rt;
	if (!do_tx && o->seconds_set)
		deadline = t0 + (uint64_t)(o->seconds * 1e9);

	while (!g_stop) {
		now = now_ns(CLOCK_MONOTONIC);
		if (now >= deadline || now >= end_at)
			break;
		if (!tx_done) {
			/* seq s is due at t0 + s / rate */
			for (n = 0; n < BURST && seq + n < o->count &&
			     t0 + (seq + n) * 1000000000u / period_div <= now; n++)
				;
			for (k = 0; k < n; k++) {
				pk[k] = build(&t, PROBE_KIND_DATA, seq + k);
				if (!pk[k])
					break;
			}
			n = k;
			sent = n ? rte_eth_tx_burst(o->port, 0, pk, n) : 0;
			if (sent < n) {
				c->tx_retry++;
				rte_pktmbuf_free_bulk(pk + sent, n - sent);
			}
			seq += sent;	/* what was not taken is built again */
			c->tx_frames = seq;
			if (seq >= o->count) {
				tx_done = true;
				c->tx_done_rt = now_ns(CLOCK_REALTIME);
				next_end = now;
				if (!ends_left)
					end_at = now + (do_rx ? o->linger_ms * 1000000ull : 0);
			}
		} else if (ends_left && now >= next_end) {
			pk[0] = build(&t, PROBE_KIND_END, seq);
			if (pk[0] && rte_eth_tx_burst(o->port, 0, pk, 1) == 1) {
				c->tx_end++;
				ends_left--;
				next_end = now + 2000000;
				if (!ends_left)
					end_at = now + (do_rx ? o->linger_ms * 1000000ull : 0);
			} else if (pk[0]) {
				rte_pktmbuf_free(pk[0]);
			}
		}
		if (!do_rx)
			continue;
		n = rte_eth_rx_burst(o->port, 0, pk, BURST);
		if (!n)
			continue;
		now = now_ns(CLOCK_REALTIME);
		c->rx_frames += n;
		nout = 0;
		for (k = 0; k < n; k++) {
			enum probe_verdict pv = PV_BAD_MAGIC;
			enum foreign_class fc = F_NOT_UDP;
			struct probe_hdr *h = classify(pk[k], o->dport, &pv, &fc);
			struct probe_hdr hh;

			if (!h) {
				acct_foreign(a, fc);
				rte_pktmbuf_free(pk[k]);
				continue;
			}
			memcpy(&hh, h, sizeof(hh));
			if (o->mode == M_REFLECT) {
				if (hh.dir != PROBE_DIR_FWD) {
					acct_foreign(a, F_WRONG_DIR);
					rte_pktmbuf_free(pk[k]);
					continue;
				}
				/* the one-way view: what reached the reflector */
				if (acct_frame(a, &hh, now) < 0) {
					fprintf(stderr, "vfmig-probe: out of memory for seq %" PRIu64 "\n",
						hh.seq);
					rte_pktmbuf_free_bulk(pk + k, n - k);
					return -1;
				}
				reflect(pk[k], h);
				out[nout++] = pk[k];
				continue;
			}
			if (hh.dir != want_dir) {
				acct_foreign(a, F_WRONG_DIR);
			} else {
				rc = acct_frame(a, &hh, now);
				if (rc < 0) {
					fprintf(stderr, "vfmig-probe: out of memory for seq %" PRIu64 "\n",
						hh.seq);
					rte_pktmbuf_free_bulk(pk + k, n - k);
					return -1;
				}
				if (rc > 0 && hh.kind == PROBE_KIND_END && o->mode == M_RX &&
				    end_at == UINT64_MAX)
					end_at = now_ns(CLOCK_MONOTONIC) + o->linger_ms * 1000000ull;
			}
			rte_pktmbuf_free(pk[k]);
		}
		if (nout) {
			sent = rte_eth_tx_burst(o->port, 0, out, nout);
			c->reflected += sent;
			if (sent < nout) {
				c->reflect_fail += nout - sent;
				rte_pktmbuf_free_bulk(out + sent, nout - sent);
			}
		}
	}
	if (g_stop) {
		c->interrupted = true;
		/* a generator stopped by a signal still says how many it sent */
		while (do_tx && ends_left) {
			pk[0] = build(&t, PROBE_KIND_END, seq);
			if (!pk[0] || rte_eth_tx_burst(o->port, 0, pk, 1) != 1) {
				if (pk[0])
					rte_pktmbuf_free(pk[0]);
				break;
			}
			c->tx_end++;
			ends_left--;
		}
	}
	c->end_rt = now_ns(CLOCK_REALTIME);
	if (do_tx && !c->tx_done_rt)
		c->tx_done_rt = c->end_rt;
	if (rte_eth_stats_get(o->port, &c->st))
		memset(&c->st, 0, sizeof(c->st));
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct counters c;
	struct acct a;
	struct acct_result r;
	bool have_r = false;
	int sep, i, rc, ret = 0;
	char **eal_argv;

	/* EAL options, then "--", then ours; ours are checked before EAL starts */
	for (sep = 1; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep == argc) {
		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				usage(stdout);
				return 0;
			}
		return bad("%s", "no '--' between EAL options and MODE");
	}
	rc = parse_opts(argc - sep - 1, argv + sep + 1, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!o.run_id && (o.mode == M_TX || o.mode == M_TXRX)) {
		srandom((unsigned int)(now_ns(CLOCK_REALTIME) ^ (uint64_t)getpid() << 16));
		o.run_id = (uint32_t)random() | 1;
	}

	eal_argv = calloc((size_t)sep + 1, sizeof(*eal_argv));
	if (!eal_argv)
		return 1;
	memcpy(eal_argv, argv, (size_t)sep * sizeof(*eal_argv));
	rc = rte_eal_init(sep, eal_argv);
	if (rc < 0) {
		fprintf(stderr, "vfmig-probe: EAL initialisation failed: %s%s\n",
			rte_strerror(rte_errno), rte_errno == EINVAL ? "" :
			" (without hugepages: --no-huge -m 256; see dpdk-test/README.md)");
		free(eal_argv);
		return rte_errno == EINVAL ? 2 : 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	memset(&c, 0, sizeof(c));
	if (acct_init(&a, o.count ? o.count : (o.expect ? o.expect : 1u << 20))) {
		fprintf(stderr, "vfmig-probe: out of memory\n");
		ret = 1;
		goto out;
	}
	acct_set_run(&a, o.run_id);
	if (port_up(&o)) {
		ret = 1;
		goto out_acct;
	}
	if (run(&o, &c, &a)) {
		ret = 1;
		goto out_port;
	}
	if (o.mode != M_TX) {
		if (acct_finish(&a, o.mode == M_TXRX ? c.tx_frames : o.expect, &r)) {
			fprintf(stderr, "vfmig-probe: out of memory\n");
			ret = 1;
			goto out_port;
		}
		have_r = true;
	}
	if (!o.quiet)
		summary(&o, &c, &a, have_r ? &r : NULL);
	if (o.json && write_json(&o, &c, o.mode == M_TX ? NULL : &a, have_r ? &r : NULL))
		ret = 1;
	if (have_r)
		acct_result_free(&r);
out_port:
	rte_eth_dev_stop(o.port);
	rte_eth_dev_close(o.port);
out_acct:
	acct_free(&a);
out:
	rte_eal_cleanup();
	free(eal_argv);
	return ret;
}
